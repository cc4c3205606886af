//! Master keys: the seam between a file's data key and the services that wrap it.
//!
//! Each key type is one [`MasterKey`] implementation that owns its recipient syntax, its wrap
//! and unwrap, and its own entry in the `sops` metadata. Callers see trait objects only.
//! Credentials come in through [`KeyContext`], built once from the environment by the CLI; no
//! key type reads environment variables itself.

pub mod age;
pub(crate) mod attempt;
pub mod aws_kms;
pub mod azure_kv;
pub mod gcp_kms;
pub mod hckms;
pub mod kind;
pub mod pgp;
pub mod recorded;
pub mod registry;
pub mod run_state;
pub mod vault;

use zeroize::Zeroizing;

use crate::tree::{Map, Timestamp};

pub use self::age::{AgeIdentitySources, AgeKey};
pub use self::attempt::Unwrapped;
pub use self::kind::{KeyKind, KeyOptions, KindDescriptor};
pub use self::registry::{from_entry, from_spec};
pub use self::run_state::{AttemptSettings, RunState};

/// One master key named by a rule, before it is turned into a key object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// The key kind.
    pub kind: KeyKind,
    /// The recipient, fingerprint, ARN, resource id or URL.
    pub id: String,
    /// For AWS KMS: the role to assume.
    pub kms_role: Option<String>,
    /// AWS KMS encryption context, sorted by key.
    pub kms_context: Vec<(String, String)>,
    /// AWS profile.
    pub aws_profile: Option<String>,
}

impl KeySpec {
    /// A key with only a kind and an id.
    pub fn simple(kind: KeyKind, id: &str) -> KeySpec {
        KeySpec {
            kind,
            id: id.to_string(),
            kms_role: None,
            kms_context: Vec::new(),
            aws_profile: None,
        }
    }
}

/// A key operation that failed. Messages name the key, never secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The recipient or key id is malformed.
    #[error("invalid {kind} key {id:?}: {reason}")]
    InvalidKey {
        /// The key type.
        kind: KeyKind,
        /// The recipient or id as given.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// Wrapping or unwrapping failed.
    #[error("{0}")]
    Failed(String),
    /// Unwrapping found no credentials for this key here, with what was looked at (no loaded age
    /// identity matches, no gpg to ask). Like `Ok(None)` from [`MasterKey::unwrap`], the audit
    /// trail records it as `no_credentials`, not as a failure.
    #[error("{0}")]
    NoCredentials(String),
    /// The provider could not be asked or failed on its own side: no connection, no answer in
    /// time, an HTTP 5xx. An outage, not an answer about this key: a key agent may serve a
    /// cached key during one (never after an access-denied answer, which is [`KeyError::Failed`]).
    #[error("{0}")]
    Unavailable(String),
    /// This build cannot use keys of this type yet.
    #[error("{0} keys are not supported by this build of sops-rs yet")]
    Unsupported(KeyKind),
}

/// What happened when a master key was asked to wrap or unwrap (for the audit trail).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KeyEvent {
    /// `wrap` or `unwrap`.
    pub operation: &'static str,
    /// The key type.
    pub kind: KeyKind,
    /// The key's identification string.
    pub id: String,
    /// `success`, `no_credentials` or `failure`.
    pub result: &'static str,
    /// The failure message, if any (never secret material).
    pub error: Option<String>,
    /// The provider's request id, where it returned one.
    pub request_id: Option<String>,
    /// How long the attempt took, the provider's round trip included.
    pub duration: std::time::Duration,
    /// Where the answer came from.
    pub source: KeySource,
    /// The key service that answered, when it was not this process (`unix:///...`,
    /// `tcp://host:port`).
    pub key_service: Option<String>,
}

/// Where the answer to a wrap or unwrap came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// The key's provider (or local key material) was asked.
    Provider,
    /// A key agent's cache answered within its time to live.
    Cache,
    /// A key agent's cache answered after the time to live, while the provider was unreachable.
    CacheStale,
    /// This run unwrapped the same wrapped key before (for another file) and reused the answer;
    /// no provider was asked.
    Memo,
}

impl KeySource {
    /// The name audit records and telemetry use: `provider`, `cache`, `cache_stale` or `memo`.
    pub fn tag(self) -> &'static str {
        match self {
            KeySource::Provider => "provider",
            KeySource::Cache => "cache",
            KeySource::CacheStale => "cache_stale",
            KeySource::Memo => "memo",
        }
    }
}

/// A callback that receives key events.
pub type KeyEventHook = Box<dyn Fn(&KeyEvent) + Send + Sync>;

