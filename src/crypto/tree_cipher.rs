//! One walk over a tree that encrypts or decrypts every selected leaf and computes the MAC.
//!
//! The walk follows sops exactly: documents are walked one by one with an empty path; the AAD
//! of a value is its mapping keys joined and ended by `:` (list indices are not part of it); a
//! comment uses the path of the mapping or list that holds it; comments are never hashed, nulls
//! are never visited; comments inside lists are stored as `type:comment` list values once
//! encrypted and turn back into comments when decrypted.

use std::fmt;

use super::ValueCipher;
use super::cipher::{CipherError, EncValue, Plain};
use super::mac::MacHasher;
use crate::selection::Rule;
use crate::tree::{Comment, ListItem, Map, MapItem, Scalar, Tree, Value};

/// Whether the walk encrypts or decrypts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Plaintext leaves become `ENC[...]` strings.
    Encrypt,
    /// `ENC[...]` strings become typed leaves again.
    Decrypt,
}

/// A value that could not be encrypted or decrypted, located by its tree path.
#[derive(Debug, thiserror::Error)]
pub struct TreeCipherError {
    /// The tree path of the value, e.g. `["db"]["password"]`, or `document 2` for a comment
    /// at the top of a document.
    pub path: String,
    /// What went wrong.
    pub kind: TreeCipherErrorKind,
}

/// The reason behind a [`TreeCipherError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TreeCipherErrorKind {
    /// The codec or the AEAD refused the value.
    #[error(transparent)]
    Cipher(#[from] CipherError),
    /// A value the rules say is encrypted is not a string.
    #[error("expected an encrypted value (a string), found a {0}")]
    NotAString(&'static str),
    /// A mapping value decrypted to a comment, which only a list may hold.
    #[error("a mapping value decrypted to a comment")]
    CommentInMapping,
}

impl fmt::Display for TreeCipherError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

/// What the walk found, besides the changed tree.
pub struct WalkOutcome {
    /// The MAC over the plaintext, as uppercase hex.
    pub mac: String,
    /// Encrypted comments that could not be decrypted and were kept verbatim (sops keeps them
    /// too, for files written before comments were encrypted): their tree paths.
    pub undecryptable_comments: Vec<String>,
}

/// Encrypts or decrypts `tree` in place and returns its MAC.
pub fn walk_tree(
    tree: &mut Tree,
    cipher: &mut ValueCipher,
    rule: &Rule,
    mac_only_encrypted: bool,
    direction: Direction,
) -> Result<WalkOutcome, TreeCipherError> {
    let pass = match direction {
        Direction::Encrypt => Pass::Encrypt,
        Direction::Decrypt => Pass::Decrypt,
    };
    let mut walker = Walker::new(Some(cipher), rule, mac_only_encrypted, pass);
    for document in &mut tree.documents {
        walker.map(document)?;
    }
    Ok(WalkOutcome {
        mac: walker.mac.finish_hex(),
        undecryptable_comments: walker.undecryptable_comments,
    })
}

/// What an encrypted tree holds in plain text where `rule` says it is encrypted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PlaintextFound {
    /// Tree paths of values that are not `ENC[...]` strings (empty strings and nulls are
    /// left alone by encryption, so they are not counted).
    pub values: Vec<String>,
    /// Tree paths of the mappings or lists holding a non-empty comment that is not `ENC[...]`.
    pub comments: Vec<String>,
}

/// Finds, without any key, the values and comments of an encrypted tree that the rule says are
/// encrypted but that are in plain text: added by hand (values and comments are stored as
/// they are) or, for comments, written by a sops older than comment encryption.
pub fn find_plaintext(tree: &Tree, rule: &Rule) -> PlaintextFound {
    let mut tree = tree.clone();
    let mut walker = Walker::new(None, rule, false, Pass::Inspect);
    for document in &mut tree.documents {
        walker
            .map(document)
            .expect("an inspecting walk never fails");
    }
    PlaintextFound {
        values: walker.plaintext_values,
        comments: walker.undecryptable_comments,
    }
}

/// What one walk does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Encrypt,
    Decrypt,
    /// Only looks for plain text where the rule wants ciphertext; has no cipher.
    Inspect,
}

#[derive(Clone, Copy)]
enum Step<'t> {
    Key(&'t str),
    Index(usize),
}

