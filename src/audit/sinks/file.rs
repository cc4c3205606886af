//! The file sink: a JSON Lines log with a hash chain, appended under an exclusive lock, created
//! 0600 and fsynced per record. With `SOPS_RS_AUDIT_HMAC_KEY` each line also carries a MAC over
//! itself; with `SOPS_RS_AUDIT_HEAD` the log's head (record count and last digest) is kept in a
//! file elsewhere. Both are the anchors `audit verify` checks a log against.
//!
//! A log named by a repository's config must stay inside the repository: it is opened without
//! following a symbolic link, its directory must resolve inside the config's directory, and it
//! must be a regular file (no log is ever a FIFO or a device, whoever names it).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
#[cfg(unix)]
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde_json::{Map as JsonMap, json};

use super::{Level, Record, RunContext, SettingsError, Sink, Sources};
use crate::audit::HmacKey;
use crate::audit::chain::{self, GENESIS, Position};

/// The environment variable naming the head file (user level only).
pub const HEAD_VAR: &str = "SOPS_RS_AUDIT_HEAD";

/// A JSON Lines file with a hash chain.
pub struct FileSink {
    /// The log file.
    pub path: PathBuf,
    /// A repository's directory the log must stay inside.
    confined_to: Option<PathBuf>,
    key: Option<HmacKey>,
    head: Option<PathBuf>,
}

/// One file sink per log setting of `level` that is not `-`.
pub fn configure(sources: &Sources, level: Level) -> Result<Vec<Box<dyn Sink>>, SettingsError> {
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    let head = match level {
        Level::User => sources
            .var(HEAD_VAR)
            .map(PathBuf::from)
            .or_else(|| sources.user_config().and_then(|c| c.head.clone())),
        Level::Repository => None,
    };
    for log in sources.log_settings(level) {
        if log.path.as_os_str() == "-" {
            continue;
        }
        if let Some(root) = &log.confined_to {
            confined_path(&log.path, root)
                .map_err(|why| sources.repository_error("audit.log", &why))?;
        }
        sinks.push(Box::new(FileSink {
            path: log.path,
            confined_to: log.confined_to,
            key: sources.hmac_key().cloned(),
            head: head.clone(),
        }));
    }
    Ok(sinks)
}

/// Checks that `path` is inside `root` once symbolic links are resolved, and is not a link or a
/// special file itself; returns why not.
fn confined_path(path: &Path, root: &Path) -> Result<(), String> {
    let shown = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
    if let Some(dir) = path.parent().and_then(|d| std::fs::canonicalize(d).ok())
        && !dir.starts_with(&root)
    {
        return Err(format!(
            "{shown:?} resolves outside the repository through a symbolic link; a repository \
             config may only name a log inside its own directory"
        ));
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(format!(
            "{shown:?} is a symbolic link; a repository config may only name a regular file \
             inside its own directory"
        )),
        Ok(meta) if !meta.is_file() => Err(format!("{shown:?} is not a regular file")),
        _ => Ok(()),
    }
}

