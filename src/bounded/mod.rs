//! Bounds on what sops-rs reads and runs, so that no input can take unbounded memory or time.
//!
//! Every whole read (files, standard input, pipes, answers to a question) goes through
//! [`read_to_end`] with the size limit of its [`Kind`]; every external command (key commands,
//! gpg) goes through [`command::run`], bounded in output and in time. The limits are
//! process-wide: the binary [`install`]s them from its environment once (see
//! [`Limits::from_vars`]); a library user may install its own or keep the defaults.

pub mod command;
mod read;

use std::sync::RwLock;
use std::time::Duration;

pub use read::{read_answer_from_stdin, read_file, read_file_to_string, read_line, read_to_end};

/// What is being read; each kind has its own limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A file a command works on, standard input, `set --value-file`, the sides of a merge.
    Input,
    /// Key material and credentials: age identity files, SSH and PGP secret keys, cloud
    /// credential files, CA certificates, tokens, answers from key services.
    Key,
    /// Configuration: `.sops.yaml`, and the system files sops-rs looks things up in.
    Config,
    /// What an external command prints (`SOPS_AGE_KEY_CMD`, gpg), on each of its streams.
    CommandOutput,
    /// One answer typed (or piped) in reply to a question.
    Answer,
}

impl Kind {
    /// The environment variable that sets this kind's limit (answers have a fixed one).
    pub fn variable(self) -> Option<&'static str> {
        match self {
            Kind::Input => Some("SOPS_RS_MAX_INPUT_BYTES"),
            Kind::Key => Some("SOPS_RS_MAX_KEY_BYTES"),
            Kind::Config => Some("SOPS_RS_MAX_CONFIG_BYTES"),
            Kind::CommandOutput => Some("SOPS_RS_MAX_COMMAND_OUTPUT_BYTES"),
            Kind::Answer => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Input => "input files",
            Kind::Key => "key files",
            Kind::Config => "configuration files",
            Kind::CommandOutput => "command output",
            Kind::Answer => "an answer",
        }
    }
}

/// The variable that sets [`Limits::command_timeout`].
pub const COMMAND_TIMEOUT_VARIABLE: &str = "SOPS_RS_COMMAND_TIMEOUT_SECONDS";

/// The size of the longest answer to a question (`y`, a passphrase...).
pub const MAX_ANSWER_BYTES: u64 = 4096;

/// The size limit of each kind of input, and how long an external command may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// [`Kind::Input`], in bytes.
    pub input: u64,
    /// [`Kind::Key`], in bytes.
    pub key: u64,
    /// [`Kind::Config`], in bytes.
    pub config: u64,
    /// [`Kind::CommandOutput`], in bytes, per stream.
    pub command_output: u64,
    /// How long an external command, or an answer on a standard input that is not a terminal,
    /// may take.
    pub command_timeout: Duration,
}

const MIB: u64 = 1 << 20;

impl Limits {
    /// The defaults: 256 MiB per input file (decrypting takes about four times the file's size
    /// in memory), 16 MiB for key files, configuration and each stream of a command's output,
    /// and two minutes for a command (time enough to type a passphrase into a pinentry).
    pub const DEFAULT: Limits = Limits {
        input: 256 * MIB,
        key: 16 * MIB,
        config: 16 * MIB,
        command_output: 16 * MIB,
        command_timeout: Duration::from_secs(120),
    };

    /// The limit for one kind of input, in bytes.
    pub fn bytes(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Input => self.input,
            Kind::Key => self.key,
            Kind::Config => self.config,
            Kind::CommandOutput => self.command_output,
            Kind::Answer => MAX_ANSWER_BYTES,
        }
    }

    /// The defaults, changed by the variables `lookup` finds: `SOPS_RS_MAX_INPUT_BYTES`,
    /// `SOPS_RS_MAX_KEY_BYTES`, `SOPS_RS_MAX_CONFIG_BYTES`, `SOPS_RS_MAX_COMMAND_OUTPUT_BYTES` (a
    /// number of bytes, optionally with a `K`, `M` or `G` suffix for KiB, MiB, GiB) and
    /// `SOPS_RS_COMMAND_TIMEOUT_SECONDS` (seconds, may be fractional). An empty variable is
    /// unset; a malformed one is an error naming it.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Limits, String> {
        let mut limits = Limits::DEFAULT;
        for kind in [Kind::Input, Kind::Key, Kind::Config, Kind::CommandOutput] {
            let name = kind.variable().expect("these kinds have a variable");
            let Some(text) = lookup(name).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            let bytes = parse_size(&text).ok_or_else(|| {
                format!("{name}={text:?}: expected a number of bytes, such as 1048576 or 512M")
            })?;
            match kind {
                Kind::Input => limits.input = bytes,
                Kind::Key => limits.key = bytes,
                Kind::Config => limits.config = bytes,
                _ => limits.command_output = bytes,
            }
        }
        if let Some(text) = lookup(COMMAND_TIMEOUT_VARIABLE).filter(|v| !v.trim().is_empty()) {
            limits.command_timeout = text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    format!(
                        "{COMMAND_TIMEOUT_VARIABLE}={text:?}: expected a number of seconds, such as 30"
                    )
                })?;
        }
        Ok(limits)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// `4096`, `64K`, `512M`, `2G` (binary units); at least one byte.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last()? {
        (at, 'k' | 'K') => (&text[..at], 1 << 10),
        (at, 'm' | 'M') => (&text[..at], MIB),
        (at, 'g' | 'G') => (&text[..at], 1 << 30),
        _ => (text, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u64>()
        .ok()?
        .checked_mul(unit)
        .filter(|&n| n > 0)
}

