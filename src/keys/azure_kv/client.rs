//! The Azure Key Vault client ([`AzureKey`], `azure` feature; the kind's descriptor is in
//! `keys/azure_kv.rs`): the data key is encrypted by a Key Vault RSA key with RSA-OAEP-256,
//! exactly as sops does it.
//!
//! Wrap: Key Vault `encrypt` on `{vault_url}/keys/{name}/{version}` with `RSA-OAEP-256`; the
//! result is stored in `enc` as base64url without padding. Unwrap: `decrypt` with the same key
//! version. The client is the official SDK (`azure_security_keyvault_keys` with `azure_identity`
//! and `azure_core`), driven from a small single-threaded runtime built per call, so files
//! without Azure keys pay nothing.
//!
//! Credentials follow the order of sops's `DefaultAzureCredential`: environment (client secret:
//! `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, authority from
//! `AZURE_AUTHORITY_HOST`), workload identity (`AZURE_FEDERATED_TOKEN_FILE`), managed identity,
//! Azure CLI. `AZURE_TOKEN_CREDENTIALS` narrows the chain (`prod`, `dev`, or one credential
//! name). Requests time out (connect 5 s, whole request 30 s or `SOPS_RS_HTTP_TIMEOUT_SECONDS`);
//! 408, 429, 500, 502, 503 and 504 answers and transport failures are retried twice;
//! `SSL_CERT_FILE` adds trusted roots. The provider's request id is taken from `x-ms-request-id`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::http::headers::HeaderName;
use azure_core::http::{ClientOptions, ExponentialRetryOptions, RetryOptions, Transport};
use azure_identity::{
    AzureCliCredential, ClientSecretCredential, ClientSecretCredentialOptions,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use azure_security_keyvault_keys::models::{
    EncryptionAlgorithm, KeyClientEncryptOptions, KeyOperationParameters,
};
use azure_security_keyvault_keys::{KeyClient, KeyClientOptions};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use crate::keys::{
    KeyContext, KeyError, KeyKind, MasterKey, RequestIdSlot, created_at_value, error_chain as text,
};
use crate::tree::{Map, Timestamp, Value};

/// How many times one request is retried at most.
const MAX_RETRIES: u32 = 2;
/// The connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The connect timeout for the managed identity endpoint, which is absent off Azure.
const IMDS_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The whole-request timeout unless `SOPS_RS_HTTP_TIMEOUT_SECONDS` says otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The header Key Vault puts its request id in.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");

/// A key version in an Azure Key Vault.
pub struct AzureKey {
    vault_url: String,
    name: String,
    version: String,
    last_request_id: RequestIdSlot,
}

/// Why a call failed: no credentials anywhere, or a real failure.
enum CallError {
    NoCredentials(String),
    Failed(KeyError),
}

impl AzureKey {
    /// Parses a key URL as sops takes it on the command line:
    /// `https://myvault.vault.azure.net/keys/keyName/keyVersion`.
    pub fn from_url(url: &str) -> Result<Self, KeyError> {
        let invalid = |reason: &str| KeyError::InvalidKey {
            kind: KeyKind::AzureKeyVault,
            id: url.to_string(),
            reason: format!(
                "{reason} (expected like https://myvault.vault.azure.net/keys/keyName/keyVersion)"
            ),
        };
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| invalid("the Key Vault URL must start with https://"))?;
        let (host, path) = rest
            .split_once('/')
            .ok_or_else(|| invalid("missing /keys/ in the key URL"))?;
        if host.is_empty() {
            return Err(invalid("missing host in the key URL"));
        }
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["keys", name, version] if !name.is_empty() && !version.is_empty() => Ok(
                AzureKey::from_metadata(&format!("https://{host}"), name, version),
            ),
            _ => Err(invalid("the path is not /keys/{name}/{version}")),
        }
    }

    /// A key rebuilt from a metadata entry.
    pub fn from_metadata(vault_url: &str, name: &str, version: &str) -> Self {
        AzureKey {
            vault_url: vault_url.trim_end_matches('/').to_string(),
            name: name.to_string(),
            version: version.to_string(),
            last_request_id: RequestIdSlot::default(),
        }
    }

    /// Runs `encrypt` or `decrypt` with RSA-OAEP-256 and returns the result bytes.
    fn call(
        &self,
        operation: &'static str,
        value: &[u8],
        ctx: &KeyContext,
    ) -> Result<Zeroizing<Vec<u8>>, CallError> {
        let failed = |message: String| CallError::Failed(KeyError::Failed(message));
        let total = ctx.http_timeout(REQUEST_TIMEOUT);
        let options = client_options(ctx, total, CONNECT_TIMEOUT).map_err(failed)?;
        let chain = Arc::new(Chain::new(ctx, &options, total)?);
        let key_options = KeyClientOptions {
            client_options: options,
            // The challenge names the resource to get a token for; a stand-in on this machine
            // cannot be a subdomain of it.
            verify_challenge_resource: Some(!is_loopback(&self.vault_url)),
            ..Default::default()
        };
        let client = KeyClient::new(&self.vault_url, chain.clone(), Some(key_options))
            .map_err(|e| failed(format!("Azure Key Vault {}: {}", self.vault_url, text(&e))))?;
        let parameters = KeyOperationParameters {
            algorithm: Some(EncryptionAlgorithm::RsaOaep256),
            value: Some(value.to_vec()),
            ..Default::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| failed(format!("cannot start the Azure client runtime: {e}")))?;
        let result = runtime.block_on(async {
            let body = parameters.try_into()?;
            if operation == "encrypt" {
                let options = KeyClientEncryptOptions {
                    key_version: Some(self.version.clone()),
                    ..Default::default()
                };
                client.encrypt(&self.name, body, Some(options)).await
            } else {
                client.decrypt(&self.name, &self.version, body, None).await
            }
        });
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                if let Some(reason) = chain.failure() {
                    return Err(if chain.configured {
                        failed(format!(
                            "Azure Key Vault {operation} with {}: authentication failed: {reason}",
                            self.id()
                        ))
                    } else {
                        CallError::NoCredentials(reason)
                    });
                }
                return Err(failed(self.describe(operation, &e)));
            }
        };
        self.last_request_id
            .set(response.headers().get_optional_str(&REQUEST_ID));
        let model = response.into_model().map_err(|e| {
            failed(format!(
                "Azure Key Vault {operation}: cannot read the response: {}",
                text(&e)
            ))
        })?;
        model
            .result
            .filter(|r| !r.is_empty())
            .map(Zeroizing::new)
            .ok_or_else(|| {
                failed(format!(
                    "Azure Key Vault {operation}: the response has no value"
                ))
            })
    }

    /// A message for a failed call: the HTTP status and Key Vault's error, or the transport
    /// failure. Never request content.
    fn describe(&self, operation: &str, e: &azure_core::Error) -> String {
        if let azure_core::error::ErrorKind::HttpResponse {
            status,
            error_code,
            raw_response,
        } = e.kind()
        {
            let mut message = error_code.clone().unwrap_or_default();
            if let Some(raw) = raw_response {
                self.last_request_id
                    .set(raw.headers().get_optional_str(&REQUEST_ID));
                let body: Option<serde_json::Value> =
                    serde_json::from_slice(raw.body().as_ref()).ok();
                if let Some(text) = body
                    .as_ref()
                    .and_then(|b| b.pointer("/error/message"))
                    .and_then(serde_json::Value::as_str)
                {
                    message = if message.is_empty() {
                        text.to_string()
                    } else {
                        format!("{message}: {text}")
                    };
                }
            }
            let code = u16::from(*status);
            let hint = match code {
                401 => {
                    " (check the Azure credentials: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, or az login)"
                }
                403 => {
                    " (the identity needs the keys/encrypt and keys/decrypt permissions on this key)"
                }
                _ => "",
            };
            return format!(
                "Azure Key Vault {operation} with {} failed with HTTP {code}: {message}{hint}",
                self.id()
            );
        }
        let mut what = "request failed";
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(r) = s.downcast_ref::<reqwest::Error>() {
                if r.is_timeout() {
                    what = "timed out";
                } else if r.is_connect() {
                    what = "could not connect";
                }
            }
            source = s.source();
        }
        format!(
            "Azure Key Vault {operation} at {} {what}: {}",
            self.vault_url,
            text(e)
        )
    }
}