/// `file` if it is a regular file (no log is ever a FIFO or a device).
fn regular(file: File) -> std::io::Result<File> {
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

impl FileSink {
    /// A log at `path` (user level: no confinement, no anchors).
    pub fn new(path: PathBuf) -> FileSink {
        FileSink {
            path,
            confined_to: None,
            key: None,
            head: None,
        }
    }

    #[cfg(unix)]
    fn open(&self) -> std::io::Result<File> {
        use rustix::fs::{Mode as FileMode, OFlags};
        let mut flags = OFlags::RDWR | OFlags::APPEND | OFlags::CREATE | OFlags::CLOEXEC;
        // A FIFO would block an open for writing until a reader comes.
        flags |= OFlags::NONBLOCK;
        if let Some(root) = &self.confined_to {
            flags |= OFlags::NOFOLLOW;
            confined_path(&self.path, root).map_err(std::io::Error::other)?;
        }
        let fd = rustix::fs::open(&self.path, flags, FileMode::from_raw_mode(0o600))?;
        regular(File::from(fd))
    }

    /// Windows: the log gets the permissions its directory gives new files (no ACL is set).
    #[cfg(windows)]
    fn open(&self) -> std::io::Result<File> {
        if let Some(root) = &self.confined_to {
            confined_path(&self.path, root).map_err(std::io::Error::other)?;
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)?;
        regular(file)
    }

    fn last_line(file: &mut File) -> std::io::Result<Option<String>> {
        let len = file.metadata()?.len();
        if len == 0 {
            return Ok(None);
        }
        let window = len.min(1 << 20);
        file.seek(SeekFrom::Start(len - window))?;
        let tail =
            crate::bounded::read_to_end(file.take(window), crate::bounded::Kind::Input, window)?;
        let text = String::from_utf8_lossy(&tail);
        Ok(text
            .trim_end_matches('\n')
            .rsplit('\n')
            .next()
            .map(str::to_string))
    }

    /// The record's line with its `chain` object after `invocation_id`, keyed when a key is set.
    fn chained(&self, record: &Record, position: &Position) -> String {
        let mut link = json!({"id": position.id, "seq": position.seq, "prev": position.prev});
        if let Some(key) = &self.key {
            link["key_id"] = key.key_id().into();
            link["mac"] = "".into();
        }
        let mut map = JsonMap::new();
        for (key, value) in &record.0 {
            map.insert(key.clone(), value.clone());
            if key == "invocation_id" {
                map.insert("chain".into(), link.clone());
            }
        }
        let line = serde_json::to_string(&map).expect("records are plain JSON");
        match &self.key {
            Some(key) => chain::seal(&line, key),
            None => line,
        }
    }

    /// Replaces this log's entry in the head file (under the head file's own lock).
    fn write_head(&self, head: &Path, last: &chain::Head) -> std::io::Result<()> {
        let log = std::fs::canonicalize(&self.path)?;
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(head)?;
        crate::io::lock_whole_file(&file)?;
        let text = crate::bounded::read_to_end(
            (&mut file).take(1 << 20),
            crate::bounded::Kind::Input,
            1 << 20,
        )?;
        let mut heads = chain::Heads::parse(&text)
            .map_err(|why| std::io::Error::other(format!("head file {}: {why}", head.display())))?;
        heads.set(&log, last.clone());
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(heads.to_text().as_bytes())?;
        file.sync_data()
    }
}

impl Sink for FileSink {
    fn name(&self) -> &'static str {
        "file"
    }

    fn write(&mut self, record: &Record, ctx: &RunContext, _gate: bool) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("audit log {}: {e}", self.path.display());
        let mut file = self.open().map_err(fail)?;
        crate::io::lock_whole_file(&file).map_err(fail)?;
        let mut out = String::new();
        let position = match Self::last_line(&mut file)
            .map_err(fail)?
            .as_deref()
            .and_then(chain::next_after)
        {
            Some(position) => position,
            None => {
                // Stamped with the time of the record it starts the chain for, never later.
                let mut start = Record::new("audit.chain_start", ctx, &ctx.invocation_id);
                if let Some(ts) = record.0.get("ts") {
                    start.0.insert("ts".into(), ts.clone());
                }
                let genesis = Position {
                    id: crate::audit::new_id(),
                    seq: 0,
                    prev: GENESIS.to_string(),
                };
                let line = self.chained(&start, &genesis);
                out.push_str(&line);
                out.push('\n');
                Position {
                    id: genesis.id,
                    seq: 1,
                    prev: chain::digest(&line),
                }
            }
        };
        let line = self.chained(record, &position);
        out.push_str(&line);
        out.push('\n');
        file.write_all(out.as_bytes()).map_err(fail)?;
        file.sync_data().map_err(fail)?;
        if let Some(head) = &self.head {
            let last = chain::Head {
                chain: position.id,
                records: position.seq + 1,
                digest: chain::digest(&line),
            };
            self.write_head(head, &last)
                .map_err(|e| format!("audit head {}: {e}", head.display()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink(path: PathBuf, root: Option<&Path>) -> FileSink {
        FileSink {
            path,
            confined_to: root.map(Path::to_path_buf),
            key: None,
            head: None,
        }
    }

    fn record() -> (Record, RunContext) {
        let ctx = RunContext::new(Default::default());
        (Record::new("decrypt.start", &ctx, "op"), ctx)
    }

    #[cfg(unix)]
    #[test]
    fn a_repository_log_planted_as_a_link_after_the_checks_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir(&repo).unwrap();
        let outside = dir.path().join("rc.sh");
        std::os::unix::fs::symlink(&outside, repo.join("audit.jsonl")).unwrap();
        let (record, ctx) = record();
        let mut confined = sink(repo.join("audit.jsonl"), Some(&repo));
        assert!(confined.write(&record, &ctx, true).is_err());
        assert!(!outside.exists());
        // The user's own log may be a link to a regular file.
        let mut followed = sink(repo.join("audit.jsonl"), None);
        followed.write(&record, &ctx, true).unwrap();
        assert!(outside.is_file());
        // No log is ever a device.
        let mut device = sink(PathBuf::from("/dev/null"), None);
        let error = device.write(&record, &ctx, true).unwrap_err();
        assert!(error.contains("not a regular file"), "{error}");
    }

    #[test]
    fn chain_start_is_not_later_than_the_record_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("a.jsonl");
        let (record, ctx) = record();
        std::thread::sleep(std::time::Duration::from_millis(2));
        sink(log.clone(), None).write(&record, &ctx, true).unwrap();
        let text = std::fs::read_to_string(&log).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["event"], "audit.chain_start");
        assert!(lines[0]["ts"].as_str() <= lines[1]["ts"].as_str());
    }
}
