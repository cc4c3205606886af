//! The legacy top-level forms sops still accepts: `sops -e FILE`, `-d`, `-r` (with `--add-*` /
//! `--rm-*`), `--set 'PATH VALUE'`, and a bare `sops FILE` to edit. The mode is picked the way
//! sops picks it and handed to the subcommand's own code; nothing here encrypts or decrypts.

use std::path::{Path, PathBuf};

use clap::Args;

use super::rotate::RotateArgs;
use super::set::SetArgs;
use super::{decrypt, edit, encrypt, rotate, set};
use crate::cli::exit::{CliError, code};
use crate::cli::key_flags::KeyChanges;
use crate::cli::session::Session;

/// The flags that choose a legacy mode, and its file.
#[derive(Args, Debug, Default)]
#[command(next_help_heading = "Legacy sops forms (no subcommand)")]
pub struct LegacyArgs {
    /// Encrypt FILE (`sops -e FILE`, the form of `encrypt`).
    #[arg(short = 'e', long = "encrypt")]
    pub encrypt: bool,

    /// Decrypt FILE (`sops -d FILE`, the form of `decrypt`).
    #[arg(short = 'd', long = "decrypt")]
    pub decrypt: bool,

    /// Rotate FILE's data key, with the --add-* / --rm-* changes (the form of `rotate`).
    #[arg(short = 'r', long = "rotate")]
    pub rotate: bool,

    /// Set one value of FILE in place: '["key"][0] JSON' (the form of `set`).
    #[arg(long = "set", value_name = "PATH VALUE")]
    pub set: Option<String>,

    /// Show the sops metadata in the editor (the form of `edit -s`).
    #[arg(short = 's', long = "show-master-keys")]
    pub show_master_keys: bool,

    /// The file; without -e, -d, -r or --set it is opened in the editor.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    #[command(flatten)]
    pub changes: KeyChanges,
}

/// What a legacy command line does. With several mode flags, sops runs the last one in this
/// order (set, rotate, decrypt, encrypt), so that is the one chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Set,
    Rotate,
    Decrypt,
    Encrypt,
    Edit,
}

impl Mode {
    /// The audit trail's name for the operation.
    pub fn operation(self) -> &'static str {
        match self {
            Mode::Set => "set",
            Mode::Rotate => "rotate",
            Mode::Decrypt => "decrypt",
            Mode::Encrypt => "encrypt",
            Mode::Edit => "edit",
        }
    }
}

impl LegacyArgs {
    /// The mode flags given, in sops's order (an empty `--set` does not count, as in sops).
    fn modes(&self) -> Vec<Mode> {
        [
            (
                self.set.as_deref().is_some_and(|s| !s.is_empty()),
                Mode::Set,
            ),
            (self.rotate, Mode::Rotate),
            (self.decrypt, Mode::Decrypt),
            (self.encrypt, Mode::Encrypt),
        ]
        .into_iter()
        .filter_map(|(given, mode)| given.then_some(mode))
        .collect()
    }

    /// The mode that runs.
    pub fn mode(&self) -> Mode {
        self.modes().first().copied().unwrap_or(Mode::Edit)
    }

    /// Whether anything on the command line asks for a legacy form.
    pub fn given(&self) -> bool {
        self.file.is_some() || !self.modes().is_empty()
    }

    /// The tree path of `--set`, for the audit trail (`None` when it cannot be split).
    pub fn set_path(&self) -> Option<&str> {
        split_set(self.set.as_deref()?).ok().map(|(path, _)| path)
    }
}

/// Splits `--set '["a"][0] VALUE'` after the first `] `, as sops does: the path (without
/// trailing spaces) and the JSON value.
pub fn split_set(text: &str) -> Result<(&str, &str), CliError> {
    let invalid = || {
        CliError::new(
            code::INVALID_SET_FORMAT,
            "invalid --set: expected '[\"key\"][0] JSON-VALUE'",
        )
    };
    let at = text.find("] ").ok_or_else(invalid)?;
    let (path, value) = text.split_at(at + 2);
    Ok((path.trim_end_matches(' '), value))
}

