//! The `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` value codec and the value cipher.
//!
//! sops encrypts each value with AES-256-GCM under a 32-byte IV (so GCM derives its counter
//! block through GHASH) and the tree path as additional data, and stores data, IV and the
//! 16-byte tag in standard padded base64. An empty plaintext is stored as the empty string.
//! [`ValueCipher`] also keeps the IV stash: the IV each (path, plaintext) pair was decrypted
//! with, reused when the same value is encrypted again at the same path, so that an edit that
//! leaves a value alone leaves its ciphertext alone too. Read-only callers turn the stash off
//! ([`ValueCipher::without_iv_stash`]) and save a SHA-256 per value.

use std::collections::HashMap;

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce, Tag};
use rand::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::b64;

use super::DataKey;
use crate::tree::{Comment, Scalar, Timestamp};

type Aes256Gcm32 = AesGcm<Aes256, U32>;

/// The length of the IVs sops draws.
pub const IV_LEN: usize = 32;
const TAG_LEN: usize = 16;

/// The parts of an `ENC[...]` string, still base64-decoded but not decrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct EncValue {
    /// The ciphertext (same length as the plaintext).
    pub data: Vec<u8>,
    /// The IV (any length is accepted on decrypt; sops writes 32 bytes).
    pub iv: Vec<u8>,
    /// The 16-byte GCM tag.
    pub tag: Vec<u8>,
    /// The type tag: str, int, float, bool, time, bytes or comment.
    pub kind: String,
}

/// Why a value could not be decoded or decrypted. Never carries the value itself.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CipherError {
    /// The string is not of the `ENC[AES256_GCM,...]` form.
    #[error("value is not in sops's ENC[AES256_GCM,...] format")]
    Malformed,
    /// A base64 part does not decode.
    #[error("the {0} of an encrypted value is not valid base64")]
    BadBase64(&'static str),
    /// The GCM tag does not verify: wrong key, wrong path, or a tampered value.
    #[error("could not authenticate an encrypted value (wrong key, moved or tampered value)")]
    Authentication,
    /// The decrypted text does not parse as its declared type.
    #[error("decrypted value does not parse as type {0}")]
    BadPlaintext(String),
    /// The IV is not 32 bytes long.
    #[error("encrypted value has a {0}-byte IV; sops values use 32 bytes")]
    IvLength(usize),
    /// The type tag is unknown.
    #[error("unknown value type {0:?}")]
    UnknownType(String),
}

/// Splits `text` at its last comma, where the field `label` must start: base64 has no commas,
/// so this is the greedy split sops's pattern makes, without a substring search per value.
fn split_last_field<'a>(text: &'a str, label: &str) -> Result<(&'a str, &'a str), CipherError> {
    let comma = memchr::memrchr(b',', text.as_bytes()).ok_or(CipherError::Malformed)?;
    let field = text[comma + 1..]
        .strip_prefix(label)
        .ok_or(CipherError::Malformed)?;
    Ok((&text[..comma], field))
}

impl EncValue {
    /// Parses `ENC[AES256_GCM,data:D,iv:I,tag:T,type:K]`. Like sops's regex, the match is anchored
    /// at the start only, and each part is greedy.
    pub fn parse(s: &str) -> Result<EncValue, CipherError> {
        let rest = s
            .strip_prefix("ENC[AES256_GCM,data:")
            .ok_or(CipherError::Malformed)?;
        let close = rest.rfind(']').ok_or(CipherError::Malformed)?;
        let rest = &rest[..close];
        let (rest, kind) = split_last_field(rest, "type:")?;
        let (rest, tag) = split_last_field(rest, "tag:")?;
        let (data, iv) = split_last_field(rest, "iv:")?;
        if [data, iv, tag, kind].iter().any(|part| part.is_empty()) {
            return Err(CipherError::Malformed);
        }
        Ok(EncValue {
            data: b64::decode(data).ok_or(CipherError::BadBase64("data"))?,
            iv: b64::decode(iv).ok_or(CipherError::BadBase64("iv"))?,
            tag: b64::decode(tag).ok_or(CipherError::BadBase64("tag"))?,
            kind: kind.to_string(),
        })
    }

