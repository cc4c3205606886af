//! Key management and editing commands: config rules, Shamir key groups (checked against the
//! real sops), set/unset, rotate, updatekeys, groups, exec-env/exec-file, filestatus.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use crate::support::{TestEnv, ok, path_arg};

/// A [`TestEnv`] with several identities; each command holds the ones it is given.
struct Keys {
    env: TestEnv,
    recipients: Vec<String>,
}

impl Keys {
    fn new(count: usize) -> Keys {
        let env = TestEnv::with_identities(count);
        Keys {
            recipients: env.keys.iter().map(|k| k.recipient.clone()).collect(),
            env,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.env.path(name)
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        self.env.write(name, content)
    }

    /// A key file holding the identities with these indices.
    fn identities(&self, which: &[usize]) -> PathBuf {
        let name = format!(
            "ids-{}.txt",
            which.iter().map(|i| i.to_string()).collect::<String>()
        );
        let text: String = which
            .iter()
            .map(|&i| format!("{}\n", self.env.keys[i].secret))
            .collect();
        self.write(&name, &text)
    }

    fn ours(&self, identities: &[usize], args: &[&str]) -> Output {
        let mut cmd = self.env.sops_rs();
        cmd.env("SOPS_AGE_KEY_FILE", self.identities(identities));
        cmd.args(args).output().unwrap()
    }

    fn sops(&self, identities: &[usize], args: &[&str]) -> Output {
        let mut cmd = self.env.sops();
        cmd.env("SOPS_AGE_KEY_FILE", self.identities(identities));
        cmd.args(args).output().unwrap()
    }
}

/// The `ENC[...]` value on the line that starts with `key:` (first match).
fn enc_of(text: &str, key: &str) -> String {
    text.lines()
        .find(|l| l.trim_start().starts_with(&format!("{key}:")))
        .and_then(|l| l.split_once(": "))
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("no {key} in {text}"))
}

const SAMPLE: &str =
    "db:\n    user: admin\n    password: hunter2\ntoken: abc\nlist:\n    - 1\n    - 2\n";

#[test]
fn creation_rules_pick_keys_and_rules_by_path() {
    let keys = Keys::new(2);
    std::fs::create_dir(keys.path("prod")).unwrap();
    keys.write(
        ".sops-rs.yaml",
        &format!(
            "creation_rules:\n  - path_regex: prod/.*\\.yaml$\n    encrypted_regex: ^password$\n    age: {}\n  - age: [{}]\n",
            keys.recipients[0], keys.recipients[1]
        ),
    );
    let prod = keys.write("prod/app.yaml", SAMPLE);
    let dev = keys.write("dev.yaml", SAMPLE);
    let prod_enc = ok(keys.ours(&[0], &["encrypt", &path_arg(&prod)]), "command");
    assert!(
        prod_enc.contains("user: admin") && !prod_enc.contains("hunter2"),
        "{prod_enc}"
    );
    assert!(prod_enc.contains(&keys.recipients[0]) && !prod_enc.contains(&keys.recipients[1]));
    assert!(prod_enc.contains("encrypted_regex: ^password$"));
    let dev_enc = ok(keys.ours(&[1], &["encrypt", &path_arg(&dev)]), "command");
    assert!(!dev_enc.contains("admin") && dev_enc.contains(&keys.recipients[1]));
    // .sops.yaml is used when .sops-rs.yaml is absent, and --config picks a file explicitly.
    std::fs::rename(keys.path(".sops-rs.yaml"), keys.path(".sops.yaml")).unwrap();
    let again = ok(keys.ours(&[0], &["encrypt", &path_arg(&prod)]), "command");
    assert!(again.contains("encrypted_regex"));
    let bad = keys.write("bad.yaml", "creation_rules:\n  - age: [5]\n");
    let out = keys.ours(
        &[0],
        &["--config", &path_arg(&bad), "encrypt", &path_arg(&dev)],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.yaml") && stderr.contains("creation_rules[0].age"),
        "{stderr}"
    );
}

