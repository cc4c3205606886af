//! The update lock: an exclusive advisory lock (flock) on the file a command reads, changes and
//! writes back, so that two sops-rs processes never lose each other's update.

use std::fs::{self, File};
use std::path::Path;

use super::FileId;

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

/// Locks `path` (the file a link leads to) for an update. Writes may replace the file by
/// renaming (a new inode), so after the lock is granted we check that the locked inode is still
/// the one at `path`, and retry otherwise. `Ok(None)` when the file does not exist yet.
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
        Ok(current) => FileId::of(&file.metadata()?) == FileId::of(&current),
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
