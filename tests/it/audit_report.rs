//! `sops-rs audit report` through the binary: a seeded generator writes audit logs whose figures
//! this file counts by hand (percentiles by a plain sort), split over several files and standard
//! input, with bad lines planted at known lines; `--since` / `--until` and a baseline; records
//! written by real sops-rs runs; the report opens nothing but its logs (strace) and prints no
//! secret; the JSON fields are the ones docs/audit.md lists.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::process::Output;

use serde_json::{Value as Json, json};

use crate::support::{TestEnv, launched_by, path_arg, repo_root};

/// A seeded xorshift generator: the same log on every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

#[derive(Clone)]
struct Attempt {
    provider: &'static str,
    id: String,
    unwrap: bool,
    result: &'static str,
    source: &'static str,
    latency_ms: f64,
}

#[derive(Clone)]
struct Op {
    index: usize,
    micros: i64,
    operation: &'static str,
    outcome: &'static str,
    /// (user, uid, ci login, repository)
    user: Option<&'static str>,
    uid: u64,
    ci: Option<(&'static str, &'static str)>,
    file: Option<String>,
    attempts: Vec<Attempt>,
}

const OPERATIONS: &[&str] = &[
    "decrypt",
    "decrypt",
    "decrypt",
    "exec_env",
    "exec_file",
    "edit",
    "encrypt",
    "set",
    "rotate",
    "updatekeys",
    "git_merge",
];
const OUTCOMES: &[&str] = &[
    "success",
    "success",
    "success",
    "success",
    "success",
    "success",
    "failure",
    "denied",
    "aborted",
    "unchanged",
];
const PROVIDERS: &[&str] = &["age", "kms", "hc_vault", "gcp_kms"];
const RESULTS: &[&str] = &["success", "success", "success", "no_credentials", "failure"];
const SOURCES: &[&str] = &[
    "provider",
    "provider",
    "provider",
    "cache",
    "cache_stale",
    "memo",
];
/// Humans: (user, uid, first op index allowed).
const HUMANS: &[(Option<&str>, u64, usize)] = &[
    (Some("alice"), 1000, 0),
    (Some("bob"), 1001, 0),
    (None, 4242, 0),
    (Some("erin"), 1003, 1500),
];
/// CI: (login, repository, first op index allowed).
const CI: &[(&str, &str, usize)] = &[
    ("bot-api", "acme/api", 0),
    ("bot-web", "acme/web", 0),
    ("bot-late", "acme/late", 1800),
];

/// 2026-11-01T00:00:00Z in microseconds.
const START: i64 = 1_793_491_200_000_000;

fn rfc3339(micros: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000).unwrap();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

/// `count` operations, 37 seconds and a random fraction apart, from `start`.
fn generate(seed: u64, count: usize, start: i64) -> Vec<Op> {
    let mut rng = Seeded(seed);
    (0..count)
        .map(|index| {
            let micros = start + index as i64 * 37_000_000 + rng.below(999_999) as i64;
            let ci_run = rng.below(3) == 0;
            let (user, uid, ci) = if ci_run {
                let choices: Vec<_> = CI.iter().filter(|c| index >= c.2).collect();
                let (login, repository, _) = *rng.pick(&choices);
                (Some("runner"), 1001, Some((login, repository)))
            } else {
                let choices: Vec<_> = HUMANS.iter().filter(|h| index >= h.2).collect();
                let (user, uid, _) = *rng.pick(&choices);
                (user, uid, None)
            };
            let file = match rng.below(20) {
                0 => None,
                n => Some(format!("secrets/f{}.yaml", n % 7)),
            };
            let operation = rng.pick(OPERATIONS);
            let attempts = (0..rng.below(4))
                .map(|_| {
                    let provider = rng.pick(PROVIDERS);
                    Attempt {
                        provider,
                        id: format!("{provider}-key-{}", rng.below(3)),
                        unwrap: operation != "encrypt",
                        result: rng.pick(RESULTS),
                        source: rng.pick(SOURCES),
                        latency_ms: rng.below(250_000) as f64 / 1000.0,
                    }
                })
                .collect();
            Op {
                index,
                micros,
                operation,
                outcome: rng.pick(OUTCOMES),
                user,
                uid,
                ci,
                file,
                attempts,
            }
        })
        .collect()
}

