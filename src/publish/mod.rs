//! `publish`: sending an encrypted file to the place a `destination_rules` entry names, as
//! `sops publish` does.
//!
//! * The rule is the first whose `path_regex` matches the path as the user named it; it must
//!   name exactly one destination.
//! * The object or secret is called after the file: its base name, or with `--recursive` its
//!   path below the directory given, less the extension with `omit_extensions`.
//! * S3 and GCS get the encrypted file: as it is on disk, or encrypted again under a fresh data
//!   key for the rule's `recreation_rule` keys ([`reencrypt_for`]).
//! * Vault KV gets the decrypted values ([`kv_data`]), as sops writes them.
//!
//! One module per destination does the upload; each sits behind the cargo feature of its
//! cloud (`aws`, `gcp`, `vault`).

#[cfg(feature = "gcp")]
mod gcs;
pub mod kv_data;
#[cfg(feature = "aws")]
mod s3;
#[cfg(feature = "vault")]
mod vault_kv;

use std::path::{Component, Path, PathBuf};

use crate::config::{CreationRule, DestinationRule};
use crate::document::Document;
use crate::keys::{KeyContext, MasterKey};
use crate::metadata::FORMAT_VERSION;
use crate::selection::Rule;
use crate::sops_file::SopsFile;
use crate::tree::Timestamp;

pub use crate::config::Destination;
pub use kv_data::KvData;

/// Why a file could not be published. Messages never hold secret values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// No destination rule matches the file.
    #[error("no destination rule in {config} matches {file}")]
    NoRule {
        /// The config file.
        config: String,
        /// The file as named.
        file: String,
    },
    /// The matching rule names no destination.
    #[error(
        "the destination rule for {0} names no destination (s3_bucket, gcs_bucket or vault_path)"
    )]
    NoDestination(String),
    /// The matching rule names more than one destination.
    #[error(
        "the destination rule for {0} names more than one destination; use one of s3_bucket, \
         gcs_bucket and vault_path per rule"
    )]
    SeveralDestinations(String),
    /// This build lacks the destination's cargo feature.
    #[error("this build of sops-rs cannot publish to {0} (built without the `{1}` feature)")]
    Unsupported(&'static str, &'static str),
    /// The upload failed.
    #[error("{0}")]
    Upload(String),
}

/// The rule for `file` (named as the user named it) and its one destination.
pub fn destination_for<'c>(
    config: &'c crate::config::Config,
    file: &Path,
) -> Result<(&'c DestinationRule, &'c Destination), PublishError> {
    let named = file.display().to_string();
    let rule = config
        .destination_rule_for(file)
        .ok_or_else(|| PublishError::NoRule {
            config: config.path.display().to_string(),
            file: named.clone(),
        })?;
    match rule.destinations.as_slice() {
        [one] => Ok((rule, one)),
        [] => Err(PublishError::NoDestination(named)),
        _ => Err(PublishError::SeveralDestinations(named)),
    }
}

