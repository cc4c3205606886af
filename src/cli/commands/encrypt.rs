//! `sops-rs encrypt`: a plaintext file in, an encrypted file out.

use std::path::Path;

use sops_rs::SopsFile;
use sops_rs::io::Contents;
use sops_rs::tree::Timestamp;

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::{check_destination, formats, read_input};
use crate::cli::plan::encrypt_plan;
use crate::cli::session::Session;

#[derive(clap::Args, Debug)]
pub struct EncryptArgs {
    /// The file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,
    /// Encrypt with the data key and keys of this existing encrypted file, so that values that
    /// did not change keep their exact ciphertext (small diffs in git).
    #[arg(long, value_name = "OLD_FILE")]
    pub reuse_from: Option<std::path::PathBuf>,
}

pub fn run(
    file: Option<&Path>,
    reuse_from: Option<&Path>,
    session: &Session,
) -> Result<(), CliError> {
    let args = session.args;
    let reading_stdin = file.is_none_or(|f| f.as_os_str() == "-");
    if reading_stdin && args.filename_override.is_none() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "encrypting standard input needs --filename-override to pick the format and rules",
        ));
    }
    let _lock = match file {
        Some(path) if args.in_place && path.as_os_str() != "-" => {
            crate::cli::open::lock_target(path)?
        }
        _ => None,
    };
    check_destination(file, args)?;
    let mut input = read_input(file)?;
    let (input_format, output_format) = formats(&input, args)?;
    let tree = sops_rs::sops_file::parse_plaintext(input_format, &input.bytes, &input.name)
        .map_err(|e| CliError::from_library(e, true))?;
    input.release_bytes();
    if let Some(old) = reuse_from {
        return reencrypt_against(old, tree, &input, output_format, session);
    }
    let config = session.config();
    let target = args
        .filename_override
        .as_deref()
        .or(input.path.as_deref())
        .unwrap_or(Path::new("-"));
    let plan = encrypt_plan(args, config, target, input_format)?;
    let encrypted = SopsFile::encrypt(
        tree,
        plan,
        session.keys()?,
        Timestamp::now_utc_seconds(),
        &input.name,
    )
    .map_err(|e| CliError::from_library(e, true))?;
    let bytes = encrypted
        .emit(output_format, &session.emit_options())
        .map_err(|e| CliError::from_library(e, true))?;
    session.write_output(&input, &bytes, Contents::Encrypted)
}

/// `--reuse-from`: the new plaintext takes the old file's data key, keys and rules; the cipher
/// that decrypted the old file reuses the IV of every value that is the same at the same path.
fn reencrypt_against(
    old: &Path,
    tree: sops_rs::Tree,
    input: &crate::cli::input_output::Input,
    output_format: sops_rs::Format,
    session: &Session,
) -> Result<(), CliError> {
    if sops_rs::sops_file::has_metadata(&tree) {
        return Err(CliError::from_library(
            sops_rs::Error::AlreadyEncrypted {
                file: input.name.clone(),
            },
            true,
        ));
    }
    let mut opened = crate::cli::open::Opened::open(Some(old), session)?;
    opened.file.replace_tree(tree);
    opened.output_format = output_format;
    let sealed = opened.reencrypt_and_emit(session)?;
    session.write_output(input, &sealed.bytes, Contents::Encrypted)
}
