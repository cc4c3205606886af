//! Flattening of nested metadata into `name = string` pairs and back, as sops does for the
//! formats that cannot nest (dotenv and INI), plus `ValToString`, sops's rendering of
//! non-string scalars in those formats.
//!
//! Names join the path with `__map_<key>` for mapping descent and `__list_<n>` for list descent
//! (`n` counts only non-comment elements); the top-level key has no separator:
//! `pgp__list_0__map_enc`. Everything here works on the format-neutral tree.

use std::collections::{BTreeMap, HashSet};

use super::FormatError;
use crate::tree::{ListItem, Map, MapItem, Scalar, Value, number};

/// Separator for a step into a mapping.
pub const MAP_SEPARATOR: &str = "__map_";
/// Separator for a step into a list.
pub const LIST_SEPARATOR: &str = "__list_";

/// Flattens a mapping depth-first in tree order. Comments are skipped, nulls and empty
/// maps/lists produce no entries, scalars are rendered with [`scalar_to_string`].
pub fn flatten(map: &Map) -> Result<Vec<(String, String)>, FormatError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (key, value) in map.entries() {
        flatten_value(key.to_string(), value, &mut out, &mut seen)?;
    }
    Ok(out)
}

fn flatten_value(
    name: String,
    value: &Value,
    out: &mut Vec<(String, String)>,
    seen: &mut HashSet<String>,
) -> Result<(), FormatError> {
    match value {
        Value::Scalar(Scalar::Null) => Ok(()),
        Value::Scalar(scalar) => {
            if !seen.insert(name.clone()) {
                return Err(FormatError::new(format!(
                    "found key collision while flattening: {name}"
                )));
            }
            out.push((name, scalar_to_string(scalar)));
            Ok(())
        }
        Value::Map(map) => {
            for (key, child) in map.entries() {
                flatten_value(format!("{name}{MAP_SEPARATOR}{key}"), child, out, seen)?;
            }
            Ok(())
        }
        Value::List(items) => {
            let values = items.iter().filter_map(|item| match item {
                ListItem::Value(v) => Some(v),
                ListItem::Comment(_) => None,
            });
            for (index, child) in values.enumerate() {
                flatten_value(format!("{name}{LIST_SEPARATOR}{index}"), child, out, seen)?;
            }
            Ok(())
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Key(String),
    Index(usize),
}

fn tokenize(name: &str) -> Result<Vec<Token>, FormatError> {
    // Positions of every separator, left to right.
    let mut tokens = Vec::new();
    let mut rest = name;
    let mut pending: Option<bool> = None; // Some(true): list step, Some(false): map step
    loop {
        let next_map = rest.find(MAP_SEPARATOR);
        let next_list = rest.find(LIST_SEPARATOR);
        let next = match (next_map, next_list) {
            (Some(m), Some(l)) if l < m => Some((l, true)),
            (Some(m), _) => Some((m, false)),
            (None, Some(l)) => Some((l, true)),
            (None, None) => None,
        };
        let (text, after) = match next {
            Some((at, is_list)) => {
                let sep = if is_list {
                    LIST_SEPARATOR
                } else {
                    MAP_SEPARATOR
                };
                (&rest[..at], Some((is_list, &rest[at + sep.len()..])))
            }
            None => (rest, None),
        };
        tokens.push(match pending {
            Some(true) => Token::Index(parse_index(text).ok_or_else(|| {
                FormatError::new(format!("invalid list index in flattened key {name}"))
            })?),
            _ => Token::Key(text.to_string()),
        });
        match after {
            Some((is_list, remainder)) => {
                pending = Some(is_list);
                rest = remainder;
            }
            None => return Ok(tokens),
        }
    }
}

/// Go `strconv.Atoi` for indices: optional `+`, decimal digits (leading zeros allowed).
fn parse_index(text: &str) -> Option<usize> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

enum Node {
    Empty,
    Leaf(String),
    Map(BTreeMap<String, Node>),
    List(BTreeMap<usize, Node>),
}

impl Node {
    fn child(&mut self, token: &Token, name: &str) -> Result<&mut Node, FormatError> {
        let mismatch = || FormatError::new(format!("type mismatch in flattened key {name}"));
        if matches!(self, Node::Empty) {
            *self = match token {
                Token::Key(_) => Node::Map(BTreeMap::new()),
                Token::Index(_) => Node::List(BTreeMap::new()),
            };
        }
        match (self, token) {
            (Node::Map(children), Token::Key(key)) => {
                Ok(children.entry(key.clone()).or_insert(Node::Empty))
            }
            (Node::List(children), Token::Index(index)) => {
                Ok(children.entry(*index).or_insert(Node::Empty))
            }
            _ => Err(mismatch()),
        }
    }

    fn into_value(self, name: &str) -> Result<Value, FormatError> {
        Ok(match self {
            Node::Empty => Value::Scalar(Scalar::Null),
            Node::Leaf(s) => Value::str(s),
            Node::Map(children) => Value::Map(children_to_map(children, name)?),
            Node::List(children) => {
                let mut items = Vec::with_capacity(children.len());
                for (expected, (index, child)) in children.into_iter().enumerate() {
                    if index != expected {
                        return Err(FormatError::new(format!(
                            "incomplete list in flattened key {name}"
                        )));
                    }
                    items.push(ListItem::Value(child.into_value(name)?));
                }
                Value::List(items)
            }
        })
    }
}

fn children_to_map(children: BTreeMap<String, Node>, name: &str) -> Result<Map, FormatError> {
    let mut map = Map::default();
    for (key, child) in children {
        let value = child.into_value(if name.is_empty() { &key } else { name })?;
        map.items.push(MapItem::Entry { key, value });
    }
    Ok(map)
}

/// Rebuilds a nested mapping from flattened pairs. Values stay strings; mapping keys come out
/// sorted (as sops's unflatten does). Errors on a value and children at the same name, on a
/// name used twice, and on lists whose indices are not exactly `0..n`.
pub fn unflatten(pairs: Vec<(String, String)>) -> Result<Map, FormatError> {
    let mut root: BTreeMap<String, Node> = BTreeMap::new();
    for (name, value) in pairs {
        let tokens = tokenize(&name)?;
        // The flattened name nests one level per step, under the file's root mapping.
        if tokens.len() >= super::MAX_DEPTH {
            return Err(FormatError::new(format!(
                "a flattened key is {}",
                super::depth_message()
            )));
        }
        let Some(Token::Key(first)) = tokens.first() else {
            unreachable!("the first token is always a key");
        };
        let mut node = root.entry(first.clone()).or_insert(Node::Empty);
        for token in &tokens[1..] {
            node = node.child(token, &name)?;
        }
        match node {
            Node::Empty => *node = Node::Leaf(value),
            Node::Leaf(_) => {
                return Err(FormatError::new(format!(
                    "duplicate value for flattened key {name}"
                )));
            }
            _ => {
                return Err(FormatError::new(format!(
                    "type mismatch in flattened key {name}"
                )));
            }
        }
    }
    children_to_map(root, "")
}

/// sops's `ValToString` for a scalar: strings as they are, ints in decimal, floats with Go
/// `FormatFloat(f, 'G', -1, 64)` plus `.0` when that has neither `.` nor `E`, booleans as
/// `true`/`false`, times in RFC 3339 (whole seconds), null as Go prints nil (`<nil>`).
pub fn scalar_to_string(scalar: &Scalar) -> String {
    match scalar {
        Scalar::Str(s) => s.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => {
            let s = number::format_g(*f).to_uppercase();
            let s = match s.as_str() {
                "NAN" => "NaN".to_string(),
                "+INF" => "+Inf".to_string(),
                "-INF" => "-Inf".to_string(),
                _ => s,
            };
            if s.contains('.') || s.contains('E') || !f.is_finite() {
                s
            } else {
                format!("{s}.0")
            }
        }
        Scalar::Bool(b) => b.to_string(),
        Scalar::Time(t) => t.to_rfc3339(),
        Scalar::Null => "<nil>".to_string(),
        Scalar::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// Go's `fmt` `%v` rendering of any tree value, which is what sops writes for a nested value
/// inside an INI section: maps as `[{key value} ...]`, lists as `[a b]`, floats with `'g'`.
pub fn go_debug_string(value: &Value) -> String {
    match value {
        Value::Scalar(Scalar::Float(f)) => number::format_g(*f),
        Value::Scalar(Scalar::Time(t)) => t.to_rfc3339_nano(),
        Value::Scalar(scalar) => scalar_to_string(scalar),
        Value::Map(map) => {
            let parts: Vec<String> = map
                .items
                .iter()
                .map(|item| match item {
                    MapItem::Entry { key, value } => {
                        format!("{{{key} {}}}", go_debug_string(value))
                    }
                    MapItem::Comment(c) => format!("{{{{{}}} <nil>}}", c.text),
                })
                .collect();
            format!("[{}]", parts.join(" "))
        }
        Value::List(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|item| match item {
                    ListItem::Value(v) => go_debug_string(v),
                    ListItem::Comment(c) => format!("{{{}}}", c.text),
                })
                .collect();
            format!("[{}]", parts.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Value)]) -> Map {
        let mut m = Map::default();
        for (k, v) in pairs {
            m.push(*k, v.clone());
        }
        m
    }

    fn list(values: &[Value]) -> Value {
        Value::List(values.iter().cloned().map(ListItem::Value).collect())
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn flattens_depth_first_with_separators() {
        let pgp = map(&[("enc", Value::str("E")), ("fp", Value::str("F"))]);
        let ctx = map(&[("k", Value::str("v"))]);
        let kms = map(&[("arn", Value::str("A")), ("context", Value::Map(ctx))]);
        let mut items = vec![ListItem::Comment(crate::tree::Comment::new("skip"))];
        items.push(ListItem::Value(Value::Map(pgp)));
        let m = map(&[
            ("pgp", Value::List(items)),
            ("kms", list(&[Value::Map(kms)])),
            ("n", Value::Scalar(Scalar::Int(2))),
            ("b", Value::Scalar(Scalar::Bool(true))),
            ("null", Value::Scalar(Scalar::Null)),
            ("empty", Value::List(vec![])),
        ]);
        assert_eq!(
            flatten(&m).unwrap(),
            pairs(&[
                ("pgp__list_0__map_enc", "E"),
                ("pgp__list_0__map_fp", "F"),
                ("kms__list_0__map_arn", "A"),
                ("kms__list_0__map_context__map_k", "v"),
                ("n", "2"),
                ("b", "true"),
            ])
        );
    }

    #[test]
    fn flatten_reports_collisions() {
        let m = map(&[
            ("a__map_b", Value::str("1")),
            ("a", Value::Map(map(&[("b", Value::str("2"))]))),
        ]);
        let err = flatten(&m).unwrap_err();
        assert!(err.message.contains("collision"), "{err}");
    }

    #[test]
    fn unflattens_into_sorted_nested_maps_and_lists() {
        let m = unflatten(pairs(&[
            ("version", "3"),
            ("key_groups__list_1__map_age__list_0__map_recipient", "r1"),
            ("key_groups__list_0__map_age__list_0__map_recipient", "r0"),
            ("key_groups__list_0__map_age__list_0__map_enc", "e0"),
            ("lastmodified", "t"),
        ]))
        .unwrap();
        let age0 = map(&[("enc", Value::str("e0")), ("recipient", Value::str("r0"))]);
        let age1 = map(&[("recipient", Value::str("r1"))]);
        let expected = map(&[
            (
                "key_groups",
                list(&[
                    Value::Map(map(&[("age", list(&[Value::Map(age0)]))])),
                    Value::Map(map(&[("age", list(&[Value::Map(age1)]))])),
                ]),
            ),
            ("lastmodified", Value::str("t")),
            ("version", Value::str("3")),
        ]);
        assert_eq!(m, expected);
        // And back again.
        let flat = flatten(&m).unwrap();
        assert_eq!(flat.len(), 5);
        assert_eq!(unflatten(flat).unwrap(), m);
    }

    #[test]
    fn unflatten_errors() {
        let err = |p: &[(&str, &str)]| unflatten(pairs(p)).unwrap_err().message;
        assert!(err(&[("a", "1"), ("a__map_b", "2")]).contains("type mismatch"));
        assert!(err(&[("a__map_b", "2"), ("a", "1")]).contains("type mismatch"));
        assert!(err(&[("a__list_0", "1"), ("a__map_b", "2")]).contains("type mismatch"));
        assert!(err(&[("a", "1"), ("a", "2")]).contains("duplicate"));
        assert!(err(&[("a__list_1", "1")]).contains("incomplete list"));
        assert!(err(&[("a__list_0", "1"), ("a__list_2", "1")]).contains("incomplete list"));
        assert!(err(&[("a__list_x", "1")]).contains("invalid list index"));
    }

    #[test]
    fn tokenizes_left_to_right() {
        assert_eq!(
            tokenize("a__list_10__map_b__map_c").unwrap(),
            vec![
                Token::Key("a".into()),
                Token::Index(10),
                Token::Key("b".into()),
                Token::Key("c".into())
            ]
        );
        assert_eq!(tokenize("plain").unwrap(), vec![Token::Key("plain".into())]);
    }

    #[test]
    fn val_to_string_matches_sops() {
        let f = |x: f64| scalar_to_string(&Scalar::Float(x));
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(123.0), "123.0");
        assert_eq!(f(100000.0), "100000.0");
        assert_eq!(f(1234567.0), "1.234567E+06");
        assert_eq!(f(1000000.0), "1E+06");
        assert_eq!(f(0.00001), "1E-05");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(-2.5e-10), "-2.5E-10");
        assert_eq!(scalar_to_string(&Scalar::Bool(false)), "false");
        assert_eq!(scalar_to_string(&Scalar::Int(-7)), "-7");
        assert_eq!(scalar_to_string(&Scalar::Null), "<nil>");
    }

    #[test]
    fn go_debug_string_of_nested_values() {
        let v = list(&[
            Value::Scalar(Scalar::Float(1_000_000.0)),
            Value::Scalar(Scalar::Float(2.0)),
            Value::str("x"),
            Value::Map(map(&[("a", Value::Scalar(Scalar::Int(1)))])),
            list(&[Value::Scalar(Scalar::Int(3))]),
            Value::Scalar(Scalar::Null),
        ]);
        assert_eq!(go_debug_string(&v), "[1e+06 2 x [{a 1}] [3] <nil>]");
    }
}
