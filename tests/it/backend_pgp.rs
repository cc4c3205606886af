//! The PGP backend: every sops-written PGP vector decrypts through gpg (keys imported into a
//! throwaway GNUPGHOME) and through the rPGP fallback when gpg is absent; must-fail PGP vectors
//! fail with exit 51; sops-rs and the real sops read each other's PGP files; a missing secret key
//! is "no credentials" (exit 128).

use std::path::PathBuf;

use serde_json::Value as Json;
use sops_rs::Format;
use sops_rs::keys::KeyContext;

use crate::backend_conformance::{Backend, Fault};
use crate::support::standin::INPUT;
use crate::support::vectors::{VectorEntry, decrypt_to_json, manifest, same};
use crate::support::{TestEnv, ok, path_arg, upstream_vectors};

/// The vectors a PGP key opens.
fn pgp_vectors() -> Vec<VectorEntry> {
    manifest()
        .into_iter()
        .filter(|v| !v.pgp_key_files.is_empty())
        .collect()
}

/// Decrypts every `expect: ok` PGP vector with `ctx` and compares it with its plaintext.
fn check_every_vector(ctx: &KeyContext) -> usize {
    let mut checked = 0;
    for v in pgp_vectors().iter().filter(|v| v.expect == "ok") {
        let format = v
            .format
            .unwrap_or_else(|| panic!("{}: unknown vector format", v.file));
        let got =
            decrypt_to_json(&v.path(), format, ctx).unwrap_or_else(|e| panic!("{}: {e}", v.file));
        let want: Json = v.expected_plain();
        assert!(
            same(&got, &want),
            "{}: decrypted tree differs\n got: {got}\nwant: {want}",
            v.file
        );
        checked += 1;
    }
    checked
}

/// Every store in each fixture tier (yaml, json, binary, dotenv, ini), plus 19 upstream files
/// from getsops/sops and sops-nix when that tier is there.
fn expected_ok() -> usize {
    10 + upstream_vectors().map_or(0, |_| 19)
}

fn all_key_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = pgp_vectors()
        .iter()
        .flat_map(|v| v.pgp_key_files.iter().map(|k| v.beside(k)))
        .collect();
    files.sort();
    files.dedup();
    files
}

#[test]
fn backend_pgp_every_vector_decrypts_through_gpg() {
    let gpg = TestEnv::new();
    for file in all_key_files() {
        gpg.gpg_import(&file);
    }
    let checked = check_every_vector(&gpg.gpg_context());
    assert!(
        checked >= expected_ok(),
        "only {checked} PGP vectors checked"
    );
}

#[test]
fn backend_pgp_every_vector_decrypts_through_rpgp_without_gpg() {
    let home = TestEnv::new();
    let keys: Vec<String> = all_key_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let ctx = KeyContext {
        vars: [
            ("SOPS_GPG_EXEC".to_string(), "/nonexistent/gpg".to_string()),
            ("GNUPGHOME".to_string(), path_arg(&home.path("none"))),
            ("SOPS_RS_PGP_SECRET_KEYS".to_string(), keys.join(":")),
        ]
        .into(),
        ..Default::default()
    };
    let checked = check_every_vector(&ctx);
    assert!(
        checked >= expected_ok(),
        "only {checked} PGP vectors checked"
    );
}

