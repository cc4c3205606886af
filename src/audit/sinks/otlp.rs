//! The OTLP sink: audit records as OpenTelemetry logs, POSTed as OTLP/HTTP JSON. Configured by
//! the user only (a repository config cannot name an endpoint): `SOPS_RS_AUDIT_OTLP_ENDPOINT`,
//! else `audit.otlp_endpoint` of the user's own config, else the standard
//! `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT` (unless
//! `OTEL_SDK_DISABLED` or `OTEL_LOGS_EXPORTER` says no), with the headers of
//! `OTEL_EXPORTER_OTLP_LOGS_HEADERS` / `OTEL_EXPORTER_OTLP_HEADERS`, whose values are
//! credentials and never appear in a message.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value as Json, json};

use super::{Level, Record, RunContext, SettingsError, Sink, Sources};

/// sops-rs's own endpoint variable (a collector base URL; `/v1/logs` is appended).
pub const ENDPOINT_VAR: &str = "SOPS_RS_AUDIT_OTLP_ENDPOINT";

/// The OTLP sink the user's environment configures, if any.
pub fn configure(sources: &Sources, level: Level) -> Result<Vec<Box<dyn Sink>>, SettingsError> {
    if level != Level::User {
        // The config parser refuses `audit.otlp_endpoint`: a repository sends nothing anywhere.
        return Ok(Vec::new());
    }
    let standard_on = !sources
        .var("OTEL_SDK_DISABLED")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        && sources
            .var("OTEL_LOGS_EXPORTER")
            .is_none_or(|v| v.split(',').any(|e| e.trim() == "otlp"));
    let own = sources.var(ENDPOINT_VAR).or_else(|| {
        sources
            .user_config()
            .and_then(|c| c.otlp_endpoint.as_deref())
    });
    let url = if let Some(base) = own {
        logs_url(base)
    } else if let Some(url) = sources
        .var("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
        .filter(|_| standard_on)
    {
        url.trim().to_string()
    } else if let Some(base) = sources
        .var("OTEL_EXPORTER_OTLP_ENDPOINT")
        .filter(|_| standard_on)
    {
        logs_url(base)
    } else {
        return Ok(Vec::new());
    };
    let headers = match [
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
        "OTEL_EXPORTER_OTLP_HEADERS",
    ]
    .into_iter()
    .find_map(|name| sources.var(name).map(|value| (name, value)))
    {
        Some((name, value)) => {
            parse_headers(value).map_err(|why| SettingsError(format!("{name}: {why}")))?
        }
        None => HeaderMap::new(),
    };
    Ok(vec![Box::new(OtlpSink {
        url,
        headers,
        pending: Vec::new(),
        client: None,
    })])
}

/// `base` + `/v1/logs`, unless it already ends so.
fn logs_url(base: &str) -> String {
    signal_url(base, "logs")
}

/// `base` + `/v1/<signal>`, unless it already ends so (the OTLP/HTTP path of each signal).
pub(crate) fn signal_url(base: &str, signal: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    let path = format!("/v1/{signal}");
    if base.ends_with(&path) {
        base.to_string()
    } else {
        format!("{base}{path}")
    }
}

/// `key1=value1,key2=value2` with percent-encoded values (the OpenTelemetry exporter format).
/// Values are marked sensitive; an error names the header, never its value.
pub(crate) fn parse_headers(text: &str) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    for entry in text.split(',').filter(|e| !e.trim().is_empty()) {
        let Some((name, value)) = entry.split_once('=') else {
            return Err("an entry is not key=value".into());
        };
        let name = name.trim();
        let header = HeaderName::from_bytes(percent_decode(name).as_slice())
            .map_err(|_| format!("{name:?} is not a header name"))?;
        let mut value = HeaderValue::from_bytes(percent_decode(value.trim()).as_slice())
            .map_err(|_| format!("the value of {name} is not a valid header value"))?;
        value.set_sensitive(true);
        headers.insert(header, value);
    }
    Ok(headers)
}

pub(crate) fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    out
}

/// OTLP/HTTP JSON logs. Records are batched and sent when a gating or finishing record
/// arrives, with a bounded timeout and a few retries on 429 and 5xx.
pub struct OtlpSink {
    url: String,
    headers: HeaderMap,
    pending: Vec<Record>,
    client: Option<reqwest::blocking::Client>,
}

impl OtlpSink {
    fn attribute(key: &str, value: &Json) -> Option<Json> {
        let value = match value {
            Json::String(s) => json!({"stringValue": s}),
            Json::Bool(b) => json!({"boolValue": b}),
            Json::Number(n) if n.is_i64() || n.is_u64() => json!({"intValue": n.to_string()}),
            Json::Number(n) => json!({"doubleValue": n.as_f64()}),
            _ => return None,
        };
        Some(json!({"key": key, "value": value}))
    }

