//! The caching key agent (`sops-rs keyservice --cache-ttl ...`) through the binary, against a
//! real OpenBao (Vault Transit) and moto (AWS KMS): time to live, max uses, the stale window
//! during an outage, an access-denied answer never served stale, the client's audit records,
//! the agent's own request log, zeroization (read from the agent's memory as root), SIGTERM,
//! and another uid refused. Provider calls are counted by a proxy in front of OpenBao (its
//! audit devices cannot be enabled through the API); waits poll the agent's request log or the
//! agent's memory, never a fixed sleep.

use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::Value as Json;

use crate::support::faults::FaultyProxy;
use crate::support::moto::Moto;
use crate::support::openbao::OpenBao;
use crate::support::standin::INPUT;
use crate::support::{
    TestEnv, as_nobody, launched_by, ok, path_arg, sops_command, sops_rs_command, wait_for,
};

/// How long a poll for a state change (a TTL running out, a window closing) may take.
const CHANGE: Duration = Duration::from_secs(60);

/// A running agent on a unix socket in a private directory, killed on drop.
struct Agent {
    child: Option<Child>,
    dir: tempfile::TempDir,
    /// How many requests clients sent that the agent served: its log is written by a thread
    /// of its own, so reading it waits until that many records are there.
    sent: std::cell::Cell<usize>,
}

impl Agent {
    /// Starts `sops-rs keyservice` with `flags`, the provider credentials `env` (and nothing
    /// else) and a request log, and waits for its socket.
    fn start(env: &[(&str, &str)], flags: &[&str]) -> Agent {
        Agent::start_through(&[], env, flags)
    }

    /// [`Agent::start`] through `launcher` (`["prlimit", ...]`), when not empty.
    fn start_through(launcher: &[&str], env: &[(&str, &str)], flags: &[&str]) -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = sops_rs_command(dir.path());
        cmd.args(["keyservice", "--network", "unix", "--address"])
            .arg(dir.path().join("agent.sock"))
            .arg("--audit-log")
            .arg(dir.path().join("requests.log"))
            .args(flags)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("stderr")).unwrap());
        if !launcher.is_empty() {
            let launcher: Vec<&std::ffi::OsStr> = launcher.iter().map(|a| a.as_ref()).collect();
            let mut launched = launched_by(&launcher, &cmd);
            launched
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.path().join("stderr")).unwrap());
            cmd = launched;
        }
        let mut child = cmd.spawn().unwrap();
        let socket = dir.path().join("agent.sock");
        wait_for("the agent's socket", CHANGE, || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the agent exited ({status}): {}",
                    std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default()
                );
            }
            socket.exists()
        });
        Agent {
            child: Some(child),
            dir,
            sent: std::cell::Cell::new(0),
        }
    }

    fn uri(&self) -> String {
        format!("unix://{}", self.dir.path().join("agent.sock").display())
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr")).unwrap_or_default()
    }

    /// Counts a request a client other than [`Agent::decrypt`] sent.
    fn sent_one(&self) {
        self.sent.set(self.sent.get() + 1);
    }

    /// The `keyservice.request` records of the agent's log, once there is one for each request
    /// sent.
    fn requests(&self) -> Vec<Json> {
        let read = || {
            let text =
                std::fs::read_to_string(self.dir.path().join("requests.log")).unwrap_or_default();
            text.lines()
                .map(|line| serde_json::from_str::<Json>(line).unwrap())
                .filter(|record| record["event"] == "keyservice.request")
                .collect::<Vec<Json>>()
        };
        wait_for("the agent's request records", CHANGE, || {
            read().len() >= self.sent.get()
        });
        read()
    }

    /// The `source` of each request so far.
    fn sources(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r["source"].as_str().unwrap().to_string())
            .collect()
    }

    /// A client decrypt of `file` through this agent only (no local key service), with the
    /// client's own audit log at `audit_log`.
    fn decrypt(&self, home: &Path, file: &str) -> Output {
        self.sent_one();
        sops_rs_command(home)
            .args(["decrypt", "--enable-local-keyservice=false", "--keyservice"])
            .arg(self.uri())
            .arg(file)
            .env("SOPS_RS_AUDIT_LOG", home.join("client-audit.log"))
            .output()
            .unwrap()
    }

    /// Sends SIGTERM and returns the exit status.
    fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        let pid = rustix::process::Pid::from_child(&child);
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        child.wait().unwrap()
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// OpenBao with a Transit key `sops`, and a file encrypted for that key. With `counted`, the
/// file names the key through a proxy that records every request OpenBao answers.
struct Vault {
    bao: OpenBao,
    proxy: Option<FaultyProxy>,
    home: TestEnv,
    file: String,
    enc: String,
    /// Requests through the proxy before the agent started (the encryption's).
    before: usize,
}

