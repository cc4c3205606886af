//! The on-disk `sops` block, read and written exactly as sops 3.12 does.
//!
//! Written field order is the order of sops's Go struct (not alphabetical): `shamir_threshold`,
//! `key_groups` (only with several groups), the top-level key lists (only with one group, each
//! omitted when empty), `lastmodified`, `mac`, `pgp`, the selection rule, `mac_only_encrypted`,
//! `version`. Reading accepts every layout sops has written: empty lists and nulls, any key
//! order, strings for numbers and booleans (INI and dotenv), unknown fields.
//!
//! One detail depends on the format: inside a key group, sops never omits `hc_vault` and `age`,
//! and an empty one is Go's nil slice, which its JSON encoder writes as `null` and its YAML
//! encoder as `[]`.

use super::Metadata;
use crate::formats::Format;
use crate::keys::{KeyGroup, KeyKind, KeySlot, registry};
use crate::selection::{RULE_FIELDS, Rule};

use crate::tree::{ListItem, Map, MapItem, Scalar, Timestamp, Value};

/// The metadata block is missing or malformed. Never holds a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid sops metadata: {0}")]
pub struct WireError(pub String);

fn err<T>(message: impl Into<String>) -> Result<T, WireError> {
    Err(WireError(message.into()))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Scalar(Scalar::Str(s)) => Some(s.clone()),
        Value::Scalar(Scalar::Int(i)) => Some(i.to_string()),
        Value::Scalar(Scalar::Float(f)) => Some(crate::tree::number::format_f(*f)),
        Value::Scalar(Scalar::Bool(b)) => Some(b.to_string()),
        Value::Scalar(Scalar::Time(t)) => Some(t.to_rfc3339_nano()),
        _ => None,
    }
}

fn text_field(map: &Map, name: &str) -> Result<String, WireError> {
    match map.get(name) {
        None | Some(Value::Scalar(Scalar::Null)) => Ok(String::new()),
        Some(value) => {
            scalar_text(value).ok_or_else(|| WireError(format!("{name} is not a string")))
        }
    }
}

fn timestamp_field(map: &Map, name: &str) -> Result<Timestamp, WireError> {
    let text = text_field(map, name)?;
    match map.get(name) {
        Some(Value::Scalar(Scalar::Time(t))) => Ok(*t),
        _ => Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| WireError(format!("{name} is not an RFC 3339 timestamp"))),
    }
}

fn list_field<'a>(map: &'a Map, name: &str) -> Result<Vec<&'a Value>, WireError> {
    match map.get(name) {
        None | Some(Value::Scalar(Scalar::Null)) => Ok(Vec::new()),
        Some(Value::List(items)) => Ok(items
            .iter()
            .filter_map(|item| match item {
                ListItem::Value(v) => Some(v),
                ListItem::Comment(_) => None,
            })
            .collect()),
        Some(_) => err(format!("{name} is not a list")),
    }
}

fn read_group(map: &Map, where_: &str) -> Result<KeyGroup, WireError> {
    let mut group = KeyGroup::new();
    for kind in registry::sorted_by(|wire| wire.read_rank) {
        for (index, entry) in list_field(map, kind.tag())?.into_iter().enumerate() {
            let Value::Map(entry) = entry else {
                return err(format!("{where_}{}[{index}] is not a mapping", kind.tag()));
            };
            group.push(read_slot(kind, entry).map_err(|WireError(m)| {
                WireError(format!("{where_}{}[{index}]: {m}", kind.tag()))
            })?);
        }
    }
    Ok(group)
}

fn read_slot(kind: KeyKind, entry: &Map) -> Result<KeySlot, WireError> {
    let enc = text_field(entry, "enc")?;
    let created_at = match kind.descriptor().created_at {
        false => None,
        true => Some(timestamp_field(entry, "created_at")?),
    };
    let key = crate::keys::from_entry(kind, entry);
    Ok(KeySlot {
        key,
        enc,
        created_at,
    })
}

