//! Where audit records go: a chained JSON Lines file (appended under an exclusive lock, created
//! 0600), standard error, an OpenTelemetry collector (OTLP/HTTP JSON logs), and the GitHub
//! Actions job summary. [`Auditor`] fans records out to the sinks and applies the mode.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map as JsonMap, Value as Json, json};

use super::chain::{self, GENESIS, Position};
use super::{Mode, Record, RunContext};

/// One destination for records.
pub trait Sink: Send {
    /// A short name for warnings (`file`, `stderr`, `otlp`, `github-summary`).
    fn name(&self) -> &'static str;
    /// Stores a record. `gate` marks records that must be durable before the command goes on
    /// (start records, and finish records that gate output).
    fn write(&mut self, record: &Record, ctx: &RunContext, gate: bool) -> Result<(), String>;
}

/// A JSON Lines file with a hash chain.
pub struct FileSink {
    /// The log file.
    pub path: PathBuf,
}

impl FileSink {
    fn last_line(file: &mut File) -> std::io::Result<Option<String>> {
        let len = file.metadata()?.len();
        if len == 0 {
            return Ok(None);
        }
        let window = len.min(1 << 20);
        file.seek(SeekFrom::Start(len - window))?;
        let tail =
            crate::bounded::read_to_end(file.take(window), crate::bounded::Kind::Input, window)?;
        let text = String::from_utf8_lossy(&tail);
        Ok(text
            .trim_end_matches('\n')
            .rsplit('\n')
            .next()
            .map(str::to_string))
    }

    fn chained(record: &Record, position: &Position) -> String {
        let mut map = JsonMap::new();
        for (key, value) in &record.0 {
            map.insert(key.clone(), value.clone());
            if key == "invocation_id" {
                map.insert(
                    "chain".into(),
                    json!({"id": position.id, "seq": position.seq, "prev": position.prev}),
                );
            }
        }
        serde_json::to_string(&map).expect("records are plain JSON")
    }
}

impl Sink for FileSink {
    fn name(&self) -> &'static str {
        "file"
    }

    fn write(&mut self, record: &Record, ctx: &RunContext, _gate: bool) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("audit log {}: {e}", self.path.display());
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(fail)?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| fail(e.into()))?;
        let mut out = String::new();
        let position = match Self::last_line(&mut file)
            .map_err(fail)?
            .as_deref()
            .and_then(chain::next_after)
        {
            Some(position) => position,
            None => {
                let start = Record::new("audit.chain_start", ctx, &ctx.invocation_id);
                let genesis = Position {
                    id: super::new_id(),
                    seq: 0,
                    prev: GENESIS.to_string(),
                };
                let line = Self::chained(&start, &genesis);
                out.push_str(&line);
                out.push('\n');
                Position {
                    id: genesis.id,
                    seq: 1,
                    prev: chain::digest(&line),
                }
            }
        };
        out.push_str(&Self::chained(record, &position));
        out.push('\n');
        file.write_all(out.as_bytes()).map_err(fail)?;
        file.sync_data().map_err(fail)?;
        Ok(())
    }
}

/// Unchained JSON Lines on standard error (never standard output, which carries data).
pub struct StderrSink;

impl Sink for StderrSink {
    fn name(&self) -> &'static str {
        "stderr"
    }

    fn write(&mut self, record: &Record, _ctx: &RunContext, _gate: bool) -> Result<(), String> {
        let mut stderr = std::io::stderr().lock();
        writeln!(stderr, "{}", record.to_line()).map_err(|e| format!("stderr: {e}"))
    }
}

/// OTLP/HTTP JSON logs. Records are batched and sent when a gating or finishing record
/// arrives, with a bounded timeout and a few retries on 429 and 5xx.
pub struct OtlpSink {
    url: String,
    pending: Vec<Record>,
    client: Option<reqwest::blocking::Client>,
}

impl OtlpSink {
    /// A sink for a collector base URL (`/v1/logs` is appended unless present).
    pub fn new(endpoint: &str) -> OtlpSink {
        let endpoint = endpoint.trim_end_matches('/');
        let url = if endpoint.ends_with("/v1/logs") {
            endpoint.to_string()
        } else {
            format!("{endpoint}/v1/logs")
        };
        OtlpSink {
            url,
            pending: Vec::new(),
            client: None,
        }
    }

