//! `sops-rs edit FILE` (and bare `sops-rs FILE`): decrypt to a private temp file, run the
//! user's editor, and encrypt the result back with the same data key, so that every value the
//! user did not change keeps its exact ciphertext.
//!
//! The plaintext only ever exists in a 0600 file inside a 0700 directory under $TMPDIR, which
//! is removed on every way out: success, no change, invalid content given up, editor failure,
//! and SIGINT, SIGTERM or SIGHUP to sops-rs (the editor is stopped first). The editor does not
//! inherit sops-rs's key credentials unless --keep-key-credentials says so.
//!
//! On Windows the directory is under `%TEMP%`, which Windows lets only the user read (no ACL is
//! set), Ctrl-C is the signal caught, and without SOPS_EDITOR or EDITOR the editor is the first
//! of vim, nano and vi on PATH, else Notepad.
//!
//! The editor shows the output format (`--output-type`, else the file name's), which is also the
//! format the edited text is read in and the file is written in.

use std::fs::{DirBuilder, OpenOptions};
use std::io::Write;
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use sha2::{Digest, Sha256};
use sops_rs::EditSession;
use sops_rs::io::{Contents, Expect};
use sops_rs::tree::Timestamp;
use zeroize::Zeroizing;

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::{formats, write_file};
use crate::cli::open::Opened;
use crate::cli::plan::encrypt_plan;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct EditArgs {
    /// The file to edit; a missing file starts from an example document.
    pub file: PathBuf,
    /// Show the sops metadata in the editor too (it cannot be changed there).
    #[arg(short = 's', long)]
    pub show_master_keys: bool,
    /// Pass sops-rs's key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on
    /// to the editor; by default they are removed from its environment.
    #[arg(long)]
    pub keep_key_credentials: bool,
}

/// SIGINT, SIGTERM and SIGHUP set a flag instead of killing sops-rs, so it can clean up.
struct Signals(Arc<AtomicBool>);

/// The signals caught: on Windows, Ctrl-C (SIGINT) is what a console sends.
#[cfg(unix)]
const CAUGHT: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];
#[cfg(windows)]
const CAUGHT: [i32; 2] = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

impl Signals {
    fn install() -> Result<Signals, CliError> {
        let flag = Arc::new(AtomicBool::new(false));
        for signal in CAUGHT {
            signal_hook::flag::register(signal, Arc::clone(&flag)).map_err(|e| {
                CliError::new(
                    code::GENERIC,
                    format!("cannot install signal handlers: {e}"),
                )
            })?;
        }
        Ok(Signals(flag))
    }

