//! The configuration file: `.sops-rs.yaml`, or sops's `.sops.yaml` where that is absent.
//!
//! Found by walking up from the current directory (the nearest directory holding either file
//! wins, `.sops-rs.yaml` first), or named with `--config` / `SOPS_CONFIG`. It is parsed with our
//! own YAML store into the tree and read field by field, so every error names the file, the rule
//! and the field. Unknown fields are ignored, as sops does, and listed ([`lint`]) so that commands
//! can warn about them and `check` can fail on them.

pub mod lint;
pub mod rotation;

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::formats::Format;
pub use crate::keys::KeySpec;
use crate::keys::kind::GroupEntries;
use crate::keys::{KeyOptions, registry};
use crate::selection::{RULE_FIELDS, Rule};
use crate::tree::{ListItem, Map, Scalar, Value};
pub use lint::UnknownKey;
pub use rotation::{MaxAge, Rotation};

/// The file names looked for in each directory, in order.
pub const CONFIG_NAMES: [&str; 2] = [".sops-rs.yaml", ".sops.yaml"];

/// A configuration problem, naming the file and where in it.
#[derive(Debug, thiserror::Error)]
#[error("config {file}: {message}")]
pub struct ConfigError {
    /// The config file.
    pub file: String,
    /// What is wrong, starting with the field path (`creation_rules[1].age`).
    pub message: String,
}

/// A creation rule: which keys and settings new files under a path get.
#[derive(Clone, Debug)]
pub struct CreationRule {
    /// Matches the file path relative to the config's directory (unanchored).
    pub path_regex: Option<Regex>,
    /// Key groups (one group unless `key_groups` was used).
    pub key_groups: Vec<Vec<KeySpec>>,
    /// Shamir threshold (0: all groups).
    pub shamir_threshold: usize,
    /// The selection rule, if any.
    pub rule: Option<Rule>,
    /// Whether only encrypted values go into the MAC.
    pub mac_only_encrypted: bool,
    /// `rotation`: how old the data key of a file this rule covers may get (`status`).
    pub rotation: Option<Rotation>,
}

/// Output layout settings (`stores:`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stores {
    /// `stores.yaml.indent`.
    pub yaml_indent: Option<i64>,
    /// `stores.json.indent`.
    pub json_indent: Option<i64>,
    /// `stores.json_binary.indent`.
    pub json_binary_indent: Option<i64>,
}

/// A destination rule: where `publish` sends the files whose path it matches.
#[derive(Clone, Debug)]
pub struct DestinationRule {
    /// Matches the file path as given on the command line (unanchored; absent: every file).
    pub path_regex: Option<Regex>,
    /// The destinations the rule names, in the order s3, gcs, vault. `publish` needs exactly
    /// one; the check is left to it, so that other commands are not stopped by a bad rule.
    pub destinations: Vec<Destination>,
    /// `recreation_rule`: the keys (and suffix rule) the file is encrypted for again before an
    /// S3 or GCS upload. `None` when absent or when it names no keys.
    pub recreation_rule: Option<CreationRule>,
    /// `omit_extensions`: the object or secret name loses the file's extension.
    pub omit_extensions: bool,
}

/// Where a destination rule publishes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// `s3_bucket` and `s3_prefix`: the encrypted file becomes object `prefix + name`.
    S3 {
        /// The bucket.
        bucket: String,
        /// Put before the name as is (add the `/` yourself).
        prefix: String,
    },
    /// `gcs_bucket` and `gcs_prefix`: the encrypted file becomes object `prefix + name`.
    Gcs {
        /// The bucket.
        bucket: String,
        /// Put before the name as is.
        prefix: String,
    },
    /// `vault_path` and friends: the decrypted values become a Vault KV secret.
    VaultKv {
        /// `vault_address`; `None`: `VAULT_ADDR`, else `https://127.0.0.1:8200`.
        address: Option<String>,
        /// `vault_path`, ending in `/`.
        path: String,
        /// `vault_kv_mount_name`, ending in `/` (default `secret/`).
        mount: String,
        /// `vault_kv_version`: 1, else 2.
        version: u8,
    },
}

/// The `audit:` section (a sops-rs extension; sops ignores unknown keys). A config file is the
/// repository's, which is untrusted input (CI decrypts pull requests), so it may only raise the
/// mode and name a log inside its own directory (docs/audit.md); destinations elsewhere come
/// from the user's environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditSettings {
    /// `audit.log`: a JSON Lines file inside the config's directory (given relative to it, no
    /// `..`; joined to the directory here), or `-` for stderr.
    pub log: Option<PathBuf>,
    /// `audit.mode`: off, best_effort or required.
    pub mode: Option<String>,
}

