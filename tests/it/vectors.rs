//! The vectors written by real sops (the fixture tiers, and the upstream tier when present): every YAML, JSON and binary file an age key opens
//! decrypts to its `*.plain.json`; every must-fail file fails with sops's exit code and prints
//! no plaintext.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use sops_rs::Format;
use sops_rs::keys::{AgeIdentitySources, KeyContext};

use crate::support::vectors::{decrypt_to_json, manifest, same};
use crate::support::{fixture_inputs, sops_rs_command, upstream_vectors};

fn context(identity_files: &[PathBuf]) -> KeyContext {
    let mut age = AgeIdentitySources::default();
    let keys: String = identity_files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    age.inline_keys = Some(zeroize::Zeroizing::new(keys));
    KeyContext {
        age,
        ..Default::default()
    }
}

fn decrypt_with(path: &Path, format: Format, identity_files: &[PathBuf]) -> sops_rs::Result<Json> {
    decrypt_to_json(path, format, &context(identity_files))
}

/// YAML, JSON and binary: the dotenv and INI vectors are `flat_stores`'s.
fn tree_format(format: Option<Format>) -> Option<Format> {
    format.filter(|f| matches!(f, Format::Yaml | Format::Json | Format::Binary))
}

#[test]
fn every_age_vector_decrypts_to_its_plaintext() {
    let mut checked = Vec::new();
    for v in manifest()
        .iter()
        .filter(|v| v.expect == "ok" && !v.age_identity_files.is_empty())
    {
        let Some(format) = tree_format(v.format) else {
            continue;
        };
        let identities: Vec<PathBuf> = v.age_identity_files.iter().map(|f| v.beside(f)).collect();
        let got = decrypt_with(&v.path(), format, &identities)
            .unwrap_or_else(|e| panic!("{}: {e}", v.file));
        let want: Json = v.expected_plain();
        assert!(
            same(&got, &want),
            "{}: decrypted tree differs\n got: {got}\nwant: {want}",
            v.file
        );
        checked.push(v.file.clone());
    }
    // YAML, JSON and binary files opened by age: 12 per fixture tier, and 16 upstream (a 3.12.2
    // set, sops's history and sops-nix) when that tier is there.
    let expected = 24 + upstream_vectors().map_or(0, |_| 16);
    assert!(
        checked.len() >= expected,
        "only {} vectors checked: {checked:?}",
        checked.len()
    );
}

#[test]
fn each_listed_age_identity_opens_its_file_alone() {
    for v in manifest()
        .iter()
        .filter(|v| v.expect == "ok" && !v.age_identity_files.is_empty())
    {
        let Some(format) = tree_format(v.format) else {
            continue;
        };
        if v.file.contains("shamir") {
            continue;
        }
        for identity in &v.age_identity_files {
            decrypt_with(&v.path(), format, &[v.beside(identity)])
                .unwrap_or_else(|e| panic!("{} with {identity}: {e}", v.file));
        }
    }
}

#[test]
fn shamir_two_of_three_opens_with_any_two_identities_only() {
    for tier in crate::support::FIXTURE_TIERS {
        let dir = crate::support::repo_root().join(tier);
        let file = dir.join("groups/shamir-2-of-3.yaml");
        let key = |n: u8| dir.join(format!("keys/age{n}.txt"));
        for pair in [[1, 2], [1, 3], [2, 3]] {
            decrypt_with(&file, Format::Yaml, &[key(pair[0]), key(pair[1])])
                .unwrap_or_else(|e| panic!("{tier} pair {pair:?}: {e}"));
        }
        for single in 1..=3 {
            let err = decrypt_with(&file, Format::Yaml, &[key(single)]).unwrap_err();
            assert!(
                matches!(err, sops_rs::Error::NoDataKey { .. }),
                "{tier}: {err}"
            );
        }
    }
}

#[test]
fn must_fail_vectors_fail_with_sops_exit_codes_and_print_nothing() {
    let home = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for v in manifest()
        .iter()
        .filter(|v| v.expect == "mac_mismatch" || v.expect == "decrypt_error")
    {
        let Some(identity) = v.age_identity_files.first() else {
            continue;
        };
        let output = sops_rs_command(home.path())
            .env("SOPS_AGE_KEY_FILE", v.beside(identity))
            .args(["decrypt", &v.path().display().to_string()])
            .output()
            .unwrap();
        let expected = if v.expect == "mac_mismatch" { 51 } else { 25 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{}: {}",
            v.file,
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stdout.is_empty(), "{}: printed output", v.file);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{}: not one line: {stderr}",
            v.file
        );
        checked += 1;
    }
    let expected = 6 + upstream_vectors().map_or(0, |_| 4);
    assert!(
        checked >= expected,
        "only {checked} must-fail vectors checked"
    );
}

#[test]
fn a_plaintext_file_is_reported_as_not_encrypted() {
    let home = tempfile::tempdir().unwrap();
    let output = sops_rs_command(home.path())
        .args([
            "decrypt",
            &fixture_inputs().join("types.yaml").display().to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("sops metadata not found"));
    assert!(output.stdout.is_empty());
}
