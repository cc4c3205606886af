//! File input and output: whole-file reads and atomic writes.
//!
//! A write goes to a temporary file in the target's directory, is flushed to disk, takes the
//! target's permissions (or 0666 less the umask for a new file) and is renamed over the target,
//! so a crash leaves either the old file or the new one, never a mix.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand::Rng;

/// Reads a whole file.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    fs::read(path)
}

/// An exclusive advisory lock on a file that a command is about to read, change and write back.
/// Other sops-rs processes wait for it, so no update is lost. Released when dropped.
pub struct FileLock {
    _file: File,
}

/// Whether a lock was free or had to be waited for.
pub enum Locking {
    /// The lock was free.
    Immediate(FileLock),
    /// Another process held it; `wait` blocks until it is released.
    Busy(Box<dyn FnOnce() -> std::io::Result<FileLock>>),
}

fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Locks `path` for an update. Writes replace the file by renaming (a new inode), so after
/// the lock is granted we check that the locked inode is still the one at `path`, and retry
/// otherwise. `Ok(None)` when the file does not exist yet.
pub fn lock_for_update(path: &Path) -> std::io::Result<Option<FileLock>> {
    match try_lock_for_update(path)? {
        None => Ok(None),
        Some(Locking::Immediate(lock)) => Ok(Some(lock)),
        Some(Locking::Busy(wait)) => wait().map(Some),
    }
}

/// Like [`lock_for_update`], but tells the caller when it would have to wait.
pub fn try_lock_for_update(path: &Path) -> std::io::Result<Option<Locking>> {
    use rustix::fs::{FlockOperation, flock};
    let file = match File::open(path) {
        Ok(file) => file,
        // Nothing to lock; the caller's read reports the missing file.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) if still_current(&file, path)? => {
            Ok(Some(Locking::Immediate(FileLock { _file: file })))
        }
        Ok(()) => lock_for_update(path).map(|lock| lock.map(Locking::Immediate)),
        Err(rustix::io::Errno::WOULDBLOCK) => {
            let path = path.to_path_buf();
            Ok(Some(Locking::Busy(Box::new(move || blocking_lock(&path)))))
        }
        Err(e) => Err(e.into()),
    }
}

fn still_current(file: &File, path: &Path) -> std::io::Result<bool> {
    Ok(match fs::metadata(path) {
        Ok(current) => same_file(&file.metadata()?, &current),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e),
    })
}

fn blocking_lock(path: &Path) -> std::io::Result<FileLock> {
    loop {
        let file = File::open(path)?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)?;
        if still_current(&file, path)? {
            return Ok(FileLock { _file: file });
        }
    }
}

/// Removes the temporary file unless it was renamed into place.
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Replaces `path` with `contents` atomically, keeping an existing file's permissions.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let existing_mode = fs::metadata(path).ok().map(|m| m.permissions().mode());
    let (mut file, temp_path) = loop {
        let suffix: u64 = rand::thread_rng().r#gen();
        let candidate = dir.join(format!(".{name}.{suffix:016x}.sops-rs.tmp"));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&candidate)
        {
            Ok(file) => break (file, candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let mut guard = TempGuard(Some(temp_path.clone()));
    if let Some(mode) = existing_mode {
        file.set_permissions(fs::Permissions::from_mode(mode & 0o7777))?;
    }
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp_path, path)?;
    guard.0 = None;
    if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_atomically_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret.yaml");
        fs::write(&target, b"old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
