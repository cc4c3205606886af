//! The one list of key kinds ([`KINDS`]), and key objects built from metadata entries and from
//! key specs through it. Each kind's descriptor and its [`KeyKind`] constant live in the kind's
//! own module (`age.rs`, `pgp.rs`, `aws_kms.rs`, ...), which every build compiles; only the
//! client behind it needs the kind's cargo feature. A kind without a backend in this build is
//! kept as a [`RecordedKey`], whose wrap and unwrap say so plainly. A new kind is its module
//! and one line in [`KINDS`].

use super::kind::{KeyOptions, KindDescriptor, WireLayout};
use super::recorded::RecordedKey;
use super::{KeyError, KeyKind, KeySpec, MasterKey};
use crate::tree::Map;

/// Every key kind, in the order sops reads a creation rule's fields (age, pgp, kms, gcp_kms,
/// hckms, azure_keyvault, hc_vault): the order config and `rotate` keys are listed in.
pub static KINDS: &[&KindDescriptor] = &[
    &super::age::DESCRIPTOR,
    &super::pgp::DESCRIPTOR,
    &super::aws_kms::DESCRIPTOR,
    &super::gcp_kms::DESCRIPTOR,
    &super::hckms::DESCRIPTOR,
    &super::azure_kv::DESCRIPTOR,
    &super::vault::DESCRIPTOR,
];

/// Every kind, in [`KINDS`] order.
pub fn all() -> impl Iterator<Item = KeyKind> {
    KINDS.iter().map(|descriptor| KeyKind::of(descriptor))
}

/// Every kind, sorted by `rank`.
pub fn sorted_by(rank: impl Fn(&WireLayout) -> u8) -> Vec<KeyKind> {
    let mut kinds: Vec<KeyKind> = all().collect();
    kinds.sort_by_key(|kind| rank(&kind.descriptor().wire));
    kinds
}

/// A key object for a metadata entry of `kind` (the entry's `enc` and `created_at` are read by
/// the caller).
pub fn from_entry(kind: KeyKind, entry: &Map) -> Box<dyn MasterKey> {
    match &kind.descriptor().backend {
        Some(backend) => (backend.from_entry)(entry),
        None => Box::new(RecordedKey::new(kind, entry.clone())),
    }
}

/// A key object for a key named on the command line or in the config.
pub fn from_spec(spec: &KeySpec) -> Result<Box<dyn MasterKey>, KeyError> {
    let descriptor = spec.kind.descriptor();
    match &descriptor.backend {
        Some(backend) => (backend.from_spec)(spec),
        None => Ok(Box::new(RecordedKey::new(
            spec.kind,
            (descriptor.spec_entry)(spec),
        ))),
    }
}

/// Options for a key named without any (config `key_groups` ids, tests).
pub const NO_OPTIONS: KeyOptions = KeyOptions {
    aws_profile: None,
    kms_context: Vec::new(),
};

