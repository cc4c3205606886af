//! JSON store: parses JSON files into a [`Tree`] and emits trees in sops's exact JSON layout.
//!
//! This module owns the JSON text format only (the plain and encrypted JSON stores, and the JSON
//! envelope the binary store writes). It knows nothing of keys, crypto or the `sops` metadata:
//! the metadata is just another entry of the tree here.
//!
//! Parsing is a strict RFC 8259 recursive-descent parser that keeps key order and duplicate keys
//! (as sops does), types numbers as sops 3.13 does (an integer literal that fits `i64` is an
//! `Int`, any other number, and `-0`, a `Float`), and reports errors by line and column without
//! ever quoting the file's content. Emitting reproduces what sops does: a compact encoding with Go's
//! `encoding/json` scalar rules (HTML escaping on) re-indented by Go's `json.Indent` (TAB by
//! default), plus a final newline. Comments in the tree are dropped.

use base64::prelude::*;

use super::FormatError;
use crate::tree::number::format_json;
use crate::tree::path::{Step, TreePath};
use crate::tree::{ListItem, Map, MapItem, Scalar, Tree, Value};

/// Deepest nesting of objects and arrays the parser accepts: the shared limit.
pub use super::MAX_DEPTH;

/// Parses a JSON document (a top-level object) into a one-document tree.
pub fn parse(input: &[u8]) -> Result<Tree, FormatError> {
    let mut parser = Parser { input, pos: 0 };
    let map = parser.document()?;
    Ok(Tree {
        documents: vec![map],
    })
}

/// Emits a tree as sops does (Go `json.Indent` layout, final newline). `None` indents with a
/// TAB, `Some(n)` with `n` spaces. Only the first document is written, as sops does when it
/// writes a multi-document YAML file as JSON; an empty tree is written as `{}`.
pub fn emit(tree: &Tree, indent: Option<usize>) -> Result<Vec<u8>, FormatError> {
    let empty = Map::default();
    let doc = tree.documents.first().unwrap_or(&empty);
    let mut emitter = Emitter::new(indent);
    emitter.map(doc)?;
    emitter.out.push(b'\n');
    Ok(emitter.out)
}

