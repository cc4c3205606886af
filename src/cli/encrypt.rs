//! `sops-rs encrypt`: a plaintext file in, an encrypted file out.

use std::path::Path;

use sops_rs::SopsFile;
use sops_rs::io::Contents;
use sops_rs::tree::Timestamp;

use super::CommonArgs;
use super::context::key_context_from_env;
use super::error::{CliError, code};
use super::io::{check_destination, formats, read_input, write_output};
use super::plan::{emit_options, encrypt_plan, load_config};

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
    args: &CommonArgs,
) -> Result<(), CliError> {
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
    let mut input = read_input(file)?;
    check_destination(&input, args)?;
    let (input_format, output_format) = formats(&input, args)?;
    let tree = sops_rs::sops_file::parse_plaintext(input_format, &input.bytes, &input.name)
        .map_err(|e| CliError::from_library(e, true))?;
    input.release_bytes();
    if let Some(old) = reuse_from {
        return reencrypt_against(old, tree, &input, output_format, args);
    }
    let config = load_config(args)?;
    let target = args
        .filename_override
        .as_deref()
        .or(input.path.as_deref())
        .unwrap_or(Path::new("-"));
    let plan = encrypt_plan(args, config.as_ref(), target, input_format)?;
    let ctx = key_context_from_env();
    let encrypted = SopsFile::encrypt(tree, plan, &ctx, Timestamp::now_utc_seconds(), &input.name)
        .map_err(|e| CliError::from_library(e, true))?;
    let options = emit_options(args, config.as_ref());
    let bytes = encrypted
        .emit(output_format, &options)
        .map_err(|e| CliError::from_library(e, true))?;
    write_output(&input, args, &bytes, Contents::Encrypted)
}

/// `--reuse-from`: the new plaintext takes the old file's data key, keys and rules; the cipher
/// that decrypted the old file reuses the IV of every value that is the same at the same path.
fn reencrypt_against(
    old: &Path,
    tree: sops_rs::Tree,
    input: &super::io::Input,
    output_format: sops_rs::Format,
    args: &CommonArgs,
) -> Result<(), CliError> {
    if sops_rs::sops_file::has_metadata(&tree) {
        return Err(CliError::from_library(
            sops_rs::Error::AlreadyEncrypted {
                file: input.name.clone(),
            },
            true,
        ));
    }
    let mut opened = super::open::Opened::open(Some(old), args)?;
    opened.file.replace_tree(tree);
    opened.output_format = output_format;
    let sealed = opened.reencrypt_and_emit(args)?;
    write_output(input, args, &sealed.bytes, Contents::Encrypted)
}
