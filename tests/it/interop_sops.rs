//! Interop with the real sops 3.12.2 binary, both ways: files sops-rs encrypts decrypt in sops to
//! what sops's own encryption of the same input decrypts to, and files sops encrypts decrypt in
//! sops-rs to exactly what sops prints.

use std::process::Output;

use crate::support::{TestEnv, ok, path_arg};

const YAML_INPUT: &str = include_str!("../../fixtures/plain/everything.yaml");

const JSON_INPUT: &str = include_str!("../../fixtures/plain/everything.json");

/// sops-rs holding identity `key` of `env`.
fn ours(env: &TestEnv, key: usize, args: &[&str]) -> Output {
    let mut cmd = env.sops_rs();
    cmd.env("SOPS_AGE_KEY_FILE", &env.keys[key].file);
    cmd.args(args).output().unwrap()
}

/// The real sops (with the empty config) holding identity `key` of `env`.
fn sops(env: &TestEnv, key: usize, args: &[&str]) -> Output {
    let mut cmd = env.sops_without_config();
    cmd.env("SOPS_AGE_KEY_FILE", &env.keys[key].file);
    cmd.args(args).output().unwrap()
}

/// The recipients of `env`'s identities, comma-separated.
fn recipients(env: &TestEnv) -> String {
    env.keys
        .iter()
        .map(|k| k.recipient.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Encrypts `input` with sops-rs and with sops under the same flags, then checks that sops
/// decrypts both to the same bytes, with either recipient's key.
fn sops_reads_ours(env: &TestEnv, name: &str, input: &str, rule_flags: &[&str], global: &[&str]) {
    let plain = env.write(name, input);
    let recipients = recipients(env);
    let mut ours_args: Vec<&str> = global.to_vec();
    ours_args.extend(["encrypt", "--age", &recipients]);
    ours_args.extend(rule_flags);
    let plain_s = path_arg(&plain);
    ours_args.push(&plain_s);
    let ours = ok(ours(env, 0, &ours_args), "sops-rs encrypt").into_bytes();
    let ours_file = env.write(&format!("ours-{name}"), std::str::from_utf8(&ours).unwrap());

    // The reference uses sops's legacy `-e` mode: sops 3.12.2 silently ignores the comment
    // rules and --mac-only-encrypted when they come before the `encrypt` subcommand.
    let mut sops_args: Vec<&str> = global.to_vec();
    sops_args.extend(["--encrypt", "--age", &recipients]);
    sops_args.extend(rule_flags);
    sops_args.push(&plain_s);
    let theirs = ok(sops(env, 0, &sops_args), "sops encrypt").into_bytes();
    let theirs_file = env.write(
        &format!("sops-{name}"),
        std::str::from_utf8(&theirs).unwrap(),
    );

    for key in 0..2 {
        let ours_plain = ok(
            sops(env, key, &["decrypt", &path_arg(&ours_file)]),
            "sops decrypt of ours",
        )
        .into_bytes();
        let sops_plain = ok(
            sops(env, key, &["decrypt", &path_arg(&theirs_file)]),
            "sops decrypt of its own",
        )
        .into_bytes();
        assert_eq!(
            String::from_utf8_lossy(&ours_plain),
            String::from_utf8_lossy(&sops_plain),
            "{name} {rule_flags:?}: sops reads our file differently"
        );
    }
    // Both tools leave the same values in clear under the same rule.
    let clear = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| {
                !l.contains("ENC[")
                    && !l.contains("sops")
                    && !l.trim_start().starts_with("lastmodified")
            })
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let before_metadata = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes).into_owned();
        text.split("sops").next().unwrap_or_default().to_string()
    };
    assert_eq!(
        clear(before_metadata(&ours).as_bytes()),
        clear(before_metadata(&theirs).as_bytes()),
        "{name} {rule_flags:?}"
    );
}

