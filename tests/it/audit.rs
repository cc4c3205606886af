//! The audit trail: a canary secret in a value and in a key name never reaches an audit line,
//! stderr or an OTLP body, on any command or failure path; CI context; tamper detection;
//! OTLP delivery to a local collector; `required` mode fails closed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use crate::support::sops_rs_command;

const CANARY_VALUE: &str = "CanaryValue7f3a9";
const CANARY_KEY: &str = "canarykey5d21";

/// A minimal OTLP/HTTP collector: records request bodies, answers with scripted statuses
/// (200 once the script runs out).
struct Collector {
    port: u16,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl Collector {
    fn start(script: Vec<u16>) -> Collector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script));
        let (seen, script) = (Arc::clone(&bodies), Arc::clone(&script));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (seen, script) = (Arc::clone(&seen), Arc::clone(&script));
                std::thread::spawn(move || serve(stream, seen, script));
            }
        });
        Collector { port, bodies }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn all(&self) -> String {
        self.bodies.lock().unwrap().join("\n")
    }
}

fn serve(stream: std::net::TcpStream, seen: Arc<Mutex<Vec<String>>>, script: Arc<Mutex<Vec<u16>>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        let mut request_line = String::new();
        let mut headers = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            headers.push_str(&line.replace("\r\n", "\n"));
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let path_ok = request_line.starts_with("POST /v1/logs ")
            || request_line.starts_with("POST /custom/logs ");
        seen.lock().unwrap().push(format!(
            "{}\n{}{}",
            request_line.trim(),
            headers,
            String::from_utf8_lossy(&body)
        ));
        let status = if path_ok {
            script.lock().unwrap().pop().unwrap_or(200)
        } else {
            404
        };
        let _ = write!(
            writer,
            "HTTP/1.1 {status} X\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{{}}"
        );
    }
}

