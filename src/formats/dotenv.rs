//! The dotenv store: `KEY=value` lines as sops reads and writes them.
//!
//! Owns parsing (no quoting, no `export`, no trimming: the key is everything before the first
//! `=`, the value everything after it, with `\n` escapes turned into newlines; `#` lines are
//! comments) and emitting, and the metadata layout: every top-level key starting with `sops_`
//! is flattened metadata, gathered on parse into a nested `sops` entry (appended last) and
//! written back on emit as `sops_…` lines after the data, in sorted name order as sops does.

use super::FormatError;
use super::SOPS_KEY;
use super::flatten::{flatten, scalar_to_string, unflatten};
use crate::tree::{Comment, Map, MapItem, Tree, Value};

/// The prefix of metadata keys.
pub const METADATA_PREFIX: &str = "sops_";

/// Parses a dotenv file into a one-document tree; sops metadata ends up under a top-level `sops` key.
pub fn parse(input: &[u8]) -> Result<Tree, FormatError> {
    let text = crate::formats::utf8_text(input)?;
    let mut map = Map::default();
    let mut metadata: Vec<(String, String)> = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            map.items.push(MapItem::Comment(Comment::new(comment)));
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(FormatError::on_line(
                index + 1,
                "invalid dotenv input line (no '=')",
            ));
        };
        let value = value.replace("\\n", "\n");
        match key.strip_prefix(METADATA_PREFIX) {
            // sops collects these in a Go map: a repeated name keeps its last value.
            Some(name) => match metadata.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = value,
                None => metadata.push((name.to_string(), value)),
            },
            None => map.push(key, Value::str(value)),
        }
    }
    if !metadata.is_empty() {
        map.push(SOPS_KEY, Value::Map(unflatten(metadata)?));
    }
    Ok(Tree {
        documents: vec![map],
    })
}

/// Emits a tree; a top-level `sops` entry is written where this format keeps metadata.
pub fn emit(tree: &Tree) -> Result<Vec<u8>, FormatError> {
    let mut out = String::new();
    let Some(document) = tree.documents.first() else {
        return Ok(Vec::new());
    };
    let mut metadata = None;
    for item in &document.items {
        match item {
            MapItem::Comment(comment) => {
                out.push('#');
                out.push_str(&comment.text);
                out.push('\n');
            }
            MapItem::Entry { key, value } if key == SOPS_KEY && matches!(value, Value::Map(_)) => {
                metadata = Some(value);
            }
            MapItem::Entry { key, value } => {
                out.push_str(key);
                out.push('=');
                out.push_str(&value_text(key, value)?.replace('\n', "\\n"));
                out.push('\n');
            }
        }
    }
    if let Some(Value::Map(metadata)) = metadata {
        let mut flat = flatten(metadata)?;
        flat.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, value) in flat {
            out.push_str(METADATA_PREFIX);
            out.push_str(&name);
            out.push('=');
            out.push_str(&value.replace('\n', "\\n"));
            out.push('\n');
        }
    }
    Ok(out.into_bytes())
}

fn value_text(key: &str, value: &Value) -> Result<String, FormatError> {
    match value {
        Value::Scalar(scalar) => Ok(scalar_to_string(scalar)),
        _ => Err(FormatError::new(format!(
            "cannot use complex value in dotenv file; offending key {key}"
        ))),
    }
}

/// Emits one value for `--extract`.
pub fn emit_value(value: &Value) -> Result<Vec<u8>, FormatError> {
    match value {
        Value::Scalar(scalar) => Ok(scalar_to_string(scalar).into_bytes()),
        _ => Err(FormatError::new(
            "cannot extract a mapping or list as dotenv",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Scalar;

    fn entries(tree: &Tree) -> Vec<(String, Value)> {
        tree.documents[0]
            .entries()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn keys_and_values_are_not_trimmed() {
        let tree = parse(b"foo = bar \n").unwrap();
        assert_eq!(
            entries(&tree),
            vec![("foo ".to_string(), Value::str(" bar "))]
        );
        assert_eq!(emit(&tree).unwrap(), b"foo = bar \n");
    }

    #[test]
    fn splits_at_the_first_equals_and_unescapes_newlines() {
        let tree = parse(b"A==x=y\nB=l1\\nl2\nexport C=\"q\"\nD=\r\nE=\n").unwrap();
        assert_eq!(
            entries(&tree),
            vec![
                ("A".to_string(), Value::str("=x=y")),
                ("B".to_string(), Value::str("l1\nl2")),
                ("export C".to_string(), Value::str("\"q\"")),
                ("D".to_string(), Value::str("\r")),
                ("E".to_string(), Value::str("")),
            ]
        );
        assert_eq!(
            emit(&tree).unwrap(),
            b"A==x=y\nB=l1\\nl2\nexport C=\"q\"\nD=\r\nE=\n"
        );
    }

    #[test]
    fn comments_and_blank_lines() {
        let tree = parse(b"\n#c1\n# c2\n#\n\nK=v").unwrap();
        let items = &tree.documents[0].items;
        assert_eq!(items.len(), 4);
        assert_eq!(items[0], MapItem::Comment(Comment::new("c1")));
        assert_eq!(items[1], MapItem::Comment(Comment::new(" c2")));
        assert_eq!(items[2], MapItem::Comment(Comment::new("")));
        assert_eq!(emit(&tree).unwrap(), b"#c1\n# c2\n#\nK=v\n");
    }

    #[test]
    fn a_line_without_equals_is_an_error_without_the_line() {
        let err = parse(b"A=1\nsecret-line\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(!err.to_string().contains("secret"), "{err}");
    }

    #[test]
    fn metadata_is_unflattened_and_written_back_sorted() {
        let input = b"A=1\nsops_version=3.12.2\nsops_mac=M\nsops_age__list_0__map_enc=x\\ny\nsops_age__list_0__map_recipient=r\n";
        let tree = parse(input).unwrap();
        let doc = &tree.documents[0];
        assert!(matches!(doc.items.last(), Some(MapItem::Entry { key, .. }) if key == "sops"));
        let Some(Value::Map(md)) = doc.get("sops") else {
            panic!("no sops map")
        };
        assert_eq!(md.get("version"), Some(&Value::str("3.12.2")));
        let Some(Value::List(age)) = md.get("age") else {
            panic!("no age list")
        };
        assert_eq!(age.len(), 1);
        assert_eq!(
            String::from_utf8(emit(&tree).unwrap()).unwrap(),
            "A=1\nsops_age__list_0__map_enc=x\\ny\nsops_age__list_0__map_recipient=r\n\
             sops_mac=M\nsops_version=3.12.2\n"
        );
    }

    #[test]
    fn non_strings_use_val_to_string_and_nesting_is_refused() {
        let mut map = Map::default();
        map.push("i", Value::Scalar(Scalar::Int(5)));
        map.push("f", Value::Scalar(Scalar::Float(123.0)));
        map.push("b", Value::Scalar(Scalar::Bool(true)));
        let tree = Tree {
            documents: vec![map.clone()],
        };
        assert_eq!(emit(&tree).unwrap(), b"i=5\nf=123.0\nb=true\n");
        map.push("nested", Value::List(vec![]));
        let err = emit(&Tree {
            documents: vec![map],
        })
        .unwrap_err();
        assert!(err.message.contains("offending key nested"), "{err}");
    }
}
