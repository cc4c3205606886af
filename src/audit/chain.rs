//! The hash chain that makes an audit log tamper-evident: every line carries the SHA-256 of the
//! line before it, its sequence number and the chain id. [`verify`] walks a log and reports the
//! first line where the chain breaks (an edited, deleted, inserted or reordered line).
//!
//! The chain alone cannot notice what comes after its last line, so it has two anchors outside
//! the log: a key (each line carries an HMAC over itself, [`seal`]) and a head (the digest and
//! record count of the last line, kept elsewhere: [`Heads`]). docs/audit.md says what each one
//! detects.

use std::path::Path;

use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use super::HmacKey;

/// `prev` of the first record of a chain.
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// `sha256:<hex>` of a line's bytes (without its newline).
pub fn digest(line: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(line.as_bytes())))
}

/// Where the next record of a chain goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// The chain id.
    pub id: String,
    /// The next sequence number.
    pub seq: u64,
    /// The digest of the last line.
    pub prev: String,
}

/// The position after `last_line`, or `None` when it is not a chained record (then a new chain
/// starts).
pub fn next_after(last_line: &str) -> Option<Position> {
    let record: Json = serde_json::from_str(last_line).ok()?;
    let chain = record.get("chain")?;
    Some(Position {
        id: chain.get("id")?.as_str()?.to_string(),
        seq: chain.get("seq")?.as_u64()? + 1,
        prev: digest(last_line),
    })
}

/// The `"mac"` member of a keyed line's `chain` object while its MAC is computed.
const MAC_PLACEHOLDER: &str = r#""mac":"""#;

/// A keyed line: the placeholder `"mac":""` in `line` (its first occurrence, inside `chain`)
/// replaced by the HMAC of the whole line as it was with the placeholder.
pub fn seal(line: &str, key: &HmacKey) -> String {
    let mac = key.chain_mac(line);
    line.replacen(MAC_PLACEHOLDER, &format!(r#""mac":"{mac}""#), 1)
}

/// Why a keyed line does not check out under `key`, if it does not.
fn unsealed(line: &str, chain: &Json, key: &HmacKey) -> Option<String> {
    let Some(mac) = chain.get("mac").and_then(Json::as_str) else {
        return Some("carries no MAC (it was written without SOPS_RS_AUDIT_HMAC_KEY)".into());
    };
    let key_id = chain.get("key_id").and_then(Json::as_str).unwrap_or("");
    if key_id != key.key_id() {
        return Some(format!(
            "was keyed with another key (key id {key_id:?}, not {})",
            key.key_id()
        ));
    }
    let quoted = serde_json::to_string(mac).expect("a string");
    let open = line.replacen(&format!(r#""mac":{quoted}"#), MAC_PLACEHOLDER, 1);
    (key.chain_mac(&open) != mac)
        .then(|| "was changed after it was written (its MAC does not match)".into())
}

/// Where a log ended when its head was recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// The chain id.
    pub chain: String,
    /// How many records the log held (the last one's `seq` + 1).
    pub records: u64,
    /// The digest of the last line.
    pub digest: String,
}

/// A head file: the head of each log that names it, by the log's absolute path.
#[derive(Debug, Default)]
pub struct Heads(serde_json::Map<String, Json>);

/// The schema of a head file.
pub const HEAD_SCHEMA: &str = "sops-rs.audit-head/1";

impl Heads {
    /// Reads a head file's text (empty: no heads yet).
    pub fn parse(bytes: &[u8]) -> Result<Heads, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Heads::default());
        }
        let value: Json =
            serde_json::from_slice(bytes).map_err(|_| "not a sops-rs head file".to_string())?;
        if value.get("schema").and_then(Json::as_str) != Some(HEAD_SCHEMA) {
            return Err("not a sops-rs head file".into());
        }
        match value.get("logs") {
            Some(Json::Object(logs)) => Ok(Heads(logs.clone())),
            _ => Err("not a sops-rs head file".into()),
        }
    }

    /// Records the head of the log at `log`.
    pub fn set(&mut self, log: &Path, head: Head) {
        self.0.insert(
            log.display().to_string(),
            json!({"chain": head.chain, "records": head.records, "head": head.digest}),
        );
    }

    /// The head recorded for `log`; the only one when the file holds one (the log may have been
    /// copied elsewhere to be checked).
    pub fn for_log(&self, log: &Path) -> Option<Head> {
        let entry = match self.0.get(&log.display().to_string()) {
            Some(entry) => entry,
            None if self.0.len() == 1 => self.0.values().next()?,
            None => return None,
        };
        Some(Head {
            chain: entry.get("chain")?.as_str()?.to_string(),
            records: entry.get("records")?.as_u64()?,
            digest: entry.get("head")?.as_str()?.to_string(),
        })
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        format!("{}\n", json!({"schema": HEAD_SCHEMA, "logs": self.0}))
    }
}

