//! Audit wiring for the commands: builds the [`Auditor`] from flags, environment and config,
//! writes `<op>.start` before any key is touched, forwards key events, and writes
//! `<op>.finish` with the outcome. In `required` mode it refuses to start when no sink takes
//! the start record (the session holds output back until the finish record is stored).
//! Also `sops-rs audit verify` and `sops-rs audit hash`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Subcommand;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};
use sops_rs::audit::sinks::{Auditor, FileSink, GithubSummarySink, OtlpSink, Sink, StderrSink};
use sops_rs::audit::{
    AUDIT_UNAVAILABLE_EXIT, HmacKey, Mode, Record, RunContext, chain, error_class,
};
use sops_rs::keys::KeyEvent;

use super::error::{CliError, code};

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
        /// Also require the chain to end at this head (`sha256:...`, as printed by CI).
        #[arg(long, value_name = "DIGEST")]
        head: Option<String>,
    },
    /// Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with.
    #[command(after_help = "Examples:\n  sops-rs audit hash '[\"db\"][\"password\"]'")]
    Hash {
        /// A tree path, e.g. '["db"]["password"]'.
        path: String,
    },
}

/// Audit settings gathered from flags, environment and config. A source may add sinks and raise
/// the mode, never lower what another source set.
pub struct Settings {
    pub log_files: Vec<PathBuf>,
    pub otlp: Vec<String>,
    pub modes: Vec<Mode>,
}

impl Settings {
    pub fn gather(
        flag_log: Option<&Path>,
        config: Option<&sops_rs::config::Config>,
    ) -> Result<Settings, CliError> {
        let mut settings = Settings {
            log_files: Vec::new(),
            otlp: Vec::new(),
            modes: Vec::new(),
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        settings.log_files.extend(flag_log.map(Path::to_path_buf));
        settings
            .log_files
            .extend(env("SOPS_RS_AUDIT_LOG").map(PathBuf::from));
        settings.otlp.extend(env("SOPS_RS_AUDIT_OTLP_ENDPOINT"));
        let bad_mode = |m: &str| {
            CliError::new(
                code::GENERIC,
                format!("SOPS_RS_AUDIT_MODE: {m:?} is not off, best_effort or required"),
            )
        };
        if let Some(mode) = env("SOPS_RS_AUDIT_MODE") {
            settings
                .modes
                .push(Mode::parse(&mode).ok_or_else(|| bad_mode(&mode))?);
        }
        if let Some(audit) = config.map(|c| &c.audit) {
            settings.log_files.extend(audit.log.clone());
            settings.otlp.extend(audit.otlp_endpoint.clone());
            settings
                .modes
                .extend(audit.mode.as_deref().and_then(Mode::parse));
        }
        settings.log_files.dedup();
        Ok(settings)
    }

    fn mode(&self) -> Mode {
        let rank = |m: &Mode| match m {
            Mode::Off => 0,
            Mode::BestEffort => 1,
            Mode::Required => 2,
        };
        match self.modes.iter().max_by_key(|m| rank(m)) {
            Some(mode) => *mode,
            None if self.log_files.is_empty() && self.otlp.is_empty() => Mode::Off,
            None => Mode::BestEffort,
        }
    }
}

fn hmac_key() -> Result<Option<HmacKey>, CliError> {
    match std::env::var("SOPS_RS_AUDIT_HMAC_KEY")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(text) => HmacKey::from_base64(&text)
            .map(Some)
            .map_err(|e| CliError::new(code::GENERIC, e)),
        None => Ok(None),
    }
}

/// What the finish record says about the file.
struct FileFacts {
    path: PathBuf,
    format: &'static str,
    sha256_before: Option<String>,
    size: Option<u64>,
}

fn sha256_file(path: &Path) -> Option<String> {
    sops_rs::bounded::read_file(path, sops_rs::bounded::Kind::Input)
        .ok()
        .map(|bytes| hex::encode(Sha256::digest(&bytes)))
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
        let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
        for log in &settings.log_files {
            if log.as_os_str() == "-" {
                sinks.push(Box::new(StderrSink));
            } else {
                sinks.push(Box::new(FileSink { path: log.clone() }));
            }
        }
        for endpoint in &settings.otlp {
            sinks.push(Box::new(OtlpSink::new(endpoint)));
        }
        if sinks.is_empty() {
            if mode == Mode::Required {
                return Err(CliError::new(
                    AUDIT_UNAVAILABLE_EXIT,
                    "audit mode is required but no audit sink is configured",
                ));
            }
            return Ok(run);
        }
        let summary_opt_out =
            std::env::var("SOPS_RS_AUDIT_GITHUB_SUMMARY").is_ok_and(|v| v == "false" || v == "0");
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|_| !summary_opt_out)
        {
            sinks.push(Box::new(GithubSummarySink::new(PathBuf::from(summary))));
        }
        let ctx = RunContext::new(std::env::vars().collect());
        run.auditor = Some(Arc::new(Mutex::new(Auditor::new(mode, ctx, sinks))));
        if let Some(path) = file.filter(|p| p.as_os_str() != "-") {
            run.file = Some(FileFacts {
                path: path.to_path_buf(),
                format: sops_rs::Format::from_path(path).name(),
                sha256_before: sha256_file(path),
                size: std::fs::metadata(path).ok().map(|m| m.len()),
            });
        }
        if let Some(tree_path) = tree_path {
            run.path_field = Some(match hmac_key()? {
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
            Some(facts) => {
                let mut file =
                    json!({"path": facts.path.display().to_string(), "format": facts.format});
                if let Some(hash) = &facts.sha256_before {
                    file["sha256_before"] = json!(hash);
                }
                if let Some(size) = facts.size {
                    file["size"] = json!(size);
                }
                if let Some(hash) = after.filter(|a| Some(a) != facts.sha256_before.as_ref()) {
                    file["sha256_after"] = json!(hash);
                }
                file
            }
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
        self.file.as_ref().map(|f| f.path.as_path())
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
        let after = pending_after.or_else(|| self.file.as_ref().and_then(|f| sha256_file(&f.path)));
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
            let mut report = chain::verify(&text);
            let truncated = match (head, &report.head) {
                (Some(expected), Some(actual)) if report.broken.is_none() && expected != actual => {
                    Some(format!(
                        "the chain ends at {actual}, not at the expected head {expected} (lines were removed from the end)"
                    ))
                }
                _ => None,
            };
            if let Some(why) = truncated {
                report.broken = Some((report.lines, why));
            }
            if *as_json {
                let value = json!({
                    "file": file.display().to_string(),
                    "ok": report.broken.is_none(),
                    "lines": report.lines,
                    "head": report.head,
                    "broken_line": report.broken.as_ref().map(|b| b.0),
                    "reason": report.broken.as_ref().map(|b| b.1.clone()),
                    "unfinished_operations": report.unfinished,
                });
                println!("{value}");
            } else if let Some((line, why)) = &report.broken {
                println!("{}: broken at line {line}: {why}", file.display());
            } else {
                println!(
                    "{}: ok, {} records, head {}",
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
