//! The Huawei Cloud KMS backend (`hckms`) against the stand-in server
//! (`tests/servers/huaweicloud_kms.py`), which speaks KMS's `encrypt-data`/`decrypt-data` REST
//! calls and verifies every request's `SDK-HMAC-SHA256` signature. Both sops 3.12.2 and sops-rs
//! reach it through `HUAWEICLOUD_SDK_REGION_KMS_TR_WEST_1`, so files go both ways between them.
//! Also: the metadata entry, creation rules, `rotate --add-hckms/--rm-hckms`, a wrong secret key
//! (refused by the stand-in, exit 128 as sops), no credentials (`no_credentials` in the audit
//! trail), the server down, and the credentials withheld from `exec-env`.

use std::ops::Deref;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::standin::{INPUT, Scratch, StandIn, dead_port};
use crate::support::{age_key_file, ok, sops_command, sops_rs_command};

const KEY_UUID: &str = "0a1b2c3d-0000-4000-8000-000000000001";
const KEY: &str = "tr-west-1:0a1b2c3d-0000-4000-8000-000000000001";
const AK: &str = "test-ak";
const SK: &str = "test-sk-3f1e";
const PROJECT: &str = "0b5a0f1d2c3e4f5a6b7c8d9e0f1a2b3c";
/// The endpoint override the Huawei Cloud SDK (and sops-rs) reads for the test region.
const ENDPOINT_VAR: &str = "HUAWEICLOUD_SDK_REGION_KMS_TR_WEST_1";

/// A running stand-in; killed when dropped.
struct Kms(StandIn);

impl Kms {
    fn start() -> Kms {
        Kms::with(&[])
    }

    /// A stand-in with extra options (`--fail`, `--delay`, `--security-token`).
    fn with(extra: &[&str]) -> Kms {
        Kms(StandIn::start("huaweicloud_kms.py", |cmd, _| {
            cmd.args(["--ak", AK, "--sk", SK, "--project", PROJECT])
                .args(["--keys", KEY_UUID])
                .args(extra);
        }))
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.0.port())
    }

    /// `(status, access key)` of every call, in order.
    fn calls(&self) -> Vec<(u64, String)> {
        self.0
            .requests()
            .iter()
            .map(|r| {
                (
                    r["status"].as_u64().unwrap(),
                    r["access"].as_str().unwrap_or("-").to_string(),
                )
            })
            .collect()
    }
}

struct Home(Scratch);

impl Deref for Home {
    type Target = Scratch;

    fn deref(&self) -> &Scratch {
        &self.0
    }
}

/// Which credentials a run gets.
#[derive(Clone, Copy)]
enum Creds {
    Right,
    WrongSecret,
    None,
}

impl Home {
    fn new() -> Home {
        Home(Scratch::new())
    }

