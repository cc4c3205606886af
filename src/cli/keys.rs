//! Commands that change who can open a file: `rotate` (new data key, every value re-encrypted),
//! `updatekeys` (apply the config's creation rule), `groups add` / `groups delete`. The last two
//! and `updatekeys` re-wrap the same data key, so the values and the MAC stay as they are.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use sops_rs::SopsFile;
use sops_rs::config::KeySpec;
use sops_rs::crypto::{DataKey, ValueCipher};
use sops_rs::io::Contents;
use sops_rs::keys::{MasterKey, registry};
use sops_rs::tree::Timestamp;

use super::CommonArgs;
use super::error::{CliError, code};
use super::io::{Input, check_destination, formats, read_input, write_back};
use super::open::Opened;
use super::plan::{flag_keys, key_options, master_key};
use super::session::Session;

pub use super::key_flags::KeyChanges;

/// The keys `rotate` adds and removes, in registry order.
fn changed_keys(changes: &KeyChanges, args: &CommonArgs) -> Result<[Vec<KeySpec>; 2], CliError> {
    let kinds: Vec<_> = registry::all().collect();
    let options = key_options(args)?;
    Ok([
        changes.added.specs(&kinds, &options),
        changes.removed.specs(&kinds, &options),
    ])
}

#[derive(Args, Debug)]
pub struct RotateArgs {
    /// The encrypted file.
    pub file: PathBuf,
    #[command(flatten)]
    pub changes: KeyChanges,
}

#[derive(Args, Debug)]
pub struct UpdateKeysArgs {
    /// The encrypted files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Apply the changes without asking.
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Subcommand, Debug)]
pub enum GroupsCommand {
    /// Add a key group made of the keys given with --age, --pgp, ...
    Add {
        /// The encrypted file.
        #[arg(short = 'f', long)]
        file: PathBuf,
    },
    /// Delete the key group at INDEX (0-based).
    Delete {
        /// The encrypted file.
        #[arg(short = 'f', long)]
        file: PathBuf,
        /// The group's index.
        index: usize,
    },
}

fn key_error(e: sops_rs::Error) -> CliError {
    CliError::from_library(e, true)
}

fn apply_changes(
    groups: &mut Vec<Vec<Box<dyn MasterKey>>>,
    changes: &KeyChanges,
    args: &CommonArgs,
) -> Result<(), CliError> {
    let [added, removed] = changed_keys(changes, args)?;
    for group in groups.iter_mut() {
        group.retain(|key| {
            !removed
                .iter()
                .any(|spec| spec.kind == key.kind() && spec.id == key.id())
        });
    }
    if !added.is_empty() {
        if groups.is_empty() {
            groups.push(Vec::new());
        }
        for spec in &added {
            let already = groups[0]
                .iter()
                .any(|k| k.kind() == spec.kind && k.id() == spec.id);
            if !already {
                groups[0].push(master_key(spec)?);
            }
        }
    }
    groups.retain(|group| !group.is_empty());
    Ok(())
}

pub fn rotate(rotate: &RotateArgs, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    check_destination(Some(&rotate.file), args)?;
    if !rotate.file.exists() && rotate.changes.any() {
        return Err(CliError::new(
            code::CANNOT_CHANGE_KEYS_FROM_NON_EXISTENT_FILE,
            format!(
                "{}: cannot change keys of a non-existent file",
                rotate.file.display()
            ),
        ));
    }
    let mut opened = if args.in_place {
        Opened::open_for_update(&rotate.file, session)?
    } else {
        Opened::open(Some(&rotate.file), session)?
    };
    let mut groups = opened.file.take_keys();
    apply_changes(&mut groups, &rotate.changes, args)?;
    if groups.is_empty() {
        return Err(CliError::new(
            code::GENERIC,
            "rotate would leave the file without any key",
        ));
    }
    let threshold = opened.file.metadata.shamir_threshold;
    let new_key = DataKey::generate();
    opened
        .file
        .rewrap(&new_key, groups, threshold, session.keys()?)
        .map_err(key_error)?;
    // A new cipher: every value gets a fresh IV under the new key.
    let mut cipher = ValueCipher::new(&new_key);
    let resealed = opened
        .file
        .reencrypt(
            &mut cipher,
            Timestamp::now_utc_seconds(),
            &opened.input.name,
        )
        .map_err(key_error)?;
    super::open::warn_if_resealed(&resealed, &opened.input.name);
    let bytes = opened
        .file
        .emit(opened.output_format, &session.emit_options())
        .map_err(key_error)?;
    session.write_output(&opened.input, &bytes, Contents::Encrypted)
}

/// An encrypted file whose data key is recovered but whose values stay encrypted.
struct Sealed {
    _lock: Option<sops_rs::io::FileLock>,
    input: Input,
    format: sops_rs::Format,
    file: SopsFile,
    key: DataKey,
}

fn open_sealed(path: &Path, session: &Session, for_update: bool) -> Result<Sealed, CliError> {
    let lock = if for_update {
        super::open::lock_target(path)?
    } else {
        None
    };
    let input = read_input(Some(path))?;
    let (format, _) = formats(&input, session.args)?;
    let library = |e| CliError::from_library(e, false);
    let file = SopsFile::parse(format, &input.bytes, &input.name).map_err(library)?;
    let order = session.decryption_order()?;
    let key = file
        .data_key(session.keys()?, order, &input.name)
        .map_err(library)?;
    Ok(Sealed {
        _lock: lock,
        input,
        format,
        file,
        key,
    })
}

