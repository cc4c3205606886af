//! Audit wiring for the commands: builds the [`Auditor`] from the [`Settings`] the library
//! gathered from flags, environment and config, writes `<op>.start` before any key is touched,
//! forwards key events, and writes `<op>.finish` with the outcome. In `required` mode it refuses
//! to start when no sink takes the start record (the session holds output back until the finish
//! record is stored). The `audit` subcommand itself is `commands::audit_log`.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{Value as Json, json};
use sops_rs::audit::sinks::Auditor;
use sops_rs::audit::{AUDIT_UNAVAILABLE_EXIT, FileFacts, Mode, Record, RunContext, error_class};
use sops_rs::keys::KeyEvent;

use super::exit::{CliError, code};

/// The audit settings live in the library; the command layer gathers them once per run.
pub use sops_rs::audit::Settings;

impl From<sops_rs::audit::SettingsError> for CliError {
    fn from(error: sops_rs::audit::SettingsError) -> CliError {
        CliError::new(code::GENERIC, error.0)
    }
}

/// The outcome name of a command's result (as audit records, spans and metrics show it) and
/// its exit code.
pub fn outcome(result: &Result<(), CliError>) -> (&'static str, u8) {
    match result {
        Ok(()) => ("success", 0u8),
        Err(e) if e.code == code::FILE_HAS_NOT_BEEN_MODIFIED => ("unchanged", e.code),
        Err(e) if e.message.starts_with("edit aborted") => ("aborted", e.code),
        Err(e) if e.code == AUDIT_UNAVAILABLE_EXIT => ("denied", e.code),
        Err(e) => ("failure", e.code),
    }
}

/// Writes the `<op>.file` record of one file of a many-file run.
pub type FileHook = Box<dyn Fn(&FileFacts, u8) + Send + Sync>;

/// One audited command.
pub struct AuditRun {
    auditor: Option<Arc<Mutex<Auditor>>>,
    op: &'static str,
    op_id: String,
    started: Instant,
    file: Option<FileFacts>,
    path_field: Option<(String, Json)>,
    keys: Arc<Mutex<Vec<KeyEvent>>>,
    /// How many `<op>.file` records the run wrote.
    file_records: Arc<std::sync::atomic::AtomicU64>,
}

impl AuditRun {
    /// Whether records are written (then error messages are redacted too).
    pub fn enabled(&self) -> bool {
        self.auditor.is_some()
    }

    /// The required mode holds output back until the finish record is stored.
    pub fn required(&self) -> bool {
        self.auditor
            .as_ref()
            .is_some_and(|a| a.lock().map(|a| a.mode == Mode::Required).unwrap_or(false))
    }

    /// Builds the auditor and writes `<op>.start`. `tree_path` is hashed, never logged in clear.
    pub fn start(
        op: &'static str,
        file: Option<&Path>,
        tree_path: Option<&str>,
        settings: Settings,
    ) -> Result<AuditRun, CliError> {
        let mode = settings.mode();
        let mut run = AuditRun {
            auditor: None,
            op,
            op_id: sops_rs::audit::new_id(),
            started: Instant::now(),
            file: None,
            path_field: None,
            keys: Arc::new(Mutex::new(Vec::new())),
            file_records: Arc::default(),
        };
        if mode == Mode::Off {
            return Ok(run);
        }
        let key = settings.hmac_key().cloned();
        let ctx = RunContext::new(std::env::vars().collect());
        let auditor = settings
            .auditor(ctx)
            .map_err(|e| CliError::new(AUDIT_UNAVAILABLE_EXIT, e.0))?;
        let Some(auditor) = auditor else {
            return Ok(run);
        };
        run.auditor = Some(Arc::new(Mutex::new(auditor)));
        run.file = file.filter(|p| p.as_os_str() != "-").map(FileFacts::of);
        if let Some(tree_path) = tree_path {
            run.path_field = Some(match key {
                Some(key) => (
                    "path_hmac".to_string(),
                    json!({"value": key.hash(tree_path), "key_id": key.key_id()}),
                ),
                None => ("redacted".to_string(), json!(["path"])),
            });
        }
        let record = run
            .record(&format!("{op}.start"))
            .with("file", run.file_json(None));
        let record = match &run.path_field {
            Some((key, value)) => record.with(key, value.clone()),
            None => record,
        };
        run.emit(&record, true)?;
        Ok(run)
    }

    fn record(&self, event: &str) -> Record {
        let auditor = self.auditor.as_ref().expect("only called when enabled");
        let guard = auditor.lock().expect("audit lock");
        Record::new(event, &guard.ctx, &self.op_id)
    }

