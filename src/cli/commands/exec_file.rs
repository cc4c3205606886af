//! `sops-rs exec-file FILE COMMAND`: run COMMAND with `{}` replaced by the path of the decrypted
//! file, without writing plaintext to disk: a FIFO by default; with --no-fifo a 0600 file in a
//! private 0700 directory, removed afterwards. Windows has no FIFOs: there it is always the file,
//! in a new directory under the user's temporary directory (`%TEMP%`, which Windows lets only
//! that user read; no ACL is set), as sops does there. The child does not inherit sops-rs's key
//! credentials ([`sops_rs::keys::CREDENTIAL_VARIABLES`]) unless --keep-key-credentials says so.

#[cfg(unix)]
use std::fs::File;
use std::io::Write;
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

use clap::Args;

use crate::cli::child::{exit_with, give_to, refuse_background, run_as, shell, spawn_error};
use crate::cli::exit::{CliError, code};
use crate::cli::open::Opened;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct ExecFileArgs {
    /// The encrypted file.
    pub file: PathBuf,
    /// The command, run with /bin/sh -c (on Windows cmd.exe /C); every `{}` is replaced by the
    /// plaintext file's path.
    pub command: String,
    /// Write a regular 0600 file instead of a FIFO (for programs that seek or read twice; always
    /// so on Windows).
    #[arg(long)]
    pub no_fifo: bool,
    /// The plaintext file's name inside its private directory.
    #[arg(long, default_value = "tmp-file", value_name = "NAME")]
    pub filename: String,
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

/// A private directory removed with everything in it when dropped.
struct PrivateDir(PathBuf);

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn private_dir() -> Result<PrivateDir, CliError> {
    let base = std::env::temp_dir();
    for _ in 0..16 {
        let candidate = base.join(format!("sops-rs-exec-{:016x}", rand_suffix()));
        #[cfg_attr(windows, allow(unused_mut))]
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        builder.mode(0o700);
        match builder.create(&candidate) {
            Ok(()) => return Ok(PrivateDir(candidate)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(CliError::new(
                    code::COULD_NOT_WRITE_OUTPUT,
                    format!("cannot create a private directory: {e}"),
                ));
            }
        }
    }
    Err(CliError::new(
        code::COULD_NOT_WRITE_OUTPUT,
        "cannot create a private directory",
    ))
}

fn write_error(e: std::io::Error) -> CliError {
    CliError::new(
        code::COULD_NOT_WRITE_OUTPUT,
        format!("cannot write the plaintext file: {e}"),
    )
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

pub fn exec_file(exec: &ExecFileArgs, session: &Session) -> Result<(), CliError> {
    refuse_background(exec.background)?;
    let name = Path::new(&exec.filename);
    if name.components().count() != 1
        || !matches!(name.components().next(), Some(Component::Normal(_)))
    {
        return Err(CliError::new(
            code::GENERIC,
            "--filename must be a plain file name",
        ));
    }
    let opened = Opened::open_read_only(Some(&exec.file), session)?;
    let options = session.emit_options();
    let plaintext = zeroize::Zeroizing::new(
        opened
            .output_format
            .emit(opened.file.tree(), &options)
            .map_err(|source| {
                CliError::from_library(
                    sops_rs::Error::Emit {
                        format: opened.output_format,
                        source,
                    },
                    false,
                )
            })?,
    );
    let dir = private_dir()?;
    let path = dir.0.join(name);
    let command_line = exec.command.replace("{}", &path.display().to_string());
    let mut command = shell(&command_line, exec.keep_key_credentials);
    let owner = run_as(&mut command, exec.user.as_deref())?;
    #[cfg(unix)]
    if !exec.no_fifo {
        return through_fifo(&path, &dir, owner, command, plaintext);
    }
    let mut create = std::fs::OpenOptions::new();
    create.write(true).create_new(true);
    #[cfg(unix)]
    create.mode(0o600);
    let mut file = create.open(&path).map_err(write_error)?;
    file.write_all(&plaintext).map_err(write_error)?;
    drop(file);
    give_to(owner, &[&path, &dir.0])?;
    exit_with(command.status().map_err(spawn_error)?)
}

/// Runs `command` while a writer thread feeds `plaintext` through a FIFO at `path`.
#[cfg(unix)]
fn through_fifo(
    path: &Path,
    dir: &PrivateDir,
    owner: Option<(u32, u32)>,
    mut command: std::process::Command,
    plaintext: zeroize::Zeroizing<Vec<u8>>,
) -> Result<(), CliError> {
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        path,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
    )
    .map_err(|e| write_error(e.into()))?;
    give_to(owner, &[path, &dir.0])?;
    let mut child = command.spawn().map_err(spawn_error)?;
    // Opening a FIFO for writing blocks until a reader opens it, so the writer runs beside the
    // child; once the child is gone, a non-blocking reader releases a writer still waiting.
    let writer = {
        let path = path.to_path_buf();
        let data = plaintext.clone();
        std::thread::spawn(move || -> std::io::Result<()> {
            let mut fifo = File::options().write(true).open(&path)?;
            match fifo.write_all(&data) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
                _ => Ok(()),
            }
        })
    };
    let status = child.wait().map_err(spawn_error)?;
    if !writer.is_finished() {
        // The command is gone but the writer may still wait in open() (or even not have reached
        // it yet). Holding a reader open lets its open() return; draining it lets its write end.
        let nonblocking = rustix::fs::OFlags::NONBLOCK.bits() as i32;
        if let Ok(mut reader) = File::options()
            .read(true)
            .custom_flags(nonblocking)
            .open(path)
        {
            let mut sink = [0u8; 8192];
            while !writer.is_finished() {
                use std::io::Read;
                match reader.read(&mut sink) {
                    Ok(n) if n > 0 => continue,
                    _ => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        }
    }
    let _ = writer.join();
    exit_with(status)
}
