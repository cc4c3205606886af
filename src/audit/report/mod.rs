//! `audit report`: figures a security team reads, computed from one or many audit logs. Who
//! read which file when, counts per file and per key, each provider's error rate and latency
//! percentiles, denied and failed operations, the first use by an actor or a CI repository not
//! seen before, and rotations.
//!
//! Reading is streamed and parallel ([`read`]), counting is per worker and merged ([`tally`]);
//! only the fields the report needs are parsed ([`record`]). A report reads records, never
//! secrets files: it has no key and decrypts nothing. The JSON shape (`sops-rs.audit-report/1`)
//! is documented in docs/audit.md.

mod read;
mod record;
mod tally;
pub mod window;

use std::path::PathBuf;

use serde::Serialize;

pub use record::BadReason;
pub use tally::{NETWORK_PROVIDERS, READ_OPERATIONS, ROTATION_OPERATIONS};
pub use window::Window;

/// The schema name of the JSON report.
pub const SCHEMA: &str = "sops-rs.audit-report/1";

/// Where an input's bytes come from.
pub enum Source {
    /// A file.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

/// What an input is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Counted (within the window).
    Log,
    /// Only says which actors and repositories are already known.
    Baseline,
}

/// One log to read.
pub struct Input {
    /// The name the report shows (the path as given, or `-`).
    pub name: String,
    /// Where to read it from.
    pub source: Source,
    /// Counted, or only a baseline.
    pub role: Role,
}

/// An input that could not be read.
#[derive(Debug)]
pub struct ReportError {
    /// The input's name.
    pub file: String,
    /// The operating system's reason.
    pub error: String,
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read {}: {}", self.file, self.error)
    }
}

/// The CI run an operation ran in (claims from the CI's environment variables).
#[derive(Clone, Debug, Serialize)]
pub struct CiRun {
    /// `github`, `gitlab`.
    pub provider: Option<String>,
    /// `vcs.repository` of the record.
    pub repository: Option<String>,
    /// The run (GitHub) or pipeline (GitLab) id.
    pub run_id: Option<String>,
    /// A link to the run.
    pub run_url: Option<String>,
    /// The workflow name (GitHub).
    pub workflow: Option<String>,
    /// The job name.
    pub job: Option<String>,
}

/// Why an operation failed: the record's error class and exit code.
#[derive(Clone, Debug, Serialize)]
pub struct FailureInfo {
    /// One of the closed list of classes in docs/audit.md.
    pub class: Option<String>,
    /// The command's exit code.
    pub exit_code: Option<u64>,
}

/// One finished operation (from its `<op>.finish` record).
#[derive(Clone, Debug, Serialize)]
pub struct Use {
    /// The record's time, as written.
    pub ts: String,
    /// The same in microseconds since the epoch.
    #[serde(skip)]
    pub at: i64,
    /// Input index and line number, to order records with the same time.
    #[serde(skip)]
    pub order: (usize, u64),
    /// The audit operation name (`decrypt`, `exec_env`, ...).
    pub operation: String,
    /// `success`, `failure`, `aborted`, `unchanged` or `denied`.
    pub outcome: String,
    /// The CI login, else the OS account, else `uid:<n>`.
    pub actor: String,
    /// `human` or `ci`.
    pub actor_kind: Option<String>,
    /// The host name.
    pub host: Option<String>,
    /// `repository:repo_path` in CI, else the absolute path, else `sha256:<hash>`; `(stdin)`.
    pub file: Option<String>,
    /// SHA-256 of the encrypted file before the operation.
    pub file_sha256: Option<String>,
    /// The CI run, when there was one.
    pub ci: Option<CiRun>,
    /// Why it failed, when it did.
    pub error: Option<FailureInfo>,
}

/// How much of one input was read.
#[derive(Debug, Serialize)]
pub struct InputSummary {
    /// The name as given.
    pub file: String,
    /// `log` or `baseline`.
    pub role: Role,
    /// Lines read.
    pub lines: u64,
    /// Lines that are audit records.
    pub records: u64,
    /// Lines that are not.
    pub bad_lines: u64,
}

/// How many operations of one kind ended one way.
#[derive(Debug, Serialize)]
pub struct OperationCount {
    /// The audit operation name.
    pub operation: String,
    /// The outcome.
    pub outcome: String,
    /// How many.
    pub count: u64,
}

/// The operations on one file.
#[derive(Debug, Serialize)]
pub struct FileSummary {
    /// As [`Use::file`].
    pub file: String,
    /// Finished operations of any kind.
    pub operations: u64,
    /// Of which read operations ([`READ_OPERATIONS`]).
    pub reads: u64,
    /// Of which failed.
    pub failures: u64,
    /// Of which were denied (audit unavailable in required mode).
    pub denied: u64,
}

