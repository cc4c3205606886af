//! Byte parity with sops: a sops-written file, decrypted and encrypted again with the same data
//! key, IVs and `lastmodified`, comes out byte for byte the same. This pins down the value
//! codec, the MAC, the metadata layout and each format's emitter at once.

use std::path::Path;

use sops_rs::formats::EmitOptions;
use sops_rs::keys::{AgeIdentitySources, KeyContext};
use sops_rs::{Format, OpenMode};

use crate::support::vectors::open;
use crate::support::{FIXTURE_TIERS, TestEnv, ok, repo_root, upstream_vectors};

/// Re-encrypts `relative` of every fixture tier (opened by the tier's `key_file`) and compares it
/// with the file sops wrote.
fn reencrypt_same(relative: &str, key_file: &str, format: Format) {
    for tier in FIXTURE_TIERS {
        let dir = repo_root().join(tier);
        let original = std::fs::read(dir.join(relative)).unwrap();
        let again = reencrypt_bytes(
            &original,
            relative,
            &age_context(&dir.join(key_file)),
            format,
        );
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(&original),
            "{tier}/{relative}: re-encryption differs from the sops-written file"
        );
    }
}

/// Keys: the age identities in `key_file`.
pub fn age_context(key_file: &Path) -> KeyContext {
    let mut age = AgeIdentitySources::default();
    age.key_file = Some(key_file.to_path_buf());
    KeyContext {
        age,
        ..Default::default()
    }
}

/// Decrypts `original` with the keys `ctx` offers and encrypts it again with the same data key,
/// IVs and time.
pub fn reencrypt_bytes(original: &[u8], name: &str, ctx: &KeyContext, format: Format) -> Vec<u8> {
    let document = open(original, format, name, ctx, OpenMode::KeepIvs).unwrap();
    let lastmodified = document.metadata().last_modified;
    let (file, resealed) = document.reencrypt(lastmodified).unwrap();
    assert!(resealed.replaced_mismatched_mac.is_none());
    file.emit(format, &EmitOptions::default()).unwrap()
}

#[test]
fn json_files_written_by_sops_reencrypt_byte_for_byte() {
    reencrypt_same("types.json", "keys/age1.txt", Format::Json);
}

#[test]
fn binary_files_written_by_sops_reencrypt_byte_for_byte() {
    reencrypt_same("blob.bin", "keys/age1.txt", Format::Binary);
}

#[test]
fn yaml_files_written_by_sops_reencrypt_byte_for_byte() {
    let key = "keys/age1.txt";
    for file in [
        "types.yaml",
        "multidoc.yaml",
        "rules/encrypted_regex.yaml",
        "rules/unencrypted_regex.yaml",
        "rules/encrypted_suffix.yaml",
        "rules/unencrypted_suffix_custom.yaml",
        "rules/mac_only_encrypted.yaml",
        "rules/encrypted_comment_regex.yaml",
        "rules/unencrypted_comment_regex.yaml",
    ] {
        reencrypt_same(file, key, Format::Yaml);
    }
}

#[test]
fn key_groups_written_by_sops_reencrypt_byte_for_byte() {
    reencrypt_same("groups/shamir-2-of-3.yaml", "keys/all.txt", Format::Yaml);
}

/// Key groups as the real sops writes them today, in every store that keeps the metadata as a
/// tree: JSON and the binary store's envelope write an empty `hc_vault` (or `age`) list of a
/// group as `null`, YAML as `[]`.
#[test]
fn key_groups_sops_writes_in_json_binary_and_yaml_reencrypt_byte_for_byte() {
    let home = TestEnv::with_identities(3);
    let identities: String = home
        .keys
        .iter()
        .map(|k| format!("{}\n", k.secret))
        .collect();
    let keys = home.write("keys.txt", &identities);
    let groups: String = home
        .keys
        .iter()
        .map(|k| format!("      - age: [{}]\n", k.recipient))
        .collect();
    let config = home.write(
        "groups.yaml",
        format!("creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n{groups}"),
    );
    for (name, plain, format) in [
        ("s.json", "{\"a\": \"b\", \"n\": [1, 2]}\n", Format::Json),
        ("s.bin", "raw\nbytes", Format::Binary),
        ("s.yaml", "a: b\nn:\n    - 1\n", Format::Yaml),
    ] {
        let plain = home.write(name, plain);
        let written = ok(
            home.sops()
                .arg("--config")
                .arg(&config)
                .arg("encrypt")
                .arg(&plain)
                .output()
                .unwrap(),
            "sops encrypt with key groups",
        );
        assert!(written.contains("key_groups"), "{written}");
        let ctx = age_context(&keys);
        let again = reencrypt_bytes(written.as_bytes(), name, &ctx, format);
        assert_eq!(String::from_utf8_lossy(&again), written, "{name}");
    }
}

/// Files from older sops releases keep every value byte for byte and their `version`; only the
/// metadata takes the 3.12 layout (no empty `kms: []` lists), as it would when sops 3.12 rewrites
/// them. Every tier: sops 3.11.0's fixture always, and sops 3.7.1's file from the upstream tier
/// when it is there.
#[test]
fn older_sops_files_keep_their_values_byte_for_byte() {
    let fixture = repo_root().join(FIXTURE_TIERS[1]);
    let mut cases = vec![(
        fixture.join("types.yaml"),
        fixture.join("keys/age1.txt"),
        "3.11.0",
    )];
    if let Some(upstream) = upstream_vectors() {
        cases.push((
            upstream.join("history/0b07dfbc5eff/example.yaml"),
            upstream.join("history/7ebee3dc7b8f/age/keys.txt"),
            "3.7.1",
        ));
    }
    let data = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .split("\nsops:\n")
            .next()
            .unwrap()
            .to_string()
    };
    for (file, keys, version) in cases {
        let original = std::fs::read(&file).unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        let again = reencrypt_bytes(&original, name, &age_context(&keys), Format::Yaml);
        assert_eq!(data(&again), data(&original), "{}", file.display());
        let version_line = format!("    version: {version}\n");
        assert!(
            String::from_utf8_lossy(&again).contains(&version_line),
            "{}: the version is not kept",
            file.display()
        );
    }
}