#[test]
fn backend_pgp_must_fail_vectors_exit_51() {
    let gpg = TestEnv::new();
    for file in all_key_files() {
        gpg.gpg_import(&file);
    }
    let mut checked = 0;
    for v in pgp_vectors().iter().filter(|v| v.expect == "mac_mismatch") {
        let out = gpg.run(&["decrypt", &path_arg(&v.path())]);
        assert_eq!(
            out.status.code(),
            Some(51),
            "{}: {}",
            v.file,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{}: printed output", v.file);
        checked += 1;
    }
    let expected = 4 + upstream_vectors().map_or(0, |_| 2);
    assert!(checked >= expected, "only {checked} must-fail PGP vectors");
}

#[test]
fn backend_pgp_sops_and_sops_rs_read_each_other() {
    let gpg = TestEnv::new();
    let fp = gpg.gpg_generate("sops-rs");
    let plain = path_arg(&gpg.write("app.yaml", INPUT));

    // sops-rs encrypts, sops decrypts.
    let ours = gpg.ok(&["encrypt", "--pgp", &fp, &plain]);
    assert!(ours.contains(&format!("fp: {fp}")), "{ours}");
    assert!(
        ours.contains("enc: |-\n") && ours.contains("-----END PGP MESSAGE-----\n          fp: "),
        "the armored message is trimmed, as sops stores it:\n{ours}"
    );
    let ours_file = gpg.write("ours.enc.yaml", &ours);
    let decrypted = ok(
        gpg.run_sops(&["decrypt", &path_arg(&ours_file)]),
        "sops decrypt of ours",
    );
    assert_eq!(decrypted, INPUT);

    // sops encrypts, sops-rs decrypts (also when the fingerprint comes from SOPS_PGP_FP).
    let theirs = ok(
        gpg.sops_without_config()
            .env("SOPS_PGP_FP", &fp)
            .args(["encrypt", &plain])
            .output()
            .unwrap(),
        "sops encrypt",
    );
    let theirs_file = gpg.write("sops.enc.yaml", &theirs);
    assert_eq!(gpg.ok(&["decrypt", &path_arg(&theirs_file)]), INPUT);

    // Through the library: the key wraps and unwraps a data key.
    let key = sops_rs::keys::from_spec(&sops_rs::keys::KeySpec::simple(
        sops_rs::keys::KeyKind::Pgp,
        &fp,
    ))
    .unwrap();
    let ctx = gpg.gpg_context();
    let enc = key.wrap(&[7u8; 32], &ctx).unwrap();
    assert!(enc.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(enc.ends_with("-----END PGP MESSAGE-----"));
    assert_eq!(&key.unwrap(&enc, &ctx).unwrap().unwrap()[..], &[7u8; 32]);
}

/// A group without age keys: sops writes its empty `age` list as `null` in JSON (and its empty
/// `hc_vault` list in every group); sops-rs writes the file back byte for byte.
#[test]
fn backend_pgp_key_groups_without_age_keep_sops_json_layout() {
    let gpg = TestEnv::new();
    let fp = gpg.gpg_generate("groups");
    let config = gpg.write(
        "groups.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - pgp: [{fp}]\n      - age: [{}]\n",
            gpg.recipient
        ),
    );
    let plain = gpg.write("app.json", "{\"a\": \"b\"}\n");
    let written = ok(
        gpg.sops()
            .arg("--config")
            .arg(&config)
            .arg("encrypt")
            .arg(&plain)
            .output()
            .unwrap(),
        "sops encrypt",
    );
    assert!(written.contains("\"age\": null"), "{written}");
    let mut ctx = gpg.gpg_context();
    ctx.age = crate::parity::age_context(&gpg.key_file).age;
    let again = crate::parity::reencrypt_bytes(written.as_bytes(), "app.json", &ctx, Format::Json);
    assert_eq!(String::from_utf8_lossy(&again), written);
}

#[test]
fn backend_pgp_runs_sops_gpg_exec_with_sops_arguments() {
    let gpg = TestEnv::new();
    let fp = gpg.gpg_generate("wrapped");
    let log = gpg.path("gpg-args.log");
    let wrapper = gpg.write(
        "gpg-wrapper.sh",
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec gpg \"$@\"\n",
            log.display()
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let plain = gpg.write("app.yaml", INPUT);
    let enc = ok(
        gpg.sops_rs()
            .env("SOPS_GPG_EXEC", &wrapper)
            .args(["encrypt", "--pgp", &fp])
            .arg(&plain)
            .output()
            .unwrap(),
        "encrypt through the wrapper",
    );
    let file = gpg.write("app.enc.yaml", &enc);
    let decrypted = ok(
        gpg.sops_rs()
            .env("SOPS_GPG_EXEC", &wrapper)
            .arg("decrypt")
            .arg(&file)
            .output()
            .unwrap(),
        "decrypt through the wrapper",
    );
    assert_eq!(decrypted, INPUT);
    let calls = std::fs::read_to_string(&log).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    assert_eq!(
        calls,
        [
            format!(
                "--no-default-recipient --yes --encrypt -a -r {fp} --trusted-key {} \
                 --no-encrypt-to",
                &fp[24..]
            ),
            "--status-fd 2 -d".to_string(),
        ]
    );
}

#[test]
fn backend_pgp_without_the_secret_key_is_no_credentials() {
    let gpg = TestEnv::new();
    let fp = gpg.gpg_generate("absent");
    let key = sops_rs::keys::from_spec(&sops_rs::keys::KeySpec::simple(
        sops_rs::keys::KeyKind::Pgp,
        &fp,
    ))
    .unwrap();
    let enc = key.wrap(&[1u8; 32], &gpg.gpg_context()).unwrap();
    let plain = path_arg(&gpg.write("plain.yaml", INPUT));
    let file = gpg.write("app.yaml", gpg.ok(&["encrypt", "--pgp", &fp, &plain]));

    // Another GNUPGHOME without that key: unwrap says "no credentials here".
    let other = TestEnv::new();
    assert!(key.unwrap(&enc, &other.gpg_context()).unwrap().is_none());
    let out = other.run(&["decrypt", &path_arg(&file)]);
    assert_eq!(out.status.code(), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&fp), "{stderr}");

    // A mangled message is an error, not "no credentials".
    let err = key.unwrap(
        "-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----",
        &gpg.gpg_context(),
    );
    assert!(err.is_err(), "{err:?}");
}

/// A PGP key in a throwaway GnuPG home, for the conformance suite (`backend_conformance.rs`):
/// another home holding only another secret key gives wrong credentials, an empty one none.
pub struct Pgp {
    gpg: TestEnv,
    other: TestEnv,
    empty: TestEnv,
    fingerprint: String,
}

impl Pgp {
    fn gnupghome(home: &TestEnv) -> Vec<(String, String)> {
        vec![("GNUPGHOME".into(), path_arg(&home.gnupg()))]
    }
}

impl Backend for Pgp {
    const FLAG: &'static str = "--pgp";
    const REAL_SOPS: bool = true;
    const WRONG_CREDENTIALS_SAY: &'static [&'static str] = &[];
    const NO_CREDENTIALS_SAY: &'static [&'static str] = &[];

    fn start(_: Fault) -> Pgp {
        let gpg = TestEnv::new();
        let fingerprint = gpg.gpg_generate("sops-rs");
        let other = TestEnv::new();
        other.gpg_generate("someone else");
        Pgp {
            gpg,
            other,
            empty: TestEnv::new(),
            fingerprint,
        }
    }

    fn key_id(&self) -> String {
        self.fingerprint.clone()
    }

    fn credentials(&self) -> Vec<(String, String)> {
        Pgp::gnupghome(&self.gpg)
    }

    fn wrong_credentials(&self) -> (Vec<(String, String)>, String) {
        (Pgp::gnupghome(&self.other), String::new())
    }

    fn no_credentials(&self) -> Vec<(String, String)> {
        Pgp::gnupghome(&self.empty)
    }

    fn requests(&self) -> usize {
        0
    }
}
