//! The session a command runs in, resolved once from the parsed flags before the command starts
//! (the parsed flags are the low-level arguments, the session the high-level ones): the config
//! file, found and parsed once (a config that does not parse is an error, never "no config";
//! its unknown keys are warned about once, when the command first uses it);
//! the decryption order; the key context, built from the environment once with the audit hook
//! attached; the audit run; and the output gate, which in `required` mode holds standard output,
//! plaintext files and plaintext sent to a service (`publish` to Vault KV) back until the finish
//! record is stored.
//!
//! Each dispatch arm declares what its command does with keys ([`KeyUse`]). A command declared
//! [`KeyUse::NoKeys`] gets a session without a key context; the only other way to get one is
//! [`KeyUse::Audited`], which starts the audit run first. So a command cannot unwrap a key
//! without the audit trail seeing it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use sops_rs::config::Config;
use sops_rs::formats::EmitOptions;
use sops_rs::io::{Contents, Expect, FileLock};
use sops_rs::keys::{AttemptSettings, KeyContext, KeyKind};
use zeroize::Zeroizing;

use super::args::CommonArgs;
use super::audit_run::{AuditRun, FileHook, Settings};
use super::exit::{CliError, code};
use super::input_output::{Input, write_file, write_stdout};
use super::telemetry_run;

/// The audited operation a command is: its name in the records, its file, and the tree path it
/// names (hashed in the records, never logged in clear).
pub struct Operation<'a> {
    name: &'static str,
    file: Option<&'a Path>,
    tree_path: Option<&'a str>,
    serving: bool,
}

impl<'a> Operation<'a> {
    /// The operation `name` on `file` (`None` or `-`: standard input).
    pub fn new(name: &'static str, file: Option<&'a Path>) -> Operation<'a> {
        Operation {
            name,
            file,
            tree_path: None,
            serving: false,
        }
    }

    /// The operation is a key service: it uses this process's own credentials only, never the
    /// `--keyservice` / `SOPS_KEYSERVICE` services (which may name itself).
    #[cfg_attr(not(all(feature = "keyservice", unix)), allow(dead_code))]
    pub fn serving(self) -> Operation<'a> {
        Operation {
            serving: true,
            ..self
        }
    }

    /// The tree path the command names (`--extract`, `set`'s PATH).
    pub fn at(self, tree_path: Option<&'a str>) -> Operation<'a> {
        Operation { tree_path, ..self }
    }
}

/// What a command does with keys, declared by its dispatch arm.
pub enum KeyUse<'a> {
    /// It touches no key: its session has no key context to give.
    NoKeys,
    /// It may wrap or unwrap keys: it runs inside this audited operation.
    Audited(Operation<'a>),
}

/// Plaintext sent somewhere other than a file or standard output, run when it is released.
pub type Delivery = Box<dyn FnOnce(&KeyContext) -> Result<(), CliError> + Send>;

/// An output held back until the finish record is stored.
enum Held {
    Stdout(Zeroizing<Vec<u8>>),
    Delivery(Delivery),
    File {
        path: PathBuf,
        bytes: Zeroizing<Vec<u8>>,
        contents: Contents,
        expect: Expect,
    },
}

/// Holds outputs back (in `required` mode) and the locks that must outlive them.
#[derive(Default)]
struct OutputGate {
    hold: bool,
    held: Mutex<Vec<Held>>,
    locks: Mutex<Vec<FileLock>>,
}

impl OutputGate {
    fn push(&self, held: Held) {
        self.held.lock().expect("output lock").push(held);
    }

    /// The SHA-256 of what will be written to `path`, if a write there is held.
    fn pending_hash(&self, path: &Path) -> Option<String> {
        let held = self.held.lock().expect("output lock");
        held.iter().rev().find_map(|h| match h {
            Held::File {
                path: target,
                bytes,
                ..
            } if target == path => Some(hex::encode(Sha256::digest(&bytes[..]))),
            _ => None,
        })
    }

