//! Byte parity with sops: a sops-written file, decrypted and encrypted again with the same data
//! key, IVs and `lastmodified`, comes out byte for byte the same. This pins down the value
//! codec, the MAC, the metadata layout and each format's emitter at once.

use sops_rs::formats::EmitOptions;
use sops_rs::keys::{AgeIdentitySources, KeyContext};
use sops_rs::sops_file::DEFAULT_DECRYPTION_ORDER;
use sops_rs::{Format, SopsFile};

use crate::support::vectors_dir;

fn reencrypt_same(relative: &str, key_file: &str, format: Format) {
    let (again, original) = reencrypt(relative, key_file, format);
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&original),
        "{relative}: re-encryption differs from the sops-written file"
    );
}

/// Decrypts and re-encrypts with the same key, IVs and time; returns (ours, original).
fn reencrypt(relative: &str, key_file: &str, format: Format) -> (Vec<u8>, Vec<u8>) {
    let dir = vectors_dir();
    let path = dir.join(relative);
    let original = std::fs::read(&path).unwrap();
    let mut age = AgeIdentitySources::default();
    age.key_file = Some(dir.join(key_file));
    let ctx = KeyContext {
        age,
        ..Default::default()
    };
    let mut file = SopsFile::parse(format, &original, relative).unwrap();
    let key = file
        .data_key(&ctx, &DEFAULT_DECRYPTION_ORDER, relative)
        .unwrap();
    let mut cipher = file.decrypt(&key, false, relative).unwrap();
    let lastmodified = file.metadata.last_modified;
    let resealed = file.reencrypt(&mut cipher, lastmodified, relative).unwrap();
    assert!(resealed.replaced_mismatched_mac.is_none());
    let again = file.emit(format, &EmitOptions::default()).unwrap();
    (again, original)
}

#[test]
fn json_files_written_by_sops_reencrypt_byte_for_byte() {
    reencrypt_same(
        "generated/sops-3.12.2/types.json",
        "generated/sops-3.12.2/keys/age1.txt",
        Format::Json,
    );
}

#[test]
fn binary_files_written_by_sops_reencrypt_byte_for_byte() {
    reencrypt_same(
        "generated/sops-3.12.2/blob.bin",
        "generated/sops-3.12.2/keys/age1.txt",
        Format::Binary,
    );
}

#[test]
fn yaml_files_written_by_sops_reencrypt_byte_for_byte() {
    let key = "generated/sops-3.12.2/keys/age1.txt";
    for file in [
        "generated/sops-3.12.2/types.yaml",
        "generated/sops-3.12.2/multidoc.yaml",
        "generated/sops-3.12.2/rules/encrypted_regex.yaml",
        "generated/sops-3.12.2/rules/unencrypted_regex.yaml",
        "generated/sops-3.12.2/rules/encrypted_suffix.yaml",
        "generated/sops-3.12.2/rules/unencrypted_suffix_custom.yaml",
        "generated/sops-3.12.2/rules/mac_only_encrypted.yaml",
        "generated/sops-3.12.2/rules/encrypted_comment_regex.yaml",
        "generated/sops-3.12.2/rules/unencrypted_comment_regex.yaml",
    ] {
        reencrypt_same(file, key, Format::Yaml);
    }
}

#[test]
fn key_groups_written_by_sops_reencrypt_byte_for_byte() {
    reencrypt_same(
        "generated/sops-3.12.2/groups/shamir-2-of-3.yaml",
        "generated/sops-3.12.2/keys/all.txt",
        Format::Yaml,
    );
}

/// Files from older sops releases keep every value byte for byte; only the metadata takes the
/// 3.12 layout (no empty `kms: []` lists), as it would when sops 3.12 rewrites them.
#[test]
fn older_sops_files_keep_their_values_byte_for_byte() {
    let (again, original) = reencrypt(
        "history/0b07dfbc5eff/example.yaml",
        "history/7ebee3dc7b8f/age/keys.txt",
        Format::Yaml,
    );
    let data = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .split("\nsops:\n")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(data(&again), data(&original));
    assert!(String::from_utf8_lossy(&again).contains("    version: 3.7.1\n"));
}
