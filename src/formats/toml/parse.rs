//! TOML text to [`Tree`]: toml_edit does the parsing; this module maps its document to the tree
//! and recovers the comments from toml_edit's decor (the whitespace and comments it keeps around
//! keys, values and headers).

use std::collections::HashMap;

use toml_edit::{Array, DocumentMut, InlineTable, Item, RawString, Table};

use crate::formats::{FormatError, MAX_DEPTH, depth_message};
use crate::tree::{Comment, ListItem, Map, MapItem, Scalar, Timestamp, Tree, Value};

/// The owner key of the document root in the table-trailing-comments map (header tables use
/// their toml_edit position, which is never negative).
const ROOT: isize = isize::MIN;

pub(super) fn parse(input: &[u8]) -> Result<Tree, FormatError> {
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = line_col(input, e.valid_up_to());
            return Err(FormatError::at(line, column, "invalid UTF-8"));
        }
    };
    let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let message = format!("invalid TOML: {}", e.message());
        match e.span() {
            Some(span) => {
                let (line, column) = line_col(input, span.start);
                FormatError::at(line, column, message)
            }
            None => match spanless_error_line(text, e.message()) {
                Some(line) => FormatError::on_line(line, message),
                None => FormatError::new(message),
            },
        }
    })?;

    // Headers in file order, to give the comments above each header to the right table.
    let mut headers = Vec::new();
    collect_headers(doc.as_table(), &mut headers);
    headers.sort_by_key(|(position, _)| *position);
    let mut builder = Builder {
        source: input,
        ..Builder::default()
    };
    let mut previous = ROOT;
    for (position, prefix) in headers {
        let (closing, attached) = split_header_prefix(prefix.as_deref().unwrap_or(""));
        builder
            .trailing
            .entry(previous)
            .or_default()
            .extend(closing);
        builder.attached.insert(position, attached);
        previous = position;
    }
    let end = own_line_comments(doc.trailing().as_str().unwrap_or(""));
    builder.trailing.entry(previous).or_default().extend(end);

    let root = builder.table(doc.as_table(), Some(ROOT)).map_err(|e| {
        if e.line.is_some() {
            return e;
        }
        // DocumentMut drops spans: find where the nesting limit is passed in a spanned parse.
        let mut spanned = Builder {
            source: input,
            ..Builder::default()
        };
        match toml_edit::Document::parse(text) {
            Ok(doc) => spanned
                .table(doc.as_table(), None)
                .err()
                .filter(|again| again.line.is_some())
                .unwrap_or(e),
            Err(_) => e,
        }
    })?;
    Ok(Tree {
        documents: vec![root],
    })
}

