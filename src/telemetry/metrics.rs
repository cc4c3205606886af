//! The run's metrics. Names and labels are fixed (TEAM-agreed, see docs/observability.md) and
//! every label value comes from a closed set (operation names, key type tags, results, sources):
//! never a path, key id or tree key.
//!
//! - `sops_rs_operations_total{operation, outcome}` counter
//! - `sops_rs_key_attempts_total{provider, operation, result, source}` counter
//! - `sops_rs_provider_latency_seconds{provider, operation}` histogram ([`BUCKETS`])
//! - `sops_rs_run_timestamp_seconds{operation}` gauge: when the run ended
//!
//! In the Prometheus text format a run's values are merged into what the textfile or the
//! Pushgateway group already holds ([`Samples::merge`]): counters and histograms add up, the gauge
//! is replaced, so the exported counters are cumulative as Prometheus expects. OTLP metrics carry
//! the run's own values with delta temporality.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde_json::{Value as Json, json};

use super::{Attempt, unix_nanos};
use crate::keys::KeySource;

/// The histogram's upper bounds, in seconds.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Commands run, by operation and outcome (counter).
pub const OPERATIONS: &str = "sops_rs_operations_total";
/// Key attempts, by provider, operation, result and source (counter).
pub const KEY_ATTEMPTS: &str = "sops_rs_key_attempts_total";
/// Provider latency, by provider and operation (histogram).
pub const PROVIDER_LATENCY: &str = "sops_rs_provider_latency_seconds";
/// When the last run of an operation ended (gauge).
pub const RUN_TIMESTAMP: &str = "sops_rs_run_timestamp_seconds";

/// The metric families: name, type, help.
const FAMILIES: [(&str, &str, &str); 4] = [
    (
        OPERATIONS,
        "counter",
        "sops-rs commands run, by operation and outcome.",
    ),
    (
        KEY_ATTEMPTS,
        "counter",
        "Master key wrap and unwrap attempts, by key type, result and where the answer came from.",
    ),
    (
        PROVIDER_LATENCY,
        "histogram",
        "Time a key provider took to answer a wrap or unwrap, in seconds.",
    ),
    (
        RUN_TIMESTAMP,
        "gauge",
        "Unix time the last sops-rs run of this operation ended.",
    ),
];

/// A latency histogram: a count per bucket (the last one above every bound), sum and count.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// Observations per bucket, not cumulative; `BUCKETS.len() + 1` entries.
    pub counts: [u64; BUCKETS.len() + 1],
    /// The sum of the observations.
    pub sum: f64,
    /// How many observations.
    pub count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.counts[bucket] += 1;
        self.sum += seconds;
        self.count += 1;
    }
}

