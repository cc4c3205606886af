//! The audit trail: a canary secret in a value and in a key name never reaches an audit line,
//! stderr or an OTLP body, on any command or failure path; CI context; tamper detection;
//! OTLP delivery to a local collector; `required` mode fails closed.

use std::path::{Path, PathBuf};
use std::process::Command;

use std::io::Write;

use crate::support::collector::Collector;
use crate::support::{TestEnv, path_arg};

const CANARY_VALUE: &str = "CanaryValue7f3a9";
const CANARY_KEY: &str = "canarykey5d21";

#[test]
fn a_canary_never_leaves_through_the_audit_trail_stderr_or_otlp() {
    let env = TestEnv::with_identities(2);
    let other_recipient = &env.keys[1].recipient;
    let collector = Collector::start(Vec::new());
    let log = env.path("audit.jsonl");
    let plain = env.write(
        "app.yaml",
        format!(
            "{CANARY_KEY}: {CANARY_VALUE}\nnested:\n    {CANARY_KEY}: [{CANARY_VALUE}]\nplain: x\nnote_unencrypted: public\n"
        ),
    );
    let enc = env.path("app.enc.yaml");
    let editor = env.write("editor.sh", "#!/bin/sh\nsed -i 's/x$/y/' \"$1\"\n");
    let broken_editor = env.write(
        "broken.sh",
        format!("#!/bin/sh\nprintf '{CANARY_KEY}: [{CANARY_VALUE}\\n' > \"$1\"\n"),
    );
    let config = env.write(
        "rules.yaml",
        format!("creation_rules:\n  - age: {other_recipient}\n"),
    );
    let malformed = env.write(
        "bad.yaml",
        format!("{CANARY_KEY}: {CANARY_VALUE}\n{CANARY_KEY}: again\n"),
    );
    let extract = format!(r#"["{CANARY_KEY}"]"#);
    let missing = format!(r#"["nested"]["{CANARY_KEY}x"]"#);

    let encrypt = audited_encrypt(&env, &log, &plain).output().unwrap();
    assert!(
        encrypt.status.success(),
        "{}",
        String::from_utf8_lossy(&encrypt.stderr)
    );
    std::fs::write(&enc, &encrypt.stdout).unwrap();
    let mut tampered = String::from_utf8(encrypt.stdout.clone()).unwrap();
    tampered = tampered.replace("note_unencrypted: public", "note_unencrypted: edited");
    assert!(tampered.contains("edited"));
    let tampered_file = env.write("tampered.yaml", tampered);

    type Case<'a> = (Vec<String>, Option<(&'a str, PathBuf)>, &'a [u8]);
    let cases: Vec<Case> = vec![
        (vec!["decrypt".into(), path_arg(&enc)], None, b""),
        (
            vec![
                "decrypt".into(),
                "--extract".into(),
                extract.clone(),
                path_arg(&enc),
            ],
            None,
            b"",
        ),
        (
            vec![
                "decrypt".into(),
                "--extract".into(),
                missing.clone(),
                path_arg(&enc),
            ],
            None,
            b"",
        ),
        (vec!["decrypt".into(), path_arg(&tampered_file)], None, b""),
        (
            vec![
                "encrypt".into(),
                "--age".into(),
                env.recipient.clone(),
                path_arg(&malformed),
            ],
            None,
            b"",
        ),
        (
            vec![
                "set".into(),
                path_arg(&enc),
                format!(r#"["{CANARY_KEY}"]"#),
                format!("\"{CANARY_VALUE}2\""),
            ],
            None,
            b"",
        ),
        (
            vec![
                "set".into(),
                path_arg(&enc),
                format!(r#"["plain"]["{CANARY_KEY}"]"#),
                "1".into(),
            ],
            None,
            b"",
        ),
        (
            vec!["unset".into(), path_arg(&enc), missing.clone()],
            None,
            b"",
        ),
        (
            vec!["exec-env".into(), path_arg(&enc), "true".into()],
            None,
            b"",
        ),
        (
            vec![
                "exec-file".into(),
                path_arg(&enc),
                "cat {} > /dev/null".into(),
            ],
            None,
            b"",
        ),
        (
            vec!["edit".into(), path_arg(&enc)],
            Some((
                "SOPS_EDITOR",
                PathBuf::from(format!("sh {}", editor.display())),
            )),
            b"",
        ),
        (
            vec!["edit".into(), path_arg(&enc)],
            Some((
                "SOPS_EDITOR",
                PathBuf::from(format!("sh {}", broken_editor.display())),
            )),
            b"",
        ),
        (
            vec![
                "groups".into(),
                "add".into(),
                "--file".into(),
                path_arg(&enc),
                "--age".into(),
                other_recipient.clone(),
            ],
            None,
            b"",
        ),
        (
            vec!["rotate".into(), "-i".into(), path_arg(&enc)],
            None,
            b"",
        ),
        (
            vec![
                "--config".into(),
                path_arg(&config),
                "updatekeys".into(),
                "-y".into(),
                path_arg(&enc),
            ],
            None,
            b"",
        ),
        (vec!["decrypt".into(), path_arg(&enc)], None, b""),
    ];
    let mut stderr_all = String::new();
    for (args, extra_env, stdin) in cases {
        let mut cmd = env.sops_rs();
        cmd.env("SOPS_RS_AUDIT_OTLP_ENDPOINT", collector.url())
            .args(["--audit-log", &path_arg(&log)])
            .args(&args);
        if let Some((name, value)) = extra_env {
            cmd.env(name, value);
        }
        let out = TestEnv::feed(&mut cmd, stdin);
        stderr_all.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    // The same runs with the stderr sink.
    let out = env
        .sops_rs()
        .args([
            "--audit-log",
            "-",
            "decrypt",
            "--extract",
            &missing,
            &path_arg(&enc),
        ])
        .output()
        .unwrap();
    stderr_all.push_str(&String::from_utf8_lossy(&out.stderr));
    let audit = env.read(&log);
    let otlp = collector.all();
    assert!(audit.lines().count() > 40, "too few records: {audit}");
    assert!(
        otlp.contains("sops-rs.decrypt.finish"),
        "OTLP got nothing useful"
    );
    for (name, text) in [
        ("audit log", &audit),
        ("stderr", &stderr_all),
        ("OTLP", &otlp),
    ] {
        assert!(!text.contains(CANARY_VALUE), "canary value in {name}");
        assert!(
            !text.contains(CANARY_KEY),
            "canary key name in {name}:\n{text}"
        );
    }
    for event in [
        "encrypt",
        "decrypt",
        "edit",
        "rotate",
        "updatekeys",
        "set",
        "unset",
        "exec_env",
        "exec_file",
        "groups",
    ] {
        assert!(
            audit.contains(&format!("\"event\":\"{event}.finish\"")),
            "no {event}.finish"
        );
    }
    assert!(
        audit.contains("\"class\":\"mac_mismatch\"")
            && audit.contains("\"class\":\"input_parse_error\"")
    );
    assert!(audit.contains("\"event\":\"key.unwrap\"") && audit.contains("\"event\":\"key.wrap\""));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&log).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let verify = env
        .sops_rs()
        .args(["audit", "verify", &path_arg(&log)])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[test]
fn github_actions_runs_are_identified_and_summarised() {
    let env = TestEnv::new();
    let plain = env.write("a.json", r#"{"k": "v"}"#);
    let log = env.path("audit.jsonl");
    let summary = env.path("summary.md");
    let out = audited_encrypt(&env, &log, &plain)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_RUN_ID", "9753949763")
        .env("GITHUB_ACTOR", "octocat")
        .env("GITHUB_REPOSITORY", "org/app")
        .env("GITHUB_SHA", "4f2c0ffee")
        .env("GITHUB_JOB", "deploy")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert!(out.status.success());
    let records = records(&log);
    let finish = records
        .iter()
        .find(|r| r["event"] == "encrypt.finish")
        .unwrap();
    assert_eq!(finish["ci"]["run_id"], "9753949763");
    assert_eq!(finish["actor"]["ci_login"], "octocat");
    assert_eq!(finish["vcs"]["repository"], "org/app");
    assert_eq!(finish["vcs"]["revision"], "4f2c0ffee");
    assert_eq!(finish["outcome"], "success");
    assert!(finish["file"]["sha256_before"].as_str().unwrap().len() == 64);
    let wrap = records.iter().find(|r| r["event"] == "key.wrap").unwrap();
    assert_eq!(wrap["key"]["id"], env.recipient.as_str());
    let summary = env.read(&summary);
    assert!(
        summary.contains("| encrypt |") && summary.contains("success"),
        "{summary}"
    );
}

#[test]
fn verify_accepts_a_real_log_and_rejects_each_kind_of_tampering() {
    let env = TestEnv::new();
    let plain = env.write("a.yaml", "k: v\n");
    let log = env.path("audit.jsonl");
    for _ in 0..3 {
        let out = audited_encrypt(&env, &log, &plain).output().unwrap();
        assert!(out.status.success());
    }
    let verify = |text: &str| {
        let file = env.write("check.jsonl", text);
        let out = env
            .sops_rs()
            .args(["audit", "verify", "--json", &path_arg(&file)])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), report["broken_line"].as_u64())
    };
    let original = env.read(&log);
    let lines: Vec<&str> = original.lines().collect();
    assert_eq!(verify(&original), (Some(0), None));
    let join = |l: &[&str]| l.iter().map(|x| format!("{x}\n")).collect::<String>();
    let mut edited = lines.clone();
    let changed = edited[4].replacen("\"id\":\"", "\"id\":\"x", 1);
    assert_ne!(changed, edited[4]);
    edited[4] = &changed;
    assert_eq!(verify(&join(&edited)), (Some(1), Some(5)), "edited line");
    let mut deleted = lines.clone();
    deleted.remove(3);
    assert_eq!(verify(&join(&deleted)), (Some(1), Some(4)), "deleted line");
    let mut reordered = lines.clone();
    reordered.swap(2, 3);
    assert_eq!(
        verify(&join(&reordered)),
        (Some(1), Some(3)),
        "reordered lines"
    );
}

#[test]
fn required_mode_fails_closed() {
    let env = TestEnv::new();
    let enc = env.encrypted("a.enc.yaml", "k: secret-value\n", &[]);
    // An unwritable sink: nothing on stdout, exit 75, and no key was even tried.
    let out = env
        .sops_rs()
        .env("SOPS_RS_AUDIT_MODE", "required")
        .args([
            "--audit-log",
            "/nonexistent-dir/audit.jsonl",
            "decrypt",
            &path_arg(&enc),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    // The start record goes through but the finish record does not: output is withheld.
    let collector = Collector::start(vec![500, 500, 500, 200]);
    let out = env
        .sops_rs()
        .env("SOPS_RS_AUDIT_MODE", "required")
        .env("SOPS_RS_AUDIT_OTLP_ENDPOINT", collector.url())
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "plaintext released without a finish record"
    );
    assert!(collector.all().contains("sops-rs.decrypt.start"));
    // With a working collector the output is released after the finish record.
    let collector = Collector::start(Vec::new());
    let out = env
        .sops_rs()
        .env("SOPS_RS_AUDIT_MODE", "required")
        .env("SOPS_RS_AUDIT_OTLP_ENDPOINT", collector.url())
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "k: secret-value\n");
    let bodies = collector.all();
    assert!(bodies.contains("sops-rs.decrypt.finish") && bodies.contains("\"resourceLogs\""));
    assert!(bodies.contains("service.name") && bodies.contains("sops-rs.record.sha256"));
    // best_effort (the default): a broken sink only warns.
    let out = env
        .sops_rs()
        .args([
            "--audit-log",
            "/nonexistent-dir/audit.jsonl",
            "decrypt",
            &path_arg(&enc),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: audit sink file failed"));
}

#[test]
fn audit_hash_matches_the_hmac_in_events() {
    let env = TestEnv::new();
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD.encode([42u8; 32]);
    let enc = env.encrypted("a.enc.yaml", "db:\n    password: x\n", &[]);
    let log = env.path("audit.jsonl");
    let path = r#"["db"]["password"]"#;
    let out = env
        .sops_rs()
        .env("SOPS_RS_AUDIT_HMAC_KEY", &key)
        .args([
            "--audit-log",
            &path_arg(&log),
            "set",
            &path_arg(&enc),
            path,
            "\"y\"",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hash = env
        .sops_rs()
        .env("SOPS_RS_AUDIT_HMAC_KEY", &key)
        .args(["audit", "hash", path])
        .output()
        .unwrap();
    let hash = String::from_utf8(hash.stdout).unwrap();
    assert!(hash.starts_with("hmac-sha256:"));
    let audit = env.read(&log);
    assert!(audit.contains(hash.trim()), "{audit}");
    assert!(!audit.contains("password"));
}

/// sops-rs set to encrypt `plain` for the home's recipient, auditing into `log` (the caller adds
/// variables and runs it).
fn audited_encrypt(env: &TestEnv, log: &Path, plain: &Path) -> Command {
    let mut cmd = env.sops_rs();
    cmd.args([
        "--audit-log",
        &path_arg(log),
        "encrypt",
        "--age",
        &env.recipient,
    ])
    .arg(plain);
    cmd
}

/// The records of a JSON Lines audit log.
fn records(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Hole 4: a repository's config is untrusted input. It may raise the mode and name a log inside
/// its own directory; a log outside (by `..`, an absolute path or a symlink), a special file or an
/// OTLP endpoint is a one-line config error naming the file and the field, before any key is
/// used and without writing anywhere.
#[test]
fn a_repository_config_cannot_log_outside_itself_or_name_an_endpoint() {
    let env = TestEnv::new();
    let collector = Collector::start(Vec::new());
    let repo = env.path("repo");
    std::fs::create_dir_all(repo.join("logs")).unwrap();
    let enc = env.encrypted("repo/app.enc.yaml", "k: secret-value\n", &[]);
    let outside = env.path("outside");
    std::fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(outside.join("linked.jsonl"), repo.join("linked.jsonl")).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("outdir")).unwrap();
    let fifo = repo.join("fifo.jsonl");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let decrypt_with = |audit: &str| {
        env.write("repo/.sops-rs.yaml", format!("audit:\n{audit}"));
        let mut cmd = env.sops_rs();
        cmd.current_dir(&repo).args(["decrypt", &path_arg(&enc)]);
        TestEnv::feed(&mut cmd, b"")
    };
    let absolute = outside.join("abs.jsonl");
    let refused = [
        ("  log: ../rc.sh\n".to_string(), "audit.log"),
        ("  log: logs/../../rc.sh\n".to_string(), "audit.log"),
        (format!("  log: {}\n", absolute.display()), "audit.log"),
        ("  log: linked.jsonl\n".to_string(), "audit.log"),
        ("  log: outdir/a.jsonl\n".to_string(), "audit.log"),
        ("  log: fifo.jsonl\n".to_string(), "audit.log"),
        (
            format!("  mode: required\n  otlp_endpoint: {}\n", collector.url()),
            "audit.otlp_endpoint",
        ),
    ];
    for (audit, field) in refused {
        let out = decrypt_with(&audit);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && out.stdout.is_empty(),
            "{audit:?} was accepted: {stderr}"
        );
        assert!(
            stderr.contains(".sops-rs.yaml") && stderr.contains(field),
            "{audit:?}: the error must name the file and {field}: {stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(!env.path("rc.sh").exists(), "{audit:?} wrote outside");
    }
    assert!(!absolute.exists() && !outside.join("linked.jsonl").exists());
    assert!(!outside.join("a.jsonl").exists());
    assert_eq!(
        collector.all(),
        "",
        "a repository config reached an endpoint"
    );
    // Inside the repository: allowed, and the repository can raise the mode.
    let out = decrypt_with("  log: logs/audit.jsonl\n  mode: required\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "k: secret-value\n");
    let logged = records(&repo.join("logs/audit.jsonl"));
    assert!(logged.iter().any(|r| r["event"] == "decrypt.finish"));
    // It cannot lower the mode the environment asks for.
    env.write("repo/.sops-rs.yaml", "audit:\n  mode: off\n");
    let out = env
        .sops_rs()
        .current_dir(&repo)
        .env("SOPS_RS_AUDIT_MODE", "required")
        .args([
            "--audit-log",
            "/nonexistent-dir/a.jsonl",
            "decrypt",
            &path_arg(&enc),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75));
    assert!(out.stdout.is_empty());
}

/// Hole 5: verification has anchors outside the log. A log emptied or cut short fails against a
/// head (a digest or the head file the file sink keeps); with `SOPS_RS_AUDIT_HMAC_KEY` every line
/// is keyed, so an edit of the last line is caught too.
#[test]
fn verify_catches_truncation_and_a_last_line_edit_with_an_anchor() {
    use base64::Engine;
    let env = TestEnv::new();
    let key = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let plain = env.write("a.yaml", "k: v\n");
    let log = env.path("audit.jsonl");
    let head = env.path("elsewhere.head");
    for _ in 0..3 {
        let out = audited_encrypt(&env, &log, &plain)
            .env("SOPS_RS_AUDIT_HMAC_KEY", &key)
            .env("SOPS_RS_AUDIT_HEAD", &head)
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let original = env.read(&log);
    let lines: Vec<&str> = original.lines().collect();
    let verify = |text: &str, args: &[&str], keyed: bool| {
        let file = env.write("check.jsonl", text);
        let mut cmd = env.sops_rs();
        if keyed {
            cmd.env("SOPS_RS_AUDIT_HMAC_KEY", &key);
        }
        let out = cmd
            .args(["audit", "verify"])
            .args(args)
            .arg(&file)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let head_file = path_arg(&head);
    let last_digest = {
        use sha2::Digest;
        format!(
            "sha256:{}",
            hex::encode(sha2::Sha256::digest(lines.last().unwrap().as_bytes()))
        )
    };
    assert_eq!(verify(&original, &["--head", &head_file], true).0, Some(0));
    assert_eq!(
        verify(&original, &["--head", &last_digest], false).0,
        Some(0)
    );
    // Emptied: fails with either kind of head.
    assert_eq!(verify("", &["--head", &head_file], false).0, Some(1));
    assert_eq!(verify("", &["--head", &last_digest], false).0, Some(1));
    // Cut short.
    let short: String = lines[..lines.len() - 2]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let (code, report) = verify(&short, &["--head", &head_file], false);
    assert_eq!(code, Some(1), "{report}");
    // The last line edited: only the key catches it.
    let mut edited = lines.clone();
    let changed =
        edited
            .last()
            .unwrap()
            .replacen("\"outcome\":\"success\"", "\"outcome\":\"failure\"", 1);
    assert_ne!(&changed, edited.last().unwrap());
    *edited.last_mut().unwrap() = &changed;
    let edited: String = edited.iter().map(|l| format!("{l}\n")).collect();
    assert_eq!(
        verify(&edited, &[], false).0,
        Some(0),
        "no anchor, as documented"
    );
    let (code, report) = verify(&edited, &[], true);
    assert_eq!(code, Some(1), "a keyed last line was edited unnoticed");
    assert!(
        report.contains(&format!("line {}", lines.len())),
        "{report}"
    );
    // With the key, a line without a MAC is refused (a rewrite by someone without the key).
    let unkeyed = env.path("unkeyed.jsonl");
    let out = audited_encrypt(&env, &unkeyed, &plain).output().unwrap();
    assert!(out.status.success());
    let text = env.read(&unkeyed);
    assert_eq!(verify(&text, &[], false).0, Some(0));
    assert_eq!(verify(&text, &[], true).0, Some(1));
}

/// Hole 6: the user comes from the real uid (`$USER` is a claim), a recipient whose credentials
/// are simply absent is `no_credentials` (not a failure), the file is named absolutely and
/// relative to its git work tree, and `audit.chain_start` is not later than the record after it.
#[test]
fn records_name_the_real_user_the_repository_path_and_absent_credentials() {
    let env = TestEnv::new();
    let real_user = Command::new("id").arg("-un").output().unwrap();
    let real_user = String::from_utf8(real_user.stdout)
        .unwrap()
        .trim()
        .to_string();
    assert!(!real_user.is_empty() && real_user != "mallory");
    let work = env.path("work");
    std::fs::create_dir_all(work.join(".git")).unwrap();
    std::fs::create_dir_all(work.join("deploy")).unwrap();
    let held_elsewhere = age::x25519::Identity::generate().to_public().to_string();
    let plain = env.write("work/deploy/app.yaml", "k: v\n");
    let recipients = format!("{held_elsewhere},{}", env.recipient);
    let encrypted = env.ok(&["encrypt", "--age", &recipients, &path_arg(&plain)]);
    let enc = env.write("work/deploy/app.enc.yaml", encrypted);
    // A PGP recipient too; no gpg on this "runner".
    let text = env.read(&enc);
    let with_pgp = text.replacen(
        "    lastmodified:",
        "    pgp:\n        - created_at: \"2026-01-01T00:00:00Z\"\n          enc: |\n            -----BEGIN PGP MESSAGE-----\n            -----END PGP MESSAGE-----\n          fp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n    lastmodified:",
        1,
    );
    assert_ne!(text, with_pgp);
    std::fs::write(&enc, with_pgp).unwrap();
    let log = env.path("audit.jsonl");
    let out = env
        .sops_rs()
        .current_dir(work.join("deploy"))
        .env("USER", "mallory")
        .env("SOPS_GPG_EXEC", env.path("no-gpg-here"))
        .env("SOPS_DECRYPTION_ORDER", "pgp,age")
        .args(["--audit-log", &path_arg(&log), "decrypt", "app.enc.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "k: v\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let logged = records(&log);
    let finish = logged
        .iter()
        .find(|r| r["event"] == "decrypt.finish")
        .unwrap();
    assert_eq!(finish["actor"]["user"], real_user.as_str());
    assert_eq!(finish["actor"]["claimed_user"], "mallory");
    let results: Vec<(String, String)> = finish["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["result"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4", "no_credentials"),
        (held_elsewhere.as_str(), "no_credentials"),
        (env.recipient.as_str(), "success"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(results, expected);
    assert!(
        logged
            .iter()
            .filter(|r| r["event"] == "key.unwrap")
            .all(|r| r["result"] != "failure" && r.get("error").is_none()),
        "{logged:?}"
    );
    let canonical = std::fs::canonicalize(&enc).unwrap();
    assert_eq!(finish["file"]["path"], path_arg(&canonical).as_str());
    assert_eq!(finish["file"]["repo_path"], "deploy/app.enc.yaml");
    assert_eq!(logged[0]["event"], "audit.chain_start");
    assert!(
        logged[0]["ts"].as_str().unwrap() <= logged[1]["ts"].as_str().unwrap(),
        "chain_start is later than the record after it: {} > {}",
        logged[0]["ts"],
        logged[1]["ts"]
    );
}

/// Hole 6: processes of one GitHub Actions step add rows to one job summary table.
#[test]
fn github_summary_is_one_table_that_processes_add_rows_to() {
    let env = TestEnv::new();
    let enc = env.encrypted("a.enc.yaml", "k: v\n", &[]);
    let summary = env.write("summary.md", "# Deploy\n\n");
    let audited_decrypt_in_a_step = || {
        let out = env
            .sops_rs()
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_JOB", "deploy")
            .env("GITHUB_RUN_ID", "1")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args([
                "--audit-log",
                &path_arg(&env.path("audit.jsonl")),
                "decrypt",
            ])
            .arg(&enc)
            .output()
            .unwrap();
        assert!(out.status.success());
    };
    for _ in 0..3 {
        audited_decrypt_in_a_step();
    }
    let text = env.read(&summary);
    assert!(text.starts_with("# Deploy\n"), "{text}");
    assert_eq!(text.matches("| op | file |").count(), 1, "{text}");
    assert_eq!(text.matches("| decrypt |").count(), 3, "{text}");
    // Someone else writes to the summary: the next row starts a new table below it.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&summary)
        .unwrap()
        .write_all(b"\nOther tool output\n")
        .unwrap();
    audited_decrypt_in_a_step();
    let text = env.read(&summary);
    assert_eq!(text.matches("| op | file |").count(), 2, "{text}");
    assert!(text.trim_end().ends_with("|"), "{text}");
}

/// Hole 6: the OTLP sink honours the standard OpenTelemetry exporter variables, headers included,
/// and never prints a header value.
#[test]
fn otlp_honours_the_standard_exporter_variables() {
    let env = TestEnv::new();
    let enc = env.encrypted("a.enc.yaml", "k: v\n", &[]);
    let collector = Collector::start(Vec::new());
    let out = env
        .sops_rs()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url())
        .env(
            "OTEL_EXPORTER_OTLP_HEADERS",
            "Authorization=Bearer%20tok3n-secret,x-tenant=blue",
        )
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let seen = collector.all();
    assert!(seen.contains("POST /v1/logs "), "{seen}");
    assert!(
        seen.to_ascii_lowercase()
            .contains("authorization: bearer tok3n-secret"),
        "{seen}"
    );
    assert!(seen.contains("x-tenant: blue"), "{seen}");
    // The logs-specific variables win, and the endpoint is used as given.
    let collector = Collector::start(vec![401, 401, 401]);
    let out = env
        .sops_rs()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
        .env(
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
            format!("{}/custom/logs", collector.url()),
        )
        .env("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-api-key=k3y-secret")
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let seen = collector.all();
    assert!(seen.contains("POST /custom/logs "), "{seen}");
    assert!(seen.contains("x-api-key: k3y-secret"), "{seen}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("audit sink otlp failed"), "{stderr}");
    assert!(!stderr.contains("k3y-secret"), "{stderr}");
    // OTEL_LOGS_EXPORTER=none: the standard variables do not turn the sink on.
    let collector = Collector::start(Vec::new());
    let out = env
        .sops_rs()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url())
        .env("OTEL_LOGS_EXPORTER", "none")
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(collector.bodies("/v1/logs"), Vec::<String>::new());
}

/// Hole 5: the audit key is an anchor only while the code sops-rs runs cannot read it.
#[test]
fn children_never_get_the_audit_key() {
    use base64::Engine;
    let env = TestEnv::new();
    let key = base64::engine::general_purpose::STANDARD.encode([5u8; 32]);
    let enc = env.encrypted("a.enc.yaml", "k: v\n", &[]);
    for keep in [false, true] {
        let mut cmd = env.sops_rs();
        cmd.env("SOPS_RS_AUDIT_HMAC_KEY", &key).args([
            "--audit-log",
            &path_arg(&env.path("audit.jsonl")),
            "exec-env",
        ]);
        if keep {
            cmd.arg("--keep-key-credentials");
        }
        let out = cmd.args([&path_arg(&enc), "env"]).output().unwrap();
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && printed.contains("k=v"), "{printed}");
        assert!(!printed.contains("SOPS_RS_AUDIT_HMAC_KEY"), "{printed}");
        assert!(!printed.contains(&key));
    }
}

/// Hole 4, the other side: the user's own config (`$XDG_CONFIG_HOME/sops-rs/config.yaml`) is
/// trusted like the environment, so it may name a log anywhere, an endpoint and a head file.
#[test]
fn the_users_own_config_may_name_any_log_and_an_endpoint() {
    let env = TestEnv::new();
    let collector = Collector::start(Vec::new());
    let enc = env.encrypted("a.enc.yaml", "k: v\n", &[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let log = elsewhere.path().join("audit.jsonl");
    let head = elsewhere.path().join("audit.head");
    let user_config = env.path(".config/sops-rs/config.yaml");
    std::fs::create_dir_all(user_config.parent().unwrap()).unwrap();
    std::fs::write(
        &user_config,
        format!(
            "audit:\n  log: {}\n  otlp_endpoint: {}\n  head: {}\n  mode: required\n",
            log.display(),
            collector.url(),
            head.display()
        ),
    )
    .unwrap();
    let out = env
        .sops_rs()
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "k: v\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(records(&log).iter().any(|r| r["event"] == "decrypt.finish"));
    assert!(collector.all().contains("sops-rs.decrypt.finish"));
    let verify = env
        .sops_rs()
        .args([
            "audit",
            "verify",
            "--head",
            &path_arg(&head),
            &path_arg(&log),
        ])
        .output()
        .unwrap();
    assert!(verify.status.success());
    // The environment wins over the user's config for the mode.
    let out = env
        .sops_rs()
        .env("SOPS_RS_AUDIT_MODE", "off")
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let finishes = records(&log)
        .iter()
        .filter(|r| r["event"] == "decrypt.finish")
        .count();
    assert_eq!(finishes, 1);
}
