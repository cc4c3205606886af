//! The dotenv store. (Not built yet.)

use super::{Format, FormatError};
use crate::tree::{Tree, Value};

/// Parses a dotenv file into a one-document tree; sops metadata ends up under a top-level `sops` key.
pub fn parse(_input: &[u8]) -> Result<Tree, FormatError> {
    Err(FormatError::unsupported(Format::Dotenv))
}

/// Emits a tree; a top-level `sops` entry is written where this format keeps metadata.
pub fn emit(_tree: &Tree) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::unsupported(Format::Dotenv))
}

/// Emits one value for `--extract`.
pub fn emit_value(_value: &Value) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::unsupported(Format::Dotenv))
}
