//! The library's error type. Messages name files, lines and tree paths, never values or keys.

use crate::crypto::TreeCipherError;
use crate::crypto::shamir::ShamirError;
use crate::formats::{Format, FormatError};
use crate::keys::KeyError;
use crate::metadata::WireError;
use crate::selection::RuleError;

/// Anything that can go wrong between reading a file and writing it back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The output could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A plaintext to encrypt does not parse as its format.
    #[error("{file}: invalid {format}: {source}")]
    Parse {
        /// The file.
        file: String,
        /// The format it was read as.
        format: Format,
        /// Where and what.
        source: FormatError,
    },
    /// A file to decrypt (or change) does not parse as its format: it cannot be a sops file
    /// (sops exits 1 here, and 2 only for a plaintext to encrypt).
    #[error("{file}: invalid {format}: {source}")]
    ParseEncrypted {
        /// The file.
        file: String,
        /// The format it was read as.
        format: Format,
        /// Where and what.
        source: FormatError,
    },
    /// The file parses, but holds a value sops cannot encrypt or decrypt (see
    /// [`FormatError::unsupported_value`]).
    #[error("{file}: {source}")]
    UnsupportedValue {
        /// The file.
        file: String,
        /// Where and what.
        source: FormatError,
    },
    /// The tree cannot be written in the output format.
    #[error("cannot write {format} output: {source}")]
    Emit {
        /// The output format.
        format: Format,
        /// What went wrong.
        source: FormatError,
    },
    /// A file to decrypt has no `sops` metadata.
    #[error("{file}: sops metadata not found (the file is not encrypted)")]
    MetadataNotFound {
        /// The file.
        file: String,
    },
    /// The metadata is malformed.
    #[error("{file}: {source}")]
    Metadata {
        /// The file.
        file: String,
        /// What is wrong.
        source: WireError,
    },
    /// A file to encrypt already has `sops` metadata.
    #[error("{file}: the file is already encrypted (it has a top-level sops key)")]
    AlreadyEncrypted {
        /// The file.
        file: String,
    },
    /// A file to encrypt holds no document.
    #[error("{file}: there is no document to encrypt")]
    NoDocuments {
        /// The file.
        file: String,
    },
    /// No master key was given for a new file.
    #[error("no master keys were given: pass recipients with --age or SOPS_AGE_RECIPIENTS")]
    NoMasterKeys,
    /// Wrapping the new data key failed for some master keys (sops's words, which its own
    /// tests compare).
    #[error("Could not generate data key: [{}]", .0.join(" "))]
    KeyGeneration(Vec<String>),
    /// No key group yielded the data key.
    #[error("{file}: could not decrypt the data key with any master key\n{report}")]
    NoDataKey {
        /// The file.
        file: String,
        /// Every group and key tried, and why each failed.
        report: String,
    },
    /// A value could not be decrypted or encrypted.
    #[error("{file}: {source}")]
    Value {
        /// The file.
        file: String,
        /// The value's path and the reason.
        source: TreeCipherError,
    },
    /// The stored MAC cannot be decrypted.
    #[error(
        "{file}: cannot decrypt the MAC (was lastmodified changed?); use --ignore-mac to skip the check"
    )]
    MacUndecryptable {
        /// The file.
        file: String,
    },
    /// The MAC over the values does not match the stored one.
    #[error(
        "{file}: MAC mismatch: {detail}; the file was changed outside sops. Use --ignore-mac to decrypt anyway"
    )]
    MacMismatch {
        /// The file.
        file: String,
        /// `the file has no MAC` or `the values do not match the stored MAC`.
        detail: &'static str,
    },
    /// An invalid selection rule.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// Shamir splitting or combining failed.
    #[error(transparent)]
    Shamir(#[from] ShamirError),
    /// A key named for a change (`rotate --add-*`, a creation rule, `groups add`) is invalid.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A change to the key groups that cannot be made (removing the last key or group, an
    /// index that is not there).
    #[error("{0}")]
    KeyGroups(String),
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