/// Emits a single value for `decrypt --extract`, as sops does: a mapping is written as a whole
/// file (sops's `EmitPlainFile`, final newline), anything else by `EmitValue`, which re-indents
/// the value and adds **no** final newline (`[\n\t1\n]`, `1`, `true`).
pub fn emit_value(value: &Value, indent: Option<usize>) -> Result<Vec<u8>, FormatError> {
    let mut emitter = Emitter::new(indent);
    emitter.value(value)?;
    if let Value::Map(_) = value {
        emitter.out.push(b'\n');
    }
    Ok(emitter.out)
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    /// The 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.input[..offset.min(self.input.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        // Count characters, not bytes: UTF-8 continuation bytes do not start a column.
        let column = before[line_start..]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        (line, column)
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> FormatError {
        let (line, column) = self.line_col(offset);
        FormatError::at(line, column, message)
    }

    fn error(&self, message: impl Into<String>) -> FormatError {
        self.error_at(self.pos, message)
    }

    /// An error for the byte at the current position, describing it without quoting content.
    fn unexpected(&self, expected: &str) -> FormatError {
        match self.input.get(self.pos) {
            None => self.error(format!("unexpected end of input, expected {expected}")),
            Some(_) => self.error(format!("unexpected character, expected {expected}")),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn document(&mut self) -> Result<Map, FormatError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => {}
            None => return Err(self.error("empty input: JSON files must hold an object")),
            Some(_) => {
                return Err(self.error("JSON files must have an object at the top level"));
            }
        }
        let map = self.object(1)?;
        self.skip_whitespace();
        if self.pos < self.input.len() {
            return Err(self.error("unexpected content after the top-level object"));
        }
        Ok(map)
    }

    fn value(&mut self, depth: usize) -> Result<Value, FormatError> {
        match self.peek() {
            Some(b'{') => Ok(Value::Map(self.object(depth + 1)?)),
            Some(b'[') => Ok(Value::List(self.array(depth + 1)?)),
            Some(b'"') => Ok(Value::Scalar(Scalar::Str(self.string()?))),
            Some(b'-' | b'0'..=b'9') => Ok(Value::Scalar(self.number()?)),
            Some(b't') => self.literal(b"true", Scalar::Bool(true)),
            Some(b'f') => self.literal(b"false", Scalar::Bool(false)),
            Some(b'n') => self.literal(b"null", Scalar::Null),
            _ => Err(self.unexpected("a value")),
        }
    }

    fn literal(&mut self, word: &[u8], scalar: Scalar) -> Result<Value, FormatError> {
        for (i, &expected) in word.iter().enumerate() {
            if self.input.get(self.pos + i) != Some(&expected) {
                self.pos += i;
                return Err(self.unexpected("a literal (true, false or null)"));
            }
        }
        self.pos += word.len();
        Ok(Value::Scalar(scalar))
    }

    fn check_depth(&self, depth: usize) -> Result<(), FormatError> {
        if depth > MAX_DEPTH {
            return Err(self.error(super::depth_message()));
        }
        Ok(())
    }

    /// Parses an object; `self.pos` is at `{`.
    fn object(&mut self, depth: usize) -> Result<Map, FormatError> {
        self.check_depth(depth)?;
        self.pos += 1;
        let mut map = Map::default();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(map);
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("':' after an object key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            map.items.push(MapItem::Entry { key, value });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(map);
                }
                _ => return Err(self.unexpected("',' or '}' in an object")),
            }
        }
    }

    /// Parses an array; `self.pos` is at `[`.
    fn array(&mut self, depth: usize) -> Result<Vec<ListItem>, FormatError> {
        self.check_depth(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            self.skip_whitespace();
            items.push(ListItem::Value(self.value(depth)?));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return Err(self.unexpected("',' or ']' in an array")),
            }
        }
    }

    /// Parses a number per RFC 8259. An integer literal that fits `i64` is an `Int`, except
    /// `-0`, which sops keeps as the float -0 (an `Int` has no sign to keep); anything else is
    /// a correctly rounded `Float`, as Go's `strconv.ParseFloat`.
    fn number(&mut self) -> Result<Scalar, FormatError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while let Some(b'0'..=b'9') = p.peek() {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.unexpected("a digit")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        // The literal is ASCII by construction.
        let text = std::str::from_utf8(&self.input[start..self.pos]).unwrap_or_default();
        if integer
            && text != "-0"
            && let Ok(i) = text.parse::<i64>()
        {
            return Ok(Scalar::Int(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Scalar::Float(f)),
            _ => Err(self.error_at(start, "number out of the range of a 64-bit float")),
        }
    }

    /// Parses a string; `self.pos` is at the opening quote.
    fn string(&mut self) -> Result<String, FormatError> {
        let open = self.pos;
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.extend_from_slice(&self.input[run_start..self.pos]);
            match self.peek() {
                None => return Err(self.error_at(open, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error("control character inside a string")),
            }
        }
        String::from_utf8(out).map_err(|_| self.invalid_utf8_error(open))
    }

    fn invalid_utf8_error(&self, open: usize) -> FormatError {
        let slice = &self.input[open..self.pos];
        let offset = match std::str::from_utf8(slice) {
            Ok(_) => open,
            Err(e) => open + e.valid_up_to(),
        };
        self.error_at(offset, "invalid UTF-8 in a string")
    }

    /// Decodes one escape sequence; `self.pos` is at the backslash.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let at = self.pos;
        let Some(kind) = self.input.get(self.pos + 1).copied() else {
            self.pos += 1;
            return Err(self.error("unterminated escape sequence"));
        };
        let simple = match kind {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0C),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            _ => return Err(self.error_at(at, "invalid escape sequence")),
        };
        if let Some(byte) = simple {
            out.push(byte);
            self.pos += 2;
            return Ok(());
        }
        let Some(first) = self.hex4(self.pos + 2) else {
            return Err(self.error_at(at, "invalid \\u escape sequence"));
        };
        self.pos += 6;
        let ch = if (0xD800..0xDC00).contains(&first) {
            // A high surrogate: combine with a following low surrogate escape. Otherwise it is
            // replaced by U+FFFD and whatever follows is decoded on its own (as Go does).
            let low = (self.input.get(self.pos) == Some(&b'\\')
                && self.input.get(self.pos + 1) == Some(&b'u'))
            .then(|| self.hex4(self.pos + 2))
            .flatten()
            .filter(|low| (0xDC00..0xE000).contains(low));
            match low {
                Some(low) => {
                    self.pos += 6;
                    let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
                }
                None => char::REPLACEMENT_CHARACTER,
            }
        } else {
            // Lone low surrogates are not chars: they become U+FFFD too.
            char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER)
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.input.get(at..at + 4)?;
        let mut value = 0u32;
        for &d in digits {
            value = value * 16 + (d as char).to_digit(16)?;
        }
        Some(value)
    }
}

