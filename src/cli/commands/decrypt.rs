//! `sops-rs decrypt`: an encrypted file in, plaintext (or one extracted value) out.

use std::path::Path;

use sops_rs::io::Contents;
use sops_rs::tree::path::TreePath;

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::check_destination;
use crate::cli::open::Opened;
use crate::cli::session::Session;

pub fn run(file: Option<&Path>, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    check_destination(file, args)?;
    let extract = match &args.extract {
        Some(text) => Some(TreePath::parse(text).map_err(|e| {
            CliError::new(code::INVALID_TREE_PATH, e.to_string())
                .with_redacted("invalid tree path (withheld while auditing)")
        })?),
        None => None,
    };
    let mut opened = match file {
        Some(path) if args.in_place => Opened::open_for_update(path, session)?,
        _ => Opened::open_read_only(file, session)?,
    };
    // An in-place write held until the finish record is stored stays under the lock.
    session.keep_lock(opened.take_lock());
    let output_format = opened.output_format;
    let options = session.emit_options();
    let emit_error = |source| {
        CliError::from_library(
            sops_rs::Error::Emit {
                format: output_format,
                source,
            },
            false,
        )
    };
    let bytes = match extract {
        Some(path) => {
            let empty = Default::default();
            let document = opened.file.tree().documents.first().unwrap_or(&empty);
            // A well-formed path that is not in the file is a plain error in sops (exit 1);
            // 91 is for a path that does not parse.
            let value = path.get(document).map_err(|e| {
                CliError::new(code::GENERIC, format!("{}: {e}", opened.input.name)).with_redacted(
                    format!(
                        "{}: the path is not in the file (withheld while auditing)",
                        opened.input.name
                    ),
                )
            })?;
            output_format
                .emit_value(value, &options)
                .map_err(emit_error)?
        }
        None => output_format
            .emit(opened.file.tree(), &options)
            .map_err(emit_error)?,
    };
    session.write_output(&opened.input, &bytes, Contents::Plaintext)
}
