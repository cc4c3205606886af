//! `sops-rs groups add` / `groups delete`: add a key group made of the flags' keys, or delete
//! one by index. The same data key is re-wrapped, so the values and the MAC stay as they are.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use sops_rs::rekey::{self, GroupChange};
use sops_rs::tree::Timestamp;

use super::sealed::open_sealed;
use crate::cli::exit::{CliError, code};
use crate::cli::input_output::check_destination;
use crate::cli::plan::flag_keys;
use crate::cli::session::Session;

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