/// The attempts with one key.
#[derive(Debug, Serialize)]
pub struct KeySummary {
    /// The key type tag (`age`, `kms`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The recipient, fingerprint, ARN or URL.
    pub id: String,
    /// Wrap attempts.
    pub wrap: u64,
    /// Unwrap attempts.
    pub unwrap: u64,
    /// Attempts that worked.
    pub success: u64,
    /// Attempts without credentials for the key.
    pub no_credentials: u64,
    /// Attempts that failed.
    pub failure: u64,
}

/// Nearest-rank percentiles of the provider's round trips, in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    /// Attempts with a `latency_ms`.
    pub samples: u64,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
}

/// The attempts of one key type.
#[derive(Debug, Serialize)]
pub struct ProviderSummary {
    /// The key type tag.
    pub provider: String,
    /// Whether its attempts go to a network service (they count in `kms_error_rate`).
    pub network: bool,
    /// Attempts the provider answered itself (not a key agent's cache).
    pub attempts: u64,
    /// Of which worked.
    pub success: u64,
    /// Of which found no credentials.
    pub no_credentials: u64,
    /// Of which failed.
    pub failure: u64,
    /// `failure / attempts`.
    pub error_rate: Option<f64>,
    /// Attempts a key agent's cache answered.
    pub cache: u64,
    /// Attempts a key agent answered from a stale cache entry.
    pub cache_stale: u64,
    /// Attempts answered by reusing an unwrap of the same run (many files sharing a data key).
    pub memo: u64,
    /// Of the provider's own attempts.
    pub latency_ms: Latency,
}

/// Failed attempts over all attempts of the network providers.
#[derive(Debug, Serialize)]
pub struct ErrorRate {
    /// Attempts.
    pub attempts: u64,
    /// Of which failed.
    pub failures: u64,
    /// `failures / attempts`.
    pub rate: Option<f64>,
}

/// A CI repository's first operation.
#[derive(Debug, Serialize)]
pub struct NewRepository {
    /// `vcs.repository`.
    pub repository: String,
    /// The first operation from it.
    pub first_use: Use,
}

/// A line that is not an audit record.
#[derive(Debug, Serialize)]
pub struct BadLine {
    /// 1-based.
    pub line: u64,
    /// Why.
    pub reason: BadReason,
}

/// The bad lines of one input.
#[derive(Debug, Serialize)]
pub struct BadLines {
    /// The input's name.
    pub file: String,
    /// How many.
    pub count: u64,
    /// The first lines (at most 100).
    pub lines: Vec<BadLine>,
}

/// The window as RFC 3339 times.
#[derive(Debug, Serialize)]
pub struct WindowSummary {
    /// Inclusive.
    pub since: Option<String>,
    /// Exclusive.
    pub until: Option<String>,
}

/// Everything `audit report` prints.
#[derive(Debug, Serialize)]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// The window.
    pub window: WindowSummary,
    /// Every input, in the order given.
    pub inputs: Vec<InputSummary>,
    /// Records of the logs (not the baseline) inside the window.
    pub records_in_window: u64,
    /// Finished operations by operation and outcome.
    pub operations: Vec<OperationCount>,
    /// Every read operation ([`READ_OPERATIONS`]), oldest first.
    pub reads: Vec<Use>,
    /// Per file, most operations first.
    pub files: Vec<FileSummary>,
    /// Per key.
    pub keys: Vec<KeySummary>,
    /// Per key type.
    pub providers: Vec<ProviderSummary>,
    /// Over the providers in [`NETWORK_PROVIDERS`].
    pub kms_error_rate: ErrorRate,
    /// Operations whose outcome is `denied` or `failure`, oldest first.
    pub problems: Vec<Use>,
    /// The first operation of each actor not seen in the baseline or before `since`.
    pub new_actors: Vec<Use>,
    /// The first operation from each CI repository not seen in the baseline or before `since`.
    pub new_repositories: Vec<NewRepository>,
    /// `rotate` and `updatekeys` operations, oldest first.
    pub rotations: Vec<Use>,
    /// Inputs with lines that are not audit records.
    pub bad_lines: Vec<BadLines>,
}

fn rate(failures: u64, attempts: u64) -> Option<f64> {
    (attempts > 0).then(|| failures as f64 / attempts as f64)
}

/// The nearest-rank percentile `p` (0-100) of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}

fn by_time(uses: &mut [Use]) {
    uses.sort_by_key(|u| (u.at, u.order));
}