// ---------------------------------------------------------------------------------------------
// Emitting

struct Emitter {
    out: Vec<u8>,
    /// The indent unit: a TAB or n spaces (possibly empty).
    unit: Vec<u8>,
    depth: usize,
    /// Where we are, for error messages only.
    path: Vec<Step>,
}

impl Emitter {
    fn new(indent: Option<usize>) -> Self {
        let unit = match indent {
            None => b"\t".to_vec(),
            Some(n) => vec![b' '; n],
        };
        Emitter {
            out: Vec::new(),
            unit,
            depth: 0,
            path: Vec::new(),
        }
    }

    fn newline(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.depth {
            self.out.extend_from_slice(&self.unit);
        }
    }

    fn map(&mut self, map: &Map) -> Result<(), FormatError> {
        let mut entries = map.items.iter().filter_map(|item| match item {
            MapItem::Entry { key, value } => Some((key, value)),
            MapItem::Comment(_) => None,
        });
        let Some(first) = entries.next() else {
            self.out.extend_from_slice(b"{}");
            return Ok(());
        };
        self.out.push(b'{');
        self.depth += 1;
        for (i, (key, value)) in std::iter::once(first).chain(entries).enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.newline();
            write_string(&mut self.out, key);
            self.out.extend_from_slice(b": ");
            self.path.push(Step::Key(key.clone()));
            self.value(value)?;
            self.path.pop();
        }
        self.depth -= 1;
        self.newline();
        self.out.push(b'}');
        Ok(())
    }

    fn list(&mut self, items: &[ListItem]) -> Result<(), FormatError> {
        let mut values = items.iter().filter_map(|item| match item {
            ListItem::Value(value) => Some(value),
            ListItem::Comment(_) => None,
        });
        let Some(first) = values.next() else {
            self.out.extend_from_slice(b"[]");
            return Ok(());
        };
        self.out.push(b'[');
        self.depth += 1;
        for (i, value) in std::iter::once(first).chain(values).enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.newline();
            self.path.push(Step::Index(i));
            self.value(value)?;
            self.path.pop();
        }
        self.depth -= 1;
        self.newline();
        self.out.push(b']');
        Ok(())
    }

    fn value(&mut self, value: &Value) -> Result<(), FormatError> {
        match value {
            Value::Map(map) => self.map(map),
            Value::List(items) => self.list(items),
            Value::Scalar(scalar) => self.scalar(scalar),
        }
    }

    fn scalar(&mut self, scalar: &Scalar) -> Result<(), FormatError> {
        match scalar {
            Scalar::Null => self.out.extend_from_slice(b"null"),
            Scalar::Bool(true) => self.out.extend_from_slice(b"true"),
            Scalar::Bool(false) => self.out.extend_from_slice(b"false"),
            Scalar::Int(i) => self.out.extend_from_slice(i.to_string().as_bytes()),
            Scalar::Float(f) => match format_json(*f) {
                Some(text) => self.out.extend_from_slice(text.as_bytes()),
                None => {
                    let path = TreePath(self.path.clone());
                    return Err(FormatError::new(format!(
                        "cannot write a NaN or infinite float as JSON (at {path})"
                    )));
                }
            },
            Scalar::Str(s) => write_string(&mut self.out, s),
            Scalar::Time(t) => write_string(&mut self.out, &t.to_rfc3339_nano()),
            // Go's json.Marshal of a []byte (what sops's cipher returns for `type:bytes`):
            // a standard, padded base64 string.
            Scalar::Bytes(b) => write_string(&mut self.out, &BASE64_STANDARD.encode(b)),
        }
        Ok(())
    }
}

