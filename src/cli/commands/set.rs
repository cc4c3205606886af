//! `sops-rs set FILE PATH VALUE` and `sops-rs unset FILE PATH`: change one value of an
//! encrypted file in place. Every other value keeps its exact ciphertext.

use std::path::{Path, PathBuf};

use clap::Args;
use sops_rs::Format;
use sops_rs::bounded::{Kind, read_file, read_to_end};
use sops_rs::tree::Value;
use sops_rs::tree::path::{PathError, TreePath};

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
}

#[derive(Args, Debug)]
pub struct UnsetArgs {
    /// The encrypted file.
    pub file: PathBuf,
    /// What to remove, e.g. '["db"]["password"]' or '["list"][0]'.
    pub path: String,
    /// Succeed without writing when the path does not exist.
    #[arg(long)]
    pub idempotent: bool,
}

fn parse_path(text: &str) -> Result<TreePath, CliError> {
    TreePath::parse(text).map_err(|e| {
        CliError::new(code::INVALID_SET_FORMAT, e.to_string())
            .with_redacted("invalid tree path (withheld while auditing)")
    })
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

fn write_back(opened: Opened, session: &Session) -> Result<(), CliError> {
    let sealed = opened.reencrypt_and_emit(session)?;
    crate::cli::input_output::write_back(
        &sealed.input,
        &sealed.bytes,
        sops_rs::io::Contents::Encrypted,
    )
}

fn require_file(path: &Path) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return Err(CliError::new(
            code::NO_FILE_SPECIFIED,
            "set and unset need a file, not standard input",
        ));
    }
    Ok(())
}

/// sops reads the file once the path and value are checked: a missing one is exit 2.
fn require_existing(path: &Path) -> Result<(), CliError> {
    if path.exists() {
        return Ok(());
    }
    Err(CliError::new(
        code::COULD_NOT_READ_INPUT,
        format!("cannot read {}: no such file", path.display()),
    ))
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
    if !changed && set.idempotent {
        return Ok(());
    }
    write_back(opened, session)
}

pub fn unset(unset: &UnsetArgs, session: &Session) -> Result<(), CliError> {
    require_file(&unset.file)?;
    let path = parse_path(&unset.path)?;
    require_existing(&unset.file)?;
    let mut opened = Opened::open_for_update(&unset.file, session)?;
    let Some(document) = opened.file.tree_mut().documents.first_mut() else {
        return if unset.idempotent {
            Ok(())
        } else {
            Err(CliError::new(code::GENERIC, "the file has no document"))
        };
    };
    match path.unset(document) {
        Ok(()) => write_back(opened, session),
        Err(PathError::KeyNotFound(_) | PathError::IndexOutOfBounds { .. }) if unset.idempotent => {
            Ok(())
        }
        Err(e) => Err(
            CliError::new(code::GENERIC, format!("{}: {e}", opened.input.name)).with_redacted(
                format!(
                    "{}: the path is not in the file (withheld while auditing)",
                    opened.input.name
                ),
            ),
        ),
    }
}