#[test]
fn shamir_files_written_by_sops_rs_open_in_sops_with_any_two_keys() {
    let keys = Keys::new(3);
    let config = keys.write(
        "shamir.yaml",
        &format!(
            "creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - age: [{}]\n      - age: [{}]\n      - age: [{}]\n",
            keys.recipients[0], keys.recipients[1], keys.recipients[2]
        ),
    );
    let plain = keys.write("s.yaml", SAMPLE);
    let encrypted = ok(
        keys.ours(
            &[0],
            &["--config", &path_arg(&config), "encrypt", &path_arg(&plain)],
        ),
        "command",
    );
    assert!(encrypted.contains("shamir_threshold: 2") && encrypted.contains("key_groups:"));
    let file = keys.write("s.enc.yaml", &encrypted);
    for pair in [[0, 1], [0, 2], [1, 2]] {
        assert_eq!(
            ok(keys.sops(&pair, &["decrypt", &path_arg(&file)]), "command"),
            SAMPLE,
            "sops with {pair:?}"
        );
        assert_eq!(
            ok(keys.ours(&pair, &["decrypt", &path_arg(&file)]), "command"),
            SAMPLE,
            "sops-rs with {pair:?}"
        );
    }
    for single in 0..3 {
        let sops = keys.sops(&[single], &["decrypt", &path_arg(&file)]);
        assert_eq!(
            sops.status.code(),
            Some(128),
            "sops opened it with key {single} alone"
        );
        let ours = keys.ours(&[single], &["decrypt", &path_arg(&file)]);
        assert_eq!(
            ours.status.code(),
            Some(128),
            "sops-rs opened it with key {single} alone"
        );
        assert!(ours.stdout.is_empty());
    }
    // And the other way: sops writes a 2-of-3 file, sops-rs opens it with two keys only.
    let theirs = ok(
        keys.sops(
            &[0],
            &["--config", &path_arg(&config), "encrypt", &path_arg(&plain)],
        ),
        "command",
    );
    let theirs = keys.write("t.enc.yaml", &theirs);
    assert_eq!(
        ok(
            keys.ours(&[1, 2], &["decrypt", &path_arg(&theirs)]),
            "command"
        ),
        SAMPLE
    );
    assert_eq!(
        keys.ours(&[2], &["decrypt", &path_arg(&theirs)])
            .status
            .code(),
        Some(128)
    );
}

/// `key_groups: []`, `key_groups: [{}]`, a rule without keys, an empty second group: sops's exact
/// error and exit code, for `encrypt`, legacy `-e` and a new file in `edit`, which fails before
/// the editor runs (exit 128) and creates nothing.
#[test]
fn empty_key_groups_fail_as_in_sops() {
    let keys = Keys::new(1);
    let plain = keys.write("s.yaml", SAMPLE);
    let rules = [
        "creation_rules:\n  - key_groups: []\n".to_string(),
        "creation_rules:\n  - key_groups: [{}]\n".to_string(),
        "creation_rules:\n  - path_regex: .*\n".to_string(),
        format!(
            "creation_rules:\n  - key_groups:\n      - age: [{}]\n      - {{}}\n",
            keys.recipients[0]
        ),
    ];
    for rule in &rules {
        let config = path_arg(&keys.write("empty-groups.yaml", rule));
        let new_file = path_arg(&keys.path("new.yaml"));
        for (args, code, stderr) in [
            (
                vec!["--config", &config, "encrypt", &path_arg(&plain)],
                1,
                "Could not generate data key: [empty key group provided]\n",
            ),
            (
                vec!["--config", &config, "-e", &path_arg(&plain)],
                1,
                "Could not generate data key: [empty key group provided]\n",
            ),
            (
                vec!["--config", &config, "edit", &new_file],
                128,
                "Error encrypting the data key with one or more master keys: \
                 [empty key group provided]\n",
            ),
        ] {
            for (tool, mut cmd) in [("sops", keys.env.sops()), ("sops-rs", keys.env.sops_rs())] {
                // An editor that would leave the file unchanged (exit 200) if one were run.
                let out = cmd
                    .env("EDITOR", "true")
                    .args(&args)
                    .stdin(Stdio::null())
                    .output()
                    .unwrap();
                let what = format!("{tool} {args:?} with {rule}");
                assert_eq!(out.status.code(), Some(code), "{what}");
                assert_eq!(String::from_utf8_lossy(&out.stderr), stderr, "{what}");
                assert!(out.stdout.is_empty(), "{what}");
                assert!(!keys.path("new.yaml").exists(), "{what}");
            }
        }
    }
}

