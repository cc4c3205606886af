//! The Huawei Cloud KMS backend (`hckms`) against the stand-in server
//! (`tests/servers/huaweicloud_kms.py`), which speaks KMS's `encrypt-data`/`decrypt-data` REST
//! calls and verifies every request's `SDK-HMAC-SHA256` signature. Both sops 3.12.2 and sops-rs
//! reach it through `HUAWEICLOUD_SDK_REGION_KMS_TR_WEST_1`. The scenarios every backend runs
//! (round trips both ways with the real sops, server down, slow, throttled then retried, wrong
//! and no credentials) are in `backend_conformance.rs`; here: the metadata entry and the signed
//! calls, sops's entry kept by a rewrite, the real sops's exit code for a wrong secret key, the
//! audit outcome without credentials, the next key tried when the server is down, creation
//! rules, `rotate --add-hckms/--rm-hckms`, the security token, and the credentials withheld
//! from `exec-env`.

use crate::backend_conformance::{Backend, Fault, KeyService, Relocation};
use crate::support::standin::{INPUT, StandIn, dead_port};
use crate::support::{TestEnv, ok, path_arg};

const KEY_UUID: &str = "0a1b2c3d-0000-4000-8000-000000000001";
const KEY: &str = "tr-west-1:0a1b2c3d-0000-4000-8000-000000000001";
const AK: &str = "test-ak";
const SK: &str = "test-sk-3f1e";
const WRONG_SK: &str = "not-the-secret";
const PROJECT: &str = "0b5a0f1d2c3e4f5a6b7c8d9e0f1a2b3c";
/// The endpoint override the Huawei Cloud SDK (and sops-rs) reads for the test region.
const ENDPOINT_VAR: &str = "HUAWEICLOUD_SDK_REGION_KMS_TR_WEST_1";

/// A running stand-in with the key; killed when dropped.
pub struct Hckms {
    server: StandIn,
}

impl Hckms {
    /// A stand-in with extra options (`--fail`, `--fail-status`, `--security-token`).
    fn with(extra: &[&str]) -> Hckms {
        let server = StandIn::start("huaweicloud_kms.py", |cmd, _| {
            cmd.args(["--ak", AK, "--sk", SK, "--project", PROJECT])
                .args(["--keys", KEY_UUID])
                .args(extra);
        });
        Hckms { server }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port())
    }

    /// The endpoint and the access key, signed with `secret`.
    fn signed_with(&self, secret: &str) -> Vec<(String, String)> {
        let mut vars = self.no_credentials();
        vars.extend(
            [
                ("HUAWEICLOUD_SDK_AK", AK),
                ("HUAWEICLOUD_SDK_SK", secret),
                ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
            ]
            .map(|(name, value)| (name.to_string(), value.to_string())),
        );
        vars
    }

    /// A home whose commands reach the stand-in with the right credentials.
    fn home(&self) -> TestEnv {
        let mut home = TestEnv::new();
        for (name, value) in self.credentials() {
            home.set(name, value);
        }
        home
    }

    /// `field` of every logged call, in order.
    fn logged(&self, field: &str) -> Vec<String> {
        self.server
            .requests()
            .iter()
            .map(|r| match &r[field] {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect()
    }
}

impl Backend for Hckms {
    const FLAG: &'static str = "--hckms";
    const REAL_SOPS: bool = true;
    const WRONG_CREDENTIALS_SAY: &'static [&'static str] = &[
        "hckms ",
        "HTTP 401 (APIGW.0301: Incorrect IAM authentication information",
    ];
    const NO_CREDENTIALS_SAY: &'static [&'static str] = &[
        "no Huawei Cloud credentials (set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and \
         HUAWEICLOUD_SDK_PROJECT_ID)",
    ];

    fn start(fault: Fault) -> Hckms {
        fault.stand_in(Hckms::with)
    }

    fn key_id(&self) -> String {
        KEY.to_string()
    }

    fn credentials(&self) -> Vec<(String, String)> {
        self.signed_with(SK)
    }

    fn wrong_credentials(&self) -> (Vec<(String, String)>, String) {
        (self.signed_with(WRONG_SK), WRONG_SK.to_string())
    }

    fn no_credentials(&self) -> Vec<(String, String)> {
        vec![(ENDPOINT_VAR.to_string(), self.endpoint())]
    }

    fn requests(&self) -> usize {
        self.server.requests().len()
    }
}

