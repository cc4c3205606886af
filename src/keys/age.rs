//! age master keys: X25519, SSH (ed25519 and RSA) and plugin recipients, wrapped as an
//! ASCII-armored age file exactly as sops stores it.
//!
//! Identities come from every source sops reads, combined: `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`,
//! `SOPS_AGE_KEY_CMD`, an SSH private key (`SOPS_AGE_SSH_PRIVATE_KEY_FILE`, else `~/.ssh/id_ed25519`
//! and `~/.ssh/id_rsa`), and the default `sops/age/keys.txt` in the user config directory. The
//! caller fills in [`AgeIdentitySources`]; this module never reads the environment.

use std::io::{Read, Write};
use std::iter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::OnceLock;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::{Decryptor, Encryptor, Identity, IdentityFile, Recipient};
use zeroize::Zeroizing;

use super::{KeyContext, KeyError, KeyKind, MasterKey};
use crate::tree::{Map, Timestamp, Value};

type BoxedIdentity = Box<dyn Identity + Send + Sync>;

/// Where age identities are read from. Every configured source is used.
#[derive(Default)]
pub struct AgeIdentitySources {
    /// `SOPS_AGE_KEY`: identities inline (whitespace-separated, `#` lines ignored).
    pub inline_keys: Option<Zeroizing<String>>,
    /// `SOPS_AGE_KEY_FILE`: an identities file that must exist.
    pub key_file: Option<PathBuf>,
    /// `SOPS_AGE_KEY_CMD`: a command whose output is an identities file.
    pub key_command: Option<String>,
    /// `SOPS_AGE_SSH_PRIVATE_KEY_FILE`: an SSH private key that must exist.
    pub ssh_key_file: Option<PathBuf>,
    /// SSH keys used when present (`~/.ssh/id_ed25519`, `~/.ssh/id_rsa`), when no
    /// `ssh_key_file` is set.
    pub default_ssh_keys: Vec<PathBuf>,
    /// The default identities file, used when present.
    pub default_key_file: Option<PathBuf>,
    loaded: OnceLock<Result<Vec<BoxedIdentity>, String>>,
}

impl AgeIdentitySources {
    /// Whether any source is configured or present on disk.
    pub fn any(&self) -> bool {
        self.inline_keys.is_some()
            || self.key_file.is_some()
            || self.key_command.is_some()
            || self.ssh_key_file.is_some()
            || self.default_ssh_keys.iter().any(|p| p.is_file())
            || self.default_key_file.as_deref().is_some_and(Path::is_file)
    }

    fn static_identities(&self) -> Result<&[BoxedIdentity], KeyError> {
        self.loaded
            .get_or_init(|| self.load_static())
            .as_deref()
            .map_err(|reason| KeyError::Failed(reason.clone()))
    }

    fn load_static(&self) -> Result<Vec<BoxedIdentity>, String> {
        let mut identities = Vec::new();
        if let Some(keys) = &self.inline_keys {
            let lines: Zeroizing<String> = Zeroizing::new(
                keys.lines()
                    .filter(|line| !line.trim_start().starts_with('#'))
                    .flat_map(str::split_whitespace)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            identities.extend(parse_identities(lines.as_bytes(), "SOPS_AGE_KEY")?);
        }
        if let Some(path) = &self.key_file {
            identities.extend(read_identity_file(path, "SOPS_AGE_KEY_FILE")?);
        }
        match &self.ssh_key_file {
            Some(path) => identities.push(read_ssh_identity(path)?),
            None => {
                for path in self.default_ssh_keys.iter().filter(|p| p.is_file()) {
                    // A default SSH key that age cannot use (another key type) is skipped, as
                    // sops does; an explicitly configured one is an error.
                    if let Ok(identity) = read_ssh_identity(path) {
                        identities.push(identity);
                    }
                }
            }
        }
        if let Some(path) = self.default_key_file.as_deref().filter(|p| p.is_file()) {
            identities.extend(read_identity_file(path, "the default age key file")?);
        }
        Ok(identities)
    }

    fn command_identities(&self, recipient: &str) -> Result<Vec<BoxedIdentity>, KeyError> {
        let Some(command) = &self.key_command else {
            return Ok(Vec::new());
        };
        let words = shlex::split(command)
            .filter(|words| !words.is_empty())
            .ok_or_else(|| KeyError::Failed("SOPS_AGE_KEY_CMD cannot be parsed".into()))?;
        let output = Command::new(&words[0])
            .args(&words[1..])
            .env("SOPS_AGE_RECIPIENT", recipient)
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| KeyError::Failed(format!("SOPS_AGE_KEY_CMD could not run: {e}")))?;
        let stdout = Zeroizing::new(output.stdout);
        if !output.status.success() {
            return Err(KeyError::Failed(format!(
                "SOPS_AGE_KEY_CMD failed: {}",
                output.status
            )));
        }
        parse_identities(&stdout, "SOPS_AGE_KEY_CMD output").map_err(KeyError::Failed)
    }
}

