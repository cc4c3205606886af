//! The one write path on Windows: every file a command writes goes through [`write`].
//!
//! - A symbolic link is followed to its target, which is what changes; a dangling link is
//!   refused, as on Unix.
//! - An existing regular file is replaced atomically: a temporary file in the target's own
//!   directory, synced and renamed over the target (std's rename replaces an existing file). The
//!   update lock's handle on the target is closed just before (see `lock_windows`). A read-only
//!   file is refused, as sops refuses it.
//! - A new file is created the same way.
//! - Anything else (a device such as `NUL`, a named pipe) is opened and written in place.
//!
//! What Windows keeps with a file and a rename does not carry over is not copied: the new file
//! has the access control list (ACL) its directory gives new files, belongs to the user running
//! sops-rs, and has no other hard links or alternate data streams. Setting ACLs is out of scope,
//! so `Contents` does not change the permissions of a new file either: keep plaintext in a
//! directory only you can read (your profile is one).

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use rand::Rng;

use super::{Contents, Expect, FileId, Written};

/// Writes `bytes` where `path` leads, by the rules in the module header.
pub fn write(path: &Path, bytes: &[u8], contents: Contents, expect: Expect) -> io::Result<Written> {
    // Windows has no per-file mode to choose from here (see the module header).
    let _ = contents;
    let target = follow_links(path)?;
    match std::fs::symlink_metadata(&target) {
        Ok(metadata) if metadata.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory",
        )),
        Ok(metadata) if metadata.is_file() => {
            if metadata.permissions().readonly() {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the file is read-only",
                ));
            }
            check_expected(&target, expect)?;
            replace(&target, bytes, expect)?;
            Ok(Written::Replaced)
        }
        Ok(_) => {
            let mut stream = OpenOptions::new().write(true).open(&target)?;
            stream.write_all(bytes)?;
            Ok(Written::Stream)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => match expect {
            Expect::Same(_) => Err(changed()),
            Expect::Any => {
                replace(&target, bytes, expect)?;
                Ok(Written::Created)
            }
        },
        Err(e) => Err(e),
    }
}

/// The path at the end of `path`'s links; a dangling link is an error.
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => io::Error::new(
                    io::ErrorKind::NotFound,
                    "it is a link to a file that does not exist (a dangling link is not followed)",
                ),
                _ => e,
            })
        }
        _ => Ok(path.to_path_buf()),
    }
}

fn changed() -> io::Error {
    io::Error::other(
        "the file was replaced or removed while sops-rs was working on it; not written",
    )
}

fn check_expected(target: &Path, expect: Expect) -> io::Result<()> {
    match expect {
        Expect::Same(id) if current(target)? != Some(id) => Err(changed()),
        _ => Ok(()),
    }
}

/// Which file `target` is now; `None` when there is none.
fn current(target: &Path) -> io::Result<Option<FileId>> {
    match File::open(target) {
        Ok(file) => FileId::of_file(&file).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A temporary file beside the target; removed unless it was renamed into place.
struct Temp {
    path: PathBuf,
    renamed: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Writes `bytes` to a new temporary file in `target`'s directory, syncs it and renames it over
/// `target`, checking just before that `target` is still the expected file.
fn replace(target: &Path, bytes: &[u8], expect: Expect) -> io::Result<()> {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (mut temp, mut file) = loop {
        let path = dir.join(format!(
            ".sops-rs.{:016x}.tmp",
            rand::thread_rng().r#gen::<u64>()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => {
                break (
                    Temp {
                        path,
                        renamed: false,
                    },
                    file,
                );
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    check_expected(target, expect)?;
    if let Some(id) = current(target)? {
        super::lock::release(id);
    }
    std::fs::rename(&temp.path, target)?;
    temp.renamed = true;
    Ok(())
}

// Run under Wine (scripts/windows-smoke.sh runs them).
#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_a_locked_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret.yaml");
        fs::write(&target, b"a much longer old content").unwrap();
        let (_, id) = super::super::read_identified(&target).unwrap();
        let lock = super::super::lock_for_update(&target).unwrap();
        assert!(lock.is_some());
        let written = write(&target, b"new", Contents::Encrypted, Expect::Same(id)).unwrap();
        assert_eq!(written, Written::Replaced);
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["secret.yaml"]);
        drop(lock);
        assert_eq!(
            write(
                &dir.path().join("new.yaml"),
                b"x",
                Contents::Plaintext,
                Expect::Any
            )
            .unwrap(),
            Written::Created
        );
    }

    #[test]
    fn a_swapped_or_read_only_file_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret.yaml");
        fs::write(&target, b"old").unwrap();
        let (_, id) = super::super::read_identified(&target).unwrap();
        fs::rename(&target, dir.path().join("moved")).unwrap();
        fs::write(&target, b"planted").unwrap();
        let error = write(&target, b"new", Contents::Plaintext, Expect::Same(id)).unwrap_err();
        assert!(error.to_string().contains("replaced or removed"), "{error}");
        assert_eq!(fs::read(&target).unwrap(), b"planted");
        let mut permissions = fs::metadata(&target).unwrap().permissions();
        permissions.set_readonly(true);
        fs::set_permissions(&target, permissions).unwrap();
        assert!(write(&target, b"new", Contents::Plaintext, Expect::Any).is_err());
        assert_eq!(fs::read(&target).unwrap(), b"planted");
        assert_eq!(names(dir.path()), ["moved", "secret.yaml"]);
    }
}
