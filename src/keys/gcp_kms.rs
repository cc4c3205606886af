//! Google Cloud KMS master keys: the data key is wrapped by a Cloud KMS symmetric key, exactly
//! as sops does it (`Encrypt(name = resource_id, plaintext = data key)`; `enc` is the standard
//! padded base64 of the returned ciphertext).
//!
//! This backend talks to the Cloud KMS v1 REST API directly over `reqwest` (blocking), not
//! through the official `google-cloud-kms-v1` crate: that crate pulls in ~190 more crates and a
//! second async stack, which this build does not pay for. The calls are
//! `POST {endpoint}/v1/{resource_id}:encrypt` with `{"plaintext": b64}` → `{"ciphertext": b64}`
//! and `POST …:decrypt` with `{"ciphertext": b64}` → `{"plaintext": b64}`, with
//! `Authorization: Bearer <access token>`.
//!
//! Credentials, from the captured environment only: `GOOGLE_OAUTH_ACCESS_TOKEN` (a ready access
//! token, as sops takes it); else a credentials JSON from `GOOGLE_CREDENTIALS` (the JSON itself
//! or a path to it, as sops takes it), else `GOOGLE_APPLICATION_CREDENTIALS`, else gcloud's
//! `~/.config/gcloud/application_default_credentials.json`. Of those files, `authorized_user`
//! (a refresh token) is exchanged for an access token; other types (service account keys,
//! external accounts) and the metadata server are not supported yet and say so. The endpoint is
//! `SOPS_GCP_KMS_ENDPOINT` (sops 3.13's name), else `https://cloudkms.googleapis.com`. Requests
//! time out (connect 5 s, whole request 30 s, or `SOPS_RS_HTTP_TIMEOUT_SECONDS`), and 429, 5xx
//! and refused connections are retried twice with a short backoff.

use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value as Json, json};
use zeroize::Zeroizing;

use super::{KeyContext, KeyError, KeyKind, MasterKey};
use crate::tree::{Map, Timestamp, Value};

/// How many times one request is sent at most.
const MAX_TRIES: u32 = 3;
/// The connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The whole-request timeout unless `SOPS_RS_HTTP_TIMEOUT_SECONDS` says otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The public Cloud KMS endpoint.
const DEFAULT_ENDPOINT: &str = "https://cloudkms.googleapis.com";
/// Google's OAuth token endpoint, for `authorized_user` credentials without a `token_uri`.
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// A Cloud KMS crypto key.
pub struct GcpKmsKey {
    resource_id: String,
    last_request_id: Mutex<Option<String>>,
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
            last_request_id: Mutex::new(None),
        }
    }

    fn url(&self, ctx: &KeyContext, operation: &str) -> String {
        format!("{}/v1/{}:{operation}", endpoint(ctx), self.resource_id)
    }

    /// Sends one Cloud KMS request and returns the response body.
    fn call(
        &self,
        operation: &str,
        body: &Json,
        token: &str,
        ctx: &KeyContext,
    ) -> Result<Json, KeyError> {
        let client = client(ctx)?;
        let url = self.url(ctx, operation);
        let mut auth =
            reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                KeyError::Failed(
                    "the GCP access token contains characters not allowed in a header".into(),
                )
            })?;
        // Kept out of any debug output of the request.
        auth.set_sensitive(true);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = client
                .post(&url)
                .header(reqwest::header::AUTHORIZATION, auth.clone())
                .json(body);
            let retry_after = match request.send() {
                Err(e) if attempt < MAX_TRIES && e.is_connect() && !e.is_timeout() => None,
                Err(e) => return Err(transport_error(operation, &endpoint(ctx), &e)),
                Ok(response) => {
                    let status = response.status();
                    let retryable = status.as_u16() == 429 || status.is_server_error();
                    if retryable && attempt < MAX_TRIES {
                        self.note_request_id(&response);
                        response
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .map(|s| Duration::from_secs(s.min(2)))
                    } else {
                        return self.read_response(operation, response);
                    }
                }
            };
            let backoff = Duration::from_millis(250u64 << (attempt - 1));
            std::thread::sleep(retry_after.unwrap_or(backoff));
        }
    }

    /// Keeps the `x-goog-request-id` header, where the server sent one.
    fn note_request_id(&self, response: &reqwest::blocking::Response) {
        if let Some(id) = response
            .headers()
            .get("x-goog-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|id| !id.is_empty())
        {
            *self
                .last_request_id
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(id.to_string());
        }
    }

    fn read_response(
        &self,
        operation: &str,
        response: reqwest::blocking::Response,
    ) -> Result<Json, KeyError> {
        self.note_request_id(&response);
        let status = response.status();
        let text = response.text().map_err(|e| {
            KeyError::Failed(format!(
                "GCP KMS {operation}: cannot read the response: {e}"
            ))
        })?;
        let body: Option<Json> = serde_json::from_str(&text).ok();
        if !status.is_success() {
            let error = body.as_ref().and_then(|b| b.get("error"));
            let message = error
                .and_then(|e| e.get("message"))
                .and_then(Json::as_str)
                .filter(|m| !m.is_empty())
                .unwrap_or("no error message");
            let code = error
                .and_then(|e| e.get("status"))
                .and_then(Json::as_str)
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            let hint = if matches!(status.as_u16(), 401 | 403) {
                " (check GOOGLE_OAUTH_ACCESS_TOKEN or GOOGLE_CREDENTIALS, and that the account may \
                 use this key)"
            } else {
                ""
            };
            return Err(KeyError::Failed(format!(
                "GCP KMS {operation} failed with HTTP {status}{code}: {message}{hint}"
            )));
        }
        body.filter(Json::is_object).ok_or_else(|| {
            KeyError::Failed(format!(
                "GCP KMS {operation}: the response is not a JSON object"
            ))
        })
    }
}

