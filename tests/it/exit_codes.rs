//! sops's exit codes, one row per case: the real sops and sops-rs run the same command line on
//! the same files, and each exits with the row's code. A row whose two codes differ is listed
//! under "Different on purpose" in docs/compatibility.md.

use crate::support::twin::{Tool, Twin};

/// One case: what it is, the command line (split at spaces; `RECIPIENT` is the home's age
/// recipient, files are relative to the home, the working directory), extra environment
/// (`NAME=value`, or empty), standard input, and the exit code of sops and of sops-rs.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    i32,
);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // Plaintext the encrypt command refuses.
    ("comment-only YAML", "encrypt --age RECIPIENT comments.yaml", "", "", 2, 2),
    ("blank YAML", "encrypt --age RECIPIENT blank.yaml", "", "", 2, 2),
    ("empty YAML", "encrypt --age RECIPIENT empty.yaml", "", "", 92, 92),
    ("an integer as a mapping key", "encrypt --age RECIPIENT int-key.yaml", "", "", 23, 23),
    ("a time as a mapping key", "encrypt --age RECIPIENT time-key.yaml", "", "", 23, 23),
    ("a list as a mapping key", "encrypt --age RECIPIENT list-key.yaml", "", "", 2, 2),
    ("an integer above int64", "encrypt --age RECIPIENT uint.yaml", "", "", 23, 23),
    ("malformed JSON", "encrypt --age RECIPIENT bad.json", "", "", 2, 2),
    ("already encrypted", "encrypt --age RECIPIENT enc.yaml", "", "", 203, 203),
    ("missing file", "encrypt --age RECIPIENT missing.yaml", "", "", 100, 100),
    ("a directory", "encrypt --age RECIPIENT dir.yaml", "", "", 2, 2),
    ("stdin without --filename-override", "encrypt --age RECIPIENT", "", "a: 1\n", 8, 8),
    ("-i with stdin", "encrypt -i --age RECIPIENT --filename-override x.yaml", "", "a: 1\n", 8, 8),
    ("two selection rules",
     "encrypt --age RECIPIENT --encrypted-regex a --unencrypted-regex b plain.yaml", "", "", 8, 8),
    ("a bad --encryption-context",
     "encrypt --age RECIPIENT --encryption-context nocolon plain.yaml", "", "", 6, 6),
    ("no keys and no creation rule", "encrypt plain.yaml", "", "", 1, 1),
    ("an empty key group", "--config empty-group.yaml encrypt plain.yaml", "", "", 1, 1),
    // Files that are not (good) sops files.
    ("missing file", "decrypt missing.yaml", "", "", 100, 100),
    ("a directory", "decrypt dir.yaml", "", "", 2, 2),
    ("a plaintext file", "decrypt plain.yaml", "", "", 1, 1),
    ("malformed JSON", "decrypt bad.json", "", "", 1, 1),
    ("an integer as a mapping key", "decrypt int-key.enc.yaml", "", "", 25, 25),
    ("empty standard input", "decrypt", "", "", 1, 1),
    ("a changed MAC", "decrypt mac.enc.yaml", "", "", 51, 51),
    ("a changed MAC, --ignore-mac", "decrypt --ignore-mac mac.enc.yaml", "", "", 0, 0),
    ("a changed value", "decrypt tampered.enc.yaml", "", "", 25, 25),
    ("no key opens it", "decrypt enc.yaml", "SOPS_AGE_KEY_FILE=other-key.txt", "", 128, 128),
    ("-i with --output", "decrypt -i --output out.yaml enc.yaml", "", "", 8, 8),
    ("an --extract path that does not parse", "decrypt --extract nope enc.yaml", "", "", 91, 91),
    ("an --extract path not in the file", "decrypt --extract [\"b\"] enc.yaml", "", "", 1, 1),
    ("structured data as binary", "decrypt --output-type binary enc.yaml", "", "", 4, 4),
    ("a duplicate in --decryption-order",
     "decrypt --decryption-order age,age enc.yaml", "", "", 112, 112),
    ("a duplicate in SOPS_DECRYPTION_ORDER",
     "decrypt enc.yaml", "SOPS_DECRYPTION_ORDER=age,age", "", 112, 112),
    // filestatus ends every failure with 1; a plain binary file is one (sops-rs prints false).
    ("filestatus of a missing file", "filestatus missing.yaml", "", "", 1, 1),
    ("filestatus of a directory", "filestatus dir.yaml", "", "", 1, 1),
    ("filestatus of malformed JSON", "filestatus bad.json", "", "", 1, 1),
    ("filestatus of a plain binary file", "filestatus plain.bin", "", "", 1, 0),
    // Commands that change a file.
    ("set with a value that is not JSON", "set enc.yaml [\"a\"] {nope", "", "", 7, 7),
    ("set with a path that does not parse", "set enc.yaml nope 1", "", "", 7, 7),
    ("set on malformed JSON", "set bad.json [\"a\"] 1", "", "", 1, 1),
    ("unset of a missing key", "unset enc.yaml [\"b\"]", "", "", 1, 1),
    ("rotate --add-age on a missing file",
     "rotate --add-age RECIPIENT missing.yaml", "", "", 49, 49),
    ("edit without a change", "edit enc.yaml", "EDITOR=true", "", 200, 200),
    ("an editor that fails", "edit enc.yaml", "EDITOR=false", "", 201, 201),
    ("a new file with an empty key group",
     "--config empty-group.yaml edit new.yaml", "EDITOR=true", "", 128, 128),
    ("updatekeys without a creation rule",
     "--config no-rules.yaml updatekeys -y enc.yaml", "", "", 1, 1),
    ("exec-env passes the child's code on", "exec-env enc.yaml ./exit7.sh", "", "", 7, 7),
];