/// The environment variables that are key credentials or lead straight to one, for every key
/// type sops and sops-rs know (whether or not this build has the backend): a child process that
/// sops-rs starts with one file's secrets (`exec-env`, `exec-file`, the editor of `edit`) gets
/// the file's secrets, not these keys to every other file. Key types read them through
/// [`KeyContext::var`], age's through [`KeyContext::from_environment`]; a variable a key type
/// starts to read that holds or locates a secret belongs here (a unit test keeps the list and
/// the readers in step). General settings that only say where a tool's default configuration
/// is (`HOME`, `GNUPGHOME`, `AWS_PROFILE`, `AWS_CONFIG_FILE`, `CLOUDSDK_CONFIG`) stay.
pub const CREDENTIAL_VARIABLES: &[&str] = &[
    // age
    AGE_KEY_VAR,
    AGE_KEY_FILE_VAR,
    AGE_KEY_CMD_VAR,
    AGE_SSH_KEY_FILE_VAR,
    AGE_SSH_KEY_CMD_VAR,
    // OpenPGP (rPGP secret keys; gpg's keyring is found through GNUPGHOME like any gpg user's)
    "SOPS_RS_PGP_SECRET_KEYS",
    // HashiCorp Vault / OpenBao
    "VAULT_TOKEN",
    // AWS
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    // GCP
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CREDENTIALS",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
    // Azure
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_USERNAME",
    "AZURE_PASSWORD",
    // Huawei Cloud
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
];

/// `SOPS_AGE_KEY`: age identities inline.
const AGE_KEY_VAR: &str = "SOPS_AGE_KEY";
/// `SOPS_AGE_KEY_FILE`: an age identities file.
const AGE_KEY_FILE_VAR: &str = "SOPS_AGE_KEY_FILE";
/// `SOPS_AGE_KEY_CMD`: a command printing age identities.
const AGE_KEY_CMD_VAR: &str = "SOPS_AGE_KEY_CMD";
/// `SOPS_AGE_SSH_PRIVATE_KEY_FILE`: an SSH private key used as an age identity.
const AGE_SSH_KEY_FILE_VAR: &str = "SOPS_AGE_SSH_PRIVATE_KEY_FILE";
/// `SOPS_AGE_SSH_PRIVATE_KEY_CMD`: a command printing an SSH private key used as an age identity.
const AGE_SSH_KEY_CMD_VAR: &str = "SOPS_AGE_SSH_PRIVATE_KEY_CMD";

/// Whether `name` is one of the [`CREDENTIAL_VARIABLES`].
pub fn is_credential_variable(name: &str) -> bool {
    CREDENTIAL_VARIABLES.contains(&name)
}

/// Removes every one of the [`CREDENTIAL_VARIABLES`] from the environment `command` will run
/// with (values it sets afterwards, such as a file's own secrets, still apply).
pub fn withhold_credentials(command: &mut std::process::Command) {
    for name in CREDENTIAL_VARIABLES {
        command.env_remove(name);
    }
}

/// A callback that shows a warning (one line, never secret material) to the user.
pub type WarningHook = Box<dyn Fn(&str) + Send + Sync>;

/// A key service in another process that wraps and unwraps data keys for this one (sops's
/// `--keyservice`): it holds the credentials, this process only names the key.
pub trait RemoteKeyService: Send + Sync {
    /// Its address, as audit records name it (`tcp://host:port`, `unix:///path`).
    fn address(&self) -> &str;

    /// Asks it to wrap `secret` with `key`; the answer is the entry's `enc`.
    fn wrap(&self, key: &dyn MasterKey, secret: &[u8]) -> Result<String, KeyError>;

    /// Asks it to unwrap `enc` with `key`, and where its answer came from (a caching agent says
    /// when it answered from its cache).
    fn unwrap(
        &self,
        key: &dyn MasterKey,
        enc: &str,
    ) -> Result<(Zeroizing<Vec<u8>>, KeySource), KeyError>;
}

/// Where wraps and unwraps are asked, in sops's order: this process first (unless disabled by
/// `--enable-local-keyservice=false`), then each remote key service in the order given.
pub struct KeyServices {
    /// Whether this process uses its own credentials first.
    pub local: bool,
    /// The remote key services, in order.
    pub remote: Vec<Box<dyn RemoteKeyService>>,
}

impl Default for KeyServices {
    fn default() -> KeyServices {
        KeyServices {
            local: true,
            remote: Vec::new(),
        }
    }
}

/// Credentials and settings the key types may use. Built once by the caller.
#[derive(Default)]
pub struct KeyContext {
    /// Where wraps and unwraps are asked: locally, through key services, or both.
    pub key_services: KeyServices,
    /// Where age identities come from.
    pub age: AgeIdentitySources,
    /// The environment as the caller captured it (`VAULT_ADDR`, `GNUPGHOME`, ...). Key types
    /// read settings from here, never from the process environment.
    pub vars: std::collections::HashMap<String, String>,
    /// Called after every wrap and unwrap attempt.
    pub on_event: Option<KeyEventHook>,
    /// Shows warnings, such as a key source that could not be used while others could; without
    /// it warnings are dropped.
    pub on_warning: Option<WarningHook>,
    /// The offline switch and the provider timeout.
    pub attempts: AttemptSettings,
    /// What the run remembers across files: unwrapped keys, dead providers.
    pub run: RunState,
}

