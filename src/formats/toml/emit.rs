//! [`Tree`] to TOML text. The layout is chosen from the tree alone, so that reading the output
//! back gives the same tree, comments included (see [`super::parse`] for where comments land):
//!
//! - A mapping's entries are written in order. The longest run of mappings and lists of mappings
//!   at its end is written as `[table]` / `[[array]]` sections; everything before it as
//!   `key = value` lines under the mapping's own header, since TOML allows no plain key after a
//!   sub-table. A mapping that ends with comments is written without sections, so that those
//!   comments close it (they are followed by a blank line before the next header).
//! - A nested mapping on the lines under a header is written with dotted keys (`a.b = 1`) unless a
//!   comment stands right before it or at its end; it is then an inline table.
//! - An array or inline table holding comments is written over several lines with the comments
//!   in place. Inline tables over several lines are TOML 1.1; they only appear for comments
//!   inside a mapping inside an array, which encrypted arrays of tables can need.

use base64::prelude::*;

use crate::formats::FormatError;
use crate::tree::path::{Step, TreePath};
use crate::tree::{Comment, ListItem, Map, MapItem, Scalar, Tree, Value};

const INDENT: &str = "    ";

pub(super) fn emit(tree: &Tree) -> Result<Vec<u8>, FormatError> {
    let doc = match tree.documents.as_slice() {
        [] => return Ok(Vec::new()),
        [doc] => doc,
        many => {
            return Err(FormatError::new(format!(
                "a TOML file holds one document and this tree has {}; \
                 write each document separately or pick another output type",
                many.len()
            )));
        }
    };
    let mut emitter = Emitter::default();
    emitter.table(&[], doc, true)?;
    Ok(emitter.out.into_bytes())
}

pub(super) fn emit_value(value: &Value) -> Result<Vec<u8>, FormatError> {
    let mut emitter = Emitter::default();
    match value {
        Value::Map(map) => emitter.table(&[], map, false)?,
        other => {
            let text = emitter.inline_value(other, 0)?;
            emitter.out.push_str(&text);
        }
    }
    Ok(emitter.out.into_bytes())
}

#[derive(Default)]
struct Emitter {
    out: String,
    /// Where we are in the tree, for error messages.
    path: Vec<Step>,
}

/// Whether a value can be written as a `[table]` or a run of `[[array]]` tables.
fn is_section(value: &Value) -> bool {
    match value {
        Value::Map(_) => true,
        Value::List(items) => {
            matches!(items.first(), Some(ListItem::Value(Value::Map(_))))
                && matches!(items.last(), Some(ListItem::Value(Value::Map(_))))
                && items.iter().all(|item| match item {
                    ListItem::Value(value) => matches!(value, Value::Map(_)),
                    ListItem::Comment(_) => true,
                })
        }
        Value::Scalar(_) => false,
    }
}

/// Where a mapping's sections start: after the last entry that must be a `key = value` line,
/// taking in the comments before the first section; all items when the mapping ends with a
/// comment.
fn split_point(map: &Map) -> usize {
    let items = &map.items;
    if matches!(items.last(), Some(MapItem::Comment(_))) {
        return items.len();
    }
    let mut split = items.len();
    for (index, item) in items.iter().enumerate().rev() {
        match item {
            MapItem::Comment(_) => {}
            MapItem::Entry { value, .. } if is_section(value) => split = index,
            MapItem::Entry { .. } => break,
        }
    }
    while split > 0 && matches!(items[split - 1], MapItem::Comment(_)) {
        split -= 1;
    }
    split
}

/// Whether a mapping on the lines under a header can be written with dotted keys and read back
/// the same: it has an entry and does not end with a comment (which would go to the next line's
/// table). The caller also checks that no comment stands right before it.
fn dotted_ok(map: &Map) -> bool {
    matches!(map.items.last(), Some(MapItem::Entry { .. }))
}

fn has_comments(value: &Value) -> bool {
    match value {
        Value::Scalar(_) => false,
        Value::Map(map) => map.items.iter().any(|item| match item {
            MapItem::Comment(_) => true,
            MapItem::Entry { value, .. } => has_comments(value),
        }),
        Value::List(items) => items.iter().any(|item| match item {
            ListItem::Comment(_) => true,
            ListItem::Value(value) => has_comments(value),
        }),
    }
}

