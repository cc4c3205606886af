//! go-yaml v3 scanner rules that granit-parser (a YAML 1.2 parser) does not share, outside
//! block scalars (those are in `block`):
//! - NEL (U+0085) and the line and paragraph separators (U+2028, U+2029) are line breaks for
//!   go-yaml and ordinary characters for YAML 1.2; a file holding them raw is refused, since
//!   no reading of it is sure to match sops's.
//! - A tab at the start of a line (after any spaces), outside scalars and flow collections, is
//!   refused by go-yaml: at a line start a tab cannot begin a token, and the blank lines after a
//!   plain scalar may not hold a tab before the scalar's indentation.
//! - go-yaml reads `%YAML 1.1` documents only and refuses directives other than `%YAML` and
//!   `%TAG`; granit reads other versions and skips unknown directives.
//! - go-yaml does not check the indentation of a quoted scalar's continuation lines, nor of
//!   the lines inside a flow collection; YAML 1.2 does. Their leading white space is not part
//!   of any value, so such a line is re-indented and the text parsed again.

use granit_parser::{ErrorKind, Event, ScalarStyle, ScanError, Span, StructureStyle, YamlVersion};

use crate::formats::FormatError;

/// Refuses raw NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR characters.
pub(super) fn check_line_separators(text: &str) -> Result<(), FormatError> {
    // All three start with a byte no other character in this set starts with: 0xC2 (NEL) and
    // 0xE2 (U+2028, U+2029); the first search is for bytes that are rare in YAML.
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr2(0xc2, 0xe2, &bytes[from..]) {
        let at = from + i;
        let tail = &bytes[at..];
        if tail.starts_with(&[0xc2, 0x85])
            || tail.starts_with(&[0xe2, 0x80, 0xa8])
            || tail.starts_with(&[0xe2, 0x80, 0xa9])
        {
            let (line, column) = line_and_column(text, at);
            return Err(FormatError::at(
                line,
                column,
                "a Unicode line separator (U+0085, U+2028 or U+2029) is a line break for sops's \
                 YAML reader but not in YAML 1.2; write it as an escape (\\N, \\L, \\P) in a \
                 double-quoted string",
            ));
        }
        from = at + 1;
    }
    Ok(())
}

/// The directives before a document (in `text[from..to]`) as go-yaml takes them: `%YAML 1.1`
/// only (`version` is what the parser read), `%TAG`, and no other name.
pub(super) fn check_directives(
    text: &str,
    from: usize,
    to: usize,
    version: Option<&YamlVersion>,
) -> Result<(), FormatError> {
    let mut at = from;
    for line in text[from..to.max(from)].split_inclusive('\n') {
        if let Some(directive) = line.strip_prefix('%') {
            let name = directive
                .split([' ', '\t', '\r', '\n'])
                .next()
                .unwrap_or_default();
            let problem = match name {
                "YAML" => version.filter(|v| (v.major, v.minor) != (1, 1)).map(|v| {
                    format!(
                        "found incompatible YAML document: %YAML {}.{} (sops reads YAML 1.1)",
                        v.major, v.minor
                    )
                }),
                "TAG" => None,
                _ => Some("found unknown directive name".to_string()),
            };
            if let Some(problem) = problem {
                let (line, column) = line_and_column(text, at);
                return Err(FormatError::at(
                    line,
                    column,
                    format!("invalid YAML: {problem}"),
                ));
            }
        }
        at += line.len();
    }
    Ok(())
}

