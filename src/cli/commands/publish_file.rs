//! `sops-rs publish`: sends a file (or, with `--recursive`, every file below a directory) to
//! the destination its `destination_rules` entry names, asking first unless `--yes`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use sops_rs::config::Config;
use sops_rs::keys::KeyContext;
use sops_rs::publish::{self, Destination, KvData, Payload};
use sops_rs::{KeyedFile, OpenMode, SopsFile};

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::{formats, read_input};
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct PublishArgs {
    /// The encrypted file, or with --recursive a directory.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Publish without asking.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Leave the file's extension out of the destination name.
    #[arg(long)]
    pub omit_extensions: bool,
    /// Publish every file below the directory FILE (names keep their path below it).
    #[arg(long)]
    pub recursive: bool,
}

fn generic(message: impl Into<String>) -> CliError {
    CliError::new(code::GENERIC, message)
}

pub fn run(args: &PublishArgs, session: &Session) -> Result<(), CliError> {
    let Some(root) = &args.file else {
        return Err(CliError::new(
            code::NO_FILE_SPECIFIED,
            "publish needs a file (or a directory with --recursive)",
        ));
    };
    let config = session.config().ok_or_else(|| {
        generic("publish needs a config file (.sops-rs.yaml or .sops.yaml) with destination_rules")
    })?;
    let info = std::fs::symlink_metadata(root)
        .map_err(|e| generic(format!("cannot publish {}: {e}", root.display())))?;
    if info.is_dir() && !args.recursive {
        return Err(generic(format!(
            "{} is a directory: publish it with --recursive",
            root.display()
        )));
    }
    let ctx = session.keys()?;
    let mut files = Vec::new();
    collect(root, &mut files)?;
    let recursive_root = args.recursive.then_some(root.as_path());
    for file in &files {
        publish_one(file, recursive_root, args, session, config, ctx)?;
    }
    Ok(())
}

/// `path` itself, or every non-directory below it in name order (as Go's `filepath.Walk`:
/// symbolic links are not followed into).
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let info = std::fs::symlink_metadata(path)
        .map_err(|e| generic(format!("cannot publish {}: {e}", path.display())))?;
    if !info.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut names: Vec<_> = std::fs::read_dir(path)
        .and_then(|entries| entries.map(|e| e.map(|e| e.file_name())).collect())
        .map_err(|e| generic(format!("cannot read the directory {}: {e}", path.display())))?;
    names.sort();
    for name in names {
        collect(&publish::clean(&path.join(name)), out)?;
    }
    Ok(())
}

fn publish_one(
    file: &Path,
    recursive_root: Option<&Path>,
    args: &PublishArgs,
    session: &Session,
    config: &Config,
    ctx: &KeyContext,
) -> Result<(), CliError> {
    let absolute =
        publish::clean(&std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()));
    let (rule, destination) =
        publish::destination_for(config, file).map_err(|e| generic(e.to_string()))?;
    let name = publish::destination_name(
        file,
        recursive_root,
        args.omit_extensions || rule.omit_extensions,
    );
    let payload = payload(file, destination, rule, session, ctx)?;
    if !args.yes {
        let location = destination.location(&name, ctx);
        if !confirm(&format!(
            "uploading {} to {location} ? (y/n): ",
            absolute.display()
        ))? {
            let message = format!("Publication of {} canceled", absolute.display());
            if recursive_root.is_some() {
                println!("{message}");
                return Ok(());
            }
            return Err(generic(message));
        }
    }
    let upload = move |destination: &Destination, ctx: &KeyContext| {
        let uploaded = publish::upload(destination, &name, &payload, ctx)
            .map_err(|e| generic(e.to_string()))?;
        for warning in &uploaded.warnings {
            eprintln!("warning: {warning}");
        }
        Ok(())
    };
    if !destination.wants_plaintext() {
        return upload(destination, ctx);
    }
    // Decrypted values leave this machine: in `required` mode only after the audit trail holds
    // the finish record, like a plaintext file.
    let destination = destination.clone();
    session.deliver_plaintext(Box::new(move |ctx| upload(&destination, ctx)))
}

