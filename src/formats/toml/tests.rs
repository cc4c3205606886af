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

fn s(text: &str) -> Value {
    Value::str(text)
}

#[test]
fn types_map_to_sops_scalars() {
    let d = doc(
        "s = 'lit'\nb = \"ba\\tsic\"\ni = 0x1F\nf = 1.5\nx = 1e3\nt = true\n\
                 inf_ = -inf\nodt = 1979-05-27T07:32:00.999-07:00\nz = 1979-05-27T07:32:00Z\n\
                 ldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00\n",
    );
    assert_eq!(d.get("s"), Some(&s("lit")));
    assert_eq!(d.get("b"), Some(&s("ba\tsic")));
    assert_eq!(d.get("i"), Some(&int(31)));
    assert_eq!(d.get("f"), Some(&Value::Scalar(Scalar::Float(1.5))));
    assert_eq!(d.get("x"), Some(&Value::Scalar(Scalar::Float(1000.0))));
    assert_eq!(d.get("t"), Some(&Value::Scalar(Scalar::Bool(true))));
    assert_eq!(
        d.get("inf_"),
        Some(&Value::Scalar(Scalar::Float(f64::NEG_INFINITY)))
    );
    let odt = Timestamp::parse_rfc3339("1979-05-27T07:32:00.999-07:00").unwrap();
    assert_eq!(d.get("odt"), Some(&Value::Scalar(Scalar::Time(odt))));
    let z = Timestamp::parse_rfc3339("1979-05-27T07:32:00Z").unwrap();
    assert_eq!(d.get("z"), Some(&Value::Scalar(Scalar::Time(z))));
    // No sops type for local date-times, dates and times: their TOML text as a string.
    assert_eq!(d.get("ldt"), Some(&s("1979-05-27T07:32:00")));
    assert_eq!(d.get("ld"), Some(&s("1979-05-27")));
    assert_eq!(d.get("lt"), Some(&s("07:32:00")));
    let out = round("odt = 1979-05-27T07:32:00.999-07:00\nldt = 1979-05-27T07:32:00\nf = 1.0\n");
    assert_eq!(
        out,
        "odt = 1979-05-27T07:32:00.999-07:00\nldt = \"1979-05-27T07:32:00\"\nf = 1.0\n"
    );
}

#[test]
fn tables_arrays_of_tables_and_inline_tables() {
    let d = doc("a = { x = 1, y.z = 2 }\n[t.u]\nk = 1\n[[l]]\nn = 1\n[[l]]\n[l.sub]\nm = 2\n");
    assert_eq!(
        d,
        Map {
            items: vec![
                e(
                    "a",
                    map(vec![e("x", int(1)), e("y", map(vec![e("z", int(2))]))])
                ),
                e("t", map(vec![e("u", map(vec![e("k", int(1))]))])),
                e(
                    "l",
                    Value::List(vec![
                        ListItem::Value(map(vec![e("n", int(1))])),
                        ListItem::Value(map(vec![e("sub", map(vec![e("m", int(2))]))])),
                    ])
                ),
            ]
        }
    );
    let out = round("a = 1\n\n[t.u]\nk = 1\n\n[[l]]\nn = 1\n\n[[l]]\n\n[l.sub]\nm = 2\n");
    assert_eq!(
        out,
        "a = 1\n\n[t.u]\nk = 1\n\n[[l]]\nn = 1\n\n[[l]]\n\n[l.sub]\nm = 2\n"
    );
    // A plain entry after a table keeps its place: the table becomes dotted keys.
    let tree = Tree {
        documents: vec![Map {
            items: vec![
                e("t", map(vec![e("k", int(1)), e("e", map(vec![]))])),
                e("after", int(2)),
                e(
                    "l",
                    Value::List(vec![ListItem::Value(map(vec![e("n", int(1))]))]),
                ),
                e("end", map(vec![e("q", s("x"))])),
            ],
        }],
    };
    let out = text(&tree);
    assert_eq!(
        out,
        "t.k = 1\nt.e = {}\nafter = 2\n\n[[l]]\nn = 1\n\n[end]\nq = \"x\"\n"
    );
    assert_eq!(parse(out.as_bytes()).unwrap(), tree);
}

#[test]
fn comments_in_every_position() {
    let input = "\
# top
a = 1 # end of a
# above b.c
b.c = 2
arr = [ # after the bracket
  # above one
  1, # end of one
  2,
  # last in arr
]
it = { k = 1, # end of k
  # above j
  j = 2,
  # last in it
}

# above t
[t] # end of t header
# first in t
k = 'v'
# closes t

# above l
[[l]] # end of l header
n = 1
# above the second l
[[l]]
n = 2
# end of file
";
    let d = doc(input);
    let expected = Map {
        items: vec![
            c(" top"),
            ci(" end of a"),
            e("a", int(1)),
            e("b", map(vec![c(" above b.c"), e("c", int(2))])),
            e(
                "arr",
                Value::List(vec![
                    ListItem::Comment(Comment::new(" after the bracket")),
                    ListItem::Comment(Comment::new(" above one")),
                    ListItem::Comment(Comment {
                        text: " end of one".into(),
                        inline: true,
                    }),
                    ListItem::Value(int(1)),
                    ListItem::Value(int(2)),
                    ListItem::Comment(Comment::new(" last in arr")),
                ]),
            ),
            e(
                "it",
                map(vec![
                    ci(" end of k"),
                    e("k", int(1)),
                    c(" above j"),
                    e("j", int(2)),
                    c(" last in it"),
                ]),
            ),
            c(" above t"),
            ci(" end of t header"),
            e(
                "t",
                map(vec![c(" first in t"), e("k", s("v")), c(" closes t")]),
            ),
            c(" above l"),
            ci(" end of l header"),
            e(
                "l",
                Value::List(vec![
                    ListItem::Value(map(vec![e("n", int(1))])),
                    ListItem::Comment(Comment::new(" above the second l")),
                    ListItem::Value(map(vec![e("n", int(2)), c(" end of file")])),
                ]),
            ),
        ],
    };
    assert_eq!(d, expected);
    let out = round(input);
    assert!(out.contains("a = 1 # end of a\n"), "{out}");
    assert!(out.contains("[t] # end of t header\n# first in t\nk = \"v\"\n# closes t\n\n# above l\n[[l]] # end of l header\n"), "{out}");
}