/// The top-level `sops` table with its plain fields first and its key lists last, so that the
/// lists are written as `[[sops.age]]` tables rather than inline (the metadata reader looks
/// fields up by name, so their order is free).
fn sops_layout(map: &Map) -> Map {
    let (plain, sections): (Vec<&MapItem>, Vec<&MapItem>) = map
        .items
        .iter()
        .partition(|item| !matches!(item, MapItem::Entry { value, .. } if is_section(value)));
    Map {
        items: plain.into_iter().chain(sections).cloned().collect(),
    }
}

impl Emitter {
    fn error(&self, message: &str) -> FormatError {
        let path = TreePath(self.path.clone());
        FormatError::new(format!("{message} (at {path})"))
    }

    fn check_duplicates(&self, map: &Map) -> Result<(), FormatError> {
        let mut seen = std::collections::HashSet::new();
        for (key, _) in map.entries() {
            if !seen.insert(key) {
                let mut path = self.path.clone();
                path.push(Step::Key(key.to_string()));
                return Err(FormatError::new(format!(
                    "cannot write a duplicate key as TOML (at {})",
                    TreePath(path)
                )));
            }
        }
        Ok(())
    }

    /// Writes a mapping under its header `path` (empty for the document root).
    fn table(&mut self, path: &[String], map: &Map, root: bool) -> Result<(), FormatError> {
        self.check_duplicates(map)?;
        let split = split_point(map);
        self.body(&[], &map.items[..split])?;
        let mut pending: Vec<&Comment> = Vec::new();
        for item in &map.items[split..] {
            let (key, value) = match item {
                MapItem::Comment(comment) => {
                    pending.push(comment);
                    continue;
                }
                MapItem::Entry { key, value } => (key, value),
            };
            let mut sub_path = path.to_vec();
            sub_path.push(format_key(key));
            self.path.push(Step::Key(key.clone()));
            match value {
                Value::Map(sub) => {
                    let reordered;
                    let sub = if root && key == crate::formats::SOPS_KEY {
                        reordered = sops_layout(sub);
                        &reordered
                    } else {
                        sub
                    };
                    // `[a.b]` alone implies `[a]`: skip a header with nothing of its own.
                    let implied =
                        pending.is_empty() && !sub.items.is_empty() && split_point(sub) == 0;
                    if !implied {
                        self.header(&pending, &format!("[{}]", sub_path.join(".")))?;
                    }
                    pending.clear();
                    self.table(&sub_path, sub, false)?;
                }
                Value::List(items) => {
                    let mut index = 0;
                    for item in items {
                        match item {
                            ListItem::Comment(comment) => pending.push(comment),
                            ListItem::Value(Value::Map(sub)) => {
                                self.path.push(Step::Index(index));
                                index += 1;
                                self.header(&pending, &format!("[[{}]]", sub_path.join(".")))?;
                                pending.clear();
                                self.table(&sub_path, sub, false)?;
                                self.path.pop();
                            }
                            ListItem::Value(_) => unreachable!("checked by is_section"),
                        }
                    }
                }
                Value::Scalar(_) => unreachable!("checked by split_point"),
            }
            self.path.pop();
        }
        Ok(())
    }

    /// Writes a section header after a blank line, with the comments that precede it.
    fn header(&mut self, comments: &[&Comment], header: &str) -> Result<(), FormatError> {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        let (own, inline) = split_inline(comments);
        for comment in own {
            self.comment_line("", comment)?;
        }
        self.out.push_str(header);
        self.end_of_line(inline)?;
        Ok(())
    }

