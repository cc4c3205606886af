//! `sops-rs audit report LOG...`: resolves the logs, the baseline and the window, asks the
//! library for the report (`sops_rs::audit::report`) and prints it as tables or as JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sops_rs::audit::report::{self, Input, Report, Role, Source, Use, Window, window};

use crate::cli::exit::{CliError, code};

/// Arguments of `audit report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// JSON Lines audit logs; `-` reads standard input.
    #[arg(required = true, value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// Print the report as one JSON object (schema sops-rs.audit-report/1).
    #[arg(long)]
    pub json: bool,
    /// Count records from this time on: RFC 3339 (2026-12-01T00:00:00Z) or an age (90s, 30m,
    /// 12h, 7d, 2w). Earlier records only tell which actors and repositories are known.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Count records before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// A log of earlier use: actors and CI repositories in it are not reported as new.
    /// Repeatable.
    #[arg(long, value_name = "LOG")]
    pub baseline: Vec<PathBuf>,
    /// Rows shown per list in the table (the newest); --json prints every row.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

fn input(path: &Path, role: Role) -> Input {
    let name = path.display().to_string();
    let source = match name.as_str() {
        "-" => Source::Stdin,
        _ => Source::Path(path.to_path_buf()),
    };
    Input { name, source, role }
}

/// `sops-rs audit report`.
pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    let now = window::now_micros();
    let bound = |text: &Option<String>, flag: &str| {
        text.as_deref()
            .map(|t| window::parse_bound(t, now))
            .transpose()
            .map_err(|e| CliError::new(code::GENERIC, format!("--{flag}: {e}")))
    };
    let window = Window {
        since: bound(&args.since, "since")?,
        until: bound(&args.until, "until")?,
    };
    let inputs: Vec<Input> = args
        .logs
        .iter()
        .map(|p| input(p, Role::Log))
        .chain(args.baseline.iter().map(|p| input(p, Role::Baseline)))
        .collect();
    if inputs
        .iter()
        .filter(|i| matches!(i.source, Source::Stdin))
        .count()
        > 1
    {
        return Err(CliError::new(
            code::GENERIC,
            "standard input (-) can be named only once",
        ));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let report = report::build(&inputs, window, threads)
        .map_err(|e| CliError::new(code::COULD_NOT_READ_INPUT, e.to_string()))?;
    for bad in &report.bad_lines {
        let lines: Vec<String> = bad.lines.iter().map(|l| l.line.to_string()).collect();
        let more = if bad.count as usize > lines.len() {
            ", ..."
        } else {
            ""
        };
        eprintln!(
            "sops-rs: warning: {}: {} line(s) are not audit records and were not counted (line {}{more})",
            bad.file,
            bad.count,
            lines.join(", ")
        );
    }
    if args.json {
        let text = serde_json::to_string(&report).expect("a report is plain JSON");
        println!("{text}");
    } else {
        print!("{}", render(&report, args.limit));
    }
    Ok(())
}

