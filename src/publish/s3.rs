//! Publishing to Amazon S3: one SigV4-signed `PutObject` of the encrypted file.
//!
//! * Credentials and region come from the AWS SDK's chain over the captured environment, the
//!   same loader the KMS backend uses ([`crate::keys::aws_kms::sdk_config`]): `AWS_*`
//!   variables, the shared config and credentials files, `AWS_PROFILE`, web identity, container
//!   and instance metadata.
//! * The endpoint is `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (or the profile's
//!   `endpoint_url`), addressed path-style (`{endpoint}/{bucket}/{key}`, as S3-compatible
//!   servers expect); without one, AWS's virtual-hosted `https://{bucket}.s3.{region}.amazonaws.com`.
//! * The request is signed with `aws-sigv4` (already built for the SDK) and sent with reqwest;
//!   the body's SHA-256 goes in `x-amz-content-sha256`.

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4::SigningParams;

use super::{PublishError, percent_encode};
use crate::keys::KeyContext;
use crate::keys::aws_kms::{chain_credentials, run, sdk_config, total_timeout};

/// Where an object goes and how the request reaches it.
struct Target {
    url: String,
    region: String,
}

/// Uploads `body` as object `key` of `bucket`.
pub(super) fn put_object(
    bucket: &str,
    key: &str,
    body: &[u8],
    ctx: &KeyContext,
) -> Result<(), PublishError> {
    let failed = |e: crate::keys::KeyError| PublishError::Upload(e.to_string());
    let total = total_timeout(ctx);
    let (config, credentials) = run(total, async {
        let config = sdk_config(ctx, None, None, total).await;
        let credentials = chain_credentials(&config).await?;
        Ok((config, credentials))
    })
    .map_err(failed)?;
    let credentials = credentials.ok_or_else(|| {
        PublishError::Upload(
            "no AWS credentials found for S3 (environment, shared config or profile, web \
             identity, container or instance metadata)"
                .into(),
        )
    })?;
    let region = config.region().map(|r| r.to_string()).ok_or_else(|| {
        PublishError::Upload("no AWS region for S3: set AWS_REGION or a profile's region".into())
    })?;
    let endpoint = ctx
        .var("AWS_ENDPOINT_URL_S3")
        .or_else(|| ctx.var("AWS_ENDPOINT_URL"))
        .or(config.endpoint_url())
        .map(str::to_string);
    let target = target(bucket, key, &region, endpoint.as_deref());

    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let identity = credentials.into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(&target.region)
        .name("s3")
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| PublishError::Upload(format!("cannot sign the S3 request: {e}")))?
        .into();
    let signable = SignableRequest::new(
        "PUT",
        target.url.as_str(),
        std::iter::empty(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| PublishError::Upload(format!("cannot sign the S3 request: {e}")))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| PublishError::Upload(format!("cannot sign the S3 request: {e}")))?
        .into_parts();

    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(5).min(total))
        .timeout(total)
        .build()
        .map_err(|e| PublishError::Upload(format!("cannot set up the HTTP client for S3: {e}")))?;
    let mut request = client.put(&target.url).body(body.to_vec());
    for (name, value) in instructions.headers() {
        let mut value = reqwest::header::HeaderValue::from_str(value)
            .map_err(|e| PublishError::Upload(format!("cannot sign the S3 request: {e}")))?;
        if name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("x-amz-security-token")
        {
            value.set_sensitive(true);
        }
        request = request.header(name, value);
    }
    let what = format!("S3 upload to s3://{bucket}/{key}");
    let Some((status, text)) = super::send_upload(request, &what)? else {
        return Ok(());
    };
    Err(PublishError::Upload(format!(
        "{what} failed with HTTP {status}: {}",
        crate::keys::aws_kms::aws_error_detail(&text)
    )))
}

/// The URL of the object: path-style under a custom endpoint, virtual-hosted on AWS (path-style
/// there too for bucket names that cannot be host names).
fn target(bucket: &str, key: &str, region: &str, endpoint: Option<&str>) -> Target {
    let key = percent_encode(key, b"/");
    let url = match endpoint {
        Some(endpoint) => format!("{}/{bucket}/{key}", endpoint.trim_end_matches('/')),
        None if bucket.contains('.') || bucket.chars().any(|c| c.is_ascii_uppercase()) => {
            format!("https://s3.{region}.amazonaws.com/{bucket}/{key}")
        }
        None => format!("https://{bucket}.s3.{region}.amazonaws.com/{key}"),
    };
    Target {
        url,
        region: region.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_path_style_for_custom_endpoints() {
        let t = target(
            "b",
            "pre/a b+c.json",
            "eu-west-1",
            Some("http://127.0.0.1:9/"),
        );
        assert_eq!(t.url, "http://127.0.0.1:9/b/pre/a%20b%2Bc.json");
        let aws = target("b", "k", "eu-west-1", None);
        assert_eq!(aws.url, "https://b.s3.eu-west-1.amazonaws.com/k");
        let dotted = target("my.bucket", "k", "us-east-1", None);
        assert_eq!(dotted.url, "https://s3.us-east-1.amazonaws.com/my.bucket/k");
    }

    #[test]
    fn errors_name_the_s3_code() {
        let xml =
            "<Error><Code>NoSuchBucket</Code><Message>The bucket does not exist</Message></Error>";
        assert_eq!(
            crate::keys::aws_kms::aws_error_detail(xml),
            "NoSuchBucket: The bucket does not exist"
        );
    }
}
