//! The Huawei Cloud KMS client ([`HckmsKey`], `hckms` feature, sops 3.12+; the kind's descriptor
//! is in `keys/hckms.rs`): the data key is wrapped by the KMS `encrypt-data` call and unwrapped
//! by `decrypt-data`, as sops does it.
//!
//! A key id is `REGION:KEY_UUID` (`tr-west-1:0a1b…`), stored in the metadata as `key_id`.
//! Wrap: `POST {endpoint}/v1.0/{project_id}/kms/encrypt-data` with
//! `{"key_id": KEY_UUID, "plain_text": base64(key), "encryption_algorithm": "SYMMETRIC_DEFAULT"}`;
//! the returned `cipher_text` goes into `enc` verbatim. Unwrap: `…/decrypt-data` with
//! `{"cipher_text": enc, "key_id": KEY_UUID, …}`, then base64-decode `plain_text`.
//!
//! The endpoint is `https://kms.{region}.myhuaweicloud.com` (`.eu` for `eu-west-101`), or what
//! `HUAWEICLOUD_SDK_REGION_KMS_{REGION}` names (the region upper-cased, `-` as `_`; the first of
//! a comma-separated list), the override the Huawei Cloud SDK that sops uses reads. Requests are
//! signed with the access key as the SDKs sign them (`SDK-HMAC-SHA256`, see [`sign`]).
//! Credentials come from `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_PROJECT_ID`
//! and, for temporary keys, `HUAWEICLOUD_SDK_SECURITY_TOKEN`. Requests time out (connect 5 s,
//! whole request 30 s, or `SOPS_RS_HTTP_TIMEOUT_SECONDS`); 429, 5xx and refused connections are
//! tried again twice.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::DESCRIPTOR;
use crate::keys::{KeyContext, KeyError, KeyKind, MasterKey, RequestIdSlot, created_at_value};
use crate::tree::{Map, Timestamp, Value};

/// The signing algorithm's name, first in the `Authorization` header.
const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// How many times one request is sent at most.
const MAX_TRIES: u32 = 3;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const AK_VAR: &str = "HUAWEICLOUD_SDK_AK";
const SK_VAR: &str = "HUAWEICLOUD_SDK_SK";
const PROJECT_VAR: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
const TOKEN_VAR: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";

fn kind() -> KeyKind {
    KeyKind::of(&DESCRIPTOR)
}

/// A Huawei Cloud KMS key.
pub struct HckmsKey {
    key_id: String,
    region: String,
    key_uuid: String,
    request_id: RequestIdSlot,
}

/// The part of a `decrypt-data` answer that is read.
#[derive(serde::Deserialize)]
struct DecryptAnswer {
    plain_text: String,
}

/// The credentials of one call.
struct Credentials {
    access_key: String,
    secret_key: Zeroizing<String>,
    project_id: String,
    security_token: Option<Zeroizing<String>>,
}

impl HckmsKey {
    /// A key for encryption: checks `REGION:KEY_UUID` (both parts non-empty, as sops does).
    pub fn new(key_id: &str) -> Result<Self, KeyError> {
        let key_id = key_id.trim();
        let invalid = |reason: &str| KeyError::InvalidKey {
            kind: kind(),
            id: key_id.to_string(),
            reason: reason.to_string(),
        };
        let (region, uuid) = key_id
            .split_once(':')
            .ok_or_else(|| invalid("expected REGION:KEY_UUID"))?;
        if region.trim().is_empty() {
            return Err(invalid("the region is empty"));
        }
        if uuid.trim().is_empty() {
            return Err(invalid("the key UUID is empty"));
        }
        Ok(Self::from_metadata(key_id))
    }

    /// Rebuilds a key from its metadata entry without checking it (a malformed id fails
    /// when the key is used, so it cannot stop another key from decrypting the file).
    pub fn from_metadata(key_id: &str) -> Self {
        let (region, uuid) = key_id.split_once(':').unwrap_or(("", key_id));
        HckmsKey {
            key_id: key_id.to_string(),
            region: region.trim().to_string(),
            key_uuid: uuid.trim().to_string(),
            request_id: RequestIdSlot::default(),
        }
    }

