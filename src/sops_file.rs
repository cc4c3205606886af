//! A sops file in memory: its tree and its metadata, and the operations that join the layers:
//! load an encrypted file, encrypt a plaintext tree for a set of key groups, recover the data
//! key from the master keys, decrypt with the MAC check, and write the file back.
//!
//! Commands do not drive these steps one by one: [`crate::document`] opens a file (parse,
//! unwrap, decrypt) in one call, and [`crate::edit_session`] and [`crate::rekey`] change it.

use std::fmt::Write as _;

use zeroize::Zeroizing;

use crate::crypto::mac::{decrypt_mac, encrypt_mac};
use crate::crypto::tree_cipher::{Direction, PlaintextFound, find_plaintext, walk_tree};
use crate::crypto::{DataKey, ValueCipher, shamir};
use crate::error::{Error, Result};
use crate::formats::{EmitOptions, Format, FormatError};
use crate::keys::attempt::Unwrapped;
use crate::keys::{
    KeyContext, KeyError, KeyEvent, KeyGroup, KeyKind, KeySlot, MasterKey, run_state,
};
use crate::metadata::{FORMAT_VERSION, Metadata, wire};
use crate::selection::Rule;
use crate::tree::{Timestamp, Tree};

/// What a new file is encrypted with.
pub struct EncryptPlan {
    /// Master keys per group; several groups split the data key with Shamir.
    pub key_groups: Vec<Vec<Box<dyn MasterKey>>>,
    /// Groups needed to decrypt (0: all of them).
    pub shamir_threshold: usize,
    /// Which leaves are encrypted; `None` stores no rule (binary files) and uses the default.
    pub rule: Option<Rule>,
    /// Whether only encrypted leaves go into the MAC.
    pub mac_only_encrypted: bool,
}

impl EncryptPlan {
    /// Checks the key groups before any data key is made: there must be one, and none may be
    /// empty (sops's "empty key group provided", for `key_groups: []`, `[{}]` or a creation
    /// rule without keys).
    pub fn check_key_groups(&self) -> Result<()> {
        check_key_groups(&self.key_groups)
    }
}

fn check_key_groups(groups: &[Vec<Box<dyn MasterKey>>]) -> Result<()> {
    if groups.is_empty() {
        return Err(Error::NoMasterKeys);
    }
    if groups.iter().any(Vec::is_empty) {
        return Err(Error::KeyGeneration(vec![
            "empty key group provided".to_string(),
        ]));
    }
    Ok(())
}

/// The order key types are tried in when decrypting (`SOPS_DECRYPTION_ORDER`), by default
/// age then pgp, then the rest in group order.
pub const DEFAULT_DECRYPTION_ORDER: [KeyKind; 2] = [KeyKind::Age, KeyKind::Pgp];

/// A sops file in memory: its tree (`ENC[...]` strings; inside a [`crate::Document`], plaintext)
/// and, separately, its metadata.
pub struct SopsFile {
    /// The tree without the `sops` entry.
    pub tree: Tree,
    /// The metadata.
    pub metadata: Metadata,
    /// How errors name the file.
    name: String,
    /// What the last decryption found that the user should hear about.
    findings: DecryptFindings,
}

/// What a decryption noticed without failing.
#[derive(Clone, Debug, Default)]
struct DecryptFindings {
    /// Tree paths of comments that are plain text where the rules say comments are encrypted.
    plaintext_comments: Vec<String>,
    /// Why the MAC did not verify, when the caller chose to ignore the MAC.
    ignored_mac_mismatch: Option<&'static str>,
}

/// What a re-encryption ([`crate::Document::reencrypt`]) did that the user has to be told.
#[must_use = "a MAC mismatch that --ignore-mac let through is now covered by a valid MAC: \
              show Resealed::warning"]
