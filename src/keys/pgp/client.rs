//! The OpenPGP client ([`PgpKey`], `pgp` feature): keys wrapped the way sops wraps them,
//! through the `gpg` binary. The kind's descriptor is in `keys/pgp.rs`.
//!
//! Wrapping runs `gpg --no-default-recipient --yes --encrypt -a -r FP --trusted-key <last 16>
//! --no-encrypt-to` with the data key on standard input; the armored message, whitespace-trimmed,
//! is the entry's `enc`. Unwrapping runs `gpg -d` with the armored message on standard input, so
//! gpg-agent (and its pinentry) handles passphrases as it does for sops. `SOPS_GPG_EXEC` names
//! the binary (default `gpg`) and `GNUPGHOME` the keyring directory, both read from the captured
//! environment in [`KeyContext`].
//!
//! Without gpg, decryption can still use rPGP (pure Rust) with the armored or binary secret keys
//! listed in `SOPS_RS_PGP_SECRET_KEYS` (one or more paths separated by `:`; keys without a
//! passphrase only). When that variable is set those keys are tried first, and gpg is asked only
//! when none of them opens the message.

use std::process::Command;

use zeroize::Zeroizing;

use crate::bounded::command::{self, CommandError};
use crate::keys::{KeyContext, KeyError, KeyKind, MasterKey, created_at_value};
use crate::tree::{Map, Timestamp, Value};

/// The variable naming secret-key files for the pure-Rust fallback.
pub const SECRET_KEYS_VAR: &str = "SOPS_RS_PGP_SECRET_KEYS";

/// An OpenPGP key, named by its fingerprint.
pub struct PgpKey {
    fingerprint: String,
}

impl PgpKey {
    /// A key for a fingerprint as given on the command line or in the config (spaces are
    /// removed, as sops does). The fingerprint must be hexadecimal.
    pub fn new(fingerprint: &str) -> Result<Self, KeyError> {
        let fingerprint: String = fingerprint.split_whitespace().collect();
        if fingerprint.is_empty() || !fingerprint.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(KeyError::InvalidKey {
                kind: KeyKind::Pgp,
                id: fingerprint,
                reason: "a PGP fingerprint is hexadecimal (40 digits for a v4 key)".into(),
            });
        }
        Ok(PgpKey { fingerprint })
    }

    /// A key rebuilt from a metadata entry's `fp`, unchecked (it is only needed to re-encrypt).
    pub fn from_metadata(fingerprint: &str) -> Self {
        PgpKey {
            fingerprint: fingerprint.split_whitespace().collect(),
        }
    }

    /// The last 16 hex digits: the long key id given to `--trusted-key`.
    fn long_id(&self) -> &str {
        let fp = self.fingerprint.as_str();
        &fp[fp.len().saturating_sub(16)..]
    }
}

/// The gpg program and its environment, from the captured variables.
fn gpg_command(ctx: &KeyContext) -> (String, Command) {
    let program = ctx.var("SOPS_GPG_EXEC").unwrap_or("gpg").to_string();
    let mut cmd = Command::new(&program);
    for name in ["GNUPGHOME", "HOME", "GPG_TTY", "GPG_AGENT_INFO"] {
        if let Some(value) = ctx.var(name) {
            cmd.env(name, value);
        }
    }
    (program, cmd)
}

/// The readable part of gpg's diagnostics (status lines and blank lines dropped).
fn gpg_messages(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|line| !line.starts_with("[GNUPG:]") && !line.trim().is_empty())
        .map(|line| line.trim_start_matches("gpg: ").trim())
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a gpg run left behind.
struct GpgOutput {
    ok: bool,
    stdout: Zeroizing<Vec<u8>>,
    stderr: Vec<u8>,
}

/// Runs gpg with `input` on standard input, bounded in output and time.
fn run_gpg(mut cmd: Command, input: &[u8]) -> Result<GpgOutput, CommandError> {
    let finished = command::run(&mut cmd, Some(input), command::Stderr::Capture)?;
    Ok(GpgOutput {
        ok: finished.status.success(),
        stdout: finished.stdout,
        stderr: finished.stderr,
    })
}

impl MasterKey for PgpKey {
    fn kind(&self) -> KeyKind {
        KeyKind::Pgp
    }