    /// Writes everything held, in order; the locks are released afterwards.
    fn release(self, keys: Option<&KeyContext>) -> Result<(), CliError> {
        let held = self.held.into_inner().expect("output lock");
        for output in held {
            match output {
                Held::Stdout(bytes) => write_stdout(&bytes)?,
                Held::Delivery(deliver) => {
                    let keys = keys.ok_or_else(|| {
                        CliError::new(code::GENERIC, "internal error: a delivery without keys")
                    })?;
                    deliver(keys)?
                }
                Held::File {
                    path,
                    bytes,
                    contents,
                    expect,
                } => write_file(&path, &bytes, contents, expect)?,
            }
        }
        drop(self.locks);
        Ok(())
    }
}

/// Everything a command needs beyond its own arguments, resolved once.
pub struct Session<'a> {
    /// The flags shared by every command.
    pub args: &'a CommonArgs,
    config: Option<Config>,
    /// Whether the config's unknown keys were told (once per run).
    config_lint_told: AtomicBool,
    order: Result<Vec<KeyKind>, (u8, String)>,
    keys: Option<Arc<KeyContext>>,
    auditing: bool,
    file_hook: Option<FileHook>,
    gate: OutputGate,
}

impl<'a> Session<'a> {
    /// This session's audit settings, gathered again for a second writer of the same trail
    /// (the key agent's request records).
    #[cfg(all(feature = "keyservice", unix))]
    pub fn audit_settings(&self) -> Result<Settings, CliError> {
        Ok(Settings::gather(
            self.args.audit_log.as_deref(),
            self.config.as_ref(),
            &std::env::vars().collect(),
        )?)
    }

    /// Resolves the session for a command that does `key_use`, runs `command` in it, writes the
    /// finish record and then the held outputs.
    pub fn run(
        args: &'a CommonArgs,
        key_use: KeyUse<'_>,
        command: impl FnOnce(&Session) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        let config = load_config(args)?;
        let order = super::context::decryption_order(args.decryption_order.as_deref())
            .map_err(|e| (e.code, e.message));
        let KeyUse::Audited(operation) = key_use else {
            let session = Session {
                args,
                config,
                config_lint_told: AtomicBool::new(false),
                order,
                keys: None,
                auditing: false,
                file_hook: None,
                gate: OutputGate::default(),
            };
            let result = command(&session);
            session.gate.release(None)?;
            return result;
        };
        let attempts = attempt_settings(args)?;
        let env = std::env::vars().collect();
        let telemetry = telemetry_run::start(operation.name, operation.file, &env);
        let started = Settings::gather(args.audit_log.as_deref(), config.as_ref(), &env)
            .map_err(CliError::from)
            .and_then(|settings| {
                AuditRun::start(
                    operation.name,
                    operation.file,
                    operation.tree_path,
                    settings,
                )
            });
        let run = match started {
            Ok(run) => run,
            Err(error) => {
                let error = Err(error);
                telemetry_run::finish(telemetry, &error);
                return error;
            }
        };
        let mut keys = KeyContext::from_environment(env);
        keys.attempts = attempts;
        if let Some(timeout) = keys.attempts.provider_timeout {
            // The network providers read their timeout from here.
            keys.vars.insert(
                "SOPS_RS_HTTP_TIMEOUT_SECONDS".to_string(),
                timeout.as_secs_f64().to_string(),
            );
        }
        keys.on_event =
            telemetry_run::chain(run.key_hook(), telemetry.as_ref().map(|t| t.key_hook()));
        keys.on_warning = Some(warn_once());
        if !operation.serving {
            keys.key_services = super::key_services::resolve(args, keys.attempts.provider_timeout)?;
        }
        let session = Session {
            args,
            config,
            config_lint_told: AtomicBool::new(false),
            order,
            keys: Some(Arc::new(keys)),
            auditing: run.enabled(),
            file_hook: run.file_hook(),
            gate: OutputGate {
                hold: run.required(),
                ..OutputGate::default()
            },
        };
        if session.auditing {
            super::json_output::withhold_paths();
        }
        let mut result = command(&session);
        if session.auditing
            && let Err(error) = &mut result
            && let Some(redacted) = error.redacted.take()
        {
            // While auditing, messages that could name tree keys are replaced.
            error.message = redacted;
        }
        let pending = run.file().and_then(|path| session.gate.pending_hash(path));
        let finished = run.finish(&result, session.gate.hold, pending);
        // Without the finish record nothing held is written; the locks go with the session.
        let result = finished
            .and_then(|()| session.gate.release(session.keys.as_deref()))
            .and(result);
        telemetry_run::finish(telemetry, &result);
        result
    }

