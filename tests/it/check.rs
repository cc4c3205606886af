//! `sops-rs check`, the pre-commit gate, on what merges and typos leave behind: conflict markers
//! from a real git merge (inside an encrypted value, in a plain value, around whole lines), a
//! plain-text binary file a rule covers, no config at all, and unknown keys in the config. The
//! basic verdicts are in `tools`, injected plain text in `hostile_config`.

use std::process::Output;

use serde_json::Value;

use crate::tools::Repo;

/// Runs `check --json ARGS` and returns its exit code and one parsed object per line.
fn check_json(repo: &Repo, args: &[&str]) -> (Option<i32>, Vec<Value>) {
    let out = repo.sops_rs(&[&["check", "--json"], args].concat());
    let text = String::from_utf8(out.stdout).unwrap();
    let objects = text
        .lines()
        .map(|line| {
            let object: Value = serde_json::from_str(line).unwrap_or_else(|e| {
                panic!("check --json printed a line that is not JSON ({e}): {line}")
            });
            for field in ["file", "status", "ok", "problem", "paths", "fix"] {
                assert!(object.get(field).is_some(), "no {field} in {line}");
            }
            object
        })
        .collect();
    (out.status.code(), objects)
}

/// The object about `file` in a `check --json` report.
fn about<'r>(report: &'r [Value], file: &str) -> &'r Value {
    report
        .iter()
        .find(|object| object["file"] == file)
        .unwrap_or_else(|| panic!("nothing about {file} in {report:?}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Commits `plaintext` encrypted as `app.enc.yaml`, with `attributes` as `.gitattributes`.
fn init_repo(repo: &Repo, plaintext: &str, attributes: &str) {
    repo.ok(&["init", "-q"]);
    std::fs::write(repo.work().join(".gitattributes"), attributes).unwrap();
    std::fs::write(repo.work().join("plain.yaml"), plaintext).unwrap();
    let out = repo.sops_rs(&["encrypt", "--age", &repo.env.recipient, "plain.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(repo.work().join("app.enc.yaml"), out.stdout).unwrap();
    std::fs::remove_file(repo.work().join("plain.yaml")).unwrap();
    repo.ok(&["add", "."]);
    repo.ok(&["commit", "-q", "-m", "secrets"]);
}

/// Sets `path` to one value on a branch and another on main, then merges: git reports a
/// conflict.
fn conflict_on(repo: &Repo, path: &str) {
    repo.ok(&["checkout", "-q", "-b", "feature"]);
    repo.set("app.enc.yaml", path, r#""theirs-token""#);
    repo.ok(&["commit", "-q", "-am", "theirs"]);
    repo.ok(&["checkout", "-q", "main"]);
    repo.set("app.enc.yaml", path, r#""ours-token""#);
    repo.ok(&["commit", "-q", "-am", "ours"]);
    let out = repo.git(&["merge", "-q", "--no-edit", "feature"]);
    assert!(!out.status.success(), "the merge did not conflict");
}

fn assert_no_values(said: &str) {
    assert!(
        !said.contains("ours-token") && !said.contains("theirs-token"),
        "a value leaked: {said}"
    );
}

#[test]
fn a_conflict_the_merge_driver_encrypted_fails_check_verify_mac_by_tree_path() {
    let repo = Repo::new();
    repo.init_with_secret();
    conflict_on(&repo, r#"["api"]"#);
    // Without keys the markers are inside ciphertext, out of sight.
    let out = repo.sops_rs(&["check", "app.enc.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = repo.sops_rs(&["check", "--verify-mac", "app.enc.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains(r#"app.enc.yaml: unresolved merge: git conflict markers in the decrypted value at ["api"]"#),
        "{said}"
    );
    assert!(said.contains("fix: sops-rs edit app.enc.yaml"), "{said}");
    assert_no_values(&said);
    let (code, report) = check_json(&repo, &["--verify-mac", "app.enc.yaml"]);
    assert_eq!(code, Some(1));
    let verdict = about(&report, "app.enc.yaml");
    assert_eq!(verdict["status"], "conflict");
    assert_eq!(verdict["ok"], false);
    assert_eq!(verdict["paths"], serde_json::json!([r#"["api"]"#]));
    assert_no_values(&report.iter().map(Value::to_string).collect::<String>());
    // Resolved (one side kept), the file passes.
    repo.set("app.enc.yaml", r#"["api"]"#, r#""ours-token""#);
    let out = repo.sops_rs(&["check", "--verify-mac", "app.enc.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_conflict_in_a_plain_value_fails_check_without_keys() {
    let repo = Repo::new();
    init_repo(
        &repo,
        "url_unencrypted: https://a.invalid\ntoken: t1\n",
        "*.enc.yaml diff=sops-rs merge=sops-rs\n",
    );
    conflict_on(&repo, r#"["url_unencrypted"]"#);
    let out = repo
        .env
        .sops_rs()
        .current_dir(repo.work())
        .env("SOPS_AGE_KEY_FILE", repo.env.path("no-such-key.txt"))
        .args(["check", "app.enc.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains(r#"app.enc.yaml: unresolved merge: git conflict markers in plain text at ["url_unencrypted"]"#),
        "{said}"
    );
    assert_no_values(&said);
    let (_, report) = check_json(&repo, &["app.enc.yaml"]);
    assert_eq!(about(&report, "app.enc.yaml")["status"], "conflict");
}

#[test]
fn a_file_git_merged_line_by_line_is_a_conflict_not_broken() {
    let repo = Repo::new();
    // No merge driver: git merges the encrypted text line by line and leaves its markers.
    init_repo(&repo, "api: token-1\nother: x\n", "");
    conflict_on(&repo, r#"["api"]"#);
    let text = std::fs::read_to_string(repo.work().join("app.enc.yaml")).unwrap();
    assert!(text.lines().any(|l| l.starts_with("<<<<<<< ")), "{text}");
    let out = repo.sops_rs(&["check", "app.enc.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(
        said.contains("app.enc.yaml: unresolved merge: git conflict markers at line"),
        "{said}"
    );
    assert!(!said.contains("invalid"), "{said}");
    let (_, report) = check_json(&repo, &["app.enc.yaml"]);
    assert_eq!(about(&report, "app.enc.yaml")["status"], "conflict");
}

#[test]
fn a_plaintext_binary_file_a_rule_covers_is_plaintext_with_a_fix_that_works() {
    let repo = Repo::new();
    let work = repo.work();
    repo.secrets_rule(".sops-rs.yaml", "path_regex");
    std::fs::write(
        work.join("secrets/tls.pem"),
        "-----BEGIN PRIVATE KEY-----\nx\n",
    )
    .unwrap();
    let (code, report) = check_json(&repo, &["secrets"]);
    assert_eq!(code, Some(1));
    let verdict = about(&report, "secrets/tls.pem");
    assert_eq!(verdict["status"], "plaintext", "{verdict}");
    assert_eq!(
        verdict["problem"],
        "not encrypted, but creation_rules[0] of .sops-rs.yaml covers it"
    );
    assert_eq!(verdict["fix"], "sops-rs encrypt -i secrets/tls.pem");
    // The fix, run as printed, makes the check pass.
    let fix = verdict["fix"].as_str().unwrap();
    let out = repo.sops_rs(&fix.split(' ').skip(1).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = repo.sops_rs(&["check", "secrets"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "sops-rs check: 1 file (1 encrypted): all passed\n"
    );
}

#[test]
fn check_names_each_file_once_with_a_fix_and_ends_with_a_summary() {
    let repo = Repo::new();
    let work = repo.work();
    std::fs::write(work.join("broken.yaml"), "a: 1\nsops:\n    nothing: here\n").unwrap();
    std::fs::write(work.join("plain.yaml"), "a: 1\n").unwrap();
    let out = repo.sops_rs(&["encrypt", "--age", &repo.env.recipient, "plain.yaml"]);
    std::fs::write(work.join("ok.enc.yaml"), out.stdout).unwrap();
    let out = repo.sops_rs(&["check", "broken.yaml", "plain.yaml", "ok.enc.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    let lines: Vec<&str> = said.lines().collect();
    // No config: the check says so instead of naming a rule that does not exist.
    let no_config = "there is no .sops-rs.yaml or .sops.yaml, so every file checked must be \
                     encrypted";
    assert_eq!(
        lines,
        [
            lines[0],
            &format!("plain.yaml: not encrypted, but {no_config}"),
            "    fix: sops-rs encrypt -i plain.yaml",
            "sops-rs check: 3 files (1 broken, 1 plaintext, 1 encrypted): 2 failed; no \
             .sops-rs.yaml or .sops.yaml was found, so every file was expected to be encrypted",
        ],
        "{said}"
    );
    assert!(lines[0].starts_with("broken.yaml: "), "{said}");
    assert_eq!(lines[0].matches("broken.yaml").count(), 1, "{said}");
    assert!(!said.contains("a creation rule covers it"), "{said}");
}

#[test]
fn unknown_config_keys_fail_check_and_are_a_warning_elsewhere() {
    let repo = Repo::new();
    let work = repo.work();
    repo.secrets_rule(".sops.yaml", "path_regx");
    std::fs::write(work.join("secrets/app.yaml"), "a: 1\n").unwrap();
    std::fs::write(work.join("notes.txt"), "not a secret\n").unwrap();
    let warning = "warning: config /";
    // Other commands go on, as sops does, with one warning line naming the file and the key.
    let out = repo.sops_rs(&["encrypt", "-i", "secrets/app.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.starts_with(warning), "{said}");
    assert!(
        said.ends_with(
            "/.sops.yaml: creation_rules[0].path_regx: unknown key, ignored (did you mean \
             path_regex?)\n"
        ),
        "{said}"
    );
    // check fails on it: the rule now covers every file.
    let (code, report) = check_json(&repo, &["secrets"]);
    assert_eq!(code, Some(1));
    let finding = about(&report, ".sops.yaml");
    assert_eq!(finding["status"], "unknown_config_key");
    assert_eq!(finding["ok"], false);
    assert_eq!(
        finding["paths"],
        serde_json::json!(["creation_rules[0].path_regx"])
    );
    assert_eq!(
        finding["fix"],
        "rename creation_rules[0].path_regx to path_regex"
    );
    assert_eq!(about(&report, "secrets/app.yaml")["status"], "encrypted");
    let out = repo.sops_rs(&["check", "secrets", "notes.txt"]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(!said.contains(warning), "{said}");
    assert!(
        said.starts_with(
            ".sops.yaml: creation_rules[0].path_regx: unknown key, ignored (did you mean \
             path_regex?); a creation rule without path_regex covers every file\n"
        ),
        "{said}"
    );
    assert!(said.contains("notes.txt: not encrypted"), "{said}");
    repo.secrets_rule(".sops.yaml", "path_regex");
    let out = repo.sops_rs(&["check", "secrets", "notes.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
}