fn is_loopback(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    matches!(host, "localhost" | "127.0.0.1" | "[") || host.ends_with(".localhost")
}

/// The SDK's client options over our own HTTP client: timeouts, extra roots, two retries.
fn client_options(
    ctx: &KeyContext,
    total: Duration,
    connect: Duration,
) -> Result<ClientOptions, String> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect.min(total))
        .timeout(total)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if let Some(path) = ctx.var("SSL_CERT_FILE") {
        let pem = crate::bounded::read_file(std::path::Path::new(path), crate::bounded::Kind::Key)
            .map_err(|e| format!("cannot read SSL_CERT_FILE {path}: {e}"))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("SSL_CERT_FILE {path}: {e}"))?;
        builder = builder.tls_certs_merge(certs);
    }
    let http = builder
        .build()
        .map_err(|e| format!("cannot set up the HTTP client for Azure Key Vault: {e}"))?;
    let retry = ExponentialRetryOptions {
        max_retries: MAX_RETRIES,
        initial_delay: azure_core::time::Duration::milliseconds(250),
        max_delay: azure_core::time::Duration::seconds(2),
        // Past the request timeout a slow service is not retried again.
        max_total_elapsed: azure_core::time::Duration::milliseconds(
            i64::try_from(total.as_millis()).unwrap_or(i64::MAX),
        ),
    };
    let options = ClientOptions {
        transport: Some(Transport::new(Arc::new(http))),
        retry: RetryOptions::exponential(retry),
        ..Default::default()
    };
    Ok(options)
}

