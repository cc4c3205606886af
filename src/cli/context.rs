//! What the command line takes from the environment besides keys: the size and time limits,
//! and the decryption order (the key context itself is built once, by the session).

use sops_rs::keys::KeyKind;

use super::exit::{CliError, code};

/// Installs the size and time limits of `sops_rs::bounded` from the `SOPS_RS_MAX_*_BYTES` and
/// `SOPS_RS_COMMAND_TIMEOUT_SECONDS` variables; a malformed one is an error.
pub fn install_limits() -> Result<(), CliError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let limits =
        sops_rs::bounded::Limits::from_vars(var).map_err(|e| CliError::new(code::GENERIC, e))?;
    sops_rs::bounded::install(limits);
    Ok(())
}

/// Parses `--decryption-order` / `SOPS_DECRYPTION_ORDER` (`age,pgp`).
pub fn decryption_order(text: Option<&str>) -> Result<Vec<KeyKind>, CliError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(sops_rs::sops_file::DEFAULT_DECRYPTION_ORDER.to_vec());
    };
    let mut order = Vec::new();
    for name in text.split(',').map(str::trim) {
        let kind = KeyKind::from_tag(name).ok_or_else(|| {
            CliError::new(
                code::GENERIC,
                format!("unknown key type {name:?} in decryption order"),
            )
        })?;
        if order.contains(&kind) {
            return Err(CliError::new(
                code::DUPLICATE_DECRYPTION_KEY_TYPE,
                format!("key type {name} appears twice in the decryption order"),
            ));
        }
        order.push(kind);
    }
    Ok(order)
}