/// What a log is checked against besides its own chain.
#[derive(Default)]
pub struct Anchors<'a> {
    /// Every line must carry a MAC made with this key.
    pub key: Option<&'a HmacKey>,
    /// The log must reach this head.
    pub head: Option<Expected>,
}

/// A head to reach.
pub enum Expected {
    /// Some line of the log has this digest (`--head sha256:…`).
    Digest(String),
    /// Line `records` of the log has this digest, in this chain (a head file).
    Head(Head),
}

/// What `verify` found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Lines read.
    pub lines: usize,
    /// The first broken line (1-based) and why.
    pub broken: Option<(usize, String)>,
    /// The digest of the last line (the chain head), when the log is intact.
    pub head: Option<String>,
    /// Operations that started but never finished (the process died): their op ids.
    pub unfinished: Vec<String>,
}

/// Checks a whole log against its chain and the anchors.
pub fn verify(text: &str, anchors: &Anchors) -> Report {
    let mut report = walk(text, anchors.key);
    if report.broken.is_some() {
        return report;
    }
    if report.lines == 0 {
        report.broken = Some((1, "the log is empty (no audit.chain_start)".into()));
        return report;
    }
    let digests: Vec<String> = text.split_terminator('\n').map(digest).collect();
    let lines = report.lines;
    match &anchors.head {
        None => {}
        Some(Expected::Digest(expected)) if !digests.contains(expected) => {
            report.broken = Some((
                lines,
                format!(
                    "no line has the expected head {expected} (lines were removed from the end, or the log was rewritten)"
                ),
            ));
        }
        Some(Expected::Digest(_)) => {}
        Some(Expected::Head(head)) => {
            let at = usize::try_from(head.records).unwrap_or(usize::MAX);
            let chain_id = text
                .split_terminator('\n')
                .next()
                .and_then(|line| serde_json::from_str::<Json>(line).ok())
                .and_then(|r| r["chain"]["id"].as_str().map(str::to_string));
            if chain_id.as_deref() != Some(head.chain.as_str()) {
                report.broken = Some((
                    1,
                    format!("the log is not chain {} of the head file", head.chain),
                ));
            } else if at > lines {
                report.broken = Some((
                    lines,
                    format!(
                        "the log ends after {lines} records, the head file recorded {at} (records were removed from the end)"
                    ),
                ));
            } else if at == 0 || digests[at - 1] != head.digest {
                report.broken = Some((
                    at.max(1),
                    format!(
                        "line {at} is not the line the head file recorded (it was changed or replaced)"
                    ),
                ));
            }
        }
    }
    report
}

