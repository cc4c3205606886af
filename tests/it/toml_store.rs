//! The TOML store (a sops-rs extension) through the real binary: encrypted files are valid TOML
//! with ENC values and a `[sops]` table, decryption gives back the same tree with comments and
//! order, TOML converts to YAML and JSON, and random trees round-trip through the text format.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sops_rs::formats::toml;
use sops_rs::tree::{Comment, ListItem, Map, MapItem, Scalar, Timestamp, Tree, Value};

use crate::support::{TestEnv, path_arg};

/// `plain` encrypted by sops-rs into `name`: its path and text.
fn encrypt(env: &TestEnv, plain: &Path, name: &str) -> (PathBuf, String) {
    let text = env.encrypt_file(plain, &[]);
    (env.write(name, &text), text)
}

fn parse(text: &str) -> Tree {
    toml::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A TOML file in the layout the emitter writes, so that decrypting gives back its exact text
/// (no end-of-line comments: sops moves those onto their own line on every walk).
const SAMPLE: &str = r#"# Application settings
title = "démo ✓"
port = 8080
ratio = 0.75
debug = false
started = 2024-05-01T12:30:00.5+02:00
db.user = "admin"
db.password = "hunter2"
tags = ["a", "b"]
point.x = 1
point.y = 2
notes = """
line one
line two
"""

# The servers
[servers.alpha]
# the first
ip = "10.0.0.1"

[[products]]
name = "Hammer"
sku = 738594937

# between products
[[products]]
name = "Nail"
"#;

#[test]
fn encrypt_writes_valid_toml_with_enc_values_and_a_sops_table() {
    let env = TestEnv::new();
    let plain = env.write("app.toml", SAMPLE);
    let (_, text) = encrypt(&env, &plain, "app.enc.toml");
    let doc: toml_edit::DocumentMut = text
        .parse()
        .unwrap_or_else(|e| panic!("not TOML: {e}\n{text}"));
    for secret in ["hunter2", "admin", "Hammer", "10.0.0.1", "8080"] {
        assert!(!text.contains(secret), "{secret} in clear:\n{text}");
    }
    let title = doc["title"].as_str().unwrap();
    assert!(title.starts_with("ENC[AES256_GCM,") && title.ends_with(",type:str]"));
    assert!(doc["port"].as_str().unwrap().ends_with(",type:int]"));
    assert!(doc["started"].as_str().unwrap().ends_with(",type:time]"));
    assert!(doc["db"]["password"].as_str().unwrap().starts_with("ENC["));
    assert!(
        text.contains("#ENC[AES256_GCM,"),
        "comments are encrypted:\n{text}"
    );
    assert!(!text.contains("Application settings"));
    let sops = doc["sops"].as_table().expect("a [sops] table");
    assert_eq!(sops["version"].as_str(), Some("3.12.2"), "{text}");
    assert!(sops["mac"].as_str().unwrap().starts_with("ENC["));
    assert!(sops["lastmodified"].as_str().is_some());
    let age = sops["age"].as_array_of_tables().expect("[[sops.age]]");
    assert_eq!(age.len(), 1);
    let age = age.get(0).unwrap();
    assert_eq!(age["recipient"].as_str(), Some(env.recipient.as_str()));
    let armor = age["enc"].as_str().unwrap();
    assert!(armor.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    assert!(armor.ends_with("-----END AGE ENCRYPTED FILE-----\n"));
    // The metadata comes last.
    assert_eq!(doc.as_table().iter().last().map(|(k, _)| k), Some("sops"));
}

#[test]
fn decrypt_gives_back_the_same_tree_and_text() {
    let env = TestEnv::new();
    let plain = env.write("app.toml", SAMPLE);
    let (enc, _) = encrypt(&env, &plain, "app.enc.toml");
    let decrypted = env.ok(&["decrypt", &path_arg(&enc)]);
    assert_eq!(parse(&decrypted), parse(SAMPLE));
    assert_eq!(decrypted, SAMPLE);
}

#[test]
fn comments_and_order_survive_a_hand_written_file() {
    let input = "\
# top
b = 2 # end of b
a.z = 1
a.y = [
  1, # one
  # before two
  2,
]
[t] # on the header
k = 'v'
# closes t

# before [[l]]
[[l]]
n = 1
[[l]]
n = 2
# end of file
";
    let env = TestEnv::new();
    let plain = env.write("in.toml", input);
    let (enc, _) = encrypt(&env, &plain, "in.enc.toml");
    let decrypted = env.ok(&["decrypt", &path_arg(&enc)]);
    // sops drops the end-of-line flag of every comment it walks: compare without it.
    let strip = |mut tree: Tree| {
        fn map(m: &mut Map) {
            for item in &mut m.items {
                match item {
                    MapItem::Comment(c) => c.inline = false,
                    MapItem::Entry { value, .. } => val(value),
                }
            }
        }
        fn val(v: &mut Value) {
            match v {
                Value::Map(m) => map(m),
                Value::List(items) => {
                    for item in items {
                        match item {
                            ListItem::Comment(c) => c.inline = false,
                            ListItem::Value(v) => val(v),
                        }
                    }
                }
                Value::Scalar(_) => {}
            }
        }
        tree.documents.iter_mut().for_each(map);
        tree
    };
    assert_eq!(strip(parse(&decrypted)), strip(parse(input)), "{decrypted}");
}

#[test]
fn toml_converts_to_yaml_and_json() {
    let env = TestEnv::new();
    let input = "name = \"x\"\ncount = 1\n[db]\nuser = \"u\"\nports = [1, 2]\n";
    let plain = env.write("c.toml", input);
    let (enc, _) = encrypt(&env, &plain, "c.enc.toml");
    let json = env.ok(&["decrypt", "--output-type", "json", &path_arg(&enc)]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"name": "x", "count": 1, "db": {"user": "u", "ports": [1, 2]}})
    );
    let yaml = env.ok(&["decrypt", "--output-type", "yaml", &path_arg(&enc)]);
    assert_eq!(
        yaml,
        "name: x\ncount: 1\ndb:\n    user: u\n    ports:\n        - 1\n        - 2\n"
    );
    // And back: a YAML file written out as TOML.
    let yaml_file = env.write("c.yaml", &yaml);
    let toml_text = env.ok(&[
        "decrypt",
        "--output-type",
        "toml",
        &path_arg(&encrypt(&env, &yaml_file, "c.enc.yaml").0),
    ]);
    assert_eq!(
        toml_text,
        "name = \"x\"\ncount = 1\n\n[db]\nuser = \"u\"\nports = [1, 2]\n"
    );
}