impl Op {
    fn actor(&self) -> String {
        match (self.ci, self.user) {
            (Some((login, _)), _) => login.to_string(),
            (None, Some(user)) => user.to_string(),
            (None, None) => format!("uid:{}", self.uid),
        }
    }

    fn repository(&self) -> Option<&'static str> {
        self.ci.map(|(_, repository)| repository)
    }

    /// The file as the report names it.
    fn file_label(&self) -> String {
        match (&self.file, self.ci) {
            (None, _) => "(stdin)".into(),
            (Some(path), Some((_, repository))) => format!("{repository}:{path}"),
            (Some(path), None) => format!("/home/work/{path}"),
        }
    }

    /// The records sops-rs writes for this operation, as lines.
    fn lines(&self) -> Vec<String> {
        let op_id = format!("op-{}", self.index);
        let ts = rfc3339(self.micros);
        let envelope = |event: &str| {
            let mut actor =
                json!({"uid": self.uid, "kind": if self.ci.is_some() { "ci" } else { "human" }});
            if let Some(user) = self.user {
                actor["user"] = user.into();
            }
            let mut record = json!({
                "schema": "sops-rs.audit/1.0", "ts": ts, "event": event,
                "id": format!("{op_id}-{event}"), "op_id": op_id, "invocation_id": op_id,
                "chain": {"id": "c", "seq": 1, "prev": "sha256:00"},
                "tool": {"name": "sops-rs", "version": "0.1.0", "sops_compat": "3.12.2"},
                "actor": actor, "host": {"name": "build-1", "os": "linux", "arch": "x86_64"},
            });
            if let Some((login, repository)) = self.ci {
                record["actor"]["ci_login"] = login.into();
                record["ci"] = json!({"provider": "github", "run_id": format!("{}", 9000 + self.index),
                    "run_url": "https://github.com/x/actions/runs/1", "workflow": "deploy",
                    "job": "release", "verified": false});
                record["vcs"] = json!({"provider": "github", "repository": repository,
                    "ref": "refs/heads/main", "revision": "abc"});
            }
            record["file"] = match &self.file {
                None => json!({"stdin": true}),
                Some(path) => {
                    let root = if self.ci.is_some() {
                        "/runner/work"
                    } else {
                        "/home/work"
                    };
                    json!({"path": format!("{root}/{path}"), "repo_path": path, "format": "yaml",
                        "sha256_before": "ab".repeat(32), "size": 120})
                }
            };
            record
        };
        let mut lines = vec![envelope(&format!("{}.start", self.operation))];
        for attempt in &self.attempts {
            let event = if attempt.unwrap {
                "key.unwrap"
            } else {
                "key.wrap"
            };
            let mut record = envelope(event);
            record.as_object_mut().unwrap().remove("file");
            record["key"] = json!({"type": attempt.provider, "id": attempt.id});
            record["result"] = attempt.result.into();
            if attempt.result == "failure" {
                record["error"] = json!({"class": "key_unavailable"});
            }
            record["source"] = attempt.source.into();
            record["latency_ms"] = attempt.latency_ms.into();
            lines.push(record);
        }
        let mut finish = envelope(&format!("{}.finish", self.operation));
        finish["recipients"] = json!([]);
        finish["outcome"] = self.outcome.into();
        let exit_code = match self.outcome {
            "success" => 0,
            "denied" => 75,
            "unchanged" => 200,
            _ => 128,
        };
        if exit_code != 0 {
            finish["error"] = json!({"class": "key_unavailable", "exit_code": exit_code});
        }
        finish["duration_ms"] = 12.into();
        finish["exit_code"] = exit_code.into();
        lines.push(finish);
        lines.iter().map(Json::to_string).collect()
    }
}

fn log_text(ops: &[&Op]) -> String {
    ops.iter()
        .flat_map(|op| op.lines())
        .map(|l| l + "\n")
        .collect()
}

/// The figures of the report, counted from the operations themselves.
struct HandCount {
    records: u64,
    operations: BTreeMap<(String, String), u64>,
    reads: Vec<(String, String, String)>,
    files: BTreeMap<String, [u64; 4]>,
    keys: BTreeMap<(String, String), [u64; 5]>,
    providers: BTreeMap<String, Json>,
    kms: (u64, u64),
    problems: u64,
    rotations: Vec<String>,
    new_actors: Vec<(String, String)>,
    new_repositories: Vec<(String, String)>,
}

