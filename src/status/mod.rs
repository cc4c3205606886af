//! `status`: the state of every secret file of a tree, read without any key. For each file a
//! creation rule covers or that carries sops metadata: encrypted or plain (a leak), the rule
//! that covers it, its recipients against the rule's (drift), the age of its data key against
//! a rotation policy, whether it has a MAC, whether it parses, and values in plain text where
//! its own rules say they are encrypted.
//!
//! The age of a data key is not stored anywhere. `encrypt` and `rotate` make a data key and
//! stamp `lastmodified` and every master key's `created_at` (age entries have none) with the
//! same instant; later commands only move these forward without a new key (`edit` and `set`
//! move `lastmodified`, `updatekeys` and `groups` re-stamp every `created_at`). So the earliest
//! of them is the latest moment the data key can have been made: the key is at least that old.
//! An overdue verdict is therefore never a false alarm; a file edited and re-keyed since its
//! last rotation can look younger than its key is.

pub mod walk;

use std::path::{Path, PathBuf};

use crate::config::{Config, CreationRule, MaxAge};
use crate::formats::Format;
use crate::rekey::{KeyName, KeyUpdate, key_difference};
use crate::scan::{Scanned, may_be_sops, problem_line, scan};
use crate::sops_file::SopsFile;
use crate::tree::Timestamp;

/// What can be wrong with a file, most severe first (a file's state is its first finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// Not encrypted, but a creation rule covers it.
    Leak,
    /// Sops metadata or ciphertext that does not parse.
    Broken,
    /// A value in plain text where the file's own rules say it is encrypted.
    PlaintextValue,
    /// The metadata has no MAC (or no version).
    NoMac,
    /// Its recipients differ from its creation rule's.
    Drift,
    /// Its data key is older than the rotation policy allows.
    Overdue,
    /// Encrypted, but no creation rule covers it.
    NoRule,
}

impl Finding {
    /// Every finding, most severe first.
    pub const ALL: [Finding; 7] = [
        Finding::Leak,
        Finding::Broken,
        Finding::PlaintextValue,
        Finding::NoMac,
        Finding::Drift,
        Finding::Overdue,
        Finding::NoRule,
    ];

    /// The name in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Finding::Leak => "leak",
            Finding::Broken => "broken",
            Finding::PlaintextValue => "plaintext_value",
            Finding::NoMac => "no_mac",
            Finding::Drift => "drift",
            Finding::Overdue => "overdue",
            Finding::NoRule => "no_rule",
        }
    }

    /// The class `--fail-on` selects it by: a value in clear is a leak too, a missing MAC is
    /// a broken file.
    pub fn class(self) -> FailClass {
        match self {
            Finding::Leak | Finding::PlaintextValue => FailClass::Leak,
            Finding::Broken | Finding::NoMac => FailClass::Broken,
            Finding::Drift => FailClass::Drift,
            Finding::Overdue => FailClass::Overdue,
            Finding::NoRule => FailClass::Unruled,
        }
    }
}

/// The classes of findings a CI run can fail on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailClass {
    /// A plain file a rule covers, or a plain value in an encrypted one.
    Leak,
    /// A file that does not parse or has no MAC.
    Broken,
    /// Recipients that differ from the rule's.
    Drift,
    /// A data key older than its policy.
    Overdue,
    /// An encrypted file no creation rule covers.
    Unruled,
}

impl FailClass {
    /// Every class.
    pub const ALL: [FailClass; 5] = [
        FailClass::Leak,
        FailClass::Broken,
        FailClass::Drift,
        FailClass::Overdue,
        FailClass::Unruled,
    ];

    /// The classes failed on when `--fail-on` is not given.
    pub const DEFAULT: [FailClass; 4] = [
        FailClass::Leak,
        FailClass::Broken,
        FailClass::Drift,
        FailClass::Overdue,
    ];

