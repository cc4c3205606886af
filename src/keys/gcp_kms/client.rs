//! The Google Cloud KMS client ([`GcpKmsKey`], `gcp` feature; the kind's descriptor is in
//! `keys/gcp_kms.rs`): the data key is wrapped by a Cloud KMS symmetric key, exactly as sops
//! does it (`Encrypt(name = resource_id, plaintext = data key)`; `enc` is the standard
//! padded base64 of the returned ciphertext).
//!
//! The client is the official SDK (`google-cloud-kms-v1` with `google-cloud-auth`; REST over
//! reqwest): `POST {endpoint}/v1/{resource_id}:encrypt` with `{"plaintext": b64}` and
//! `…:decrypt` with `{"ciphertext": b64}`. It is built on first use in each call, on a small
//! current-thread runtime, so files without GCP keys never touch it.
//!
//! Credentials: see `credentials.rs` (sops's order: `GOOGLE_OAUTH_ACCESS_TOKEN`,
//! `GOOGLE_CREDENTIALS`, then Application Default Credentials). The endpoint is
//! `SOPS_GCP_KMS_ENDPOINT` (sops 3.13's name: a URL, or a bare `host[:port]` taken as https),
//! else `https://cloudkms.googleapis.com`.
//!
//! This module reads its settings from the captured environment (`KeyContext`) only. The SDK
//! itself still reads a few process variables: `GCE_METADATA_HOST` (it wins over ours; in the
//! CLI both are the same environment), `GOOGLE_CLOUD_UNIVERSE_DOMAIN`, the AWS variables of
//! AWS-sourced external accounts, `GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES`, and reqwest's
//! proxy variables.
//!
//! Failures: the whole call (token included) is bounded by 30 s or
//! `SOPS_RS_HTTP_TIMEOUT_SECONDS`; the SDK builds its own HTTP client, so connecting has no
//! separate, shorter limit. The SDK's own retries are off; this module retries 429, 5xx and
//! refused connections twice (250 ms, then 500 ms, or the server's `Retry-After` up to 2 s),
//! encrypt included, as the REST backend before it did. When no credentials are configured and
//! no metadata server answers, unwrapping says "no credentials here" and the next key is tried.
//!
//! Request ids: the SDK returns no response headers for a successful call, so the audit trail
//! gets the `x-goog-request-id` header only from failed calls (where the server sent one).
//!
//! The data key passes through the SDK's request and response buffers (`bytes::Bytes`), which
//! are not zeroized; the copies this module keeps are.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use google_cloud_gax::retry_policy::NeverRetry;
use google_cloud_kms_v1::client::KeyManagementService;
use tokio::time::Instant;
use zeroize::Zeroizing;

use super::credentials::Source;
use crate::keys::{
    KeyContext, KeyError, KeyKind, MasterKey, RequestIdSlot, created_at_value, error_chain,
};
use crate::tree::{Map, Timestamp, Value};

/// How many times one request is sent at most.
const MAX_TRIES: u32 = 3;
/// The whole-call timeout unless `SOPS_RS_HTTP_TIMEOUT_SECONDS` says otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(2);
/// The public Cloud KMS endpoint.
const DEFAULT_ENDPOINT: &str = "https://cloudkms.googleapis.com";
/// Where a server may put its request id.
const REQUEST_ID: &str = "x-goog-request-id";

/// A Cloud KMS crypto key.
pub struct GcpKmsKey {
    resource_id: String,
    last_request_id: RequestIdSlot,
}

/// Why a call failed: no credentials anywhere, or a real failure.
enum CallError {
    NoCredentials(String),
    Failed(KeyError),
}

fn failed(message: String) -> CallError {
    CallError::Failed(KeyError::Failed(message))
}

#[derive(Clone, Copy)]
enum Operation {
    Encrypt,
    Decrypt,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Encrypt => "encrypt",
            Operation::Decrypt => "decrypt",
        }
    }
}

