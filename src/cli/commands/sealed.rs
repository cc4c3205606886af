//! What the key-changing commands share: an encrypted file opened for a key change
//! (`updatekeys`, `groups`), its data key recovered and its values left encrypted, the change
//! written back under the update lock; and how a key change's library error is reported (also
//! `rotate`).

use std::path::Path;

use sops_rs::io::Contents;
use sops_rs::{KeyedFile, SopsFile};

use crate::cli::exit::CliError;
use crate::cli::input_output::{Input, formats, read_input, write_back};
use crate::cli::session::Session;

/// A library error from a key change, as the command reports it.
pub fn key_error(e: sops_rs::Error) -> CliError {
    CliError::from_library(e, true)
}

/// An encrypted file whose data key is recovered but whose values stay encrypted.
pub struct Sealed {
    _lock: Option<sops_rs::io::FileLock>,
    input: Input,
    format: sops_rs::Format,
    pub file: KeyedFile,
}

pub fn open_sealed(path: &Path, session: &Session, for_update: bool) -> Result<Sealed, CliError> {
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
    pub fn change_and_write(
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
