//! File input and output: whole-file reads that remember which file they read, the update lock,
//! and the one write path every command goes through ([`write()`]).

mod lock;
mod resolve;
mod write;

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

pub use lock::{FileLock, Locking, lock_for_update, try_lock_for_update};
pub use write::{Contents, Expect, Written, write};

/// Which file a path named at one moment: device and inode. A write back to a file compares it,
/// so that a name swapped for another file (a link, say) in the meantime is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

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

/// Reads a whole file and tells which file it was (from the open file, not from the name).
pub fn read_identified(path: &Path) -> std::io::Result<(Vec<u8>, FileId)> {
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    let size = if metadata.is_file() {
        metadata.len()
    } else {
        0
    };
    let bytes = crate::bounded::read_to_end(file, crate::bounded::Kind::Input, size)?;
    Ok((bytes, FileId::of(&metadata)))
}