    /// The name `--fail-on` takes.
    pub fn name(self) -> &'static str {
        match self {
            FailClass::Leak => "leak",
            FailClass::Broken => "broken",
            FailClass::Drift => "drift",
            FailClass::Overdue => "overdue",
            FailClass::Unruled => "unruled",
        }
    }

    /// The class named `name`.
    pub fn from_name(name: &str) -> Option<FailClass> {
        FailClass::ALL
            .into_iter()
            .find(|class| class.name() == name)
    }
}

/// The creation rule that covers a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    /// Its index in `creation_rules`.
    pub index: usize,
    /// Its `path_regex` (`None`: it covers every file).
    pub path_regex: Option<String>,
}

/// A file's recipients against its rule's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    /// Keys of the rule the file is not encrypted for.
    pub missing: Vec<KeyName>,
    /// Keys the file is encrypted for that the rule does not name.
    pub extra: Vec<KeyName>,
    /// The same keys, grouped differently (or another Shamir threshold).
    pub groups_differ: bool,
}

impl Recipients {
    /// Whether `updatekeys` would change the file.
    pub fn drifted(&self) -> bool {
        !self.missing.is_empty() || !self.extra.is_empty() || self.groups_differ
    }
}

/// Which timestamp the data key's age was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgeBasis {
    /// The oldest `created_at` of the master keys.
    CreatedAt,
    /// `lastmodified` (it is older than every `created_at`, or there is none: age keys).
    LastModified,
}

impl AgeBasis {
    /// The name in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            AgeBasis::CreatedAt => "created_at",
            AgeBasis::LastModified => "lastmodified",
        }
    }
}

/// How old a file's data key is, at least.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyAge {
    /// The latest moment the data key can have been made.
    pub since: Timestamp,
    /// Where `since` was read.
    pub basis: AgeBasis,
    /// Seconds from `since` to now (0 when `since` is in the future).
    pub seconds: u64,
}

/// Where a file's rotation policy comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicySource {
    /// `--max-age`.
    Flag,
    /// The covering rule's `rotation`.
    Rule,
    /// The config's top-level `rotation`.
    Config,
}

impl PolicySource {
    /// The name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            PolicySource::Flag => "flag",
            PolicySource::Rule => "rule",
            PolicySource::Config => "config",
        }
    }
}

/// The state of one file.
#[derive(Clone, Debug)]
pub struct FileStatus {
    /// The file, as the walk found it.
    pub path: PathBuf,
    /// Whether it carries sops metadata (broken files that hold ciphertext count).
    pub encrypted: bool,
    /// The creation rule that covers it.
    pub rule: Option<RuleRef>,
    /// Its recipients against the rule's (encrypted files with a rule that names keys).
    pub recipients: Option<Recipients>,
    /// The age of its data key (parsed encrypted files).
    pub key_age: Option<KeyAge>,
    /// The rotation policy and where it comes from.
    pub policy: Option<(MaxAge, PolicySource)>,
    /// Whether it has a MAC (`None` when not a parsed sops file).
    pub mac: Option<bool>,
    /// What does not parse: one line, the line number where known, never a value.
    pub problem: Option<String>,
    /// Tree paths of values in plain text where the file's rules say encrypted.
    pub plaintext_values: Vec<String>,
    /// Everything wrong with it, most severe first.
    pub findings: Vec<Finding>,
}

impl FileStatus {
    /// The file's state: its most severe finding, else `ok`.
    pub fn state(&self) -> &'static str {
        self.findings.first().map_or("ok", |finding| finding.name())
    }

    /// Whether the data key is within its policy: `None` when there is no policy or no key.
    pub fn within_policy(&self) -> Option<bool> {
        let (max_age, _) = self.policy?;
        Some(self.key_age?.seconds <= max_age.seconds())
    }
}

/// What `status` needs besides each file.
pub struct Inspector<'a> {
    /// The config, if one was found.
    pub config: Option<&'a Config>,
    /// `--max-age`: a policy for every file, over the config's.
    pub max_age: Option<MaxAge>,
    /// The time ages are measured to.
    pub now: Timestamp,
}

