//! The YAML reader: granit-parser events to a sops [`Tree`], with go-yaml v3 scalar resolution,
//! alias expansion, key checks and sops's placement of comments (see the module docs of
//! `yaml`).

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span, StrInput, StructureStyle, Tag};

use super::compat;

use super::resolve::{Resolved, resolve_plain};
use crate::formats::{FormatError, MAX_DEPTH, depth_message};
use crate::tree::{Comment, ListItem, Map, MapItem, Scalar, Tree, Value};

/// A node while the document is read, with source lines kept for placing comments.
#[derive(Clone, Debug)]
enum Node {
    Scalar(Scalar),
    Map(Vec<Item>),
    List(Vec<Item>),
}

#[derive(Clone, Debug)]
struct Item {
    kind: Kind,
    /// First source line (1-based) of the entry (its key) or list element.
    line: usize,
    /// Last source line of the entry or element.
    end_line: usize,
}

#[derive(Clone, Debug)]
enum Kind {
    Entry {
        key: String,
        value: Node,
        value_is_alias: bool,
    },
    Value {
        value: Node,
        is_alias: bool,
    },
    Comment(Comment),
}

impl Node {
    fn end_line(&self, start: usize) -> usize {
        match self {
            Node::Scalar(_) => start,
            Node::Map(items) | Node::List(items) => items
                .iter()
                .map(|i| i.end_line)
                .max()
                .unwrap_or(start)
                .max(start),
        }
    }

    /// Levels of mappings and sequences in this node (0 for a scalar).
    fn depth(&self) -> usize {
        match self {
            Node::Scalar(_) => 0,
            Node::Map(items) | Node::List(items) => {
                1 + items.iter().map(Item::depth).max().unwrap_or(0)
            }
        }
    }

    /// The number of nodes in this node, itself included.
    fn size(&self) -> usize {
        match self {
            Node::Scalar(_) => 1,
            Node::Map(items) | Node::List(items) => 1 + items.iter().map(Item::size).sum::<usize>(),
        }
    }

    fn into_value(self) -> Value {
        match self {
            Node::Scalar(s) => Value::Scalar(s),
            Node::Map(items) => Value::Map(into_map(items)),
            Node::List(items) => Value::List(
                items
                    .into_iter()
                    .map(|i| match i.kind {
                        Kind::Comment(c) => ListItem::Comment(c),
                        Kind::Value { value, .. } | Kind::Entry { value, .. } => {
                            ListItem::Value(value.into_value())
                        }
                    })
                    .collect(),
            ),
        }
    }
}

impl Item {
    fn node(&self) -> Option<&Node> {
        match &self.kind {
            Kind::Entry { value, .. } | Kind::Value { value, .. } => Some(value),
            Kind::Comment(_) => None,
        }
    }

    fn depth(&self) -> usize {
        self.node().map_or(0, Node::depth)
    }

    fn size(&self) -> usize {
        self.node().map_or(0, Node::size)
    }
}

/// How many nodes alias expansion may copy in one stream. Each alias is expanded into a copy
/// of its anchor's node, so nested aliases grow exponentially ("billion laughs"); this bounds
/// the work and memory, far above what any real file needs.
const MAX_ALIAS_NODES: usize = 1_000_000;

fn into_map(items: Vec<Item>) -> Map {
    Map {
        items: items
            .into_iter()
            .map(|i| match i.kind {
                Kind::Comment(c) => MapItem::Comment(c),
                Kind::Entry { key, value, .. } => MapItem::Entry {
                    key,
                    value: value.into_value(),
                },
                Kind::Value { value, .. } => MapItem::Entry {
                    key: String::new(),
                    value: value.into_value(),
                },
            })
            .collect(),
    }
}

/// An own-line comment waiting for the node it belongs to.
#[derive(Debug)]
struct Pending {
    text: String,
    line: usize,
    col: usize,
    /// After a lone `-` on its line: the first item of the sequence that follows, if one does.
    after_dash: bool,
    /// After a `-` whose item is empty: a head comment of the next node, never a foot comment.
    after_empty_item: bool,
}

