//! Unknown keys in a config file. sops ignores them and so does reading (a file written for a
//! newer sops still works), but a misspelt field is then silently dropped: a rule whose
//! `path_regx` is ignored has no `path_regex` and matches every file. This pass names each
//! unknown key by its place, with the nearest known key when one is close.

use crate::keys::registry;
use crate::selection::RULE_FIELDS;
use crate::tree::{ListItem, Map, Value};

/// A key the config file has and sops-rs does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKey {
    /// The config file.
    pub file: String,
    /// Where the key is, itself included (`creation_rules[0].path_regx`).
    pub path: String,
    /// The known key it is probably a misspelling of.
    pub suggestion: Option<&'static str>,
}

impl std::fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "config {}: {}: unknown key, ignored",
            self.file, self.path
        )?;
        if let Some(known) = self.suggestion {
            write!(f, " (did you mean {known}?)")?;
        }
        Ok(())
    }
}

const TOP_LEVEL: &[&str] = &[
    "creation_rules",
    "destination_rules",
    "stores",
    "audit",
    "rotation",
];

/// A creation rule's fields besides the selection rule's and each key kind's.
const CREATION_RULE: &[&str] = &[
    "path_regex",
    "key_groups",
    "shamir_threshold",
    "mac_only_encrypted",
    "aws_profile",
    "rotation",
];

/// `rotation:` (a sops-rs extension, at the top level and in a creation rule).
const ROTATION: &[&str] = &["max_age"];

const DESTINATION_RULE: &[&str] = &[
    "path_regex",
    "s3_bucket",
    "s3_prefix",
    "gcs_bucket",
    "gcs_prefix",
    "vault_path",
    "vault_address",
    "vault_kv_mount_name",
    "vault_kv_version",
    "recreation_rule",
    "omit_extensions",
];

/// `stores:` and, for the stores that have settings, theirs.
const STORES: &[&str] = &["yaml", "json", "json_binary", "dotenv", "ini"];
const STORE_SETTINGS: &[&str] = &["indent"];

/// `audit:` (a sops-rs extension; `otlp_endpoint` is known, and refused while reading).
const AUDIT: &[&str] = &["log", "mode", "otlp_endpoint"];

/// Every unknown key of the config whose root mapping is `root`, in file order. Key entries
/// inside `key_groups` (`kms: [{arn: …}]`) belong to their key kinds and are not looked at.
pub fn unknown_keys(root: &Map, file: &str) -> Vec<UnknownKey> {
    let mut lint = Lint {
        file,
        found: Vec::new(),
    };
    lint.fields(root, "", TOP_LEVEL);
    for (index, rule) in maps(root.get("creation_rules")) {
        lint.creation_rule(rule, &format!("creation_rules[{index}]."));
    }
    for (index, rule) in maps(root.get("destination_rules")) {
        let at = format!("destination_rules[{index}].");
        lint.fields(rule, &at, DESTINATION_RULE);
        if let Some(Value::Map(recreation)) = rule.get("recreation_rule") {
            lint.creation_rule(recreation, &format!("{at}recreation_rule."));
        }
    }
    if let Some(Value::Map(stores)) = root.get("stores") {
        lint.fields(stores, "stores.", STORES);
        for name in ["yaml", "json", "json_binary"] {
            if let Some(Value::Map(store)) = stores.get(name) {
                lint.fields(store, &format!("stores.{name}."), STORE_SETTINGS);
            }
        }
    }
    if let Some(Value::Map(audit)) = root.get("audit") {
        lint.fields(audit, "audit.", AUDIT);
    }
    if let Some(Value::Map(rotation)) = root.get("rotation") {
        lint.fields(rotation, "rotation.", ROTATION);
    }
    lint.found
}

/// The mappings of a list value, with their index among the list's values.
fn maps(value: Option<&Value>) -> impl Iterator<Item = (usize, &Map)> {
    let items: &[ListItem] = match value {
        Some(Value::List(items)) => items,
        _ => &[],
    };
    items
        .iter()
        .filter_map(|item| match item {
            ListItem::Value(value) => Some(value),
            ListItem::Comment(_) => None,
        })
        .enumerate()
        .filter_map(|(index, value)| match value {
            Value::Map(map) => Some((index, map)),
            _ => None,
        })
}

struct Lint<'f> {
    file: &'f str,
    found: Vec<UnknownKey>,
}

