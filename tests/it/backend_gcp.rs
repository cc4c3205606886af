//! The GCP Cloud KMS backend (the official SDK) against the stand-in server
//! (`tests/servers/gcp_kms.py`): round trips, metadata layout, what goes over the wire, every
//! credential source (static token, service-account key as JSON and as a file, authorized_user
//! refresh token, gcloud's ADC file, the metadata server) with the stand-in's log showing which
//! one authenticated each call, and faults (server down, slow server, 429 and 5xx retried, wrong
//! token, a JWT signed with the wrong key, a bad refresh token, no credentials). sops 3.12.2
//! cannot be pointed at a custom GCP endpoint (`SOPS_GCP_KMS_ENDPOINT` is new in 3.13), so there
//! is no interop test here.

use std::path::PathBuf;
use std::process::Output;

use sops_rs::keys::{KeyContext, KeySpec, MasterKey, from_spec};

use crate::backend_conformance::{Backend, Fault, KeyService, Relocation};
use crate::support::standin::{INPUT, StandIn, dead_port};
use crate::support::{TestEnv, ok, path_arg};

const TOKEN: &str = "test-token";
const KEY: &str = "projects/p1/locations/global/keyRings/ring/cryptoKeys/sops";
/// A fixed pad secret, so ciphertexts made by one stand-in open in another.
const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

const SERVICE_ACCOUNT: &str = "sops-test@stand-in-project.iam.gserviceaccount.com";

/// A running stand-in; killed when dropped.
struct Kms {
    server: StandIn,
}

impl Kms {
    fn start(extra: &[&str]) -> Kms {
        Kms::spawn(extra, false)
    }

    /// A stand-in that also made a service account and an authorized_user file
    /// ([`Kms::service_account`], [`Kms::authorized_user`]).
    fn with_accounts() -> Kms {
        Kms::spawn(&[], true)
    }

    fn spawn(extra: &[&str], accounts: bool) -> Kms {
        let server = StandIn::start("gcp_kms.py", |cmd, dir| {
            cmd.args(["--secret", SECRET]);
            if accounts {
                cmd.arg("--service-account-out")
                    .arg(dir.join("service-account.json"))
                    .arg("--authorized-user-out")
                    .arg(dir.join("authorized-user.json"));
            }
            cmd.args(extra);
        });
        Kms { server }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port())
    }

    /// `host:port`, as `GCE_METADATA_HOST` takes it.
    fn metadata_host(&self) -> String {
        format!("127.0.0.1:{}", self.server.port())
    }

    /// The service-account key file (`type: service_account`) the stand-in trusts.
    fn service_account(&self) -> PathBuf {
        self.server.dir().join("service-account.json")
    }

    /// An `authorized_user` file with the refresh token the stand-in accepts.
    fn authorized_user(&self) -> PathBuf {
        self.server.dir().join("authorized-user.json")
    }

    fn requests(&self) -> Vec<serde_json::Value> {
        self.server.requests()
    }

    /// The KMS calls (not token requests) the stand-in answered, in order.
    fn kms_requests(&self) -> Vec<serde_json::Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["kind"] == "kms")
            .collect()
    }

    /// The statuses of KMS calls, in order.
    fn statuses(&self) -> Vec<u64> {
        self.kms_requests()
            .iter()
            .map(|r| r["status"].as_u64().unwrap())
            .collect()
    }

    /// How each KMS call was authenticated (`access_token`, `authorized_user`, `metadata`,
    /// `service_account:EMAIL`), or its error for the rejected ones.
    fn credentials(&self) -> Vec<String> {
        self.kms_requests()
            .iter()
            .map(|r| {
                r["credential"]
                    .as_str()
                    .or(r["reason"].as_str())
                    .unwrap_or("-")
                    .to_string()
            })
            .collect()
    }
}

/// sops-rs in `home` against `endpoint`, with `token` as the only credential (if any).
fn ours(home: &TestEnv, endpoint: &str, token: Option<&str>, args: &[&str]) -> Output {
    match token {
        Some(token) => run(
            home,
            endpoint,
            &[("GOOGLE_OAUTH_ACCESS_TOKEN", token)],
            args,
        ),
        None => run(home, endpoint, &[], args),
    }
}

