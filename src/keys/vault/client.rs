//! The HashiCorp Vault Transit client ([`VaultKey`], `vault` feature; also OpenBao; the kind's
//! descriptor is in `keys/vault.rs`): the data key is wrapped by Vault's transit engine, exactly
//! as sops does it.
//!
//! Wrap: `POST {address}/v1/{engine_path}/encrypt/{key_name}` with `{"plaintext": base64(key)}`;
//! the returned `data.ciphertext` (`vault:v1:…`) is stored verbatim in `enc`. Unwrap:
//! `POST …/decrypt/{key_name}` with `{"ciphertext": enc}`, then base64-decode
//! `data.plaintext`.
//!
//! Credentials and settings come from the captured environment: the token from `VAULT_TOKEN`,
//! else `$HOME/.vault-token`; `VAULT_NAMESPACE` (sent as `X-Vault-Namespace`); `VAULT_CACERT`
//! (an extra PEM root) and `VAULT_SKIP_VERIFY`; `SOPS_HC_VAULT_ALLOWLIST` (`all`, `none`, or
//! comma-separated server URLs, see `allowlist.rs`) limits which servers, and which redirect
//! targets, may receive the token. Requests time out (connect 5 s, whole request 30 s, or
//! `SOPS_RS_HTTP_TIMEOUT_SECONDS`), and 429, 5xx and refused connections are retried twice with a
//! short backoff.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value as Json, json};
use zeroize::Zeroizing;

use super::allowlist::{self, Allowlist};
use crate::keys::{KeyContext, KeyError, KeyKind, MasterKey, RequestIdSlot, created_at_value};
use crate::tree::{Map, Timestamp, Value};

/// How many times one request is sent at most.
const MAX_TRIES: u32 = 3;
/// The connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The whole-request timeout unless `SOPS_RS_HTTP_TIMEOUT_SECONDS` says otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How many redirects one request follows at most.
const MAX_REDIRECTS: usize = 10;

/// A key in a Vault transit engine.
pub struct VaultKey {
    address: String,
    engine_path: String,
    key_name: String,
    last_request_id: RequestIdSlot,
}