/// Left-aligned columns, two spaces apart.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: Vec<&str>| {
        let mut text = String::from("  ");
        for (cell, width) in cells.iter().zip(&widths) {
            let _ = write!(text, "{cell:<width$}  ");
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

fn or_dash(text: Option<&str>) -> String {
    text.unwrap_or("-").to_string()
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("-".into(), |r| format!("{:.2}%", r * 100.0))
}

fn millis(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{v:.1}"))
}

fn ci_of(u: &Use) -> String {
    let Some(ci) = &u.ci else {
        return "-".into();
    };
    let repository = ci.repository.as_deref().unwrap_or("?");
    match &ci.run_id {
        Some(run) => format!("{repository} run {run}"),
        None => repository.to_string(),
    }
}

/// The newest `limit` rows of a list, with a line saying how many were left out.
fn section(
    out: &mut String,
    title: &str,
    uses: &[Use],
    limit: usize,
    header: &[&str],
    row: impl Fn(&Use) -> Vec<String>,
) {
    let _ = writeln!(out, "\n{title} ({})", uses.len());
    if uses.is_empty() {
        return;
    }
    let shown = &uses[uses.len().saturating_sub(limit)..];
    if shown.len() < uses.len() {
        let _ = writeln!(
            out,
            "  (the newest {} of {}; --limit N for more, --json for all)",
            shown.len(),
            uses.len()
        );
    }
    let rows: Vec<Vec<String>> = shown.iter().map(row).collect();
    table(out, header, &rows);
}

fn use_row(u: &Use) -> Vec<String> {
    vec![
        u.ts.clone(),
        u.actor.clone(),
        or_dash(u.file.as_deref()),
        u.operation.clone(),
        u.outcome.clone(),
        ci_of(u),
    ]
}

const USE_HEADER: &[&str] = &["time", "actor", "file", "operation", "outcome", "ci"];

/// The report as text for a terminal.
fn render(report: &Report, limit: usize) -> String {
    let mut out = String::new();
    let logs: Vec<&str> = report
        .inputs
        .iter()
        .filter(|i| i.role == Role::Log)
        .map(|i| i.file.as_str())
        .collect();
    let _ = writeln!(
        out,
        "Audit report: {} ({} records in the window, from {} to {})",
        logs.join(", "),
        report.records_in_window,
        report.window.since.as_deref().unwrap_or("the start"),
        report.window.until.as_deref().unwrap_or("the end"),
    );

    let _ = writeln!(out, "\nOperations");
    let rows: Vec<Vec<String>> = report
        .operations
        .iter()
        .map(|o| vec![o.operation.clone(), o.outcome.clone(), o.count.to_string()])
        .collect();
    table(&mut out, &["operation", "outcome", "count"], &rows);

    section(
        &mut out,
        "Reads: who read which file when",
        &report.reads,
        limit,
        USE_HEADER,
        use_row,
    );

    let _ = writeln!(out, "\nFiles ({})", report.files.len());
    if report.files.len() > limit {
        let _ = writeln!(
            out,
            "  (the {limit} with the most operations; --limit N for more, --json for all)"
        );
    }
    let rows: Vec<Vec<String>> = report
        .files
        .iter()
        .take(limit)
        .map(|f| {
            vec![
                f.file.clone(),
                f.operations.to_string(),
                f.reads.to_string(),
                f.failures.to_string(),
                f.denied.to_string(),
            ]
        })
        .collect();
    table(
        &mut out,
        &["file", "operations", "reads", "failed", "denied"],
        &rows,
    );

    let _ = writeln!(out, "\nKeys ({})", report.keys.len());
    let rows: Vec<Vec<String>> = report
        .keys
        .iter()
        .map(|k| {
            vec![
                k.kind.clone(),
                k.id.clone(),
                k.wrap.to_string(),
                k.unwrap.to_string(),
                k.success.to_string(),
                k.no_credentials.to_string(),
                k.failure.to_string(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "type",
            "id",
            "wrap",
            "unwrap",
            "success",
            "no_credentials",
            "failure",
        ],
        &rows,
    );

    let _ = writeln!(
        out,
        "\nProviders (latency in ms, of the provider's own answers)"
    );
    let rows: Vec<Vec<String>> = report
        .providers
        .iter()
        .map(|p| {
            vec![
                p.provider.clone(),
                p.attempts.to_string(),
                p.failure.to_string(),
                percent(p.error_rate),
                p.cache.to_string(),
                p.cache_stale.to_string(),
                p.memo.to_string(),
                millis(p.latency_ms.p50),
                millis(p.latency_ms.p95),
                millis(p.latency_ms.p99),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "provider",
            "attempts",
            "failed",
            "error rate",
            "cache",
            "stale",
            "reused",
            "p50",
            "p95",
            "p99",
        ],
        &rows,
    );
    let kms = &report.kms_error_rate;
    let _ = writeln!(
        out,
        "  KMS error rate (network providers): {} ({} of {} attempts)",
        percent(kms.rate),
        kms.failures,
        kms.attempts
    );

    section(
        &mut out,
        "Denied and failed",
        &report.problems,
        limit,
        &[
            "time",
            "actor",
            "file",
            "operation",
            "outcome",
            "error",
            "ci",
        ],
        |u| {
            let error = u.error.as_ref().map_or("-".to_string(), |e| {
                format!(
                    "{} (exit {})",
                    e.class.as_deref().unwrap_or("?"),
                    e.exit_code.map_or("?".into(), |c| c.to_string())
                )
            });
            vec![
                u.ts.clone(),
                u.actor.clone(),
                or_dash(u.file.as_deref()),
                u.operation.clone(),
                u.outcome.clone(),
                error,
                ci_of(u),
            ]
        },
    );
    section(
        &mut out,
        "New actors: first use",
        &report.new_actors,
        limit,
        USE_HEADER,
        use_row,
    );
    let firsts: Vec<Use> = report
        .new_repositories
        .iter()
        .map(|n| n.first_use.clone())
        .collect();
    section(
        &mut out,
        "New CI repositories: first use",
        &firsts,
        limit,
        USE_HEADER,
        use_row,
    );
    section(
        &mut out,
        "Rotations",
        &report.rotations,
        limit,
        USE_HEADER,
        use_row,
    );

    if !report.bad_lines.is_empty() {
        let _ = writeln!(out, "\nBad lines (not counted)");
        for bad in &report.bad_lines {
            let lines: Vec<String> = bad
                .lines
                .iter()
                .map(|l| format!("{} ({})", l.line, l.reason.describe()))
                .collect();
            let _ = writeln!(out, "  {}: {}: {}", bad.file, bad.count, lines.join(", "));
        }
    }
    out
}
