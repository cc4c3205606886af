//! `sops-rs status [PATH…]`: the state of every secret file of a repository, without any key
//! (the library's `status` module does the work). Prints a table and a summary line, or JSON
//! lines with `--json`, and exits 1 when a file has a finding of a class `--fail-on` selects.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use clap::builder::PossibleValuesParser;
use serde_json::{Value, json};
use sops_rs::config::MaxAge;
use sops_rs::status::walk::{Walked, walk};
use sops_rs::status::{FailClass, FileStatus, Finding, Inspector, Summary};
use sops_rs::tree::Timestamp;

use super::check::{self, shell_word};
use crate::cli::exit::{CliError, code};
use crate::cli::input_output::write_stdout;
use crate::cli::json_output::{STATUS_SCHEMA, STATUS_SUMMARY_SCHEMA, key_names};
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Files or directories to report on (default: the tree under the nearest config file).
    pub paths: Vec<PathBuf>,
    /// A rotation policy for every file, over the config's `rotation.max_age` (36h, 90d, 12w).
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<MaxAge>,
    /// Print one JSON object per file and a summary object (docs/json-output.md).
    #[arg(long)]
    pub json: bool,
    /// The findings that make the run fail (exit 1), comma-separated.
    #[arg(
        long,
        value_name = "CLASSES",
        value_delimiter = ',',
        default_value = "leak,broken,drift,overdue",
        value_parser = PossibleValuesParser::new(["leak", "broken", "drift", "overdue", "unruled", "all", "none"]),
    )]
    pub fail_on: Vec<String>,
}

/// The classes `--fail-on` names (`all`, `none` and repeats resolved).
fn fail_classes(names: &[String]) -> Vec<FailClass> {
    let mut classes = Vec::new();
    for name in names {
        match name.as_str() {
            "all" => classes.extend(FailClass::ALL),
            "none" => {}
            name => classes.extend(FailClass::from_name(name)),
        }
    }
    classes.sort();
    classes.dedup();
    classes
}

/// The path relative to the current directory when it is inside it.
fn shown(path: &Path) -> &Path {
    let relative = check::shown(path);
    match relative.strip_prefix(".") {
        Ok(inside) if !inside.as_os_str().is_empty() => inside,
        _ if relative.as_os_str().is_empty() => Path::new("."),
        _ => relative,
    }
}

/// `41d`, `5h`, `12m`: an age at a glance.
fn short_age(seconds: u64) -> String {
    match seconds {
        s if s >= 86_400 => format!("{}d", s / 86_400),
        s if s >= 3_600 => format!("{}h", s / 3_600),
        s => format!("{}m", s / 60),
    }
}

/// What to do about a file, when a command does it.
fn fix(file: &FileStatus, word: &str) -> Option<String> {
    Some(match *file.findings.first()? {
        Finding::Leak => format!("sops-rs encrypt -i {word}"),
        Finding::PlaintextValue => format!(
            "sops-rs edit {word} (the value was in clear in the file: replace the secret too)"
        ),
        Finding::Drift => format!("sops-rs updatekeys {word}"),
        Finding::Overdue => format!("sops-rs rotate -i {word}"),
        Finding::Broken | Finding::NoMac | Finding::NoRule => return None,
    })
}

