//! Metadata entries of key types this build cannot use (yet): kept verbatim so that a file
//! which also has usable keys still decrypts, and is rewritten with these entries untouched.

use zeroize::Zeroizing;

use super::{KeyContext, KeyError, KeyKind, MasterKey};
use crate::tree::{Map, MapItem, Timestamp, Value};

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
}

impl MasterKey for RecordedKey {
    fn kind(&self) -> KeyKind {
        self.kind
    }

    fn id(&self) -> String {
        (self.kind.descriptor().entry_id)(&self.fields)
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
