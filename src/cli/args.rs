//! The arguments several commands share: the flags accepted before or after any subcommand
//! ([`CommonArgs`]) and the optional single file ([`FileArg`]).

use std::path::PathBuf;

use clap::Args;

use super::key_flags;

#[derive(Args, Debug)]
pub struct FileArg {
    /// The file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Flags accepted before or after the subcommand, as in sops.
#[derive(Args, Debug, Default)]
pub struct CommonArgs {
    /// Write the result back to the input file.
    #[arg(short = 'i', long, global = true)]
    pub in_place: bool,
    /// Write the result to this file instead of standard output.
    #[arg(long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Decrypt only the value at this tree path, e.g. '["db"]["password"]'.
    #[arg(long, global = true, value_name = "PATH")]
    pub extract: Option<String>,
    /// Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name).
    #[arg(long, global = true, value_name = "TYPE")]
    pub input_type: Option<String>,
    /// Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or
    /// --filename-override; binary for stdin).
    #[arg(long, global = true, value_name = "TYPE")]
    pub output_type: Option<String>,
    /// Treat the input as if it had this file name (format detection, standard input).
    #[arg(long, global = true, value_name = "NAME")]
    pub filename_override: Option<PathBuf>,
    // The keys to encrypt for: one flag per key kind (`--age`, `--pgp`, `--kms`, ...).
    #[command(flatten)]
    pub keys: key_flags::KeyFlags,
    /// AWS profile for the KMS keys.
    #[arg(long, global = true, value_name = "PROFILE")]
    pub aws_profile: Option<String>,
    /// AWS KMS encryption context for new keys: key:value pairs, comma-separated.
    #[arg(long, global = true, value_name = "CONTEXT")]
    pub encryption_context: Option<String>,
    /// Number of key groups needed to decrypt (Shamir threshold).
    #[arg(long, global = true, value_name = "N")]
    pub shamir_secret_sharing_threshold: Option<usize>,
    /// A sops key service to wrap and unwrap data keys through (tcp://host:port or
    /// unix:///path; repeatable, tried in order after the local keys).
    #[arg(
        long,
        global = true,
        env = "SOPS_KEYSERVICE",
        hide_env_values = true,
        value_name = "URI"
    )]
    pub keyservice: Vec<String>,
    /// Use this process's own keys and credentials first (default true; =false uses only the
    /// --keyservice services).
    #[arg(long, global = true, env = "SOPS_ENABLE_LOCAL_KEYSERVICE", hide_env_values = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub enable_local_keyservice: Option<String>,
    /// Accepted for compatibility: sops-rs never contacts the network to check for updates.
    #[arg(long, global = true, env = "SOPS_DISABLE_VERSION_CHECK", hide_env_values = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub disable_version_check: Option<String>,
    /// Accepted for compatibility (sops-rs does not check for updates).
    #[arg(long, global = true)]
    pub check_for_updates: bool,
    /// `keyservice`: one line per request on standard error; elsewhere accepted for
    /// compatibility.
    #[arg(long, global = true)]
    pub verbose: bool,
    /// Append audit events to this JSON Lines file (`-`: standard error).
    #[arg(long, global = true, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// The config file to use instead of searching for .sops-rs.yaml / .sops.yaml.
    #[arg(
        long,
        global = true,
        env = "SOPS_CONFIG",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// Decrypt even when the MAC does not match.
    #[arg(long, global = true)]
    pub ignore_mac: bool,
    /// Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted].
    #[arg(long, global = true, value_name = "SUFFIX")]
    pub unencrypted_suffix: Option<String>,
    /// Encrypt only keys with this suffix (and everything below them).
    #[arg(long, global = true, value_name = "SUFFIX")]
    pub encrypted_suffix: Option<String>,
    /// Leave keys matching this regex (and everything below them) unencrypted.
    #[arg(long, global = true, value_name = "REGEX")]
    pub unencrypted_regex: Option<String>,
    /// Encrypt only keys matching this regex (and everything below them).
    #[arg(long, global = true, value_name = "REGEX")]
    pub encrypted_regex: Option<String>,
    /// Leave values after a comment matching this regex unencrypted.
    #[arg(long, global = true, value_name = "REGEX")]
    pub unencrypted_comment_regex: Option<String>,
    /// Encrypt only values after a comment matching this regex.
    #[arg(long, global = true, value_name = "REGEX")]
    pub encrypted_comment_regex: Option<String>,
    /// Put only encrypted values into the MAC.
    #[arg(long, global = true)]
    pub mac_only_encrypted: bool,
    /// Indentation of YAML and JSON output.
    #[arg(long, global = true, value_name = "N", allow_negative_numbers = true)]
    pub indent: Option<i64>,
    /// Key types to try first when decrypting, comma-separated (default: age,pgp).
    #[arg(
        long,
        global = true,
        env = "SOPS_DECRYPTION_ORDER",
        hide_env_values = true,
        value_name = "TYPES"
    )]
    pub decryption_order: Option<String>,
    /// Use no network key provider (only age and PGP keys): for CI jobs and laptops without
    /// the network; a file that only a cloud key opens fails.
    #[arg(long, global = true, env = "SOPS_RS_OFFLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub offline: bool,
    /// Whole-request timeout of each network key provider, in seconds (default 30); a provider
    /// that times out is not asked again for the rest of the run.
    #[arg(
        long,
        global = true,
        env = "SOPS_RS_HTTP_TIMEOUT_SECONDS",
        value_name = "SECONDS"
    )]
    pub provider_timeout: Option<String>,
}