/// The user's own sops-rs config, under `$XDG_CONFIG_HOME` (else `~/.config`). Only its `audit:`
/// section is read, and it is trusted like the user's environment: any log path, an OTLP
/// endpoint, a head file.
pub const USER_CONFIG: &str = "sops-rs/config.yaml";

/// The `audit:` section of the user's config ([`USER_CONFIG`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserAuditSettings {
    /// The file it was read from.
    pub path: PathBuf,
    /// `audit.log`: a log anywhere (relative paths start at the config's directory), or `-`.
    pub log: Option<PathBuf>,
    /// `audit.mode`.
    pub mode: Option<String>,
    /// `audit.otlp_endpoint`: a collector base URL (`/v1/logs` is appended).
    pub otlp_endpoint: Option<String>,
    /// `audit.head`: the head file (as `SOPS_RS_AUDIT_HEAD`).
    pub head: Option<PathBuf>,
}

impl UserAuditSettings {
    /// Reads the user's config at `path`; `Ok(None)` when there is no such file.
    pub fn load(path: &Path) -> Result<Option<UserAuditSettings>, ConfigError> {
        let Some((file, root)) = read_user_config(path)? else {
            return Ok(None);
        };
        let reader = Reader { file: &file };
        let empty = Map::default();
        let audit = match root.get("audit") {
            None | Some(Value::Scalar(Scalar::Null)) => &empty,
            Some(Value::Map(audit)) => audit,
            Some(_) => return Err(reader.error("audit: expected a mapping")),
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let place = |p: String| {
            if p == "-" {
                PathBuf::from(p)
            } else {
                dir.join(p)
            }
        };
        let settings = UserAuditSettings {
            path: path.to_path_buf(),
            log: reader.text(audit, "log", "audit.")?.map(place),
            mode: reader.text(audit, "mode", "audit.")?,
            otlp_endpoint: reader.text(audit, "otlp_endpoint", "audit.")?,
            head: reader.text(audit, "head", "audit.")?.map(|p| dir.join(p)),
        };
        check_audit_mode(&reader, settings.mode.as_deref())?;
        Ok(Some(settings))
    }
}

/// The `telemetry:` section of the user's config ([`USER_CONFIG`]): where traces and metrics go.
/// Only the user's own config has one; the environment wins over it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserTelemetrySettings {
    /// `telemetry.otlp_endpoint`: a collector base URL (`/v1/traces`, `/v1/metrics` appended).
    pub otlp_endpoint: Option<String>,
    /// `telemetry.metrics_pushgateway`: a Prometheus Pushgateway base URL.
    pub metrics_pushgateway: Option<String>,
    /// `telemetry.metrics_job`: the Pushgateway job name.
    pub metrics_job: Option<String>,
    /// `telemetry.metrics_instance`: the Pushgateway `instance` grouping label.
    pub metrics_instance: Option<String>,
    /// `telemetry.metrics_textfile`: a node_exporter textfile (relative to the config's directory).
    pub metrics_textfile: Option<PathBuf>,
}