    /// The config file, when one was found. The first call warns about each key in it that
    /// sops-rs does not know (sops ignores them; a misspelt one is silently dropped).
    pub fn config(&self) -> Option<&Config> {
        if let Some(config) = &self.config
            && !self.config_lint_told.swap(true, Ordering::Relaxed)
        {
            for unknown in &config.unknown_keys {
                super::open::warn(&unknown.to_string());
            }
        }
        self.config.as_ref()
    }

    /// The config file without the warnings: `check` reports unknown keys as failures itself.
    pub fn config_unwarned(&self) -> Option<&Config> {
        self.config_lint_told.store(true, Ordering::Relaxed);
        self.config.as_ref()
    }

    /// The key types to try first when decrypting (`--decryption-order`).
    pub fn decryption_order(&self) -> Result<&[KeyKind], CliError> {
        self.order
            .as_deref()
            .map_err(|(code, message)| CliError::new(*code, message.clone()))
    }

    /// The key context: credentials from the environment, every key event sent to the audit
    /// trail. Only a command declared [`KeyUse::Audited`] has one.
    pub fn keys(&self) -> Result<&KeyContext, CliError> {
        self.shared_keys_ref().map(|keys| &**keys)
    }

    /// The key context, for a command that hands it to threads or tasks outliving a borrow
    /// (the key service's server).
    #[cfg_attr(not(all(feature = "keyservice", unix)), allow(dead_code))]
    pub fn shared_keys(&self) -> Result<Arc<KeyContext>, CliError> {
        self.shared_keys_ref().cloned()
    }

    fn shared_keys_ref(&self) -> Result<&Arc<KeyContext>, CliError> {
        self.keys.as_ref().ok_or_else(|| {
            CliError::new(
                code::GENERIC,
                "internal error: a command declared to use no keys asked for them",
            )
        })
    }

    /// The facts about one file of a run over several files, read before its work, when auditing.
    pub fn file_facts(&self, path: &Path) -> Option<sops_rs::audit::FileFacts> {
        self.file_hook
            .as_ref()
            .map(|_| sops_rs::audit::FileFacts::of(path))
    }

    /// Writes the `<op>.file` record of one file of a run over several files.
    pub fn record_file(&self, facts: Option<&sops_rs::audit::FileFacts>, exit_code: u8) {
        if let (Some(hook), Some(facts)) = (&self.file_hook, facts) {
            hook(facts, exit_code);
        }
    }

    /// Whether records are written, so that warnings must not name tree paths (error messages
    /// are replaced through [`CliError::redacted`] instead).
    pub fn withholding_paths(&self) -> bool {
        self.auditing
    }

    /// Layout from the config's `stores` section, overridden by `--indent`.
    pub fn emit_options(&self) -> EmitOptions {
        super::plan::emit_options(self.args, self.config())
    }

    /// Keeps `lock` until the held outputs are written.
    pub fn keep_lock(&self, lock: Option<FileLock>) {
        self.gate.locks.lock().expect("output lock").extend(lock);
    }

    /// Sends plaintext to a service (`publish` to Vault KV): now, or in `required` mode once the
    /// finish record is stored, like a plaintext file.
    pub fn deliver_plaintext(&self, delivery: Delivery) -> Result<(), CliError> {
        if self.gate.hold {
            self.gate.push(Held::Delivery(delivery));
            return Ok(());
        }
        delivery(self.keys()?)
    }

