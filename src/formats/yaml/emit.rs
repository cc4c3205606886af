//! The YAML emitter: writes a tree the way sops 3.12.2 does through go-yaml v3 (block style,
//! yaml.v3 indentation, yaml.v3/libyaml scalar quoting, comments as `#` lines).

use super::resolve::{is_base60_float, is_old_bool, plain_is_not_string};
use crate::formats::FormatError;
use crate::tree::{Comment, ListItem, Map, MapItem, Scalar, Tree, Value, number};

/// Emits every document, separated by `---`.
pub fn emit_tree(tree: &Tree, indent: usize) -> Result<Vec<u8>, FormatError> {
    let indent = indent.max(1);
    // Sized up front: growing by doubling would hold the old and the new buffer at once, and an
    // encrypted file is several times larger than its plaintext (docs/performance.md).
    let estimate: usize = tree
        .documents
        .iter()
        .map(|doc| map_len_estimate(doc, 0, indent) + 4)
        .sum();
    let mut out = String::with_capacity(estimate + estimate / 32 + 256);
    for (i, doc) in tree.documents.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        let mut e = Emitter {
            out: &mut out,
            step: indent,
        };
        e.root_map(doc);
    }
    Ok(out.into_bytes())
}

/// About how many bytes `map` takes when emitted at `depth` (quotes and escapes aside).
fn map_len_estimate(map: &Map, depth: usize, step: usize) -> usize {
    map.items
        .iter()
        .map(|item| match item {
            MapItem::Entry { key, value } => {
                depth * step + key.len() + 2 + value_len_estimate(value, depth + 1, step)
            }
            MapItem::Comment(c) => depth * step + c.text.len() + 2,
        })
        .sum()
}

fn value_len_estimate(value: &Value, depth: usize, step: usize) -> usize {
    match value {
        Value::Scalar(Scalar::Str(s)) => s.len() + 1,
        Value::Scalar(Scalar::Bytes(b)) => b.len() + 1,
        Value::Scalar(_) => 24,
        Value::Map(m) => 1 + map_len_estimate(m, depth, step),
        Value::List(items) => {
            1 + items
                .iter()
                .map(|item| match item {
                    ListItem::Value(v) => depth * step + 2 + value_len_estimate(v, depth + 1, step),
                    ListItem::Comment(c) => depth * step + c.text.len() + 2,
                })
                .sum::<usize>()
        }
    }
}

/// Emits one value as its own document (yaml.Marshal of the node).
pub fn emit_single(value: &Value, indent: usize) -> Result<Vec<u8>, FormatError> {
    let indent = indent.max(1);
    let mut out = String::new();
    let mut e = Emitter {
        out: &mut out,
        step: indent,
    };
    match value {
        Value::Map(m) => e.root_map(m),
        Value::List(items) if has_values(items) || !items.is_empty() => {
            if items.iter().all(|i| matches!(i, ListItem::Comment(_))) {
                e.comments_only(items, 0);
                e.out.push_str("[]\n");
            } else {
                e.list(items, 0, false);
            }
        }
        Value::List(_) => e.out.push_str("[]\n"),
        Value::Scalar(s) => {
            e.scalar(s, 0, false);
            e.out.push('\n');
        }
    }
    Ok(out.into_bytes())
}

fn has_values(items: &[ListItem]) -> bool {
    items.iter().any(|i| matches!(i, ListItem::Value(_)))
}

fn map_has_entries(m: &Map) -> bool {
    m.items.iter().any(|i| matches!(i, MapItem::Entry { .. }))
}

struct Emitter<'a> {
    out: &'a mut String,
    step: usize,
}

