//! `sops-rs set FILE PATH VALUE`: set one value of an encrypted file in place, the value given
//! as JSON (on the command line, in a file or on standard input). Every other value keeps its
//! exact ciphertext.

use std::path::{Path, PathBuf};

use clap::Args;
use sops_rs::Format;
use sops_rs::bounded::{Kind, read_file, read_to_end};
use sops_rs::tree::Value;

use super::tree_edit::{parse_path, print_tree_result, require_existing, require_file, write_back};
use crate::cli::exit::{CliError, code};
use crate::cli::open::Opened;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct SetArgs {
    /// The encrypted file.
    pub file: PathBuf,
    /// Where to set, e.g. '["db"]["password"]'.
    pub path: String,
    /// The new value as JSON ('"text"', 5, true, {"a": 1}); with --value-file, a file holding it.
    pub value: Option<String>,
    /// VALUE names a file whose content is the JSON value.
    #[arg(long, conflicts_with = "value_stdin")]
    pub value_file: bool,
    /// Read the JSON value from standard input (no VALUE argument).
    #[arg(long)]
    pub value_stdin: bool,
    /// Do not rewrite the file when the value is already there.
    #[arg(long)]
    pub idempotent: bool,
    /// Print a JSON result object on stdout (the tree path and whether it changed, never the
    /// value), and errors as JSON on stderr (docs/json-output.md).
    #[arg(long)]
    pub json: bool,
}

/// Parses a JSON value (any JSON, not only objects) with the JSON store's typing.
fn parse_json_value(text: &[u8]) -> Result<Value, CliError> {
    let mut wrapped = b"{\"v\":".to_vec();
    wrapped.extend_from_slice(text);
    wrapped.push(b'}');
    let tree = Format::Json.parse(&wrapped).map_err(|e| {
        CliError::new(
            code::INVALID_SET_FORMAT,
            format!("the value is not valid JSON: {}", e.message),
        )
    })?;
    Ok(tree.documents[0]
        .get("v")
        .cloned()
        .expect("wrapped value is present"))
}

pub fn set(set: &SetArgs, session: &Session) -> Result<(), CliError> {
    require_file(&set.file)?;
    let path = parse_path(&set.path)?;
    let raw = match (&set.value, set.value_file, set.value_stdin) {
        (Some(_), _, true) => {
            return Err(CliError::new(
                code::NO_FILE_SPECIFIED,
                "--value-stdin takes no VALUE argument",
            ));
        }
        (None, _, true) => read_to_end(std::io::stdin().lock(), Kind::Input, 0).map_err(|e| {
            CliError::new(
                code::COULD_NOT_READ_INPUT,
                format!("cannot read standard input: {e}"),
            )
        })?,
        (Some(file), true, false) => read_file(Path::new(file), Kind::Input).map_err(|e| {
            CliError::new(
                code::COULD_NOT_READ_INPUT,
                format!("cannot read {file}: {e}"),
            )
        })?,
        (Some(value), false, false) => value.as_bytes().to_vec(),
        (None, _, false) => {
            return Err(CliError::new(
                code::NO_FILE_SPECIFIED,
                "set needs FILE PATH VALUE",
            ));
        }
    };
    let value = parse_json_value(&raw)?;
    require_existing(&set.file)?;
    let mut opened = Opened::open_for_update(&set.file, session)?;
    let document = opened
        .file
        .tree_mut()
        .documents
        .first_mut()
        .ok_or_else(|| {
            CliError::new(
                code::INVALID_SET_FORMAT,
                format!("{}: the file has no document", opened.input.name),
            )
        })?;
    let changed = path.set(document, value).map_err(|e| {
        CliError::new(
            code::INVALID_SET_FORMAT,
            format!("{}: {e}", opened.input.name),
        )
        .with_redacted(format!(
            "{}: the path does not fit the file (withheld while auditing)",
            opened.input.name
        ))
    })?;
    let written = changed || !set.idempotent;
    if written {
        write_back(opened, session)?;
    }
    if set.json {
        print_tree_result("set", &set.file, &set.path, changed, written);
    }
    Ok(())
}
