//! The audit trail: structured events that say who used which secrets file, where, when, with
//! which keys and with what outcome, and never the secrets themselves.
//!
//! This module owns the record layout (schema `sops-rs.audit/1.0`, documented in
//! docs/audit.md), the context that goes into every record (actor, host, CI run, repository,
//! the file), keyed hashing of tree paths, the settings and who may make them, and the list of
//! sinks with the hash chain. It does not decide when to emit: the command layer calls it. It
//! never sees plaintext, data keys or identities; what it is given is built from metadata that
//! is already public in the encrypted file.

pub mod chain;
pub mod context;
pub mod report;
pub mod settings;
pub mod sinks;
pub mod subject;

use hmac::{Hmac, Mac};
use serde_json::{Map as JsonMap, Value as Json};
use sha2::Sha256;

pub use context::RunContext;
pub use settings::{Settings, SettingsError};
pub use subject::FileFacts;

/// The schema name and version written into every record.
pub const SCHEMA: &str = "sops-rs.audit/1.0";

/// How strictly auditing is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Nothing is emitted.
    Off,
    /// Events are emitted; a failing sink only warns.
    BestEffort,
    /// No key is unwrapped before the start event is stored, and decrypted output is released
    /// only after the finish event is stored.
    Required,
}

impl Mode {
    /// Parses `off`, `best_effort` or `required`.
    pub fn parse(text: &str) -> Option<Mode> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "off" | "none" => Some(Mode::Off),
            "best_effort" => Some(Mode::BestEffort),
            "required" => Some(Mode::Required),
            _ => None,
        }
    }
}

/// A closed, low-cardinality list of failure classes (OpenTelemetry `error.type`).
pub fn error_class(exit_code: u8) -> &'static str {
    match exit_code {
        2 => "input_parse_error",
        3 => "output_write_error",
        4 => "output_write_error",
        6..=8 => "usage_error",
        21 | 23 => "internal",
        25 => "integrity_error",
        49 | 100 => "input_read_error",
        51 => "mac_mismatch",
        75 => "audit_unavailable",
        91 | 92 => "usage_error",
        112 => "config_error",
        128 => "key_unavailable",
        200 => "unchanged",
        201 => "editor_error",
        203 => "already_encrypted",
        _ => "failure",
    }
}

/// The exit code sops-rs uses when the audit trail cannot be written in `required` mode
/// (BSD `EX_TEMPFAIL`; sops has no such code, and 75 collides with none of its codes).
pub const AUDIT_UNAVAILABLE_EXIT: u8 = 75;

/// A key for hashing sensitive identifiers (tree paths), Vault style, and for keying the lines
/// of a file log.
#[derive(Clone)]
pub struct HmacKey(zeroize::Zeroizing<Vec<u8>>);

impl HmacKey {
    /// From `SOPS_RS_AUDIT_HMAC_KEY`: base64 of at least 32 bytes.
    pub fn from_base64(text: &str) -> Result<HmacKey, String> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| "SOPS_RS_AUDIT_HMAC_KEY is not valid base64".to_string())?;
        if bytes.len() < 32 {
            return Err("SOPS_RS_AUDIT_HMAC_KEY must hold at least 32 bytes".into());
        }
        Ok(HmacKey(zeroize::Zeroizing::new(bytes)))
    }

    fn mac(&self, input: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(input);
        mac.finalize().into_bytes().to_vec()
    }

    /// `hmac-sha256:<hex>` of a value (a tree path in sops syntax, `["a"][0]`).
    pub fn hash(&self, value: &str) -> String {
        format!("hmac-sha256:{}", hex::encode(self.mac(value.as_bytes())))
    }

    /// `hmac-sha256:<hex>` of a log line, under a key derived from this one for that purpose
    /// only (a line's MAC is never a path hash).
    pub fn chain_mac(&self, line: &str) -> String {
        let derived = self.mac(b"sops-rs-audit-chain");
        let mut mac = Hmac::<Sha256>::new_from_slice(&derived).expect("HMAC takes any key length");
        mac.update(line.as_bytes());
        format!("hmac-sha256:{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// Which key produced the hashes: the first 16 hex digits of HMAC(key, fixed label).
    pub fn key_id(&self) -> String {
        hex::encode(self.mac(b"sops-rs-audit-key-id"))[..16].to_string()
    }
}

/// A new random record id (UUID version 7 layout: time-ordered).
pub fn new_id() -> String {
    use rand::RngCore;
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// RFC 3339 UTC with microseconds.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.microsecond()
    )
}

/// A record under construction: fields keep the order they are added in (schema, ts, event
/// first), which keeps the line bytes stable for the hash chain.
#[derive(Clone, Debug)]
pub struct Record(pub JsonMap<String, Json>);

impl Record {
    /// A record with the envelope fields every event has.
    pub fn new(event: &str, ctx: &RunContext, op_id: &str) -> Record {
        let mut map = JsonMap::new();
        map.insert("schema".into(), SCHEMA.into());
        map.insert("ts".into(), now_rfc3339().into());
        map.insert("event".into(), event.into());
        map.insert("id".into(), new_id().into());
        map.insert("op_id".into(), op_id.into());
        map.insert("invocation_id".into(), ctx.invocation_id.clone().into());
        map.insert("tool".into(), ctx.tool());
        map.insert("actor".into(), ctx.actor());
        map.insert("host".into(), ctx.host());
        if let Some(ci) = ctx.ci() {
            map.insert("ci".into(), ci);
        }
        if let Some(vcs) = ctx.vcs() {
            map.insert("vcs".into(), vcs);
        }
        Record(map)
    }

    /// Adds a field (later fields come after earlier ones).
    pub fn with(mut self, key: &str, value: impl Into<Json>) -> Record {
        self.0.insert(key.to_string(), value.into());
        self
    }

    /// The event name.
    pub fn event(&self) -> &str {
        self.0
            .get("event")
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    /// The compact JSON line, without the newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(&self.0).expect("records are plain JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_is_vault_style_and_keyed() {
        use base64::Engine;
        let key =
            HmacKey::from_base64(&base64::engine::general_purpose::STANDARD.encode([7u8; 32]))
                .unwrap();
        let hash = key.hash(r#"["db"]["password"]"#);
        assert!(
            hash.starts_with("hmac-sha256:") && hash.len() == 12 + 64,
            "{hash}"
        );
        assert_eq!(hash, key.hash(r#"["db"]["password"]"#));
        let other =
            HmacKey::from_base64(&base64::engine::general_purpose::STANDARD.encode([8u8; 32]))
                .unwrap();
        assert_ne!(hash, other.hash(r#"["db"]["password"]"#));
        assert_eq!(key.key_id().len(), 16);
        assert!(HmacKey::from_base64("c2hvcnQ=").is_err());
    }

    #[test]
    fn ids_are_uuid_v7_shaped() {
        let id = new_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "7");
        assert_ne!(id, new_id());
        assert!(Mode::parse("best-effort") == Some(Mode::BestEffort));
    }
}