impl VaultKey {
    /// Parses a key URI as sops takes it on the command line:
    /// `https://vault.example.com:8200/v1/transit/keys/keyName` (the engine path may have
    /// several segments).
    pub fn from_uri(uri: &str) -> Result<Self, KeyError> {
        let invalid = |reason: &str| KeyError::InvalidKey {
            kind: KeyKind::HcVault,
            id: uri.to_string(),
            reason: format!(
                "{reason} (expected like https://vault.example.com:8200/v1/transit/keys/keyName)"
            ),
        };
        let (scheme, rest) = uri
            .split_once("://")
            .filter(|(scheme, _)| !scheme.is_empty())
            .ok_or_else(|| invalid("missing scheme in Vault URL"))?;
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(invalid("missing host in Vault URL"));
        }
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let path = path
            .strip_prefix("/v1/")
            .ok_or_else(|| invalid("Vault path does not start with /v1/"))?;
        let parts: Vec<&str> = path.split('/').collect();
        let n = parts.len();
        if n < 3 || parts[n - 2] != "keys" || parts[n - 1].is_empty() || parts[0].is_empty() {
            return Err(invalid("Vault path is not {engine}/keys/{name}"));
        }
        Ok(VaultKey::from_metadata(
            &format!("{scheme}://{authority}"),
            &parts[..n - 2].join("/"),
            parts[n - 1],
        ))
    }

    /// A key rebuilt from a metadata entry.
    pub fn from_metadata(address: &str, engine_path: &str, key_name: &str) -> Self {
        VaultKey {
            address: address.trim_end_matches('/').to_string(),
            engine_path: engine_path.trim_matches('/').to_string(),
            key_name: key_name.to_string(),
            last_request_id: RequestIdSlot::default(),
        }
    }

    fn url(&self, operation: &str) -> String {
        format!(
            "{}/v1/{}/{operation}/{}",
            self.address, self.engine_path, self.key_name
        )
    }

    /// The request URL for `operation`, parsed: what the allowlist judges is what is sent.
    fn request_url(&self, operation: &str) -> Result<reqwest::Url, KeyError> {
        reqwest::Url::parse(&self.url(operation)).map_err(|e| KeyError::InvalidKey {
            kind: KeyKind::HcVault,
            id: self.id(),
            reason: format!("the Vault address is not a valid URL ({e})"),
        })
    }

    /// Sends one transit request and returns its `data` object.
    fn call(
        &self,
        operation: &str,
        body: &Json,
        token: &str,
        ctx: &KeyContext,
    ) -> Result<Json, KeyError> {
        let url = self.request_url(operation)?;
        allowlist(ctx)?.check(&url).map_err(KeyError::Failed)?;
        let client = client(ctx)?;
        let token = token_header(token)?;
        let response =
            send(|| request(&client, reqwest::Method::POST, url.as_str(), &token, ctx).json(body))
                .map_err(|e| {
                    transport_error(&format!("Vault transit {operation}"), &self.address, &e)
                })?;
        self.read_response(operation, response)
    }

    fn read_response(
        &self,
        operation: &str,
        response: reqwest::blocking::Response,
    ) -> Result<Json, KeyError> {
        let status = response.status();
        let text =
            crate::bounded::read_to_end(response, crate::bounded::Kind::Key, 0).map_err(|e| {
                KeyError::Failed(format!(
                    "Vault transit {operation}: cannot read the response: {e}"
                ))
            })?;
        let body: Option<Json> = serde_json::from_slice(&text).ok();
        self.last_request_id.set(
            body.as_ref()
                .and_then(|b| b.get("request_id"))
                .and_then(Json::as_str),
        );
        if !status.is_success() {
            let message = format!(
                "Vault transit {operation} failed with {}",
                api_error(status, body.as_ref())
            );
            return Err(if status.is_server_error() {
                KeyError::Unavailable(message)
            } else {
                KeyError::Failed(message)
            });
        }
        body.and_then(|mut b| b.get_mut("data").map(Json::take))
            .filter(Json::is_object)
            .ok_or_else(|| {
                KeyError::Failed(format!(
                    "Vault transit {operation}: the response has no data object"
                ))
            })
    }
}

/// `HTTP <status>: <Vault's errors>`, with a hint about the token on 403.
pub(crate) fn api_error(status: reqwest::StatusCode, body: Option<&Json>) -> String {
    let errors = body
        .and_then(|b| b.get("errors"))
        .and_then(Json::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| "no error message".to_string());
    let hint = if status.as_u16() == 403 {
        " (check VAULT_TOKEN or ~/.vault-token and the token's policy)"
    } else {
        ""
    };
    format!("HTTP {status}: {errors}{hint}")
}

