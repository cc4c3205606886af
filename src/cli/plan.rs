//! What a command works with, decided from flags, the environment and the config file: the
//! keys and rules for a new file, and the output layout.

use std::path::Path;

use sops_rs::EncryptPlan;
use sops_rs::config::{Config, KeySpec};
use sops_rs::formats::{EmitOptions, Format};
use sops_rs::keys::{KeyOptions, MasterKey, registry};
use sops_rs::metadata::Metadata;
use sops_rs::selection::{RULE_FIELDS, Rule};

use super::args::CommonArgs;
use super::exit::{CliError, code};

/// Layout from the config's `stores` section, overridden by `--indent`.
pub fn emit_options(args: &CommonArgs, config: Option<&Config>) -> EmitOptions {
    if let Some(indent) = args.indent {
        return EmitOptions::with_indent(indent);
    }
    let stores = config.map(|c| c.stores.clone()).unwrap_or_default();
    EmitOptions {
        yaml_indent: stores.yaml_indent,
        json_indent: stores.json_indent,
        json_binary_indent: stores.json_binary_indent,
    }
}

/// Turns a key named on the command line or in the config into a key object.
pub fn master_key(spec: &KeySpec) -> Result<Box<dyn MasterKey>, CliError> {
    sops_rs::keys::from_spec(spec).map_err(|e| CliError::new(code::GENERIC, e.to_string()))
}

/// Parses `--encryption-context k:v,k2:v2` into sorted pairs.
pub fn encryption_context(args: &CommonArgs) -> Result<Vec<(String, String)>, CliError> {
    let mut pairs = Vec::new();
    for item in args.encryption_context.iter().flat_map(|c| c.split(',')) {
        if item.trim().is_empty() {
            continue;
        }
        match item.split_once(':') {
            Some((key, value)) if !key.is_empty() => {
                pairs.push((key.to_string(), value.to_string()))
            }
            _ => {
                return Err(CliError::new(
                    code::INVALID_ENCRYPTION_CONTEXT,
                    format!("invalid --encryption-context item {item:?}: expected key:value"),
                ));
            }
        }
    }
    pairs.sort();
    Ok(pairs)
}

/// The settings the command line gives every key it names (`--aws-profile`,
/// `--encryption-context`).
pub fn key_options(args: &CommonArgs) -> Result<KeyOptions, CliError> {
    Ok(KeyOptions {
        aws_profile: args.aws_profile.clone(),
        kms_context: encryption_context(args)?,
    })
}

/// The keys named by the key flags (`--age`, `--pgp`, ...), as one group, in the order a
/// file's group keeps them (kms, gcp_kms, azure_kv, hc_vault, pgp, age).
pub fn flag_keys(args: &CommonArgs) -> Result<Vec<KeySpec>, CliError> {
    let order = registry::sorted_by(|wire| wire.read_rank);
    Ok(args.keys.0.specs(&order, &key_options(args)?))
}

fn rule_text(rule: Option<&Rule>, field: &str) -> String {
    match rule.map(Rule::field) {
        Some((name, text)) if name == field => text.to_string(),
        _ => String::new(),
    }
}

/// Keys, rule and options for a new file at `target` read as `input_format`: key flags replace
/// the config's keys entirely; selection flags win over the rule's, field by field.
pub fn encrypt_plan(
    args: &CommonArgs,
    config: Option<&Config>,
    target: &Path,
    input_format: Format,
) -> Result<EncryptPlan, CliError> {
    let config_error =
        |e: sops_rs::config::ConfigError| CliError::new(code::GENERIC, e.to_string());
    let rule = match config {
        Some(config) => config.rule_for(target).map_err(config_error)?,
        None => None,
    };
    let flagged = flag_keys(args)?;
    let groups: Vec<Vec<KeySpec>> = if !flagged.is_empty() {
        vec![flagged]
    } else if let Some(rule) = rule {
        rule.key_groups.clone()
    } else {
        return Err(CliError::new(
            code::GENERIC,
            "no keys: pass recipients with --age (or SOPS_AGE_RECIPIENTS), or add a creation rule \
             to .sops-rs.yaml / .sops.yaml",
        ));
    };
    let key_groups = groups
        .iter()
        .map(|group| group.iter().map(master_key).collect::<Result<Vec<_>, _>>())
        .collect::<Result<Vec<_>, _>>()?;
    let config_rule = rule.and_then(|r| r.rule.as_ref());
    let cli = [
        &args.unencrypted_suffix,
        &args.encrypted_suffix,
        &args.unencrypted_regex,
        &args.encrypted_regex,
        &args.unencrypted_comment_regex,
        &args.encrypted_comment_regex,
    ];
    let texts: Vec<String> = RULE_FIELDS
        .iter()
        .zip(cli)
        .map(|(field, flag)| {
            flag.clone()
                .unwrap_or_else(|| rule_text(config_rule, field))
        })
        .collect();
    let pairs: Vec<(&'static str, &str)> = RULE_FIELDS
        .iter()
        .copied()
        .zip(texts.iter().map(String::as_str))
        .collect();
    let selection =
        Rule::from_fields(&pairs).map_err(|e| CliError::from_library(e.into(), true))?;
    // sops stores no rule and no MAC option for binary input: the one value is always encrypted.
    let binary = input_format == Format::Binary;
    let threshold = match args.shamir_secret_sharing_threshold {
        Some(n) if n > 0 => n,
        _ => rule.map(|r| r.shamir_threshold).unwrap_or(0),
    };
    Ok(EncryptPlan {
        key_groups,
        shamir_threshold: threshold,
        rule: if binary {
            None
        } else {
            Some(selection.unwrap_or_else(Metadata::default_rule))
        },
        mac_only_encrypted: !binary
            && (args.mac_only_encrypted || rule.is_some_and(|r| r.mac_only_encrypted)),
    })
}
