//! `sops-rs encrypt`: a plaintext file in, an encrypted file out; or many files (several FILE
//! arguments, directories with `--recursive`) encrypted in parallel, each in place (`-i`) or
//! into `--output-dir`.

use std::path::{Path, PathBuf};

use sops_rs::SopsFile;
use sops_rs::io::{Contents, Expect};
use sops_rs::tree::Timestamp;

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::{Input, check_destination, formats, read_input};
use crate::cli::many::{self, ManyArgs, Wanted};
use crate::cli::plan::encrypt_plan;
use crate::cli::session::Session;

#[derive(clap::Args, Debug)]
pub struct EncryptArgs {
    /// The file; `-` or nothing reads standard input. Several files (or directories, with
    /// --recursive: the files in them that hold no sops ciphertext) need -i or --output-dir.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub many: ManyArgs,
    /// Encrypt with the data key and keys of this existing encrypted file, so that values that
    /// did not change keep their exact ciphertext (small diffs in git).
    #[arg(long, value_name = "OLD_FILE")]
    pub reuse_from: Option<std::path::PathBuf>,
}

impl EncryptArgs {
    /// The one file of the sops-compatible form (`None`: standard input), unless this is a run
    /// over many files.
    fn single(&self) -> Option<Option<&Path>> {
        many::single(
            &self.files,
            self.many.output_dir.is_some(),
            self.many.recursive,
        )
    }
}

/// Runs `encrypt` with its arguments: one file as sops does, or many.
pub fn run_args(encrypt: &EncryptArgs, session: &Session) -> Result<(), CliError> {
    match encrypt.single() {
        Some(file) => run(file, encrypt.reuse_from.as_deref(), session),
        None => run_many(encrypt, session),
    }
}

fn run_many(encrypt: &EncryptArgs, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    if args.output.is_some() || args.in_place == encrypt.many.output_dir.is_some() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "encrypting several files needs either -i or --output-dir (and no --output)",
        ));
    }
    if encrypt.reuse_from.is_some() || encrypt.files.iter().any(|f| f.as_os_str() == "-") {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "--reuse-from and standard input (`-`) take one file",
        ));
    }
    let files = many::expand(&encrypt.files, encrypt.many.recursive, Wanted::Plaintext)?;
    many::run("encrypt", &files, session, |path| {
        let _lock = match args.in_place {
            true => crate::cli::open::lock_target(path)?,
            false => None,
        };
        let (input, bytes) = encrypted(Some(path), session)?;
        let target = match (&encrypt.many.output_dir, input.id) {
            (Some(dir), _) => many::prepared_target(many::in_output_dir(dir, path))?,
            (None, Some(id)) => (path.to_path_buf(), Expect::Same(id)),
            (None, None) => unreachable!("a file read from a path has an id"),
        };
        session.write_to(Some((&target.0, target.1)), &bytes, Contents::Encrypted)?;
        Ok(format!(" -> {}", target.0.display()))
    })
}

/// Reads FILE (or standard input) and encrypts it under a fresh data key for the keys the
/// flags or the config name; the input and the encrypted bytes in the output format.
fn encrypted(file: Option<&Path>, session: &Session) -> Result<(Input, Vec<u8>), CliError> {
    let args = session.args;
    let mut input = read_input(file)?;
    let (input_format, output_format) = formats(&input, args)?;
    let tree = sops_rs::sops_file::parse_plaintext(input_format, &input.bytes, &input.name)
        .map_err(|e| CliError::from_library(e, true))?;
    input.release_bytes();
    let bytes = encrypt_tree(tree, &input, input_format, output_format, session)?;
    Ok((input, bytes))
}

fn encrypt_tree(
    tree: sops_rs::Tree,
    input: &Input,
    input_format: sops_rs::Format,
    output_format: sops_rs::Format,
    session: &Session,
) -> Result<Vec<u8>, CliError> {
    let args = session.args;
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
    encrypted
        .emit(output_format, &session.emit_options())
        .map_err(|e| CliError::from_library(e, true))
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
    let bytes = encrypt_tree(tree, &input, input_format, output_format, session)?;
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