#[test]
fn sops_decrypts_what_sops_rs_encrypts_yaml() {
    let env = TestEnv::with_identities(2);
    sops_reads_ours(&env, "app.yaml", YAML_INPUT, &[], &[]);
    for rule in [
        &["--encrypted-regex", "^(password|secret_token)$"][..],
        &["--unencrypted-regex", "^public"],
        &["--encrypted-suffix", "_token"],
        &["--unencrypted-suffix", "_name"],
    ] {
        sops_reads_ours(&env, "app.yaml", YAML_INPUT, rule, &[]);
    }
    // sops 3.12.2 reads the comment rules only in its legacy form (the reference here): it
    // refuses them after `encrypt` and ignores them before it. sops-rs takes them after `encrypt`.
    for rule in [
        &["--encrypted-comment-regex", "inline"][..],
        &["--unencrypted-comment-regex", "head"],
    ] {
        sops_reads_ours(&env, "app.yaml", YAML_INPUT, rule, &[]);
    }
    sops_reads_ours(
        &env,
        "app.yaml",
        YAML_INPUT,
        &["--encrypted-regex", "^password$"],
        &["--mac-only-encrypted"],
    );
}

#[test]
fn sops_decrypts_what_sops_rs_encrypts_json() {
    let env = TestEnv::with_identities(2);
    sops_reads_ours(&env, "app.json", JSON_INPUT, &[], &[]);
    sops_reads_ours(
        &env,
        "app.json",
        JSON_INPUT,
        &["--encrypted-regex", "^password$"],
        &[],
    );
}

/// sops encrypts; sops-rs decrypts to exactly the bytes sops prints.
fn ours_reads_sops(env: &TestEnv, name: &str, input: &str, global: &[&str], extra: &[&str]) {
    let plain = env.write(name, input);
    let recipients = recipients(env);
    // Legacy `-e` mode: the only one in which sops 3.12.2 honours every rule flag.
    let mut args = global.to_vec();
    args.extend(["--encrypt", "--age", &recipients]);
    args.extend(extra);
    let plain_s = path_arg(&plain);
    args.push(&plain_s);
    let encrypted = ok(sops(env, 0, &args), "sops encrypt").into_bytes();
    let file = env.write(
        &format!("enc-{name}"),
        std::str::from_utf8(&encrypted).unwrap(),
    );
    for key in 0..2 {
        let theirs = ok(
            sops(env, key, &["decrypt", &path_arg(&file)]),
            "sops decrypt",
        )
        .into_bytes();
        let ours = ok(
            ours(env, key, &["decrypt", &path_arg(&file)]),
            "sops-rs decrypt",
        )
        .into_bytes();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "{name} {extra:?}"
        );
    }
}

#[test]
fn sops_rs_decrypts_what_sops_encrypts() {
    let env = TestEnv::with_identities(2);
    ours_reads_sops(&env, "a.yaml", YAML_INPUT, &[], &[]);
    // sops 3.12.2 takes the comment rules (and --mac-only-encrypted) as global flags only.
    ours_reads_sops(
        &env,
        "a.yaml",
        YAML_INPUT,
        &["--encrypted-comment-regex", "inline"],
        &[],
    );
    ours_reads_sops(
        &env,
        "a.yaml",
        YAML_INPUT,
        &["--unencrypted-comment-regex", "head"],
        &[],
    );
    let mac_only = ["--mac-only-encrypted"];
    ours_reads_sops(
        &env,
        "a.yaml",
        YAML_INPUT,
        &mac_only,
        &["--encrypted-regex", "^password$"],
    );
    ours_reads_sops(&env, "a.json", JSON_INPUT, &[], &[]);
    ours_reads_sops(
        &env,
        "a.json",
        JSON_INPUT,
        &[],
        &["--unencrypted-regex", "^db$"],
    );
}

#[test]
fn binary_files_round_trip_both_ways() {
    let env = TestEnv::with_identities(2);
    let data = "line one\n\"quoted\" {json-ish}\nno trailing newline";
    ours_reads_sops(&env, "blob.bin", data, &[], &[]);
    sops_reads_ours(&env, "blob.bin", data, &[], &[]);
}