/// The name `file` gets at its destination: the base name, or with `root` (a recursive publish
/// of that directory) the path below it; `omit_extension` drops the file's last extension.
pub fn destination_name(file: &Path, root: Option<&Path>, omit_extension: bool) -> String {
    let below_root = root.filter(|r| *r != file).and_then(|r| {
        let relative = clean(file).strip_prefix(clean(r)).ok()?.to_path_buf();
        (!relative.as_os_str().is_empty()).then_some(relative)
    });
    let name = match below_root {
        Some(relative) => relative.to_string_lossy().into_owned(),
        None => file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    if !omit_extension {
        return name;
    }
    match file.extension() {
        Some(extension) => {
            let suffix = format!(".{}", extension.to_string_lossy());
            name.strip_suffix(&suffix).unwrap_or(&name).to_string()
        }
        None => name,
    }
}

/// `path` without `.` components and with `dir/..` pairs folded, as Go's `filepath.Clean`
/// (sops matches rules against paths joined that way during a recursive publish).
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Sends an object upload (S3, GCS): `None` on a 2xx answer, else the status and the start of
/// the answer's body (bounded, lossy UTF-8) for the error message. A request that gets no answer
/// is an error saying `what` failed.
#[cfg(any(feature = "aws", feature = "gcp"))]
fn send_upload(
    request: reqwest::blocking::RequestBuilder,
    what: &str,
) -> Result<Option<(u16, String)>, PublishError> {
    let response = request.send().map_err(|e| {
        PublishError::Upload(format!("{what} failed: {}", crate::keys::error_chain(&e)))
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(None);
    }
    let text = crate::bounded::read_to_end(response, crate::bounded::Kind::Key, 0)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    Ok(Some((status.as_u16(), text)))
}

/// `text` percent-encoded except for unreserved characters and the bytes in `keep`.
#[cfg_attr(not(any(feature = "aws", feature = "gcp")), allow(dead_code))]
fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl Destination {
    /// Where `name` goes, as sops shows it in its question: `s3://bucket/prefix+name`,
    /// `gcs://bucket/prefix+name`, or the secret's Vault URL.
    pub fn location(&self, name: &str, ctx: &KeyContext) -> String {
        match self {
            Destination::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}{name}"),
            Destination::Gcs { bucket, prefix } => format!("gcs://{bucket}/{prefix}{name}"),
            Destination::VaultKv { address, .. } => format!(
                "{}/v1/{}",
                vault_address(address.as_deref(), ctx),
                self.secret_path(name).unwrap_or_default()
            ),
        }
    }

    /// The Vault API path of the secret for `name`: `mount/path/name` (KV v1) or
    /// `mount/data/path/name` (KV v2). `None` for the object stores.
    pub fn secret_path(&self, name: &str) -> Option<String> {
        match self {
            Destination::VaultKv {
                path,
                mount,
                version: 1,
                ..
            } => Some(format!("{mount}{path}{name}")),
            Destination::VaultKv { path, mount, .. } => Some(format!("{mount}data/{path}{name}")),
            _ => None,
        }
    }

    /// Whether this destination takes the decrypted values rather than the encrypted file.
    pub fn wants_plaintext(&self) -> bool {
        matches!(self, Destination::VaultKv { .. })
    }
}

/// The Vault server: the rule's `vault_address`, else `VAULT_ADDR`, else the Vault client's
/// default `https://127.0.0.1:8200`.
pub fn vault_address(rule_address: Option<&str>, ctx: &KeyContext) -> String {
    rule_address
        .or_else(|| ctx.var("VAULT_ADDR"))
        .unwrap_or("https://127.0.0.1:8200")
        .trim_end_matches('/')
        .to_string()
}

/// What is sent: the encrypted file's bytes (S3, GCS) or the decrypted values (Vault KV).
pub enum Payload {
    /// An encrypted file.
    Encrypted(Vec<u8>),
    /// The decrypted values.
    Secret(KvData),
}

/// What an upload had to say besides success.
#[derive(Debug, Default)]
pub struct Uploaded {
    /// Warnings to show (e.g. the existing secret could not be read).
    pub warnings: Vec<String>,
    /// The Vault secret already held these values, so no new version was written.
    pub unchanged: bool,
}

/// Sends `payload` to `destination` under `name`.
pub fn upload(
    destination: &Destination,
    name: &str,
    payload: &Payload,
    ctx: &KeyContext,
) -> Result<Uploaded, PublishError> {
    match (destination, payload) {
        #[cfg(feature = "aws")]
        (Destination::S3 { bucket, prefix }, Payload::Encrypted(bytes)) => {
            s3::put_object(bucket, &format!("{prefix}{name}"), bytes, ctx)?;
            Ok(Uploaded::default())
        }
        #[cfg(not(feature = "aws"))]
        (Destination::S3 { .. }, _) => Err(PublishError::Unsupported("S3", "aws")),
        #[cfg(feature = "gcp")]
        (Destination::Gcs { bucket, prefix }, Payload::Encrypted(bytes)) => {
            gcs::put_object(bucket, &format!("{prefix}{name}"), bytes, ctx)?;
            Ok(Uploaded::default())
        }
        #[cfg(not(feature = "gcp"))]
        (Destination::Gcs { .. }, _) => {
            Err(PublishError::Unsupported("Google Cloud Storage", "gcp"))
        }
        #[cfg(feature = "vault")]
        (Destination::VaultKv { address, .. }, Payload::Secret(data)) => {
            let path = destination.secret_path(name).unwrap_or_default();
            vault_kv::write_secret(
                &vault_address(address.as_deref(), ctx),
                &path,
                destination,
                data,
                ctx,
            )
        }
        #[cfg(not(feature = "vault"))]
        (Destination::VaultKv { .. }, _) => Err(PublishError::Unsupported("Vault", "vault")),
        #[allow(unreachable_patterns)]
        _ => Err(PublishError::Upload(format!(
            "{} takes {}",
            destination.location(name, ctx),
            if destination.wants_plaintext() {
                "decrypted values"
            } else {
                "an encrypted file"
            }
        ))),
    }
}

/// How one key group changes: kept, added and removed keys (by `kind id`), as sops's
/// `DiffKeyGroups` reports them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GroupDiff {
    /// In both.
    pub common: Vec<String>,
    /// Only in the new group.
    pub added: Vec<String>,
    /// Only in the old group.
    pub removed: Vec<String>,
}

