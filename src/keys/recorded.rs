//! Metadata entries of key types this build cannot use (yet): kept verbatim so that a file
//! which also has usable keys still decrypts, and is rewritten with these entries untouched.

use zeroize::Zeroizing;

use super::{KeyContext, KeyError, KeyKind, MasterKey};
use crate::tree::{Map, MapItem, Scalar, Timestamp, Value};

/// An entry of a key type without a backend in this build.
pub struct RecordedKey {
    kind: KeyKind,
    fields: Map,
}

impl RecordedKey {
    /// Keeps an entry as read from the metadata (`enc` and `created_at` included).
    pub fn new(kind: KeyKind, fields: Map) -> Self {
        RecordedKey { kind, fields }
    }

    fn field(&self, name: &str) -> Option<&str> {
        match self.fields.get(name) {
            Some(Value::Scalar(Scalar::Str(s))) => Some(s),
            _ => None,
        }
    }
}

impl MasterKey for RecordedKey {
    fn kind(&self) -> KeyKind {
        self.kind
    }

    fn id(&self) -> String {
        let field = |name| self.field(name).unwrap_or_default().to_string();
        match self.kind {
            KeyKind::Pgp => field("fp"),
            KeyKind::AwsKms => field("arn"),
            KeyKind::GcpKms => field("resource_id"),
            KeyKind::AzureKeyVault => {
                format!(
                    "{}/keys/{}/{}",
                    field("vault_url"),
                    field("name"),
                    field("version")
                )
            }
            KeyKind::HcVault => format!(
                "{}/v1/{}/keys/{}",
                field("vault_address"),
                field("engine_path"),
                field("key_name")
            ),
            KeyKind::Age => field("recipient"),
        }
    }

    fn wrap(&self, _secret: &[u8], _ctx: &KeyContext) -> Result<String, KeyError> {
        Err(KeyError::Unsupported(self.kind))
    }

    fn unwrap(
        &self,
        _enc: &str,
        _ctx: &KeyContext,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        Err(KeyError::Unsupported(self.kind))
    }

    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = self.fields.clone();
        for item in &mut map.items {
            if let MapItem::Entry { key, value } = item {
                match key.as_str() {
                    "enc" => *value = Value::str(enc),
                    "created_at" => {
                        if let Some(at) = created_at {
                            *value = Value::str(at.to_rfc3339());
                        }
                    }
                    _ => {}
                }
            }
        }
        map
    }
}
