//! The Azure Key Vault backend against the stand-in server (`tests/servers/azure_keyvault.py`,
//! TLS with a throwaway test CA, a 401 challenge, an Entra token endpoint, App Service's
//! managed-identity endpoint, real RSA-OAEP-256): round trips, the metadata entry, the request
//! id, faults (server down, slow server, 429 and 5xx retried, wrong credentials, no
//! credentials), and each link of the credential chain with no client secret: workload identity,
//! managed identity, and the Azure CLI (a fake `az` first on `PATH`). The real sops is not run:
//! it would need the real Entra ID.

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use base64::Engine as _;
use sops_rs::keys::{KeyContext, KeySpec, MasterKey, from_spec};

use crate::backend_conformance::{Backend, Fault, KeyService, Relocation};
use crate::support::standin::{INPUT, StandIn, dead_port};
use crate::support::{TestEnv, ok, path_arg};

const TENANT: &str = "00000000-0000-0000-0000-000000000001";
const CLIENT_ID: &str = "sops-client";
const SECRET: &str = "sops-secret";

/// A running stand-in; killed when dropped.
struct KeyVault {
    server: StandIn,
}

impl KeyVault {
    fn start(extra: &[&str]) -> KeyVault {
        let server = StandIn::start("azure_keyvault.py", |cmd, dir| {
            cmd.arg("--ca-out").arg(dir.join("ca.pem")).args(extra);
        });
        KeyVault { server }
    }

    /// The test CA the stand-in's certificate is signed by.
    fn ca(&self) -> PathBuf {
        self.server.dir().join("ca.pem")
    }

    fn vault_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.server.port())
    }

    fn key_url(&self, name: &str) -> String {
        format!("{}/keys/{name}/v1", self.vault_url())
    }

    /// The environment a client needs: the service principal, the stand-in as authority, the CA.
    fn env(&self, secret: &str) -> Vec<(String, String)> {
        [
            ("AZURE_TENANT_ID", TENANT.to_string()),
            ("AZURE_CLIENT_ID", CLIENT_ID.to_string()),
            ("AZURE_CLIENT_SECRET", secret.to_string()),
            ("AZURE_AUTHORITY_HOST", self.vault_url()),
            (
                "AZURE_TOKEN_CREDENTIALS",
                "EnvironmentCredential".to_string(),
            ),
            ("SSL_CERT_FILE", self.ca().display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn ctx(&self, secret: &str, extra: &[(&str, &str)]) -> KeyContext {
        let mut vars: std::collections::HashMap<String, String> =
            self.env(secret).into_iter().collect();
        for (k, v) in extra {
            vars.insert(k.to_string(), v.to_string());
        }
        KeyContext {
            vars,
            ..Default::default()
        }
    }

    fn requests(&self) -> Vec<serde_json::Value> {
        self.server.requests()
    }

    /// How each authorized key operation got its token (`client_secret`, `workload_identity`,
    /// `managed_identity`, `azure_cli`).
    fn credentials(&self) -> Vec<String> {
        self.requests()
            .iter()
            .filter(|r| r["authorized"] == true)
            .map(|r| r["credential"].as_str().unwrap_or("-").to_string())
            .collect()
    }

    /// The requests of one kind (`token`, `managed_identity`, `encrypt`, `decrypt`).
    fn requests_of(&self, kind: &str) -> Vec<serde_json::Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["kind"] == kind)
            .collect()
    }

    /// Just the test CA: no credentials at all.
    fn tls_only(&self) -> Vec<(String, String)> {
        vec![("SSL_CERT_FILE".into(), self.ca().display().to_string())]
    }

    /// The statuses of key operations that carried a valid token, in order.
    fn authorized_statuses(&self) -> Vec<u64> {
        self.requests()
            .iter()
            .filter(|r| r["authorized"] == true)
            .map(|r| r["status"].as_u64().unwrap())
            .collect()
    }
}

/// Encrypts INPUT for `key` and decrypts it again with `env`, both through the binary.
fn round_trip(home: &TestEnv, env: &[(String, String)], key: &str) {
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let enc = ok(
        ours(home, env, &["encrypt", "--azure-kv", key, &plain]),
        "encrypt",
    );
    let file = path_arg(&home.write("app.enc.yaml", &enc));
    assert_eq!(ok(ours(home, env, &["decrypt", &file]), "decrypt"), INPUT);
}

