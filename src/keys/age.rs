//! age master keys: X25519, SSH (ed25519 and RSA) and plugin recipients, wrapped as an
//! ASCII-armored age file exactly as sops stores it.
//!
//! Identities come from every source sops reads, combined: `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`,
//! `SOPS_AGE_KEY_CMD` (with `SOPS_AGE_RECIPIENT` set), SSH private keys
//! (`SOPS_AGE_SSH_PRIVATE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_CMD`, `~/.ssh/id_ed25519` and
//! `~/.ssh/id_rsa`), and the default `sops/age/keys.txt` in the user config directory. As in
//! sops, a source that cannot be used does not stop the others: a source the user named is
//! reported as a warning when another one works, and every problem is in the error when none
//! does. The caller fills in [`AgeIdentitySources`]; this module never reads the environment.
//!
//! The kind's descriptor ([`DESCRIPTOR`]) is here too: age needs no cargo feature.

mod protected_ssh;

use std::io::Write;
use std::iter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::{Decryptor, Encryptor, Identity, IdentityFile, Recipient};
use zeroize::Zeroizing;

use super::kind::{
    Backend, ConfigSyntax, FlagNames, GroupEntries, KindDescriptor, WireLayout, entry_field,
    entry_of,
};
use super::{KeyContext, KeyError, KeyKind, KeySpec, MasterKey};
use crate::bounded::command::{self, Stderr};
use crate::bounded::{Kind, read_file, read_to_end};
use crate::tree::{Map, Timestamp, Value};
use protected_ssh::ProtectedSshKey;

/// The `age` kind.
pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    tag: "age",
    example_id: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    feature: None,
    wire: WireLayout {
        write_rank: 6,
        read_rank: 6,
        in_group_when_empty: true,
        top_level_after_mac: false,
    },
    created_at: false,
    no_credentials_hint: "no age identity found (set SOPS_AGE_KEY_FILE, SOPS_AGE_KEY or \
                          SOPS_AGE_KEY_CMD, or create ~/.config/sops/age/keys.txt)",
    config: ConfigSyntax {
        rule_field: "age",
        group_field: "age",
        group_entries: GroupEntries::Ids,
        group_example: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    },
    flags: FlagNames {
        long: "age",
        short: Some('a'),
        env: "SOPS_AGE_RECIPIENTS",
        value_name: "RECIPIENTS",
        help: "age recipients to encrypt for, comma-separated",
        add: "add-age",
        add_help: "age recipients to add",
        remove: "rm-age",
        remove_help: "age recipients to remove",
    },
    spec_from_id: |id, _| KeySpec::simple(KeyKind::Age, id),
    spec_entry: |spec| entry_of(&[("recipient", &spec.id), ("enc", "")]),
    entry_id: |entry| entry_field(entry, "recipient").to_string(),
    backend: Some(Backend {
        from_entry: |entry| Box::new(AgeKey::from_metadata(entry_field(entry, "recipient"))),
        from_spec: |spec| Ok(Box::new(AgeKey::new(&spec.id)?)),
    }),
};

#[allow(non_upper_case_globals)]
impl KeyKind {
    /// age (`age`).
    pub const Age: KeyKind = KeyKind::of(&DESCRIPTOR);
}

type BoxedIdentity = Box<dyn Identity + Send + Sync>;

/// Where age identities are read from. Every configured source is used.
#[derive(Default)]
pub struct AgeIdentitySources {
    /// `SOPS_AGE_KEY`: identities inline (whitespace-separated, `#` lines ignored).
    pub inline_keys: Option<Zeroizing<String>>,
    /// `SOPS_AGE_KEY_FILE`: an identities file.
    pub key_file: Option<PathBuf>,
    /// `SOPS_AGE_KEY_CMD`: a command whose output is an identities file.
    pub key_command: Option<String>,
    /// `SOPS_AGE_SSH_PRIVATE_KEY_FILE`: an SSH private key.
    pub ssh_key_file: Option<PathBuf>,
    /// `SOPS_AGE_SSH_PRIVATE_KEY_CMD`: a command whose output is an SSH private key.
    pub ssh_key_command: Option<String>,
    /// SSH keys used when present (`~/.ssh/id_ed25519`, `~/.ssh/id_rsa`).
    pub default_ssh_keys: Vec<PathBuf>,
    /// The default identities file, used when present.
    pub default_key_file: Option<PathBuf>,
    loaded: OnceLock<Loaded>,
    /// Problems already shown as warnings (each is shown once per run).
    warned: Mutex<Vec<String>>,
}

