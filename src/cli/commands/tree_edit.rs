//! What `set` and `unset` share: the tree path argument, the checks on the file before it is
//! opened, writing the changed file back in place, and the `--json` result.

use std::path::Path;

use sops_rs::tree::path::TreePath;

use crate::cli::exit::{CliError, code};
use crate::cli::open::Opened;
use crate::cli::session::Session;

pub fn parse_path(text: &str) -> Result<TreePath, CliError> {
    TreePath::parse(text).map_err(|e| {
        CliError::new(code::INVALID_SET_FORMAT, e.to_string())
            .with_redacted("invalid tree path (withheld while auditing)")
    })
}

pub fn write_back(opened: Opened, session: &Session) -> Result<(), CliError> {
    let sealed = opened.reencrypt_and_emit(session)?;
    crate::cli::input_output::write_back(
        &sealed.input,
        &sealed.bytes,
        sops_rs::io::Contents::Encrypted,
    )
}

/// The `--json` result of `set` or `unset`: the tree path as given (keys are in clear in the
/// encrypted file too; `null` while auditing, as error messages withhold it then), whether the
/// tree changed and whether the file was written; never a value.
pub fn print_tree_result(command: &str, file: &Path, path: &str, changed: bool, written: bool) {
    crate::cli::json_output::print_result(
        command,
        &file.display().to_string(),
        serde_json::json!({
            "path": crate::cli::json_output::shown_path(Some(path)),
            "changed": changed,
            "written": written,
        }),
    );
}

pub fn require_file(path: &Path) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return Err(CliError::new(
            code::NO_FILE_SPECIFIED,
            "set and unset need a file, not standard input",
        ));
    }
    Ok(())
}

/// sops reads the file once the path and value are checked: a missing one is exit 2.
pub fn require_existing(path: &Path) -> Result<(), CliError> {
    if path.exists() {
        return Ok(());
    }
    Err(CliError::new(
        code::COULD_NOT_READ_INPUT,
        format!("cannot read {}: no such file", path.display()),
    ))
}
