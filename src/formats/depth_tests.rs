//! Nesting limits: every parser refuses input nested past [`MAX_DEPTH`] with a positioned error
//! instead of overflowing the stack, and a tree at the limit is safe to clone, compare, walk,
//! emit and drop on a 2 MiB thread (the test-thread stack) in a debug build.

use super::*;
use crate::crypto::tree_cipher::{Direction, walk_tree};
use crate::crypto::{DataKey, ValueCipher};
use crate::selection::Rule;
use crate::tree::{ListItem, Map};

const HUGE: usize = 20_000;

/// Runs `f` on a thread with a 2 MiB stack, as the test harness and many embedders use.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn refused(format: Format, input: String) {
    let e = format.parse(input.as_bytes()).unwrap_err();
    assert!(
        e.message.contains("nesting") || e.message.contains("recursion"),
        "{format}: {e}"
    );
}

fn positioned(format: Format, input: String) {
    let e = format.parse(input.as_bytes()).unwrap_err();
    assert!(e.line.is_some(), "{format}: no position in {e}");
}

#[test]
fn huge_nesting_is_a_positioned_error_in_every_parser() {
    small_stack(|| {
        let open = |s: &str| s.repeat(HUGE);
        refused(Format::Yaml, format!("a: {}{}\n", open("["), open("]")));
        refused(Format::Yaml, format!("a: {}1{}\n", open("{a: "), open("}")));
        let block: String = (0..HUGE)
            .map(|i| format!("{}a:\n", " ".repeat(i % 2000)))
            .collect();
        assert!(Format::Yaml.parse(block.as_bytes()).is_err());
        refused(Format::Yaml, format!("a:\n  {}1\n", open("- ")));
        refused(Format::Json, format!("{}1{}", open("{\"a\":"), open("}")));
        refused(
            Format::Json,
            format!("{{\"a\":{}{}}}", open("["), open("]")),
        );
        refused(Format::Toml, format!("a = {}{}\n", open("["), open("]")));
        refused(
            Format::Toml,
            format!("a = {}1{}\n", open("{a = "), open("}")),
        );
        refused(Format::Toml, format!("a{} = 1\n", open(".a")));
        refused(Format::Toml, format!("[a{}]\nb = 1\n", open(".a")));
        for (format, input) in [
            (Format::Yaml, format!("a: {}{}\n", open("["), open("]"))),
            (Format::Yaml, format!("a:\n  {}1\n", open("- "))),
            (Format::Json, format!("{}1{}", open("{\"a\":"), open("}"))),
            (Format::Toml, format!("a = {}{}\n", open("["), open("]"))),
        ] {
            positioned(format, input);
        }
        // A dotted sops metadata name in the flat formats nests one level per step.
        let name = format!("sops_a{}", "__map_a".repeat(HUGE));
        refused(Format::Dotenv, format!("{name}=1\n"));
        refused(Format::Ini, format!("[sops]\n{}=1\n", &name[5..]));
    });
}

#[test]
fn yaml_aliases_cannot_nest_or_expand_past_the_limits() {
    small_stack(|| {
        // Each anchor nests 3/8 of the limit more than the one before, through an alias: the
        // third one (line 4) passes it.
        let step = MAX_DEPTH * 3 / 8;
        let mut doc = String::from("a0: &a0 1\n");
        for i in 1..=5 {
            let inner = format!("{}*a{}{}", "[".repeat(step), i - 1, "]".repeat(step));
            doc.push_str(&format!("a{i}: &a{i} {inner}\n"));
        }
        let e = Format::Yaml.parse(doc.as_bytes()).unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
        assert_eq!(e.line, Some(4));
        // Billion laughs: ten aliases per level, nine levels.
        let mut doc = String::from("l0: &l0 [x]\n");
        for i in 1..10 {
            let refs = vec![format!("*l{}", i - 1); 10].join(", ");
            doc.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        }
        let e = Format::Yaml.parse(doc.as_bytes()).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{e}");
    });
}

#[test]
fn toml_constructs_add_up_to_the_limit() {
    small_stack(|| {
        // Each `[[a.a...]]` level is a list and a mapping: 2n + n + n levels in all.
        let n = 70;
        let mut doc: String = (1..=n)
            .map(|i| format!("[[{}]]\n", vec!["a"; i].join(".")))
            .collect();
        let dotted = vec!["d"; n].join(".");
        let value = format!("{}{}{}", "[".repeat(n), "{x = 1}", "]".repeat(n));
        doc.push_str(&format!("{dotted} = {value}\n"));
        let e = Format::Toml.parse(doc.as_bytes()).unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
        assert!(e.line.is_some(), "{e}");
    });
}