/// The identities of the sources that do not depend on the recipient, and what went wrong with
/// the others. Problems never quote a source's content.
#[derive(Default)]
struct Loaded {
    identities: Vec<BoxedIdentity>,
    /// Passphrase-protected SSH keys, offered only for their own recipient.
    protected: Vec<ProtectedSshKey>,
    /// Problems with sources the user named.
    problems: Vec<String>,
    /// Problems with default locations, only told when no source works.
    quiet_problems: Vec<String>,
}

impl Loaded {
    fn add(&mut self, result: Result<Vec<BoxedIdentity>, String>, named: bool) {
        match result {
            Ok(identities) => self.identities.extend(identities),
            Err(problem) if named => self.problems.push(problem),
            Err(problem) => self.quiet_problems.push(problem),
        }
    }

    fn add_ssh(&mut self, result: Result<SshIdentity, String>, named: bool) {
        match result {
            Ok(SshIdentity::Plain(identity)) => self.identities.push(identity),
            Ok(SshIdentity::Protected(key)) => self.protected.push(key),
            Err(problem) => self.add(Err(problem), named),
        }
    }
}

impl AgeIdentitySources {
    /// Whether any source is configured or present on disk.
    pub fn any(&self) -> bool {
        self.inline_keys.is_some()
            || self.key_file.is_some()
            || self.key_command.is_some()
            || self.ssh_key_file.is_some()
            || self.ssh_key_command.is_some()
            || self.default_ssh_keys.iter().any(|p| p.is_file())
            || self.default_key_file.as_deref().is_some_and(Path::is_file)
    }

    fn static_identities(&self) -> &Loaded {
        self.loaded.get_or_init(|| self.load_static())
    }

