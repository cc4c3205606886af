//! A fast reader for the plain block YAML that sops writes and most config files are made of:
//! block mappings and sequences, one-line plain and quoted scalars, literal blocks (`|`, `|-`)
//! and the empty flow collections `[]` and `{}`.
//!
//! It gives up on anything else (comments, tabs, CR line ends, flow collections, anchors,
//! aliases, tags, document markers, multi-line or escaped scalars, quoted keys, duplicate or
//! non-string keys, ...) and the full parser in `parse` reads the file from the start. So it
//! never has to reproduce an error message or yaml.v3's comment placement: whatever it accepts,
//! the full parser reads to the same tree. The differential tests below and the
//! `parse_yaml_fast` fuzz target hold it to that.

use super::resolve::{Resolved, may_resolve_to_non_string, resolve_plain};
use crate::tree::{ListItem, Map, MapItem, Scalar, Tree, Value};

/// The reader stepped outside its subset: the full parser decides.
#[derive(Debug)]
pub(super) struct GiveUp;

type Fast<T> = Result<T, GiveUp>;

/// Nesting the fast reader handles; deeper files (and the depth limit's error) go to the full
/// parser.
const MAX_FAST_DEPTH: usize = 64;

/// Longest key it reads (YAML caps implicit keys at 1024 characters).
const MAX_KEY_BYTES: usize = 1000;

/// Reads `text` when it lies in the subset, else `None`.
pub(super) fn parse(text: &str) -> Option<Tree> {
    if memchr::memchr3(b'#', b'\t', b'\r', text.as_bytes()).is_some() || !printable(text) {
        return None;
    }
    let mut reader = Reader {
        text,
        pos: 0,
        depth: 0,
    };
    let first = reader.peek()?;
    if first.indent != 0 {
        return None;
    }
    let root = reader.map(0, None).ok()?;
    Some(Tree {
        documents: vec![root],
    })
}

/// A non-blank line: `start` is the byte offset of its first non-space character, `end` that
/// of its line feed (or the end of the text).
#[derive(Clone, Copy)]
struct Line {
    indent: usize,
    start: usize,
    end: usize,
}

struct Reader<'s> {
    text: &'s str,
    /// Start of the next unread line.
    pos: usize,
    depth: usize,
}