impl GcpKmsKey {
    /// Parses a resource id as sops takes it on the command line:
    /// `projects/P/locations/L/keyRings/R/cryptoKeys/K`.
    pub fn new(resource_id: &str) -> Result<Self, KeyError> {
        let id = resource_id.trim();
        let parts: Vec<&str> = id.split('/').collect();
        let labels = ["projects", "locations", "keyRings", "cryptoKeys"];
        let well_formed = parts.len() == 8
            && labels
                .iter()
                .enumerate()
                .all(|(i, label)| parts[2 * i] == *label)
            && parts
                .iter()
                .skip(1)
                .step_by(2)
                .all(|p| !p.is_empty() && !p.contains([':', '?', '#', ' ']));
        if !well_formed {
            return Err(KeyError::InvalidKey {
                kind: KeyKind::GcpKms,
                id: resource_id.to_string(),
                reason: "expected projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY"
                    .into(),
            });
        }
        Ok(GcpKmsKey::from_metadata(id))
    }

    /// A key rebuilt from a metadata entry (not checked: a bad id fails at the server).
    pub fn from_metadata(resource_id: &str) -> Self {
        GcpKmsKey {
            resource_id: resource_id.to_string(),
            last_request_id: RequestIdSlot::default(),
        }
    }

    /// Runs `encrypt` or `decrypt` and returns the result bytes.
    fn call(
        &self,
        operation: Operation,
        input: &[u8],
        ctx: &KeyContext,
    ) -> Result<Zeroizing<Vec<u8>>, CallError> {
        self.last_request_id.set(None);
        let source = Source::from_context(ctx).map_err(failed)?;
        let endpoint = endpoint(ctx);
        let total = ctx.http_timeout(REQUEST_TIMEOUT);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| failed(format!("cannot start the GCP KMS client runtime: {e}")))?;
        runtime.block_on(async {
            let deadline = Instant::now() + total;
            let credentials = source.credentials().map_err(failed)?;
            // The token is fetched before the client exists, so a credentials failure is told
            // apart from a KMS failure, and a machine with none at all is "no credentials".
            match tokio::time::timeout_at(deadline, credentials.headers(Default::default())).await {
                Err(_) => {
                    return Err(failed(format!(
                        "getting a GCP token from {} timed out after {}",
                        source.describe(),
                        seconds(total)
                    )));
                }
                Ok(Err(e)) => return Err(credentials_failure(&source, &e)),
                Ok(Ok(_)) => {}
            }
            let attempts = self.attempts(operation, input, credentials, &endpoint, &source);
            tokio::time::timeout_at(deadline, attempts)
                .await
                .unwrap_or_else(|_| {
                    Err(failed(format!(
                        "GCP KMS {} at {endpoint} timed out after {}",
                        operation.name(),
                        seconds(total)
                    )))
                })
        })
    }

    /// Builds the client and sends the request, retrying what is worth retrying.
    async fn attempts(
        &self,
        operation: Operation,
        input: &[u8],
        credentials: google_cloud_auth::credentials::Credentials,
        endpoint: &str,
        source: &Source,
    ) -> Result<Zeroizing<Vec<u8>>, CallError> {
        let client = KeyManagementService::builder()
            .with_endpoint(endpoint)
            .with_credentials(credentials)
            .with_retry_policy(NeverRetry)
            .build()
            .await
            .map_err(|e| {
                failed(format!(
                    "cannot set up the GCP KMS client for {endpoint}: {}",
                    error_chain(&e)
                ))
            })?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match operation {
                Operation::Encrypt => client
                    .encrypt()
                    .set_name(&self.resource_id)
                    .set_plaintext(input.to_vec())
                    .send()
                    .await
                    .map(|r| r.ciphertext),
                Operation::Decrypt => client
                    .decrypt()
                    .set_name(&self.resource_id)
                    .set_ciphertext(input.to_vec())
                    .send()
                    .await
                    .map(|r| r.plaintext),
            };
            let error = match result {
                Ok(bytes) => return Ok(Zeroizing::new(bytes.to_vec())),
                Err(error) => error,
            };
            let headers = error.http_headers();
            self.last_request_id.set(
                headers
                    .and_then(|h| h.get(REQUEST_ID))
                    .and_then(|v| v.to_str().ok()),
            );
            let retryable = error.is_connect()
                || error
                    .http_status_code()
                    .is_some_and(|code| code == 429 || code >= 500);
            if !retryable || attempt >= MAX_TRIES {
                return Err(describe(operation, endpoint, source, &error));
            }
            let retry_after = headers
                .and_then(|h| h.get("retry-after"))
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
            let backoff = Duration::from_millis(250u64 << (attempt - 1));
            tokio::time::sleep(retry_after.unwrap_or(backoff)).await;
        }
    }
}