impl KeyService for Hckms {
    fn relocate(&self, port: u16) -> Relocation {
        Relocation {
            vars: vec![(ENDPOINT_VAR.to_string(), format!("http://127.0.0.1:{port}"))],
            replace: None,
        }
    }

    fn statuses(&self) -> Vec<u16> {
        self.logged("status")
            .iter()
            .map(|s| s.parse().unwrap())
            .collect()
    }

    fn injected_failure_says(status: u16) -> String {
        format!("HTTP {status} (KMS.0500: injected failure)")
    }
}

/// INPUT encrypted by sops-rs for KEY in `home` as `name`; its path.
fn encrypted(home: &TestEnv, name: &str, extra: &[&str]) -> String {
    let plain = path_arg(&home.write(&format!("{name}.plain.yaml"), INPUT));
    let mut args = vec!["encrypt", "--hckms", KEY];
    args.extend_from_slice(extra);
    args.push(&plain);
    path_arg(&home.write(name, home.ok(&args)))
}

/// The `hckms` list of a file's `sops` block, as written.
fn hckms_entry(text: &str) -> String {
    let start = text.find("    hckms:").expect("an hckms list");
    text[start..text.find("    lastmodified:").unwrap()].to_string()
}

#[test]
fn backend_hckms_metadata_entry_and_signed_calls() {
    let kms = Hckms::start(Fault::None);
    let home = kms.home();
    let file = encrypted(&home, "app.enc.yaml", &[]);
    let text = home.read(&file);
    let entry = hckms_entry(&text);
    let entry: Vec<&str> = entry.lines().collect();
    assert_eq!(entry[0], "    hckms:", "{text}");
    assert_eq!(entry[1], format!("        - key_id: {KEY}"), "{text}");
    assert!(entry[2].starts_with("          created_at: \""), "{text}");
    assert!(entry[3].starts_with("          enc: "), "{text}");
    assert_eq!(home.ok(&["decrypt", &file]), INPUT);
    // One encrypt-data and one decrypt-data, both signed with the access key and accepted.
    assert_eq!(kms.statuses(), [200, 200]);
    assert_eq!(kms.logged("access"), [AK, AK]);
    assert_eq!(
        kms.logged("path"),
        [
            format!("/v1.0/{PROJECT}/kms/encrypt-data"),
            format!("/v1.0/{PROJECT}/kms/decrypt-data")
        ]
    );
}

