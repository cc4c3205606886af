//! OpenPGP master keys (`pgp`): the kind's descriptor, always built, so that every build reads,
//! lists and rewrites files and configs naming PGP keys; the client (`client.rs`: wraps through
//! `gpg`, unwraps with gpg or rPGP) only with the `pgp` feature.

#[cfg(feature = "pgp")]
mod client;

use super::kind::{
    ConfigSyntax, FlagNames, GroupEntries, KindDescriptor, WireLayout, entry_field, entry_of,
};
use super::{KeyKind, KeySpec};

#[cfg(feature = "pgp")]
pub use self::client::{PgpKey, SECRET_KEYS_VAR};

/// The `pgp` kind.
pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    tag: "pgp",
    example_id: "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
    feature: Some("pgp"),
    wire: WireLayout {
        write_rank: 0,
        read_rank: 5,
        in_group_when_empty: false,
        top_level_after_mac: true,
    },
    created_at: true,
    no_credentials_hint: "no secret key for this fingerprint in the GnuPG keyring (GNUPGHOME)",
    config: ConfigSyntax {
        rule_field: "pgp",
        group_field: "pgp",
        group_entries: GroupEntries::Ids,
        group_example: "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
    },
    flags: FlagNames {
        long: "pgp",
        short: Some('p'),
        env: "SOPS_PGP_FP",
        value_name: "FPS",
        help: "PGP fingerprints to encrypt for, comma-separated",
        add: "add-pgp",
        add_help: "PGP fingerprints to add",
        remove: "rm-pgp",
        remove_help: "PGP fingerprints to remove",
    },
    spec_from_id: |id, _| KeySpec::simple(KeyKind::Pgp, &id.replace(' ', "")),
    spec_entry: |spec| entry_of(&[("created_at", ""), ("enc", ""), ("fp", &spec.id)]),
    entry_id: |entry| entry_field(entry, "fp").to_string(),
    #[cfg(feature = "pgp")]
    backend: Some(super::kind::Backend {
        from_entry: |entry| Box::new(PgpKey::from_metadata(entry_field(entry, "fp"))),
        from_spec: |spec| Ok(Box::new(PgpKey::new(&spec.id)?)),
    }),
    #[cfg(not(feature = "pgp"))]
    backend: None,
};

#[allow(non_upper_case_globals)]
impl KeyKind {
    /// OpenPGP (`pgp`).
    pub const Pgp: KeyKind = KeyKind::of(&DESCRIPTOR);
}
