//! The AWS KMS client ([`AwsKmsKey`], `aws` feature; the kind's descriptor is in
//! `keys/aws_kms.rs`): the data key is wrapped with KMS `Encrypt` under a key or alias ARN,
//! optionally with an encryption context, a shared-config profile and a role to assume first,
//! exactly as sops's `kms/keysource.go` does.
//!
//! * Recipient syntax: `ARN` or `ARN+ROLE_ARN`; the region is taken from the ARN.
//! * `enc` is the standard padded base64 of the `CiphertextBlob`.
//! * Assume-role uses STS `AssumeRole` with the session name `sops@<hostname>`.
//! * The AWS SDK only ever sees the environment the caller captured in [`KeyContext::vars`]
//!   (credentials, `AWS_PROFILE`, `AWS_ENDPOINT_URL[_KMS|_STS]`, shared config files under
//!   `HOME`, ...), never the process environment.
//! * Nothing is set up until a key is used: the tokio runtime and the clients are built on the
//!   first wrap or unwrap, so a file without `kms` keys never builds them.
//! * Every call is bounded: 5 s to connect, a third of the total per attempt, 30 s in total
//!   (`SOPS_RS_HTTP_TIMEOUT_SECONDS` changes the total), with the SDK's standard retry mode
//!   (3 attempts, backoff on throttling, timeouts and server errors).

use std::collections::HashMap;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_kms::config::http::HttpResponse;
use aws_sdk_kms::config::{Credentials, ProvideCredentials};
use aws_sdk_kms::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_kms::operation::RequestId;
use aws_sdk_kms::primitives::Blob;
use aws_types::os_shim_internal::Env;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::keys::{
    KeyContext, KeyError, KeyKind, KeySpec, MasterKey, RequestIdSlot, created_at_value,
};
use crate::tree::{Map, Scalar, Timestamp, Value};

/// The connect timeout for every request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default bound on one key operation, credentials and role included.
const TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
/// The variable that changes [`TOTAL_TIMEOUT`] (seconds, may be fractional).
const TIMEOUT_VAR: &str = "SOPS_RS_HTTP_TIMEOUT_SECONDS";
/// Attempts per request in the standard retry mode.
const MAX_ATTEMPTS: u32 = 3;
/// STS limits role session names to 64 characters.
const SESSION_NAME_LIMIT: usize = 64;

/// An AWS KMS master key.
pub struct AwsKmsKey {
    arn: String,
    role: Option<String>,
    /// Sorted by key.
    context: Vec<(String, String)>,
    profile: String,
    request_id: RequestIdSlot,
}

/// The region of a KMS key or alias ARN (`^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)/.+$`, as
/// sops matches it).
fn region_of(arn: &str) -> Option<&str> {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(r"^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)/.+$").expect("valid regex")
    });
    pattern
        .captures(arn)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

impl AwsKmsKey {
    /// A key for encryption: checks that `arn` is a KMS key or alias ARN. Spaces are removed,
    /// and an `ARN+ROLE_ARN` id is split when no separate role is given.
    pub fn new(
        arn: &str,
        role: Option<&str>,
        context: Vec<(String, String)>,
        profile: Option<&str>,
    ) -> Result<Self, KeyError> {
        let arn: String = arn.chars().filter(|c| *c != ' ').collect();
        let (arn, role) = match (role.filter(|r| !r.is_empty()), arn.find("+arn:")) {
            (None, Some(at)) if at > 0 => (arn[..at].to_string(), Some(arn[at + 1..].to_string())),
            (role, _) => (arn, role.map(str::to_string)),
        };
        if region_of(&arn).is_none() {
            return Err(KeyError::InvalidKey {
                kind: KeyKind::AwsKms,
                id: arn,
                reason: "not an AWS KMS key or alias ARN \
                         (arn:aws:kms:REGION:ACCOUNT:key/ID or .../alias/NAME)"
                    .into(),
            });
        }
        let mut context = context;
        context.sort();
        Ok(AwsKmsKey {
            arn,
            role,
            context,
            profile: profile.unwrap_or_default().to_string(),
            request_id: RequestIdSlot::default(),
        })
    }

    /// A key named on the command line or in the config.
    pub fn from_spec(spec: &KeySpec) -> Result<Self, KeyError> {
        Self::new(
            &spec.id,
            spec.kms_role.as_deref(),
            spec.kms_context.clone(),
            spec.aws_profile.as_deref(),
        )
    }