impl Emitter<'_> {
    /// yaml.v3: a nested block goes to the next multiple of the indent step.
    fn next_indent(&self, indent: usize) -> usize {
        self.step * ((indent + self.step) / self.step)
    }

    fn pad(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    fn comment_line(&mut self, c: &Comment, indent: usize) {
        self.pad(indent);
        self.out.push('#');
        self.out.push_str(&c.text);
        self.out.push('\n');
    }

    fn comments_only(&mut self, items: &[ListItem], indent: usize) {
        for item in items {
            if let ListItem::Comment(c) = item {
                self.comment_line(c, indent);
            }
        }
    }

    fn root_map(&mut self, m: &Map) {
        if !map_has_entries(m) {
            for item in &m.items {
                if let MapItem::Comment(c) = item {
                    self.comment_line(c, 0);
                }
            }
            self.out.push_str("{}\n");
            return;
        }
        self.map(m, 0, false);
    }

    /// Writes a non-empty mapping whose keys sit at `indent`. With `inline_first`, the cursor
    /// is already at `indent` on the current line (after `- `).
    fn map(&mut self, m: &Map, indent: usize, inline_first: bool) {
        let mut at_line_start = !inline_first;
        let mut pending_inline: Option<&Comment> = None;
        for (idx, item) in m.items.iter().enumerate() {
            match item {
                MapItem::Comment(c) => {
                    let next_is_scalar_entry = matches!(
                        m.items.get(idx + 1),
                        Some(MapItem::Entry {
                            value: Value::Scalar(_),
                            ..
                        })
                    );
                    if c.inline && next_is_scalar_entry && pending_inline.is_none() {
                        pending_inline = Some(c);
                        continue;
                    }
                    if let Some(p) = pending_inline.take() {
                        self.own_comment(p, indent, &mut at_line_start);
                    }
                    self.own_comment(c, indent, &mut at_line_start);
                }
                MapItem::Entry { key, value } => {
                    if !at_line_start {
                        at_line_start = true;
                    } else {
                        self.pad(indent);
                    }
                    self.key(key);
                    self.out.push(':');
                    let line_comment = pending_inline.take();
                    self.value_after_key(value, indent, line_comment);
                }
            }
        }
        if let Some(p) = pending_inline.take() {
            self.own_comment(p, indent, &mut at_line_start);
        }
    }

    fn own_comment(&mut self, c: &Comment, indent: usize, at_line_start: &mut bool) {
        if *at_line_start {
            self.pad(indent);
        }
        *at_line_start = true;
        self.out.push('#');
        self.out.push_str(&c.text);
        self.out.push('\n');
        // After a comment on the `- ` line, the rest goes on fresh lines at `indent`.
    }

    fn value_after_key(&mut self, value: &Value, indent: usize, line_comment: Option<&Comment>) {
        match value {
            Value::Scalar(s) => {
                self.out.push(' ');
                let content_indent = self.next_indent(indent);
                self.scalar_with_comment(s, content_indent, line_comment);
            }
            Value::Map(m) if map_has_entries(m) => {
                self.out.push('\n');
                let ni = self.next_indent(indent);
                self.map(m, ni, false);
            }
            Value::Map(m) => {
                self.out.push_str(" {}\n");
                for item in &m.items {
                    if let MapItem::Comment(c) = item {
                        let ni = self.next_indent(indent);
                        self.comment_line(c, ni);
                    }
                }
            }
            Value::List(items) if has_values(items) => {
                self.out.push('\n');
                let ni = self.next_indent(indent);
                self.list(items, ni, false);
            }
            Value::List(items) => {
                self.out.push_str(" []\n");
                let ni = self.next_indent(indent);
                self.comments_only(items, ni);
            }
        }
    }

    /// Writes a sequence with dashes at `indent`.
    fn list(&mut self, items: &[ListItem], indent: usize, inline_first: bool) {
        let mut at_line_start = !inline_first;
        let mut pending_inline: Option<&Comment> = None;
        let mut nested;
        for (idx, item) in items.iter().enumerate() {
            match item {
                ListItem::Comment(c) => {
                    let next_is_scalar =
                        matches!(items.get(idx + 1), Some(ListItem::Value(Value::Scalar(_))));
                    if c.inline && next_is_scalar && pending_inline.is_none() {
                        pending_inline = Some(c);
                        continue;
                    }
                    if let Some(p) = pending_inline.take() {
                        self.own_comment(p, indent, &mut at_line_start);
                    }
                    self.own_comment(c, indent, &mut at_line_start);
                }
                ListItem::Value(v) => {
                    // go-yaml writes the comments that open a nested sequence above the
                    // item's dash.
                    let v = match v {
                        Value::List(sub) if has_values(sub) => {
                            let lead = sub
                                .iter()
                                .take_while(|i| matches!(i, ListItem::Comment(_)))
                                .count();
                            if lead == 0 {
                                v
                            } else {
                                for item in &sub[..lead] {
                                    if let ListItem::Comment(c) = item {
                                        self.own_comment(c, indent, &mut at_line_start);
                                    }
                                }
                                nested = Value::List(sub[lead..].to_vec());
                                &nested
                            }
                        }
                        _ => v,
                    };
                    if at_line_start {
                        self.pad(indent);
                    }
                    at_line_start = true;
                    self.out.push('-');
                    let inner = indent + 2;
                    match v {
                        Value::Scalar(s) => {
                            self.out.push(' ');
                            let lc = pending_inline.take();
                            self.scalar_with_comment(s, inner, lc);
                        }
                        Value::Map(m) if map_has_entries(m) => {
                            self.out.push(' ');
                            self.map(m, inner, true);
                        }
                        Value::Map(m) => {
                            self.out.push_str(" {}\n");
                            for item in &m.items {
                                if let MapItem::Comment(c) = item {
                                    self.comment_line(c, inner);
                                }
                            }
                        }
                        Value::List(sub) if has_values(sub) => {
                            self.out.push(' ');
                            self.list(sub, inner, true);
                        }
                        Value::List(sub) => {
                            self.out.push_str(" []\n");
                            self.comments_only(sub, inner);
                        }
                    }
                }
            }
        }
        if let Some(p) = pending_inline.take() {
            self.own_comment(p, indent, &mut at_line_start);
        }
    }

    fn scalar_with_comment(&mut self, s: &Scalar, block_indent: usize, comment: Option<&Comment>) {
        let literal = self.scalar(s, block_indent, false);
        match comment {
            Some(c) if !literal => {
                self.out.push_str(" #");
                self.out.push_str(&c.text);
                self.out.push('\n');
            }
            Some(c) => {
                // A literal block already ended its line; keep the comment on its own line.
                self.comment_line(c, block_indent.saturating_sub(self.step));
            }
            None => {
                if !literal {
                    self.out.push('\n');
                }
            }
        }
    }

    fn key(&mut self, key: &str) {
        let style = string_style(key, true);
        self.write_string(key, style, 0);
    }

    /// Writes a scalar at the cursor. Returns true when it wrote a literal block (which ends
    /// with its own newline).
    fn scalar(&mut self, s: &Scalar, block_indent: usize, _key: bool) -> bool {
        match s {
            Scalar::Null => self.out.push_str("null"),
            Scalar::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Scalar::Int(i) => self.out.push_str(&i.to_string()),
            Scalar::Float(f) => self.out.push_str(&number::format_yaml(*f)),
            Scalar::Time(t) => self.out.push_str(&t.to_rfc3339_nano()),
            Scalar::Str(text) => {
                let style = self.checked_style(text, block_indent);
                self.write_string(text, style, block_indent);
                return style == Style::Literal;
            }
            Scalar::Bytes(b) => match std::str::from_utf8(b) {
                Ok(text) => {
                    let style = self.checked_style(text, block_indent);
                    self.write_string(text, style, block_indent);
                    return style == Style::Literal;
                }
                Err(_) => {
                    // go-yaml writes a string that is not UTF-8 as `!!binary` base64.
                    self.out.push_str("!!binary ");
                    let encoded = go_base64_lines(b);
                    if encoded.contains('\n') {
                        self.literal(&encoded, block_indent);
                        return true;
                    }
                    self.out.push_str(&encoded);
                }
            },
        }
        false
    }

    /// sops's style for a value string, except where go-yaml writes a block scalar that no YAML
    /// reader accepts (sops cannot read it back either): a literal that needs an indentation
    /// indicator (text starting with a space or a newline) whose content column is not the
    /// owning key's column plus one step, as happens inside sequence items, and a literal whose
    /// first line starts with a tab (sops writes `null` there). Those are written
    /// double-quoted instead. Encrypted files never hit this (their values are ENC strings).
    fn checked_style(&self, text: &str, block_indent: usize) -> Style {
        let style = string_style(text, false);
        if style == Style::Literal && text.starts_with('\t') {
            // A tab right after a block's detected indentation is refused by go-yaml.
            return Style::Double;
        }
        if style != Style::Literal || !(text.starts_with(' ') || text.starts_with('\n')) {
            return style;
        }
        let line = self.out.rsplit('\n').next().unwrap_or_default();
        let owner_column = line.len() - line.trim_start_matches(' ').len();
        let owner_is_key = !line[owner_column..].starts_with('-');
        if owner_is_key && block_indent == owner_column + self.step {
            style
        } else {
            Style::Double
        }
    }

    fn write_string(&mut self, s: &str, style: Style, block_indent: usize) {
        match style {
            Style::Plain => self.out.push_str(s),
            Style::MergeTag => self.out.push_str("!!merge <<"),
            Style::Single => {
                self.out.push('\'');
                for c in s.chars() {
                    match c {
                        '\'' => self.out.push_str("''"),
                        '\u{2028}' | '\u{2029}' => {
                            // A line break inside quotes: the next line is indented.
                            self.out.push(c);
                            self.pad(block_indent);
                        }
                        c => self.out.push(c),
                    }
                }
                self.out.push('\'');
            }
            Style::Double => write_double_quoted(self.out, s),
            Style::Literal => self.literal(s, block_indent),
        }
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.out.push('|');
        if s.starts_with(' ') || s.starts_with('\n') {
            self.out.push_str(&self.step.to_string());
        }
        let body = if let Some(stripped) = s.strip_suffix('\n') {
            if stripped.is_empty() || stripped.ends_with('\n') {
                self.out.push('+');
            }
            stripped
        } else {
            self.out.push('-');
            s
        };
        self.out.push('\n');
        for line in body.split('\n') {
            if !line.is_empty() {
                self.pad(indent);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }
}

/// How a string is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'...'`.
    Single,
    /// `"..."` with escapes.
    Double,
    /// `|` block.
    Literal,
    /// The string `<<`, which yaml.v3 writes as `!!merge <<`.
    MergeTag,
}

/// libyaml's "printable" test as yaml.v3 applies it (characters above U+FFFF are not printable).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c),
    }
}