/// `SOPS_GCP_KMS_ENDPOINT` (a URL, or a bare `host[:port]` taken as https), else the public one.
fn endpoint(ctx: &KeyContext) -> String {
    match ctx.var("SOPS_GCP_KMS_ENDPOINT").map(str::trim) {
        Some(e) if e.contains("://") => e.trim_end_matches('/').to_string(),
        Some(e) if !e.is_empty() => format!("https://{}", e.trim_end_matches('/')),
        _ => DEFAULT_ENDPOINT.to_string(),
    }
}

fn transport_error(operation: &str, endpoint: &str, e: &reqwest::Error) -> KeyError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    // The source chain names the cause (refused, DNS, TLS) without any request content.
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    let cause = if cause.is_empty() {
        String::new()
    } else {
        format!(": {cause}")
    };
    KeyError::Failed(format!("GCP KMS {operation} at {endpoint} {what}{cause}"))
}

fn client(ctx: &KeyContext) -> Result<reqwest::blocking::Client, KeyError> {
    let total = ctx
        .var("SOPS_RS_HTTP_TIMEOUT_SECONDS")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(REQUEST_TIMEOUT);
    reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(total))
        .timeout(total)
        .no_proxy()
        .build()
        .map_err(|e| KeyError::Failed(format!("cannot set up the HTTP client for GCP KMS: {e}")))
}

/// The access token, `Ok(None)` when no credentials are configured at all.
fn access_token(ctx: &KeyContext) -> Result<Option<Zeroizing<String>>, KeyError> {
    if let Some(token) = ctx.var("GOOGLE_OAUTH_ACCESS_TOKEN") {
        return Ok(Some(Zeroizing::new(token.trim().to_string())));
    }
    let Some((origin, json)) = credentials_json(ctx)? else {
        return Ok(None);
    };
    let creds: Json = serde_json::from_str(&json)
        .map_err(|_| KeyError::Failed(format!("the GCP credentials in {origin} are not JSON")))?;
    match creds.get("type").and_then(Json::as_str).unwrap_or("") {
        "authorized_user" => refresh_token(&creds, &origin, ctx).map(Some),
        other => Err(KeyError::Failed(format!(
            "GCP credentials of type {other:?} (from {origin}) are not supported by this build of \
             sops-rs yet; set GOOGLE_OAUTH_ACCESS_TOKEN (for example from `gcloud auth \
             print-access-token`)"
        ))),
    }
}

/// The credentials JSON and where it came from.
fn credentials_json(ctx: &KeyContext) -> Result<Option<(String, Zeroizing<String>)>, KeyError> {
    let read = |path: &str, origin: &str| {
        std::fs::read_to_string(path)
            .map(|text| (origin.to_string(), Zeroizing::new(text)))
            .map_err(|e| KeyError::Failed(format!("cannot read {origin} {path}: {e}")))
    };
    if let Some(value) = ctx.var("GOOGLE_CREDENTIALS") {
        // sops takes either the JSON itself or a path to it.
        if value.trim_start().starts_with('{') {
            return Ok(Some((
                "GOOGLE_CREDENTIALS".into(),
                Zeroizing::new(value.to_string()),
            )));
        }
        return read(value, "GOOGLE_CREDENTIALS").map(Some);
    }
    if let Some(path) = ctx.var("GOOGLE_APPLICATION_CREDENTIALS") {
        return read(path, "GOOGLE_APPLICATION_CREDENTIALS").map(Some);
    }
    let config = ctx
        .var("CLOUDSDK_CONFIG")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            ctx.var("HOME")
                .map(|h| std::path::Path::new(h).join(".config/gcloud"))
        });
    let Some(path) = config.map(|c| c.join("application_default_credentials.json")) else {
        return Ok(None);
    };
    if !path.is_file() {
        return Ok(None);
    }
    read(
        &path.display().to_string(),
        "application default credentials",
    )
    .map(Some)
}