    fn format(data: &[u8], iv: &[u8], tag: &[u8], kind: &str) -> String {
        // Exact size, so the string is never reallocated while it is built.
        let mut out = Vec::with_capacity(
            "ENC[AES256_GCM,data:,iv:,tag:,type:]".len()
                + b64::encoded_len(data.len())
                + b64::encoded_len(iv.len())
                + b64::encoded_len(tag.len())
                + kind.len(),
        );
        out.extend_from_slice(b"ENC[AES256_GCM,data:");
        b64::encode_into(data, &mut out);
        out.extend_from_slice(b",iv:");
        b64::encode_into(iv, &mut out);
        out.extend_from_slice(b",tag:");
        b64::encode_into(tag, &mut out);
        out.extend_from_slice(b",type:");
        out.extend_from_slice(kind.as_bytes());
        out.push(b']');
        debug_assert_eq!(out.len(), out.capacity());
        String::from_utf8(out).expect("base64 and the type name are ASCII")
    }
}

/// What a decrypted value turns back into.
#[derive(Clone, Debug, PartialEq)]
pub enum Plain {
    /// A typed scalar.
    Scalar(Scalar),
    /// A comment (`type:comment`).
    Comment(Comment),
}

/// Encrypts and decrypts values of one file under its data key.
pub struct ValueCipher {
    aead: Aes256Gcm32,
    rng: rand::rngs::StdRng,
    /// `None` when the caller will not encrypt again (no hashing, no memory per value).
    stash: Option<HashMap<[u8; 32], [u8; IV_LEN]>>,
}

impl ValueCipher {
    /// A cipher with IVs from a CSPRNG seeded by the operating system.
    pub fn new(key: &DataKey) -> Self {
        Self::with_rng(key, rand::rngs::StdRng::from_entropy())
    }

    /// A cipher with a caller-chosen IV source (deterministic tests).
    pub fn with_rng(key: &DataKey, rng: rand::rngs::StdRng) -> Self {
        ValueCipher {
            aead: Aes256Gcm32::new(key.as_bytes().into()),
            rng,
            stash: Some(HashMap::new()),
        }
    }

    /// The same cipher without the IV stash: decrypting stops remembering IVs, for callers
    /// that only read (`decrypt`, `exec-env`); encrypting then always draws fresh IVs.
    pub fn without_iv_stash(mut self) -> Self {
        self.stash = None;
        self
    }

    fn stash_key(plaintext: &[u8], aad: &[u8], kind: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update((aad.len() as u64).to_le_bytes());
        hasher.update(aad);
        hasher.update(kind.as_bytes());
        hasher.update([0]);
        hasher.update(plaintext);
        hasher.finalize().into()
    }

    /// Remembers an IV for a (plaintext, path) pair so that encrypting it again reuses it.
    pub fn stash_iv(&mut self, plaintext: &[u8], aad: &[u8], kind: &str, iv: &[u8]) {
        if let (Some(stash), Ok(iv)) = (&mut self.stash, <[u8; IV_LEN]>::try_from(iv)) {
            stash.insert(Self::stash_key(plaintext, aad, kind), iv);
        }
    }

    /// Encrypts raw bytes with the given type tag. Empty input gives the empty string.
    pub fn encrypt_bytes(&mut self, plaintext: &[u8], aad: &[u8], kind: &str) -> String {
        if plaintext.is_empty() {
            return String::new();
        }
        let stashed = match &self.stash {
            Some(stash) if !stash.is_empty() => {
                stash.get(&Self::stash_key(plaintext, aad, kind)).copied()
            }
            _ => None,
        };
        let iv = match stashed {
            Some(iv) => iv,
            None => {
                let mut iv = [0u8; IV_LEN];
                self.rng.fill_bytes(&mut iv);
                iv
            }
        };
        let mut buffer = Zeroizing::new(plaintext.to_vec());
        let tag = self
            .aead
            .encrypt_in_place_detached(Nonce::<U32>::from_slice(&iv), aad, &mut buffer)
            .expect("AES-GCM encryption of a value cannot fail");
        EncValue::format(&buffer, &iv, &tag, kind)
    }

