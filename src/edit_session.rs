//! Editing a file as plaintext text: the text an editor shows (with the `sops` metadata too for
//! `edit -s`), the check of what comes back, and the new encrypted file. An existing file keeps
//! its data key, and every value the user did not change keeps its exact ciphertext; a new file
//! is encrypted under a fresh key. The editor, the temporary file and the prompts are the
//! caller's.

use zeroize::Zeroizing;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::formats::{EmitOptions, Format};
use crate::keys::KeyContext;
use crate::metadata::{FORMAT_VERSION, wire};
use crate::sops_file::{EncryptPlan, Resealed, SopsFile, with_metadata};
use crate::tree::{Timestamp, Tree};

/// Why an edited text cannot be taken; the message is for the user, who may fix the text and
/// try again. Never holds a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct EditRejected(String);

enum Origin {
    Existing {
        document: Box<Document>,
        show_metadata: bool,
    },
    New {
        plan: EncryptPlan,
        name: String,
    },
}

/// One edit of one file, from the text shown to the new encrypted file.
pub struct EditSession {
    origin: Origin,
    format: Format,
}

impl EditSession {
    /// Edits an opened file (open it [`crate::document::OpenMode::KeepIvs`] so unchanged values
    /// keep their ciphertext) as `format` text; `show_metadata` adds the `sops` entry (`-s`),
    /// which the user may not change.
    pub fn existing(document: Document, format: Format, show_metadata: bool) -> EditSession {
        EditSession {
            origin: Origin::Existing {
                document: Box::new(document),
                show_metadata,
            },
            format,
        }
    }

    /// Edits a file that does not exist yet, starting from `format`'s example document; `name`
    /// names it in errors. The plan's key groups are checked now, before anyone edits.
    pub fn new_file(plan: EncryptPlan, name: &str, format: Format) -> Result<EditSession> {
        plan.check_key_groups()?;
        Ok(EditSession {
            origin: Origin::New {
                plan,
                name: name.to_string(),
            },
            format,
        })
    }

    /// The text to edit.
    pub fn text(&self, options: &EmitOptions) -> Result<Zeroizing<Vec<u8>>> {
        let format = self.format;
        let emitted = match &self.origin {
            Origin::Existing {
                document,
                show_metadata: true,
            } => format.emit(
                &with_metadata(document.tree().clone(), document.metadata(), format),
                options,
            ),
            Origin::Existing { document, .. } => format.emit(document.tree(), options),
            Origin::New { .. } => format.emit(&format.example(), options),
        };
        emitted
            .map(Zeroizing::new)
            .map_err(|source| Error::Emit { format, source })
    }

    /// Parses an edited text into the tree to encrypt. It must hold a document, and the `sops`
    /// entry must be there unchanged when it was shown and absent when it was not. "Unchanged"
    /// means it reads back as the same metadata: the editor's format may write numbers or
    /// timestamps differently.
    pub fn check(&self, edited: &[u8]) -> std::result::Result<Tree, EditRejected> {
        let format = self.format;
        let mut tree = format
            .parse(edited)
            .map_err(|e| EditRejected(format!("invalid {format}: {e}")))?;
        if tree.documents.is_empty() {
            return Err(EditRejected(
                "the file has no document left to encrypt".into(),
            ));
        }
        let found =
            wire::take_metadata(&mut tree.documents).map_err(|e| EditRejected(e.to_string()))?;
        let shown = match &self.origin {
            Origin::Existing {
                document,
                show_metadata: true,
            } => Some(document.metadata()),
            _ => None,
        };
        match (found, shown) {
            (None, None) => Ok(tree),
            (Some(_), None) => Err(EditRejected(
                "the file must not have a top-level sops key".into(),
            )),
            (Some(edited), Some(original)) if same_metadata(&edited, original, format) => Ok(tree),
            _ => Err(EditRejected(
                "the sops metadata cannot be changed in the editor; use rotate, updatekeys or \
                 groups"
                    .into(),
            )),
        }
    }