    fn env(endpoint: &str, creds: Creds) -> Vec<(&'static str, String)> {
        let mut env = vec![(ENDPOINT_VAR, endpoint.to_string())];
        let secret = match creds {
            Creds::Right => SK,
            Creds::WrongSecret => "not-the-secret",
            Creds::None => return env,
        };
        env.extend([
            ("HUAWEICLOUD_SDK_AK", AK.to_string()),
            ("HUAWEICLOUD_SDK_SK", secret.to_string()),
            ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_string()),
        ]);
        env
    }

    fn ours(&self, endpoint: &str, creds: Creds, args: &[&str]) -> Output {
        sops_rs_command(self.path())
            .envs(Home::env(endpoint, creds))
            .args(args)
            .output()
            .unwrap()
    }

    fn sops(&self, endpoint: &str, creds: Creds, args: &[&str]) -> Output {
        sops_command(self.path())
            .envs(Home::env(endpoint, creds))
            .args(args)
            .output()
            .unwrap()
    }

    /// INPUT encrypted for KEY by sops-rs, written to `app.enc.yaml`.
    fn encrypted(&self, endpoint: &str) -> String {
        let plain = self.write("app.yaml", INPUT);
        let enc = ok(
            self.ours(endpoint, Creds::Right, &["encrypt", "--hckms", KEY, &plain]),
            "sops-rs encrypt",
        );
        self.write("app.enc.yaml", &enc)
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn backend_hckms_round_trip_and_metadata() {
    let kms = Kms::start();
    let home = Home::new();
    let file = home.encrypted(&kms.endpoint());
    let text = std::fs::read_to_string(&file).unwrap();
    let entry = text
        .split("sops:\n")
        .nth(1)
        .expect("a sops block")
        .lines()
        .take(4)
        .collect::<Vec<_>>();
    assert_eq!(entry[0], "    hckms:", "{text}");
    assert_eq!(entry[1], format!("        - key_id: {KEY}"), "{text}");
    assert!(entry[2].starts_with("          created_at: \""), "{text}");
    assert!(entry[3].starts_with("          enc: "), "{text}");
    assert!(!text.contains("hunter2"));
    assert_eq!(
        ok(
            home.ours(&kms.endpoint(), Creds::Right, &["decrypt", &file]),
            "decrypt"
        ),
        INPUT
    );
    // One encrypt-data and one decrypt-data, both signed with the access key and accepted.
    assert_eq!(
        kms.calls(),
        [(200, AK.to_string()), (200, AK.to_string())],
        "{:?}",
        kms.0.requests()
    );
    let paths: Vec<String> = kms
        .0
        .requests()
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            format!("/v1.0/{PROJECT}/kms/encrypt-data"),
            format!("/v1.0/{PROJECT}/kms/decrypt-data")
        ]
    );
}

#[test]
fn backend_hckms_interop_with_real_sops_both_ways() {
    let kms = Kms::start();
    let home = Home::new();
    let endpoint = kms.endpoint();
    // sops-rs writes, sops reads.
    let ours = home.encrypted(&endpoint);
    assert_eq!(
        ok(
            home.sops(&endpoint, Creds::Right, &["decrypt", &ours]),
            "sops decrypt"
        ),
        INPUT
    );
    // sops writes, sops-rs reads, and sops-rs rewrites the entry the way sops wrote it.
    let plain = home.write("theirs.yaml", INPUT);
    let theirs = ok(
        home.sops(
            &endpoint,
            Creds::Right,
            &["encrypt", "--hckms", KEY, &plain],
        ),
        "sops encrypt",
    );
    let theirs_file = home.write("theirs.enc.yaml", &theirs);
    assert_eq!(
        ok(
            home.ours(&endpoint, Creds::Right, &["decrypt", &theirs_file]),
            "sops-rs decrypt"
        ),
        INPUT
    );
    ok(
        home.ours(
            &endpoint,
            Creds::Right,
            &["set", &theirs_file, r#"["port"]"#, "5433"],
        ),
        "sops-rs set",
    );
    let rewritten = std::fs::read_to_string(&theirs_file).unwrap();
    let entry = |text: &str| -> String {
        let start = text.find("    hckms:").expect("an hckms list");
        text[start..text.find("    lastmodified:").unwrap()].to_string()
    };
    assert_eq!(
        entry(&rewritten),
        entry(&theirs),
        "the entry is kept as sops wrote it"
    );
    assert!(
        ok(
            home.sops(&endpoint, Creds::Right, &["decrypt", &theirs_file]),
            "sops decrypt after sops-rs set"
        )
        .contains("port: 5433")
    );
}

#[test]
fn backend_hckms_wrong_secret_key_is_refused_with_exit_128_as_sops() {
    let kms = Kms::start();
    let home = Home::new();
    let endpoint = kms.endpoint();
    let file = home.encrypted(&endpoint);
    let before = std::fs::read(&file).unwrap();
    let ours = home.ours(&endpoint, Creds::WrongSecret, &["decrypt", &file]);
    let theirs = home.sops(&endpoint, Creds::WrongSecret, &["decrypt", &file]);
    assert_eq!(ours.status.code(), Some(128), "{}", stderr(&ours));
    assert_eq!(
        theirs.status.code(),
        ours.status.code(),
        "{}",
        stderr(&theirs)
    );
    let message = stderr(&ours);
    assert!(
        message.contains(&format!("hckms {KEY}"))
            && message.contains("HTTP 401 (APIGW.0301: Incorrect IAM authentication information"),
        "{message}"
    );
    assert!(!message.contains("not-the-secret") && !message.contains("hunter2"));
    assert!(ours.stdout.is_empty());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is untouched"
    );
    // The stand-in refused both tools' signatures: 200 for the encryption, then two 401s.
    let statuses: Vec<u64> = kms.calls().iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses, [200, 401, 401]);
}

