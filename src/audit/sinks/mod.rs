//! Where audit records go. [`ALL`] is the one list of sink kinds: each kind is a file in this
//! directory with a `configure` function that reads its own settings from the [`Sources`] of
//! one trust level, and adding a kind is that file plus one line in [`ALL`]. Whether auditing is
//! on follows from the sinks that were configured (see [`crate::audit::Settings::mode`]), so a
//! new kind cannot be configured and yet left silent. [`Auditor`] fans records out to the sinks
//! and applies the mode.

mod file;
mod github_summary;
pub(crate) mod otlp;
mod stderr;

pub use file::FileSink;
pub use github_summary::GithubSummarySink;
pub use otlp::OtlpSink;
pub use stderr::StderrSink;

use super::settings::{Level, SettingsError, Sources};
use super::{Mode, Record, RunContext};

/// One destination for records.
pub trait Sink: Send {
    /// A short name for warnings (`file`, `stderr`, `otlp`, `github-summary`).
    fn name(&self) -> &'static str;
    /// Stores a record. `gate` marks records that must be durable before the command goes on
    /// (start records, and finish records that gate output).
    fn write(&mut self, record: &Record, ctx: &RunContext, gate: bool) -> Result<(), String>;
    /// Whether this sink keeps the records (a log, a collector). A view of them, such as the job
    /// summary, neither turns auditing on nor counts as storing a record in `required` mode.
    fn keeps_records(&self) -> bool {
        true
    }
}

/// Builds the sinks one kind configures at one trust level (none when it is not configured
/// there). A setting the level has no right to is an error, never silently dropped.
pub type Configure = fn(&Sources, Level) -> Result<Vec<Box<dyn Sink>>, SettingsError>;

/// Every kind of sink, in the order records reach them.
pub const ALL: &[Configure] = &[
    file::configure,
    stderr::configure,
    otlp::configure,
    github_summary::configure,
];

/// Fans records out to the configured sinks under a mode.
pub struct Auditor {
    /// The mode.
    pub mode: Mode,
    /// Process facts for every record.
    pub ctx: RunContext,
    sinks: Vec<Box<dyn Sink>>,
    warned: Vec<&'static str>,
}

impl Auditor {
    /// An auditor; with `Mode::Off` or no sinks nothing is written.
    pub fn new(mode: Mode, ctx: RunContext, sinks: Vec<Box<dyn Sink>>) -> Auditor {
        Auditor {
            mode,
            ctx,
            sinks,
            warned: Vec::new(),
        }
    }

    /// Whether records are written at all.
    pub fn enabled(&self) -> bool {
        self.mode != Mode::Off && !self.sinks.is_empty()
    }

    /// Writes a record to every sink. In `required` mode a gating record that no record-keeping
    /// sink accepted is an error (the caller must stop); otherwise failures warn once per sink on
    /// stderr.
    pub fn emit(&mut self, record: &Record, gate: bool) -> Result<(), String> {
        if !self.enabled() {
            return Ok(());
        }
        let mut accepted = 0;
        let mut failures = Vec::new();
        for sink in &mut self.sinks {
            match sink.write(record, &self.ctx, gate) {
                Ok(()) if sink.keeps_records() => accepted += 1,
                Ok(()) => {}
                Err(e) => failures.push((sink.name(), e)),
            }
        }
        for (name, error) in &failures {
            if !self.warned.contains(name) {
                eprintln!("sops-rs: warning: audit sink {name} failed: {error}");
                self.warned.push(name);
            }
        }
        if self.mode == Mode::Required && gate && accepted == 0 {
            let reasons: Vec<String> = failures.into_iter().map(|(_, e)| e).collect();
            return Err(reasons.join("; "));
        }
        Ok(())
    }
}