/// A mapping nested `levels` deep (the root counts), alternating mappings and lists.
fn deep_tree(levels: usize) -> Tree {
    let mut level = levels;
    shaped_tree(levels, &mut || {
        level -= 1;
        level.is_multiple_of(2)
    })
}

#[test]
fn a_tree_at_the_limit_is_safe_to_walk_emit_and_drop() {
    small_stack(|| {
        let tree = deep_tree(MAX_DEPTH);
        let copy = tree.clone();
        assert_eq!(copy, tree);
        for format in [Format::Yaml, Format::Json, Format::Toml] {
            let bytes = format.emit(&tree, &EmitOptions::default()).unwrap();
            assert_eq!(format.parse(&bytes).unwrap(), tree, "{format}");
        }
        for format in [Format::Dotenv, Format::Ini] {
            let _ = format.emit(&tree, &EmitOptions::default());
        }
        let key = DataKey::generate();
        let rule = Rule::UnencryptedSuffix("_unencrypted".into());
        let mut encrypted = tree.clone();
        let mut cipher = ValueCipher::new(&key);
        let mac = walk_tree(
            &mut encrypted,
            &mut cipher,
            &rule,
            false,
            Direction::Encrypt,
        )
        .unwrap()
        .mac;
        let bytes = Format::Json
            .emit(&encrypted, &EmitOptions::default())
            .unwrap();
        let mut back = Format::Json.parse(&bytes).unwrap();
        let outcome = walk_tree(&mut back, &mut cipher, &rule, false, Direction::Decrypt).unwrap();
        assert_eq!(outcome.mac, mac);
        assert_eq!(back, tree);
        drop((copy, encrypted, back));
    });
}

/// A tree `levels` deep whose containers are picked by `choose` (true: a list), with some
/// siblings, so that every way a format writes nesting (block and flow, tables, arrays of
/// tables, inline tables, dotted keys) is reached.
fn shaped_tree(levels: usize, choose: &mut impl FnMut() -> bool) -> Tree {
    let mut value = Value::str("leaf");
    for _ in 1..levels {
        value = if choose() {
            Value::List(vec![
                ListItem::Value(value),
                ListItem::Value(Value::str("x")),
            ])
        } else {
            let mut map = Map::default();
            map.push("k", value);
            map.push("s", Value::str("x"));
            Value::Map(map)
        };
    }
    let mut root = Map::default();
    root.push("k", value);
    Tree {
        documents: vec![root],
    }
}

#[test]
fn every_format_reads_back_any_tree_it_writes() {
    small_stack(|| {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed & 1 == 1
        };
        let mut flip = false;
        let mut alternate = move || {
            flip = !flip;
            flip
        };
        for levels in [MAX_DEPTH - 1, MAX_DEPTH] {
            let mut trees = vec![
                shaped_tree(levels, &mut || false),
                shaped_tree(levels, &mut || true),
                shaped_tree(levels, &mut alternate),
            ];
            trees.extend((0..20).map(|_| shaped_tree(levels, &mut random)));
            for tree in &trees {
                for format in [Format::Yaml, Format::Json, Format::Toml] {
                    let bytes = format.emit(tree, &EmitOptions::default()).unwrap();
                    let back = format.parse(&bytes);
                    assert_eq!(back.as_ref().ok(), Some(tree), "{format}: {back:?}");
                }
            }
        }
        let tree = shaped_tree(MAX_DEPTH + 1, &mut random);
        for format in [
            Format::Yaml,
            Format::Json,
            Format::Toml,
            Format::Dotenv,
            Format::Ini,
        ] {
            let e = format.emit(&tree, &EmitOptions::default()).unwrap_err();
            assert!(e.message.contains("nesting"), "{format}: {e}");
        }
    });
}

#[test]
fn one_level_more_is_refused_by_the_parsers() {
    small_stack(|| {
        // The root mapping is level 1; `lists` brackets add one level each.
        let nested = |format: Format, lists: usize| {
            let (open, close) = ("[".repeat(lists), "]".repeat(lists));
            let text = match format {
                Format::Json => format!("{{\"k\": {open}1{close}}}"),
                Format::Yaml => format!("k: {open}1{close}\n"),
                _ => format!("k = {open}1{close}\n"),
            };
            format.parse(text.as_bytes())
        };
        for format in [Format::Yaml, Format::Json, Format::Toml] {
            assert!(nested(format, MAX_DEPTH - 1).is_ok(), "{format}");
            let e = nested(format, MAX_DEPTH).unwrap_err();
            assert!(
                e.message.contains("nesting") && e.line.is_some(),
                "{format}: {e}"
            );
        }
    });
}