impl<'s> Reader<'s> {
    /// The next non-blank line, not consumed.
    fn peek(&mut self) -> Option<Line> {
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        while at < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            let indent = bytes[at..end].iter().take_while(|&&b| b == b' ').count();
            if at + indent < end {
                return Some(Line {
                    indent,
                    start: at + indent,
                    end,
                });
            }
            at = end + 1;
            // Blank lines are skipped for good.
            self.pos = at.min(bytes.len());
        }
        None
    }

    fn consume(&mut self, line: Line) -> &'s str {
        self.pos = (line.end + 1).min(self.text.len());
        &self.text[line.start..line.end]
    }

    fn enter(&mut self) -> Fast<()> {
        self.depth += 1;
        if self.depth > MAX_FAST_DEPTH {
            return Err(GiveUp);
        }
        Ok(())
    }

    /// A block mapping whose keys sit at column `indent`. `first` is the content of an entry
    /// already read from a sequence line (`- key: value`).
    fn map(&mut self, indent: usize, first: Option<&'s str>) -> Fast<Map> {
        self.enter()?;
        let mut items = Vec::new();
        let mut keys = KeySet::default();
        if let Some(content) = first {
            self.entry(content, indent, &mut items, &mut keys)?;
        }
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return Err(GiveUp);
            }
            let content = self.consume(line);
            self.entry(content, indent, &mut items, &mut keys)?;
        }
        self.depth -= 1;
        Ok(Map { items })
    }

    fn entry(
        &mut self,
        content: &'s str,
        indent: usize,
        items: &mut Vec<MapItem>,
        keys: &mut KeySet<'s>,
    ) -> Fast<()> {
        let (key, rest) = split_entry(content).ok_or(GiveUp)?;
        if !key_is_plain_string(key) || !keys.insert(key) {
            return Err(GiveUp);
        }
        let value = if rest.is_empty() {
            self.value_below(indent, true)?
        } else {
            self.inline_value(rest, indent + 1)?
        };
        items.push(MapItem::Entry {
            key: key.to_string(),
            value,
        });
        Ok(())
    }

    /// The value of a key or dash with nothing after it: a block on the next lines, or null.
    /// A mapping's value may be a sequence at the key's own column.
    fn value_below(&mut self, indent: usize, sequence_at_indent: bool) -> Fast<Value> {
        match self.peek() {
            Some(line) if line.indent > indent => self.block(line),
            Some(line) if sequence_at_indent && line.indent == indent && self.is_dash(line) => {
                Ok(Value::List(self.sequence(indent)?))
            }
            _ => Ok(Value::Scalar(Scalar::Null)),
        }
    }

    fn block(&mut self, line: Line) -> Fast<Value> {
        if self.is_dash(line) {
            Ok(Value::List(self.sequence(line.indent)?))
        } else {
            Ok(Value::Map(self.map(line.indent, None)?))
        }
    }

    fn is_dash(&self, line: Line) -> bool {
        let bytes = self.text.as_bytes();
        bytes[line.start] == b'-' && (line.start + 1 == line.end || bytes[line.start + 1] == b' ')
    }

    /// A block sequence whose dashes sit at column `indent`.
    fn sequence(&mut self, indent: usize) -> Fast<Vec<ListItem>> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent || (line.indent == indent && !self.is_dash(line)) {
                break;
            }
            if line.indent > indent {
                return Err(GiveUp);
            }
            let content = self.consume(line);
            let after_dash = &content[1..];
            let rest = after_dash.trim_start_matches(' ');
            let column = indent + 1 + (after_dash.len() - rest.len());
            let rest = rest.trim_end_matches(' ');
            let value = if rest.is_empty() {
                self.value_below(indent, false)?
            } else if rest.starts_with('-') && matches!(rest.as_bytes().get(1), None | Some(b' ')) {
                return Err(GiveUp);
            } else if !rest.starts_with(['\'', '"', '[', '{', '|']) && split_entry(rest).is_some() {
                Value::Map(self.map(column, Some(rest))?)
            } else {
                self.inline_value(rest, indent + 2)?
            };
            items.push(ListItem::Value(value));
        }
        self.depth -= 1;
        Ok(items)
    }

    /// A value on the line of its key or dash. A literal block's lines must be indented at
    /// least `min_block_indent`.
    fn inline_value(&mut self, rest: &'s str, min_block_indent: usize) -> Fast<Value> {
        let scalar = match rest.as_bytes()[0] {
            b'|' => Scalar::Str(self.literal(rest, min_block_indent)?),
            b'\'' => Scalar::Str(single_quoted(rest)?),
            b'"' => Scalar::Str(double_quoted(rest)?),
            b'[' if rest == "[]" => return Ok(Value::List(Vec::new())),
            b'{' if rest == "{}" => return Ok(Value::Map(Map::default())),
            _ => plain_value(rest)?,
        };
        Ok(Value::Scalar(scalar))
    }

    /// A literal block scalar (`|` keeps one final line feed, `|-` none), its lines read from
    /// the text.
    fn literal(&mut self, header: &str, min_indent: usize) -> Fast<String> {
        let keep_final_feed = match header {
            "|" => true,
            "|-" => false,
            _ => return Err(GiveUp),
        };
        let bytes = self.text.as_bytes();
        let mut lines: Vec<&'s str> = Vec::new();
        let mut content_indent = None;
        let mut at = self.pos;
        while at < bytes.len() {
            let Some(length) = memchr::memchr(b'\n', &bytes[at..]) else {
                // A last line without a line feed: chomping differs; not ours.
                return Err(GiveUp);
            };
            let line = &self.text[at..at + length];
            let spaces = line.bytes().take_while(|&b| b == b' ').count();
            let indent = match content_indent {
                None if spaces == line.len() || spaces < min_indent => return Err(GiveUp),
                None => *content_indent.insert(spaces),
                Some(indent) => indent,
            };
            if spaces == line.len() {
                if spaces > indent {
                    return Err(GiveUp);
                }
                lines.push("");
            } else if spaces < indent {
                break;
            } else {
                lines.push(&line[indent..]);
            }
            at += length + 1;
        }
        if content_indent.is_none() {
            return Err(GiveUp);
        }
        self.pos = at;
        while lines.last() == Some(&"") {
            lines.pop();
        }
        let mut value = lines.join("\n");
        if keep_final_feed {
            value.push('\n');
        }
        Ok(value)
    }
}

