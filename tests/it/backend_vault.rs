//! The HashiCorp Vault Transit backend against the stand-in server (`tests/servers/`): round
//! trips, the real sops both ways, the request id, and faults (server down, slow server, 429 and
//! 500 retried, wrong token, no token).

use std::ops::Deref;
use std::process::Output;
use std::time::{Duration, Instant};

use sops_rs::keys::{KeyContext, KeySpec, MasterKey, from_spec};

use crate::support::standin::{INPUT, Scratch, StandIn, dead_port};
use crate::support::{ok, sops_command, sops_rs_command};

/// A running stand-in; killed when dropped.
struct Vault {
    server: StandIn,
}

impl Vault {
    fn start(extra: &[&str]) -> Vault {
        Vault {
            server: StandIn::start("vault_transit.py", |cmd, _| {
                cmd.args(extra);
            }),
        }
    }

    fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port())
    }

    fn uri(&self, key: &str) -> String {
        format!("{}/v1/transit/keys/{key}", self.address())
    }

    /// The statuses the stand-in answered, in order.
    fn statuses(&self) -> Vec<u64> {
        self.requests()
            .iter()
            .map(|r| r["status"].as_u64().unwrap())
            .collect()
    }

    fn requests(&self) -> Vec<serde_json::Value> {
        self.server.requests()
    }
}

/// A scratch home with an empty config file for the real sops.
struct Home(Scratch);

impl Deref for Home {
    type Target = Scratch;

    fn deref(&self) -> &Scratch {
        &self.0
    }
}

impl Home {
    fn new() -> Home {
        let home = Home(Scratch::new());
        home.write("empty-config.yaml", "{}\n");
        home
    }

    fn config(&self) -> String {
        self.path().join("empty-config.yaml").display().to_string()
    }

    fn ours(&self, token: &str, args: &[&str]) -> Output {
        sops_rs_command(self.path())
            .env("VAULT_TOKEN", token)
            .args(args)
            .output()
            .unwrap()
    }

    fn sops(&self, token: &str, args: &[&str]) -> Output {
        sops_command(self.path())
            .env("VAULT_TOKEN", token)
            .args(["--config", &self.config()])
            .args(args)
            .output()
            .unwrap()
    }
}

fn ctx(vars: &[(&str, &str)]) -> KeyContext {
    KeyContext::from_vars(vars.iter().copied())
}

fn vault_key(uri: &str) -> Box<dyn MasterKey> {
    from_spec(&KeySpec::simple("hc_vault", uri)).unwrap()
}

