//! Master keys: the seam between a file's data key and the services that wrap it.
//!
//! Each key type is one [`MasterKey`] implementation that owns its recipient syntax, its wrap
//! and unwrap, and its own entry in the `sops` metadata. Callers see trait objects only.
//! Credentials come in through [`KeyContext`], built once from the environment by the CLI; no
//! key type reads environment variables itself.

pub mod age;
pub mod recorded;

use std::fmt;

use zeroize::Zeroizing;

use crate::tree::{Map, Timestamp};

pub use self::age::{AgeIdentitySources, AgeKey};

/// The key types sops knows, by their metadata tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// age (`age`).
    Age,
    /// OpenPGP (`pgp`).
    Pgp,
    /// AWS KMS (`kms`).
    AwsKms,
    /// GCP KMS (`gcp_kms`).
    GcpKms,
    /// Azure Key Vault (`azure_kv`).
    AzureKeyVault,
    /// HashiCorp Vault Transit (`hc_vault`).
    HcVault,
}

impl KeyKind {
    /// Every kind, in the order sops keeps keys inside a group (kms, gcp_kms, azure_kv,
    /// hc_vault, pgp, age).
    pub const GROUP_ORDER: [KeyKind; 6] = [
        KeyKind::AwsKms,
        KeyKind::GcpKms,
        KeyKind::AzureKeyVault,
        KeyKind::HcVault,
        KeyKind::Pgp,
        KeyKind::Age,
    ];

    /// The metadata tag, also the name in `SOPS_DECRYPTION_ORDER`.
    pub fn tag(self) -> &'static str {
        match self {
            KeyKind::Age => "age",
            KeyKind::Pgp => "pgp",
            KeyKind::AwsKms => "kms",
            KeyKind::GcpKms => "gcp_kms",
            KeyKind::AzureKeyVault => "azure_kv",
            KeyKind::HcVault => "hc_vault",
        }
    }

    /// The kind for a metadata tag.
    pub fn from_tag(tag: &str) -> Option<KeyKind> {
        Self::GROUP_ORDER.into_iter().find(|kind| kind.tag() == tag)
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A key operation that failed. Messages name the key, never secret material.
#[derive(Debug, thiserror::Error)]
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
    /// This build cannot use keys of this type yet.
    #[error("{0} keys are not supported by this build of sops-rs yet")]
    Unsupported(KeyKind),
}

/// Credentials and settings the key types may use. Built once by the caller.
#[derive(Default)]
pub struct KeyContext {
    /// Where age identities come from.
    pub age: AgeIdentitySources,
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