impl UserTelemetrySettings {
    /// Reads the `telemetry:` section of the user's config at `path`; `Ok(None)` when there is
    /// no such file or no such section.
    pub fn load(path: &Path) -> Result<Option<UserTelemetrySettings>, ConfigError> {
        let Some((file, root)) = read_user_config(path)? else {
            return Ok(None);
        };
        let reader = Reader { file: &file };
        let section = match root.get("telemetry") {
            None | Some(Value::Scalar(Scalar::Null)) => return Ok(None),
            Some(Value::Map(section)) => section,
            Some(_) => return Err(reader.error("telemetry: expected a mapping")),
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let at = "telemetry.";
        Ok(Some(UserTelemetrySettings {
            otlp_endpoint: reader.text(section, "otlp_endpoint", at)?,
            metrics_pushgateway: reader.text(section, "metrics_pushgateway", at)?,
            metrics_job: reader.text(section, "metrics_job", at)?,
            metrics_instance: reader.text(section, "metrics_instance", at)?,
            metrics_textfile: reader
                .text(section, "metrics_textfile", at)?
                .map(|p| dir.join(p)),
        }))
    }
}

/// The user's config at `path` (its name for errors, and its first document, empty when it has
/// none); `Ok(None)` when there is no such file.
fn read_user_config(path: &Path) -> Result<Option<(String, Map)>, ConfigError> {
    if !path.exists() {
        return Ok(None);
    }
    let file = path.display().to_string();
    let reader = Reader { file: &file };
    let bytes = crate::bounded::read_file(path, crate::bounded::Kind::Config)
        .map_err(|e| reader.error(format!("cannot read: {e}")))?;
    let tree = Format::Yaml
        .parse(&bytes)
        .map_err(|e| reader.error(e.to_string()))?;
    let root = tree.documents.into_iter().next().unwrap_or_default();
    Ok(Some((file, root)))
}

fn check_audit_mode(reader: &Reader, mode: Option<&str>) -> Result<(), ConfigError> {
    match mode {
        Some(mode) if crate::audit::Mode::parse(mode).is_none() => Err(reader.error(format!(
            "audit.mode: {mode:?} is not off, best_effort or required"
        ))),
        _ => Ok(()),
    }
}

/// The audit settings a repository's config may not make, and where they belong instead.
const AUDIT_USER_ONLY: [(&str, &str); 1] = [(
    "otlp_endpoint",
    "a repository config cannot send audit records to an endpoint; set \
     SOPS_RS_AUDIT_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT in the environment, or \
     audit.otlp_endpoint in your own ~/.config/sops-rs/config.yaml, instead",
)];

/// Why `log` cannot be a repository's `audit.log`, if it cannot.
fn outside_repository(log: &str) -> Option<&'static str> {
    let path = Path::new(log);
    if log.is_empty() {
        Some("is empty")
    } else if path.is_absolute() {
        Some("is an absolute path")
    } else if path
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        Some("leaves the repository through \"..\"")
    } else {
        None
    }
}

/// A parsed configuration file.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where it was read from.
    pub path: PathBuf,
    /// `creation_rules`; `None` when the key is absent.
    pub creation_rules: Option<Vec<CreationRule>>,
    /// `destination_rules`.
    pub destination_rules: Vec<DestinationRule>,
    /// `stores`.
    pub stores: Stores,
    /// `audit`.
    pub audit: AuditSettings,
    /// The top-level `rotation`: the policy of the creation rules that set none.
    pub rotation: Option<Rotation>,
    /// The keys sops-rs does not know, which reading ignored (a misspelt `path_regex` makes a
    /// rule match every file).
    pub unknown_keys: Vec<UnknownKey>,
}

/// Walks up from `start` (at most 100 levels) to the nearest config file.
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    for _ in 0..100 {
        let current = dir?;
        for name in CONFIG_NAMES {
            let candidate = current.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        dir = current.parent();
    }
    None
}

struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.file.to_string(),
            message: message.into(),
        }
    }

    fn text(&self, map: &Map, field: &str, at: &str) -> Result<Option<String>, ConfigError> {
        match map.get(field) {
            None | Some(Value::Scalar(Scalar::Null)) => Ok(None),
            Some(Value::Scalar(Scalar::Str(s))) => Ok(Some(s.clone())),
            Some(Value::Scalar(Scalar::Int(i))) => Ok(Some(i.to_string())),
            Some(Value::Scalar(Scalar::Bool(b))) => Ok(Some(b.to_string())),
            Some(_) => Err(self.error(format!("{at}{field}: expected a string"))),
        }
    }

    fn int(&self, map: &Map, field: &str, at: &str) -> Result<Option<i64>, ConfigError> {
        match map.get(field) {
            None | Some(Value::Scalar(Scalar::Null)) => Ok(None),
            Some(Value::Scalar(Scalar::Int(i))) => Ok(Some(*i)),
            Some(_) => Err(self.error(format!("{at}{field}: expected an integer"))),
        }
    }

    fn bool(&self, map: &Map, field: &str, at: &str) -> Result<bool, ConfigError> {
        match map.get(field) {
            None | Some(Value::Scalar(Scalar::Null)) => Ok(false),
            Some(Value::Scalar(Scalar::Bool(b))) => Ok(*b),
            Some(_) => Err(self.error(format!("{at}{field}: expected true or false"))),
        }
    }

    fn regex(&self, map: &Map, field: &str, at: &str) -> Result<Option<Regex>, ConfigError> {
        match self.text(map, field, at)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => Regex::new(&text)
                .map(Some)
                .map_err(|e| self.error(format!("{at}{field}: invalid regex: {e}"))),
        }
    }

    /// A key list given as a comma-separated string or a list of strings (each of which may
    /// itself hold commas); entries trimmed, empty ones dropped.
    fn key_list(&self, map: &Map, field: &str, at: &str) -> Result<Vec<String>, ConfigError> {
        let split = |s: &str| -> Vec<String> {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        match map.get(field) {
            None | Some(Value::Scalar(Scalar::Null)) => Ok(Vec::new()),
            Some(Value::Scalar(Scalar::Str(s))) => Ok(split(s)),
            Some(Value::List(items)) => {
                let mut out = Vec::new();
                for (index, item) in values(items).enumerate() {
                    match item {
                        Value::Scalar(Scalar::Str(s)) => out.extend(split(s)),
                        _ => {
                            return Err(
                                self.error(format!("{at}{field}[{index}]: expected a string"))
                            );
                        }
                    }
                }
                Ok(out)
            }
            Some(_) => Err(self.error(format!(
                "{at}{field}: expected a comma-separated string or a list of strings"
            ))),
        }
    }

    /// The keys of a creation rule without `key_groups`: each kind's rule field, a list of ids.
    fn flat_group(&self, map: &Map, at: &str) -> Result<Vec<KeySpec>, ConfigError> {
        let options = KeyOptions {
            aws_profile: self.text(map, "aws_profile", at)?,
            kms_context: Vec::new(),
        };
        let mut keys = Vec::new();
        for kind in registry::all() {
            for id in self.key_list(map, kind.descriptor().config.rule_field, at)? {
                keys.push(kind.spec(&id, &options));
            }
        }
        Ok(keys)
    }

    fn key_group(&self, map: &Map, at: &str) -> Result<Vec<KeySpec>, ConfigError> {
        let mut keys = Vec::new();
        if let Some(merge) = map.get("merge") {
            let Value::List(items) = merge else {
                return Err(self.error(format!("{at}merge: expected a list of key groups")));
            };
            for (index, item) in values(items).enumerate() {
                let Value::Map(inner) = item else {
                    return Err(self.error(format!("{at}merge[{index}]: expected a mapping")));
                };
                keys.extend(self.key_group(inner, &format!("{at}merge[{index}]."))?);
            }
        }
        for kind in registry::all() {
            let syntax = &kind.descriptor().config;
            let field = syntax.group_field;
            match syntax.group_entries {
                GroupEntries::Ids => {
                    for id in self.key_list(map, field, at)? {
                        keys.push(kind.spec(&id, &registry::NO_OPTIONS));
                    }
                }
                GroupEntries::Entries(read) => {
                    for (index, entry) in self.entry_list(map, field, at)?.into_iter().enumerate() {
                        let here = format!("{at}{field}[{index}].");
                        keys.push(read(entry).map_err(|e| {
                            self.error(format!("{here}{}: {}", e.field, e.message))
                        })?);
                    }
                }
            }
        }
        let mut unique: Vec<KeySpec> = Vec::new();
        for key in keys {
            if !unique.contains(&key) {
                unique.push(key);
            }
        }
        Ok(unique)
    }

    fn entry_list<'m>(
        &self,
        map: &'m Map,
        field: &str,
        at: &str,
    ) -> Result<Vec<&'m Map>, ConfigError> {
        match map.get(field) {
            None | Some(Value::Scalar(Scalar::Null)) => Ok(Vec::new()),
            Some(Value::List(items)) => values(items)
                .enumerate()
                .map(|(index, item)| match item {
                    Value::Map(m) => Ok(m),
                    _ => Err(self.error(format!("{at}{field}[{index}]: expected a mapping"))),
                })
                .collect(),
            Some(_) => Err(self.error(format!("{at}{field}: expected a list"))),
        }
    }

    fn creation_rule(&self, map: &Map, at: &str) -> Result<CreationRule, ConfigError> {
        let groups = self.entry_list(map, "key_groups", at)?;
        let key_groups = if groups.is_empty() {
            vec![self.flat_group(map, at)?]
        } else {
            groups
                .into_iter()
                .enumerate()
                .map(|(index, group)| self.key_group(group, &format!("{at}key_groups[{index}].")))
                .collect::<Result<_, _>>()?
        };
        let texts: Vec<String> = RULE_FIELDS
            .iter()
            .map(|field| self.text(map, field, at).map(Option::unwrap_or_default))
            .collect::<Result<_, _>>()?;
        let pairs: Vec<(&'static str, &str)> = RULE_FIELDS
            .iter()
            .copied()
            .zip(texts.iter().map(String::as_str))
            .collect();
        let rule = Rule::from_fields(&pairs).map_err(|e| self.error(format!("{at}: {e}")))?;
        let threshold = self.int(map, "shamir_threshold", at)?.unwrap_or(0);
        if !(0..=255).contains(&threshold) {
            return Err(self.error(format!("{at}shamir_threshold: must be between 0 and 255")));
        }
        Ok(CreationRule {
            path_regex: self.regex(map, "path_regex", at)?,
            key_groups,
            shamir_threshold: threshold as usize,
            rule,
            mac_only_encrypted: self.bool(map, "mac_only_encrypted", at)?,
            rotation: self.rotation(map, at)?,
        })
    }

    /// A `rotation:` section of `map`, if it has one.
    fn rotation(&self, map: &Map, at: &str) -> Result<Option<Rotation>, ConfigError> {
        let section = match map.get("rotation") {
            None | Some(Value::Scalar(Scalar::Null)) => return Ok(None),
            Some(Value::Map(section)) => section,
            Some(_) => {
                return Err(self.error(format!("{at}rotation: expected a mapping (max_age: 90d)")));
            }
        };
        let here = format!("{at}rotation.");
        let Some(text) = self.text(section, "max_age", &here)? else {
            return Err(self.error(format!("{here}max_age: missing (for example max_age: 90d)")));
        };
        let max_age =
            MaxAge::parse(&text).map_err(|e| self.error(format!("{here}max_age: {e}")))?;
        Ok(Some(Rotation { max_age }))
    }

    fn destination_rule(&self, map: &Map, at: &str) -> Result<DestinationRule, ConfigError> {
        let text = |field: &str| -> Result<String, ConfigError> {
            Ok(self.text(map, field, at)?.unwrap_or_default())
        };
        let mut destinations = Vec::new();
        let s3_bucket = text("s3_bucket")?;
        if !s3_bucket.is_empty() {
            destinations.push(Destination::S3 {
                bucket: s3_bucket,
                prefix: text("s3_prefix")?,
            });
        }
        let gcs_bucket = text("gcs_bucket")?;
        if !gcs_bucket.is_empty() {
            destinations.push(Destination::Gcs {
                bucket: gcs_bucket,
                prefix: text("gcs_prefix")?,
            });
        }
        let vault_path = text("vault_path")?;
        if !vault_path.is_empty() {
            let with_slash = |s: String| if s.ends_with('/') { s } else { s + "/" };
            let mount = text("vault_kv_mount_name")?;
            destinations.push(Destination::VaultKv {
                address: Some(text("vault_address")?).filter(|a| !a.is_empty()),
                path: with_slash(vault_path),
                mount: with_slash(if mount.is_empty() {
                    "secret".into()
                } else {
                    mount
                }),
                version: match self.int(map, "vault_kv_version", at)? {
                    Some(1) => 1,
                    _ => 2,
                },
            });
        }
        // sops reads `recreation_rule` only; any other spelling (sops's own functional-test
        // config has `reencryption_rule`) is an unknown key and ignored like every other.
        let recreation_rule = match map.get("recreation_rule") {
            None | Some(Value::Scalar(Scalar::Null)) => None,
            Some(Value::Map(rule)) => {
                Some(self.creation_rule(rule, &format!("{at}recreation_rule."))?)
            }
            Some(_) => return Err(self.error(format!("{at}recreation_rule: expected a mapping"))),
        };
        Ok(DestinationRule {
            path_regex: self.regex(map, "path_regex", at)?,
            destinations,
            recreation_rule: recreation_rule.filter(|rule| {
                rule.key_groups
                    .first()
                    .is_some_and(|group| !group.is_empty())
            }),
            omit_extensions: self.bool(map, "omit_extensions", at)?,
        })
    }

    fn stores(&self, map: &Map) -> Result<Stores, ConfigError> {
        let Some(value) = map.get("stores") else {
            return Ok(Stores::default());
        };
        let Value::Map(stores) = value else {
            return Err(self.error("stores: expected a mapping"));
        };
        let indent = |name: &str| -> Result<Option<i64>, ConfigError> {
            match stores.get(name) {
                Some(Value::Map(store)) => self.int(store, "indent", &format!("stores.{name}.")),
                _ => Ok(None),
            }
        };
        let result = Stores {
            yaml_indent: indent("yaml")?,
            json_indent: indent("json")?,
            json_binary_indent: indent("json_binary")?,
        };
        if result.yaml_indent.is_some_and(|n| n < 0) {
            return Err(self.error("stores.yaml.indent: must not be negative"));
        }
        if result.json_indent.is_some_and(|n| n < -1)
            || result.json_binary_indent.is_some_and(|n| n < -1)
        {
            return Err(self.error("stores.json.indent: must be -1 (tab) or more"));
        }
        Ok(result)
    }
}

