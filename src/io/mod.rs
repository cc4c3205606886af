//! File input and output: whole-file reads that remember which file they read, the update lock,
//! and the one write path every command goes through ([`write()`]). The lock and the write path
//! have a Unix and a Windows implementation (`lock_windows`, `write_windows`) behind one API.

#[cfg(unix)]
mod lock;
#[cfg(windows)]
mod lock_windows;
#[cfg(unix)]
mod resolve;
#[cfg(unix)]
mod write;
#[cfg(windows)]
mod write_windows;
#[cfg(windows)]
use {lock_windows as lock, write_windows as write};

use std::fs::File;
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;
use std::path::Path;

pub use lock::{FileLock, Locking, lock_for_update, try_lock_for_update};
pub use write::write;

/// Which file a path named at one moment: device and inode (on Windows: the volume's serial
/// number and the file's index on it). A write back to a file compares it, so that a name
/// swapped for another file (a link, say) in the meantime is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

#[cfg(unix)]
impl FileId {
    fn of(metadata: &std::fs::Metadata) -> FileId {
        FileId {
            dev: metadata.dev(),
            ino: metadata.ino(),
        }
    }

    // The field types differ between platforms.
    #[allow(clippy::unnecessary_cast)]
    fn of_stat(stat: &rustix::fs::Stat) -> FileId {
        FileId {
            dev: stat.st_dev as u64,
            ino: stat.st_ino as u64,
        }
    }
}

#[cfg(windows)]
impl FileId {
    fn of_file(file: &File) -> std::io::Result<FileId> {
        let information = winapi_util::file::information(file)?;
        Ok(FileId {
            dev: information.volume_serial_number(),
            ino: information.file_index(),
        })
    }
}

/// What is written, which decides the mode of a file that does not exist yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
    /// Decrypted values: a new file is 0600 (on Windows: what its directory gives new files).
    Plaintext,
    /// An encrypted file: a new file is 0666 less the umask, as sops creates it (on Windows: what
    /// its directory gives new files).
    Encrypted,
}

/// What the destination must be when it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Whatever the path leads to now (`--output`, a new file).
    Any,
    /// The file that was read (`-i`, `set`, `edit`): if the path now leads elsewhere, nothing is
    /// written.
    Same(FileId),
}

/// How a write was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new file was created.
    Created,
    /// The regular file was replaced atomically (rename).
    Replaced,
    /// The regular file was rewritten in place (Unix only; the write path says when).
    InPlace,
    /// A device, FIFO, socket or descriptor was written to.
    Stream,
}

/// Waits until this process holds an exclusive lock on the open `file`, released when it is
/// closed: `flock` on Unix. On Windows the lock is mandatory: read and write the file through
/// this same handle while it is held.
pub fn lock_whole_file(file: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive)?;
    // File::lock is Rust 1.89; the Windows build needs that (README), Unix keeps 1.88.
    #[cfg(windows)]
    #[allow(clippy::incompatible_msrv)]
    file.lock()?;
    Ok(())
}

/// Reads a whole file and tells which file it was (from the open file, not from the name).
pub fn read_identified(path: &Path) -> std::io::Result<(Vec<u8>, FileId)> {
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    #[cfg(unix)]
    let id = FileId::of(&metadata);
    #[cfg(windows)]
    let id = FileId::of_file(&file)?;
    let size = if metadata.is_file() {
        metadata.len()
    } else {
        0
    };
    let bytes = crate::bounded::read_to_end(file, crate::bounded::Kind::Input, size)?;
    Ok((bytes, id))
}
