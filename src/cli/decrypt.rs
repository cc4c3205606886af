//! `sops-rs decrypt`: an encrypted file in, plaintext (or one extracted value) out.

use std::path::Path;

use sops_rs::tree::path::TreePath;
use sops_rs::{Format, SopsFile};

use super::CommonArgs;
use super::context::{decryption_order, key_context_from_env};
use super::error::{CliError, code};
use super::io::{check_destination, formats, read_input, write_output};
use super::plan::{emit_options, load_config};

pub fn run(file: Option<&Path>, args: &CommonArgs) -> Result<(), CliError> {
    let input = read_input(file)?;
    check_destination(&input, args)?;
    let (input_format, output_format) = formats(&input, args)?;
    let extract = match &args.extract {
        Some(text) => Some(
            TreePath::parse(text)
                .map_err(|e| CliError::new(code::INVALID_TREE_PATH, e.to_string()))?,
        ),
        None => None,
    };
    let order = decryption_order(args.decryption_order.as_deref())?;
    let library = |e| CliError::from_library(e, false);
    let mut sops_file =
        SopsFile::parse(input_format, &input.bytes, &input.name).map_err(library)?;
    let ctx = key_context_from_env();
    let key = sops_file
        .data_key(&ctx, &order, &input.name)
        .map_err(library)?;
    sops_file
        .decrypt(&key, args.ignore_mac, &input.name)
        .map_err(library)?;
    // Decrypting only reads the config's `stores` layout; a broken config is not fatal here.
    let config = load_config(args).ok().flatten();
    let options = emit_options(args, config.as_ref());
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
            let document = sops_file
                .tree
                .documents
                .first()
                .cloned()
                .unwrap_or_default();
            let value = path.get(&document).map_err(|e| {
                CliError::new(code::INVALID_TREE_PATH, format!("{}: {e}", input.name))
            })?;
            if output_format == Format::Binary {
                return Err(CliError::new(
                    code::ERROR_DUMPING_TREE,
                    "--extract is not supported for binary output",
                ));
            }
            output_format
                .emit_value(value, &options)
                .map_err(emit_error)?
        }
        None => output_format
            .emit(&sops_file.tree, &options)
            .map_err(emit_error)?,
    };
    write_output(&input, args, &bytes)
}
