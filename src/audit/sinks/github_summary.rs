//! The GitHub Actions job summary sink: a Markdown table in `$GITHUB_STEP_SUMMARY`, one row per
//! finished operation, no tree paths, no values. Every sops-rs process of a step adds its rows
//! to the one table at the end of the summary (found by its marker line); a new table starts
//! only when something else was written after it. It is a view of the records, not a store:
//! it turns nothing on and stores nothing in `required` mode.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use serde_json::Value as Json;

use super::{Level, Record, RunContext, SettingsError, Sink, Sources};

/// The first line of the table, which later processes find it by.
const MARKER: &str = "<!-- sops-rs audit table -->";

/// The table's header, after the marker.
const HEADER: &str =
    "### sops-rs audit\n\n| op | file | outcome | keys used | ms |\n|---|---|---|---|---|\n";

/// The summary sink, in GitHub Actions, unless `SOPS_RS_AUDIT_GITHUB_SUMMARY` is `false`/`0`.
pub fn configure(sources: &Sources, level: Level) -> Result<Vec<Box<dyn Sink>>, SettingsError> {
    let opted_out = sources
        .var("SOPS_RS_AUDIT_GITHUB_SUMMARY")
        .is_some_and(|v| v == "false" || v == "0");
    match sources.var("GITHUB_STEP_SUMMARY") {
        Some(path) if level == Level::User && !opted_out => {
            Ok(vec![Box::new(GithubSummarySink::new(PathBuf::from(path)))])
        }
        _ => Ok(Vec::new()),
    }
}

/// Whether `text` ends with a sops-rs table that a row can be added to.
fn ends_with_table(text: &str) -> bool {
    match text.rfind(MARKER) {
        Some(at) => text[at + MARKER.len()..].lines().all(|line| {
            line.is_empty() || line.starts_with('|') || line.starts_with("### sops-rs audit")
        }),
        None => false,
    }
}

/// A Markdown table in the GitHub Actions job summary (`GITHUB_STEP_SUMMARY`): one row per
/// finished operation, no tree paths, no values.
pub struct GithubSummarySink {
    /// The summary file.
    pub path: PathBuf,
}

impl GithubSummarySink {
    /// A sink appending to the summary file.
    pub fn new(path: PathBuf) -> Self {
        GithubSummarySink { path }
    }
}

impl Sink for GithubSummarySink {
    fn name(&self) -> &'static str {
        "github-summary"
    }

    fn keeps_records(&self) -> bool {
        false
    }

    fn write(&mut self, record: &Record, _ctx: &RunContext, _gate: bool) -> Result<(), String> {
        if !record.event().ends_with(".finish") {
            return Ok(());
        }
        let get = |key: &str| record.0.get(key);
        let op = record.event().trim_end_matches(".finish");
        let file = get("file")
            .and_then(|f| f.get("repo_path").or_else(|| f.get("path")))
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
        let outcome = match class {
            Some(class) => format!("{outcome} ({class})"),
            None => outcome.to_string(),
        };
        let cell = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
        let row = format!(
            "| {op} | {} | {} | {} | {ms} |\n",
            cell(file),
            outcome,
            cell(&keys.join(", "))
        );
        let fail = |e: std::io::Error| format!("job summary: {e}");
        let mut summary = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(fail)?;
        crate::io::lock_whole_file(&summary).map_err(fail)?;
        let len = summary.metadata().map_err(fail)?.len();
        let window = len.min(1 << 16);
        summary.seek(SeekFrom::Start(len - window)).map_err(fail)?;
        let mut tail = Vec::new();
        (&mut summary)
            .take(window)
            .read_to_end(&mut tail)
            .map_err(fail)?;
        let tail = String::from_utf8_lossy(&tail);
        let mut text = String::new();
        if !ends_with_table(&tail) {
            if !tail.is_empty() && !tail.ends_with("\n\n") {
                text.push_str(if tail.ends_with('\n') { "\n" } else { "\n\n" });
            }
            text.push_str(MARKER);
            text.push('\n');
            text.push_str(HEADER);
        }
        text.push_str(&row);
        summary.write_all(text.as_bytes()).map_err(fail)
    }
}
