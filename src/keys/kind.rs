//! What the rest of the crate knows about one key kind, in one value: [`KindDescriptor`].
//!
//! The metadata layer, the config reader, the command line and the credential hints all read
//! these fields instead of naming kinds, so a kind is added by writing its descriptor (in the
//! kind's own module, built without any cargo feature, with the backend behind the kind's
//! feature) and one line in [`super::registry::KINDS`].

use std::fmt;
use std::hash::{Hash, Hasher};

use super::{KeyError, KeySpec, MasterKey};
use crate::tree::{Map, Scalar, Value};

/// Everything about one key kind except its backend's wrap and unwrap.
pub struct KindDescriptor {
    /// The metadata tag (`kms`, `age`, ...), also its name in `SOPS_DECRYPTION_ORDER`.
    pub tag: &'static str,
    /// A valid key id, for help, docs and the registry's tests.
    pub example_id: &'static str,
    /// The cargo feature that builds its backend (`None`: always built).
    pub feature: Option<&'static str>,
    /// Where its entries go in the written `sops` block.
    pub wire: WireLayout,
    /// Whether its metadata entries carry `created_at` (all but age).
    pub created_at: bool,
    /// Shown when a file could not be opened and this kind's key had no credentials here.
    pub no_credentials_hint: &'static str,
    /// How `.sops.yaml` names its keys.
    pub config: ConfigSyntax,
    /// Its encryption flag and its `rotate` flags.
    pub flags: FlagNames,
    /// A key for an id given on the command line or in a creation rule's list, with the
    /// settings that apply to this kind taken from `options`.
    pub spec_from_id: fn(&str, &KeyOptions) -> KeySpec,
    /// The metadata entry sops writes for a key given as `spec`, with an empty `enc` and
    /// `created_at`: what a build without the backend keeps (see
    /// [`RecordedKey`](super::recorded::RecordedKey)).
    pub spec_entry: fn(&KeySpec) -> Map,
    /// The identification string of a metadata entry, as the backend's `id()` gives it.
    pub entry_id: fn(&Map) -> String,
    /// The backend, when this build has it.
    pub backend: Option<Backend>,
}

/// The constructors of a kind's [`MasterKey`].
pub struct Backend {
    /// A key object for a metadata entry (its `enc` and `created_at` are read by the caller).
    pub from_entry: fn(&Map) -> Box<dyn MasterKey>,
    /// A key object for a key named on the command line or in the config.
    pub from_spec: fn(&KeySpec) -> Result<Box<dyn MasterKey>, KeyError>,
}

/// A kind's place in the `sops` block (sops 3.12's Go struct order).
#[derive(Clone, Copy, Debug)]
pub struct WireLayout {
    /// The order lists are written in, inside a key group and at the top level.
    pub write_rank: u8,
    /// The order a read group keeps its keys in, which is the order they are tried when
    /// `SOPS_DECRYPTION_ORDER` does not rank them.
    pub read_rank: u8,
    /// Written inside a key group even when empty (`[]` in YAML, `null` in JSON).
    pub in_group_when_empty: bool,
    /// At the top level, written after `lastmodified` and `mac` (pgp) instead of before.
    pub top_level_after_mac: bool,
}

/// How a creation rule names a kind's keys.
pub struct ConfigSyntax {
    /// The field of a creation rule without `key_groups` (`age`, `azure_keyvault`, ...): a
    /// comma-separated string or a list of strings.
    pub rule_field: &'static str,
    /// The field inside a `key_groups` entry.
    pub group_field: &'static str,
    /// What that field holds.
    pub group_entries: GroupEntries,
    /// One item of that field naming [`KindDescriptor::example_id`], as YAML (for tests).
    pub group_example: &'static str,
}

/// The shape of a kind's field inside a `key_groups` entry.
pub enum GroupEntries {
    /// Key ids as strings, like the creation rule's field (`age`, `pgp`, `hc_vault`).
    Ids,
    /// A list of mappings, each read into one key (`kms`, `gcp_kms`, `azure_keyvault`,
    /// `hckms`).
    Entries(fn(&Map) -> Result<KeySpec, EntryError>),
}

