//! `sops-rs rotate FILE`: encrypt the file again under a new data key, every value
//! re-encrypted, optionally adding keys (`--add-*`) or removing them (`--rm-*`).

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use sops_rs::config::KeySpec;
use sops_rs::io::Contents;
use sops_rs::keys::registry;
use sops_rs::rekey;
use sops_rs::tree::Timestamp;

use super::sealed::key_error;
use crate::cli::args::CommonArgs;
use crate::cli::exit::{CliError, code};
use crate::cli::input_output::check_destination;
use crate::cli::json_output;
use crate::cli::key_flags::KeyChanges;
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
    /// The encrypted file.
    pub file: PathBuf,
    #[command(flatten)]
    pub changes: KeyChanges,
    /// Print a JSON result object on stdout (needs -i or --output, as the file cannot share
    /// stdout), and errors as JSON on stderr (docs/json-output.md).
    #[arg(long)]
    pub json: bool,
}

pub fn rotate(rotate: &RotateArgs, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    check_destination(Some(&rotate.file), args)?;
    if rotate.json && !args.in_place && args.output.is_none() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "rotate --json needs -i or --output: the rotated file would share standard output \
             with the JSON result",
        ));
    }
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
    let before = rekey::key_listing(file.metadata());
    let now = Timestamp::now_utc_seconds();
    let (file, resealed) =
        rekey::rotate(file, &changes, session.keys()?, now).map_err(key_error)?;
    crate::cli::open::warn_if_resealed(&resealed, &input.name);
    let after = rekey::key_listing(&file.metadata);
    let bytes = file
        .emit(output_format, &session.emit_options())
        .map_err(key_error)?;
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