/// Runs sops-rs in `home` against `endpoint` with `env` as the only credentials.
fn run(home: &TestEnv, endpoint: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = home.sops_rs();
    cmd.env("SOPS_GCP_KMS_ENDPOINT", endpoint);
    if !env.iter().any(|(k, _)| *k == "GCE_METADATA_HOST") {
        // Never the real metadata server, even on a GCP machine.
        cmd.env("GCE_METADATA_HOST", format!("127.0.0.1:{}", dead_port()));
    }
    cmd.envs(env.iter().copied()).args(args).output().unwrap()
}

/// Encrypts INPUT for KEY with `env`, expecting a failure; returns stderr.
fn encrypt_error(home: &TestEnv, endpoint: &str, env: &[(&str, &str)]) -> String {
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let out = run(home, endpoint, env, &["encrypt", "--gcp-kms", KEY, &plain]);
    let names: Vec<&str> = env.iter().map(|(k, _)| *k).collect();
    assert!(!out.status.success(), "encrypt succeeded with {names:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Encrypts INPUT for KEY and decrypts it again with `env`, both through the binary.
fn round_trip(home: &TestEnv, endpoint: &str, env: &[(&str, &str)]) {
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let enc = ok(
        run(home, endpoint, env, &["encrypt", "--gcp-kms", KEY, &plain]),
        "encrypt",
    );
    let file = path_arg(&home.write("app.enc.yaml", &enc));
    assert_eq!(
        ok(run(home, endpoint, env, &["decrypt", &file]), "decrypt"),
        INPUT
    );
}

fn ctx(vars: &[(&str, &str)]) -> KeyContext {
    KeyContext::from_vars(vars.iter().copied())
}

fn gcp_key(id: &str) -> Box<dyn MasterKey> {
    from_spec(&KeySpec::simple(sops_rs::keys::KeyKind::GcpKms, id)).unwrap()
}

#[test]
fn backend_gcp_round_trip_and_metadata() {
    let kms = Kms::start(&[]);
    let home = TestEnv::new();
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let enc = ok(
        ours(
            &home,
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
    let file = path_arg(&home.write("app.enc.yaml", &enc));
    assert_eq!(
        ok(
            ours(&home, &kms.endpoint(), Some(TOKEN), &["decrypt", &file]),
            "decrypt"
        ),
        INPUT
    );
    // The wire: Cloud KMS's REST paths, the SDK's system parameter and client header.
    let reqs = kms.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0]["path"], format!("/v1/{KEY}:encrypt"), "{reqs:?}");
    assert_eq!(reqs[1]["path"], format!("/v1/{KEY}:decrypt"), "{reqs:?}");
    for r in &reqs {
        assert_eq!(r["method"], "POST");
        assert_eq!(r["query"], "%24alt=json%3Benum-encoding%3Dint", "{r}");
        assert_eq!(r["credential"], "access_token");
        let api_client = r["api_client"].as_str().unwrap_or_default();
        assert!(
            api_client.contains("gapic/1.") && api_client.contains(" rest/"),
            "{api_client}"
        );
    }

    // The library: the key id. The SDK gives no response headers on success, so there is no
    // request id then; a failed call keeps the one the server sent (x-goog-request-id).
    let key = gcp_key(KEY);
    assert_eq!(key.id(), KEY);
    let c = ctx(&[
        ("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN),
        ("SOPS_GCP_KMS_ENDPOINT", &kms.endpoint()),
    ]);
    let wrapped = key.wrap(&[9u8; 32], &c).unwrap();
    assert_eq!(key.last_request_id(), None);
    assert_eq!(&key.unwrap(&wrapped, &c).unwrap().unwrap()[..], &[9u8; 32]);

    // A ciphertext made under one key does not open under another.
    let other = gcp_key("projects/p1/locations/global/keyRings/ring/cryptoKeys/other");
    let err = other.unwrap(&wrapped, &c).unwrap_err().to_string();
    assert!(
        err.contains("400") && err.contains("INVALID_ARGUMENT"),
        "{err}"
    );
    assert_eq!(
        other.last_request_id().as_deref(),
        kms.kms_requests().last().unwrap()["request_id"].as_str()
    );
    assert!(other.last_request_id().is_some());
}

#[test]
fn backend_gcp_resource_id_syntax_is_checked() {
    for bad in [
        "projects/p/locations/l/keyRings/r",
        "projects/p/locations/l/keyRings/r/cryptoKeys/",
        "p/locations/l/keyRings/r/cryptoKeys/k",
    ] {
        assert!(
            from_spec(&KeySpec::simple(sops_rs::keys::KeyKind::GcpKms, bad)).is_err(),
            "{bad}"
        );
    }
    let home = TestEnv::new();
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let out = ours(
        &home,
        "http://127.0.0.1:9",
        Some(TOKEN),
        &["encrypt", "--gcp-kms", "projects/p/keyRings/r", &plain],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("projects/PROJECT/locations/"), "{stderr}");
}

#[test]
fn backend_gcp_unusable_credentials_json_names_its_source() {
    let kms = Kms::start(&[]);
    let home = TestEnv::new();
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let enc = ok(
        ours(
            &home,
            &kms.endpoint(),
            Some(TOKEN),
            &["encrypt", "--gcp-kms", KEY, &plain],
        ),
        "encrypt",
    );
    let file = path_arg(&home.write("app.enc.yaml", &enc));
    // No credentials at all: the hint names the places looked at.
    let out = ours(
        &home,
        &kms.endpoint(),
        None,
        &["encrypt", "--gcp-kms", KEY, &plain],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("metadata server"), "{stderr}");
    // A credentials JSON the SDK cannot use is an error that names where it came from.
    let out = run(
        &home,
        &kms.endpoint(),
        &[("GOOGLE_CREDENTIALS", r#"{"type": "service_account"}"#)],
        &["decrypt", &file],
    );
    assert_eq!(out.status.code(), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("GOOGLE_CREDENTIALS") && stderr.contains("client_email"),
        "{stderr}"
    );
}

#[test]
fn backend_gcp_service_account_key() {
    let kms = Kms::with_accounts();
    let key_file = kms.service_account().display().to_string();
    let json = std::fs::read_to_string(&key_file).unwrap();
    let signed_by_it = format!("service_account:{SERVICE_ACCOUNT}");

    // GOOGLE_CREDENTIALS holding the JSON itself, then a path to it, then ADC's
    // GOOGLE_APPLICATION_CREDENTIALS: every KMS call carries a self-signed JWT that the
    // stand-in checked against the account's public key.
    for env in [
        ("GOOGLE_CREDENTIALS", json.as_str()),
        ("GOOGLE_CREDENTIALS", key_file.as_str()),
        ("GOOGLE_APPLICATION_CREDENTIALS", key_file.as_str()),
    ] {
        let before = kms.kms_requests().len();
        round_trip(&TestEnv::new(), &kms.endpoint(), &[env]);
        let used = kms.credentials()[before..].to_vec();
        assert_eq!(
            used,
            [signed_by_it.clone(), signed_by_it.clone()],
            "{env:?}"
        );
    }
    // Google's client libraries sign the JWT themselves: the token endpoint is not used.
    assert!(kms.requests().iter().all(|r| r["kind"] == "kms"));

    // The same account id, but the JWT signed with another key: refused, and the private key
    // is not printed.
    let other = Kms::with_accounts();
    let other_key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(other.service_account()).unwrap()).unwrap();
    let mut forged: serde_json::Value = serde_json::from_str(&json).unwrap();
    forged["private_key"] = other_key["private_key"].clone();
    let home = TestEnv::new();
    let forged = forged.to_string();
    let stderr = encrypt_error(&home, &kms.endpoint(), &[("GOOGLE_CREDENTIALS", &forged)]);
    assert!(
        stderr.contains("401") && stderr.contains("UNAUTHENTICATED"),
        "{stderr}"
    );
    assert!(!stderr.contains("PRIVATE KEY"), "{stderr}");
    assert_eq!(
        kms.credentials().last().map(String::as_str),
        Some("invalid JWT signature")
    );
    // Its own key file belongs to another account (another key id): refused too.
    let other_file = other.service_account().display().to_string();
    encrypt_error(
        &home,
        &kms.endpoint(),
        &[("GOOGLE_APPLICATION_CREDENTIALS", &other_file)],
    );
    assert_eq!(
        kms.credentials().last().map(String::as_str),
        Some("unknown key id or algorithm")
    );
}

#[test]
fn backend_gcp_authorized_user_refresh_token() {
    let kms = Kms::with_accounts();
    let user_file = kms.authorized_user().display().to_string();

    // As a file named by GOOGLE_APPLICATION_CREDENTIALS: the refresh token is exchanged at the
    // file's token_uri, and KMS sees the access token that came back.
    round_trip(
        &TestEnv::new(),
        &kms.endpoint(),
        &[("GOOGLE_APPLICATION_CREDENTIALS", &user_file)],
    );
    let tokens: Vec<_> = kms
        .requests()
        .into_iter()
        .filter(|r| r["kind"] == "token")
        .collect();
    assert_eq!(tokens.len(), 2, "one exchange per run: {tokens:?}");
    assert!(
        tokens
            .iter()
            .all(|t| t["status"] == 200 && t["grant_type"] == "refresh_token")
    );
    assert_eq!(kms.credentials(), ["authorized_user", "authorized_user"]);

    // As gcloud's ADC file ($HOME/.config/gcloud/application_default_credentials.json).
    let home = TestEnv::new();
    std::fs::create_dir_all(home.dir().join(".config/gcloud")).unwrap();
    std::fs::copy(
        &user_file,
        home.dir()
            .join(".config/gcloud/application_default_credentials.json"),
    )
    .unwrap();
    round_trip(&home, &kms.endpoint(), &[]);
    assert_eq!(kms.credentials().len(), 4);
    assert!(kms.credentials().iter().all(|c| c == "authorized_user"));

    // A revoked refresh token: the token endpoint's error, nothing sent to KMS, no secret shown.
    let mut revoked: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&user_file).unwrap()).unwrap();
    revoked["refresh_token"] = "revoked-refresh-token".into();
    let home = TestEnv::new();
    let revoked_file = path_arg(&home.write("revoked.json", revoked.to_string()));
    let stderr = encrypt_error(
        &home,
        &kms.endpoint(),
        &[("GOOGLE_APPLICATION_CREDENTIALS", &revoked_file)],
    );
    assert!(stderr.contains("invalid_grant"), "{stderr}");
    assert!(stderr.contains(&revoked_file), "names the file: {stderr}");
    assert!(!stderr.contains("revoked-refresh-token"), "{stderr}");
    assert!(!stderr.contains("stand-in-client-secret"), "{stderr}");
    assert_eq!(kms.credentials().len(), 4);
}

#[test]
fn backend_gcp_metadata_server() {
    // No token, no credentials file, an empty HOME: Application Default Credentials end at the
    // metadata server, here the stand-in through GCE_METADATA_HOST.
    let kms = Kms::start(&[]);
    let home = TestEnv::new();
    round_trip(
        &home,
        &kms.endpoint(),
        &[("GCE_METADATA_HOST", &kms.metadata_host())],
    );
    assert_eq!(kms.credentials(), ["metadata", "metadata"]);
    let metadata: Vec<_> = kms
        .requests()
        .into_iter()
        .filter(|r| r["kind"] == "metadata")
        .collect();
    assert!(
        metadata.iter().any(|r| r["path"]
            == "/computeMetadata/v1/instance/service-accounts/default/token"
            && r["status"] == 200),
        "{metadata:?}"
    );
    // The stand-in refuses requests without Metadata-Flavor: Google; none were refused.
    assert!(metadata.iter().all(|r| r["status"] == 200), "{metadata:?}");

    // The library, with the same captured variables.
    let key = gcp_key(KEY);
    let c = ctx(&[
        ("GCE_METADATA_HOST", &kms.metadata_host()),
        ("SOPS_GCP_KMS_ENDPOINT", &kms.endpoint()),
    ]);
    let wrapped = key.wrap(&[5u8; 32], &c).unwrap();
    assert_eq!(&key.unwrap(&wrapped, &c).unwrap().unwrap()[..], &[5u8; 32]);
    assert_eq!(kms.credentials().len(), 4);
}

#[test]
fn backend_gcp_is_left_alone_when_age_opens_the_file() {
    // A file for a GCP key and an age key, opened with the age identity: the GCP client is never
    // set up. The metadata server is the stand-in too, so even a token fetch would show.
    let kms = Kms::start(&[]);
    // The home's age identity is every command's SOPS_AGE_KEY_FILE.
    let home = TestEnv::new();
    let recipient = home.recipient.clone();
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let enc = ok(
        ours(
            &home,
            &kms.endpoint(),
            Some(TOKEN),
            &["encrypt", "--gcp-kms", KEY, "--age", &recipient, &plain],
        ),
        "encrypt",
    );
    let file = path_arg(&home.write("app.enc.yaml", &enc));
    let before = kms.requests().len();
    let metadata_host = kms.metadata_host();
    let env = [("GCE_METADATA_HOST", metadata_host.as_str())];
    assert_eq!(
        ok(
            run(&home, &kms.endpoint(), &env, &["decrypt", &file]),
            "decrypt"
        ),
        INPUT
    );
    assert_eq!(kms.requests().len(), before, "{:?}", kms.requests());
}

/// The stand-in behind the conformance suite (`backend_conformance.rs`).
pub struct Gcp {
    kms: Kms,
}

impl Gcp {
    fn vars(&self, token: Option<&str>) -> Vec<(String, String)> {
        let mut vars = vec![
            ("SOPS_GCP_KMS_ENDPOINT".to_string(), self.kms.endpoint()),
            // Never the real metadata server, even on a GCP machine.
            (
                "GCE_METADATA_HOST".to_string(),
                format!("127.0.0.1:{}", dead_port()),
            ),
        ];
        if let Some(token) = token {
            vars.push(("GOOGLE_OAUTH_ACCESS_TOKEN".to_string(), token.to_string()));
        }
        vars
    }
}

impl Backend for Gcp {
    const FLAG: &'static str = "--gcp-kms";
    // sops 3.12.2 has no endpoint override for Cloud KMS (SOPS_GCP_KMS_ENDPOINT is 3.13).
    const REAL_SOPS: bool = false;
    const WRONG_CREDENTIALS_SAY: &'static [&'static str] =
        &["PERMISSION_DENIED", "403", "GOOGLE_OAUTH_ACCESS_TOKEN"];
    const NO_CREDENTIALS_SAY: &'static [&'static str] = &["no Google credentials"];

    fn start(fault: Fault) -> Gcp {
        let kms = match fault {
            Fault::None => Kms::start(&[]),
            Fault::FailFirst { requests, status } => Kms::start(&[
                "--fail",
                &requests.to_string(),
                "--fail-status",
                &status.to_string(),
            ]),
        };
        Gcp { kms }
    }

    fn key_id(&self) -> String {
        KEY.to_string()
    }

    fn credentials(&self) -> Vec<(String, String)> {
        self.vars(Some(TOKEN))
    }

    fn wrong_credentials(&self) -> (Vec<(String, String)>, String) {
        (self.vars(Some("wrong-secret")), "wrong-secret".to_string())
    }

    fn no_credentials(&self) -> Vec<(String, String)> {
        self.vars(None)
    }

    fn requests(&self) -> usize {
        self.kms.requests().len()
    }
}

impl KeyService for Gcp {
    fn relocate(&self, port: u16) -> Relocation {
        Relocation {
            vars: vec![(
                "SOPS_GCP_KMS_ENDPOINT".to_string(),
                format!("http://127.0.0.1:{port}"),
            )],
            replace: None,
        }
    }

    fn statuses(&self) -> Vec<u16> {
        self.kms.statuses().into_iter().map(|s| s as u16).collect()
    }

    fn injected_failure_says(status: u16) -> String {
        format!("stand-in failure {status}")
    }
}