impl Lint<'_> {
    fn fields(&mut self, map: &Map, at: &str, known: &[&'static str]) {
        for (key, _) in map.entries() {
            if !known.contains(&key) {
                self.found.push(UnknownKey {
                    file: self.file.to_string(),
                    path: format!("{at}{key}"),
                    suggestion: nearest(key, known),
                });
            }
        }
    }

    fn creation_rule(&mut self, rule: &Map, at: &str) {
        let mut known: Vec<&'static str> = CREATION_RULE.to_vec();
        known.extend(RULE_FIELDS);
        known.extend(registry::all().map(|kind| kind.descriptor().config.rule_field));
        self.fields(rule, at, &known);
        if let Some(Value::Map(rotation)) = rule.get("rotation") {
            self.fields(rotation, &format!("{at}rotation."), ROTATION);
        }
        for (index, group) in maps(rule.get("key_groups")) {
            self.key_group(group, &format!("{at}key_groups[{index}]."));
        }
    }

    fn key_group(&mut self, group: &Map, at: &str) {
        let mut known = vec!["merge"];
        known.extend(registry::all().map(|kind| kind.descriptor().config.group_field));
        self.fields(group, at, &known);
        for (index, inner) in maps(group.get("merge")) {
            self.key_group(inner, &format!("{at}merge[{index}]."));
        }
    }
}

/// The known key `key` is most likely a misspelling of: the closest by edit distance (ignoring
/// case), if it is within one edit for a key of up to four characters, two for a longer one,
/// and three from ten characters on.
fn nearest(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let key = key.to_lowercase();
    let allowed = match key.chars().count() {
        0..=4 => 1,
        5..=9 => 2,
        _ => 3,
    };
    known
        .iter()
        .map(|candidate| (edit_distance(&key, candidate), *candidate))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance: the fewest single-character insertions, deletions and substitutions
/// that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    fn lint(text: &str) -> Vec<String> {
        let tree = Format::Yaml.parse(text.as_bytes()).unwrap();
        unknown_keys(&tree.documents[0], ".sops.yaml")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn names_unknown_keys_with_the_nearest_known_one() {
        let text = "creation_rule: []\ncreation_rules:\n  - path_regx: ^a/\n    age: x\n  \
                    - Encrypted_Regex: x\n    key_groups:\n      - age: [x]\n        merge:\n          \
                    - pgpp: [y]\n    reencryption: x\ndestination_rules:\n  - s3_bucket: b\n    \
                    recreation_rule:\n      agee: x\nstores:\n  yaml: {indnt: 2}\n  toml: {}\n\
                    audit:\n  mod: required\nrotation: {max_ag: 90d}\n";
        assert_eq!(
            lint(text),
            [
                "config .sops.yaml: creation_rule: unknown key, ignored (did you mean \
                 creation_rules?)",
                "config .sops.yaml: creation_rules[0].path_regx: unknown key, ignored (did you \
                 mean path_regex?)",
                "config .sops.yaml: creation_rules[1].Encrypted_Regex: unknown key, ignored (did \
                 you mean encrypted_regex?)",
                "config .sops.yaml: creation_rules[1].reencryption: unknown key, ignored",
                "config .sops.yaml: creation_rules[1].key_groups[0].merge[0].pgpp: unknown key, \
                 ignored (did you mean pgp?)",
                "config .sops.yaml: destination_rules[0].recreation_rule.agee: unknown key, \
                 ignored (did you mean age?)",
                "config .sops.yaml: stores.toml: unknown key, ignored",
                "config .sops.yaml: stores.yaml.indnt: unknown key, ignored (did you mean \
                 indent?)",
                "config .sops.yaml: audit.mod: unknown key, ignored (did you mean mode?)",
                "config .sops.yaml: rotation.max_ag: unknown key, ignored (did you mean \
                 max_age?)",
            ]
        );
    }

    #[test]
    fn every_field_sops_documents_is_known() {
        let text = "creation_rules:\n  - path_regex: a\n    age: x\n    pgp: x\n    kms: x\n    \
                    aws_profile: p\n    gcp_kms: x\n    hckms: [x]\n    azure_keyvault: x\n    \
                    hc_vault_transit_uri: x\n    shamir_threshold: 1\n    unencrypted_suffix: x\n    \
                    encrypted_suffix: x\n    unencrypted_regex: x\n    encrypted_regex: x\n    \
                    unencrypted_comment_regex: x\n    encrypted_comment_regex: x\n    \
                    mac_only_encrypted: true\n    rotation: {max_age: 12w}\n    key_groups:\n      - age: [x]\n        pgp: [x]\n        \
                    kms: []\n        gcp_kms: []\n        hckms: []\n        azure_keyvault: []\n        \
                    hc_vault: [x]\n        merge: []\n\
                    destination_rules:\n  - path_regex: a\n    s3_bucket: b\n    s3_prefix: p\n    \
                    gcs_bucket: g\n    gcs_prefix: p\n    vault_path: v\n    vault_address: a\n    \
                    vault_kv_mount_name: m\n    vault_kv_version: 2\n    omit_extensions: true\n    \
                    recreation_rule: {age: x}\n\
                    stores:\n  yaml: {indent: 2}\n  json: {indent: 2}\n  json_binary: {indent: 2}\n  \
                    dotenv: {}\n  ini: {}\naudit: {log: a, mode: off}\nrotation: {max_age: 90d}\n";
        assert_eq!(lint(text), Vec::<String>::new());
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("path_regx", "path_regex"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(nearest("kms", &["age", "pgp"]), None);
    }
}
