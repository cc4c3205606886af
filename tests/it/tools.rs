//! sops-rs inside people's tools: git textconv diffs and the merge driver (with real git),
//! `git setup` configuring them, the pre-commit `check`, and `encrypt --reuse-from` for small
//! diffs.

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
        let textconv = format!("diff.sops-rs.textconv={bin} git-textconv");
        let driver = format!("merge.sops-rs.driver={bin} git-merge %O %A %B %P");
        let mut with_drivers = vec!["-c", &textconv, "-c", &driver];
        with_drivers.extend(args);
        self.bare_git_command(&with_drivers)
    }

    /// git with only what the repository's and the user's config say (no drivers of its own).
    fn bare_git_command(&self, args: &[&str]) -> Command {
        let mut git = Command::new("git");
        git.args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t.invalid",
            "-c",
            "init.defaultBranch=main",
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

impl Repo {
    /// `git` without drivers of its own, failing the test unless it succeeded.
    fn bare_ok(&self, args: &[&str]) -> String {
        let out = self.bare_git_command(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Writes the config `.sops-rs.yaml` with one creation rule per regex, for our recipient.
    fn write_rules(&self, regexes: &[&str]) {
        let mut config = String::from("creation_rules:\n");
        for regex in regexes {
            config.push_str(&format!(
                "  - path_regex: '{regex}'\n    age: {}\n",
                self.env.recipient
            ));
        }
        std::fs::write(self.work().join(".sops-rs.yaml"), config).unwrap();
    }

    /// Writes `plain` encrypted (by the config's rules) to `name`.
    fn write_encrypted(&self, name: &str, plain: &str, extension: &str) {
        let plain_name = format!("{name}.plain.{extension}");
        std::fs::write(self.work().join(&plain_name), plain).unwrap();
        let out = self.sops_rs(&["encrypt", "--filename-override", name, &plain_name]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(self.work().join(name), out.stdout).unwrap();
        std::fs::remove_file(self.work().join(&plain_name)).unwrap();
    }

    /// `sops-rs git setup ARGS`, failing the test unless it succeeded: (stdout, stderr).
    fn setup(&self, args: &[&str]) -> (String, String) {
        let mut line = vec!["git", "setup"];
        line.extend(args);
        let out = self.sops_rs(&line);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "git setup {args:?}: {stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    }

    /// The files `git setup` writes, as they are now.
    fn setup_files(&self) -> (String, String) {
        let read = |name: &str| std::fs::read_to_string(self.work().join(name)).unwrap_or_default();
        (read(".gitattributes"), read(".git/config"))
    }
}

#[test]
fn git_setup_makes_diffs_and_merges_work_for_every_rule() {
    let repo = Repo::new();
    repo.bare_ok(&["init", "-q"]);
    repo.write_rules(&[r"\.enc\.yaml$", r"^secrets/.*\.json$"]);
    std::fs::create_dir_all(repo.work().join("secrets/prod")).unwrap();
    repo.write_encrypted("app.enc.yaml", "db:\n    password: old-pass\n", "yaml");
    repo.write_encrypted(
        "secrets/prod/db.json",
        "{\n\t\"user\": \"admin\",\n\t\"token\": \"token-1\"\n}",
        "json",
    );
    let (printed, warnings) = repo.setup(&[]);
    assert_eq!(warnings, "");
    // Not on PATH in the test: the absolute path, said so.
    let bin = std::fs::canonicalize(crate::support::sops_rs_binary()).unwrap();
    assert!(
        printed.contains(&format!("{} (the absolute path", bin.display())),
        "{printed}"
    );
    let (attributes, git_config) = repo.setup_files();
    assert_eq!(
        attributes,
        "*.enc.yaml diff=sops-rs merge=sops-rs\nsecrets/**/*.json diff=sops-rs merge=sops-rs\n"
    );
    assert!(
        git_config.contains(&format!("textconv = {} git-textconv", bin.display())),
        "{git_config}"
    );
    repo.bare_ok(&["add", "."]);
    repo.bare_ok(&["commit", "-qm", "secrets and git setup"]);

    // Twice: the same files.
    let (printed, _) = repo.setup(&[]);
    assert!(printed.contains("already has every line"), "{printed}");
    assert_eq!(repo.setup_files(), (attributes, git_config));

    // git diff shows the plaintext of both kinds of file, through the config setup wrote.
    repo.set("app.enc.yaml", r#"["db"]["password"]"#, r#""new-pass""#);
    repo.set("secrets/prod/db.json", r#"["token"]"#, r#""token-2""#);
    let diff = repo.bare_ok(&["diff"]);
    for line in [
        "-    password: old-pass",
        "+    password: new-pass",
        "-\t\"token\": \"token-1\"",
        "+\t\"token\": \"token-2\"",
    ] {
        assert!(diff.contains(line), "{line:?} not in {diff}");
    }
    assert!(!diff.contains("ENC["), "{diff}");
    repo.bare_ok(&["commit", "-qam", "new values"]);

    // Two branches changing different keys of the JSON file merge cleanly.
    repo.bare_ok(&["checkout", "-q", "-b", "feature"]);
    repo.set("secrets/prod/db.json", r#"["user"]"#, r#""app""#);
    repo.bare_ok(&["commit", "-qam", "a new user"]);
    repo.bare_ok(&["checkout", "-q", "-"]);
    repo.set("secrets/prod/db.json", r#"["token"]"#, r#""token-3""#);
    repo.bare_ok(&["commit", "-qam", "another token"]);
    repo.bare_ok(&["merge", "-q", "--no-edit", "feature"]);
    let merged = repo.decrypt("secrets/prod/db.json");
    assert!(
        merged.contains("\"user\": \"app\"") && merged.contains("\"token\": \"token-3\""),
        "{merged}"
    );
}

#[test]
fn git_setup_patterns_cover_exactly_the_files_each_rule_covers_as_git_reads_them() {
    let paths = [
        "app.enc.yaml",
        ".enc.yaml",
        "deep/down/app.enc.yaml",
        "app.enc.yaml.bak",
        "app.enc.yaml/inner.txt",
        "app.yaml",
        "app.json",
        "secrets/db.json",
        "secrets/prod/eu/db.json",
        "secrets/db.yaml",
        "mysecrets/db.yaml",
        "a/secrets/b/c.yaml",
        "other/secrets/db.json",
        "config/x.enc.json",
        "config/sub/x.enc.json",
        "prod.env",
        "ci/production/values.txt",
        "ab",
        "a/x/b",
        "ba",
        "env/eu/secrets.yaml",
        "env/eu/west/secrets.yaml",
        "env/secrets.yaml",
        "p/x/q",
        "x/p",
        "top.env",
        "sub/top.env",
    ];
    let regexes = [
        r"\.enc\.yaml$",
        r"^secrets/.*\.json$",
        r"\.(yaml|json)$",
        r"secrets/.*\.yaml$",
        r"^config/[^/]*\.enc\.json$",
        r"prod",
        r"^a.*b$",
        r"^env/.*/secrets\.yaml$",
        r"/x/",
        r"^top\.env$",
        r"\.enc\.yaml",
        r"^secrets/",
    ];
    let repo = Repo::new();
    repo.bare_ok(&["init", "-q"]);
    for regex in regexes {
        repo.write_rules(&[regex]);
        let _ = std::fs::remove_file(repo.work().join(".gitattributes"));
        repo.setup(&[]);
        let mut args = vec!["check-attr", "diff", "--"];
        args.extend(paths);
        let answer = repo.bare_ok(&args);
        let compiled = regex::Regex::new(regex).unwrap();
        for path in paths {
            let by_git = answer.contains(&format!("{path}: diff: sops-rs\n"));
            assert_eq!(
                by_git,
                compiled.is_match(path),
                "{regex} and {path}: git says {by_git}; .gitattributes:\n{}",
                repo.setup_files().0
            );
        }
    }
}

#[test]
fn git_setup_skips_a_regex_it_cannot_translate_and_keeps_other_lines() {
    let repo = Repo::new();
    repo.bare_ok(&["init", "-q"]);
    repo.write_rules(&[r"\.ya?ml$", r"\.(enc\.json|enc\.env)$"]);
    std::fs::write(repo.work().join(".gitattributes"), "*.png binary").unwrap();
    let (printed, warnings) = repo.setup(&["--dry-run"]);
    assert!(printed.contains("would add:"), "{printed}");
    assert_eq!(repo.setup_files().0, "*.png binary", "--dry-run wrote");
    assert!(
        !repo.setup_files().1.contains("sops-rs"),
        "--dry-run changed the git config"
    );
    let (_, warnings_again) = repo.setup(&[]);
    assert_eq!(warnings, warnings_again);
    assert!(
        warnings.contains(r"creation_rules[0] (path_regex `\.ya?ml$`)")
            && warnings.contains("no .gitattributes line written"),
        "{warnings}"
    );
    assert!(!warnings.contains("creation_rules[1]"), "{warnings}");
    assert_eq!(
        repo.setup_files().0,
        "*.png binary\n*.enc.json diff=sops-rs merge=sops-rs\n*.enc.env diff=sops-rs merge=sops-rs\n"
    );
    // Only rules it cannot translate: an error, and nothing written.
    let before = repo.setup_files();
    repo.write_rules(&[r"\.ya?ml$"]);
    let out = repo.sops_rs(&["git", "setup", "--global"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("nothing was written"), "{said}");
    assert_eq!(repo.setup_files(), before);
    assert!(!repo.env.path(".gitconfig").exists());
}

#[test]
fn git_setup_names_the_program_on_path_and_writes_the_user_config_with_global() {
    let repo = Repo::new();
    repo.bare_ok(&["init", "-q"]);
    repo.write_rules(&[r"\.enc\.yaml$"]);
    let bin_dir = crate::support::sops_rs_binary().parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = repo
        .env
        .sops_rs()
        .current_dir(repo.work())
        .env("PATH", path)
        .args(["git", "setup", "--global"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.contains("driver program: sops-rs (found on PATH"),
        "{printed}"
    );
    let user_config = repo.env.read(".gitconfig");
    assert!(
        user_config.contains("textconv = sops-rs git-textconv")
            && user_config.contains("driver = sops-rs git-merge %O %A %B %P"),
        "{user_config}"
    );
    assert!(!repo.setup_files().1.contains("sops-rs"));
}

#[test]
fn git_setup_without_a_config_or_a_repository_says_what_is_missing() {
    let repo = Repo::new();
    repo.bare_ok(&["init", "-q"]);
    let out = repo.sops_rs(&["git", "setup"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("no .sops-rs.yaml or .sops.yaml"), "{said}");
    assert!(!repo.work().join(".gitattributes").exists());
    // A config outside the repository: its patterns are relative to another directory.
    let outside = repo.env.write(
        "outside.yaml",
        format!(
            "creation_rules:\n  - path_regex: x$\n    age: {}\n",
            repo.env.recipient
        ),
    );
    let out = repo.sops_rs(&["--config", outside.to_str().unwrap(), "git", "setup"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("is outside the repository"), "{said}");
    assert!(!repo.work().join(".gitattributes").exists());
    // A config, but no repository.
    std::fs::remove_dir_all(repo.work().join(".git")).unwrap();
    repo.write_rules(&[r"\.enc\.yaml$"]);
    let out = repo
        .env
        .sops_rs()
        .current_dir(repo.work())
        .env("GIT_CEILING_DIRECTORIES", repo.env.dir())
        .args(["git", "setup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("git rev-parse --show-toplevel failed"),
        "{said}"
    );
    assert!(!repo.work().join(".gitattributes").exists());
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