    /// Encrypts the checked tree: an existing file under its own data key (unchanged values
    /// keep their ciphertext; `version` is raised to this build's when older, as sops does), a
    /// new file under a fresh one wrapped with `keys`. `now` becomes `lastmodified`.
    pub fn apply(
        self,
        edited: Tree,
        keys: &KeyContext,
        now: Timestamp,
    ) -> Result<(SopsFile, Resealed)> {
        match self.origin {
            Origin::Existing { mut document, .. } => {
                *document.tree_mut() = edited;
                let file = document.file_mut();
                if is_older(&file.metadata.version, FORMAT_VERSION) {
                    file.metadata.version = FORMAT_VERSION.to_string();
                }
                document.reencrypt(now)
            }
            Origin::New { plan, name } => {
                let file = SopsFile::encrypt(edited, plan, keys, now, &name)?;
                let resealed = Resealed {
                    replaced_mismatched_mac: None,
                };
                Ok((file, resealed))
            }
        }
    }
}

/// Whether the `sops` entry that came back from the editor means the same as `original`: it
/// reads as the same metadata, as sops would read it. Field order, comments and fields sops does
/// not know are not meaning (sops ignores them too); flat formats and TOML change the first two
/// on their own, and scalars come back as strings there.
fn same_metadata(
    edited: &crate::tree::Value,
    original: &crate::metadata::Metadata,
    format: Format,
) -> bool {
    wire::from_value(edited)
        .is_ok_and(|read| wire::to_value(&read, format) == wire::to_value(original, format))
}