fn describe(groups: &[Vec<String>]) -> String {
    let mut out = String::new();
    for (index, group) in groups.iter().enumerate() {
        out.push_str(&format!("Group {}\n", index + 1));
        for key in group {
            out.push_str(&format!("    {key}\n"));
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
    if !update.yes {
        // Asking needs a person: one file after the other.
        for path in &update.files {
            update_one(path, config, session, true)?;
        }
        return Ok(());
    }
    let progress = (std::io::stderr().is_terminal() && update.files.len() > 1).then(|| {
        let bar = indicatif::ProgressBar::new(update.files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("valid template"),
        );
        bar
    });
    let results = super::parallel::map(&update.files, |path| {
        let result = update_one(path, config, session, false);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        result
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let failures: Vec<CliError> = results.into_iter().filter_map(Result::err).collect();
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.into_iter().next().expect("one failure")),
        n => {
            for failure in &failures {
                eprintln!("{}", failure.message);
            }
            Err(CliError::new(
                failures[0].code,
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
) -> Result<(), CliError> {
    let mut sealed = open_sealed(path, session, true)?;
    let rule = config
        .rule_for(path)
        .map_err(|e| CliError::new(code::GENERIC, e.to_string()))?
        .ok_or_else(|| {
            CliError::new(
                code::GENERIC,
                format!("config {}: no creation_rules", config.path.display()),
            )
        })?;
    let current: Vec<Vec<String>> = sealed
        .file
        .metadata
        .key_groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|s| format!("{} {}", s.key.kind(), s.key.id()))
                .collect()
        })
        .collect();
    let wanted: Vec<Vec<String>> = rule
        .key_groups
        .iter()
        .map(|g| g.iter().map(|k| format!("{} {}", k.kind, k.id)).collect())
        .collect();
    let threshold = sealed.file.threshold_for_new_groups(wanted.len());
    if current == wanted && threshold == sealed.file.metadata.shamir_threshold {
        eprintln!("File {} already up to date", path.display());
        return Ok(());
    }
    if interactive {
        eprintln!(
            "The following changes will be made to {}'s key groups:\nnow:\n{}after:\n{}",
            path.display(),
            describe(&current),
            describe(&wanted)
        );
        if !std::io::stdin().is_terminal() {
            return Err(CliError::new(
                code::GENERIC,
                "updatekeys needs -y when standard input is not a terminal",
            ));
        }
        if !ask("Is this okay?") {
            eprintln!("Changes to {} were not applied", path.display());
            return Ok(());
        }
    }
    let groups = rule
        .key_groups
        .iter()
        .map(|g| g.iter().map(master_key).collect::<Result<Vec<_>, _>>())
        .collect::<Result<Vec<_>, _>>()?;
    sealed
        .file
        .rewrap(&sealed.key, groups, threshold, session.keys()?)
        .map_err(key_error)?;
    write_sealed(&mut sealed, session, true)?;
    eprintln!("File {} synced with new keys", path.display());
    Ok(())
}

fn write_sealed(sealed: &mut Sealed, session: &Session, in_place: bool) -> Result<(), CliError> {
    let bytes = sealed
        .file
        .emit(sealed.format, &session.emit_options())
        .map_err(key_error)?;
    if in_place {
        write_back(&sealed.input, &bytes, Contents::Encrypted)
    } else {
        session.write_output(&sealed.input, &bytes, Contents::Encrypted)
    }
}

impl GroupsCommand {
    /// The encrypted file the command changes.
    pub fn file(&self) -> &Path {
        match self {
            GroupsCommand::Add { file } | GroupsCommand::Delete { file, .. } => file,
        }
    }
}

pub fn groups(command: &GroupsCommand, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    let (path, index) = match command {
        GroupsCommand::Add { file } => (file, None),
        GroupsCommand::Delete { file, index } => (file, Some(*index)),
    };
    check_destination(Some(path), args)?;
    let mut sealed = open_sealed(path, session, args.in_place)?;
    let mut groups = sealed.file.take_keys();
    match index {
        None => {
            let keys = flag_keys(args)?
                .iter()
                .map(master_key)
                .collect::<Result<Vec<_>, _>>()?;
            if keys.is_empty() {
                return Err(CliError::new(
                    code::GENERIC,
                    "groups add needs keys: --age, --pgp, --kms, ...",
                ));
            }
            groups.push(keys);
        }
        Some(index) => {
            if index >= groups.len() {
                return Err(CliError::new(
                    code::GENERIC,
                    format!(
                        "there is no key group {index} (the file has {})",
                        groups.len()
                    ),
                ));
            }
            groups.remove(index);
            if groups.is_empty() {
                return Err(CliError::new(
                    code::GENERIC,
                    "cannot delete the last key group",
                ));
            }
        }
    }
    let threshold = match args.shamir_secret_sharing_threshold {
        Some(n) if n > 0 => n,
        _ => sealed.file.metadata.shamir_threshold,
    };
    sealed
        .file
        .rewrap(&sealed.key, groups, threshold, session.keys()?)
        .map_err(key_error)?;
    write_sealed(&mut sealed, session, args.in_place)
}
