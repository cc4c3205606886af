//! The one write path: every file a command writes (in place, `--output`, a merge result) goes
//! through [`write`], which decides how from what the path leads to.
//!
//! - A link is followed to its target, which is what changes; a dangling link is refused (it
//!   could have been planted to make us create a file elsewhere).
//! - A device, FIFO, terminal, socket or `/proc` descriptor (`/dev/stdout`, `>(...)`) is written
//!   in place: it is never renamed over.
//! - An existing regular file is replaced atomically: a temporary file created 0600 in the
//!   target's own directory, given the target's owner, group and mode, synced, and renamed over
//!   the target. Where that would change what the file is, it is written in place instead
//!   (under the caller's update lock): when it has other hard links (they would keep the old
//!   content), an access ACL (the copy would lose it), an owner or group we cannot give the copy,
//!   or a directory we cannot write.
//! - A new file is created the same way, 0600 for plaintext and 0666 less the umask for an
//!   encrypted file.
//!
//! Every step after the path is resolved works on descriptors (the opened target, its
//! directory) and never follows a link again, so a link swapped in meanwhile changes nothing:
//! at worst the rename replaces the planted link.

use std::fs::File;
use std::io::{self, Write as _};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::path::Path;

use rand::Rng;
use rustix::fs::{AtFlags, FileType, Mode, OFlags, Stat};

use super::resolve::{Resolved, resolve};
use super::{Contents, Expect, FileId, Written};

/// Writes `bytes` where `path` leads, by the rules in the module header.
pub fn write(path: &Path, bytes: &[u8], contents: Contents, expect: Expect) -> io::Result<Written> {
    match resolve(path)? {
        Resolved::OwnDescriptor(fd @ (1 | 2)) => write_standard_stream(fd, bytes, expect),
        Resolved::OwnDescriptor(fd) => {
            write_special(Path::new(&format!("/proc/self/fd/{fd}")), bytes, expect)
        }
        Resolved::Special(path) => write_special(&path, bytes, expect),
        Resolved::Entry {
            dir,
            name,
            link_target,
        } => {
            let dir_fd = open_dir(&dir)?;
            let entry = Dir {
                fd: dir_fd.as_fd(),
                name: &name,
            };
            match rustix::fs::openat(entry.fd, entry.name, write_flags(), Mode::empty()) {
                Ok(target) => entry.write_existing(target, bytes, expect),
                Err(rustix::io::Errno::NOENT) if link_target => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "it is a link to {}, which does not exist (a dangling link is not \
                         followed)",
                        dir.join(&name).display()
                    ),
                )),
                Err(rustix::io::Errno::NOENT) => match expect {
                    Expect::Same(_) => Err(changed()),
                    Expect::Any => {
                        entry.create(bytes, new_file_mode(contents))?;
                        Ok(Written::Created)
                    }
                },
                // The resolved name is a link now: swapped in meanwhile, not followed.
                Err(rustix::io::Errno::LOOP) => Err(changed()),
                Err(rustix::io::Errno::NXIO) => {
                    Err(io::Error::other("it is a socket, which cannot be opened"))
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// A path under `/proc` (a descriptor of another process, say): opened through its magic link
/// and written in place, a regular file from the start (as sops's truncating open leaves it).
fn write_special(path: &Path, bytes: &[u8], expect: Expect) -> io::Result<Written> {
    // The magic links of `/proc` are links, and followed.
    let flags = write_flags() - OFlags::NOFOLLOW;
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    let stat = rustix::fs::fstat(&fd)?;
    check_expected(&stat, expect)?;
    if FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile {
        rewrite_in_place(fd, bytes)?;
        Ok(Written::InPlace)
    } else {
        File::from(fd).write_all(bytes)?;
        Ok(Written::Stream)
    }
}

/// Opening an existing destination: for writing (so a read-only file is refused, as sops
/// refuses it), never creating, never truncating, never taking a terminal as controlling one.
/// The last name is a resolved entry, so a link there now was swapped in: not followed.
fn write_flags() -> OFlags {
    OFlags::WRONLY | OFlags::NOCTTY | OFlags::CLOEXEC | OFlags::NOFOLLOW
}

fn changed() -> io::Error {
    io::Error::other(
        "the file was replaced or removed while sops-rs was working on it; not written",
    )
}

fn check_expected(stat: &Stat, expect: Expect) -> io::Result<()> {
    match expect {
        Expect::Same(id) if FileId::of_stat(stat) != id => Err(changed()),
        _ => Ok(()),
    }
}

fn open_dir(dir: &Path) -> io::Result<OwnedFd> {
    let flags = OFlags::DIRECTORY | OFlags::CLOEXEC;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, ResolveFlags, openat2};
        // The walk saw no link on the way to `dir`: one there now was swapped in since.
        let open = |flags| openat2(CWD, dir, flags, Mode::empty(), ResolveFlags::NO_SYMLINKS);
        match open(flags | OFlags::RDONLY) {
            // A directory we may search but not list: enough to work in by name.
            Err(rustix::io::Errno::ACCESS) => return Ok(open(flags | OFlags::PATH)?),
            Err(rustix::io::Errno::LOOP) => return Err(changed()),
            // No openat2 (before Linux 5.6, or filtered): the plain open below.
            Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => {}
            other => return Ok(other?),
        }
    }
    Ok(rustix::fs::open(
        dir,
        flags | OFlags::RDONLY,
        Mode::empty(),
    )?)
}

