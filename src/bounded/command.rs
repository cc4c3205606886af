//! External commands bounded in output and in time: key commands (`SOPS_AGE_KEY_CMD`,
//! `SOPS_AGE_SSH_PRIVATE_KEY_CMD`) and gpg.
//!
//! Standard output (and standard error, when captured) is read through the bounded read with
//! the command-output limit. A command that prints more, or runs past the command timeout, is
//! killed together with every process it started, and the caller gets an error saying which
//! bound it passed. The command stays in sops-rs's process group, so that it can still ask for
//! a passphrase on the terminal.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{COMMAND_TIMEOUT_VARIABLE, Kind, TooLarge, current, human_duration};

/// What a command left behind.
pub struct Finished {
    /// How it ended.
    pub status: ExitStatus,
    /// Everything it printed on standard output (it may be key material).
    pub stdout: Zeroizing<Vec<u8>>,
    /// Its standard error, when captured; empty otherwise.
    pub stderr: Vec<u8>,
}

/// Why a command gave no result. The message fits after the command's name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// It could not be started.
    #[error("could not be started: {0}")]
    Spawn(std::io::Error),
    /// It ran past the timeout and was killed.
    #[error(
        "did not finish within {}, and was stopped (set {COMMAND_TIMEOUT_VARIABLE} to wait longer)",
        human_duration(*.0)
    )]
    TimedOut(Duration),
    /// It printed more than the limit and was killed.
    #[error("printed {0}, and was stopped")]
    TooMuchOutput(TooLarge),
    /// Its output could not be read.
    #[error("could not be read: {0}")]
    Io(std::io::Error),
}

