//! `sops-rs encrypt`: a plaintext file in, an encrypted file out.

use std::path::Path;

use sops_rs::SopsFile;
use sops_rs::tree::Timestamp;

use super::CommonArgs;
use super::context::key_context_from_env;
use super::error::{CliError, code};
use super::io::{check_destination, formats, read_input, write_output};
use super::plan::{emit_options, encrypt_plan, load_config};

pub fn run(file: Option<&Path>, args: &CommonArgs) -> Result<(), CliError> {
    let reading_stdin = file.is_none_or(|f| f.as_os_str() == "-");
    if reading_stdin && args.filename_override.is_none() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "encrypting standard input needs --filename-override to pick the format and rules",
        ));
    }
    let _lock = match file {
        Some(path) if args.in_place && path.as_os_str() != "-" => super::open::lock_target(path)?,
        _ => None,
    };
    let input = read_input(file)?;
    check_destination(&input, args)?;
    let (input_format, output_format) = formats(&input, args)?;
    let tree = input_format.parse(&input.bytes).map_err(|source| {
        CliError::from_library(
            sops_rs::Error::Parse {
                file: input.name.clone(),
                format: input_format,
                source,
            },
            true,
        )
    })?;
    let config = load_config(args)?;
    let target = args
        .filename_override
        .as_deref()
        .or(input.path.as_deref())
        .unwrap_or(Path::new("-"));
    let plan = encrypt_plan(args, config.as_ref(), target, output_format)?;
    let ctx = key_context_from_env();
    let mut encrypted =
        SopsFile::encrypt(tree, plan, &ctx, Timestamp::now_utc_seconds(), &input.name)
            .map_err(|e| CliError::from_library(e, true))?;
    let options = emit_options(args, config.as_ref());
    let bytes = encrypted
        .emit(output_format, &options)
        .map_err(|e| CliError::from_library(e, true))?;
    write_output(&input, args, &bytes)
}
