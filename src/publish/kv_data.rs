//! The decrypted values of a file as the Vault KV secret sops writes for them (its
//! `EmitAsMap` sent through Go's `encoding/json`), and the "already up to date" check.
//!
//! * The top-level entries of every document merge into one object; a later duplicate wins.
//!   Comments are dropped; keys come out sorted, as Go writes a map.
//! * A mapping reached through mappings only is an object too.
//! * A list keeps sops's in-memory shape, which is what sops sends: a mapping inside a list is
//!   a list of `{"Key": k, "Value": v}` pairs (a comment among them is
//!   `{"Key": {"Value": text}, "Value": null}`), and a comment in a list is `{"Value": text}`.
//! * Numbers are written as Go writes them (`2.0` as `2`, `1e21` as `1e+21`), timestamps as
//!   RFC 3339 strings with nanoseconds, bytes as base64; NaN and infinities cannot be sent.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::Value as Json;
use zeroize::Zeroizing;

use crate::tree::number::format_json;
use crate::tree::{ListItem, Map, MapItem, Scalar, Tree, Value};

/// One value of the secret.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Str(String),
    /// A number, a timestamp or bytes, already as JSON text. sops compares its own Go values
    /// with what Vault returns, and these never compare equal to a decoded JSON value.
    Opaque(String),
    Object(BTreeMap<String, Node>),
    Array(Vec<Node>),
    /// A Go struct (sops's tree item or comment): fields in declaration order.
    Record(Vec<(&'static str, Node)>),
}

/// The decrypted values of a file, ready to be written to Vault KV.
#[derive(Clone, Debug, PartialEq)]
pub struct KvData {
    root: BTreeMap<String, Node>,
}

/// A value JSON cannot hold.
#[derive(Debug, thiserror::Error)]
#[error("the value at {path} is {what}, which cannot be written to Vault")]
pub struct KvDataError {
    path: String,
    what: &'static str,
}

impl KvData {
    /// The secret for a decrypted tree.
    pub fn from_tree(tree: &Tree) -> Result<KvData, KvDataError> {
        let mut root = BTreeMap::new();
        for document in &tree.documents {
            object_into(document, "", &mut root)?;
        }
        Ok(KvData { root })
    }

    /// The secret as the JSON body sops sends: the object itself (KV v1) or wrapped in
    /// `{"data": …}` (KV v2). Zeroized when dropped.
    pub fn body(&self, kv_version: u8) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::new());
        if kv_version == 1 {
            write_object(&self.root, &mut out);
        } else {
            out.push_str("{\"data\":");
            write_object(&self.root, &mut out);
            out.push('}');
        }
        out
    }

    /// Whether `existing` (the `data.data` of what Vault returned for the secret) already holds
    /// these values by sops's comparison: strings, booleans, nulls, objects and arrays compare
    /// by value; numbers, timestamps and sops's list shapes never match.
    pub fn same_as(&self, existing: &Json) -> bool {
        match existing {
            Json::Object(map) => {
                map.len() == self.root.len()
                    && self
                        .root
                        .iter()
                        .all(|(key, node)| map.get(key).is_some_and(|value| node.same_as(value)))
            }
            _ => false,
        }
    }
}

impl Node {
    fn same_as(&self, value: &Json) -> bool {
        match (self, value) {
            (Node::Null, Json::Null) => true,
            (Node::Bool(a), Json::Bool(b)) => a == b,
            (Node::Str(a), Json::String(b)) => a == b,
            (Node::Object(a), Json::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(key, node)| b.get(key).is_some_and(|value| node.same_as(value)))
            }
            (Node::Array(a), Json::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(node, value)| node.same_as(value))
            }
            _ => false,
        }
    }
}

fn join(path: &str, key: &str) -> String {
    format!("{path}[{key:?}]")
}

/// Adds a mapping's entries to `out` (a later duplicate key wins; comments are dropped).
fn object_into(map: &Map, path: &str, out: &mut BTreeMap<String, Node>) -> Result<(), KvDataError> {
    for item in &map.items {
        if let MapItem::Entry { key, value } = item {
            let here = join(path, key);
            let node = match value {
                Value::Map(inner) => {
                    let mut object = BTreeMap::new();
                    object_into(inner, &here, &mut object)?;
                    Node::Object(object)
                }
                other => raw(other, &here)?,
            };
            out.insert(key.clone(), node);
        }
    }
    Ok(())
}

