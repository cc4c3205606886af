//! `sops-rs check FILE…`: the pre-commit gate. Fails when a file that a creation rule covers is
//! not encrypted, when a file's sops metadata is broken, when a merge left git conflict markers
//! in it (in its text or its plain parts without keys, in any value with --verify-mac), when a
//! value (`unencrypted_value`) or a comment (`plaintext_comment`) is in plain text where the
//! file's own rules say it is encrypted (found without keys; named by tree path, never by
//! content), or (with --verify-mac, keys at hand) when its MAC does not match. It also fails on
//! keys of the config file that sops-rs does not know: a misspelt `path_regex` makes a rule
//! cover every file. Directories are walked; files are checked in parallel, with a progress bar
//! when stderr is a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use sops_rs::config::{CONFIG_NAMES, Config, UnknownKey};
use sops_rs::conflict_markers;
use sops_rs::scan::Scanned;
use sops_rs::{KeyedFile, OpenMode};

use crate::cli::exit::{CliError, code};
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also decrypt and verify each file's MAC and look for conflict markers in every value
    /// (needs the keys).
    #[arg(long)]
    pub verify_mac: bool,
    /// Print one JSON object per file.
    #[arg(long)]
    pub json: bool,
}

/// The verdict on one file (or on one unknown key of the config file).
struct Verdict {
    path: PathBuf,
    status: &'static str,
    /// What is wrong, without the file's name.
    problem: Option<String>,
    /// The tree paths the problem is at, if it is at some (config fields for a config key).
    tree_paths: Vec<String>,
    /// A command or step that fixes it, when there is one.
    fix: Option<String>,
}

impl Verdict {
    fn failed(&self) -> bool {
        !matches!(self.status, "encrypted" | "skipped")
    }
}

/// How many tree paths a problem line names before it says how many more there are.
const PATHS_SHOWN: usize = 5;

/// `A, B, C (and 2 more)`.
fn path_list<T: ToString>(paths: &[T]) -> String {
    let mut text = paths
        .iter()
        .take(PATHS_SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > PATHS_SHOWN {
        text.push_str(&format!(" (and {} more)", paths.len() - PATHS_SHOWN));
    }
    text
}

/// `path` as one shell word: quoted unless it is made of characters a shell leaves alone.
pub(crate) fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./+,:@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for child in crate::cli::many::visible_children(entries) {
            walk(&child, out);
        }
    } else {
        out.push(path.to_path_buf());
    }
}

/// Which creation rule, if any, requires a file to be encrypted.
fn covering_rule(path: &Path, config: Option<&Config>) -> Option<String> {
    let Some(config) = config else {
        return Some(format!(
            "there is no {} or {}, so every file checked must be encrypted",
            CONFIG_NAMES[0], CONFIG_NAMES[1]
        ));
    };
    let (index, _) = config.covering_rule(path)?;
    Some(format!(
        "creation_rules[{index}] of {} covers it",
        shown(&config.path).display()
    ))
}

/// The config's path relative to the current directory when it is inside it (found by walking
/// up, it is absolute).
pub(crate) fn shown(path: &Path) -> &Path {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
}

