//! Opening an encrypted file: parse it, recover the data key from its master keys, and decrypt
//! it with the MAC check. [`Document::open`] does all three in one call; [`KeyedFile`] is the
//! same path in two steps, for callers that stop after the data key (`updatekeys`, `groups`:
//! the values stay encrypted) or that drop the file's bytes once parsed, before decrypting.
//!
//! A [`Document`] opened [`OpenMode::KeepIvs`] remembers the IV of every value, so that writing
//! it back ([`Document::reencrypt`]) keeps the exact ciphertext of every value that did not
//! change; [`OpenMode::ReadOnly`] skips that bookkeeping for files that are only read.

use crate::crypto::{DataKey, ValueCipher};
use crate::error::{Error, Result};
use crate::formats::{EmitOptions, Format};
use crate::keys::{KeyContext, KeyKind};
use crate::metadata::Metadata;
use crate::sops_file::{Resealed, SopsFile};
use crate::tree::{Timestamp, Tree};

/// Whether an opened file will be written back encrypted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Only read: no IV is remembered (saves a hash per value). Re-encrypting such a document
    /// gives every value a fresh IV.
    ReadOnly,
    /// Read to be written back: every value's IV is remembered, so unchanged values keep their
    /// ciphertext.
    KeepIvs,
}

/// How to open an encrypted file.
#[derive(Clone, Copy)]
pub struct OpenOptions<'a> {
    /// The file's format (binary files are read as their JSON envelope).
    pub format: Format,
    /// How errors and warnings name the file.
    pub name: &'a str,
    /// Key types tried first within each key group (`SOPS_DECRYPTION_ORDER`).
    pub decryption_order: &'a [KeyKind],
    /// Decrypt even when the MAC does not match (`--ignore-mac`); the document remembers it.
    pub ignore_mac: bool,
    /// Read-only or keep IVs for an update.
    pub mode: OpenMode,
    /// Credentials for the master keys, and where key events are reported.
    pub keys: &'a KeyContext,
}

/// An encrypted file whose data key was recovered; its values are still encrypted.
pub struct KeyedFile {
    file: SopsFile,
    key: DataKey,
}

impl KeyedFile {
    /// Parses `bytes` and recovers the data key (`options.ignore_mac` and `options.mode` are
    /// for [`KeyedFile::decrypt`] and not used here).
    pub fn open(bytes: &[u8], options: &OpenOptions<'_>) -> Result<KeyedFile> {
        let file = SopsFile::parse(options.format, bytes, options.name)?;
        KeyedFile::unlock(file, options.keys, options.decryption_order)
    }

    /// Recovers the data key of a parsed file.
    pub fn unlock(file: SopsFile, keys: &KeyContext, order: &[KeyKind]) -> Result<KeyedFile> {
        let key = file.data_key(keys, order)?;
        Ok(KeyedFile { file, key })
    }

    /// The file, values encrypted.
    pub fn file(&self) -> &SopsFile {
        &self.file
    }

    /// Decrypts the values and checks the MAC (unless `ignore_mac`).
    pub fn decrypt(self, ignore_mac: bool, mode: OpenMode) -> Result<Document> {
        let KeyedFile { mut file, key } = self;
        let cipher = match mode {
            OpenMode::ReadOnly => ValueCipher::new(&key).without_iv_stash(),
            OpenMode::KeepIvs => ValueCipher::new(&key),
        };
        let cipher = file.decrypt_with(cipher, ignore_mac)?;
        Ok(Document { file, cipher })
    }

    pub(crate) fn into_parts(self) -> (SopsFile, DataKey) {
        (self.file, self.key)
    }
}

/// A decrypted file: the plaintext tree, the file's metadata, and the cipher that decrypted it.
pub struct Document {
    file: SopsFile,
    cipher: ValueCipher,
}

impl Document {
    /// Parses `bytes`, recovers the data key and decrypts.
    pub fn open(bytes: &[u8], options: &OpenOptions<'_>) -> Result<Document> {
        KeyedFile::open(bytes, options)?.decrypt(options.ignore_mac, options.mode)
    }

    /// The plaintext tree (without the `sops` entry).
    pub fn tree(&self) -> &Tree {
        &self.file.tree
    }

