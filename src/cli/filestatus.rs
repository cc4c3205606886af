//! `sops-rs filestatus FILE`: is this a sops-encrypted file? Prints `{"encrypted":true}` when the
//! file has metadata with a version and a MAC, as sops does.

use std::path::Path;

use sops_rs::SopsFile;

use super::CommonArgs;
use super::error::CliError;
use super::io::{formats, read_input};

pub fn run(file: &Path, args: &CommonArgs) -> Result<(), CliError> {
    let input = read_input(Some(file))?;
    let (format, _) = formats(&input, args)?;
    let encrypted = match SopsFile::parse(format, &input.bytes, &input.name) {
        Ok(parsed) => !parsed.metadata.version.is_empty() && !parsed.metadata.mac.is_empty(),
        Err(sops_rs::Error::MetadataNotFound { .. }) => false,
        Err(sops_rs::Error::Parse { .. }) if format == sops_rs::Format::Binary => false,
        Err(e) => return Err(CliError::from_library(e, false)),
    };
    println!("{{\"encrypted\":{encrypted}}}");
    Ok(())
}
