//! Changing who can open a file: [`rotate`] (a new data key, every value encrypted again),
//! [`KeyUpdate`] (`updatekeys`: the key groups of a config's creation rule) and
//! [`change_groups`] (`groups add` / `groups delete`). The last two wrap the same data key
//! again, so the values and the MAC stay exactly as they are.
//!
//! Every function takes its inputs explicitly (key specs, the rule, credentials, the time) and
//! returns the new file; reading the config, prompting and writing are the caller's.

use crate::config::{CreationRule, KeySpec};
use crate::crypto::{DataKey, ValueCipher};
use crate::document::{Document, KeyedFile};
use crate::error::{Error, Result};
use crate::keys::{KeyContext, MasterKey};
use crate::sops_file::{Resealed, SopsFile};
use crate::tree::Timestamp;

/// Keys to remove from every group and to add to the first (`rotate --add-* / --rm-*`).
#[derive(Clone, Debug, Default)]
pub struct KeyChanges {
    /// Keys added to the first group (created when the file has none), unless already there.
    pub added: Vec<KeySpec>,
    /// Keys removed wherever they are; a group left empty is dropped.
    pub removed: Vec<KeySpec>,
}

fn master_keys(specs: &[KeySpec]) -> Result<Vec<Box<dyn MasterKey>>> {
    specs
        .iter()
        .map(|spec| crate::keys::from_spec(spec).map_err(Error::from))
        .collect()
}

fn is_key(key: &dyn MasterKey, spec: &KeySpec) -> bool {
    key.kind() == spec.kind && key.id() == spec.id
}

impl KeyChanges {
    fn apply(&self, groups: &mut Vec<Vec<Box<dyn MasterKey>>>) -> Result<()> {
        for group in groups.iter_mut() {
            group.retain(|key| !self.removed.iter().any(|spec| is_key(key.as_ref(), spec)));
        }
        if !self.added.is_empty() {
            if groups.is_empty() {
                groups.push(Vec::new());
            }
            for spec in &self.added {
                if !groups[0].iter().any(|key| is_key(key.as_ref(), spec)) {
                    groups[0].push(crate::keys::from_spec(spec)?);
                }
            }
        }
        groups.retain(|group| !group.is_empty());
        Ok(())
    }
}

/// Encrypts a decrypted file under a new data key, wrapped for its key groups after `changes`;
/// every value gets a fresh IV. `keys` wraps the new key; `now` becomes `lastmodified`.
pub fn rotate(
    document: Document,
    changes: &KeyChanges,
    keys: &KeyContext,
    now: Timestamp,
) -> Result<(SopsFile, Resealed)> {
    let (mut file, _) = document.into_parts();
    let mut groups = file.take_keys();
    changes.apply(&mut groups)?;
    if groups.is_empty() {
        return Err(Error::KeyGroups(
            "rotate would leave the file without any key".into(),
        ));
    }
    let threshold = file.metadata.shamir_threshold;
    let new_key = DataKey::generate();
    file.rewrap(&new_key, groups, threshold, keys, now)?;
    let resealed = file.reencrypt(&mut ValueCipher::new(&new_key), now)?;
    Ok((file, resealed))
}

/// Encrypts a decrypted file under a new data key for `groups` with Shamir `threshold`, leaving
/// its metadata otherwise as it is (the caller adjusts it first through `adjust`).
pub(crate) fn reencrypt_for_groups(
    document: Document,
    groups: Vec<Vec<Box<dyn MasterKey>>>,
    threshold: usize,
    keys: &KeyContext,
    now: Timestamp,
    adjust: impl FnOnce(&mut crate::metadata::Metadata),
) -> Result<(SopsFile, Resealed)> {
    let (mut file, _) = document.into_parts();
    let new_key = DataKey::generate();
    file.rewrap(&new_key, groups, threshold, keys, now)?;
    adjust(&mut file.metadata);
    let resealed = file.reencrypt(&mut ValueCipher::new(&new_key), now)?;
    Ok((file, resealed))
}