impl Inspector<'_> {
    /// The state of the file at `path` whose content is `bytes`; `None` when the file is not
    /// one `status` reports (no rule covers it and it carries no sops metadata).
    pub fn inspect(&self, path: &Path, bytes: &[u8]) -> Option<FileStatus> {
        let covering = self.config.and_then(|config| config.covering_rule(path));
        if covering.is_none() && !may_be_sops(bytes) {
            return None;
        }
        let name = path.display().to_string();
        let mut status = FileStatus {
            path: path.to_path_buf(),
            encrypted: true,
            rule: covering.map(|(index, rule)| RuleRef {
                index,
                path_regex: rule.path_regex.as_ref().map(|re| re.as_str().to_string()),
            }),
            recipients: None,
            key_age: None,
            policy: self.policy(covering.map(|(_, rule)| rule)),
            mac: None,
            problem: None,
            plaintext_values: Vec::new(),
            findings: Vec::new(),
        };
        match scan(Format::from_path(path), bytes, &name) {
            Scanned::Plaintext if covering.is_none() => return None,
            Scanned::Plaintext => {
                status.encrypted = false;
                status.findings.push(Finding::Leak);
            }
            Scanned::Broken(error) => {
                status.problem = Some(problem_line(&error, &name));
                status.findings.push(Finding::Broken);
            }
            Scanned::Sops(file) => self.inspect_sops(&file, covering, &mut status),
        }
        if covering.is_none() && status.encrypted {
            status.findings.push(Finding::NoRule);
        }
        status.findings.sort();
        Some(status)
    }

    fn policy(&self, rule: Option<&CreationRule>) -> Option<(MaxAge, PolicySource)> {
        if let Some(max_age) = self.max_age {
            return Some((max_age, PolicySource::Flag));
        }
        if let Some(rotation) = rule.and_then(|rule| rule.rotation) {
            return Some((rotation.max_age, PolicySource::Rule));
        }
        let rotation = self.config?.rotation?;
        Some((rotation.max_age, PolicySource::Config))
    }

    fn inspect_sops(
        &self,
        file: &SopsFile,
        covering: Option<(usize, &CreationRule)>,
        status: &mut FileStatus,
    ) {
        let has_mac = file.metadata.is_complete();
        status.mac = Some(has_mac);
        if !has_mac {
            status.findings.push(Finding::NoMac);
        }
        status.plaintext_values = file.find_plaintext().values;
        if !status.plaintext_values.is_empty() {
            status.findings.push(Finding::PlaintextValue);
        }
        if let Some((_, rule)) = covering
            && rule.key_groups.iter().any(|group| !group.is_empty())
        {
            let recipients = recipients(file, rule);
            if recipients.drifted() {
                status.findings.push(Finding::Drift);
            }
            status.recipients = Some(recipients);
        }
        status.key_age = Some(key_age(file, self.now));
        if status.within_policy() == Some(false) {
            status.findings.push(Finding::Overdue);
        }
    }
}

/// A file's recipients against its creation rule's, as `updatekeys` would see them.
pub fn recipients(file: &SopsFile, rule: &CreationRule) -> Recipients {
    let update = KeyUpdate::plan(file, rule);
    let [missing, extra] = key_difference(&update.current, &update.wanted);
    let groups_differ = update.is_needed() && missing.is_empty() && extra.is_empty();
    Recipients {
        missing,
        extra,
        groups_differ,
    }
}

/// How old a file's data key is at least: measured from the earliest of `lastmodified` and the
/// master keys' `created_at` (see the module's header).
pub fn key_age(file: &SopsFile, now: Timestamp) -> KeyAge {
    let metadata = &file.metadata;
    let oldest_created = metadata
        .key_groups
        .iter()
        .flatten()
        .filter_map(|slot| slot.created_at)
        .min_by_key(|at| at.0);
    let (since, basis) = match oldest_created {
        Some(created) if created.0 <= metadata.last_modified.0 => (created, AgeBasis::CreatedAt),
        _ => (metadata.last_modified, AgeBasis::LastModified),
    };
    let seconds = (now.0 - since.0).whole_seconds().max(0) as u64;
    KeyAge {
        since,
        basis,
        seconds,
    }
}

