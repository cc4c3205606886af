//! Git conflict markers: the `<<<<<<<`, `=======` and `>>>>>>>` lines an unresolved merge
//! leaves behind. git's own line merge puts them around whole lines of a file (which then
//! rarely parses); the `git-merge` driver puts them inside the one value both sides changed,
//! and encrypts that value like any other. This module finds them in raw text and in a tree's
//! keys, string values and comments, and names where, never what.
//!
//! A conflict is the three markers in order: a line starting with at least seven `<` (then a
//! space or the end of the line), a later line of at least seven `=` alone, and a later line
//! starting with at least seven `>`. A lone `=======` (a Markdown heading underline, say) is not
//! one.

use crate::tree::path::{Step, TreePath};
use crate::tree::{ListItem, Map, MapItem, Scalar, Tree, Value};

/// The shortest marker git writes (its default `conflict-marker-size`).
const MARKER_SIZE: usize = 7;

/// Whether `line` is a marker made of `symbol`: at least [`MARKER_SIZE`] of it, then the end of
/// the line or (for the opening and closing markers) a space and a label.
fn is_marker(line: &str, symbol: char, labelled: bool) -> bool {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let rest = line.trim_start_matches(symbol);
    let run = line.len() - rest.len();
    run >= MARKER_SIZE && (rest.is_empty() || (labelled && rest.starts_with(' ')))
}

/// The 1-based numbers of the lines that open a complete conflict in `text`.
fn conflict_starts<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<usize> {
    enum Seen {
        Nothing,
        Opening(usize),
        Separator(usize),
    }
    let mut seen = Seen::Nothing;
    let mut starts = Vec::new();
    for (index, line) in lines.enumerate() {
        if is_marker(line, '<', true) {
            seen = Seen::Opening(index + 1);
        } else if is_marker(line, '=', false) {
            if let Seen::Opening(start) = seen {
                seen = Seen::Separator(start);
            }
        } else if is_marker(line, '>', true)
            && let Seen::Separator(start) = seen
        {
            starts.push(start);
            seen = Seen::Nothing;
        }
    }
    starts
}

/// Whether `text` holds a complete conflict.
pub fn has_conflict(text: &str) -> bool {
    !conflict_starts(text.split('\n')).is_empty()
}

/// The 1-based numbers of the lines that open a complete conflict in a file's raw bytes (any
/// encoding that keeps ASCII as is; other bytes never match).
pub fn conflict_lines(bytes: &[u8]) -> Vec<usize> {
    let text = String::from_utf8_lossy(bytes);
    conflict_starts(text.split('\n'))
}

/// The tree paths holding a conflict: string values by their own path, keys and comments by
/// the path of the mapping or list that holds them (`… (a key)`, `… (a comment)`). Ciphertext
/// (`ENC[…]`) never holds a line break, so on an encrypted tree this finds the conflicts in its
/// plain parts; on a decrypted one, all of them.
pub fn find_in_tree(tree: &Tree) -> Vec<String> {
    let mut finder = Finder::default();
    for document in &tree.documents {
        finder.map(document);
    }
    finder.found
}

#[derive(Default)]
struct Finder {
    steps: Vec<Step>,
    found: Vec<String>,
}

impl Finder {
    fn here(&self) -> String {
        if self.steps.is_empty() {
            "the document root".to_string()
        } else {
            TreePath(self.steps.clone()).to_string()
        }
    }

    fn note(&mut self, what: &str) {
        let place = format!("{} ({what})", self.here());
        if !self.found.contains(&place) {
            self.found.push(place);
        }
    }

    fn map(&mut self, map: &Map) {
        for item in &map.items {
            match item {
                MapItem::Comment(comment) if has_conflict(&comment.text) => self.note("a comment"),
                MapItem::Comment(_) => {}
                MapItem::Entry { key, value } => {
                    if has_conflict(key) {
                        self.note("a key");
                    }
                    self.steps.push(Step::Key(key.clone()));
                    self.value(value);
                    self.steps.pop();
                }
            }
        }
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Map(map) => self.map(map),
            Value::List(items) => {
                let mut index = 0;
                for item in items {
                    match item {
                        ListItem::Comment(comment) if has_conflict(&comment.text) => {
                            self.note("a comment")
                        }
                        ListItem::Comment(_) => {}
                        ListItem::Value(value) => {
                            self.steps.push(Step::Index(index));
                            self.value(value);
                            self.steps.pop();
                            index += 1;
                        }
                    }
                }
            }
            Value::Scalar(Scalar::Str(text)) if has_conflict(text) => {
                let here = self.here();
                self.found.push(here);
            }
            Value::Scalar(Scalar::Bytes(bytes))
                if has_conflict(&String::from_utf8_lossy(bytes)) =>
            {
                let here = self.here();
                self.found.push(here);
            }
            Value::Scalar(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    #[test]
    fn a_conflict_is_the_three_markers_in_order() {
        assert!(has_conflict("<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs"));
        assert!(has_conflict("<<<<<<<<<<\na\n==========\n>>>>>>>>>>"));
        assert!(has_conflict(
            "x\r\n<<<<<<< HEAD\r\n=======\r\n>>>>>>> f\r\n"
        ));
        // diff3 style keeps the base between `|||||||` and `=======`.
        assert!(has_conflict(
            "<<<<<<< ours\na\n||||||| base\nc\n=======\nb\n>>>>>>> theirs"
        ));
        assert!(!has_conflict("Title\n=======\ntext"));
        assert!(!has_conflict(">>>>>>> theirs\n=======\n<<<<<<< ours"));
        assert!(!has_conflict("<<<<<<< ours\na\n>>>>>>> theirs"));
        assert!(!has_conflict("  <<<<<<< ours\n=======\n>>>>>>> theirs"));
        assert!(!has_conflict("<<<<<<<ours\n=======\n>>>>>>> theirs"));
        assert!(!has_conflict("<<<<<< ours\n=======\n>>>>>>> theirs"));
    }

    #[test]
    fn raw_text_conflicts_are_named_by_their_first_line() {
        let text = b"a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> feature\nc: 4\n\
                     <<<<<<< HEAD\nd: 5\n=======\n>>>>>>> feature\n";
        assert_eq!(conflict_lines(text), [2, 8]);
        assert!(conflict_lines(b"a: 1\n").is_empty());
    }

    #[test]
    fn tree_conflicts_are_named_by_path_never_by_content() {
        let text = "a:\n    b: \"<<<<<<< ours\\nx\\n=======\\ny\\n>>>>>>> theirs\"\n    c: fine\n\
                    list:\n    - ok\n    # <<<<<<< ours\n    - \"<<<<<<< o\\n=======\\n>>>>>>> t\"\n\
                    \"<<<<<<< o\\n=======\\n>>>>>>> t\": 1\n";
        let mut tree = Format::Yaml.parse(text.as_bytes()).unwrap();
        assert_eq!(
            find_in_tree(&tree),
            [
                r#"["a"]["b"]"#,
                r#"["list"][1]"#,
                "the document root (a key)"
            ]
        );
        tree.documents[0].items.insert(
            0,
            MapItem::Comment(crate::tree::Comment::new("<<<<<<< o\n=======\n>>>>>>> t")),
        );
        assert_eq!(find_in_tree(&tree)[0], "the document root (a comment)");
    }
}