enum Frame {
    Map {
        items: Vec<Item>,
        key: Option<(String, usize, bool)>,
        seen: HashMap<String, usize>,
        line: usize,
        col: usize,
        anchor: usize,
        indent: Option<usize>,
        flow: bool,
    },
    List {
        items: Vec<Item>,
        line: usize,
        col: usize,
        anchor: usize,
        indent: Option<usize>,
        flow: bool,
        /// The last item is a block mapping or sequence.
        last_is_block: bool,
    },
}

impl Frame {
    /// The column of the block's keys or dashes, once known.
    fn indent(&self) -> Option<usize> {
        match self {
            Frame::Map { indent, .. } | Frame::List { indent, .. } => *indent,
        }
    }

    fn items_mut(&mut self) -> &mut Vec<Item> {
        match self {
            Frame::Map { items, .. } | Frame::List { items, .. } => items,
        }
    }

    fn is_flow(&self) -> bool {
        match self {
            Frame::Map { flow, .. } | Frame::List { flow, .. } => *flow,
        }
    }
}

struct Builder<'s> {
    lines: Vec<&'s str>,
    /// The text ends with a line break.
    ends_with_break: bool,
    stack: Vec<Frame>,
    pending: Vec<Pending>,
    right: Vec<Pending>,
    /// Anchored nodes with their depth and size.
    anchors: HashMap<usize, (Node, usize, usize)>,
    /// Nodes copied by alias expansion so far.
    alias_nodes: usize,
    root: Option<(Node, usize)>,
    /// The scalar being added is a plain `<<` (yaml.v3 merge key).
    merge_key: bool,
}

fn is_mergeable(node: &Node) -> bool {
    match node {
        Node::Map(_) => true,
        Node::List(items) => items.iter().all(|i| match &i.kind {
            Kind::Value { value, .. } => matches!(value, Node::Map(_)),
            _ => true,
        }),
        Node::Scalar(_) => false,
    }
}

/// The column of the `-` that introduces a sequence element starting at `col` on `line`.
fn dash_column(lines: &[&str], line: usize, col: usize) -> usize {
    let text = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
    let before: Vec<char> = text.chars().take(col).collect();
    let mut i = before.len();
    while i > 0 && before[i - 1] == ' ' {
        i -= 1;
    }
    if i > 0 && before[i - 1] == '-' {
        i - 1
    } else {
        col
    }
}

/// The line and column (0-based, in characters) of byte offset `at`, counted from `from`,
/// which is on line `from_line`.
fn position_after(text: &str, from: usize, from_line: usize, at: usize) -> (usize, usize) {
    let between = &text[from..at];
    let line = from_line + memchr::memchr_iter(b'\n', between.as_bytes()).count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count())
}

fn comment_of(text: &str) -> Comment {
    Comment::new(text)
}

/// Parses a whole YAML stream: the fast reader when the text lies in its subset, else the full
/// parser.
pub fn parse_stream(input: &[u8]) -> Result<Tree, FormatError> {
    let text = crate::formats::utf8_text(input)?;
    if let Some(tree) = super::fast::parse(text) {
        return Ok(tree);
    }
    parse_full(text)
}

/// How many times a text is parsed again with lines re-indented where go-yaml has no
/// indentation rule (`compat`); each pass fixes at least one line.
const MAX_REINDENT_PASSES: usize = 64;

/// The full parser: any YAML, with comments, aliases and yaml.v3's error messages.
pub(super) fn parse_full(text: &str) -> Result<Tree, FormatError> {
    compat::check_line_separators(text)?;
    let mut reindented: Option<String> = None;
    let mut first_error = None;
    // Lines re-indented for a tab that granit refuses in block indentation: go-yaml allows it
    // only inside a flow collection, which the final pass must confirm.
    let mut flow_lines = Vec::new();
    for _ in 0..MAX_REINDENT_PASSES {
        let current = reindented.as_deref().unwrap_or(text);
        let mut events = Events {
            source: Parser::new_from_str(current),
            ahead: VecDeque::new(),
            open: Vec::new(),
            flow_spans: Vec::new(),
            scan_error: None,
        };
        let error = match read_events(current, &mut events) {
            Ok(tree) => {
                let inside_flow = |line: &usize| {
                    events
                        .flow_spans
                        .iter()
                        .any(|&(first, last)| first < *line && *line <= last)
                };
                return match first_error {
                    Some(error) if !flow_lines.iter().all(inside_flow) => Err(error),
                    _ => Ok(tree),
                };
            }
            Err(error) => error,
        };
        let Some(scan_error) = events.scan_error else {
            return Err(error);
        };
        let Some(next) = compat::reindent(current, &scan_error) else {
            return Err(error);
        };
        if *scan_error.kind() == granit_parser::ErrorKind::TabInBlockIndentation {
            flow_lines.push(scan_error.marker().line());
        }
        first_error.get_or_insert(error);
        reindented = Some(next);
    }
    Err(first_error.expect("a pass failed"))
}

