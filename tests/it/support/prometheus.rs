//! Debian's Prometheus Pushgateway and Prometheus (installed by `scripts/install-test-deps.sh`),
//! started on free loopback ports: Prometheus scrapes the Pushgateway every second with
//! `honor_labels: true`, so the pushed `job` and `instance` labels are kept. Both are waited for
//! through their `/-/ready` endpoints and killed when dropped.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{free_port, wait_for};

/// A program installed on the system `PATH`; a missing one fails the test with the hint.
fn system_tool(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{name} not found on PATH: run scripts/install-test-deps.sh"))
}

/// A server process; killed when dropped.
struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `GET http://127.0.0.1:<port><path>` answers 200.
fn ready(port: u16, path: &str) -> bool {
    reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{port}{path}"))
        .timeout(Duration::from_secs(2))
        .send()
        .is_ok_and(|r| r.status().is_success())
}

/// Starts `program args` with `--web.listen-address` on a free port and waits for `/-/ready`;
/// tries again on another port when the one it got was taken meanwhile.
fn start(dir: &Path, name: &str, program: &Path, args: &[String]) -> (Daemon, u16) {
    for _ in 0..3 {
        let port = free_port();
        let log = dir.join(format!("{name}.log"));
        let child = Command::new(program)
            .args(args)
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(File::create(&log).unwrap())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        let mut daemon = Daemon { child, log };
        let mut exited = false;
        wait_for(
            &format!("{name} to be ready"),
            Duration::from_secs(60),
            || {
                exited = daemon.child.try_wait().unwrap().is_some();
                exited || ready(port, "/-/ready")
            },
        );
        if !exited {
            return (daemon, port);
        }
        let log = std::fs::read_to_string(&daemon.log).unwrap_or_default();
        assert!(
            log.contains("address already in use"),
            "{name} exited:\n{log}"
        );
    }
    panic!("{name} could not bind a free port in 3 attempts");
}

/// A Pushgateway and a Prometheus scraping it.
pub struct Monitoring {
    _prometheus: Daemon,
    _pushgateway: Daemon,
    /// The Pushgateway's base URL.
    pub pushgateway: String,
    prometheus_port: u16,
    _dir: tempfile::TempDir,
}

impl Monitoring {
    /// Starts both and waits until Prometheus has scraped the Pushgateway once.
    pub fn start() -> Monitoring {
        let dir = tempfile::tempdir().unwrap();
        let (pushgateway, gateway_port) = start(
            dir.path(),
            "pushgateway",
            &system_tool("prometheus-pushgateway"),
            &[],
        );
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  \
                 - job_name: pushgateway\n    honor_labels: true\n    static_configs:\n      \
                 - targets: ['127.0.0.1:{gateway_port}']\n"
            ),
        )
        .unwrap();
        let (prometheus, prometheus_port) = start(
            dir.path(),
            "prometheus",
            &system_tool("prometheus"),
            &[
                format!("--config.file={}", config.display()),
                format!("--storage.tsdb.path={}", dir.path().join("data").display()),
            ],
        );
        let monitoring = Monitoring {
            _prometheus: prometheus,
            _pushgateway: pushgateway,
            pushgateway: format!("http://127.0.0.1:{gateway_port}"),
            prometheus_port,
            _dir: dir,
        };
        wait_for(
            "Prometheus to scrape the Pushgateway",
            Duration::from_secs(60),
            || monitoring.query("up{job=\"pushgateway\"}") == vec![(String::new(), 1.0)],
        );
        monitoring
    }

    /// The instant vector of `promql`: each series's labels (as `k=v,...`, without `__name__`,
    /// `job` and `instance`) and value, sorted.
    pub fn query(&self, promql: &str) -> Vec<(String, f64)> {
        let Ok(response) = reqwest::blocking::Client::new()
            .get(format!(
                "http://127.0.0.1:{}/api/v1/query",
                self.prometheus_port
            ))
            .query(&[("query", promql)])
            .timeout(Duration::from_secs(5))
            .send()
        else {
            return Vec::new();
        };
        let body: serde_json::Value = response.json().unwrap_or_default();
        let mut series: Vec<(String, f64)> = body["data"]["result"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| {
                let mut labels: Vec<String> = item["metric"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(k, _)| !matches!(k.as_str(), "__name__" | "job" | "instance"))
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect();
                labels.sort();
                let labels = labels.join(",");
                let value = item["value"][1]
                    .as_str()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN);
                (labels, value)
            })
            .collect();
        series.sort_by(|a, b| a.0.cmp(&b.0));
        series
    }

    /// Waits until `promql` gives exactly `expected`.
    pub fn wait_for_query(&self, promql: &str, expected: &[(&str, f64)]) {
        let expected: Vec<(String, f64)> =
            expected.iter().map(|(l, v)| (l.to_string(), *v)).collect();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let last = self.query(promql);
            if last == expected {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{promql}: expected {expected:?}, Prometheus has {last:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