/// One master key, named by its kind (`age`, `pgp`, `kms`, ...) and its id; shown as `kind id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyName {
    /// The key type, as the metadata names it.
    pub kind: String,
    /// The key's id (recipient, fingerprint, ARN, URL).
    pub id: String,
}

impl std::fmt::Display for KeyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

/// The key groups of a file or a rule, each group's keys by name.
pub type GroupListing = Vec<Vec<KeyName>>;

/// A file's key groups by name.
pub fn key_listing(metadata: &crate::metadata::Metadata) -> GroupListing {
    metadata
        .key_groups
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|slot| KeyName {
                    kind: slot.key.kind().to_string(),
                    id: slot.key.id().to_string(),
                })
                .collect()
        })
        .collect()
}

/// The keys in `after` that are in no group of `before` (added), and the reverse (removed).
pub fn key_difference(before: &GroupListing, after: &GroupListing) -> [Vec<KeyName>; 2] {
    let only_in = |these: &GroupListing, those: &GroupListing| {
        let mut names: Vec<KeyName> = Vec::new();
        for name in these.iter().flatten() {
            if !those.iter().flatten().any(|n| n == name) && !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    };
    [only_in(after, before), only_in(before, after)]
}

/// What `updatekeys` would change in one file: its key groups now and after, and the Shamir
/// threshold it would keep.
pub struct KeyUpdate {
    /// The file's key groups.
    pub current: GroupListing,
    /// The rule's key groups.
    pub wanted: GroupListing,
    groups: Vec<Vec<KeySpec>>,
    threshold: usize,
    needed: bool,
}

impl KeyUpdate {
    /// Compares a file's key groups with a creation rule's. The file keeps its own Shamir
    /// threshold, lowered to the number of groups, as in sops: a rule's `shamir_threshold` is for
    /// new files only.
    pub fn plan(file: &SopsFile, rule: &CreationRule) -> KeyUpdate {
        let current = key_listing(&file.metadata);
        let wanted: GroupListing = rule
            .key_groups
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|key| KeyName {
                        kind: key.kind.to_string(),
                        id: key.id.clone(),
                    })
                    .collect()
            })
            .collect();
        let threshold = file.threshold_for_new_groups(wanted.len());
        let needed = current != wanted || threshold != file.metadata.shamir_threshold;
        KeyUpdate {
            current,
            wanted,
            groups: rule.key_groups.clone(),
            threshold,
            needed,
        }
    }

    /// Whether the file differs from the rule.
    pub fn is_needed(&self) -> bool {
        self.needed
    }

    /// Wraps the file's data key for the rule's key groups.
    pub fn apply(&self, file: KeyedFile, keys: &KeyContext, now: Timestamp) -> Result<SopsFile> {
        let groups = self
            .groups
            .iter()
            .map(|group| master_keys(group))
            .collect::<Result<Vec<_>>>()?;
        let (mut file, key) = file.into_parts();
        file.rewrap(&key, groups, self.threshold, keys, now)?;
        Ok(file)
    }
}

/// A change to a file's key groups (`groups add` / `groups delete`).
#[derive(Clone, Debug)]
pub enum GroupChange {
    /// A new last group made of these keys.
    Add(Vec<KeySpec>),
    /// Remove the group at this index (0-based).
    Delete(usize),
}