struct Walker<'t, 'c> {
    /// Present unless the pass is [`Pass::Inspect`].
    cipher: Option<&'c mut ValueCipher>,
    rule: &'c Rule,
    mac_only_encrypted: bool,
    pass: Pass,
    mac: MacHasher,
    /// Mapping keys from the root (what the rules look at).
    keys: Vec<&'t str>,
    /// Keys and list indices from the root (for error messages).
    steps: Vec<Step<'t>>,
    /// One frame per open mapping or list: comment texts since the last real item.
    comments: Vec<Vec<String>>,
    /// `key1:key2:` for the current position.
    aad: String,
    undecryptable_comments: Vec<String>,
    /// Inspecting: paths of values in plain text where the rule wants ciphertext.
    plaintext_values: Vec<String>,
}

/// What happened to a comment or a leaf.
enum LeafResult {
    Keep,
    BecameComment(Comment),
    BecameEncryptedListComment(String),
}

impl<'t, 'c> Walker<'t, 'c> {
    fn new(
        cipher: Option<&'c mut ValueCipher>,
        rule: &'c Rule,
        mac_only_encrypted: bool,
        pass: Pass,
    ) -> Self {
        Walker {
            cipher,
            rule,
            mac_only_encrypted,
            pass,
            mac: MacHasher::new(mac_only_encrypted),
            keys: Vec::new(),
            steps: Vec::new(),
            comments: Vec::new(),
            aad: String::new(),
            undecryptable_comments: Vec::new(),
            plaintext_values: Vec::new(),
        }
    }

    /// The cipher of an encrypting or decrypting pass.
    fn cipher<'a>(cipher: &'a mut Option<&'c mut ValueCipher>) -> &'a mut ValueCipher {
        cipher
            .as_deref_mut()
            .expect("encrypting and decrypting walks have a cipher")
    }

    fn path_text(&self) -> String {
        if self.steps.is_empty() {
            return "the document root".to_string();
        }
        let mut out = String::new();
        for step in &self.steps {
            match step {
                Step::Key(key) => {
                    out.push_str("[\"");
                    out.push_str(key);
                    out.push_str("\"]");
                }
                Step::Index(index) => out.push_str(&format!("[{index}]")),
            }
        }
        out
    }

    fn error(&self, kind: impl Into<TreeCipherErrorKind>) -> TreeCipherError {
        TreeCipherError {
            path: self.path_text(),
            kind: kind.into(),
        }
    }

    /// The AAD for the current position, borrowed from the `aad` field alone so that the
    /// cipher can be borrowed mutably next to it (no copy per value).
    fn aad_of(aad: &str) -> &[u8] {
        if aad.is_empty() { b":" } else { aad.as_bytes() }
    }

    fn clear_frame(&mut self) {
        if let Some(frame) = self.comments.last_mut() {
            frame.clear();
        }
    }

    fn map(&mut self, map: &'t mut Map) -> Result<(), TreeCipherError> {
        self.comments.push(Vec::new());
        for item in map.items.iter_mut() {
            match item {
                MapItem::Comment(comment) => match self.comment(comment, false)? {
                    LeafResult::BecameEncryptedListComment(enc) => {
                        *comment = Comment::new(enc);
                    }
                    LeafResult::BecameComment(plain) => *comment = plain,
                    LeafResult::Keep => {}
                },
                MapItem::Entry { key, value } => {
                    let key: &'t String = key;
                    let aad_len = self.aad.len();
                    self.aad.push_str(key);
                    self.aad.push(':');
                    self.keys.push(key);
                    self.steps.push(Step::Key(key));
                    let result = self.value(value);
                    self.steps.pop();
                    self.keys.pop();
                    self.aad.truncate(aad_len);
                    if let LeafResult::BecameComment(_) = result? {
                        self.steps.push(Step::Key(key));
                        let err = self.error(TreeCipherErrorKind::CommentInMapping);
                        return Err(err);
                    }
                    self.clear_frame();
                }
            }
        }
        self.comments.pop();
        Ok(())
    }

    fn list(&mut self, items: &'t mut [ListItem]) -> Result<(), TreeCipherError> {
        self.comments.push(Vec::new());
        let mut index = 0;
        for item in items.iter_mut() {
            // Comments and scalars may be replaced by another kind of item, so they are handled
            // through a short borrow; containers lend their keys to the path for 't instead.
            let replacement = match &mut *item {
                ListItem::Comment(comment) => self.comment(comment, true)?,
                ListItem::Value(Value::Scalar(scalar)) => {
                    self.steps.push(Step::Index(index));
                    index += 1;
                    let result = self.leaf(scalar);
                    self.steps.pop();
                    self.clear_frame();
                    result?
                }
                ListItem::Value(_) => {
                    self.steps.push(Step::Index(index));
                    index += 1;
                    let result = match item {
                        ListItem::Value(Value::Map(map)) => self.map(map),
                        ListItem::Value(Value::List(inner)) => self.list(inner),
                        _ => unreachable!("scalars and comments are handled above"),
                    };
                    self.steps.pop();
                    self.clear_frame();
                    result?;
                    continue;
                }
            };
            match replacement {
                LeafResult::Keep => {}
                LeafResult::BecameComment(comment) => *item = ListItem::Comment(comment),
                LeafResult::BecameEncryptedListComment(enc) => {
                    *item = ListItem::Value(Value::str(enc));
                }
            }
        }
        self.comments.pop();
        Ok(())
    }

