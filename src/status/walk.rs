//! The walk behind `status`: every file under the given paths, honouring `.gitignore` (and
//! `.ignore`, `.git/info/exclude`, the global git excludes) whether or not the tree is a git
//! checkout, each one read and inspected on the walker's own threads, so that walking and
//! parsing run in parallel on every core. `.git` and the config files themselves are skipped;
//! other hidden files are not (`.env` files hold secrets).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use super::{FileStatus, Inspector};
use crate::bounded::{Kind, read_file};
use crate::config::CONFIG_NAMES;

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// The files `status` reports, sorted by path.
    pub files: Vec<FileStatus>,
    /// Paths the walk could not read or enter, each with why (one line, no content).
    pub errors: Vec<(PathBuf, String)>,
}

/// Walks `roots` (files or directories) and inspects every file found.
pub fn walk(roots: &[PathBuf], inspector: &Inspector) -> Walked {
    let Some((first, rest)) = roots.split_first() else {
        return Walked::default();
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git");
    let found = Mutex::new(Walked::default());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let outcome = match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    visit(entry.path(), inspector)
                }
                Ok(_) => return WalkState::Continue,
                Err(error) => Err(walk_error(error)),
            };
            let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
            match outcome {
                Ok(Some(status)) => found.files.push(status),
                Ok(None) => {}
                Err(error) => found.errors.push(error),
            }
            WalkState::Continue
        })
    });
    let mut walked = found.into_inner().unwrap_or_else(|e| e.into_inner());
    walked.files.sort_by(|a, b| a.path.cmp(&b.path));
    walked.files.dedup_by(|a, b| a.path == b.path);
    walked.errors.sort();
    walked
}

type Visit = Result<Option<FileStatus>, (PathBuf, String)>;

fn visit(path: &Path, inspector: &Inspector) -> Visit {
    let is_config = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| CONFIG_NAMES.contains(&name));
    if is_config {
        return Ok(None);
    }
    let bytes = read_file(path, Kind::Input)
        .map_err(|e| (path.to_path_buf(), format!("cannot read: {e}")))?;
    Ok(inspector.inspect(path, &bytes))
}

/// A walk error as a path and one line.
fn walk_error(error: ignore::Error) -> (PathBuf, String) {
    let mut path = PathBuf::new();
    let mut current = &error;
    loop {
        match current {
            ignore::Error::WithPath { path: at, err } => {
                path = at.clone();
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err;
            }
            _ => break,
        }
    }
    (path, current.to_string())
}
