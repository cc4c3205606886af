//! The INI store: INI files read and written as sops does through go-ini (`gopkg.in/ini.v1`
//! with non-unique sections allowed).
//!
//! Owns the INI reader (go-ini's rules: `=`/`:` delimiters, trimmed keys and values, inline
//! `#`/`;` comments, `"""`/backtick/quote-wrapped values, `\` continuation lines), the writer
//! (aligned `key = value`, go-ini's value quoting, comment placement) and the metadata layout:
//! the `[sops]` section holds the metadata flattened below the top, with newlines written as
//! `\n`. Tree shape: one document whose top-level entries are the sections in file order, the
//! implicit `DEFAULT` first; a section comment is the first item of its section, a key's
//! comment is a comment item right after the key.

use super::FormatError;
use super::SOPS_KEY;
use super::flatten::{flatten, go_debug_string, scalar_to_string, unflatten};
use crate::tree::{Comment, Map, MapItem, Tree, Value};

/// The name of go-ini's implicit first section.
pub const DEFAULT_SECTION: &str = "DEFAULT";

struct Key {
    name: String,
    value: String,
    comment: String,
}

struct Section {
    name: String,
    comment: String,
    keys: Vec<Key>,
}

impl Section {
    fn new(name: impl Into<String>, comment: String) -> Self {
        Section {
            name: name.into(),
            comment,
            keys: Vec::new(),
        }
    }

    /// go-ini `NewKey`: an existing key keeps its place and gets the new value.
    fn set(&mut self, name: String, value: String) -> &mut Key {
        match self.keys.iter().position(|k| k.name == name) {
            Some(index) => {
                self.keys[index].value = value;
                &mut self.keys[index]
            }
            None => {
                self.keys.push(Key {
                    name,
                    value,
                    comment: String::new(),
                });
                self.keys.last_mut().expect("just pushed")
            }
        }
    }
}

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    line: usize,
    comment: String,
}

impl<'a> Parser<'a> {
    fn eof(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// The next line including its `\n` (none at the end of the input).
    fn read_line(&mut self) -> &'a str {
        let rest = &self.input[self.pos..];
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        self.pos += end;
        self.line += 1;
        &rest[..end]
    }

    fn error(&self, message: &str) -> FormatError {
        FormatError::on_line(self.line, message)
    }

    fn parse(&mut self) -> Result<Vec<Section>, FormatError> {
        let mut sections = vec![Section::new(DEFAULT_SECTION, String::new())];
        let mut counter = 1;
        while !self.eof() {
            let line = self.read_line().trim_start();
            if line.is_empty() {
                continue;
            }
            if line.starts_with(['#', ';']) {
                self.comment.push_str(line);
                continue;
            }
            if line.starts_with('[') {
                let close = line
                    .rfind(']')
                    .ok_or_else(|| self.error("unclosed section header"))?;
                let name = &line[1..close];
                if name.is_empty() {
                    return Err(self.error("empty section name"));
                }
                if let Some(i) = line[close + 1..].find(['#', ';']) {
                    self.comment.push_str(&line[close + 1 + i..]);
                }
                let comment = std::mem::take(&mut self.comment).trim().to_string();
                sections.push(Section::new(name, comment));
                counter = 1;
                continue;
            }
            let (mut name, offset) = self.read_key_name(line)?;
            if name == "-" {
                name = format!("#{counter}");
                counter += 1;
            }
            let value = self.read_value(&line[offset..])?;
            if name.is_empty() {
                return Err(self.error("empty key name"));
            }
            let comment = std::mem::take(&mut self.comment).trim().to_string();
            let section = sections.last_mut().expect("DEFAULT is always there");
            section.set(name, value).comment = comment;
        }
        Ok(sections)
    }

    /// go-ini `readKeyName`: the key and the offset just past its delimiter.
    fn read_key_name(&self, line: &str) -> Result<(String, usize), FormatError> {
        let quote = if line.starts_with('"') {
            if line.len() > 6 && line.starts_with("\"\"\"") {
                "\"\"\""
            } else {
                "\""
            }
        } else if line.starts_with('`') {
            "`"
        } else {
            ""
        };
        if !quote.is_empty() {
            let start = quote.len();
            let pos = line[start..]
                .find(quote)
                .ok_or_else(|| self.error("missing closing key quote"))?
                + start;
            let i = line[pos + start..]
                .find(['=', ':'])
                .ok_or_else(|| self.error("key-value delimiter not found"))?;
            let end = pos + i;
            return Ok((line[start..pos].trim().to_string(), end + start + 1));
        }
        match line.find(['=', ':']) {
            None => Err(self.error("key-value delimiter not found")),
            Some(0) => Err(self.error("empty key name")),
            Some(end) => Ok((line[..end].trim().to_string(), end + 1)),
        }
    }

