//! The command line: sops's flags, exit codes and output rules, run through the binary.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::sops_rs_command;

struct Env {
    dir: tempfile::TempDir,
    key_file: PathBuf,
    recipient: String,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let identity = age::x25519::Identity::generate();
        use age::secrecy::ExposeSecret;
        let key_file = dir.path().join("key.txt");
        std::fs::write(
            &key_file,
            format!("{}\n", identity.to_string().expose_secret()),
        )
        .unwrap();
        Env {
            recipient: identity.to_public().to_string(),
            key_file,
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    fn cmd(&self) -> Command {
        let mut cmd = sops_rs_command(self.dir.path());
        cmd.env("SOPS_AGE_KEY_FILE", &self.key_file);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).stdin(Stdio::null()).output().unwrap()
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The command may exit before reading (a usage error), closing the pipe early.
        let _ = child.stdin.take().unwrap().write_all(stdin);
        child.wait_with_output().unwrap()
    }

    fn encrypt_to(&self, plain: &Path, name: &str) -> PathBuf {
        let out = self.run(&["encrypt", "--age", &self.recipient, &s(plain)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = self.path(name);
        std::fs::write(&path, out.stdout).unwrap();
        path
    }
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

const SAMPLE: &str = "db:\n    user: admin\n    password: hunter2\nport_unencrypted: 5432\n";

#[test]
fn encrypt_then_decrypt_round_trips_and_hides_values() {
    let env = Env::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let text = std::fs::read_to_string(&enc).unwrap();
    assert!(
        !text.contains("hunter2") && !text.contains("admin"),
        "{text}"
    );
    assert!(text.contains("port_unencrypted: 5432"));
    let out = env.run(&["decrypt", &s(&enc)]);
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), SAMPLE);
    // Legacy -d form.
    let out = env.run(&["-d", &s(&enc)]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), SAMPLE);
}

#[test]
fn in_place_keeps_the_file_mode_and_leaves_no_temp_files() {
    let env = Env::new();
    let plain = env.write("app.yaml", SAMPLE);
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = env.run(&["encrypt", "-i", "--age", &env.recipient, &s(&plain)]);
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&plain)
            .unwrap()
            .contains("ENC[AES256_GCM")
    );
    assert_eq!(
        std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let out = env.run(&["decrypt", "-i", &s(&plain)]);
    assert_eq!(code(&out), Some(0));
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), SAMPLE);
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_flag_writes_the_file_and_prints_nothing() {
    let env = Env::new();
    let plain = env.write("app.json", r#"{"a": "secret"}"#);
    let target = env.path("out.json");
    let out = env.run(&[
        "encrypt",
        "--age",
        &env.recipient,
        "--output",
        &s(&target),
        &s(&plain),
    ]);
    assert_eq!(code(&out), Some(0));
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("\"sops\"")
    );
}

#[test]
fn stdin_needs_a_filename_override_to_encrypt() {
    let env = Env::new();
    let out = env.run_with_stdin(&["encrypt", "--age", &env.recipient], SAMPLE.as_bytes());
    assert_eq!(code(&out), Some(8));
    let out = env.run_with_stdin(
        &[
            "encrypt",
            "--age",
            &env.recipient,
            "--filename-override",
            "x.yaml",
        ],
        SAMPLE.as_bytes(),
    );
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Standard input without a name is binary unless --filename-override names it (as in sops,
    // --input-type alone does not set the output format).
    let out = env.run_with_stdin(&["decrypt", "--filename-override", "x.yaml"], &out.stdout);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), SAMPLE);
}

#[test]
fn extract_prints_one_value_raw() {
    let env = Env::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let out = env.run(&["decrypt", "--extract", r#"["db"]["password"]"#, &s(&enc)]);
    assert_eq!(out.stdout, b"hunter2");
    let out = env.run(&["decrypt", "--extract", r#"["db"]"#, &s(&enc)]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "user: admin\npassword: hunter2\n"
    );
    // A path that parses but is not in the file is a plain error in sops (1); 91 is for one
    // that does not parse.
    let out = env.run(&["decrypt", "--extract", r#"["nope"]"#, &s(&enc)]);
    assert_eq!(code(&out), Some(1));
    let out = env.run(&["decrypt", "--extract", "db.password", &s(&enc)]);
    assert_eq!(code(&out), Some(91));
}

#[test]
fn conversion_between_formats() {
    let env = Env::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let out = env.run(&["decrypt", "--output-type", "json", &s(&enc)]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\n\t\"db\": {\n\t\t\"user\": \"admin\",\n\t\t\"password\": \"hunter2\"\n\t},\n\t\"port_unencrypted\": 5432\n}\n"
    );
}

#[test]
fn sops_exit_codes_for_bad_usage() {
    let env = Env::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let cases: Vec<(Vec<String>, i32)> = vec![
        (vec!["decrypt".into(), s(&env.path("missing.yaml"))], 100),
        (
            vec![
                "encrypt".into(),
                "--age".into(),
                env.recipient.clone(),
                s(&enc),
            ],
            203,
        ),
        (
            vec![
                "decrypt".into(),
                "-i".into(),
                "--output".into(),
                "x".into(),
                s(&enc),
            ],
            8,
        ),
        (
            vec![
                "encrypt".into(),
                "--age".into(),
                env.recipient.clone(),
                "--encrypted-regex".into(),
                "a".into(),
                "--encrypted-suffix".into(),
                "b".into(),
                s(&plain),
            ],
            8,
        ),
        (vec!["encrypt".into(), s(&plain)], 1),
        (
            vec![
                "encrypt".into(),
                "--kms".into(),
                "arn:aws:kms:us-east-1:1:key/x".into(),
                "--encryption-context".into(),
                "nocolon".into(),
                s(&plain),
            ],
            6,
        ),
        (vec!["decrypt".into(), s(&plain)], 1),
        (
            vec![
                "decrypt".into(),
                "--decryption-order".into(),
                "age,age".into(),
                s(&enc),
            ],
            112,
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = env.run(&args);
        assert_eq!(
            code(&out),
            Some(expected),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?} printed output");
    }
    // Nothing was changed on disk by the failures.
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), SAMPLE);
}

#[test]
fn wrong_key_exits_128_and_names_the_recipient() {
    let env = Env::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let other = age::x25519::Identity::generate();
    use age::secrecy::ExposeSecret;
    let wrong = env.write("wrong.txt", other.to_string().expose_secret());
    let out = env
        .cmd()
        .env("SOPS_AGE_KEY_FILE", &wrong)
        .args(["decrypt", &s(&enc)])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&env.recipient), "{stderr}");
    assert!(!stderr.contains("hunter2"));
    assert!(out.stdout.is_empty());
}

#[test]
fn malformed_input_names_the_file_and_line_and_no_value() {
    let env = Env::new();
    let bad = env.write("bad.json", "{\n  \"password\": \"hunter2\",\n  oops\n}\n");
    let out = env.run(&["encrypt", "--age", &env.recipient, &s(&bad)]);
    assert_eq!(code(&out), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.json") && stderr.contains("line 3"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}
