//! Running the command `exec-env` and `exec-file` hand secrets to: `/bin/sh -c` (on Windows
//! `cmd.exe /C`, as sops) without sops-rs's key credentials, optionally as another user (looked
//! up in /etc/passwd; not on Windows), and the child's exit status passed on as sops-rs's own.

use std::path::Path;
use std::process::{Command, ExitStatus};

use crate::cli::exit::{CliError, code};

/// Refuses sops's deprecated `--background`.
pub fn refuse_background(background: bool) -> Result<(), CliError> {
    if background {
        return Err(CliError::new(
            code::GENERIC,
            "--background is not supported by sops-rs (sops deprecated it); run the command \
             in the background yourself",
        ));
    }
    Ok(())
}

/// Looks a user up in /etc/passwd: (uid, gid).
#[cfg(unix)]
fn lookup_user(name: &str) -> Result<(u32, u32), CliError> {
    let passwd = sops_rs::bounded::read_file_to_string(
        Path::new("/etc/passwd"),
        sops_rs::bounded::Kind::Config,
    )
    .map_err(|e| CliError::new(code::GENERIC, format!("cannot read /etc/passwd: {e}")))?;
    passwd
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() >= 4 && fields[0] == name)
                .then(|| (fields[2].parse().ok(), fields[3].parse().ok()))
        })
        .find_map(|(uid, gid)| Some((uid?, gid?)))
        .ok_or_else(|| CliError::new(code::GENERIC, format!("unknown user {name:?}")))
}

/// `/bin/sh -c COMMAND` (on Windows `cmd.exe /C COMMAND`, the line passed to cmd.exe as it
/// is), without sops-rs's key credentials unless they are to be kept.
pub fn shell(command_line: &str, keep_key_credentials: bool) -> Command {
    #[cfg(unix)]
    let command = {
        let mut command = Command::new("/bin/sh");
        command.arg("-c").arg(command_line);
        command
    };
    #[cfg(windows)]
    let command = {
        use std::os::windows::process::CommandExt;
        let mut command = Command::new("cmd.exe");
        command.arg("/C").raw_arg(command_line);
        command
    };
    let mut command = command;
    if !keep_key_credentials {
        sops_rs::keys::withhold_credentials(&mut command);
    }
    sops_rs::audit::settings::withhold_key(&mut command);
    command
}

/// Makes `command` run as `user`; returns the user's (uid, gid).
#[cfg(unix)]
pub fn run_as(command: &mut Command, user: Option<&str>) -> Result<Option<(u32, u32)>, CliError> {
    let Some(user) = user else {
        return Ok(None);
    };
    use std::os::unix::process::CommandExt;
    let (uid, gid) = lookup_user(user)?;
    command.uid(uid).gid(gid);
    Ok(Some((uid, gid)))
}

/// Windows has no `--user`: refused, as sops refuses it there.
#[cfg(windows)]
pub fn run_as(_command: &mut Command, user: Option<&str>) -> Result<Option<(u32, u32)>, CliError> {
    match user {
        None => Ok(None),
        Some(_) => Err(CliError::new(
            code::GENERIC,
            "--user is not supported on Windows",
        )),
    }
}

/// Hands the plaintext file (or FIFO) and its private directory to the user the command runs
/// as: they are 0600 and 0700, so that user could not open them otherwise.
#[cfg(unix)]
pub fn give_to(owner: Option<(u32, u32)>, paths: &[&Path]) -> Result<(), CliError> {
    let Some((uid, gid)) = owner else {
        return Ok(());
    };
    let (uid, gid) = (
        rustix::fs::Uid::from_raw(uid),
        rustix::fs::Gid::from_raw(gid),
    );
    for path in paths {
        rustix::fs::chown(*path, Some(uid), Some(gid)).map_err(|e| {
            CliError::new(
                code::GENERIC,
                format!(
                    "--user: cannot hand {} to the user the command runs as: {e}",
                    path.display()
                ),
            )
        })?;
    }
    Ok(())
}

/// Windows: `run_as` never gives an owner.
#[cfg(windows)]
pub fn give_to(_owner: Option<(u32, u32)>, _paths: &[&Path]) -> Result<(), CliError> {
    Ok(())
}

pub fn exit_with(status: ExitStatus) -> Result<(), CliError> {
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(CliError::silent(code as u8)),
        None => Err(CliError::silent(128 + signal_of(status) as u8)),
    }
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.signal().unwrap_or(0)
}

/// Windows: every exit has a code.
#[cfg(windows)]
fn signal_of(_status: ExitStatus) -> i32 {
    0
}

pub fn spawn_error(e: std::io::Error) -> CliError {
    CliError::new(code::GENERIC, format!("cannot run the command: {e}"))
}
