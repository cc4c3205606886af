//! Azure Key Vault master keys (`azure_kv`): the kind's descriptor, always built, so that every
//! build reads, lists and rewrites files and configs naming Key Vault keys; the client
//! (`client.rs`: RSA-OAEP-256 through the official SDK) only with the `azure` feature.

#[cfg(feature = "azure")]
mod client;

use super::kind::{
    ConfigSyntax, EntryError, FlagNames, GroupEntries, KindDescriptor, WireLayout, config_text,
    entry_field, entry_of,
};
use super::{KeyKind, KeySpec};

#[cfg(feature = "azure")]
pub use self::client::AzureKey;

/// The `azure_kv` kind.
pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    tag: "azure_kv",
    example_id: "https://v.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef",
    feature: Some("azure"),
    wire: WireLayout {
        write_rank: 4,
        read_rank: 3,
        in_group_when_empty: false,
        top_level_after_mac: false,
    },
    created_at: true,
    no_credentials_hint: "no Azure credentials (AZURE_TENANT_ID, AZURE_CLIENT_ID and \
                          AZURE_CLIENT_SECRET or a certificate, workload identity, managed \
                          identity, or az login)",
    config: ConfigSyntax {
        rule_field: "azure_keyvault",
        group_field: "azure_keyvault",
        group_entries: GroupEntries::Entries(|entry| {
            let url = config_text(entry, "vaultUrl")?.unwrap_or_default();
            let key = config_text(entry, "key")?.unwrap_or_default();
            let version = config_text(entry, "version")?.unwrap_or_default();
            if url.is_empty() || key.is_empty() {
                return Err(EntryError::new("", "vaultUrl and key are required"));
            }
            let id = format!("{}/keys/{key}/{version}", url.trim_end_matches('/'));
            Ok(KeySpec::simple(
                KeyKind::AzureKeyVault,
                id.trim_end_matches('/'),
            ))
        }),
        group_example: "{vaultUrl: \"https://v.vault.azure.net\", key: k, version: 0123456789abcdef0123456789abcdef}",
    },
    flags: FlagNames {
        long: "azure-kv",
        short: None,
        env: "SOPS_AZURE_KEYVAULT_URLS",
        value_name: "URLS",
        help: "Azure Key Vault key URLs, comma-separated",
        add: "add-azure-kv",
        add_help: "Azure Key Vault key URLs to add",
        remove: "rm-azure-kv",
        remove_help: "Azure Key Vault key URLs to remove",
    },
    spec_from_id: |id, _| KeySpec::simple(KeyKind::AzureKeyVault, id),
    spec_entry: |spec| {
        let id = spec.id.as_str();
        let (url, rest) = id.split_once("/keys/").unwrap_or((id, ""));
        let (name, version) = rest.split_once('/').unwrap_or((rest, ""));
        entry_of(&[
            ("vault_url", url),
            ("name", name),
            ("version", version),
            ("created_at", ""),
            ("enc", ""),
        ])
    },
    entry_id: |entry| {
        format!(
            "{}/keys/{}/{}",
            entry_field(entry, "vault_url"),
            entry_field(entry, "name"),
            entry_field(entry, "version")
        )
    },
    #[cfg(feature = "azure")]
    backend: Some(super::kind::Backend {
        from_entry: |entry| {
            Box::new(AzureKey::from_metadata(
                entry_field(entry, "vault_url"),
                entry_field(entry, "name"),
                entry_field(entry, "version"),
            ))
        },
        from_spec: |spec| Ok(Box::new(AzureKey::from_url(&spec.id)?)),
    }),
    #[cfg(not(feature = "azure"))]
    backend: None,
};

#[allow(non_upper_case_globals)]
impl KeyKind {
    /// Azure Key Vault (`azure_kv`).
    pub const AzureKeyVault: KeyKind = KeyKind::of(&DESCRIPTOR);
}