/// Writes a JSON string as Go's `encoding/json` does with HTML escaping on (Go ≥ 1.22):
/// `"`, `\`, `\b`, `\f`, `\n`, `\r`, `\t` as short escapes, other control characters and
/// `<`, `>`, `&`, U+2028, U+2029 as `\u00xx`/`\u20xx` (lowercase hex), the rest raw.
fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (escape, len): (Option<&[u8]>, usize) = match b {
            b'"' => (Some(b"\\\""), 1),
            b'\\' => (Some(b"\\\\"), 1),
            0x08 => (Some(b"\\b"), 1),
            0x0C => (Some(b"\\f"), 1),
            b'\n' => (Some(b"\\n"), 1),
            b'\r' => (Some(b"\\r"), 1),
            b'\t' => (Some(b"\\t"), 1),
            0x00..=0x1F | b'<' | b'>' | b'&' => (None, 1),
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                (None, 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[run_start..i]);
        match escape {
            Some(text) => out.extend_from_slice(text),
            None if len == 3 => out.extend_from_slice(if bytes[i + 2] == 0xA8 {
                b"\\u2028"
            } else {
                b"\\u2029"
            }),
            None => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xF) as usize]);
            }
        }
        i += len;
        run_start = i;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Comment, Timestamp};

    fn doc(input: &str) -> Map {
        let mut tree = parse(input.as_bytes()).expect("parses");
        assert_eq!(tree.documents.len(), 1);
        tree.documents.remove(0)
    }

    fn scalar(input: &str) -> Scalar {
        match doc(&format!("{{\"k\": {input}}}")).get("k") {
            Some(Value::Scalar(s)) => s.clone(),
            other => panic!("not a scalar: {other:?}"),
        }
    }

    fn err(input: &str) -> FormatError {
        parse(input.as_bytes()).expect_err("must fail")
    }

    fn emit_str(tree: &Tree, indent: Option<usize>) -> String {
        String::from_utf8(emit(tree, indent).unwrap()).unwrap()
    }

    fn one(key: &str, value: Value) -> Tree {
        let mut map = Map::default();
        map.push(key, value);
        Tree {
            documents: vec![map],
        }
    }

    #[test]
    fn numbers_are_typed_as_sops_does() {
        assert_eq!(scalar("1"), Scalar::Int(1));
        assert_eq!(scalar("-42"), Scalar::Int(-42));
        match scalar("-0") {
            Scalar::Float(f) => assert!(f == 0.0 && f.is_sign_negative()),
            other => panic!("-0 read as {other:?}"),
        }
        assert_eq!(scalar("9223372036854775807"), Scalar::Int(i64::MAX));
        assert_eq!(scalar("-9223372036854775808"), Scalar::Int(i64::MIN));
        assert_eq!(scalar("1.0"), Scalar::Float(1.0));
        assert_eq!(scalar("1e3"), Scalar::Float(1000.0));
        assert_eq!(scalar("1E+3"), Scalar::Float(1000.0));
        assert_eq!(scalar("1e-7"), Scalar::Float(1e-7));
        assert_eq!(
            scalar("12345678901234567890"),
            Scalar::Float(12345678901234567890.0)
        );
        assert_eq!(scalar("0.1"), Scalar::Float(0.1));
        match scalar("-0.0") {
            Scalar::Float(f) => assert!(f == 0.0 && f.is_sign_negative()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers_are_emitted_as_go_does() {
        let input =
            r#"{"a": [1.0, 1e3, 12345678901234567890, -0, 1e-7, 1e21, -0.0, 0.000001, 1.5]}"#;
        let out = emit_str(&parse(input.as_bytes()).unwrap(), None);
        assert_eq!(
            out,
            "{\n\t\"a\": [\n\t\t1,\n\t\t1000,\n\t\t12345678901234567000,\n\t\t-0,\n\t\t1e-7,\n\
             \t\t1e+21,\n\t\t-0,\n\t\t0.000001,\n\t\t1.5\n\t]\n}\n"
        );
    }

    #[test]
    fn out_of_range_numbers_are_errors() {
        let e = err(r#"{"a": 1e400}"#);
        assert_eq!((e.line, e.column), (Some(1), Some(7)));
        assert!(!e.message.contains("400"));
    }

    #[test]
    fn literals_and_strings() {
        assert_eq!(scalar("true"), Scalar::Bool(true));
        assert_eq!(scalar("false"), Scalar::Bool(false));
        assert_eq!(scalar("null"), Scalar::Null);
        assert_eq!(
            scalar(r#""a\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00""#),
            Scalar::Str("a\"\\/\u{8}\u{c}\n\r\tAé😀".into())
        );
        // Lone surrogates become U+FFFD; what follows is decoded on its own (Go's behaviour).
        assert_eq!(scalar(r#""\ud800\u0041""#), Scalar::Str("\u{FFFD}A".into()));
        assert_eq!(scalar(r#""\udc00x""#), Scalar::Str("\u{FFFD}x".into()));
        assert_eq!(scalar(r#""\ud800""#), Scalar::Str("\u{FFFD}".into()));
        assert_eq!(scalar("\"日本\""), Scalar::Str("日本".into()));
    }

    #[test]
    fn escapes_are_go_html_safe() {
        let s = "<a href=\"x\">&</a>\u{2028}\u{2029}\u{0}\u{1}\u{1f}\u{7f}\u{8}\u{c}\n\r\t\\/é😀";
        let out = emit_str(&one("k<&>", Value::str(s)), None);
        assert_eq!(
            out,
            "{\n\t\"k\\u003c\\u0026\\u003e\": \"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\
             \\u2028\\u2029\\u0000\\u0001\\u001f\u{7f}\\b\\f\\n\\r\\t\\\\/é😀\"\n}\n"
        );
        // Round trip through the parser gives the string back.
        let back = parse(out.as_bytes()).unwrap();
        assert_eq!(back.documents[0].get("k<&>"), Some(&Value::str(s)));
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let map = doc(r#"{"a": 1, "b": 2, "a": 3}"#);
        let keys: Vec<_> = map.entries().map(|(k, _)| k.to_owned()).collect();
        assert_eq!(keys, ["a", "b", "a"]);
        let out = emit_str(
            &Tree {
                documents: vec![map],
            },
            None,
        );
        assert_eq!(out, "{\n\t\"a\": 1,\n\t\"b\": 2,\n\t\"a\": 3\n}\n");
    }

    #[test]
    fn layout_matches_json_indent() {
        let input = r#"{"e":{},"l":[],"s":[[],[{}]],"m":{"x":null,"y":[true,"z"]}}"#;
        let tree = parse(input.as_bytes()).unwrap();
        assert_eq!(
            emit_str(&tree, None),
            "{\n\t\"e\": {},\n\t\"l\": [],\n\t\"s\": [\n\t\t[],\n\t\t[\n\t\t\t{}\n\t\t]\n\t],\n\
             \t\"m\": {\n\t\t\"x\": null,\n\t\t\"y\": [\n\t\t\ttrue,\n\t\t\t\"z\"\n\t\t]\n\t}\n}\n"
        );
        assert_eq!(
            emit_str(&tree, Some(2)),
            "{\n  \"e\": {},\n  \"l\": [],\n  \"s\": [\n    [],\n    [\n      {}\n    ]\n  ],\n\
             \x20 \"m\": {\n    \"x\": null,\n    \"y\": [\n      true,\n      \"z\"\n    ]\n  }\n}\n"
        );
        assert_eq!(
            emit_str(&tree, Some(0)),
            "{\n\"e\": {},\n\"l\": [],\n\"s\": [\n[],\n[\n{}\n]\n],\n\
             \"m\": {\n\"x\": null,\n\"y\": [\ntrue,\n\"z\"\n]\n}\n}\n"
        );
        assert_eq!(emit_str(&parse(b"{}").unwrap(), None), "{}\n");
        assert_eq!(emit_str(&Tree::default(), None), "{}\n");
    }

    #[test]
    fn comments_are_dropped() {
        let mut inner = Map::default();
        inner
            .items
            .push(MapItem::Comment(Comment::new(" only a comment")));
        let mut map = Map::default();
        map.items.push(MapItem::Comment(Comment::new(" head")));
        map.push("a", Value::Map(inner));
        map.items.push(MapItem::Comment(Comment::new(" middle")));
        map.push(
            "b",
            Value::List(vec![
                ListItem::Comment(Comment::new(" c")),
                ListItem::Value(Value::str("x")),
                ListItem::Comment(Comment::new(" d")),
            ]),
        );
        map.push(
            "c",
            Value::List(vec![ListItem::Comment(Comment::new(" c"))]),
        );
        map.items.push(MapItem::Comment(Comment::new(" tail")));
        let out = emit_str(
            &Tree {
                documents: vec![map],
            },
            None,
        );
        assert_eq!(
            out,
            "{\n\t\"a\": {},\n\t\"b\": [\n\t\t\"x\"\n\t],\n\t\"c\": []\n}\n"
        );
    }

    #[test]
    fn first_document_only() {
        let mut second = Map::default();
        second.push("b", Value::Scalar(Scalar::Int(2)));
        let mut tree = one("a", Value::Scalar(Scalar::Int(1)));
        tree.documents.push(second);
        assert_eq!(emit_str(&tree, None), "{\n\t\"a\": 1\n}\n");
    }

    #[test]
    fn other_scalars() {
        let t = Timestamp::parse_rfc3339("2024-01-02T03:04:05.5+01:00").unwrap();
        let mut map = Map::default();
        map.push("t", Value::Scalar(Scalar::Time(t)));
        map.push("b", Value::Scalar(Scalar::Bytes(b"ab\xffc<>?".to_vec())));
        map.push("i", Value::Scalar(Scalar::Int(i64::MIN)));
        let out = emit_str(
            &Tree {
                documents: vec![map],
            },
            None,
        );
        assert_eq!(
            out,
            "{\n\t\"t\": \"2024-01-02T03:04:05.5+01:00\",\n\t\"b\": \"YWL/Yzw+Pw==\",\n\
             \t\"i\": -9223372036854775808\n}\n"
        );
    }

    #[test]
    fn non_finite_floats_are_errors_naming_the_path() {
        let mut inner = Map::default();
        inner.push(
            "x",
            Value::List(vec![ListItem::Value(Value::Scalar(Scalar::Float(
                f64::NAN,
            )))]),
        );
        let tree = one("a", Value::Map(inner));
        let e = emit(&tree, None).unwrap_err();
        assert!(e.message.contains(r#"["a"]["x"][0]"#), "{e}");
        let e = emit_value(&Value::Scalar(Scalar::Float(f64::INFINITY)), None).unwrap_err();
        assert!(e.message.contains("NaN or infinite"), "{e}");
    }

    #[test]
    fn emit_value_layouts() {
        let map = doc(r#"{"a": {"b": [1, "x"]}}"#);
        let value = map.get("a").unwrap();
        assert_eq!(
            String::from_utf8(emit_value(value, None).unwrap()).unwrap(),
            "{\n\t\"b\": [\n\t\t1,\n\t\t\"x\"\n\t]\n}\n"
        );
        // Everything but a mapping goes without a final newline, as sops's EmitValue.
        assert_eq!(
            emit_value(&Value::Scalar(Scalar::Int(5)), None).unwrap(),
            b"5"
        );
        assert_eq!(emit_value(&Value::List(vec![]), Some(4)).unwrap(), b"[]");
        assert_eq!(
            emit_value(
                map.get("a")
                    .and_then(|a| match a {
                        Value::Map(m) => m.get("b"),
                        _ => None,
                    })
                    .unwrap(),
                Some(2)
            )
            .unwrap(),
            b"[\n  1,\n  \"x\"\n]"
        );
        assert_eq!(
            emit_value(&Value::Map(Map::default()), None).unwrap(),
            b"{}\n"
        );
    }

    fn pos(input: &str) -> (usize, usize) {
        let e = err(input);
        (e.line.unwrap(), e.column.unwrap())
    }

    #[test]
    fn malformed_input_reports_line_and_column() {
        // Truncated.
        assert_eq!(pos("{\n  \"a\": 1,\n  \"b\": "), (3, 8));
        assert_eq!(pos("{\"a\": \"abc"), (1, 7));
        assert_eq!(pos("{\"a\": tru"), (1, 10));
        // Trailing commas.
        assert_eq!(pos("{\n\t\"a\": 1,\n}"), (3, 1));
        assert_eq!(pos("{\"a\": [1, 2,]}"), (1, 13));
        // Bad escapes.
        assert_eq!(pos(r#"{"a": "x\q"}"#), (1, 9));
        assert_eq!(pos(r#"{"a": "x\u12g4"}"#), (1, 9));
        // Top level must be an object.
        let e = err("\n  [1, 2]");
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert!(e.message.contains("object at the top level"), "{e}");
        assert!(err("\"s\"").message.contains("object at the top level"));
        assert!(err("").message.contains("empty"));
        assert!(err(" \n ").message.contains("empty"));
        // Other strictness.
        assert_eq!(pos(r#"{"a": 01}"#), (1, 8));
        assert_eq!(pos(r#"{"a": 1.}"#), (1, 9));
        assert_eq!(pos(r#"{"a": .5}"#), (1, 7));
        assert_eq!(pos(r#"{"a": +1}"#), (1, 7));
        assert_eq!(pos(r#"{'a': 1}"#), (1, 2));
        assert_eq!(pos("{\"a\": \"x\ty\"}"), (1, 9));
        assert_eq!(pos("{\"a\": 1} {}"), (1, 10));
        assert_eq!(pos("\u{feff}{}"), (1, 1));
        // Columns count characters, not bytes.
        assert_eq!(pos("{\"é\": x}"), (1, 7));
    }

    #[test]
    fn error_messages_never_quote_the_file() {
        for input in [
            r#"{"secret": hunter2}"#,
            r#"{"secret": "hunter2\x"}"#,
            r#"{"secret": 1hunter2}"#,
            r#"{"secret" hunter2}"#,
            r#"{"secret": "hunter2" hunter2}"#,
            "[\"hunter2\"]",
            "{\"secret\": \"hunter2\"} hunter2",
        ] {
            let e = err(input);
            let text = e.to_string();
            assert!(
                !text.contains("hunter2") && !text.contains("secret"),
                "{text}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let e = parse(b"{\"a\": \"x\xff\"}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(9)));
        assert!(e.message.contains("UTF-8"));
        // Outside strings it is just an unexpected character.
        assert!(parse(b"{\xff}").is_err());
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(parse(format!("{{\"a\": {ok}}}").as_bytes()).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let e = parse(format!("{{\"a\": {deep}}}").as_bytes()).unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
        // Far deeper input fails cleanly instead of overflowing the stack.
        let huge = "{\"a\":".repeat(100_000);
        assert!(
            parse(huge.as_bytes())
                .unwrap_err()
                .message
                .contains("nesting")
        );
    }
}
