//! File formats: bytes to [`Tree`] and back, and where each format keeps the `sops` metadata.
//!
//! Formats are the closed set the SOPS file format defines (plus TOML), so [`Format`] is an enum
//! with `match` dispatch. A format module knows nothing of keys or crypto: it parses plaintext or
//! encrypted files alike into a tree whose leaves are plain scalars (ENC strings are just
//! strings here), and emits a tree back in sops's exact layout.

pub mod dotenv;
pub mod flatten;
pub mod ini;
pub mod json;
pub mod toml;
pub mod yaml;

use std::fmt;
use std::path::Path;

use crate::tree::{Tree, Value};

/// A file format sops-rs reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// YAML (go-yaml v3 semantics, as sops).
    Yaml,
    /// JSON.
    Json,
    /// dotenv (`KEY=value` lines).
    Dotenv,
    /// INI.
    Ini,
    /// Any file, stored whole as one string under `data`.
    Binary,
    /// TOML (a sops-rs extension: real sops cannot read it).
    Toml,
}

impl Format {
    /// Every format, in the order the command line's help lists them.
    pub const ALL: [Format; 6] = [
        Format::Yaml,
        Format::Json,
        Format::Toml,
        Format::Dotenv,
        Format::Ini,
        Format::Binary,
    ];

    /// The format named on the command line (`--input-type`/`--output-type`).
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "dotenv" => Format::Dotenv,
            "ini" => Format::Ini,
            "binary" => Format::Binary,
            "toml" => Format::Toml,
            _ => return None,
        })
    }

    /// The format picked from a file name: `.yaml`/`.yml`, `.json`, `.env`, `.ini`, `.toml`, else
    /// binary.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => Format::Yaml,
            Some("json") => Format::Json,
            Some("env") => Format::Dotenv,
            Some("ini") => Format::Ini,
            Some("toml") => Format::Toml,
            _ => Format::Binary,
        }
    }

    /// The format an encrypted file of this format is stored in: binary data goes into a JSON
    /// envelope (`{"data": ..., "sops": ...}`); every other format holds its own metadata.
    pub fn encrypted_store(self) -> Format {
        match self {
            Format::Binary => Format::Json,
            other => other,
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Dotenv => "dotenv",
            Format::Ini => "ini",
            Format::Binary => "binary",
            Format::Toml => "toml",
        }
    }

    /// Parses a whole file.
    pub fn parse(self, input: &[u8]) -> Result<Tree, FormatError> {
        match self {
            Format::Yaml => yaml::parse(input),
            Format::Json => json::parse(input),
            Format::Binary => Ok(binary_tree(input)),
            Format::Dotenv => dotenv::parse(input),
            Format::Ini => ini::parse(input),
            Format::Toml => toml::parse(input),
        }
    }

    /// Emits a whole file; a tree nested deeper than [`MAX_DEPTH`] is refused.
    pub fn emit(self, tree: &Tree, options: &EmitOptions) -> Result<Vec<u8>, FormatError> {
        check_depth(tree)?;
        match self {
            Format::Yaml => yaml::emit(tree, options.yaml_indent()),
            Format::Json => json::emit(tree, options.json_indent()),
            Format::Binary => binary_bytes(tree),
            Format::Dotenv => dotenv::emit(tree),
            Format::Ini => ini::emit(tree),
            Format::Toml => toml::emit(tree),
        }
    }

    /// Emits one value for `decrypt --extract`: strings raw, anything else in this format.
    pub fn emit_value(self, value: &Value, options: &EmitOptions) -> Result<Vec<u8>, FormatError> {
        if let Value::Scalar(crate::tree::Scalar::Str(s)) = value {
            return Ok(s.as_bytes().to_vec());
        }
        if nests_deeper_than(value, MAX_DEPTH) {
            return Err(FormatError::new(depth_message()));
        }
        match self {
            Format::Yaml => yaml::emit_value(value, options.yaml_indent()),
            Format::Json => json::emit_value(value, options.json_indent()),
            Format::Dotenv => dotenv::emit_value(value),
            Format::Ini => ini::emit_value(value),
            Format::Toml => toml::emit_value(value),
            Format::Binary => Err(FormatError::new(format!(
                "cannot extract a structured value as {}",
                self.name()
            ))),
        }
    }
}

