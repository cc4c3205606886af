//! `sops-rs exec-env FILE COMMAND`: run COMMAND with the file's top-level values as environment
//! variables (only those with --pristine), as a child or, with --same-process, in place of
//! sops-rs. The child does not inherit sops-rs's key credentials
//! ([`sops_rs::keys::CREDENTIAL_VARIABLES`]) unless --keep-key-credentials says so.

use std::path::PathBuf;

use clap::Args;
use sops_rs::tree::{MapItem, Value};

use crate::cli::child::{exit_with, refuse_background, run_as, shell, spawn_error};
use crate::cli::exit::{CliError, code};
use crate::cli::open::Opened;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct ExecEnvArgs {
    /// The encrypted file.
    pub file: PathBuf,
    /// The command, run with /bin/sh -c (on Windows cmd.exe /C).
    pub command: String,
    /// Start the command with only the secrets in its environment.
    #[arg(long)]
    pub pristine: bool,
    /// Replace sops-rs with the command instead of running it as a child.
    #[arg(long)]
    pub same_process: bool,
    /// Pass sops-rs's key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on
    /// to the command; by default it gets the file's secrets but not the keys to other files.
    #[arg(long)]
    pub keep_key_credentials: bool,
    /// Run the command as this user (needs the privilege to switch users).
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// sops's deprecated --background (not supported: sops-rs waits for the command).
    #[arg(long, hide = true)]
    pub background: bool,
}

pub fn exec_env(exec: &ExecEnvArgs, session: &Session) -> Result<(), CliError> {
    refuse_background(exec.background)?;
    let opened = Opened::open_read_only(Some(&exec.file), session)?;
    let mut command = shell(&exec.command, exec.keep_key_credentials);
    if exec.pristine {
        command.env_clear();
    }
    run_as(&mut command, exec.user.as_deref())?;
    for document in &opened.file.tree().documents {
        for item in &document.items {
            let MapItem::Entry { key, value } = item else {
                continue;
            };
            let Value::Scalar(scalar) = value else {
                return Err(CliError::new(
                    code::GENERIC,
                    format!(
                        "{}: cannot put the nested value of {key:?} in an environment variable",
                        opened.input.name
                    ),
                )
                .with_redacted(format!(
                    "{}: a top-level value is nested and cannot be an environment variable",
                    opened.input.name
                )));
            };
            if key.contains('=') || key.contains('\0') {
                return Err(CliError::new(
                    code::GENERIC,
                    format!(
                        "{}: key {key:?} cannot be an environment variable name",
                        opened.input.name
                    ),
                )
                .with_redacted(format!(
                    "{}: a top-level key cannot be an environment variable name",
                    opened.input.name
                )));
            }
            command.env(key, scalar.to_flat_string());
        }
    }
    if exec.same_process {
        drop(opened);
        #[cfg(unix)]
        return Err(spawn_error(std::os::unix::process::CommandExt::exec(
            &mut command,
        )));
        // Windows cannot replace a process's program, so it is refused there, as sops does.
        #[cfg(windows)]
        return Err(CliError::new(
            code::GENERIC,
            "--same-process is not supported on Windows",
        ));
    }
    exit_with(command.status().map_err(spawn_error)?)
}