/// Reads the value stored under `sops`.
pub fn from_value(value: &Value) -> Result<Metadata, WireError> {
    let Value::Map(map) = value else {
        return err("the sops entry is not a mapping");
    };
    let last_modified = timestamp_field(map, "lastmodified")?;
    let top_group = read_group(map, "")?;
    let key_groups = if !top_group.is_empty() {
        vec![top_group]
    } else {
        let mut groups = Vec::new();
        for (index, group) in list_field(map, "key_groups")?.into_iter().enumerate() {
            let Value::Map(group) = group else {
                return err(format!("key_groups[{index}] is not a mapping"));
            };
            groups.push(read_group(group, &format!("key_groups[{index}]."))?);
        }
        groups
    };
    if key_groups.is_empty() {
        return err("no keys found in file");
    }
    let shamir_threshold = match text_field(map, "shamir_threshold")?.as_str() {
        "" => 0,
        text => text
            .parse()
            .map_err(|_| WireError("shamir_threshold is not a number".into()))?,
    };
    let mac_only_encrypted = match text_field(map, "mac_only_encrypted")?.as_str() {
        "" | "false" | "False" | "FALSE" | "0" => false,
        "true" | "True" | "TRUE" | "1" => true,
        _ => return err("mac_only_encrypted is not a boolean"),
    };
    let rule_texts: Vec<String> = RULE_FIELDS
        .iter()
        .map(|field| text_field(map, field))
        .collect::<Result<_, _>>()?;
    let pairs: Vec<(&'static str, &str)> = RULE_FIELDS
        .iter()
        .copied()
        .zip(rule_texts.iter().map(String::as_str))
        .collect();
    let rule = Rule::from_fields(&pairs).map_err(|e| WireError(e.to_string()))?;
    Ok(Metadata {
        key_groups,
        shamir_threshold,
        last_modified,
        mac: text_field(map, "mac")?,
        rule,
        mac_only_encrypted,
        version: text_field(map, "version")?,
    })
}

fn key_list(group: &KeyGroup, kind: KeyKind) -> Vec<ListItem> {
    group
        .iter()
        .filter(|slot| slot.key.kind() == kind)
        .map(|slot| {
            ListItem::Value(Value::Map(
                slot.key.entry(&slot.enc, slot.created_at.as_ref()),
            ))
        })
        .collect()
}

/// A group's list that sops writes even when it is empty (`hc_vault`, `age`).
fn unomitted_list(items: Vec<ListItem>, format: Format) -> Value {
    if items.is_empty() && format == Format::Json {
        Value::Scalar(Scalar::Null)
    } else {
        Value::List(items)
    }
}

/// Builds the value to store under `sops` in a file of `format` (the binary store's envelope
/// is JSON).
pub fn to_value(metadata: &Metadata, format: Format) -> Value {
    let mut map = Map::default();
    if metadata.shamir_threshold != 0 {
        map.push(
            "shamir_threshold",
            Value::Scalar(Scalar::Int(metadata.shamir_threshold as i64)),
        );
    }
    let written = registry::sorted_by(|wire| wire.write_rank);
    let single = metadata.key_groups.len() == 1;
    if !single {
        let groups = metadata
            .key_groups
            .iter()
            .map(|group| {
                let mut entry = Map::default();
                for kind in &written {
                    let list = key_list(group, *kind);
                    if kind.descriptor().wire.in_group_when_empty {
                        entry.push(kind.tag(), unomitted_list(list, format));
                    } else if !list.is_empty() {
                        entry.push(kind.tag(), Value::List(list));
                    }
                }
                ListItem::Value(Value::Map(entry))
            })
            .collect();
        map.push("key_groups", Value::List(groups));
    }
    let empty = KeyGroup::new();
    let top = if single {
        &metadata.key_groups[0]
    } else {
        &empty
    };
    let push_top = |map: &mut Map, after_mac: bool| {
        for kind in written
            .iter()
            .filter(|kind| kind.descriptor().wire.top_level_after_mac == after_mac)
        {
            let list = key_list(top, *kind);
            if !list.is_empty() {
                map.push(kind.tag(), Value::List(list));
            }
        }
    };
    push_top(&mut map, false);
    map.push(
        "lastmodified",
        Value::str(metadata.last_modified.to_rfc3339()),
    );
    map.push("mac", Value::str(&metadata.mac));
    push_top(&mut map, true);
    if let Some(rule) = &metadata.rule {
        let (field, text) = rule.field();
        map.push(field, Value::str(text));
    }
    if metadata.mac_only_encrypted {
        map.push("mac_only_encrypted", Value::Scalar(Scalar::Bool(true)));
    }
    map.push("version", Value::str(&metadata.version));
    Value::Map(map)
}

/// Removes the `sops` entry from every document and returns the first document's. Errors when
/// the first document has two.
pub fn take_metadata(documents: &mut [Map]) -> Result<Option<Value>, WireError> {
    let mut first = None;
    for (index, document) in documents.iter_mut().enumerate() {
        let mut found = document.remove_all(crate::formats::SOPS_KEY);
        if index == 0 {
            if found.len() > 1 {
                return err("found duplicate sops entry");
            }
            first = found.pop();
        }
    }
    Ok(first)
}

/// Appends the `sops` entry as the last item of every document.
pub fn put_metadata(documents: &mut [Map], value: &Value) {
    for document in documents {
        document.items.push(MapItem::Entry {
            key: crate::formats::SOPS_KEY.to_string(),
            value: value.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_GROUPS: &str = "sops:\n  shamir_threshold: 2\n  key_groups:\n    - pgp:\n        - fp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n          created_at: \"2026-01-01T00:00:00Z\"\n          enc: x\n    - age:\n        - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n          enc: y\n  lastmodified: \"2026-01-01T00:00:00Z\"\n  mac: m\n  version: 3.12.2\n";

    fn group_entries(format: Format) -> Vec<Map> {
        let mut tree = Format::Yaml.parse(TWO_GROUPS.as_bytes()).unwrap();
        let value = take_metadata(&mut tree.documents).unwrap().unwrap();
        let Value::Map(map) = to_value(&from_value(&value).unwrap(), format) else {
            panic!("metadata is a mapping");
        };
        let Some(Value::List(groups)) = map.get("key_groups") else {
            panic!("two groups are written as key_groups");
        };
        groups
            .iter()
            .map(|item| match item {
                ListItem::Value(Value::Map(group)) => group.clone(),
                _ => panic!("a group is a mapping"),
            })
            .collect()
    }

    #[test]
    fn empty_unomitted_group_lists_are_null_in_json_and_empty_in_yaml() {
        let null = Value::Scalar(Scalar::Null);
        let json = group_entries(Format::Json);
        assert_eq!(json[0].get("hc_vault"), Some(&null));
        assert_eq!(json[0].get("age"), Some(&null));
        assert_eq!(json[1].get("hc_vault"), Some(&null));
        assert!(matches!(json[1].get("age"), Some(Value::List(l)) if l.len() == 1));
        assert_eq!(json[1].get("pgp"), None, "pgp is omitted when empty");
        let yaml = group_entries(Format::Yaml);
        assert_eq!(yaml[0].get("hc_vault"), Some(&Value::List(Vec::new())));
        assert_eq!(yaml[0].get("age"), Some(&Value::List(Vec::new())));
    }
}