    /// Rebuilds a key from its metadata entry without checking it (a malformed ARN fails when
    /// the key is used, so it cannot stop another key from decrypting the file).
    pub fn from_metadata(entry: &Map) -> Self {
        let text = |name: &str| match entry.get(name) {
            Some(Value::Scalar(Scalar::Str(s))) => s.clone(),
            Some(Value::Scalar(Scalar::Null)) | None => String::new(),
            Some(Value::Scalar(other)) => other.to_flat_string(),
            Some(_) => String::new(),
        };
        let mut context: Vec<(String, String)> = match entry.get("context") {
            Some(Value::Map(map)) => map
                .entries()
                .filter_map(|(key, value)| match value {
                    Value::Scalar(Scalar::Str(s)) => Some((key.to_string(), s.clone())),
                    Value::Scalar(Scalar::Null) => None,
                    Value::Scalar(other) => Some((key.to_string(), other.to_flat_string())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        context.sort();
        let role = text("role");
        AwsKmsKey {
            arn: text("arn"),
            role: (!role.is_empty()).then_some(role),
            context,
            profile: text("aws_profile"),
            request_id: RequestIdSlot::default(),
        }
    }

    fn region(&self) -> Result<&str, KeyError> {
        region_of(&self.arn)
            .ok_or_else(|| KeyError::Failed(format!("no valid ARN found in {:?}", self.arn)))
    }

    fn context_map(&self) -> Option<HashMap<String, String>> {
        (!self.context.is_empty()).then(|| self.context.iter().cloned().collect())
    }

    /// The SDK configuration for this key: the ARN's region and the key's profile.
    async fn sdk_config(&self, ctx: &KeyContext, total: Duration) -> Result<SdkConfig, KeyError> {
        let profile = Some(self.profile.as_str()).filter(|p| !p.is_empty());
        Ok(sdk_config(ctx, Some(self.region()?), profile, total).await)
    }

    /// The credentials to call KMS with (after assuming the role, if any). `None` when the
    /// credential chain found nothing at all.
    async fn credentials(&self, config: &SdkConfig) -> Result<Option<Credentials>, KeyError> {
        let Some(base) = chain_credentials(config).await? else {
            return Ok(None);
        };
        match &self.role {
            None => Ok(Some(base)),
            Some(role) => self.assume_role(config, base, role).await.map(Some),
        }
    }

    async fn assume_role(
        &self,
        config: &SdkConfig,
        base: Credentials,
        role: &str,
    ) -> Result<Credentials, KeyError> {
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(config)
                .credentials_provider(base)
                .build(),
        );
        let out = sts
            .assume_role()
            .role_arn(role)
            .role_session_name(session_name(&hostname()))
            .send()
            .await
            .map_err(|e| {
                self.request_id.set(e.request_id());
                KeyError::Failed(format!("failed to assume role {role:?}: {}", describe(&e)))
            })?;
        let assumed = out.credentials().ok_or_else(|| {
            KeyError::Failed(format!(
                "failed to assume role {role:?}: STS returned no credentials"
            ))
        })?;
        Ok(Credentials::new(
            assumed.access_key_id(),
            assumed.secret_access_key(),
            Some(assumed.session_token().to_string()),
            std::time::SystemTime::try_from(*assumed.expiration()).ok(),
            "sops-rs-assume-role",
        ))
    }

    async fn client(
        &self,
        ctx: &KeyContext,
        total: Duration,
    ) -> Result<Option<aws_sdk_kms::Client>, KeyError> {
        let config = self.sdk_config(ctx, total).await?;
        let Some(credentials) = self.credentials(&config).await? else {
            return Ok(None);
        };
        Ok(Some(aws_sdk_kms::Client::from_conf(
            aws_sdk_kms::config::Builder::from(&config)
                .credentials_provider(credentials)
                .build(),
        )))
    }

    async fn encrypt(
        &self,
        secret: &[u8],
        ctx: &KeyContext,
        total: Duration,
    ) -> Result<String, KeyError> {
        let client = self.client(ctx, total).await?.ok_or_else(|| {
            KeyError::Failed(
                "no AWS credentials found (environment, shared config or profile, \
                 web identity, container or instance metadata)"
                    .into(),
            )
        })?;
        let out = client
            .encrypt()
            .key_id(&self.arn)
            .plaintext(Blob::new(secret.to_vec()))
            .set_encryption_context(self.context_map())
            .send()
            .await
            .map_err(|e| {
                self.request_id.set(e.request_id());
                KeyError::Failed(format!(
                    "failed to encrypt sops data key with AWS KMS: {}",
                    describe(&e)
                ))
            })?;
        self.request_id.set(out.request_id());
        let blob = out.ciphertext_blob().ok_or_else(|| {
            KeyError::Failed("AWS KMS returned no ciphertext for the sops data key".into())
        })?;
        Ok(STANDARD.encode(blob.as_ref()))
    }

    async fn decrypt(
        &self,
        blob: Vec<u8>,
        ctx: &KeyContext,
        total: Duration,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let Some(client) = self.client(ctx, total).await? else {
            return Ok(None);
        };
        let out = client
            .decrypt()
            .ciphertext_blob(Blob::new(blob))
            .set_encryption_context(self.context_map())
            .send()
            .await
            .map_err(|e| {
                self.request_id.set(e.request_id());
                let message = format!(
                    "failed to decrypt sops data key with AWS KMS: {}",
                    describe(&e)
                );
                if is_outage(&e) {
                    KeyError::Unavailable(message)
                } else {
                    KeyError::Failed(message)
                }
            })?;
        self.request_id.set(out.request_id());
        match out.plaintext {
            Some(blob) => Ok(Some(Zeroizing::new(blob.into_inner()))),
            None => Err(KeyError::Failed(
                "AWS KMS returned no plaintext for the sops data key".into(),
            )),
        }
    }
}

/// The SDK configuration from the captured environment only, with bounded timeouts and
/// standard retries: `region` and `profile` when given, else the SDK's own lookup (`AWS_REGION`,
/// `AWS_PROFILE`, the shared config files under `HOME`).
pub(crate) async fn sdk_config(
    ctx: &KeyContext,
    region: Option<&str>,
    profile: Option<&str>,
    total: Duration,
) -> SdkConfig {
    // A silent server costs one attempt, not the whole budget: each attempt gets a third.
    let attempt = (total / MAX_ATTEMPTS).max(Duration::from_secs(1));
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(total))
        .operation_attempt_timeout(attempt)
        .operation_timeout(total)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .env(Env::from(ctx.vars.clone()))
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .app_name(AppName::new("sops-rs").expect("valid app name"));
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_string()));
    }
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// What the SDK's credential chain finds (environment, shared files, web identity, container
/// or instance metadata). `None` when it found nothing at all.
pub(crate) async fn chain_credentials(config: &SdkConfig) -> Result<Option<Credentials>, KeyError> {
    let Some(provider) = config.credentials_provider() else {
        return Ok(None);
    };
    match provider.provide_credentials().await {
        Ok(credentials) => Ok(Some(credentials)),
        Err(CredentialsError::CredentialsNotLoaded(_)) => Ok(None),
        Err(e) => Err(KeyError::Failed(format!(
            "cannot load AWS credentials: {}",
            error_chain(&e)
        ))),
    }
}