    fn file_json(&self, after: Option<String>) -> Json {
        match &self.file {
            None => json!({"stdin": true}),
            Some(facts) => facts.to_json(after),
        }
    }

    fn emit(&self, record: &Record, gate: bool) -> Result<(), CliError> {
        let Some(auditor) = &self.auditor else {
            return Ok(());
        };
        let mut guard = auditor.lock().expect("audit lock");
        guard.emit(record, gate).map_err(|reason| {
            CliError::new(
                AUDIT_UNAVAILABLE_EXIT,
                format!("audit trail unavailable (mode required): {reason}"),
            )
        })
    }

    /// A hook for [`sops_rs::keys::KeyContext::on_event`]: writes `key.wrap` / `key.unwrap`.
    pub fn key_hook(&self) -> Option<sops_rs::keys::KeyEventHook> {
        let auditor = self.auditor.clone()?;
        let op_id = self.op_id.clone();
        let keys = Arc::clone(&self.keys);
        Some(Box::new(move |event: &KeyEvent| {
            let mut guard = auditor.lock().expect("audit lock");
            let mut record = Record::new(&format!("key.{}", event.operation), &guard.ctx, &op_id)
                .with("key", json!({"type": event.kind.tag(), "id": event.id}))
                .with("result", event.result)
                .with("source", event.source.tag())
                .with(
                    "latency_ms",
                    (event.duration.as_secs_f64() * 1e6).round() / 1e3,
                );
            if let Some(address) = &event.key_service {
                record = record.with("key_service", address.clone());
            }
            if event.result == "failure" {
                record = record.with("error", json!({"class": "key_unavailable"}));
            }
            if let Some(request_id) = &event.request_id {
                record = record.with("provider_request_id", request_id.clone());
            }
            let _ = guard.emit(&record, false);
            keys.lock().expect("audit lock").push(event.clone());
        }))
    }

    /// A hook that writes `<op>.file` for one file of a run over several files: the file's facts
    /// (read before its work), its outcome and exit code.
    pub fn file_hook(&self) -> Option<FileHook> {
        let auditor = self.auditor.clone()?;
        let op_id = self.op_id.clone();
        let event = format!("{}.file", self.op);
        let written = Arc::clone(&self.file_records);
        Some(Box::new(move |facts: &FileFacts, exit_code: u8| {
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut guard = auditor.lock().expect("audit lock");
            let after = facts.sha256_now();
            let outcome = if exit_code == 0 { "success" } else { "failure" };
            let mut record = Record::new(&event, &guard.ctx, &op_id)
                .with("file", facts.to_json(after))
                .with("outcome", outcome);
            if exit_code != 0 {
                record = record.with(
                    "error",
                    json!({"class": error_class(exit_code), "exit_code": exit_code}),
                );
            }
            let _ = guard.emit(&record.with("exit_code", exit_code), false);
        }))
    }

    /// The file the records describe (not standard input), when auditing.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_ref().map(FileFacts::path)
    }

    /// Writes `<op>.finish`. With `gate`, a failure to store it is an error (exit 75).
    /// `pending_after` is the hash of a write to the file held until this record is stored.
    pub fn finish(
        &self,
        result: &Result<(), CliError>,
        gate: bool,
        pending_after: Option<String>,
    ) -> Result<(), CliError> {
        if self.auditor.is_none() {
            return Ok(());
        }
        let after = pending_after.or_else(|| self.file.as_ref().and_then(FileFacts::sha256_now));
        let recipients: Vec<Json> = self
            .keys
            .lock()
            .expect("audit lock")
            .iter()
            .map(|e| json!({"type": e.kind.tag(), "id": e.id, "operation": e.operation, "result": e.result}))
            .collect();
        let (outcome, exit_code) = outcome(result);
        let mut record = self
            .record(&format!("{}.finish", self.op))
            .with("file", self.file_json(after))
            .with("recipients", recipients);
        if let Some((key, value)) = &self.path_field {
            record = record.with(key, value.clone());
        }
        let files = self.file_records.load(std::sync::atomic::Ordering::Relaxed);
        if files > 0 {
            record = record.with("files", files);
        }
        record = record.with("outcome", outcome);
        if exit_code != 0 {
            record = record.with(
                "error",
                json!({"class": error_class(exit_code), "exit_code": exit_code}),
            );
        }
        record = record
            .with("duration_ms", self.started.elapsed().as_millis() as u64)
            .with("exit_code", exit_code);
        self.emit(&record, gate)
    }
}
