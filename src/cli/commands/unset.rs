//! `sops-rs unset FILE PATH`: remove one key or list element from an encrypted file in place.
//! Every other value keeps its exact ciphertext.

use std::path::PathBuf;

use clap::Args;
use sops_rs::tree::path::PathError;

use super::tree_edit::{parse_path, print_tree_result, require_existing, require_file, write_back};
use crate::cli::exit::{CliError, code};
use crate::cli::open::Opened;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct UnsetArgs {
    /// The encrypted file.
    pub file: PathBuf,
    /// What to remove, e.g. '["db"]["password"]' or '["list"][0]'.
    pub path: String,
    /// Succeed without writing when the path does not exist.
    #[arg(long)]
    pub idempotent: bool,
    /// Print a JSON result object on stdout (the tree path and whether it was removed), and
    /// errors as JSON on stderr (docs/json-output.md).
    #[arg(long)]
    pub json: bool,
}

pub fn unset(unset: &UnsetArgs, session: &Session) -> Result<(), CliError> {
    require_file(&unset.file)?;
    let path = parse_path(&unset.path)?;
    require_existing(&unset.file)?;
    let mut opened = Opened::open_for_update(&unset.file, session)?;
    let report = |removed: bool| {
        if unset.json {
            print_tree_result("unset", &unset.file, &unset.path, removed, removed);
        }
        Ok(())
    };
    let Some(document) = opened.file.tree_mut().documents.first_mut() else {
        return if unset.idempotent {
            report(false)
        } else {
            Err(CliError::new(code::GENERIC, "the file has no document"))
        };
    };
    match path.unset(document) {
        Ok(()) => {
            write_back(opened, session)?;
            report(true)
        }
        Err(PathError::KeyNotFound(_) | PathError::IndexOutOfBounds { .. }) if unset.idempotent => {
            report(false)
        }
        Err(e) => Err(
            CliError::new(code::GENERIC, format!("{}: {e}", opened.input.name)).with_redacted(
                format!(
                    "{}: the path is not in the file (withheld while auditing)",
                    opened.input.name
                ),
            ),
        ),
    }
}
