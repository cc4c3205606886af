//! `CliError`: an exit code and a message. sops's exit codes live here, because scripts depend
//! on them, and every library error is turned into one in a single place.

use sops_rs::Error;
use sops_rs::selection::RuleError;

/// sops's exit codes (cmd/sops/codes).
pub mod code {
    pub const GENERIC: u8 = 1;
    pub const COULD_NOT_READ_INPUT: u8 = 2;
    pub const COULD_NOT_WRITE_OUTPUT: u8 = 3;
    pub const ERROR_DUMPING_TREE: u8 = 4;
    pub const INVALID_ENCRYPTION_CONTEXT: u8 = 6;
    pub const INVALID_SET_FORMAT: u8 = 7;
    pub const CONFLICTING_PARAMETERS: u8 = 8;
    pub const ERROR_ENCRYPTING_TREE: u8 = 23;
    pub const CANNOT_CHANGE_KEYS_FROM_NON_EXISTENT_FILE: u8 = 49;
    pub const ERROR_DECRYPTING_TREE: u8 = 25;
    pub const MAC_MISMATCH: u8 = 51;
    pub const INVALID_TREE_PATH: u8 = 91;
    pub const NEED_AT_LEAST_ONE_DOCUMENT: u8 = 92;
    pub const NO_FILE_SPECIFIED: u8 = 100;
    pub const DUPLICATE_DECRYPTION_KEY_TYPE: u8 = 112;
    pub const COULD_NOT_RETRIEVE_KEY: u8 = 128;
    pub const FILE_HAS_NOT_BEEN_MODIFIED: u8 = 200;
    pub const NO_EDITOR_FOUND: u8 = 201;
    pub const FILE_ALREADY_ENCRYPTED: u8 = 203;
}

/// An error as the user sees it: one message and sops's exit code.
#[derive(Debug)]
pub struct CliError {
    /// The process exit code.
    pub code: u8,
    /// The message printed to stderr.
    pub message: String,
    /// The message to print instead while auditing, when `message` may name tree keys.
    pub redacted: Option<String>,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            redacted: None,
        }
    }

    /// An exit code with nothing to print (a child process's own exit code).
    pub fn silent(code: u8) -> Self {
        CliError {
            code,
            message: String::new(),
            redacted: None,
        }
    }

    /// Maps a library error; `encrypting` picks 23 over 25 for value errors.
    pub fn from_library(error: Error, encrypting: bool) -> Self {
        let code = match &error {
            Error::Read { .. } | Error::Parse { .. } => code::COULD_NOT_READ_INPUT,
            Error::Write { .. } => code::COULD_NOT_WRITE_OUTPUT,
            Error::Emit { .. } => code::ERROR_DUMPING_TREE,
            Error::AlreadyEncrypted { .. } => code::FILE_ALREADY_ENCRYPTED,
            Error::NoDocuments { .. } => code::NEED_AT_LEAST_ONE_DOCUMENT,
            Error::NoDataKey { .. } | Error::Shamir(_) => code::COULD_NOT_RETRIEVE_KEY,
            Error::ParseEncrypted { .. } => code::GENERIC,
            Error::Value { .. } | Error::UnsupportedValue { .. } if encrypting => {
                code::ERROR_ENCRYPTING_TREE
            }
            Error::Value { .. } | Error::UnsupportedValue { .. } => code::ERROR_DECRYPTING_TREE,
            Error::MacMismatch { .. } | Error::MacUndecryptable { .. } => code::MAC_MISMATCH,
            Error::Rule(RuleError::Conflict(_)) => code::CONFLICTING_PARAMETERS,
            _ => code::GENERIC,
        };
        let redacted = match &error {
            Error::Value { file, source } => Some(format!(
                "{file}: a value could not be processed: {} (path withheld while auditing)",
                source.kind
            )),
            Error::Emit { format, .. } => Some(format!(
                "cannot write {format} output (details withheld while auditing)"
            )),
            Error::Parse {
                file,
                format,
                source,
            }
            | Error::ParseEncrypted {
                file,
                format,
                source,
            } => Some(match (source.line, source.column) {
                (Some(line), Some(column)) => {
                    format!("{file}: invalid {format} at line {line}, column {column}")
                }
                (Some(line), None) => format!("{file}: invalid {format} at line {line}"),
                _ => format!("{file}: invalid {format}"),
            }),
            _ => None,
        };
        CliError {
            redacted,
            ..CliError::new(code, error.to_string())
        }
    }

    /// Sets the message shown while auditing (for messages that may name tree keys).
    pub fn with_redacted(mut self, redacted: impl Into<String>) -> Self {
        self.redacted = Some(redacted.into());
        self
    }
}
