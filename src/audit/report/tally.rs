//! Counting: one [`Tally`] per worker takes the records of the chunks it is given, and the
//! tallies are merged at the end. Everything kept is either a count, a latency sample or one row
//! per finished operation of interest; nothing depends on the order chunks are counted in.

use std::collections::{HashMap, HashSet};

use super::record::{self, BadReason, Record};
use super::window::{Place, Window};
use super::{CiRun, FailureInfo, Role, Use};

/// How many bad line numbers are kept per input (the count is always exact).
pub(super) const BAD_LINES_KEPT: usize = 100;

/// Operations that hand plaintext to a person or a program.
pub const READ_OPERATIONS: &[&str] = &["decrypt", "edit", "exec_env", "exec_file", "git_textconv"];

/// Operations that change which keys can open a file, or renew its data key.
pub const ROTATION_OPERATIONS: &[&str] = &["rotate", "updatekeys"];

/// Key types whose attempts go over the network to a key management service.
pub const NETWORK_PROVIDERS: &[&str] = &["kms", "gcp_kms", "azure_kv", "hc_vault", "hckms"];

#[derive(Default, Clone, Copy)]
pub(super) struct InputCount {
    pub lines: u64,
    pub records: u64,
    pub bad: u64,
}

#[derive(Default)]
pub(super) struct FileCount {
    pub operations: u64,
    pub reads: u64,
    pub failures: u64,
    pub denied: u64,
}

#[derive(Default)]
pub(super) struct KeyCount {
    pub wrap: u64,
    pub unwrap: u64,
    pub results: ResultCount,
}

#[derive(Default, Clone, Copy)]
pub(super) struct ResultCount {
    pub success: u64,
    pub no_credentials: u64,
    pub failure: u64,
}

impl ResultCount {
    fn add(&mut self, result: &str) {
        match result {
            "success" => self.success += 1,
            "no_credentials" => self.no_credentials += 1,
            _ => self.failure += 1,
        }
    }

    fn merge(&mut self, other: ResultCount) {
        self.success += other.success;
        self.no_credentials += other.no_credentials;
        self.failure += other.failure;
    }
}

#[derive(Default)]
pub(super) struct ProviderCount {
    /// Attempts the provider itself answered (`source` `provider`).
    pub results: ResultCount,
    pub cache: u64,
    pub cache_stale: u64,
    /// Attempts answered by reusing an unwrap of the same run (`source` `memo`).
    pub memo: u64,
    pub latencies_ms: Vec<f64>,
}

/// What one worker counted.
#[derive(Default)]
pub(super) struct Tally {
    pub inputs: HashMap<usize, InputCount>,
    pub bad: HashMap<usize, Vec<(u64, BadReason)>>,
    pub in_window: u64,
    pub operations: HashMap<(String, String), u64>,
    pub files: HashMap<String, FileCount>,
    pub keys: HashMap<(String, String), KeyCount>,
    pub providers: HashMap<String, ProviderCount>,
    pub reads: Vec<Use>,
    pub problems: Vec<Use>,
    pub rotations: Vec<Use>,
    pub first_by_actor: HashMap<String, Use>,
    pub first_by_repository: HashMap<String, Use>,
    pub known_actors: HashSet<String>,
    pub known_repositories: HashSet<String>,
}

/// Who ran an operation: the CI login when there is one, else the OS account, else its uid.
fn actor_label(record: &Record) -> String {
    let actor = record.actor.as_ref();
    if let Some(login) = actor.and_then(|a| a.ci_login.as_deref()) {
        return login.to_string();
    }
    if let Some(user) = actor.and_then(|a| a.user.as_deref()) {
        return user.to_string();
    }
    match actor.and_then(|a| a.uid) {
        Some(uid) => format!("uid:{uid}"),
        None => "unknown".into(),
    }
}

/// The file an operation was about: `repository:repo_path` in CI, else the absolute path, else
/// the path in its work tree, else the hash of its encrypted bytes.
fn file_label(record: &Record) -> Option<String> {
    let file = record.file.as_ref()?;
    if file.stdin == Some(true) {
        return Some("(stdin)".into());
    }
    let repository = record.vcs.as_ref().and_then(|v| v.repository.as_deref());
    match (repository, file.repo_path.as_deref(), file.path.as_deref()) {
        (Some(repository), Some(repo_path), _) => Some(format!("{repository}:{repo_path}")),
        (_, _, Some(path)) => Some(path.to_string()),
        (_, Some(repo_path), None) => Some(repo_path.to_string()),
        (_, None, None) => file.sha256_before.as_deref().map(|h| format!("sha256:{h}")),
    }
}