#[derive(Debug)]
pub struct Resealed {
    /// Why the old MAC did not verify, when the decryption ignored it: the new MAC now vouches
    /// for values nobody vouched for.
    pub replaced_mismatched_mac: Option<&'static str>,
}

impl Resealed {
    /// The one-line warning for `file`, when the MAC that was replaced did not match.
    pub fn warning(&self, file: &str) -> Option<String> {
        self.replaced_mismatched_mac.map(|detail| {
            format!(
                "{file}: the MAC did not match ({detail}) and --ignore-mac went on; the new MAC \
                 now covers the changed values, so the change can no longer be detected"
            )
        })
    }
}

/// Whether parsed plaintext already carries sops metadata (`filestatus`, `encrypt` refusal).
pub fn has_metadata(tree: &Tree) -> bool {
    tree.documents
        .first()
        .is_some_and(|doc| doc.get(crate::SOPS_KEY).is_some())
}

/// A parse failure of `file`: a value sops cannot hold, else a syntax error of a plaintext or
/// (`encrypted`) of a file to decrypt, which sops reports with different exit codes.
fn parse_failure(file: &str, format: Format, source: FormatError, encrypted: bool) -> Error {
    let file = file.to_string();
    match (source.unsupported_value, encrypted) {
        (true, _) => Error::UnsupportedValue { file, source },
        (false, true) => Error::ParseEncrypted {
            file,
            format,
            source,
        },
        (false, false) => Error::Parse {
            file,
            format,
            source,
        },
    }
}

/// Parses a plaintext to encrypt, refusing what sops refuses: YAML text that holds no document
/// at all (only comments or blank lines) is a syntax error, while an empty file parses to no
/// document ([`Error::NoDocuments`] when encrypted).
pub fn parse_plaintext(format: Format, input: &[u8], file: &str) -> Result<Tree> {
    let tree = format
        .parse(input)
        .map_err(|source| parse_failure(file, format, source, false))?;
    if format == Format::Yaml && tree.documents.is_empty() && !input.is_empty() {
        let source = FormatError::new("no YAML document (only comments or blank lines)");
        return Err(parse_failure(file, format, source, false));
    }
    Ok(tree)
}

impl SopsFile {
    /// Parses an encrypted file. `file` names it in errors, here and in every later step.
    pub fn parse(format: Format, input: &[u8], file: &str) -> Result<SopsFile> {
        let format = format.encrypted_store();
        let mut tree = format
            .parse(input)
            .map_err(|source| parse_failure(file, format, source, true))?;
        let metadata_error = |source| Error::Metadata {
            file: file.to_string(),
            source,
        };
        let value = wire::take_metadata(&mut tree.documents)
            .map_err(metadata_error)?
            .ok_or_else(|| Error::MetadataNotFound {
                file: file.to_string(),
            })?;
        let metadata = wire::from_value(&value).map_err(metadata_error)?;
        Ok(SopsFile {
            tree,
            metadata,
            name: file.to_string(),
            findings: DecryptFindings::default(),
        })
    }