fn read_events<'s>(
    text: &'s str,
    events: &mut Events<'s, Parser<'s, StrInput<'s>>>,
) -> Result<Tree, FormatError> {
    let mut tabs = compat::Tabs::new(text);
    let mut b = Builder {
        lines: text.split('\n').collect(),
        ends_with_break: text.ends_with(['\n', '\r']),
        stack: Vec::new(),
        pending: Vec::new(),
        right: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        root: None,
        merge_key: false,
    };
    let mut docs = Vec::new();
    // Where the previous event ended: a block scalar's header comes after it.
    let mut header_from = 0;
    let mut header_from_line = 1;
    while let Some(owned) = events.next()? {
        let (event, span) = (&owned.0, &owned.1);
        let event_end = span.end.byte_offset().unwrap_or(0);
        let event_start = match event {
            // Its span need not cover the white space at the end of the text.
            Event::StreamEnd => text.len(),
            _ => span.start.byte_offset().unwrap_or(0),
        };
        tabs.before(text, event_start)?;
        let mut plain_indent = None;
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_, version) => {
                let directives_end = span.start.byte_offset().unwrap_or(header_from);
                compat::check_directives(text, header_from, directives_end, version.as_ref())?;
                b.root = None;
                b.anchors.clear();
            }
            Event::DocumentEnd => {
                let doc = b.finish_document()?;
                docs.push(doc);
            }
            // go-yaml drops a comment at the end of a directive line.
            Event::Comment(..) if b.before_column(span.start.line(), 1) == "%" => {}
            Event::Comment(text, _placement) => {
                let line = span.start.line();
                let col = span.start.col();
                let after_dash = b.after_lone_dash(line, col);
                let own_line =
                    after_dash || b.own_line(line, col) || b.after_document_marker(line, col);
                let p = Pending {
                    text: text.to_string(),
                    line,
                    col,
                    after_dash,
                    after_empty_item: false,
                };
                if own_line {
                    b.pending.push(p);
                } else if let Some(frame) = b.flow_value_frame() {
                    b.head_comment_in(frame, text, line);
                } else {
                    b.right.push(p);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let value = super::block::read(value, *style, span, text, header_from)?;
                let scalar = resolve_event_scalar(value, *style, tag.as_ref(), span)?;
                b.merge_key = value == "<<"
                    && match tag {
                        None => *style == ScalarStyle::Plain,
                        Some(t) => t.suffix() == "merge",
                    };
                let is_key = b.next_is_key();
                // `- # c` with nothing below: the comment waits for the node after this item.
                let empty_item = b
                    .pending
                    .pop_if(|p| p.after_dash && p.line == span.start.line());
                b.flush_head(false);
                if let Some(mut p) = empty_item {
                    p.after_dash = false;
                    p.after_empty_item = true;
                    b.pending.push(p);
                }
                let node = Node::Scalar(scalar);
                if *anchor != 0 {
                    b.anchors.insert(*anchor, (node.clone(), 0, 1));
                }
                let _ = is_key;
                // A block scalar's span starts at its content: its item starts at its header.
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let (line, col) = match block
                    .then(|| super::block::header_offset(text, header_from))
                    .flatten()
                {
                    Some(at) => position_after(text, header_from, header_from_line, at),
                    None => (span.start.line(), span.start.col()),
                };
                // Its last line: a block scalar's span runs on over the blank lines after it
                // to the indentation of the next line.
                let mut last_line = span.end.line();
                if block {
                    let blank = |l: &str| l.trim_matches([' ', '\t', '\r']).is_empty();
                    let end_text = b.lines.get(last_line - 1).copied().unwrap_or("");
                    let before_end: String = end_text.chars().take(span.end.col()).collect();
                    if blank(&before_end) {
                        last_line -= 1;
                    }
                    while last_line > line && b.lines.get(last_line - 1).is_none_or(|l| blank(l)) {
                        last_line -= 1;
                    }
                }
                b.add_node(node, line, col, last_line, false)?;
                b.merge_key = false;
                if *style == ScalarStyle::Plain {
                    let block = b.stack.last().and_then(Frame::indent).unwrap_or(0);
                    plain_indent = Some(block + 1);
                    tabs.check_plain_lines(text, span, block + 1)?;
                }
            }
            Event::Alias(id) => {
                b.flush_head(false);
                let (node, depth, size) = b
                    .anchors
                    .get(id)
                    .ok_or_else(|| at(span, "alias to an unknown anchor"))?;
                if b.stack.len() + depth > MAX_DEPTH {
                    return Err(at(span, &depth_message()));
                }
                b.alias_nodes = b.alias_nodes.saturating_add(*size);
                if b.alias_nodes > MAX_ALIAS_NODES {
                    return Err(at(
                        span,
                        &format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                    ));
                }
                let node = node.clone();
                b.add_node(node, span.start.line(), span.start.col(), 0, true)?;
            }
            Event::MappingStart(style, anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(at(span, &depth_message()));
                }
                b.flush_head(true);
                b.stack.push(Frame::Map {
                    items: Vec::new(),
                    key: None,
                    seen: HashMap::new(),
                    line: span.start.line(),
                    col: span.start.col(),
                    anchor: *anchor,
                    indent: None,
                    flow: *style == StructureStyle::Flow,
                });
            }
            Event::SequenceStart(style, anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(at(span, &depth_message()));
                }
                // `- # c` over a nested sequence: yaml.v3 makes the comment a head comment of
                // the nested sequence's first item.
                let dash_comment = b
                    .pending
                    .pop_if(|p| p.after_dash && p.line < span.start.line());
                b.flush_head(true);
                b.stack.push(Frame::List {
                    items: Vec::new(),
                    line: span.start.line(),
                    col: span.start.col(),
                    anchor: *anchor,
                    indent: None,
                    flow: *style == StructureStyle::Flow,
                    last_is_block: false,
                });
                if let Some(p) = dash_comment {
                    b.head_comment_in(b.stack.len() - 1, &p.text, p.line);
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if !b.pending.is_empty() {
                    let tc = events.next_token_column(&b.lines)?;
                    b.flush_foot(tc);
                }
                if b.flow_value_frame() == Some(b.stack.len() - 1)
                    && let Some((Event::Comment(comment, _), after)) = events.peek()?
                    && after.start.line() == span.end.line()
                {
                    // The comment right after a flow collection that is a mapping's value.
                    let comment = comment.to_string();
                    events.ahead.pop_front();
                    b.head_comment_in(b.stack.len() - 1, &comment, span.end.line());
                }
                let frame = b.stack.pop().expect("balanced events");
                let closed_block = !frame.is_flow();
                let (node, line, col, anchor) = match frame {
                    Frame::Map {
                        items,
                        line,
                        col,
                        anchor,
                        ..
                    } => (Node::Map(items), line, col, anchor),
                    Frame::List {
                        items,
                        line,
                        col,
                        anchor,
                        ..
                    } => (Node::List(items), line, col, anchor),
                };
                if anchor != 0 {
                    let (depth, size) = (node.depth(), node.size());
                    b.anchors.insert(anchor, (node.clone(), depth, size));
                }
                b.add_node(node, line, col, 0, false)?;
                if let Some(Frame::List { last_is_block, .. }) = b.stack.last_mut() {
                    *last_is_block = closed_block;
                }
            }
            Event::UnresolvedAlias(..) => {
                return Err(at(span, "alias to an unknown anchor"));
            }
            _ => {}
        }
        // A comment on a block scalar's header line comes after the scalar's event.
        if event_end > header_from {
            header_from = event_end;
            header_from_line = span.end.line();
        }
        tabs.after(event, event_end, plain_indent);
    }
    tabs.before(text, text.len())?;
    Ok(Tree { documents: docs })
}

