//! `sops-rs git setup`: configures git's diff and merge drivers for encrypted files (in the
//! repository's git config, or the user's with `--global`) and adds a `.gitattributes` line for
//! every file pattern the config's creation rules cover, next to the config (which must be in
//! the repository around the current directory).
//!
//! A nested `git setup` rather than a `git-setup` beside `git-merge` and `git-textconv`: those
//! two are typed by git (from the config this writes), this one by people, who read it as "the
//! git setup of sops-rs".

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Subcommand;
use sops_rs::bounded::command::{self, Stderr};
use sops_rs::bounded::{self, Kind};
use sops_rs::gitattributes;
use sops_rs::io::{Contents, Expect};

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::write_file;
use crate::cli::session::Session;

/// The driver name in git config and `.gitattributes`.
const DRIVER: &str = "sops-rs";

#[derive(Subcommand, Debug)]
pub enum GitCommand {
    /// Configure git's diff and merge drivers and add `.gitattributes` lines for every file the
    /// creation rules cover.
    #[command(
        after_help = "Examples:\n  sops-rs git setup\n  sops-rs git setup --dry-run\n  \
                            sops-rs git setup --global"
    )]
    Setup(SetupArgs),
}

#[derive(clap::Args, Debug)]
pub struct SetupArgs {
    /// Write the drivers into your own git config (`git config --global`) instead of the
    /// repository's.
    #[arg(long)]
    pub global: bool,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(command: &GitCommand, session: &Session) -> Result<(), CliError> {
    let GitCommand::Setup(args) = command;
    let config = session.config().ok_or_else(|| {
        CliError::new(
            code::GENERIC,
            "git setup needs a config with creation_rules: no .sops-rs.yaml or .sops.yaml here \
             or in a directory above (or name one with --config)",
        )
    })?;
    let config_path = std::path::absolute(&config.path).unwrap_or_else(|_| config.path.clone());
    let config_dir = config_path.parent().unwrap_or(Path::new("/")).to_path_buf();
    // Compared with git's top directory, which is a real path.
    let config_dir = std::fs::canonicalize(&config_dir).unwrap_or(config_dir);
    let Some(rules) = config.creation_rules.as_deref().filter(|r| !r.is_empty()) else {
        return Err(CliError::new(
            code::GENERIC,
            format!(
                "git setup: {} has no creation_rules, so no file pattern to set up",
                config.path.display()
            ),
        ));
    };
    let here = std::env::current_dir().map_err(|e| {
        CliError::new(
            code::GENERIC,
            format!("cannot read the current directory: {e}"),
        )
    })?;
    let top = toplevel(&here)?;
    if !config_dir.starts_with(&top) {
        return Err(CliError::new(
            code::GENERIC,
            format!(
                "git setup: the config {} is outside the repository {}; the .gitattributes \
                 lines go next to the config",
                config_path.display(),
                top.display()
            ),
        ));
    }

    let mut patterns = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let translated = match &rule.path_regex {
            None => Err("it has no path_regex: it covers every file".to_string()),
            Some(regex) => gitattributes::patterns_for(regex.as_str()),
        };
        match translated {
            Ok(found) => {
                for pattern in found {
                    if !patterns.contains(&pattern) {
                        patterns.push(pattern);
                    }
                }
            }
            Err(why) => eprintln!(
                "sops-rs: creation_rules[{index}]{}: no .gitattributes line written for it: no \
                 git pattern matches exactly its files ({why}); add a line by hand",
                rule.path_regex
                    .as_ref()
                    .map(|r| format!(" (path_regex `{}`)", r.as_str()))
                    .unwrap_or_default()
            ),
        }
    }

    if patterns.is_empty() {
        return Err(CliError::new(
            code::GENERIC,
            format!(
                "git setup: no creation rule of {} could be written as .gitattributes patterns \
                 (see above); nothing was written",
                config.path.display()
            ),
        ));
    }