/// A value inside a list, in sops's in-memory shape.
fn raw(value: &Value, path: &str) -> Result<Node, KvDataError> {
    match value {
        Value::Scalar(scalar) => scalar_node(scalar, path),
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                ListItem::Value(value) => raw(value, &format!("{path}[{index}]")),
                ListItem::Comment(comment) => Ok(comment_node(&comment.text)),
            })
            .collect::<Result<_, _>>()
            .map(Node::Array),
        Value::Map(map) => map
            .items
            .iter()
            .map(|item| match item {
                MapItem::Entry { key, value } => Ok(Node::Record(vec![
                    ("Key", Node::Str(key.clone())),
                    ("Value", raw(value, &join(path, key))?),
                ])),
                MapItem::Comment(comment) => Ok(Node::Record(vec![
                    ("Key", comment_node(&comment.text)),
                    ("Value", Node::Null),
                ])),
            })
            .collect::<Result<_, _>>()
            .map(Node::Array),
    }
}

fn comment_node(text: &str) -> Node {
    Node::Record(vec![("Value", Node::Str(text.to_string()))])
}

fn scalar_node(scalar: &Scalar, path: &str) -> Result<Node, KvDataError> {
    Ok(match scalar {
        Scalar::Null => Node::Null,
        Scalar::Bool(b) => Node::Bool(*b),
        Scalar::Str(s) => Node::Str(s.clone()),
        Scalar::Int(i) => Node::Opaque(i.to_string()),
        Scalar::Float(f) => Node::Opaque(format_json(*f).ok_or_else(|| KvDataError {
            path: path.to_string(),
            what: "not a finite number",
        })?),
        Scalar::Time(t) => Node::Opaque(json_string(&t.to_rfc3339_nano())),
        Scalar::Bytes(b) => Node::Opaque(json_string(
            &base64::engine::general_purpose::STANDARD.encode(b),
        )),
    })
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

fn write_object(map: &BTreeMap<String, Node>, out: &mut String) {
    out.push('{');
    for (index, (key, node)) in map.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&json_string(key));
        out.push(':');
        write_node(node, out);
    }
    out.push('}');
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Node::Str(s) => out.push_str(&json_string(s)),
        Node::Opaque(text) => out.push_str(text),
        Node::Object(map) => write_object(map, out),
        Node::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_node(item, out);
            }
            out.push(']');
        }
        Node::Record(fields) => {
            out.push('{');
            for (index, (name, value)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(name));
                out.push(':');
                write_node(value, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    fn data(yaml: &str) -> KvData {
        KvData::from_tree(&Format::Yaml.parse(yaml.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn writes_what_sops_writes() {
        let kv = data(
            "# top\nb: x # inline\nf2: 2.0\nbig: 1.0e+21\nwhen: 2025-01-02T03:04:05Z\n\
             list:\n  # in list\n  - x\n  - k: v\n    # c\n    k2: 3\n  - [1, 2]\n\
             m:\n  # in map\n  z: \"1\"\n  n: null\n---\nsecond: doc\nb: y\n",
        );
        assert_eq!(
            kv.body(1).as_str(),
            r#"{"b":"y","big":1e+21,"f2":2,"list":[{"Value":" in list"},"x",[{"Key":"k","Value":"v"},{"Key":{"Value":" c"},"Value":null},{"Key":"k2","Value":3}],[1,2]],"m":{"n":null,"z":"1"},"second":"doc","when":"2025-01-02T03:04:05Z"}"#
        );
        assert!(kv.body(2).starts_with("{\"data\":{\"b\":"));
    }

    #[test]
    fn only_plain_values_compare_equal() {
        let strings = data("a: b\nm:\n  t: true\n  l: [x, null]\n");
        let same: Json = serde_json::json!({"a": "b", "m": {"t": true, "l": ["x", null]}});
        assert!(strings.same_as(&same));
        assert!(!strings.same_as(&serde_json::json!({"a": "b"})));
        let number = data("n: 1\n");
        assert!(!number.same_as(&serde_json::json!({"n": 1})));
    }

    #[test]
    fn non_finite_numbers_are_refused_by_path() {
        let tree = Format::Yaml.parse(b"a:\n  b: .nan\n").unwrap();
        let err = KvData::from_tree(&tree).unwrap_err().to_string();
        assert!(err.contains(r#"["a"]["b"]"#), "{err}");
    }
}