    /// Writes the result where the flags say: in place, to --output, or to standard output.
    /// In `required` mode standard output and plaintext files are held until the finish record
    /// is stored.
    pub fn write_output(
        &self,
        input: &Input,
        bytes: &[u8],
        contents: Contents,
    ) -> Result<(), CliError> {
        let target = if self.args.in_place {
            let (Some(path), Some(id)) = (input.path.as_deref(), input.id) else {
                return Err(CliError::new(
                    code::CONFLICTING_PARAMETERS,
                    "--in-place needs a file, not standard input",
                ));
            };
            Some((path, Expect::Same(id)))
        } else {
            self.args.output.as_deref().map(|path| (path, Expect::Any))
        };
        self.write_to(target, bytes, contents)
    }

    /// Writes `bytes` to `target` (a file, with what it must still be), or to standard output
    /// for `None`; in `required` mode standard output and plaintext files are held until the
    /// finish record is stored.
    pub fn write_to(
        &self,
        target: Option<(&Path, Expect)>,
        bytes: &[u8],
        contents: Contents,
    ) -> Result<(), CliError> {
        match target {
            None if self.gate.hold => {
                self.gate.push(Held::Stdout(Zeroizing::new(bytes.to_vec())));
                Ok(())
            }
            None => write_stdout(bytes),
            Some((path, expect)) if self.gate.hold && contents == Contents::Plaintext => {
                self.gate.push(Held::File {
                    path: path.to_path_buf(),
                    bytes: Zeroizing::new(bytes.to_vec()),
                    contents,
                    expect,
                });
                Ok(())
            }
            Some((path, expect)) => write_file(path, bytes, contents, expect),
        }
    }
}

/// `--offline` and `--provider-timeout` (or their variables).
fn attempt_settings(args: &CommonArgs) -> Result<AttemptSettings, CliError> {
    let provider_timeout = match args.provider_timeout.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(std::time::Duration::from_secs_f64)
                .ok_or_else(|| {
                    CliError::new(
                        code::GENERIC,
                        format!(
                            "--provider-timeout / SOPS_RS_HTTP_TIMEOUT_SECONDS: {text:?} is not a \
                             positive number of seconds"
                        ),
                    )
                })?,
        ),
    };
    Ok(AttemptSettings {
        offline: args.offline,
        provider_timeout,
    })
}

/// Loads `--config` / `SOPS_CONFIG`, else the nearest config above the current directory.
fn load_config(args: &CommonArgs) -> Result<Option<Config>, CliError> {
    let path = match &args.config {
        Some(path) => path.clone(),
        None => {
            let cwd = std::env::current_dir().map_err(|e| {
                CliError::new(
                    code::GENERIC,
                    format!("cannot read the current directory: {e}"),
                )
            })?;
            match sops_rs::config::find(&cwd) {
                Some(path) => path,
                None => return Ok(None),
            }
        }
    };
    Config::load(&path)
        .map(Some)
        .map_err(|e| CliError::new(code::GENERIC, e.to_string()))
}

/// Prints each distinct key warning once per run (a command may open several files).
fn warn_once() -> sops_rs::keys::WarningHook {
    let shown = Arc::new(Mutex::new(Vec::<String>::new()));
    Box::new(move |message: &str| {
        let mut shown = shown.lock().unwrap_or_else(|e| e.into_inner());
        if !shown.iter().any(|m| m == message) {
            eprintln!("warning: {message}");
            shown.push(message.to_string());
        }
    })
}

#[cfg(test)]
mod tests {
    /// Only the session builds a key context: a command gets one from it or not at all. Every
    /// file of the command line is read, so a new one is checked too.
    #[test]
    fn only_the_session_builds_a_key_context() {
        let mut pending = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli")];
        let mut files = Vec::new();
        let mut checked = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if !path.ends_with("session.rs") {
                    files.push(path);
                }
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for builder in [
                "KeyContext::from_environment",
                "KeyContext::from_vars",
                "KeyContext::default",
                "KeyContext {",
            ] {
                assert!(
                    !text.contains(builder),
                    "{} builds a key context",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked > 10);
    }
}