fn owned(text: Option<&str>) -> Option<String> {
    text.map(str::to_string)
}

fn operation_use(record: &Record, operation: &str, at: i64, order: (usize, u64)) -> Use {
    let ci = record.ci.as_ref().map(|ci| CiRun {
        provider: owned(ci.provider.as_deref()),
        repository: owned(record.vcs.as_ref().and_then(|v| v.repository.as_deref())),
        run_id: owned(ci.run_id.as_deref()),
        run_url: owned(ci.run_url.as_deref()),
        workflow: owned(ci.workflow.as_deref()),
        job: owned(ci.job.as_deref()),
    });
    Use {
        ts: record.ts.to_string(),
        at,
        order,
        operation: operation.to_string(),
        outcome: owned(record.outcome.as_deref()).unwrap_or_else(|| "unknown".into()),
        actor: actor_label(record),
        actor_kind: owned(record.actor.as_ref().and_then(|a| a.kind.as_deref())),
        host: owned(record.host.as_ref().and_then(|h| h.name.as_deref())),
        file: file_label(record),
        file_sha256: owned(
            record
                .file
                .as_ref()
                .and_then(|f| f.sha256_before.as_deref()),
        ),
        ci,
        error: record.error.as_ref().map(|e| FailureInfo {
            class: owned(e.class.as_deref()),
            exit_code: e.exit_code,
        }),
    }
}

/// Whether a sighting at `at` / `order` comes before the one kept for `key`, if any.
fn earlier(map: &HashMap<String, Use>, key: &str, at: i64, order: (usize, u64)) -> bool {
    map.get(key)
        .is_none_or(|seen| (at, order) < (seen.at, seen.order))
}

/// Keeps the earlier of two sightings.
fn keep_first(map: &mut HashMap<String, Use>, key: String, sighting: Use) {
    if earlier(map, &key, sighting.at, sighting.order) {
        map.insert(key, sighting);
    }
}

impl Tally {
    /// Counts the lines of one chunk of input `input`, whose first line is line `first_line`.
    pub fn chunk(
        &mut self,
        input: usize,
        role: Role,
        first_line: u64,
        bytes: &[u8],
        window: &Window,
    ) {
        let mut pieces = bytes.split(|b| *b == b'\n').peekable();
        let mut number = first_line;
        while let Some(piece) = pieces.next() {
            if piece.is_empty() && pieces.peek().is_none() {
                break;
            }
            let line = piece.strip_suffix(b"\r").unwrap_or(piece);
            self.line(input, role, number, line, window);
            number += 1;
        }
    }

    fn line(&mut self, input: usize, role: Role, number: u64, line: &[u8], window: &Window) {
        let count = self.inputs.entry(input).or_default();
        count.lines += 1;
        let (record, at) = match record::parse(line) {
            Ok(parsed) => parsed,
            Err(reason) => {
                count.bad += 1;
                let kept = self.bad.entry(input).or_default();
                if kept.len() < BAD_LINES_KEPT {
                    kept.push((number, reason));
                }
                return;
            }
        };
        count.records += 1;
        let place = match role {
            Role::Baseline => Place::Before,
            Role::Log => window.place(at),
        };
        let event = record.event.as_ref();
        if place == Place::After {
            return;
        }
        if let Some(operation) = event.strip_suffix(".finish") {
            self.finish(&record, operation, place, at, (input, number));
        } else if let Some(operation) = event.strip_suffix(".file") {
            if place == Place::Inside {
                self.file_of_run(&record, operation, at, (input, number));
            }
        } else if place == Place::Inside {
            self.in_window += 1;
            if let Some(operation) = event.strip_prefix("key.") {
                self.key(&record, operation);
            }
        }
    }

