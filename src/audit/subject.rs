//! The file a record is about: its absolute path, its path inside the git work tree that holds
//! it (so records from different checkouts of one repository can be joined), its format, and
//! the SHA-256 and size of the encrypted bytes on disk.

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

/// What the records say about the file an operation works on.
#[derive(Clone, Debug)]
pub struct FileFacts {
    /// The path as the command was given it (read again for `sha256_after`).
    given: PathBuf,
    /// Absolute, with symbolic links resolved where the file exists.
    absolute: PathBuf,
    /// Relative to the root of the git work tree holding the file, if any.
    repo_path: Option<String>,
    format: &'static str,
    sha256_before: Option<String>,
    size: Option<u64>,
}

/// The hex SHA-256 of a file's bytes, if it can be read.
pub fn sha256_file(path: &Path) -> Option<String> {
    crate::bounded::read_file(path, crate::bounded::Kind::Input)
        .ok()
        .map(|bytes| hex::encode(Sha256::digest(&bytes)))
}

/// The nearest directory at or above `dir` holding `.git` (a directory, or the file of a linked
/// work tree or submodule).
fn work_tree_root(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.join(".git").exists())
}

impl FileFacts {
    /// Reads the facts about `path` before the operation.
    pub fn of(path: &Path) -> FileFacts {
        let absolute = std::fs::canonicalize(path)
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.to_path_buf());
        let repo_path = absolute
            .parent()
            .and_then(work_tree_root)
            .and_then(|root| absolute.strip_prefix(root).ok())
            .map(|relative| relative.display().to_string());
        FileFacts {
            given: path.to_path_buf(),
            absolute,
            repo_path,
            format: crate::Format::from_path(path).name(),
            sha256_before: sha256_file(path),
            size: std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }

    /// The path as the command was given it.
    pub fn path(&self) -> &Path {
        &self.given
    }

    /// The hex SHA-256 of the file now.
    pub fn sha256_now(&self) -> Option<String> {
        sha256_file(&self.given)
    }

    /// The record's `file` object; `after` is the hash after the operation (written only when it
    /// differs).
    pub fn to_json(&self, after: Option<String>) -> Json {
        let mut file = json!({"path": self.absolute.display().to_string()});
        if let Some(repo_path) = &self.repo_path {
            file["repo_path"] = json!(repo_path);
        }
        file["format"] = json!(self.format);
        if let Some(hash) = &self.sha256_before {
            file["sha256_before"] = json!(hash);
        }
        if let Some(size) = self.size {
            file["size"] = json!(size);
        }
        if let Some(hash) = after.filter(|a| Some(a) != self.sha256_before.as_ref()) {
            file["sha256_after"] = json!(hash);
        }
        file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_absolute_and_relative_to_the_work_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/s.yaml"), "x: 1\n").unwrap();
        let facts = FileFacts::of(&root.join("a/./b/s.yaml"));
        let json = facts.to_json(None);
        assert_eq!(json["path"], root.join("a/b/s.yaml").display().to_string());
        assert_eq!(json["repo_path"], "a/b/s.yaml");
        assert_eq!(json["format"], "yaml");
    }
}
