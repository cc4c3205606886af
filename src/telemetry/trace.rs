//! The run's spans as an OTLP/HTTP JSON `ExportTraceServiceRequest`: one span for the command
//! (`sops-rs.<operation>`: operation, the file's SHA-256 and format, outcome, exit code) and one
//! child span per key attempt (`sops-rs.key.<wrap|unwrap>`: provider, key id, result, source,
//! latency, the key service and the provider's request id). No path, tree key or value is an
//! attribute: the file is named by its hash, which the audit log's `file.sha256_before` joins.

use std::time::SystemTime;

use rand::RngCore;
use serde_json::{Value as Json, json};

use super::settings::TraceParent;
use super::{Attempt, RunEnd, unix_nanos};

/// OTLP span kinds.
const KIND_INTERNAL: u8 = 1;
const KIND_CLIENT: u8 = 3;
/// OTLP status codes.
const STATUS_OK: u8 = 1;
const STATUS_ERROR: u8 = 2;

/// What the spans of one run are made of.
pub struct Spans<'a> {
    /// The span the command span joins.
    pub parent: Option<&'a TraceParent>,
    /// The audit operation name.
    pub operation: &'static str,
    /// When the command started.
    pub started: SystemTime,
    /// When it ended.
    pub ended: SystemTime,
    /// The SHA-256 of the file before the command.
    pub file_sha256: Option<&'a str>,
    /// The file's format (from its name).
    pub file_format: Option<&'static str>,
    /// How the command ended.
    pub end: RunEnd,
    /// The key attempts, in order.
    pub attempts: &'a [Attempt],
}

fn string(key: &str, value: &str) -> Json {
    json!({"key": key, "value": {"stringValue": value}})
}

fn int(key: &str, value: i64) -> Json {
    json!({"key": key, "value": {"intValue": value.to_string()}})
}

fn double(key: &str, value: f64) -> Json {
    json!({"key": key, "value": {"doubleValue": value}})
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    while bytes == [0u8; N] {
        rand::rngs::OsRng.fill_bytes(&mut bytes);
    }
    bytes
}

/// OTLP resource attributes.
pub(crate) fn resource_json(resource: &[(String, String)]) -> Json {
    let mut attributes: Vec<Json> = resource.iter().map(|(k, v)| string(k, v)).collect();
    attributes.push(int("process.pid", i64::from(std::process::id())));
    json!({"attributes": attributes})
}

impl Spans<'_> {
    /// The request body.
    pub fn to_otlp(&self, resource: &[(String, String)]) -> Json {
        let trace_id = self
            .parent
            .map(|p| p.trace_id)
            .unwrap_or_else(random_bytes::<16>);
        let trace_id = hex::encode(trace_id);
        let command_id = hex::encode(random_bytes::<8>());
        let state = self.parent.and_then(|p| p.state.as_deref()).unwrap_or("");
        let failed = matches!(self.end.outcome, "failure" | "denied");
        let mut attributes = vec![
            string("sops-rs.operation", self.operation),
            string("sops-rs.outcome", self.end.outcome),
            int("sops-rs.exit_code", i64::from(self.end.exit_code)),
            int("process.exit.code", i64::from(self.end.exit_code)),
        ];
        if let Some(sha) = self.file_sha256 {
            attributes.push(string("sops-rs.file.sha256", sha));
        }
        if let Some(format) = self.file_format {
            attributes.push(string("sops-rs.file.format", format));
        }
        if failed {
            attributes.push(string(
                "error.type",
                crate::audit::error_class(self.end.exit_code),
            ));
        }
        let mut command = json!({
            "traceId": trace_id,
            "spanId": command_id,
            "traceState": state,
            "name": format!("sops-rs.{}", self.operation),
            "kind": KIND_INTERNAL,
            "startTimeUnixNano": unix_nanos(self.started),
            "endTimeUnixNano": unix_nanos(self.ended),
            "attributes": attributes,
            "status": {"code": if failed { STATUS_ERROR } else { STATUS_OK }},
        });
        if let Some(parent) = self.parent {
            command["parentSpanId"] = json!(hex::encode(parent.span_id));
        }
        let mut spans = vec![command];
        for attempt in self.attempts {
            spans.push(self.attempt_span(attempt, &trace_id, &command_id, state));
        }
        json!({"resourceSpans": [{
            "resource": resource_json(resource),
            "scopeSpans": [{
                "scope": {"name": "sops-rs", "version": env!("CARGO_PKG_VERSION")},
                "spans": spans,
            }],
        }]})
    }

    fn attempt_span(&self, attempt: &Attempt, trace_id: &str, parent: &str, state: &str) -> Json {
        let event = &attempt.event;
        let started = attempt
            .ended
            .checked_sub(event.duration)
            .unwrap_or(attempt.ended);
        let mut attributes = vec![
            string("sops-rs.key.provider", event.kind.tag()),
            string("sops-rs.key.id", &event.id),
            string("sops-rs.key.operation", event.operation),
            string("sops-rs.key.result", event.result),
            string("sops-rs.key.source", event.source.tag()),
            double(
                "sops-rs.key.latency_ms",
                (event.duration.as_secs_f64() * 1e6).round() / 1e3,
            ),
        ];
        if let Some(service) = &event.key_service {
            attributes.push(string("sops-rs.key.service", service));
        }
        if let Some(request_id) = &event.request_id {
            attributes.push(string("sops-rs.key.provider_request_id", request_id));
        }
        let failed = event.result == "failure";
        if failed {
            attributes.push(string("error.type", "key_unavailable"));
        }
        json!({
            "traceId": trace_id,
            "spanId": hex::encode(random_bytes::<8>()),
            "parentSpanId": parent,
            "traceState": state,
            "name": format!("sops-rs.key.{}", event.operation),
            "kind": KIND_CLIENT,
            "startTimeUnixNano": unix_nanos(started),
            "endTimeUnixNano": unix_nanos(attempt.ended),
            "attributes": attributes,
            "status": {"code": if failed { STATUS_ERROR } else { STATUS_OK }},
        })
    }
}