/// The metrics of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunMetrics {
    /// The audit operation name.
    pub operation: &'static str,
    /// The outcome.
    pub outcome: &'static str,
    /// Attempts by provider, operation, result and source.
    pub attempts: BTreeMap<[&'static str; 4], u64>,
    /// Provider latency by provider and operation.
    pub latency: BTreeMap<[&'static str; 2], Histogram>,
    /// When the run ended, in Unix seconds.
    pub ended: f64,
}

impl RunMetrics {
    /// The metrics of a run of `operation` that ended with `outcome` after `attempts`. Latency is
    /// the provider's: answers from a cache and keys with no credentials here (nothing was
    /// asked) are counted as attempts but not timed.
    pub fn of(
        operation: &'static str,
        outcome: &'static str,
        attempts: &[Attempt],
        ended: SystemTime,
    ) -> RunMetrics {
        let mut metrics = RunMetrics {
            operation,
            outcome,
            attempts: BTreeMap::new(),
            latency: BTreeMap::new(),
            ended: ended
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or_default(),
        };
        for Attempt { event, .. } in attempts {
            let provider = event.kind.tag();
            *metrics
                .attempts
                .entry([provider, event.operation, event.result, event.source.tag()])
                .or_default() += 1;
            if event.source == KeySource::Provider && event.result != "no_credentials" {
                metrics
                    .latency
                    .entry([provider, event.operation])
                    .or_default()
                    .observe(event.duration.as_secs_f64());
            }
        }
        metrics
    }

    /// The run's samples in the Prometheus data model.
    pub fn samples(&self) -> Samples {
        let mut samples = Samples::default();
        samples.set(
            OPERATIONS,
            &[("operation", self.operation), ("outcome", self.outcome)],
            1.0,
        );
        for ([provider, operation, result, source], count) in &self.attempts {
            samples.set(
                KEY_ATTEMPTS,
                &[
                    ("provider", provider),
                    ("operation", operation),
                    ("result", result),
                    ("source", source),
                ],
                *count as f64,
            );
        }
        for ([provider, operation], histogram) in &self.latency {
            let labels = [("provider", *provider), ("operation", *operation)];
            let mut cumulative = 0;
            for (index, count) in histogram.counts.iter().enumerate() {
                cumulative += count;
                let le = BUCKETS
                    .get(index)
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "+Inf".to_string());
                let mut with_le: Vec<(&str, &str)> = labels.to_vec();
                with_le.push(("le", &le));
                samples.set(
                    &format!("{PROVIDER_LATENCY}_bucket"),
                    &with_le,
                    cumulative as f64,
                );
            }
            samples.set(&format!("{PROVIDER_LATENCY}_sum"), &labels, histogram.sum);
            samples.set(
                &format!("{PROVIDER_LATENCY}_count"),
                &labels,
                histogram.count as f64,
            );
        }
        samples.set(RUN_TIMESTAMP, &[("operation", self.operation)], self.ended);
        samples
    }

    /// An OTLP/HTTP JSON `ExportMetricsServiceRequest` with this run's values (delta
    /// temporality, from `started` to `ended`).
    pub fn to_otlp(
        &self,
        resource: &[(String, String)],
        started: SystemTime,
        ended: SystemTime,
    ) -> Json {
        let (start, time) = (unix_nanos(started), unix_nanos(ended));
        let attributes = |pairs: &[(&str, &str)]| -> Json {
            pairs
                .iter()
                .map(|(k, v)| json!({"key": k, "value": {"stringValue": v}}))
                .collect()
        };
        const DELTA: u8 = 1;
        let operations = json!({
            "name": OPERATIONS,
            "description": FAMILIES[0].2,
            "sum": {"aggregationTemporality": DELTA, "isMonotonic": true, "dataPoints": [{
                "attributes": attributes(&[("operation", self.operation), ("outcome", self.outcome)]),
                "startTimeUnixNano": start, "timeUnixNano": time, "asInt": "1",
            }]},
        });
        let attempts: Vec<Json> = self
            .attempts
            .iter()
            .map(|([provider, operation, result, source], count)| {
                json!({
                    "attributes": attributes(&[("provider", provider), ("operation", operation),
                        ("result", result), ("source", source)]),
                    "startTimeUnixNano": start, "timeUnixNano": time,
                    "asInt": count.to_string(),
                })
            })
            .collect();
        let latency: Vec<Json> = self
            .latency
            .iter()
            .map(|([provider, operation], histogram)| {
                json!({
                    "attributes": attributes(&[("provider", provider), ("operation", operation)]),
                    "startTimeUnixNano": start, "timeUnixNano": time,
                    "count": histogram.count.to_string(),
                    "sum": histogram.sum,
                    "bucketCounts": histogram.counts.iter().map(u64::to_string).collect::<Vec<_>>(),
                    "explicitBounds": BUCKETS,
                })
            })
            .collect();
        let mut metrics = vec![operations];
        if !attempts.is_empty() {
            metrics.push(json!({
                "name": KEY_ATTEMPTS,
                "description": FAMILIES[1].2,
                "sum": {"aggregationTemporality": DELTA, "isMonotonic": true, "dataPoints": attempts},
            }));
        }
        if !latency.is_empty() {
            metrics.push(json!({
                "name": PROVIDER_LATENCY,
                "description": FAMILIES[2].2,
                "unit": "s",
                "histogram": {"aggregationTemporality": DELTA, "dataPoints": latency},
            }));
        }
        metrics.push(json!({
            "name": RUN_TIMESTAMP,
            "description": FAMILIES[3].2,
            "unit": "s",
            "gauge": {"dataPoints": [{
                "attributes": attributes(&[("operation", self.operation)]),
                "timeUnixNano": time, "asDouble": self.ended,
            }]},
        }));
        json!({"resourceMetrics": [{
            "resource": super::trace::resource_json(resource),
            "scopeMetrics": [{
                "scope": {"name": "sops-rs", "version": env!("CARGO_PKG_VERSION")},
                "metrics": metrics,
            }],
        }]})
    }
}

/// Samples in the Prometheus data model: (series name, sorted labels) to value. Only the
/// families above are kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples(BTreeMap<(String, Vec<(String, String)>), f64>);

/// The family a series name belongs to, with its type.
fn family(name: &str) -> Option<(usize, &'static str)> {
    let base = ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|suffix| {
            name.strip_suffix(suffix)
                .filter(|base| *base == PROVIDER_LATENCY)
        })
        .unwrap_or(name);
    FAMILIES
        .iter()
        .position(|(family, _, _)| *family == base)
        .map(|index| (index, FAMILIES[index].1))
}