    fn id(&self) -> String {
        self.fingerprint.clone()
    }

    fn wrap(&self, secret: &[u8], ctx: &KeyContext) -> Result<String, KeyError> {
        let (program, mut cmd) = gpg_command(ctx);
        cmd.args([
            "--no-default-recipient",
            "--yes",
            "--encrypt",
            "-a",
            "-r",
            &self.fingerprint,
            "--trusted-key",
            self.long_id(),
            "--no-encrypt-to",
        ]);
        let GpgOutput { ok, stdout, stderr } = run_gpg(cmd, secret).map_err(|e| match e {
            CommandError::Spawn(e) => KeyError::Failed(format!(
                "cannot run {program} to encrypt to PGP key {}: {e} (set SOPS_GPG_EXEC to the \
                 gpg binary)",
                self.fingerprint
            )),
            e => KeyError::Failed(format!(
                "{program} (encrypting to PGP key {}) {e}",
                self.fingerprint
            )),
        })?;
        if !ok || stdout.is_empty() {
            return Err(KeyError::Failed(format!(
                "gpg could not encrypt to PGP key {}: {}",
                self.fingerprint,
                gpg_messages(&stderr)
            )));
        }
        let text = String::from_utf8(stdout.to_vec())
            .map_err(|_| KeyError::Failed("gpg wrote a non-text armored message".into()))?;
        Ok(text.trim().to_string())
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        // Secret keys from SOPS_RS_PGP_SECRET_KEYS first; gpg only when none of them opens it.
        let rust_keys_tried = match ctx.var(SECRET_KEYS_VAR) {
            Some(paths) => match rust_pgp::decrypt(enc, paths)? {
                Some(secret) => return Ok(Some(secret)),
                None => true,
            },
            None => false,
        };
        let (program, mut cmd) = gpg_command(ctx);
        cmd.args(["--status-fd", "2", "-d"]);
        let GpgOutput { ok, stdout, stderr } = match run_gpg(cmd, enc.as_bytes()) {
            Ok(result) => result,
            Err(e) if e.not_found() => {
                if rust_keys_tried {
                    return Ok(None);
                }
                return Err(KeyError::NoCredentials(format!(
                    "{program} was not found: install GnuPG, set SOPS_GPG_EXEC, or list \
                     armored secret keys in {SECRET_KEYS_VAR}"
                )));
            }
            Err(CommandError::Spawn(e)) => {
                return Err(KeyError::Failed(format!("cannot run {program}: {e}")));
            }
            Err(e) => {
                return Err(KeyError::Failed(format!(
                    "{program} (decrypting the data key) {e}"
                )));
            }
        };
        let status = String::from_utf8_lossy(&stderr);
        if ok && !stdout.is_empty() {
            return Ok(Some(stdout));
        }
        if status.contains("[GNUPG:] NO_SECKEY") && !status.contains("[GNUPG:] DECRYPTION_OKAY") {
            return Ok(None);
        }
        if ok {
            return Err(KeyError::Failed(
                "gpg decrypted the stored PGP message to nothing".into(),
            ));
        }
        Err(KeyError::Failed(format!(
            "gpg could not decrypt: {}",
            gpg_messages(&stderr)
        )))
    }

    fn entry(&self, enc: &str, created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("created_at", created_at_value(created_at));
        map.push("enc", Value::str(enc));
        map.push("fp", Value::str(&self.fingerprint));
        map
    }
}

/// The pure-Rust path: rPGP with secret keys read from files.
mod rust_pgp {
    use pgp::composed::{Message, PublicOrSecret, SignedSecretKey};
    use pgp::types::Password;
    use zeroize::Zeroizing;

    use super::{KeyError, SECRET_KEYS_VAR};
    use crate::bounded::{Kind, read_file};
    use std::path::Path;