/// A legacy command line without a file: nothing to do.
pub fn no_file(legacy: &LegacyArgs) -> Result<(), CliError> {
    let message = if legacy.given() {
        "no file specified"
    } else {
        "no command given; see sops-rs --help"
    };
    Err(CliError::new(code::NO_FILE_SPECIFIED, message))
}

/// Runs a legacy command line on `file` with the subcommand that does the same work.
pub fn run(legacy: &LegacyArgs, file: &Path, session: &Session) -> Result<(), CliError> {
    let common = session.args;
    if common.in_place && common.output.is_some() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "--in-place and --output cannot be used together",
        ));
    }
    let modes = legacy.modes();
    if modes.len() > 1 {
        eprintln!(
            "sops-rs: more than one of --encrypt, --decrypt, --rotate and --set given; only \
             --{} runs, as in sops",
            legacy.mode().operation()
        );
    }
    if !file.exists() && legacy.changes.any() {
        return Err(CliError::new(
            code::CANNOT_CHANGE_KEYS_FROM_NON_EXISTENT_FILE,
            format!(
                "{}: cannot add or remove keys of a non-existent file; create it with the key \
                 flags (--age, --pgp, ...) instead",
                file.display()
            ),
        ));
    }
    match legacy.mode() {
        Mode::Encrypt => encrypt::run(Some(file), None, session),
        Mode::Decrypt => decrypt::run(Some(file), session),
        Mode::Rotate => rotate::rotate(
            &RotateArgs {
                files: vec![file.to_path_buf()],
                changes: legacy.changes.clone(),
                many: Default::default(),
                json: false,
            },
            session,
        ),
        Mode::Set => {
            let text = legacy.set.as_deref().unwrap_or_default();
            let (path, value) = split_set(text)?;
            let set = SetArgs {
                file: file.to_path_buf(),
                path: path.to_string(),
                value: Some(value.to_string()),
                value_file: false,
                value_stdin: false,
                idempotent: false,
                json: false,
            };
            set::set(&set, session)
        }
        Mode::Edit => {
            if legacy.changes.any() {
                eprintln!(
                    "sops-rs: --add-* and --rm-* take effect only with --rotate; opening the \
                     editor, as sops does"
                );
            }
            edit::run(
                &edit::EditArgs {
                    file: file.to_path_buf(),
                    show_master_keys: legacy.show_master_keys,
                    keep_key_credentials: false,
                },
                session,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_splits_after_the_first_closing_bracket_and_space() {
        let split = |t| split_set(t).map_err(|e| e.code);
        assert_eq!(split(r#"["a"] "aaa""#), Ok((r#"["a"]"#, r#""aaa""#)));
        assert_eq!(
            split(r#"["a"][0]   {"b": "] c"}"#),
            Ok((r#"["a"][0]"#, r#"  {"b": "] c"}"#))
        );
        assert_eq!(split(r#"["a"]"x""#), Err(code::INVALID_SET_FORMAT));
        assert_eq!(split(""), Err(code::INVALID_SET_FORMAT));
    }

    #[test]
    fn the_last_mode_in_sops_order_wins() {
        let legacy = |encrypt, decrypt, rotate, set: Option<&str>| LegacyArgs {
            encrypt,
            decrypt,
            rotate,
            set: set.map(String::from),
            ..Default::default()
        };
        assert_eq!(legacy(false, false, false, None).mode(), Mode::Edit);
        assert_eq!(legacy(true, true, false, None).mode(), Mode::Decrypt);
        assert_eq!(legacy(true, true, true, None).mode(), Mode::Rotate);
        assert_eq!(legacy(false, true, false, Some("x")).mode(), Mode::Set);
        assert_eq!(legacy(false, false, false, Some("")).mode(), Mode::Edit);
    }
}
