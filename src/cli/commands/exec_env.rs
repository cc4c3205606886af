//! `sops-rs exec-env FILE COMMAND`: run COMMAND with the file's top-level values as environment
//! variables (only those with --pristine), as a child or, with --same-process, in place of
//! sops-rs. The child does not inherit sops-rs's key credentials
//! ([`sops_rs::keys::CREDENTIAL_VARIABLES`]) unless --keep-key-credentials says so.
//!
//! `exec-env FILE... COMMAND` with several files decrypts them in parallel and sets the values
//! of every file, a later file's value replacing an earlier one's of the same name; the command
//! runs only when every file decrypted.

use std::path::{Path, PathBuf};

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
    /// With more than one file: the further files, then the command last
    /// (`exec-env a.enc.yaml b.enc.yaml 'cmd'`).
    #[arg(value_name = "MORE")]
    pub more: Vec<String>,
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

impl ExecEnvArgs {
    /// The files and the command: the last operand is the command.
    fn operands(&self) -> (Vec<&Path>, &str) {
        let Some((command, middle)) = self.more.split_last() else {
            return (vec![self.file.as_path()], &self.command);
        };
        let mut files = vec![self.file.as_path(), Path::new(&self.command)];
        files.extend(middle.iter().map(Path::new));
        (files, command)
    }
}

pub fn exec_env(exec: &ExecEnvArgs, session: &Session) -> Result<(), CliError> {
    refuse_background(exec.background)?;
    let (files, command_line) = exec.operands();
    let opened = crate::cli::parallel::map(&files, |file| {
        let opened = Opened::open_read_only(Some(file), session)?;
        let variables = variables(&opened)?;
        Ok::<_, CliError>(variables)
    });
    let mut command = shell(command_line, exec.keep_key_credentials);
    if exec.pristine {
        command.env_clear();
    }
    run_as(&mut command, exec.user.as_deref())?;
    for variables in opened {
        for (name, value) in variables? {
            command.env(name, value.as_str());
        }
    }
    if exec.same_process {
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

/// The top-level values of an opened file as environment variables, in file order.
fn variables(opened: &Opened) -> Result<Vec<(String, zeroize::Zeroizing<String>)>, CliError> {
    let mut variables = Vec::new();
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
            variables.push((
                key.clone(),
                zeroize::Zeroizing::new(scalar.to_flat_string()),
            ));
        }
    }
    Ok(variables)
}