/// The token as a header value that is kept out of any debug output.
pub(crate) fn token_header(token: &str) -> Result<reqwest::header::HeaderValue, KeyError> {
    let mut value = reqwest::header::HeaderValue::from_str(token).map_err(|_| {
        KeyError::Failed("the Vault token contains characters not allowed in a header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A request to Vault with the token, the request marker and `VAULT_NAMESPACE`.
pub(crate) fn request(
    client: &reqwest::blocking::Client,
    method: reqwest::Method,
    url: &str,
    token: &reqwest::header::HeaderValue,
    ctx: &KeyContext,
) -> reqwest::blocking::RequestBuilder {
    let request = client
        .request(method, url)
        .header("X-Vault-Token", token.clone())
        .header("X-Vault-Request", "true");
    match ctx.var("VAULT_NAMESPACE") {
        Some(namespace) => request.header("X-Vault-Namespace", namespace),
        None => request,
    }
}

/// Sends the request `build` makes, again after a refused connection, a 429 or a 5xx (at most
/// [`MAX_TRIES`] times, with a short backoff or the server's `Retry-After` up to 2 s).
pub(crate) fn send(
    build: impl Fn() -> reqwest::blocking::RequestBuilder,
) -> Result<reqwest::blocking::Response, reqwest::Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let retry_after = match build().send() {
            Err(e) if attempt < MAX_TRIES && e.is_connect() && !e.is_timeout() => None,
            Err(e) => return Err(e),
            Ok(response) => {
                let status = response.status();
                let retryable = status.as_u16() == 429 || status.is_server_error();
                if !retryable || attempt >= MAX_TRIES {
                    return Ok(response);
                }
                response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(|s| Duration::from_secs(s.min(2)))
            }
        };
        let backoff = Duration::from_millis(250u64 << (attempt - 1));
        std::thread::sleep(retry_after.unwrap_or(backoff));
    }
}

/// A transport failure of `what` (`Vault transit encrypt`, ...) at `address`, with its cause.
pub(crate) fn transport_error(what: &str, address: &str, e: &reqwest::Error) -> KeyError {
    let kind = if e.is_timeout() {
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
    KeyError::Unavailable(format!("{what} at {address} {kind}{cause}"))
}

/// `SOPS_HC_VAULT_ALLOWLIST` from the captured environment.
fn allowlist(ctx: &KeyContext) -> Result<Allowlist, KeyError> {
    Allowlist::parse(ctx.var(allowlist::VARIABLE)).map_err(KeyError::Failed)
}

/// Follows a redirect only to a server `SOPS_HC_VAULT_ALLOWLIST` allows (the token goes with
/// it), and at most [`MAX_REDIRECTS`] times.
fn redirect_policy(allowlist: Allowlist) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        match allowlist.check(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(reason) => attempt.error(format!("refused a redirect: {reason}")),
        }
    })
}

/// The HTTP client for Vault: timeouts, `VAULT_CACERT`, `VAULT_SKIP_VERIFY`, redirects only
/// within `SOPS_HC_VAULT_ALLOWLIST`.
pub(crate) fn client(ctx: &KeyContext) -> Result<reqwest::blocking::Client, KeyError> {
    let total = ctx
        .var("SOPS_RS_HTTP_TIMEOUT_SECONDS")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(REQUEST_TIMEOUT);
    let mut builder = reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(total))
        .timeout(total)
        .redirect(redirect_policy(allowlist(ctx)?))
        .no_proxy();
    if let Some(path) = ctx.var("VAULT_CACERT") {
        let pem = crate::bounded::read_file(std::path::Path::new(path), crate::bounded::Kind::Key)
            .map_err(|e| KeyError::Failed(format!("cannot read VAULT_CACERT {path}: {e}")))?;
        let cert = reqwest::Certificate::from_pem(&pem)
            .map_err(|e| KeyError::Failed(format!("VAULT_CACERT {path}: {e}")))?;
        builder = builder.tls_certs_merge(std::iter::once(cert));
    }
    if ctx
        .var("VAULT_SKIP_VERIFY")
        .is_some_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "True" | "t" | "T"))
    {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder
        .build()
        .map_err(|e| KeyError::Failed(format!("cannot set up the HTTP client for Vault: {e}")))
}

/// The Vault token: `VAULT_TOKEN`, else `~/.vault-token` (`$HOME`, on Windows `%USERPROFILE%`).
pub(crate) fn token(ctx: &KeyContext) -> Option<Zeroizing<String>> {
    if let Some(token) = ctx.var("VAULT_TOKEN") {
        return Some(Zeroizing::new(token.trim().to_string()));
    }
    let home = ctx.home_dir()?;
    let text = Zeroizing::new(
        crate::bounded::read_file_to_string(&home.join(".vault-token"), crate::bounded::Kind::Key)
            .ok()?,
    );
    let token = text.trim();
    (!token.is_empty()).then(|| Zeroizing::new(token.to_string()))
}

impl MasterKey for VaultKey {
    fn kind(&self) -> KeyKind {
        KeyKind::HcVault
    }