    /// Encrypts a plaintext tree under a fresh data key; `file` names it in errors.
    pub fn encrypt(
        mut tree: Tree,
        plan: EncryptPlan,
        ctx: &KeyContext,
        now: Timestamp,
        file: &str,
    ) -> Result<SopsFile> {
        if tree.documents.is_empty() {
            return Err(Error::NoDocuments {
                file: file.to_string(),
            });
        }
        if has_metadata(&tree) {
            return Err(Error::AlreadyEncrypted {
                file: file.to_string(),
            });
        }
        plan.check_key_groups()?;
        let data_key = DataKey::generate();
        let key_groups =
            wrap_for_groups(&data_key, plan.key_groups, plan.shamir_threshold, ctx, now)?;
        let mut metadata = Metadata {
            // sops records a threshold it was given even for a single key group.
            shamir_threshold: plan.shamir_threshold,
            key_groups,
            last_modified: now,
            mac: String::new(),
            rule: plan.rule,
            mac_only_encrypted: plan.mac_only_encrypted,
            version: FORMAT_VERSION.to_string(),
        };
        if metadata.key_groups.len() > 1 && metadata.shamir_threshold == 0 {
            metadata.shamir_threshold = metadata.key_groups.len();
        }
        let mut cipher = ValueCipher::new(&data_key);
        let rule = metadata.effective_rule();
        let mut sops_file = SopsFile {
            tree: Tree::default(),
            metadata,
            name: file.to_string(),
            findings: DecryptFindings::default(),
        };
        let outcome = walk_tree(
            &mut tree,
            &mut cipher,
            &rule,
            sops_file.metadata.mac_only_encrypted,
            Direction::Encrypt,
        )
        .map_err(|source| Error::Value {
            file: file.to_string(),
            source,
        })?;
        sops_file.metadata.mac = encrypt_mac(&mut cipher, &outcome.mac, &now);
        sops_file.tree = tree;
        Ok(sops_file)
    }