/// Counts over a set of file states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files reported.
    pub files: usize,
    /// Files per state, in [`Finding::ALL`]'s order then `ok`; states no file has are left out.
    pub states: Vec<(&'static str, usize)>,
    /// Files with a rotation policy and a data key whose age is known.
    pub with_policy: usize,
    /// Of those, the files whose data key is within the policy.
    pub within_policy: usize,
}

impl Summary {
    /// Counts `files`.
    pub fn of(files: &[FileStatus]) -> Summary {
        let names = Finding::ALL
            .iter()
            .map(|finding| finding.name())
            .chain(["ok"]);
        let states = names
            .map(|name| (name, files.iter().filter(|f| f.state() == name).count()))
            .filter(|(_, count)| *count > 0)
            .collect();
        let judged: Vec<bool> = files.iter().filter_map(FileStatus::within_policy).collect();
        Summary {
            files: files.len(),
            states,
            with_policy: judged.len(),
            within_policy: judged.iter().filter(|within| **within).count(),
        }
    }

    /// Rotation coverage in percent (files within policy / files with a policy), `None`
    /// without any policy.
    pub fn coverage_percent(&self) -> Option<f64> {
        (self.with_policy > 0).then(|| 100.0 * self.within_policy as f64 / self.with_policy as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_classes_cover_every_finding() {
        for finding in Finding::ALL {
            assert!(FailClass::ALL.contains(&finding.class()));
        }
        assert_eq!(FailClass::from_name("drift"), Some(FailClass::Drift));
        assert_eq!(FailClass::from_name("nope"), None);
    }

    /// `updatekeys` re-stamps `created_at` without a new data key: then `lastmodified`, the
    /// earlier of the two, dates the key; a `created_at` before it does.
    #[test]
    fn the_data_key_is_dated_by_the_earliest_timestamp() {
        let file = |created: &str| {
            let text = format!(
                "a: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\nsops:\n    pgp:\n        \
                 - created_at: \"{created}\"\n          enc: x\n          \
                 fp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n    \
                 lastmodified: \"2026-03-01T00:00:00Z\"\n    mac: m\n    version: 3.12.2\n"
            );
            SopsFile::parse(Format::Yaml, text.as_bytes(), "a.yaml").unwrap()
        };
        let now = Timestamp::parse_rfc3339("2026-03-11T00:00:00Z").unwrap();
        let renewed = key_age(&file("2026-03-05T00:00:00Z"), now);
        assert_eq!(renewed.basis, AgeBasis::LastModified);
        assert_eq!(renewed.seconds, 10 * 86_400);
        let original = key_age(&file("2026-02-01T00:00:00Z"), now);
        assert_eq!(original.basis, AgeBasis::CreatedAt);
        assert_eq!(original.since.to_rfc3339(), "2026-02-01T00:00:00Z");
        let future = key_age(&file("2026-02-01T00:00:00Z"), original.since);
        assert_eq!(future.seconds, 0);
    }

    #[test]
    fn plain_files_no_rule_covers_are_not_reported() {
        let config = Config::parse(
            b"creation_rules:\n  - path_regex: ^secrets/\n    age: age1x\n",
            Path::new("/r/.sops.yaml"),
        )
        .unwrap();
        let inspector = Inspector {
            config: Some(&config),
            max_age: None,
            now: Timestamp::now_utc_seconds(),
        };
        assert!(
            inspector
                .inspect(Path::new("/r/README.md"), b"# hi\n")
                .is_none()
        );
        let leak = inspector
            .inspect(Path::new("/r/secrets/a.yaml"), b"password: hunter2\n")
            .unwrap();
        assert_eq!(leak.state(), "leak");
        assert_eq!(leak.rule.unwrap().index, 0);
    }
}
