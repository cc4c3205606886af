//! TOML store (a sops-rs extension: sops itself has no TOML store, see getsops/sops#369, so real
//! sops cannot read the TOML files sops-rs writes).
//!
//! This module owns the TOML text format only: [`parse`] turns a TOML document into a
//! one-document [`Tree`], [`emit`] writes a tree back as TOML. It knows nothing of keys, crypto
//! or metadata: the `sops` metadata is just the `[sops]` table, the last top-level entry.
//!
//! Types: tables, inline tables and dotted keys become mappings, arrays and arrays of tables
//! become lists, strings/integers/floats/booleans their scalars, offset date-times
//! `Scalar::Time`. Local date-times, dates and times have no sops type: they are read as strings
//! holding their TOML text and are written back as quoted strings. TOML has no null, so a null
//! in the tree is an emit error naming its path. Comments are kept as comment items in source
//! order (see [`parse`] for where each one lands) so that encryption treats them as sops treats
//! YAML comments. The emitter writes a clean layout of its own (it has only the tree, not the
//! source text): see [`emit`].

mod emit;
mod parse;

use super::FormatError;
use crate::tree::{Tree, Value};

/// Parses a TOML document into a one-document tree.
///
/// Comments land where they stand: comment lines above a key (or a dotted key, in the innermost
/// table of that key) become comment items before its entry; `key = v # c` and `[t] # c` give an
/// `inline` comment item just before the entry; comments above a `[table]` header go before that
/// table's entry in its parent, except those separated from the header by a blank line, which
/// close the table opened before (its body end); comments at the end of the file close the last
/// table. Comments inside arrays and inline tables become comment items of that list or mapping.
/// Errors carry the line and column and never quote the input.
pub fn parse(input: &[u8]) -> Result<Tree, FormatError> {
    parse::parse(input)
}

/// Emits a tree as TOML: entries in tree order, scalars and values that must precede a table
/// header as `key = value` lines (nested mappings there as dotted keys, or inline tables where a
/// comment position needs it), trailing mappings as `[table]` headers and trailing lists of
/// mappings as `[[array]]` tables. The top-level `sops` table is written with its plain fields
/// first and its key lists as `[[sops.age]]`-style tables. Strings holding a line break are
/// written as multi-line strings. Fails on a null (TOML has none), a duplicate key, a comment
/// holding a control character, or a tree of several documents (TOML holds one; nothing is
/// silently dropped). An empty tree is written as an empty file.
pub fn emit(tree: &Tree) -> Result<Vec<u8>, FormatError> {
    emit::emit(tree)
}

/// Emits one value for `decrypt --extract`: a mapping as a whole TOML document, anything else as
/// its TOML value text without a final newline (`[1, 2]`, `true`), as the JSON store does.
pub fn emit_value(value: &Value) -> Result<Vec<u8>, FormatError> {
    emit::emit_value(value)
}

#[cfg(test)]
mod tests;