/// The change from `old` to `new` groups, group by group (keys named by their id).
pub fn diff_key_groups(old: &[Vec<String>], new: &[Vec<String>]) -> Vec<GroupDiff> {
    let empty = Vec::new();
    (0..old.len().max(new.len()))
        .map(|index| {
            let ours = old.get(index).unwrap_or(&empty);
            let theirs = new.get(index).unwrap_or(&empty);
            let mut diff = GroupDiff::default();
            for key in theirs {
                if ours.contains(key) {
                    diff.common.push(key.clone());
                } else {
                    diff.added.push(key.clone());
                }
            }
            diff.removed = ours
                .iter()
                .filter(|k| !theirs.contains(k))
                .cloned()
                .collect();
            diff
        })
        .collect()
}

/// Encrypts the decrypted `document` again for the recreation rule's key groups under a fresh
/// data key; `now` becomes `lastmodified`. As in sops 3.12, the new metadata keeps only the
/// rule's suffix setting (`unencrypted_suffix` or `encrypted_suffix`) and Shamir threshold;
/// `mac_only_encrypted` and the regex settings are not carried over.
pub fn reencrypt_for(
    document: Document,
    rule: &CreationRule,
    ctx: &KeyContext,
    now: Timestamp,
) -> crate::Result<(SopsFile, crate::Resealed)> {
    let groups: Vec<Vec<Box<dyn MasterKey>>> = rule
        .key_groups
        .iter()
        .map(|group| group.iter().map(crate::keys::from_spec).collect())
        .collect::<Result<_, _>>()
        .map_err(|e: crate::keys::KeyError| crate::Error::KeyGeneration(vec![e.to_string()]))?;
    let adjust = |metadata: &mut crate::metadata::Metadata| {
        metadata.rule = match &rule.rule {
            Some(rule @ (Rule::UnencryptedSuffix(_) | Rule::EncryptedSuffix(_))) => {
                Some(rule.clone())
            }
            _ => None,
        };
        metadata.mac_only_encrypted = false;
        metadata.version = FORMAT_VERSION.to_string();
    };
    crate::rekey::reencrypt_for_groups(document, groups, rule.shamir_threshold, ctx, now, adjust)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_sops() {
        let name = |file: &str, root: Option<&str>, omit| {
            destination_name(Path::new(file), root.map(Path::new), omit)
        };
        assert_eq!(name("dir/app.enc.json", None, false), "app.enc.json");
        assert_eq!(name("dir/app.enc.json", None, true), "app.enc");
        assert_eq!(name("dir/sub/b.json", Some("dir"), false), "sub/b.json");
        assert_eq!(name("./dir/sub/b.json", Some("dir/"), true), "sub/b");
        assert_eq!(name("dir/a.json", Some("dir/a.json"), true), "a");
        assert_eq!(name("Makefile", None, true), "Makefile");
    }

    #[test]
    fn percent_encoding_keeps_what_it_is_told() {
        assert_eq!(
            percent_encode("pre/a b+c.json", b""),
            "pre%2Fa%20b%2Bc.json"
        );
        assert_eq!(percent_encode("pre/a b.json", b"/"), "pre/a%20b.json");
    }

    #[test]
    fn clean_folds_like_go() {
        assert_eq!(clean(Path::new("./a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(clean(Path::new("../a")), PathBuf::from("../a"));
        assert_eq!(clean(Path::new(".")), PathBuf::from("."));
    }

    #[test]
    fn vault_paths_for_both_kv_versions() {
        let kv = |version| Destination::VaultKv {
            address: Some("http://v:8200".into()),
            path: "functional-test/".into(),
            mount: "secret/".into(),
            version,
        };
        let ctx = KeyContext::default();
        assert_eq!(
            kv(2).location("f.json", &ctx),
            "http://v:8200/v1/secret/data/functional-test/f.json"
        );
        assert_eq!(
            kv(1).secret_path("f.json").unwrap(),
            "secret/functional-test/f.json"
        );
        let s3 = Destination::S3 {
            bucket: "b".into(),
            prefix: "p/".into(),
        };
        assert_eq!(s3.location("f.json", &ctx), "s3://b/p/f.json");
        let default = vault_address(None, &KeyContext::default());
        assert_eq!(default, "https://127.0.0.1:8200");
    }

    #[test]
    fn group_diffs_like_sops() {
        let old = vec![vec!["age a".to_string(), "age b".to_string()]];
        let new = vec![
            vec!["age b".to_string(), "age c".to_string()],
            vec!["pgp d".to_string()],
        ];
        let diff = diff_key_groups(&old, &new);
        assert_eq!(diff[0].common, ["age b"]);
        assert_eq!(diff[0].added, ["age c"]);
        assert_eq!(diff[0].removed, ["age a"]);
        assert_eq!(diff[1].added, ["pgp d"]);
    }
}
