//! Where a path to be written leads: the directory entry at the end of its chain of symbolic
//! links, or a file descriptor (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`, bash's `>(...)`),
//! which has no directory entry to replace and is written in place.
//!
//! The path is walked one name at a time, as the kernel does, so that every link on the way is
//! seen. A link that another user could have planted is not followed: one in a directory that
//! users other than its owner can write (group or world writable), unless the link belongs to
//! us, to root or to the directory's owner. This is Linux's `protected_symlinks` rule, applied
//! to every such directory and whatever the system setting.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// The most links followed, as the kernel's limit (`MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// What a path to be written leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A name in a directory (which may not exist yet); no link at the end.
    Entry {
        /// The directory: absolute, no links.
        dir: PathBuf,
        /// The name in it.
        name: OsString,
        /// The name is a link's target (missing, it is a dangling link).
        link_target: bool,
    },
    /// A descriptor of this process (`/proc/self/fd/N` and its aliases).
    OwnDescriptor(i32),
    /// Another path under `/proc` (or `/dev/fd` where it is not a link into `/proc`): opened and
    /// written in place, never renamed over.
    Special(PathBuf),
}

/// Follows the links of `path` to what a write must change.
pub fn resolve(path: &Path) -> io::Result<Resolved> {
    let mut dir = if path.is_absolute() {
        PathBuf::from("/")
    } else {
        std::env::current_dir()?
    };
    let mut pending: VecDeque<OsString> = names(path);
    let mut links = 0;
    let mut link_target = false;
    let directory = || io::Error::from_raw_os_error(rustix::io::Errno::ISDIR.raw_os_error());
    while let Some(name) = pending.pop_front() {
        let last = pending.is_empty();
        if name == "/" {
            dir = PathBuf::from("/");
            continue;
        }
        if name == "." || name == ".." {
            if last {
                return Err(directory());
            }
            if name == ".." {
                dir.pop();
            }
            continue;
        }
        if last && let Some(special) = descriptor(&dir, &name) {
            return Ok(special);
        }
        let entry = dir.join(&name);
        match std::fs::symlink_metadata(&entry) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(io::Error::from_raw_os_error(
                        rustix::io::Errno::LOOP.raw_os_error(),
                    ));
                }
                trusted(&dir, &entry, &metadata)?;
                link_target |= last;
                let target = std::fs::read_link(&entry)?;
                for name in names(&target).into_iter().rev() {
                    pending.push_front(name);
                }
            }
            Ok(metadata) if !last && !metadata.is_dir() => {
                return Err(io::Error::from_raw_os_error(
                    rustix::io::Errno::NOTDIR.raw_os_error(),
                ));
            }
            Ok(_) if !last => dir = entry,
            Err(e) if !last => return Err(e),
            Ok(_) => {
                return Ok(Resolved::Entry {
                    dir,
                    name,
                    link_target,
                });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Resolved::Entry {
                    dir,
                    name,
                    link_target,
                });
            }
            Err(e) => return Err(e),
        }
    }
    // The path ended in `/`, `.` or nothing: a directory, not a file.
    Err(directory())
}

/// The names of `path` in order; `/` stands for the root. `.` is left out, except that a path
/// ending in it (or in `/`) ends in `.`, so that it does not name the directory's last name.
fn names(path: &Path) -> VecDeque<OsString> {
    let mut names: VecDeque<OsString> = path
        .components()
        .filter_map(|component| match component {
            Component::RootDir => Some(OsString::from("/")),
            Component::ParentDir => Some(OsString::from("..")),
            Component::Normal(name) => Some(name.to_os_string()),
            Component::CurDir | Component::Prefix(_) => None,
        })
        .collect();
    let text = path.as_os_str().as_encoded_bytes();
    if text.ends_with(b"/") || text.ends_with(b"/.") || text == b"." {
        names.push_back(OsString::from("."));
    }
    names
}

/// Refuses a link that a user other than us, root or the directory's owner put in a directory
/// that others can write.
fn trusted(dir: &Path, link: &Path, metadata: &std::fs::Metadata) -> io::Result<()> {
    let directory = std::fs::metadata(dir)?;
    let writable_by_others = directory.permissions().mode() & 0o022 != 0;
    let owner = metadata.uid();
    let us = rustix::process::geteuid().as_raw();
    if !writable_by_others || owner == us || owner == 0 || owner == directory.uid() {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{} is a link owned by uid {owner} in a directory other users can write; not \
             followed (it may have been planted)",
            link.display()
        ),
    ))
}

/// A name in `/proc` (or `/dev/fd`) is not a file to replace: a descriptor of ours is written
/// through, anything else there in place.
fn descriptor(dir: &Path, name: &OsString) -> Option<Resolved> {
    if !(dir.starts_with("/proc") || dir.starts_with("/dev/fd")) {
        return None;
    }
    if own_descriptor_dirs().iter().any(|d| d == dir)
        && let Some(fd) = name.to_str().and_then(|n| n.parse::<i32>().ok())
    {
        return Some(Resolved::OwnDescriptor(fd));
    }
    Some(Resolved::Special(dir.join(name)))
}

/// The directories that list this process's descriptors, as the walk reaches them.
fn own_descriptor_dirs() -> Vec<PathBuf> {
    let pid = std::process::id();
    let mut dirs = vec![
        PathBuf::from(format!("/proc/{pid}/fd")),
        PathBuf::from("/dev/fd"),
    ];
    if let Ok(thread) = std::fs::canonicalize("/proc/thread-self/fd") {
        dirs.push(thread);
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_links_to_the_last_entry() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        std::fs::write(root.join("real/target.yaml"), b"x").unwrap();
        std::os::unix::fs::symlink("real/target.yaml", root.join("one")).unwrap();
        std::os::unix::fs::symlink(root.join("one"), root.join("two")).unwrap();
        std::os::unix::fs::symlink("real", root.join("dirlink")).unwrap();
        let expected = Resolved::Entry {
            dir: root.join("real"),
            name: "target.yaml".into(),
            link_target: true,
        };
        assert_eq!(resolve(&root.join("two")).unwrap(), expected);
        assert_eq!(
            resolve(&root.join("dirlink/../real/./target.yaml")).unwrap(),
            Resolved::Entry {
                dir: root.join("real"),
                name: "target.yaml".into(),
                link_target: false,
            }
        );
        std::os::unix::fs::symlink("missing", root.join("dangling")).unwrap();
        assert_eq!(
            resolve(&root.join("dangling")).unwrap(),
            Resolved::Entry {
                dir: root.clone(),
                name: "missing".into(),
                link_target: true
            }
        );
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        assert!(resolve(&root.join("loop")).is_err());
        for directory in ["real/", "real/.", "real/..", "/"] {
            assert!(resolve(&root.join(directory)).is_err(), "{directory}");
        }
        assert!(resolve(&root.join("real/target.yaml/x")).is_err());
    }

    #[test]
    fn descriptor_paths_are_not_entries() {
        for (path, fd) in [
            ("/dev/stdout", 1),
            ("/dev/stderr", 2),
            ("/dev/fd/1", 1),
            ("/proc/self/fd/1", 1),
        ] {
            assert_eq!(
                resolve(Path::new(path)).unwrap(),
                Resolved::OwnDescriptor(fd),
                "{path}"
            );
        }
    }
}
