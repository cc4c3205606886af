//! `sops-rs encrypt`: a plaintext file in, an encrypted file out.

use std::path::Path;

use sops_rs::formats::EmitOptions;
use sops_rs::keys::{AgeKey, MasterKey};
use sops_rs::selection::Rule;
use sops_rs::tree::Timestamp;
use sops_rs::{EncryptPlan, Format, SopsFile};

use super::CommonArgs;
use super::context::key_context_from_env;
use super::error::{CliError, code};
use super::io::{check_destination, formats, read_input, write_output};

/// The selection rule from the flags (at most one).
pub fn rule_from_flags(args: &CommonArgs) -> Result<Option<Rule>, CliError> {
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").to_string();
    let fields = [
        ("unencrypted_suffix", text(&args.unencrypted_suffix)),
        ("encrypted_suffix", text(&args.encrypted_suffix)),
        ("unencrypted_regex", text(&args.unencrypted_regex)),
        ("encrypted_regex", text(&args.encrypted_regex)),
        (
            "unencrypted_comment_regex",
            text(&args.unencrypted_comment_regex),
        ),
        (
            "encrypted_comment_regex",
            text(&args.encrypted_comment_regex),
        ),
    ];
    let pairs: Vec<(&'static str, &str)> = fields.iter().map(|(f, v)| (*f, v.as_str())).collect();
    Rule::from_fields(&pairs).map_err(|e| CliError::from_library(e.into(), true))
}

fn master_keys(args: &CommonArgs) -> Result<Vec<Box<dyn MasterKey>>, CliError> {
    let mut keys: Vec<Box<dyn MasterKey>> = Vec::new();
    for recipient in args.age.iter().flat_map(|list| list.split(',')) {
        if recipient.trim().is_empty() {
            continue;
        }
        let key =
            AgeKey::new(recipient).map_err(|e| CliError::new(code::GENERIC, e.to_string()))?;
        keys.push(Box::new(key));
    }
    Ok(keys)
}

pub fn run(file: Option<&Path>, args: &CommonArgs) -> Result<(), CliError> {
    let reading_stdin = file.is_none_or(|f| f.as_os_str() == "-");
    if reading_stdin && args.filename_override.is_none() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "encrypting standard input needs --filename-override to pick the format and rules",
        ));
    }
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
    let flagged_rule = rule_from_flags(args)?;
    // sops stores no rule (and no MAC option) for binary files: the one value is always encrypted.
    let binary = input_format == Format::Binary || output_format == Format::Binary;
    let rule = match (binary, flagged_rule) {
        (true, _) => None,
        (false, Some(rule)) => Some(rule),
        (false, None) => Some(sops_rs::metadata::Metadata::default_rule()),
    };
    let plan = EncryptPlan {
        key_groups: vec![master_keys(args)?],
        shamir_threshold: 0,
        rule,
        mac_only_encrypted: args.mac_only_encrypted && !binary,
    };
    let ctx = key_context_from_env();
    let mut encrypted =
        SopsFile::encrypt(tree, plan, &ctx, Timestamp::now_utc_seconds(), &input.name)
            .map_err(|e| CliError::from_library(e, true))?;
    let options = EmitOptions {
        indent: args.indent,
    };
    let bytes = encrypted
        .emit(output_format, &options)
        .map_err(|e| CliError::from_library(e, true))?;
    write_output(&input, args, &bytes)
}
