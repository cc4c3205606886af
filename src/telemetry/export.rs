//! Sends a run's telemetry: spans and OTLP metrics POSTed as OTLP/HTTP JSON, metrics merged into
//! the Pushgateway group (read, add, PUT) and into the node_exporter textfile (under the update
//! lock, written atomically through the one write path). The network exporters run side by side
//! with short timeouts; a failure is reported, never retried at length and never fatal. Messages
//! name the host, never a URL's credentials or a header value.

use std::path::Path;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use reqwest::blocking::Client;
use serde_json::Value as Json;

use super::metrics::{RunMetrics, Samples};
use super::settings::{OtlpTarget, Pushgateway, Settings};

/// Sends everything `settings` asks for. Returns one warning line when something failed.
pub fn all(
    settings: &Settings,
    spans: Option<Json>,
    run: &RunMetrics,
    started: SystemTime,
    ended: SystemTime,
) -> Option<String> {
    let mut failures = settings.problems.clone();
    let needs_client =
        spans.is_some() || settings.otlp_metrics.is_some() || settings.pushgateway.is_some();
    let client = if needs_client {
        match Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build()
        {
            Ok(client) => Some(client),
            Err(e) => {
                failures.push(format!("HTTP client: {e}"));
                None
            }
        }
    } else {
        None
    };
    let samples = run.samples();
    std::thread::scope(|scope| {
        let mut jobs = Vec::new();
        if let Some(client) = &client {
            if let (Some(target), Some(spans)) = (&settings.traces, &spans) {
                jobs.push(scope.spawn(move || post_otlp(client, target, spans, "traces")));
            }
            if let Some(target) = &settings.otlp_metrics {
                let body = run.to_otlp(&settings.resource, started, ended);
                jobs.push(scope.spawn(move || post_otlp(client, target, &body, "metrics")));
            }
            if let Some(gateway) = &settings.pushgateway {
                let samples = &samples;
                jobs.push(scope.spawn(move || push(client, gateway, samples)));
            }
        }
        if let Some(path) = &settings.textfile
            && let Err(e) = write_textfile(path, &samples)
        {
            failures.push(format!("textfile {}: {e}", path.display()));
        }
        for job in jobs {
            if let Ok(Err(e)) = job.join() {
                failures.push(e);
            }
        }
    });
    (!failures.is_empty()).then(|| format!("telemetry not exported: {}", failures.join("; ")))
}

/// `host:port` of a URL, for messages (never its user, password, path or query).
fn host_of(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(url) => match (url.host_str(), url.port_or_known_default()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            _ => "(no host)".to_string(),
        },
        Err(_) => "(not a URL)".to_string(),
    }
}

fn describe(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_builder() {
        "not a usable URL"
    } else {
        "unreachable"
    }
}

fn post_otlp(
    client: &Client,
    target: &OtlpTarget,
    body: &Json,
    signal: &str,
) -> Result<(), String> {
    let body = serde_json::to_vec(body).expect("plain JSON");
    let response = client
        .post(&target.url)
        .headers(target.headers.clone())
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .map_err(|e| format!("otlp {signal} {}: {}", host_of(&target.url), describe(&e)))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "otlp {signal} {}: HTTP {}",
            host_of(&target.url),
            response.status().as_u16()
        ))
    }
}

/// The group's URL: `job` and `instance` base64url-encoded, so any value (a `/` in a host name
/// alias, say) is one path segment.
fn group_url(gateway: &Pushgateway) -> String {
    let encode = |value: &str| {
        if value.is_empty() {
            "=".to_string()
        } else {
            base64::engine::general_purpose::URL_SAFE.encode(value)
        }
    };
    format!(
        "{}/metrics/job@base64/{}/instance@base64/{}",
        gateway.url,
        encode(&gateway.job),
        encode(&gateway.instance)
    )
}

/// Reads the group's current values, adds the run's and replaces the group with the sum.
fn push(client: &Client, gateway: &Pushgateway, run: &Samples) -> Result<(), String> {
    let host = host_of(&gateway.url);
    let fail = |what: &str| format!("pushgateway {host}: {what}");
    let response = client
        .get(format!("{}/metrics", gateway.url))
        .send()
        .map_err(|e| fail(describe(&e)))?;
    if !response.status().is_success() {
        return Err(fail(&format!("HTTP {}", response.status().as_u16())));
    }
    let current = response.text().map_err(|e| fail(describe(&e)))?;
    let group = [
        ("job", gateway.job.as_str()),
        ("instance", gateway.instance.as_str()),
    ];
    let merged = Samples::parse(&current, &group).merge(run);
    let response = client
        .put(group_url(gateway))
        .header("Content-Type", "text/plain; version=0.0.4")
        .body(merged.render())
        .send()
        .map_err(|e| fail(describe(&e)))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(fail(&format!("HTTP {}", response.status().as_u16())))
    }
}

/// Adds the run to the textfile under the update lock; the file is replaced atomically (a new
/// one is readable by node_exporter: 0666 less the umask).
fn write_textfile(path: &Path, run: &Samples) -> std::io::Result<()> {
    let _lock = crate::io::lock_for_update(path)?;
    let current = match crate::bounded::read_file(path, crate::bounded::Kind::Config) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let merged = Samples::parse(&current, &[]).merge(run);
    crate::io::write(
        path,
        merged.render().as_bytes(),
        crate::io::Contents::Encrypted,
        crate::io::Expect::Any,
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_host_only() {
        assert_eq!(
            host_of("https://user:pw@gw.example:9091/x?token=t"),
            "gw.example:9091"
        );
        let gateway = Pushgateway {
            url: "http://g:9091".into(),
            job: "sops_rs".into(),
            instance: "a/b".into(),
        };
        assert_eq!(
            group_url(&gateway),
            "http://g:9091/metrics/job@base64/c29wc19ycw==/instance@base64/YS9i"
        );
    }
}
