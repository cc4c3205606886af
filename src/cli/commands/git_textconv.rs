//! `sops-rs git-textconv FILE`: the textconv command of git's diff driver. It prints FILE
//! decrypted; when it cannot (no key here, a MAC mismatch, a file that is not encrypted or does
//! not parse) it prints a one-line note and the file as it is, and still succeeds, so that
//! `git diff` and `git log -p` never abort for someone without the key.

use std::path::{Path, PathBuf};

use sops_rs::io::Contents;

use crate::cli::exit::CliError;
use crate::cli::input_output::read_input;
use crate::cli::open::Opened;
use crate::cli::session::Session;

#[derive(clap::Args, Debug)]
pub struct TextconvArgs {
    /// The file git hands over (a temporary copy of one side of the diff).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(file: &Path, session: &Session) -> Result<(), CliError> {
    let decrypted = Opened::open_read_only(Some(file), session).and_then(|opened| {
        let text = opened
            .output_format
            .emit(opened.file.tree(), &session.emit_options())
            .map_err(|source| {
                CliError::from_library(
                    sops_rs::Error::Emit {
                        format: opened.output_format,
                        source,
                    },
                    false,
                )
            })?;
        Ok((opened, text))
    });
    match decrypted {
        Ok((opened, text)) => session.write_output(&opened.input, &text, Contents::Plaintext),
        Err(error) => {
            // Reading it again cannot expose more than git already holds: the file as committed.
            let input = read_input(Some(file))?;
            let reason = error.redacted.unwrap_or(error.message);
            let reason = reason.lines().next().unwrap_or_default();
            let mut shown =
                format!("# sops-rs: not decrypted ({reason}); the file as stored:\n").into_bytes();
            shown.extend_from_slice(&input.bytes);
            session.write_output(&input, &shown, Contents::Encrypted)
        }
    }
}
