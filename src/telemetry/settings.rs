//! Which telemetry exporters are on and where they send, from the user's environment and the
//! `telemetry:` section of the user's own config (the environment wins). The OpenTelemetry
//! variables follow the specification: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` /
//! `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` are used as given, `OTEL_EXPORTER_OTLP_ENDPOINT` gets
//! `/v1/traces` or `/v1/metrics` appended; `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`
//! `none` and `OTEL_SDK_DISABLED=true` turn them off. `TRACEPARENT` / `TRACESTATE` name the
//! span the command span joins (a CI pipeline's).

use std::collections::HashMap;
use std::path::PathBuf;

use reqwest::header::HeaderMap;

use crate::audit::sinks::otlp::{parse_headers, percent_decode, signal_url};
use crate::config::UserTelemetrySettings;

/// The Pushgateway URL (`SOPS_RS_METRICS_PUSHGATEWAY`).
pub const PUSHGATEWAY_VAR: &str = "SOPS_RS_METRICS_PUSHGATEWAY";
/// The Pushgateway job name (`SOPS_RS_METRICS_JOB`, default `sops_rs`).
pub const JOB_VAR: &str = "SOPS_RS_METRICS_JOB";
/// The Pushgateway `instance` grouping label (`SOPS_RS_METRICS_INSTANCE`, default the host name).
pub const INSTANCE_VAR: &str = "SOPS_RS_METRICS_INSTANCE";
/// The node_exporter textfile (`SOPS_RS_METRICS_TEXTFILE`).
pub const TEXTFILE_VAR: &str = "SOPS_RS_METRICS_TEXTFILE";

/// An OTLP/HTTP destination of one signal.
#[derive(Clone, Debug)]
pub struct OtlpTarget {
    /// The full URL (`.../v1/traces`, `.../v1/metrics`).
    pub url: String,
    /// Headers; their values are credentials and never appear in a message.
    pub headers: HeaderMap,
}

/// A Pushgateway group: the gateway's base URL and the grouping key.
#[derive(Clone, Debug)]
pub struct Pushgateway {
    /// The base URL (without `/metrics/...`).
    pub url: String,
    /// The `job` grouping label.
    pub job: String,
    /// The `instance` grouping label.
    pub instance: String,
}

/// The W3C trace context the command span joins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceParent {
    /// The trace id (16 bytes).
    pub trace_id: [u8; 16],
    /// The parent span's id (8 bytes).
    pub span_id: [u8; 8],
    /// Whether the parent sampled the trace (flag bit 0).
    pub sampled: bool,
    /// `TRACESTATE`, passed on unchanged.
    pub state: Option<String>,
}

impl TraceParent {
    /// Parses a `traceparent` value (`00-<trace id>-<parent id>-<flags>`); `None` when it is not
    /// a valid one (then the run starts a trace of its own, as the specification says).
    pub fn parse(text: &str, state: Option<&str>) -> Option<TraceParent> {
        let text = text.trim();
        let mut parts = text.split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let lower_hex = |s: &str, len: usize| {
            s.len() == len
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        if !lower_hex(version, 2) || version == "ff" || !lower_hex(flags, 2) {
            return None;
        }
        // Version 00 has exactly four fields; later versions may append more.
        if version == "00" && parts.next().is_some() {
            return None;
        }
        if !lower_hex(trace, 32) || !lower_hex(span, 16) {
            return None;
        }
        let trace_id: [u8; 16] = hex::decode(trace).ok()?.try_into().ok()?;
        let span_id: [u8; 8] = hex::decode(span).ok()?.try_into().ok()?;
        if trace_id == [0; 16] || span_id == [0; 8] {
            return None;
        }
        let flags = u8::from_str_radix(flags, 16).ok()?;
        Some(TraceParent {
            trace_id,
            span_id,
            sampled: flags & 1 == 1,
            state: state
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        })
    }
}

/// The telemetry settings of one run.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Where spans go.
    pub traces: Option<OtlpTarget>,
    /// Where OTLP metrics go.
    pub otlp_metrics: Option<OtlpTarget>,
    /// The Pushgateway group metrics are pushed to.
    pub pushgateway: Option<Pushgateway>,
    /// The node_exporter textfile.
    pub textfile: Option<PathBuf>,
    /// Resource attributes of spans and OTLP metrics (`service.name` first).
    pub resource: Vec<(String, String)>,
    /// The span the command span joins.
    pub parent: Option<TraceParent>,
    /// Settings that could not be used, each one warning line (the exporter stays off).
    pub problems: Vec<String>,
}

