//! What the key-server backend tests share: a stand-in server from `tests/servers/` (started on a
//! free port, its JSON-lines request log, killed when dropped) and a port nothing listens on.
//! What a backend asks of its stand-in (URLs, credentials, which statuses it logged) stays in
//! that backend's test file.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The plaintext the backend tests encrypt.
pub const INPUT: &str = "db:\n    user: admin\n    password: hunter2\nport: 5432\n";

/// A running stand-in; killed when dropped.
pub struct StandIn {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl StandIn {
    /// Runs `python3 tests/servers/<script> --log <dir>/requests.jsonl` plus what `args` adds (it
    /// gets the command and the stand-in's own temporary directory), and waits for the port the
    /// script prints on its first line.
    pub fn start(script: &str, args: impl FnOnce(&mut Command, &Path)) -> StandIn {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg(
            crate::support::repo_root()
                .join("tests/servers")
                .join(script),
        )
        .arg("--log")
        .arg(dir.path().join("requests.jsonl"));
        args(&mut cmd, dir.path());
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 must be installed (scripts/install-test-deps.sh)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!(
                "the stand-in {script} prints its port (is python3-cryptography installed? \
                 scripts/install-test-deps.sh); got {line:?}"
            )
        });
        StandIn { child, port, dir }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The stand-in's temporary directory (its log, and any files it was asked to write).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Every request the stand-in logged, in order.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir().join("requests.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on.
pub fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A temporary directory for a test's files. Kept for files written against it before
/// [`TestEnv`](crate::support::TestEnv), which new tests use (it is a hermetic home too).
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `name` in the directory and returns its path.
    pub fn write(&self, name: &str, content: &str) -> String {
        let path = self.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }
}