/// The one-line details of a file's findings, for the table.
fn details(file: &FileStatus) -> Vec<String> {
    let mut lines = Vec::new();
    if let (Some(Finding::Leak), Some(rule)) = (file.findings.first(), &file.rule) {
        lines.push(format!(
            "not encrypted, but creation_rules[{}] covers it (path_regex {})",
            rule.index,
            rule.path_regex.as_deref().unwrap_or("absent: every file")
        ));
    }
    if let Some(problem) = &file.problem {
        lines.push(problem.clone());
    }
    if !file.plaintext_values.is_empty() {
        lines.push(format!(
            "plain-text value where the file's rules say encrypted, at {}",
            file.plaintext_values.join(", ")
        ));
    }
    if let Some(recipients) = file.recipients.as_ref().filter(|r| r.drifted()) {
        let names = |keys: &[sops_rs::rekey::KeyName]| {
            keys.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !recipients.missing.is_empty() {
            lines.push(format!("missing: {}", names(&recipients.missing)));
        }
        if !recipients.extra.is_empty() {
            lines.push(format!("extra: {}", names(&recipients.extra)));
        }
        if recipients.groups_differ {
            lines.push("key groups or Shamir threshold differ from the rule's".into());
        }
    }
    if file.findings.contains(&Finding::Overdue)
        && let (Some(age), Some((max_age, _))) = (file.key_age, file.policy)
    {
        lines.push(format!(
            "data key at least {} old ({} {}), policy {max_age}",
            short_age(age.seconds),
            age.basis.name(),
            age.since.to_rfc3339()
        ));
    }
    if file.findings.contains(&Finding::NoRule) {
        lines.push("encrypted, but no creation rule covers it".into());
    }
    lines
}

fn table(out: &mut String, files: &[FileStatus], fail_on: &[FailClass]) {
    let rows: Vec<[String; 5]> = files
        .iter()
        .map(|file| {
            let rule = file
                .rule
                .as_ref()
                .map_or("-".into(), |rule| format!("#{}", rule.index));
            let age = match (file.key_age, file.policy) {
                (Some(age), Some((max_age, _))) => {
                    format!("{}/{max_age}", short_age(age.seconds))
                }
                (Some(age), None) => short_age(age.seconds),
                (None, _) => "-".into(),
            };
            let mac = match file.mac {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            };
            [
                shown(&file.path).display().to_string(),
                file.state().to_string(),
                rule,
                age,
                mac.to_string(),
            ]
        })
        .collect();
    let header = ["FILE", "STATE", "RULE", "KEY AGE", "MAC"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(widths).take(4) {
            text.push_str(&format!("{cell:<width$}  "));
        }
        text.push_str(cells[4]);
        text
    };
    writeln!(out, "{}", line(header)).expect("writing to a string");
    for (file, row) in files.iter().zip(&rows) {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str))).expect("writing to a string");
        let failing = file.findings.iter().any(|f| fail_on.contains(&f.class()));
        if file.findings.is_empty() {
            continue;
        }
        for detail in details(file) {
            writeln!(out, "    {detail}").expect("writing to a string");
        }
        if failing && let Some(fix) = fix(file, &shell_word(shown(&file.path))) {
            writeln!(out, "    fix: {fix}").expect("writing to a string");
        }
    }
}