    /// go-ini `readValue`, on the text after the delimiter (with its `\n`).
    fn read_value(&mut self, rest: &str) -> Result<String, FormatError> {
        let line = rest.trim_start();
        if line.is_empty() {
            return Ok(String::new());
        }
        let quote = if line.len() > 3 && line.starts_with("\"\"\"") {
            "\"\"\""
        } else if line.starts_with('`') {
            "`"
        } else {
            ""
        };
        if !quote.is_empty() {
            let inner = &line[quote.len()..];
            return match inner.rfind(quote) {
                Some(pos) => Ok(inner[..pos].to_string()),
                None => self.read_multiline(inner, quote),
            };
        }
        let mut line = line.trim();
        if let Some(stripped) = line.strip_suffix('\\') {
            return Ok(self.read_continuation(stripped.to_string()));
        }
        if let Some(i) = line.find(['#', ';']) {
            self.comment.push_str(&line[i..]);
            line = line[..i].trim();
        }
        if surrounded_by(line, '\'') || surrounded_by(line, '"') {
            line = &line[1..line.len() - 1];
        }
        Ok(line.to_string())
    }

    fn read_multiline(&mut self, first: &str, quote: &str) -> Result<String, FormatError> {
        let start_line = self.line;
        let mut value = first.to_string();
        loop {
            let next = self.read_line();
            if let Some(pos) = next.rfind(quote) {
                value.push_str(&next[..pos]);
                if let Some(i) = next[pos..].find(['#', ';']) {
                    self.comment.push_str(next[pos + i..].trim());
                }
                return Ok(value);
            }
            value.push_str(next);
            if self.eof() {
                return Err(FormatError::on_line(
                    start_line,
                    "quoted value is never closed",
                ));
            }
        }
    }

    fn read_continuation(&mut self, mut value: String) -> String {
        loop {
            let next = self.read_line().trim();
            if next.is_empty() {
                return value;
            }
            value.push_str(next);
            if !value.ends_with('\\') {
                return value;
            }
            value.pop();
        }
    }
}

/// go-ini `hasSurroundedQuote`: the quote opens and closes the text and appears nowhere else.
fn surrounded_by(text: &str, quote: char) -> bool {
    text.len() >= 2
        && text.starts_with(quote)
        && text.ends_with(quote)
        && text[1..].find(quote) == Some(text.len() - 2)
}

/// sops's comment text: the comment without its leading markers and spaces.
fn comment_text(raw: &str) -> String {
    raw.trim_start_matches(['#', ';', ' ']).to_string()
}

/// Parses an INI file into a one-document tree; sops metadata ends up under a top-level `sops` key.
pub fn parse(input: &[u8]) -> Result<Tree, FormatError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = super::utf8_text(input)?;
    let sections = Parser {
        input: text,
        pos: 0,
        line: 0,
        comment: String::new(),
    }
    .parse()?;
    let mut document = Map::default();
    let mut metadata = None;
    for section in sections {
        if section.name == SOPS_KEY {
            if metadata.is_none() {
                let pairs = section
                    .keys
                    .into_iter()
                    .map(|k| (k.name, k.value.replace("\\n", "\n")))
                    .collect();
                metadata = Some(unflatten(pairs)?);
            }
            continue;
        }
        let mut map = Map::default();
        if !section.comment.is_empty() {
            map.items.push(MapItem::Comment(Comment::new(comment_text(
                &section.comment,
            ))));
        }
        for key in section.keys {
            map.push(key.name, Value::str(key.value));
            if !key.comment.is_empty() {
                map.items
                    .push(MapItem::Comment(Comment::new(comment_text(&key.comment))));
            }
        }
        document.push(section.name, Value::Map(map));
    }
    if let Some(metadata) = metadata {
        document.push(SOPS_KEY, Value::Map(metadata));
    }
    Ok(Tree {
        documents: vec![document],
    })
}

fn section_from_map(name: &str, map: &Map) -> Result<Section, FormatError> {
    let mut section = Section::new(name, String::new());
    let mut items = map.items.iter().peekable();
    if let Some(MapItem::Comment(comment)) = items.peek() {
        section.comment = comment.text.clone();
        items.next();
    }
    let mut last: Option<usize> = None;
    for item in items {
        match item {
            MapItem::Comment(comment) => {
                if let Some(index) = last {
                    section.keys[index].comment = comment.text.clone();
                }
            }
            MapItem::Entry { key, value } => {
                if key.is_empty() {
                    return Err(FormatError::new(format!(
                        "empty key name in INI section {name}"
                    )));
                }
                let text = match value {
                    Value::Scalar(scalar) => scalar_to_string(scalar),
                    nested => go_debug_string(nested),
                };
                section.set(key.clone(), text);
                last = section.keys.iter().position(|k| &k.name == key);
            }
        }
    }
    Ok(section)
}