/// What goes to the destination: the file as it is, the file encrypted again for the rule's
/// recreation keys (S3, GCS), or its decrypted values (Vault).
fn payload(
    file: &Path,
    destination: &Destination,
    rule: &sops_rs::config::DestinationRule,
    session: &Session,
    ctx: &KeyContext,
) -> Result<Payload, CliError> {
    let input = read_input(Some(file))?;
    let (format, _) = formats(&input, session.args)?;
    let library = |encrypting| move |e| CliError::from_library(e, encrypting);
    let sops_file = SopsFile::parse(format, &input.bytes, &input.name).map_err(library(false))?;
    let recreation = rule
        .recreation_rule
        .as_ref()
        .filter(|_| !destination.wants_plaintext());
    if !destination.wants_plaintext() && recreation.is_none() {
        return Ok(Payload::Encrypted(input.bytes.to_vec()));
    }
    // Published again under new keys, every value gets a fresh IV: none is worth keeping.
    let document = KeyedFile::unlock(sops_file, ctx, session.decryption_order()?)
        .and_then(|keyed| keyed.decrypt(false, OpenMode::ReadOnly))
        .map_err(library(false))?;
    crate::cli::open::warn_about_decryption(&document, session.withholding_paths());
    let Some(recreation) = recreation else {
        let data = KvData::from_tree(document.tree())
            .map_err(|e| generic(format!("{}: {e}", input.name)))?;
        return Ok(Payload::Secret(data));
    };
    let old: Vec<Vec<String>> = document
        .metadata()
        .key_groups
        .iter()
        .map(|group| group.iter().map(|slot| slot.key.id()).collect())
        .collect();
    let new: Vec<Vec<String>> = recreation
        .key_groups
        .iter()
        .map(|group| group.iter().map(|spec| spec.id.clone()).collect())
        .collect();
    let diffs = publish::diff_key_groups(&old, &new);
    if diffs
        .iter()
        .any(|d| !d.added.is_empty() || !d.removed.is_empty())
    {
        let mut text =
            String::from("The following changes will be made to the file's key groups:\n");
        for (index, diff) in diffs.iter().enumerate() {
            text.push_str(&format!("Group {}\n", index + 1));
            for key in &diff.common {
                text.push_str(&format!("    {key}\n"));
            }
            for key in &diff.added {
                text.push_str(&format!("+++ {key}\n"));
            }
            for key in &diff.removed {
                text.push_str(&format!("--- {key}\n"));
            }
        }
        print!("{text}");
    }
    let now = sops_rs::tree::Timestamp::now_utc_seconds();
    let (sops_file, resealed) =
        publish::reencrypt_for(document, recreation, ctx, now).map_err(library(true))?;
    crate::cli::open::warn_if_resealed(&resealed, &input.name);
    let bytes = sops_file
        .emit(format, &session.emit_options())
        .map_err(library(true))?;
    Ok(Payload::Encrypted(bytes))
}

/// Asks on standard output and reads answers from standard input until one is `y` or `n`, as
/// sops does. An empty answer or the end of the input is an error.
fn confirm(question: &str) -> Result<bool, CliError> {
    loop {
        print!("{question}");
        let _ = std::io::stdout().flush();
        let Some(line) = sops_rs::bounded::read_answer_from_stdin()
            .map_err(|e| generic(format!("cannot read the answer: {e}")))?
        else {
            return Err(generic(
                "no answer: standard input ended (use --yes to publish without asking)",
            ));
        };
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (None, _) => return Err(generic("no answer given (expected y or n)")),
            (Some(_), Some(_)) => return Err(generic("expected one answer, y or n")),
            (Some("y"), None) => return Ok(true),
            (Some("n"), None) => return Ok(false),
            _ => {}
        }
    }
}