fn at(span: &Span, msg: &str) -> FormatError {
    FormatError::at(span.start.line(), span.start.col() + 1, msg)
}

fn scan_error(e: &ScanError) -> FormatError {
    let m = e.marker();
    FormatError::at(m.line(), m.col() + 1, format!("invalid YAML: {}", e.info()))
}

/// The parser's events, read one at a time (the whole stream is never held in memory) with a
/// look-ahead buffer for the few places that need to see past the current event.
struct Events<'s, I> {
    source: I,
    ahead: VecDeque<(Event<'s>, Span)>,
    /// The collections open at the last event read from the parser, `true` for flow ones.
    open: Vec<bool>,
    /// First and last lines of the outermost flow collections read so far.
    flow_spans: Vec<(usize, usize)>,
    /// The parser's error, when it failed.
    scan_error: Option<ScanError>,
}

impl<'s, I: Iterator<Item = Result<(Event<'s>, Span), ScanError>>> Events<'s, I> {
    fn next(&mut self) -> Result<Option<(Event<'s>, Span)>, FormatError> {
        match self.ahead.pop_front() {
            Some(event) => Ok(Some(event)),
            None => self.pull(),
        }
    }

    /// The next event, left to be read.
    fn peek(&mut self) -> Result<Option<&(Event<'s>, Span)>, FormatError> {
        if self.ahead.is_empty()
            && let Some(event) = self.pull()?
        {
            self.ahead.push_back(event);
        }
        Ok(self.ahead.front())
    }

    /// The parser's next event.
    fn pull(&mut self) -> Result<Option<(Event<'s>, Span)>, FormatError> {
        let event = match self.source.next().transpose() {
            Ok(event) => event,
            Err(error) => {
                let message = scan_error(&error);
                self.scan_error = Some(error);
                return Err(message);
            }
        };
        let in_flow = self.open.contains(&true);
        match &event {
            Some((Event::MappingStart(style, ..) | Event::SequenceStart(style, ..), span)) => {
                let flow = *style == StructureStyle::Flow;
                if flow && !in_flow {
                    self.flow_spans.push((span.start.line(), span.start.line()));
                }
                self.open.push(flow);
            }
            Some((Event::MappingEnd | Event::SequenceEnd, span)) => {
                if self.open.pop() == Some(true)
                    && !self.open.contains(&true)
                    && let Some(last) = self.flow_spans.last_mut()
                {
                    last.1 = span.end.line();
                }
            }
            _ => {}
        }
        Ok(event)
    }

    /// The column of the first non-blank character on the line of the next node (or `None` at
    /// the end of the document): comments indented deeper than it are foot comments of what
    /// came before.
    fn next_token_column(&mut self, lines: &[&str]) -> Result<Option<usize>, FormatError> {
        let mut index = 0;
        loop {
            if index == self.ahead.len() {
                match self.pull()? {
                    Some(event) => self.ahead.push_back(event),
                    None => return Ok(None),
                }
            }
            let (event, span) = &self.ahead[index];
            match event {
                Event::Scalar(..)
                | Event::Alias(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..) => {
                    let line = lines
                        .get(span.start.line().saturating_sub(1))
                        .copied()
                        .unwrap_or("");
                    return Ok(Some(line.chars().take_while(|c| *c == ' ').count()));
                }
                Event::DocumentEnd | Event::StreamEnd | Event::DocumentStart(..) => {
                    return Ok(None);
                }
                _ => index += 1,
            }
        }
    }
}

