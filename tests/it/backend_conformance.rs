//! One conformance suite for the key backends: every scenario below runs for every backend,
//! through the binary, in a [`TestEnv`] home:
//! - `round_trip`: sops-rs encrypts and decrypts; where the real sops 3.12.2 can reach the
//!   service, each tool also opens the other's file;
//! - `provider_down`: the service's port refuses connections: exit 128 naming the key, quickly;
//! - `slow`: the service accepts connections and never answers: with a 1 s timeout, exit 128
//!   naming the key and saying it timed out;
//! - `throttled_then_retried`: 429, 500 and 503 twice, then success; three failures in a row
//!   give up with the service's message;
//! - `wrong_credentials`: wrong credentials are exit 128 naming the key and the service's refusal
//!   without printing the secret (encrypting fails the same way); no credentials at all are
//!   exit 128 with no credentials sent;
//! - `through_key_agent` (feature `keyservice`): a caching `sops-rs keyservice` holds the
//!   credentials, a client with none encrypts and decrypts through it; the second decrypt
//!   reaches no service, and the file opens directly with the credentials.
//!
//! PGP, which has no service, runs the two scenarios that apply (round trip, wrong or missing
//! keys). A backend is a [`Backend`] impl (plus [`KeyService`] for one reached over the network)
//! in its own `backend_*.rs`, beside its backend-specific tests, and one `conformance!` line at
//! the end of this file.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::faults::SilentServer;
use crate::support::standin::{INPUT, dead_port};
use crate::support::{TestEnv, ok, path_arg};

/// A fault the service is started with.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// None: every request is served.
    None,
    /// The first `requests` key operations are answered with `status`.
    FailFirst { requests: usize, status: u16 },
}

impl Fault {
    /// `start` called with the fault as the stand-ins in `tests/servers/` take it: no options,
    /// or `--fail N --fail-status S`.
    pub fn stand_in<T>(self, start: impl FnOnce(&[&str]) -> T) -> T {
        match self {
            Fault::None => start(&[]),
            Fault::FailFirst { requests, status } => start(&[
                "--fail",
                &requests.to_string(),
                "--fail-status",
                &status.to_string(),
            ]),
        }
    }
}

/// Where sops-rs is sent instead of the service (a dead port, a silent server): variables to
/// set and a replacement in key ids and encrypted files (for keys whose id holds the address).
#[derive(Default)]
pub struct Relocation {
    pub vars: Vec<(String, String)>,
    pub replace: Option<(String, String)>,
}

impl Relocation {
    fn apply(&self, text: &str) -> String {
        match &self.replace {
            Some((from, to)) => text.replace(from, to),
            None => text.to_string(),
        }
    }
}

/// A backend with one key, ready for the scenarios every backend runs (`round_trip`,
/// `wrong_credentials`).
pub trait Backend {
    /// The `encrypt` flag that names a key of this kind (`--kms`, ...).
    const FLAG: &'static str;
    /// Whether the real sops 3.12.2 can reach the key (then round trips run with it too).
    const REAL_SOPS: bool;
    /// Words the error for wrong credentials contains (the service's refusal).
    const WRONG_CREDENTIALS_SAY: &'static [&'static str];
    /// Words the error for no credentials at all contains.
    const NO_CREDENTIALS_SAY: &'static [&'static str];

    /// Starts the service with `fault` (a backend without a service ignores it) and makes the
    /// key.
    fn start(fault: Fault) -> Self;
    /// The key as the flag takes it (and as errors name it).
    fn key_id(&self) -> String;
    /// Variables that point sops-rs (and the real sops) at the key with valid credentials.
    fn credentials(&self) -> Vec<(String, String)>;
    /// Valid-looking wrong credentials, and the secret in them that must never be printed
    /// (empty when there is none).
    fn wrong_credentials(&self) -> (Vec<(String, String)>, String);
    /// Variables that point at the key with no credentials at all.
    fn no_credentials(&self) -> Vec<(String, String)>;
    /// How many requests reached the service that carried credentials or asked for a token (a
    /// bare request a client sends to learn the authentication challenge does not count).
    fn requests(&self) -> usize;
}

