//! The shared vectors' `manifest.json`: which files there are, their format, what decrypting
//! them must do, and the keys that open them.

use serde_json::Value as Json;
use sops_rs::Format;

use super::vectors_dir;

/// One file the manifest lists. Paths are relative to [`vectors_dir`].
pub struct VectorEntry {
    pub file: String,
    /// `None` for a format sops-rs does not know.
    pub format: Option<Format>,
    /// `ok`, `mac_mismatch`, `decrypt_error` or `plaintext`.
    pub expect: String,
    pub age_identity_files: Vec<String>,
    pub pgp_key_files: Vec<String>,
    /// The decrypted tree as JSON (for `expect: ok`).
    pub plain: Option<String>,
}

/// Every file in the manifest, in its order.
pub fn manifest() -> Vec<VectorEntry> {
    let text = std::fs::read_to_string(vectors_dir().join("manifest.json")).unwrap();
    let manifest: Json = serde_json::from_str(&text).unwrap();
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| VectorEntry {
            file: f["file"].as_str().unwrap().to_string(),
            format: Format::from_name(f["format"].as_str().unwrap_or_default()),
            expect: f["expect"].as_str().unwrap().to_string(),
            age_identity_files: strings(&f["age_identity_files"]),
            pgp_key_files: strings(&f["pgp_key_files"]),
            plain: f["plain"].as_str().map(String::from),
        })
        .collect()
}

/// A list of strings, or none when the field is absent.
fn strings(list: &Json) -> Vec<String> {
    list.as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}