/// Walks the chain (and the keyed lines' MACs).
fn walk(text: &str, key: Option<&HmacKey>) -> Report {
    let mut report = Report::default();
    let mut previous: Option<(String, u64, String)> = None; // chain id, seq, digest
    let mut open_ops: Vec<String> = Vec::new();
    for (index, line) in text.split_terminator('\n').enumerate() {
        let number = index + 1;
        report.lines = number;
        let fail = |why: String| Some((number, why));
        let record: Json = match serde_json::from_str(line) {
            Ok(Json::Object(map)) => Json::Object(map),
            _ => {
                report.broken = fail("not a JSON object".into());
                return report;
            }
        };
        if !record
            .get("schema")
            .and_then(Json::as_str)
            .is_some_and(|s| s.starts_with("sops-rs.audit/1."))
        {
            report.broken = fail("unknown or missing schema".into());
            return report;
        }
        let chain = record.get("chain");
        let id = chain.and_then(|c| c.get("id")).and_then(Json::as_str);
        let seq = chain.and_then(|c| c.get("seq")).and_then(Json::as_u64);
        let prev = chain.and_then(|c| c.get("prev")).and_then(Json::as_str);
        let (Some(id), Some(seq), Some(prev)) = (id, seq, prev) else {
            report.broken = fail("no chain fields".into());
            return report;
        };
        let problem = match &previous {
            None if seq != 0 || prev != GENESIS => {
                Some("the log does not start a chain (seq 0)".to_string())
            }
            None => None,
            Some((last_id, last_seq, last_digest)) => {
                if id != last_id {
                    Some("chain id changed".into())
                } else if seq != last_seq + 1 {
                    Some(format!(
                        "sequence jumps from {last_seq} to {seq} (a line was deleted or moved)"
                    ))
                } else if prev != last_digest {
                    // The line before this one no longer hashes to what this line recorded.
                    report.broken = Some((
                        number - 1,
                        format!(
                            "line {} was changed after it was written (line {number} recorded another hash for it)",
                            number - 1
                        ),
                    ));
                    return report;
                } else {
                    None
                }
            }
        };
        if let Some(why) = problem {
            report.broken = fail(why);
            return report;
        }
        if let Some(why) = key.and_then(|key| unsealed(line, chain.expect("checked above"), key)) {
            report.broken = fail(format!("line {number} {why}"));
            return report;
        }
        if let (Some(event), Some(op)) = (
            record.get("event").and_then(Json::as_str),
            record.get("op_id").and_then(Json::as_str),
        ) {
            if event.ends_with(".start") {
                open_ops.push(op.to_string());
            } else if event.ends_with(".finish") {
                open_ops.retain(|o| o != op);
            }
        }
        previous = Some((id.to_string(), seq, digest(line)));
    }
    report.head = previous.map(|(_, _, d)| d);
    report.unfinished = open_ops;
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: usize) -> Vec<String> {
        let mut lines = Vec::new();
        let mut prev = GENESIS.to_string();
        for seq in 0..n {
            let line = format!(
                r#"{{"schema":"sops-rs.audit/1.0","event":"e{seq}","op_id":"o","chain":{{"id":"c","seq":{seq},"prev":"{prev}"}}}}"#
            );
            prev = digest(&line);
            lines.push(line);
        }
        lines
    }

    fn text(lines: &[String]) -> String {
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn intact_log_verifies() {
        let lines = log(5);
        let report = verify(&text(&lines), &Anchors::default());
        assert_eq!(report.broken, None);
        assert_eq!(report.head, Some(digest(&lines[4])));
        assert_eq!(next_after(&lines[4]).unwrap().seq, 5);
    }

    fn keyed_log(key: &HmacKey, n: usize) -> Vec<String> {
        let mut lines = Vec::new();
        let mut prev = GENESIS.to_string();
        for seq in 0..n {
            let line = format!(
                r#"{{"schema":"sops-rs.audit/1.0","event":"e{seq}","op_id":"o","chain":{{"id":"c","seq":{seq},"prev":"{prev}","key_id":"{}","mac":""}}}}"#,
                key.key_id()
            );
            let line = seal(&line, key);
            prev = digest(&line);
            lines.push(line);
        }
        lines
    }

    #[test]
    fn the_key_catches_an_edit_of_the_last_line_and_the_head_a_cut() {
        use base64::Engine;
        let encode = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 32]);
        let key = HmacKey::from_base64(&encode(1)).unwrap();
        let keyed = Anchors {
            key: Some(&key),
            head: None,
        };
        let lines = keyed_log(&key, 4);
        assert!(lines[3].contains(r#""mac":"hmac-sha256:"#));
        assert_eq!(verify(&text(&lines), &keyed).broken, None);
        let mut edited = lines.clone();
        edited[3] = edited[3].replace("\"e3\"", "\"eX\"");
        assert_eq!(verify(&text(&edited), &Anchors::default()).broken, None);
        assert_eq!(verify(&text(&edited), &keyed).broken.unwrap().0, 4);
        let other = HmacKey::from_base64(&encode(2)).unwrap();
        let wrong = Anchors {
            key: Some(&other),
            head: None,
        };
        assert!(
            verify(&text(&lines), &wrong)
                .broken
                .unwrap()
                .1
                .contains("another key")
        );
        assert!(
            verify(&text(&log(2)), &keyed)
                .broken
                .unwrap()
                .1
                .contains("no MAC")
        );

        let mut heads = Heads::default();
        let head = Head {
            chain: "c".into(),
            records: 3,
            digest: digest(&lines[2]),
        };
        heads.set(Path::new("/l"), head.clone());
        let read = Heads::parse(heads.to_text().as_bytes()).unwrap();
        assert_eq!(read.for_log(Path::new("/elsewhere")), Some(head.clone()));
        let anchored = |head: Expected| Anchors {
            key: None,
            head: Some(head),
        };
        let grown = anchored(Expected::Head(head.clone()));
        assert_eq!(verify(&text(&lines), &grown).broken, None);
        assert!(verify(&text(&lines[..2]), &grown).broken.is_some());
        assert!(verify("", &grown).broken.is_some());
        assert!(verify("", &Anchors::default()).broken.is_some());
        let digest_head = anchored(Expected::Digest(digest(&lines[3])));
        assert_eq!(verify(&text(&lines), &digest_head).broken, None);
        assert!(verify(&text(&lines[..3]), &digest_head).broken.is_some());
        assert!(Heads::parse(b"{}").is_err());
    }

    #[test]
    fn each_kind_of_tampering_is_caught_at_its_line() {
        let lines = log(5);
        let none = Anchors::default();
        let mut edited = lines.clone();
        edited[2] = edited[2].replace("\"e2\"", "\"eX\"");
        assert_eq!(verify(&text(&edited), &none).broken.unwrap().0, 3);
        let mut deleted = lines.clone();
        deleted.remove(2);
        assert_eq!(verify(&text(&deleted), &none).broken.unwrap().0, 3);
        let mut swapped = lines.clone();
        swapped.swap(1, 2);
        assert_eq!(verify(&text(&swapped), &none).broken.unwrap().0, 2);
        let mut garbage = lines.clone();
        garbage.insert(3, "not json".into());
        assert_eq!(verify(&text(&garbage), &none).broken.unwrap().0, 4);
        let truncated_front = &lines[1..];
        assert_eq!(verify(&text(truncated_front), &none).broken.unwrap().0, 1);
    }
}