#[test]
fn backend_hckms_without_credentials_is_no_credentials() {
    let kms = Kms::start();
    let home = Home::new();
    let endpoint = kms.endpoint();
    let file = home.encrypted(&endpoint);
    let audit = home.path().join("audit.jsonl");
    let out = sops_rs_command(home.path())
        .envs(Home::env(&endpoint, Creds::None))
        .arg("--audit-log")
        .arg(&audit)
        .args(["decrypt", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(128), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "no Huawei Cloud credentials (set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and \
             HUAWEICLOUD_SDK_PROJECT_ID)"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        kms.calls().len(),
        1,
        "only the encryption reached the server"
    );
    let records = std::fs::read_to_string(&audit).unwrap();
    let unwrap = records
        .lines()
        .find(|l| l.contains("\"hckms\"") && l.contains("unwrap"))
        .unwrap_or_else(|| panic!("no hckms unwrap record in {records}"));
    assert!(unwrap.contains("\"no_credentials\""), "{unwrap}");
}

#[test]
fn backend_hckms_server_down_fails_fast_and_the_next_key_is_tried() {
    let kms = Kms::start();
    let home = Home::new();
    let (key_file, recipient) = age_key_file(home.path(), "age.txt");
    let plain = home.write("app.yaml", INPUT);
    let both = ok(
        home.ours(
            &kms.endpoint(),
            Creds::Right,
            &["encrypt", "--hckms", KEY, "--age", &recipient, &plain],
        ),
        "encrypt for both",
    );
    let both = home.write("both.enc.yaml", &both);
    let only = home.encrypted(&kms.endpoint());
    drop(kms);
    let down = format!("http://127.0.0.1:{}", dead_port());
    let started = Instant::now();
    let out = home.ours(&down, Creds::Right, &["decrypt", &only]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(128), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not connect"),
        "{}",
        stderr(&out)
    );
    // With the age key as well, the file still opens.
    let out = sops_rs_command(home.path())
        .envs(Home::env(&down, Creds::Right))
        .env("SOPS_AGE_KEY_FILE", &key_file)
        .args(["--decryption-order", "hckms,age", "decrypt", &both])
        .output()
        .unwrap();
    assert_eq!(ok(out, "decrypt with age after hckms failed"), INPUT);
}

#[test]
fn backend_hckms_creation_rules_and_rotate_flags() {
    let kms = Kms::start();
    let home = Home::new();
    let endpoint = kms.endpoint();
    let (_, recipient) = age_key_file(home.path(), "age.txt");
    home.write(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: flat\n    hckms:\n      - {KEY}\n  \
             - key_groups:\n      - hckms:\n          - key_id: {KEY}\n        age:\n          - {recipient}\n"
        ),
    );
    let flat = home.write("flat.yaml", INPUT);
    let grouped = home.write("grouped.yaml", INPUT);
    for (file, expected) in [(&flat, 1), (&grouped, 2)] {
        let out = sops_rs_command(home.path())
            .current_dir(home.path())
            .envs(Home::env(&endpoint, Creds::Right))
            .args(["encrypt", "-i", file])
            .output()
            .unwrap();
        ok(out, "encrypt from the creation rule");
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(&format!("- key_id: {KEY}")), "{text}");
        assert_eq!(text.matches("recipient:").count(), expected - 1, "{text}");
    }
    // rotate --rm-hckms takes the key out; --add-hckms puts it back.
    let run = |args: &[&str]| {
        ok(
            sops_rs_command(home.path())
                .envs(Home::env(&endpoint, Creds::Right))
                .env("SOPS_AGE_KEY_FILE", home.path().join("age.txt"))
                .args(args)
                .output()
                .unwrap(),
            &args.join(" "),
        )
    };
    run(&["rotate", "-i", "--rm-hckms", KEY, &grouped]);
    assert!(!std::fs::read_to_string(&grouped).unwrap().contains("hckms"));
    run(&["rotate", "-i", "--add-hckms", KEY, &grouped]);
    assert!(std::fs::read_to_string(&grouped).unwrap().contains(KEY));
    assert_eq!(run(&["decrypt", &grouped]), INPUT);
}