    fn attribute(key: &str, value: &Json) -> Option<Json> {
        let value = match value {
            Json::String(s) => json!({"stringValue": s}),
            Json::Bool(b) => json!({"boolValue": b}),
            Json::Number(n) if n.is_i64() || n.is_u64() => json!({"intValue": n.to_string()}),
            Json::Number(n) => json!({"doubleValue": n.as_f64()}),
            _ => return None,
        };
        Some(json!({"key": key, "value": value}))
    }

    /// OpenTelemetry names for the fields that have one; `sops-rs.*` for the rest.
    fn attribute_name(path: &str) -> String {
        match path {
            "ci.run_id" => "cicd.pipeline.run.id",
            "ci.run_url" => "cicd.pipeline.run.url.full",
            "ci.workflow" => "cicd.pipeline.name",
            "ci.job" => "cicd.pipeline.task.name",
            "ci.job_id" => "cicd.pipeline.task.run.id",
            "ci.job_url" => "cicd.pipeline.task.run.url.full",
            "ci.runner_name" => "cicd.worker.name",
            "vcs.provider" => "vcs.provider.name",
            "vcs.url" => "vcs.repository.url.full",
            "vcs.ref" => "vcs.ref.head.name",
            "vcs.revision" => "vcs.ref.head.revision",
            "vcs.change_id" => "vcs.change.id",
            "actor.user" => "user.name",
            "error.class" => "error.type",
            other => return format!("sops-rs.{other}"),
        }
        .to_string()
    }

    fn flatten(prefix: &str, value: &Json, out: &mut Vec<Json>) {
        match value {
            Json::Object(map) => {
                for (key, inner) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    Self::flatten(&path, inner, out);
                }
            }
            Json::Array(items) => {
                for (index, inner) in items.iter().enumerate() {
                    Self::flatten(&format!("{prefix}.{index}"), inner, out);
                }
            }
            other => {
                if let Some(attribute) = Self::attribute(&Self::attribute_name(prefix), other) {
                    out.push(attribute);
                }
            }
        }
    }

    fn log_record(record: &Record) -> Json {
        let outcome = record.0.get("outcome").and_then(Json::as_str).unwrap_or("");
        let (number, text) = match outcome {
            "failure" | "denied" => (17, "ERROR"),
            "aborted" => (13, "WARN"),
            _ => (9, "INFO"),
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
            .to_string();
        let mut attributes = Vec::new();
        for (key, value) in &record.0 {
            if matches!(key.as_str(), "schema" | "ts" | "event" | "tool" | "host") {
                continue;
            }
            Self::flatten(key, value, &mut attributes);
        }
        attributes.push(json!({"key": "sops-rs.record.sha256", "value": {"stringValue": super::chain::digest(&record.to_line())}}));
        let body = if outcome.is_empty() {
            record.event().to_string()
        } else {
            format!("{}: {outcome}", record.event())
        };
        json!({
            "timeUnixNano": nanos,
            "observedTimeUnixNano": nanos,
            "severityNumber": number,
            "severityText": text,
            "eventName": format!("sops-rs.{}", record.event()),
            "body": {"stringValue": body},
            "attributes": attributes,
        })
    }

    fn body(&self, ctx: &RunContext) -> Json {
        let host = ctx.host();
        json!({"resourceLogs": [{
            "resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "sops-rs"}},
                {"key": "service.version", "value": {"stringValue": env!("CARGO_PKG_VERSION")}},
                {"key": "host.name", "value": {"stringValue": host["name"]}},
                {"key": "host.arch", "value": {"stringValue": host["arch"]}},
                {"key": "os.type", "value": {"stringValue": host["os"]}},
                {"key": "process.pid", "value": {"intValue": std::process::id().to_string()}},
            ]},
            "scopeLogs": [{
                "scope": {"name": "sops-rs.audit", "version": "1.0"},
                "logRecords": self.pending.iter().map(Self::log_record).collect::<Vec<_>>(),
            }],
        }]})
    }

    fn send(&mut self, ctx: &RunContext) -> Result<(), String> {
        let client = match &self.client {
            Some(client) => client.clone(),
            None => {
                let client = reqwest::blocking::Client::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .timeout(Duration::from_secs(5))
                    .build()
                    .map_err(|e| format!("otlp client: {e}"))?;
                self.client = Some(client.clone());
                client
            }
        };
        let body = serde_json::to_vec(&self.body(ctx)).expect("plain JSON");
        let mut last_error = String::new();
        for attempt in 0..3u32 {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200 * 2u64.pow(attempt - 1)));
            }
            match client
                .post(&self.url)
                .header("Content-Type", "application/json")
                .body(body.clone())
                .send()
            {
                Ok(response) if response.status().is_success() => {
                    self.pending.clear();
                    return Ok(());
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    last_error = format!("otlp {}: HTTP {status}", self.url);
                    if !matches!(status, 429 | 502 | 503 | 504) {
                        break;
                    }
                }
                Err(e) => {
                    last_error = format!(
                        "otlp {}: {}",
                        self.url,
                        if e.is_timeout() {
                            "timed out".to_string()
                        } else {
                            "unreachable".to_string()
                        }
                    );
                }
            }
        }
        Err(last_error)
    }
}

