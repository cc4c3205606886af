//! Telemetry through the binary: spans received by an OTLP collector (parentage under the CI
//! pipeline's `TRACEPARENT`, one child span per key attempt), metrics pushed to a real
//! Pushgateway and read back from a real Prometheus's query API, the node_exporter textfile and
//! OTLP metrics; export failures are one warning and never change the exit code; a repository
//! config cannot turn telemetry on. A canary in a secret value and in a tree key never shows.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::support::collector::Collector;
use crate::support::prometheus::Monitoring;
use crate::support::{TestEnv, path_arg};

const CANARY_VALUE: &str = "TelemetryCanary93e1";
const CANARY_KEY: &str = "telemetrycanarykey4b7";
const PARENT_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN: &str = "00f067aa0ba902b7";

/// A file encrypted for the env's first identity, with the canaries in a key and a value.
fn secret_file(env: &TestEnv) -> PathBuf {
    env.encrypted(
        "secret.enc.yaml",
        &format!("{CANARY_KEY}: {CANARY_VALUE}\nplain: x\n"),
        &[],
    )
}

/// A file only the env's second identity opens.
fn other_file(env: &TestEnv) -> PathBuf {
    let plain = env.write(
        "other.plain.yaml",
        format!("{CANARY_KEY}: {CANARY_VALUE}\n"),
    );
    let text = env.ok(&[
        "encrypt",
        "--age",
        &env.keys[1].recipient,
        &path_arg(&plain),
    ]);
    env.write("other.enc.yaml", text)
}

fn assert_no_canary(what: &str, text: &str) {
    for canary in [CANARY_VALUE, CANARY_KEY] {
        assert!(!text.contains(canary), "{what} holds {canary}:\n{text}");
    }
}

/// An attribute's value as text (string, int or double).
fn attribute(item: &Json, key: &str) -> Option<String> {
    item["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .map(|a| match &a["value"] {
            Json::Object(value) => match value.values().next() {
                Some(Json::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            },
            _ => String::new(),
        })
}

/// The spans of the one traces request the collector got.
fn received_spans(collector: &Collector) -> (Json, Vec<Json>) {
    let bodies = collector.bodies("/v1/traces");
    assert_eq!(bodies.len(), 1, "one traces request per run: {bodies:?}");
    let body: Json = serde_json::from_str(&bodies[0]).unwrap();
    let resource = body["resourceSpans"][0]["resource"].clone();
    let spans = body["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap()
        .clone();
    (resource, spans)
}

fn named<'a>(spans: &'a [Json], name: &str) -> Vec<&'a Json> {
    spans.iter().filter(|s| s["name"] == name).collect()
}

fn nanos(span: &Json, field: &str) -> u128 {
    span[field].as_str().unwrap().parse().unwrap()
}