fn resolve_event_scalar(
    value: &str,
    style: ScalarStyle,
    tag: Option<&Cow<'_, Tag>>,
    span: &Span,
) -> Result<Scalar, FormatError> {
    let plain = style == ScalarStyle::Plain;
    if let Some(tag) = tag {
        // YAML 1.1's `!!binary`, which go-yaml decodes (it is not in the 1.2 core schema).
        if tag.suffix_in_namespace("tag:yaml.org,2002:").as_deref() == Some("binary") {
            return decode_binary(value, span);
        }
        if tag.is_yaml_core_schema() {
            match tag.suffix() {
                "str" => return Ok(Scalar::Str(value.to_string())),
                "null" => return Ok(Scalar::Null),
                "bool" | "int" | "float" | "timestamp" => {}
                _ => return Ok(Scalar::Str(value.to_string())),
            }
        } else {
            return Ok(Scalar::Str(value.to_string()));
        }
    } else if !plain {
        return Ok(Scalar::Str(value.to_string()));
    }
    match resolve_plain(value) {
        Resolved::Scalar(s) => Ok(s),
        Resolved::Merge => Ok(Scalar::Str(value.to_string())),
        Resolved::Uint(_) => Err(FormatError::unsupported_value_at(
            span.start.line(),
            span.start.col() + 1,
            "integer value out of range (larger than int64)",
        )),
    }
}

