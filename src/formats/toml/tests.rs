//! Unit tests of the TOML store: type mapping, comment placement, layout and errors.

use super::*;
use crate::tree::{Comment, ListItem, Map, MapItem, Scalar, Timestamp};

fn tree(input: &str) -> Tree {
    parse(input.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{input}"))
}

fn doc(input: &str) -> Map {
    tree(input).documents.remove(0)
}

fn text(tree: &Tree) -> String {
    String::from_utf8(emit(tree).unwrap()).unwrap()
}

/// Emits, checks the output is TOML that reads back to the same tree, and returns it.
fn round(input: &str) -> String {
    let first = tree(input);
    let out = text(&first);
    let again = parse(out.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(again, first, "\n--- input\n{input}\n--- output\n{out}");
    out
}

fn int(i: i64) -> Value {
    Value::Scalar(Scalar::Int(i))
}

fn c(text: &str) -> MapItem {
    MapItem::Comment(Comment::new(text))
}

fn ci(text: &str) -> MapItem {
    MapItem::Comment(Comment {
        text: text.into(),
        inline: true,
    })
}

fn e(key: &str, value: Value) -> MapItem {
    MapItem::Entry {
        key: key.into(),
        value,
    }
}

fn map(items: Vec<MapItem>) -> Value {
    Value::Map(Map { items })
}

#[test]
fn debug_print() {
    let input = "# head\na = 1 # ia\nb.c = \"x\"\narr = [\n  # in\n  1, # after 1\n  2,\n]\n[t] # th\nk = 'v'\n# end t\n\n# before u\n[t.u]\nz = 1\n[[aot]]\nn = 1\n# between\n[[aot]]\nn = 2\n";
    let out = round(input);
    println!("{out}");
}