/// Keys seen in one mapping: a short list is searched, a long one hashed.
#[derive(Default)]
struct KeySet<'s> {
    list: Vec<&'s str>,
    set: std::collections::HashSet<&'s str>,
}

impl<'s> KeySet<'s> {
    /// False when `key` was already there.
    fn insert(&mut self, key: &'s str) -> bool {
        const LIST_MAX: usize = 16;
        if self.list.len() < LIST_MAX {
            if self.list.contains(&key) {
                return false;
            }
            self.list.push(key);
            return true;
        }
        if self.set.is_empty() {
            self.set.extend(self.list.iter().copied());
        }
        self.set.insert(key)
    }
}

/// Splits `key: value` (or `key:`) at the first colon followed by a space or the line end.
fn split_entry(content: &str) -> Option<(&str, &str)> {
    let bytes = content.as_bytes();
    let colon = memchr::memchr_iter(b':', bytes)
        .find(|&i| matches!(bytes.get(i + 1), None | Some(b' ')))?;
    let key = content[..colon].trim_end_matches(' ');
    let rest = content[colon + 1..].trim_matches(' ');
    Some((key, rest))
}

fn key_is_plain_string(key: &str) -> bool {
    key.len() <= MAX_KEY_BYTES
        && plain_shape(key)
        && (!may_resolve_to_non_string(key)
            || matches!(resolve_plain(key), Resolved::Scalar(Scalar::Str(_))))
}

fn plain_value(value: &str) -> Fast<Scalar> {
    if !plain_shape(value) || value.contains(": ") {
        return Err(GiveUp);
    }
    if !may_resolve_to_non_string(value) {
        return Ok(Scalar::Str(value.to_string()));
    }
    match resolve_plain(value) {
        Resolved::Scalar(scalar) => Ok(scalar),
        Resolved::Merge | Resolved::Uint(_) => Err(GiveUp),
    }
}

/// A one-line plain scalar (trimmed) that starts the way YAML allows and does not end in a
/// colon. `: ` is checked by the callers; `#` and unprintable characters never get here.
fn plain_shape(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let first_ok = match first {
        b'-' => bytes
            .get(1)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.'),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => false,
        _ => true,
    };
    first_ok && !s.ends_with(':') && !s.starts_with("...")
}

/// Whether the text holds only line feeds and the characters YAML allows in a scalar, leaving
/// out the rare ones parsers disagree on (NEL, the Unicode line and paragraph separators, the
/// byte order mark). Checked once for the whole text, so no scalar needs checking again.
fn printable(text: &str) -> bool {
    // Branch-free over the bytes (vectorised); the characters are only decoded when the text
    // has a control byte or is not ASCII.
    let odd = text.as_bytes().chunks(64).any(|chunk| {
        chunk.iter().fold(false, |odd, &b| {
            odd | ((b < 0x20) & (b != b'\n')) | (b >= 0x7f)
        })
    });
    !odd || text.chars().all(|c| {
        matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}' | '\u{10000}'..)
    })
}

/// `'...'` on one line, `''` standing for a quote.
fn single_quoted(rest: &str) -> Fast<String> {
    let inner = &rest[1..];
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\'' {
            value.push(c);
            continue;
        }
        if inner[i + 1..].starts_with('\'') {
            value.push('\'');
            chars.next();
            continue;
        }
        return if i + 1 == inner.len() {
            Ok(value)
        } else {
            Err(GiveUp)
        };
    }
    Err(GiveUp)
}

/// `"..."` on one line without escapes.
fn double_quoted(rest: &str) -> Fast<String> {
    let inner = &rest[1..];
    match inner.find(['"', '\\']) {
        Some(end) if end + 1 == inner.len() && inner.as_bytes()[end] == b'"' => {
            Ok(inner[..end].to_string())
        }
        _ => Err(GiveUp),
    }
}

#[cfg(test)]
mod tests {
    use super::super::check_fast_reader;
    use super::*;

    fn accepted(text: &str) -> Tree {
        assert!(
            check_fast_reader(text),
            "the fast reader gave up on {text:?}"
        );
        parse(text).unwrap()
    }

    fn gives_up(text: &str) {
        assert!(parse(text).is_none(), "the fast reader took {text:?}");
    }