impl KeyContext {
    /// A context with these environment variables and nothing else.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> KeyContext {
        KeyContext {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Default::default()
        }
    }

    /// A context from a captured environment: the variables, and the age identity sources sops
    /// reads (`SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY_CMD`,
    /// `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, then `~/.ssh/id_ed25519`, `~/.ssh/id_rsa` and
    /// `$XDG_CONFIG_HOME/sops/age/keys.txt` or `~/.config/sops/age/keys.txt`; on Windows
    /// `%APPDATA%\sops\age\keys.txt`).
    pub fn from_environment(vars: std::collections::HashMap<String, String>) -> KeyContext {
        let mut ctx = KeyContext {
            vars,
            ..Default::default()
        };
        let home = ctx.home_dir();
        let config_dir = ctx.user_config_dir();
        let mut age = AgeIdentitySources::default();
        age.inline_keys = ctx.var(AGE_KEY_VAR).map(|v| Zeroizing::new(v.to_string()));
        age.key_file = ctx.var(AGE_KEY_FILE_VAR).map(Into::into);
        age.key_command = ctx.var(AGE_KEY_CMD_VAR).map(str::to_string);
        age.ssh_key_file = ctx.var(AGE_SSH_KEY_FILE_VAR).map(Into::into);
        age.ssh_key_command = ctx.var(AGE_SSH_KEY_CMD_VAR).map(str::to_string);
        age.default_ssh_keys = home
            .map(|h| {
                vec![
                    h.join(".ssh").join("id_ed25519"),
                    h.join(".ssh").join("id_rsa"),
                ]
            })
            .unwrap_or_default();
        age.default_key_file = config_dir.map(|d| d.join("sops").join("age").join("keys.txt"));
        ctx.age = age;
        ctx
    }

    /// The user's home directory, as Go's os.UserHomeDir finds it: `HOME` (on Windows
    /// `USERPROFILE`).
    pub(crate) fn home_dir(&self) -> Option<std::path::PathBuf> {
        let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        self.var(name).map(std::path::PathBuf::from)
    }

    /// The user's configuration directory, as Go's os.UserConfigDir finds it on Unix and
    /// Windows: `XDG_CONFIG_HOME`, else `~/.config` (on Windows `APPDATA`).
    pub(crate) fn user_config_dir(&self) -> Option<std::path::PathBuf> {
        if cfg!(windows) {
            return self.var("APPDATA").map(std::path::PathBuf::from);
        }
        self.var("XDG_CONFIG_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| self.home_dir().map(|home| home.join(".config")))
    }

    /// Passes a warning to [`KeyContext::on_warning`].
    pub fn warn(&self, message: &str) {
        if let Some(hook) = &self.on_warning {
            hook(message);
        }
    }

    /// A variable from the captured environment, if set and not empty.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The bound on one call to a key service: `SOPS_RS_HTTP_TIMEOUT_SECONDS` (seconds, may be
    /// fractional), else `default`.
    #[cfg(any(feature = "azure", feature = "gcp", feature = "hckms"))]
    pub(crate) fn http_timeout(&self, default: std::time::Duration) -> std::time::Duration {
        self.var("SOPS_RS_HTTP_TIMEOUT_SECONDS")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(std::time::Duration::from_secs_f64)
            .unwrap_or(default)
    }

    /// Reports a key event to the hook, if any.
    pub fn report(&self, event: KeyEvent) {
        if let Some(hook) = &self.on_event {
            hook(&event);
        }
    }
}

/// An error and its causes on one line, each cause once (SDK errors repeat their sources).
#[cfg(any(
    feature = "azure",
    feature = "gcp",
    feature = "aws",
    feature = "vault",
    feature = "hckms"
))]
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !parts.iter().any(|p| p.contains(&part)) {
            parts.push(part);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// A master key: something that can wrap the data key (or a Shamir share of it) for storage in
/// the metadata, and unwrap it again when it has the credentials.
pub trait MasterKey: Send + Sync {
    /// The key type.
    fn kind(&self) -> KeyKind;

    /// The identification string sops uses in messages (recipient, fingerprint, ARN, ...).
    fn id(&self) -> String;

    /// Wraps `secret`; the result goes into the entry's `enc` field.
    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError>;

    /// Unwraps an `enc` value. `Ok(None)` means "no credentials for this key here", which is not
    /// an error in itself: the next key is tried.
    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError>;

    /// This key's metadata entry, fields in the order sops 3.12 writes them.
    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map;

    /// The provider's request id of the last call, where the provider returns one.
    fn last_request_id(&self) -> Option<String> {
        None
    }
}

/// A master key together with its wrapped data key, as stored in a key group.
pub struct KeySlot {
    /// The key.
    pub key: Box<dyn MasterKey>,
    /// The wrapped data key (or share), as stored in `enc`.
    pub enc: String,
    /// When the key was added (`created_at`); age entries have none.
    pub created_at: Option<Timestamp>,
}

/// One key group: every key in it wraps the same secret.
pub type KeyGroup = Vec<KeySlot>;

/// The provider's request id of a key's last call, kept for the audit trail by the network
/// backends ([`MasterKey::last_request_id`]). Each call replaces it; empty ids count as none.
#[cfg_attr(
    not(any(
        feature = "aws",
        feature = "gcp",
        feature = "azure",
        feature = "vault",
        feature = "hckms"
    )),
    allow(dead_code)
)]
#[derive(Default)]
pub(crate) struct RequestIdSlot(std::sync::Mutex<Option<String>>);

