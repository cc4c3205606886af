//! The HashiCorp Vault Transit backend against a real OpenBao dev server (one per test): round
//! trips and metadata, request ids, namespaces, the real sops 3.12.2 and 3.11.0 both ways, a
//! rotated transit key, a nested mount with an unusual key name, and faults (server down, a
//! server that never answers, 429 and 5xx retried through a faulty proxy, wrong or missing
//! token, the allowlist).

use std::process::{Command, Output};

use sops_rs::keys::{KeyContext, KeySpec, MasterKey, from_spec};

use crate::backend_conformance::{Backend, Fault, KeyService, Relocation};
use crate::support::faults::FaultyProxy;
use crate::support::openbao::OpenBao;
use crate::support::standin::INPUT;
use crate::support::{TestEnv, ok, path_arg};

/// How a test gets a `Command` for one real sops release.
type SopsCommand = fn(&TestEnv) -> Command;

/// The real sops releases every interop check runs (with the empty config), by name.
const REAL_SOPS: [(&str, SopsCommand); 2] = [
    ("sops 3.12.2", TestEnv::sops_without_config),
    ("sops 3.11.0", TestEnv::sops_3_11_without_config),
];

/// A dev server with a Transit engine at `transit/` and the key `sops` in it, that key's URI,
/// and a home whose commands present the root token.
fn openbao_with_key() -> (OpenBao, String, TestEnv) {
    let bao = OpenBao::start();
    bao.enable_transit("transit");
    bao.create_transit_key("transit", "sops");
    let uri = bao.transit_key_uri("transit", "sops");
    let home = with_token(bao.token());
    (bao, uri, home)
}

/// A home whose commands present `token`.
fn with_token(token: &str) -> TestEnv {
    TestEnv::new().with("VAULT_TOKEN", token)
}

/// Encrypts [`INPUT`] for `uri` with sops-rs into the file `name`; its text and path.
fn encrypt_ours(home: &TestEnv, uri: &str, name: &str) -> (String, String) {
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let out = home.run(&["encrypt", "--hc-vault-transit", uri, &plain]);
    let text = ok(out, "sops-rs encrypt");
    let file = path_arg(&home.write(name, &text));
    (text, file)
}

/// Encrypts [`INPUT`] for `uri` with a real sops into the file `name`; its text and path.
fn encrypt_sops(
    home: &TestEnv,
    (what, sops): (&str, SopsCommand),
    uri: &str,
    name: &str,
) -> (String, String) {
    let plain = path_arg(&home.write("app.yaml", INPUT));
    let out = sops(home)
        .args(["encrypt", "--hc-vault-transit", uri, &plain])
        .output()
        .unwrap();
    let text = ok(out, &format!("{what} encrypt"));
    let file = path_arg(&home.write(name, &text));
    (text, file)
}

/// sops-rs and every real sops decrypt `file` to [`INPUT`] (`what` names it on failure).
fn all_decrypt(home: &TestEnv, file: &str, what: &str) {
    let out = home.run(&["decrypt", file]);
    assert_eq!(ok(out, &format!("sops-rs decrypt of {what}")), INPUT);
    for (name, sops) in REAL_SOPS {
        let out = sops(home).args(["decrypt", file]).output().unwrap();
        assert_eq!(ok(out, &format!("{name} decrypt of {what}")), INPUT);
    }
}