impl Format {
    /// The document `edit` opens for a file that does not exist yet (sops's examples).
    pub fn example(self) -> Tree {
        use crate::tree::{Comment, ListItem, Map, MapItem, Scalar};
        let text = |s: &str| Value::str(s);
        let mut map = Map::default();
        match self {
            Format::Binary => {
                map.push(
                    BINARY_DATA_KEY,
                    text("Welcome to SOPS! Edit this file as you please!"),
                );
            }
            Format::Dotenv => {
                map.items
                    .push(MapItem::Comment(Comment::new(" This is an example file.")));
                map.push(
                    "hello",
                    text("Welcome to SOPS! Edit this file as you please!"),
                );
                map.push("example_key", text("example_value"));
                map.push("example_multiline", text("foo\nbar\nbaz"));
            }
            Format::Ini => {
                let mut section = Map::default();
                section
                    .items
                    .push(MapItem::Comment(Comment::new(" This is an example file.")));
                section.push(
                    "hello",
                    text("Welcome to SOPS! Edit this file as you please!"),
                );
                section.push("example_key", text("example_value"));
                map.push("Welcome!", Value::Map(section));
            }
            Format::Yaml | Format::Json | Format::Toml => {
                let bools = [true, false]
                    .map(|b| ListItem::Value(Value::Scalar(Scalar::Bool(b))))
                    .to_vec();
                map.push(
                    "hello",
                    text("Welcome to SOPS! Edit this file as you please!"),
                );
                map.push("example_key", text("example_value"));
                map.items
                    .push(MapItem::Comment(Comment::new(" Example comment")));
                map.push(
                    "example_array",
                    Value::List(vec![
                        ListItem::Value(text("example_value1")),
                        ListItem::Value(text("example_value2")),
                    ]),
                );
                map.push("example_number", Value::Scalar(Scalar::Float(1234.56789)));
                map.push("example_booleans", Value::List(bools));
            }
        }
        Tree {
            documents: vec![map],
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Layout settings for emitting: sops's `stores` config section, overridden by `--indent`.
#[derive(Clone, Debug, Default)]
pub struct EmitOptions {
    /// `stores.yaml.indent` (default 4; 0 also means 4).
    pub yaml_indent: Option<i64>,
    /// `stores.json.indent` (-1 or unset: a tab; n >= 0: n spaces).
    pub json_indent: Option<i64>,
    /// `stores.json_binary.indent`, for the binary store's JSON envelope.
    pub json_binary_indent: Option<i64>,
}

impl EmitOptions {
    /// The same indent for every store (`--indent N`).
    pub fn with_indent(indent: i64) -> Self {
        EmitOptions {
            yaml_indent: Some(indent),
            json_indent: Some(indent),
            json_binary_indent: Some(indent),
        }
    }

    /// YAML indent: 4 by default, as sops.
    pub fn yaml_indent(&self) -> usize {
        match self.yaml_indent {
            Some(n) if n > 0 => n as usize,
            _ => 4,
        }
    }

    /// JSON indent: `None` means a tab (sops's default), `Some(n)` n spaces.
    pub fn json_indent(&self) -> Option<usize> {
        match self.json_indent {
            Some(n) if n >= 0 => Some(n as usize),
            _ => None,
        }
    }

    /// The options for the binary store's envelope: its own indent setting as the JSON indent.
    pub fn for_binary_envelope(&self) -> EmitOptions {
        EmitOptions {
            json_indent: self.json_binary_indent,
            ..self.clone()
        }
    }
}

/// A parse or emit failure. The message names a position or a tree path, never a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FormatError {
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// What went wrong.
    pub message: String,
    /// The text is well-formed but holds a value the sops tree cannot: a mapping key that is a
    /// number, boolean, null or time, or an integer above int64. sops reads these and fails when
    /// it walks the tree to encrypt or decrypt it, so the exit code is that of a value (23 or
    /// 25), not that of a syntax error.
    pub unsupported_value: bool,
}

impl FormatError {
    /// An error without a position.
    pub fn new(message: impl Into<String>) -> Self {
        FormatError {
            line: None,
            column: None,
            message: message.into(),
            unsupported_value: false,
        }
    }

    /// An error on a 1-based line.
    pub fn on_line(line: usize, message: impl Into<String>) -> Self {
        FormatError {
            line: Some(line),
            ..FormatError::new(message)
        }
    }

    /// An error at a 1-based line and column.
    pub fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        FormatError {
            line: Some(line),
            column: Some(column),
            message: message.into(),
            unsupported_value: false,
        }
    }

    /// A well-formed value sops cannot put in its tree, at a 1-based line and column.
    pub fn unsupported_value_at(line: usize, column: usize, message: impl Into<String>) -> Self {
        FormatError {
            unsupported_value: true,
            ..FormatError::at(line, column, message)
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Deepest nesting of mappings and sequences, counting the document's root mapping as level 1:
/// the one limit shared by every reader and every writer. Each parser refuses a deeper file,
/// [`Format::emit`] refuses a deeper tree, and `set` refuses a path and value that would make
/// one, so sops-rs never writes a file it cannot read back. It is the deepest that every format
/// can hold: toml_edit, below the TOML parser, stops at 80 nested tables, arrays or dotted-key
/// parts (granit-parser, below the YAML one, at 255). It also bounds recursion in everything that
/// walks a tree (encryption, the MAC, emitters, `Clone`, `Drop`) far within a 2 MiB thread stack.
/// sops accepts deeper files (Go's JSON decoder allows 10000), but no real sops file comes near.
pub const MAX_DEPTH: usize = 80;

/// The message of a nesting error.
pub(crate) fn depth_message() -> String {
    format!("nesting deeper than {MAX_DEPTH} levels")
}

/// Whether `value` nests more than `levels` mappings and sequences (a scalar nests none). The
/// walk stops at the limit, so a tree of any depth can be checked.
pub fn nests_deeper_than(value: &Value, levels: usize) -> bool {
    match value {
        Value::Scalar(_) => false,
        _ if levels == 0 => true,
        Value::Map(map) => map_nests_deeper_than(map, levels),
        Value::List(items) => items.iter().any(|item| match item {
            crate::tree::ListItem::Value(child) => nests_deeper_than(child, levels - 1),
            crate::tree::ListItem::Comment(_) => false,
        }),
    }
}

/// [`nests_deeper_than`] for a mapping, which is itself one level.
fn map_nests_deeper_than(map: &crate::tree::Map, levels: usize) -> bool {
    levels == 0
        || map
            .entries()
            .any(|(_, child)| nests_deeper_than(child, levels - 1))
}

/// Refuses a tree nested deeper than [`MAX_DEPTH`]: what no parser would read back.
pub fn check_depth(tree: &Tree) -> Result<(), FormatError> {
    if tree
        .documents
        .iter()
        .any(|document| map_nests_deeper_than(document, MAX_DEPTH))
    {
        return Err(FormatError::new(depth_message()));
    }
    Ok(())
}

/// The input as text, or an error at the line and column (in characters) of the first byte
/// that is not UTF-8.
pub(crate) fn utf8_text(input: &[u8]) -> Result<&str, FormatError> {
    std::str::from_utf8(input).map_err(|e| {
        let before = &input[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        // Valid UTF-8 up to here: count characters, not bytes.
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        FormatError::at(line, column, "invalid UTF-8")
    })
}

/// The top-level key that holds the metadata: a mapping in YAML, JSON and TOML, a section in
/// INI, `sops_`-prefixed lines in dotenv.
pub const SOPS_KEY: &str = "sops";

/// The key under which the binary store keeps the whole file.
pub const BINARY_DATA_KEY: &str = "data";

fn binary_tree(input: &[u8]) -> Tree {
    let mut map = crate::tree::Map::default();
    // Any bytes, as sops (a Go string): text that is not UTF-8 is kept as bytes, which encrypt
    // as type str and decrypt back to the same bytes.
    let value = match String::from_utf8(input.to_vec()) {
        Ok(text) => crate::tree::Scalar::Str(text),
        Err(e) => crate::tree::Scalar::Bytes(e.into_bytes()),
    };
    map.push(BINARY_DATA_KEY, Value::Scalar(value));
    Tree {
        documents: vec![map],
    }
}

fn binary_bytes(tree: &Tree) -> Result<Vec<u8>, FormatError> {
    let data = tree
        .documents
        .first()
        .and_then(|doc| doc.get(BINARY_DATA_KEY));
    match data {
        Some(Value::Scalar(crate::tree::Scalar::Str(s))) => Ok(s.as_bytes().to_vec()),
        Some(Value::Scalar(crate::tree::Scalar::Bytes(b))) => Ok(b.clone()),
        _ => Err(FormatError::new(
            "cannot write binary output: the tree has no string 'data' key \
             (use --output-type to pick a structured format)",
        )),
    }
}

#[cfg(test)]
mod depth_tests;