/// The line of an error toml_edit reports without a span (its recursion limit on dotted keys
/// and headers): the fewest whole lines whose parse gives the same error, found by bisection.
fn spanless_error_line(text: &str, message: &str) -> Option<usize> {
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .chain([text.len()])
        .collect();
    let fails_within = |lines: usize| {
        text[..ends[lines - 1]]
            .parse::<DocumentMut>()
            .is_err_and(|e| e.span().is_none() && e.message() == message)
    };
    let (mut low, mut high) = (1, ends.len());
    if !fails_within(high) {
        return None;
    }
    while low < high {
        let mid = low + (high - low) / 2;
        if fails_within(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    Some(low)
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_col(input: &[u8], offset: usize) -> (usize, usize) {
    let before = &input[..offset.min(input.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = before[start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (line, column)
}

/// A `[table]` or `[[array]]` element with a header of its own (not one implied by a deeper
/// header or created by dotted keys).
fn is_header(table: &Table) -> bool {
    !table.is_implicit() && !table.is_dotted() && table.position().is_some()
}

fn collect_headers(table: &Table, out: &mut Vec<(isize, Option<String>)>) {
    for (_, item) in table.iter() {
        match item {
            Item::Table(sub) => {
                if is_header(sub) {
                    let prefix = raw(sub.decor().prefix()).map(str::to_string);
                    out.push((sub.position().unwrap_or_default(), prefix));
                }
                collect_headers(sub, out);
            }
            Item::ArrayOfTables(array) => {
                for sub in array.iter() {
                    let prefix = raw(sub.decor().prefix()).map(str::to_string);
                    out.push((sub.position().unwrap_or_default(), prefix));
                    collect_headers(sub, out);
                }
            }
            Item::Value(_) | Item::None => {}
        }
    }
}

fn raw(text: Option<&RawString>) -> Option<&str> {
    text.and_then(RawString::as_str)
}

/// The comments in a run of whitespace and comments, each with whether it stands on the run's
/// first line (after a value on the same line, when the run follows one).
fn scan(text: &str) -> Vec<(String, bool)> {
    text.split('\n')
        .enumerate()
        .filter_map(|(index, line)| {
            let comment = line.trim_start_matches([' ', '\t']).strip_prefix('#')?;
            Some((comment.trim_end_matches('\r').to_string(), index == 0))
        })
        .collect()
}

fn own_line_comments(text: &str) -> Vec<Comment> {
    scan(text)
        .into_iter()
        .map(|(text, _)| Comment::new(text))
        .collect()
}

fn inline_comments(text: &str) -> Vec<Comment> {
    scan(text)
        .into_iter()
        .map(|(text, first)| Comment {
            text,
            inline: first,
        })
        .collect()
}

/// Splits the comments above a header at the last blank line: those before it close the table
/// opened before, those after it belong to this header.
fn split_header_prefix(prefix: &str) -> (Vec<Comment>, Vec<Comment>) {
    let lines: Vec<&str> = prefix.split('\n').collect();
    // The last piece is the indentation before `[`, not a full line.
    let full = &lines[..lines.len().saturating_sub(1)];
    let blank = full.iter().rposition(|line| line.trim().is_empty());
    let comment = |line: &&str| {
        line.trim_start_matches([' ', '\t'])
            .strip_prefix('#')
            .map(|text| Comment::new(text.trim_end_matches('\r')))
    };
    match blank {
        Some(at) => (
            full[..at].iter().filter_map(comment).collect(),
            full[at + 1..].iter().filter_map(comment).collect(),
        ),
        None => (Vec::new(), full.iter().filter_map(comment).collect()),
    }
}

#[derive(Default)]
struct Builder<'a> {
    /// The input, to give nesting errors a position.
    source: &'a [u8],
    /// Levels of tables and arrays open (the root table is level 1).
    depth: usize,
    /// Comments directly above each header, by header position.
    attached: HashMap<isize, Vec<Comment>>,
    /// Comments that close a table (root or header), by owner.
    trailing: HashMap<isize, Vec<Comment>>,
}

impl Builder<'_> {
    /// Enters one more level of nesting, failing past [`MAX_DEPTH`] (toml_edit stops near 80
    /// levels per construct, but dotted keys, headers, arrays and inline tables add up).
    fn enter(&mut self, span: Option<std::ops::Range<usize>>) -> Result<(), FormatError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(match span {
                Some(span) => {
                    let (line, column) = line_col(self.source, span.start);
                    FormatError::at(line, column, depth_message())
                }
                None => FormatError::new(depth_message()),
            });
        }
        Ok(())
    }

    /// Builds a table's mapping; `owner` is set for the root and for tables with a header.
    fn table(&mut self, table: &Table, owner: Option<isize>) -> Result<Map, FormatError> {
        self.enter(table.span())?;
        let mut items = Vec::new();
        // Where the lines under this table's own header end (before any sub-table header).
        let mut body_end = 0;
        for (name, item) in table.iter() {
            let Some((key, _)) = table.get_key_value(name) else {
                continue;
            };
            match item {
                Item::None => continue,
                Item::Value(value) => {
                    push_comments(&mut items, own_line_comments(prefix(key)));
                    let inline = inline_comments(raw(value.decor().suffix()).unwrap_or(""));
                    let value = self.value(value)?;
                    push_comments(&mut items, inline);
                    items.push(entry(name, value));
                    body_end = items.len();
                }
                Item::Table(sub) if sub.is_dotted() => {
                    push_comments(&mut items, own_line_comments(prefix(key)));
                    let map = self.table(sub, None)?;
                    items.push(entry(name, Value::Map(map)));
                    body_end = items.len();
                }
                Item::Table(sub) if is_header(sub) => {
                    let position = sub.position().unwrap_or_default();
                    push_comments(&mut items, self.header_comments(sub, position));
                    let map = self.table(sub, Some(position))?;
                    items.push(entry(name, Value::Map(map)));
                }
                Item::Table(sub) => {
                    let map = self.table(sub, None)?;
                    items.push(entry(name, Value::Map(map)));
                }
                Item::ArrayOfTables(array) => {
                    self.enter(array.span())?;
                    let mut list = Vec::new();
                    for (index, sub) in array.iter().enumerate() {
                        let position = sub.position().unwrap_or_default();
                        let comments = self.header_comments(sub, position);
                        if index == 0 {
                            push_comments(&mut items, comments);
                        } else {
                            list.extend(comments.into_iter().map(ListItem::Comment));
                        }
                        let map = self.table(sub, Some(position))?;
                        list.push(ListItem::Value(Value::Map(map)));
                    }
                    self.depth -= 1;
                    items.push(entry(name, Value::List(list)));
                }
            }
        }
        if let Some(closing) = owner.and_then(|owner| self.trailing.remove(&owner)) {
            let closing: Vec<MapItem> = closing.into_iter().map(MapItem::Comment).collect();
            items.splice(body_end..body_end, closing);
        }
        self.depth -= 1;
        Ok(Map { items })
    }

    /// The comments above a header and the one after it on its line.
    fn header_comments(&mut self, table: &Table, position: isize) -> Vec<Comment> {
        let mut comments = self.attached.remove(&position).unwrap_or_default();
        comments.extend(inline_comments(raw(table.decor().suffix()).unwrap_or("")));
        comments
    }

    fn value(&mut self, value: &toml_edit::Value) -> Result<Value, FormatError> {
        use toml_edit::Value as V;
        Ok(match value {
            V::String(s) => Value::Scalar(Scalar::Str(s.value().clone())),
            V::Integer(i) => Value::Scalar(Scalar::Int(*i.value())),
            V::Float(f) => Value::Scalar(Scalar::Float(*f.value())),
            V::Boolean(b) => Value::Scalar(Scalar::Bool(*b.value())),
            V::Datetime(d) => Value::Scalar(datetime(d.value())),
            V::Array(array) => {
                self.enter(array.span())?;
                let list = self.array(array)?;
                self.depth -= 1;
                Value::List(list)
            }
            V::InlineTable(table) => {
                self.enter(table.span())?;
                let map = self.inline_table(table)?;
                self.depth -= 1;
                Value::Map(map)
            }
        })
    }

    fn array(&mut self, array: &Array) -> Result<Vec<ListItem>, FormatError> {
        let mut list = Vec::new();
        let mut last_value: Option<usize> = None;
        for element in array.iter() {
            for (text, first) in scan(raw(element.decor().prefix()).unwrap_or("")) {
                after_previous(&mut list, &mut last_value, text, first);
            }
            let mut after = Vec::new();
            for (text, first) in scan(raw(element.decor().suffix()).unwrap_or("")) {
                if first {
                    list.push(ListItem::Comment(Comment { text, inline: true }));
                } else {
                    after.push(ListItem::Comment(Comment::new(text)));
                }
            }
            last_value = Some(list.len());
            list.push(ListItem::Value(self.value(element)?));
            list.extend(after);
        }
        for (text, first) in scan(array.trailing().as_str().unwrap_or("")) {
            after_previous(&mut list, &mut last_value, text, first);
        }
        Ok(list)
    }

    fn inline_table(&mut self, table: &InlineTable) -> Result<Map, FormatError> {
        let mut items = Vec::new();
        let mut last_entry: Option<usize> = None;
        for (name, _) in table.iter() {
            let Some((key, Item::Value(value))) = table.get_key_value(name) else {
                continue;
            };
            for (text, first) in scan(prefix(key)) {
                match last_entry {
                    Some(at) if first => {
                        let comment = Comment { text, inline: true };
                        items.insert(at, MapItem::Comment(comment));
                        last_entry = Some(at + 1);
                    }
                    _ => items.push(MapItem::Comment(Comment::new(text))),
                }
            }
            let inline = inline_comments(raw(value.decor().suffix()).unwrap_or(""));
            let value = self.value(value)?;
            push_comments(&mut items, inline);
            last_entry = Some(items.len());
            items.push(entry(name, value));
        }
        for (text, first) in scan(table.trailing().as_str().unwrap_or("")) {
            match last_entry {
                Some(at) if first => {
                    let comment = Comment { text, inline: true };
                    items.insert(at, MapItem::Comment(comment));
                }
                _ => items.push(MapItem::Comment(Comment::new(text))),
            }
        }
        Ok(Map { items })
    }
}

/// Places a comment met after a list element: one on the element's line goes just before that
/// element (as an end-of-line comment, the way `key = v # c` is stored); others follow it.
fn after_previous(
    list: &mut Vec<ListItem>,
    last_value: &mut Option<usize>,
    text: String,
    first: bool,
) {
    match *last_value {
        Some(at) if first => {
            let comment = Comment { text, inline: true };
            list.insert(at, ListItem::Comment(comment));
            *last_value = Some(at + 1);
        }
        // On the line of the opening bracket: no value to end, a comment of its own.
        _ => list.push(ListItem::Comment(Comment::new(text))),
    }
}

fn prefix(key: &toml_edit::Key) -> &str {
    raw(key.leaf_decor().prefix()).unwrap_or("")
}

fn push_comments(items: &mut Vec<MapItem>, comments: Vec<Comment>) {
    items.extend(comments.into_iter().map(MapItem::Comment));
}

fn entry(key: &str, value: Value) -> MapItem {
    MapItem::Entry {
        key: key.to_string(),
        value,
    }
}

/// An offset date-time is a sops `time`; local date-times, dates and times have no sops type
/// and are kept as strings of their TOML text.
fn datetime(value: &toml_edit::Datetime) -> Scalar {
    let local = || Scalar::Str(value.to_string());
    let (Some(date), Some(time), Some(offset)) = (value.date, value.time, value.offset) else {
        return local();
    };
    let minutes = match offset {
        toml_edit::Offset::Z => 0,
        toml_edit::Offset::Custom { minutes } => i32::from(minutes),
    };
    Timestamp::from_parts(
        i32::from(date.year),
        date.month,
        date.day,
        time.hour,
        time.minute,
        time.second.unwrap_or(0),
        time.nanosecond.unwrap_or(0),
        minutes * 60,
    )
    .map_or_else(local, Scalar::Time)
}
