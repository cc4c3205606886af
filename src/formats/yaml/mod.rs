//! YAML store: reads and writes YAML exactly as sops 3.12.2 (go-yaml v3) does.
//!
//! This module owns the YAML file format only; the `sops` metadata key is an ordinary entry
//! here. Submodules:
//! - [`resolve`]: go-yaml v3 resolution of plain scalars (null, bool, int, float, timestamp).
//! - `parse`: granit-parser events to a [`Tree`], alias expansion, key checks and comment
//!   placement (yaml.v3 head/line/foot comments flattened the way sops does).
//! - `emit`: the go-yaml v3 layout: indentation, quoting, literal blocks, comments.

mod emit;
mod parse;
pub mod resolve;

use super::FormatError;
use crate::tree::{Tree, Value};

pub use emit::{Style, string_style};

/// Parses a YAML stream into a tree, one mapping per document.
pub fn parse(input: &[u8]) -> Result<Tree, FormatError> {
    parse::parse_stream(input)
}

/// Emits a tree as sops does (go-yaml v3 layout), `indent` spaces per level (sops uses 4).
pub fn emit(tree: &Tree, indent: usize) -> Result<Vec<u8>, FormatError> {
    emit::emit_tree(tree, indent)
}

/// Emits a single value (for `--extract`): yaml.Marshal of that node.
pub fn emit_value(value: &Value, indent: usize) -> Result<Vec<u8>, FormatError> {
    emit::emit_single(value, indent)
}
