//! Audit settings and who may make them. Two trust levels feed them: the user's (the command
//! line, the `SOPS_RS_AUDIT_*` and `OTEL_*` environment variables, and the `audit:` section of
//! the user's own `~/.config/sops-rs/config.yaml`) and the repository's (the
//! `audit:` section of `.sops-rs.yaml` / `.sops.yaml`, which is untrusted input: CI decrypts pull
//! requests). The repository may raise the mode and name a log inside its own directory; every
//! other destination comes from the user. Each sink kind reads its own settings (see
//! [`super::sinks::ALL`]); the mode follows from what was configured.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::sinks::{self, Auditor, Sink};
use super::{HmacKey, Mode, RunContext};
use crate::config::{Config, ConfigError, USER_CONFIG, UserAuditSettings};

/// The variable that holds the audit key (base64 of at least 32 bytes).
pub const HMAC_KEY_VAR: &str = "SOPS_RS_AUDIT_HMAC_KEY";

/// Removes the audit key from the environment of a child sops-rs starts (`exec-env`,
/// `exec-file`, the editor), always: whoever holds it can forge keyed log lines, and no child
/// needs it (`--keep-key-credentials` keeps key credentials, not this).
pub fn withhold_key(command: &mut std::process::Command) {
    command.env_remove(HMAC_KEY_VAR);
}

/// An audit setting that cannot be used; the message names where it came from.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

/// Who made a setting, which decides what it may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The command line and the environment of the user running sops-rs.
    User,
    /// The config file found in (or named for) the repository.
    Repository,
}

/// A log destination as one level named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSetting {
    /// The file, or `-` for standard error.
    pub path: PathBuf,
    /// For a repository's log: the directory it must stay inside.
    pub confined_to: Option<PathBuf>,
}

/// What the sinks read their settings from.
pub struct Sources<'a> {
    env: &'a HashMap<String, String>,
    flag_log: Option<&'a Path>,
    repository: Option<&'a Config>,
    user_config: Option<&'a UserAuditSettings>,
    hmac_key: Option<&'a HmacKey>,
}

impl Sources<'_> {
    /// A user-level environment variable, when set and not blank.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The repository's config, if one was found.
    pub fn repository(&self) -> Option<&Config> {
        self.repository
    }

    /// The `audit:` section of the user's own config, if there is one.
    pub fn user_config(&self) -> Option<&UserAuditSettings> {
        self.user_config
    }

    /// The audit key, if one is set.
    pub fn hmac_key(&self) -> Option<&HmacKey> {
        self.hmac_key
    }

    /// The logs `level` names: `--audit-log`, `SOPS_RS_AUDIT_LOG` and the user's config for the
    /// user, `audit.log` for the repository. A log the user names is not named again by the
    /// repository.
    pub fn log_settings(&self, level: Level) -> Vec<LogSetting> {
        let user: Vec<LogSetting> = self
            .flag_log
            .map(Path::to_path_buf)
            .into_iter()
            .chain(self.var("SOPS_RS_AUDIT_LOG").map(PathBuf::from))
            .chain(self.user_config.and_then(|c| c.log.clone()))
            .map(|path| LogSetting {
                path,
                confined_to: None,
            })
            .fold(Vec::new(), |mut list, log| {
                if !list.contains(&log) {
                    list.push(log);
                }
                list
            });
        match level {
            Level::User => user,
            Level::Repository => {
                let Some(config) = self.repository else {
                    return Vec::new();
                };
                let dir = config.path.parent().unwrap_or(Path::new("."));
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                config
                    .audit
                    .log
                    .iter()
                    .filter(|path| !user.iter().any(|u| &u.path == *path))
                    .map(|path| LogSetting {
                        path: path.clone(),
                        confined_to: Some(dir.to_path_buf()),
                    })
                    .collect()
            }
        }
    }

    /// An error about the repository config's `field`, named like every config error.
    pub fn repository_error(&self, field: &str, message: &str) -> SettingsError {
        let file = self
            .repository
            .map(|c| c.path.display().to_string())
            .unwrap_or_default();
        SettingsError(
            ConfigError {
                file,
                message: format!("{field}: {message}"),
            }
            .to_string(),
        )
    }
}