/// `sops-rs status: 12 files (9 ok, 1 leak, 2 drift); rotation coverage 8/10 (80.0%)`.
fn summary_line(summary: &Summary, failed: usize) -> String {
    let counts = summary
        .states
        .iter()
        .map(|(state, count)| format!("{count} {}", state.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(", ");
    let plural = if summary.files == 1 { "" } else { "s" };
    let mut line = format!("sops-rs status: {} file{plural}", summary.files);
    if !counts.is_empty() {
        line.push_str(&format!(" ({counts})"));
    }
    match summary.coverage_percent() {
        Some(percent) => line.push_str(&format!(
            "; rotation coverage {}/{} ({percent:.1}%)",
            summary.within_policy, summary.with_policy
        )),
        None => line.push_str("; no rotation policy"),
    }
    if failed > 0 {
        line.push_str(&format!("; {failed} failing"));
    }
    line
}

fn file_object(file: &FileStatus, fail_on: &[FailClass]) -> Value {
    let word = shell_word(shown(&file.path));
    json!({
        "schema": STATUS_SCHEMA,
        "file": shown(&file.path).display().to_string(),
        "state": file.state(),
        "findings": file.findings.iter().map(|f| f.name()).collect::<Vec<_>>(),
        "failing": file.findings.iter().any(|f| fail_on.contains(&f.class())),
        "encrypted": file.encrypted,
        "rule": file.rule.as_ref().map(|rule| json!({
            "index": rule.index,
            "path_regex": rule.path_regex,
        })),
        "recipients": file.recipients.as_ref().map(|r| json!({
            "missing": key_names(&r.missing),
            "extra": key_names(&r.extra),
            "groups_differ": r.groups_differ,
        })),
        "data_key": file.key_age.map(|age| json!({
            "since": age.since.to_rfc3339(),
            "basis": age.basis.name(),
            "age_seconds": age.seconds,
        })),
        "policy": file.policy.map(|(max_age, source)| json!({
            "max_age": max_age.to_string(),
            "max_age_seconds": max_age.seconds(),
            "source": source.name(),
        })),
        "within_policy": file.within_policy(),
        "mac": file.mac,
        "problem": file.problem,
        "plaintext_values": file.plaintext_values,
        "fix": fix(file, &word),
    })
}

fn summary_object(
    summary: &Summary,
    failed: usize,
    fail_on: &[FailClass],
    walked: &Walked,
) -> Value {
    let states: serde_json::Map<String, Value> = summary
        .states
        .iter()
        .map(|(state, count)| (state.to_string(), json!(count)))
        .collect();
    json!({
        "schema": STATUS_SUMMARY_SCHEMA,
        "files": summary.files,
        "states": states,
        "rotation": {
            "with_policy": summary.with_policy,
            "within_policy": summary.within_policy,
            "coverage_percent": summary.coverage_percent(),
        },
        "unreadable": walked.errors.iter().map(|(path, why)| json!({
            "file": shown(path).display().to_string(),
            "problem": why,
        })).collect::<Vec<_>>(),
        "fail_on": fail_on.iter().map(|c| c.name()).collect::<Vec<_>>(),
        "failing": failed,
    })
}

/// The paths to walk: the given ones, else the directory of the nearest config.
fn roots(status: &StatusArgs, session: &Session) -> Result<Vec<PathBuf>, CliError> {
    for path in &status.paths {
        if !path.exists() {
            return Err(CliError::new(
                code::NO_FILE_SPECIFIED,
                format!("{}: no such file or directory", path.display()),
            ));
        }
    }
    if !status.paths.is_empty() {
        return Ok(status.paths.clone());
    }
    let Some(config) = session.config() else {
        return Err(CliError::new(
            code::NO_FILE_SPECIFIED,
            "status: no .sops-rs.yaml or .sops.yaml here or above; name the files or \
             directories to report on",
        ));
    };
    let dir = config.path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    Ok(vec![shown(dir).to_path_buf()])
}

pub fn run(status: &StatusArgs, session: &Session) -> Result<(), CliError> {
    let roots = roots(status, session)?;
    let fail_on = fail_classes(&status.fail_on);
    let inspector = Inspector {
        config: session.config(),
        max_age: status.max_age,
        now: Timestamp::now_utc_seconds(),
    };
    let walked = walk(&roots, &inspector);
    let summary = Summary::of(&walked.files);
    let failed = walked
        .files
        .iter()
        .filter(|file| file.findings.iter().any(|f| fail_on.contains(&f.class())))
        .count();
    let unreadable_fails = !walked.errors.is_empty() && fail_on.contains(&FailClass::Broken);
    let mut out = String::new();
    if status.json {
        for file in &walked.files {
            writeln!(out, "{}", file_object(file, &fail_on)).expect("writing to a string");
        }
        let summary = summary_object(&summary, failed, &fail_on, &walked);
        writeln!(out, "{summary}").expect("writing to a string");
    } else {
        table(&mut out, &walked.files, &fail_on);
        for (path, why) in &walked.errors {
            eprintln!("{}: {why}", shown(path).display());
        }
        writeln!(out, "{}", summary_line(&summary, failed)).expect("writing to a string");
    }
    write_stdout(out.as_bytes())?;
    if failed > 0 || unreadable_fails {
        return Err(CliError::silent(code::GENERIC));
    }
    Ok(())
}
