//! The GCP Cloud KMS backend against the stand-in server (`tests/servers/gcp_kms.py`): round
//! trips, metadata layout, the request id, and faults (server down, slow server, 429 and 500
//! retried, wrong token, no credentials). sops 3.12.2 cannot be pointed at a custom GCP
//! endpoint (`SOPS_GCP_KMS_ENDPOINT` is new in 3.13), so there is no interop test here.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sops_rs::keys::{KeyContext, KeySpec, MasterKey, from_spec};

use crate::support::{repo_root, sops_rs_command};

const TOKEN: &str = "test-token";
const KEY: &str = "projects/p1/locations/global/keyRings/ring/cryptoKeys/sops";
/// A fixed pad secret, so ciphertexts made by one stand-in open in another.
const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A running stand-in; killed when dropped.
struct Kms {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Kms {
    fn start(extra: &[&str]) -> Kms {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new("python3")
            .arg(repo_root().join("tests/servers/gcp_kms.py"))
            .args(["--log"])
            .arg(&log)
            .args(["--secret", SECRET])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 must be installed (scripts/install-test-deps.sh)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the stand-in prints its port");
        Kms {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The statuses the stand-in answered, in order.
    fn statuses(&self) -> Vec<u64> {
        self.requests()
            .iter()
            .map(|r| r["status"].as_u64().unwrap())
            .collect()
    }
}

impl Drop for Kms {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

const INPUT: &str = "db:\n    user: admin\n    password: hunter2\nport: 5432\n";

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, content: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }

    fn ours(&self, endpoint: &str, token: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = sops_rs_command(self.path());
        cmd.env("SOPS_GCP_KMS_ENDPOINT", endpoint);
        if let Some(token) = token {
            cmd.env("GOOGLE_OAUTH_ACCESS_TOKEN", token);
        }
        cmd.args(args).output().unwrap()
    }
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn ctx(vars: &[(&str, &str)]) -> KeyContext {
    KeyContext {
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

fn gcp_key(id: &str) -> Box<dyn MasterKey> {
    from_spec(&KeySpec::simple("gcp_kms", id)).unwrap()
}

#[test]
fn backend_gcp_round_trip_and_metadata() {
    let kms = Kms::start(&[]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let enc = ok(
        home.ours(
            &kms.endpoint(),
            Some(TOKEN),
            &["encrypt", "--gcp-kms", KEY, &plain],
        ),
        "encrypt",
    );
    assert!(
        enc.contains(&format!(
            "    gcp_kms:\n        - resource_id: {KEY}\n          created_at: "
        )),
        "{enc}"
    );
    let enc_line = enc
        .lines()
        .find(|l| l.trim_start().starts_with("enc: "))
        .expect("an enc line");
    let value = enc_line.trim_start().trim_start_matches("enc: ");
    // Standard padded base64 of a 32-byte key plus the stand-in's 16-byte checksum.
    assert_eq!(value.len(), 64, "{value}");
    let file = home.write("app.enc.yaml", &enc);
    assert_eq!(
        ok(
            home.ours(&kms.endpoint(), Some(TOKEN), &["decrypt", &file]),
            "decrypt"
        ),
        INPUT
    );
    let reqs = kms.requests();
    assert_eq!(
        reqs.last().unwrap()["path"],
        format!("/v1/{KEY}:decrypt"),
        "{reqs:?}"
    );

    // The library: the key id and the stand-in's request id (x-goog-request-id).
    let key = gcp_key(KEY);
    assert_eq!(key.id(), KEY);
    let c = ctx(&[
        ("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN),
        ("SOPS_GCP_KMS_ENDPOINT", &kms.endpoint()),
    ]);
    let wrapped = key.wrap(&[9u8; 32], &c).unwrap();
    let first = key.last_request_id().expect("a request id");
    assert_eq!(first.len(), 36, "{first}");
    assert_eq!(&key.unwrap(&wrapped, &c).unwrap().unwrap()[..], &[9u8; 32]);
    assert_ne!(key.last_request_id().unwrap(), first);

    // A ciphertext made under one key does not open under another.
    let other = gcp_key("projects/p1/locations/global/keyRings/ring/cryptoKeys/other");
    let err = other.unwrap(&wrapped, &c).unwrap_err().to_string();
    assert!(
        err.contains("400") && err.contains("INVALID_ARGUMENT"),
        "{err}"
    );
}

#[test]
fn backend_gcp_resource_id_syntax_is_checked() {
    for bad in [
        "projects/p/locations/l/keyRings/r",
        "projects/p/locations/l/keyRings/r/cryptoKeys/",
        "p/locations/l/keyRings/r/cryptoKeys/k",
    ] {
        assert!(
            from_spec(&KeySpec::simple("gcp_kms", bad)).is_err(),
            "{bad}"
        );
    }
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let out = home.ours(
        "http://127.0.0.1:9",
        Some(TOKEN),
        &["encrypt", "--gcp-kms", "projects/p/keyRings/r", &plain],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("projects/PROJECT/locations/"), "{stderr}");
}

#[test]
fn backend_gcp_server_down_fails_fast_with_exit_128() {
    let home = Home::new();
    let dead = format!("http://127.0.0.1:{}", dead_port());
    // The stand-ins share a pad secret, so any instance decrypts another's ciphertexts.
    let enc = {
        let kms = Kms::start(&[]);
        let plain = home.write("app.yaml", INPUT);
        ok(
            home.ours(
                &kms.endpoint(),
                Some(TOKEN),
                &["encrypt", "--gcp-kms", KEY, &plain],
            ),
            "encrypt",
        )
    };
    let file = home.write("app.enc.yaml", &enc);
    let started = Instant::now();
    let out = home.ours(&dead, Some(TOKEN), &["decrypt", &file]);
    let elapsed = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(128),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(KEY), "the key is named: {stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");
    assert!(out.stdout.is_empty());

    let started = Instant::now();
    let plain = home.write("plain.yaml", INPUT);
    let out = home.ours(&dead, Some(TOKEN), &["encrypt", "--gcp-kms", KEY, &plain]);
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn backend_gcp_slow_server_times_out() {
    let kms = Kms::start(&["--delay", "5"]);
    let key = gcp_key(KEY);
    let c = ctx(&[
        ("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN),
        ("SOPS_GCP_KMS_ENDPOINT", &kms.endpoint()),
        ("SOPS_RS_HTTP_TIMEOUT_SECONDS", "1"),
    ]);
    let started = Instant::now();
    let err = key.wrap(&[1u8; 32], &c).unwrap_err().to_string();
    let elapsed = started.elapsed();
    assert!(err.contains("timed out"), "{err}");
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");

    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let started = Instant::now();
    let out = sops_rs_command(home.path())
        .env("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN)
        .env("SOPS_GCP_KMS_ENDPOINT", kms.endpoint())
        .env("SOPS_RS_HTTP_TIMEOUT_SECONDS", "1")
        .args(["encrypt", "--gcp-kms", KEY, &plain])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("timed out"));
}

#[test]
fn backend_gcp_429_and_500_are_retried() {
    for status in ["429", "500", "503"] {
        let kms = Kms::start(&["--fail", "2", "--fail-status", status]);
        let key = gcp_key(KEY);
        let c = ctx(&[
            ("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN),
            ("SOPS_GCP_KMS_ENDPOINT", &kms.endpoint()),
        ]);
        let enc = key
            .wrap(&[3u8; 32], &c)
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        let code: u64 = status.parse().unwrap();
        assert_eq!(kms.statuses(), [code, code, 200]);
        assert_eq!(&key.unwrap(&enc, &c).unwrap().unwrap()[..], &[3u8; 32]);
    }
    // Three failures in a row: give up with the server's answer.
    let kms = Kms::start(&["--fail", "3", "--fail-status", "500"]);
    let err = gcp_key(KEY)
        .wrap(
            &[3u8; 32],
            &ctx(&[
                ("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN),
                ("SOPS_GCP_KMS_ENDPOINT", &kms.endpoint()),
            ]),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("500") && err.contains("INTERNAL") && err.contains("stand-in failure"),
        "{err}"
    );
    assert_eq!(kms.statuses().len(), 3);
}

#[test]
fn backend_gcp_wrong_credentials_are_a_clear_error() {
    let kms = Kms::start(&[]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let enc = ok(
        home.ours(
            &kms.endpoint(),
            Some(TOKEN),
            &["encrypt", "--gcp-kms", KEY, &plain],
        ),
        "encrypt",
    );
    let file = home.write("app.enc.yaml", &enc);

    let out = home.ours(&kms.endpoint(), Some("wrong-secret"), &["decrypt", &file]);
    assert_eq!(out.status.code(), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(KEY), "the key is named: {stderr}");
    assert!(stderr.contains("PERMISSION_DENIED"), "{stderr}");
    assert!(stderr.contains("403"), "{stderr}");
    assert!(stderr.contains("GOOGLE_OAUTH_ACCESS_TOKEN"), "{stderr}");
    assert!(
        !stderr.contains("wrong-secret"),
        "the token is not printed: {stderr}"
    );
    assert!(out.stdout.is_empty());

    let out = home.ours(
        &kms.endpoint(),
        Some("wrong-secret"),
        &["encrypt", "--gcp-kms", KEY, &plain],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PERMISSION_DENIED"));

    // No credentials at all: nothing to try with (exit 128, the key listed), nothing sent.
    let before = kms.requests().len();
    let out = home.ours(&kms.endpoint(), None, &["decrypt", &file]);
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains(KEY));
    assert_eq!(kms.requests().len(), before);

    // A service-account JSON is named as not supported yet, not silently ignored.
    let out = sops_rs_command(home.path())
        .env("SOPS_GCP_KMS_ENDPOINT", kms.endpoint())
        .env("GOOGLE_CREDENTIALS", r#"{"type": "service_account"}"#)
        .args(["decrypt", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("service_account"), "{stderr}");
}
