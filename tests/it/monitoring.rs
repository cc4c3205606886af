//! docs/monitoring: the Prometheus alert rules pass `promtool check rules` and their unit tests
//! (`promtool test rules`), which fail when a rule is weakened; the Grafana dashboard is valid
//! JSON with the executive, on-call and debug views, every query parses (promtool, as recording
//! rules), and dashboard and rules name only the metrics sops-rs exports and bounded labels.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

use crate::support::repo_root;

/// The metrics sops-rs exports (TEAM-agreed names).
const METRICS: &[&str] = &[
    "sops_rs_operations_total",
    "sops_rs_key_attempts_total",
    "sops_rs_provider_latency_seconds",
    "sops_rs_run_timestamp_seconds",
];

/// Their labels, the grouping labels of a scrape (`job`, `instance`) and the histogram's `le`.
const LABELS: &[&str] = &[
    "operation",
    "outcome",
    "provider",
    "result",
    "source",
    "job",
    "instance",
    "le",
];

fn monitoring() -> PathBuf {
    repo_root().join("docs/monitoring")
}

/// promtool (Debian's `prometheus` package); missing is a failure, not a skip.
fn promtool(dir: &Path, args: &[&str]) -> Output {
    Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("promtool: {e}: run scripts/install-test-deps.sh (Debian package prometheus)")
        })
}

fn succeeded(out: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed: {text}");
    text
}