/// A backend reached over the network, for the fault scenarios (`provider_down`, `slow`,
/// `throttled_then_retried`).
pub trait KeyService: Backend {
    /// Sends sops-rs to 127.0.0.1:`port` instead of the service.
    fn relocate(&self, port: u16) -> Relocation;
    /// The status of every key operation the service answered, in order.
    fn statuses(&self) -> Vec<u16>;
    /// What the service's injected failure with `status` says, as the final error shows it.
    fn injected_failure_says(status: u16) -> String;
}

/// A home whose commands get `vars`.
fn home(vars: &[(String, String)]) -> TestEnv {
    let mut env = TestEnv::new();
    for (name, value) in vars {
        env.set(name, value);
    }
    env
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a failed run: exit `code` when given, nothing on stdout, every one of `needles` in
/// stderr, and neither `secret` nor the plaintext there; returns stderr.
fn assert_fails(out: &Output, code: Option<i32>, needles: &[&str], secret: &str) -> String {
    let message = stderr(out);
    assert!(!out.status.success(), "succeeded: {message}");
    if code.is_some() {
        assert_eq!(out.status.code(), code, "{message}");
    }
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} missing: {message}");
    }
    assert!(!message.contains("hunter2"), "plaintext printed: {message}");
    if !secret.is_empty() {
        assert!(!message.contains(secret), "secret printed: {message}");
    }
    message
}