#[test]
fn set_and_unset_change_only_their_path() {
    let keys = Keys::new(1);
    let plain = keys.write("f.yaml", SAMPLE);
    let file = keys.path("f.enc.yaml");
    std::fs::write(
        &file,
        ok(
            keys.ours(
                &[0],
                &["encrypt", "--age", &keys.recipients[0], &path_arg(&plain)],
            ),
            "command",
        ),
    )
    .unwrap();
    let before = std::fs::read_to_string(&file).unwrap();
    ok(
        keys.ours(
            &[0],
            &[
                "set",
                &path_arg(&file),
                r#"["db"]["password"]"#,
                r#""s3cret""#,
            ],
        ),
        "command",
    );
    let after = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        enc_of(&before, "user"),
        enc_of(&after, "user"),
        "untouched value re-encrypted"
    );
    assert_eq!(enc_of(&before, "token"), enc_of(&after, "token"));
    assert_ne!(enc_of(&before, "password"), enc_of(&after, "password"));
    // sops agrees with the new content and the new MAC.
    let decrypted = ok(keys.sops(&[0], &["decrypt", &path_arg(&file)]), "command");
    assert_eq!(decrypted, SAMPLE.replace("hunter2", "s3cret"));
    ok(
        keys.ours(
            &[0],
            &[
                "set",
                &path_arg(&file),
                r#"["new"]["nested"]"#,
                r#"{"n": 5, "l": [true]}"#,
            ],
        ),
        "command",
    );
    ok(
        keys.ours(&[0], &["unset", &path_arg(&file), r#"["token"]"#]),
        "command",
    );
    let decrypted = ok(
        keys.sops(
            &[0],
            &["decrypt", "--output-type", "json", &path_arg(&file)],
        ),
        "command",
    );
    assert!(
        !decrypted.contains("token") && decrypted.contains("\"n\": 5"),
        "{decrypted}"
    );
    let last = std::fs::read_to_string(&file).unwrap();
    assert_eq!(enc_of(&before, "user"), enc_of(&last, "user"));
    // Missing paths: an error, or a no-op with --idempotent that leaves the file byte-identical.
    let out = keys.ours(&[0], &["unset", &path_arg(&file), r#"["token"]"#]);
    assert_eq!(out.status.code(), Some(1));
    ok(
        keys.ours(
            &[0],
            &["unset", "--idempotent", &path_arg(&file), r#"["token"]"#],
        ),
        "command",
    );
    ok(
        keys.ours(
            &[0],
            &[
                "set",
                "--idempotent",
                &path_arg(&file),
                r#"["db"]["user"]"#,
                r#""admin""#,
            ],
        ),
        "command",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), last);
    let out = keys.ours(&[0], &["set", &path_arg(&file), r#"["db"]"#, "{not json"]);
    assert_eq!(out.status.code(), Some(7));
    let out = keys.ours(&[0], &["set", &path_arg(&file), "db", r#""x""#]);
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn rotate_changes_every_ciphertext_and_keeps_values() {
    let keys = Keys::new(2);
    let plain = keys.write("f.yaml", SAMPLE);
    let file = keys.path("f.enc.yaml");
    std::fs::write(
        &file,
        ok(
            keys.ours(
                &[0],
                &["encrypt", "--age", &keys.recipients[0], &path_arg(&plain)],
            ),
            "command",
        ),
    )
    .unwrap();
    let before = std::fs::read_to_string(&file).unwrap();
    ok(
        keys.ours(
            &[0],
            &[
                "rotate",
                "-i",
                "--add-age",
                &keys.recipients[1],
                &path_arg(&file),
            ],
        ),
        "command",
    );
    let after = std::fs::read_to_string(&file).unwrap();
    for key in ["user", "password", "token", "mac"] {
        assert_ne!(
            enc_of(&before, key),
            enc_of(&after, key),
            "{key} kept its ciphertext"
        );
    }
    assert_eq!(
        ok(keys.sops(&[1], &["decrypt", &path_arg(&file)]), "command"),
        SAMPLE
    );
    ok(
        keys.ours(
            &[1],
            &[
                "rotate",
                "-i",
                "--rm-age",
                &keys.recipients[0],
                &path_arg(&file),
            ],
        ),
        "command",
    );
    assert_eq!(
        keys.ours(&[0], &["decrypt", &path_arg(&file)])
            .status
            .code(),
        Some(128)
    );
    assert_eq!(
        ok(keys.ours(&[1], &["decrypt", &path_arg(&file)]), "command"),
        SAMPLE
    );
    let out = keys.ours(
        &[0],
        &[
            "rotate",
            "--add-age",
            &keys.recipients[0],
            &path_arg(&keys.path("missing.yaml")),
        ],
    );
    assert_eq!(out.status.code(), Some(49));
}

#[test]
fn updatekeys_and_groups_change_recipients_not_values() {
    let keys = Keys::new(3);
    let plain = keys.write("f.yaml", SAMPLE);
    let file = keys.path("f.enc.yaml");
    std::fs::write(
        &file,
        ok(
            keys.ours(
                &[0],
                &["encrypt", "--age", &keys.recipients[0], &path_arg(&plain)],
            ),
            "command",
        ),
    )
    .unwrap();
    let before = std::fs::read_to_string(&file).unwrap();
    let config = keys.write(
        "rules.yaml",
        &format!(
            "creation_rules:\n  - age: {},{}\n",
            keys.recipients[1], keys.recipients[2]
        ),
    );
    let out = keys.ours(
        &[0],
        &[
            "--config",
            &path_arg(&config),
            "updatekeys",
            &path_arg(&file),
        ],
    );
    assert_ne!(
        out.status.code(),
        Some(0),
        "updatekeys without -y on a non-terminal must not apply"
    );
    ok(
        keys.ours(
            &[0],
            &[
                "--config",
                &path_arg(&config),
                "updatekeys",
                "-y",
                &path_arg(&file),
            ],
        ),
        "command",
    );
    let after = std::fs::read_to_string(&file).unwrap();
    let data = |t: &str| t.split("\nsops:\n").next().unwrap().to_string();
    assert_eq!(data(&before), data(&after), "values changed");
    assert_eq!(enc_of(&before, "mac"), enc_of(&after, "mac"));
    assert!(!after.contains(&keys.recipients[0]) && after.contains(&keys.recipients[2]));
    assert_eq!(
        keys.ours(&[0], &["decrypt", &path_arg(&file)])
            .status
            .code(),
        Some(128)
    );
    assert_eq!(
        ok(keys.sops(&[2], &["decrypt", &path_arg(&file)]), "command"),
        SAMPLE
    );
    let out = keys.ours(
        &[1],
        &[
            "--config",
            &path_arg(&config),
            "updatekeys",
            "-y",
            &path_arg(&file),
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("already up to date"));

    ok(
        keys.ours(
            &[1],
            &[
                "groups",
                "add",
                "--file",
                &path_arg(&file),
                "--age",
                &keys.recipients[0],
                "-i",
            ],
        ),
        "command",
    );
    let grouped = std::fs::read_to_string(&file).unwrap();
    assert_eq!(data(&before), data(&grouped));
    assert!(grouped.contains("key_groups:") && grouped.contains("shamir_threshold: 2"));
    assert_eq!(
        ok(
            keys.sops(&[0, 1], &["decrypt", &path_arg(&file)]),
            "command"
        ),
        SAMPLE
    );
    assert_eq!(
        keys.sops(&[0], &["decrypt", &path_arg(&file)])
            .status
            .code(),
        Some(128)
    );
    ok(
        keys.ours(
            &[0, 1],
            &["groups", "delete", "--file", &path_arg(&file), "1", "-i"],
        ),
        "command",
    );
    assert_eq!(
        ok(keys.ours(&[1], &["decrypt", &path_arg(&file)]), "command"),
        SAMPLE
    );
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap()
            .contains("key_groups")
    );
}

/// The `shamir_threshold: N` line of an encrypted YAML file, if any.
fn threshold_of(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("shamir_threshold: ")
                .map(String::from)
        })
}

/// `updatekeys -y` prints the key groups' changes on standard output as sops does (kept keys
/// indented, `+++` added, `---` removed): the same text from both tools for an added and a
/// removed recipient, and for a second group.
#[test]
fn updatekeys_prints_the_changes_as_sops_does() {
    let keys = Keys::new(3);
    let plain = keys.write("f.yaml", SAMPLE);
    let encrypted = ok(
        keys.ours(
            &[0],
            &["encrypt", "--age", &keys.recipients[0], &path_arg(&plain)],
        ),
        "encrypt",
    );
    let r = &keys.recipients;
    let rules = [
        format!("creation_rules:\n  - age: {},{}\n", r[0], r[1]),
        format!("creation_rules:\n  - age: {}\n", r[1]),
        format!(
            "creation_rules:\n  - key_groups:\n      - age: [{}]\n      - age: [{}]\n",
            r[1], r[2]
        ),
    ];
    for (index, rule) in rules.iter().enumerate() {
        let config = keys.write(&format!("rules{index}.yaml"), rule);
        let mut printed = Vec::new();
        for tool in ["sops", "sops-rs"] {
            let file = keys.write(&format!("{tool}-{index}.enc.yaml"), &encrypted);
            let args = [
                "--config",
                &path_arg(&config),
                "updatekeys",
                "-y",
                &path_arg(&file),
            ];
            let out = match tool {
                "sops" => keys.sops(&[0], &args),
                _ => keys.ours(&[0], &args),
            };
            assert!(
                out.status.success(),
                "{tool} rule {index}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            printed.push(String::from_utf8(out.stdout).unwrap());
        }
        assert!(
            printed[0].starts_with("The following changes"),
            "{}",
            printed[0]
        );
        assert_eq!(printed[1], printed[0], "rule {index}");
    }
}

/// `updatekeys` keeps the file's Shamir threshold (lowered to the number of new groups), not the
/// creation rule's, as sops 3.12.2 does: the keys that opened a 2-of-3 file together still do.
/// Files written by either tool, updated by either tool, come out the same.
#[test]
fn updatekeys_keeps_the_files_shamir_threshold() {
    let keys = Keys::new(4);
    let groups = |which: &[usize]| -> String {
        which
            .iter()
            .map(|&i| format!("      - age: [{}]\n", keys.recipients[i]))
            .collect()
    };
    let two_of_three = keys.write(
        "two-of-three.yaml",
        &format!(
            "creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n{}",
            groups(&[0, 1, 2])
        ),
    );
    // The rule asks for 3 of 3 and replaces the third key.
    let three_of_three = keys.write(
        "three-of-three.yaml",
        &format!(
            "creation_rules:\n  - shamir_threshold: 3\n    key_groups:\n{}",
            groups(&[0, 1, 3])
        ),
    );
    let plain = keys.write("s.yaml", SAMPLE);
    for writer in ["sops", "sops-rs"] {
        for updater in ["sops", "sops-rs"] {
            let args = [
                "--config",
                &path_arg(&two_of_three),
                "encrypt",
                &path_arg(&plain),
            ];
            let written = match writer {
                "sops" => ok(keys.sops(&[0], &args), "command"),
                _ => ok(keys.ours(&[0], &args), "command"),
            };
            let file = keys.write(&format!("{writer}-{updater}.enc.yaml"), &written);
            let update = [
                "--config",
                &path_arg(&three_of_three),
                "updatekeys",
                "-y",
                &path_arg(&file),
            ];
            match updater {
                "sops" => ok(keys.sops(&[0, 1, 2], &update), "command"),
                _ => ok(keys.ours(&[0, 1, 2], &update), "command"),
            };
            let what = format!("written by {writer}, updated by {updater}");
            assert_eq!(threshold_of(&file).as_deref(), Some("2"), "{what}");
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(text.contains(&keys.recipients[3]), "{what}");
            assert!(!text.contains(&keys.recipients[2]), "{what}");
            for pair in [[0, 1], [0, 3], [1, 3]] {
                assert_eq!(
                    ok(keys.sops(&pair, &["decrypt", &path_arg(&file)]), "command"),
                    SAMPLE,
                    "{what}"
                );
                assert_eq!(
                    ok(keys.ours(&pair, &["decrypt", &path_arg(&file)]), "command"),
                    SAMPLE,
                    "{what}"
                );
            }
            // Nothing left to change: the rule's threshold alone is no change.
            let again = keys.ours(&[0, 1], &update);
            let said = String::from_utf8_lossy(&again.stderr);
            assert!(
                again.status.success() && said.contains("already up to date"),
                "{what}: {said}"
            );
        }
    }
    // A file with one group has no threshold; given three groups it needs all of them, in
    // both tools, whatever the rule says.
    let single = keys.write(
        "single.yaml",
        &format!("creation_rules:\n  - age: {}\n", keys.recipients[0]),
    );
    for updater in ["sops", "sops-rs"] {
        let file = keys.write(
            &format!("single-{updater}.enc.yaml"),
            &ok(
                keys.ours(
                    &[0],
                    &["--config", &path_arg(&single), "encrypt", &path_arg(&plain)],
                ),
                "command",
            ),
        );
        let update = [
            "--config",
            &path_arg(&two_of_three),
            "updatekeys",
            "-y",
            &path_arg(&file),
        ];
        match updater {
            "sops" => ok(keys.sops(&[0], &update), "command"),
            _ => ok(keys.ours(&[0], &update), "command"),
        };
        assert_eq!(
            threshold_of(&file).as_deref(),
            Some("3"),
            "updated by {updater}"
        );
        assert_eq!(
            ok(
                keys.ours(&[0, 1, 2], &["decrypt", &path_arg(&file)]),
                "command"
            ),
            SAMPLE
        );
        assert_eq!(
            keys.ours(&[0, 1], &["decrypt", &path_arg(&file)])
                .status
                .code(),
            Some(128)
        );
    }
}

#[test]
fn exec_env_and_exec_file_hand_secrets_to_the_child_only() {
    let keys = Keys::new(1);
    let plain = keys.write("f.yaml", "user: admin\npassword: hunter2\nport: 5432\n");
    let file = keys.path("f.enc.yaml");
    std::fs::write(
        &file,
        ok(
            keys.ours(
                &[0],
                &["encrypt", "--age", &keys.recipients[0], &path_arg(&plain)],
            ),
            "command",
        ),
    )
    .unwrap();
    let tmp = keys.env.tmp();
    let run = |args: &[&str]| {
        let mut cmd = keys.env.sops_rs();
        cmd.env("OUTER", "kept");
        cmd.args(args).output().unwrap()
    };
    let out = run(&[
        "exec-env",
        &path_arg(&file),
        "echo \"$user $password $port ${OUTER:-gone}\"",
    ]);
    assert_eq!(ok(out, "command"), "admin hunter2 5432 kept\n");
    let out = run(&[
        "exec-env",
        "--pristine",
        &path_arg(&file),
        "echo \"$password ${OUTER:-gone}\"",
    ]);
    assert_eq!(ok(out, "command"), "hunter2 gone\n");
    let out = run(&["exec-env", &path_arg(&file), "exit 7"]);
    assert_eq!(
        out.status.code(),
        Some(7),
        "the child's exit code is passed on"
    );
    let out = run(&[
        "exec-file",
        "--output-type",
        "json",
        &path_arg(&file),
        "cat {}",
    ]);
    assert_eq!(
        ok(out, "command"),
        "{\n\t\"user\": \"admin\",\n\t\"password\": \"hunter2\",\n\t\"port\": 5432\n}\n"
    );
    let out = run(&[
        "exec-file",
        "--no-fifo",
        "--filename",
        "app.yaml",
        &path_arg(&file),
        "cat {}; echo {}",
    ]);
    let text = ok(out, "command");
    assert!(
        text.starts_with("user: admin\n") && text.trim_end().ends_with("/app.yaml"),
        "{text}"
    );
    let me = String::from_utf8(
        std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let out = run(&["exec-env", "--user", me.trim(), &path_arg(&file), "id -un"]);
    assert_eq!(ok(out, "command").trim(), me.trim());
    let out = run(&[
        "exec-file",
        "--user",
        "no-such-user-xyz",
        &path_arg(&file),
        "cat {}",
    ]);
    assert_eq!(out.status.code(), Some(1));
    // A command that never opens the FIFO must not hang sops-rs.
    ok(run(&["exec-file", &path_arg(&file), "true"]), "command");
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "plaintext left in TMPDIR: {left:?}");
}

#[test]
fn filestatus_reports_encryption() {
    let keys = Keys::new(1);
    let plain = keys.write("f.yaml", SAMPLE);
    assert_eq!(
        ok(
            keys.ours(&[0], &["filestatus", &path_arg(&plain)]),
            "command"
        ),
        "{\"encrypted\":false}\n"
    );
    let file = keys.path("f.enc.yaml");
    std::fs::write(
        &file,
        ok(
            keys.ours(
                &[0],
                &["encrypt", "--age", &keys.recipients[0], &path_arg(&plain)],
            ),
            "command",
        ),
    )
    .unwrap();
    assert_eq!(
        ok(
            keys.ours(&[0], &["filestatus", &path_arg(&file)]),
            "command"
        ),
        "{\"encrypted\":true}\n"
    );
}

#[test]
fn the_annotated_example_config_parses() {
    let path = crate::support::repo_root().join(".sops-rs.yaml.example");
    let config = sops_rs::config::Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let rules = config.creation_rules.as_ref().unwrap();
    assert_eq!(rules.len(), 3);
    let shared = config
        .rule_for(&crate::support::repo_root().join("shared/x.yaml"))
        .unwrap()
        .unwrap();
    assert_eq!(shared.key_groups.len(), 3);
    assert_eq!(shared.shamir_threshold, 2);
    assert_eq!(config.stores.yaml_indent, Some(4));
}