    fn finish(
        &mut self,
        record: &Record,
        operation: &str,
        place: Place,
        at: i64,
        order: (usize, u64),
    ) {
        let repository = record.vcs.as_ref().and_then(|v| v.repository.as_deref());
        if place == Place::Before {
            self.known_actors.insert(actor_label(record));
            if let Some(repository) = repository {
                self.known_repositories.insert(repository.to_string());
            }
            return;
        }
        self.in_window += 1;
        let sighting = operation_use(record, operation, at, order);
        let outcome = sighting.outcome.as_str();
        *self
            .operations
            .entry((operation.to_string(), outcome.to_string()))
            .or_default() += 1;
        let read = READ_OPERATIONS.contains(&operation);
        // A run over several files counts its files from their own `<op>.file` records.
        let per_file = record.files.is_some();
        if !per_file && let Some(file) = &sighting.file {
            let count = self.files.entry(file.clone()).or_default();
            count.operations += 1;
            count.reads += u64::from(read);
            count.failures += u64::from(outcome == "failure");
            count.denied += u64::from(outcome == "denied");
        }
        // Most logs are in time order: after an actor's first record, nothing is cloned here.
        if let Some(repository) = repository
            && earlier(&self.first_by_repository, repository, at, order)
        {
            self.first_by_repository
                .insert(repository.to_string(), sighting.clone());
        }
        if earlier(&self.first_by_actor, &sighting.actor, at, order) {
            self.first_by_actor
                .insert(sighting.actor.clone(), sighting.clone());
        }
        if matches!(outcome, "failure" | "denied") {
            self.problems.push(sighting.clone());
        }
        if ROTATION_OPERATIONS.contains(&operation) {
            self.rotations.push(sighting.clone());
        }
        if read && !per_file {
            self.reads.push(sighting);
        }
    }

    /// One file of a run over several files (`<op>.file`): counted per file, and listed among
    /// the reads for a read operation.
    fn file_of_run(&mut self, record: &Record, operation: &str, at: i64, order: (usize, u64)) {
        let sighting = operation_use(record, operation, at, order);
        let read = READ_OPERATIONS.contains(&operation);
        if let Some(file) = &sighting.file {
            let outcome = sighting.outcome.as_str();
            let count = self.files.entry(file.clone()).or_default();
            count.operations += 1;
            count.reads += u64::from(read);
            count.failures += u64::from(outcome == "failure");
        }
        if read {
            self.reads.push(sighting);
        }
    }

    fn key(&mut self, record: &Record, operation: &str) {
        let Some(key) = &record.key else { return };
        let result = record.result.as_deref().unwrap_or("failure");
        let count = self
            .keys
            .entry((key.kind.to_string(), key.id.to_string()))
            .or_default();
        match operation {
            "wrap" => count.wrap += 1,
            _ => count.unwrap += 1,
        }
        count.results.add(result);
        let provider = self.providers.entry(key.kind.to_string()).or_default();
        match record.source.as_deref().unwrap_or("provider") {
            "cache" => provider.cache += 1,
            "cache_stale" => provider.cache_stale += 1,
            "memo" => provider.memo += 1,
            _ => {
                provider.results.add(result);
                if let Some(latency) = record.latency_ms.filter(|l| l.is_finite()) {
                    provider.latencies_ms.push(latency);
                }
            }
        }
    }

    /// Adds another worker's tally to this one.
    pub fn merge(&mut self, other: Tally) {
        for (input, count) in other.inputs {
            let mine = self.inputs.entry(input).or_default();
            mine.lines += count.lines;
            mine.records += count.records;
            mine.bad += count.bad;
        }
        for (input, lines) in other.bad {
            let mine = self.bad.entry(input).or_default();
            mine.extend(lines);
            mine.sort_by_key(|(line, _)| *line);
            mine.truncate(BAD_LINES_KEPT);
        }
        self.in_window += other.in_window;
        for (key, count) in other.operations {
            *self.operations.entry(key).or_default() += count;
        }
        for (file, count) in other.files {
            let mine = self.files.entry(file).or_default();
            mine.operations += count.operations;
            mine.reads += count.reads;
            mine.failures += count.failures;
            mine.denied += count.denied;
        }
        for (key, count) in other.keys {
            let mine = self.keys.entry(key).or_default();
            mine.wrap += count.wrap;
            mine.unwrap += count.unwrap;
            mine.results.merge(count.results);
        }
        for (provider, count) in other.providers {
            let mine = self.providers.entry(provider).or_default();
            mine.results.merge(count.results);
            mine.cache += count.cache;
            mine.cache_stale += count.cache_stale;
            mine.memo += count.memo;
            mine.latencies_ms.extend(count.latencies_ms);
        }
        self.reads.extend(other.reads);
        self.problems.extend(other.problems);
        self.rotations.extend(other.rotations);
        for (actor, sighting) in other.first_by_actor {
            keep_first(&mut self.first_by_actor, actor, sighting);
        }
        for (repository, sighting) in other.first_by_repository {
            keep_first(&mut self.first_by_repository, repository, sighting);
        }
        self.known_actors.extend(other.known_actors);
        self.known_repositories.extend(other.known_repositories);
    }
}
