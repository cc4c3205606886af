//! Publishing to a Vault (or OpenBao) KV secrets engine, version 1 or 2: the decrypted values
//! are written as one secret, as sops writes them.
//!
//! * `GET {address}/v1/{path}` first: when the answer's `data.data` already equals the values
//!   (by sops's comparison, see [`KvData::same_as`]) nothing is written, so KV v2 makes no new
//!   version. A failed read is a warning, not an error.
//! * `PUT {address}/v1/{path}` with the values (KV v1) or `{"data": values}` (KV v2).
//!
//! The HTTP plumbing is the Vault Transit key backend's ([`crate::keys::vault`]): the token from
//! `VAULT_TOKEN`, else `~/.vault-token`; `VAULT_NAMESPACE`, `VAULT_CACERT`, `VAULT_SKIP_VERIFY`;
//! timeouts and retries of 429, 5xx and refused connections.

use serde_json::Value as Json;

use super::{Destination, KvData, PublishError, Uploaded};
use crate::keys::KeyContext;
use crate::keys::vault::{api_error, client, request, send, token, token_header, transport_error};

/// Writes `data` to the secret at `path` (`mount/…`, without `/v1/`) on the server at `address`.
pub(super) fn write_secret(
    address: &str,
    path: &str,
    destination: &Destination,
    data: &KvData,
    ctx: &KeyContext,
) -> Result<Uploaded, PublishError> {
    let failed = |e: crate::keys::KeyError| PublishError::Upload(e.to_string());
    let version = match destination {
        Destination::VaultKv { version, .. } => *version,
        _ => 2,
    };
    let token = token(ctx).ok_or_else(|| {
        PublishError::Upload(format!(
            "no Vault token for {address}: set VAULT_TOKEN or write ~/.vault-token"
        ))
    })?;
    let token = token_header(&token).map_err(failed)?;
    let client = client(ctx).map_err(failed)?;
    let url = format!("{address}/v1/{path}");
    let mut uploaded = Uploaded::default();
    match read_existing(&client, &url, &token, ctx) {
        Ok(Some(existing)) if data.same_as(&existing) => {
            uploaded.unchanged = true;
            return Ok(uploaded);
        }
        Ok(_) => {}
        Err(reason) => uploaded.warnings.push(format!(
            "cannot check whether {path} already holds these values ({reason}); a new version \
             is written even if nothing changed"
        )),
    }
    let body = data.body(version);
    let response = send(|| {
        request(&client, reqwest::Method::PUT, &url, &token, ctx)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.as_bytes().to_vec())
    })
    .map_err(|e| failed(transport_error("Vault KV write", address, &e)))?;
    let status = response.status();
    if !status.is_success() {
        let body = read_json(response);
        return Err(PublishError::Upload(format!(
            "writing the Vault secret {path} at {address} failed with {}",
            api_error(status, body.as_ref())
        )));
    }
    Ok(uploaded)
}

/// A response body as JSON, if it is JSON and within the size limit for key-service answers.
fn read_json(response: reqwest::blocking::Response) -> Option<Json> {
    let bytes = crate::bounded::read_to_end(response, crate::bounded::Kind::Key, 0).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The `data.data` of the secret now at `url`; `None` when there is none (404).
fn read_existing(
    client: &reqwest::blocking::Client,
    url: &str,
    token: &reqwest::header::HeaderValue,
    ctx: &KeyContext,
) -> Result<Option<Json>, String> {
    let response = send(|| request(client, reqwest::Method::GET, url, token, ctx))
        .map_err(|e| crate::keys::error_chain(&e))?;
    let status = response.status();
    if status.as_u16() == 404 {
        return Ok(None);
    }
    let body = read_json(response);
    if !status.is_success() {
        return Err(api_error(status, body.as_ref()));
    }
    Ok(body.and_then(|mut b| {
        b.get_mut("data")
            .and_then(|d| d.get_mut("data"))
            .map(Json::take)
    }))
}