    let (program, why) = driver_program()?;
    let verb = if args.dry_run { "would run" } else { "ran" };
    println!("driver program: {program} ({why})");
    let scope = if args.global { "--global" } else { "--local" };
    let settings = [
        (
            format!("diff.{DRIVER}.textconv"),
            format!("{program} git-textconv"),
        ),
        (
            format!("merge.{DRIVER}.name"),
            "sops-rs: merge encrypted files key by key".to_string(),
        ),
        (
            format!("merge.{DRIVER}.driver"),
            format!("{program} git-merge %O %A %B %P"),
        ),
    ];
    for (key, value) in &settings {
        if !args.dry_run {
            git(&top, &["config", scope, key, value])?;
        }
        println!("{verb}: git config {scope} {key} {}", shell_quote(value));
    }

    let attributes_path = config_dir.join(".gitattributes");
    let existing = match attributes_path.exists() {
        true => bounded::read_file_to_string(&attributes_path, Kind::Config).map_err(|e| {
            CliError::new(
                code::GENERIC,
                format!("cannot read {}: {e}", attributes_path.display()),
            )
        })?,
        false => String::new(),
    };
    let attributes = [format!("diff={DRIVER}"), format!("merge={DRIVER}")];
    let attributes: Vec<&str> = attributes.iter().map(String::as_str).collect();
    match gitattributes::add_lines(&existing, &patterns, &attributes) {
        None => println!(
            "{}: already has every line ({} patterns)",
            attributes_path.display(),
            patterns.len()
        ),
        Some(text) => {
            let added = &text[existing.len()..];
            if !args.dry_run {
                // Not secret: created with the permissions of an encrypted file, not 0600.
                write_file(
                    &attributes_path,
                    text.as_bytes(),
                    Contents::Encrypted,
                    Expect::Any,
                )?;
            }
            let verb = if args.dry_run { "would add" } else { "added" };
            println!("{}: {verb}:", attributes_path.display());
            for line in added.lines().filter(|l| !l.is_empty()) {
                println!("  {line}");
            }
        }
    }
    Ok(())
}

/// The top directory of the repository holding `dir`.
fn toplevel(dir: &Path) -> Result<PathBuf, CliError> {
    let out = git(dir, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&out).trim());
    // git prints the real path; the config's directory may be reached through a symlink.
    Ok(std::fs::canonicalize(&top).unwrap_or(top))
}

/// Runs git in `dir`, bounded in time and output; its standard output, or an error with what
/// it printed on standard error.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, CliError> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut git = Command::new("git");
    git.arg("-C").arg(&dir).args(args);
    let shown = format!("git {}", args.join(" "));
    let finished = command::run(&mut git, None, Stderr::Capture)
        .map_err(|e| CliError::new(code::GENERIC, format!("git setup: {shown} {e}")))?;
    if !finished.status.success() {
        let stderr = String::from_utf8_lossy(&finished.stderr);
        return Err(CliError::new(
            code::GENERIC,
            format!(
                "git setup: {shown} failed in {}: {}",
                dir.display(),
                stderr.trim()
            ),
        ));
    }
    Ok(finished.stdout.to_vec())
}

/// How git should start this binary: by its name when that name on PATH is this binary, else
/// by its absolute path; and why.
fn driver_program() -> Result<(String, &'static str), CliError> {
    let exe = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map_err(|e| {
            CliError::new(
                code::GENERIC,
                format!("git setup: cannot find the running binary: {e}"),
            )
        })?;
    let name = exe.file_name().unwrap_or(OsStr::new(DRIVER));
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file());
    let same = on_path
        .and_then(|found| std::fs::canonicalize(found).ok())
        .is_some_and(|found| found == exe);
    match (same, name.to_str()) {
        (true, Some(name)) => Ok((shell_quote(name), "found on PATH, this binary")),
        _ => Ok((
            shell_quote(&exe.to_string_lossy()),
            "the absolute path of this binary: its name on PATH is missing or another binary",
        )),
    }
}

/// `text` as one shell word (git runs drivers through the shell).
fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