/// The credential chain of sops's `DefaultAzureCredential`: the first source that gives a
/// token wins.
#[derive(Debug)]
struct Chain {
    sources: Vec<(&'static str, Arc<dyn TokenCredential>)>,
    /// Whether environment or workload identity credentials were given (then a failure is an
    /// error, not "no credentials").
    configured: bool,
    /// Sources that could not even be set up.
    skipped: Vec<String>,
    failure: Mutex<Option<String>>,
}

impl Chain {
    fn new(ctx: &KeyContext, options: &ClientOptions, total: Duration) -> Result<Chain, CallError> {
        let selected = ctx
            .var("AZURE_TOKEN_CREDENTIALS")
            .map(|v| v.trim().to_ascii_lowercase());
        let wanted = |name: &str, prod: bool| match selected.as_deref() {
            None => true,
            Some("prod") => prod,
            Some("dev") => !prod,
            Some(one) => one == name.to_ascii_lowercase(),
        };
        let mut options = options.clone();
        if let Some(host) = ctx.var("AZURE_AUTHORITY_HOST") {
            let mut custom = azure_core::cloud::CustomConfiguration::default();
            custom.authority_host = host.to_string();
            options.cloud = Some(Arc::new(custom.into()));
        }
        let tenant = ctx.var("AZURE_TENANT_ID");
        let client = ctx.var("AZURE_CLIENT_ID");
        let mut chain = Chain {
            sources: Vec::new(),
            configured: false,
            skipped: Vec::new(),
            failure: Mutex::new(None),
        };
        let setup = |e: azure_core::Error| {
            CallError::Failed(KeyError::Failed(format!(
                "cannot set up the Azure credentials: {}",
                text(&e)
            )))
        };
        if wanted("EnvironmentCredential", true) {
            match (tenant, client, ctx.var("AZURE_CLIENT_SECRET")) {
                (Some(tenant), Some(client), Some(secret)) => {
                    let credential = ClientSecretCredential::new(
                        tenant,
                        client.to_string(),
                        secret.to_string().into(),
                        Some(ClientSecretCredentialOptions {
                            client_options: options.clone(),
                        }),
                    )
                    .map_err(setup)?;
                    chain.configured = true;
                    chain.push("EnvironmentCredential", credential);
                }
                _ if ctx.var("AZURE_CLIENT_CERTIFICATE_PATH").is_some() => {
                    chain.skipped.push(
                        "EnvironmentCredential: client certificates are not supported by this build (use a client secret)".into(),
                    );
                }
                _ => chain
                    .skipped
                    .push("EnvironmentCredential: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set".into()),
            }
        }
        if wanted("WorkloadIdentityCredential", true) {
            match (tenant, client, ctx.var("AZURE_FEDERATED_TOKEN_FILE")) {
                (Some(tenant), Some(client), Some(file)) => {
                    let mut workload = WorkloadIdentityCredentialOptions::default();
                    workload.credential_options.client_options = options.clone();
                    workload.tenant_id = Some(tenant.to_string());
                    workload.client_id = Some(client.to_string());
                    workload.token_file_path = Some(file.into());
                    let credential =
                        WorkloadIdentityCredential::new(Some(workload)).map_err(setup)?;
                    chain.configured = true;
                    chain.push("WorkloadIdentityCredential", credential);
                }
                _ => chain.skipped.push(
                    "WorkloadIdentityCredential: AZURE_FEDERATED_TOKEN_FILE is not set".into(),
                ),
            }
        }
        if wanted("ManagedIdentityCredential", true) {
            let managed = ManagedIdentityCredentialOptions {
                user_assigned_id: client.map(|c| UserAssignedId::ClientId(c.to_string())),
                client_options: client_options(ctx, total, IMDS_CONNECT_TIMEOUT)
                    .map_err(|m| CallError::Failed(KeyError::Failed(m)))?,
            };
            match ManagedIdentityCredential::new(Some(managed)) {
                Ok(credential) => chain.push("ManagedIdentityCredential", credential),
                Err(e) => chain
                    .skipped
                    .push(format!("ManagedIdentityCredential: {}", text(&e))),
            }
        }
        if wanted("AzureCLICredential", false) {
            match AzureCliCredential::new(None) {
                Ok(credential) => chain.push("AzureCLICredential", credential),
                Err(e) => chain
                    .skipped
                    .push(format!("AzureCLICredential: {}", text(&e))),
            }
        }
        Ok(chain)
    }