    fn id(&self) -> String {
        format!(
            "{}/v1/{}/keys/{}",
            self.address, self.engine_path, self.key_name
        )
    }

    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError> {
        let token = token(ctx).ok_or_else(|| {
            KeyError::Failed("no Vault token: set VAULT_TOKEN or write ~/.vault-token".into())
        })?;
        let body = json!({ "plaintext": STANDARD.encode(secret) });
        let data = self.call("encrypt", &body, &token, ctx)?;
        data.get("ciphertext")
            .and_then(Json::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                KeyError::Failed("Vault transit encrypt: the response has no ciphertext".into())
            })
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let Some(token) = token(ctx) else {
            return Ok(None);
        };
        let body = json!({ "ciphertext": enc });
        let data = self.call("decrypt", &body, &token, ctx)?;
        let plaintext = data
            .get("plaintext")
            .and_then(Json::as_str)
            .ok_or_else(|| {
                KeyError::Failed("Vault transit decrypt: the response has no plaintext".into())
            })?;
        let secret = STANDARD.decode(plaintext).map_err(|_| {
            KeyError::Failed("Vault transit decrypt: the plaintext is not base64".into())
        })?;
        Ok(Some(Zeroizing::new(secret)))
    }

    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("vault_address", Value::str(&self.address));
        map.push("engine_path", Value::str(&self.engine_path));
        map.push("key_name", Value::str(&self.key_name));
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
    fn parses_key_uris_as_sops_does() {
        let key =
            VaultKey::from_uri("https://vault.example.com:8200/v1/transit/keys/sops").unwrap();
        assert_eq!(key.address, "https://vault.example.com:8200");
        assert_eq!(key.engine_path, "transit");
        assert_eq!(key.key_name, "sops");
        assert_eq!(
            key.id(),
            "https://vault.example.com:8200/v1/transit/keys/sops"
        );
        let nested = VaultKey::from_uri("http://127.0.0.1:8200/v1/team/a/transit/keys/k1").unwrap();
        assert_eq!(nested.engine_path, "team/a/transit");
        assert_eq!(
            nested.url("decrypt"),
            "http://127.0.0.1:8200/v1/team/a/transit/decrypt/k1"
        );
        for bad in [
            "vault.example.com/v1/transit/keys/k",
            "https://vault.example.com/transit/keys/k",
            "https://vault.example.com/v1/transit/k",
            "https://vault.example.com/v1/keys/k",
            "https://vault.example.com/v1/transit/keys/",
        ] {
            assert!(VaultKey::from_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_allowlist_is_checked_before_any_request() {
        // Port 1 on loopback: a request would fail with a connection error, not this one.
        let key =
            VaultKey::from_uri("http://vault.corp.example@127.0.0.1:1/v1/transit/keys/k").unwrap();
        let ctx = KeyContext::from_vars([
            ("VAULT_TOKEN", "s.token"),
            ("SOPS_HC_VAULT_ALLOWLIST", "http://vault.corp.example"),
        ]);
        let error = key.wrap(b"k", &ctx).unwrap_err().to_string();
        assert!(error.contains("user information"), "{error}");
        let error = key.unwrap("vault:v1:x", &ctx).err().unwrap().to_string();
        assert!(error.contains("SOPS_HC_VAULT_ALLOWLIST"), "{error}");
        let ctx = KeyContext::from_vars([
            ("VAULT_TOKEN", "s.token"),
            ("SOPS_HC_VAULT_ALLOWLIST", "vault.corp.example"),
        ]);
        let error = key.wrap(b"k", &ctx).unwrap_err().to_string();
        assert!(error.contains("is not a URL"), "{error}");
    }

    #[test]
    fn no_token_means_no_credentials() {
        let key = VaultKey::from_uri("http://127.0.0.1:1/v1/transit/keys/sops").unwrap();
        assert!(
            key.unwrap("vault:v1:x", &KeyContext::default())
                .unwrap()
                .is_none()
        );
        assert!(key.wrap(b"k", &KeyContext::default()).is_err());
    }
}
