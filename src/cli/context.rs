//! Turns this process's environment into a [`KeyContext`] (the library reads the variables).

use sops_rs::keys::{KeyContext, KeyKind};

use super::error::{CliError, code};

type SharedHook = std::sync::Arc<dyn Fn(&sops_rs::keys::KeyEvent) + Send + Sync>;

static KEY_EVENT_HOOK: std::sync::OnceLock<SharedHook> = std::sync::OnceLock::new();

/// Sends every key event of this process to `hook` (the audit trail).
pub fn set_key_event_hook(hook: sops_rs::keys::KeyEventHook) {
    let _ = KEY_EVENT_HOOK.set(std::sync::Arc::from(hook));
}

/// Installs the size and time limits of `sops_rs::bounded` from the `SOPS_RS_MAX_*_BYTES` and
/// `SOPS_RS_COMMAND_TIMEOUT_SECONDS` variables; a malformed one is an error.
pub fn install_limits() -> Result<(), CliError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let limits =
        sops_rs::bounded::Limits::from_vars(var).map_err(|e| CliError::new(code::GENERIC, e))?;
    sops_rs::bounded::install(limits);
    Ok(())
}

/// Prints a warning on standard error, once per run (a command may open several files).
fn warn_once(message: &str) {
    static SHOWN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut shown = SHOWN.lock().unwrap_or_else(|e| e.into_inner());
    if !shown.iter().any(|m| m == message) {
        eprintln!("warning: {message}");
        shown.push(message.to_string());
    }
}

/// The key context of this process's environment, with the audit hook.
pub fn key_context_from_env() -> KeyContext {
    let mut ctx = KeyContext::from_environment(std::env::vars().collect());
    ctx.on_event = KEY_EVENT_HOOK.get().map(|hook| {
        let hook = std::sync::Arc::clone(hook);
        Box::new(move |event: &sops_rs::keys::KeyEvent| hook(event)) as sops_rs::keys::KeyEventHook
    });
    ctx.on_warning = Some(Box::new(warn_once));
    ctx
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