fn values(items: &[ListItem]) -> impl Iterator<Item = &Value> {
    items.iter().filter_map(|item| match item {
        ListItem::Value(v) => Some(v),
        ListItem::Comment(_) => None,
    })
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let bytes = crate::bounded::read_file(path, crate::bounded::Kind::Config).map_err(|e| {
            ConfigError {
                file: file.clone(),
                message: format!("cannot read: {e}"),
            }
        })?;
        Self::parse(&bytes, path)
    }

    /// Parses config text; `path` names it and anchors `path_regex`.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let reader = Reader { file: &file };
        let tree = Format::Yaml
            .parse(bytes)
            .map_err(|e| reader.error(e.to_string()))?;
        let empty = Map::default();
        let root = tree.documents.first().unwrap_or(&empty);
        let creation_rules = match root.get("creation_rules") {
            None | Some(Value::Scalar(Scalar::Null)) => None,
            Some(_) => Some(
                reader
                    .entry_list(root, "creation_rules", "")?
                    .into_iter()
                    .enumerate()
                    .map(|(index, rule)| {
                        reader.creation_rule(rule, &format!("creation_rules[{index}]."))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let destination_rules = reader
            .entry_list(root, "destination_rules", "")?
            .into_iter()
            .enumerate()
            .map(|(index, rule)| {
                reader.destination_rule(rule, &format!("destination_rules[{index}]."))
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let audit = match root.get("audit") {
            None | Some(Value::Scalar(Scalar::Null)) => AuditSettings::default(),
            Some(Value::Map(audit)) => {
                for (field, why) in AUDIT_USER_ONLY {
                    if audit.get(field).is_some() {
                        return Err(reader.error(format!("audit.{field}: {why}")));
                    }
                }
                let dir = path.parent().unwrap_or(Path::new("."));
                let log = reader.text(audit, "log", "audit.")?;
                if let Some((log, why)) = log
                    .as_deref()
                    .filter(|log| *log != "-")
                    .and_then(|log| Some((log, outside_repository(log)?)))
                {
                    return Err(reader.error(format!(
                        "audit.log: {log:?} {why}; a repository config may only name a log \
                         inside its own directory (name others with --audit-log, \
                         SOPS_RS_AUDIT_LOG or your own ~/.config/sops-rs/config.yaml)"
                    )));
                }
                AuditSettings {
                    log: log.map(|log| {
                        if log == "-" {
                            PathBuf::from("-")
                        } else {
                            dir.join(log)
                        }
                    }),
                    mode: reader.text(audit, "mode", "audit.")?,
                }
            }
            Some(_) => return Err(reader.error("audit: expected a mapping")),
        };
        check_audit_mode(&reader, audit.mode.as_deref())?;
        Ok(Config {
            path: path.to_path_buf(),
            creation_rules,
            destination_rules,
            stores: reader.stores(root)?,
            audit,
            rotation: reader.rotation(root, "")?,
            unknown_keys: lint::unknown_keys(root, &file),
        })
    }

    /// The first destination rule whose `path_regex` matches `file`, which is matched as the
    /// caller names it (sops matches the path given on the command line, not one relative to
    /// the config). `None` when no rule matches.
    pub fn destination_rule_for(&self, file: &Path) -> Option<&DestinationRule> {
        let text = file.to_string_lossy();
        self.destination_rules
            .iter()
            .find(|rule| rule.path_regex.as_ref().is_none_or(|re| re.is_match(&text)))
    }

    /// The creation rule that covers `file`, with its index in `creation_rules`: `None` when
    /// the config has no creation rules or none matches.
    pub fn covering_rule(&self, file: &Path) -> Option<(usize, &CreationRule)> {
        let rule = self.rule_for(file).ok()??;
        let index = self
            .creation_rules
            .iter()
            .flatten()
            .position(|candidate| std::ptr::eq(candidate, rule))?;
        Some((index, rule))
    }

    /// The rotation policy for a file `rule` covers: the rule's own, else the config's default.
    pub fn rotation_for(&self, rule: Option<&CreationRule>) -> Option<Rotation> {
        rule.and_then(|rule| rule.rotation).or(self.rotation)
    }

    /// The first creation rule whose `path_regex` matches `file` (relative to the config's
    /// directory when inside it, else absolute). `Ok(None)` when the config has no
    /// `creation_rules`; an error when it has some and none matches.
    pub fn rule_for(&self, file: &Path) -> Result<Option<&CreationRule>, ConfigError> {
        let Some(rules) = &self.creation_rules else {
            return Ok(None);
        };
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let config_dir = self
            .path
            .parent()
            .and_then(|d| std::path::absolute(d).ok())
            .unwrap_or_default();
        let relative = absolute.strip_prefix(&config_dir).unwrap_or(&absolute);
        let text = relative.to_string_lossy();
        rules
            .iter()
            .find(|rule| rule.path_regex.as_ref().is_none_or(|re| re.is_match(&text)))
            .map(Some)
            .ok_or_else(|| ConfigError {
                file: self.path.display().to_string(),
                message: format!("no creation rule matches {}", file.display()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
creation_rules:
  - path_regex: secrets/.*\.yaml$
    encrypted_regex: ^(password|token)$
    age: age1aaa, age1bbb
  - path_regex: groups/
    shamir_threshold: 2
    key_groups:
      - age: [age1ccc]
        pgp: ["FBC7 B9E2"]
      - merge:
          - age: [age1ddd]
        kms:
          - arn: arn:aws:kms:us-east-1:1:key/x
            role: arn:aws:iam::1:role/r
            context: {b: "2", a: "1"}
  - age:
      - age1eee
stores:
  yaml: {indent: 2}
  json: {indent: -1}
"#;

    fn config() -> Config {
        Config::parse(SAMPLE.as_bytes(), Path::new("/repo/.sops.yaml")).unwrap()
    }

    #[test]
    fn picks_rules_by_path_relative_to_the_config() {
        let config = config();
        let rule = config
            .rule_for(Path::new("/repo/secrets/app.yaml"))
            .unwrap()
            .unwrap();
        assert_eq!(
            rule.key_groups[0]
                .iter()
                .map(|k| k.id.as_str())
                .collect::<Vec<_>>(),
            ["age1aaa", "age1bbb"]
        );
        assert!(matches!(rule.rule, Some(Rule::EncryptedRegex(_))));
        let rule = config
            .rule_for(Path::new("/repo/other.yaml"))
            .unwrap()
            .unwrap();
        assert_eq!(rule.key_groups[0][0].id, "age1eee");
        assert_eq!(config.stores.yaml_indent, Some(2));
    }

    #[test]
    fn reads_key_groups_with_merge_and_kms_details() {
        let config = config();
        let rule = config
            .rule_for(Path::new("/repo/groups/x.json"))
            .unwrap()
            .unwrap();
        assert_eq!(rule.shamir_threshold, 2);
        assert_eq!(rule.key_groups.len(), 2);
        assert_eq!(rule.key_groups[0][1].id, "FBC7B9E2");
        let second = &rule.key_groups[1];
        assert_eq!(second[0].id, "age1ddd");
        assert_eq!(second[1].kms_role.as_deref(), Some("arn:aws:iam::1:role/r"));
        assert_eq!(
            second[1].kms_context,
            vec![("a".into(), "1".into()), ("b".into(), "2".into())]
        );
    }

    #[test]
    fn reads_destination_rules_as_sops_does() {
        let text = "destination_rules:\n\
                    \x20 - path_regex: ^s3/\n    s3_bucket: b\n    s3_prefix: p/\n    \
                    omit_extensions: true\n    recreation_rule:\n      age: age1new\n      \
                    unencrypted_suffix: _plain\n\
                    \x20 - path_regex: kv1\n    vault_path: a/b\n    vault_kv_mount_name: kv\n    \
                    vault_kv_version: 1\n    vault_address: http://v:8200\n\
                    \x20 - path_regex: misspelt\n    gcs_bucket: g\n    reencryption_rule:\n      \
                    age: age1new\n\
                    \x20 - s3_bucket: b\n    vault_path: x\n    vault_kv_version: 7\n";
        let config = Config::parse(text.as_bytes(), Path::new("/r/.sops.yaml")).unwrap();
        let rule = config
            .destination_rule_for(Path::new("s3/app.json"))
            .unwrap();
        assert_eq!(
            rule.destinations,
            [Destination::S3 {
                bucket: "b".into(),
                prefix: "p/".into()
            }]
        );
        assert!(rule.omit_extensions);
        let recreation = rule.recreation_rule.as_ref().unwrap();
        assert_eq!(recreation.key_groups[0][0].id, "age1new");
        assert!(matches!(recreation.rule, Some(Rule::UnencryptedSuffix(_))));
        let rule = config
            .destination_rule_for(Path::new("x/kv1.json"))
            .unwrap();
        assert_eq!(
            rule.destinations,
            [Destination::VaultKv {
                address: Some("http://v:8200".into()),
                path: "a/b/".into(),
                mount: "kv/".into(),
                version: 1
            }]
        );
        // Only `recreation_rule` is read (sops's functional-test config misspells it).
        let rule = config
            .destination_rule_for(Path::new("misspelt.json"))
            .unwrap();
        assert!(rule.recreation_rule.is_none());
        // The catch-all names two destinations; `publish` refuses it, parsing does not.
        let rule = config
            .destination_rule_for(Path::new("other.json"))
            .unwrap();
        assert_eq!(rule.destinations.len(), 2);
        assert!(matches!(
            rule.destinations[1],
            Destination::VaultKv { version: 2, ref mount, .. } if mount == "secret/"
        ));
        // The path is matched as named, not relative to the config.
        assert!(
            config
                .destination_rule_for(Path::new("/r/s3/a.json"))
                .unwrap()
                .recreation_rule
                .is_none()
        );
    }

    #[test]
    fn reads_rotation_policies_and_refuses_unbounded_ones() {
        let text = "rotation: {max_age: 90d}\ncreation_rules:\n  - path_regex: ^a/\n    \
                    rotation: {max_age: 2w}\n  - age: x\n";
        let config = Config::parse(text.as_bytes(), Path::new("/r/.sops.yaml")).unwrap();
        let rules = config.creation_rules.as_ref().unwrap();
        assert_eq!(
            config
                .rotation_for(Some(&rules[0]))
                .unwrap()
                .max_age
                .to_string(),
            "2w"
        );
        assert_eq!(
            config
                .rotation_for(Some(&rules[1]))
                .unwrap()
                .max_age
                .to_string(),
            "90d"
        );
        assert_eq!(config.covering_rule(Path::new("/r/b.yaml")).unwrap().0, 1);
        for (bad, field) in [
            ("rotation: 90d\n", "rotation: expected a mapping"),
            (
                "rotation: {max_age: 90}\n",
                "rotation.max_age: expected a number",
            ),
            ("rotation: {}\n", "rotation.max_age: missing"),
            (
                "creation_rules:\n  - rotation: {max_age: 99999d}\n",
                "creation_rules[0].rotation.max_age: must be at most 3650d",
            ),
        ] {
            let err = Config::parse(bad.as_bytes(), Path::new(".sops.yaml")).unwrap_err();
            assert!(err.to_string().contains(field), "{bad:?}: {err}");
        }
    }

    #[test]
    fn errors_name_the_rule_and_field() {
        let bad = "creation_rules:\n  - age: 5\n";
        let err = Config::parse(bad.as_bytes(), Path::new(".sops.yaml")).unwrap_err();
        assert!(err.to_string().contains("creation_rules[0].age"), "{err}");
        let bad = "creation_rules:\n  - encrypted_regex: a\n    encrypted_suffix: b\n";
        let err = Config::parse(bad.as_bytes(), Path::new(".sops.yaml")).unwrap_err();
        assert!(err.to_string().contains("creation_rules[0]"), "{err}");
        let bad = "creation_rules:\n  - path_regex: \"(\"\n";
        let err = Config::parse(bad.as_bytes(), Path::new(".sops.yaml")).unwrap_err();
        assert!(err.to_string().contains("path_regex"), "{err}");
        let only = "creation_rules:\n  - path_regex: ^a\n";
        let config = Config::parse(only.as_bytes(), Path::new("/r/.sops.yaml")).unwrap();
        assert!(config.rule_for(Path::new("/r/b.yaml")).is_err());
    }
}