/// Whether an SDK error is an outage (no connection, no answer in time, an HTTP 5xx) rather
/// than the service's answer about the key.
fn is_outage<E>(err: &SdkError<E, HttpResponse>) -> bool {
    match err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => true,
        SdkError::ResponseError(_) | SdkError::ServiceError(_) => err
            .raw_response()
            .is_some_and(|response| response.status().is_server_error()),
        _ => false,
    }
}

/// A one-line description of an SDK error: the service's code and message when the service
/// answered, else the whole cause chain (connection refused, timeout, ...).
fn describe<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let SdkError::ServiceError(service) = err {
        let e = service.err();
        match (e.code(), e.message()) {
            (Some(code), Some(message)) => return format!("{code}: {message}"),
            (Some(code), None) => return code.to_string(),
            _ => {}
        }
    }
    // An error answer the SDK could not read (a proxy, or an XML error body): its status and
    // what it says.
    if let Some(response) = err.raw_response()
        && !response.status().is_success()
    {
        let body = response
            .body()
            .bytes()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        return format!(
            "HTTP {}: {}",
            response.status().as_u16(),
            aws_error_detail(&body)
        );
    }
    error_chain(err)
}

/// `Code: Message` from an AWS XML error body (KMS through the SDK, S3), else the start of the
/// body.
pub(crate) fn aws_error_detail(body: &str) -> String {
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find("</")? + start;
        Some(body[start..end].trim().to_string())
    };
    match (tag("Code"), tag("Message")) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code,
        _ => body
            .chars()
            .take(200)
            .collect::<String>()
            .trim()
            .to_string(),
    }
}

/// An error and its causes, `: `-separated (the SDK's own context printer adds a `Debug` dump).
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The host name as Go's `os.Hostname` reads it on Linux.
fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| {
            crate::bounded::read_file_to_string(
                std::path::Path::new(path),
                crate::bounded::Kind::Config,
            )
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "localhost".to_string())
}

