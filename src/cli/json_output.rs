//! Output for scripts: the `--json` result objects of `updatekeys`, `rotate`, `set` and
//! `unset`, the schema names `check --json` and `status --json` carry, and errors as one JSON object on stderr.
//! The shapes and their version policy are documented in docs/json-output.md; a field is never
//! a value of the file, only names (file paths, tree paths, key ids) that the encrypted file
//! shows in clear anyway.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use sops_rs::rekey::KeyName;

use super::exit::CliError;

/// The schema of a command's result object.
pub const RESULT_SCHEMA: &str = "sops-rs.result/1";
/// The schema of `check --json`'s per-file object.
pub const CHECK_SCHEMA: &str = "sops-rs.check/1";
/// The schema of `status --json`'s per-file object.
pub const STATUS_SCHEMA: &str = "sops-rs.status/1";
/// The schema of `status --json`'s last object, the summary.
pub const STATUS_SUMMARY_SCHEMA: &str = "sops-rs.status-summary/1";
/// The schema of an error object.
pub const ERROR_SCHEMA: &str = "sops-rs.error/1";
/// The environment variable that asks for JSON errors from every command.
pub const ERROR_FORMAT_VARIABLE: &str = "SOPS_RS_ERROR_FORMAT";

/// What an error object says besides the error: the file and tree path the command worked on.
#[derive(Debug, Default)]
pub struct ErrorSubject {
    pub file: Option<String>,
    pub path: Option<String>,
}

static JSON_ERRORS: OnceLock<ErrorSubject> = OnceLock::new();

/// Set while auditing: tree paths are withheld from output then, as from error messages.
static PATHS_WITHHELD: AtomicBool = AtomicBool::new(false);

/// From now on, objects give `null` for tree paths (the session is auditing).
pub fn withhold_paths() {
    PATHS_WITHHELD.store(true, Ordering::Relaxed);
}

/// A tree path as an object shows it: `null` while auditing.
pub fn shown_path(path: Option<&str>) -> Option<&str> {
    path.filter(|_| !PATHS_WITHHELD.load(Ordering::Relaxed))
}

/// Whether the environment asks for JSON errors (`SOPS_RS_ERROR_FORMAT=json`).
fn requested_by_environment() -> bool {
    std::env::var(ERROR_FORMAT_VARIABLE).is_ok_and(|v| v.eq_ignore_ascii_case("json"))
}

/// Turns on JSON errors for this run, naming what the command works on.
pub fn errors_as_json(subject: ErrorSubject) {
    let _ = JSON_ERRORS.set(subject);
}

/// Whether errors are printed as JSON: after `--json`, or with `SOPS_RS_ERROR_FORMAT=json`.
pub fn json_errors() -> bool {
    JSON_ERRORS.get().is_some() || requested_by_environment()
}

/// Whether a command line that did not parse asked for JSON errors: by the environment, or by
/// `--json` anywhere before `--`.
pub fn json_errors_requested(args: &[std::ffi::OsString]) -> bool {
    requested_by_environment()
        || args
            .iter()
            .skip(1)
            .take_while(|a| *a != "--")
            .any(|a| a == "--json")
}

/// The error object for an exit code and its one-line message.
pub fn error_object(code: u8, message: &str, file: Option<&str>) -> Value {
    let subject = JSON_ERRORS.get();
    let file = file.or_else(|| subject.and_then(|s| s.file.as_deref()));
    let path = shown_path(subject.and_then(|s| s.path.as_deref()));
    json!({
        "schema": ERROR_SCHEMA,
        "exit_code": code,
        "error": sops_rs::audit::error_class(code),
        "message": message.lines().next().unwrap_or_default(),
        "file": file,
        "path": path,
    })
}

/// Prints a failed command's error on stderr: its message, or the JSON object when JSON errors
/// are on. An exit code without a message (a child's own code, `check`'s verdicts) prints
/// nothing either way.
pub fn report(error: &CliError) {
    if error.message.is_empty() {
        return;
    }
    if json_errors() {
        eprintln!("{}", error_object(error.code, &error.message, None));
    } else {
        eprintln!("{}", error.message);
    }
}

/// A command's result object on stdout, one line.
pub fn print_result(command: &str, file: &str, fields: Value) {
    let mut object = json!({"schema": RESULT_SCHEMA, "command": command, "file": file});
    if let (Value::Object(object), Value::Object(fields)) = (&mut object, fields) {
        object.extend(fields);
    }
    println!("{object}");
}

/// Keys as `[{"type": ..., "id": ...}]`.
pub fn key_names(names: &[KeyName]) -> Value {
    names
        .iter()
        .map(|name| json!({"type": name.kind, "id": name.id}))
        .collect()
}