/// Encrypts INPUT for `key` with `env`, expecting a failure; returns stderr.
fn encrypt_error(home: &TestEnv, env: &[(String, String)], key: &str) -> String {
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let out = ours(home, env, &["encrypt", "--azure-kv", key, &plain]);
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fake Azure CLI as `bin/az`: it answers `az account get-access-token -o json --scope S`
/// the way az 2.54+ does (or, with `token` None, fails as az does before `az login`), and
/// appends its arguments to `az.log`. Returns the `PATH` that finds it first.
fn fake_az(home: &TestEnv, token: Option<&str>) -> String {
    let bin = home.dir().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = home.dir().join("az.log");
    let answer = match token {
        Some(token) => format!(
            r#"exp=$(( $(date +%s) + 3600 ))
cat <<JSON
{{
  "accessToken": "{token}",
  "expiresOn": "$(date -d "@$exp" '+%Y-%m-%d %H:%M:%S.000000')",
  "expires_on": $exp,
  "subscription": "00000000-0000-0000-0000-0000000000aa",
  "tenant": "{TENANT}",
  "tokenType": "Bearer"
}}
JSON"#
        ),
        None => "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1".into(),
    };
    let script = format!(
        r#"#!/bin/sh
# A stand-in for the Azure CLI in tests.
echo "$*" >> '{log}'
if [ "$1 $2" != "account get-access-token" ]; then
  echo "ERROR: '$1' is misspelled or not recognized by the system." >&2
  exit 2
fi
shift 2
output=""
scope=""
while [ $# -gt 0 ]; do
  case "$1" in
-o|--output) output=$2; shift 2 ;;
--scope) scope=$2; shift 2 ;;
--tenant|-t|--subscription) shift 2 ;;
*) echo "ERROR: unrecognized arguments: $1" >&2; exit 2 ;;
  esac
done
if [ "$output" != json ] || [ -z "$scope" ]; then
  echo "ERROR: this stand-in answers only -o json --scope SCOPE" >&2
  exit 2