/// `sops@<hostname>`, with the characters STS does not allow removed, cut to 64 characters.
fn session_name(hostname: &str) -> String {
    let clean: String = hostname
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "=,.@-".contains(*c))
        .collect();
    let mut name = format!("sops@{clean}");
    name.truncate(SESSION_NAME_LIMIT);
    name
}

/// The bound on one key operation: `SOPS_RS_HTTP_TIMEOUT_SECONDS` or 30 s.
pub(crate) fn total_timeout(ctx: &KeyContext) -> Duration {
    ctx.var(TIMEOUT_VAR)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|secs| secs.is_finite() && *secs > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(TOTAL_TIMEOUT)
}

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The runtime every AWS call runs on, built on first use. It has its own worker thread, so
/// any number of threads may block on it at once.
fn runtime() -> Result<&'static tokio::runtime::Runtime, KeyError> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("sops-rs-aws")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| KeyError::Failed(format!("cannot start the AWS client runtime: {e}")))
}

/// Whether the AWS client runtime has been built in this process (it is built on the first
/// wrap or unwrap of a `kms` key, never before).
pub fn runtime_started() -> bool {
    RUNTIME.get().is_some()
}

/// Runs `operation` on the runtime, giving up once `total` has passed.
pub(crate) fn run<T>(
    total: Duration,
    operation: impl Future<Output = Result<T, KeyError>>,
) -> Result<T, KeyError> {
    runtime()?.block_on(async {
        // The SDK bounds each request; this bounds the whole operation (credentials, role,
        // retries) a little later, so the SDK's own, more precise error wins when it can.
        match tokio::time::timeout(total + Duration::from_secs(2), operation).await {
            Ok(result) => result,
            Err(_) => Err(KeyError::Unavailable(format!(
                "AWS did not answer within {} s",
                total.as_secs()
            ))),
        }
    })
}

impl MasterKey for AwsKmsKey {
    fn kind(&self) -> KeyKind {
        KeyKind::AwsKms
    }

    /// `arn[+role][|k:v,k2:v2][|profile]`, as sops's `ToString`.
    fn id(&self) -> String {
        let mut id = self.arn.clone();
        if let Some(role) = &self.role {
            id.push('+');
            id.push_str(role);
        }
        if !self.context.is_empty() {
            id.push('|');
            let pairs: Vec<String> = self
                .context
                .iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect();
            id.push_str(&pairs.join(","));
        }
        if !self.profile.is_empty() {
            id.push('|');
            id.push_str(&self.profile);
        }
        id
    }

    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError> {
        self.request_id.set(None);
        let total = total_timeout(ctx);
        run(total, self.encrypt(secret, ctx, total))
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        self.request_id.set(None);
        let blob = STANDARD.decode(enc.trim()).map_err(|e| {
            KeyError::Failed(format!("error base64-decoding encrypted data key: {e}"))
        })?;
        let total = total_timeout(ctx);
        run(total, self.decrypt(blob, ctx, total))
    }