/// The files the rows name, in the home of `twin`.
fn prepare(twin: &Twin) {
    for (name, content) in [
        ("plain.yaml", "a: 1\n"),
        ("comments.yaml", "# only a comment\n"),
        ("blank.yaml", "\n\n"),
        ("empty.yaml", ""),
        ("int-key.yaml", "1: a\n"),
        ("time-key.yaml", "2024-01-31: a\n"),
        ("list-key.yaml", "[a]: b\n"),
        ("uint.yaml", "a: 10000000000000000000\n"),
        ("bad.json", "{"),
        ("plain.bin", "not JSON\n"),
        (
            "empty-group.yaml",
            "creation_rules:\n  - key_groups: [{}]\n",
        ),
        ("no-rules.yaml", "{}\n"),
        ("exit7.sh", "#!/bin/sh\nexit 7\n"),
    ] {
        twin.write(name, content);
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        twin.path("exit7.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::create_dir(twin.path("dir.yaml")).unwrap();
    let other = age::x25519::Identity::generate();
    use age::secrecy::ExposeSecret;
    twin.write(
        "other-key.txt",
        &format!("{}\n", other.to_string().expose_secret()),
    );
    let encrypted = twin.encrypted_by_sops("plain.yaml");
    twin.write("enc.yaml", &encrypted);
    twin.write("int-key.enc.yaml", &format!("1: a\n{encrypted}"));
    // The MAC and the value of `a` each get another ciphertext byte.
    let swap_first_data_byte = |text: &str, prefix: &str| {
        let at = text.find(prefix).unwrap() + prefix.len() + "ENC[AES256_GCM,data:".len();
        let replacement = if &text[at..=at] == "A" { "B" } else { "A" };
        format!("{}{replacement}{}", &text[..at], &text[at + 1..])
    };
    twin.write(
        "mac.enc.yaml",
        &swap_first_data_byte(&encrypted, "    mac: "),
    );
    twin.write(
        "tampered.enc.yaml",
        &swap_first_data_byte(&encrypted, "a: "),
    );
}

#[test]
fn every_exit_code_matches_sops() {
    let twin = Twin::new();
    prepare(&twin);
    let mut wrong = Vec::new();
    for &(what, line, env, stdin, sops, sops_rs) in ROWS {
        let args: Vec<&str> = line
            .split(' ')
            .filter(|a| !a.is_empty())
            .map(|a| {
                if a == "RECIPIENT" {
                    twin.recipient.as_str()
                } else {
                    a
                }
            })
            .collect();
        let env: Vec<(&str, &str)> = env.split_once('=').into_iter().collect();
        for (tool, expected) in [(Tool::Sops, sops), (Tool::SopsRs, sops_rs)] {
            let out = twin.run(tool, &args, &env, stdin.as_bytes());
            if out.status.code() != Some(expected) {
                wrong.push(format!(
                    "{what}: {tool:?} {line} exited {:?}, expected {expected}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).trim_end()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