/// A `!!binary` scalar's bytes, as go-yaml decodes them: standard base64 with its padding,
/// line breaks ignored. Text when they are UTF-8; else the bytes, which are encrypted as a
/// `str` as sops does.
fn decode_binary(value: &str, span: &Span) -> Result<Scalar, FormatError> {
    use base64::Engine;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD_ENCODING: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let joined: String = value
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r'))
        .collect();
    let bytes = GO_STD_ENCODING
        .decode(joined)
        .map_err(|_| at(span, "!!binary value contains invalid base64 data"))?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Scalar::Str(text),
        Err(e) => Scalar::Bytes(e.into_bytes()),
    })
}

impl<'s> Builder<'s> {
    /// The text of line `line` (1-based) before column `col` (in characters).
    fn before_column(&self, line: usize, col: usize) -> &'s str {
        let text = self
            .lines
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or("");
        let end = text.char_indices().nth(col).map_or(text.len(), |(i, _)| i);
        &text[..end]
    }

    fn own_line(&self, line: usize, col: usize) -> bool {
        self.before_column(line, col)
            .chars()
            .all(|c| c == ' ' || c == '\t')
    }

    /// The comment follows nothing but dashes on its line (`-`, `- -`: the innermost item's
    /// value starts below).
    fn after_lone_dash(&self, line: usize, col: usize) -> bool {
        let before = self.before_column(line, col);
        let before = before.trim();
        before.starts_with('-')
            && before.chars().all(|c| c == '-' || c == ' ')
            && !before.contains("--")
    }

    /// A comment after `---` on its line is a head comment of the document's first node.
    fn after_document_marker(&self, line: usize, col: usize) -> bool {
        self.before_column(line, col).trim_end() == "---"
    }

    /// The innermost open flow collection that is a mapping's value, within the flow
    /// collections open now: sops makes the end-of-line comments inside it (and the one right
    /// after it) the first items of that collection.
    fn flow_value_frame(&self) -> Option<usize> {
        for i in (0..self.stack.len()).rev() {
            if !self.stack[i].is_flow() {
                return None;
            }
            if i > 0 && matches!(self.stack[i - 1], Frame::Map { key: Some(_), .. }) {
                return Some(i);
            }
        }
        None
    }

    fn head_comment_in(&mut self, frame: usize, text: &str, line: usize) {
        self.stack[frame].items_mut().insert(
            0,
            Item {
                kind: Kind::Comment(comment_of(text)),
                line,
                end_line: line,
            },
        );
    }

    fn next_is_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// Places waiting own-line comments before the node that starts now. `collection` is true
    /// for a mapping/sequence start: as a mapping value or document root, the comments wait
    /// for its first child instead.
    fn flush_head(&mut self, collection: bool) {
        if self.pending.is_empty() {
            return;
        }
        let value_position = matches!(
            self.stack.last(),
            None | Some(Frame::Map { key: Some(_), .. })
        );
        if collection && value_position {
            return;
        }
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        let items = frame.items_mut();
        for p in self.pending.drain(..) {
            items.push(Item {
                kind: Kind::Comment(comment_of(&p.text)),
                line: p.line,
                end_line: p.line,
            });
        }
    }

    /// At the end of a block: comments right after its content and indented deeper than the
    /// next token stay inside it (yaml.v3 foot comments); the rest wait for the next node.
    /// At the end of a block, before the next token (at column `next_col`, `None` at the end
    /// of the document): own-line comments that yaml.v3 makes foot comments of what came
    /// before stay inside the closing block; the rest wait for the next node.
    ///
    /// Observed with sops 3.12.2: blank-line separated blocks indented deeper than the next
    /// token are feet; a block that mixes indents is split when it directly follows the
    /// content, else it all goes to the next token. At the end of the document, a comment
    /// goes to the deepest open block indented no deeper than the comment.
    fn flush_foot(&mut self, next_col: Option<usize>) {
        let split = match next_col {
            Some(tc) => self.foot_split(tc),
            None => {
                let indent = self.stack.last().and_then(Frame::indent).unwrap_or(0);
                let deeper = self
                    .pending
                    .iter()
                    .take_while(|p| p.col > 0 && p.col >= indent)
                    .count();
                if deeper == 0 {
                    self.column_zero_foot()
                } else {
                    deeper
                }
            }
        };
        let split = self.pending[..split]
            .iter()
            .position(|p| p.after_empty_item)
            .unwrap_or(split);
        if split == 0 {
            return;
        }
        let foot: Vec<Pending> = self.pending.drain(..split).collect();
        if let Some(frame) = self.stack.last_mut() {
            let items = frame.items_mut();
            for p in foot {
                items.push(Item {
                    kind: Kind::Comment(comment_of(&p.text)),
                    line: p.line,
                    end_line: p.line,
                });
            }
        }
    }

    /// At the end of the document, sops reads the comment lines at column 0 right below the
    /// last item (no blank line between) as the foot of the closing block when it is an
    /// indentless sequence (`key:` then `- item` at column 0) whose last item is a scalar or
    /// a flow collection, or, in a text that does not end with a line break, a nested block
    /// mapping.
    fn column_zero_foot(&self) -> usize {
        let (items, applies) = match self.stack.last() {
            Some(Frame::List {
                items,
                indent: Some(0),
                last_is_block,
                ..
            }) => (items, !last_is_block),
            Some(Frame::Map {
                items, flow: false, ..
            }) => (items, self.stack.len() > 1 && !self.ends_with_break),
            _ => return 0,
        };
        let Some(last) = items.last() else {
            return 0;
        };
        match self.pending.first() {
            Some(first) if applies && first.col == 0 && first.line == last.end_line + 1 => {
                1 + self
                    .pending
                    .windows(2)
                    .take_while(|w| w[1].col == 0 && w[1].line == w[0].line + 1)
                    .count()
            }
            _ => 0,
        }
    }

    fn foot_split(&self, tc: usize) -> usize {
        let p = &self.pending;
        let mut split = 0;
        let mut i = 0;
        while i < p.len() {
            let mut j = i + 1;
            while j < p.len() && p[j].line == p[j - 1].line + 1 {
                j += 1;
            }
            let deeper = p[i..j].iter().take_while(|c| c.col > tc).count();
            if deeper == j - i {
                split = j;
                i = j;
                continue;
            }
            if i == 0 && !self.blank_line_above(p[0].line) {
                split = deeper;
            }
            break;
        }
        split
    }

    fn blank_line_above(&self, line: usize) -> bool {
        line >= 2
            && self
                .lines
                .get(line - 2)
                .is_some_and(|l| l.trim_matches([' ', '\t', '\r']).is_empty())
    }

    /// Adds a finished node that starts at `line` and `col`; a scalar's text may run on to
    /// `last_line`.
    fn add_node(
        &mut self,
        node: Node,
        line: usize,
        col: usize,
        last_line: usize,
        is_alias: bool,
    ) -> Result<(), FormatError> {
        let end_line = node.end_line(line).max(last_line);
        match self.stack.last_mut() {
            None => {
                self.root = Some((node, line));
            }
            Some(Frame::List {
                items,
                indent,
                last_is_block,
                ..
            }) => {
                *last_is_block = false;
                if indent.is_none() {
                    *indent = Some(dash_column(&self.lines, line, col));
                }
                items.push(Item {
                    kind: Kind::Value {
                        value: node,
                        is_alias,
                    },
                    line,
                    end_line,
                });
            }
            Some(Frame::Map {
                items,
                key,
                seen,
                indent,
                ..
            }) => match key.take() {
                None => {
                    let k = match node {
                        Node::Scalar(Scalar::Str(k)) => k,
                        // sops reads a number, boolean, null or time as a key and refuses it
                        // when it walks the tree; a mapping or list as a key it cannot read.
                        Node::Scalar(_) => {
                            return Err(FormatError::unsupported_value_at(
                                line,
                                col + 1,
                                "non-string key in a mapping (sops supports string keys only)",
                            ));
                        }
                        _ => {
                            return Err(FormatError::at(
                                line,
                                col + 1,
                                "non-string key in a mapping",
                            ));
                        }
                    };
                    if let Some(first) = seen.get(&k) {
                        return Err(FormatError::at(
                            line,
                            col + 1,
                            format!("duplicate mapping key (first defined at line {first})"),
                        ));
                    }
                    seen.insert(k.clone(), line);
                    if indent.is_none() {
                        *indent = Some(col);
                    }
                    *key = Some((k, line, self.merge_key));
                }
                Some((k, key_line, merge)) => {
                    if merge && !is_mergeable(&node) {
                        return Err(FormatError::at(
                            key_line,
                            1,
                            "map merge requires map or sequence of maps as the value",
                        ));
                    }
                    items.push(Item {
                        kind: Kind::Entry {
                            key: k,
                            value: node,
                            value_is_alias: is_alias,
                        },
                        line: key_line,
                        end_line: end_line.max(key_line),
                    });
                }
            },
        }
        Ok(())
    }

    fn finish_document(&mut self) -> Result<Map, FormatError> {
        let root = self.root.take();
        let pending: Vec<Pending> = self.pending.drain(..).collect();
        let right: Vec<Pending> = self.right.drain(..).collect();
        let mut items = match root {
            None => Vec::new(),
            Some((Node::Map(items), _)) => items,
            Some((Node::Scalar(Scalar::Null), _)) => Vec::new(),
            Some((Node::List(_), line)) => {
                return Err(FormatError::at(
                    line,
                    1,
                    "YAML documents that are sequences are not supported",
                ));
            }
            Some((Node::Scalar(_), line)) => {
                return Err(FormatError::at(
                    line,
                    1,
                    "YAML documents that are scalars are not supported",
                ));
            }
        };
        for p in pending {
            items.push(Item {
                kind: Kind::Comment(comment_of(&p.text)),
                line: p.line,
                end_line: p.line,
            });
        }
        for r in right {
            place_right(&mut items, r);
        }
        Ok(into_map(items))
    }
}