/// 1-based line and column of byte offset `at` (lines end at line feeds).
pub(super) fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// When granit refused a line for its indentation where go-yaml has no indentation rule, the
/// text with that line indented past every column a block could have above it, so that the
/// parse can be tried again. `None` for other errors. Those lines are a quoted scalar's
/// continuation lines (and the ones after it up to the next line holding a quote, which are
/// inside the scalar too) and, for a tab refused in block indentation, the line alone: go-yaml
/// allows it inside a flow collection, which the caller confirms once the parse succeeds.
/// Their leading white space is not part of any value.
pub(super) fn reindent(text: &str, error: &ScanError) -> Option<String> {
    let quoted = matches!(
        error.kind(),
        ErrorKind::TabInIndentation | ErrorKind::InvalidQuotedScalarIndent
    );
    if !quoted && *error.kind() != ErrorKind::TabInBlockIndentation {
        return None;
    }
    let first = error.marker().line();
    let mut out = String::with_capacity(text.len() + 64);
    let mut widest = 0;
    let mut reindenting = false;
    let mut found = false;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let is_marker = is_document_marker(line);
        if number == first {
            if is_marker {
                // go-yaml refuses a document marker inside a quoted scalar too.
                return None;
            }
            reindenting = true;
            found = true;
        }
        if reindenting && !is_marker {
            let rest = line.trim_start_matches([' ', '\t']);
            out.extend(std::iter::repeat_n(' ', widest + 1));
            out.push_str(rest);
            reindenting = quoted && !rest.contains(['"', '\'']);
        } else {
            reindenting = false;
            widest = widest.max(line.len());
            out.push_str(line);
        }
    }
    found.then_some(out)
}

fn is_document_marker(line: &str) -> bool {
    (line.starts_with("---") || line.starts_with("..."))
        && matches!(
            line.as_bytes().get(3),
            None | Some(b' ' | b'\t' | b'\r' | b'\n')
        )
}

/// go-yaml's rules for tabs between tokens, checked in the text between the parser's events
/// as they go by. go-yaml skips a tab there only where no key can start: after a key's `:`, a
/// tag, an anchor or a scalar on the same line. At a line start, after `- `, after `? ` and
/// after the `:` of a `?` key, a tab is an error. After a plain scalar, its blank lines may
/// hold a tab only past the scalar's indentation. Flow collections allow tabs anywhere.
pub(super) struct Tabs {
    /// The text has a tab at all; else nothing is checked.
    active: bool,
    /// Open collections, `true` for flow ones.
    flow: Vec<bool>,
    /// Furthest end of an event so far; the text after it is not read yet.
    covered: usize,
    /// A key could start here, so a tab here is an error.
    key_allowed: bool,
    /// The last token could be a simple key (a `:` may follow on the same line).
    after_key_candidate: bool,
    /// go-yaml is still reading the white space after a plain scalar.
    plain: Option<Plain>,
}

#[derive(Clone, Copy)]
struct Plain {
    /// The column the scalar's continuation lines need.
    indent: usize,
    /// The column on the current line once a line break was read.
    column: Option<usize>,
}

impl Tabs {
    pub(super) fn new(text: &str) -> Tabs {
        Tabs {
            active: memchr::memchr(b'\t', text.as_bytes()).is_some(),
            flow: Vec::new(),
            covered: 0,
            key_allowed: true,
            after_key_candidate: false,
            plain: None,
        }
    }

    /// Reads the text from the last event's end to `start`, where the next event begins
    /// (`text.len()` at the end of the stream).
    pub(super) fn before(&mut self, text: &str, start: usize) -> Result<(), FormatError> {
        if !self.active || start <= self.covered {
            return Ok(());
        }
        let from = self.covered;
        self.covered = start;
        if self.flow.last() == Some(&true) {
            return Ok(());
        }
        let gap = &text.as_bytes()[from..start];
        let mut at = 0;
        if let Some(plain) = self.plain.take() {
            match self.after_plain(text, from, start, plain)? {
                Some(end) => at = end - from,
                None => return Ok(()),
            }
        }
        while at < gap.len() {
            match gap[at] {
                b' ' => {}
                b'\t' if self.key_allowed => return Err(tab_error(text, from + at)),
                b'\t' => {}
                b'\n' | b'\r' => self.set(true, false),
                b'#' | b'%' => {
                    at += memchr::memchr2(b'\n', b'\r', &gap[at..]).unwrap_or(gap.len() - at);
                    continue;
                }
                b'-' if gap[at..].starts_with(b"---") => {
                    self.set(false, false);
                    at += 3;
                    continue;
                }
                b'.' if gap[at..].starts_with(b"...") => {
                    at += 3;
                    continue;
                }
                b'-' | b'?' => self.set(true, false),
                // After a simple key's `:` a key cannot start; after a `?` key's it can.
                b':' => self.set(!self.after_key_candidate, false),
                b'&' | b'!' => {
                    while at < gap.len() && !matches!(gap[at], b' ' | b'\t' | b'\n' | b'\r') {
                        at += 1;
                    }
                    self.set(false, false);
                    continue;
                }
                // A block scalar's header and leading lines (`block` checks those), or
                // something this reader does not know: nothing more to check here.
                _ => return Ok(()),
            }
            at += 1;
        }
        Ok(())
    }