impl Sink for OtlpSink {
    fn name(&self) -> &'static str {
        "otlp"
    }

    fn write(&mut self, record: &Record, ctx: &RunContext, gate: bool) -> Result<(), String> {
        self.pending.push(record.clone());
        if gate || record.event().ends_with(".finish") {
            self.send(ctx)
        } else {
            Ok(())
        }
    }
}

/// A Markdown table in the GitHub Actions job summary (`GITHUB_STEP_SUMMARY`): one row per
/// finished operation, no tree paths, no values.
pub struct GithubSummarySink {
    /// The summary file.
    pub path: PathBuf,
    header_written: bool,
}

impl GithubSummarySink {
    /// A sink appending to the summary file.
    pub fn new(path: PathBuf) -> Self {
        GithubSummarySink {
            path,
            header_written: false,
        }
    }
}

impl Sink for GithubSummarySink {
    fn name(&self) -> &'static str {
        "github-summary"
    }

    fn write(&mut self, record: &Record, _ctx: &RunContext, _gate: bool) -> Result<(), String> {
        if !record.event().ends_with(".finish") {
            return Ok(());
        }
        let get = |key: &str| record.0.get(key);
        let op = record.event().trim_end_matches(".finish");
        let file = get("file")
            .and_then(|f| f.get("path"))
            .and_then(Json::as_str)
            .unwrap_or("-");
        let outcome = get("outcome").and_then(Json::as_str).unwrap_or("-");
        let class = get("error")
            .and_then(|e| e.get("class"))
            .and_then(Json::as_str);
        let keys: Vec<String> = get("recipients")
            .and_then(Json::as_array)
            .map(|list| {
                list.iter()
                    .filter(|r| r.get("result").and_then(Json::as_str) == Some("success"))
                    .filter_map(|r| {
                        Some(format!(
                            "{} {}",
                            r.get("type")?.as_str()?,
                            r.get("id")?.as_str()?
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let ms = get("duration_ms").and_then(Json::as_u64).unwrap_or(0);
        let mut text = String::new();
        if !self.header_written {
            text.push_str("### sops-rs audit\n| op | file | outcome | keys used | ms |\n|---|---|---|---|---|\n");
            self.header_written = true;
        }
        let outcome = match class {
            Some(class) => format!("{outcome} ({class})"),
            None => outcome.to_string(),
        };
        let cell = |s: &str| s.replace('|', "\\|");
        text.push_str(&format!(
            "| {op} | {} | {} | {} | {ms} |\n",
            cell(file),
            outcome,
            cell(&keys.join(", "))
        ));
        let mut summary = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(|e| format!("job summary: {e}"))?;
        summary
            .write_all(text.as_bytes())
            .map_err(|e| format!("job summary: {e}"))
    }
}

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

    /// Writes a record to every sink. In `required` mode a gating record that no sink accepted
    /// is an error (the caller must stop); otherwise failures warn once per sink on stderr.
    pub fn emit(&mut self, record: &Record, gate: bool) -> Result<(), String> {
        if !self.enabled() {
            return Ok(());
        }
        let mut accepted = 0;
        let mut failures = Vec::new();
        for sink in &mut self.sinks {
            match sink.write(record, &self.ctx, gate) {
                Ok(()) if sink.name() != "github-summary" => accepted += 1,
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