impl Samples {
    fn set(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        labels.sort();
        self.0.insert((name.to_string(), labels), value);
    }

    /// The value of one series (for tests and tools).
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        labels.sort();
        self.0.get(&(name.to_string(), labels)).copied()
    }

    /// Adds `run` to these samples: counters and histogram series add up, gauges are replaced.
    pub fn merge(mut self, run: &Samples) -> Samples {
        for ((name, labels), value) in &run.0 {
            let entry = self.0.entry((name.clone(), labels.clone())).or_insert(0.0);
            match family(name) {
                Some((_, "gauge")) => *entry = *value,
                _ => *entry += value,
            }
        }
        self
    }

    /// Reads our families from a text exposition. Series whose labels, without the `drop`
    /// labels, include one that is not ours are skipped, as are series where a `want` label
    /// differs (a Pushgateway shows every group: only ours is read). Lines that do not parse are
    /// skipped: they are not ours.
    pub fn parse(text: &str, want: &[(&str, &str)]) -> Samples {
        const OURS: [&str; 6] = ["operation", "outcome", "provider", "result", "source", "le"];
        let mut samples = Samples::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, mut labels, value)) = parse_line(line) else {
                continue;
            };
            if family(&name).is_none() {
                continue;
            }
            if !want
                .iter()
                .all(|(k, v)| labels.iter().any(|(label, value)| label == k && value == v))
            {
                continue;
            }
            labels.retain(|(k, _)| !want.iter().any(|(w, _)| w == k));
            if labels.iter().any(|(k, _)| !OURS.contains(&k.as_str())) {
                continue;
            }
            for (key, value) in &mut labels {
                if key == "le"
                    && let Ok(bound) = value.parse::<f64>()
                {
                    *value = if bound.is_infinite() {
                        "+Inf".to_string()
                    } else {
                        bound.to_string()
                    };
                }
            }
            labels.sort();
            samples.0.insert((name, labels), value);
        }
        samples
    }

    /// The text exposition: each family with its HELP and TYPE, histogram buckets in order.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (index, (family_name, kind, help)) in FAMILIES.iter().enumerate() {
            let mut series: Vec<(&String, &Labels, f64)> = self
                .0
                .iter()
                .filter(|((name, _), _)| family(name).is_some_and(|(f, _)| f == index))
                .map(|((name, labels), value)| (name, labels, *value))
                .collect();
            if series.is_empty() {
                continue;
            }
            let sort_key = |(name, labels, _): &(&String, &Labels, f64)| {
                let without_le: Vec<(String, String)> =
                    labels.iter().filter(|(k, _)| k != "le").cloned().collect();
                let rank = if name.ends_with("_bucket") {
                    0
                } else if name.ends_with("_sum") {
                    1
                } else {
                    2
                };
                let le = labels
                    .iter()
                    .find(|(k, _)| k == "le")
                    .and_then(|(_, v)| v.replace("+Inf", "inf").parse::<f64>().ok())
                    .unwrap_or(0.0);
                (without_le, rank, le)
            };
            series.sort_by(|a, b| {
                let (ka, kb) = (sort_key(a), sort_key(b));
                (&ka.0, ka.1)
                    .cmp(&(&kb.0, kb.1))
                    .then(ka.2.total_cmp(&kb.2))
            });
            out.push_str(&format!(
                "# HELP {family_name} {help}\n# TYPE {family_name} {kind}\n"
            ));
            for (name, labels, value) in series {
                out.push_str(name);
                if !labels.is_empty() {
                    let rendered: Vec<String> = labels
                        .iter()
                        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                        .collect();
                    out.push_str(&format!("{{{}}}", rendered.join(",")));
                }
                out.push_str(&format!(" {}\n", format_value(value)));
            }
        }
        out
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn format_value(value: f64) -> String {
    if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        value.to_string()
    }
}

type Labels = Vec<(String, String)>;