impl Settings {
    /// The settings `env` (the user's environment) and `user` (the user's config) make; `None`
    /// when no exporter is configured, so that nothing else is done.
    pub fn from_sources(
        env: &HashMap<String, String>,
        user: Option<&UserTelemetrySettings>,
    ) -> Option<Settings> {
        let var = |name: &str| {
            env.get(name)
                .map(String::as_str)
                .filter(|v| !v.trim().is_empty())
        };
        let sdk_on =
            !var("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let exporter_on = |name: &str| {
            sdk_on && var(name).is_none_or(|v| v.split(',').any(|e| e.trim() == "otlp"))
        };
        let user_otlp = user.and_then(|u| u.otlp_endpoint.as_deref());
        let mut problems = Vec::new();
        let mut target = |signal: &str, exporter_var: &str| -> Option<OtlpTarget> {
            if !exporter_on(exporter_var) {
                return None;
            }
            let upper = signal.to_ascii_uppercase();
            let url = match var(&format!("OTEL_EXPORTER_OTLP_{upper}_ENDPOINT")) {
                Some(url) => url.trim().to_string(),
                None => signal_url(var("OTEL_EXPORTER_OTLP_ENDPOINT").or(user_otlp)?, signal),
            };
            let header_vars = [
                format!("OTEL_EXPORTER_OTLP_{upper}_HEADERS"),
                "OTEL_EXPORTER_OTLP_HEADERS".to_string(),
            ];
            let headers = match header_vars
                .iter()
                .find_map(|name| var(name).map(|value| (name, value)))
            {
                Some((name, value)) => match parse_headers(value) {
                    Ok(headers) => headers,
                    Err(why) => {
                        problems.push(format!("{name}: {why}; {signal} are not exported"));
                        return None;
                    }
                },
                None => HeaderMap::new(),
            };
            Some(OtlpTarget { url, headers })
        };
        let traces = target("traces", "OTEL_TRACES_EXPORTER");
        let otlp_metrics = target("metrics", "OTEL_METRICS_EXPORTER");
        let pushgateway = var(PUSHGATEWAY_VAR)
            .or_else(|| user.and_then(|u| u.metrics_pushgateway.as_deref()))
            .map(|url| Pushgateway {
                url: url.trim().trim_end_matches('/').to_string(),
                job: var(JOB_VAR)
                    .or_else(|| user.and_then(|u| u.metrics_job.as_deref()))
                    .unwrap_or("sops_rs")
                    .trim()
                    .to_string(),
                instance: var(INSTANCE_VAR)
                    .or_else(|| user.and_then(|u| u.metrics_instance.as_deref()))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_else(|| host_name(var("COMPUTERNAME"))),
            });
        let textfile = var(TEXTFILE_VAR)
            .map(PathBuf::from)
            .or_else(|| user.and_then(|u| u.metrics_textfile.clone()));
        if traces.is_none()
            && otlp_metrics.is_none()
            && pushgateway.is_none()
            && textfile.is_none()
            && problems.is_empty()
        {
            return None;
        }
        let parent = var("TRACEPARENT").and_then(|t| TraceParent::parse(t, var("TRACESTATE")));
        Some(Settings {
            traces,
            otlp_metrics,
            pushgateway,
            textfile,
            resource: resource(var("OTEL_SERVICE_NAME"), var("OTEL_RESOURCE_ATTRIBUTES")),
            parent,
            problems,
        })
    }