static LIMITS: RwLock<Limits> = RwLock::new(Limits::DEFAULT);

/// Sets the limits for the rest of the process.
pub fn install(limits: Limits) {
    *LIMITS.write().unwrap_or_else(|e| e.into_inner()) = limits;
}

/// The limits in force.
pub fn current() -> Limits {
    *LIMITS.read().unwrap_or_else(|e| e.into_inner())
}

/// An input was larger than the limit of its kind. The message says what the limit is and how
/// to raise it, in one line; it never contains any of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct TooLarge {
    /// What was read.
    pub kind: Kind,
    /// The limit it passed, in bytes.
    pub limit: u64,
}

impl TooLarge {
    fn describe(&self) -> String {
        let what = format!(
            "more than {}, the limit for {}",
            human_size(self.limit),
            self.kind.describe()
        );
        match self.kind.variable() {
            Some(variable) => format!("{what} (set {variable} to raise it)"),
            None => what,
        }
    }

    /// The [`TooLarge`] inside an I/O error from a bounded read, if that is what it is.
    pub fn in_io_error(error: &std::io::Error) -> Option<TooLarge> {
        error.get_ref()?.downcast_ref::<TooLarge>().copied()
    }

    fn into_io_error(self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::FileTooLarge, self)
    }
}

/// `256 MiB`, `4 KiB`, `1000 bytes`.
fn human_size(bytes: u64) -> String {
    for (unit, name) in [(1u64 << 30, "GiB"), (MIB, "MiB"), (1 << 10, "KiB")] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    format!("{bytes} bytes")
}

/// A duration as people write it: `120 s`, `0.5 s`.
fn human_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds.fract() == 0.0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{seconds} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn limits_come_from_the_variables() {
        assert_eq!(Limits::from_vars(vars(&[])).unwrap(), Limits::DEFAULT);
        let limits = Limits::from_vars(vars(&[
            ("SOPS_RS_MAX_INPUT_BYTES", "1G"),
            ("SOPS_RS_MAX_KEY_BYTES", "64k"),
            ("SOPS_RS_MAX_CONFIG_BYTES", "1000"),
            ("SOPS_RS_MAX_COMMAND_OUTPUT_BYTES", " 2M "),
            ("SOPS_RS_COMMAND_TIMEOUT_SECONDS", "0.5"),
        ]))
        .unwrap();
        assert_eq!(limits.bytes(Kind::Input), 1 << 30);
        assert_eq!(limits.bytes(Kind::Key), 64 << 10);
        assert_eq!(limits.bytes(Kind::Config), 1000);
        assert_eq!(limits.bytes(Kind::CommandOutput), 2 << 20);
        assert_eq!(limits.bytes(Kind::Answer), MAX_ANSWER_BYTES);
        assert_eq!(limits.command_timeout, Duration::from_millis(500));
        assert_eq!(
            Limits::from_vars(vars(&[("SOPS_RS_MAX_INPUT_BYTES", "")])).unwrap(),
            Limits::DEFAULT
        );
    }

    #[test]
    fn malformed_limits_name_the_variable() {
        for (name, value) in [
            ("SOPS_RS_MAX_INPUT_BYTES", "lots"),
            ("SOPS_RS_MAX_KEY_BYTES", "0"),
            ("SOPS_RS_MAX_CONFIG_BYTES", "-5"),
            ("SOPS_RS_MAX_COMMAND_OUTPUT_BYTES", "99999999999999999999G"),
            ("SOPS_RS_MAX_INPUT_BYTES", "M"),
            ("SOPS_RS_COMMAND_TIMEOUT_SECONDS", "0"),
            ("SOPS_RS_COMMAND_TIMEOUT_SECONDS", "soon"),
            ("SOPS_RS_COMMAND_TIMEOUT_SECONDS", "inf"),
        ] {
            let error = Limits::from_vars(vars(&[(name, value)])).unwrap_err();
            assert!(error.starts_with(name), "{error}");
        }
    }

    #[test]
    fn too_large_says_the_limit_and_the_variable() {
        let message = TooLarge {
            kind: Kind::Input,
            limit: 256 << 20,
        }
        .to_string();
        assert_eq!(
            message,
            "more than 256 MiB, the limit for input files (set SOPS_RS_MAX_INPUT_BYTES to raise it)"
        );
        assert_eq!(human_size(1000), "1000 bytes");
        assert_eq!(human_size(3 << 30), "3 GiB");
        assert_eq!(human_duration(Duration::from_secs(120)), "120 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
    }
}