    fn value(&mut self, value: &'t mut Value) -> Result<LeafResult, TreeCipherError> {
        match value {
            Value::Map(map) => self.map(map).map(|_| LeafResult::Keep),
            Value::List(items) => self.list(items).map(|_| LeafResult::Keep),
            Value::Scalar(scalar) => self.leaf(scalar),
        }
    }

    fn comment(
        &mut self,
        comment: &mut Comment,
        in_list: bool,
    ) -> Result<LeafResult, TreeCipherError> {
        // sops rebuilds every comment it walks without its end-of-line flag, encrypted or not,
        // so `key: v # c` always comes back with the comment on its own line.
        comment.inline = false;
        if let Some(frame) = self.comments.last_mut() {
            frame.push(comment.text.clone());
        }
        if !self.rule.should_encrypt(&self.keys, &self.comments, true) {
            return Ok(LeafResult::Keep);
        }
        match self.pass {
            Pass::Inspect => {
                if !comment.text.is_empty() && EncValue::parse(&comment.text).is_err() {
                    self.undecryptable_comments.push(self.path_text());
                }
                Ok(LeafResult::Keep)
            }
            Pass::Encrypt => {
                let aad = Self::aad_of(&self.aad);
                let enc = Self::cipher(&mut self.cipher).encrypt_bytes(
                    comment.text.as_bytes(),
                    aad,
                    "comment",
                );
                if in_list {
                    Ok(LeafResult::BecameEncryptedListComment(enc))
                } else {
                    Ok(LeafResult::BecameComment(Comment::new(enc)))
                }
            }
            Pass::Decrypt => {
                let aad = Self::aad_of(&self.aad);
                match Self::cipher(&mut self.cipher).decrypt(&comment.text, aad) {
                    Ok(Plain::Comment(plain)) => Ok(LeafResult::BecameComment(plain)),
                    // An empty comment encrypts to an empty comment.
                    _ if comment.text.is_empty() => Ok(LeafResult::Keep),
                    _ => {
                        self.undecryptable_comments.push(self.path_text());
                        Ok(LeafResult::Keep)
                    }
                }
            }
        }
    }

    fn leaf(&mut self, scalar: &mut Scalar) -> Result<LeafResult, TreeCipherError> {
        if matches!(scalar, Scalar::Null) {
            return Ok(LeafResult::Keep);
        }
        let encrypted = self.rule.should_encrypt(&self.keys, &self.comments, false);
        let hashed = encrypted || !self.mac_only_encrypted;
        if !encrypted {
            if hashed {
                let bytes = scalar.to_sops_bytes().expect("null was handled above");
                self.mac.update(&bytes);
            }
            return Ok(LeafResult::Keep);
        }
        let aad = Self::aad_of(&self.aad);
        match self.pass {
            Pass::Inspect => {
                let sealed = match scalar {
                    Scalar::Str(text) => text.is_empty() || EncValue::parse(text).is_ok(),
                    _ => false,
                };
                if !sealed {
                    self.plaintext_values.push(self.path_text());
                }
                Ok(LeafResult::Keep)
            }
            Pass::Encrypt => {
                let bytes = zeroize::Zeroizing::new(
                    scalar.to_sops_bytes().expect("null was handled above"),
                );
                self.mac.update(&bytes);
                let kind = ValueCipher::wire_kind(scalar);
                let enc = Self::cipher(&mut self.cipher).encrypt_bytes(&bytes, aad, kind);
                *scalar = Scalar::Str(enc);
                Ok(LeafResult::Keep)
            }
            Pass::Decrypt => {
                let Scalar::Str(text) = scalar else {
                    return Err(self.error(TreeCipherErrorKind::NotAString(scalar.type_name())));
                };
                let plain = Self::cipher(&mut self.cipher).decrypt(text, aad);
                match plain.map_err(|e| self.error(e))? {
                    Plain::Scalar(plain) => {
                        let bytes = zeroize::Zeroizing::new(
                            plain
                                .to_sops_bytes()
                                .expect("decrypted values are never null"),
                        );
                        self.mac.update(&bytes);
                        *scalar = plain;
                        Ok(LeafResult::Keep)
                    }
                    Plain::Comment(comment) => Ok(LeafResult::BecameComment(comment)),
                }
            }
        }
    }
}