    /// The name errors give the file.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn named(&self) -> String {
        self.name.clone()
    }

    /// Recovers the data key, trying key types in `order` first within each group.
    pub(crate) fn data_key(&self, ctx: &KeyContext, order: &[KeyKind]) -> Result<DataKey> {
        let mut report = String::new();
        let mut shares: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        let groups = &self.metadata.key_groups;
        for (index, group) in groups.iter().enumerate() {
            let mut slots: Vec<&KeySlot> = group.iter().collect();
            slots.sort_by_key(|slot| {
                order
                    .iter()
                    .position(|kind| *kind == slot.key.kind())
                    .unwrap_or(order.len())
            });
            let (recovered, failures) = unwrap_group(&slots, ctx);
            match recovered {
                Some(secret) => shares.push(secret),
                None => {
                    let _ = write!(report, "  group {}: failed\n{failures}", index + 1);
                }
            }
        }
        let no_key = |report: String| Error::NoDataKey {
            file: self.named(),
            report: report.trim_end().to_string(),
        };
        if groups.len() == 1 {
            let secret = shares.pop().ok_or_else(|| no_key(report.clone()))?;
            return DataKey::from_slice(&secret)
                .ok_or_else(|| no_key("  the recovered data key is not 32 bytes long".into()));
        }
        let needed = self.metadata.shamir_threshold.max(2);
        if shares.len() < needed {
            let _ = write!(
                report,
                "  {} of {needed} required key groups could be decrypted",
                shares.len()
            );
            return Err(no_key(report));
        }
        let parts: Vec<&[u8]> = shares.iter().map(|s| s.as_slice()).collect();
        let secret = shamir::combine(&parts)?;
        DataKey::from_slice(&secret)
            .ok_or_else(|| no_key("  the combined data key is not 32 bytes long".into()))
    }

    /// Decrypts the values in place with `cipher` and checks the MAC (unless `ignore_mac`).
    /// Returns the cipher, which (unless made
    /// [`without_iv_stash`](ValueCipher::without_iv_stash)) remembers every IV for
    /// re-encryption with unchanged ciphertexts.
    pub(crate) fn decrypt_with(
        &mut self,
        mut cipher: ValueCipher,
        ignore_mac: bool,
    ) -> Result<ValueCipher> {
        let rule = self.metadata.effective_rule();
        let outcome = walk_tree(
            &mut self.tree,
            &mut cipher,
            &rule,
            self.metadata.mac_only_encrypted,
            Direction::Decrypt,
        )
        .map_err(|source| Error::Value {
            file: self.named(),
            source,
        })?;
        let mac_check = self.check_mac(&mut cipher, &outcome.mac);
        self.findings = DecryptFindings {
            plaintext_comments: outcome.undecryptable_comments,
            ignored_mac_mismatch: None,
        };
        match (mac_check, ignore_mac) {
            (Ok(()), _) => {}
            (Err(e), false) => return Err(e),
            (Err(e), true) => {
                self.findings.ignored_mac_mismatch = Some(match e {
                    Error::MacMismatch { detail, .. } => detail,
                    _ => "the stored MAC cannot be decrypted",
                });
            }
        }
        Ok(cipher)
    }

    /// Compares the MAC the walk computed with the stored one.
    fn check_mac(&self, cipher: &mut ValueCipher, computed: &str) -> Result<()> {
        let stored = decrypt_mac(cipher, &self.metadata.mac, &self.metadata.last_modified)
            .map_err(|_| Error::MacUndecryptable { file: self.named() })?;
        if stored.is_empty() {
            return Err(Error::MacMismatch {
                file: self.named(),
                detail: "the file has no MAC",
            });
        }
        if stored != computed {
            return Err(Error::MacMismatch {
                file: self.named(),
                detail: "the values do not match the stored MAC",
            });
        }
        Ok(())
    }

    /// The values and comments in plain text where the file's own rules (`encrypted_regex`,
    /// `unencrypted_suffix`, ...) say they are encrypted, found without any key. The MAC
    /// catches such a value once the file is decrypted, but not a comment.
    pub fn find_plaintext(&self) -> PlaintextFound {
        find_plaintext(&self.tree, &self.metadata.effective_rule())
    }

    /// Replaces the tree with one that does not come from decrypting this file (the new
    /// plaintext of `encrypt --reuse-from`): a MAC mismatch ignored while decrypting concerned
    /// values that are gone, so the re-encryption does not report it.
    pub(crate) fn replace_tree(&mut self, tree: Tree) {
        self.tree = tree;
        self.findings.ignored_mac_mismatch = None;
    }

    /// Why the MAC did not verify, when the last decryption was told to ignore it.
    pub fn ignored_mac_mismatch(&self) -> Option<&'static str> {
        self.findings.ignored_mac_mismatch
    }

    /// Tree paths of the comments the last decryption found in plain text where the file's
    /// rules say comments are encrypted: sops warns "Found possibly unencrypted comment". Such
    /// a comment is either from a file written before sops encrypted comments or was added by
    /// hand; the MAC does not cover comments.
    pub fn plaintext_comments(&self) -> &[String] {
        &self.findings.plaintext_comments
    }

    /// Encrypts a decrypted tree again under the same data key. The `cipher` returned by
    /// [`SopsFile::decrypt_with`] reuses the IV of every value that did not change, so unchanged
    /// values keep their exact ciphertext. `now` becomes the new `lastmodified`. When the
    /// decryption ignored a MAC mismatch, the returned [`Resealed`] says so: the new MAC makes the
    /// mismatch undetectable, so the caller must warn.
    pub(crate) fn reencrypt(
        &mut self,
        cipher: &mut ValueCipher,
        now: Timestamp,
    ) -> Result<Resealed> {
        let rule = self.metadata.effective_rule();
        let outcome = walk_tree(
            &mut self.tree,
            cipher,
            &rule,
            self.metadata.mac_only_encrypted,
            Direction::Encrypt,
        )
        .map_err(|source| Error::Value {
            file: self.named(),
            source,
        })?;
        self.metadata.last_modified = now;
        self.metadata.mac = encrypt_mac(cipher, &outcome.mac, &now);
        Ok(Resealed {
            replaced_mismatched_mac: self.findings.ignored_mac_mismatch.take(),
        })
    }

    /// Wraps `key` for new key groups, replacing the old ones (Shamir-split when there are
    /// several). The threshold is kept within the number of groups; `now` dates the new slots.
    pub(crate) fn rewrap(
        &mut self,
        key: &DataKey,
        groups: Vec<Vec<Box<dyn MasterKey>>>,
        threshold: usize,
        ctx: &KeyContext,
        now: Timestamp,
    ) -> Result<()> {
        let threshold = effective_threshold(groups.len(), threshold);
        self.metadata.key_groups = wrap_for_groups(key, groups, threshold, ctx, now)?;
        self.metadata.shamir_threshold = threshold;
        Ok(())
    }

    /// The Shamir threshold the file keeps when `updatekeys` gives it `groups` key groups: its
    /// own, lowered to the number of groups, as in sops. A creation rule's `shamir_threshold` is
    /// for new files only, so keys that opened the file together still do. 0 (a file with one
    /// group) stays 0, which [`SopsFile::rewrap`] turns into "all groups" for several.
    pub(crate) fn threshold_for_new_groups(&self, groups: usize) -> usize {
        self.metadata.shamir_threshold.min(groups)
    }

    /// Takes the current key groups apart into their keys (to edit and re-wrap them).
    pub(crate) fn take_keys(&mut self) -> Vec<Vec<Box<dyn MasterKey>>> {
        std::mem::take(&mut self.metadata.key_groups)
            .into_iter()
            .map(|group| group.into_iter().map(|slot| slot.key).collect())
            .collect()
    }

    /// Writes the encrypted file in `format` (binary: its JSON envelope): the metadata goes last
    /// in every document. Takes the file, so that the metadata joins the tree without a copy of
    /// the tree.
    pub fn emit(self, format: Format, options: &EmitOptions) -> Result<Vec<u8>> {
        let options = if format == Format::Binary {
            options.for_binary_envelope()
        } else {
            options.clone()
        };
        let format = format.encrypted_store();
        let tree = with_metadata(self.tree, &self.metadata, format);
        format
            .emit(&tree, &options)
            .map_err(|source| Error::Emit { format, source })
    }
}