/// A `key_groups` entry that does not read: which field (empty: the entry) and why.
#[derive(Debug, PartialEq, Eq)]
pub struct EntryError {
    /// The field, relative to the entry (`arn`, `context.Env`), or empty for the entry.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl EntryError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> EntryError {
        EntryError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A kind's command-line names.
pub struct FlagNames {
    /// The encryption flag (`age`, `gcp-kms`), without dashes.
    pub long: &'static str,
    /// Its short form, if any.
    pub short: Option<char>,
    /// The environment variable it falls back to.
    pub env: &'static str,
    /// Its value name in help (`RECIPIENTS`).
    pub value_name: &'static str,
    /// Its help line.
    pub help: &'static str,
    /// `rotate`'s flag adding keys (`add-age`).
    pub add: &'static str,
    /// Its help line.
    pub add_help: &'static str,
    /// `rotate`'s flag removing keys (`rm-age`).
    pub remove: &'static str,
    /// Its help line.
    pub remove_help: &'static str,
}

/// Settings the command line or a creation rule gives every key it names; a kind uses what
/// applies to it (today AWS KMS: `--aws-profile`, `--encryption-context`, `aws_profile`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyOptions {
    /// The AWS profile.
    pub aws_profile: Option<String>,
    /// The AWS KMS encryption context, sorted by key.
    pub kms_context: Vec<(String, String)>,
}

/// A key kind: a handle on its [`KindDescriptor`] in the registry. Two kinds are equal when
/// their tags are.
#[derive(Clone, Copy)]
pub struct KeyKind(&'static KindDescriptor);

impl KeyKind {
    /// The kind described by `descriptor`.
    pub const fn of(descriptor: &'static KindDescriptor) -> KeyKind {
        KeyKind(descriptor)
    }

    /// Everything known about the kind.
    pub fn descriptor(self) -> &'static KindDescriptor {
        self.0
    }

    /// The metadata tag, also the name in `SOPS_DECRYPTION_ORDER`.
    pub fn tag(self) -> &'static str {
        self.0.tag
    }

    /// The kind for a metadata tag.
    pub fn from_tag(tag: &str) -> Option<KeyKind> {
        super::registry::all().find(|kind| kind.tag() == tag)
    }

    /// A key for the id `id` (command line, config), with the settings `options` gives.
    pub fn spec(self, id: &str, options: &KeyOptions) -> KeySpec {
        (self.0.spec_from_id)(id, options)
    }
}

impl PartialEq for KeyKind {
    fn eq(&self, other: &KeyKind) -> bool {
        self.0.tag == other.0.tag
    }
}

impl Eq for KeyKind {}

impl Hash for KeyKind {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.tag.hash(state);
    }
}

impl fmt::Debug for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyKind({})", self.0.tag)
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.tag)
    }
}

/// A string field of a metadata entry, or `""`.
pub fn entry_field<'a>(entry: &'a Map, name: &str) -> &'a str {
    match entry.get(name) {
        Some(Value::Scalar(Scalar::Str(s))) => s.as_str(),
        _ => "",
    }
}

/// A metadata entry with these string fields, in this order.
pub fn entry_of(fields: &[(&str, &str)]) -> Map {
    let mut map = Map::default();
    for (key, value) in fields {
        map.push(*key, Value::str(*value));
    }
    map
}

/// A text field of a `key_groups` entry as the config reads text: a string, number or
/// boolean; `None` when absent or null.
pub fn config_text(entry: &Map, field: &str) -> Result<Option<String>, EntryError> {
    match entry.get(field) {
        None | Some(Value::Scalar(Scalar::Null)) => Ok(None),
        Some(Value::Scalar(Scalar::Str(s))) => Ok(Some(s.clone())),
        Some(Value::Scalar(Scalar::Int(i))) => Ok(Some(i.to_string())),
        Some(Value::Scalar(Scalar::Bool(b))) => Ok(Some(b.to_string())),
        Some(_) => Err(EntryError::new(field, "expected a string")),
    }
}

/// A required text field of a `key_groups` entry.
pub fn config_required(entry: &Map, field: &str) -> Result<String, EntryError> {
    config_text(entry, field)?.ok_or_else(|| EntryError::new(field, "missing"))
}