/// sops bumps `version` after an edit only when the file's is older than its own.
fn is_older(version: &str, than: &str) -> bool {
    let parse = |v: &str| -> Option<Vec<u64>> {
        let core = v.trim_start_matches('v').split(['-', '+']).next()?;
        core.split('.').map(|part| part.parse().ok()).collect()
    };
    if version.starts_with("1.") {
        return true;
    }
    matches!((parse(version), parse(than)), (Some(a), Some(b)) if a < b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::OpenMode;
    use crate::document::tests::{at, options, sample};
    use crate::tree::{Scalar, Value};

    fn leaf(bytes: &[u8], key: &str) -> String {
        match Format::Yaml.parse(bytes).unwrap().documents[0].get(key) {
            Some(Value::Scalar(Scalar::Str(s))) => s.clone(),
            other => panic!("{key} is {other:?}"),
        }
    }

    fn session(text: &str, show_metadata: bool) -> (EditSession, Vec<u8>, KeyContext) {
        let (bytes, keys) = sample(text);
        let document = Document::open(&bytes, &options(&keys, OpenMode::KeepIvs)).unwrap();
        let session = EditSession::existing(document, Format::Yaml, show_metadata);
        (session, bytes, keys)
    }

    #[test]
    fn version_comparison() {
        assert!(is_older("3.7.1", "3.12.2"));
        assert!(is_older("1.13", "3.12.2"));
        assert!(!is_older("3.13.2", "3.12.2"));
        assert!(!is_older("3.12.2", "3.12.2"));
        assert!(!is_older("garbage", "3.12.2"));
    }

    #[test]
    fn unchanged_values_keep_their_ciphertext_and_a_changed_one_gets_a_new_one() {
        let (session, before, keys) = session("a: one\nb: two\n", false);
        let text = session.text(&EmitOptions::default()).unwrap();
        assert_eq!(&text[..], b"a: one\nb: two\n");
        let edited = session.check(b"a: one\nb: changed\n").unwrap();
        let (file, _) = session.apply(edited, &keys, at(5)).unwrap();
        let after = file.emit(Format::Yaml, &EmitOptions::default()).unwrap();
        assert_eq!(leaf(&after, "a"), leaf(&before, "a"));
        assert_ne!(leaf(&after, "b"), leaf(&before, "b"));
        let reopened = Document::open(&after, &options(&keys, OpenMode::ReadOnly)).unwrap();
        let plain = reopened
            .emit_plaintext(Format::Yaml, &EmitOptions::default())
            .unwrap();
        assert_eq!(plain, b"a: one\nb: changed\n");
        assert_eq!(reopened.metadata().last_modified, at(5));
    }

    #[test]
    fn an_older_version_is_raised_and_a_newer_one_kept() {
        for (stored, written) in [("3.7.1", FORMAT_VERSION), ("9.0.0", "9.0.0")] {
            let (bytes, keys) = sample("a: one\n");
            let text = String::from_utf8(bytes).unwrap().replace(
                &format!("version: {FORMAT_VERSION}"),
                &format!("version: {stored}"),
            );
            let document =
                Document::open(text.as_bytes(), &options(&keys, OpenMode::KeepIvs)).unwrap();
            assert_eq!(document.metadata().version, stored);
            let session = EditSession::existing(document, Format::Yaml, false);
            let edited = session.check(b"a: two\n").unwrap();
            let (file, _) = session.apply(edited, &keys, at(3)).unwrap();
            assert_eq!(file.metadata.version, written, "stored {stored}");
        }
    }

    #[test]
    fn shown_metadata_must_come_back_unchanged() {
        let (session, _, _) = session("a: one\n", true);
        let text = session.text(&EmitOptions::default()).unwrap();
        let text = String::from_utf8(text.to_vec()).unwrap();
        assert!(text.starts_with("a: one\nsops:\n"), "{text}");
        let edited = text.replace("a: one", "a: two");
        let tree = session.check(edited.as_bytes()).unwrap();
        assert_eq!(tree, Format::Yaml.parse(b"a: two\n").unwrap());
        let changed = text.replace("version: ", "version: 1");
        assert!(
            session
                .check(changed.as_bytes())
                .unwrap_err()
                .to_string()
                .starts_with("the sops metadata cannot be changed")
        );
        assert!(
            session.check(b"a: two\n").is_err(),
            "the metadata was removed"
        );
    }

    #[test]
    fn shown_metadata_comes_back_unchanged_through_every_format() {
        for (format, plain) in [
            (Format::Json, "a: one\n"),
            (Format::Dotenv, "a: one\n"),
            (Format::Ini, "s:\n    a: one\n"),
            (Format::Toml, "a: one\n"),
        ] {
            let (bytes, keys) = sample(plain);
            let document = Document::open(&bytes, &options(&keys, OpenMode::KeepIvs)).unwrap();
            let session = EditSession::existing(document, format, true);
            let text = session.text(&EmitOptions::default()).unwrap();
            let text = String::from_utf8(text.to_vec()).unwrap();
            assert!(text.contains("one"), "{format}: {text}");
            let edited = text.replacen("one", "two", 1);
            let tree = session
                .check(edited.as_bytes())
                .unwrap_or_else(|e| panic!("{format}: {e}\n{edited}"));
            let back = format.emit(&tree, &EmitOptions::default()).unwrap();
            let back = String::from_utf8(back).unwrap();
            assert!(
                back.contains("two") && !back.contains("one"),
                "{format}: {back}"
            );
            assert!(
                !back.contains("sops"),
                "{format}: the metadata is taken out: {back}"
            );
            let changed = edited.replace("3.12.2", "3.12.3");
            assert!(
                session.check(changed.as_bytes()).is_err(),
                "{format}: {changed}"
            );
        }
    }

    #[test]
    fn hidden_metadata_may_not_be_added_and_a_document_is_needed() {
        let (session, _, _) = session("a: one\n", false);
        assert_eq!(
            session.check(b"a: 1\nsops: {}\n").unwrap_err().to_string(),
            "the file must not have a top-level sops key"
        );
        assert_eq!(
            session.check(b"").unwrap_err().to_string(),
            "the file has no document left to encrypt"
        );
    }
}
