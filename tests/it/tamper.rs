//! Tampering is refused: random documents in every format, encrypted by the library to a fresh
//! age key, then changed the way an attacker with write access could (a flipped bit in a
//! value's ciphertext, IV or tag, in the MAC, a changed `lastmodified`, two values swapped, a
//! value moved to another key). Every change must make decryption fail with a MAC or value
//! error and return no plaintext; a few go through the binary too (exit 51 or 25, empty
//! stdout).

use std::process::Stdio;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use proptest::prelude::*;
use sops_rs::crypto::EncValue;
use sops_rs::formats::EmitOptions;
use sops_rs::keys::{AgeIdentitySources, AgeKey, KeyContext, MasterKey};
use sops_rs::tree::{ListItem, Map, MapItem, Scalar, Timestamp, Tree, Value};
use sops_rs::{Document, EncryptPlan, Error, Format, OpenMode, SopsFile};

use crate::support::TestEnv;

/// A key context that holds `env`'s identity inline.
fn context(env: &TestEnv) -> KeyContext {
    let mut age = AgeIdentitySources::default();
    age.inline_keys = Some(env.identity.clone().into());
    KeyContext {
        age,
        ..KeyContext::default()
    }
}

fn encrypt(format: Format, doc: Map, keys: &TestEnv) -> Vec<u8> {
    let key: Box<dyn MasterKey> = Box::new(AgeKey::new(&keys.recipient).unwrap());
    let plan = EncryptPlan {
        key_groups: vec![vec![key]],
        shamir_threshold: 0,
        rule: None,
        mac_only_encrypted: false,
    };
    let now = Timestamp::parse_rfc3339("2024-05-06T07:08:09Z").unwrap();
    let tree = Tree {
        documents: vec![doc],
    };
    let ctx = KeyContext::default();
    let file = SopsFile::encrypt(tree, plan, &ctx, now, "doc").unwrap();
    file.emit(format, &EmitOptions::default()).unwrap()
}

/// Opens like `decrypt` does.
fn open(format: Format, bytes: &[u8], keys: &TestEnv) -> sops_rs::Result<Document> {
    crate::support::vectors::open(bytes, format, "doc", &context(keys), OpenMode::ReadOnly)
}

/// Decrypts like `decrypt` does; returns the error, failing the test on success.
fn refused(format: Format, bytes: &[u8], keys: &TestEnv) -> Result<Error, String> {
    match open(format, bytes, keys) {
        Ok(_) => Err("a tampered file decrypted".to_string()),
        Err(e) => Ok(e),
    }
}

/// A step to a value: an item index in a mapping or a list.
type Path = Vec<usize>;

/// Paths of every encrypted value outside the `sops` entry, in tree order.
fn enc_paths(tree: &Tree) -> Vec<Path> {
    fn walk(value: &Value, path: &mut Path, out: &mut Vec<Path>) {
        match value {
            Value::Scalar(Scalar::Str(s)) if s.starts_with("ENC[") => out.push(path.clone()),
            Value::Scalar(_) => {}
            Value::Map(map) => {
                for (index, item) in map.items.iter().enumerate() {
                    if let MapItem::Entry { key, value } = item {
                        if path.is_empty() && key == "sops" {
                            continue;
                        }
                        path.push(index);
                        walk(value, path, out);
                        path.pop();
                    }
                }
            }
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    if let ListItem::Value(value) = item {
                        path.push(index);
                        walk(value, path, out);
                        path.pop();
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let root = Value::Map(tree.documents[0].clone());
    walk(&root, &mut Vec::new(), &mut out);
    out
}

fn at<'v>(root: &'v mut Map, path: &[usize]) -> &'v mut Value {
    let MapItem::Entry { value, .. } = &mut root.items[path[0]] else {
        unreachable!()
    };
    let mut value = value;
    for &index in &path[1..] {
        value = match value {
            Value::Map(map) => match &mut map.items[index] {
                MapItem::Entry { value, .. } => value,
                MapItem::Comment(_) => unreachable!(),
            },
            Value::List(items) => match &mut items[index] {
                ListItem::Value(value) => value,
                ListItem::Comment(_) => unreachable!(),
            },
            Value::Scalar(_) => unreachable!(),
        };
    }
    value
}

fn string_at<'v>(root: &'v mut Map, path: &[usize]) -> &'v mut String {
    match at(root, path) {
        Value::Scalar(Scalar::Str(s)) => s,
        _ => unreachable!(),
    }
}

