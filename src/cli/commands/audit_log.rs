//! `sops-rs audit verify` (check an audit log's hash chain, optionally against a head and the
//! HMAC key) and `sops-rs audit hash` (the HMAC of a tree path, to search the logs with);
//! `audit report` lives in `audit_report`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;
use sops_rs::audit::{HmacKey, chain};

use crate::cli::exit::{CliError, code};

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
    /// Report on audit logs: who read which file when, counts per file and key, KMS error rate,
    /// provider latency, denied and failed operations, new actors and CI repositories,
    /// rotations.
    #[command(after_help = "Examples:\n  sops-rs audit report audit.jsonl\n  \
                      sops-rs audit report --since 7d --json ci-*.jsonl\n  \
                      cat today.jsonl | sops-rs audit report --baseline last-month.jsonl -")]
    Report(super::audit_report::ReportArgs),
    /// Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with.
    #[command(after_help = "Examples:\n  sops-rs audit hash '[\"db\"][\"password\"]'")]
    Hash {
        /// A tree path, e.g. '["db"]["password"]'.
        path: String,
    },
}

fn hmac_key() -> Result<Option<HmacKey>, CliError> {
    Ok(sops_rs::audit::settings::hmac_key(
        &std::env::vars().collect(),
    )?)
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

/// `sops-rs audit verify` / `audit hash` / `audit report`.
pub fn run(command: &AuditCommand) -> Result<(), CliError> {
    match command {
        AuditCommand::Report(args) => super::audit_report::run(args),
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
