//! A master key as the protocol names it ([`proto::Key`]) and back. Both directions go through
//! the key's metadata entry (`entry()`, `registry::from_entry`), whose fields the protocol's
//! messages mirror, so a key named remotely is the key a file's metadata would name.

use super::proto::{self, key::KeyType};
use crate::keys::kind::entry_field;
use crate::keys::{KeyKind, MasterKey, registry};
use crate::tree::{Map, Scalar, Value};

/// The protocol's name for `key`; `None` for a kind the protocol has no message for.
pub fn to_message(key: &dyn MasterKey) -> Option<proto::Key> {
    let entry = key.entry("", None);
    let field = |name: &str| entry_field(&entry, name).to_string();
    let key_type = match key.kind().tag() {
        "age" => KeyType::AgeKey(proto::AgeKey {
            recipient: field("recipient"),
        }),
        "pgp" => KeyType::PgpKey(proto::PgpKey {
            fingerprint: field("fp"),
        }),
        "kms" => KeyType::KmsKey(proto::KmsKey {
            arn: field("arn"),
            role: field("role"),
            context: match entry.get("context") {
                Some(Value::Map(context)) => context
                    .entries()
                    .filter_map(|(name, value)| match value {
                        Value::Scalar(Scalar::Str(s)) => Some((name.to_string(), s.clone())),
                        _ => None,
                    })
                    .collect(),
                _ => Default::default(),
            },
            aws_profile: field("aws_profile"),
        }),
        "gcp_kms" => KeyType::GcpKmsKey(proto::GcpKmsKey {
            resource_id: field("resource_id"),
        }),
        "azure_kv" => KeyType::AzureKeyvaultKey(proto::AzureKeyVaultKey {
            vault_url: field("vault_url"),
            name: field("name"),
            version: field("version"),
        }),
        "hc_vault" => KeyType::VaultKey(proto::VaultKey {
            vault_address: field("vault_address"),
            engine_path: field("engine_path"),
            key_name: field("key_name"),
        }),
        "hckms" => KeyType::HckmsKey(proto::HckmsKey {
            key_id: field("key_id"),
        }),
        _ => return None,
    };
    Some(proto::Key {
        key_type: Some(key_type),
    })
}

/// The key a request names, built as a file's metadata entry would build it; the error says
/// what is missing (for the gRPC status).
pub fn from_message(key: Option<proto::Key>) -> Result<Box<dyn MasterKey>, String> {
    let key_type = key
        .and_then(|k| k.key_type)
        .ok_or_else(|| "the request names no key".to_string())?;
    let text = |fields: &[(&str, &str)]| {
        let mut entry = Map::default();
        for (name, value) in fields {
            entry.push(*name, Value::str(*value));
        }
        entry
    };
    let (tag, entry) = match &key_type {
        KeyType::AgeKey(k) => ("age", text(&[("recipient", &k.recipient)])),
        KeyType::PgpKey(k) => ("pgp", text(&[("fp", &k.fingerprint)])),
        KeyType::KmsKey(k) => {
            let mut entry = text(&[("arn", &k.arn), ("role", &k.role)]);
            let mut context: Vec<(&String, &String)> = k.context.iter().collect();
            context.sort();
            let mut map = Map::default();
            for (name, value) in context {
                map.push(name.as_str(), Value::str(value.as_str()));
            }
            entry.push("context", Value::Map(map));
            entry.push("aws_profile", Value::str(k.aws_profile.as_str()));
            ("kms", entry)
        }
        KeyType::GcpKmsKey(k) => ("gcp_kms", text(&[("resource_id", &k.resource_id)])),
        KeyType::AzureKeyvaultKey(k) => (
            "azure_kv",
            text(&[
                ("vault_url", &k.vault_url),
                ("name", &k.name),
                ("version", &k.version),
            ]),
        ),
        KeyType::VaultKey(k) => (
            "hc_vault",
            text(&[
                ("vault_address", &k.vault_address),
                ("engine_path", &k.engine_path),
                ("key_name", &k.key_name),
            ]),
        ),
        KeyType::HckmsKey(k) => ("hckms", text(&[("key_id", &k.key_id)])),
    };
    let kind = KeyKind::from_tag(tag).ok_or_else(|| format!("unknown key kind {tag}"))?;
    Ok(registry::from_entry(kind, &entry))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::registry::{NO_OPTIONS, all, from_spec};

    /// Every kind's example key goes into a message and comes back as the same key.
    #[test]
    fn every_kind_goes_through_a_message_and_back() {
        for kind in all() {
            let spec = kind.spec(kind.descriptor().example_id, &NO_OPTIONS);
            let key = from_spec(&spec).unwrap();
            let message = to_message(key.as_ref()).unwrap_or_else(|| panic!("{kind}"));
            let back = from_message(Some(message)).unwrap();
            assert_eq!(back.kind(), kind);
            assert_eq!(back.id(), key.id(), "{kind}");
            assert_eq!(back.entry("e", None), key.entry("e", None), "{kind}");
        }
    }

    #[test]
    fn kms_context_role_and_profile_travel() {
        let options = crate::keys::KeyOptions {
            aws_profile: Some("ci".into()),
            kms_context: vec![("env".into(), "prod".into()), ("app".into(), "x".into())],
        };
        let spec = KeyKind::AwsKms.spec(
            "arn:aws:kms:us-east-1:111122223333:key/k+arn:aws:iam::111122223333:role/r",
            &options,
        );
        let key = from_spec(&spec).unwrap();
        let Some(KeyType::KmsKey(kms)) = to_message(key.as_ref()).unwrap().key_type else {
            panic!("a KMS message");
        };
        assert_eq!(kms.arn, "arn:aws:kms:us-east-1:111122223333:key/k");
        assert_eq!(kms.role, "arn:aws:iam::111122223333:role/r");
        assert_eq!(kms.aws_profile, "ci");
        assert_eq!(kms.context.get("env").map(String::as_str), Some("prod"));
        assert_eq!(kms.context.len(), 2);
    }

    #[test]
    fn a_request_without_a_key_is_refused() {
        assert!(from_message(None).is_err());
        assert!(from_message(Some(proto::Key { key_type: None })).is_err());
    }
}