fn check_one(path: &Path, config: Option<&Config>, verify_mac: bool, session: &Session) -> Verdict {
    let verdict = |status, problem: Option<String>| Verdict {
        path: path.to_path_buf(),
        status,
        problem,
        tree_paths: Vec::new(),
        fix: None,
    };
    let found_at = |status, problem: String, tree_paths: Vec<String>| Verdict {
        tree_paths,
        ..verdict(status, Some(problem))
    };
    let fix = |verdict: Verdict, fix: String| Verdict {
        fix: Some(fix),
        ..verdict
    };
    let word = shell_word(path);
    let resolve =
        format!("sops-rs edit {word} (keep one side of each conflict and delete the marker lines)");
    let covered_by = covering_rule(path, config);
    let bytes = match sops_rs::bounded::read_file(path, sops_rs::bounded::Kind::Input) {
        Ok(bytes) => bytes,
        Err(e) => return verdict("error", Some(format!("cannot read: {e}"))),
    };
    let lines = conflict_markers::conflict_lines(&bytes);
    if !lines.is_empty() && (covered_by.is_some() || sops_rs::scan::holds_ciphertext(&bytes)) {
        let problem = format!(
            "unresolved merge: git conflict markers at line{} {} (git merged the encrypted text \
             line by line)",
            if lines.len() == 1 { "" } else { "s" },
            path_list(&lines)
        );
        let steps = format!(
            "keep one side (while merging: git checkout --ours {word}, or --theirs), redo the \
             other side's change with sops-rs edit, and set up the merge driver (docs/git.md)"
        );
        return fix(verdict("conflict", Some(problem)), steps);
    }
    let format = match &session.args.input_type {
        Some(name) => sops_rs::Format::from_name(name).unwrap_or(sops_rs::Format::Binary),
        None => sops_rs::Format::from_path(path),
    };
    let name = path.display().to_string();
    let not_encrypted = || match &covered_by {
        Some(covered_by) => fix(
            verdict(
                "plaintext",
                Some(format!("not encrypted, but {covered_by}")),
            ),
            format!("sops-rs encrypt -i {word}"),
        ),
        None => verdict("skipped", None),
    };
    let file = match sops_rs::scan::scan(format, &bytes, &name) {
        Scanned::Sops(file) => file,
        Scanned::Plaintext => return not_encrypted(),
        Scanned::Broken(e) => {
            return verdict("broken", Some(sops_rs::scan::problem_line(&e, &name)));
        }
    };
    if !file.metadata.is_complete() {
        return verdict(
            "broken",
            Some("the metadata has no MAC or no version".into()),
        );
    }
    let conflicts = conflict_markers::find_in_tree(&file.tree);
    if !conflicts.is_empty() {
        let problem = format!(
            "unresolved merge: git conflict markers in plain text at {}",
            path_list(&conflicts)
        );
        return fix(found_at("conflict", problem, conflicts), resolve);
    }
    let found = file.find_plaintext();
    if !found.values.is_empty() {
        let problem = format!(
            "plain-text value where the file's rules say encrypted, at {}",
            path_list(&found.values)
        );
        return found_at("unencrypted_value", problem, found.values);
    }
    let mut comments = found.comments;
    if verify_mac {
        let (order, keys) = match (session.decryption_order(), session.keys()) {
            (Ok(order), Ok(keys)) => (order, keys),
            (Err(e), _) | (_, Err(e)) => return verdict("error", Some(e.message)),
        };
        let result = KeyedFile::unlock(*file, keys, order)
            .and_then(|keyed| keyed.decrypt(false, OpenMode::ReadOnly));
        match result {
            Ok(document) => {
                let conflicts = conflict_markers::find_in_tree(document.tree());
                if !conflicts.is_empty() {
                    let problem = format!(
                        "unresolved merge: git conflict markers in the decrypted value at {}",
                        path_list(&conflicts)
                    );
                    return fix(found_at("conflict", problem, conflicts), resolve);
                }
                // Decrypting also finds encrypted-looking comments that do not authenticate.
                comments = document.plaintext_comments().to_vec();
            }
            Err(e) => {
                let status = if matches!(e, sops_rs::Error::NoDataKey { .. }) {
                    "no_key"
                } else {
                    "broken"
                };
                return verdict(status, Some(sops_rs::scan::problem_line(&e, &name)));
            }
        }
    }
    if !comments.is_empty() {
        let problem = format!(
            "plain-text comment where the file's rules say encrypted (comments are not covered \
             by the MAC), in {}",
            path_list(&comments)
        );
        return found_at("plaintext_comment", problem, comments);
    }
    verdict("encrypted", None)
}

