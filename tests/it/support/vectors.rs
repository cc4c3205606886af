//! The vector tiers' `manifest.json` files (which files there are, their format, what decrypting
//! them must do, the keys that open them), and a decrypted file as JSON to compare with its
//! `*.plain.json`.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use sops_rs::keys::KeyContext;
use sops_rs::sops_file::DEFAULT_DECRYPTION_ORDER;
use sops_rs::tree::{ListItem, Map, MapItem, Scalar, Value};
use sops_rs::{Document, Format, OpenMode, OpenOptions};

use super::vector_tiers;

/// One file a tier's manifest lists. Paths are relative to the tier's directory.
pub struct VectorEntry {
    /// The tier's directory.
    pub dir: PathBuf,
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

impl VectorEntry {
    /// The encrypted file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.file)
    }

    /// A file of the tier (a key, the plaintext) by its manifest name.
    pub fn beside(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The decrypted tree the file must give, as JSON.
    pub fn expected_plain(&self) -> Json {
        let name = self
            .plain
            .as_ref()
            .expect("an `ok` vector names its plaintext");
        serde_json::from_str(&std::fs::read_to_string(self.beside(name)).unwrap()).unwrap()
    }
}

/// Every file of every tier's manifest, tier by tier, in manifest order.
pub fn manifest() -> Vec<VectorEntry> {
    vector_tiers()
        .iter()
        .flat_map(|dir| tier_manifest(dir))
        .collect()
}

/// The files one tier's manifest lists.
pub fn tier_manifest(dir: &Path) -> Vec<VectorEntry> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    let manifest: Json = serde_json::from_str(&text).unwrap();
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| VectorEntry {
            dir: dir.to_path_buf(),
            file: f["file"].as_str().unwrap().to_string(),
            format: Format::from_name(f["format"].as_str().unwrap_or_default()),
            expect: f["expect"].as_str().unwrap().to_string(),
            age_identity_files: strings(&f["age_identity_files"]),
            pgp_key_files: strings(&f["pgp_key_files"]),
            plain: f["plain"].as_str().map(String::from),
        })
        .collect()
}

/// A list of strings; empty when the field is absent.
fn strings(list: &Json) -> Vec<String> {
    list.as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Opens an encrypted file as `decrypt` (read-only) or an update (keeping IVs) does, with the
/// keys `ctx` offers.
pub fn open(
    bytes: &[u8],
    format: Format,
    name: &str,
    ctx: &KeyContext,
    mode: OpenMode,
) -> sops_rs::Result<Document> {
    let options = OpenOptions {
        format,
        name,
        decryption_order: &DEFAULT_DECRYPTION_ORDER,
        ignore_mac: false,
        mode,
        keys: ctx,
    };
    Document::open(bytes, &options)
}

/// Decrypts `path` with the keys `ctx` offers; one document as a JSON object, several as an
/// array of them.
pub fn decrypt_to_json(path: &Path, format: Format, ctx: &KeyContext) -> sops_rs::Result<Json> {
    let bytes = std::fs::read(path).unwrap();
    let name = path.display().to_string();
    let document = open(&bytes, format, &name, ctx, OpenMode::ReadOnly)?;
    let docs: Vec<Json> = document.tree().documents.iter().map(map_to_json).collect();
    Ok(if docs.len() == 1 {
        docs.into_iter().next().unwrap()
    } else {
        Json::Array(docs)
    })
}

fn map_to_json(map: &Map) -> Json {
    let mut object = serde_json::Map::new();
    for item in &map.items {
        if let MapItem::Entry { key, value } = item {
            object.insert(key.clone(), to_json(value));
        }
    }
    Json::Object(object)
}

fn to_json(value: &Value) -> Json {
    match value {
        Value::Map(map) => map_to_json(map),
        Value::List(items) => Json::Array(
            items
                .iter()
                .filter_map(|item| match item {
                    ListItem::Value(v) => Some(to_json(v)),
                    ListItem::Comment(_) => None,
                })
                .collect(),
        ),
        Value::Scalar(scalar) => match scalar {
            Scalar::Null => Json::Null,
            Scalar::Bool(b) => Json::Bool(*b),
            Scalar::Int(i) => Json::from(*i),
            Scalar::Float(f) => serde_json::Number::from_f64(*f)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Scalar::Str(s) => Json::String(s.clone()),
            Scalar::Time(t) => Json::String(t.to_rfc3339_nano()),
            Scalar::Bytes(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
        },
    }
}

/// Equality that treats `1` and `1.0` as the same number (plain.json writes floats with `.0`).
pub fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}