#[test]
fn spans_join_the_pipeline_trace_with_a_child_span_per_key_attempt() {
    let env = TestEnv::with_identities(2);
    let file = secret_file(&env);
    let collector = Collector::start(Vec::new());
    let out = env
        .sops_rs()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url())
        .env("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=blue")
        .env("OTEL_SERVICE_NAME", "deploy-job")
        .env("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci")
        .env("TRACEPARENT", format!("00-{PARENT_TRACE}-{PARENT_SPAN}-01"))
        .env("TRACESTATE", "congo=t61rcWkgMzE")
        .args(["decrypt", &path_arg(&file)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (resource, spans) = received_spans(&collector);
    assert_eq!(
        attribute(&resource, "service.name").as_deref(),
        Some("deploy-job")
    );
    assert_eq!(
        attribute(&resource, "deployment.environment").as_deref(),
        Some("ci")
    );
    let traces = &collector.requests("/v1/traces")[0];
    assert!(
        traces.headers.contains("x-tenant: blue"),
        "{}",
        traces.headers
    );
    let command = named(&spans, "sops-rs.decrypt");
    assert_eq!(command.len(), 1, "{spans:?}");
    let command = command[0];
    assert_eq!(command["traceId"], PARENT_TRACE);
    assert_eq!(command["parentSpanId"], PARENT_SPAN);
    assert_eq!(command["traceState"], "congo=t61rcWkgMzE");
    assert_eq!(command["status"]["code"], 1);
    let sha = hex::encode(Sha256::digest(std::fs::read(&file).unwrap()));
    for (key, value) in [
        ("sops-rs.operation", "decrypt"),
        ("sops-rs.outcome", "success"),
        ("sops-rs.exit_code", "0"),
        ("sops-rs.file.sha256", sha.as_str()),
        ("sops-rs.file.format", "yaml"),
    ] {
        assert_eq!(attribute(command, key).as_deref(), Some(value), "{key}");
    }
    let keys = named(&spans, "sops-rs.key.unwrap");
    assert_eq!(keys.len(), 1, "{spans:?}");
    let key = keys[0];
    assert_eq!(key["traceId"], PARENT_TRACE);
    assert_eq!(key["parentSpanId"], command["spanId"]);
    assert_ne!(key["spanId"], command["spanId"]);
    for (name, value) in [
        ("sops-rs.key.provider", "age"),
        ("sops-rs.key.id", env.recipient.as_str()),
        ("sops-rs.key.result", "success"),
        ("sops-rs.key.source", "provider"),
    ] {
        assert_eq!(attribute(key, name).as_deref(), Some(value), "{name}");
    }
    assert!(attribute(key, "sops-rs.key.latency_ms").is_some());
    assert!(nanos(key, "startTimeUnixNano") <= nanos(key, "endTimeUnixNano"));
    assert!(nanos(command, "startTimeUnixNano") <= nanos(key, "startTimeUnixNano"));
    assert!(nanos(key, "endTimeUnixNano") <= nanos(command, "endTimeUnixNano"));
    let traces_text = collector.bodies("/v1/traces").join("\n");
    assert!(!traces_text.contains("secret.enc.yaml"), "{traces_text}");
    assert_no_canary("the OTLP requests", &collector.all());

    // A wrong key: the command span fails with the process's exit code; the attempt found no
    // credentials. Without TRACEPARENT the run starts a trace of its own.
    let other = other_file(&env);
    let collector = Collector::start(Vec::new());
    let out = env
        .sops_rs()
        .env(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            format!("{}/v1/traces", collector.url()),
        )
        .args(["decrypt", &path_arg(&other)])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert_ne!(code, 0);
    let (_, spans) = received_spans(&collector);
    let command = named(&spans, "sops-rs.decrypt")[0];
    assert!(command.get("parentSpanId").is_none(), "{command}");
    let trace = command["traceId"].as_str().unwrap();
    assert!(trace.len() == 32 && trace != PARENT_TRACE, "{trace}");
    assert_eq!(command["status"]["code"], 2);
    assert_eq!(
        attribute(command, "sops-rs.outcome").as_deref(),
        Some("failure")
    );
    assert_eq!(
        attribute(command, "sops-rs.exit_code"),
        Some(code.to_string())
    );
    let key = named(&spans, "sops-rs.key.unwrap")[0];
    assert_eq!(
        attribute(key, "sops-rs.key.result").as_deref(),
        Some("no_credentials")
    );
    assert_eq!(key["parentSpanId"], command["spanId"]);
    assert_no_canary("the OTLP requests", &collector.all());
    // Only the traces endpoint was named: no metrics, no logs.
    assert!(collector.bodies("/v1/metrics").is_empty());
    assert!(collector.bodies("/v1/logs").is_empty());
}

fn decrypt(env: &TestEnv, vars: &[(&str, String)], args: &[&str]) -> Output {
    let mut command = env.sops_rs();
    for (name, value) in vars {
        command.env(name, value);
    }
    command.arg("decrypt").args(args).output().unwrap()
}

#[test]
fn metrics_reach_prometheus_through_the_pushgateway_the_textfile_and_otlp() {
    let monitoring = Monitoring::start();
    let env = TestEnv::with_identities(2);
    let file = path_arg(&secret_file(&env));
    let other = path_arg(&other_file(&env));
    let collector = Collector::start(Vec::new());
    std::fs::create_dir(env.path("textfiles")).unwrap();
    let textfile = env.path("textfiles/sops_rs.prom");
    let vars = [
        (
            "SOPS_RS_METRICS_PUSHGATEWAY",
            monitoring.pushgateway.clone(),
        ),
        ("SOPS_RS_METRICS_INSTANCE", "ci-runner-1".to_string()),
        ("SOPS_RS_METRICS_TEXTFILE", path_arg(&textfile)),
        (
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            format!("{}/v1/metrics", collector.url()),
        ),
    ];
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    for _ in 0..2 {
        let out = decrypt(&env, &vars, &[&file]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A failed run after a good unwrap, and a wrong key.
    let missing = decrypt(&env, &vars, &["--extract", "[\"absent\"]", &file]);
    assert!(!missing.status.success());
    let wrong = decrypt(&env, &vars, &[&other]);
    assert!(!wrong.status.success());

    let group = "{job=\"sops_rs\",instance=\"ci-runner-1\"}";
    monitoring.wait_for_query(
        &format!("sops_rs_operations_total{group}"),
        &[
            ("operation=decrypt,outcome=failure", 2.0),
            ("operation=decrypt,outcome=success", 2.0),
        ],
    );
    monitoring.wait_for_query(
        &format!("sops_rs_key_attempts_total{group}"),
        &[
            (
                "operation=unwrap,provider=age,result=no_credentials,source=provider",
                1.0,
            ),
            (
                "operation=unwrap,provider=age,result=success,source=provider",
                3.0,
            ),
        ],
    );
    monitoring.wait_for_query(
        &format!("sops_rs_provider_latency_seconds_count{group}"),
        &[("operation=unwrap,provider=age", 3.0)],
    );
    monitoring.wait_for_query(
        "sops_rs_provider_latency_seconds_bucket{job=\"sops_rs\",le=\"+Inf\"}",
        &[("le=+Inf,operation=unwrap,provider=age", 3.0)],
    );
    let stamp = monitoring.query(&format!("sops_rs_run_timestamp_seconds{group}"));
    assert_eq!(stamp.len(), 1, "{stamp:?}");
    assert_eq!(stamp[0].0, "operation=decrypt");
    assert!(stamp[0].1 >= started.floor(), "{stamp:?} {started}");
    // Labels are bounded: only ours, and no value holds a path or a secret.
    let all = monitoring.query("{__name__=~\"sops_rs_.*\"}");
    for (labels, _) in &all {
        for pair in labels.split(',') {
            let (name, value) = pair.split_once('=').unwrap();
            assert!(
                ["operation", "outcome", "provider", "result", "source", "le"].contains(&name),
                "{labels}"
            );
            assert!(!value.contains('/') && !value.contains("enc"), "{labels}");
        }
    }
    assert_no_canary("the series", &format!("{all:?}"));
    let exposed = reqwest::blocking::get(format!("{}/metrics", monitoring.pushgateway))
        .unwrap()
        .text()
        .unwrap();
    assert_no_canary("the Pushgateway", &exposed);

    // The textfile holds the same cumulative values.
    let text = std::fs::read_to_string(&textfile).unwrap();
    for line in [
        "sops_rs_operations_total{operation=\"decrypt\",outcome=\"success\"} 2",
        "sops_rs_operations_total{operation=\"decrypt\",outcome=\"failure\"} 2",
        "sops_rs_key_attempts_total{operation=\"unwrap\",provider=\"age\",result=\"success\",source=\"provider\"} 3",
        "sops_rs_provider_latency_seconds_count{operation=\"unwrap\",provider=\"age\"} 3",
        "# TYPE sops_rs_provider_latency_seconds histogram",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} not in:\n{text}");
    }
    assert_no_canary("the textfile", &text);
    let leftovers: Vec<_> = std::fs::read_dir(env.path("textfiles"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec!["sops_rs.prom"], "no temporary file left");

    // OTLP metrics: one request per run with that run's own values (delta).
    let bodies = collector.bodies("/v1/metrics");
    assert_eq!(bodies.len(), 4);
    let mut outcomes = Vec::new();
    for body in &bodies {
        let body: Json = serde_json::from_str(body).unwrap();
        let metrics = body["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
            .as_array()
            .unwrap();
        let operations = metrics
            .iter()
            .find(|m| m["name"] == "sops_rs_operations_total")
            .unwrap();
        let point = &operations["sum"]["dataPoints"][0];
        assert_eq!(point["asInt"], "1");
        assert_eq!(operations["sum"]["aggregationTemporality"], 1);
        outcomes.push(attribute(point, "outcome").unwrap());
    }
    outcomes.sort();
    assert_eq!(outcomes, ["failure", "failure", "success", "success"]);
    assert_no_canary("the OTLP metrics", &collector.all());
}

#[test]
fn export_failures_are_one_warning_and_never_change_the_exit_code() {
    let env = TestEnv::with_identities(2);
    let file = path_arg(&secret_file(&env));
    let other = path_arg(&other_file(&env));
    let plain_failure = decrypt(&env, &[], &[&other]);
    // A dangling link where the textfile goes: not followed, nothing created at its target.
    let target = env.path("planted-target.prom");
    let link = env.path("metrics.prom");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let vars = [
        (
            "SOPS_RS_METRICS_PUSHGATEWAY",
            "http://127.0.0.1:1".to_string(),
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://user:hunter2@127.0.0.1:1/v1/traces".to_string(),
        ),
        ("SOPS_RS_METRICS_TEXTFILE", path_arg(&link)),
    ];
    let out = decrypt(&env, &vars, &[&file]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(CANARY_VALUE));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for part in [
        "telemetry not exported",
        "pushgateway 127.0.0.1:1",
        "otlp traces 127.0.0.1:1",
        "textfile",
    ] {
        assert!(stderr.contains(part), "{part} not in {stderr}");
    }
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!target.exists());
    let failed = decrypt(&env, &vars, &[&other]);
    assert_eq!(failed.status.code(), plain_failure.status.code());
    assert_eq!(
        String::from_utf8_lossy(&failed.stderr).lines().count(),
        String::from_utf8_lossy(&plain_failure.stderr)
            .lines()
            .count()
            + 1
    );
}

#[test]
fn only_the_user_configures_telemetry() {
    let env = TestEnv::new();
    let file = path_arg(&secret_file(&env));
    env.write(".sops.yaml", "telemetry:\n  metrics_textfile: repo.prom\n");
    let out = decrypt(&env, &[], &[&file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !env.path("repo.prom").exists(),
        "a repository config sent metrics"
    );
    let config_dir = env.path(".config/sops-rs");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.yaml"),
        "telemetry:\n  metrics_textfile: user.prom\n",
    )
    .unwrap();
    let out = decrypt(&env, &[], &[&file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(Path::new(&config_dir).join("user.prom")).unwrap();
    assert!(
        text.contains("sops_rs_operations_total{operation=\"decrypt\",outcome=\"success\"} 1"),
        "{text}"
    );
}

/// A command refused because the audit trail is required and unavailable counts as `denied`,
/// with the audit's exit code, although it never reached a key.
#[test]
fn a_run_refused_by_the_required_audit_mode_counts_as_denied() {
    let env = TestEnv::new();
    let file = path_arg(&secret_file(&env));
    let textfile = env.path("denied.prom");
    let vars = [
        ("SOPS_RS_AUDIT_MODE", "required".to_string()),
        ("SOPS_RS_METRICS_TEXTFILE", path_arg(&textfile)),
    ];
    let out = decrypt(&env, &vars, &[&file]);
    assert_eq!(out.status.code(), Some(75));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&textfile).unwrap();
    assert!(
        text.lines()
            .any(|l| l == "sops_rs_operations_total{operation=\"decrypt\",outcome=\"denied\"} 1"),
        "{text}"
    );
    assert!(!text.contains("sops_rs_key_attempts_total"), "{text}");
}
