//! The format a command writes when `--output-type` is not given: the one the file name (or
//! `--filename-override`) gives, binary for standard input without one, never `--input-type`'s,
//! as in sops. Every command that writes plaintext or an encrypted file (decrypt, `-d`,
//! exec-file, edit, encrypt, set, rotate), from a file and from standard input, against the real
//! sops.

use std::process::Output;

use crate::support::twin::{Tool, Twin};

/// A JSON file whose `data` key is what the binary store writes on its own.
const PLAIN: &str = "{\"data\": \"raw text\\nline2\", \"n\": 1}\n";

/// What a file name does not settle: ciphertexts, IVs, tags, wrapped keys and times differ
/// between two encryptions of the same input.
fn masked(text: &str) -> String {
    let enc_value = regex::Regex::new(r"ENC\[AES256_GCM,[^\]]*\]").unwrap();
    let json_armor = regex::Regex::new(r#""enc": "-----BEGIN AGE[^"]*""#).unwrap();
    let mut in_armor = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("-----BEGIN AGE") {
            in_armor = true;
        }
        if in_armor {
            in_armor = !trimmed.starts_with("-----END AGE");
            continue;
        }
        if trimmed.contains("lastmodified") {
            continue;
        }
        let line = enc_value.replace_all(line, "ENC[...]");
        lines.push(
            json_armor
                .replace_all(&line, "\"enc\": \"...\"")
                .into_owned(),
        );
    }
    lines.join("\n")
}

/// Standard output and exit code.
fn printed(out: &Output) -> (String, Option<i32>) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

/// Both tools print the same bytes and exit the same way.
fn same_output(twin: &Twin, args: &[&str], stdin: &[u8]) {
    let [sops, ours] = Tool::BOTH.map(|tool| twin.run(tool, args, &[], stdin));
    assert_eq!(
        printed(&ours),
        printed(&sops),
        "{args:?}: sops-rs prints something else; sops's stderr: {}",
        String::from_utf8_lossy(&sops.stderr)
    );
}

/// Both tools write the same layout, once what differs between any two encryptions is masked.
fn same_encrypted(sops: &str, ours: &str, what: &str) {
    assert_eq!(masked(ours), masked(sops), "{what}");
}

/// `d.txt`: the JSON file sops encrypted, under a name that says "binary".
fn encrypted_json_named_txt(twin: &Twin) -> String {
    let plain = twin.write("plain.json", PLAIN);
    twin.write("d.txt", &twin.encrypted_by_sops(&plain))
}

#[test]
fn decrypt_writes_the_format_of_the_file_name() {
    let twin = Twin::new();
    let file = encrypted_json_named_txt(&twin);
    let contents = std::fs::read(&file).unwrap();
    for args in [
        &["decrypt", "--input-type", "json", &file][..],
        &["-d", "--input-type", "json", &file],
        &[
            "decrypt",
            "--input-type",
            "json",
            "--filename-override",
            "x.yaml",
            &file,
        ],
        &[
            "decrypt",
            "--input-type",
            "json",
            "--extract",
            "[\"data\"]",
            &file,
        ],
        // A structured value cannot be extracted as binary (exit 4 in both).
        &[
            "decrypt",
            "--input-type",
            "json",
            "--extract",
            "[\"n\"]",
            &file,
        ],
        &["exec-file", "--input-type", "json", &file, "cat {}"],
        &[
            "exec-file",
            "--no-fifo",
            "--input-type",
            "json",
            &file,
            "cat {}",
        ],
    ] {
        same_output(&twin, args, b"");
    }
    for args in [
        &["decrypt", "--input-type", "json"][..],
        &[
            "decrypt",
            "--input-type",
            "json",
            "--filename-override",
            "x.yaml",
        ],
        &["decrypt", "--filename-override", "x.json"],
        // No name and no --output-type: binary, which a YAML tree is not (exit 4).
        &["decrypt", "--input-type", "yaml"],
    ] {
        same_output(&twin, args, &contents);
    }
    let yaml = twin.run(
        Tool::Sops,
        &["decrypt", "--output-type", "yaml", &file],
        &[],
        b"",
    );
    same_output(&twin, &["decrypt", "--input-type", "yaml"], &yaml.stdout);
}

#[test]
fn edit_shows_the_format_of_the_file_name() {
    let twin = Twin::new();
    let file = encrypted_json_named_txt(&twin);
    // The editor keeps a copy of what it was shown and changes nothing (exit 200).
    let editor = twin.write("editor.sh", "#!/bin/sh\ncp \"$1\" \"$SEEN\"\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let shown = Tool::BOTH.map(|tool| {
        let seen = twin.path(&format!("seen-{tool:?}"));
        let out = twin.run(
            tool,
            &["edit", "--input-type", "json", &file],
            &[("EDITOR", &editor), ("SEEN", &seen)],
            b"",
        );
        assert_eq!(out.status.code(), Some(200), "{tool:?}");
        std::fs::read_to_string(&seen).unwrap()
    });
    assert_eq!(shown[1], shown[0]);
    assert_eq!(shown[0], "raw text\nline2");
}

#[test]
fn encrypt_set_and_rotate_write_the_format_of_the_file_name() {
    let twin = Twin::new();
    let age = ["--age", twin.recipient.as_str()];
    let json_named_txt = twin.write("plain.txt", PLAIN);
    let yaml = twin.write("plain.yaml", "a: 1\n");
    for (args, stdin) in [
        // The binary store's envelope, with the rule a JSON input gets.
        (vec!["encrypt", "--input-type", "json", &json_named_txt], ""),
        (
            vec![
                "encrypt",
                "--input-type",
                "json",
                "--filename-override",
                "x.txt",
            ],
            PLAIN,
        ),
        // Binary input stores no rule, whatever the output.
        (vec!["encrypt", "--input-type", "binary", &yaml], ""),
        (vec!["-e", "--input-type", "json", &json_named_txt], ""),
    ] {
        // The key flag goes before the file name (sops parses no flag after it).
        let args: Vec<&str> = [&args[..1], &age[..], &args[1..]].concat();
        let [sops, ours] = Tool::BOTH.map(|tool| twin.run(tool, &args, &[], stdin.as_bytes()));
        assert!(
            sops.status.success(),
            "{}",
            String::from_utf8_lossy(&sops.stderr)
        );
        same_encrypted(
            &String::from_utf8_lossy(&sops.stdout),
            &String::from_utf8_lossy(&ours.stdout),
            &format!("{args:?}"),
        );
    }
    let file = encrypted_json_named_txt(&twin);
    let original = std::fs::read_to_string(&file).unwrap();
    let [sops, ours] = Tool::BOTH.map(|tool| {
        let copy = twin.write(&format!("set-{tool:?}.txt"), &original);
        let out = twin.run(
            tool,
            &["set", "--input-type", "json", &copy, "[\"n\"]", "5"],
            &[],
            b"",
        );
        assert!(
            out.status.success(),
            "{tool:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(&copy).unwrap()
    });
    same_encrypted(&sops, &ours, "set");
    let [sops, ours] =
        Tool::BOTH.map(|tool| twin.run(tool, &["rotate", "--input-type", "json", &file], &[], b""));
    same_encrypted(
        &String::from_utf8_lossy(&sops.stdout),
        &String::from_utf8_lossy(&ours.stdout),
        "rotate",
    );
}