/// Flips one bit of the data, IV or tag of an `ENC[...]` string (the part and bit from `pick`).
fn flip(enc: &str, pick: u64) -> String {
    let value = EncValue::parse(enc).unwrap();
    let mut parts = [value.data, value.iv, value.tag];
    let nonempty: Vec<usize> = (0..3).filter(|&i| !parts[i].is_empty()).collect();
    let part = nonempty[(pick % nonempty.len() as u64) as usize];
    let bytes = &mut parts[part];
    let index = ((pick >> 8) % bytes.len() as u64) as usize;
    bytes[index] ^= 1 << ((pick >> 4) % 8);
    let [data, iv, tag] = parts;
    format!(
        "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{}]",
        BASE64.encode(data),
        BASE64.encode(iv),
        BASE64.encode(tag),
        value.kind
    )
}

#[derive(Clone, Copy, Debug)]
enum Tamper {
    /// A bit of a value's ciphertext, IV or tag.
    FlipValue,
    /// A bit of the MAC's ciphertext, IV or tag.
    FlipMac,
    /// `lastmodified` one second later.
    LastModified,
    /// Two encrypted values exchanged.
    Swap,
    /// An encrypted value moved to a new key, or over another value.
    Move,
}

const TAMPERS: [Tamper; 5] = [
    Tamper::FlipValue,
    Tamper::FlipMac,
    Tamper::LastModified,
    Tamper::Swap,
    Tamper::Move,
];

/// Applies `tamper` to an encrypted file; `None` when the file has nothing it applies to.
fn tamper(format: Format, bytes: &[u8], how: Tamper, pick: u64) -> Option<Vec<u8>> {
    let mut tree = format.encrypted_store().parse(bytes).unwrap();
    let paths = enc_paths(&tree);
    let root = &mut tree.documents[0];
    let choose = |n: usize, salt: u64| ((pick.rotate_left(salt as u32 * 13)) % n as u64) as usize;
    match how {
        Tamper::FlipValue => {
            let path = paths.get(choose(paths.len().max(1), 1))?;
            let s = string_at(root, path);
            *s = flip(s, pick);
        }
        Tamper::FlipMac | Tamper::LastModified => {
            let Some(Value::Map(sops)) = root.get_mut("sops") else {
                panic!("no sops metadata")
            };
            let (field, new) = match how {
                Tamper::FlipMac => {
                    let Some(Value::Scalar(Scalar::Str(mac))) = sops.get("mac") else {
                        panic!("no mac")
                    };
                    ("mac", flip(mac, pick))
                }
                _ => ("lastmodified", "2024-05-06T07:08:10Z".to_string()),
            };
            match sops.get_mut(field) {
                Some(Value::Scalar(s)) => *s = Scalar::Str(new),
                _ => panic!("no {field}"),
            }
        }
        Tamper::Swap => {
            if paths.len() < 2 {
                return None;
            }
            let a = choose(paths.len(), 2);
            let b = (a + 1 + choose(paths.len() - 1, 3)) % paths.len();
            let first = string_at(root, &paths[a]).clone();
            // Two values of the same type and length may hold the same plaintext (two `false`
            // in one list share the path AAD too): swapping those changes nothing, so it is not
            // tampering. Only swaps that are certain to change the file count.
            let shape = |enc: &str| {
                let data = enc.split(",iv:").next().unwrap_or_default().len();
                (
                    data,
                    enc.rsplit("type:").next().unwrap_or_default().to_string(),
                )
            };
            if shape(&first) == shape(string_at(root, &paths[b])) {
                return None;
            }
            let second = std::mem::replace(string_at(root, &paths[b]), first);
            *string_at(root, &paths[a]) = second;
        }
        Tamper::Move => {
            let from = paths.get(choose(paths.len().max(1), 4))?.clone();
            let value = string_at(root, &from).clone();
            if paths.len() >= 2 && pick.is_multiple_of(2) {
                let to =
                    &paths[(choose(paths.len(), 5) + 1 + choose(paths.len() - 1, 6)) % paths.len()];
                // Overwriting a value with one of the same type and length may change nothing
                // (equal plaintext); only moves certain to change the file count.
                let shape = |enc: &str| {
                    let data = enc.split(",iv:").next().unwrap_or_default().len();
                    (
                        data,
                        enc.rsplit("type:").next().unwrap_or_default().to_string(),
                    )
                };
                if *to != from && shape(&value) != shape(string_at(root, to)) {
                    *string_at(root, to) = value;
                    return Some(
                        format
                            .encrypted_store()
                            .emit(&tree, &EmitOptions::default())
                            .unwrap(),
                    );
                }
            }
            // Rename the entry that holds it (or its top-level entry) to a new key.
            let MapItem::Entry { key, .. } = &mut root.items[from[0]] else {
                unreachable!()
            };
            key.push_str("_moved");
            if format == Format::Ini && from.len() == 1 {
                return None;
            }
        }
    }
    Some(
        format
            .encrypted_store()
            .emit(&tree, &EmitOptions::default())
            .unwrap(),
    )
}