struct Env {
    dir: tempfile::TempDir,
    key_file: PathBuf,
    recipient: String,
    other_recipient: String,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        use age::secrecy::ExposeSecret;
        let identity = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let key_file = dir.path().join("key.txt");
        std::fs::write(
            &key_file,
            format!("{}\n", identity.to_string().expose_secret()),
        )
        .unwrap();
        Env {
            recipient: identity.to_public().to_string(),
            other_recipient: other.to_public().to_string(),
            key_file,
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self) -> Command {
        let mut cmd = sops_rs_command(self.dir.path());
        cmd.env("SOPS_AGE_KEY_FILE", &self.key_file)
            .env("TMPDIR", self.dir.path());
        cmd
    }
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn run(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn a_canary_never_leaves_through_the_audit_trail_stderr_or_otlp() {
    let env = Env::new();
    let collector = Collector::start(Vec::new());
    let log = env.path("audit.jsonl");
    let plain = env.path("app.yaml");
    let content = format!(
        "{CANARY_KEY}: {CANARY_VALUE}\nnested:\n    {CANARY_KEY}: [{CANARY_VALUE}]\nplain: x\nnote_unencrypted: public\n"
    );
    std::fs::write(&plain, &content).unwrap();
    let enc = env.path("app.enc.yaml");
    let editor = env.path("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsed -i 's/x$/y/' \"$1\"\n").unwrap();
    let broken_editor = env.path("broken.sh");
    std::fs::write(
        &broken_editor,
        format!("#!/bin/sh\nprintf '{CANARY_KEY}: [{CANARY_VALUE}\\n' > \"$1\"\n"),
    )
    .unwrap();
    let config = env.path("rules.yaml");
    std::fs::write(
        &config,
        format!("creation_rules:\n  - age: {}\n", env.other_recipient),
    )
    .unwrap();
    let malformed = env.path("bad.yaml");
    std::fs::write(
        &malformed,
        format!("{CANARY_KEY}: {CANARY_VALUE}\n{CANARY_KEY}: again\n"),
    )
    .unwrap();
    let extract = format!(r#"["{CANARY_KEY}"]"#);
    let missing = format!(r#"["nested"]["{CANARY_KEY}x"]"#);

    let encrypt = env
        .cmd()
        .args([
            "--audit-log",
            &s(&log),
            "encrypt",
            "--age",
            &env.recipient,
            &s(&plain),
        ])
        .output()
        .unwrap();
    assert!(
        encrypt.status.success(),
        "{}",
        String::from_utf8_lossy(&encrypt.stderr)
    );
    std::fs::write(&enc, &encrypt.stdout).unwrap();
    let mut tampered = String::from_utf8(encrypt.stdout.clone()).unwrap();
    tampered = tampered.replace("note_unencrypted: public", "note_unencrypted: edited");
    assert!(tampered.contains("edited"));
    let tampered_file = env.path("tampered.yaml");
    std::fs::write(&tampered_file, tampered).unwrap();

    type Case<'a> = (Vec<String>, Option<(&'a str, PathBuf)>, &'a [u8]);
    let cases: Vec<Case> = vec![
        (vec!["decrypt".into(), s(&enc)], None, b""),
        (
            vec![
                "decrypt".into(),
                "--extract".into(),
                extract.clone(),
                s(&enc),
            ],
            None,
            b"",
        ),
        (
            vec![
                "decrypt".into(),
                "--extract".into(),
                missing.clone(),
                s(&enc),
            ],
            None,
            b"",
        ),
        (vec!["decrypt".into(), s(&tampered_file)], None, b""),
        (
            vec![
                "encrypt".into(),
                "--age".into(),
                env.recipient.clone(),
                s(&malformed),
            ],
            None,
            b"",
        ),
        (
            vec![
                "set".into(),
                s(&enc),
                format!(r#"["{CANARY_KEY}"]"#),
                format!("\"{CANARY_VALUE}2\""),
            ],
            None,
            b"",
        ),
        (
            vec![
                "set".into(),
                s(&enc),
                format!(r#"["plain"]["{CANARY_KEY}"]"#),
                "1".into(),
            ],
            None,
            b"",
        ),
        (vec!["unset".into(), s(&enc), missing.clone()], None, b""),
        (vec!["exec-env".into(), s(&enc), "true".into()], None, b""),
        (
            vec!["exec-file".into(), s(&enc), "cat {} > /dev/null".into()],
            None,
            b"",
        ),
        (
            vec!["edit".into(), s(&enc)],
            Some((
                "SOPS_EDITOR",
                PathBuf::from(format!("sh {}", editor.display())),
            )),
            b"",
        ),
        (
            vec!["edit".into(), s(&enc)],
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
                s(&enc),
                "--age".into(),
                env.other_recipient.clone(),
            ],
            None,
            b"",
        ),
        (vec!["rotate".into(), "-i".into(), s(&enc)], None, b""),
        (
            vec![
                "--config".into(),
                s(&config),
                "updatekeys".into(),
                "-y".into(),
                s(&enc),
            ],
            None,
            b"",
        ),
        (vec!["decrypt".into(), s(&enc)], None, b""),
    ];
    let mut stderr_all = String::new();
    for (args, extra_env, stdin) in cases {
        let mut cmd = env.cmd();
        cmd.env("SOPS_RS_AUDIT_OTLP_ENDPOINT", collector.url())
            .args(["--audit-log", &s(&log)])
            .args(&args);
        if let Some((name, value)) = extra_env {
            cmd.env(name, value);
        }
        let out = run(&mut cmd, stdin);
        stderr_all.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    // The same runs with the stderr sink.
    let out = env
        .cmd()
        .args([
            "--audit-log",
            "-",
            "decrypt",
            "--extract",
            &missing,
            &s(&enc),
        ])
        .output()
        .unwrap();
    stderr_all.push_str(&String::from_utf8_lossy(&out.stderr));
    let audit = std::fs::read_to_string(&log).unwrap();
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
        .cmd()
        .args(["audit", "verify", &s(&log)])
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
    let env = Env::new();
    let plain = env.path("a.json");
    std::fs::write(&plain, r#"{"k": "v"}"#).unwrap();
    let log = env.path("audit.jsonl");
    let summary = env.path("summary.md");
    let out = env
        .cmd()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_RUN_ID", "9753949763")
        .env("GITHUB_ACTOR", "octocat")
        .env("GITHUB_REPOSITORY", "org/app")
        .env("GITHUB_SHA", "4f2c0ffee")
        .env("GITHUB_JOB", "deploy")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "--audit-log",
            &s(&log),
            "encrypt",
            "--age",
            &env.recipient,
            &s(&plain),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
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
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains("| encrypt |") && summary.contains("success"),
        "{summary}"
    );
}

#[test]
fn verify_accepts_a_real_log_and_rejects_each_kind_of_tampering() {
    let env = Env::new();
    let plain = env.path("a.yaml");
    std::fs::write(&plain, "k: v\n").unwrap();
    let log = env.path("audit.jsonl");
    for _ in 0..3 {
        let out = env
            .cmd()
            .args([
                "--audit-log",
                &s(&log),
                "encrypt",
                "--age",
                &env.recipient,
                &s(&plain),
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let verify = |text: &str| {
        let file = env.path("check.jsonl");
        std::fs::write(&file, text).unwrap();
        let out = env
            .cmd()
            .args(["audit", "verify", "--json", &s(&file)])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), report["broken_line"].as_u64())
    };
    let original = std::fs::read_to_string(&log).unwrap();
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
    let env = Env::new();
    let plain = env.path("a.yaml");
    std::fs::write(&plain, "k: secret-value\n").unwrap();
    let out = env
        .cmd()
        .args(["encrypt", "--age", &env.recipient, &s(&plain)])
        .output()
        .unwrap();
    let enc = env.path("a.enc.yaml");
    std::fs::write(&enc, &out.stdout).unwrap();
    // An unwritable sink: nothing on stdout, exit 75, and no key was even tried.
    let out = env
        .cmd()
        .env("SOPS_RS_AUDIT_MODE", "required")
        .args([
            "--audit-log",
            "/nonexistent-dir/audit.jsonl",
            "decrypt",
            &s(&enc),
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
        .cmd()
        .env("SOPS_RS_AUDIT_MODE", "required")
        .env("SOPS_RS_AUDIT_OTLP_ENDPOINT", collector.url())
        .args(["decrypt", &s(&enc)])
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
        .cmd()
        .env("SOPS_RS_AUDIT_MODE", "required")
        .env("SOPS_RS_AUDIT_OTLP_ENDPOINT", collector.url())
        .args(["decrypt", &s(&enc)])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "k: secret-value\n");
    let bodies = collector.all();
    assert!(bodies.contains("sops-rs.decrypt.finish") && bodies.contains("\"resourceLogs\""));
    assert!(bodies.contains("service.name") && bodies.contains("sops-rs.record.sha256"));
    // best_effort (the default): a broken sink only warns.
    let out = env
        .cmd()
        .args([
            "--audit-log",
            "/nonexistent-dir/audit.jsonl",
            "decrypt",
            &s(&enc),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: audit sink file failed"));
}

#[test]
fn audit_hash_matches_the_hmac_in_events() {
    let env = Env::new();
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD.encode([42u8; 32]);
    let plain = env.path("a.yaml");
    std::fs::write(&plain, "db:\n    password: x\n").unwrap();
    let enc = env.path("a.enc.yaml");
    let out = env
        .cmd()
        .args(["encrypt", "--age", &env.recipient, &s(&plain)])
        .output()
        .unwrap();
    std::fs::write(&enc, &out.stdout).unwrap();
    let log = env.path("audit.jsonl");
    let path = r#"["db"]["password"]"#;
    let out = env
        .cmd()
        .env("SOPS_RS_AUDIT_HMAC_KEY", &key)
        .args(["--audit-log", &s(&log), "set", &s(&enc), path, "\"y\""])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hash = env
        .cmd()
        .env("SOPS_RS_AUDIT_HMAC_KEY", &key)
        .args(["audit", "hash", path])
        .output()
        .unwrap();
    let hash = String::from_utf8(hash.stdout).unwrap();
    assert!(hash.starts_with("hmac-sha256:"));
    let audit = std::fs::read_to_string(&log).unwrap();
    assert!(audit.contains(hash.trim()), "{audit}");
    assert!(!audit.contains("password"));
}

impl Env {
    /// `content` encrypted for this env's recipient (and `extra` recipients before it) at `name`.
    fn encrypted(&self, name: &str, content: &str, extra: &[&str]) -> PathBuf {
        let plain = self.path(&format!("{name}.plain.yaml"));
        std::fs::write(&plain, content).unwrap();
        let mut recipients: Vec<&str> = extra.to_vec();
        recipients.push(&self.recipient);
        let out = self
            .cmd()
            .args(["encrypt", "--age", &recipients.join(","), &s(&plain)])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = self.path(name);
        std::fs::write(&path, &out.stdout).unwrap();
        path
    }
}

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
    let env = Env::new();
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
        std::fs::write(repo.join(".sops-rs.yaml"), format!("audit:\n{audit}")).unwrap();
        let mut cmd = env.cmd();
        cmd.current_dir(&repo).args(["decrypt", &s(&enc)]);
        run(&mut cmd, b"")
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
    std::fs::write(repo.join(".sops-rs.yaml"), "audit:\n  mode: off\n").unwrap();
    let out = env
        .cmd()
        .current_dir(&repo)
        .env("SOPS_RS_AUDIT_MODE", "required")
        .args([
            "--audit-log",
            "/nonexistent-dir/a.jsonl",
            "decrypt",
            &s(&enc),
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
    let env = Env::new();
    let key = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let plain = env.path("a.yaml");
    std::fs::write(&plain, "k: v\n").unwrap();
    let log = env.path("audit.jsonl");
    let head = env.path("elsewhere.head");
    for _ in 0..3 {
        let out = env
            .cmd()
            .env("SOPS_RS_AUDIT_HMAC_KEY", &key)
            .env("SOPS_RS_AUDIT_HEAD", &head)
            .args(["--audit-log", &s(&log), "encrypt", "--age", &env.recipient])
            .arg(&plain)
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let original = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let verify = |text: &str, args: &[&str], keyed: bool| {
        let file = env.path("check.jsonl");
        std::fs::write(&file, text).unwrap();
        let mut cmd = env.cmd();
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
    let head_file = s(&head);
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
    let out = env
        .cmd()
        .args([
            "--audit-log",
            &s(&unkeyed),
            "encrypt",
            "--age",
            &env.recipient,
        ])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&unkeyed).unwrap();
    assert_eq!(verify(&text, &[], false).0, Some(0));
    assert_eq!(verify(&text, &[], true).0, Some(1));
}

/// Hole 6: the user comes from the real uid (`$USER` is a claim), a recipient whose credentials
/// are simply absent is `no_credentials` (not a failure), the file is named absolutely and
/// relative to its git work tree, and `audit.chain_start` is not later than the record after it.
#[test]
fn records_name_the_real_user_the_repository_path_and_absent_credentials() {
    let env = Env::new();
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
    let enc = env.encrypted("work/deploy/app.enc.yaml", "k: v\n", &[&held_elsewhere]);
    // A PGP recipient too; no gpg on this "runner".
    let text = std::fs::read_to_string(&enc).unwrap();
    let with_pgp = text.replacen(
        "    lastmodified:",
        "    pgp:\n        - created_at: \"2026-01-01T00:00:00Z\"\n          enc: |\n            -----BEGIN PGP MESSAGE-----\n            -----END PGP MESSAGE-----\n          fp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n    lastmodified:",
        1,
    );
    assert_ne!(text, with_pgp);
    std::fs::write(&enc, with_pgp).unwrap();
    let log = env.path("audit.jsonl");
    let out = env
        .cmd()
        .current_dir(work.join("deploy"))
        .env("USER", "mallory")
        .env("SOPS_GPG_EXEC", env.path("no-gpg-here"))
        .env("SOPS_DECRYPTION_ORDER", "pgp,age")
        .args(["--audit-log", &s(&log), "decrypt", "app.enc.yaml"])
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
    assert_eq!(finish["file"]["path"], s(&canonical).as_str());
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
    let env = Env::new();
    let enc = env.encrypted("a.enc.yaml", "k: v\n", &[]);
    let summary = env.path("summary.md");
    std::fs::write(&summary, "# Deploy\n\n").unwrap();
    for _ in 0..3 {
        let out = env
            .cmd()
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_JOB", "deploy")
            .env("GITHUB_RUN_ID", "1")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args(["--audit-log", &s(&env.path("audit.jsonl")), "decrypt"])
            .arg(&enc)
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let text = std::fs::read_to_string(&summary).unwrap();
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
    let out = env
        .cmd()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["--audit-log", &s(&env.path("audit.jsonl")), "decrypt"])
        .arg(&enc)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("| op | file |").count(), 2, "{text}");
    assert!(text.trim_end().ends_with("|"), "{text}");
}

/// Hole 6: the OTLP sink honours the standard OpenTelemetry exporter variables, headers included,
/// and never prints a header value.
#[test]
fn otlp_honours_the_standard_exporter_variables() {
    let env = Env::new();
    let enc = env.encrypted("a.enc.yaml", "k: v\n", &[]);
    let collector = Collector::start(Vec::new());
    let out = env
        .cmd()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url())
        .env(
            "OTEL_EXPORTER_OTLP_HEADERS",
            "Authorization=Bearer%20tok3n-secret,x-tenant=blue",
        )
        .args(["decrypt", &s(&enc)])
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
        .cmd()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
        .env(
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
            format!("{}/custom/logs", collector.url()),
        )
        .env("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-api-key=k3y-secret")
        .args(["decrypt", &s(&enc)])
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
        .cmd()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url())
        .env("OTEL_LOGS_EXPORTER", "none")
        .args(["decrypt", &s(&enc)])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(collector.all(), "");
}

/// Hole 5: the audit key is an anchor only while the code sops-rs runs cannot read it.
#[test]
fn children_never_get_the_audit_key() {
    use base64::Engine;
    let env = Env::new();
    let key = base64::engine::general_purpose::STANDARD.encode([5u8; 32]);
    let enc = env.encrypted("a.enc.yaml", "k: v\n", &[]);
    for keep in [false, true] {
        let mut cmd = env.cmd();
        cmd.env("SOPS_RS_AUDIT_HMAC_KEY", &key).args([
            "--audit-log",
            &s(&env.path("audit.jsonl")),
            "exec-env",
        ]);
        if keep {
            cmd.arg("--keep-key-credentials");
        }
        let out = cmd.args([&s(&enc), "env"]).output().unwrap();
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
    let env = Env::new();
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
    let out = env.cmd().args(["decrypt", &s(&enc)]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "k: v\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(records(&log).iter().any(|r| r["event"] == "decrypt.finish"));
    assert!(collector.all().contains("sops-rs.decrypt.finish"));
    let verify = env
        .cmd()
        .args(["audit", "verify", "--head", &s(&head), &s(&log)])
        .output()
        .unwrap();
    assert!(verify.status.success());
    // The environment wins over the user's config for the mode.
    let out = env
        .cmd()
        .env("SOPS_RS_AUDIT_MODE", "off")
        .args(["decrypt", &s(&enc)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let finishes = records(&log)
        .iter()
        .filter(|r| r["event"] == "decrypt.finish")
        .count();
    assert_eq!(finishes, 1);
}
