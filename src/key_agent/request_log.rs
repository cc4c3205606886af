//! The agent's own audit log: one `keyservice.request` record per request it served, with who
//! asked (the peer's uid and pid from the unix socket's credentials), the key's type and id,
//! the result and where the answer came from (`provider`, `cache`, `cache_stale`). Records go
//! through the audit trail's sinks and envelope; they never carry a key or a value. A writer
//! thread stores them, so that the file sink's `fsync` per record is not on the request's path;
//! [`RequestLog::close`] waits for every record to be stored.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::json;

use crate::audit::sinks::{Auditor, FileSink, Sink};
use crate::audit::{Mode, Record, RunContext};
use crate::keys::{KeyKind, KeySource};
use crate::keyservice::Peer;

/// One request the agent served.
#[derive(Clone, Debug)]
pub struct Served<'a> {
    /// `encrypt` or `decrypt`.
    pub operation: &'a str,
    /// The key's type.
    pub kind: KeyKind,
    /// The key's id.
    pub key_id: &'a str,
    /// `success`, `no_credentials` or `failure`.
    pub result: &'a str,
    /// Where the answer came from.
    pub source: KeySource,
    /// How long the agent took to answer.
    pub duration: Duration,
    /// Who asked.
    pub peer: &'a Peer,
}

/// The log. Safe to share between request handlers.
pub struct RequestLog {
    ctx: RunContext,
    queue: Mutex<Option<Sender<Record>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    op_id: String,
    listen: String,
}

impl RequestLog {
    /// A log appended to `path`, for an agent listening on `listen`; `vars` is the captured
    /// environment (the records' actor, host and CI context come from it).
    pub fn to_file(path: PathBuf, listen: &str, vars: HashMap<String, String>) -> RequestLog {
        let sink: Box<dyn Sink> = Box::new(FileSink::new(path));
        let auditor = Auditor::new(Mode::BestEffort, RunContext::new(vars), vec![sink]);
        RequestLog::new(auditor, listen)
    }

    /// A log written through `auditor` (the audit trail's sinks, as the settings configure
    /// them), for an agent listening on `listen`.
    pub fn new(mut auditor: Auditor, listen: &str) -> RequestLog {
        let ctx = auditor.ctx.clone();
        let (queue, records) = channel::<Record>();
        let writer = std::thread::Builder::new()
            .name("agent-request-log".into())
            .spawn(move || {
                for record in records {
                    let _ = auditor.emit(&record, false);
                }
            })
            .expect("the request log's writer starts");
        RequestLog {
            ctx,
            queue: Mutex::new(Some(queue)),
            writer: Mutex::new(Some(writer)),
            op_id: crate::audit::new_id(),
            listen: listen.to_string(),
        }
    }

    /// Queues the record of one served request (a failing sink warns once on stderr).
    pub fn record(&self, served: &Served) {
        let record = Record::new("keyservice.request", &self.ctx, &self.op_id)
            .with("operation", served.operation)
            .with(
                "key",
                json!({"type": served.kind.tag(), "id": served.key_id}),
            )
            .with("result", served.result)
            .with("source", served.source.tag())
            .with(
                "latency_ms",
                (served.duration.as_secs_f64() * 1e6).round() / 1e3,
            )
            .with("key_service", self.listen.clone())
            .with("peer", peer_json(served.peer));
        if let Some(queue) = &*self.queue.lock().unwrap_or_else(|e| e.into_inner()) {
            let _ = queue.send(record);
        }
    }

    /// Stores every queued record and stops the writer; later records are dropped.
    pub fn close(&self) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(writer) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = writer.join();
        }
    }
}

/// `{"uid", "pid"}` over a unix socket, `{"address"}` over TCP.
fn peer_json(peer: &Peer) -> serde_json::Value {
    match &peer.address {
        Some(address) => json!({"address": address}),
        None => json!({"uid": peer.uid, "pid": peer.pid}),
    }
}

impl Drop for RequestLog {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_request_with_peer_key_and_source() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.log");
        let log = RequestLog::to_file(path.clone(), "unix:///run/agent.sock", HashMap::new());
        log.record(&Served {
            operation: "decrypt",
            kind: KeyKind::HcVault,
            key_id: "http://127.0.0.1:8200/v1/transit/keys/sops",
            result: "success",
            source: KeySource::CacheStale,
            duration: Duration::from_micros(1500),
            peer: &Peer {
                uid: Some(1000),
                pid: Some(4242),
                address: None,
            },
        });
        log.close();
        let text = std::fs::read_to_string(&path).unwrap();
        // The file sink starts its hash chain with a record of its own.
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let record: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(record["event"], "keyservice.request");
        assert_eq!(record["operation"], "decrypt");
        assert_eq!(record["key"]["type"], "hc_vault");
        assert_eq!(record["source"], "cache_stale");
        assert_eq!(record["latency_ms"], 1.5);
        assert_eq!(record["key_service"], "unix:///run/agent.sock");
        assert_eq!(record["peer"], json!({"uid": 1000, "pid": 4242}));
    }
}
