//! sops-rs inside people's tools: git textconv diffs and the merge driver (with real git), the
//! pre-commit `check`, and `encrypt --reuse-from` for small diffs.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use crate::support::TestEnv;

/// A [`TestEnv`] with a git work tree in `repo/` (the `check` tests use it too).
pub(crate) struct Repo {
    pub(crate) env: TestEnv,
}

impl Repo {
    pub(crate) fn new() -> Repo {
        let repo = Repo {
            env: TestEnv::new(),
        };
        std::fs::create_dir(repo.work()).unwrap();
        repo
    }

    pub(crate) fn work(&self) -> PathBuf {
        self.env.path("repo")
    }

    pub(crate) fn git(&self, args: &[&str]) -> Output {
        self.git_command(args).output().unwrap()
    }

    /// git with the textconv and merge driver configured, in the work tree.
    pub(crate) fn git_command(&self, args: &[&str]) -> Command {
        let bin = crate::support::sops_rs_binary().display();
        let mut git = Command::new("git");
        git.args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(["-c", &format!("diff.sops-rs.textconv={bin} git-textconv")])
        .args([
            "-c",
            &format!("merge.sops-rs.driver={bin} git-merge %O %A %B %P"),
        ])
        .args(args)
        .current_dir(self.work())
        .env("SOPS_AGE_KEY_FILE", &self.env.key_file)
        .env("HOME", self.env.dir())
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .stdin(Stdio::null());
        git
    }

    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.git(args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub(crate) fn sops_rs(&self, args: &[&str]) -> Output {
        let mut cmd = self.env.sops_rs();
        cmd.current_dir(self.work()).args(args).output().unwrap()
    }

    pub(crate) fn set(&self, file: &str, path: &str, value: &str) {
        let out = self.sops_rs(&["set", file, path, value]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub(crate) fn decrypt(&self, file: &str) -> String {
        let out = self.sops_rs(&["decrypt", file]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Writes the config `name` with one creation rule for `secrets/` (its path given as
    /// `field`, which a test may misspell) and our recipient, and makes `secrets/`.
    pub(crate) fn secrets_rule(&self, name: &str, field: &str) {
        let rule = format!(
            "creation_rules:\n  - {field}: ^secrets/\n    age: {}\n",
            self.env.recipient
        );
        std::fs::write(self.work().join(name), rule).unwrap();
        let _ = std::fs::create_dir(self.work().join("secrets"));
    }

    pub(crate) fn init_with_secret(&self) {
        self.ok(&["init", "-q"]);
        std::fs::write(
            self.work().join(".gitattributes"),
            "*.enc.yaml diff=sops-rs merge=sops-rs\n",
        )
        .unwrap();
        std::fs::write(
            self.work().join("plain.yaml"),
            "db:\n    user: admin\n    password: old-pass\napi: token-1\n",
        )
        .unwrap();
        let out = self.sops_rs(&["encrypt", "--age", &self.env.recipient, "plain.yaml"]);
        assert!(out.status.success());
        std::fs::write(self.work().join("app.enc.yaml"), out.stdout).unwrap();
        std::fs::remove_file(self.work().join("plain.yaml")).unwrap();
        self.ok(&["add", "."]);
        self.ok(&["commit", "-q", "-m", "secrets"]);
    }
}

#[test]
fn git_diff_shows_plaintext_through_textconv() {
    let repo = Repo::new();
    repo.init_with_secret();
    repo.set("app.enc.yaml", r#"["db"]["password"]"#, r#""new-pass""#);
    let diff = repo.ok(&["diff"]);
    assert!(diff.contains("-    password: old-pass"), "{diff}");
    assert!(diff.contains("+    password: new-pass"), "{diff}");
    assert!(!diff.contains("ENC["), "{diff}");
}

#[test]
fn git_diff_without_the_key_shows_the_encrypted_text_and_does_not_fail() {
    let repo = Repo::new();
    repo.init_with_secret();
    repo.set("app.enc.yaml", r#"["db"]["password"]"#, r#""new-pass""#);
    repo.ok(&["commit", "-qam", "a new password"]);
    let out = repo
        .git_command(&["log", "-p", "app.enc.yaml"])
        .env("SOPS_AGE_KEY_FILE", repo.env.path("no-such-key.txt"))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "git log -p failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(log.contains("# sops-rs: not decrypted ("), "{log}");
    assert!(log.contains("password: ENC[AES256_GCM,"), "{log}");
    assert!(
        !log.contains("new-pass") && !log.contains("old-pass"),
        "{log}"
    );
    // With the key the same command shows the values.
    let with_key = repo.ok(&["log", "-p", "app.enc.yaml"]);
    assert!(with_key.contains("+    password: new-pass"), "{with_key}");
}

#[test]
fn branches_changing_different_keys_merge_cleanly() {
    let repo = Repo::new();
    repo.init_with_secret();
    repo.ok(&["checkout", "-q", "-b", "feature"]);
    repo.set("app.enc.yaml", r#"["api"]"#, r#""token-2""#);
    repo.ok(&["commit", "-q", "-am", "rotate api token"]);
    repo.ok(&["checkout", "-q", "main"]);
    repo.set("app.enc.yaml", r#"["db"]["password"]"#, r#""new-pass""#);
    repo.ok(&["commit", "-q", "-am", "new db password"]);
    let before = std::fs::read_to_string(repo.work().join("app.enc.yaml")).unwrap();
    repo.ok(&["merge", "-q", "--no-edit", "feature"]);
    assert_eq!(
        repo.decrypt("app.enc.yaml"),
        "db:\n    user: admin\n    password: new-pass\napi: token-2\n"
    );
    let after = std::fs::read_to_string(repo.work().join("app.enc.yaml")).unwrap();
    let line = |t: &str, key: &str| {
        t.lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap()
            .to_string()
    };
    assert_eq!(
        line(&before, "user:"),
        line(&after, "user:"),
        "our unchanged value was re-encrypted"
    );
    assert_eq!(line(&before, "password:"), line(&after, "password:"));
}

#[test]
fn a_real_conflict_writes_markers_and_fails() {
    let repo = Repo::new();
    repo.init_with_secret();
    repo.ok(&["checkout", "-q", "-b", "feature"]);
    repo.set("app.enc.yaml", r#"["api"]"#, r#""theirs-token""#);
    repo.ok(&["commit", "-q", "-am", "theirs"]);
    repo.ok(&["checkout", "-q", "main"]);
    repo.set("app.enc.yaml", r#"["api"]"#, r#""ours-token""#);
    repo.ok(&["commit", "-q", "-am", "ours"]);
    let out = repo.git(&["merge", "-q", "--no-edit", "feature"]);
    assert!(!out.status.success(), "a conflicting merge succeeded");
    let text = std::fs::read_to_string(repo.work().join("app.enc.yaml")).unwrap();
    assert!(
        !text.contains("ours-token"),
        "the conflict was written in clear"
    );
    let plain = repo.decrypt("app.enc.yaml");
    assert!(
        plain.contains("<<<<<<< ours")
            && plain.contains("ours-token")
            && plain.contains("theirs-token"),
        "{plain}"
    );
}

#[test]
fn check_refuses_plaintext_a_rule_covers_and_broken_files() {
    let repo = Repo::new();
    let work = repo.work();
    repo.secrets_rule(".sops-rs.yaml", "path_regex");
    std::fs::write(work.join("secrets/plain.yaml"), "token: abc\n").unwrap();
    std::fs::write(work.join("README.yaml"), "not: covered\n").unwrap();
    let out = repo.sops_rs(&["encrypt", "secrets/plain.yaml"]);
    std::fs::write(work.join("secrets/ok.yaml"), &out.stdout).unwrap();
    // Plaintext under a rule fails; files outside every rule are skipped.
    let out = repo.sops_rs(&["check", "--json", "secrets", "README.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains(r#""status":"plaintext""#) && report.contains(r#""status":"skipped""#),
        "{report}"
    );
    std::fs::remove_file(work.join("secrets/plain.yaml")).unwrap();
    assert!(
        repo.sops_rs(&["check", "secrets", "README.yaml"])
            .status
            .success()
    );
    // A tampered file passes the metadata check but not --verify-mac.
    let good = std::fs::read_to_string(work.join("secrets/ok.yaml")).unwrap();
    let enc = good
        .lines()
        .find(|l| l.starts_with("token:"))
        .unwrap()
        .to_string();
    std::fs::write(
        work.join("secrets/ok.yaml"),
        good.replace(&enc, "token: forged"),
    )
    .unwrap();
    assert_eq!(
        repo.sops_rs(&["check", "--verify-mac", "secrets"])
            .status
            .code(),
        Some(1)
    );
    std::fs::write(
        work.join("secrets/broken.yaml"),
        "a: 1\nsops:\n    nothing: here\n",
    )
    .unwrap();
    let out = repo.sops_rs(&["check", "secrets/broken.yaml"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn reuse_from_keeps_the_ciphertext_of_unchanged_values() {
    let repo = Repo::new();
    let work = repo.work();
    std::fs::write(work.join("v1.yaml"), "a: one\nb: two\nc: three\n").unwrap();
    let out = repo.sops_rs(&["encrypt", "--age", &repo.env.recipient, "v1.yaml"]);
    std::fs::write(work.join("app.enc.yaml"), &out.stdout).unwrap();
    std::fs::write(work.join("v2.yaml"), "a: one\nb: TWO\nc: three\nd: four\n").unwrap();
    let out = repo.sops_rs(&["encrypt", "--reuse-from", "app.enc.yaml", "v2.yaml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old = std::fs::read_to_string(work.join("app.enc.yaml")).unwrap();
    let new = String::from_utf8(out.stdout).unwrap();
    let line = |t: &str, key: &str| t.lines().find(|l| l.starts_with(key)).unwrap().to_string();
    assert_eq!(line(&old, "a:"), line(&new, "a:"));
    assert_eq!(line(&old, "c:"), line(&new, "c:"));
    assert_ne!(line(&old, "b:"), line(&new, "b:"));
    std::fs::write(work.join("v2.enc.yaml"), &new).unwrap();
    assert_eq!(
        repo.decrypt("v2.enc.yaml"),
        "a: one\nb: TWO\nc: three\nd: four\n"
    );
}

#[test]
fn merge_driver_errors_name_the_repository_path_not_gits_temporary_file() {
    let repo = Repo::new();
    repo.init_with_secret();
    repo.ok(&["checkout", "-q", "-b", "feature"]);
    // Their side: a file encrypted for someone else, which our key cannot open.
    let stranger = age::x25519::Identity::generate().to_public().to_string();
    std::fs::write(repo.work().join("plain.yaml"), "api: token-3\n").unwrap();
    let out = repo.sops_rs(&["encrypt", "--age", &stranger, "plain.yaml"]);
    assert!(out.status.success());
    std::fs::write(repo.work().join("app.enc.yaml"), out.stdout).unwrap();
    std::fs::remove_file(repo.work().join("plain.yaml")).unwrap();
    repo.ok(&["commit", "-q", "-am", "someone else's file"]);
    repo.ok(&["checkout", "-q", "main"]);
    repo.set("app.enc.yaml", r#"["api"]"#, r#""token-2""#);
    repo.ok(&["commit", "-q", "-am", "ours"]);
    let out = repo.git(&["merge", "-q", "feature"]);
    assert!(!out.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("app.enc.yaml (theirs)"), "{said}");
    assert!(!said.contains(".merge_file_"), "{said}");
}