    /// OpenTelemetry names for the fields that have one; `sops-rs.*` for the rest.
    fn attribute_name(path: &str) -> String {
        match path {
            "ci.run_id" => "cicd.pipeline.run.id",
            "ci.run_url" => "cicd.pipeline.run.url.full",
            "ci.workflow" => "cicd.pipeline.name",
            "ci.job" => "cicd.pipeline.task.name",
            "ci.job_id" => "cicd.pipeline.task.run.id",
            "ci.job_url" => "cicd.pipeline.task.run.url.full",
            "ci.runner_name" => "cicd.worker.name",
            "vcs.provider" => "vcs.provider.name",
            "vcs.url" => "vcs.repository.url.full",
            "vcs.ref" => "vcs.ref.head.name",
            "vcs.revision" => "vcs.ref.head.revision",
            "vcs.change_id" => "vcs.change.id",
            "actor.user" => "user.name",
            "error.class" => "error.type",
            other => return format!("sops-rs.{other}"),
        }
        .to_string()
    }

    fn flatten(prefix: &str, value: &Json, out: &mut Vec<Json>) {
        match value {
            Json::Object(map) => {
                for (key, inner) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    Self::flatten(&path, inner, out);
                }
            }
            Json::Array(items) => {
                for (index, inner) in items.iter().enumerate() {
                    Self::flatten(&format!("{prefix}.{index}"), inner, out);
                }
            }
            other => {
                if let Some(attribute) = Self::attribute(&Self::attribute_name(prefix), other) {
                    out.push(attribute);
                }
            }
        }
    }

    fn log_record(record: &Record) -> Json {
        let outcome = record.0.get("outcome").and_then(Json::as_str).unwrap_or("");
        let (number, text) = match outcome {
            "failure" | "denied" => (17, "ERROR"),
            "aborted" => (13, "WARN"),
            _ => (9, "INFO"),
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
            .to_string();
        let mut attributes = Vec::new();
        for (key, value) in &record.0 {
            if matches!(key.as_str(), "schema" | "ts" | "event" | "tool" | "host") {
                continue;
            }
            Self::flatten(key, value, &mut attributes);
        }
        attributes.push(json!({"key": "sops-rs.record.sha256", "value": {"stringValue": crate::audit::chain::digest(&record.to_line())}}));
        let body = if outcome.is_empty() {
            record.event().to_string()
        } else {
            format!("{}: {outcome}", record.event())
        };
        json!({
            "timeUnixNano": nanos,
            "observedTimeUnixNano": nanos,
            "severityNumber": number,
            "severityText": text,
            "eventName": format!("sops-rs.{}", record.event()),
            "body": {"stringValue": body},
            "attributes": attributes,
        })
    }

    fn body(&self, ctx: &RunContext) -> Json {
        let host = ctx.host();
        json!({"resourceLogs": [{
            "resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "sops-rs"}},
                {"key": "service.version", "value": {"stringValue": env!("CARGO_PKG_VERSION")}},
                {"key": "host.name", "value": {"stringValue": host["name"]}},
                {"key": "host.arch", "value": {"stringValue": host["arch"]}},
                {"key": "os.type", "value": {"stringValue": host["os"]}},
                {"key": "process.pid", "value": {"intValue": std::process::id().to_string()}},
            ]},
            "scopeLogs": [{
                "scope": {"name": "sops-rs.audit", "version": "1.0"},
                "logRecords": self.pending.iter().map(Self::log_record).collect::<Vec<_>>(),
            }],
        }]})
    }

    fn send(&mut self, ctx: &RunContext) -> Result<(), String> {
        let client = match &self.client {
            Some(client) => client.clone(),
            None => {
                let client = reqwest::blocking::Client::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .timeout(Duration::from_secs(5))
                    .build()
                    .map_err(|e| format!("otlp client: {e}"))?;
                self.client = Some(client.clone());
                client
            }
        };
        let body = serde_json::to_vec(&self.body(ctx)).expect("plain JSON");
        let mut last_error = String::new();
        for attempt in 0..3u32 {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200 * 2u64.pow(attempt - 1)));
            }
            match client
                .post(&self.url)
                .headers(self.headers.clone())
                .header("Content-Type", "application/json")
                .body(body.clone())
                .send()
            {
                Ok(response) if response.status().is_success() => {
                    self.pending.clear();
                    return Ok(());
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    last_error = format!("otlp {}: HTTP {status}", self.url);
                    if !matches!(status, 429 | 502 | 503 | 504) {
                        break;
                    }
                }
                Err(e) => {
                    last_error = format!(
                        "otlp {}: {}",
                        self.url,
                        if e.is_timeout() {
                            "timed out".to_string()
                        } else {
                            "unreachable".to_string()
                        }
                    );
                }
            }
        }
        Err(last_error)
    }
}

impl Sink for OtlpSink {
    fn name(&self) -> &'static str {
        "otlp"
    }

    fn write(&mut self, record: &Record, ctx: &RunContext, gate: bool) -> Result<(), String> {
        self.pending.push(record.clone());
        if gate || record.event().ends_with(".finish") {
            self.send(ctx)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_decoded_and_sensitive() {
        let headers = parse_headers("Authorization=Bearer%20abc, x-tenant = blue ,").unwrap();
        assert_eq!(headers["authorization"], "Bearer abc");
        assert!(headers["authorization"].is_sensitive());
        assert_eq!(headers["x-tenant"], "blue");
        let error = parse_headers("x-key=s3c%0Aret").unwrap_err();
        assert!(!error.contains("s3c"), "{error}");
        assert!(parse_headers("novalue").is_err());
        assert_eq!(logs_url("http://c:4318/"), "http://c:4318/v1/logs");
    }
}
