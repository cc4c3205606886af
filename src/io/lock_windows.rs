//! The update lock on Windows: the file a command reads, changes and writes back is held open
//! for writing with a share mode that refuses other writers, so that a second sops-rs process
//! cannot open it the same way until the first is done, and waits.
//!
//! Windows byte-range locks (`LockFileEx`, std's `File::lock`) are mandatory and per handle: a
//! lock held through one handle makes reads through every other fail, this process's own
//! included, so they cannot guard a file that is read by name after it was locked. The share
//! mode lets readers in (`FILE_SHARE_READ`). Like any share-mode lock it also keeps other
//! programs from opening the file for writing while it is held.
//!
//! Replacing a file by rename fails while any handle to it is open, unless the file system gives
//! the rename POSIX semantics (NTFS on Windows 10 and later does; FAT, some network shares and
//! Wine do not). So the write path closes this process's lock on the file ([`release`]) just
//! before it renames the new copy over it. A second process that opens the old file in that
//! instant finds, when it writes, that the file was replaced, and writes nothing: no update is
//! lost.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::FileId;

/// Readers and renames are let in; writers are not.
const SHARE_READ_AND_DELETE: u32 = 0x1 | 0x4;
/// `ERROR_SHARING_VIOLATION`: another handle refuses what the open asked for.
const SHARING_VIOLATION: i32 = 32;
/// How often a waiting process tries again.
const RETRY: Duration = Duration::from_millis(50);

/// An exclusive lock on a file that a command is about to read, change and write back.
/// Other sops-rs processes wait for it, so no update is lost. Released when dropped.
pub struct FileLock {
    file: Shared,
}

/// The lock's handle, which [`release`] may close before the lock is dropped.
type Shared = Arc<Mutex<Option<File>>>;

/// The locks this process holds, by the file they are on.
static HELD: Mutex<Vec<(FileId, Shared)>> = Mutex::new(Vec::new());

fn held() -> MutexGuard<'static, Vec<(FileId, Shared)>> {
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

impl FileLock {
    fn new(file: File) -> io::Result<FileLock> {
        let id = FileId::of_file(&file)?;
        let file = Arc::new(Mutex::new(Some(file)));
        held().push((id, Arc::clone(&file)));
        Ok(FileLock { file })
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        held().retain(|(_, file)| !Arc::ptr_eq(file, &self.file));
    }
}

/// Closes this process's lock on the file `id`, for the write path's rename (module header).
pub(super) fn release(id: FileId) {
    for (_, file) in held().iter().filter(|(held, _)| *held == id) {
        file.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

/// Whether a lock was free or had to be waited for.
pub enum Locking {
    /// The lock was free.
    Immediate(FileLock),
    /// Another process held it; `wait` blocks until it is released.
    Busy(Box<dyn FnOnce() -> io::Result<FileLock>>),
}

/// Locks `path` for an update. `Ok(None)` when the file does not exist yet, or cannot be opened
/// for writing (read-only): the caller's read or write reports that.
pub fn lock_for_update(path: &Path) -> io::Result<Option<FileLock>> {
    match try_lock_for_update(path)? {
        None => Ok(None),
        Some(Locking::Immediate(lock)) => Ok(Some(lock)),
        Some(Locking::Busy(wait)) => wait().map(Some),
    }
}

/// Like [`lock_for_update`], but tells the caller when it would have to wait.
pub fn try_lock_for_update(path: &Path) -> io::Result<Option<Locking>> {
    match open(path) {
        Ok(file) => Ok(Some(Locking::Immediate(FileLock::new(file)?))),
        Err(e) if e.raw_os_error() == Some(SHARING_VIOLATION) => {
            let path = path.to_path_buf();
            Ok(Some(Locking::Busy(Box::new(move || blocking_lock(&path)))))
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn open(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .share_mode(SHARE_READ_AND_DELETE)
        .open(path)
}

fn blocking_lock(path: &Path) -> io::Result<FileLock> {
    loop {
        match open(path) {
            Ok(file) => return FileLock::new(file),
            Err(e) if e.raw_os_error() == Some(SHARING_VIOLATION) => std::thread::sleep(RETRY),
            Err(e) => return Err(e),
        }
    }
}

// Run under Wine (scripts/windows-smoke.sh runs them).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_while_readers_are_let_in() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret.yaml");
        std::fs::write(&target, b"content").unwrap();
        let first = lock_for_update(&target).unwrap().unwrap();
        assert!(matches!(
            try_lock_for_update(&target).unwrap(),
            Some(Locking::Busy(_))
        ));
        assert_eq!(std::fs::read(&target).unwrap(), b"content");
        drop(first);
        assert!(matches!(
            try_lock_for_update(&target).unwrap(),
            Some(Locking::Immediate(_))
        ));
        assert!(
            lock_for_update(&dir.path().join("missing"))
                .unwrap()
                .is_none()
        );
    }
}