/// The metric names and label names a PromQL text (or a rules file) uses that are not ours.
fn foreign_names(text: &str) -> Vec<String> {
    let mut foreign = Vec::new();
    let metric = regex::Regex::new(r"\bsops_rs_[a-z_]+").unwrap();
    for found in metric.find_iter(text) {
        let name = found.as_str();
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .filter(|base| *base == "sops_rs_provider_latency_seconds")
            .unwrap_or(name);
        if !METRICS.contains(&family) {
            foreign.push(format!("metric {name}"));
        }
    }
    // Any other selector (`name{` or `name[`) is another metric.
    let selector = regex::Regex::new(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[\{\[]").unwrap();
    for captures in selector.captures_iter(text) {
        let name = &captures[1];
        if !name.starts_with("sops_rs_") && !["by", "without"].contains(&name) {
            foreign.push(format!("selector {name}"));
        }
    }
    let matcher = regex::Regex::new(r#"\b([a-z_]+)\s*(=~|!~|!=|=)\s*""#).unwrap();
    let grouping = regex::Regex::new(r"\b(?:by|without)\s*\(([^)]*)\)").unwrap();
    let labels = matcher.captures_iter(text).map(|c| c[1].to_string()).chain(
        grouping.captures_iter(text).flat_map(|c| {
            c[1].split(',')
                .map(|l| l.trim().to_string())
                .collect::<Vec<_>>()
        }),
    );
    for label in labels {
        if !LABELS.contains(&label.as_str()) {
            foreign.push(format!("label {label}"));
        }
    }
    foreign
}

/// The `expr:` of each rule in a rules file (one line, or the block after `expr: |`).
fn rule_exprs(rules: &str) -> Vec<String> {
    let mut exprs = Vec::new();
    let mut lines = rules.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(at) = line.find("expr:") else {
            continue;
        };
        let rest = line[at + "expr:".len()..].trim();
        if rest != "|" {
            exprs.push(rest.to_string());
            continue;
        }
        let mut block = String::new();
        while let Some(next) = lines.peek() {
            let indent = next.len() - next.trim_start().len();
            if !next.trim().is_empty() && indent <= at {
                break;
            }
            block.push_str(next.trim());
            block.push('\n');
            lines.next();
        }
        exprs.push(block);
    }
    exprs
}

#[test]
fn alert_rules_pass_promtool_and_their_unit_tests_catch_a_weakened_rule() {
    let dir = monitoring();
    let checked = succeeded(
        &promtool(&dir, &["check", "rules", "alerts.yml"]),
        "promtool check rules",
    );
    assert!(checked.contains("SUCCESS: 5 rules found"), "{checked}");
    let tested = succeeded(
        &promtool(&dir, &["test", "rules", "alerts.test.yml"]),
        "promtool test rules",
    );
    assert!(tested.contains("SUCCESS"), "{tested}");
    let rules = std::fs::read_to_string(dir.join("alerts.yml")).unwrap();
    for alert in [
        "SopsRsKmsErrorRateHigh",
        "SopsRsAuditUnavailable",
        "SopsRsUnusualDecryptVolume",
        "SopsRsProviderLatencyHigh",
        "SopsRsMetricsStale",
    ] {
        assert!(rules.contains(&format!("alert: {alert}\n")), "{alert}");
    }
    let exprs = rule_exprs(&rules);
    assert_eq!(exprs.len(), 5, "{exprs:?}");
    for expr in &exprs {
        assert_eq!(foreign_names(expr), Vec::<String>::new(), "{expr}");
    }
    // The unit tests notice a rule that no longer fires when it should.
    let scratch = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.join("alerts.test.yml"),
        scratch.path().join("alerts.test.yml"),
    )
    .unwrap();
    for (from, to) in [
        (") > 0.05\n", ") > 0.5\n"),
        (r#"outcome="denied""#, r#"outcome="failure""#),
        ("  3 * sum by (job)", "  30 * sum by (job)"),
    ] {
        assert!(rules.contains(from), "{from}");
        std::fs::write(
            scratch.path().join("alerts.yml"),
            rules.replacen(from, to, 1),
        )
        .unwrap();
        let out = promtool(scratch.path(), &["test", "rules", "alerts.test.yml"]);
        assert!(
            !out.status.success(),
            "the unit tests still pass with {from:?} turned into {to:?}"
        );
    }
}

/// Every panel, rows' nested panels included.
fn panels(dashboard: &Json) -> Vec<&Json> {
    let mut all = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        all.push(panel);
        if let Some(nested) = panel["panels"].as_array() {
            all.extend(nested);
        }
    }
    all
}

#[test]
fn dashboard_is_valid_json_with_three_views_and_queries_only_the_exported_metrics() {
    let dir = monitoring();
    let text = std::fs::read_to_string(dir.join("grafana-dashboard.json")).unwrap();
    let dashboard: Json = serde_json::from_str(&text).expect("grafana-dashboard.json is JSON");
    let panels = panels(&dashboard);
    let rows: Vec<&str> = panels
        .iter()
        .filter(|p| p["type"] == "row")
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    for view in ["Executive", "On-call", "Debug"] {
        assert!(
            rows.iter().any(|r| r.starts_with(view)),
            "no {view} row: {rows:?}"
        );
    }
    let mut exprs = Vec::new();
    for panel in &panels {
        let title = panel["title"].as_str().unwrap_or_default();
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"].as_str().expect("every target has an expr");
            exprs.push((title.to_string(), expr.to_string()));
        }
    }
    for variable in dashboard["templating"]["list"].as_array().unwrap() {
        if let Some(query) = variable["query"]["query"].as_str() {
            assert_eq!(foreign_names(query), Vec::<String>::new(), "{query}");
        }
    }
    assert!(exprs.len() >= 15, "{} queries", exprs.len());
    let needed = [
        (
            "KMS error rate",
            r#"result="failure""#,
            "sops_rs_key_attempts_total",
        ),
        (
            "latency p95",
            "histogram_quantile(0.95",
            "sops_rs_provider_latency_seconds_bucket",
        ),
        (
            "Audit unavailable",
            r#"outcome="denied""#,
            "sops_rs_operations_total",
        ),
        ("by source", "by (source)", "sops_rs_key_attempts_total"),
        ("Rotation", "rotate|updatekeys", "sops_rs_operations_total"),
    ];
    for (title, fragment, metric) in needed {
        assert!(
            exprs
                .iter()
                .any(|(t, e)| t.contains(title) && e.contains(fragment) && e.contains(metric)),
            "no panel {title:?} querying {metric} with {fragment}"
        );
    }
    // Every query parses: promtool checks them as recording rules, Grafana's variables filled in.
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (index, (title, expr)) in exprs.iter().enumerate() {
        assert_eq!(foreign_names(expr), Vec::<String>::new(), "{title}: {expr}");
        let filled = expr
            .replace("$__rate_interval", "5m")
            .replace("$__range", "1d")
            .replace("$job", ".*")
            .replace("$provider", ".*")
            .replace("$operation", ".*");
        rules.push_str(&format!(
            "      - record: dashboard:query_{index}\n        expr: {}\n",
            serde_json::to_string(&filled).unwrap()
        ));
    }
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("queries.yml"), rules).unwrap();
    succeeded(
        &promtool(scratch.path(), &["check", "rules", "queries.yml"]),
        "promtool check rules (the dashboard's queries)",
    );
    // The checker itself notices a foreign metric or an unbounded label.
    assert_eq!(
        foreign_names(r#"sum by (path) (rate(sops_rs_secret_reads_total{file="x"}[5m])) / up{}"#),
        [
            "metric sops_rs_secret_reads_total",
            "selector up",
            "label file",
            "label path"
        ]
    );
}