/// Standard output or error named by path (`/dev/stdout`, `/dev/fd/2`, `/proc/self/fd/1`):
/// written through the descriptor itself, at its offset and with its flags, as a shell's
/// `>/dev/stdout` does. That also works where reopening it does not (a socket, a pipe that
/// another user created).
fn write_standard_stream(fd: i32, bytes: &[u8], expect: Expect) -> io::Result<Written> {
    fn through(
        mut stream: impl io::Write + AsFd,
        bytes: &[u8],
        expect: Expect,
    ) -> io::Result<Written> {
        check_expected(&rustix::fs::fstat(stream.as_fd())?, expect)?;
        stream.write_all(bytes)?;
        stream.flush()?;
        Ok(Written::Stream)
    }
    if fd == 1 {
        through(io::stdout().lock(), bytes, expect)
    } else {
        through(io::stderr().lock(), bytes, expect)
    }
}

/// Rewrites the open regular file: the new bytes from the start, then the tail cut off, then
/// synced. The inode, its other names, owner, group, mode and ACL stay.
fn rewrite_in_place(fd: OwnedFd, bytes: &[u8]) -> io::Result<()> {
    let file = File::from(fd);
    file.write_all_at(bytes, 0)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

/// A file with an access ACL keeps it only when written in place.
fn has_access_acl(fd: &OwnedFd) -> bool {
    rustix::fs::fgetxattr_query(fd, "system.posix_acl_access").is_ok()
}

/// The mode of a new file.
fn new_file_mode(contents: Contents) -> Mode {
    match contents {
        Contents::Plaintext => Mode::from_raw_mode(0o600),
        Contents::Encrypted => Mode::from_raw_mode(0o666 & !umask()),
    }
}

/// The process's umask, read without changing it (changing it, even briefly, would affect files
/// other threads create). Where it cannot be read, 0o077: the narrowest.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Umask:"))
                .and_then(|value| u32::from_str_radix(value.trim(), 8).ok())
        })
        .unwrap_or(0o077)
}

/// The target's directory (a descriptor) and its name there.
struct Dir<'a> {
    fd: BorrowedFd<'a>,
    name: &'a std::ffi::OsStr,
}

/// A temporary file in the target's directory; removed unless it was renamed into place.
struct Temp<'a> {
    dir: BorrowedFd<'a>,
    name: String,
    file: File,
    renamed: bool,
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = rustix::fs::unlinkat(self.dir, &self.name, AtFlags::empty());
        }
    }
}

