//! Telemetry wiring for the commands, beside the audit wiring: starts a
//! [`sops_rs::telemetry::Run`] when the user configured an exporter (nothing at all is set up
//! otherwise), chains its key hook with the audit hook on the one `on_event` of the key context,
//! and exports when the command has ended. Export problems are one warning line; the command's
//! result and exit code never change.

use std::collections::HashMap;
use std::path::Path;

use sops_rs::config::UserTelemetrySettings;
use sops_rs::keys::{KeyEvent, KeyEventHook};
use sops_rs::telemetry::{Run, RunEnd, Settings};

use super::audit_run::outcome;
use super::exit::CliError;

/// The telemetry run of `operation` on `file`, if the environment or the user's config asks for
/// one.
pub fn start(
    operation: &'static str,
    file: Option<&Path>,
    env: &HashMap<String, String>,
) -> Option<Run> {
    let user = sops_rs::audit::settings::user_config_path(env).and_then(|path| {
        UserTelemetrySettings::load(&path)
            .map_err(|e| super::open::warn(&format!("telemetry settings ignored: {e}")))
            .ok()
            .flatten()
    });
    let settings = Settings::from_sources(env, user.as_ref())?;
    Some(Run::start(settings, operation, file))
}

/// One hook that calls both (the key context has one slot).
pub fn chain(first: Option<KeyEventHook>, second: Option<KeyEventHook>) -> Option<KeyEventHook> {
    match (first, second) {
        (Some(first), Some(second)) => Some(Box::new(move |event: &KeyEvent| {
            first(event);
            second(event);
        })),
        (first, second) => first.or(second),
    }
}

/// Exports the run with the command's result.
pub fn finish(run: Option<Run>, result: &Result<(), CliError>) {
    let Some(run) = run else { return };
    let (outcome, exit_code) = outcome(result);
    if let Some(warning) = run.finish(RunEnd { outcome, exit_code }) {
        super::open::warn(&warning);
    }
}