/// One failing verdict per key of the config that sops-rs does not know.
fn config_verdicts(config: &Config) -> Vec<Verdict> {
    config
        .unknown_keys
        .iter()
        .map(|unknown: &UnknownKey| {
            let mut problem = format!("{}: unknown key, ignored", unknown.path);
            if let Some(known) = unknown.suggestion {
                problem.push_str(&format!(" (did you mean {known}?)"));
            }
            if unknown.suggestion == Some("path_regex") {
                problem.push_str("; a creation rule without path_regex covers every file");
            }
            Verdict {
                path: shown(&config.path).to_path_buf(),
                status: "unknown_config_key",
                problem: Some(problem),
                tree_paths: vec![unknown.path.clone()],
                fix: unknown
                    .suggestion
                    .map(|known| format!("rename {} to {known}", unknown.path)),
            }
        })
        .collect()
}

/// `sops-rs check: 4 files (2 encrypted, 1 skipped, 1 plaintext): 1 failed`, and what the config
/// says.
fn summary(files: &[Verdict], config: Option<&Config>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for verdict in files {
        match counts
            .iter_mut()
            .find(|(status, _)| *status == verdict.status)
        {
            Some((_, count)) => *count += 1,
            None => counts.push((verdict.status, 1)),
        }
    }
    let counts = counts
        .iter()
        .map(|(status, count)| format!("{count} {}", status.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(", ");
    let failed = files.iter().filter(|v| v.failed()).count();
    let plural = if files.len() == 1 { "" } else { "s" };
    let mut line = format!("sops-rs check: {} file{plural} ({counts}): ", files.len());
    let config_failed = config.is_some_and(|config| !config.unknown_keys.is_empty());
    line.push_str(&match failed {
        0 if !config_failed => "all passed".to_string(),
        n => format!("{n} failed"),
    });
    match config {
        None => line.push_str(&format!(
            "; no {} or {} was found, so every file was expected to be encrypted",
            CONFIG_NAMES[0], CONFIG_NAMES[1]
        )),
        Some(config) if config.creation_rules.is_none() => line.push_str(&format!(
            "; {} has no creation_rules, so no file had to be encrypted",
            shown(&config.path).display()
        )),
        Some(config) if !config.unknown_keys.is_empty() => line.push_str(&format!(
            "; {} has {} unknown key{}",
            shown(&config.path).display(),
            config.unknown_keys.len(),
            if config.unknown_keys.len() == 1 {
                ""
            } else {
                "s"
            }
        )),
        Some(_) => {}
    }
    line
}

pub fn run(check: &CheckArgs, session: &Session) -> Result<(), CliError> {
    let config = session.config_unwarned();
    let mut files = Vec::new();
    for path in &check.paths {
        if !path.exists() {
            return Err(CliError::new(
                code::NO_FILE_SPECIFIED,
                format!("{}: no such file or directory", path.display()),
            ));
        }
        walk(path, &mut files);
    }
    let progress = (std::io::stderr().is_terminal() && files.len() > 1).then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("valid template"),
        );
        bar
    });
    let file_verdicts = crate::cli::parallel::map(&files, |path| {
        let verdict = check_one(path, config, check.verify_mac, session);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        verdict
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let config_findings = config.map(config_verdicts).unwrap_or_default();
    let verdicts = config_findings.iter().chain(&file_verdicts);
    for verdict in verdicts.clone() {
        if check.json {
            println!(
                "{}",
                json!({
                    "schema": crate::cli::json_output::CHECK_SCHEMA,
                    "file": verdict.path.display().to_string(),
                    "status": verdict.status,
                    "ok": !verdict.failed(),
                    "problem": verdict.problem,
                    "paths": verdict.tree_paths,
                    "fix": verdict.fix,
                })
            );
        } else if verdict.failed() {
            eprintln!(
                "{}: {}",
                verdict.path.display(),
                verdict.problem.as_deref().unwrap_or(verdict.status)
            );
            if let Some(fix) = &verdict.fix {
                eprintln!("    fix: {fix}");
            }
        }
    }
    if !check.json {
        eprintln!("{}", summary(&file_verdicts, config));
    }
    if verdicts.clone().any(Verdict::failed) {
        return Err(CliError::silent(code::GENERIC));
    }
    Ok(())
}