#[test]
fn backend_hckms_sops_entry_is_kept_by_a_sops_rs_rewrite() {
    let kms = Hckms::start(Fault::None);
    let home = kms.home();
    let plain = path_arg(&home.write("theirs.yaml", INPUT));
    let theirs = ok(
        home.run_sops(&["encrypt", "--hckms", KEY, &plain]),
        "sops encrypt",
    );
    let file = path_arg(&home.write("theirs.enc.yaml", &theirs));
    home.ok(&["set", &file, r#"["port"]"#, "5433"]);
    assert_eq!(
        hckms_entry(&home.read(&file)),
        hckms_entry(&theirs),
        "the entry is kept as sops wrote it"
    );
    let decrypted = ok(
        home.run_sops(&["decrypt", &file]),
        "sops decrypt after sops-rs set",
    );
    assert!(decrypted.contains("port: 5433"), "{decrypted}");
}

#[test]
fn backend_hckms_wrong_secret_key_exits_128_like_sops() {
    let kms = Hckms::start(Fault::None);
    let home = kms.home();
    let file = encrypted(&home, "app.enc.yaml", &[]);
    let mut wrong = kms.home();
    wrong.set("HUAWEICLOUD_SDK_SK", WRONG_SK);
    let ours = wrong.run(&["decrypt", &file]);
    let theirs = wrong.run_sops(&["decrypt", &file]);
    assert_eq!(
        ours.status.code(),
        Some(128),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        theirs.status.code(),
        ours.status.code(),
        "{}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    // The stand-in refused both tools' signatures: 200 for the encryption, then two 401s.
    assert_eq!(kms.statuses(), [200, 401, 401]);
}

#[test]
fn backend_hckms_without_credentials_is_recorded_as_no_credentials() {
    let kms = Hckms::start(Fault::None);
    let home = kms.home();
    let file = encrypted(&home, "app.enc.yaml", &[]);
    let mut bare = TestEnv::new();
    bare.set(ENDPOINT_VAR, kms.endpoint());
    let audit = path_arg(&bare.path("audit.jsonl"));
    let out = bare.run(&["--audit-log", &audit, "decrypt", &file]);
    assert_eq!(out.status.code(), Some(128));
    let records = bare.read(&audit);
    let unwrap = records
        .lines()
        .find(|l| l.contains("\"hckms\"") && l.contains("unwrap"))
        .unwrap_or_else(|| panic!("no hckms unwrap record in {records}"));
    assert!(unwrap.contains("\"no_credentials\""), "{unwrap}");
}

#[test]
fn backend_hckms_server_down_the_next_key_is_tried() {
    let kms = Hckms::start(Fault::None);
    let mut home = kms.home();
    let file = encrypted(&home, "both.enc.yaml", &["--age", &home.recipient.clone()]);
    drop(kms);
    home.set(ENDPOINT_VAR, format!("http://127.0.0.1:{}", dead_port()));
    let out = home.ok(&["--decryption-order", "hckms,age", "decrypt", &file]);
    assert_eq!(out, INPUT);
}

#[test]
fn backend_hckms_creation_rules_and_rotate_flags() {
    let kms = Hckms::start(Fault::None);
    let home = kms.home();
    home.write(
        ".sops.yaml",
        format!(
            "creation_rules:\n  - path_regex: flat\n    hckms:\n      - {KEY}\n  \
             - key_groups:\n      - hckms:\n          - key_id: {KEY}\n        age:\n          - {}\n",
            home.recipient
        ),
    );
    let flat = path_arg(&home.write("flat.yaml", INPUT));
    let grouped = path_arg(&home.write("grouped.yaml", INPUT));
    for (file, keys) in [(&flat, 1), (&grouped, 2)] {
        home.ok(&["encrypt", "-i", file]);
        let text = home.read(file);
        assert!(text.contains(&format!("- key_id: {KEY}")), "{text}");
        assert_eq!(text.matches("recipient:").count(), keys - 1, "{text}");
    }
    // rotate --rm-hckms takes the key out; --add-hckms puts it back.
    home.ok(&["rotate", "-i", "--rm-hckms", KEY, &grouped]);
    assert!(!home.read(&grouped).contains("hckms"));
    home.ok(&["rotate", "-i", "--add-hckms", KEY, &grouped]);
    assert!(home.read(&grouped).contains(KEY));
    assert_eq!(home.ok(&["decrypt", &grouped]), INPUT);
}

#[test]
fn backend_hckms_credentials_are_withheld_from_exec_env() {
    let kms = Hckms::start(Fault::None);
    let home = kms.home();
    let plain = path_arg(&home.write("flat.yaml", "secret: hunter2\n"));
    let file = path_arg(&home.write(
        "flat.enc.yaml",
        home.ok(&["encrypt", "--hckms", KEY, &plain]),
    ));
    let out = home.ok(&["exec-env", &file, "env"]);
    assert!(out.contains("secret=hunter2"), "{out}");
    for name in ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"] {
        assert!(!out.contains(name), "{name} reached the child:\n{out}");
    }
}

#[test]
fn backend_hckms_temporary_credentials_send_and_sign_the_security_token() {
    let kms = Hckms::with(&["--security-token", "session-token-1"]);
    let mut home = kms.home();
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let without = home.run(&["encrypt", "--hckms", KEY, &plain]);
    let refused = String::from_utf8_lossy(&without.stderr);
    assert!(refused.contains("APIGW.0301"), "{refused}");
    home.set("HUAWEICLOUD_SDK_SECURITY_TOKEN", "session-token-1");
    let enc = home.ok(&["encrypt", "--hckms", KEY, &plain]);
    assert!(enc.contains(KEY));
    let signed = &kms.logged("signed_headers")[1];
    assert!(signed.contains("x-security-token"), "{signed}");
}