/// Picks the style yaml.v3 would use for a string (`key` = simple-key context).
pub fn string_style(s: &str, key: bool) -> Style {
    if s.is_empty() {
        return Style::Double;
    }
    if s == "<<" {
        return Style::MergeTag;
    }
    let simple = is_simple_ascii(s);
    let a = if simple {
        Analysis {
            plain_allowed: true,
            single_allowed: true,
            block_allowed: true,
        }
    } else {
        analyze(s)
    };
    if !simple && s.contains('\n') {
        if key || !a.block_allowed {
            return Style::Double;
        }
        return Style::Literal;
    }
    if plain_is_not_string(s) || is_base60_float(s) || is_old_bool(s) {
        return Style::Double;
    }
    if a.plain_allowed {
        Style::Plain
    } else if a.single_allowed {
        Style::Single
    } else {
        Style::Double
    }
}

/// A byte-level shortcut for [`analyze`] on the common case (every `ENC[...]` value, base64,
/// identifiers): ASCII letters, digits and `+/=_.,-[]:` only, starting with a letter or digit and
/// not ending with `:`. Such a string has no indicator, blank, break, tab or special character,
/// so every style is allowed; the resolver checks in [`string_style`] still apply.
fn is_simple_ascii(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last() != Some(&b':')
        // Branch-free per chunk: these strings are long (`ENC[...]` values) and nearly always
        // pass.
        && bytes.chunks(32).all(|chunk| {
            chunk
                .iter()
                .fold(true, |simple, &b| simple & SIMPLE_ASCII[usize::from(b)])
        })
}