    /// Writes `key = value` lines; `prefix` holds the dotted keys above them.
    fn body(&mut self, prefix: &[String], items: &[MapItem]) -> Result<(), FormatError> {
        for (index, item) in items.iter().enumerate() {
            let (key, value) = match item {
                MapItem::Comment(comment) => {
                    let attaches = comment.inline
                        && matches!(items.get(index + 1), Some(MapItem::Entry { .. }));
                    if !attaches {
                        self.comment_line("", comment)?;
                    }
                    continue;
                }
                MapItem::Entry { key, value } => (key, value),
            };
            let before = match index.checked_sub(1).map(|i| &items[i]) {
                Some(MapItem::Comment(comment)) => Some(comment),
                _ => None,
            };
            let mut keys = prefix.to_vec();
            keys.push(format_key(key));
            self.path.push(Step::Key(key.clone()));
            match value {
                Value::Map(map) if before.is_none() && dotted_ok(map) => {
                    self.check_duplicates(map)?;
                    self.body(&keys, &map.items)?;
                }
                _ => {
                    let text = self.inline_value(value, 0)?;
                    self.out.push_str(&keys.join("."));
                    self.out.push_str(" = ");
                    self.out.push_str(&text);
                    self.end_of_line(before.filter(|c| c.inline))?;
                }
            }
            self.path.pop();
        }
        Ok(())
    }

    /// Ends a line, with an end-of-line comment when there is one.
    fn end_of_line(&mut self, comment: Option<&Comment>) -> Result<(), FormatError> {
        if let Some(comment) = comment {
            if comment.text.contains('\n') {
                self.out.push('\n');
                return self.comment_line("", comment);
            }
            check_comment(&comment.text).map_err(|m| self.error(m))?;
            self.out.push_str(" #");
            self.out.push_str(&comment.text);
        }
        self.out.push('\n');
        Ok(())
    }

    fn comment_line(&mut self, indent: &str, comment: &Comment) -> Result<(), FormatError> {
        for line in comment.text.split('\n') {
            check_comment(line).map_err(|m| self.error(m))?;
            self.out.push_str(indent);
            self.out.push('#');
            self.out.push_str(line);
            self.out.push('\n');
        }
        Ok(())
    }

