//! `sops-rs filestatus FILE`: is this a sops-encrypted file? Prints `{"encrypted":true}` when the
//! file has metadata with a version and a MAC, as sops does.

use std::path::Path;

use sops_rs::SopsFile;

use crate::cli::args::CommonArgs;
use crate::cli::exit::{CliError, code};
use crate::cli::input_output::{formats, read_input};

pub fn run(file: &Path, args: &CommonArgs) -> Result<(), CliError> {
    // sops ends every failure here (a missing or unreadable file, a broken one) with exit 1.
    let status = encrypted(file, args).map_err(|error| CliError {
        code: code::GENERIC,
        ..error
    })?;
    println!("{{\"encrypted\":{status}}}");
    Ok(())
}

fn encrypted(file: &Path, args: &CommonArgs) -> Result<bool, CliError> {
    let input = read_input(Some(file))?;
    let (format, _) = formats(&input, args)?;
    Ok(match SopsFile::parse(format, &input.bytes, &input.name) {
        Ok(parsed) => parsed.metadata.is_complete(),
        Err(sops_rs::Error::MetadataNotFound { .. }) => false,
        // A plain binary file is not JSON; sops fails on it, sops-rs answers.
        Err(sops_rs::Error::ParseEncrypted { .. }) if format == sops_rs::Format::Binary => false,
        Err(e) => return Err(CliError::from_library(e, false)),
    })
}