/// `name{k="v",...} value [timestamp]`.
fn parse_line(line: &str) -> Option<(String, Labels, f64)> {
    let name_end = line
        .find(|c: char| c == '{' || c.is_whitespace())
        .unwrap_or(line.len());
    let name = line[..name_end].to_string();
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices().peekable();
        let mut key = String::new();
        let mut end = None;
        while let Some((index, c)) = chars.next() {
            match c {
                '}' => {
                    end = Some(index + 1);
                    break;
                }
                ',' | ' ' => {}
                '=' => {
                    if chars.next()?.1 != '"' {
                        return None;
                    }
                    let mut value = String::new();
                    loop {
                        match chars.next()?.1 {
                            '"' => break,
                            '\\' => match chars.next()?.1 {
                                'n' => value.push('\n'),
                                other => value.push(other),
                            },
                            other => value.push(other),
                        }
                    }
                    labels.push((std::mem::take(&mut key), value));
                }
                other => key.push(other),
            }
        }
        rest = &inner[end?..];
    }
    let value = rest.split_whitespace().next()?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().ok()?,
    };
    Some((name, labels, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_and_parse_round_trip_and_merge_adds_counters() {
        let mut run = Samples::default();
        run.set(
            OPERATIONS,
            &[("operation", "decrypt"), ("outcome", "success")],
            1.0,
        );
        run.set(RUN_TIMESTAMP, &[("operation", "decrypt")], 100.0);
        for (le, count) in [("0.005", 1.0), ("10", 2.0), ("2.5", 2.0), ("+Inf", 2.0)] {
            run.set(
                &format!("{PROVIDER_LATENCY}_bucket"),
                &[("provider", "age"), ("operation", "unwrap"), ("le", le)],
                count,
            );
        }
        let text = run.render();
        assert!(
            text.contains("# TYPE sops_rs_operations_total counter\n"),
            "{text}"
        );
        let buckets: Vec<&str> = text.lines().filter(|l| l.contains("_bucket")).collect();
        assert!(buckets[0].contains("le=\"0.005\""), "{text}");
        assert!(buckets[1].contains("le=\"2.5\""), "{text}");
        assert!(buckets[3].contains("le=\"+Inf\""), "{text}");
        let parsed = Samples::parse(&text, &[]);
        assert_eq!(parsed, run);
        let mut next = Samples::default();
        next.set(
            OPERATIONS,
            &[("operation", "decrypt"), ("outcome", "success")],
            1.0,
        );
        next.set(RUN_TIMESTAMP, &[("operation", "decrypt")], 200.0);
        let merged = parsed.merge(&next);
        let ops = [("operation", "decrypt"), ("outcome", "success")];
        assert_eq!(merged.get(OPERATIONS, &ops), Some(2.0));
        assert_eq!(
            merged.get(RUN_TIMESTAMP, &[("operation", "decrypt")]),
            Some(200.0)
        );
    }

    #[test]
    fn only_provider_answers_are_timed_and_every_attempt_is_counted() {
        use crate::keys::{KeyEvent, KeyKind};
        let event = |result: &'static str, source: KeySource, millis: u64| Attempt {
            event: KeyEvent {
                operation: "unwrap",
                kind: KeyKind::from_tag("age").unwrap(),
                id: "age1canary".into(),
                result,
                error: None,
                request_id: None,
                duration: std::time::Duration::from_millis(millis),
                source,
                key_service: None,
            },
            ended: SystemTime::now(),
        };
        let attempts = [
            event("success", KeySource::Provider, 30),
            event("failure", KeySource::Provider, 12_000),
            event("no_credentials", KeySource::Provider, 1),
            event("success", KeySource::Cache, 1),
        ];
        let run = RunMetrics::of("decrypt", "success", &attempts, SystemTime::now());
        let histogram = &run.latency[&["age", "unwrap"]];
        assert_eq!(histogram.count, 2);
        assert_eq!(
            histogram.counts[BUCKETS.iter().position(|b| *b == 0.05).unwrap()],
            1
        );
        assert_eq!(histogram.counts[BUCKETS.len()], 1, "above every bound");
        assert_eq!(run.attempts[&["age", "unwrap", "success", "cache"]], 1);
        assert_eq!(
            run.attempts[&["age", "unwrap", "no_credentials", "provider"]],
            1
        );
        let text = run.samples().render();
        assert!(!text.contains("age1canary"), "{text}");
        let inf = "sops_rs_provider_latency_seconds_bucket{le=\"+Inf\",operation=\"unwrap\",provider=\"age\"} 2";
        assert!(text.lines().any(|l| l == inf), "{text}");
    }

    #[test]
    fn parse_keeps_only_the_wanted_group() {
        let text = "sops_rs_operations_total{instance=\"a\",job=\"sops_rs\",operation=\"decrypt\",outcome=\"success\"} 3\n\
            sops_rs_operations_total{instance=\"b\",job=\"sops_rs\",operation=\"decrypt\",outcome=\"success\"} 5\n\
            sops_rs_operations_total{extra=\"x\",instance=\"a\",job=\"sops_rs\",operation=\"decrypt\",outcome=\"success\"} 7\n\
            push_time_seconds{instance=\"a\",job=\"sops_rs\"} 1.7e9\n";
        let samples = Samples::parse(text, &[("job", "sops_rs"), ("instance", "a")]);
        let ops = [("operation", "decrypt"), ("outcome", "success")];
        assert_eq!(samples.get(OPERATIONS, &ops), Some(3.0));
        assert_eq!(samples.0.len(), 1);
    }
}