/// INPUT encrypted by sops-rs for the service's key in `env`: the file's text and path.
fn encrypted<B: Backend>(service: &B, env: &TestEnv) -> (String, String) {
    let plain = env.write("app.yaml", INPUT);
    let text = env.ok(&["encrypt", B::FLAG, &service.key_id(), &path_arg(&plain)]);
    assert!(text.contains("ENC[AES256_GCM,data:"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let file = env.write("app.enc.yaml", &text);
    (text, path_arg(&file))
}

pub fn round_trip<B: Backend>() {
    let service = B::start(Fault::None);
    let env = home(&service.credentials());
    let (_, file) = encrypted(&service, &env);
    assert_eq!(env.ok(&["decrypt", &file]), INPUT);
    if !B::REAL_SOPS {
        return;
    }
    let out = env.run_sops(&["decrypt", &file]);
    assert_eq!(ok(out, "sops decrypt of the sops-rs file"), INPUT);
    let plain = path_arg(&env.path("app.yaml"));
    let out = env.run_sops(&["encrypt", B::FLAG, &service.key_id(), &plain]);
    let theirs = env.write("sops.enc.yaml", ok(out, "sops encrypt"));
    assert_eq!(env.ok(&["decrypt", &path_arg(&theirs)]), INPUT);
}

/// Encrypts while the service is up, then decrypts and encrypts with sops-rs sent to `port`
/// (and `extra` variables); both outputs, and the key id as moved.
fn moved_to<B: KeyService>(port: u16, extra: &[(&str, &str)]) -> (Output, Output, String) {
    let service = B::start(Fault::None);
    let mut env = home(&service.credentials());
    let (text, _) = encrypted(&service, &env);
    let moved = service.relocate(port);
    for (name, value) in &moved.vars {
        env.set(name, value);
    }
    for (name, value) in extra {
        env.set(name, value);
    }
    let key = moved.apply(&service.key_id());
    let file = path_arg(&env.write("moved.enc.yaml", moved.apply(&text)));
    let plain = path_arg(&env.path("app.yaml"));
    let decrypt = env.run(&["decrypt", &file]);
    let encrypt = env.run(&["encrypt", B::FLAG, &key, &plain]);
    (decrypt, encrypt, key)
}

pub fn provider_down<B: KeyService>() {
    let started = Instant::now();
    let (decrypt, encrypt, key) = moved_to::<B>(dead_port(), &[]);
    let message = assert_fails(&decrypt, Some(128), &[&key], "");
    assert!(message.to_lowercase().contains("connect"), "{message}");
    assert_fails(&encrypt, None, &[&key], "");
    // Generous for a loaded machine; a client that waited out its timeouts would take longer.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

pub fn slow<B: KeyService>() {
    let silent = SilentServer::start();
    let started = Instant::now();
    let (decrypt, encrypt, key) =
        moved_to::<B>(silent.port(), &[("SOPS_RS_HTTP_TIMEOUT_SECONDS", "1")]);
    let message = assert_fails(&decrypt, Some(128), &[&key], "");
    let lower = message.to_lowercase();
    assert!(
        lower.contains("timed out") || lower.contains("timeout"),
        "{message}"
    );
    assert_fails(&encrypt, None, &[&key], "");
    assert!(
        silent.connections() > 0,
        "the silent server was never asked"
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

pub fn throttled_then_retried<B: KeyService>() {
    for status in [429, 500, 503] {
        let service = B::start(Fault::FailFirst {
            requests: 2,
            status,
        });
        let env = home(&service.credentials());
        let (_, file) = encrypted(&service, &env);
        assert_eq!(service.statuses(), [status, status, 200], "{status}");
        assert_eq!(env.ok(&["decrypt", &file]), INPUT);
        assert_eq!(service.statuses().len(), 4, "{:?}", service.statuses());
    }
    // Three failures in a row: sops-rs gives up with the service's answer.
    let service = B::start(Fault::FailFirst {
        requests: 3,
        status: 500,
    });
    let env = home(&service.credentials());
    let plain = path_arg(&env.write("app.yaml", INPUT));
    let out = env.run(&["encrypt", B::FLAG, &service.key_id(), &plain]);
    let says = B::injected_failure_says(500);
    assert_fails(&out, None, &[&service.key_id(), &says], "");
    assert_eq!(service.statuses(), [500, 500, 500]);
}

pub fn wrong_credentials<B: Backend>() {
    let service = B::start(Fault::None);
    let env = home(&service.credentials());
    let (_, file) = encrypted(&service, &env);
    let plain = path_arg(&env.path("app.yaml"));
    let key = service.key_id();

    let (wrong, secret) = service.wrong_credentials();
    let wrong = home(&wrong);
    let mut needles = vec![key.as_str()];
    needles.extend(B::WRONG_CREDENTIALS_SAY);
    assert_fails(
        &wrong.run(&["decrypt", &file]),
        Some(128),
        &needles,
        &secret,
    );
    let out = wrong.run(&["encrypt", B::FLAG, &key, &plain]);
    assert_fails(&out, None, &needles, &secret);

    // No credentials at all: nothing to try with, nothing sent.
    let before = service.requests();
    let none = home(&service.no_credentials());
    let mut needles = vec![key.as_str()];
    needles.extend(B::NO_CREDENTIALS_SAY);
    assert_fails(&none.run(&["decrypt", &file]), Some(128), &needles, "");
    assert_eq!(
        service.requests(),
        before,
        "credentials were sent or asked for"
    );
}

/// A caching key agent (`sops-rs keyservice --cache-ttl`) in a home with the service's
/// credentials, on a unix socket in a private directory; killed when dropped.
#[cfg(feature = "keyservice")]
struct CachingAgent {
    child: std::process::Child,
    dir: tempfile::TempDir,
}

#[cfg(feature = "keyservice")]
impl CachingAgent {
    fn start(credentials: &TestEnv) -> CachingAgent {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("agent.sock");
        let mut child = credentials
            .sops_rs()
            .args(["keyservice", "--network", "unix", "--cache-ttl", "10m"])
            .arg("--address")
            .arg(&socket)
            .arg("--audit-log")
            .arg(dir.path().join("requests.log"))
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("stderr")).unwrap())
            .spawn()
            .unwrap();
        crate::support::wait_for("the agent's socket", Duration::from_secs(60), || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the agent exited ({status}): {}",
                    std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default()
                );
            }
            socket.exists()
        });
        CachingAgent { child, dir }
    }

    /// The client flags that send every wrap and unwrap to the agent and nowhere else.
    fn flags(&self) -> [String; 3] {
        [
            "--enable-local-keyservice=false".into(),
            "--keyservice".into(),
            format!("unix://{}", self.dir.path().join("agent.sock").display()),
        ]
    }

    /// The `source` of each decrypt the agent logged, once there are `count` of them (its log
    /// is written by a thread of its own).
    fn decrypt_sources(&self, count: usize) -> Vec<String> {
        let read = || {
            std::fs::read_to_string(self.dir.path().join("requests.log"))
                .unwrap_or_default()
                .lines()
                .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
                .filter(|r| r["event"] == "keyservice.request" && r["operation"] == "decrypt")
                .map(|r| r["source"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<String>>()
        };
        crate::support::wait_for(
            "the agent's request records",
            Duration::from_secs(60),
            || read().len() >= count,
        );
        read()
    }
}

#[cfg(feature = "keyservice")]
impl Drop for CachingAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(feature = "keyservice")]
pub fn through_key_agent<B: Backend>() {
    let service = B::start(Fault::None);
    let with_credentials = home(&service.credentials());
    let agent = CachingAgent::start(&with_credentials);
    let client = home(&service.no_credentials());
    let flags = agent.flags();
    let via: Vec<&str> = flags.iter().map(String::as_str).collect();
    // The flags go after the subcommand: sops ignores them before it.
    let run = |args: &[&str]| client.ok(&[&args[..1], &via[..], &args[1..]].concat());

    let plain = path_arg(&client.write("app.yaml", INPUT));
    let text = run(&["encrypt", B::FLAG, &service.key_id(), &plain]);
    assert!(text.contains("ENC[AES256_GCM,data:"), "{text}");
    let file = path_arg(&client.write("app.enc.yaml", &text));
    assert_eq!(run(&["decrypt", &file]), INPUT);
    let asked = service.requests();
    assert_eq!(run(&["decrypt", &file]), INPUT);
    assert_eq!(
        service.requests(),
        asked,
        "the second decrypt reached the service instead of the agent's cache"
    );
    assert_eq!(agent.decrypt_sources(2), ["provider", "cache"]);
    // Written through the agent, the file is an ordinary one for whoever holds the key.
    let direct = with_credentials.write("direct.enc.yaml", &text);
    assert_eq!(with_credentials.ok(&["decrypt", &path_arg(&direct)]), INPUT);
}

/// The scenarios as tests of one backend: `conformance!(module, Type)` runs all five (the type
/// is a [`KeyService`]); `conformance!(module, Type, [round_trip, wrong_credentials])` runs the
/// listed ones.
macro_rules! conformance {
    ($module:ident, $backend:ty) => {
        conformance!(
            $module,
            $backend,
            [
                round_trip,
                provider_down,
                slow,
                throttled_then_retried,
                wrong_credentials
            ]
        );
    };
    ($module:ident, $backend:ty, [$($scenario:ident),+]) => {
        mod $module {
            $(
                #[test]
                fn $scenario() {
                    super::$scenario::<$backend>();
                }
            )+
        }
    };
}

#[cfg(feature = "aws")]
conformance!(aws, crate::backend_aws::Aws);
#[cfg(feature = "azure")]
conformance!(azure, crate::backend_azure::Azure);
#[cfg(feature = "gcp")]
conformance!(gcp, crate::backend_gcp::Gcp);
#[cfg(feature = "vault")]
conformance!(vault, crate::backend_vault::Vault);
#[cfg(feature = "hckms")]
conformance!(hckms, crate::backend_hckms::Hckms);
// No service, so no network faults: a key in a GnuPG home.
#[cfg(feature = "pgp")]
conformance!(
    pgp,
    crate::backend_pgp::Pgp,
    [round_trip, wrong_credentials]
);

/// `through_key_agent!(module: "feature" => Type, ...)`: the agent scenario for each backend
/// whose feature is on.
macro_rules! through_key_agent {
    ($($module:ident: $feature:literal => $backend:ty),+ $(,)?) => {
        #[cfg(feature = "keyservice")]
        mod through_key_agent {
            $(
                #[cfg(feature = $feature)]
                #[test]
                fn $module() {
                    super::through_key_agent::<$backend>();
                }
            )+
        }
    };
}

// Every kind through the caching key agent (age has its own tests in `keyservice.rs` and
// `key_agent.rs`).
through_key_agent!(
    aws: "aws" => crate::backend_aws::Aws,
    azure: "azure" => crate::backend_azure::Azure,
    gcp: "gcp" => crate::backend_gcp::Gcp,
    vault: "vault" => crate::backend_vault::Vault,
    hckms: "hckms" => crate::backend_hckms::Hckms,
    pgp: "pgp" => crate::backend_pgp::Pgp,
);