    fn caught(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The private directory holding the plaintext; removed when dropped.
struct Workspace {
    dir: PathBuf,
    file: PathBuf,
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Workspace {
    fn create(target: &Path) -> Result<Workspace, CliError> {
        let base = std::env::temp_dir();
        let name = target
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "file".into());
        for attempt in 0..32u32 {
            use std::hash::{BuildHasher, RandomState};
            let tag = RandomState::new().hash_one((attempt, std::process::id()));
            let dir = base.join(format!("sops-rs-edit-{tag:016x}"));
            #[cfg_attr(windows, allow(unused_mut))]
            let mut builder = DirBuilder::new();
            #[cfg(unix)]
            builder.mode(0o700);
            match builder.create(&dir) {
                Ok(()) => {
                    let file = dir.join(&name);
                    return Ok(Workspace { dir, file });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(CliError::new(
                        code::COULD_NOT_WRITE_OUTPUT,
                        format!(
                            "cannot create a private directory in {}: {e}",
                            base.display()
                        ),
                    ));
                }
            }
        }
        Err(CliError::new(
            code::COULD_NOT_WRITE_OUTPUT,
            "cannot create a private directory",
        ))
    }

    fn write(&self, content: &[u8]) -> Result<(), CliError> {
        let error = |e: std::io::Error| {
            CliError::new(
                code::COULD_NOT_WRITE_OUTPUT,
                format!("cannot write the temporary file: {e}"),
            )
        };
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&self.file).map_err(error)?;
        file.write_all(content).map_err(error)?;
        file.sync_all().map_err(error)
    }

    fn read(&self) -> Result<Zeroizing<Vec<u8>>, CliError> {
        sops_rs::bounded::read_file(&self.file, sops_rs::bounded::Kind::Input)
            .map(Zeroizing::new)
            .map_err(|e| {
                CliError::new(
                    code::COULD_NOT_READ_INPUT,
                    format!("cannot read the edited file: {e}"),
                )
            })
    }
}

fn aborted(target: &Path) -> CliError {
    CliError::new(
        code::GENERIC,
        format!("edit aborted: {} was not changed", target.display()),
    )
}

/// The editor command: $SOPS_EDITOR, else $EDITOR (both split like a shell would; on Windows a
/// value that names an existing file is that file, spaces and backslashes included), else the
/// first of vim, nano and vi on PATH (on Windows also with `.exe`, then Notepad).
fn editor_command() -> Result<Vec<String>, CliError> {
    for variable in ["SOPS_EDITOR", "EDITOR"] {
        if let Some(value) = std::env::var(variable)
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            if cfg!(windows) && Path::new(value.trim()).is_file() {
                return Ok(vec![value.trim().to_string()]);
            }
            return shlex::split(&value)
                .filter(|words| !words.is_empty())
                .ok_or_else(|| {
                    CliError::new(code::NO_EDITOR_FOUND, format!("cannot parse ${variable}"))
                });
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for candidate in ["vim", "nano", "vi"] {
        let names = [candidate.to_string(), format!("{candidate}.exe")];
        let names = if cfg!(windows) {
            &names[..]
        } else {
            &names[..1]
        };
        if std::env::split_paths(&path).any(|dir| names.iter().any(|n| dir.join(n).is_file())) {
            return Ok(vec![candidate.to_string()]);
        }
    }
    if cfg!(windows) {
        return Ok(vec!["notepad.exe".to_string()]);
    }
    Err(CliError::new(
        code::NO_EDITOR_FOUND,
        "no editor found: set SOPS_EDITOR or EDITOR",
    ))
}

/// Runs the editor and waits, watching for signals to sops-rs. The editor does not get sops-rs's
/// key credentials unless `keep_key_credentials`.
fn run_editor(
    editor: &[String],
    file: &Path,
    signals: &Signals,
    target: &Path,
    keep_key_credentials: bool,
) -> Result<(), CliError> {
    let mut command = Command::new(&editor[0]);
    command.args(&editor[1..]).arg(file);
    if !keep_key_credentials {
        sops_rs::keys::withhold_credentials(&mut command);
    }
    sops_rs::audit::settings::withhold_key(&mut command);
    let mut child = command.spawn().map_err(|e| {
        CliError::new(
            code::NO_EDITOR_FOUND,
            format!("could not run editor {}: {e}", editor[0]),
        )
    })?;
    loop {
        if signals.caught() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(aborted(target));
        }
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(CliError::new(
                    code::NO_EDITOR_FOUND,
                    format!(
                        "the editor failed ({status}); {} was not changed",
                        target.display()
                    ),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                return Err(CliError::new(
                    code::NO_EDITOR_FOUND,
                    format!("waiting for the editor: {e}"),
                ));
            }
        }
    }
}

/// Asks whether to reopen the editor after an error. Enter: yes; end of input or a signal: no.
fn ask_reopen(signals: &Signals) -> bool {
    eprintln!("Press Enter to return to the editor, or Ctrl+C to give up.");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let answer = match sops_rs::bounded::read_answer_from_stdin() {
            Ok(answer) => answer.is_some(),
            Err(e) => {
                eprintln!("cannot read the answer: {e}");
                false
            }
        };
        let _ = sender.send(answer);
    });
    loop {
        if signals.caught() {
            return false;
        }
        match receiver.recv_timeout(Duration::from_millis(50)) {
            Ok(answer) => return answer,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// The data key of a new file could not be wrapped: exit 128 with sops's message.
fn new_file_key_error(error: sops_rs::Error) -> CliError {
    match error {
        sops_rs::Error::KeyGeneration(reasons) => CliError::new(
            code::COULD_NOT_RETRIEVE_KEY,
            format!(
                "Error encrypting the data key with one or more master keys: [{}]",
                reasons.join(" ")
            ),
        ),
        other => CliError::from_library(other, true),
    }
}

pub fn run(edit: &EditArgs, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    let signals = Signals::install()?;
    let target = edit.file.as_path();
    // The editor gets the plaintext in the output format (`--output-type`, else the file name),
    // as in sops, and the edited text is read back in that same format: sops reads it with the
    // input format, which fails whenever the two differ.
    let (_, format) = formats(
        &crate::cli::input_output::Input {
            path: Some(target.to_path_buf()),
            name: target.display().to_string(),
            id: None,
            bytes: Default::default(),
        },
        args,
    )?;
    let config = session.config();
    let options = session.emit_options();
    let name = target.display().to_string();
    // Held until the new file is written, so that no other sops-rs writer slips in between.
    let mut held_lock = None;
    let mut read = None;
    let edit_session = if target.exists() {
        let mut opened = Opened::open_for_update(target, session)?;
        held_lock = opened.take_lock();
        read = Some(opened.input.id.expect("an existing file was read"));
        EditSession::existing(opened.file, format, edit.show_master_keys)
    } else {
        let plan = encrypt_plan(args, config, target, format)?;
        EditSession::new_file(plan, &name, format).map_err(new_file_key_error)?
    };
    let plaintext = edit_session
        .text(&options)
        .map_err(|e| CliError::from_library(e, false))?;
    let editor = editor_command()?;
    let workspace = Workspace::create(target)?;
    workspace.write(&plaintext)?;
    let original_hash = Sha256::digest(&plaintext[..]);
    let edited = loop {
        run_editor(
            &editor,
            &workspace.file,
            &signals,
            target,
            edit.keep_key_credentials,
        )?;
        let bytes = workspace.read()?;
        if Sha256::digest(&bytes[..]) == original_hash {
            return Err(CliError::new(
                code::FILE_HAS_NOT_BEEN_MODIFIED,
                "File has not changed, exiting.",
            ));
        }
        match edit_session.check(&bytes) {
            Ok(tree) => break tree,
            Err(message) => {
                eprintln!("{}: {message}", target.display());
                if !ask_reopen(&signals) {
                    return Err(aborted(target));
                }
            }
        }
    };
    let (file, resealed) = edit_session
        .apply(edited, session.keys()?, Timestamp::now_utc_seconds())
        .map_err(new_file_key_error)?;
    crate::cli::open::warn_if_resealed(&resealed, &name);
    let bytes = file
        .emit(format, &options)
        .map_err(|e| CliError::from_library(e, true))?;
    let expect = read.map_or(Expect::Any, Expect::Same);
    let written = write_file(target, &bytes, Contents::Encrypted, expect);
    drop(held_lock);
    written
}
