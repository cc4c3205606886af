//! The format-neutral document tree: the narrow waist of sops-rs.
//!
//! Every file format parses into a [`Tree`] and emits from one; encryption, the MAC, selection
//! rules and tree paths work only on this type. It keeps what sops keeps: key order, comments as
//! items (in mappings and in sequences), typed scalars and several documents per file. It does not
//! know about formats, keys or crypto.

pub mod number;
pub mod path;
pub mod timestamp;

pub use timestamp::Timestamp;

/// A whole file: one mapping per document (YAML files may hold several; every other format one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    /// The documents in file order.
    pub documents: Vec<Map>,
}

/// An ordered mapping whose items are entries or comment lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    /// Items in file order.
    pub items: Vec<MapItem>,
}

/// One item of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub enum MapItem {
    /// A key and its value.
    Entry {
        /// The mapping key (sops only supports string keys).
        key: String,
        /// The value.
        value: Value,
    },
    /// A comment line that belongs to this mapping.
    Comment(Comment),
}

/// One element of a sequence: a value or a comment (sops keeps comments inside YAML lists).
#[derive(Clone, Debug, PartialEq)]
pub enum ListItem {
    /// A value.
    Value(Value),
    /// A comment line.
    Comment(Comment),
}

/// A comment. `text` is the comment without its leading `#` (a leading space is kept, as sops
/// does). `inline` marks a comment that stood at the end of a line (`key: v # c`).
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// The comment text without the `#` marker.
    pub text: String,
    /// Whether the comment followed a value on the same line.
    pub inline: bool,
}

impl Comment {
    /// A comment on a line of its own.
    pub fn new(text: impl Into<String>) -> Self {
        Comment {
            text: text.into(),
            inline: false,
        }
    }
}

/// A value: a scalar leaf, a nested mapping or a sequence.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A leaf.
    Scalar(Scalar),
    /// A nested mapping.
    Map(Map),
    /// A sequence.
    List(Vec<ListItem>),
}

/// A typed leaf, with the types sops's value codec knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// `null` / `~` / an empty YAML value. Never encrypted, never in the MAC.
    Null,
    /// A boolean.
    Bool(bool),
    /// A signed 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A UTF-8 string.
    Str(String),
    /// A timestamp (YAML unquoted dates and times).
    Time(Timestamp),
    /// Raw bytes (sops decodes `type:bytes` but never writes it).
    Bytes(Vec<u8>),
}

impl Scalar {
    /// The short type name used in `ENC[...,type:T]` and in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "bool",
            Scalar::Int(_) => "int",
            Scalar::Float(_) => "float",
            Scalar::Str(_) => "str",
            Scalar::Time(_) => "time",
            Scalar::Bytes(_) => "bytes",
        }
    }

    /// The bytes sops encrypts and feeds to the MAC for this value (Go `sops.ToBytes`).
    /// `None` for null, which is neither encrypted nor hashed.
    pub fn to_sops_bytes(&self) -> Option<Vec<u8>> {
        Some(match self {
            Scalar::Null => return None,
            Scalar::Bool(true) => b"True".to_vec(),
            Scalar::Bool(false) => b"False".to_vec(),
            Scalar::Int(i) => i.to_string().into_bytes(),
            Scalar::Float(f) => number::format_f(*f).into_bytes(),
            Scalar::Str(s) => s.as_bytes().to_vec(),
            Scalar::Time(t) => t.to_rfc3339_nano().into_bytes(),
            Scalar::Bytes(b) => b.clone(),
        })
    }
}

impl Scalar {
    /// The text sops's `ValToString` gives a value in flat outputs (dotenv, INI, `exec-env`):
    /// strings as they are, floats with Go's `'G'` format and a `.0` added when it has neither a
    /// point nor an exponent, times as RFC 3339 without fractions.
    pub fn to_flat_string(&self) -> String {
        match self {
            Scalar::Null => String::new(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => {
                let mut text = number::format_g(*f);
                if f.is_finite() {
                    text = text.replace('e', "E");
                }
                if !text.contains(['.', 'E']) {
                    text.push_str(".0");
                }
                text
            }
            Scalar::Str(s) => s.clone(),
            Scalar::Time(t) => t.to_rfc3339(),
            Scalar::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        }
    }
}

impl Value {
    /// A string leaf.
    pub fn str(s: impl Into<String>) -> Self {
        Value::Scalar(Scalar::Str(s.into()))
    }
}

impl Map {
    /// The value of the first entry with this key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.items.iter().find_map(|item| match item {
            MapItem::Entry { key: k, value } if k == key => Some(value),
            _ => None,
        })
    }

    /// The value of the first entry with this key, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.items.iter_mut().find_map(|item| match item {
            MapItem::Entry { key: k, value } if k == key => Some(value),
            _ => None,
        })
    }

    /// Appends an entry.
    pub fn push(&mut self, key: impl Into<String>, value: Value) {
        self.items.push(MapItem::Entry {
            key: key.into(),
            value,
        });
    }

    /// Removes every entry with this key and returns the values in order.
    pub fn remove_all(&mut self, key: &str) -> Vec<Value> {
        let mut removed = Vec::new();
        let mut kept = Vec::with_capacity(self.items.len());
        for item in self.items.drain(..) {
            match item {
                MapItem::Entry { key: k, value } if k == key => removed.push(value),
                other => kept.push(other),
            }
        }
        self.items = kept;
        removed
    }

    /// Iterates over the entries, skipping comments.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.items.iter().filter_map(|item| match item {
            MapItem::Entry { key, value } => Some((key.as_str(), value)),
            MapItem::Comment(_) => None,
        })
    }
}
