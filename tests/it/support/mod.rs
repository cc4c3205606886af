//! Shared test plumbing: where the real sops binary, the shared vectors and our binary are.
//!
//! Nothing here skips: a missing tool is a test failure with a hint to run
//! `scripts/install-test-deps.sh`, because CI installs everything first.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod standin;
pub mod vectors;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/vectors/sops` beside the clone (or `$SOPS_RS_VECTORS`).
pub fn vectors_dir() -> PathBuf {
    let dir = std::env::var_os("SOPS_RS_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/vectors/sops"));
    assert!(
        dir.join("manifest.json").is_file(),
        "shared vectors not found at {}",
        dir.display()
    );
    dir
}

/// The sops 3.12.2 vectors written for this project.
pub fn generated_dir() -> PathBuf {
    vectors_dir().join("generated/sops-3.12.2")
}

/// The real sops binary: `$SOPS_BIN`, else `.tools/bin/sops`.
pub fn sops_binary() -> PathBuf {
    let path = std::env::var_os("SOPS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".tools/bin/sops"));
    assert!(
        path.is_file(),
        "real sops binary not found at {}: run scripts/install-test-deps.sh",
        path.display()
    );
    path
}

/// A new age identity written to `dir/name` (as sops's key files hold it): the file and the
/// identity's recipient.
pub fn age_key_file(dir: &Path, name: &str) -> (PathBuf, String) {
    use age::secrecy::ExposeSecret;
    let identity = age::x25519::Identity::generate();
    let path = dir.join(name);
    std::fs::write(&path, format!("{}\n", identity.to_string().expose_secret())).unwrap();
    (path, identity.to_public().to_string())
}

/// A program from the test venv (`.tools/venv/bin`): moto, OpenBao, sops 3.11.0, Ansible, ...
pub fn venv_bin(name: &str) -> PathBuf {
    let path = repo_root().join(".tools/venv/bin").join(name);
    assert!(
        path.is_file(),
        "{} not found: run scripts/install-test-deps.sh",
        path.display()
    );
    path
}

/// A `Command` for the real sops with a clean, hermetic environment.
pub fn sops_command(home: &Path) -> Command {
    let mut cmd = Command::new(sops_binary());
    hermetic(&mut cmd, home);
    cmd
}

/// A `Command` for our own binary with a clean, hermetic environment.
pub fn sops_rs_command(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sops-rs"));
    hermetic(&mut cmd, home);
    cmd
}

fn hermetic(cmd: &mut Command, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GNUPGHOME", home.join(".gnupg"))
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .current_dir(home);
}

/// The standard output of a command that must have succeeded (`what` names it if not).
pub fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
