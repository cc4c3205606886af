//! Huawei Cloud KMS master keys (`hckms`, sops 3.12+): the kind's descriptor, always built, so
//! that every build reads, lists and rewrites files and configs naming `hckms` keys; the client
//! (`client.rs`: KMS `encrypt-data`/`decrypt-data`, signed with the access key) only with the
//! `hckms` feature.

#[cfg(feature = "hckms")]
mod client;

use super::kind::{
    ConfigSyntax, EntryError, FlagNames, GroupEntries, KindDescriptor, WireLayout, config_required,
    entry_field, entry_of,
};
use super::{KeyKind, KeySpec};

#[cfg(feature = "hckms")]
pub use self::client::HckmsKey;

/// The `hckms` kind.
pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    tag: "hckms",
    example_id: "tr-west-1:0a1b2c3d-0000-4000-8000-000000000001",
    feature: Some("hckms"),
    wire: WireLayout {
        write_rank: 3,
        read_rank: 2,
        in_group_when_empty: false,
        top_level_after_mac: false,
    },
    created_at: true,
    no_credentials_hint: "no Huawei Cloud credentials (set HUAWEICLOUD_SDK_AK, \
                          HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID)",
    config: ConfigSyntax {
        rule_field: "hckms",
        group_field: "hckms",
        group_entries: GroupEntries::Entries(group_entry),
        group_example: "{key_id: \"tr-west-1:0a1b2c3d-0000-4000-8000-000000000001\"}",
    },
    flags: FlagNames {
        long: "hckms",
        short: None,
        env: "SOPS_HUAWEICLOUD_KMS_IDS",
        value_name: "IDS",
        help: "Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated",
        add: "add-hckms",
        add_help: "Huawei Cloud KMS key IDs to add",
        remove: "rm-hckms",
        remove_help: "Huawei Cloud KMS key IDs to remove",
    },
    spec_from_id: |id, _| KeySpec::simple(KeyKind::of(&DESCRIPTOR), id.trim()),
    spec_entry: |spec| entry_of(&[("key_id", &spec.id), ("created_at", ""), ("enc", "")]),
    entry_id: |entry| entry_field(entry, "key_id").to_string(),
    #[cfg(feature = "hckms")]
    backend: Some(super::kind::Backend {
        from_entry: |entry| {
            Box::new(client::HckmsKey::from_metadata(entry_field(
                entry, "key_id",
            )))
        },
        from_spec: |spec| Ok(Box::new(client::HckmsKey::new(&spec.id)?)),
    }),
    #[cfg(not(feature = "hckms"))]
    backend: None,
};

/// A `key_groups[].hckms` entry: `{key_id: REGION:KEY_UUID}`.
fn group_entry(entry: &super::Map) -> Result<KeySpec, EntryError> {
    let id = config_required(entry, "key_id")?;
    Ok(KeySpec::simple(KeyKind::of(&DESCRIPTOR), id.trim()))
}