    /// The later lines of a multi-line plain scalar at `span`: go-yaml refuses a tab before
    /// the scalar's indentation (`indent`), even on a blank line.
    pub(super) fn check_plain_lines(
        &self,
        text: &str,
        span: &Span,
        indent: usize,
    ) -> Result<(), FormatError> {
        if !self.active || span.start.line() == span.end.line() || self.flow.last() == Some(&true) {
            return Ok(());
        }
        let (Some(start), Some(end)) = (span.start.byte_offset(), span.end.byte_offset()) else {
            return Ok(());
        };
        let bytes = text.as_bytes();
        for line_end in memchr::memchr2_iter(b'\n', b'\r', &bytes[start..end]) {
            let line = start + line_end + 1;
            let spaces = bytes[line..end].iter().take_while(|&&b| b == b' ').count();
            if spaces < indent && bytes.get(line + spaces) == Some(&b'\t') {
                return Err(tab_error(text, line + spaces));
            }
        }
        Ok(())
    }

    fn set(&mut self, key_allowed: bool, after_key_candidate: bool) {
        self.key_allowed = key_allowed;
        self.after_key_candidate = after_key_candidate;
    }

    /// go-yaml's plain scalar reader takes the white space after the scalar up to the next
    /// other character; a tab on a later line must sit at the scalar's indentation or beyond.
    /// Reads `text[from..to]` that way and returns where that white space ends, or `None` when
    /// it runs on into the next gap (the reader's state is kept for it).
    fn after_plain(
        &mut self,
        text: &str,
        from: usize,
        to: usize,
        mut plain: Plain,
    ) -> Result<Option<usize>, FormatError> {
        let bytes = text.as_bytes();
        for (at, &byte) in bytes.iter().enumerate().take(to).skip(from) {
            match byte {
                b'\n' | b'\r' => plain.column = Some(0),
                b' ' | b'\t' => {
                    if byte == b'\t' && plain.column.is_some_and(|c| c < plain.indent) {
                        return Err(tab_error(text, at));
                    }
                    if let Some(column) = plain.column.as_mut() {
                        *column += 1;
                    }
                }
                _ => {
                    if plain.column.is_some() {
                        self.set(true, false);
                    }
                    return Ok(Some(at));
                }
            }
        }
        self.plain = Some(plain);
        Ok(None)
    }

    /// Records `event`, which ended at byte offset `end`. `plain_indent` is set for a plain
    /// scalar: the column its continuation lines need.
    pub(super) fn after(&mut self, event: &Event<'_>, end: usize, plain_indent: Option<usize>) {
        if !self.active {
            return;
        }
        self.covered = self.covered.max(end);
        // Any node, marker or collection end stops a plain scalar's white space.
        let plain = self.plain.take();
        match event {
            Event::MappingStart(style, ..) | Event::SequenceStart(style, ..) => {
                self.flow.push(*style == StructureStyle::Flow);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let closed_flow = self.flow.pop() == Some(true);
                if closed_flow {
                    self.set(false, true);
                }
            }
            Event::Scalar(_, style, ..) => {
                // go-yaml's block scalar reader leaves a key allowed after it.
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                self.set(block, !block);
                self.plain = plain_indent.map(|indent| Plain {
                    indent,
                    column: None,
                });
            }
            Event::Alias(..) => self.set(false, true),
            // A comment ends the white space a plain scalar's reader takes.
            Event::Comment(..) => {
                let after_break = plain.is_some_and(|p| p.column.is_some());
                if after_break {
                    self.set(true, false);
                }
            }
            Event::DocumentStart(..) | Event::DocumentEnd => self.set(true, false),
            _ => {}
        }
    }
}

fn tab_error(text: &str, at: usize) -> FormatError {
    let (line, column) = line_and_column(text, at);
    FormatError::at(
        line,
        column,
        "invalid YAML: found a tab character that violates indentation",
    )
}
