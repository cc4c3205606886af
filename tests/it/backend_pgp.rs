//! The PGP backend: every sops-written PGP vector decrypts through gpg (keys imported into a
//! throwaway GNUPGHOME) and through the rPGP fallback when gpg is absent; must-fail PGP vectors
//! fail with exit 51; sops-rs and the real sops read each other's PGP files; a missing secret key
//! is "no credentials" (exit 128).

use std::path::PathBuf;

use serde_json::Value as Json;
use sops_rs::Format;
use sops_rs::keys::KeyContext;

use crate::backend_conformance::{Backend, Fault};
use crate::support::gpg::GpgHome;
use crate::support::vectors::{VectorEntry, decrypt_to_json, manifest, same};
use crate::support::{ok, sops_command, sops_rs_command, upstream_vectors};

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
    let gpg = GpgHome::new();
    for file in all_key_files() {
        gpg.import(&file);
    }
    let checked = check_every_vector(&gpg.ctx());
    assert!(
        checked >= expected_ok(),
        "only {checked} PGP vectors checked"
    );
}

#[test]
fn backend_pgp_every_vector_decrypts_through_rpgp_without_gpg() {
    let home = tempfile::tempdir().unwrap();
    let keys: Vec<String> = all_key_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let ctx = KeyContext {
        vars: [
            ("SOPS_GPG_EXEC".to_string(), "/nonexistent/gpg".to_string()),
            (
                "GNUPGHOME".to_string(),
                home.path().join("none").display().to_string(),
            ),
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
    let gpg = GpgHome::new();
    for file in all_key_files() {
        gpg.import(&file);
    }
    let mut checked = 0;
    for v in pgp_vectors().iter().filter(|v| v.expect == "mac_mismatch") {
        let out = sops_rs_command(gpg.path())
            .args(["decrypt", &v.path().display().to_string()])
            .output()
            .unwrap();
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

const INPUT: &str = "db:\n    user: admin\n    password: hunter2\nport: 5432\n";

#[test]
fn backend_pgp_sops_and_sops_rs_read_each_other() {
    let gpg = GpgHome::new();
    let fp = gpg.generate("sops-rs");
    let plain = gpg.write("app.yaml", INPUT);
    let plain = plain.display().to_string();
    let config = gpg.write("empty-config.yaml", "{}\n").display().to_string();

    // sops-rs encrypts, sops decrypts.
    let ours = ok(
        sops_rs_command(gpg.path())
            .args(["encrypt", "--pgp", &fp, &plain])
            .output()
            .unwrap(),
        "sops-rs encrypt",
    );
    assert!(ours.contains(&format!("fp: {fp}")), "{ours}");
    assert!(
        ours.contains("enc: |-\n") && ours.contains("-----END PGP MESSAGE-----\n          fp: "),
        "the armored message is trimmed, as sops stores it:\n{ours}"
    );
    let ours_file = gpg.write("ours.enc.yaml", &ours);
    let decrypted = ok(
        sops_command(gpg.path())
            .args([
                "--config",
                &config,
                "decrypt",
                &ours_file.display().to_string(),
            ])
            .output()
            .unwrap(),
        "sops decrypt of ours",
    );
    assert_eq!(decrypted, INPUT);

    // sops encrypts, sops-rs decrypts (also when the fingerprint comes from SOPS_PGP_FP).
    let theirs = ok(
        sops_command(gpg.path())
            .env("SOPS_PGP_FP", &fp)
            .args(["--config", &config, "encrypt", &plain])
            .output()
            .unwrap(),
        "sops encrypt",
    );
    let theirs_file = gpg.write("sops.enc.yaml", &theirs);
    let decrypted = ok(
        sops_rs_command(gpg.path())
            .args(["decrypt", &theirs_file.display().to_string()])
            .output()
            .unwrap(),
        "sops-rs decrypt of sops's file",
    );
    assert_eq!(decrypted, INPUT);

    // Through the library: the key wraps and unwraps a data key.
    let key = sops_rs::keys::from_spec(&sops_rs::keys::KeySpec::simple(
        sops_rs::keys::KeyKind::Pgp,
        &fp,
    ))
    .unwrap();
    let ctx = gpg.ctx();
    let enc = key.wrap(&[7u8; 32], &ctx).unwrap();
    assert!(enc.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(enc.ends_with("-----END PGP MESSAGE-----"));
    assert_eq!(&key.unwrap(&enc, &ctx).unwrap().unwrap()[..], &[7u8; 32]);
}

/// A group without age keys: sops writes its empty `age` list as `null` in JSON (and its empty
/// `hc_vault` list in every group); sops-rs writes the file back byte for byte.
#[test]
fn backend_pgp_key_groups_without_age_keep_sops_json_layout() {
    let gpg = GpgHome::new();
    let fp = gpg.generate("groups");
    let identity = age::x25519::Identity::generate();
    use age::secrecy::ExposeSecret;
    let key_file = gpg.write(
        "age.txt",
        &format!("{}\n", identity.to_string().expose_secret()),
    );
    let config = gpg.write(
        "groups.yaml",
        &format!(
            "creation_rules:\n  - key_groups:\n      - pgp: [{fp}]\n      - age: [{}]\n",
            identity.to_public()
        ),
    );
    let plain = gpg.write("app.json", "{\"a\": \"b\"}\n");
    let written = ok(
        sops_command(gpg.path())
            .args(["--config", &config.display().to_string(), "encrypt"])
            .arg(&plain)
            .output()
            .unwrap(),
        "sops encrypt",
    );
    assert!(written.contains("\"age\": null"), "{written}");
    let mut ctx = gpg.ctx();
    ctx.age = crate::parity::age_context(&key_file).age;
    let again = crate::parity::reencrypt_bytes(written.as_bytes(), "app.json", &ctx, Format::Json);
    assert_eq!(String::from_utf8_lossy(&again), written);
}

#[test]
fn backend_pgp_runs_sops_gpg_exec_with_sops_arguments() {
    let gpg = GpgHome::new();
    let fp = gpg.generate("wrapped");
    let log = gpg.path().join("gpg-args.log");
    let wrapper = gpg.write(
        "gpg-wrapper.sh",
        &format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec gpg \"$@\"\n",
            log.display()
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let plain = gpg.write("app.yaml", INPUT);
    let enc = ok(
        sops_rs_command(gpg.path())
            .env("SOPS_GPG_EXEC", &wrapper)
            .args(["encrypt", "--pgp", &fp])
            .arg(&plain)
            .output()
            .unwrap(),
        "encrypt through the wrapper",
    );
    let file = gpg.write("app.enc.yaml", &enc);
    let decrypted = ok(
        sops_rs_command(gpg.path())
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
    let gpg = GpgHome::new();
    let fp = gpg.generate("absent");
    let key = sops_rs::keys::from_spec(&sops_rs::keys::KeySpec::simple(
        sops_rs::keys::KeyKind::Pgp,
        &fp,
    ))
    .unwrap();
    let enc = key.wrap(&[1u8; 32], &gpg.ctx()).unwrap();
    let file = gpg.write(
        "app.yaml",
        &ok(
            sops_rs_command(gpg.path())
                .args(["encrypt", "--pgp", &fp])
                .arg(gpg.write("plain.yaml", INPUT))
                .output()
                .unwrap(),
            "encrypt",
        ),
    );

    // Another GNUPGHOME without that key: unwrap says "no credentials here".
    let other = GpgHome::new();
    assert!(key.unwrap(&enc, &other.ctx()).unwrap().is_none());
    let out = sops_rs_command(other.path())
        .args(["decrypt", &file.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&fp), "{stderr}");

    // A mangled message is an error, not "no credentials".
    let err = key.unwrap(
        "-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----",
        &gpg.ctx(),
    );
    assert!(err.is_err(), "{err:?}");
}

/// A PGP key in a throwaway GnuPG home, for the conformance suite (`backend_conformance.rs`):
/// another home holding only another secret key gives wrong credentials, an empty one none.
pub struct Pgp {
    gpg: GpgHome,
    other: GpgHome,
    empty: GpgHome,
    fingerprint: String,
}

impl Pgp {
    fn gnupghome(home: &GpgHome) -> Vec<(String, String)> {
        vec![("GNUPGHOME".into(), home.gnupg().display().to_string())]
    }
}

impl Backend for Pgp {
    const FLAG: &'static str = "--pgp";
    const REAL_SOPS: bool = true;
    const WRONG_CREDENTIALS_SAY: &'static [&'static str] = &[];
    const NO_CREDENTIALS_SAY: &'static [&'static str] = &[];

    fn start(_: Fault) -> Pgp {
        let gpg = GpgHome::new();
        let fingerprint = gpg.generate("sops-rs");
        let other = GpgHome::new();
        other.generate("someone else");
        Pgp {
            gpg,
            other,
            empty: GpgHome::new(),
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