    fn push(&mut self, name: &'static str, credential: Arc<dyn TokenCredential>) {
        self.sources.push((name, credential));
    }

    fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[async_trait::async_trait]
impl TokenCredential for Chain {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let mut errors = self.skipped.clone();
        for (name, credential) in &self.sources {
            match credential.get_token(scopes, options.clone()).await {
                Ok(token) => return Ok(token),
                Err(e) => errors.push(format!("{name}: {}", first_line(&text(&e)))),
            }
        }
        let message = if errors.is_empty() {
            "no credential source is selected by AZURE_TOKEN_CREDENTIALS".to_string()
        } else {
            errors.join("; ")
        };
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.clone());
        Err(azure_core::Error::with_message(
            azure_core::error::ErrorKind::Credential,
            message,
        ))
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}

impl MasterKey for AzureKey {
    fn kind(&self) -> KeyKind {
        KeyKind::AzureKeyVault
    }

    fn id(&self) -> String {
        format!("{}/keys/{}/{}", self.vault_url, self.name, self.version)
    }

    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError> {
        match self.call("encrypt", secret, ctx) {
            Ok(result) => Ok(URL_SAFE_NO_PAD.encode(&*result)),
            Err(CallError::Failed(e)) => Err(e),
            Err(CallError::NoCredentials(reason)) => Err(KeyError::Failed(format!(
                "no Azure credentials for {}: {reason}",
                self.id()
            ))),
        }
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let ciphertext = URL_SAFE_NO_PAD
            .decode(enc.trim().trim_end_matches('='))
            .map_err(|_| {
                KeyError::Failed(format!(
                    "the azure_kv enc of {} is not base64url",
                    self.id()
                ))
            })?;
        match self.call("decrypt", &ciphertext, ctx) {
            Ok(secret) => Ok(Some(secret)),
            Err(CallError::Failed(e)) => Err(e),
            Err(CallError::NoCredentials(_)) => Ok(None),
        }
    }

    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("vault_url", Value::str(&self.vault_url));
        map.push("name", Value::str(&self.name));
        map.push("version", Value::str(&self.version));
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
    fn parses_key_urls_as_sops_does() {
        let key = AzureKey::from_url("https://v.vault.azure.net/keys/sops/0123abcd").unwrap();
        assert_eq!(key.vault_url, "https://v.vault.azure.net");
        assert_eq!(key.name, "sops");
        assert_eq!(key.version, "0123abcd");
        assert_eq!(key.id(), "https://v.vault.azure.net/keys/sops/0123abcd");
        for bad in [
            "http://v.vault.azure.net/keys/sops/1",
            "https://v.vault.azure.net/keys/sops",
            "https://v.vault.azure.net/secrets/sops/1",
            "https://v.vault.azure.net/keys//1",
            "https:///keys/sops/1",
            "v.vault.azure.net/keys/sops/1",
        ] {
            assert!(AzureKey::from_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entries_keep_sops_field_order() {
        let key = AzureKey::from_metadata("https://v.vault.azure.net/", "k", "1");
        let entry = key.entry("abc", None);
        let names: Vec<&str> = entry.entries().map(|(k, _)| k).collect();
        assert_eq!(names, ["vault_url", "name", "version", "created_at", "enc"]);
    }

    #[test]
    fn loopback_hosts_skip_the_challenge_resource_check() {
        assert!(is_loopback("https://127.0.0.1:8443"));
        assert!(is_loopback("https://localhost:8443/"));
        assert!(!is_loopback("https://v.vault.azure.net"));
    }
}
