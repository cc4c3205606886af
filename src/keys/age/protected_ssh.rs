//! Passphrase-protected SSH keys as age identities: the passphrase is asked for on the
//! terminal, and only when a file's recipient is that very key.
//!
//! Without a terminal the key cannot be used, and the caller says so instead of reporting that
//! no identity matched. On Windows sops-rs has no prompt without echo, so such a key is refused
//! there with that reason. The public key is read from the key file's clear header, so that a key
//! is only unlocked for a recipient it can open (a file for other recipients asks for nothing).

use std::fs::File;
use std::sync::{Arc, Mutex};

use age::secrecy::SecretString;
use base64::Engine;
use zeroize::Zeroizing;

use super::BoxedIdentity;

/// An SSH key that needs a passphrase before age can use it.
pub(super) struct ProtectedSshKey {
    /// The public key in SSH wire format.
    public_key: Vec<u8>,
    /// The key wrapped with a terminal prompt for its passphrase.
    pub(super) identity: BoxedIdentity,
}

impl ProtectedSshKey {
    /// `identity` is the parsed (encrypted) key from `text`; `name` says where it came from
    /// (`SSH key ~/.ssh/id_ed25519`).
    /// `Err` says why it cannot be used: there is no terminal to ask on, or the file is not an
    /// OpenSSH key whose public half can be read.
    pub(super) fn new(
        identity: age::ssh::Identity,
        text: &[u8],
        name: &str,
    ) -> Result<ProtectedSshKey, String> {
        let public_key = openssh_public_key(text).ok_or_else(|| {
            format!("{name} is protected by a passphrase in a form sops-rs cannot read")
        })?;
        if cfg!(windows) {
            return Err(format!(
                "{name} is protected by a passphrase, which sops-rs cannot ask for on Windows \
                 (use an unprotected key)"
            ));
        }
        if File::options()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_err()
        {
            return Err(format!(
                "{name} is protected by a passphrase, and there is no terminal to ask for it (use \
                 an unprotected key, or run sops-rs in a terminal)"
            ));
        }
        let prompt = TerminalPrompt {
            prompt: format!("Enter passphrase for {name}: "),
            remembered: Arc::default(),
        };
        Ok(ProtectedSshKey {
            public_key,
            identity: Box::new(identity.with_callbacks(prompt)),
        })
    }

    /// Whether `recipient` (`ssh-ed25519 AAAA... comment`) is this key.
    pub(super) fn is_for(&self, recipient: &str) -> bool {
        recipient
            .split_whitespace()
            .nth(1)
            .and_then(|encoded| {
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .ok()
            })
            .is_some_and(|blob| blob == self.public_key)
    }
}

/// The public key of an OpenSSH private key file (`openssh-key-v1`), which is stored in clear
/// even when the private key is encrypted.
fn openssh_public_key(text: &[u8]) -> Option<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN OPENSSH PRIVATE KEY-----";
    const END: &str = "-----END OPENSSH PRIVATE KEY-----";
    let text = std::str::from_utf8(text).ok()?;
    let body = &text[text.find(BEGIN)? + BEGIN.len()..];
    let body: String = body[..body.find(END)?]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    let mut rest = bytes.strip_prefix(b"openssh-key-v1\0")?;
    // cipher name, KDF name, KDF options, then the number of keys and the first public key.
    for _ in 0..3 {
        rest = &rest[4 + ssh_length(rest)?..];
    }
    let count = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?);
    rest = rest.get(4..)?;
    let length = ssh_length(rest)?;
    (count >= 1).then(|| rest[4..4 + length].to_vec())
}

/// The length of the SSH wire string at the start of `bytes`, if all of it is there.
fn ssh_length(bytes: &[u8]) -> Option<usize> {
    let length = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    (bytes.len() >= 4 + length).then_some(length)
}

/// Asks for a passphrase on the terminal, without echo, and remembers it for the rest of the
/// run (several files, or several entries of one file, may need the same key).
#[derive(Clone)]
struct TerminalPrompt {
    prompt: String,
    remembered: Arc<Mutex<Option<Zeroizing<String>>>>,
}

impl age::Callbacks for TerminalPrompt {
    fn display_message(&self, _: &str) {}

    fn confirm(&self, _: &str, _: &str, _: Option<&str>) -> Option<bool> {
        None
    }

    fn request_public_string(&self, _: &str) -> Option<String> {
        None
    }

    fn request_passphrase(&self, _: &str) -> Option<SecretString> {
        let mut remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        if remembered.is_none() {
            *remembered = ask_without_echo(&self.prompt);
        }
        remembered
            .as_ref()
            .map(|passphrase| SecretString::from(passphrase.to_string()))
    }
}

/// Windows: never reached (`ProtectedSshKey::new` refuses the key).
#[cfg(windows)]
fn ask_without_echo(_prompt: &str) -> Option<Zeroizing<String>> {
    None
}

/// Writes `prompt` to the terminal and reads one line with echo turned off.
#[cfg(unix)]
fn ask_without_echo(prompt: &str) -> Option<Zeroizing<String>> {
    use crate::bounded::{Kind, read_line};
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    use std::io::{BufReader, Write};
    let mut tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let saved = tcgetattr(&tty).ok()?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    tty.write_all(prompt.as_bytes()).ok()?;
    tcsetattr(&tty, OptionalActions::Flush, &quiet).ok()?;
    let answer = read_line(&mut BufReader::new(&tty), Kind::Answer);
    let _ = tcsetattr(&tty, OptionalActions::Now, &saved);
    let _ = tty.write_all(b"\n");
    answer.ok().flatten().map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: &[u8] = include_bytes!("../../../fixtures/keys/ssh-ed25519-protected");
    const PUBLIC: &str = include_str!("../../../fixtures/keys/ssh-ed25519-protected.pub");

    #[test]
    fn the_public_key_is_read_from_a_protected_key_file() {
        let blob = base64::engine::general_purpose::STANDARD
            .decode(PUBLIC.split_whitespace().nth(1).unwrap())
            .unwrap();
        assert_eq!(openssh_public_key(PRIVATE), Some(blob));
        assert_eq!(openssh_public_key(b"not a key"), None);
        assert_eq!(openssh_public_key(&PRIVATE[..PRIVATE.len() / 3]), None);
    }

    #[test]
    fn a_protected_key_is_only_for_its_own_recipient() {
        let identity = age::ssh::Identity::from_buffer(PRIVATE, None).unwrap();
        assert!(matches!(identity, age::ssh::Identity::Encrypted(_)));
        let key = ProtectedSshKey {
            public_key: openssh_public_key(PRIVATE).unwrap(),
            identity: Box::new(identity),
        };
        assert!(key.is_for(PUBLIC.trim()));
        assert!(!key.is_for(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJP1iUEa+gXXF0eWmGMdm/SmwDwx86LC2+O/7Jb1xgu7 other"
        ));
        assert!(!key.is_for("age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq"));
    }
}