fn parse_identities(bytes: &[u8], source: &str) -> Result<Vec<BoxedIdentity>, String> {
    IdentityFile::from_buffer(bytes)
        .and_then(|file| file.into_identities().map_err(std::io::Error::other))
        .map_err(|e| format!("cannot read age identities from {source}: {e}"))
}

fn read_identity_file(path: &Path, source: &str) -> Result<Vec<BoxedIdentity>, String> {
    let bytes = Zeroizing::new(
        std::fs::read(path).map_err(|e| format!("cannot read {source} {}: {e}", path.display()))?,
    );
    parse_identities(&bytes, &format!("{source} {}", path.display()))
}

fn read_ssh_identity(path: &Path) -> Result<BoxedIdentity, String> {
    let bytes = Zeroizing::new(
        std::fs::read(path).map_err(|e| format!("cannot read SSH key {}: {e}", path.display()))?,
    );
    let identity = age::ssh::Identity::from_buffer(&bytes[..], Some(path.display().to_string()))
        .map_err(|e| format!("cannot read SSH key {}: {e}", path.display()))?;
    match identity {
        age::ssh::Identity::Unsupported(_) => Err(format!(
            "SSH key {} is of a type age cannot use",
            path.display()
        )),
        identity => Ok(Box::new(identity)),
    }
}

/// An age recipient, as stored in the `age` metadata list.
pub struct AgeKey {
    recipient: String,
}

impl AgeKey {
    /// Parses and checks a recipient: `age1…` (X25519), `age1<plugin>1…`, `ssh-ed25519 …` or
    /// `ssh-rsa …`.
    pub fn new(recipient: &str) -> Result<Self, KeyError> {
        let recipient = recipient.trim().to_string();
        to_recipient(&recipient)?;
        Ok(AgeKey { recipient })
    }

    /// Rebuilds a key from metadata without checking the recipient (it is only needed to
    /// re-encrypt, and a recipient this build cannot parse must not stop decryption).
    pub fn from_metadata(recipient: &str) -> Self {
        AgeKey {
            recipient: recipient.to_string(),
        }
    }
}

fn to_recipient(recipient: &str) -> Result<Box<dyn Recipient + Send>, KeyError> {
    let invalid = |reason: String| KeyError::InvalidKey {
        kind: KeyKind::Age,
        id: recipient.to_string(),
        reason,
    };
    if recipient.starts_with("ssh-") {
        return age::ssh::Recipient::from_str(recipient)
            .map(|r| Box::new(r) as Box<dyn Recipient + Send>)
            .map_err(|e| invalid(format!("{e:?}")));
    }
    if let Ok(r) = age::x25519::Recipient::from_str(recipient) {
        return Ok(Box::new(r));
    }
    let plugin = age::plugin::Recipient::from_str(recipient)
        .map_err(|_| invalid("not an age X25519, plugin or SSH recipient".into()))?;
    let name = plugin.plugin().to_string();
    age::plugin::RecipientPluginV1::new(&name, &[plugin], &[], age::NoCallbacks)
        .map(|r| Box::new(r) as Box<dyn Recipient + Send>)
        .map_err(|_| {
            invalid(format!(
                "age plugin age-plugin-{name} was not found in PATH"
            ))
        })
}

