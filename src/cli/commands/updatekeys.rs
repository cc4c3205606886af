//! `sops-rs updatekeys FILE...`: make each file's key groups match its creation rule in the
//! config, re-wrapping the same data key (the values and the MAC stay as they are). Without
//! `-y` it shows the change and asks, one file after the other; with `-y` files run in parallel.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use sops_rs::rekey::{GroupListing, KeyUpdate, key_difference};
use sops_rs::tree::Timestamp;

use super::sealed::open_sealed;
use crate::cli::exit::{CliError, code};
use crate::cli::json_output;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct UpdateKeysArgs {
    /// The encrypted files (directories with --recursive).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Walk the directories among the FILE arguments for encrypted files (hidden entries are
    /// skipped).
    #[arg(long)]
    pub recursive: bool,
    /// Apply the changes without asking.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Print one JSON result object per file on stdout (keys added and removed), and errors as
    /// JSON on stderr (docs/json-output.md).
    #[arg(long)]
    pub json: bool,
}

/// What happened to one file's key groups.
struct Outcome {
    /// The key groups were written.
    changed: bool,
    /// The groups before and after (equal when nothing changed).
    before: GroupListing,
    after: GroupListing,
}

impl Outcome {
    fn unchanged(groups: GroupListing) -> Outcome {
        Outcome {
            changed: false,
            before: groups.clone(),
            after: groups,
        }
    }

    fn print_json(&self, path: &Path) {
        let [added, removed] = key_difference(&self.before, &self.after);
        json_output::print_result(
            "updatekeys",
            &path.display().to_string(),
            json!({
                "changed": self.changed,
                "keys_added": json_output::key_names(&added),
                "keys_removed": json_output::key_names(&removed),
                "groups": self.after.len(),
            }),
        );
    }
}

/// The key groups' changes in sops's layout: per group, the keys kept (indented), then those
/// added (`+++`), then those removed (`---`), each by its id.
fn group_changes(current: &GroupListing, wanted: &GroupListing) -> String {
    let mut out = String::from("The following changes will be made to the file's groups:\n");
    let empty = Vec::new();
    for index in 0..current.len().max(wanted.len()) {
        let before = current.get(index).unwrap_or(&empty);
        let after = wanted.get(index).unwrap_or(&empty);
        out.push_str(&format!("Group {}\n", index + 1));
        for key in after {
            let mark = if before.contains(key) { "   " } else { "+++" };
            out.push_str(&format!("{mark} {}\n", key.id));
        }
        for key in before.iter().filter(|key| !after.contains(key)) {
            out.push_str(&format!("--- {}\n", key.id));
        }
    }
    out
}

fn ask(question: &str) -> bool {
    eprint!("{question} (y/n): ");
    let _ = std::io::stderr().flush();
    sops_rs::bounded::read_answer_from_stdin()
        .is_ok_and(|answer| answer.is_some_and(|a| a.trim().eq_ignore_ascii_case("y")))
}

pub fn update_keys(update: &UpdateKeysArgs, session: &Session) -> Result<(), CliError> {
    let config = session.config().ok_or_else(|| {
        CliError::new(
            code::GENERIC,
            "updatekeys needs a config file (.sops-rs.yaml or .sops.yaml) with creation rules",
        )
    })?;
    let files = crate::cli::many::expand(
        &update.files,
        update.recursive,
        crate::cli::many::Wanted::Encrypted,
    )?;
    if !update.yes {
        // Asking needs a person: one file after the other.
        for path in &files {
            let outcome = update_one(path, config, session, true, update.json)?;
            if update.json {
                outcome.print_json(path);
            }
        }
        return Ok(());
    }
    let progress = (std::io::stderr().is_terminal() && files.len() > 1).then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("valid template"),
        );
        bar
    });
    let results = crate::cli::parallel::map_on(crate::cli::many::workers(), &files, |path| {
        let result = update_one(path, config, session, false, update.json);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        result
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut failures: Vec<(&Path, CliError)> = Vec::new();
    for (path, result) in files.iter().zip(results) {
        match result {
            Ok(outcome) if update.json => outcome.print_json(path),
            Ok(_) => {}
            Err(failure) => failures.push((path, failure)),
        }
    }
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.into_iter().next().expect("one failure").1),
        n => {
            for (path, failure) in &failures {
                if update.json {
                    let file = path.display().to_string();
                    let object =
                        json_output::error_object(failure.code, &failure.message, Some(&file));
                    eprintln!("{object}");
                } else {
                    eprintln!("{}", failure.message);
                }
            }
            Err(CliError::new(
                failures[0].1.code,
                format!("{n} files could not be updated"),
            ))
        }
    }
}

/// Applies the creation rule to one file; `interactive` shows the change and asks first.
fn update_one(
    path: &Path,
    config: &sops_rs::config::Config,
    session: &Session,
    interactive: bool,
    json: bool,
) -> Result<Outcome, CliError> {
    let sealed = open_sealed(path, session, true)?;
    let rule = config
        .rule_for(path)
        .map_err(|e| CliError::new(code::GENERIC, e.to_string()))?
        .ok_or_else(|| {
            CliError::new(
                code::GENERIC,
                format!("config {}: no creation_rules", config.path.display()),
            )
        })?;
    let update = KeyUpdate::plan(sealed.file.file(), rule);
    if !update.is_needed() {
        eprintln!("File {} already up to date", path.display());
        return Ok(Outcome::unchanged(update.current));
    }
    // Printed as sops prints it, on standard output even with -y (JSON takes standard output
    // with --json, so the changes go to standard error then).
    let changes = group_changes(&update.current, &update.wanted);
    match json {
        true => eprint!("{changes}"),
        false => print!("{changes}"),
    }
    if interactive {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::new(
                code::GENERIC,
                "updatekeys needs -y when standard input is not a terminal",
            ));
        }
        if !ask("Is this okay?") {
            eprintln!("Changes to {} were not applied", path.display());
            return Ok(Outcome::unchanged(update.current));
        }
    }
    let keys = session.keys()?;
    sealed.change_and_write(session, true, |file| {
        update.apply(file, keys, Timestamp::now_utc_seconds())
    })?;
    eprintln!("File {} synced with new keys", path.display());
    Ok(Outcome {
        changed: true,
        before: update.current,
        after: update.wanted,
    })
}