#[test]
fn a_null_cannot_be_written_as_toml() {
    let env = TestEnv::new();
    let plain = env.write("n.json", "{\"a\": {\"b\": null}}");
    let (enc, _) = encrypt(&env, &plain, "n.enc.json");
    let out = env.run(&["decrypt", "--output-type", "toml", &path_arg(&enc)]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("null") && stderr.contains("[\"a\"][\"b\"]"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Random trees

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        any::<bool>().prop_map(Scalar::Bool),
        any::<i64>().prop_map(Scalar::Int),
        any::<f64>()
            .prop_filter("not NaN", |f| !f.is_nan())
            .prop_map(Scalar::Float),
        "\\PC{0,20}".prop_map(Scalar::Str),
        "[a-z \\n\"\\\\]{0,30}".prop_map(Scalar::Str),
        (0i64..4_000_000_000, 0u32..1_000_000_000, -1439i32..1440).prop_map(|(s, ns, m)| {
            let t = time::OffsetDateTime::from_unix_timestamp(s)
                .unwrap()
                .replace_nanosecond(ns)
                .unwrap()
                .to_offset(time::UtcOffset::from_whole_seconds(m * 60).unwrap());
            Scalar::Time(Timestamp(t))
        }),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z_][a-z0-9_-]{0,8}", "\\PC{0,6}",]
        .prop_filter("not the metadata key", |k| k != "sops")
}

fn comment() -> impl Strategy<Value = Comment> {
    ("[ a-zA-Z0-9#\"'=\\[\\]{},.é]{0,16}", any::<bool>())
        .prop_map(|(text, inline)| Comment { text, inline })
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = scalar().prop_map(Value::Scalar);
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(
                prop_oneof![
                    4 => inner.clone().prop_map(ListItem::Value),
                    1 => comment().prop_map(ListItem::Comment),
                ],
                0..5
            )
            .prop_map(|mut items| {
                fix_list_inline(&mut items);
                Value::List(items)
            }),
            prop::collection::vec((key(), inner), 0..5)
                .prop_flat_map(|entries| {
                    let n = entries.len() + 1;
                    (
                        Just(entries),
                        prop::collection::vec(prop::option::of(comment()), n),
                    )
                })
                .prop_map(|(entries, comments)| Value::Map(build_map(entries, comments))),
        ]
    })
}

/// Interleaves comments with unique-keyed entries (`comments[i]` before entry i, the last one at
/// the end).
fn build_map(entries: Vec<(String, Value)>, comments: Vec<Option<Comment>>) -> Map {
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut comments = comments.into_iter();
    for (key, value) in entries {
        if let Some(Some(c)) = comments.next() {
            items.push(MapItem::Comment(c));
        }
        if seen.insert(key.clone()) {
            items.push(MapItem::Entry { key, value });
        }
    }
    if let Some(Some(c)) = comments.next() {
        items.push(MapItem::Comment(c));
    }
    fix_map_inline(&mut items);
    Map { items }
}

/// An end-of-line comment only exists right before the entry whose line it ends.
fn fix_map_inline(items: &mut [MapItem]) {
    for i in 0..items.len() {
        let next_is_entry = matches!(items.get(i + 1), Some(MapItem::Entry { .. }));
        if let MapItem::Comment(c) = &mut items[i] {
            c.inline &= next_is_entry;
        }
    }
}

fn fix_list_inline(items: &mut [ListItem]) {
    for i in 0..items.len() {
        let next_is_value = matches!(items.get(i + 1), Some(ListItem::Value(_)));
        if let ListItem::Comment(c) = &mut items[i] {
            c.inline &= next_is_value;
        }
    }
}

fn document() -> impl Strategy<Value = Map> {
    prop::collection::vec((key(), value()), 0..6)
        .prop_flat_map(|entries| {
            let n = entries.len() + 1;
            (
                Just(entries),
                prop::collection::vec(prop::option::of(comment()), n),
            )
        })
        .prop_map(|(entries, comments)| build_map(entries, comments))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_trees_round_trip(doc in document()) {
        let tree = Tree { documents: vec![doc] };
        let text = toml::emit(&tree).unwrap();
        let text = String::from_utf8(text).unwrap();
        let parsed = toml::parse(text.as_bytes());
        prop_assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), text);
        prop_assert_eq!(parsed.unwrap(), tree, "{}", text);
    }
}
