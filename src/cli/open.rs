//! Opening an encrypted file for a command: read it, find its format, recover the data key
//! and decrypt it, keeping the cipher so that unchanged values keep their ciphertext when the
//! file is written back.

use std::path::Path;

use sops_rs::formats::Format;
use sops_rs::tree::Timestamp;
use sops_rs::{Document, KeyedFile, OpenMode, Resealed, SopsFile};

use super::exit::CliError;
use super::input_output::{Input, formats, read_input};
use super::session::Session;

/// An encrypted file, decrypted in memory.
pub struct Opened {
    /// Where it came from.
    pub input: Input,
    /// The format to write (`--output-type`, else the input's).
    pub output_format: Format,
    /// Tree (plaintext) and metadata.
    pub file: Document,
    /// Held while the file is read, changed and written back.
    _lock: Option<sops_rs::io::FileLock>,
}

/// Prints one warning line on standard error.
pub fn warn(line: &str) {
    eprintln!("warning: {line}");
}

/// Warns about what decrypting `file` (named `name`) found: comments in plain text where the
/// file's rules say comments are encrypted, as sops does, one line each. The line names the
/// mapping or list holding the comment (unless auditing: `withhold_paths`), never the comment's
/// text: it is not authenticated and may carry anything, terminal escapes included.
pub fn warn_about_decryption(file: &Document, withhold_paths: bool) {
    let name = file.name();
    for path in file.plaintext_comments() {
        let place = if withhold_paths {
            "(path withheld while auditing)".to_string()
        } else {
            format!("in {path}")
        };
        warn(&format!(
            "{name}: found a possibly unencrypted comment {place}: written by an old sops or \
             added by hand (comments are not covered by the MAC)"
        ));
    }
}

/// Warns when a re-encryption of `name` put a valid MAC over values whose MAC did not match
/// (`--ignore-mac`).
pub fn warn_if_resealed(resealed: &Resealed, name: &str) {
    if let Some(line) = resealed.warning(name) {
        warn(&line);
    }
}

/// Takes the update lock on `path`, telling the user when another sops-rs process holds it.
pub fn lock_target(path: &Path) -> Result<Option<sops_rs::io::FileLock>, CliError> {
    use sops_rs::io::Locking;
    let error = |e: std::io::Error| {
        CliError::new(
            super::exit::code::COULD_NOT_READ_INPUT,
            format!("cannot lock {}: {e}", path.display()),
        )
    };
    match sops_rs::io::try_lock_for_update(path).map_err(error)? {
        None => Ok(None),
        Some(Locking::Immediate(lock)) => Ok(Some(lock)),
        Some(Locking::Busy(wait)) => {
            eprintln!(
                "waiting for another sops-rs process that is changing {}...",
                path.display()
            );
            wait().map(Some).map_err(error)
        }
    }
}

impl Opened {
    /// Reads and decrypts FILE (or standard input).
    pub fn open(file: Option<&Path>, session: &Session) -> Result<Opened, CliError> {
        Self::open_locked(file, session, None, OpenMode::KeepIvs)
    }

    /// Reads and decrypts FILE (or standard input) for a command that will not write it back
    /// encrypted: the cipher keeps no IVs, which saves a hash per value.
    pub fn open_read_only(file: Option<&Path>, session: &Session) -> Result<Opened, CliError> {
        Self::open_locked(file, session, None, OpenMode::ReadOnly)
    }

    /// Locks FILE against other sops-rs writers, then reads and decrypts it; the lock is held
    /// until the `Opened` is dropped (after the write).
    pub fn open_for_update(file: &Path, session: &Session) -> Result<Opened, CliError> {
        let lock = if file.as_os_str() == "-" {
            None
        } else {
            lock_target(file)?
        };
        Self::open_locked(Some(file), session, lock, OpenMode::KeepIvs)
    }

    fn open_locked(
        file: Option<&Path>,
        session: &Session,
        lock: Option<sops_rs::io::FileLock>,
        mode: OpenMode,
    ) -> Result<Opened, CliError> {
        let args = session.args;
        let mut input = read_input(file)?;
        let (input_format, output_format) = formats(&input, args)?;
        let order = session.decryption_order()?;
        let library = |e| CliError::from_library(e, false);
        // Opened in steps so that the file's bytes are gone before the values are decrypted.
        let file = SopsFile::parse(input_format, &input.bytes, &input.name).map_err(library)?;
        input.release_bytes();
        let document = KeyedFile::unlock(file, session.keys()?, order)
            .and_then(|keyed| keyed.decrypt(args.ignore_mac, mode))
            .map_err(library)?;
        warn_about_decryption(&document, session.withholding_paths());
        Ok(Opened {
            input,
            output_format,
            file: document,
            _lock: lock,
        })
    }

    /// Takes the update lock out, to hold it past the lifetime of this value.
    pub fn take_lock(&mut self) -> Option<sops_rs::io::FileLock> {
        self._lock.take()
    }

    /// Encrypts the (changed) tree again with the same key and unchanged IVs, and emits it in
    /// the output format. Returns the bytes with what is needed to write them: the input (where
    /// they go) and the update lock, held until the returned value is dropped.
    pub fn reencrypt_and_emit(self, session: &Session) -> Result<Reencrypted, CliError> {
        let library = |e| CliError::from_library(e, true);
        let Opened {
            input,
            output_format,
            file,
            _lock,
        } = self;
        let (file, resealed) = file
            .reencrypt(Timestamp::now_utc_seconds())
            .map_err(library)?;
        warn_if_resealed(&resealed, &input.name);
        let bytes = file
            .emit(output_format, &session.emit_options())
            .map_err(library)?;
        Ok(Reencrypted {
            bytes,
            input,
            _lock,
        })
    }
}

/// An opened file encrypted again, ready to be written where it came from.
pub struct Reencrypted {
    /// The encrypted file.
    pub bytes: Vec<u8>,
    /// Where it was read from.
    pub input: Input,
    _lock: Option<sops_rs::io::FileLock>,
}