    fn load_static(&self) -> Loaded {
        let mut loaded = Loaded::default();
        if let Some(keys) = &self.inline_keys {
            let lines: Zeroizing<String> = Zeroizing::new(
                keys.lines()
                    .filter(|line| !line.trim_start().starts_with('#'))
                    .flat_map(str::split_whitespace)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            loaded.add(parse_identities(lines.as_bytes(), "SOPS_AGE_KEY"), true);
        }
        if let Some(path) = &self.key_file {
            loaded.add(read_identity_file(path, "SOPS_AGE_KEY_FILE"), true);
        }
        if let Some(path) = &self.ssh_key_file {
            loaded.add_ssh(read_ssh_identity(path), true);
        }
        if let Some(command) = &self.ssh_key_command {
            let identity =
                run_key_command(command, "SOPS_AGE_SSH_PRIVATE_KEY_CMD", None).and_then(|key| {
                    parse_ssh_identity(&key, "the SSH key from SOPS_AGE_SSH_PRIVATE_KEY_CMD")
                });
            loaded.add_ssh(identity, true);
        }
        for path in self.default_ssh_keys.iter().filter(|p| p.is_file()) {
            // A default SSH key that age cannot use (another key type) is skipped, as sops
            // does; an explicitly configured one is an error.
            match read_ssh_identity(path) {
                Err(problem) if problem.ends_with(UNSUPPORTED_SSH_KEY) => {}
                result => loaded.add_ssh(result, false),
            }
        }
        if let Some(path) = self.default_key_file.as_deref().filter(|p| p.is_file()) {
            loaded.add(read_identity_file(path, "the default age key file"), false);
        }
        loaded
    }

    /// The identities `SOPS_AGE_KEY_CMD` prints for `recipient` (none when it is not set).
    fn command_identities(&self, recipient: &str) -> Result<Vec<BoxedIdentity>, String> {
        let Some(command) = &self.key_command else {
            return Ok(Vec::new());
        };
        let output = run_key_command(command, "SOPS_AGE_KEY_CMD", Some(recipient))?;
        parse_identities(&output, "SOPS_AGE_KEY_CMD output")
    }

    /// Shows each problem once per run through the context's warning hook.
    fn warn_once(&self, problems: &[String], ctx: &KeyContext) {
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        for problem in problems {
            if !warned.contains(problem) {
                ctx.warn(&format!(
                    "age identities: {problem}; using the other sources"
                ));
                warned.push(problem.clone());
            }
        }
    }
}

/// Runs a key command (split like a shell would, not run through one), bounded in output and
/// time; its standard error goes to the user.
fn run_key_command(
    command_line: &str,
    source: &str,
    recipient: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, String> {
    let words = shlex::split(command_line)
        .filter(|words| !words.is_empty())
        .ok_or_else(|| format!("{source} cannot be parsed"))?;
    let mut command = Command::new(&words[0]);
    command.args(&words[1..]);
    if let Some(recipient) = recipient {
        command.env("SOPS_AGE_RECIPIENT", recipient);
    }
    let finished =
        command::run(&mut command, None, Stderr::Inherit).map_err(|e| format!("{source} {e}"))?;
    if !finished.status.success() {
        return Err(format!("{source} failed: {}", finished.status));
    }
    Ok(finished.stdout)
}

fn parse_identities(bytes: &[u8], source: &str) -> Result<Vec<BoxedIdentity>, String> {
    IdentityFile::from_buffer(bytes)
        .and_then(|file| file.into_identities().map_err(std::io::Error::other))
        .map_err(|e| format!("cannot read age identities from {source}: {e}"))
}

fn read_identity_file(path: &Path, source: &str) -> Result<Vec<BoxedIdentity>, String> {
    let bytes = Zeroizing::new(
        read_file(path, Kind::Key)
            .map_err(|e| format!("cannot read {source} {}: {e}", path.display()))?,
    );
    parse_identities(&bytes, &format!("{source} {}", path.display()))
}

/// An SSH key, ready to use or waiting for its passphrase.
enum SshIdentity {
    Plain(BoxedIdentity),
    Protected(ProtectedSshKey),
}

const UNSUPPORTED_SSH_KEY: &str = "is of a type age cannot use";

fn read_ssh_identity(path: &Path) -> Result<SshIdentity, String> {
    let bytes = Zeroizing::new(
        read_file(path, Kind::Key)
            .map_err(|e| format!("cannot read SSH key {}: {e}", path.display()))?,
    );
    parse_ssh_identity(&bytes, &format!("SSH key {}", path.display()))
}

/// Parses an SSH private key; `name` says where it came from.
fn parse_ssh_identity(bytes: &[u8], name: &str) -> Result<SshIdentity, String> {
    let identity = age::ssh::Identity::from_buffer(bytes, Some(name.to_string()))
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    match identity {
        age::ssh::Identity::Unsupported(_) => Err(format!("{name} {UNSUPPORTED_SSH_KEY}")),
        age::ssh::Identity::Encrypted(_) => {
            ProtectedSshKey::new(identity, bytes, name).map(SshIdentity::Protected)
        }
        identity => Ok(SshIdentity::Plain(Box::new(identity))),
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
        let loaded = sources.static_identities();
        let mut problems = loaded.problems.clone();
        let command_ids = sources
            .command_identities(&self.recipient)
            .unwrap_or_else(|problem| {
                problems.push(problem);
                Vec::new()
            });
        let protected = loaded
            .protected
            .iter()
            .filter(|key| key.is_for(&self.recipient));
        let identities: Vec<&(dyn Identity + Send + Sync)> = loaded
            .identities
            .iter()
            .chain(command_ids.iter())
            .map(|i| i.as_ref())
            .chain(protected.map(|key| key.identity.as_ref()))
            .collect();
        let all_problems = || {
            problems
                .iter()
                .chain(&loaded.quiet_problems)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        };
        if identities.is_empty() {
            if problems.is_empty() && loaded.quiet_problems.is_empty() {
                return Ok(None);
            }
            return Err(KeyError::Failed(all_problems()));
        }
        sources.warn_once(&problems, ctx);
        let decryptor = Decryptor::new_buffered(ArmoredReader::new(enc.as_bytes()))
            .map_err(|e| KeyError::Failed(format!("stored age key is malformed: {e}")))?;
        let reader = decryptor
            .decrypt(identities.into_iter().map(|i| i as &dyn Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => {
                    let mut message =
                        "none of the loaded age identities matches this recipient".to_string();
                    if !problems.is_empty() || !loaded.quiet_problems.is_empty() {
                        message = format!("{message} (sources not used: {})", all_problems());
                    }
                    KeyError::NoCredentials(message)
                }
                age::DecryptError::KeyDecryptionFailed => KeyError::Failed(
                    "cannot unlock the passphrase-protected SSH key: wrong passphrase".into(),
                ),
                other => KeyError::Failed(format!("age decryption: {other}")),
            })?;
        let secret = read_to_end(reader, Kind::Key, 0)
            .map_err(|e| KeyError::Failed(format!("age decryption: {e}")))?;
        Ok(Some(Zeroizing::new(secret)))
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