#[test]
fn backend_hckms_credentials_are_withheld_from_exec_env() {
    let kms = Kms::start();
    let home = Home::new();
    let plain = home.write("flat.yaml", "secret: hunter2\n");
    let enc = ok(
        home.ours(
            &kms.endpoint(),
            Creds::Right,
            &["encrypt", "--hckms", KEY, &plain],
        ),
        "encrypt",
    );
    let file = home.write("flat.enc.yaml", &enc);
    let out = ok(
        home.ours(&kms.endpoint(), Creds::Right, &["exec-env", &file, "env"]),
        "exec-env",
    );
    assert!(out.contains("secret=hunter2"), "{out}");
    for name in ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"] {
        assert!(!out.contains(name), "{name} reached the child:\n{out}");
    }
}

#[test]
fn backend_hckms_429_and_500_are_retried() {
    for status in ["429", "503"] {
        let kms = Kms::with(&["--fail", "2", "--fail-status", status]);
        let home = Home::new();
        let file = home.encrypted(&kms.endpoint());
        assert!(std::fs::read_to_string(&file).unwrap().contains(KEY));
        let statuses: Vec<u64> = kms.calls().iter().map(|(s, _)| *s).collect();
        let failed: u64 = status.parse().unwrap();
        assert_eq!(statuses, [failed, failed, 200]);
    }
    // A third failure in a row is the answer.
    let kms = Kms::with(&["--fail", "3"]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let out = home.ours(
        &kms.endpoint(),
        Creds::Right,
        &["encrypt", "--hckms", KEY, &plain],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("HTTP 500 (KMS.0500: injected failure)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(kms.calls().len(), 3);
}

#[test]
fn backend_hckms_slow_server_times_out() {
    let kms = Kms::with(&["--delay", "5"]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let started = Instant::now();
    let out = sops_rs_command(home.path())
        .envs(Home::env(&kms.endpoint(), Creds::Right))
        .env("SOPS_RS_HTTP_TIMEOUT_SECONDS", "0.5")
        .args(["encrypt", "--hckms", KEY, &plain])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
}

#[test]
fn backend_hckms_temporary_credentials_send_and_sign_the_security_token() {
    let kms = Kms::with(&["--security-token", "session-token-1"]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let without = home.ours(
        &kms.endpoint(),
        Creds::Right,
        &["encrypt", "--hckms", KEY, &plain],
    );
    assert!(
        stderr(&without).contains("APIGW.0301"),
        "{}",
        stderr(&without)
    );
    let with = sops_rs_command(home.path())
        .envs(Home::env(&kms.endpoint(), Creds::Right))
        .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "session-token-1")
        .args(["encrypt", "--hckms", KEY, &plain])
        .output()
        .unwrap();
    let enc = ok(with, "encrypt with a security token");
    assert!(enc.contains(KEY));
    let signed = kms.0.requests()[1]["signed_headers"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(signed.contains("x-security-token"), "{signed}");
}
