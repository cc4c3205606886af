//! Google Cloud KMS master keys (`gcp_kms`): the kind's descriptor, always built, so that every
//! build reads, lists and rewrites files and configs naming GCP KMS keys; the client
//! (`client.rs`: Cloud KMS through the official SDK) and its credential chain (`credentials.rs`,
//! shared with `publish`'s GCS target) only with the `gcp` feature.

#[cfg(feature = "gcp")]
mod client;
#[cfg(feature = "gcp")]
pub(crate) mod credentials;

use super::kind::{
    ConfigSyntax, FlagNames, GroupEntries, KindDescriptor, WireLayout, config_required,
    entry_field, entry_of,
};
use super::{KeyKind, KeySpec};

#[cfg(feature = "gcp")]
pub use self::client::GcpKmsKey;

/// The `gcp_kms` kind.
pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    tag: "gcp_kms",
    example_id: "projects/p/locations/global/keyRings/r/cryptoKeys/k",
    feature: Some("gcp"),
    wire: WireLayout {
        write_rank: 2,
        read_rank: 1,
        in_group_when_empty: false,
        top_level_after_mac: false,
    },
    created_at: true,
    no_credentials_hint: "no Google credentials (GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS, \
                          GOOGLE_APPLICATION_CREDENTIALS, gcloud application-default login, or \
                          a metadata server)",
    config: ConfigSyntax {
        rule_field: "gcp_kms",
        group_field: "gcp_kms",
        group_entries: GroupEntries::Entries(|entry| {
            Ok(KeySpec::simple(
                KeyKind::GcpKms,
                &config_required(entry, "resource_id")?,
            ))
        }),
        group_example: "{resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k}",
    },
    flags: FlagNames {
        long: "gcp-kms",
        short: None,
        env: "SOPS_GCP_KMS_IDS",
        value_name: "IDS",
        help: "GCP KMS resource IDs, comma-separated",
        add: "add-gcp-kms",
        add_help: "GCP KMS resource IDs to add",
        remove: "rm-gcp-kms",
        remove_help: "GCP KMS resource IDs to remove",
    },
    spec_from_id: |id, _| KeySpec::simple(KeyKind::GcpKms, id),
    spec_entry: |spec| entry_of(&[("resource_id", &spec.id), ("created_at", ""), ("enc", "")]),
    entry_id: |entry| entry_field(entry, "resource_id").to_string(),
    #[cfg(feature = "gcp")]
    backend: Some(super::kind::Backend {
        from_entry: |entry| Box::new(GcpKmsKey::from_metadata(entry_field(entry, "resource_id"))),
        from_spec: |spec| Ok(Box::new(GcpKmsKey::new(&spec.id)?)),
    }),
    #[cfg(not(feature = "gcp"))]
    backend: None,
};

#[allow(non_upper_case_globals)]
impl KeyKind {
    /// GCP KMS (`gcp_kms`).
    pub const GcpKms: KeyKind = KeyKind::of(&DESCRIPTOR);
}