    /// The KMS endpoint of the key's region.
    fn endpoint(&self, ctx: &KeyContext) -> Result<String, KeyError> {
        if self.region.is_empty() || self.key_uuid.is_empty() {
            return Err(KeyError::Failed(format!(
                "invalid Huawei Cloud KMS key id {:?}: expected REGION:KEY_UUID",
                self.key_id
            )));
        }
        let variable = format!(
            "HUAWEICLOUD_SDK_REGION_KMS_{}",
            self.region.to_uppercase().replace('-', "_")
        );
        if let Some(first) = ctx
            .var(&variable)
            .and_then(|list| list.split(',').map(str::trim).find(|s| !s.is_empty()))
        {
            return Ok(first.trim_end_matches('/').to_string());
        }
        if !self
            .region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(KeyError::Failed(format!(
                "invalid Huawei Cloud region {:?}",
                self.region
            )));
        }
        let domain = if self.region == "eu-west-101" {
            "myhuaweicloud.eu"
        } else {
            "myhuaweicloud.com"
        };
        Ok(format!("https://kms.{}.{domain}", self.region))
    }

    /// Sends `body` to `operation` (`encrypt-data`, `decrypt-data`) and returns the answer.
    fn call(
        &self,
        operation: &str,
        body: &Zeroizing<String>,
        credentials: &Credentials,
        ctx: &KeyContext,
    ) -> Result<Zeroizing<String>, KeyError> {
        let endpoint = self.endpoint(ctx)?;
        let url = format!(
            "{endpoint}/v1.0/{}/kms/{operation}",
            escape(&credentials.project_id)
        );
        let parsed = reqwest::Url::parse(&url).map_err(|e| {
            KeyError::Failed(format!("invalid Huawei Cloud KMS endpoint {endpoint}: {e}"))
        })?;
        let client = http_client(ctx)?;
        let what = format!("Huawei Cloud KMS {operation}");
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let request = sign(&client, &parsed, body, credentials, now_sdk_date());
            match request.send() {
                Err(e) if attempt < MAX_TRIES && e.is_connect() && !e.is_timeout() => {}
                Err(e) => return Err(transport_error(&what, &endpoint, &e)),
                Ok(response) => {
                    let status = response.status();
                    if attempt >= MAX_TRIES || !(status.as_u16() == 429 || status.is_server_error())
                    {
                        break response;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(250 << (attempt - 1)));
        };
        self.request_id.set(
            response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok()),
        );
        let status = response.status();
        let text = Zeroizing::new(
            response
                .text()
                .map_err(|e| transport_error(&what, &endpoint, &e))?,
        );
        if !status.is_success() {
            return Err(KeyError::Failed(format!(
                "{what} of key {} failed: HTTP {}{}",
                self.key_id,
                status.as_u16(),
                provider_error(&text)
            )));
        }
        Ok(text)
    }
}

/// ` (CODE: message)` from either error shape the service answers with: API Gateway's
/// `{"error_code", "error_msg"}` or KMS's `{"error": {"error_code", "error_msg"}}`.
fn provider_error(body: &str) -> String {
    let Ok(json) = serde_json::from_str::<Json>(body) else {
        return String::new();
    };
    let error = json.get("error").unwrap_or(&json);
    let field = |name: &str| error.get(name).and_then(Json::as_str).unwrap_or_default();
    match (field("error_code"), field("error_msg")) {
        ("", "") => String::new(),
        (code, "") => format!(" ({code})"),
        ("", message) => format!(" ({message})"),
        (code, message) => format!(" ({code}: {message})"),
    }
}

fn transport_error(what: &str, endpoint: &str, e: &reqwest::Error) -> KeyError {
    let happened = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    KeyError::Failed(format!(
        "{what} at {endpoint} {happened}: {}",
        super::super::error_chain(e)
    ))
}

fn http_client(ctx: &KeyContext) -> Result<reqwest::blocking::Client, KeyError> {
    let total = ctx.http_timeout(REQUEST_TIMEOUT);
    reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(total))
        .timeout(total)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| {
            KeyError::Failed(format!(
                "cannot set up the HTTP client for Huawei Cloud KMS: {e}"
            ))
        })
}

/// The credentials from the captured environment; `None` without an access key pair.
fn credentials(ctx: &KeyContext) -> Result<Option<Credentials>, KeyError> {
    let (Some(access_key), Some(secret_key)) = (ctx.var(AK_VAR), ctx.var(SK_VAR)) else {
        return Ok(None);
    };
    let project_id = ctx.var(PROJECT_VAR).ok_or_else(|| {
        KeyError::Failed(format!(
            "{PROJECT_VAR} is not set (sops-rs does not look the project up through IAM)"
        ))
    })?;
    Ok(Some(Credentials {
        access_key: access_key.to_string(),
        secret_key: Zeroizing::new(secret_key.to_string()),
        project_id: project_id.to_string(),
        security_token: ctx.var(TOKEN_VAR).map(|t| Zeroizing::new(t.to_string())),
    }))
}