impl<'a> Dir<'a> {
    /// Creates a temporary file: 0600 from the start, exclusive, never through a link. The name
    /// is short (30 bytes) so that any target name up to NAME_MAX works.
    fn temp(&self) -> io::Result<Temp<'a>> {
        loop {
            let name = format!(".sops-rs.{:016x}.tmp", rand::thread_rng().r#gen::<u64>());
            let flags =
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match rustix::fs::openat(self.fd, &name, flags, Mode::from_raw_mode(0o600)) {
                Ok(fd) => {
                    return Ok(Temp {
                        dir: self.fd,
                        name,
                        file: File::from(fd),
                        renamed: false,
                    });
                }
                Err(rustix::io::Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Fills the temporary file, gives it `mode`, syncs it and renames it over the name.
    fn commit(&self, mut temp: Temp<'a>, bytes: &[u8], mode: Mode) -> io::Result<()> {
        temp.file.write_all(bytes)?;
        // After any chown, which clears set-user-ID and set-group-ID bits.
        rustix::fs::fchmod(&temp.file, mode)?;
        temp.file.sync_all()?;
        rustix::fs::renameat(self.fd, &temp.name, self.fd, self.name)?;
        temp.renamed = true;
        // The rename itself reaches the disk with the directory; where the directory cannot be
        // synced (opened for searching only), the file is complete either way.
        let _ = rustix::fs::fsync(self.fd);
        Ok(())
    }

    /// Writes over the opened existing entry `target`.
    fn write_existing(&self, target: OwnedFd, bytes: &[u8], expect: Expect) -> io::Result<Written> {
        let stat = rustix::fs::fstat(&target)?;
        check_expected(&stat, expect)?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            File::from(target).write_all(bytes)?;
            return Ok(Written::Stream);
        }
        if stat.st_nlink > 1 || has_access_acl(&target) || !self.replace(&stat, bytes)? {
            rewrite_in_place(target, bytes)?;
            return Ok(Written::InPlace);
        }
        Ok(Written::Replaced)
    }

    /// A new file at the name.
    fn create(&self, bytes: &[u8], mode: Mode) -> io::Result<()> {
        let temp = self.temp()?;
        self.commit(temp, bytes, mode)
    }

    /// Replaces the existing regular file `target` (its `stat`) with a copy holding `bytes`,
    /// with the same owner, group and mode. `Ok(false)` when that cannot be done without
    /// changing who may read the file (the caller then writes in place): the directory is not
    /// writable, the owner or group cannot be given, or the name no longer leads to `target`.
    fn replace(&self, target: &Stat, bytes: &[u8]) -> io::Result<bool> {
        let temp = match self.temp() {
            Ok(temp) => temp,
            Err(e) if matches!(e.raw_os_error(), Some(code) if not_writable(code)) => {
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        let created = rustix::fs::fstat(&temp.file)?;
        if created.st_uid != target.st_uid || created.st_gid != target.st_gid {
            let owner = rustix::fs::Uid::from_raw(target.st_uid);
            let group = rustix::fs::Gid::from_raw(target.st_gid);
            if rustix::fs::fchown(&temp.file, Some(owner), Some(group)).is_err() {
                return Ok(false);
            }
        }
        let now = rustix::fs::statat(self.fd, self.name, AtFlags::SYMLINK_NOFOLLOW)?;
        if FileId::of_stat(&now) != FileId::of_stat(target) {
            return Ok(false);
        }
        self.commit(temp, bytes, Mode::from_raw_mode(target.st_mode & 0o7777))?;
        Ok(true)
    }
}

fn not_writable(code: i32) -> bool {
    [
        rustix::io::Errno::ACCESS,
        rustix::io::Errno::PERM,
        rustix::io::Errno::ROFS,
    ]
    .iter()
    .any(|errno| errno.raw_os_error() == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_atomically_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret.yaml");
        fs::write(&target, b"old content").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        let before = fs::metadata(&target).unwrap().ino();
        let written = write(&target, b"new", Contents::Encrypted, Expect::Any).unwrap();
        assert_eq!(written, Written::Replaced);
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(mode(&target), 0o640);
        assert_ne!(fs::metadata(&target).unwrap().ino(), before);
        assert_eq!(names(dir.path()), ["secret.yaml"], "no temp file left");
    }

    #[test]
    fn new_plaintext_is_private_and_new_encrypted_follows_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.yaml");
        assert_eq!(
            write(&plain, b"a: 1\n", Contents::Plaintext, Expect::Any).unwrap(),
            Written::Created
        );
        assert_eq!(mode(&plain), 0o600);
        let encrypted = dir.path().join("enc.yaml");
        write(&encrypted, b"a: ENC\n", Contents::Encrypted, Expect::Any).unwrap();
        assert_eq!(mode(&encrypted), 0o666 & !umask());
    }

    #[test]
    fn hard_links_are_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("one.yaml");
        let two = dir.path().join("two.yaml");
        fs::write(&one, b"a much longer old content").unwrap();
        fs::hard_link(&one, &two).unwrap();
        let written = write(&two, b"new", Contents::Encrypted, Expect::Any).unwrap();
        assert_eq!(written, Written::InPlace);
        assert_eq!(fs::read(&one).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["one.yaml", "two.yaml"]);
    }

    #[test]
    fn a_swapped_file_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret.yaml");
        fs::write(&target, b"old").unwrap();
        let (_, id) = super::super::read_identified(&target).unwrap();
        // Kept, so that the new file cannot reuse its inode number.
        fs::rename(&target, dir.path().join("moved")).unwrap();
        fs::write(&target, b"planted").unwrap();
        let error = write(&target, b"new", Contents::Plaintext, Expect::Same(id)).unwrap_err();
        assert!(error.to_string().contains("replaced or removed"), "{error}");
        assert_eq!(fs::read(&target).unwrap(), b"planted");
        fs::remove_file(&target).unwrap();
        assert!(write(&target, b"new", Contents::Plaintext, Expect::Same(id)).is_err());
        assert!(!target.exists());
    }

    #[test]
    fn a_name_of_255_bytes_works() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(format!("{}.yaml", "n".repeat(250)));
        fs::write(&target, b"old").unwrap();
        write(&target, b"new", Contents::Encrypted, Expect::Any).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }
}