    /// `{arn, role?, context?, created_at, enc, aws_profile}`: `role` and `context` only when
    /// set, `aws_profile` always.
    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("arn", Value::str(&self.arn));
        if let Some(role) = &self.role {
            map.push("role", Value::str(role));
        }
        if !self.context.is_empty() {
            let mut context = Map::default();
            for (key, value) in &self.context {
                context.push(key.as_str(), Value::str(value));
            }
            map.push("context", Value::Map(context));
        }
        map.push("created_at", created_at_value(created_at));
        map.push("enc", Value::str(enc));
        map.push("aws_profile", Value::str(&self.profile));
        map
    }

    fn last_request_id(&self) -> Option<String> {
        self.request_id.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const ROLE: &str = "arn:aws:iam::123456789012:role/sops";

    fn spec(id: &str) -> KeySpec {
        KeySpec::simple(KeyKind::AwsKms, id)
    }

    #[test]
    fn parses_key_and_alias_arns_and_splits_a_role() {
        let key = AwsKmsKey::from_spec(&spec(ARN)).unwrap();
        assert_eq!(key.region().unwrap(), "eu-west-1");
        assert_eq!(key.id(), ARN);
        let alias = AwsKmsKey::from_spec(&spec("arn:aws:kms:us-east-1:1:alias/my key")).unwrap();
        assert_eq!(alias.arn, "arn:aws:kms:us-east-1:1:alias/mykey");
        assert_eq!(alias.region().unwrap(), "us-east-1");
        let cn = AwsKmsKey::from_spec(&spec("arn:aws-cn:kms:cn-north-1:1:key/x")).unwrap();
        assert_eq!(cn.region().unwrap(), "cn-north-1");

        let with_role = AwsKmsKey::from_spec(&spec(&format!("{ARN}+{ROLE}"))).unwrap();
        assert_eq!(with_role.arn, ARN);
        assert_eq!(with_role.role.as_deref(), Some(ROLE));
        assert_eq!(with_role.id(), format!("{ARN}+{ROLE}"));

        for bad in [
            "",
            "not-an-arn",
            "arn:aws:kms:us-east-1:abc:key/x",
            "arn:aws:s3:::bucket",
        ] {
            assert!(
                matches!(
                    AwsKmsKey::from_spec(&spec(bad)),
                    Err(KeyError::InvalidKey { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn id_has_role_sorted_context_and_profile() {
        let key = AwsKmsKey::from_spec(&KeySpec {
            kind: KeyKind::AwsKms,
            id: ARN.into(),
            kms_role: Some(ROLE.into()),
            kms_context: vec![("b".into(), "2".into()), ("a".into(), "1".into())],
            aws_profile: Some("dev".into()),
        })
        .unwrap();
        assert_eq!(key.id(), format!("{ARN}+{ROLE}|a:1,b:2|dev"));
        let plain = AwsKmsKey::from_spec(&KeySpec {
            aws_profile: Some(String::new()),
            ..spec(ARN)
        })
        .unwrap();
        assert_eq!(plain.id(), ARN);
    }

    fn keys(map: &Map) -> Vec<&str> {
        map.entries().map(|(k, _)| k).collect()
    }

    #[test]
    fn entry_has_sops_field_order_and_reads_back() {
        let at = Timestamp::now_utc_seconds();
        let plain = AwsKmsKey::from_spec(&spec(ARN)).unwrap();
        let entry = plain.entry("QUJD", Some(&at));
        assert_eq!(keys(&entry), ["arn", "created_at", "enc", "aws_profile"]);
        assert_eq!(entry.get("aws_profile"), Some(&Value::str("")));
        assert_eq!(entry.get("created_at"), Some(&Value::str(at.to_rfc3339())));

        let full = AwsKmsKey::from_spec(&KeySpec {
            kind: KeyKind::AwsKms,
            id: ARN.into(),
            kms_role: Some(ROLE.into()),
            kms_context: vec![("Env".into(), "prod".into()), ("App".into(), "web".into())],
            aws_profile: Some("dev".into()),
        })
        .unwrap();
        let entry = full.entry("QUJD", Some(&at));
        assert_eq!(
            keys(&entry),
            ["arn", "role", "context", "created_at", "enc", "aws_profile"]
        );
        let Some(Value::Map(context)) = entry.get("context") else {
            panic!("context is a map");
        };
        assert_eq!(keys(context), ["App", "Env"]);

        let back = AwsKmsKey::from_metadata(&entry);
        assert_eq!(back.id(), full.id());
        assert_eq!(back.entry("QUJD", Some(&at)), entry);
        assert!(
            !runtime_started(),
            "building keys must not start the runtime"
        );
    }

    #[test]
    fn metadata_with_odd_values_is_kept_and_fails_only_when_used() {
        let mut context = Map::default();
        context.push("n", Value::Scalar(Scalar::Int(1)));
        let mut entry = Map::default();
        entry.push("arn", Value::str("garbage"));
        entry.push("context", Value::Map(context));
        let key = AwsKmsKey::from_metadata(&entry);
        assert_eq!(key.id(), "garbage|n:1");
        assert_eq!(key.profile, "");
        assert!(key.region().is_err());
        // A malformed `enc` fails before anything is set up.
        let err = key
            .unwrap("not base64!", &KeyContext::default())
            .unwrap_err();
        assert!(err.to_string().contains("base64"), "{err}");
        assert!(!runtime_started());
    }

    #[test]
    fn session_name_is_sanitised_and_bounded() {
        assert_eq!(
            session_name("build-01.example.com"),
            "sops@build-01.example.com"
        );
        assert_eq!(session_name("host_with spaces!"), "sops@hostwithspaces");
        assert_eq!(session_name(&"h".repeat(100)).len(), SESSION_NAME_LIMIT);
    }

    #[test]
    fn timeout_comes_from_the_captured_environment() {
        let mut ctx = KeyContext::default();
        assert_eq!(total_timeout(&ctx), TOTAL_TIMEOUT);
        ctx.vars.insert(TIMEOUT_VAR.into(), "7".into());
        assert_eq!(total_timeout(&ctx), Duration::from_secs(7));
        ctx.vars.insert(TIMEOUT_VAR.into(), "0".into());
        assert_eq!(total_timeout(&ctx), TOTAL_TIMEOUT);
    }
}
