//! AWS KMS master keys (`kms`): the kind's descriptor and its `key_groups` entry reader, always
//! built, so that every build reads, lists and rewrites files and configs naming KMS keys; the
//! client (`client.rs`: KMS `Encrypt`/`Decrypt` through the AWS SDK, whose configuration loader,
//! runtime and error text `publish`'s S3 target shares) only with the `aws` feature.

#[cfg(feature = "aws")]
mod client;

use super::kind::{
    ConfigSyntax, EntryError, FlagNames, GroupEntries, KindDescriptor, WireLayout, config_required,
    config_text, entry_field, entry_of,
};
use super::{KeyKind, KeySpec};
use crate::tree::{Map, Scalar, Value};

#[cfg(feature = "aws")]
pub use self::client::{AwsKmsKey, runtime_started};
#[cfg(feature = "aws")]
pub(crate) use self::client::{
    aws_error_detail, chain_credentials, run, sdk_config, total_timeout,
};

/// The `kms` kind.
pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    tag: "kms",
    example_id: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    feature: Some("aws"),
    wire: WireLayout {
        write_rank: 1,
        read_rank: 0,
        in_group_when_empty: false,
        top_level_after_mac: false,
    },
    created_at: true,
    no_credentials_hint: "no AWS credentials (environment, profile, SSO or instance role)",
    config: ConfigSyntax {
        rule_field: "kms",
        group_field: "kms",
        group_entries: GroupEntries::Entries(group_entry),
        group_example: "{arn: \"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"}",
    },
    flags: FlagNames {
        long: "kms",
        short: Some('k'),
        env: "SOPS_KMS_ARN",
        value_name: "ARNS",
        help: "AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated",
        add: "add-kms",
        add_help: "AWS KMS ARNs to add",
        remove: "rm-kms",
        remove_help: "AWS KMS ARNs to remove",
    },
    spec_from_id: |id, options| {
        let (arn, role) = match id.split_once('+') {
            Some((arn, role)) => (arn, Some(role.to_string())),
            None => (id, None),
        };
        KeySpec {
            kind: KeyKind::AwsKms,
            id: arn.to_string(),
            kms_role: role,
            kms_context: options.kms_context.clone(),
            aws_profile: options.aws_profile.clone(),
        }
    },
    spec_entry: |spec| {
        entry_of(&[
            ("arn", &spec.id),
            ("created_at", ""),
            ("enc", ""),
            ("aws_profile", spec.aws_profile.as_deref().unwrap_or("")),
        ])
    },
    entry_id: |entry| entry_field(entry, "arn").to_string(),
    #[cfg(feature = "aws")]
    backend: Some(super::kind::Backend {
        from_entry: |entry| Box::new(AwsKmsKey::from_metadata(entry)),
        from_spec: |spec| Ok(Box::new(AwsKmsKey::from_spec(spec)?)),
    }),
    #[cfg(not(feature = "aws"))]
    backend: None,
};

#[allow(non_upper_case_globals)]
impl KeyKind {
    /// AWS KMS (`kms`).
    pub const AwsKms: KeyKind = KeyKind::of(&DESCRIPTOR);
}

/// A `key_groups[].kms` entry: `arn`, optional `role`, `context` and `aws_profile`.
fn group_entry(entry: &Map) -> Result<KeySpec, EntryError> {
    let arn = config_required(entry, "arn")?;
    let mut context = Vec::new();
    if let Some(Value::Map(map)) = entry.get("context") {
        for (key, value) in map.entries() {
            let Value::Scalar(Scalar::Str(value)) = value else {
                return Err(EntryError::new(
                    format!("context.{key}"),
                    "expected a string",
                ));
            };
            context.push((key.to_string(), value.clone()));
        }
    }
    context.sort();
    Ok(KeySpec {
        kind: KeyKind::AwsKms,
        id: arn,
        kms_role: config_text(entry, "role")?,
        kms_context: context,
        aws_profile: config_text(entry, "aws_profile")?,
    })
}