#[cfg_attr(
    not(any(
        feature = "aws",
        feature = "gcp",
        feature = "azure",
        feature = "vault",
        feature = "hckms"
    )),
    allow(dead_code)
)]
impl RequestIdSlot {
    pub(crate) fn set(&self, id: Option<&str>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
            id.filter(|id| !id.is_empty()).map(str::to_string);
    }

    pub(crate) fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The `created_at` field of a metadata entry: RFC 3339, or empty when unknown.
#[cfg_attr(
    not(any(
        feature = "pgp",
        feature = "aws",
        feature = "gcp",
        feature = "azure",
        feature = "vault",
        feature = "hckms"
    )),
    allow(dead_code)
)]
pub(crate) fn created_at_value(created_at: Option<&Timestamp>) -> crate::tree::Value {
    crate::tree::Value::str(created_at.map(Timestamp::to_rfc3339).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variables the key types read that are settings, not credentials.
    const SETTINGS: &[&str] = &[
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AZURE_AUTHORITY_HOST",
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "APPDATA",
        "AZURE_TOKEN_CREDENTIALS",
        "CLOUDSDK_CONFIG",
        "GCE_METADATA_HOST",
        "HOME",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "SOPS_GCP_KMS_ENDPOINT",
        "SOPS_GPG_EXEC",
        "SOPS_HC_VAULT_ALLOWLIST",
        "SOPS_RS_HTTP_TIMEOUT_SECONDS",
        "SSL_CERT_FILE",
        "STORAGE_EMULATOR_HOST",
        "USERPROFILE",
        "VAULT_ADDR",
        "VAULT_CACERT",
        "VAULT_NAMESPACE",
        "VAULT_SKIP_VERIFY",
        "XDG_CONFIG_HOME",
    ];

    /// The names in every `var(…)` call with a literal and every `…VAR…` string constant in the
    /// Rust files under `dir`.
    fn variables_read(dir: &std::path::Path, out: &mut Vec<String>) {
        let names =
            regex::Regex::new(r#"var\("([A-Z][A-Z0-9_]*)"\)|VAR\w*: &str = "([A-Z][A-Z0-9_]*)""#)
                .unwrap();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                variables_read(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.extend(names.captures_iter(&text).filter_map(|c| {
                    c.get(1)
                        .or_else(|| c.get(2))
                        .map(|m| m.as_str().to_string())
                }));
            }
        }
    }

    #[test]
    fn every_variable_a_key_type_reads_is_a_credential_or_a_setting() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut read = Vec::new();
        variables_read(&root.join("keys"), &mut read);
        variables_read(&root.join("publish"), &mut read);
        assert!(read.iter().any(|v| v == "VAULT_TOKEN"), "{read:?}");
        assert!(read.iter().any(|v| v == "SOPS_AGE_KEY_FILE"), "{read:?}");
        for name in &read {
            assert!(
                is_credential_variable(name) ^ SETTINGS.contains(&name.as_str()),
                "{name}: add it to CREDENTIAL_VARIABLES if it holds or locates a secret, \
                 else to SETTINGS here"
            );
        }
    }

    #[test]
    fn age_sources_come_from_the_captured_environment() {
        let ctx = KeyContext::from_environment(
            [
                ("HOME", "/home/u"),
                ("SOPS_AGE_KEY_FILE", "/k.txt"),
                ("SOPS_AGE_KEY", ""),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        );
        assert_eq!(ctx.age.key_file.as_deref(), Some("/k.txt".as_ref()));
        assert!(ctx.age.inline_keys.is_none(), "empty means unset");
        assert_eq!(
            ctx.age.default_key_file.as_deref(),
            Some("/home/u/.config/sops/age/keys.txt".as_ref())
        );
        assert_eq!(ctx.age.default_ssh_keys.len(), 2);
    }
}
