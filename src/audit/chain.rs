//! The hash chain that makes an audit log tamper-evident: every line carries the SHA-256 of the
//! line before it, its sequence number and the chain id. [`verify`] walks a log and reports the
//! first line where the chain breaks (an edited, deleted, inserted or reordered line).

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

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

/// Checks a whole log.
pub fn verify(text: &str) -> Report {
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
        let report = verify(&text(&lines));
        assert_eq!(report.broken, None);
        assert_eq!(report.head, Some(digest(&lines[4])));
        assert_eq!(next_after(&lines[4]).unwrap().seq, 5);
    }

    #[test]
    fn each_kind_of_tampering_is_caught_at_its_line() {
        let lines = log(5);
        let mut edited = lines.clone();
        edited[2] = edited[2].replace("\"e2\"", "\"eX\"");
        assert_eq!(verify(&text(&edited)).broken.unwrap().0, 3);
        let mut deleted = lines.clone();
        deleted.remove(2);
        assert_eq!(verify(&text(&deleted)).broken.unwrap().0, 3);
        let mut swapped = lines.clone();
        swapped.swap(1, 2);
        assert_eq!(verify(&text(&swapped)).broken.unwrap().0, 2);
        let mut garbage = lines.clone();
        garbage.insert(3, "not json".into());
        assert_eq!(verify(&text(&garbage)).broken.unwrap().0, 4);
        let truncated_front = &lines[1..];
        assert_eq!(verify(&text(truncated_front)).broken.unwrap().0, 1);
    }
}