    #[test]
    fn reads_what_sops_writes() {
        let text = "\
db:
    password: ENC[AES256_GCM,data:9Q==,iv:aaaa,tag:bbbb,type:str]
    port: ENC[AES256_GCM,data:MQ==,iv:cccc,tag:dddd,type:int]
list:
    - ENC[AES256_GCM,data:YQ==,iv:eeee,tag:ffff,type:str]
    - 2
empty: []
none: {}
sops:
    age:
        - recipient: age1xyz
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB4
            -----END AGE ENCRYPTED FILE-----
    lastmodified: \"2026-11-21T12:00:00Z\"
    mac: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]
    unencrypted_suffix: _unencrypted
    version: 3.12.2
";
        let tree = accepted(text);
        let sops = match &tree.documents[0].items[4] {
            MapItem::Entry {
                key,
                value: Value::Map(m),
            } if key == "sops" => m,
            other => panic!("{other:?}"),
        };
        let MapItem::Entry {
            value: Value::List(age),
            ..
        } = &sops.items[0]
        else {
            panic!()
        };
        let ListItem::Value(Value::Map(recipient)) = &age[0] else {
            panic!()
        };
        assert_eq!(
            recipient.items[1],
            MapItem::Entry {
                key: "enc".into(),
                value: Value::Scalar(Scalar::Str(
                    "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB4\n-----END AGE ENCRYPTED FILE-----\n".into()
                )),
            }
        );
    }

    #[test]
    fn reads_plain_config() {
        accepted("a: 1\nb: -2.5\nc: true\nd: ~\ne:\nf: 2001-12-14\ng: 'it''s'\nh: \"x: y\"\n");
        accepted("a:\n- x\n- y: 1\n  z: 2\n-\n  k: v\nb: |-\n  one\n\n  two\n\n");
        accepted("naïve: café\nsp ace: a b  c\nurl: http://x/y?q=1\n");
        accepted("\n\na: 1\n   \nb: 2");
    }

    #[test]
    fn gives_up_outside_its_subset() {
        for text in [
            "a: 1 # comment\n",
            "# head\na: 1\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a: \"x\\ny\"\n",
            "a: one\n  two\n",
            "a: 'one\n  two'\n",
            "a: >\n  folded\n",
            "a: |+\n  kept\n",
            "a: |2\n  x\n",
            "a: |\n  no final line feed",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "\"a\": 1\n",
            "a: 1\na: 2\n",
            "1: x\n",
            "<<: {}\n",
            "a: 18446744073709551615\n",
            "a: b: c\n",
            "- a\n",
            "  a: 1\n",
            "a:\tb\n",
            "a: 1\r\n",
            "a: \u{2028}\n",
            "\u{feff}a: 1\n",
            "a: - b\n",
            "a:\n  - x\n  b: 1\n",
            "",
        ] {
            gives_up(text);
        }
    }

    /// Documents made of the subset's pieces, with tokens that sit on its borders and shifted
    /// indentation, checked against the full parser whenever the fast reader takes them.
    #[test]
    fn agrees_with_the_full_parser() {
        let mut generator = Generator(0x9e37_79b9_7f4a_7c15);
        let mut taken = 0;
        const CASES: usize = 20_000;
        for _ in 0..CASES {
            let mut text = String::new();
            generator.map(&mut text, 0, 0);
            let text = generator.mutate(text);
            if check_fast_reader(&text) {
                taken += 1;
            }
        }
        // The generator must mostly produce documents the fast reader takes, or the test
        // checks little.
        assert!(
            taken > CASES / 4,
            "only {taken} of {CASES} documents were taken"
        );
    }

    struct Generator(u64);

    const KEYS: &[&str] = &[
        "a", "b", "key", "x y", "-k", "k-", "1", "true", "null", "~", "<<", "a:b", "é", "k\u{a0}",
        "'q'", "\"d\"", "?", "...", "a :b", "n", "F", ".x", "-1", "[a]",
    ];
    const COMMON_VALUES: &[&str] = &[
        "v",
        "1",
        "x y",
        "ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]",
        "true",
        "'s'",
        "\"d\"",
        "1.5",
        "é",
    ];
    const VALUES: &[&str] = &[
        "v",
        "1",
        "-1",
        "+1",
        "0x1F",
        "0o17",
        "017",
        "1_000",
        "1e3",
        ".5",
        "-.5",
        "1.",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "true",
        "False",
        "TRUE",
        "yes",
        "no",
        "null",
        "Null",
        "~",
        "[]",
        "{}",
        "[a]",
        "{a: 1}",
        "'s'",
        "'it''s'",
        "''",
        "'a' b",
        "\"d\"",
        "\"\"",
        "\"e\\n\"",
        "\"a\" b",
        "ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]",
        "a: b",
        "a:",
        "a:b",
        "- x",
        "-",
        "-x",
        "--",
        "---",
        "...",
        "*a",
        "&a x",
        "!t x",
        "%x",
        "@x",
        "`x",
        "héllo",
        "é",
        "a\u{a0}",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        ".inf",
        "-.inf",
        "+.inf",
        ".nan",
        ".NaN",
        "<<",
        "a ,b",
        "x]",
        "x}",
        ",x",
        "?x",
        ":x",
        "=",
        "$x",
        "a  b",
        "'",
        "\"",
        "|",
        "|-",
        "|+",
        ">",
        "0b101",
        "0.1e-3",
        "1e400",
        "-0",
        "0x",
        "1:2",
        "1:20",
        "190:20:30",
    ];

    impl Generator {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }

        fn key(&mut self) -> String {
            // Mostly distinct keys, sometimes a tricky one.
            if self.below(4) == 0 {
                self.pick(KEYS).to_string()
            } else {
                format!("k{}", self.below(1000))
            }
        }

        fn step(&mut self) -> usize {
            [1, 2, 2, 4, 4, 4][self.below(6)]
        }

        fn map(&mut self, out: &mut String, indent: usize, depth: usize) {
            for _ in 0..1 + self.below(4) {
                out.push_str(&" ".repeat(indent));
                let key = self.key();
                out.push_str(&key);
                out.push(':');
                self.value(out, indent, depth, true);
            }
        }

        fn sequence(&mut self, out: &mut String, indent: usize, depth: usize) {
            for _ in 0..1 + self.below(3) {
                out.push_str(&" ".repeat(indent));
                out.push('-');
                match self.below(5) {
                    0 if depth < 4 => {
                        // A compact mapping: `- key: value` and more keys under it.
                        let spaces = 1 + self.below(2);
                        out.push_str(&" ".repeat(spaces));
                        let column = indent + 1 + spaces;
                        let mut first = String::new();
                        self.map(&mut first, column, depth + 1);
                        out.push_str(&first[column..]);
                    }
                    _ => self.value(out, indent, depth, false),
                }
            }
        }

        /// After `key:` or `-`: an inline value, a literal block or a block below.
        fn value(&mut self, out: &mut String, indent: usize, depth: usize, in_map: bool) {
            match self.below(10) {
                0..=4 => {
                    out.push(' ');
                    let value = if self.below(2) == 0 {
                        self.pick(COMMON_VALUES)
                    } else {
                        self.pick(VALUES)
                    };
                    out.push_str(value);
                    out.push('\n');
                }
                5 => {
                    out.push_str([" |\n", " |-\n"][self.below(2)]);
                    let inner = indent + self.step() + usize::from(!in_map);
                    for _ in 0..1 + self.below(3) {
                        match self.below(5) {
                            0 => out.push('\n'),
                            _ => {
                                out.push_str(&" ".repeat(inner + self.below(2) * self.below(3)));
                                out.push_str(self.pick(VALUES));
                                out.push('\n');
                            }
                        }
                    }
                }
                6 | 7 if depth < 4 => {
                    out.push('\n');
                    let inner = indent + self.step();
                    self.map(out, inner, depth + 1);
                }
                8 if depth < 4 => {
                    out.push('\n');
                    let inner = if in_map && self.below(2) == 0 {
                        indent
                    } else {
                        indent + self.step()
                    };
                    self.sequence(out, inner, depth + 1);
                }
                _ => out.push('\n'),
            }
        }

        /// Now and then: a line shifted by a space, a blank or space-only line, no final line
        /// feed.
        fn mutate(&mut self, text: String) -> String {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            for _ in 0..self.below(3) {
                let at = self.below(lines.len());
                match self.below(4) {
                    0 => lines[at].insert(0, ' '),
                    1 => {
                        if lines[at].starts_with(' ') {
                            lines[at].remove(0);
                        }
                    }
                    2 => lines.insert(at, String::new()),
                    _ => lines.insert(at, " ".repeat(self.below(6))),
                }
            }
            let mut text = lines.join("\n");
            if self.below(8) != 0 {
                text.push('\n');
            }
            text
        }
    }
}
