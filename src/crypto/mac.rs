//! The file MAC: SHA-512 over every hashed leaf's plaintext in tree order, stored as uppercase
//! hex and encrypted with `lastmodified` (RFC 3339, whole seconds) as additional data.

use sha2::{Digest, Sha512};

use super::ValueCipher;
use super::cipher::{CipherError, Plain};
use crate::tree::{Scalar, Timestamp};

/// SHA-256("sops"): fed first when only encrypted values are hashed (`mac_only_encrypted`).
const MAC_ONLY_ENCRYPTED_SEED: [u8; 32] = [
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
    0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
];

/// The running MAC of one file.
pub struct MacHasher(Sha512);

impl MacHasher {
    /// Starts a MAC; `mac_only_encrypted` seeds it as sops does.
    pub fn new(mac_only_encrypted: bool) -> Self {
        let mut hasher = Sha512::new();
        if mac_only_encrypted {
            hasher.update(MAC_ONLY_ENCRYPTED_SEED);
        }
        MacHasher(hasher)
    }

    /// Adds a leaf's plaintext bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The MAC as 128 uppercase hex digits.
    pub fn finish_hex(self) -> String {
        hex::encode_upper(self.0.finalize())
    }
}

/// Encrypts a MAC for storage in the metadata.
pub fn encrypt_mac(cipher: &mut ValueCipher, mac_hex: &str, lastmodified: &Timestamp) -> String {
    cipher.encrypt_bytes(
        mac_hex.as_bytes(),
        lastmodified.to_rfc3339().as_bytes(),
        "str",
    )
}

/// Decrypts a stored MAC. An empty stored MAC gives the empty string (sops's "no MAC").
pub fn decrypt_mac(
    cipher: &mut ValueCipher,
    stored: &str,
    lastmodified: &Timestamp,
) -> Result<String, CipherError> {
    match cipher.decrypt(stored, lastmodified.to_rfc3339().as_bytes())? {
        Plain::Scalar(Scalar::Str(mac)) => Ok(mac),
        _ => Err(CipherError::BadPlaintext("str".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_sha256_of_sops() {
        use sha2::Sha256;
        assert_eq!(Sha256::digest(b"sops").as_slice(), &MAC_ONLY_ENCRYPTED_SEED);
    }

    #[test]
    fn known_answer_and_round_trip() {
        let mut mac = MacHasher::new(false);
        mac.update(b"abc");
        let hex = mac.finish_hex();
        assert!(hex.starts_with("DDAF35A193617ABA"), "{hex}");
        assert_eq!(hex.len(), 128);
        let key = crate::crypto::DataKey::generate();
        let mut cipher = ValueCipher::new(&key);
        let at = Timestamp::parse_rfc3339("2026-05-22T20:16:23Z").unwrap();
        let stored = encrypt_mac(&mut cipher, &hex, &at);
        assert_eq!(decrypt_mac(&mut cipher, &stored, &at).unwrap(), hex);
        let later = Timestamp::parse_rfc3339("2026-05-22T20:16:24Z").unwrap();
        assert!(decrypt_mac(&mut cipher, &stored, &later).is_err());
    }
}
