//! Block scalars (`|`, `>`) as go-yaml v3 (libyaml's scanner) reads them, where granit-parser
//! reads them differently:
//! - the last content line ends the text without a line break: granit adds a line feed (unless
//!   the header says `-`), go-yaml adds none, as there is no break to keep;
//! - a tab right after the indentation spaces of the lines up to the first content line (when
//!   the header has no indentation indicator), or after fewer spaces than the block's
//!   indentation on a later line: go-yaml refuses the file ("found a tab character where an
//!   indentation space is expected"), granit reads the tab as content or ends the block there.

use granit_parser::{ScalarStyle, Span};

use crate::formats::FormatError;

/// The value go-yaml reads for the scalar event `value` at `span`, or its error. `header_from`
/// is the byte offset where the previous event ended: the block's header (`|2-`, after any tag
/// and anchor) is the first thing after it.
pub(super) fn read<'v>(
    value: &'v str,
    style: ScalarStyle,
    span: &Span,
    text: &str,
    header_from: usize,
) -> Result<&'v str, FormatError> {
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
        return Ok(value);
    }
    let indent = span.indent.unwrap_or(span.start.col());
    check_tabs(text, header_from, span, indent)?;
    Ok(without_added_line_feed(value, span, text, indent))
}

/// Drops the line feed granit adds after a last content line that ends the text. That line is
/// the text's last line when the scalar reaches the end of the text without a final break and
/// the line is longer than the block's indentation (a line of indentation only is no content
/// line; granit then adds nothing either).
fn without_added_line_feed<'v>(value: &'v str, span: &Span, text: &str, indent: usize) -> &'v str {
    let added = !text.ends_with(['\n', '\r'])
        && span.end.byte_offset() == Some(text.len())
        && span.end.col() > indent
        && value.ends_with('\n');
    if added {
        &value[..value.len() - 1]
    } else {
        value
    }
}

/// Byte offset of the header (`|`, `>`) of the block scalar that comes after `header_from`.
pub(super) fn header_offset(text: &str, header_from: usize) -> Option<usize> {
    find_header(text, header_from).map(|header| header.at)
}

/// go-yaml's two tab checks (see the module docs).
fn check_tabs(
    text: &str,
    header_from: usize,
    span: &Span,
    indent: usize,
) -> Result<(), FormatError> {
    let Some(header) = find_header(text, header_from) else {
        return Ok(());
    };
    if !header.has_indentation_indicator {
        // Up to the first content line, every line's spaces are indentation.
        let mut at = header.next_line;
        while at < text.len() {
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let line = &text[at..line_end];
            let rest = line.trim_start_matches(' ');
            if rest.starts_with('\t') {
                return Err(tab_error(text, at + line.len() - rest.len()));
            }
            if !rest.is_empty() && rest != "\r" {
                break;
            }
            at = line_end + 1;
        }
    }
    // Later lines: granit ends the block at a tab within the indentation, go-yaml refuses it.
    if let Some(end) = span.end.byte_offset()
        && span.end.col() < indent
        && text[end..].starts_with('\t')
    {
        return Err(tab_error(text, end));
    }
    Ok(())
}

fn tab_error(text: &str, at: usize) -> FormatError {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    FormatError::at(
        line,
        column + 1,
        "invalid YAML: found a tab character where an indentation space is expected",
    )
}

struct Header {
    /// Byte offset of the `|` or `>`.
    at: usize,
    has_indentation_indicator: bool,
    /// Byte offset of the line after the header.
    next_line: usize,
}

/// The block scalar header after `from`: past the `:`, `-` or `?` indicator, white space,
/// comments, tags and anchors. `None` when something else comes first.
fn find_header(text: &str, from: usize) -> Option<Header> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' => at += 1,
            b'#' => at += text[at..].find('\n').unwrap_or(text.len() - at),
            b'!' | b'&' => {
                at += text[at..]
                    .find([' ', '\t', '\r', '\n'])
                    .unwrap_or(text.len() - at);
            }
            b'|' | b'>' => {
                let indicators = &bytes[at + 1..];
                let has_indentation_indicator = indicators
                    .iter()
                    .take(2)
                    .take_while(|b| matches!(b, b'+' | b'-' | b'1'..=b'9'))
                    .any(u8::is_ascii_digit);
                let next_line = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                return Some(Header {
                    at,
                    has_indentation_indicator,
                    next_line,
                });
            }
            _ => return None,
        }
    }
    None
}
