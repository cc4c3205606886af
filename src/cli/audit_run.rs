//! Audit wiring for the commands: builds the [`Auditor`] from the [`Settings`] the library
//! gathered from flags, environment and config, writes `<op>.start` before any key is touched,
//! forwards key events, and writes `<op>.finish` with the outcome. In `required` mode it refuses
//! to start when no sink takes the start record (the session holds output back until the finish
//! record is stored). Also `sops-rs audit verify` and `sops-rs audit hash`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Subcommand;
use serde_json::{Value as Json, json};
use sops_rs::audit::sinks::Auditor;
use sops_rs::audit::{
    AUDIT_UNAVAILABLE_EXIT, FileFacts, HmacKey, Mode, Record, RunContext, chain, error_class,
};
use sops_rs::keys::KeyEvent;

use super::exit::{CliError, code};

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check an audit log's hash chain; report the first broken line.
    #[command(
        after_help = "Examples:\n  sops-rs audit verify audit.jsonl\n  sops-rs audit verify --json audit.jsonl"
    )]
    Verify {
        /// The JSON Lines audit log.
        file: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Also require the log to reach this head: a digest printed by an earlier run
        /// (`sha256:...`), or a head file written through SOPS_RS_AUDIT_HEAD. With
        /// SOPS_RS_AUDIT_HMAC_KEY set, every line's MAC is checked too.
        #[arg(long, value_name = "DIGEST|FILE")]
        head: Option<String>,
    },
    /// Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with.
    #[command(after_help = "Examples:\n  sops-rs audit hash '[\"db\"][\"password\"]'")]
    Hash {
        /// A tree path, e.g. '["db"]["password"]'.
        path: String,
    },
}

/// The audit settings live in the library; the command layer gathers them once per run.
pub use sops_rs::audit::Settings;

impl From<sops_rs::audit::SettingsError> for CliError {
    fn from(error: sops_rs::audit::SettingsError) -> CliError {
        CliError::new(code::GENERIC, error.0)
    }
}

fn hmac_key() -> Result<Option<HmacKey>, CliError> {
    Ok(sops_rs::audit::settings::hmac_key(
        &std::env::vars().collect(),
    )?)
}

/// One audited command.
pub struct AuditRun {
    auditor: Option<Arc<Mutex<Auditor>>>,
    op: &'static str,
    op_id: String,
    started: Instant,
    file: Option<FileFacts>,
    path_field: Option<(String, Json)>,
    keys: Arc<Mutex<Vec<KeyEvent>>>,
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
                .with("result", event.result);
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
        let (outcome, exit_code) = match result {
            Ok(()) => ("success", 0u8),
            Err(e) if e.code == code::FILE_HAS_NOT_BEEN_MODIFIED => ("unchanged", e.code),
            Err(e) if e.message.starts_with("edit aborted") => ("aborted", e.code),
            Err(e) if e.code == AUDIT_UNAVAILABLE_EXIT => ("denied", e.code),
            Err(e) => ("failure", e.code),
        };
        let mut record = self
            .record(&format!("{}.finish", self.op))
            .with("file", self.file_json(after))
            .with("recipients", recipients);
        if let Some((key, value)) = &self.path_field {
            record = record.with(key, value.clone());
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

/// The head `--head` names: a digest, or a head file's entry for `log`.
fn expected_head(head: &str, log: &Path) -> Result<chain::Expected, CliError> {
    if head.starts_with("sha256:") {
        return Ok(chain::Expected::Digest(head.to_string()));
    }
    let bad = |why: String| {
        CliError::new(
            code::COULD_NOT_READ_INPUT,
            format!("head file {head}: {why}"),
        )
    };
    let bytes = sops_rs::bounded::read_file(Path::new(head), sops_rs::bounded::Kind::Input)
        .map_err(|e| bad(e.to_string()))?;
    let heads = chain::Heads::parse(&bytes).map_err(bad)?;
    let log = std::fs::canonicalize(log).unwrap_or_else(|_| log.to_path_buf());
    heads
        .for_log(&log)
        .map(chain::Expected::Head)
        .ok_or_else(|| bad(format!("no head recorded for {}", log.display())))
}

/// `sops-rs audit verify` / `audit hash`.
pub fn run(command: &AuditCommand) -> Result<(), CliError> {
    match command {
        AuditCommand::Hash { path } => {
            let parsed = sops_rs::tree::path::TreePath::parse(path)
                .map_err(|e| CliError::new(code::INVALID_TREE_PATH, e.to_string()))?;
            let key = hmac_key()?.ok_or_else(|| {
                CliError::new(
                    code::GENERIC,
                    "set SOPS_RS_AUDIT_HMAC_KEY (base64, 32 bytes or more) to hash paths",
                )
            })?;
            println!("{}", key.hash(&parsed.to_string()));
            Ok(())
        }
        AuditCommand::Verify {
            file,
            json: as_json,
            head,
        } => {
            let text = sops_rs::bounded::read_file_to_string(file, sops_rs::bounded::Kind::Input)
                .map_err(|e| {
                CliError::new(
                    code::COULD_NOT_READ_INPUT,
                    format!("cannot read {}: {e}", file.display()),
                )
            })?;
            let key = hmac_key()?;
            let anchors = chain::Anchors {
                key: key.as_ref(),
                head: head
                    .as_deref()
                    .map(|head| expected_head(head, file))
                    .transpose()?,
            };
            let report = chain::verify(&text, &anchors);
            let checked: Vec<&str> = [
                (anchors.key.is_some(), "key"),
                (anchors.head.is_some(), "head"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            if *as_json {
                let value = json!({
                    "file": file.display().to_string(),
                    "ok": report.broken.is_none(),
                    "lines": report.lines,
                    "head": report.head,
                    "broken_line": report.broken.as_ref().map(|b| b.0),
                    "reason": report.broken.as_ref().map(|b| b.1.clone()),
                    "unfinished_operations": report.unfinished,
                    "anchors": checked,
                });
                println!("{value}");
            } else if let Some((line, why)) = &report.broken {
                println!("{}: broken at line {line}: {why}", file.display());
            } else {
                let anchors = match checked.as_slice() {
                    [] => "no anchor: the last line and the end are not checked".to_string(),
                    names => format!("anchors: {}", names.join(", ")),
                };
                println!(
                    "{}: ok, {} records, head {} ({anchors})",
                    file.display(),
                    report.lines,
                    report.head.clone().unwrap_or_default()
                );
                for op in &report.unfinished {
                    println!("warning: operation {op} started but never finished");
                }
            }
            match report.broken {
                Some(_) => Err(CliError::silent(1)),
                None => Ok(()),
            }
        }
    }
}