    /// Encrypts a scalar (`None` for null, which sops leaves alone).
    pub fn encrypt_scalar(&mut self, value: &Scalar, aad: &[u8]) -> Option<String> {
        let bytes = Zeroizing::new(value.to_sops_bytes()?);
        Some(self.encrypt_bytes(&bytes, aad, Self::wire_kind(value)))
    }

    /// The type tag a scalar is encrypted under: sops turns bytes into strings before
    /// encrypting, so it never writes `type:bytes`.
    pub fn wire_kind(value: &Scalar) -> &'static str {
        match value {
            Scalar::Bytes(_) => "str",
            other => other.type_name(),
        }
    }

    /// Decrypts to raw bytes and the type tag, and stashes the IV for later re-encryption.
    pub fn decrypt_bytes(
        &mut self,
        encrypted: &str,
        aad: &[u8],
    ) -> Result<(Zeroizing<Vec<u8>>, String), CipherError> {
        if encrypted.is_empty() {
            return Ok((Zeroizing::new(Vec::new()), "str".to_string()));
        }
        let enc = EncValue::parse(encrypted)?;
        if enc.tag.len() != TAG_LEN {
            return Err(CipherError::Authentication);
        }
        // sops has only ever written 32-byte IVs; another length means a hand-made or damaged
        // value, so it is refused rather than served by a second cipher instance.
        if enc.iv.len() != IV_LEN {
            return Err(CipherError::IvLength(enc.iv.len()));
        }
        let mut buffer = Zeroizing::new(enc.data);
        self.aead
            .decrypt_in_place_detached(
                Nonce::<U32>::from_slice(&enc.iv),
                aad,
                &mut buffer,
                Tag::from_slice(&enc.tag),
            )
            .map_err(|_| CipherError::Authentication)?;
        self.stash_iv(&buffer, aad, &enc.kind, &enc.iv);
        Ok((buffer, enc.kind))
    }

    /// Decrypts a value and parses it back into its declared type.
    pub fn decrypt(&mut self, encrypted: &str, aad: &[u8]) -> Result<Plain, CipherError> {
        let (bytes, kind) = self.decrypt_bytes(encrypted, aad)?;
        parse_plain(bytes, &kind)
    }
}

fn parse_plain(bytes: Zeroizing<Vec<u8>>, kind: &str) -> Result<Plain, CipherError> {
    let bad = || CipherError::BadPlaintext(kind.to_string());
    let text = || std::str::from_utf8(&bytes).map_err(|_| bad());
    Ok(Plain::Scalar(match kind {
        "str" => match std::str::from_utf8(&bytes) {
            Ok(s) => Scalar::Str(s.to_string()),
            Err(_) => Scalar::Bytes(bytes.to_vec()),
        },
        "int" => {
            let t = text()?;
            let digits = t.strip_prefix('+').unwrap_or(t);
            Scalar::Int(digits.parse().map_err(|_| bad())?)
        }
        "float" => Scalar::Float(parse_go_float(text()?).ok_or_else(bad)?),
        "bool" => Scalar::Bool(match text()? {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
            "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
            _ => return Err(bad()),
        }),
        "time" => Scalar::Time(Timestamp::parse_rfc3339(text()?).ok_or_else(bad)?),
        "bytes" => Scalar::Bytes(bytes.to_vec()),
        "comment" => return Ok(Plain::Comment(Comment::new(text()?))),
        other => return Err(CipherError::UnknownType(other.to_string())),
    }))
}

