//! The command line: sops's subcommands, flags and environment variables, parsed with clap.
//!
//! `main.rs` declares this module, so it uses only the library's public API. Each subcommand
//! lives in its own file; this one owns the argument definitions and the dispatch.

mod context;
mod decrypt;
mod encrypt;
pub mod error;
mod io;
mod plan;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use error::{CliError, code};

/// A fast, SOPS-compatible editor of encrypted files.
#[derive(Parser, Debug)]
#[command(
    name = "sops-rs",
    version,
    about = "Encrypt and decrypt YAML and JSON files in the SOPS v3 format",
    after_help = "Examples:\n  sops-rs encrypt --age age1... secrets.yaml > secrets.enc.yaml\n  \
                  SOPS_AGE_KEY_FILE=keys.txt sops-rs decrypt secrets.enc.yaml\n  \
                  sops-rs -d secrets.enc.yaml   (legacy sops form)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Encrypt FILE (legacy form of `encrypt`).
    #[arg(short = 'e', long = "encrypt", conflicts_with = "legacy_decrypt")]
    legacy_encrypt: bool,

    /// Decrypt FILE (legacy form of `decrypt`).
    #[arg(short = 'd', long = "decrypt")]
    legacy_decrypt: bool,

    /// The file (legacy form).
    #[arg(value_name = "FILE")]
    legacy_file: Option<PathBuf>,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Encrypt a file and print the result (or write it with -i / --output).
    #[command(
        after_help = "Examples:\n  sops-rs encrypt --age age1... app.yaml > app.enc.yaml\n  \
                            sops-rs encrypt -i --encrypted-regex '^(password|token)$' app.yaml\n  \
                            cat app.json | sops-rs encrypt --filename-override app.json --age age1..."
    )]
    Encrypt(FileArg),
    /// Decrypt a file and print the plaintext (or write it with -i / --output).
    #[command(
        after_help = "Examples:\n  SOPS_AGE_KEY_FILE=~/keys.txt sops-rs decrypt app.enc.yaml\n  \
                            sops-rs decrypt --extract '[\"db\"][\"password\"]' app.enc.yaml\n  \
                            sops-rs decrypt --output-type json app.enc.yaml"
    )]
    Decrypt(FileArg),
}

#[derive(Args, Debug)]
struct FileArg {
    /// The file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// Flags accepted before or after the subcommand, as in sops.
#[derive(Args, Debug, Default)]
struct CommonArgs {
    /// Write the result back to the input file.
    #[arg(short = 'i', long, global = true)]
    in_place: bool,
    /// Write the result to this file instead of standard output.
    #[arg(long, global = true, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Decrypt only the value at this tree path, e.g. '["db"]["password"]'.
    #[arg(long, global = true, value_name = "PATH")]
    extract: Option<String>,
    /// Input format: yaml, json, dotenv, ini or binary (default: from the file name).
    #[arg(long, global = true, value_name = "TYPE")]
    input_type: Option<String>,
    /// Output format (default: the input format).
    #[arg(long, global = true, value_name = "TYPE")]
    output_type: Option<String>,
    /// Treat the input as if it had this file name (format detection, standard input).
    #[arg(long, global = true, value_name = "NAME")]
    filename_override: Option<PathBuf>,
    /// age recipients to encrypt for, comma-separated.
    #[arg(
        short = 'a',
        long = "age",
        global = true,
        env = "SOPS_AGE_RECIPIENTS",
        value_name = "RECIPIENTS"
    )]
    age: Option<String>,
    /// PGP fingerprints to encrypt for, comma-separated.
    #[arg(
        short = 'p',
        long = "pgp",
        global = true,
        env = "SOPS_PGP_FP",
        value_name = "FPS"
    )]
    pgp: Option<String>,
    /// AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated.
    #[arg(
        short = 'k',
        long = "kms",
        global = true,
        env = "SOPS_KMS_ARN",
        value_name = "ARNS"
    )]
    kms: Option<String>,
    /// AWS profile for the KMS keys.
    #[arg(long, global = true, value_name = "PROFILE")]
    aws_profile: Option<String>,
    /// GCP KMS resource IDs, comma-separated.
    #[arg(long, global = true, env = "SOPS_GCP_KMS_IDS", value_name = "IDS")]
    gcp_kms: Option<String>,
    /// Azure Key Vault key URLs, comma-separated.
    #[arg(
        long,
        global = true,
        env = "SOPS_AZURE_KEYVAULT_URLS",
        value_name = "URLS"
    )]
    azure_kv: Option<String>,
    /// HashiCorp Vault Transit key URIs, comma-separated.
    #[arg(long, global = true, env = "SOPS_VAULT_URIS", value_name = "URIS")]
    hc_vault_transit: Option<String>,
    /// Number of key groups needed to decrypt (Shamir threshold).
    #[arg(long, global = true, value_name = "N")]
    shamir_secret_sharing_threshold: Option<usize>,
    /// The config file to use instead of searching for .sops-rs.yaml / .sops.yaml.
    #[arg(long, global = true, env = "SOPS_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Decrypt even when the MAC does not match.
    #[arg(long, global = true)]
    ignore_mac: bool,
    /// Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted].
    #[arg(long, global = true, value_name = "SUFFIX")]
    unencrypted_suffix: Option<String>,
    /// Encrypt only keys with this suffix (and everything below them).
    #[arg(long, global = true, value_name = "SUFFIX")]
    encrypted_suffix: Option<String>,
    /// Leave keys matching this regex (and everything below them) unencrypted.
    #[arg(long, global = true, value_name = "REGEX")]
    unencrypted_regex: Option<String>,
    /// Encrypt only keys matching this regex (and everything below them).
    #[arg(long, global = true, value_name = "REGEX")]
    encrypted_regex: Option<String>,
    /// Leave values after a comment matching this regex unencrypted.
    #[arg(long, global = true, value_name = "REGEX")]
    unencrypted_comment_regex: Option<String>,
    /// Encrypt only values after a comment matching this regex.
    #[arg(long, global = true, value_name = "REGEX")]
    encrypted_comment_regex: Option<String>,
    /// Put only encrypted values into the MAC (sops has this only in .sops.yaml).
    #[arg(long, global = true)]
    mac_only_encrypted: bool,
    /// Indentation of YAML and JSON output.
    #[arg(long, global = true, value_name = "N", allow_negative_numbers = true)]
    indent: Option<i64>,
    /// Key types to try first when decrypting, comma-separated (default: age,pgp).
    #[arg(
        long,
        global = true,
        env = "SOPS_DECRYPTION_ORDER",
        value_name = "TYPES"
    )]
    decryption_order: Option<String>,
}

/// Parses the arguments and runs the command.
pub fn run() -> Result<(), CliError> {
    let cli = Cli::parse();
    let common = &cli.common;
    match (&cli.command, cli.legacy_encrypt, cli.legacy_decrypt) {
        (Some(Command::Encrypt(arg)), ..) => encrypt::run(arg.file.as_deref(), common),
        (Some(Command::Decrypt(arg)), ..) => decrypt::run(arg.file.as_deref(), common),
        (None, true, _) => encrypt::run(cli.legacy_file.as_deref(), common),
        (None, _, true) => decrypt::run(cli.legacy_file.as_deref(), common),
        (None, false, false) => Err(CliError::new(
            code::NO_FILE_SPECIFIED,
            match &cli.legacy_file {
                Some(_) => {
                    "editing files is not available in this version of sops-rs yet; use encrypt or decrypt"
                }
                None => "no command given; see sops-rs --help",
            },
        )),
    }
}