/// Wraps the file's data key for its key groups after `change`. `threshold` replaces the
/// file's Shamir threshold when given (kept within the number of groups).
pub fn change_groups(
    file: KeyedFile,
    change: &GroupChange,
    threshold: Option<usize>,
    keys: &KeyContext,
    now: Timestamp,
) -> Result<SopsFile> {
    let (mut file, key) = file.into_parts();
    let mut groups = file.take_keys();
    match change {
        GroupChange::Add(specs) => {
            if specs.is_empty() {
                return Err(Error::KeyGroups("a new key group needs keys".into()));
            }
            groups.push(master_keys(specs)?);
        }
        GroupChange::Delete(index) => {
            if *index >= groups.len() {
                return Err(Error::KeyGroups(format!(
                    "there is no key group {index} (the file has {})",
                    groups.len()
                )));
            }
            groups.remove(*index);
            if groups.is_empty() {
                return Err(Error::KeyGroups("cannot delete the last key group".into()));
            }
        }
    }
    let threshold = threshold.unwrap_or(file.metadata.shamir_threshold);
    file.rewrap(&key, groups, threshold, keys, now)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::OpenMode;
    use crate::document::tests::{at, options, sample};
    use crate::formats::{EmitOptions, Format};

    fn age_spec(file: &SopsFile) -> KeySpec {
        KeySpec::simple(
            crate::keys::KeyKind::Age,
            &file.metadata.key_groups[0][0].key.id(),
        )
    }

    #[test]
    fn rotate_changes_the_data_key_and_every_ciphertext() {
        let (bytes, keys) = sample("a: one\n");
        let document = Document::open(&bytes, &options(&keys, OpenMode::ReadOnly)).unwrap();
        let old_enc = document.metadata().key_groups[0][0].enc.clone();
        let (file, _) = rotate(document, &KeyChanges::default(), &keys, at(7)).unwrap();
        assert_ne!(file.metadata.key_groups[0][0].enc, old_enc);
        let rotated = file.emit(Format::Yaml, &EmitOptions::default()).unwrap();
        let back = Document::open(&rotated, &options(&keys, OpenMode::ReadOnly)).unwrap();
        assert_eq!(back.tree(), &Format::Yaml.parse(b"a: one\n").unwrap());
        assert_eq!(back.metadata().last_modified, at(7));
    }

    #[test]
    fn rotate_refuses_to_remove_the_last_key() {
        let (bytes, keys) = sample("a: one\n");
        let keyed = KeyedFile::open(&bytes, &options(&keys, OpenMode::ReadOnly)).unwrap();
        let changes = KeyChanges {
            removed: vec![age_spec(keyed.file())],
            ..Default::default()
        };
        let document = keyed.decrypt(false, OpenMode::ReadOnly).unwrap();
        let error = rotate(document, &changes, &keys, at(7)).err().unwrap();
        assert_eq!(
            error.to_string(),
            "rotate would leave the file without any key"
        );
    }

    #[test]
    fn groups_keep_the_values_and_refuse_impossible_changes() {
        let (bytes, keys) = sample("a: one\n");
        let open = || KeyedFile::open(&bytes, &options(&keys, OpenMode::ReadOnly)).unwrap();
        let spec = age_spec(open().file());
        let two = change_groups(open(), &GroupChange::Add(vec![spec]), None, &keys, at(8)).unwrap();
        assert_eq!(two.metadata.key_groups.len(), 2);
        assert_eq!(two.metadata.shamir_threshold, 2);
        assert_eq!(
            two.tree,
            open().file().tree,
            "the values stay encrypted as they were"
        );
        for (change, message) in [
            (
                GroupChange::Delete(1),
                "there is no key group 1 (the file has 1)",
            ),
            (GroupChange::Delete(0), "cannot delete the last key group"),
        ] {
            let error = change_groups(open(), &change, None, &keys, at(8))
                .err()
                .unwrap();
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn key_update_is_not_needed_when_the_rule_matches() {
        let (bytes, keys) = sample("a: one\n");
        let keyed = KeyedFile::open(&bytes, &options(&keys, OpenMode::ReadOnly)).unwrap();
        let rule = |groups| CreationRule {
            path_regex: None,
            key_groups: groups,
            shamir_threshold: 0,
            rule: None,
            mac_only_encrypted: false,
            rotation: None,
        };
        let same = rule(vec![vec![age_spec(keyed.file())]]);
        assert!(!KeyUpdate::plan(keyed.file(), &same).is_needed());
        let twice = rule(vec![
            vec![age_spec(keyed.file())],
            vec![age_spec(keyed.file())],
        ]);
        let update = KeyUpdate::plan(keyed.file(), &twice);
        assert!(update.is_needed());
        assert_eq!(update.wanted.len(), 2);
        let file = update.apply(keyed, &keys, at(9)).unwrap();
        assert_eq!(file.metadata.key_groups.len(), 2);
        assert_eq!(
            file.metadata.last_modified,
            at(1),
            "the values were not touched"
        );
    }
}
