//! Fuzz target bodies, shared by the cargo-fuzz targets in `fuzz/fuzz_targets/` and by the
//! quick smoke run in `tests/it/fuzz_smoke.rs`. Not part of the public API.
//!
//! Each function takes arbitrary bytes and must return without panicking, whatever they hold;
//! the checks inside are invariants that hold for every input (a parsed tree is within the
//! nesting limit, an emitted tree parses again, an accepted ENC value formats back to itself,
//! nothing decrypts without the MAC check passing).

use std::path::Path;
use std::sync::OnceLock;

use zeroize::Zeroizing;

use crate::crypto::{DataKey, EncValue, ValueCipher};
use crate::formats::{EmitOptions, Format, MAX_DEPTH};
use crate::keys::{AgeIdentitySources, KeyContext, KeyKind};
use crate::tree::{ListItem, MapItem, Tree, Value};
use crate::{SopsFile, metadata};

/// The tree walk under a bare data key, for the property tests and benchmarks that time or
/// check it without master keys. Commands reach it only through [`crate::document`].
pub use crate::crypto::tree_cipher::{Direction, WalkOutcome, walk_tree};

/// The fixed age identity the decrypt target holds. A throwaway key made for fuzzing only: seed
/// files encrypted to [`FUZZ_AGE_RECIPIENT`] reach the MAC check and the value decryption.
/// Kept in `fixtures/keys/fuzz-identity.txt` (a `#` line, then the identity).
pub const FUZZ_AGE_IDENTITY: &str = include_str!("../fixtures/keys/fuzz-identity.txt");

/// The recipient of [`FUZZ_AGE_IDENTITY`].
pub const FUZZ_AGE_RECIPIENT: &str =
    "age1lk00ad6ajy4dstqd0xatnt0c4zqt50pwdem7vmxtj6gpluxg84qq2s546y";

/// Levels of mappings and sequences in a value (0 for a scalar), without recursion.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((value, level)) = stack.pop() {
        let children: Vec<&Value> = match value {
            Value::Scalar(_) => continue,
            Value::Map(map) => map
                .items
                .iter()
                .filter_map(|item| match item {
                    MapItem::Entry { value, .. } => Some(value),
                    MapItem::Comment(_) => None,
                })
                .collect(),
            Value::List(items) => items
                .iter()
                .filter_map(|item| match item {
                    ListItem::Value(value) => Some(value),
                    ListItem::Comment(_) => None,
                })
                .collect(),
        };
        deepest = deepest.max(level + 1);
        stack.extend(children.into_iter().map(|child| (child, level + 1)));
    }
    deepest
}

fn check_depth(tree: &Tree) {
    for document in &tree.documents {
        let d = depth(&Value::Map(document.clone()));
        assert!(d <= MAX_DEPTH, "a parsed tree is {d} levels deep");
    }
}

/// Reads `data` as YAML with the fast reader and with the full parser: whenever the fast reader
/// takes it, both give the same tree.
pub fn yaml_fast_reader(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        crate::formats::yaml::check_fast_reader(text);
    }
}

/// Parses `data` as `format`; when it parses, the tree is within [`MAX_DEPTH`] and, when it
/// can be emitted, the emitted bytes parse again (YAML, JSON) to a tree within the limit.
pub fn parse(format: Format, data: &[u8]) {
    let Ok(tree) = format.parse(data) else {
        return;
    };
    check_depth(&tree);
    let options = EmitOptions::default();
    let Ok(bytes) = format.emit(&tree, &options) else {
        return;
    };
    match format {
        Format::Json | Format::Yaml => {
            let again = format
                .parse(&bytes)
                .unwrap_or_else(|e| panic!("{format}: emitted output does not parse again: {e}"));
            check_depth(&again);
        }
        _ => {
            let _ = format.parse(&bytes);
        }
    }
    // Other outputs of the same tree, as `decrypt --output-type` would write them.
    for other in [Format::Json, Format::Yaml, Format::Toml, Format::Dotenv] {
        let _ = other.emit(&tree, &options);
    }
}

/// Parses `data` as an `ENC[...]` value and decrypts it with a fixed data key (the first line
/// is the value, the rest the additional data, as a tree path would be).
pub fn enc_value(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (value, aad) = text.split_once('\n').unwrap_or((&text, ""));
    let parsed = EncValue::parse(value);
    let key = DataKey::from_slice(&[7; 32]).expect("a 32-byte key");
    let decrypted = ValueCipher::new(&key).decrypt(value, aad.as_bytes());
    if parsed.is_err() && !value.is_empty() {
        assert!(decrypted.is_err(), "a malformed value decrypts");
    }
}

/// Reads the `sops` metadata from `data` parsed as YAML and as JSON; accepted metadata is
/// written back and read again to the same metadata.
pub fn metadata(data: &[u8]) {
    for format in [Format::Yaml, Format::Json] {
        let Ok(mut tree) = format.parse(data) else {
            continue;
        };
        let Ok(Some(value)) = metadata::wire::take_metadata(&mut tree.documents) else {
            continue;
        };
        if let Ok(meta) = metadata::wire::from_value(&value) {
            let written = metadata::wire::to_value(&meta, format);
            let back = metadata::wire::from_value(&written).expect("written metadata reads back");
            assert_eq!(
                metadata::wire::to_value(&back, format),
                written,
                "metadata changes through write and read"
            );
        }
    }
}

/// Parses `data` as a `.sops.yaml` config file.
pub fn config(data: &[u8]) {
    let _ = crate::config::Config::parse(data, Path::new("/fuzz/.sops.yaml"));
}

fn context() -> &'static KeyContext {
    static CONTEXT: OnceLock<KeyContext> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let mut age = AgeIdentitySources::default();
        age.inline_keys = Some(Zeroizing::new(FUZZ_AGE_IDENTITY.to_string()));
        KeyContext {
            age,
            ..KeyContext::default()
        }
    })
}

/// Decrypts `data` as an encrypted file of `format` with the fixed age identity, as `decrypt`
/// does. Only age keys are tried (the others would run gpg or reach the network). A file whose
/// MAC check fails must not come back decrypted.
pub fn decrypt(format: Format, data: &[u8]) {
    let Ok(mut file) = SopsFile::parse(format, data, "fuzz") else {
        return;
    };
    for group in &mut file.metadata.key_groups {
        group.retain(|slot| slot.key.kind() == KeyKind::Age);
    }
    let Ok(keyed) = crate::KeyedFile::unlock(file, context(), &[KeyKind::Age]) else {
        return;
    };
    if let Ok(document) = keyed.decrypt(false, crate::OpenMode::ReadOnly) {
        let _ = document.emit_plaintext(format, &EmitOptions::default());
    }
}

/// The first byte picks the format (for targets that take any format); the rest is the input.
pub fn split_format(data: &[u8]) -> Option<(Format, &[u8])> {
    let (first, rest) = data.split_first()?;
    let format = [
        Format::Yaml,
        Format::Json,
        Format::Toml,
        Format::Ini,
        Format::Dotenv,
        Format::Binary,
    ][usize::from(*first) % 6];
    Some((format, rest))
}