    /// The armored blocks of one kind (`PRIVATE KEY BLOCK`, ...) in `text`: a file may hold
    /// several blocks, of other kinds too, one after another.
    fn armored_blocks<'a>(text: &'a str, kind: &str) -> Vec<&'a str> {
        let begin = format!("-----BEGIN PGP {kind}-----");
        let end = format!("-----END PGP {kind}-----");
        let mut blocks = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(&begin) {
            let Some(len) = rest[start..].find(&end) else {
                break;
            };
            let stop = start + len + end.len();
            blocks.push(&rest[start..stop]);
            rest = &rest[stop..];
        }
        blocks
    }

    fn parse_into(
        keys: &mut Vec<SignedSecretKey>,
        bytes: &[u8],
        path: &str,
    ) -> Result<(), KeyError> {
        let bad = |e: &dyn std::fmt::Display| {
            KeyError::Failed(format!("{SECRET_KEYS_VAR} file {path}: {e}"))
        };
        let (parsed, _) = PublicOrSecret::from_reader_many(bytes).map_err(|e| bad(&e))?;
        for key in parsed {
            match key.map_err(|e| bad(&e))? {
                PublicOrSecret::Secret(key) => keys.push(key),
                PublicOrSecret::Public(_) => {}
            }
        }
        Ok(())
    }

    fn load(paths: &str) -> Result<Vec<SignedSecretKey>, KeyError> {
        let mut keys = Vec::new();
        for path in paths.split(':').filter(|p| !p.is_empty()) {
            let bytes = Zeroizing::new(read_file(Path::new(path), Kind::Key).map_err(|e| {
                KeyError::Failed(format!("cannot read {SECRET_KEYS_VAR} file {path}: {e}"))
            })?);
            match std::str::from_utf8(&bytes) {
                Ok(text) if text.contains("-----BEGIN PGP ") => {
                    for block in armored_blocks(text, "PRIVATE KEY BLOCK") {
                        parse_into(&mut keys, block.as_bytes(), path)?;
                    }
                }
                _ => parse_into(&mut keys, &bytes, path)?,
            }
        }
        Ok(keys)
    }

    /// Decrypts `enc` with the keys in `paths`; `Ok(None)` when none of them is a recipient.
    pub fn decrypt(enc: &str, paths: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let keys = load(paths)?;
        if keys.is_empty() {
            return Ok(None);
        }
        let failed = |e: &dyn std::fmt::Display| {
            KeyError::Failed(format!(
                "rPGP could not decrypt the stored PGP message: {e}"
            ))
        };
        let (message, _) = Message::from_string(enc).map_err(|e| failed(&e))?;
        let empty = Password::empty();
        let message =
            match message.decrypt_with_keys(vec![&empty; keys.len()], keys.iter().collect()) {
                Ok(message) => message,
                Err(pgp::errors::Error::MissingKey) => return Ok(None),
                Err(e) => return Err(failed(&e)),
            };
        let mut message = message.decompress().map_err(|e| failed(&e))?;
        let data = Zeroizing::new(message.as_data_vec().map_err(|e| failed(&e))?);
        if data.is_empty() {
            return Err(failed(&"the message is empty"));
        }
        Ok(Some(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_checked_and_spaces_removed() {
        let key = PgpKey::new("FBC7 B9E2 A4F9 289A C0C1  D484 3D16 CEE4 A273 81B4").unwrap();
        assert_eq!(key.id(), "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4");
        assert_eq!(key.long_id(), "3D16CEE4A27381B4");
        assert!(PgpKey::new("not-a-fingerprint").is_err());
        assert!(PgpKey::new("").is_err());
    }

    #[test]
    fn entry_is_in_sops_field_order() {
        let key = PgpKey::from_metadata("ABCDEF");
        let map = key.entry("-----BEGIN PGP MESSAGE-----", None);
        let keys: Vec<&str> = map
            .items
            .iter()
            .filter_map(|item| match item {
                crate::tree::MapItem::Entry { key, .. } => Some(key.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(keys, ["created_at", "enc", "fp"]);
    }

    #[test]
    fn a_missing_gpg_is_a_clear_error() {
        let ctx = KeyContext {
            vars: [("SOPS_GPG_EXEC".to_string(), "/nonexistent/gpg".to_string())].into(),
            ..Default::default()
        };
        let key = PgpKey::new("FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4").unwrap();
        let err = key.wrap(b"secret", &ctx).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/gpg"), "{err}");
        let err = key.unwrap("x", &ctx).unwrap_err().to_string();
        assert!(err.contains("SOPS_GPG_EXEC"), "{err}");
    }
}
