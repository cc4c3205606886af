//! HashiCorp Vault Transit master keys (`hc_vault`, also OpenBao): the kind's descriptor, always
//! built, so that every build reads, lists and rewrites files and configs naming Vault keys; the
//! client (`client.rs`, whose HTTP plumbing `publish`'s Vault KV target shares) and the server
//! allowlist (`allowlist.rs`) only with the `vault` feature.

#[cfg(feature = "vault")]
mod allowlist;
#[cfg(feature = "vault")]
mod client;

use super::kind::{
    ConfigSyntax, FlagNames, GroupEntries, KindDescriptor, WireLayout, entry_field, entry_of,
};
use super::{KeyKind, KeySpec};

#[cfg(feature = "vault")]
pub use self::client::VaultKey;
#[cfg(feature = "vault")]
pub(crate) use self::client::{
    api_error, client, request, send, token, token_header, transport_error,
};

/// The `hc_vault` kind.
pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    tag: "hc_vault",
    example_id: "http://127.0.0.1:8200/v1/transit/keys/sops",
    feature: Some("vault"),
    wire: WireLayout {
        write_rank: 5,
        read_rank: 4,
        in_group_when_empty: true,
        top_level_after_mac: false,
    },
    created_at: true,
    no_credentials_hint: "no Vault token (set VAULT_TOKEN or write ~/.vault-token)",
    config: ConfigSyntax {
        rule_field: "hc_vault_transit_uri",
        group_field: "hc_vault",
        group_entries: GroupEntries::Ids,
        group_example: "http://127.0.0.1:8200/v1/transit/keys/sops",
    },
    flags: FlagNames {
        long: "hc-vault-transit",
        short: None,
        env: "SOPS_VAULT_URIS",
        value_name: "URIS",
        help: "HashiCorp Vault Transit key URIs, comma-separated",
        add: "add-hc-vault-transit",
        add_help: "Vault Transit URIs to add",
        remove: "rm-hc-vault-transit",
        remove_help: "Vault Transit URIs to remove",
    },
    spec_from_id: |id, _| KeySpec::simple(KeyKind::HcVault, id),
    spec_entry: |spec| {
        let id = spec.id.as_str();
        let (address, path) = id.split_once("/v1/").unwrap_or((id, ""));
        let (engine, key) = path.rsplit_once("/keys/").unwrap_or((path, ""));
        entry_of(&[
            ("vault_address", address),
            ("engine_path", engine),
            ("key_name", key),
            ("created_at", ""),
            ("enc", ""),
        ])
    },
    entry_id: |entry| {
        format!(
            "{}/v1/{}/keys/{}",
            entry_field(entry, "vault_address"),
            entry_field(entry, "engine_path"),
            entry_field(entry, "key_name")
        )
    },
    #[cfg(feature = "vault")]
    backend: Some(super::kind::Backend {
        from_entry: |entry| {
            Box::new(VaultKey::from_metadata(
                entry_field(entry, "vault_address"),
                entry_field(entry, "engine_path"),
                entry_field(entry, "key_name"),
            ))
        },
        from_spec: |spec| Ok(Box::new(VaultKey::from_uri(&spec.id)?)),
    }),
    #[cfg(not(feature = "vault"))]
    backend: None,
};

#[allow(non_upper_case_globals)]
impl KeyKind {
    /// HashiCorp Vault Transit (`hc_vault`).
    pub const HcVault: KeyKind = KeyKind::of(&DESCRIPTOR);
}