    /// A value as written after `key = ` or inside an array, at nesting `depth`.
    fn inline_value(&mut self, value: &Value, depth: usize) -> Result<String, FormatError> {
        match value {
            Value::Scalar(scalar) => self.scalar(scalar),
            Value::List(items) if has_comments(value) => {
                let mut out = String::from("[\n");
                let inner = INDENT.repeat(depth + 1);
                let mut index = 0;
                for (position, item) in items.iter().enumerate() {
                    match item {
                        ListItem::Comment(comment) => {
                            let attaches = comment.inline
                                && matches!(items.get(position + 1), Some(ListItem::Value(_)));
                            if !attaches {
                                self.comment_into(&mut out, &inner, comment)?;
                            }
                        }
                        ListItem::Value(element) => {
                            self.path.push(Step::Index(index));
                            index += 1;
                            let text = self.inline_value(element, depth + 1)?;
                            out.push_str(&inner);
                            out.push_str(&text);
                            out.push(',');
                            let before = match position.checked_sub(1).map(|i| &items[i]) {
                                Some(ListItem::Comment(comment)) if comment.inline => Some(comment),
                                _ => None,
                            };
                            self.end_into(&mut out, &inner, before)?;
                            self.path.pop();
                        }
                    }
                }
                out.push_str(&INDENT.repeat(depth));
                out.push(']');
                Ok(out)
            }
            Value::List(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    if let ListItem::Value(element) = item {
                        self.path.push(Step::Index(index));
                        parts.push(self.inline_value(element, depth)?);
                        self.path.pop();
                    }
                }
                Ok(format!("[{}]", parts.join(", ")))
            }
            Value::Map(map) => {
                self.check_duplicates(map)?;
                if map.items.is_empty() {
                    return Ok("{}".to_string());
                }
                if !has_comments(value) {
                    let mut parts = Vec::with_capacity(map.items.len());
                    for (key, element) in map.entries() {
                        self.path.push(Step::Key(key.to_string()));
                        let text = self.inline_value(element, depth)?;
                        parts.push(format!("{} = {text}", format_key(key)));
                        self.path.pop();
                    }
                    return Ok(format!("{{ {} }}", parts.join(", ")));
                }
                // TOML 1.1: an inline table over several lines, with comments.
                let mut out = String::from("{\n");
                let inner = INDENT.repeat(depth + 1);
                for (position, item) in map.items.iter().enumerate() {
                    match item {
                        MapItem::Comment(comment) => {
                            let attaches = comment.inline
                                && matches!(
                                    map.items.get(position + 1),
                                    Some(MapItem::Entry { .. })
                                );
                            if !attaches {
                                self.comment_into(&mut out, &inner, comment)?;
                            }
                        }
                        MapItem::Entry { key, value } => {
                            self.path.push(Step::Key(key.clone()));
                            let text = self.inline_value(value, depth + 1)?;
                            out.push_str(&inner);
                            out.push_str(&format_key(key));
                            out.push_str(" = ");
                            out.push_str(&text);
                            out.push(',');
                            let before = match position.checked_sub(1).map(|i| &map.items[i]) {
                                Some(MapItem::Comment(comment)) if comment.inline => Some(comment),
                                _ => None,
                            };
                            self.end_into(&mut out, &inner, before)?;
                            self.path.pop();
                        }
                    }
                }
                out.push_str(&INDENT.repeat(depth));
                out.push('}');
                Ok(out)
            }
        }
    }

    fn comment_into(
        &self,
        out: &mut String,
        indent: &str,
        comment: &Comment,
    ) -> Result<(), FormatError> {
        for line in comment.text.split('\n') {
            check_comment(line).map_err(|m| self.error(m))?;
            out.push_str(indent);
            out.push('#');
            out.push_str(line);
            out.push('\n');
        }
        Ok(())
    }

    fn end_into(
        &self,
        out: &mut String,
        indent: &str,
        comment: Option<&Comment>,
    ) -> Result<(), FormatError> {
        match comment {
            Some(comment) if !comment.text.contains('\n') => {
                check_comment(&comment.text).map_err(|m| self.error(m))?;
                out.push_str(" #");
                out.push_str(&comment.text);
                out.push('\n');
            }
            Some(comment) => {
                out.push('\n');
                self.comment_into(out, indent, comment)?;
            }
            None => out.push('\n'),
        }
        Ok(())
    }

    fn scalar(&self, scalar: &Scalar) -> Result<String, FormatError> {
        Ok(match scalar {
            Scalar::Null => {
                return Err(self.error("cannot write a null as TOML, which has no null"));
            }
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => format_float(*f),
            Scalar::Str(s) => format_string(s),
            Scalar::Time(t) => t.to_rfc3339_nano(),
            // TOML has no bytes: a standard, padded base64 string, as the JSON store writes.
            Scalar::Bytes(b) => format_string(&BASE64_STANDARD.encode(b)),
        })
    }
}

/// Separates the end-of-line comment (an `inline` comment right before the line) from the rest.
fn split_inline<'c>(comments: &[&'c Comment]) -> (Vec<&'c Comment>, Option<&'c Comment>) {
    match comments.split_last() {
        Some((last, rest)) if last.inline => (rest.to_vec(), Some(*last)),
        _ => (comments.to_vec(), None),
    }
}

/// TOML comments may hold any character but the control characters other than tab.
fn check_comment(text: &str) -> Result<(), &'static str> {
    if text
        .chars()
        .any(|c| (c.is_control() && c != '\t' && (c as u32) < 0x80) || c == '\u{7f}')
    {
        return Err("cannot write a comment holding a control character as TOML");
    }
    Ok(())
}

/// A key, bare when TOML allows it.
fn format_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        key.to_string()
    } else {
        basic_string(key, false)
    }
}

/// A string: multi-line (`"""`) when it holds a line break, else a basic string.
fn format_string(s: &str) -> String {
    basic_string(s, s.contains('\n'))
}

fn basic_string(s: &str, multi_line: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(if multi_line { "\"\"\"\n" } else { "\"" });
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if multi_line => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str(if multi_line { "\"\"\"" } else { "\"" });
    out
}

/// A float in TOML syntax: always with a `.` or an exponent, `inf`/`nan` spelled as TOML does.
fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // Rust's shortest round-trip form: `1.0`, `0.1`, `1e300`, `1e-7` are all valid TOML.
    format!("{f:?}")
}