#[test]
fn backend_vault_round_trip_and_metadata() {
    let vault = Vault::start(&[]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let enc = ok(
        home.ours(
            "root",
            &["encrypt", "--hc-vault-transit", &vault.uri("sops"), &plain],
        ),
        "encrypt",
    );
    assert!(
        enc.contains("    hc_vault:\n        - vault_address: "),
        "{enc}"
    );
    assert!(
        enc.contains(&format!("vault_address: {}", vault.address())),
        "{enc}"
    );
    assert!(enc.contains("engine_path: transit\n"), "{enc}");
    assert!(enc.contains("key_name: sops\n"), "{enc}");
    assert!(enc.contains("enc: vault:v1:"), "{enc}");
    let file = home.write("app.enc.yaml", &enc);
    assert_eq!(ok(home.ours("root", &["decrypt", &file]), "decrypt"), INPUT);

    // The token may come from ~/.vault-token instead.
    std::fs::write(home.path().join(".vault-token"), "root\n").unwrap();
    let out = sops_rs_command(home.path())
        .args(["decrypt", &file])
        .output()
        .unwrap();
    assert_eq!(ok(out, "decrypt with ~/.vault-token"), INPUT);

    // The library: the key id and the provider's request id.
    let key = vault_key(&vault.uri("sops"));
    assert_eq!(key.id(), vault.uri("sops"));
    let c = ctx(&[("VAULT_TOKEN", "root"), ("VAULT_NAMESPACE", "team-a")]);
    let wrapped = key.wrap(&[9u8; 32], &c).unwrap();
    let first = key.last_request_id().expect("a request id");
    assert_eq!(first.len(), 36, "{first}");
    assert_eq!(&key.unwrap(&wrapped, &c).unwrap().unwrap()[..], &[9u8; 32]);
    assert_ne!(key.last_request_id().unwrap(), first);
    let last = vault.requests().pop().unwrap();
    assert_eq!(last["namespace"], "team-a");
    assert_eq!(last["path"], "/v1/transit/decrypt/sops");
}

#[test]
fn backend_vault_sops_and_sops_rs_read_each_other() {
    let vault = Vault::start(&[]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let uri = vault.uri("sops");

    let ours = ok(
        home.ours("root", &["encrypt", "--hc-vault-transit", &uri, &plain]),
        "sops-rs encrypt",
    );
    let ours_file = home.write("ours.enc.yaml", &ours);
    assert_eq!(
        ok(
            home.sops("root", &["decrypt", &ours_file]),
            "sops decrypt of ours"
        ),
        INPUT
    );

    let theirs = ok(
        home.sops("root", &["encrypt", "--hc-vault-transit", &uri, &plain]),
        "sops encrypt",
    );
    let theirs_file = home.write("sops.enc.yaml", &theirs);
    assert_eq!(
        ok(
            home.ours("root", &["decrypt", &theirs_file]),
            "sops-rs decrypt of sops's file"
        ),
        INPUT
    );
    // Same entry layout as sops.
    let layout = |text: &str| {
        text.lines()
            .skip_while(|l| !l.contains("hc_vault:"))
            .take(5)
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(layout(&ours), layout(&theirs));
}

#[test]
fn backend_vault_server_down_fails_fast_with_exit_128() {
    let home = Home::new();
    let uri = format!("http://127.0.0.1:{}/v1/transit/keys/sops", dead_port());
    // The stand-in's ciphertexts carry no state, so any instance decrypts them.
    let enc = {
        let vault = Vault::start(&[]);
        let plain = home.write("app.yaml", INPUT);
        let live = vault.uri("sops");
        let text = ok(
            home.ours("root", &["encrypt", "--hc-vault-transit", &live, &plain]),
            "encrypt",
        );
        text.replace(&vault.address(), uri.split("/v1/").next().unwrap())
    };
    let file = home.write("app.enc.yaml", &enc);
    let started = Instant::now();
    let out = home.ours("root", &["decrypt", &file]);
    let elapsed = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(128),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&uri), "the key is named: {stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");
    assert!(out.stdout.is_empty());

    // Encrypting against a dead server fails as quickly.
    let started = Instant::now();
    let plain = home.write("plain.yaml", INPUT);
    let out = home.ours("root", &["encrypt", "--hc-vault-transit", &uri, &plain]);
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn backend_vault_slow_server_times_out() {
    let vault = Vault::start(&["--delay", "5"]);
    let key = vault_key(&vault.uri("sops"));
    let c = ctx(&[
        ("VAULT_TOKEN", "root"),
        ("SOPS_RS_HTTP_TIMEOUT_SECONDS", "1"),
    ]);
    let started = Instant::now();
    let err = key.wrap(&[1u8; 32], &c).unwrap_err().to_string();
    let elapsed = started.elapsed();
    assert!(err.contains("timed out"), "{err}");
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");

    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let started = Instant::now();
    let out = sops_rs_command(home.path())
        .env("VAULT_TOKEN", "root")
        .env("SOPS_RS_HTTP_TIMEOUT_SECONDS", "1")
        .args(["encrypt", "--hc-vault-transit", &vault.uri("sops"), &plain])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("timed out"));
}

#[test]
fn backend_vault_429_and_500_are_retried() {
    for status in ["429", "500", "503"] {
        let vault = Vault::start(&["--fail", "2", "--fail-status", status]);
        let key = vault_key(&vault.uri("sops"));
        let c = ctx(&[("VAULT_TOKEN", "root")]);
        let enc = key
            .wrap(&[3u8; 32], &c)
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        let code: u64 = status.parse().unwrap();
        assert_eq!(vault.statuses(), [code, code, 200]);
        assert_eq!(&key.unwrap(&enc, &c).unwrap().unwrap()[..], &[3u8; 32]);
    }
    // Three failures in a row: give up with the server's answer.
    let vault = Vault::start(&["--fail", "3", "--fail-status", "500"]);
    let err = vault_key(&vault.uri("sops"))
        .wrap(&[3u8; 32], &ctx(&[("VAULT_TOKEN", "root")]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("500") && err.contains("stand-in failure"),
        "{err}"
    );
    assert_eq!(vault.statuses().len(), 3);
}

#[test]
fn backend_vault_wrong_token_is_a_clear_error() {
    let vault = Vault::start(&[]);
    let home = Home::new();
    let plain = home.write("app.yaml", INPUT);
    let uri = vault.uri("sops");
    let enc = ok(
        home.ours("root", &["encrypt", "--hc-vault-transit", &uri, &plain]),
        "encrypt",
    );
    let file = home.write("app.enc.yaml", &enc);

    let out = home.ours("wrong", &["decrypt", &file]);
    assert_eq!(out.status.code(), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&uri), "the key is named: {stderr}");
    assert!(stderr.contains("permission denied"), "{stderr}");
    assert!(stderr.contains("403"), "{stderr}");
    assert!(
        !stderr.contains("wrong"),
        "the token is not printed: {stderr}"
    );
    assert!(out.stdout.is_empty());

    let out = home.ours("wrong", &["encrypt", "--hc-vault-transit", &uri, &plain]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("permission denied"));

    // No token at all: nothing to try with (exit 128, the key listed).
    let out = sops_rs_command(home.path())
        .args(["decrypt", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&uri));
}

#[test]
fn backend_vault_allowlist_blocks_other_servers() {
    let vault = Vault::start(&[]);
    let key = vault_key(&vault.uri("sops"));
    let err = key
        .wrap(
            &[1u8; 32],
            &ctx(&[
                ("VAULT_TOKEN", "root"),
                ("SOPS_HC_VAULT_ALLOWLIST", "https://vault.example.com"),
            ]),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("SOPS_HC_VAULT_ALLOWLIST"), "{err}");
    assert!(vault.statuses().is_empty(), "nothing was sent");
    key.wrap(
        &[1u8; 32],
        &ctx(&[
            ("VAULT_TOKEN", "root"),
            ("SOPS_HC_VAULT_ALLOWLIST", &vault.address()),
        ]),
    )
    .unwrap();
}