impl CommandError {
    /// Whether the program was not found.
    pub fn not_found(&self) -> bool {
        matches!(self, CommandError::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Standard error: captured for the caller, or shown to the user as it comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stderr {
    /// Read into [`Finished::stderr`], bounded like standard output.
    Capture,
    /// Left on sops-rs's standard error.
    Inherit,
}

/// Runs `command` with `input` on its standard input (none: an empty standard input) and waits,
/// at most for the command timeout, for it to end and close its output.
pub fn run(
    command: &mut Command,
    input: Option<&[u8]>,
    stderr: Stderr,
) -> Result<Finished, CommandError> {
    let timeout = current().command_timeout;
    let deadline = Instant::now() + timeout;
    command
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(match stderr {
            Stderr::Capture => Stdio::piped(),
            Stderr::Inherit => Stdio::inherit(),
        });
    let mut child = command.spawn().map_err(CommandError::Spawn)?;
    if let (Some(mut pipe), Some(input)) = (child.stdin.take(), input) {
        // Written beside the readers, so that a command that prints before it has read all of
        // its input cannot block us.
        let input = Zeroizing::new(input.to_vec());
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    // Each stream is read on its own thread, which sends (stream, result) when it is done.
    let (sender, results) = mpsc::channel();
    let mut outputs: [Option<Zeroizing<Vec<u8>>>; 2] = [None, Some(Zeroizing::default())];
    if let Some(pipe) = child.stdout.take() {
        read_beside(pipe, 0, sender.clone());
    }
    if let Some(pipe) = child.stderr.take() {
        outputs[1] = None;
        read_beside(pipe, 1, sender);
    }
    let mut status = None;
    loop {
        if status.is_none() {
            status = child.try_wait().map_err(CommandError::Io)?;
        }
        if status.is_some() && outputs.iter().all(Option::is_some) {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            stop(&mut child, status.is_some());
            return Err(CommandError::TimedOut(timeout));
        }
        match results.recv_timeout(left.min(Duration::from_millis(5))) {
            Ok((stream, Ok(bytes))) => outputs[stream] = Some(bytes),
            Ok((_, Err(e))) => {
                stop(&mut child, status.is_some());
                return Err(match TooLarge::in_io_error(&e) {
                    Some(too_large) => CommandError::TooMuchOutput(too_large),
                    None => CommandError::Io(e),
                });
            }
            Err(_) => {}
        }
    }
    let [stdout, stderr] = outputs.map(Option::unwrap_or_default);
    Ok(Finished {
        status: status.expect("the loop ends once the command has ended"),
        stdout,
        stderr: stderr.to_vec(),
    })
}

/// A stream's number (0 standard output, 1 standard error) and what was read from it, which
/// may be key material until it is known to be an error message.
type StreamResult = (usize, std::io::Result<Zeroizing<Vec<u8>>>);

fn read_beside(pipe: impl Read + Send + 'static, stream: usize, sender: Sender<StreamResult>) {
    std::thread::spawn(move || {
        let read = super::read_to_end(pipe, Kind::CommandOutput, 0).map(Zeroizing::new);
        let _ = sender.send((stream, read));
    });
}

/// Kills the command and everything it started, then reaps it.
fn stop(child: &mut Child, already_ended: bool) {
    if !already_ended {
        kill_tree(child.id());
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Windows: `taskkill /F /T` ends `root` and the processes it started (Windows keeps the parent
/// ids, so they can be found); the caller's `kill` ends `root` should that fail.
#[cfg(windows)]
fn kill_tree(root: u32) {
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &root.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Sends SIGKILL to `root` and all its descendants, found through /proc before anything is
/// killed (a killed parent's children move to init and could not be found any more). Each one
/// is stopped first, so that none can start new processes while the tree is collected.
#[cfg(unix)]
fn kill_tree(root: u32) {
    use rustix::process::{Pid, Signal, kill_process};
    let signal = |pid: u32, signal: Signal| {
        if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
            let _ = kill_process(pid, signal);
        }
    };
    let mut tree = vec![root];
    signal(root, Signal::STOP);
    loop {
        let found: Vec<u32> = children_of(&tree)
            .into_iter()
            .filter(|pid| !tree.contains(pid))
            .collect();
        if found.is_empty() {
            break;
        }
        for &pid in &found {
            signal(pid, Signal::STOP);
        }
        tree.extend(found);
    }
    for pid in tree {
        signal(pid, Signal::KILL);
    }
}

/// The processes whose parent is in `parents`, from /proc (none where there is no /proc).
#[cfg(unix)]
fn children_of(parents: &[u32]) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| parent_of(pid).is_some_and(|parent| parents.contains(&parent)))
        .collect()
}

/// The parent of `pid`: the field after the state in /proc/PID/stat, which follows the
/// command name in parentheses (a name that may itself hold spaces and parentheses).
#[cfg(unix)]
fn parent_of(pid: u32) -> Option<u32> {
    let path = std::path::PathBuf::from(format!("/proc/{pid}/stat"));
    let stat = super::read_file_to_string(&path, Kind::Config).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("/bin/sh");
        command.arg("-c").arg(script);
        command
    }

    #[test]
    fn output_input_and_status_come_back() {
        let finished = run(
            &mut sh("cat; echo oops >&2; exit 3"),
            Some(b"data"),
            Stderr::Capture,
        )
        .unwrap();
        assert_eq!(&finished.stdout[..], b"data");
        assert_eq!(finished.stderr, b"oops\n");
        assert_eq!(finished.status.code(), Some(3));
    }

    #[test]
    fn endless_output_is_stopped_at_the_limit() {
        let started = Instant::now();
        let error = match run(&mut sh("cat /dev/zero"), None, Stderr::Inherit) {
            Err(error) => error,
            Ok(_) => panic!("endless output was accepted"),
        };
        assert!(
            matches!(
                error,
                CommandError::TooMuchOutput(TooLarge {
                    kind: Kind::CommandOutput,
                    ..
                })
            ),
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    #[cfg(unix)]
    #[test]
    fn a_process_tree_is_found_and_killed() {
        // A shell that starts a grandchild and waits for it: both must go.
        let mut child = sh("sleep 1000 & wait").spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let grandchild = loop {
            if let Some(&pid) = children_of(&[child.id()]).first() {
                break pid;
            }
            assert!(Instant::now() < deadline, "the grandchild never started");
            std::thread::sleep(Duration::from_millis(10));
        };
        stop(&mut child, false);
        // Gone, or a zombie waiting for init to reap it.
        let gone = || {
            std::fs::read_to_string(format!("/proc/{grandchild}/stat"))
                .map(|stat| {
                    stat[stat.rfind(')').unwrap() + 1..]
                        .trim_start()
                        .starts_with('Z')
                })
                .unwrap_or(true)
        };
        while !gone() {
            assert!(
                Instant::now() < deadline,
                "the grandchild {grandchild} survived"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
