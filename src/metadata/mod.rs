//! The `sops` metadata of a file: key groups, Shamir threshold, MAC, timestamps, selection rule.
//!
//! [`Metadata`] is the in-memory form; `wire` converts it to and from the tree value stored
//! under the `sops` key (the same for every format; flat formats flatten that value). Only the
//! library reads and writes that value: commands go through [`crate::document`].

pub(crate) mod wire;

pub use wire::WireError;

use crate::keys::KeyGroup;
use crate::selection::{DEFAULT_UNENCRYPTED_SUFFIX, Rule};
use crate::tree::Timestamp;

/// The sops version this build writes into new files. sops reads `version` as semver and
/// compares it for a KMS bug workaround below 3.3.0, so we state the sops format level we match.
pub const FORMAT_VERSION: &str = "3.12.2";

/// Everything the `sops` block holds.
pub struct Metadata {
    /// Key groups; with more than one, each holds a Shamir share.
    pub key_groups: Vec<KeyGroup>,
    /// How many groups are needed (0 when there is one group).
    pub shamir_threshold: usize,
    /// When the values were last encrypted (the MAC's additional data).
    pub last_modified: Timestamp,
    /// The encrypted MAC (`ENC[...]`), or empty.
    pub mac: String,
    /// The stored selection rule. `None` (binary files) behaves like the default
    /// `unencrypted_suffix: _unencrypted` but writes no rule field, as sops does.
    pub rule: Option<Rule>,
    /// Whether only encrypted values are in the MAC.
    pub mac_only_encrypted: bool,
    /// The version of the tool that wrote the file.
    pub version: String,
}

impl Metadata {
    /// The rule a file gets when none is configured.
    pub fn default_rule() -> Rule {
        Rule::UnencryptedSuffix(DEFAULT_UNENCRYPTED_SUFFIX.to_string())
    }

    /// Whether the metadata has a MAC and a version: what `filestatus` calls encrypted, and
    /// what `check` and `status` call a file with a MAC.
    pub fn is_complete(&self) -> bool {
        !self.mac.is_empty() && !self.version.is_empty()
    }

    /// The rule in force: the stored one, else the default.
    pub fn effective_rule(&self) -> Rule {
        self.rule.clone().unwrap_or_else(Self::default_rule)
    }
}