    /// The plaintext tree, to change before [`Document::reencrypt`].
    pub fn tree_mut(&mut self) -> &mut Tree {
        &mut self.file.tree
    }

    /// Replaces the tree with one that does not come from decrypting this file (the new
    /// plaintext of `encrypt --reuse-from`): a MAC mismatch ignored while decrypting concerned
    /// values that are gone, so the re-encryption does not report it.
    pub fn replace_tree(&mut self, tree: Tree) {
        self.file.replace_tree(tree);
    }

    /// The file's metadata.
    pub fn metadata(&self) -> &Metadata {
        &self.file.metadata
    }

    /// How errors name the file.
    pub fn name(&self) -> &str {
        self.file.name()
    }

    /// Tree paths of comments found in plain text where the file's rules say comments are
    /// encrypted (see [`SopsFile::plaintext_comments`]).
    pub fn plaintext_comments(&self) -> &[String] {
        self.file.plaintext_comments()
    }

    /// Why the MAC did not verify, when the file was opened with `ignore_mac`.
    pub fn ignored_mac_mismatch(&self) -> Option<&'static str> {
        self.file.ignored_mac_mismatch()
    }

    /// The plaintext in `format`.
    pub fn emit_plaintext(&self, format: Format, options: &EmitOptions) -> Result<Vec<u8>> {
        format
            .emit(&self.file.tree, options)
            .map_err(|source| Error::Emit { format, source })
    }

    /// Encrypts the (changed) tree again under the same data key; `now` becomes `lastmodified`.
    /// Opened [`OpenMode::KeepIvs`], unchanged values keep their exact ciphertext. The
    /// [`Resealed`] says when the new MAC covers a mismatch that `ignore_mac` let through.
    pub fn reencrypt(self, now: Timestamp) -> Result<(SopsFile, Resealed)> {
        let Document {
            mut file,
            mut cipher,
        } = self;
        let resealed = file.reencrypt(&mut cipher, now)?;
        Ok((file, resealed))
    }

    /// The parts, for the changes in [`crate::rekey`] and [`crate::edit_session`].
    pub(crate) fn into_parts(self) -> (SopsFile, ValueCipher) {
        (self.file, self.cipher)
    }

    pub(crate) fn file_mut(&mut self) -> &mut SopsFile {
        &mut self.file
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::EncryptPlan;
    use crate::keys::AgeKey;
    use crate::keys::MasterKey;

    /// A file encrypted for a fresh age identity, and the context that holds the identity.
    pub(crate) fn sample(text: &str) -> (Vec<u8>, KeyContext) {
        let identity = ::age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        use ::age::secrecy::ExposeSecret;
        let mut age = crate::keys::AgeIdentitySources::default();
        age.inline_keys = Some(zeroize::Zeroizing::new(
            identity.to_string().expose_secret().to_string(),
        ));
        let keys = KeyContext {
            age,
            ..Default::default()
        };
        let tree = Format::Yaml.parse(text.as_bytes()).unwrap();
        let key: Box<dyn MasterKey> = Box::new(AgeKey::new(&recipient).unwrap());
        let plan = EncryptPlan {
            key_groups: vec![vec![key]],
            shamir_threshold: 0,
            rule: None,
            mac_only_encrypted: false,
        };
        let file = SopsFile::encrypt(tree, plan, &keys, at(1), "sample.yaml").unwrap();
        let bytes = file.emit(Format::Yaml, &EmitOptions::default()).unwrap();
        (bytes, keys)
    }

    pub(crate) fn at(seconds: i64) -> Timestamp {
        Timestamp::parse_rfc3339(&format!("2026-01-01T00:00:{seconds:02}Z")).unwrap()
    }

    pub(crate) fn options(keys: &KeyContext, mode: OpenMode) -> OpenOptions<'_> {
        OpenOptions {
            format: Format::Yaml,
            name: "sample.yaml",
            decryption_order: &crate::sops_file::DEFAULT_DECRYPTION_ORDER,
            ignore_mac: false,
            mode,
            keys,
        }
    }

    fn leaf(bytes: &[u8], key: &str) -> String {
        let tree = Format::Yaml.parse(bytes).unwrap();
        match tree.documents[0].get(key) {
            Some(crate::tree::Value::Scalar(crate::tree::Scalar::Str(s))) => s.clone(),
            other => panic!("{key} is {other:?}"),
        }
    }

    #[test]
    fn opens_and_emits_the_plaintext() {
        let (bytes, keys) = sample("a: one\nb: two\n");
        let document = Document::open(&bytes, &options(&keys, OpenMode::ReadOnly)).unwrap();
        let text = document
            .emit_plaintext(Format::Yaml, &EmitOptions::default())
            .unwrap();
        assert_eq!(text, b"a: one\nb: two\n");
        assert_eq!(document.name(), "sample.yaml");
    }

    #[test]
    fn keep_ivs_keeps_every_ciphertext_and_read_only_does_not() {
        let (bytes, keys) = sample("a: one\nb: two\n");
        let kept = Document::open(&bytes, &options(&keys, OpenMode::KeepIvs)).unwrap();
        let (file, _) = kept.reencrypt(at(2)).unwrap();
        let again = file.emit(Format::Yaml, &EmitOptions::default()).unwrap();
        assert_eq!(leaf(&again, "a"), leaf(&bytes, "a"));
        assert_eq!(leaf(&again, "b"), leaf(&bytes, "b"));

        let read = Document::open(&bytes, &options(&keys, OpenMode::ReadOnly)).unwrap();
        let (file, _) = read.reencrypt(at(2)).unwrap();
        let fresh = file.emit(Format::Yaml, &EmitOptions::default()).unwrap();
        assert_ne!(leaf(&fresh, "a"), leaf(&bytes, "a"));
        let back = Document::open(&fresh, &options(&keys, OpenMode::ReadOnly)).unwrap();
        assert_eq!(
            back.tree(),
            &Format::Yaml.parse(b"a: one\nb: two\n").unwrap()
        );
    }

    #[test]
    fn a_changed_value_fails_the_mac_unless_ignored() {
        let (bytes, keys) = sample("a: one\nb: two\n");
        let mut tampered = Format::Yaml.parse(&bytes).unwrap();
        let b = leaf(&bytes, "b");
        let map = &mut tampered.documents[0];
        for item in &mut map.items {
            if let crate::tree::MapItem::Entry { key, value } = item
                && key == "a"
            {
                *value = crate::tree::Value::str(&b);
            }
        }
        let tampered = Format::Yaml
            .emit(&tampered, &EmitOptions::default())
            .unwrap();
        let error = Document::open(&tampered, &options(&keys, OpenMode::ReadOnly))
            .err()
            .expect("a moved value does not decrypt under another path");
        assert!(error.to_string().starts_with("sample.yaml: "), "{error}");

        let mut ignoring = options(&keys, OpenMode::ReadOnly);
        ignoring.ignore_mac = true;
        let mut no_mac = Format::Yaml.parse(&bytes).unwrap();
        let Some(crate::tree::Value::Map(sops)) = no_mac.documents[0].get_mut("sops") else {
            panic!("metadata is a mapping");
        };
        for item in &mut sops.items {
            if let crate::tree::MapItem::Entry { key, value } = item
                && key == "mac"
            {
                *value = crate::tree::Value::str("");
            }
        }
        let no_mac = Format::Yaml.emit(&no_mac, &EmitOptions::default()).unwrap();
        assert!(matches!(
            Document::open(&no_mac, &options(&keys, OpenMode::ReadOnly)),
            Err(Error::MacMismatch { .. })
        ));
        let document = Document::open(&no_mac, &ignoring).unwrap();
        assert_eq!(document.ignored_mac_mismatch(), Some("the file has no MAC"));
    }

    #[test]
    fn keyed_file_leaves_values_encrypted() {
        let (bytes, keys) = sample("a: one\n");
        let keyed = KeyedFile::open(&bytes, &options(&keys, OpenMode::ReadOnly)).unwrap();
        assert!(leaf(&bytes, "a").starts_with("ENC["));
        let (file, _) = keyed.into_parts();
        let again = file.emit(Format::Yaml, &EmitOptions::default()).unwrap();
        assert_eq!(again, bytes);
    }
}