/// Where the user's own config is: `$XDG_CONFIG_HOME/sops-rs/config.yaml`, else
/// `$HOME/.config/sops-rs/config.yaml` (on Windows `%APPDATA%\sops-rs\config.yaml`).
pub fn user_config_path(env: &HashMap<String, String>) -> Option<PathBuf> {
    let set = |name: &str| env.get(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return set("APPDATA").map(|dir| dir.join(USER_CONFIG));
    }
    let base = set("XDG_CONFIG_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| set("HOME").map(|home| home.join(".config")))?;
    Some(base.join(USER_CONFIG))
}

/// The key in `SOPS_RS_AUDIT_HMAC_KEY` of `env`, if set.
pub fn hmac_key(env: &HashMap<String, String>) -> Result<Option<HmacKey>, SettingsError> {
    match env.get(HMAC_KEY_VAR).filter(|v| !v.is_empty()) {
        Some(text) => HmacKey::from_base64(text).map(Some).map_err(SettingsError),
        None => Ok(None),
    }
}

/// The audit settings of one run: the sinks every level configured and the mode.
pub struct Settings {
    user_mode: Option<Mode>,
    repository_mode: Option<Mode>,
    user_sinks: Vec<Box<dyn Sink>>,
    repository_sinks: Vec<Box<dyn Sink>>,
    hmac_key: Option<HmacKey>,
}

impl Settings {
    /// Gathers the settings from `--audit-log`, the repository's config and the environment the
    /// caller captured (the library reads no process environment).
    pub fn gather(
        flag_log: Option<&Path>,
        config: Option<&Config>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        let hmac_key = hmac_key(env)?;
        let user_config = match user_config_path(env) {
            Some(path) => {
                UserAuditSettings::load(&path).map_err(|e| SettingsError(e.to_string()))?
            }
            None => None,
        };
        let sources = Sources {
            env,
            flag_log,
            repository: config,
            user_config: user_config.as_ref(),
            hmac_key: hmac_key.as_ref(),
        };
        // The environment wins over the user's config; the parser refused a mode it does not
        // know in either config.
        let user_mode = match sources.var("SOPS_RS_AUDIT_MODE") {
            Some(text) => Some(Mode::parse(text).ok_or_else(|| {
                SettingsError(format!(
                    "SOPS_RS_AUDIT_MODE: {text:?} is not off, best_effort or required"
                ))
            })?),
            None => user_config
                .as_ref()
                .and_then(|c| c.mode.as_deref())
                .and_then(Mode::parse),
        };
        let repository_mode = config
            .and_then(|c| c.audit.mode.as_deref())
            .and_then(Mode::parse);
        let build = |level: Level| -> Result<Vec<Box<dyn Sink>>, SettingsError> {
            let mut list = Vec::new();
            for configure in sinks::ALL {
                list.extend(configure(&sources, level)?);
            }
            Ok(list)
        };
        let user_sinks = build(Level::User)?;
        let repository_sinks = build(Level::Repository)?;
        Ok(Settings {
            user_mode,
            repository_mode,
            user_sinks,
            repository_sinks,
            hmac_key,
        })
    }

    /// The mode: each level's named mode, or `best_effort` where it configured a sink that keeps
    /// records and `off` otherwise; the stricter level wins (the repository can raise what the
    /// user asks for, never lower it).
    pub fn mode(&self) -> Mode {
        let level_mode = |named: Option<Mode>, sinks: &[Box<dyn Sink>]| {
            named.unwrap_or(if sinks.iter().any(|s| s.keeps_records()) {
                Mode::BestEffort
            } else {
                Mode::Off
            })
        };
        let rank = |m: Mode| match m {
            Mode::Off => 0,
            Mode::BestEffort => 1,
            Mode::Required => 2,
        };
        let user = level_mode(self.user_mode, &self.user_sinks);
        let repository = level_mode(self.repository_mode, &self.repository_sinks);
        if rank(repository) > rank(user) {
            repository
        } else {
            user
        }
    }

    /// The audit key (`SOPS_RS_AUDIT_HMAC_KEY`), if set.
    pub fn hmac_key(&self) -> Option<&HmacKey> {
        self.hmac_key.as_ref()
    }

    /// The auditor for these settings: `None` when nothing is to be written, an error when the
    /// mode is `required` and no sink keeps records.
    pub fn auditor(self, ctx: RunContext) -> Result<Option<Auditor>, SettingsError> {
        let mode = self.mode();
        let sinks: Vec<Box<dyn Sink>> = self
            .user_sinks
            .into_iter()
            .chain(self.repository_sinks)
            .collect();
        if mode == Mode::Off {
            return Ok(None);
        }
        if !sinks.iter().any(|s| s.keeps_records()) {
            if mode == Mode::Required {
                return Err(SettingsError(
                    "audit mode is required but no audit sink is configured".into(),
                ));
            }
            return Ok(None);
        }
        Ok(Some(Auditor::new(mode, ctx, sinks)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)], config: Option<&str>) -> Result<Settings, SettingsError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = config
            .map(|text| Config::parse(text.as_bytes(), Path::new("/repo/.sops-rs.yaml")).unwrap());
        Settings::gather(None, config.as_ref(), &env)
    }

    #[test]
    fn every_configured_sink_turns_auditing_on() {
        assert_eq!(settings(&[], None).unwrap().mode(), Mode::Off);
        for pairs in [
            [("SOPS_RS_AUDIT_LOG", "/tmp/a.jsonl")],
            [("SOPS_RS_AUDIT_LOG", "-")],
            [("SOPS_RS_AUDIT_OTLP_ENDPOINT", "http://127.0.0.1:1")],
            [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")],
            [(
                "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
                "http://127.0.0.1:1/v1/logs",
            )],
        ] {
            assert_eq!(
                settings(&pairs, None).unwrap().mode(),
                Mode::BestEffort,
                "{pairs:?}"
            );
        }
        // The job summary is a view: on its own it does not turn auditing on.
        let summary = [("GITHUB_STEP_SUMMARY", "/tmp/summary.md")];
        assert_eq!(settings(&summary, None).unwrap().mode(), Mode::Off);
    }

    #[test]
    fn a_repository_raises_the_mode_and_never_lowers_it() {
        let log = [("SOPS_RS_AUDIT_LOG", "/tmp/a.jsonl")];
        let off = Some("audit:\n  mode: off\n");
        assert_eq!(settings(&log, off).unwrap().mode(), Mode::BestEffort);
        let required = [("SOPS_RS_AUDIT_MODE", "required")];
        assert_eq!(settings(&required, off).unwrap().mode(), Mode::Required);
        let raise = Some("audit:\n  mode: required\n");
        assert_eq!(settings(&log, raise).unwrap().mode(), Mode::Required);
        let user_off = [
            ("SOPS_RS_AUDIT_MODE", "off"),
            ("SOPS_RS_AUDIT_LOG", "/tmp/a"),
        ];
        assert_eq!(settings(&user_off, None).unwrap().mode(), Mode::Off);
        assert!(settings(&[("SOPS_RS_AUDIT_MODE", "loud")], None).is_err());
    }
}