/// A failed token fetch: "no credentials here" when nothing was configured and no metadata
/// server answered, else an error.
fn credentials_failure(
    source: &Source,
    e: &google_cloud_auth::errors::CredentialsError,
) -> CallError {
    let mut parts: Vec<String> = Vec::new();
    let mut unreachable = false;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        unreachable |= c
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_connect);
        // The SDK wraps the real cause in retry commentary at every level; keep the cause.
        let mut text = c.to_string();
        for noise in [
            " and future attempts will not succeed",
            " but future attempts may succeed",
            "cannot create the authentication headers ",
        ] {
            text = text.replace(noise, "");
        }
        let commentary = text.starts_with("Request to fetch the token failed")
            || text.starts_with("Fetching the token resulted in");
        if !commentary && !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    let reason = parts.join(": ");
    if unreachable && matches!(source, Source::MetadataServer { .. }) {
        return CallError::NoCredentials(format!(
            "no GCP credentials configured, and {} is not reachable: {reason}",
            source.describe()
        ));
    }
    failed(format!(
        "getting a GCP token from {} failed: {reason}",
        source.describe()
    ))
}

/// A message for a failed KMS call: the service's status and message, or the transport
/// failure. Never request content.
fn describe(
    operation: Operation,
    endpoint: &str,
    source: &Source,
    e: &google_cloud_kms_v1::Error,
) -> CallError {
    let op = operation.name();
    let http = e
        .http_status_code()
        .map(|code| format!("HTTP {code} "))
        .unwrap_or_default();
    let hint = if matches!(e.http_status_code(), Some(401 | 403)) {
        format!(
            " (check the credentials from {}, and that the account may use this key)",
            source.describe()
        )
    } else {
        String::new()
    };
    if let Some(status) = e.status() {
        let message = Some(status.message.as_str())
            .filter(|m| !m.is_empty())
            .unwrap_or("no error message");
        return failed(format!(
            "GCP KMS {op} failed with {http}{}: {message}{hint}",
            status.code.name()
        ));
    }
    if let Some(code) = e.http_status_code() {
        // Not Google's error envelope (a proxy, a load balancer): a short excerpt of the body.
        let body = e
            .http_payload()
            .map(|p| {
                String::from_utf8_lossy(p)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let body: String = body.chars().take(200).collect();
        return failed(format!(
            "GCP KMS {op} failed with HTTP {code}: {body}{hint}"
        ));
    }
    let what = if e.is_connect() {
        "could not connect"
    } else if e.is_timeout() {
        "timed out"
    } else {
        "request failed"
    };
    failed(format!(
        "GCP KMS {op} at {endpoint} {what}: {}",
        error_chain(e)
    ))
}

fn seconds(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

/// `SOPS_GCP_KMS_ENDPOINT` (a URL, or a bare `host[:port]` taken as https), else the public one.
fn endpoint(ctx: &KeyContext) -> String {
    match ctx.var("SOPS_GCP_KMS_ENDPOINT").map(str::trim) {
        Some(e) if e.contains("://") => e.trim_end_matches('/').to_string(),
        Some(e) if !e.is_empty() => format!("https://{}", e.trim_end_matches('/')),
        _ => DEFAULT_ENDPOINT.to_string(),
    }
}

impl MasterKey for GcpKmsKey {
    fn kind(&self) -> KeyKind {
        KeyKind::GcpKms
    }

    fn id(&self) -> String {
        self.resource_id.clone()
    }

    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError> {
        match self.call(Operation::Encrypt, secret, ctx) {
            Ok(ciphertext) if ciphertext.is_empty() => Err(KeyError::Failed(
                "GCP KMS encrypt: the response has no ciphertext".into(),
            )),
            Ok(ciphertext) => Ok(STANDARD.encode(&*ciphertext)),
            Err(CallError::Failed(e)) => Err(e),
            Err(CallError::NoCredentials(reason)) => Err(KeyError::Failed(format!(
                "{reason}; set GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS or \
                 GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default login`"
            ))),
        }
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let ciphertext = STANDARD
            .decode(enc.trim())
            .map_err(|_| KeyError::Failed("the gcp_kms enc value is not base64".into()))?;
        match self.call(Operation::Decrypt, &ciphertext, ctx) {
            Ok(secret) => Ok(Some(secret)),
            Err(CallError::Failed(e)) => Err(e),
            Err(CallError::NoCredentials(_)) => Ok(None),
        }
    }

    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("resource_id", Value::str(&self.resource_id));
        map.push("created_at", created_at_value(created_at));
        map.push("enc", Value::str(enc));
        map
    }

    fn last_request_id(&self) -> Option<String> {
        self.last_request_id.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resource_ids() {
        let id = "projects/p1/locations/global/keyRings/ring/cryptoKeys/key";
        let key = GcpKmsKey::new(id).unwrap();
        assert_eq!(key.id(), id);
        for bad in [
            "",
            "projects/p1/locations/global/keyRings/ring",
            "projects/p1/locations/global/keyRings/ring/cryptoKeys/",
            "projects/p1/locations/global/keyRings/ring/cryptoKeys/key/cryptoKeyVersions/1",
            "project/p1/locations/global/keyRings/ring/cryptoKeys/key",
            "projects//locations/global/keyRings/ring/cryptoKeys/key",
            "https://cloudkms.googleapis.com/v1/projects/p/locations/l/keyRings/r/cryptoKeys/k",
        ] {
            assert!(GcpKmsKey::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entries_keep_sops_field_order() {
        let key = GcpKmsKey::from_metadata("projects/p/locations/l/keyRings/r/cryptoKeys/k");
        let entry = key.entry("abc", None);
        let names: Vec<&str> = entry.entries().map(|(k, _)| k).collect();
        assert_eq!(names, ["resource_id", "created_at", "enc"]);
    }

    #[test]
    fn the_endpoint_can_be_overridden() {
        let ctx = |e: &str| KeyContext::from_vars([("SOPS_GCP_KMS_ENDPOINT", e)]);
        assert_eq!(endpoint(&KeyContext::default()), DEFAULT_ENDPOINT);
        assert_eq!(endpoint(&ctx("http://127.0.0.1:9/")), "http://127.0.0.1:9");
        assert_eq!(endpoint(&ctx("kms.example:443")), "https://kms.example:443");
    }

    #[test]
    fn an_unreachable_metadata_server_means_no_credentials() {
        let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let host = dead.local_addr().unwrap().to_string();
        drop(dead);
        let key = GcpKmsKey::new("projects/p/locations/l/keyRings/r/cryptoKeys/k").unwrap();
        let ctx = KeyContext::from_vars([("GCE_METADATA_HOST", host.as_str())]);
        assert!(key.unwrap("AAAA", &ctx).unwrap().is_none());
        let err = key.wrap(b"k", &ctx).unwrap_err().to_string();
        assert!(
            err.contains(&host) && err.contains("GOOGLE_CREDENTIALS"),
            "{err}"
        );
    }
}