fi
{answer}
"#,
        log = log.display()
    );
    let az = bin.join("az");
    std::fs::write(&az, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The arguments the fake `az` was called with, one line per call.
fn az_calls(home: &TestEnv) -> Vec<String> {
    std::fs::read_to_string(home.dir().join("az.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn ours(home: &TestEnv, env: &[(String, String)], args: &[&str]) -> Output {
    home.sops_rs()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .output()
        .unwrap()
}

fn azure_key(url: &str) -> Box<dyn MasterKey> {
    from_spec(&KeySpec::simple(sops_rs::keys::KeyKind::AzureKeyVault, url)).unwrap()
}

#[test]
fn backend_azure_round_trip_and_metadata() {
    let kv = KeyVault::start(&[]);
    let home = TestEnv::new();
    let env = kv.env(SECRET);
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let url = kv.key_url("sops");
    let enc = ok(
        ours(&home, &env, &["encrypt", "--azure-kv", &url, &plain]),
        "encrypt",
    );
    let entry = format!(
        "    azure_kv:\n        - vault_url: {}\n          name: sops\n          version: v1\n          created_at: ",
        kv.vault_url()
    );
    assert!(enc.contains(&entry), "{enc}");
    let stored = enc
        .lines()
        .find_map(|l| l.trim().strip_prefix("enc: "))
        .expect("an enc line");
    // base64url without padding of one RSA-2048 block.
    assert!(
        stored
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{stored}"
    );
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(stored)
            .unwrap()
            .len(),
        256
    );
    let file = path_arg(&home.write("app.enc.yaml", &enc));
    assert_eq!(ok(ours(&home, &env, &["decrypt", &file]), "decrypt"), INPUT);

    // The protocol: a challenge first, a token for the vault's scope, RSA-OAEP-256 after.
    let requests = kv.requests();
    assert_eq!(requests[0]["kind"], "encrypt");
    assert_eq!(requests[0]["status"], 401);
    assert_eq!(requests[1]["kind"], "token");
    assert_eq!(requests[1]["scope"], "https://vault.azure.net/.default");
    assert!(
        requests[1]["path"]
            .as_str()
            .unwrap()
            .starts_with(&format!("/{TENANT}/oauth2/v2.0/token"))
    );
    assert!(
        requests
            .iter()
            .filter(|r| r["authorized"] == true)
            .all(|r| r["alg"] == "RSA-OAEP-256"
                && r["path"].as_str().unwrap().contains("/keys/sops/v1/"))
    );

    // The library: the key id and the provider's request id (x-ms-request-id).
    let key = azure_key(&url);
    assert_eq!(key.id(), url);
    let c = kv.ctx(SECRET, &[]);
    let wrapped = key.wrap(&[9u8; 32], &c).unwrap();
    let first = key.last_request_id().expect("a request id");
    assert_eq!(
        Some(first.as_str()),
        kv.requests().last().unwrap()["request_id"].as_str()
    );
    assert_eq!(&key.unwrap(&wrapped, &c).unwrap().unwrap()[..], &[9u8; 32]);
    assert_ne!(key.last_request_id().unwrap(), first);

    // Another version is another RSA key: the ciphertext does not open under it.
    let other = azure_key(&format!("{}/keys/sops/v2", kv.vault_url()));
    let err = other.unwrap(&wrapped, &c).unwrap_err().to_string();
    assert!(err.contains("400"), "{err}");
}

#[test]
fn backend_azure_missing_key_and_no_credentials_in_the_library() {
    let kv = KeyVault::start(&[]);
    let url = kv.key_url("sops");
    let wrapped = azure_key(&url)
        .wrap(&[1u8; 32], &kv.ctx(SECRET, &[]))
        .unwrap();
    // A key that does not exist: Key Vault's own message.
    let err = azure_key(&kv.key_url("missing"))
        .wrap(&[1u8; 32], &kv.ctx(SECRET, &[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("404") && err.contains("KeyNotFound"), "{err}");
    // No credentials at all: the key has nothing to try with (not a failure).
    let ctx = KeyContext {
        vars: Azure::bare(&kv).into_iter().collect(),
        ..Default::default()
    };
    assert!(azure_key(&url).unwrap(&wrapped, &ctx).unwrap().is_none());
}

#[test]
fn backend_azure_untrusted_certificate_is_refused() {
    let kv = KeyVault::start(&[]);
    let key = azure_key(&kv.key_url("sops"));
    let mut c = kv.ctx(SECRET, &[("SOPS_RS_HTTP_TIMEOUT_SECONDS", "5")]);
    c.vars.remove("SSL_CERT_FILE");
    let started = Instant::now();
    let err = key.wrap(&[1u8; 32], &c).unwrap_err().to_string();
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

fn pairs(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn backend_azure_cli_credential() {
    const CLI_TOKEN: &str = "token-from-the-azure-cli";
    let kv = KeyVault::start(&["--cli-token", CLI_TOKEN]);
    let home = TestEnv::new();
    let path = fake_az(&home, Some(CLI_TOKEN));
    // No AZURE_CLIENT_* at all. Managed identity is tried first and is down here (an App
    // Service endpoint nobody listens on), so the chain moves on to the Azure CLI.
    let dead = format!("http://127.0.0.1:{}/msi/token", dead_port());
    let mut env = kv.tls_only();
    env.extend(pairs(&[
        ("PATH", &path),
        ("IDENTITY_ENDPOINT", &dead),
        ("IDENTITY_HEADER", "unused"),
    ]));
    round_trip(&home, &env, &kv.key_url("sops"));
    assert!(!kv.credentials().is_empty());
    assert!(
        kv.credentials().iter().all(|c| c == "azure_cli"),
        "{:?}",
        kv.credentials()
    );
    assert!(kv.requests_of("token").is_empty());
    // One az call per process, asking for Key Vault's scope as JSON.
    assert_eq!(
        az_calls(&home),
        ["account get-access-token -o json --scope https://vault.azure.net/.default"; 2]
    );

    // Not logged in: az's own message, and the chain's other links, in the error.
    let home = TestEnv::new();
    let path = fake_az(&home, None);
    let mut env = kv.tls_only();
    env.extend(pairs(&[
        ("PATH", &path),
        ("IDENTITY_ENDPOINT", &dead),
        ("IDENTITY_HEADER", "unused"),
    ]));
    let stderr = encrypt_error(&home, &env, &kv.key_url("sops"));
    assert!(
        stderr.contains("AzureCLICredential") && stderr.contains("az login"),
        "{stderr}"
    );
    assert!(stderr.contains("ManagedIdentityCredential"), "{stderr}");
}

#[test]
fn backend_azure_workload_identity() {
    // What AKS mounts: a service-account token (a JWT) whose content is the client assertion.
    const FEDERATED: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6InN0YW5kLWluIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpzb3BzIn0.c2lnbmF0dXJl";
    let kv = KeyVault::start(&["--federated-token", FEDERATED]);
    let home = TestEnv::new();
    let token_file = path_arg(&home.write("azure-identity-token", FEDERATED));
    let vault = kv.vault_url();
    let mut env = kv.tls_only();
    env.extend(pairs(&[
        ("AZURE_TENANT_ID", TENANT),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_FEDERATED_TOKEN_FILE", &token_file),
        ("AZURE_AUTHORITY_HOST", &vault),
    ]));
    round_trip(&home, &env, &kv.key_url("sops"));
    let tokens = kv.requests_of("token");
    assert_eq!(tokens.len(), 2, "one token per process: {tokens:?}");
    for t in &tokens {
        assert_eq!(t["grant"], "client_assertion");
        assert_eq!(t["status"], 200);
        assert_eq!(t["scope"], "https://vault.azure.net/.default");
    }
    assert!(kv.credentials().iter().all(|c| c == "workload_identity"));

    // A token file the tenant does not trust: Entra's error, not the token.
    let other = path_arg(&home.write(
        "other-token",
        "eyJub3QiOiJ0cnVzdGVkIn0.eyJzdWIiOiJvdGhlciJ9.c2ln",
    ));
    env.retain(|(k, _)| k != "AZURE_FEDERATED_TOKEN_FILE");
    env.push(("AZURE_FEDERATED_TOKEN_FILE".into(), other));
    let stderr = encrypt_error(&home, &env, &kv.key_url("sops"));
    assert!(stderr.contains("AADSTS700211"), "{stderr}");
    assert!(!stderr.contains("eyJub3Qi"), "{stderr}");
}

#[test]
fn backend_azure_managed_identity() {
    // App Service's managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER, no other settings.
    let kv = KeyVault::start(&["--identity-header", "mi-header-secret"]);
    let home = TestEnv::new();
    let endpoint = format!("{}/msi/token", kv.vault_url());
    let mut env = kv.tls_only();
    env.extend(pairs(&[
        ("IDENTITY_ENDPOINT", &endpoint),
        ("IDENTITY_HEADER", "mi-header-secret"),
    ]));
    round_trip(&home, &env, &kv.key_url("sops"));
    let asked = kv.requests_of("managed_identity");
    assert_eq!(asked.len(), 2, "one token per process: {asked:?}");
    assert!(
        asked
            .iter()
            .all(|r| r["status"] == 200 && r["scope"] == "https://vault.azure.net")
    );
    assert!(kv.credentials().iter().all(|c| c == "managed_identity"));
    assert!(kv.requests_of("token").is_empty());

    // The wrong secret header: refused, the chain has nothing else, the header is not shown.
    let mut env = kv.tls_only();
    env.extend(pairs(&[
        ("IDENTITY_ENDPOINT", &endpoint),
        ("IDENTITY_HEADER", "not-the-header"),
        ("AZURE_TOKEN_CREDENTIALS", "ManagedIdentityCredential"),
    ]));
    let stderr = encrypt_error(&home, &env, &kv.key_url("sops"));
    assert!(
        stderr.contains("ManagedIdentityCredential") && stderr.contains("401"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-header"), "{stderr}");
}

/// The stand-in behind the conformance suite (`backend_conformance.rs`).
pub struct Azure {
    kv: KeyVault,
}

impl Azure {
    /// The test CA and the environment credential chosen, but no credentials.
    fn bare(kv: &KeyVault) -> Vec<(String, String)> {
        pairs(&[
            ("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential"),
            ("SSL_CERT_FILE", &kv.ca().display().to_string()),
        ])
    }
}

impl Backend for Azure {
    const FLAG: &'static str = "--azure-kv";
    // The real sops would need the real Entra ID.
    const REAL_SOPS: bool = false;
    const WRONG_CREDENTIALS_SAY: &'static [&'static str] = &["AADSTS7000215"];
    const NO_CREDENTIALS_SAY: &'static [&'static str] = &[];

    fn start(fault: Fault) -> Azure {
        let kv = match fault {
            Fault::None => KeyVault::start(&[]),
            Fault::FailFirst { requests, status } => KeyVault::start(&[
                "--fail",
                &requests.to_string(),
                "--fail-status",
                &status.to_string(),
            ]),
        };
        Azure { kv }
    }

    fn key_id(&self) -> String {
        self.kv.key_url("sops")
    }

    fn credentials(&self) -> Vec<(String, String)> {
        self.kv.env(SECRET)
    }

    fn wrong_credentials(&self) -> (Vec<(String, String)>, String) {
        (self.kv.env("not-the-secret"), "not-the-secret".to_string())
    }

    fn no_credentials(&self) -> Vec<(String, String)> {
        Azure::bare(&self.kv)
    }

    fn requests(&self) -> usize {
        self.kv
            .requests()
            .iter()
            .filter(|r| r["authorized"] == true || r["kind"] == "token")
            .count()
    }
}

impl KeyService for Azure {
    fn relocate(&self, port: u16) -> Relocation {
        Relocation {
            vars: Vec::new(),
            replace: Some((self.kv.vault_url(), format!("https://127.0.0.1:{port}"))),
        }
    }

    fn statuses(&self) -> Vec<u16> {
        self.kv
            .authorized_statuses()
            .into_iter()
            .map(|s| s as u16)
            .collect()
    }

    fn injected_failure_says(status: u16) -> String {
        format!("stand-in failure {status}")
    }
}