impl MasterKey for AgeKey {
    fn kind(&self) -> KeyKind {
        KeyKind::Age
    }

    fn id(&self) -> String {
        self.recipient.clone()
    }

    fn wrap(&self, secret: &[u8], _ctx: &KeyContext) -> Result<String, KeyError> {
        let recipient = to_recipient(&self.recipient)?;
        let failed = |e: &dyn std::fmt::Display| KeyError::Failed(format!("age encryption: {e}"));
        let encryptor = Encryptor::with_recipients(iter::once(recipient.as_ref() as _))
            .map_err(|e| failed(&e))?;
        let mut out = Vec::new();
        let armor =
            ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).map_err(|e| failed(&e))?;
        let mut writer = encryptor.wrap_output(armor).map_err(|e| failed(&e))?;
        writer.write_all(secret).map_err(|e| failed(&e))?;
        writer
            .finish()
            .and_then(|armor| armor.finish())
            .map_err(|e| failed(&e))?;
        String::from_utf8(out).map_err(|e| failed(&e))
    }

    fn unwrap(&self, enc: &str, ctx: &KeyContext) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
        let sources = &ctx.age;
        let static_ids = sources.static_identities()?;
        let command_ids = sources.command_identities(&self.recipient)?;
        if static_ids.is_empty() && command_ids.is_empty() {
            return Ok(None);
        }
        let identities = static_ids
            .iter()
            .chain(command_ids.iter())
            .map(|i| i.as_ref() as _);
        let decryptor = Decryptor::new_buffered(ArmoredReader::new(enc.as_bytes()))
            .map_err(|e| KeyError::Failed(format!("stored age key is malformed: {e}")))?;
        let mut reader = decryptor.decrypt(identities).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => {
                KeyError::Failed("none of the loaded age identities matches this recipient".into())
            }
            other => KeyError::Failed(format!("age decryption: {other}")),
        })?;
        let mut secret = Zeroizing::new(Vec::new());
        reader
            .read_to_end(&mut secret)
            .map_err(|e| KeyError::Failed(format!("age decryption: {e}")))?;
        Ok(Some(secret))
    }

    fn entry(&self, enc: &str, _created_at: Option<&Timestamp>) -> Map {
        let mut map = Map::default();
        map.push("recipient", Value::str(&self.recipient));
        map.push("enc", Value::str(enc));
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_unwraps_with_an_x25519_identity() {
        let identity = age::x25519::Identity::generate();
        let key = AgeKey::new(&identity.to_public().to_string()).unwrap();
        let ctx = KeyContext::default();
        let enc = key.wrap(b"0123456789abcdef0123456789abcdef", &ctx).unwrap();
        assert!(enc.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
        assert!(enc.ends_with("-----END AGE ENCRYPTED FILE-----\n"));
        assert!(
            key.unwrap(&enc, &ctx).unwrap().is_none(),
            "no identities: no answer"
        );
        use age::secrecy::ExposeSecret;
        let ctx = KeyContext {
            age: AgeIdentitySources {
                inline_keys: Some(Zeroizing::new(format!(
                    "# comment\n{}",
                    identity.to_string().expose_secret()
                ))),
                ..Default::default()
            },
            ..Default::default()
        };
        let secret = key.unwrap(&enc, &ctx).unwrap().unwrap();
        assert_eq!(&secret[..], b"0123456789abcdef0123456789abcdef");
    }

    #[test]
    fn rejects_bad_recipients() {
        assert!(AgeKey::new("age1notakey").is_err());
        assert!(AgeKey::new("ssh-ed25519 AAAA").is_err());
    }
}
