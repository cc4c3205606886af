//! `sops-rs check FILE…`: the pre-commit gate. Fails when a file that a creation rule covers is
//! not encrypted, when a file's sops metadata is broken, when a value (`unencrypted_value`) or a
//! comment (`plaintext_comment`) is in plain text where the file's own rules say it is encrypted
//! (found without keys; named by tree path, never by content), or (with --verify-mac, keys at
//! hand) when its MAC does not match. Directories are walked; files are checked in parallel,
//! with a progress bar when stderr is a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use sops_rs::config::Config;
use sops_rs::{KeyedFile, OpenMode, SopsFile};

use crate::cli::exit::{CliError, code};
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also decrypt and verify each file's MAC (needs the keys).
    #[arg(long)]
    pub verify_mac: bool,
    /// Print one JSON object per file.
    #[arg(long)]
    pub json: bool,
}

/// The verdict on one file.
struct Verdict {
    path: PathBuf,
    status: &'static str,
    problem: Option<String>,
    /// The tree paths the problem is at, if it is at some.
    tree_paths: Vec<String>,
}

/// How many tree paths a problem line names before it says how many more there are.
const PATHS_SHOWN: usize = 5;

/// `A, B, C (and 2 more)`.
fn path_list(paths: &[String]) -> String {
    let mut text = paths
        .iter()
        .take(PATHS_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > PATHS_SHOWN {
        text.push_str(&format!(" (and {} more)", paths.len() - PATHS_SHOWN));
    }
    text
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            let hidden = child
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                walk(&child, out);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn check_one(path: &Path, config: Option<&Config>, verify_mac: bool, session: &Session) -> Verdict {
    let verdict = |status, problem: Option<String>| Verdict {
        path: path.to_path_buf(),
        status,
        problem,
        tree_paths: Vec::new(),
    };
    let covered = match config {
        Some(config) => match config.rule_for(path) {
            Ok(rule) => rule.is_some(),
            Err(_) => false,
        },
        None => true,
    };
    let bytes = match sops_rs::bounded::read_file(path, sops_rs::bounded::Kind::Input) {
        Ok(bytes) => bytes,
        Err(e) => return verdict("error", Some(format!("cannot read: {e}"))),
    };
    let format = match &session.args.input_type {
        Some(name) => sops_rs::Format::from_name(name).unwrap_or(sops_rs::Format::Binary),
        None => sops_rs::Format::from_path(path),
    };
    let name = path.display().to_string();
    let file = match SopsFile::parse(format, &bytes, &name) {
        Ok(file) => file,
        Err(sops_rs::Error::MetadataNotFound { .. })
        | Err(sops_rs::Error::ParseEncrypted { .. })
            if !covered =>
        {
            return verdict("skipped", None);
        }
        Err(sops_rs::Error::MetadataNotFound { .. }) => {
            return verdict(
                "plaintext",
                Some("not encrypted, but a creation rule covers it".into()),
            );
        }
        Err(e) => return verdict("broken", Some(e.to_string())),
    };
    if file.metadata.mac.is_empty() || file.metadata.version.is_empty() {
        return verdict(
            "broken",
            Some("the metadata has no MAC or no version".into()),
        );
    }
    let found = file.find_plaintext();
    let found_at = |status, problem: String, tree_paths: Vec<String>| Verdict {
        tree_paths,
        ..verdict(status, Some(problem))
    };
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
        let result = KeyedFile::unlock(file, keys, order)
            .and_then(|keyed| keyed.decrypt(false, OpenMode::ReadOnly));
        match result {
            // Decrypting also finds encrypted-looking comments that do not authenticate.
            Ok(document) => comments = document.plaintext_comments().to_vec(),
            Err(e) => {
                let status = if matches!(e, sops_rs::Error::NoDataKey { .. }) {
                    "no_key"
                } else {
                    "broken"
                };
                return verdict(status, Some(first_line(&e.to_string())));
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

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

pub fn run(check: &CheckArgs, session: &Session) -> Result<(), CliError> {
    let config = session.config();
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
    let verdicts = crate::cli::parallel::map(&files, |path| {
        let verdict = check_one(path, config, check.verify_mac, session);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        verdict
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut failed = 0;
    for verdict in &verdicts {
        let bad = !matches!(verdict.status, "encrypted" | "skipped");
        failed += usize::from(bad);
        if check.json {
            println!(
                "{}",
                json!({"schema": crate::cli::json_output::CHECK_SCHEMA, "file": verdict.path.display().to_string(), "status": verdict.status, "ok": !bad, "problem": verdict.problem, "paths": verdict.tree_paths})
            );
        } else if bad {
            eprintln!(
                "{}: {}",
                verdict.path.display(),
                verdict
                    .problem
                    .clone()
                    .unwrap_or_else(|| verdict.status.to_string())
            );
        }
    }
    if failed > 0 {
        if !check.json {
            eprintln!("{failed} of {} files failed the check", verdicts.len());
        }
        return Err(CliError::silent(code::GENERIC));
    }
    Ok(())
}
