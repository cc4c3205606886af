//! The stderr sink: unchained JSON Lines on standard error (never standard output, which
//! carries data), chosen by naming the log `-`.

use std::io::Write;

use super::{Level, Record, RunContext, SettingsError, Sink, Sources};

/// Unchained JSON Lines on standard error.
pub struct StderrSink;

/// One stderr sink when any log setting of `level` is `-`.
pub fn configure(sources: &Sources, level: Level) -> Result<Vec<Box<dyn Sink>>, SettingsError> {
    let wanted = sources
        .log_settings(level)
        .iter()
        .any(|log| log.path.as_os_str() == "-");
    Ok(if wanted {
        vec![Box::new(StderrSink)]
    } else {
        Vec::new()
    })
}

impl Sink for StderrSink {
    fn name(&self) -> &'static str {
        "stderr"
    }

    fn write(&mut self, record: &Record, _ctx: &RunContext, _gate: bool) -> Result<(), String> {
        let mut stderr = std::io::stderr().lock();
        writeln!(stderr, "{}", record.to_line()).map_err(|e| format!("stderr: {e}"))
    }
}
