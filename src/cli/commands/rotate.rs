//! `sops-rs rotate FILE...`: encrypt the file again under a new data key, every value
//! re-encrypted, optionally adding keys (`--add-*`) or removing them (`--rm-*`). Several files
//! (or directories, with `--recursive`) are rotated in parallel, each in place (`-i`) or into
//! `--output-dir`.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;
use sops_rs::config::KeySpec;
use sops_rs::io::{Contents, Expect};
use sops_rs::keys::registry;
use sops_rs::rekey;
use sops_rs::tree::Timestamp;

use super::sealed::key_error;
use crate::cli::args::CommonArgs;
use crate::cli::exit::{CliError, code};
use crate::cli::input_output::{Input, check_destination};
use crate::cli::json_output;
use crate::cli::key_flags::KeyChanges;
use crate::cli::many::{self, ManyArgs, Wanted};
use crate::cli::open::Opened;
use crate::cli::plan::key_options;
use crate::cli::session::Session;

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
    /// The encrypted file; several files (or directories, with --recursive) need -i or
    /// --output-dir.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub changes: KeyChanges,
    #[command(flatten)]
    pub many: ManyArgs,
    /// Print a JSON result object on stdout (needs -i or --output, as the file cannot share
    /// stdout), and errors as JSON on stderr (docs/json-output.md).
    #[arg(long)]
    pub json: bool,
}

pub fn rotate(rotate: &RotateArgs, session: &Session) -> Result<(), CliError> {
    match rotate.files.as_slice() {
        [file] if rotate.many.output_dir.is_none() && !(rotate.many.recursive && file.is_dir()) => {
            rotate_one(file, rotate, session)
        }
        _ => rotate_many(rotate, session),
    }
}

fn rotate_many(rotate: &RotateArgs, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    if args.output.is_some() || (args.in_place == rotate.many.output_dir.is_some()) {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "rotating several files needs either -i or --output-dir (and no --output)",
        ));
    }
    if rotate.json {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "rotate --json takes one file",
        ));
    }
    let files = many::expand(&rotate.files, rotate.many.recursive, Wanted::Encrypted)?;
    let [added, removed] = changed_keys(&rotate.changes, args)?;
    let changes = rekey::KeyChanges { added, removed };
    many::run("rotate", &files, session, |path| {
        let opened = match args.in_place {
            true => Opened::open_for_update(path, session)?,
            false => Opened::open(Some(path), session)?,
        };
        let rotated = rotated(opened, &changes, session)?;
        let target = match (&rotate.many.output_dir, rotated.input.id) {
            (Some(dir), _) => many::prepared_target(many::in_output_dir(dir, path))?,
            (None, Some(id)) => (path.to_path_buf(), Expect::Same(id)),
            (None, None) => unreachable!("a file read from a path has an id"),
        };
        session.write_to(
            Some((&target.0, target.1)),
            &rotated.bytes,
            Contents::Encrypted,
        )?;
        Ok(format!(" -> {}", target.0.display()))
    })
}

/// A rotated file, ready to be written.
struct Rotated {
    input: Input,
    before: rekey::GroupListing,
    after: rekey::GroupListing,
    bytes: Vec<u8>,
    /// The update lock, held until the bytes are written.
    _lock: Option<sops_rs::io::FileLock>,
}

/// Encrypts an opened file again under a new data key with the key `changes` applied.
fn rotated(
    mut opened: Opened,
    changes: &rekey::KeyChanges,
    session: &Session,
) -> Result<Rotated, CliError> {
    let lock = opened.take_lock();
    let Opened {
        input,
        output_format,
        file,
        ..
    } = opened;
    let before = rekey::key_listing(file.metadata());
    let now = Timestamp::now_utc_seconds();
    let (file, resealed) = rekey::rotate(file, changes, session.keys()?, now).map_err(key_error)?;
    crate::cli::open::warn_if_resealed(&resealed, &input.name);
    let after = rekey::key_listing(&file.metadata);
    let bytes = file
        .emit(output_format, &session.emit_options())
        .map_err(key_error)?;
    Ok(Rotated {
        input,
        before,
        after,
        bytes,
        _lock: lock,
    })
}

fn rotate_one(path: &Path, rotate: &RotateArgs, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    check_destination(Some(path), args)?;
    if rotate.json && !args.in_place && args.output.is_none() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "rotate --json needs -i or --output: the rotated file would share standard output \
             with the JSON result",
        ));
    }
    if !path.exists() && rotate.changes.any() {
        return Err(CliError::new(
            code::CANNOT_CHANGE_KEYS_FROM_NON_EXISTENT_FILE,
            format!(
                "{}: cannot change keys of a non-existent file",
                path.display()
            ),
        ));
    }
    let opened = if args.in_place {
        Opened::open_for_update(path, session)?
    } else {
        Opened::open(Some(path), session)?
    };
    let [added, removed] = changed_keys(&rotate.changes, args)?;
    let changes = rekey::KeyChanges { added, removed };
    let Rotated {
        input,
        before,
        after,
        bytes,
        _lock,
    } = rotated(opened, &changes, session)?;
    session.write_output(&input, &bytes, Contents::Encrypted)?;
    if rotate.json {
        let [added, removed] = rekey::key_difference(&before, &after);
        json_output::print_result(
            "rotate",
            &input.name,
            json!({
                "changed": true,
                "data_key_renewed": true,
                "keys_added": json_output::key_names(&added),
                "keys_removed": json_output::key_names(&removed),
                "groups": after.len(),
            }),
        );
    }
    Ok(())
}