/// Puts a same-line comment before the outermost entry or element that starts on its line;
/// it is `inline` when that item's value is a scalar (or an alias).
fn place_right(items: &mut Vec<Item>, r: Pending) {
    if let Err(r) = try_place_right(items, r) {
        // No item starts on that line: keep the comment at the end of the document.
        items.push(Item {
            kind: Kind::Comment(comment_of(&r.text)),
            line: r.line,
            end_line: r.line,
        });
    }
}

fn try_place_right(items: &mut Vec<Item>, r: Pending) -> Result<(), Pending> {
    if let Some(pos) = items
        .iter()
        .position(|i| i.line == r.line && !matches!(i.kind, Kind::Comment(_)))
    {
        let inline = match &items[pos].kind {
            Kind::Entry {
                value,
                value_is_alias,
                ..
            } => *value_is_alias || matches!(value, Node::Scalar(_)),
            Kind::Value { value, is_alias } => *is_alias || matches!(value, Node::Scalar(_)),
            Kind::Comment(_) => false,
        };
        let comment = Comment {
            text: r.text.clone(),
            inline,
        };
        items.insert(
            pos,
            Item {
                kind: Kind::Comment(comment),
                line: r.line,
                end_line: r.line,
            },
        );
        return Ok(());
    }
    let mut r = r;
    let mut inside_scalar = None;
    for (index, item) in items.iter_mut().enumerate() {
        if item.line < r.line && r.line <= item.end_line {
            let child = match &mut item.kind {
                Kind::Entry { value, .. } | Kind::Value { value, .. } => value,
                Kind::Comment(_) => continue,
            };
            match child {
                Node::Map(sub) | Node::List(sub) => match try_place_right(sub, r) {
                    Ok(()) => return Ok(()),
                    Err(back) => r = back,
                },
                // After a later line of a multi-line scalar: above that item, as sops reads it.
                Node::Scalar(_) => inside_scalar = Some(index),
            }
        }
    }
    if let Some(index) = inside_scalar {
        items.insert(
            index,
            Item {
                kind: Kind::Comment(comment_of(&r.text)),
                line: r.line,
                end_line: r.line,
            },
        );
        return Ok(());
    }
    Err(r)
}