    /// Whether spans are exported: a traces endpoint, and a parent (if any) that samples.
    pub fn traces_on(&self) -> bool {
        self.traces.is_some() && self.parent.as_ref().is_none_or(|p| p.sampled)
    }
}

/// `service.name` (from `OTEL_SERVICE_NAME`, else `OTEL_RESOURCE_ATTRIBUTES`, else `sops-rs`),
/// `service.version`, and the other `OTEL_RESOURCE_ATTRIBUTES` pairs (percent-decoded).
fn resource(service: Option<&str>, attributes: Option<&str>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = attributes
        .unwrap_or_default()
        .split(',')
        .filter_map(|entry| {
            let (key, value) = entry.split_once('=')?;
            let key = key.trim();
            let value = String::from_utf8_lossy(&percent_decode(value.trim())).into_owned();
            (!key.is_empty()).then(|| (key.to_string(), value))
        })
        .collect();
    let named = pairs
        .iter()
        .position(|(k, _)| k == "service.name")
        .map(|i| pairs.remove(i).1);
    let service = service
        .map(|s| s.trim().to_string())
        .or(named)
        .unwrap_or_else(|| "sops-rs".to_string());
    pairs.retain(|(k, _)| k != "service.version");
    let mut out = vec![
        ("service.name".to_string(), service),
        (
            "service.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    out.extend(pairs);
    out
}

/// This machine's name, for the Pushgateway `instance` label.
#[cfg(unix)]
fn host_name(_computer_name: Option<&str>) -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

/// This machine's name, for the Pushgateway `instance` label: `%COMPUTERNAME%` on Windows.
#[cfg(windows)]
fn host_name(computer_name: Option<&str>) -> String {
    computer_name.unwrap_or("windows").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn nothing_is_configured_without_a_destination() {
        assert!(Settings::from_sources(&env(&[]), None).is_none());
        let only_names = env(&[("OTEL_SERVICE_NAME", "x"), ("TRACEPARENT", "00-x")]);
        assert!(Settings::from_sources(&only_names, None).is_none());
        let off = env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
        ]);
        assert!(Settings::from_sources(&off, None).is_none());
        let disabled = env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_SDK_DISABLED", "true"),
        ]);
        assert!(Settings::from_sources(&disabled, None).is_none());
    }

    #[test]
    fn signal_endpoints_win_over_the_generic_one() {
        let settings = Settings::from_sources(
            &env(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/"),
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:1/x"),
                ("OTEL_SERVICE_NAME", "deploy"),
                ("OTEL_RESOURCE_ATTRIBUTES", "service.name=other,team=a%20b"),
            ]),
            None,
        )
        .unwrap();
        assert_eq!(settings.traces.unwrap().url, "http://t:1/x");
        assert_eq!(
            settings.otlp_metrics.unwrap().url,
            "http://c:4318/v1/metrics"
        );
        assert_eq!(
            settings.resource[0],
            ("service.name".into(), "deploy".into())
        );
        assert!(settings.resource.contains(&("team".into(), "a b".into())));
    }

    #[test]
    fn traceparent_is_parsed_strictly() {
        let good = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let parent = TraceParent::parse(good, Some("vendor=x")).unwrap();
        assert!(parent.sampled);
        assert_eq!(hex::encode(parent.span_id), "b7ad6b7169203331");
        assert_eq!(parent.state.as_deref(), Some("vendor=x"));
        for bad in [
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x",
            "00-0af7651916cd43dd-b7ad6b7169203331-01",
        ] {
            assert!(TraceParent::parse(bad, None).is_none(), "{bad}");
        }
        let unsampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        assert!(!TraceParent::parse(unsampled, None).unwrap().sampled);
    }
}
