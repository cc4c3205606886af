//! Commands that change who can open a file: `rotate` (new data key, every value re-encrypted),
//! `updatekeys` (apply the config's creation rule), `groups add` / `groups delete`. The last two
//! and `updatekeys` re-wrap the same data key, so the values and the MAC stay as they are.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use sops_rs::config::KeySpec;
use sops_rs::io::Contents;
use sops_rs::keys::registry;
use sops_rs::rekey::{self, GroupChange, GroupListing, KeyUpdate};
use sops_rs::tree::Timestamp;
use sops_rs::{KeyedFile, SopsFile};

use crate::cli::CommonArgs;
use crate::cli::exit::{CliError, code};
use crate::cli::input_output::{Input, check_destination, formats, read_input, write_back};
use crate::cli::open::Opened;
use crate::cli::plan::{flag_keys, key_options};
use crate::cli::session::Session;

pub use crate::cli::key_flags::KeyChanges;

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
    let opened = if args.in_place {
        Opened::open_for_update(&rotate.file, session)?
    } else {
        Opened::open(Some(&rotate.file), session)?
    };
    let [added, removed] = changed_keys(&rotate.changes, args)?;
    let changes = rekey::KeyChanges { added, removed };
    let Opened {
        input,
        output_format,
        file,
        ..
    } = opened;
    let now = Timestamp::now_utc_seconds();
    let (file, resealed) =
        rekey::rotate(file, &changes, session.keys()?, now).map_err(key_error)?;
    crate::cli::open::warn_if_resealed(&resealed, &input.name);
    let bytes = file
        .emit(output_format, &session.emit_options())
        .map_err(key_error)?;
    session.write_output(&input, &bytes, Contents::Encrypted)
}

/// An encrypted file whose data key is recovered but whose values stay encrypted.
struct Sealed {
    _lock: Option<sops_rs::io::FileLock>,
    input: Input,
    format: sops_rs::Format,
    file: KeyedFile,
}

fn open_sealed(path: &Path, session: &Session, for_update: bool) -> Result<Sealed, CliError> {
    let lock = if for_update {
        crate::cli::open::lock_target(path)?
    } else {
        None
    };
    let input = read_input(Some(path))?;
    let (format, _) = formats(&input, session.args)?;
    let library = |e| CliError::from_library(e, false);
    let file = SopsFile::parse(format, &input.bytes, &input.name).map_err(library)?;
    let order = session.decryption_order()?;
    let file = KeyedFile::unlock(file, session.keys()?, order).map_err(library)?;
    Ok(Sealed {
        _lock: lock,
        input,
        format,
        file,
    })
}

impl Sealed {
    /// Applies `change` and writes the new file back (`in_place`) or to the output, holding the
    /// update lock until it is written.
    fn change_and_write(
        self,
        session: &Session,
        in_place: bool,
        change: impl FnOnce(KeyedFile) -> sops_rs::Result<SopsFile>,
    ) -> Result<(), CliError> {
        let file = change(self.file).map_err(key_error)?;
        let bytes = file
            .emit(self.format, &session.emit_options())
            .map_err(key_error)?;
        if in_place {
            write_back(&self.input, &bytes, Contents::Encrypted)
        } else {
            session.write_output(&self.input, &bytes, Contents::Encrypted)
        }
    }
}

fn describe(groups: &GroupListing) -> String {
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
    let results = crate::cli::parallel::map(&update.files, |path| {
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
        return Ok(());
    }
    if interactive {
        eprintln!(
            "The following changes will be made to {}'s key groups:\nnow:\n{}after:\n{}",
            path.display(),
            describe(&update.current),
            describe(&update.wanted)
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
    let keys = session.keys()?;
    sealed.change_and_write(session, true, |file| {
        update.apply(file, keys, Timestamp::now_utc_seconds())
    })?;
    eprintln!("File {} synced with new keys", path.display());
    Ok(())
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
    let sealed = open_sealed(path, session, args.in_place)?;
    let change = match index {
        None => {
            let keys = flag_keys(args)?;
            if keys.is_empty() {
                return Err(CliError::new(
                    code::GENERIC,
                    "groups add needs keys: --age, --pgp, --kms, ...",
                ));
            }
            GroupChange::Add(keys)
        }
        Some(index) => GroupChange::Delete(index),
    };
    let threshold = args.shamir_secret_sharing_threshold.filter(|n| *n > 0);
    let keys = session.keys()?;
    sealed.change_and_write(session, args.in_place, |file| {
        let now = Timestamp::now_utc_seconds();
        rekey::change_groups(file, &change, threshold, keys, now)
    })
}