fn check(format: Format, doc: Map, how: Tamper, pick: u64) -> Result<(), TestCaseError> {
    let keys = TestEnv::new();
    let bytes = encrypt(format, doc, &keys);
    // The untouched file decrypts.
    open(format, &bytes, &keys).unwrap();
    let Some(changed) = tamper(format, &bytes, how, pick) else {
        return Ok(());
    };
    prop_assert_ne!(&changed, &bytes);
    match refused(format, &changed, &keys) {
        Ok(Error::MacMismatch { .. } | Error::MacUndecryptable { .. } | Error::Value { .. }) => {}
        Ok(other) => prop_assert!(false, "{format} {how:?}: unexpected error {other}"),
        Err(why) => prop_assert!(
            false,
            "{format} {how:?}: {why}\n{}",
            String::from_utf8_lossy(&changed)
        ),
    }
    Ok(())
}

fn key() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,7}"
}

fn text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 .,]{1,16}"
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::str),
        any::<i64>().prop_map(|i| Value::Scalar(Scalar::Int(i))),
        any::<bool>().prop_map(|b| Value::Scalar(Scalar::Bool(b))),
    ]
}

fn map_of(entries: Vec<(String, Value)>) -> Map {
    let mut map = Map::default();
    for (key, value) in entries {
        if map.get(&key).is_none() && key != "sops" {
            map.push(key, value);
        }
    }
    map
}

/// Nested documents for the structured formats.
fn nested() -> impl Strategy<Value = Map> {
    let value = scalar().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|v| Value::List(v.into_iter().map(ListItem::Value).collect())),
            prop::collection::vec((key(), inner), 1..4).prop_map(|e| Value::Map(map_of(e))),
        ]
    });
    prop::collection::vec((key(), value), 1..6).prop_map(map_of)
}

fn flat() -> impl Strategy<Value = Map> {
    prop::collection::vec((key(), text().prop_map(Value::str)), 1..6).prop_map(map_of)
}

fn sections() -> impl Strategy<Value = Map> {
    prop::collection::vec((key(), flat().prop_map(Value::Map)), 1..4).prop_map(map_of)
}

fn binary() -> impl Strategy<Value = Map> {
    "(?s).{1,64}".prop_map(|s| map_of(vec![("data".to_string(), Value::str(s))]))
}

fn how() -> impl Strategy<Value = Tamper> {
    (0..TAMPERS.len()).prop_map(|i| TAMPERS[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn yaml(doc in nested(), how in how(), pick in any::<u64>()) {
        check(Format::Yaml, doc, how, pick)?;
    }

    #[test]
    fn json(doc in nested(), how in how(), pick in any::<u64>()) {
        check(Format::Json, doc, how, pick)?;
    }

    #[test]
    fn toml(doc in nested(), how in how(), pick in any::<u64>()) {
        check(Format::Toml, doc, how, pick)?;
    }

    #[test]
    fn dotenv(doc in flat(), how in how(), pick in any::<u64>()) {
        check(Format::Dotenv, doc, how, pick)?;
    }

    #[test]
    fn ini(doc in sections(), how in how(), pick in any::<u64>()) {
        check(Format::Ini, doc, how, pick)?;
    }

    #[test]
    fn binary_files(doc in binary(), how in how(), pick in any::<u64>()) {
        check(Format::Binary, doc, how, pick)?;
    }
}

#[test]
fn the_binary_refuses_tampered_files_with_sops_exit_codes() {
    let keys = TestEnv::new();
    let doc = map_of(vec![
        ("a".into(), Value::str("secret-one")),
        ("b".into(), Value::str("secret-two")),
    ]);
    for (format, ext) in [
        (Format::Yaml, "yaml"),
        (Format::Json, "json"),
        (Format::Dotenv, "env"),
        (Format::Toml, "toml"),
    ] {
        let bytes = encrypt(format, doc.clone(), &keys);
        for (how, codes) in [
            (Tamper::FlipValue, [25, 25]),
            (Tamper::FlipMac, [51, 51]),
            (Tamper::LastModified, [51, 51]),
            (Tamper::Swap, [25, 51]),
        ] {
            // A swap of two values that may be equal is skipped by `tamper` (not a change).
            let Some(changed) = tamper(format, &bytes, how, 7) else {
                assert!(matches!(how, Tamper::Swap), "only a swap may be skipped");
                continue;
            };
            let path = keys.path(&format!("f.{ext}"));
            std::fs::write(&path, &changed).unwrap();
            let out = keys
                .sops_rs()
                .args(["decrypt", path.to_str().unwrap()])
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let code = out.status.code();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                code == Some(codes[0]) || code == Some(codes[1]),
                "{format} {how:?}: exit {code:?}: {stderr}"
            );
            assert!(
                out.stdout.is_empty(),
                "{format} {how:?}: plaintext on stdout"
            );
            assert!(!stderr.contains("secret-"), "{format} {how:?}: {stderr}");
        }
    }
}