/// Each real sops encrypts for `uri` and every tool reads the result; the texts, in the order
/// of [`REAL_SOPS`].
fn sops_files_open_everywhere(home: &TestEnv, uri: &str) -> Vec<String> {
    REAL_SOPS
        .into_iter()
        .map(|sops| {
            let (text, file) = encrypt_sops(home, sops, uri, "theirs.enc.yaml");
            all_decrypt(home, &file, &format!("{}'s file", sops.0));
            text
        })
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ctx(vars: &[(&str, &str)]) -> KeyContext {
    KeyContext::from_vars(vars.iter().copied())
}

fn vault_key(uri: &str) -> Box<dyn MasterKey> {
    from_spec(&KeySpec::simple(sops_rs::keys::KeyKind::HcVault, uri)).unwrap()
}

/// The `enc` values of a file's `hc_vault` entries.
fn wrapped_keys(encrypted: &str) -> Vec<String> {
    encrypted
        .lines()
        .filter_map(|l| l.trim().strip_prefix("enc: "))
        .filter(|enc| enc.starts_with("vault:"))
        .map(str::to_string)
        .collect()
}

/// The field names of the first `hc_vault` entry, in order.
fn entry_layout(encrypted: &str) -> Vec<String> {
    encrypted
        .lines()
        .skip_while(|l| !l.contains("hc_vault:"))
        .skip(1)
        .take(5)
        .map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .split(':')
                .next()
                .unwrap()
                .into()
        })
        .collect()
}

#[test]
fn backend_vault_round_trip_and_metadata() {
    let (bao, uri, home) = openbao_with_key();
    let (enc, file) = encrypt_ours(&home, &uri, "app.enc.yaml");
    assert!(
        enc.contains("    hc_vault:\n        - vault_address: "),
        "{enc}"
    );
    assert!(
        enc.contains(&format!("vault_address: {}\n", bao.address())),
        "{enc}"
    );
    assert!(enc.contains("engine_path: transit\n"), "{enc}");
    assert!(enc.contains("key_name: sops\n"), "{enc}");
    let wrapped = wrapped_keys(&enc);
    assert_eq!(wrapped.len(), 1, "{enc}");
    assert!(wrapped[0].starts_with("vault:v1:"), "{enc}");
    // OpenBao itself opens the wrapped key: a 32-byte data key.
    let opened = bao.bao(&[
        "write",
        "-field=plaintext",
        "transit/decrypt/sops",
        &format!("ciphertext={}", wrapped[0]),
    ]);
    assert_eq!(
        base64_len(opened.trim()),
        32,
        "the data key OpenBao unwrapped"
    );
    assert_eq!(ok(home.run(&["decrypt", &file]), "decrypt"), INPUT);

    // The token may come from ~/.vault-token instead.
    std::fs::write(
        home.dir().join(".vault-token"),
        format!("{}\n", bao.token()),
    )
    .unwrap();
    let out = home
        .sops_rs()
        .env_remove("VAULT_TOKEN")
        .args(["decrypt", &file])
        .output()
        .unwrap();
    assert_eq!(ok(out, "decrypt with ~/.vault-token"), INPUT);

    // The library: the key id and the request id OpenBao gave each call.
    let key = vault_key(&uri);
    assert_eq!(key.id(), uri);
    let c = ctx(&[("VAULT_TOKEN", bao.token())]);
    let wrapped = key.wrap(&[9u8; 32], &c).unwrap();
    let first = key.last_request_id().expect("a request id");
    assert_eq!(first.len(), 36, "{first}");
    assert_eq!(&key.unwrap(&wrapped, &c).unwrap().unwrap()[..], &[9u8; 32]);
    assert_ne!(key.last_request_id().unwrap(), first);
}

/// The decoded length of a standard base64 string.
fn base64_len(text: &str) -> usize {
    let padding = text.bytes().rev().take_while(|&b| b == b'=').count();
    text.len() / 4 * 3 - padding
}