#[test]
fn encrypted_comments_are_written_as_hash_lines() {
    let tree = Tree {
        documents: vec![Map {
            items: vec![
                c("ENC[AES256_GCM,data:x,type:comment]"),
                e("a", s("ENC[x]")),
            ],
        }],
    };
    assert_eq!(
        text(&tree),
        "#ENC[AES256_GCM,data:x,type:comment]\na = \"ENC[x]\"\n"
    );
}

#[test]
fn sops_table_comes_last_with_key_lists_as_arrays_of_tables() {
    let armor = "-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----\n";
    let sops = map(vec![
        e(
            "age",
            Value::List(vec![ListItem::Value(map(vec![
                e("recipient", s("age1xyz")),
                e("enc", s(armor)),
            ]))]),
        ),
        e("lastmodified", s("2024-01-01T00:00:00Z")),
        e("mac", s("ENC[m]")),
        e("version", s("3.12.2")),
    ]);
    let tree = Tree {
        documents: vec![Map {
            items: vec![e("a", s("x")), e("sops", sops)],
        }],
    };
    let out = text(&tree);
    assert_eq!(
        out,
        "a = \"x\"\n\n[sops]\nlastmodified = \"2024-01-01T00:00:00Z\"\nmac = \"ENC[m]\"\n\
         version = \"3.12.2\"\n\n[[sops.age]]\nrecipient = \"age1xyz\"\nenc = \"\"\"\n\
         -----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----\n\"\"\"\n"
    );
    let back = doc(&out);
    let Some(Value::Map(meta)) = back.get("sops") else {
        panic!("{out}")
    };
    let Some(Value::List(age)) = meta.get("age") else {
        panic!("{out}")
    };
    let ListItem::Value(Value::Map(slot)) = &age[0] else {
        panic!("{out}")
    };
    assert_eq!(slot.get("enc"), Some(&s(armor)));
}

#[test]
fn unicode_keys_and_strings() {
    let out = round("\"clé ✓\" = \"naïve \\\"quoted\\\" \\\\ 日本\"\n\"\" = 1\n\"a.b\" = 2\n");
    assert_eq!(
        out,
        "\"clé ✓\" = \"naïve \\\"quoted\\\" \\\\ 日本\"\n\"\" = 1\n\"a.b\" = 2\n"
    );
    let d = doc("\"clé ✓\" = 'x\u{1F600}'\n");
    assert_eq!(d.get("clé ✓"), Some(&s("x\u{1F600}")));
    let tree = Tree {
        documents: vec![Map {
            items: vec![e("ctl", s("a\u{0}b\r\n\u{7f}\"\"\"end\\"))],
        }],
    };
    assert_eq!(parse(&emit(&tree).unwrap()).unwrap(), tree);
}

#[test]
fn errors_have_positions_and_no_values() {
    for (input, line) in [
        ("a = 1\nb = \"secret-value\n", 2),
        ("a = 1\na = \"secret-value\"\n", 2),
        ("[t]\nx = secret-value\n", 2),
        ("ok = 1\n[t]\n[t]\n", 3),
    ] {
        let err = parse(input.as_bytes()).expect_err(input);
        assert_eq!(err.line, Some(line), "{input}: {err}");
        assert!(err.column.is_some());
        assert!(!err.to_string().contains("secret"), "{err}");
    }
    let err = parse(b"a = \"\xff\"\n").unwrap_err();
    assert_eq!((err.line, err.column), (Some(1), Some(6)));
}

#[test]
fn emit_errors_name_the_path() {
    let null = Tree {
        documents: vec![Map {
            items: vec![e("a", map(vec![e("b", Value::Scalar(Scalar::Null))]))],
        }],
    };
    let err = emit(&null).unwrap_err();
    assert!(
        err.message.contains("null") && err.message.contains("[\"a\"][\"b\"]"),
        "{err}"
    );
    let dup = Tree {
        documents: vec![Map {
            items: vec![e("k", int(1)), e("k", int(2))],
        }],
    };
    assert!(emit(&dup).unwrap_err().message.contains("duplicate"));
    let two = Tree {
        documents: vec![Map::default(), Map::default()],
    };
    assert!(emit(&two).unwrap_err().message.contains("one document"));
    assert_eq!(emit(&Tree::default()).unwrap(), b"");
    let ctl = Tree {
        documents: vec![Map {
            items: vec![c("bad\u{1}"), e("k", int(1))],
        }],
    };
    assert!(
        emit(&ctl)
            .unwrap_err()
            .message
            .contains("control character")
    );
}

#[test]
fn extract_values() {
    assert_eq!(emit_value(&int(1)).unwrap(), b"1");
    assert_eq!(
        emit_value(&Value::List(vec![
            ListItem::Value(int(1)),
            ListItem::Value(s("x"))
        ]))
        .unwrap(),
        b"[1, \"x\"]"
    );
    assert_eq!(
        emit_value(&map(vec![
            e("a", int(1)),
            e("t", map(vec![e("b", int(2))]))
        ]))
        .unwrap(),
        b"a = 1\n\n[t]\nb = 2\n"
    );
}