/// `tree` with `metadata` as the last entry of every document, as `format` writes it.
pub(crate) fn with_metadata(mut tree: Tree, metadata: &Metadata, format: Format) -> Tree {
    wire::put_metadata(&mut tree.documents, &wire::to_value(metadata, format));
    tree
}

/// The Shamir threshold a file with `groups` key groups gets for a requested `threshold`:
/// none for one group, all groups when unset, else kept between 2 and the number of groups.
pub fn effective_threshold(groups: usize, threshold: usize) -> usize {
    match groups {
        0 | 1 => 0,
        _ if threshold == 0 => groups,
        _ => threshold.clamp(2, groups),
    }
}

fn no_credentials_hint(kind: KeyKind) -> &'static str {
    kind.descriptor().no_credentials_hint
}

/// How long the attempt on one key of a group runs alone before the next key in the decryption
/// order is started beside it (a slow or dead provider does not hold the others back; a fast
/// local key answers well within it, so the keys after it are not asked).
const STAGGER: std::time::Duration = std::time::Duration::from_millis(250);

/// One attempt's answer: the result, and the event when an attempt was made.
type Answer = (Unwrapped, Option<KeyEvent>);

/// Recovers one group's secret from `slots` (in decryption order): the answer of the first slot
/// in that order that unwraps, as when trying them one after the other, but a slot still
/// waiting after [`STAGGER`] gets the next one started beside it. Every attempt that was made
/// is reported, in slot order; the failures are listed for the error.
fn unwrap_group(slots: &[&KeySlot], ctx: &KeyContext) -> (Option<Zeroizing<Vec<u8>>>, String) {
    let attempt = |slot: &KeySlot| run_state::unwrap(slot.key.as_ref(), &slot.enc, ctx);
    let mut answers: Vec<Option<Answer>> = (0..slots.len()).map(|_| None).collect();
    if let [slot] = slots {
        answers[0] = Some(attempt(slot));
    } else {
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::channel();
            let mut started = 0;
            let start = |started: &mut usize| {
                let sender = sender.clone();
                let (index, slot) = (*started, slots[*started]);
                scope.spawn(move || {
                    let _ = sender.send((index, attempt(slot)));
                });
                *started += 1;
            };
            let mut pending = 0;
            loop {
                let first_open = answers.iter().position(|answer| match answer {
                    None => true,
                    Some((result, _)) => matches!(result, Ok(Some(_))),
                });
                let Some(open) = first_open.filter(|&i| answers[i].is_none()) else {
                    break;
                };
                if open >= started {
                    start(&mut started);
                    pending += 1;
                    continue;
                }
                let next = match started < slots.len() {
                    true => receiver.recv_timeout(STAGGER).ok(),
                    false => receiver.recv().ok(),
                };
                match next {
                    Some((index, answer)) => {
                        answers[index] = Some(answer);
                        pending -= 1;
                    }
                    None if started < slots.len() => {
                        start(&mut started);
                        pending += 1;
                    }
                    None => break,
                }
            }
            // Attempts still running finish (and are reported) before the file goes on.
            for _ in 0..pending {
                if let Ok((index, answer)) = receiver.recv() {
                    answers[index] = Some(answer);
                }
            }
        });
    }
    let mut recovered = None;
    let mut failures = String::new();
    for (slot, answer) in slots.iter().zip(answers) {
        let Some((result, event)) = answer else {
            continue;
        };
        if let Some(event) = event {
            ctx.report(event);
        }
        match result {
            Ok(Some(secret)) => {
                recovered.get_or_insert(secret);
            }
            Ok(None) => {
                let hint = no_credentials_hint(slot.key.kind());
                let _ = writeln!(
                    failures,
                    "    {} {}: {hint}",
                    slot.key.kind(),
                    slot.key.id()
                );
            }
            Err(e) => {
                let _ = writeln!(failures, "    {} {}: {e}", slot.key.kind(), slot.key.id());
            }
        }
    }
    (recovered, failures)
}

