//! Traces and metrics of each run, built from the key events the key context reports and the
//! command's outcome. Nothing here runs unless the user configured an exporter: the environment
//! (`OTEL_EXPORTER_OTLP_*`, `SOPS_RS_METRICS_*`) or the `telemetry:` section of the user's own
//! config. A repository's config cannot configure telemetry (it is untrusted input), and no
//! exporter failure changes the command's result: it becomes one warning line.
//!
//! - [`settings`]: which exporters are on, and where they send.
//! - [`trace`]: the command span and one child span per key attempt, as OTLP/HTTP JSON.
//! - [`metrics`]: the run's counters and latency histogram; the Prometheus text format (with the
//!   merge that keeps Pushgateway and textfile counters cumulative) and OTLP metrics.
//! - [`export`]: the HTTP requests and the textfile write.

pub mod export;
pub mod metrics;
pub mod settings;
pub mod trace;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::keys::{KeyEvent, KeyEventHook};

pub use settings::Settings;

/// A key attempt as the run saw it: the event and when it ended.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// What the key context reported.
    pub event: KeyEvent,
    /// When the report came (the attempt's end).
    pub ended: SystemTime,
}

/// How the command ended, for the command span and the operations counter.
#[derive(Clone, Copy, Debug)]
pub struct RunEnd {
    /// `success`, `failure`, `aborted`, `unchanged` or `denied`.
    pub outcome: &'static str,
    /// The process exit code.
    pub exit_code: u8,
}

/// One command under telemetry: collects the key attempts and exports when it ends.
pub struct Run {
    settings: Settings,
    operation: &'static str,
    started: SystemTime,
    file_sha256: Option<String>,
    file_format: Option<&'static str>,
    attempts: Arc<Mutex<Vec<Attempt>>>,
}

impl Run {
    /// Starts a run of `operation` on `file` (`None` or `-`: standard input). The file's hash is
    /// taken now, before the command changes it; an `encrypt` input is plaintext, and its hash
    /// is not taken.
    pub fn start(settings: Settings, operation: &'static str, file: Option<&Path>) -> Run {
        let file = file.filter(|p| p.as_os_str() != "-");
        let file_sha256 = match file {
            Some(path) if settings.traces_on() && operation != "encrypt" => {
                crate::audit::subject::sha256_file(path)
            }
            _ => None,
        };
        Run {
            operation,
            started: SystemTime::now(),
            file_sha256,
            file_format: file.map(|p| crate::Format::from_path(p).name()),
            attempts: Arc::new(Mutex::new(Vec::new())),
            settings,
        }
    }

    /// A hook for [`crate::keys::KeyContext::on_event`] (the caller chains it with its others).
    pub fn key_hook(&self) -> KeyEventHook {
        let attempts = Arc::clone(&self.attempts);
        Box::new(move |event: &KeyEvent| {
            attempts.lock().expect("telemetry lock").push(Attempt {
                event: event.clone(),
                ended: SystemTime::now(),
            });
        })
    }

    /// Exports the run. Returns the warning to show when an exporter failed (one line).
    pub fn finish(self, end: RunEnd) -> Option<String> {
        let ended = SystemTime::now();
        let attempts = std::mem::take(&mut *self.attempts.lock().expect("telemetry lock"));
        let spans = self.settings.traces_on().then(|| {
            trace::Spans {
                parent: self.settings.parent.as_ref(),
                operation: self.operation,
                started: self.started,
                ended,
                file_sha256: self.file_sha256.as_deref(),
                file_format: self.file_format,
                end,
                attempts: &attempts,
            }
            .to_otlp(&self.settings.resource)
        });
        let run_metrics = metrics::RunMetrics::of(self.operation, end.outcome, &attempts, ended);
        export::all(&self.settings, spans, &run_metrics, self.started, ended)
    }
}

/// Nanoseconds since the Unix epoch, as OTLP JSON writes them (a decimal string).
pub(crate) fn unix_nanos(time: SystemTime) -> String {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
        .to_string()
}
