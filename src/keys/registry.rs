//! The one list of key types: builds key objects from metadata entries and from key specs
//! (command line and config). A type without a backend in this build is kept as a
//! [`RecordedKey`], whose wrap and unwrap say so plainly.

use super::recorded::RecordedKey;
use super::{AgeKey, KeyError, KeyKind, KeySpec, MasterKey};
use crate::tree::{Map, Value};

/// A key object for a metadata entry of `kind` (the entry's `enc` and `created_at` are read by
/// the caller).
pub fn from_entry(kind: KeyKind, entry: &Map) -> Box<dyn MasterKey> {
    match kind {
        KeyKind::Age => {
            let recipient = match entry.get("recipient") {
                Some(Value::Scalar(crate::tree::Scalar::Str(r))) => r.as_str(),
                _ => "",
            };
            Box::new(AgeKey::from_metadata(recipient))
        }
        #[cfg(feature = "pgp")]
        KeyKind::Pgp => Box::new(super::pgp::PgpKey::from_metadata(field(entry, "fp"))),
        #[cfg(feature = "gcp")]
        KeyKind::GcpKms => Box::new(super::gcp_kms::GcpKmsKey::from_metadata(field(
            entry,
            "resource_id",
        ))),
        #[cfg(feature = "azure")]
        KeyKind::AzureKeyVault => Box::new(super::azure_kv::AzureKey::from_metadata(
            field(entry, "vault_url"),
            field(entry, "name"),
            field(entry, "version"),
        )),
        #[cfg(feature = "vault")]
        KeyKind::HcVault => Box::new(super::vault::VaultKey::from_metadata(
            field(entry, "vault_address"),
            field(entry, "engine_path"),
            field(entry, "key_name"),
        )),
        #[cfg(feature = "aws")]
        KeyKind::AwsKms => Box::new(super::aws_kms::AwsKmsKey::from_metadata(entry)),
        // Reached for a key type whose backend feature is off in this build.
        #[allow(unreachable_patterns)]
        other => Box::new(RecordedKey::new(other, entry.clone())),
    }
}

#[cfg(any(feature = "pgp", feature = "gcp", feature = "vault", feature = "azure"))]
fn field<'a>(entry: &'a Map, name: &str) -> &'a str {
    match entry.get(name) {
        Some(Value::Scalar(crate::tree::Scalar::Str(s))) => s.as_str(),
        _ => "",
    }
}

// Used by the recorded-key fallbacks when a backend feature is off.
#[allow(dead_code)]
fn entry(fields: &[(&str, &str)]) -> Map {
    let mut map = Map::default();
    for (key, value) in fields {
        map.push(*key, Value::str(*value));
    }
    map
}

/// A key object for a key named on the command line or in the config.
pub fn from_spec(spec: &KeySpec) -> Result<Box<dyn MasterKey>, KeyError> {
    let kind = KeyKind::from_tag(spec.kind).ok_or_else(|| KeyError::InvalidKey {
        kind: KeyKind::Age,
        id: spec.id.clone(),
        reason: format!("unknown key type {}", spec.kind),
    })?;
    let id = spec.id.as_str();
    Ok(match kind {
        KeyKind::Age => Box::new(AgeKey::new(id)?),
        #[cfg(feature = "pgp")]
        KeyKind::Pgp => Box::new(super::pgp::PgpKey::new(id)?),
        #[cfg(not(feature = "pgp"))]
        KeyKind::Pgp => Box::new(RecordedKey::new(
            kind,
            entry(&[("created_at", ""), ("enc", ""), ("fp", id)]),
        )),
        #[cfg(feature = "aws")]
        KeyKind::AwsKms => Box::new(super::aws_kms::AwsKmsKey::from_spec(spec)?),
        #[cfg(not(feature = "aws"))]
        KeyKind::AwsKms => Box::new(RecordedKey::new(
            kind,
            entry(&[
                ("arn", id),
                ("created_at", ""),
                ("enc", ""),
                ("aws_profile", spec.aws_profile.as_deref().unwrap_or("")),
            ]),
        )),
        #[cfg(feature = "gcp")]
        KeyKind::GcpKms => Box::new(super::gcp_kms::GcpKmsKey::new(id)?),
        #[cfg(not(feature = "gcp"))]
        KeyKind::GcpKms => Box::new(RecordedKey::new(
            kind,
            entry(&[("resource_id", id), ("created_at", ""), ("enc", "")]),
        )),
        #[cfg(feature = "azure")]
        KeyKind::AzureKeyVault => Box::new(super::azure_kv::AzureKey::from_url(id)?),
        #[cfg(not(feature = "azure"))]
        KeyKind::AzureKeyVault => {
            let (url, rest) = id.split_once("/keys/").unwrap_or((id, ""));
            let (name, version) = rest.split_once('/').unwrap_or((rest, ""));
            Box::new(RecordedKey::new(
                kind,
                entry(&[
                    ("vault_url", url),
                    ("name", name),
                    ("version", version),
                    ("created_at", ""),
                    ("enc", ""),
                ]),
            ))
        }
        #[cfg(feature = "vault")]
        KeyKind::HcVault => Box::new(super::vault::VaultKey::from_uri(id)?),
        #[cfg(not(feature = "vault"))]
        KeyKind::HcVault => {
            let (address, path) = id.split_once("/v1/").unwrap_or((id, ""));
            let (engine, key) = path.rsplit_once("/keys/").unwrap_or((path, ""));
            Box::new(RecordedKey::new(
                kind,
                entry(&[
                    ("vault_address", address),
                    ("engine_path", engine),
                    ("key_name", key),
                    ("created_at", ""),
                    ("enc", ""),
                ]),
            ))
        }
    })
}