/// Reads the inputs (on `threads` workers) and computes the report.
pub fn build(inputs: &[Input], window: Window, threads: usize) -> Result<Report, ReportError> {
    let tally = read::scan(inputs, &window, threads)?;
    let mut inputs_out = Vec::new();
    let mut bad_lines = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let count = tally.inputs.get(&index).copied().unwrap_or_default();
        inputs_out.push(InputSummary {
            file: input.name.clone(),
            role: input.role,
            lines: count.lines,
            records: count.records,
            bad_lines: count.bad,
        });
        if count.bad > 0 {
            let lines = tally.bad.get(&index).map(Vec::as_slice).unwrap_or_default();
            bad_lines.push(BadLines {
                file: input.name.clone(),
                count: count.bad,
                lines: lines
                    .iter()
                    .map(|&(line, reason)| BadLine { line, reason })
                    .collect(),
            });
        }
    }
    let mut operations: Vec<OperationCount> = tally
        .operations
        .into_iter()
        .map(|((operation, outcome), count)| OperationCount {
            operation,
            outcome,
            count,
        })
        .collect();
    operations.sort_by(|a, b| (&a.operation, &a.outcome).cmp(&(&b.operation, &b.outcome)));
    let mut files: Vec<FileSummary> = tally
        .files
        .into_iter()
        .map(|(file, c)| FileSummary {
            file,
            operations: c.operations,
            reads: c.reads,
            failures: c.failures,
            denied: c.denied,
        })
        .collect();
    files.sort_by(|a, b| b.operations.cmp(&a.operations).then(a.file.cmp(&b.file)));
    let mut keys: Vec<KeySummary> = tally
        .keys
        .into_iter()
        .map(|((kind, id), c)| KeySummary {
            kind,
            id,
            wrap: c.wrap,
            unwrap: c.unwrap,
            success: c.results.success,
            no_credentials: c.results.no_credentials,
            failure: c.results.failure,
        })
        .collect();
    keys.sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    let mut providers: Vec<ProviderSummary> = tally
        .providers
        .into_iter()
        .map(|(provider, mut c)| {
            c.latencies_ms.sort_by(f64::total_cmp);
            let r = c.results;
            let attempts = r.success + r.no_credentials + r.failure;
            ProviderSummary {
                network: NETWORK_PROVIDERS.contains(&provider.as_str()),
                provider,
                attempts,
                success: r.success,
                no_credentials: r.no_credentials,
                failure: r.failure,
                error_rate: rate(r.failure, attempts),
                cache: c.cache,
                cache_stale: c.cache_stale,
                memo: c.memo,
                latency_ms: Latency {
                    samples: c.latencies_ms.len() as u64,
                    p50: percentile(&c.latencies_ms, 50.0),
                    p95: percentile(&c.latencies_ms, 95.0),
                    p99: percentile(&c.latencies_ms, 99.0),
                },
            }
        })
        .collect();
    providers.sort_by(|a, b| a.provider.cmp(&b.provider));
    let network = providers.iter().filter(|p| p.network);
    let (attempts, failures) = network.fold((0, 0), |(a, f), p| (a + p.attempts, f + p.failure));
    let mut new_actors: Vec<Use> = tally
        .first_by_actor
        .into_iter()
        .filter(|(actor, _)| !tally.known_actors.contains(actor))
        .map(|(_, first)| first)
        .collect();
    by_time(&mut new_actors);
    let mut new_repositories: Vec<NewRepository> = tally
        .first_by_repository
        .into_iter()
        .filter(|(repository, _)| !tally.known_repositories.contains(repository))
        .map(|(repository, first_use)| NewRepository {
            repository,
            first_use,
        })
        .collect();
    new_repositories.sort_by_key(|n| (n.first_use.at, n.first_use.order));
    let (mut reads, mut problems, mut rotations) = (tally.reads, tally.problems, tally.rotations);
    by_time(&mut reads);
    by_time(&mut problems);
    by_time(&mut rotations);
    Ok(Report {
        schema: SCHEMA,
        window: WindowSummary {
            since: window.since.map(window::format_micros),
            until: window.until.map(window::format_micros),
        },
        inputs: inputs_out,
        records_in_window: tally.in_window,
        operations,
        reads,
        files,
        keys,
        providers,
        kms_error_rate: ErrorRate {
            attempts,
            failures,
            rate: rate(failures, attempts),
        },
        problems,
        new_actors,
        new_repositories,
        rotations,
        bad_lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&samples, 50.0), Some(100.0));
        assert_eq!(percentile(&samples, 95.0), Some(190.0));
        assert_eq!(percentile(&samples, 99.0), Some(198.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