#[test]
fn backend_vault_namespace_is_sent() {
    let bao = OpenBao::start();
    bao.bao(&["namespace", "create", "team-a"]);
    bao.bao(&["secrets", "enable", "-namespace=team-a", "transit"]);
    bao.bao(&["write", "-namespace=team-a", "-f", "transit/keys/sops"]);
    let uri = bao.transit_key_uri("transit", "sops");

    let key = vault_key(&uri);
    let in_team = ctx(&[("VAULT_TOKEN", bao.token()), ("VAULT_NAMESPACE", "team-a")]);
    let wrapped = key.wrap(&[5u8; 32], &in_team).unwrap();
    assert_eq!(
        &key.unwrap(&wrapped, &in_team).unwrap().unwrap()[..],
        &[5u8; 32]
    );
    // The root namespace has no transit engine: without the header the call goes there.
    let err = key
        .unwrap(&wrapped, &ctx(&[("VAULT_TOKEN", bao.token())]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("HTTP 404"), "{err}");

    // The real sops reads VAULT_NAMESPACE the same way.
    let home = with_token(bao.token()).with("VAULT_NAMESPACE", "team-a");
    let (_, file) = encrypt_ours(&home, &uri, "app.enc.yaml");
    all_decrypt(&home, &file, "a file wrapped in team-a");
    sops_files_open_everywhere(&home, &uri);
}

#[test]
fn backend_vault_real_sops_and_sops_rs_read_each_other() {
    let (_bao, uri, home) = openbao_with_key();
    let (ours, ours_file) = encrypt_ours(&home, &uri, "ours.enc.yaml");
    all_decrypt(&home, &ours_file, "sops-rs's file");
    for (theirs, (name, _)) in sops_files_open_everywhere(&home, &uri)
        .iter()
        .zip(REAL_SOPS)
    {
        assert!(wrapped_keys(theirs)[0].starts_with("vault:v1:"), "{theirs}");
        // The same entry layout as sops.
        assert_eq!(entry_layout(&ours), entry_layout(theirs), "{name}");
    }
    assert_eq!(
        entry_layout(&ours),
        [
            "vault_address",
            "engine_path",
            "key_name",
            "created_at",
            "enc"
        ]
    );
}

#[test]
fn backend_vault_rotated_transit_key() {
    let (bao, uri, home) = openbao_with_key();
    let encrypt_with_all = |tag: &str| {
        let mut files = vec![(
            "sops-rs",
            encrypt_ours(&home, &uri, &format!("ours.{tag}.yaml")).1,
        )];
        for (index, sops) in REAL_SOPS.into_iter().enumerate() {
            let name = format!("sops{index}.{tag}.yaml");
            files.push((sops.0, encrypt_sops(&home, sops, &uri, &name).1));
        }
        files
    };

    let before = encrypt_with_all("v1");
    bao.rotate_transit_key("transit", "sops");
    let after = encrypt_with_all("v2");
    for ((writer, old), (_, new)) in before.iter().zip(&after) {
        assert!(wrapped_keys(&home.read(old))[0].starts_with("vault:v1:"));
        assert!(
            wrapped_keys(&home.read(new))[0].starts_with("vault:v2:"),
            "{writer} wraps with the new key version"
        );
        all_decrypt(
            &home,
            old,
            &format!("{writer}'s file from before the rotation"),
        );
        all_decrypt(
            &home,
            new,
            &format!("{writer}'s file from after the rotation"),
        );
    }

    // `rotate` re-wraps a new data key with the current key version, so the file survives
    // OpenBao refusing version 1 from now on; an untouched version 1 file does not.
    let (_, ours_v1) = &before[0];
    let old_text = home.read(ours_v1);
    let untouched = path_arg(&home.write("untouched.yaml", &old_text));
    ok(home.run(&["rotate", "-i", ours_v1]), "sops-rs rotate -i");
    let rotated = home.read(ours_v1);
    assert!(
        wrapped_keys(&rotated)[0].starts_with("vault:v2:"),
        "{rotated}"
    );
    assert_ne!(wrapped_keys(&rotated), wrapped_keys(&old_text));
    bao.bao(&[
        "write",
        "transit/keys/sops/config",
        "min_decryption_version=2",
    ]);
    all_decrypt(&home, ours_v1, "the rotated file");
    let out = home.run(&["decrypt", &untouched]);
    assert_eq!(out.status.code(), Some(128), "{}", stderr(&out));
    assert!(stderr(&out).contains(&uri), "{}", stderr(&out));
}

#[test]
fn backend_vault_nested_mount_and_punctuated_key_name() {
    // Transit key names are letters, digits, `_`, `-` and `.` (OpenBao answers 404 to anything
    // else), so no key name needs percent-escaping; this one uses every allowed punctuation
    // mark. The mount is nested, and the key is RSA, as in sops's own functional tests.
    let bao = OpenBao::start();
    bao.enable_transit("team/a/transit");
    bao.bao(&[
        "write",
        "team/a/transit/keys/app-1.prod_key",
        "type=rsa-4096",
    ]);
    let uri = bao.transit_key_uri("team/a/transit", "app-1.prod_key");
    let home = with_token(bao.token());
    let (ours, ours_file) = encrypt_ours(&home, &uri, "ours.enc.yaml");
    assert!(ours.contains("engine_path: team/a/transit\n"), "{ours}");
    assert!(ours.contains("key_name: app-1.prod_key\n"), "{ours}");
    all_decrypt(&home, &ours_file, "sops-rs's file");
    for theirs in sops_files_open_everywhere(&home, &uri) {
        assert!(theirs.contains("engine_path: team/a/transit\n"), "{theirs}");
        assert!(theirs.contains("key_name: app-1.prod_key\n"), "{theirs}");
    }
}

#[test]
fn backend_vault_allowlist_blocks_other_servers() {
    let (bao, _, _) = openbao_with_key();
    let proxy = FaultyProxy::start(bao.port(), 0, 500);
    let key = vault_key(&format!("{}/v1/transit/keys/sops", proxy.address()));
    let err = key
        .wrap(
            &[1u8; 32],
            &ctx(&[
                ("VAULT_TOKEN", bao.token()),
                ("SOPS_HC_VAULT_ALLOWLIST", "https://vault.example.com"),
            ]),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("SOPS_HC_VAULT_ALLOWLIST"), "{err}");
    assert!(proxy.statuses().is_empty(), "nothing was sent");
    key.wrap(
        &[1u8; 32],
        &ctx(&[
            ("VAULT_TOKEN", bao.token()),
            ("SOPS_HC_VAULT_ALLOWLIST", &proxy.address()),
        ]),
    )
    .unwrap();
    assert_eq!(proxy.statuses(), [200]);
}

/// OpenBao behind a [`FaultyProxy`] (which injects the faults and counts the requests), for the
/// conformance suite (`backend_conformance.rs`).
pub struct Vault {
    // Dropped first: the proxy, then the server.
    proxy: FaultyProxy,
    bao: OpenBao,
}

impl Backend for Vault {
    const FLAG: &'static str = "--hc-vault-transit";
    const REAL_SOPS: bool = true;
    const WRONG_CREDENTIALS_SAY: &'static [&'static str] = &["permission denied", "403"];
    const NO_CREDENTIALS_SAY: &'static [&'static str] = &[];

    fn start(fault: Fault) -> Vault {
        let bao = OpenBao::start();
        bao.enable_transit("transit");
        bao.create_transit_key("transit", "sops");
        let proxy = match fault {
            Fault::None => FaultyProxy::start(bao.port(), 0, 500),
            Fault::FailFirst { requests, status } => {
                FaultyProxy::start(bao.port(), requests, status)
            }
        };
        Vault { proxy, bao }
    }

    fn key_id(&self) -> String {
        format!("{}/v1/transit/keys/sops", self.proxy.address())
    }

    fn credentials(&self) -> Vec<(String, String)> {
        vec![("VAULT_TOKEN".into(), self.bao.token().into())]
    }

    fn wrong_credentials(&self) -> (Vec<(String, String)>, String) {
        let token = "s.NotTheRootToken0123456789";
        (vec![("VAULT_TOKEN".into(), token.into())], token.into())
    }

    fn no_credentials(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn requests(&self) -> usize {
        self.proxy.statuses().len()
    }
}

impl KeyService for Vault {
    fn relocate(&self, port: u16) -> Relocation {
        Relocation {
            vars: Vec::new(),
            replace: Some((self.proxy.address(), format!("http://127.0.0.1:{port}"))),
        }
    }

    fn statuses(&self) -> Vec<u16> {
        self.proxy.statuses()
    }

    fn injected_failure_says(status: u16) -> String {
        format!("injected failure {status}")
    }
}