/// The bytes [`is_simple_ascii`] allows, as a table (one load per byte).
const SIMPLE_ASCII: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'+' | b'/' | b'=' | b'_' | b'.' | b',' | b'-' | b'[' | b']' | b':'
            );
        b += 1;
    }
    table
};

struct Analysis {
    plain_allowed: bool,
    single_allowed: bool,
    block_allowed: bool,
}

fn analyze(s: &str) -> Analysis {
    let mut indicators = false;
    let mut special = false;
    let mut tabs = false;
    let mut line_breaks = false;
    let mut space_break = false;
    let mut break_space = false;
    if s.starts_with("---") || s.starts_with("...") {
        indicators = true;
    }
    // One pass with a look-ahead and a look-behind character (no buffer per string).
    let mut chars = s.chars().peekable();
    let mut prev: Option<char> = None;
    let first = s
        .chars()
        .next()
        .expect("empty strings are styled before analysis");
    let mut last = first;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        last = c;
        if let Some(p) = prev.replace(c) {
            match c {
                ':' if is_blank_or_end(next) => indicators = true,
                '#' if matches!(p, ' ' | '\t') || is_break(p) => indicators = true,
                _ => {}
            }
        } else {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => indicators = true,
                '?' | ':' | '-' if is_blank_or_end(next) => indicators = true,
                _ => {}
            }
        }
        if c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' && next.is_some_and(is_break) {
            space_break = true;
        }
        if is_break(c) && next == Some(' ') {
            break_space = true;
        }
    }
    let leading = first == ' ' || is_break(first);
    let trailing_space = last == ' ';
    let trailing = trailing_space || is_break(last);
    let mut plain = !(indicators || leading || trailing || line_breaks);
    let mut single = true;
    let mut block = !trailing_space;
    if break_space {
        plain = false;
        single = false;
    }
    if space_break || tabs || special {
        plain = false;
        single = false;
    }
    if space_break || special {
        block = false;
    }
    Analysis {
        plain_allowed: plain,
        single_allowed: single,
        block_allowed: block,
    }
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    // yaml.v3's BOM test looks at the start of the string, not at the current character: a
    // string that starts with U+FEFF has every character escaped.
    let bom = s.starts_with('\u{FEFF}');
    for c in s.chars() {
        let escape = bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\';
        if !escape {
            out.push(c);
            continue;
        }
        match c {
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{B}' => out.push_str("\\v"),
            '\u{C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1B}' => out.push_str("\\e"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{A0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
}

/// go-yaml's base64 for `!!binary`: standard with padding, in lines of 70 characters, each
/// ended by a line feed once there is more than one line.
fn go_base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    const LINE: usize = 70;
    let encoded = base64::prelude::BASE64_STANDARD.encode(bytes);
    if encoded.len() < LINE {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + 1);
    for line in encoded.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_shortcut_agrees_with_the_full_analysis() {
        let alphabet = b"aZ09+/=_.,-[]: #\t\"'!&*?|>%@`{}~";
        // Every string of up to four characters from an alphabet of the shortcut's characters and
        // the ones that matter around them.
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |&c| format!("{s}{}", c as char)))
                .collect();
            strings.extend(longer);
            strings.dedup();
        }
        strings.push("ENC[AES256_GCM,data:3q2+7w==,iv:AAAA/BBB=,tag:CC+DD==,type:str]".into());
        let mut shortcut_taken = 0;
        for s in strings.iter().filter(|s| is_simple_ascii(s)) {
            shortcut_taken += 1;
            let a = analyze(s);
            assert!(
                a.plain_allowed && a.single_allowed && a.block_allowed,
                "the shortcut would misstyle {s:?}"
            );
        }
        assert!(shortcut_taken > 1000);
    }

    fn q(s: &str) -> String {
        let mut out = String::new();
        let style = string_style(s, false);
        let mut e = Emitter {
            out: &mut out,
            step: 4,
        };
        e.write_string(s, style, 4);
        out
    }

    #[test]
    fn scalar_styles() {
        assert_eq!(q("hello world"), "hello world");
        assert_eq!(q(""), "\"\"");
        assert_eq!(q("123"), "\"123\"");
        assert_eq!(q("true"), "\"true\"");
        assert_eq!(q("null"), "\"null\"");
        assert_eq!(q("~"), "\"~\"");
        assert_eq!(q("yes"), "\"yes\"");
        assert_eq!(q("Off"), "\"Off\"");
        assert_eq!(q("1:2"), "\"1:2\"");
        assert_eq!(q("1.5"), "\"1.5\"");
        assert_eq!(q("2026-05-22T20:16:23Z"), "\"2026-05-22T20:16:23Z\"");
        assert_eq!(q("a: b"), "'a: b'");
        assert_eq!(q("#x"), "'#x'");
        assert_eq!(q("a #x"), "'a #x'");
        assert_eq!(q("a#x"), "a#x");
        assert_eq!(q("- x"), "'- x'");
        assert_eq!(q("-x"), "-x");
        assert_eq!(q("it's"), "it's");
        assert_eq!(q("'q"), "'''q'");
        assert_eq!(q(" lead"), "' lead'");
        assert_eq!(q("trail "), "'trail '");
        assert_eq!(q("a:b"), "a:b");
        assert_eq!(q("a\tb"), "\"a\\tb\"");
        assert_eq!(
            q("h\u{e9}llo \u{2603} \u{1F600}"),
            "\"h\u{e9}llo \u{2603} \\U0001F600\""
        );
        assert_eq!(
            q("ENC[AES256_GCM,data:x,type:str]"),
            "ENC[AES256_GCM,data:x,type:str]"
        );
        assert_eq!(q("---"), "'---'");
        assert_eq!(q("<<"), "!!merge <<");
        assert_eq!(q("\u{FEFF}b\u{e9}"), "\"\\uFEFF\\x62\\xE9\"");
        assert_eq!(q("x\u{2028}y"), "'x\u{2028}    y'");
    }

    #[test]
    fn literal_blocks() {
        assert_eq!(q("a\nb"), "|-\n    a\n    b\n");
        assert_eq!(q("a\nb\n"), "|\n    a\n    b\n");
        assert_eq!(q("a\n\n"), "|+\n    a\n\n");
        assert_eq!(q("\n"), "|4+\n\n");
        assert_eq!(q(" a\nb"), "|4-\n     a\n    b\n");
        assert_eq!(q("a\n\nb"), "|-\n    a\n\n    b\n");
        assert_eq!(q("a \nb"), "\"a \\nb\"");
        assert_eq!(q("a\nb "), "\"a\\nb \"");
    }
}