fn nearest_rank(sorted: &[f64], p: f64) -> Json {
    if sorted.is_empty() {
        return Json::Null;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.max(1) - 1].into()
}

fn hand_count(ops: &[Op], since: Option<i64>, until: Option<i64>, baseline: &[Op]) -> HandCount {
    let inside =
        |op: &&Op| since.is_none_or(|s| op.micros >= s) && until.is_none_or(|u| op.micros < u);
    let window: Vec<&Op> = ops.iter().filter(inside).collect();
    let before: Vec<&Op> = ops
        .iter()
        .filter(|op| since.is_some_and(|s| op.micros < s))
        .chain(baseline)
        .collect();
    let mut count = HandCount {
        records: window.iter().map(|op| 2 + op.attempts.len() as u64).sum(),
        operations: BTreeMap::new(),
        reads: Vec::new(),
        files: BTreeMap::new(),
        keys: BTreeMap::new(),
        providers: BTreeMap::new(),
        kms: (0, 0),
        problems: 0,
        rotations: Vec::new(),
        new_actors: Vec::new(),
        new_repositories: Vec::new(),
    };
    let reading = ["decrypt", "edit", "exec_env", "exec_file", "git_textconv"];
    let mut latencies: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut provider_counts: BTreeMap<&str, [u64; 6]> = BTreeMap::new();
    let known_actors: BTreeSet<String> = before.iter().map(|op| op.actor()).collect();
    let known_repositories: BTreeSet<&str> =
        before.iter().filter_map(|op| op.repository()).collect();
    let mut seen_actors = BTreeSet::new();
    let mut seen_repositories = BTreeSet::new();
    for op in &window {
        *count
            .operations
            .entry((op.operation.into(), op.outcome.into()))
            .or_default() += 1;
        let read = reading.contains(&op.operation);
        if read {
            count
                .reads
                .push((rfc3339(op.micros), op.actor(), op.file_label()));
        }
        let file = count.files.entry(op.file_label()).or_default();
        file[0] += 1;
        file[1] += u64::from(read);
        file[2] += u64::from(op.outcome == "failure");
        file[3] += u64::from(op.outcome == "denied");
        count.problems += u64::from(matches!(op.outcome, "failure" | "denied"));
        if matches!(op.operation, "rotate" | "updatekeys") {
            count.rotations.push(rfc3339(op.micros));
        }
        if !known_actors.contains(&op.actor()) && seen_actors.insert(op.actor()) {
            count.new_actors.push((op.actor(), rfc3339(op.micros)));
        }
        if let Some(repository) = op.repository()
            && !known_repositories.contains(repository)
            && seen_repositories.insert(repository)
        {
            count
                .new_repositories
                .push((repository.into(), rfc3339(op.micros)));
        }
        for attempt in &op.attempts {
            let key = count
                .keys
                .entry((attempt.provider.into(), attempt.id.clone()))
                .or_default();
            key[usize::from(attempt.unwrap)] += 1;
            let result = ["success", "no_credentials", "failure"]
                .iter()
                .position(|r| *r == attempt.result)
                .unwrap();
            key[2 + result] += 1;
            let provider = provider_counts.entry(attempt.provider).or_default();
            match attempt.source {
                "cache" => provider[3] += 1,
                "cache_stale" => provider[4] += 1,
                "memo" => provider[5] += 1,
                _ => {
                    provider[result] += 1;
                    latencies
                        .entry(attempt.provider)
                        .or_default()
                        .push(attempt.latency_ms);
                }
            }
        }
    }
    for (provider, c) in provider_counts {
        let mut samples = latencies.remove(provider).unwrap_or_default();
        samples.sort_by(f64::total_cmp);
        let attempts = c[0] + c[1] + c[2];
        if provider != "age" {
            count.kms.0 += attempts;
            count.kms.1 += c[2];
        }
        count.providers.insert(
            provider.into(),
            json!({
                "provider": provider, "network": provider != "age", "attempts": attempts,
                "success": c[0], "no_credentials": c[1], "failure": c[2],
                "error_rate": if attempts > 0 { json!(c[2] as f64 / attempts as f64) } else { Json::Null },
                "cache": c[3], "cache_stale": c[4], "memo": c[5],
                "latency_ms": {"samples": samples.len(), "p50": nearest_rank(&samples, 50.0),
                    "p95": nearest_rank(&samples, 95.0), "p99": nearest_rank(&samples, 99.0)},
            }),
        );
    }
    count
}

