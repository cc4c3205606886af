//! What a file is, read without any key: a sops file, a plain one, or a sops file that no
//! longer parses. `check` and `status` both ask this, so they agree on every file.

use crate::error::Error;
use crate::formats::Format;
use crate::sops_file::SopsFile;

/// A file as read without keys.
pub enum Scanned {
    /// No sops metadata: a plain file.
    Plaintext,
    /// Sops metadata that parses (its MAC or version may still be empty).
    Sops(Box<SopsFile>),
    /// A sops file (it holds metadata or ciphertext) that does not parse. The error names the
    /// file and, for a syntax error, the line; it never quotes a value.
    Broken(Error),
}

/// The mark every sops ciphertext starts with (the MAC always is one).
const CIPHERTEXT_MARK: &[u8] = b"ENC[AES256_GCM,";

/// Whether raw bytes hold sops ciphertext, so that a file which no longer parses is still
/// recognised as an encrypted one.
pub fn holds_ciphertext(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, CIPHERTEXT_MARK).is_some()
}

/// Whether the bytes can be a sops file at all: every store keeps the metadata under a name
/// with `sops` in it (`sops:`, `"sops"`, `[sops]`, `sops_version=`). A file without it is plain
/// text, found without parsing it.
pub fn may_be_sops(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"sops").is_some() || holds_ciphertext(bytes)
}

/// Reads `bytes` (of the file `name`, in `format`) as a sops file.
pub fn scan(format: Format, bytes: &[u8], name: &str) -> Scanned {
    match SopsFile::parse(format, bytes, name) {
        Ok(file) => Scanned::Sops(Box::new(file)),
        Err(Error::MetadataNotFound { .. }) => Scanned::Plaintext,
        // A file that does not parse as its format (a binary file read as sops's JSON
        // envelope, say) is plain text unless it holds ciphertext.
        Err(Error::ParseEncrypted { .. }) if !holds_ciphertext(bytes) => Scanned::Plaintext,
        Err(e) => Scanned::Broken(e),
    }
}

/// The first line of a library error about the file `name`, without the name it starts with
/// (a report names the file once).
pub fn problem_line(error: &Error, name: &str) -> String {
    let text = error.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix(name)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(line)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_plain_sops_and_broken_files_apart() {
        assert!(matches!(
            scan(Format::Yaml, b"a: 1\n", "a.yaml"),
            Scanned::Plaintext
        ));
        assert!(matches!(
            scan(Format::Binary, b"\x00\x01binary", "a.bin"),
            Scanned::Plaintext
        ));
        let broken = b"a: ENC[AES256_GCM,data:x]\nsops:\n  - [\n";
        match scan(Format::Yaml, broken, "a.yaml") {
            Scanned::Broken(e) => assert!(e.to_string().starts_with("a.yaml"), "{e}"),
            _ => panic!("a file with ciphertext that does not parse is broken"),
        }
        assert!(!may_be_sops(b"password: hunter2\n"));
        assert!(may_be_sops(b"x: 1\nsops:\n"));
    }
}