impl Vault {
    fn start() -> Vault {
        Vault::start_with(true)
    }

    fn start_with(counted: bool) -> Vault {
        let bao = OpenBao::start();
        bao.enable_transit("transit");
        bao.create_transit_key("transit", "sops");
        // A proxy that never injects a failure: it only counts.
        let proxy = counted.then(|| FaultyProxy::start(bao.port(), 0, 500));
        let address = proxy
            .as_ref()
            .map_or_else(|| bao.address(), |p| p.address());
        let uri = format!("{address}/v1/transit/keys/sops");
        let home = TestEnv::new();
        let plain = path_arg(&home.write("app.yaml", INPUT));
        let encrypted = ok(
            sops_rs_command(home.dir())
                .args(["encrypt", "--hc-vault-transit", &uri, &plain])
                .env("VAULT_TOKEN", bao.token())
                .output()
                .unwrap(),
            "encrypt for Vault",
        );
        let file = path_arg(&home.write("vault.yaml", &encrypted));
        let enc = encrypted
            .lines()
            .find_map(|l| l.trim().strip_prefix("enc: "))
            .expect("the wrapped key")
            .to_string();
        let before = proxy.as_ref().map_or(0, |p| p.statuses().len());
        Vault {
            bao,
            proxy,
            home,
            file,
            enc,
            before,
        }
    }

    /// How many unwraps OpenBao answered since the agent started (through the counting
    /// proxy). A client without a token that asks OpenBao itself first (the real sops, whose
    /// local key service is on) is refused with 403 and not counted.
    fn decrypt_calls(&self) -> usize {
        let proxy = self.proxy.as_ref().expect("a counted Vault");
        let statuses = proxy.statuses();
        statuses[self.before..]
            .iter()
            .filter(|s| **s == 200)
            .count()
    }

    /// The data key itself, asked from OpenBao with the root token.
    fn data_key(&self) -> Vec<u8> {
        let plaintext = self.bao.bao(&[
            "write",
            "-field=plaintext",
            "transit/decrypt/sops",
            &format!("ciphertext={}", self.enc),
        ]);
        let once = base64::engine::general_purpose::STANDARD
            .decode(plaintext.trim())
            .unwrap();
        // sops sends the data key base64-encoded as the transit plaintext.
        base64::engine::general_purpose::STANDARD
            .decode(&once)
            .unwrap_or(once)
    }

    fn agent(&self, token: &str, flags: &[&str]) -> Agent {
        Agent::start(&[("VAULT_TOKEN", token)], flags)
    }
}

fn decrypted(out: Output) -> String {
    ok(out, "decrypt through the agent")
}

