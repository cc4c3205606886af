//! Tree paths in sops's syntax, `["a"][0]["b"]`: parsing, display, get, set and unset.
//!
//! Used by `--extract`, `set` and `unset`. Keys are quoted with `"` or `'` (no escapes, as in
//! sops); indices are decimal. Indices count values only: comment items in a list are skipped.

use std::fmt;

use super::{ListItem, Map, MapItem, Value};
use crate::formats::{MAX_DEPTH, nests_deeper_than};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A parsed path such as `["a"][0]["b"]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreePath(pub Vec<Step>);

/// Why a path could not be parsed or applied. Never holds a value, only the path.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// The path text is malformed.
    #[error("invalid tree path {path:?}: {reason}")]
    Syntax {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A key along the path does not exist.
    #[error("key not found: {0}")]
    KeyNotFound(String),
    /// An index along the path is past the end of its list.
    #[error("index {index} out of bounds at {at}")]
    IndexOutOfBounds {
        /// The index.
        index: usize,
        /// The path up to the list.
        at: String,
    },
    /// The value would be nested deeper than any file may be ([`MAX_DEPTH`]).
    #[error(
        "the path and value would nest more than {MAX_DEPTH} levels deep, the most a file may have"
    )]
    TooDeep,
    /// A step does not fit the value it applies to (a key on a list, an index on a map...).
    #[error("{at} is not a {expected}")]
    WrongKind {
        /// The path up to the value.
        at: String,
        /// `mapping` or `list`.
        expected: &'static str,
    },
}

impl TreePath {
    /// Parses `["key"][0]['other']`.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let err = |reason| PathError::Syntax {
            path: text.to_string(),
            reason,
        };
        let bytes = text.as_bytes();
        let mut steps = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'[' {
                return Err(err("expected '['"));
            }
            i += 1;
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let start = i + 1;
                    let mut end = start;
                    // The key ends at the quote that is followed by ']'.
                    loop {
                        match bytes.get(end) {
                            None => return Err(err("unterminated key")),
                            Some(&c) if c == quote && bytes.get(end + 1) == Some(&b']') => break,
                            Some(_) => end += 1,
                        }
                    }
                    steps.push(Step::Key(text[start..end].to_string()));
                    i = end + 2;
                }
                Some(c) if c.is_ascii_digit() => {
                    let start = i;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    if bytes.get(i) != Some(&b']') {
                        return Err(err("an index must be digits followed by ']'"));
                    }
                    let index = text[start..i].parse().map_err(|_| err("index too large"))?;
                    steps.push(Step::Index(index));
                    i += 1;
                }
                _ => return Err(err("expected a quoted key or an index after '['")),
            }
        }
        if steps.is_empty() {
            return Err(err("empty path"));
        }
        Ok(TreePath(steps))
    }

    fn prefix(&self, len: usize) -> String {
        TreePath(self.0[..len].to_vec()).to_string()
    }

    /// The value at this path in a document.
    pub fn get<'a>(&self, root: &'a Map) -> Result<&'a Value, PathError> {
        let mut current: Option<&Value> = None;
        for (depth, step) in self.0.iter().enumerate() {
            let next = match (current, step) {
                (None, Step::Key(key)) => root.get(key),
                (Some(Value::Map(map)), Step::Key(key)) => map.get(key),
                (Some(Value::List(items)), Step::Index(index)) => {
                    let found = values(items).nth(*index);
                    if found.is_none() {
                        return Err(PathError::IndexOutOfBounds {
                            index: *index,
                            at: self.prefix(depth),
                        });
                    }
                    found
                }
                (_, Step::Key(_)) => return Err(self.wrong_kind(depth, "mapping")),
                (_, Step::Index(_)) => return Err(self.wrong_kind(depth, "list")),
            };
            current = Some(next.ok_or_else(|| PathError::KeyNotFound(self.prefix(depth + 1)))?);
        }
        Ok(current.expect("paths are never empty"))
    }

    fn wrong_kind(&self, depth: usize, expected: &'static str) -> PathError {
        let at = if depth == 0 {
            "the document root".to_string()
        } else {
            self.prefix(depth)
        };
        PathError::WrongKind { at, expected }
    }

    /// Sets the value at this path, creating missing mappings and lists on the way. An index at
    /// or past the end of a list appends. Returns whether the tree changed. A path and value
    /// that would nest deeper than [`MAX_DEPTH`] are refused before anything changes.
    pub fn set(&self, root: &mut Map, value: Value) -> Result<bool, PathError> {
        self.check_depth(&value)?;
        let (last, parents) = self.0.split_last().expect("paths are never empty");
        let Step::Key(first_key) = &self.0[0] else {
            return Err(self.wrong_kind(0, "list"));
        };
        let mut slot: &mut Value = if parents.is_empty() {
            return Ok(set_in_map(root, first_key, value));
        } else {
            entry_or_insert(root, first_key, &self.0[1])
        };
        for (offset, step) in parents[1..].iter().enumerate() {
            let depth = offset + 1;
            let next_step = &self.0[depth + 1];
            slot = match (slot, step) {
                (Value::Map(map), Step::Key(key)) => entry_or_insert(map, key, next_step),
                (Value::List(items), Step::Index(index)) => list_slot(items, *index, next_step),
                (_, Step::Key(_)) => return Err(self.wrong_kind(depth, "mapping")),
                (_, Step::Index(_)) => return Err(self.wrong_kind(depth, "list")),
            };
        }
        let depth = parents.len();
        match (slot, last) {
            (Value::Map(map), Step::Key(key)) => Ok(set_in_map(map, key, value)),
            (Value::List(items), Step::Index(index)) => {
                let slot = list_slot(items, *index, last);
                let changed = *slot != value;
                *slot = value;
                Ok(changed)
            }
            (_, Step::Key(_)) => Err(self.wrong_kind(depth, "mapping")),
            (_, Step::Index(_)) => Err(self.wrong_kind(depth, "list")),
        }
    }

    /// Refuses a value that, set at this path, would nest deeper than [`MAX_DEPTH`]: each step
    /// is one level (the root mapping and the containers on the way), and the value adds its own.
    pub fn check_depth(&self, value: &Value) -> Result<(), PathError> {
        let steps = self.0.len();
        if steps > MAX_DEPTH || nests_deeper_than(value, MAX_DEPTH - steps) {
            return Err(PathError::TooDeep);
        }
        Ok(())
    }

    /// Removes the entry or list element at this path.
    pub fn unset(&self, root: &mut Map) -> Result<(), PathError> {
        let (last, parents) = self.0.split_last().expect("paths are never empty");
        if parents.is_empty() {
            let Step::Key(key) = last else {
                return Err(self.wrong_kind(0, "list"));
            };
            return remove_key(root, key).ok_or_else(|| PathError::KeyNotFound(self.to_string()));
        }
        let parent_path = TreePath(parents.to_vec());
        let container = parent_path.get_mut(root)?;
        match (container, last) {
            (Value::Map(map), Step::Key(key)) => {
                remove_key(map, key).ok_or_else(|| PathError::KeyNotFound(self.to_string()))
            }
            (Value::List(items), Step::Index(index)) => {
                let position = items
                    .iter()
                    .enumerate()
                    .filter(|(_, item)| matches!(item, ListItem::Value(_)))
                    .nth(*index)
                    .map(|(position, _)| position)
                    .ok_or_else(|| PathError::IndexOutOfBounds {
                        index: *index,
                        at: parent_path.to_string(),
                    })?;
                items.remove(position);
                Ok(())
            }
            (_, Step::Key(_)) => Err(self.wrong_kind(parents.len(), "mapping")),
            (_, Step::Index(_)) => Err(self.wrong_kind(parents.len(), "list")),
        }
    }

    fn get_mut<'a>(&self, root: &'a mut Map) -> Result<&'a mut Value, PathError> {
        let Step::Key(first) = &self.0[0] else {
            return Err(self.wrong_kind(0, "list"));
        };
        let mut current = root
            .get_mut(first)
            .ok_or_else(|| PathError::KeyNotFound(self.prefix(1)))?;
        for (offset, step) in self.0[1..].iter().enumerate() {
            let depth = offset + 1;
            current = match (current, step) {
                (Value::Map(map), Step::Key(key)) => map
                    .get_mut(key)
                    .ok_or_else(|| PathError::KeyNotFound(self.prefix(depth + 1)))?,
                (Value::List(items), Step::Index(index)) => items
                    .iter_mut()
                    .filter_map(|item| match item {
                        ListItem::Value(v) => Some(v),
                        ListItem::Comment(_) => None,
                    })
                    .nth(*index)
                    .ok_or_else(|| PathError::IndexOutOfBounds {
                        index: *index,
                        at: self.prefix(depth),
                    })?,
                (_, Step::Key(_)) => return Err(self.wrong_kind(depth, "mapping")),
                (_, Step::Index(_)) => return Err(self.wrong_kind(depth, "list")),
            };
        }
        Ok(current)
    }
}

fn values(items: &[ListItem]) -> impl Iterator<Item = &Value> {
    items.iter().filter_map(|item| match item {
        ListItem::Value(v) => Some(v),
        ListItem::Comment(_) => None,
    })
}

fn empty_container_for(step: &Step) -> Value {
    match step {
        Step::Key(_) => Value::Map(Map::default()),
        Step::Index(_) => Value::List(Vec::new()),
    }
}

fn entry_or_insert<'a>(map: &'a mut Map, key: &str, next: &Step) -> &'a mut Value {
    let position = map
        .items
        .iter()
        .position(|item| matches!(item, MapItem::Entry { key: k, .. } if k == key));
    let position = position.unwrap_or_else(|| {
        map.push(key, empty_container_for(next));
        map.items.len() - 1
    });
    match &mut map.items[position] {
        MapItem::Entry { value, .. } => value,
        MapItem::Comment(_) => unreachable!("position points at an entry"),
    }
}

fn list_slot<'a>(items: &'a mut Vec<ListItem>, index: usize, next: &Step) -> &'a mut Value {
    let positions: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| matches!(item, ListItem::Value(_)))
        .map(|(position, _)| position)
        .collect();
    let position = match positions.get(index) {
        Some(&position) => position,
        None => {
            items.push(ListItem::Value(empty_container_for(next)));
            items.len() - 1
        }
    };
    match &mut items[position] {
        ListItem::Value(value) => value,
        ListItem::Comment(_) => unreachable!("position points at a value"),
    }
}

fn set_in_map(map: &mut Map, key: &str, value: Value) -> bool {
    match map.get_mut(key) {
        Some(existing) if *existing == value => false,
        Some(existing) => {
            *existing = value;
            true
        }
        None => {
            map.push(key, value);
            true
        }
    }
}

fn remove_key(map: &mut Map, key: &str) -> Option<()> {
    let position = map
        .items
        .iter()
        .position(|item| matches!(item, MapItem::Entry { key: k, .. } if k == key))?;
    map.items.remove(position);
    Some(())
}

impl fmt::Display for TreePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.0 {
            match step {
                Step::Key(key) => write!(f, "[\"{key}\"]")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Scalar;

    fn int(i: i64) -> Value {
        Value::Scalar(Scalar::Int(i))
    }

    #[test]
    fn parses_and_displays() {
        let p = TreePath::parse(r#"["a"][0]['b c']["x]y"]"#).unwrap();
        assert_eq!(
            p.0,
            vec![
                Step::Key("a".into()),
                Step::Index(0),
                Step::Key("b c".into()),
                Step::Key("x]y".into())
            ]
        );
        assert_eq!(p.to_string(), r#"["a"][0]["b c"]["x]y"]"#);
        for bad in ["", "a", "[a]", "[\"a\"", "[1", "[\"a\"]x"] {
            assert!(TreePath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn set_refuses_what_no_parser_would_read_back() {
        let keys = |n: usize| TreePath::parse(&r#"["k"]"#.repeat(n)).unwrap();
        let nested = |n: usize| {
            let mut value = int(1);
            for _ in 0..n {
                value = Value::List(vec![ListItem::Value(value)]);
            }
            value
        };
        let mut root = Map::default();
        assert_eq!(keys(MAX_DEPTH).set(&mut root, int(1)), Ok(true));
        let mut root = Map::default();
        assert_eq!(keys(MAX_DEPTH - 3).set(&mut root, nested(3)), Ok(true));
        let (cases, mut root) = (
            [
                (MAX_DEPTH + 1, 0),
                (MAX_DEPTH - 3, 4),
                (1, MAX_DEPTH),
                (20_000, 0),
            ],
            Map::default(),
        );
        for (steps, levels) in cases {
            assert_eq!(
                keys(steps).set(&mut root, nested(levels)),
                Err(PathError::TooDeep)
            );
            assert!(root.items.is_empty(), "nothing was created");
        }
    }

    #[test]
    fn set_creates_and_get_finds() {
        let mut root = Map::default();
        let path = TreePath::parse(r#"["a"]["b"][0]["c"]"#).unwrap();
        assert!(path.set(&mut root, int(5)).unwrap());
        assert_eq!(path.get(&root).unwrap(), &int(5));
        assert!(!path.set(&mut root, int(5)).unwrap());
        let list = TreePath::parse(r#"["a"]["b"]"#).unwrap();
        TreePath::parse(r#"["a"]["b"][7]"#)
            .unwrap()
            .set(&mut root, int(6))
            .unwrap();
        let Value::List(items) = list.get(&root).unwrap() else {
            panic!("not a list")
        };
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn unset_removes_and_reports_missing() {
        let mut root = Map::default();
        root.push("a", int(1));
        root.push(
            "l",
            Value::List(vec![ListItem::Value(int(1)), ListItem::Value(int(2))]),
        );
        TreePath::parse(r#"["a"]"#)
            .unwrap()
            .unset(&mut root)
            .unwrap();
        assert!(root.get("a").is_none());
        TreePath::parse(r#"["l"][1]"#)
            .unwrap()
            .unset(&mut root)
            .unwrap();
        assert_eq!(
            root.get("l"),
            Some(&Value::List(vec![ListItem::Value(int(1))]))
        );
        assert_eq!(
            TreePath::parse(r#"["a"]"#).unwrap().unset(&mut root),
            Err(PathError::KeyNotFound(r#"["a"]"#.into()))
        );
        assert!(matches!(
            TreePath::parse(r#"["l"][4]"#).unwrap().unset(&mut root),
            Err(PathError::IndexOutOfBounds { index: 4, .. })
        ));
    }
}