/// A forgotten piece of a kind fails here, not silently in a written file: every kind's tag
/// goes through the metadata writer and reader, and the config reads its fields. (The CLI's
/// flags are checked in `cli::key_flags`.)
#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Format;
    use crate::keys::{KeyGroup, KeySlot};
    use crate::metadata::{Metadata, wire};
    use crate::tree::Timestamp;

    fn slot(kind: KeyKind) -> KeySlot {
        let spec = kind.spec(kind.descriptor().example_id, &NO_OPTIONS);
        // The recorded form writes the entry sops writes, with or without the backend.
        let entry = (kind.descriptor().spec_entry)(&spec);
        KeySlot {
            key: Box::new(RecordedKey::new(kind, entry)),
            enc: format!("enc-of-{}", kind.tag()),
            created_at: kind
                .descriptor()
                .created_at
                .then(|| Timestamp::parse_rfc3339("2026-01-02T03:04:05Z").unwrap()),
        }
    }

    fn metadata(groups: usize) -> Metadata {
        Metadata {
            key_groups: (0..groups)
                .map(|_| all().map(slot).collect::<KeyGroup>())
                .collect(),
            shamir_threshold: if groups > 1 { groups } else { 0 },
            last_modified: Timestamp::parse_rfc3339("2026-01-02T03:04:05Z").unwrap(),
            mac: "m".into(),
            rule: Some(Metadata::default_rule()),
            mac_only_encrypted: false,
            version: "3.12.2".into(),
        }
    }

    #[test]
    fn every_kind_goes_through_the_metadata_block_and_back() {
        for groups in [1, 2] {
            for format in [Format::Yaml, Format::Json] {
                let value = wire::to_value(&metadata(groups), format);
                let read = wire::from_value(&value).unwrap();
                assert_eq!(read.key_groups.len(), groups);
                for group in &read.key_groups {
                    for kind in all() {
                        let slots: Vec<&KeySlot> =
                            group.iter().filter(|s| s.key.kind() == kind).collect();
                        assert_eq!(slots.len(), 1, "{kind} in {groups} group(s), {format:?}");
                        assert_eq!(slots[0].key.id(), kind.descriptor().example_id, "{kind}");
                        assert_eq!(slots[0].enc, format!("enc-of-{}", kind.tag()));
                        assert_eq!(
                            slots[0].created_at.is_some(),
                            kind.descriptor().created_at,
                            "{kind}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn kinds_are_written_in_sops_order() {
        let crate::tree::Value::Map(top) = wire::to_value(&metadata(1), Format::Yaml) else {
            panic!("the sops block is a mapping");
        };
        let fields: Vec<&str> = top.entries().map(|(k, _)| k).collect();
        let mut expected: Vec<&str> = sorted_by(|w| w.write_rank)
            .into_iter()
            .filter(|k| !k.descriptor().wire.top_level_after_mac)
            .map(KeyKind::tag)
            .collect();
        expected.extend(["lastmodified", "mac"]);
        expected.extend(
            sorted_by(|w| w.write_rank)
                .into_iter()
                .filter(|k| k.descriptor().wire.top_level_after_mac)
                .map(KeyKind::tag),
        );
        expected.extend(["unencrypted_suffix", "version"]);
        assert_eq!(fields, expected);
        // sops 3.12.2's order for the kinds it had before hckms.
        let known: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| {
                [
                    "kms", "gcp_kms", "azure_kv", "hc_vault", "age", "mac", "pgp",
                ]
                .contains(f)
            })
            .collect();
        assert_eq!(
            known,
            [
                "kms", "gcp_kms", "azure_kv", "hc_vault", "age", "mac", "pgp"
            ]
        );
    }

    fn config(text: &str) -> Vec<Vec<KeySpec>> {
        let config =
            crate::config::Config::parse(text.as_bytes(), std::path::Path::new(".sops.yaml"))
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
        config.creation_rules.unwrap()[0].key_groups.clone()
    }

    #[test]
    fn the_config_reads_every_kind_in_rules_and_key_groups() {
        for kind in all() {
            let d = kind.descriptor();
            let expected = kind.spec(d.example_id, &NO_OPTIONS);
            let flat = config(&format!(
                "creation_rules:\n  - {}: \"{}\"\n",
                d.config.rule_field, d.example_id
            ));
            assert_eq!(
                flat,
                [vec![expected.clone()]],
                "{kind}: creation rule field"
            );
            let grouped = config(&format!(
                "creation_rules:\n  - key_groups:\n      - {}:\n          - {}\n",
                d.config.group_field, d.config.group_example
            ));
            assert_eq!(grouped, [vec![expected]], "{kind}: key_groups field");
        }
    }

    #[test]
    fn an_unknown_tag_is_no_kind_and_every_tag_is_unique() {
        assert_eq!(KeyKind::from_tag("nope"), None);
        for kind in all() {
            assert_eq!(KeyKind::from_tag(kind.tag()), Some(kind));
            assert_eq!(all().filter(|k| k.tag() == kind.tag()).count(), 1);
            let wire = kind.descriptor().wire;
            let same = |rank: fn(&WireLayout) -> u8| {
                all()
                    .filter(|k| rank(&k.descriptor().wire) == rank(&wire))
                    .count()
            };
            assert_eq!(same(|w| w.write_rank), 1, "{kind}: write_rank is taken");
            assert_eq!(same(|w| w.read_rank), 1, "{kind}: read_rank is taken");
        }
    }
}