/// The client's `key.unwrap` audit records.
fn client_unwraps(home: &Path) -> Vec<Json> {
    std::fs::read_to_string(home.join("client-audit.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .filter(|r| r["event"] == "key.unwrap")
        .collect()
}

#[test]
fn key_agent_answers_from_memory_within_the_ttl_then_asks_again() {
    let vault = Vault::start();
    let agent = vault.agent(vault.bao.token(), &["--cache-ttl", "5s"]);
    let home = vault.home.dir();
    for _ in 0..3 {
        assert_eq!(decrypted(agent.decrypt(home, &vault.file)), INPUT);
    }
    assert_eq!(agent.sources(), ["provider", "cache", "cache"]);
    assert_eq!(
        vault.decrypt_calls(),
        1,
        "one provider call for three decrypts"
    );
    let unwraps = client_unwraps(home);
    assert_eq!(unwraps.len(), 3);
    assert_eq!(unwraps[0]["source"], "provider");
    assert_eq!(unwraps[2]["source"], "cache");
    assert_eq!(unwraps[2]["key_service"], agent.uri());
    let request = &agent.requests()[1];
    assert_eq!(request["key"]["type"], "hc_vault");
    assert_eq!(request["result"], "success");
    assert_eq!(request["peer"]["uid"], 0);
    assert!(request["peer"]["pid"].as_u64().is_some_and(|p| p > 0));
    let log = std::fs::read_to_string(agent.dir.path().join("requests.log")).unwrap();
    assert!(!log.contains("password") && !log.contains(INPUT.lines().next().unwrap()));

    // The real sops, as a client with no token of its own, is answered from the cache too.
    let out = sops_command(home)
        .args(["decrypt", "--keyservice", &agent.uri(), &vault.file])
        .output()
        .unwrap();
    agent.sent_one();
    assert_eq!(ok(out, "real sops through the agent"), INPUT);
    assert_eq!(agent.sources().last().unwrap(), "cache");
    assert_eq!(vault.decrypt_calls(), 1);

    // Once the TTL has passed the provider is asked again.
    wait_for("the TTL to run out", CHANGE, || {
        assert_eq!(decrypted(agent.decrypt(home, &vault.file)), INPUT);
        agent.sources().last().unwrap() == "provider"
    });
    assert_eq!(vault.decrypt_calls(), 2);
}

#[test]
fn key_agent_drops_an_entry_after_max_uses() {
    let vault = Vault::start();
    let agent = vault.agent(
        vault.bao.token(),
        &["--cache-ttl", "10m", "--cache-max-uses", "2"],
    );
    for _ in 0..6 {
        assert_eq!(
            decrypted(agent.decrypt(vault.home.dir(), &vault.file)),
            INPUT
        );
    }
    assert_eq!(
        agent.sources(),
        ["provider", "cache", "cache", "provider", "cache", "cache"]
    );
    assert_eq!(vault.decrypt_calls(), 2);
}

#[test]
fn key_agent_bridges_a_vault_outage_for_the_stale_window_only() {
    let vault = Vault::start_with(false);
    let agent = vault.agent(
        vault.bao.token(),
        &["--cache-ttl", "1s", "--serve-stale-for", "4s"],
    );
    let home = vault.home.dir();
    assert_eq!(decrypted(agent.decrypt(home, &vault.file)), INPUT);
    let Vault { bao, .. } = &vault;
    let pid = bao.pid();
    // The outage: OpenBao is gone, its port refuses connections.
    rustix::process::kill_process_group(
        rustix::process::Pid::from_raw(pid as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .unwrap();
    wait_for("a stale answer", CHANGE, || {
        assert_eq!(decrypted(agent.decrypt(home, &vault.file)), INPUT);
        agent.sources().last().unwrap() == "cache_stale"
    });
    let last = client_unwraps(home).pop().unwrap();
    assert_eq!(last["source"], "cache_stale");
    assert_eq!(last["key_service"], agent.uri());
    wait_for("the stale window to close", CHANGE, || {
        let out = agent.decrypt(home, &vault.file);
        !out.status.success()
    });
    let out = agent.decrypt(home, &vault.file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could not connect"), "{stderr}");
    assert!(!stderr.contains(INPUT.lines().next().unwrap()));
    assert_eq!(agent.requests().last().unwrap()["result"], "failure");
}

#[test]
fn key_agent_never_serves_stale_after_an_access_denied_answer() {
    let vault = Vault::start();
    let policy = vault.bao.home().join("decrypt-only.hcl");
    std::fs::write(
        &policy,
        "path \"transit/decrypt/sops\" { capabilities = [\"update\"] }\n",
    )
    .unwrap();
    vault
        .bao
        .bao(&["policy", "write", "decrypt-only", &path_arg(&policy)]);
    let token = vault
        .bao
        .bao(&["token", "create", "-policy=decrypt-only", "-field=token"]);
    let token = token.trim();
    let agent = vault.agent(token, &["--cache-ttl", "1s", "--serve-stale-for", "10m"]);
    let home = vault.home.dir();
    assert_eq!(decrypted(agent.decrypt(home, &vault.file)), INPUT);
    vault.bao.bao(&["token", "revoke", token]);
    wait_for("the denial to reach the client", CHANGE, || {
        !agent.decrypt(home, &vault.file).status.success()
    });
    let sources = agent.sources();
    assert!(!sources.iter().any(|s| s == "cache_stale"), "{sources:?}");
    let out = agent.decrypt(home, &vault.file);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("403"), "{stderr}");
    assert_eq!(agent.sources().last().unwrap(), "provider");
}

#[test]
fn key_agent_bridges_a_kms_outage() {
    let mut moto = Moto::start();
    let arn = moto.create_key();
    let home = TestEnv::new();
    let endpoint = moto.endpoint();
    let aws = [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
    ];
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let encrypted = ok(
        sops_rs_command(home.dir())
            .args(["encrypt", "--kms", &arn, &plain])
            .envs(aws)
            .output()
            .unwrap(),
        "encrypt for KMS",
    );
    let file = path_arg(&home.write("kms.yaml", encrypted));
    let agent = Agent::start(&aws, &["--cache-ttl", "1s", "--serve-stale-for", "10m"]);
    for _ in 0..2 {
        assert_eq!(decrypted(agent.decrypt(home.dir(), &file)), INPUT);
    }
    assert_eq!(agent.sources()[0], "provider");
    assert_eq!(agent.requests()[0]["key"]["type"], "kms");
    moto.stop();
    wait_for("a stale answer", CHANGE, || {
        assert_eq!(decrypted(agent.decrypt(home.dir(), &file)), INPUT);
        agent.sources().last().unwrap() == "cache_stale"
    });
}

/// How often `needle` occurs in the process's writable memory, and how often inside mappings
/// the kernel reports as locked (`Locked:` in smaps). Read as root through /proc/PID/mem.
fn occurrences(pid: u32, needle: &[u8]) -> (usize, usize) {
    use std::io::{Read, Seek, SeekFrom};
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap();
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let (mut all, mut locked) = (0, 0);
    let mut region: Option<(u64, u64, bool)> = None;
    let mut regions = Vec::new();
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if let Some((start, end)) = first.split_once('-')
            && let (Ok(start), Ok(end)) =
                (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16))
        {
            regions.extend(region.take());
            let writable = line
                .split_whitespace()
                .nth(1)
                .is_some_and(|p| p.starts_with("rw"));
            region = writable.then_some((start, end, false));
        } else if let (Some(r), Some(kb)) = (region.as_mut(), line.strip_prefix("Locked:")) {
            r.2 = kb.trim().trim_end_matches(" kB").trim() != "0";
        }
    }
    regions.extend(region);
    for (start, end, is_locked) in regions {
        let mut bytes = vec![0u8; (end - start) as usize];
        if mem.seek(SeekFrom::Start(start)).is_err() || mem.read_exact(&mut bytes).is_err() {
            continue;
        }
        let found = bytes.windows(needle.len()).filter(|w| *w == needle).count();
        all += found;
        if is_locked {
            locked += found;
        }
    }
    (all, locked)
}

/// The cache's own copy of a data key is in locked memory while cached, and zeroed when it
/// expires. Copies the gRPC transport made to send the key (the response message, its encoding
/// buffers) are freed without being zeroed and may still be found: the test says how many,
/// and requires that the cache's copy is gone, not that they are (docs/key-agent.md).
#[test]
fn key_agent_keeps_the_key_in_locked_memory_and_zeroes_it_on_expiry() {
    let vault = Vault::start();
    let data_key = vault.data_key();
    assert_eq!(data_key.len(), 32);
    let agent = vault.agent(vault.bao.token(), &["--cache-ttl", "10s"]);
    assert_eq!(
        decrypted(agent.decrypt(vault.home.dir(), &vault.file)),
        INPUT
    );
    let pid = agent.pid();
    let (cached_anywhere, cached_locked) = occurrences(pid, &data_key);
    assert_eq!(cached_locked, 1, "the cached key sits in the locked slots");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(core.split_whitespace().nth(4), Some("0"), "{core}");
    wait_for("the entry to expire", CHANGE, || {
        occurrences(pid, &data_key).1 == 0
    });
    let (expired_anywhere, _) = occurrences(pid, &data_key);
    assert!(
        expired_anywhere < cached_anywhere,
        "{cached_anywhere} copies while cached, {expired_anywhere} after expiry"
    );
    eprintln!(
        "data key copies in the agent's memory: {cached_anywhere} while cached (1 locked), \
         {expired_anywhere} after expiry (transport buffers)"
    );
}

#[test]
fn key_agent_zeroes_and_exits_zero_on_sigterm() {
    let vault = Vault::start();
    let mut agent = vault.agent(vault.bao.token(), &["--cache-ttl", "1h"]);
    assert_eq!(
        decrypted(agent.decrypt(vault.home.dir(), &vault.file)),
        INPUT
    );
    let status = agent.terminate();
    assert_eq!(status.code(), Some(0), "{}", agent.stderr());
    assert!(
        agent.stderr().contains("zeroed 1 cached key"),
        "{}",
        agent.stderr()
    );
    assert!(!agent.dir.path().join("agent.sock").exists());
}

#[test]
fn key_agent_refuses_another_uid_even_with_the_key_cached() {
    use std::os::unix::fs::PermissionsExt;
    let vault = Vault::start();
    let agent = vault.agent(vault.bao.token(), &["--cache-ttl", "1h"]);
    assert_eq!(
        decrypted(agent.decrypt(vault.home.dir(), &vault.file)),
        INPUT
    );
    // Open the way to the socket, so that only the agent's own check stands in between.
    let nobody_home = tempfile::tempdir().unwrap();
    for path in [agent.dir.path(), nobody_home.path()] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let socket = agent.dir.path().join("agent.sock");
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let file = nobody_home.path().join("vault.yaml");
    std::fs::copy(&vault.file, &file).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut client = sops_rs_command(nobody_home.path());
    client
        .args(["decrypt", "--enable-local-keyservice=false", "--keyservice"])
        .arg(agent.uri())
        .arg(&file);
    let out = as_nobody(&client, nobody_home.path()).output().unwrap();
    assert!(!out.status.success(), "nobody got an answer");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter2"));
    assert_eq!(
        agent.requests().len(),
        1,
        "no request of nobody's was served"
    );
    wait_for("the refusal on the agent's stderr", CHANGE, || {
        agent
            .stderr()
            .contains("refused a connection from uid 65534")
    });
}

#[test]
fn key_agent_warns_and_goes_on_when_memory_cannot_be_locked() {
    let vault = Vault::start();
    // Without CAP_IPC_LOCK and with RLIMIT_MEMLOCK 0, mlock is refused even to root.
    let agent = Agent::start_through(
        &[
            "setpriv",
            "--bounding-set=-ipc_lock",
            "prlimit",
            "--memlock=0:0",
        ],
        &[("VAULT_TOKEN", vault.bao.token())],
        &["--cache-ttl", "1h"],
    );
    assert_eq!(
        decrypted(agent.decrypt(vault.home.dir(), &vault.file)),
        INPUT
    );
    assert_eq!(
        decrypted(agent.decrypt(vault.home.dir(), &vault.file)),
        INPUT
    );
    assert_eq!(agent.sources(), ["provider", "cache"]);
    assert!(
        agent
            .stderr()
            .contains("warning: cannot lock the key cache's memory against swapping"),
        "{}",
        agent.stderr()
    );
}