fn report_json(out: &Output) -> Json {
    assert!(
        out.status.success(),
        "audit report failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn strings(value: &Json, field: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[field].as_str().unwrap_or("-").to_string())
        .collect()
}

/// Every figure of `report` equals the hand count.
fn assert_matches(report: &Json, count: &HandCount) {
    assert_eq!(report["schema"], "sops-rs.audit-report/1");
    assert_eq!(report["records_in_window"], count.records, "records");
    let operations: BTreeMap<(String, String), u64> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let name = |f: &str| o[f].as_str().unwrap().to_string();
            (
                (name("operation"), name("outcome")),
                o["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(operations, count.operations, "operations");
    let reads: Vec<(String, String, String)> = report["reads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |f: &str| r[f].as_str().unwrap().to_string();
            (text("ts"), text("actor"), text("file"))
        })
        .collect();
    assert_eq!(reads, count.reads, "reads: who read which file when");
    let files: BTreeMap<String, [u64; 4]> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap();
            (
                f["file"].as_str().unwrap().to_string(),
                [n("operations"), n("reads"), n("failures"), n("denied")],
            )
        })
        .collect();
    assert_eq!(files, count.files, "files");
    let keys: BTreeMap<(String, String), [u64; 5]> = report["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let n = |f: &str| k[f].as_u64().unwrap();
            let text = |f: &str| k[f].as_str().unwrap().to_string();
            (
                (text("type"), text("id")),
                [
                    n("wrap"),
                    n("unwrap"),
                    n("success"),
                    n("no_credentials"),
                    n("failure"),
                ],
            )
        })
        .collect();
    assert_eq!(keys, count.keys, "keys");
    let providers: BTreeMap<String, Json> = report["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["provider"].as_str().unwrap().to_string(), p.clone()))
        .collect();
    assert_eq!(providers, count.providers, "providers");
    let kms = &report["kms_error_rate"];
    assert_eq!(
        (
            kms["attempts"].as_u64().unwrap(),
            kms["failures"].as_u64().unwrap()
        ),
        count.kms
    );
    assert_eq!(
        kms["rate"].as_f64().unwrap(),
        count.kms.1 as f64 / count.kms.0 as f64
    );
    assert_eq!(
        report["problems"].as_array().unwrap().len() as u64,
        count.problems
    );
    for problem in report["problems"].as_array().unwrap() {
        assert!(matches!(
            problem["outcome"].as_str(),
            Some("failure" | "denied")
        ));
        assert!(problem["error"]["class"].is_string(), "{problem}");
    }
    assert_eq!(
        strings(&report["rotations"], "ts"),
        count.rotations,
        "rotations"
    );
    let new_actors: Vec<(String, String)> = report["new_actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["actor"].as_str().unwrap().into(),
                u["ts"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(new_actors, count.new_actors, "new actors");
    let new_repositories: Vec<(String, String)> = report["new_repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["repository"].as_str().unwrap().into(),
                n["first_use"]["ts"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(new_repositories, count.new_repositories, "new repositories");
}

const BAD_CANARY: &str = "BadLineCanary4c1e";

#[test]
fn report_figures_equal_a_hand_count_over_several_logs_stdin_and_bad_lines() {
    let home = TestEnv::new();
    let ops = generate(0x5eed_1234, 2400, START);
    let part = |n: usize| -> Vec<&Op> { ops.iter().filter(|op| op.index % 3 == n).collect() };
    // Bad lines at known places of the first log: after line 2, and at its end.
    let mut first: Vec<String> = log_text(&part(0)).lines().map(str::to_string).collect();
    first.insert(2, format!("{{\"not\": \"closed {BAD_CANARY}"));
    first.insert(
        5,
        format!(
            "{{\"schema\":\"other/2\",\"ts\":\"2026-11-01T00:00:00Z\",\"event\":\"{BAD_CANARY}\"}}"
        ),
    );
    first.push(format!(
        "{{\"schema\":\"sops-rs.audit/1.0\",\"ts\":\"{BAD_CANARY}\",\"event\":\"decrypt.finish\"}}"
    ));
    first.push(String::new());
    let first_lines = first.len() as u64;
    home.write("a.jsonl", first.join("\n") + "\n");
    home.write("b.jsonl", log_text(&part(1)));
    let stdin = log_text(&part(2));
    let out = home.run_with_stdin(
        &["audit", "report", "--json", "a.jsonl", "b.jsonl", "-"],
        stdin.as_bytes(),
    );
    let report = report_json(&out);
    assert_matches(&report, &hand_count(&ops, None, None, &[]));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        report["bad_lines"],
        json!([{"file": "a.jsonl", "count": 4, "lines": [
            {"line": 3, "reason": "not_json"},
            {"line": 6, "reason": "other_schema"},
            {"line": first_lines - 1, "reason": "bad_timestamp"},
            {"line": first_lines, "reason": "not_json"},
        ]}]),
        "{stderr}"
    );
    assert_eq!(report["inputs"][0]["bad_lines"], 4);
    assert_eq!(report["inputs"][2]["file"], "-");
    assert!(
        stderr.contains(&format!("a.jsonl: 4 line(s) are not audit records and were not counted (line 3, 6, {}, {first_lines})", first_lines - 1)),
        "{stderr}"
    );
    // The table: the same figures, and a bad line's content is never printed.
    let table = home.run_with_stdin(
        &["audit", "report", "--limit", "5", "a.jsonl", "b.jsonl", "-"],
        stdin.as_bytes(),
    );
    let text = String::from_utf8_lossy(&table.stdout).to_string();
    let all = format!("{text}{}{}", String::from_utf8_lossy(&table.stderr), stderr);
    assert!(
        !all.contains(BAD_CANARY) && !String::from_utf8_lossy(&out.stdout).contains(BAD_CANARY)
    );
    let kms = &report["kms_error_rate"];
    let percent = format!("{:.2}%", kms["rate"].as_f64().unwrap() * 100.0);
    assert!(
        text.contains(&format!(
            "KMS error rate (network providers): {percent} ({} of {} attempts)",
            kms["failures"], kms["attempts"]
        )),
        "{text}"
    );
    let reads = report["reads"].as_array().unwrap().len();
    assert!(
        text.contains(&format!("(the newest 5 of {reads}; --limit N for more")),
        "{text}"
    );
    assert!(
        text.contains("a.jsonl: 4: 3 (not an audit record (JSON)), 6 (another schema"),
        "{text}"
    );
    // One log holding everything gives the same figures.
    home.write("all.jsonl", log_text(&ops.iter().collect::<Vec<_>>()));
    let single = report_json(&home.run(&["audit", "report", "--json", "all.jsonl"]));
    for field in [
        "operations",
        "reads",
        "files",
        "keys",
        "providers",
        "new_actors",
        "rotations",
    ] {
        assert_eq!(single[field], report[field], "{field}");
    }
}

#[test]
fn since_until_and_a_baseline_pick_the_records_and_what_is_new() {
    let home = TestEnv::new();
    let ops = generate(0xfeed_5678, 2400, START);
    home.write("audit.jsonl", log_text(&ops.iter().collect::<Vec<_>>()));
    let since = ops[1000].micros;
    let until = ops[2100].micros;
    let out = home.run(&[
        "audit",
        "report",
        "--json",
        "--since",
        &rfc3339(since),
        "--until",
        &rfc3339(until),
        "audit.jsonl",
    ]);
    let report = report_json(&out);
    let count = hand_count(&ops, Some(since), Some(until), &[]);
    assert_matches(&report, &count);
    // Erin starts at operation 1500 and acme/late (bot-late) at 1800: new after 1000; the rest
    // were known.
    let actors: Vec<&str> = count.new_actors.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actors, ["erin", "bot-late"]);
    assert_eq!(count.new_repositories[0].0, "acme/late");
    assert_eq!(report["window"]["since"], rfc3339(since));

    // A baseline that knows alice and acme/api only: everyone else is new from the start.
    let baseline: Vec<Op> = generate(7, 300, START - 86_400_000_000 * 30)
        .into_iter()
        .filter(|op| op.actor() == "alice" || op.repository() == Some("acme/api"))
        .collect();
    home.write(
        "baseline.jsonl",
        log_text(&baseline.iter().collect::<Vec<_>>()),
    );
    let out = home.run(&[
        "audit",
        "report",
        "--json",
        "--baseline",
        "baseline.jsonl",
        "audit.jsonl",
    ]);
    let report = report_json(&out);
    let count = hand_count(&ops, None, None, &baseline);
    assert_matches(&report, &count);
    assert!(
        !count
            .new_actors
            .iter()
            .any(|(a, _)| a == "alice" || a == "bot-api")
    );
    assert!(count.new_actors.iter().any(|(a, _)| a == "bob"));
    assert_eq!(report["inputs"][1]["role"], "baseline");

    // Ages relative to now.
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1_000_000;
    let recent: Vec<Op> = generate(11, 3, now)
        .into_iter()
        .zip([10 * 86_400, 3 * 86_400, 3600])
        .map(|(op, age)| Op {
            micros: now - age * 1_000_000,
            ..op
        })
        .collect();
    home.write("recent.jsonl", log_text(&recent.iter().collect::<Vec<_>>()));
    for (since, expected) in [("7d", 2), ("2h", 1), ("3w", 3)] {
        let report = report_json(&home.run(&[
            "audit",
            "report",
            "--json",
            "--since",
            since,
            "recent.jsonl",
        ]));
        let operations: u64 = report["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["count"].as_u64().unwrap())
            .sum();
        assert_eq!(operations, expected, "--since {since}");
    }
    let report =
        report_json(&home.run(&["audit", "report", "--json", "--until", "2d", "recent.jsonl"]));
    assert_eq!(
        report["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["count"].as_u64().unwrap())
            .sum::<u64>(),
        2, // ten and three days ago
    );
    let bad = home.run(&["audit", "report", "--since", "yesterday", "recent.jsonl"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("--since: \"yesterday\" is neither an RFC 3339 time")
    );
    let missing = home.run(&["audit", "report", "nowhere.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read nowhere.jsonl"));
}

const CANARY: &str = "ReportCanary9b2f";

#[test]
fn records_of_real_runs_are_counted_and_the_report_opens_nothing_but_its_logs() {
    let home = TestEnv::new();
    let file = home.encrypted("app.yaml", &format!("token: {CANARY}\n"), &[]);
    let app = path_arg(&file);
    let log = path_arg(&home.path("audit.jsonl"));
    let audited = |args: &[&str], with_key: bool| {
        let mut cmd = home.sops_rs();
        cmd.args(["--audit-log", &log]).args(args);
        if !with_key {
            cmd.env_remove("SOPS_AGE_KEY_FILE");
        }
        cmd.output().unwrap()
    };
    assert!(audited(&["decrypt", &app], true).status.success());
    assert!(audited(&["decrypt", &app], true).status.success());
    assert_eq!(audited(&["decrypt", &app], false).status.code(), Some(128));
    assert!(audited(&["rotate", "-i", &app], true).status.success());
    assert!(audited(&["exec-env", &app, "true"], true).status.success());
    let strace_log = home.path("strace.log");
    let strace = [
        OsStr::new("strace"),
        OsStr::new("-f"),
        OsStr::new("-qq"),
        OsStr::new("-e"),
        OsStr::new("trace=open,openat"),
        OsStr::new("-o"),
        strace_log.as_os_str(),
    ];
    let mut report = home.sops_rs();
    report.args(["audit", "report", "--json", &log]);
    let out = launched_by(&strace, &report)
        .output()
        .unwrap_or_else(|e| panic!("strace: {e}: run scripts/install-test-deps.sh"));
    let trace = std::fs::read_to_string(&strace_log).unwrap();
    let report = report_json(&out);
    let opened: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains(home.dir().to_str().unwrap()))
        .collect();
    assert!(
        opened.iter().all(|l| l.contains("audit.jsonl")),
        "the report opened more than its log: {opened:#?}"
    );
    assert!(!opened.is_empty(), "{trace}");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!printed.contains(CANARY));
    let operations: BTreeMap<(String, String), u64> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let name = |f: &str| o[f].as_str().unwrap().to_string();
            (
                (name("operation"), name("outcome")),
                o["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: BTreeMap<(String, String), u64> = [
        (("decrypt", "success"), 2),
        (("decrypt", "failure"), 1),
        (("rotate", "success"), 1),
        (("exec_env", "success"), 1),
    ]
    .into_iter()
    .map(|((o, r), n)| ((o.to_string(), r.to_string()), n))
    .collect();
    assert_eq!(operations, expected);
    let canonical = path_arg(&std::fs::canonicalize(&file).unwrap());
    let reads = report["reads"].as_array().unwrap();
    assert_eq!(reads.len(), 4);
    assert!(
        reads.iter().all(|r| r["file"] == canonical.as_str()),
        "{reads:?}"
    );
    assert_eq!(strings(&report["rotations"], "operation"), ["rotate"]);
    assert_eq!(report["problems"][0]["error"]["class"], "key_unavailable");
    assert_eq!(report["problems"][0]["error"]["exit_code"], 128);
    // age: unwraps by 2 decrypts, the one without a key, rotate and exec-env; rotate's wrap.
    assert_eq!(
        report["keys"],
        json!([{"type": "age", "id": home.recipient, "wrap": 1, "unwrap": 5,
            "success": 5, "no_credentials": 1, "failure": 0}])
    );
    let age = &report["providers"][0];
    assert_eq!(
        (age["provider"].as_str(), age["attempts"].as_u64()),
        (Some("age"), Some(6))
    );
    assert_eq!(age["latency_ms"]["samples"], 6);
    assert!(
        age["latency_ms"]["p99"].as_f64().unwrap() >= age["latency_ms"]["p50"].as_f64().unwrap()
    );
    assert_eq!(
        report["kms_error_rate"],
        json!({"attempts": 0, "failures": 0, "rate": null})
    );
}

#[test]
fn every_report_field_is_documented() {
    let home = TestEnv::new();
    let ops = generate(3, 30, START);
    home.write("audit.jsonl", log_text(&ops.iter().collect::<Vec<_>>()));
    let report = report_json(&home.run(&["audit", "report", "--json", "audit.jsonl"]));
    let docs = std::fs::read_to_string(repo_root().join("docs/audit.md")).unwrap();
    let section = docs
        .split("### JSON: `sops-rs.audit-report/1`")
        .nth(1)
        .expect("docs/audit.md documents sops-rs.audit-report/1");
    let section = section.split("\n## ").next().unwrap();
    // The first cell of each table row names one or more fields: `a`, `b`.
    let documented: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" | ").next())
        .flat_map(|cell| {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut fields = BTreeSet::new();
    let mut prefixes = BTreeSet::new();
    let mut collect = |prefix: &str, value: &Json| {
        prefixes.insert(prefix.to_string());
        for key in value.as_object().unwrap().keys() {
            fields.insert(format!("{prefix}{key}"));
        }
    };
    let with = |list: &str, field: &str| {
        report[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| !row[field].is_null())
            .cloned()
            .unwrap_or_else(|| panic!("no {list} row with {field}"))
    };
    collect("", &report);
    collect("window.", &report["window"]);
    collect("inputs[].", &report["inputs"][0]);
    collect("operations[].", &report["operations"][0]);
    collect("use.", &report["reads"][0]);
    collect("use.ci.", &with("reads", "ci")["ci"]);
    collect("use.error.", &with("problems", "error")["error"]);
    collect("files[].", &report["files"][0]);
    collect("keys[].", &report["keys"][0]);
    collect("providers[].", &report["providers"][0]);
    collect(
        "providers[].latency_ms.",
        &report["providers"][0]["latency_ms"],
    );
    collect("kms_error_rate.", &report["kms_error_rate"]);
    collect("new_repositories[].", &report["new_repositories"][0]);
    let missing: Vec<&String> = fields.iter().filter(|f| !documented.contains(*f)).collect();
    assert!(
        missing.is_empty(),
        "fields not in docs/audit.md: {missing:?}"
    );
    let stale: Vec<&String> = documented
        .iter()
        .filter(|d| {
            let prefix = d.rfind('.').map_or("", |at| &d[..=at]);
            prefixes.contains(prefix) && !fields.contains(*d)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "documented but not in the report: {stale:?}"
    );
}