/// Exchanges an `authorized_user` refresh token for an access token.
fn refresh_token(
    creds: &Json,
    origin: &str,
    ctx: &KeyContext,
) -> Result<Zeroizing<String>, KeyError> {
    let field = |name: &str| {
        creds.get(name).and_then(Json::as_str).ok_or_else(|| {
            KeyError::Failed(format!("the GCP credentials in {origin} have no {name}"))
        })
    };
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", field("client_id")?),
        ("client_secret", field("client_secret")?),
        ("refresh_token", field("refresh_token")?),
    ];
    let token_uri = creds
        .get("token_uri")
        .and_then(Json::as_str)
        .unwrap_or(DEFAULT_TOKEN_URI);
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let response = client(ctx)?
        .post(token_uri)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .map_err(|e| transport_error("token refresh", token_uri, &e))?;
    let status = response.status();
    let answer: Json = response.json().unwrap_or(Json::Null);
    match answer.get("access_token").and_then(Json::as_str) {
        Some(token) if status.is_success() => Ok(Zeroizing::new(token.to_string())),
        _ => Err(KeyError::Failed(format!(
            "refreshing the GCP access token from {origin} failed with HTTP {status}: {}",
            answer
                .get("error_description")
                .or_else(|| answer.get("error"))
                .and_then(Json::as_str)
                .unwrap_or("no error message")
        ))),
    }
}

/// `application/x-www-form-urlencoded` escaping.
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl MasterKey for GcpKmsKey {
    fn kind(&self) -> KeyKind {
        KeyKind::GcpKms
    }

    fn id(&self) -> String {
        self.resource_id.clone()
    }

    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError> {
        let token = access_token(ctx)?.ok_or_else(|| {
            KeyError::Failed(
                "no GCP credentials: set GOOGLE_OAUTH_ACCESS_TOKEN or GOOGLE_CREDENTIALS".into(),
            )
        })?;
        let body = json!({ "plaintext": STANDARD.encode(secret) });
        let answer = self.call("encrypt", &body, &token, ctx)?;
        let ciphertext = answer
            .get("ciphertext")
            .and_then(Json::as_str)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                KeyError::Failed("GCP KMS encrypt: the response has no ciphertext".into())
            })?;
        // Stored as standard padded base64, whatever form the server used.
        let raw = decode_bytes(ciphertext).ok_or_else(|| {
            KeyError::Failed("GCP KMS encrypt: the ciphertext is not base64".into())
        })?;
        Ok(STANDARD.encode(raw))
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let Some(token) = access_token(ctx)? else {
            return Ok(None);
        };
        let raw = STANDARD
            .decode(enc.trim())
            .map_err(|_| KeyError::Failed("the gcp_kms enc value is not base64".into()))?;
        let body = json!({ "ciphertext": STANDARD.encode(raw) });
        let answer = self.call("decrypt", &body, &token, ctx)?;
        let plaintext = answer
            .get("plaintext")
            .and_then(Json::as_str)
            .ok_or_else(|| {
                KeyError::Failed("GCP KMS decrypt: the response has no plaintext".into())
            })?;
        let secret = decode_bytes(plaintext).ok_or_else(|| {
            KeyError::Failed("GCP KMS decrypt: the plaintext is not base64".into())
        })?;
        Ok(Some(secret))
    }

    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("resource_id", Value::str(&self.resource_id));
        map.push(
            "created_at",
            Value::str(created_at.map(Timestamp::to_rfc3339).unwrap_or_default()),
        );
        map.push("enc", Value::str(enc));
        map
    }

    fn last_request_id(&self) -> Option<String> {
        self.last_request_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Protobuf JSON `bytes`: standard or URL-safe base64, padded or not.
fn decode_bytes(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let text = text.trim();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resource_ids() {
        let id = "projects/p1/locations/global/keyRings/ring/cryptoKeys/key";
        let key = GcpKmsKey::new(id).unwrap();
        assert_eq!(key.id(), id);
        assert_eq!(
            key.url(&KeyContext::default(), "encrypt"),
            format!("https://cloudkms.googleapis.com/v1/{id}:encrypt")
        );
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
    fn the_endpoint_can_be_overridden() {
        let ctx = |e: &str| KeyContext {
            vars: [("SOPS_GCP_KMS_ENDPOINT".to_string(), e.to_string())].into(),
            ..Default::default()
        };
        assert_eq!(endpoint(&KeyContext::default()), DEFAULT_ENDPOINT);
        assert_eq!(endpoint(&ctx("http://127.0.0.1:9/")), "http://127.0.0.1:9");
        assert_eq!(endpoint(&ctx("kms.example:443")), "https://kms.example:443");
    }

    #[test]
    fn no_credentials_means_none() {
        let key = GcpKmsKey::new("projects/p/locations/l/keyRings/r/cryptoKeys/k").unwrap();
        assert!(
            key.unwrap("AAAA", &KeyContext::default())
                .unwrap()
                .is_none()
        );
        assert!(key.wrap(b"k", &KeyContext::default()).is_err());
        let sa = KeyContext {
            vars: [(
                "GOOGLE_CREDENTIALS".to_string(),
                r#"{"type": "service_account"}"#.to_string(),
            )]
            .into(),
            ..Default::default()
        };
        let err = key.unwrap("AAAA", &sa).unwrap_err().to_string();
        assert!(err.contains("service_account"), "{err}");
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_encode("a b/c+d~"), "a%20b%2Fc%2Bd~");
    }
}