/// Go `strconv.ParseFloat(s, 64)` for the forms sops writes and a few more.
fn parse_go_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    match lower.trim_start_matches(['+', '-']) {
        "inf" | "infinity" => {
            return Some(if s.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if s.contains('_') || s.is_empty() {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of_fs() -> DataKey {
        DataKey::from_slice(&[b'f'; 32]).unwrap()
    }

    /// The single-value vector from sops's aes/cipher_test.go.
    const SOPS_VECTOR: &str = "ENC[AES256_GCM,data:oYyi,iv:MyIDYbT718JRr11QtBkcj3Dwm4k1aCGZBVeZf0EyV8o=,tag:t5z2Z023Up0kxwCgw1gNxg==,type:str]";

    #[test]
    fn decrypts_sops_known_answer() {
        let mut cipher = ValueCipher::new(&key_of_fs());
        let plain = cipher.decrypt(SOPS_VECTOR, b"bar:").unwrap();
        assert_eq!(plain, Plain::Scalar(Scalar::Str("foo".into())));
        assert_eq!(
            cipher.decrypt(SOPS_VECTOR, b""),
            Err(CipherError::Authentication)
        );
    }

    #[test]
    fn reencrypting_a_decrypted_value_reuses_its_iv() {
        let mut cipher = ValueCipher::new(&key_of_fs());
        cipher.decrypt(SOPS_VECTOR, b"bar:").unwrap();
        let again = cipher
            .encrypt_scalar(&Scalar::Str("foo".into()), b"bar:")
            .unwrap();
        assert_eq!(again, SOPS_VECTOR);
        let elsewhere = cipher
            .encrypt_scalar(&Scalar::Str("foo".into()), b"baz:")
            .unwrap();
        assert_ne!(elsewhere, SOPS_VECTOR);
    }

    #[test]
    fn round_trips_every_type() {
        let mut cipher = ValueCipher::new(&DataKey::generate());
        let time = Timestamp::parse_rfc3339("2006-01-02T15:04:05.5+07:00").unwrap();
        for value in [
            Scalar::Str("héllo".into()),
            Scalar::Int(-9223372036854775808),
            Scalar::Float(1234.56789),
            Scalar::Float(1e-7),
            Scalar::Bool(true),
            Scalar::Bool(false),
            Scalar::Time(time),
        ] {
            let enc = cipher.encrypt_scalar(&value, b"a:b:").unwrap();
            assert!(enc.ends_with(&format!("type:{}]", value.type_name())));
            assert_eq!(cipher.decrypt(&enc, b"a:b:").unwrap(), Plain::Scalar(value));
        }
        assert_eq!(cipher.encrypt_scalar(&Scalar::Null, b"a:"), None);
        assert_eq!(
            cipher
                .encrypt_scalar(&Scalar::Str(String::new()), b"a:")
                .unwrap(),
            ""
        );
        assert_eq!(
            cipher.decrypt("", b"a:").unwrap(),
            Plain::Scalar(Scalar::Str(String::new()))
        );
    }

    #[test]
    fn rejects_malformed_and_tampered() {
        let mut cipher = ValueCipher::new(&key_of_fs());
        for bad in [
            "plain",
            "ENC[AES256_GCM,data:oYyi]",
            "ENC[AES256_GCM,data:,iv:a,tag:b,type:str]",
        ] {
            assert_eq!(
                cipher.decrypt(bad, b"bar:"),
                Err(CipherError::Malformed),
                "{bad}"
            );
        }
        let flipped = SOPS_VECTOR.replace("oYyi", "oYyj");
        assert_eq!(
            cipher.decrypt(&flipped, b"bar:"),
            Err(CipherError::Authentication)
        );
        let unknown = cipher.encrypt_bytes(b"x", b"k:", "weird");
        assert_eq!(
            cipher.decrypt(&unknown, b"k:"),
            Err(CipherError::UnknownType("weird".into()))
        );
    }
}