/// `X-Sdk-Date` for now: `yyyymmddThhmmssZ` in UTC.
fn now_sdk_date() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The `Host` header value for `url`, as the HTTP client sends it.
fn host_header(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The signed POST of `body` to `url`: the headers, then `Authorization: SDK-HMAC-SHA256
/// Access=AK, SignedHeaders=…, Signature=hex(HMAC-SHA256(SK, string to sign))`. The string to
/// sign is `SDK-HMAC-SHA256\n{date}\n{hex SHA-256 of the canonical request}`; the canonical
/// request is the method, the URI path (each segment escaped, ending in `/`), the query
/// (none), the signed headers as `name:value` lines, their names joined by `;`, and the hex
/// SHA-256 of the body, joined by newlines.
fn sign(
    client: &reqwest::blocking::Client,
    url: &reqwest::Url,
    body: &Zeroizing<String>,
    credentials: &Credentials,
    date: String,
) -> reqwest::blocking::RequestBuilder {
    let mut headers: Vec<(&str, String)> = vec![
        ("content-type", "application/json".to_string()),
        ("host", host_header(url)),
        ("x-project-id", credentials.project_id.clone()),
        ("x-sdk-date", date.clone()),
    ];
    if let Some(token) = &credentials.security_token {
        headers.push(("x-security-token", token.to_string()));
    }
    headers.sort();
    let signed_names = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{}\n", value.trim()))
        .collect();
    let mut path: String = url
        .path()
        .split('/')
        .map(|segment| {
            let decoded = percent_decode(segment);
            escape(&decoded)
        })
        .collect::<Vec<_>>()
        .join("/");
    if !path.ends_with('/') {
        path.push('/');
    }
    let canonical = format!(
        "POST\n{path}\n\n{canonical_headers}\n{signed_names}\n{}",
        sha256_hex(body.as_bytes())
    );
    let to_sign = format!("{ALGORITHM}\n{date}\n{}", sha256_hex(canonical.as_bytes()));
    let mut mac = Hmac::<Sha256>::new_from_slice(credentials.secret_key.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let mut request = client.post(url.clone()).body(body.to_string());
    for (name, value) in headers.into_iter().filter(|(name, _)| *name != "host") {
        request = request.header(name, value);
    }
    request.header(
        "Authorization",
        format!(
            "{ALGORITHM} Access={}, SignedHeaders={signed_names}, Signature={signature}",
            credentials.access_key
        ),
    )
}

/// Undoes `%XX` escapes of a URL path segment (the URL parser keeps them).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| u8::from_str_radix(segment.get(i + 1..i + 3)?, 16).ok())
            .flatten();
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl MasterKey for HckmsKey {
    fn kind(&self) -> KeyKind {
        kind()
    }

    fn id(&self) -> String {
        self.key_id.clone()
    }

    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError> {
        let credentials = credentials(ctx)?.ok_or_else(|| {
            KeyError::Failed(format!(
                "no Huawei Cloud credentials: set {AK_VAR}, {SK_VAR} and {PROJECT_VAR}"
            ))
        })?;
        let plain = Zeroizing::new(STANDARD.encode(secret));
        let body = Zeroizing::new(
            json!({
                "key_id": self.key_uuid,
                "plain_text": plain.as_str(),
                "encryption_algorithm": "SYMMETRIC_DEFAULT",
            })
            .to_string(),
        );
        let answer = self.call("encrypt-data", &body, &credentials, ctx)?;
        let json: Json = serde_json::from_str(&answer).map_err(|_| {
            KeyError::Failed("Huawei Cloud KMS encrypt-data answered no JSON".into())
        })?;
        json.get("cipher_text")
            .and_then(Json::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                KeyError::Failed("Huawei Cloud KMS encrypt-data answered no cipher_text".into())
            })
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let Some(credentials) = credentials(ctx)? else {
            return Ok(None);
        };
        let body = Zeroizing::new(
            json!({
                "cipher_text": enc,
                "key_id": self.key_uuid,
                "encryption_algorithm": "SYMMETRIC_DEFAULT",
            })
            .to_string(),
        );
        let answer = self.call("decrypt-data", &body, &credentials, ctx)?;
        let answer: DecryptAnswer = serde_json::from_str(&answer).map_err(|_| {
            KeyError::Failed("Huawei Cloud KMS decrypt-data answered no plain_text".into())
        })?;
        let plain = Zeroizing::new(answer.plain_text);
        STANDARD
            .decode(plain.as_str())
            .map(|key| Some(Zeroizing::new(key)))
            .map_err(|_| {
                KeyError::Failed(
                    "Huawei Cloud KMS decrypt-data answered a plain_text that is not base64".into(),
                )
            })
    }

    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("key_id", Value::str(&self.key_id));
        map.push("created_at", created_at_value(created_at));
        map.push("enc", Value::str(enc));
        map
    }

    fn last_request_id(&self) -> Option<String> {
        self.request_id.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_region_and_uuid() {
        let key = HckmsKey::new(" tr-west-1:abc ").unwrap();
        assert_eq!(
            (key.region.as_str(), key.key_uuid.as_str()),
            ("tr-west-1", "abc")
        );
        assert_eq!(key.id(), "tr-west-1:abc");
        for bad in ["", "abc", ":abc", "tr-west-1:", " : "] {
            assert!(
                matches!(HckmsKey::new(bad), Err(KeyError::InvalidKey { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_endpoint_follows_the_region_unless_overridden() {
        let key = HckmsKey::new("cn-north-4:k").unwrap();
        let none = KeyContext::default();
        assert_eq!(
            key.endpoint(&none).unwrap(),
            "https://kms.cn-north-4.myhuaweicloud.com"
        );
        let eu = HckmsKey::new("eu-west-101:k").unwrap();
        assert_eq!(
            eu.endpoint(&none).unwrap(),
            "https://kms.eu-west-101.myhuaweicloud.eu"
        );
        let ctx = KeyContext::from_vars([(
            "HUAWEICLOUD_SDK_REGION_KMS_CN_NORTH_4",
            "http://127.0.0.1:1/, http://other",
        )]);
        assert_eq!(key.endpoint(&ctx).unwrap(), "http://127.0.0.1:1");
    }

    /// The example of Huawei Cloud's API signing documentation style, computed by hand
    /// with the algorithm the module header describes (a fixed date and key pair).
    #[test]
    fn the_signature_covers_method_path_headers_and_body() {
        let client = reqwest::blocking::Client::new();
        let url = reqwest::Url::parse("http://127.0.0.1:8080/v1.0/p1/kms/encrypt-data").unwrap();
        let credentials = Credentials {
            access_key: "AK".into(),
            secret_key: Zeroizing::new("SK".into()),
            project_id: "p1".into(),
            security_token: None,
        };
        let body = Zeroizing::new("{}".to_string());
        let request = sign(
            &client,
            &url,
            &body,
            &credentials,
            "20260101T000000Z".into(),
        )
        .build()
        .unwrap();
        let auth = request.headers()["authorization"].to_str().unwrap();
        let canonical = "POST\n/v1.0/p1/kms/encrypt-data/\n\n\
                         content-type:application/json\nhost:127.0.0.1:8080\n\
                         x-project-id:p1\nx-sdk-date:20260101T000000Z\n\n\
                         content-type;host;x-project-id;x-sdk-date\n"
            .to_string()
            + &sha256_hex(b"{}");
        let to_sign = format!(
            "SDK-HMAC-SHA256\n20260101T000000Z\n{}",
            sha256_hex(canonical.as_bytes())
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"SK").unwrap();
        mac.update(to_sign.as_bytes());
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            auth,
            format!(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;\
                 x-sdk-date, Signature={expected}"
            )
        );
        assert_eq!(request.headers()["x-sdk-date"], "20260101T000000Z");
        assert_eq!(request.headers()["x-project-id"], "p1");
    }

    #[test]
    fn provider_errors_name_code_and_message() {
        assert_eq!(
            provider_error(r#"{"error_code":"APIGW.0301","error_msg":"bad sig"}"#),
            " (APIGW.0301: bad sig)"
        );
        assert_eq!(
            provider_error(r#"{"error":{"error_code":"KMS.0205","error_msg":"no key"}}"#),
            " (KMS.0205: no key)"
        );
        assert_eq!(provider_error("<html>"), "");
    }
}