fn wrap_for_groups(
    data_key: &DataKey,
    groups: Vec<Vec<Box<dyn MasterKey>>>,
    threshold: usize,
    ctx: &KeyContext,
    now: Timestamp,
) -> Result<Vec<KeyGroup>> {
    check_key_groups(&groups)?;
    let secrets: Vec<Zeroizing<Vec<u8>>> = if groups.len() > 1 {
        let threshold = if threshold == 0 {
            groups.len()
        } else {
            threshold
        };
        shamir::split(data_key.as_bytes(), groups.len(), threshold)?
    } else {
        vec![Zeroizing::new(data_key.as_bytes().to_vec())]
    };
    // Every key wraps independently (network backends take a round trip each), so with several
    // keys each gets its own thread; results keep the group order.
    let jobs: Vec<(usize, Box<dyn MasterKey>)> = groups
        .into_iter()
        .enumerate()
        .flat_map(|(index, keys)| keys.into_iter().map(move |key| (index, key)))
        .collect();
    let results: Vec<(Result<String, KeyError>, Option<KeyEvent>)> = if jobs.len() == 1 {
        vec![run_state::wrap(
            jobs[0].1.as_ref(),
            &secrets[jobs[0].0],
            ctx,
        )]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .iter()
                .map(|(index, key)| {
                    scope.spawn(|| run_state::wrap(key.as_ref(), &secrets[*index], ctx))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    let mut failures = Vec::new();
    let mut wrapped: Vec<KeyGroup> = (0..secrets.len()).map(|_| KeyGroup::new()).collect();
    for ((index, key), (result, event)) in jobs.into_iter().zip(results) {
        if let Some(event) = event {
            ctx.report(event);
        }
        match result {
            Ok(enc) => {
                let created_at = key.kind().descriptor().created_at.then_some(now);
                wrapped[index].push(KeySlot {
                    key,
                    enc,
                    created_at,
                });
            }
            Err(e) => failures.push(format!("{} {}: {e}", key.kind(), key.id())),
        }
    }
    if !failures.is_empty() {
        return Err(Error::KeyGeneration(failures));
    }
    Ok(wrapped)
}