fn metadata_section(map: &Map) -> Result<Section, FormatError> {
    let mut flat = flatten(map)?;
    flat.sort_by(|a, b| a.0.cmp(&b.0));
    let mut section = Section::new(SOPS_KEY, String::new());
    for (name, value) in flat {
        section.set(name, value.replace('\n', "\\n"));
    }
    Ok(section)
}

/// go-ini writes a key's comment lines trimmed, a section's as they are.
fn write_comment(out: &mut String, comment: &str, trim: bool) {
    for line in comment.split('\n') {
        match line.chars().next() {
            Some(c @ ('#' | ';')) => {
                out.push(c);
                out.push(' ');
                out.push_str(line[1..].trim());
            }
            _ => {
                out.push_str("; ");
                out.push_str(if trim { line.trim() } else { line });
            }
        }
        out.push('\n');
    }
}

fn quoted_key(name: &str) -> String {
    if name.contains('"') || name.contains(['=', ':']) {
        format!("`{name}`")
    } else if name.contains('`') {
        format!("\"\"\"{name}\"\"\"")
    } else {
        name.to_string()
    }
}

fn quoted_value(value: &str) -> String {
    if value.contains(['\n', '`']) {
        format!("\"\"\"{value}\"\"\"")
    } else if value.contains(['#', ';']) {
        format!("`{value}`")
    } else if value.trim().len() != value.len() {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

fn write_sections(sections: &[Section]) -> String {
    let mut out = String::new();
    for (index, section) in sections.iter().enumerate() {
        if !section.comment.is_empty() {
            write_comment(&mut out, &section.comment, false);
        }
        if index == 0 && section.name.to_uppercase() == DEFAULT_SECTION {
            if section.keys.is_empty() {
                continue;
            }
        } else {
            out.push('[');
            out.push_str(&section.name);
            out.push_str("]\n");
        }
        let align = section
            .keys
            .iter()
            .map(|k| {
                let extra = if k.name.contains('"') || k.name.contains(['=', ':']) {
                    2
                } else if k.name.contains('`') {
                    6
                } else {
                    0
                };
                k.name.len() + extra
            })
            .max()
            .unwrap_or(0);
        for key in &section.keys {
            if !key.comment.is_empty() {
                write_comment(&mut out, &key.comment, true);
            }
            let name = quoted_key(&key.name);
            out.push_str(&name);
            out.push_str(&" ".repeat(align.saturating_sub(name.len())));
            out.push_str(" = ");
            out.push_str(&quoted_value(&key.value));
            out.push('\n');
        }
        // A blank line between sections, none after the last.
        if index + 1 < sections.len() {
            out.push('\n');
        }
    }
    out
}

/// Emits a tree; a top-level `sops` entry is written where this format keeps metadata.
pub fn emit(tree: &Tree) -> Result<Vec<u8>, FormatError> {
    let mut sections = Vec::new();
    for document in &tree.documents {
        for item in &document.items {
            let MapItem::Entry { key, value } = item else {
                continue;
            };
            if key.is_empty() {
                return Err(FormatError::new("empty INI section name"));
            }
            let Value::Map(map) = value else {
                return Err(FormatError::new(format!(
                    "cannot write {key} as an INI section: section values must be mappings"
                )));
            };
            sections.push(if key == SOPS_KEY {
                metadata_section(map)?
            } else {
                section_from_map(key, map)?
            });
        }
    }
    Ok(write_sections(&sections).into_bytes())
}

/// Emits one value for `--extract`: a section as INI keys, any other value as sops renders it.
pub fn emit_value(value: &Value) -> Result<Vec<u8>, FormatError> {
    match value {
        Value::Scalar(scalar) => Ok(scalar_to_string(scalar).into_bytes()),
        _ => Err(FormatError::new("cannot extract a mapping or list as ini")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section<'a>(tree: &'a Tree, name: &str) -> &'a Map {
        match tree.documents[0].get(name) {
            Some(Value::Map(m)) => m,
            other => panic!("no section {name}: {other:?}"),
        }
    }

    fn round_trip(input: &str) -> String {
        String::from_utf8(emit(&parse(input.as_bytes()).unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn default_section_comes_first_even_when_empty() {
        let tree = parse(b"[a]\nk = v\n").unwrap();
        let names: Vec<&str> = tree.documents[0].entries().map(|(k, _)| k).collect();
        assert_eq!(names, ["DEFAULT", "a"]);
        assert_eq!(section(&tree, "DEFAULT").items, vec![]);
        assert_eq!(round_trip("[a]\nk = v\n"), "[a]\nk = v\n");
    }

    #[test]
    fn keys_and_values_are_trimmed_and_unquoted() {
        let tree = parse(
            b"[s]\n  k1 = value ; inline\nk2:colon\nk3=a=b\nk4 = \"q\"\nk5 = 'x'\nk6 = `a;b`\n\
              k7 = \"\"\"multi\nline\"\"\"\nk8 = cont \\\n  inued\nk9 =\n",
        )
        .unwrap();
        let s = section(&tree, "s");
        let get = |k: &str| s.get(k).cloned();
        assert_eq!(get("k1"), Some(Value::str("value")));
        assert_eq!(get("k2"), Some(Value::str("colon")));
        assert_eq!(get("k3"), Some(Value::str("a=b")));
        assert_eq!(get("k4"), Some(Value::str("q")));
        assert_eq!(get("k5"), Some(Value::str("x")));
        assert_eq!(get("k6"), Some(Value::str("a;b")));
        assert_eq!(get("k7"), Some(Value::str("multi\nline")));
        assert_eq!(get("k8"), Some(Value::str("cont inued")));
        assert_eq!(get("k9"), Some(Value::str("")));
        // The inline comment follows its key.
        assert_eq!(s.items[1], MapItem::Comment(Comment::new("inline")));
    }

    #[test]
    fn comments_are_placed_as_sops_places_them() {
        let input = "# top\ntop = d\n; sec 1\n# sec 2\n[s]\n; c1\n#c2\nk = v\nk2 = w\n; dropped\n";
        let tree = parse(input.as_bytes()).unwrap();
        let default = section(&tree, "DEFAULT");
        assert_eq!(default.items[1], MapItem::Comment(Comment::new("top")));
        let s = section(&tree, "s");
        assert_eq!(s.items[0], MapItem::Comment(Comment::new("sec 1\n# sec 2")));
        assert_eq!(s.items[2], MapItem::Comment(Comment::new("c1\n#c2")));
        assert_eq!(s.items.len(), 4);
        assert_eq!(
            round_trip(input),
            "; top\ntop = d\n\n; sec 1\n# sec 2\n[s]\n; c1\n# c2\nk  = v\nk2 = w\n"
        );
    }

    #[test]
    fn values_are_quoted_as_go_ini_quotes_them() {
        let mut s = Map::default();
        for (k, v) in [
            ("plain", "x"),
            ("hash", "a#b"),
            ("semi", "a;b"),
            ("tick", "a`b"),
            ("nl", "a\nb"),
            ("lead", " x"),
            ("trail", "x "),
            ("empty", ""),
        ] {
            s.push(k, Value::str(v));
        }
        let mut doc = Map::default();
        doc.push("s", Value::Map(s));
        let out = emit(&Tree {
            documents: vec![doc],
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[s]\nplain = x\nhash  = `a#b`\nsemi  = `a;b`\ntick  = \"\"\"a`b\"\"\"\n\
             nl    = \"\"\"a\nb\"\"\"\nlead  = \" x\"\ntrail = \"x \"\nempty = \n"
        );
    }

    #[test]
    fn duplicate_sections_stay_and_duplicate_keys_merge() {
        let tree = parse(b"[a]\nk = 1\nk = 2\n[a]\nj = 3\n").unwrap();
        let entries: Vec<_> = tree.documents[0].entries().collect();
        assert_eq!(entries.len(), 3);
        assert_eq!(section(&tree, "a").items.len(), 1);
        assert_eq!(section(&tree, "a").get("k"), Some(&Value::str("2")));
    }

    #[test]
    fn metadata_section_accepts_escaped_and_triple_quoted_newlines() {
        let escaped = parse(b"[a]\nk = v\n\n[sops]\nenc = x\\ny\nversion = 1\n").unwrap();
        let quoted = parse(b"[a]\nk = v\n\n[sops]\nenc = \"\"\"x\ny\"\"\"\nversion = 1\n").unwrap();
        assert_eq!(escaped, quoted);
        let doc = &escaped.documents[0];
        assert!(matches!(doc.items.last(), Some(MapItem::Entry { key, .. }) if key == "sops"));
        let Some(Value::Map(md)) = doc.get("sops") else {
            panic!()
        };
        assert_eq!(md.get("enc"), Some(&Value::str("x\ny")));
        assert_eq!(
            String::from_utf8(emit(&quoted).unwrap()).unwrap(),
            "[a]\nk = v\n\n[sops]\nenc     = x\\ny\nversion = 1\n"
        );
    }

    #[test]
    fn errors_name_lines_not_contents() {
        let err = parse(b"[a]\nsecret-without-delimiter\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(!err.to_string().contains("secret"));
        let err = parse(b"[a]\nk = \"\"\"open\nsecret\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(!err.to_string().contains("secret"));
        assert!(parse(b"[unclosed\n").is_err());
        let mut doc = Map::default();
        doc.push("top", Value::str("scalar"));
        assert!(
            emit(&Tree {
                documents: vec![doc]
            })
            .is_err()
        );
    }
}
