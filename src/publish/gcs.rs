//! Publishing to Google Cloud Storage: one JSON-API media upload of the encrypted file,
//! `POST {endpoint}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={object}`.
//!
//! * `STORAGE_EMULATOR_HOST` (`host:port`, or a URL) points at an emulator and sends no
//!   credentials, as Google's storage clients do; else `https://storage.googleapis.com`.
//! * Credentials are the GCP KMS backend's ([`crate::keys::gcp_kms::credentials`]):
//!   `GOOGLE_OAUTH_ACCESS_TOKEN`, `GOOGLE_CREDENTIALS`, then Application Default Credentials.
//! * A failed upload is an error (sops 3.12 ignores the result of its GCS upload).

use std::time::Duration;

use super::{PublishError, percent_encode};
use crate::keys::KeyContext;
use crate::keys::gcp_kms::credentials::Source;

/// The whole-upload bound unless `SOPS_RS_HTTP_TIMEOUT_SECONDS` says otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Uploads `body` as object `name` of `bucket`.
pub(super) fn put_object(
    bucket: &str,
    name: &str,
    body: &[u8],
    ctx: &KeyContext,
) -> Result<(), PublishError> {
    let total = ctx.http_timeout(REQUEST_TIMEOUT);
    let (endpoint, auth) = match ctx.var("STORAGE_EMULATOR_HOST").map(str::trim) {
        Some(host) if host.contains("://") => (host.trim_end_matches('/').to_string(), None),
        Some(host) => (format!("http://{}", host.trim_end_matches('/')), None),
        None => (
            "https://storage.googleapis.com".to_string(),
            Some(auth_headers(ctx, total)?),
        ),
    };
    let url = format!(
        "{endpoint}/upload/storage/v1/b/{}/o?uploadType=media&name={}",
        percent_encode(bucket, b""),
        percent_encode(name, b"")
    );
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(5).min(total))
        .timeout(total)
        .build()
        .map_err(|e| PublishError::Upload(format!("cannot set up the HTTP client for GCS: {e}")))?;
    let mut request = client
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(body.to_vec());
    if let Some(headers) = auth {
        request = request.headers(headers);
    }
    let location = format!("gcs://{bucket}/{name}");
    let what = format!("GCS upload to {location} at {endpoint}");
    let Some((status, text)) = super::send_upload(request, &what)? else {
        return Ok(());
    };
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| {
            text.chars()
                .take(200)
                .collect::<String>()
                .trim()
                .to_string()
        });
    Err(PublishError::Upload(format!(
        "GCS upload to {location} failed with HTTP {status}: {message}"
    )))
}

/// The `Authorization` header from the configured credentials.
fn auth_headers(
    ctx: &KeyContext,
    total: Duration,
) -> Result<reqwest::header::HeaderMap, PublishError> {
    let failed = |message: String| PublishError::Upload(message);
    let source = Source::from_context(ctx).map_err(failed)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("cannot start the GCS client runtime: {e}")))?;
    let headers = runtime.block_on(async {
        let credentials = source.credentials().map_err(failed)?;
        match tokio::time::timeout(total, credentials.headers(Default::default())).await {
            Err(_) => Err(failed(format!(
                "getting a GCP token from {} timed out",
                source.describe()
            ))),
            Ok(Err(e)) => Err(failed(format!(
                "getting a GCP token from {} failed: {}",
                source.describe(),
                crate::keys::error_chain(&e)
            ))),
            Ok(Ok(google_cloud_auth::credentials::CacheableResource::New { data, .. })) => Ok(data),
            Ok(Ok(_)) => Err(failed(format!(
                "the credentials from {} returned no headers",
                source.describe()
            ))),
        }
    })?;
    let mut out = reqwest::header::HeaderMap::new();
    for (name, value) in &headers {
        let mut value = reqwest::header::HeaderValue::from_bytes(value.as_bytes())
            .map_err(|e| failed(format!("the GCP credentials gave a bad header: {e}")))?;
        value.set_sensitive(true);
        let name = reqwest::header::HeaderName::from_bytes(name.as_str().as_bytes())
            .map_err(|e| failed(format!("the GCP credentials gave a bad header: {e}")))?;
        out.insert(name, value);
    }
    Ok(out)
}
