//! Commands over many files (`decrypt`, `encrypt`, `rotate` with several FILE arguments or a
//! directory): which files a directory gives, the bounded pool that runs the per-file work (the
//! work itself is the library's, called by the command), the progress bar on a terminal, the
//! per-file summary on standard error and the exit status.
//!
//! Exit status of a run over several files: 0 when every file succeeded, else the exit code of
//! the first failing file in command-line order (the code sops gives for that failure alone).
//! SIGINT, SIGTERM or SIGHUP stop the run cleanly: files being written are finished (every write
//! is atomic), no new file is started, the summary lists those not started, and the exit code
//! is 128 + the signal number.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Args;

use super::exit::{CliError, code};
use super::session::Session;

/// The flags of a command that takes several files.
#[derive(Args, Debug, Default, Clone)]
pub struct ManyArgs {
    /// Walk the directories among the FILE arguments (hidden entries are skipped).
    #[arg(long)]
    pub recursive: bool,
    /// Write each result into this directory, under the file's path relative to the current
    /// directory (or its name, for a path outside it).
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
}

/// Whether FILE arguments make a run over many files; else the one file of the
/// sops-compatible form (`None`: standard input).
pub fn single(files: &[PathBuf], many_flags: bool, recursive: bool) -> Option<Option<&Path>> {
    let many = files.len() > 1 || many_flags || (recursive && files.iter().any(|f| f.is_dir()));
    match (many, files) {
        (false, []) => Some(None),
        (false, [file]) => Some(Some(file.as_path())),
        _ => None,
    }
}

/// What a directory walk keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Files holding sops ciphertext (`decrypt`, `rotate`).
    Encrypted,
    /// Files without it (`encrypt`).
    Plaintext,
}

/// Whether raw bytes hold sops ciphertext (the MAC always is one).
fn holds_ciphertext(bytes: &[u8]) -> bool {
    const MARK: &[u8] = b"ENC[AES256_GCM,";
    bytes.windows(MARK.len()).any(|window| window == MARK)
}

/// The entries of a directory listing that are not hidden (no leading `.`), sorted.
pub fn visible_children(entries: std::fs::ReadDir) -> Vec<PathBuf> {
    let mut children: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|child| {
            !child
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    children.sort();
    children
}

fn walk(dir: &Path, wanted: Wanted, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        CliError::new(
            code::COULD_NOT_READ_INPUT,
            format!("cannot read directory {}: {e}", dir.display()),
        )
    })?;
    for child in visible_children(entries) {
        if child.is_dir() {
            walk(&child, wanted, out)?;
        } else if child.is_file() {
            let encrypted = std::fs::read(&child).is_ok_and(|bytes| holds_ciphertext(&bytes));
            if encrypted == (wanted == Wanted::Encrypted) {
                out.push(child);
            }
        }
    }
    Ok(())
}

/// The files the FILE arguments name: files as given, directories walked (with `--recursive`)
/// for the files `wanted` describes, in sorted order. Without `--recursive` a directory stays
/// an argument, which fails as it does in sops (it cannot be read as a file).
pub fn expand(
    paths: &[PathBuf],
    recursive: bool,
    wanted: Wanted,
) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        if recursive && path.is_dir() {
            walk(path, wanted, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Where `--output-dir DIR` puts the result for `file`: DIR joined with the file's path
/// relative to the current directory, or with its name alone when it is not below it.
pub fn in_output_dir(dir: &Path, file: &Path) -> PathBuf {
    let relative = match file.is_absolute() {
        true => std::env::current_dir()
            .ok()
            .and_then(|cwd| file.strip_prefix(cwd).ok().map(Path::to_path_buf)),
        false => Some(file.to_path_buf()),
    };
    let relative = relative
        .filter(|r| {
            r.components().all(|c| {
                matches!(
                    c,
                    std::path::Component::Normal(_) | std::path::Component::CurDir
                )
            })
        })
        .unwrap_or_else(|| PathBuf::from(file.file_name().unwrap_or(file.as_os_str())));
    dir.join(relative)
}

/// `target` as a file destination, its directory created.
pub fn prepared_target(target: PathBuf) -> Result<(PathBuf, sops_rs::io::Expect), CliError> {
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            CliError::new(
                code::COULD_NOT_WRITE_OUTPUT,
                format!("cannot create {}: {e}", parent.display()),
            )
        })?;
    }
    Ok((target, sops_rs::io::Expect::Any))
}

/// How many files are worked on at once: `SOPS_RS_JOBS`, else four per core (at least 8, at
/// most 64): a file's work mostly waits (on the disk's sync of each write, on a key provider),
/// so more workers than cores keep the cores busy.
pub fn workers() -> usize {
    std::env::var("SOPS_RS_JOBS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| (super::parallel::cores() * 4).clamp(8, 64))
}

/// The signals that stop a run cleanly (Windows has no SIGHUP).
#[cfg(unix)]
const STOP_SIGNALS: &[i32] = &[
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];
#[cfg(windows)]
const STOP_SIGNALS: &[i32] = &[signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

/// What one file's work reports on success: a short note for the summary (`-> out.yaml`).
pub type Done = Result<String, CliError>;

/// Runs `work` on every file on a bounded pool ([`workers`]), with a progress bar when
/// standard error is a terminal, going on past failed files; then prints one summary line per
/// file and a total on standard error. Returns the first failing file's error code (in
/// command-line order), with the summary already printed.
pub fn run(
    operation: &str,
    files: &[PathBuf],
    session: &Session,
    work: impl Fn(&Path) -> Done + Sync,
) -> Result<(), CliError> {
    let progress = (std::io::stderr().is_terminal() && files.len() > 1).then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("valid template"),
        );
        bar.set_message(operation.to_string());
        bar
    });
    let signal = Arc::new(AtomicUsize::new(0));
    let handlers: Vec<_> = STOP_SIGNALS
        .iter()
        .copied()
        .filter_map(|number| {
            signal_hook::flag::register_usize(number, Arc::clone(&signal), number as usize).ok()
        })
        .collect();
    let results = super::parallel::map_on(workers(), files, |path| {
        let done = match signal.load(Ordering::SeqCst) {
            0 => {
                let facts = session.file_facts(path);
                let done = work(path);
                let exit_code = done.as_ref().err().map_or(0, |e| e.code);
                session.record_file(facts.as_ref(), exit_code);
                done
            }
            number => Err(CliError::new(
                (128 + number).min(255) as u8,
                format!("{}: not started (interrupted)", path.display()),
            )),
        };
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        done
    });
    for handler in handlers {
        signal_hook::low_level::unregister(handler);
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut first_failure = None;
    let mut failed = 0;
    for (path, done) in files.iter().zip(results) {
        match done {
            Ok(note) => eprintln!("  ok      {}{note}", path.display()),
            Err(mut error) => {
                failed += 1;
                if session.withholding_paths()
                    && let Some(redacted) = error.redacted.take()
                {
                    error.message = redacted;
                }
                let name = path.display().to_string();
                let mut message = error.message.replace('\n', "\n          ");
                if !message.contains(&name) {
                    message = format!("{name}: {message}");
                }
                eprintln!("  failed  {message} (exit {})", error.code);
                first_failure.get_or_insert(error.code);
            }
        }
    }
    eprintln!(
        "{operation}: {} of {} files done, {failed} failed",
        files.len() - failed,
        files.len()
    );
    match (signal.load(Ordering::SeqCst), first_failure) {
        (0, None) => Ok(()),
        (0, Some(code)) => Err(CliError::silent(code)),
        (number, _) => Err(CliError::silent((128 + number).min(255) as u8)),
    }
}
