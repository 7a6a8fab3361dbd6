//! Folder handles beneath the root, never through a symbolic link, and the fd-relative operations built on them.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags, ResolveFlags, Stat};
use rustix::io::Errno;

use crate::kind::FileKind;

/// How folder paths under the root are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resolver {
    /// One `openat2` call with `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS` (Linux 5.6+).
    Openat2,
    /// One `openat(O_NOFOLLOW | O_DIRECTORY)` per folder from the root's handle: where `openat2` is missing
    /// (`ENOSYS`) or filtered (`EPERM` from seccomp).
    ComponentWalk,
}

/// Where a walk to a folder ended.
pub(crate) enum Walked {
    /// The folder, opened for reading.
    Folder(OwnedFd),
    /// `names[at]` does not exist; `deepest` is the folder holding where it would be.
    Missing { at: usize, deepest: OwnedFd },
    /// `names[at]` exists and is not a folder (a symbolic link is never followed).
    Blocked { at: usize, kind: FileKind },
}

pub(crate) const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

const RESOLVE: ResolveFlags = ResolveFlags::BENEATH
    .union(ResolveFlags::NO_SYMLINKS)
    .union(ResolveFlags::NO_MAGICLINKS);

/// Whether `openat2` works here, probed once per root.
pub(crate) fn probe_openat2(root: BorrowedFd<'_>) -> Resolver {
    match rustix::fs::openat2(root, ".", DIR_FLAGS, Mode::empty(), RESOLVE) {
        Ok(_) => Resolver::Openat2,
        Err(_) => Resolver::ComponentWalk,
    }
}

/// Opens the folder `names` under `root`, never following a link.
pub(crate) fn walk(
    root: BorrowedFd<'_>,
    names: &[&OsStr],
    resolver: Resolver,
) -> io::Result<Walked> {
    if names.is_empty() {
        return Ok(Walked::Folder(rustix::fs::openat(
            root,
            ".",
            DIR_FLAGS,
            Mode::empty(),
        )?));
    }
    if resolver == Resolver::Openat2 {
        let joined = crate::path::join(names);
        for _ in 0..8 {
            match rustix::fs::openat2(root, &joined, DIR_FLAGS, Mode::empty(), RESOLVE) {
                Ok(fd) => return Ok(Walked::Folder(fd)),
                // A rename elsewhere on the system raced the lookup: the kernel asks for a retry.
                Err(Errno::AGAIN) | Err(Errno::INTR) => continue,
                // A link, a missing name or a non-folder on the way: the walk below says which (and is as safe).
                Err(Errno::LOOP | Errno::NOTDIR | Errno::NOENT | Errno::XDEV) => break,
                // Filtered or missing after the probe succeeded: the walk is as safe.
                Err(Errno::NOSYS | Errno::PERM) => break,
                Err(e) => return Err(e.into()),
            }
        }
    }
    let mut last = None;
    for _ in 0..8 {
        match component_walk(root, names) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => last = Some(e),
            done => return done,
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("the folders kept changing while opening them")))
}

fn component_walk(root: BorrowedFd<'_>, names: &[&OsStr]) -> io::Result<Walked> {
    let mut current = rustix::fs::openat(root, ".", DIR_FLAGS, Mode::empty())?;
    for (at, name) in names.iter().enumerate() {
        match rustix::fs::openat(&current, *name, DIR_FLAGS, Mode::empty()) {
            Ok(next) => current = next,
            Err(Errno::NOENT) => {
                return Ok(Walked::Missing {
                    at,
                    deepest: current,
                });
            }
            // O_NOFOLLOW: the name was a symbolic link when it was looked up.
            Err(Errno::LOOP) => {
                return Ok(Walked::Blocked {
                    at,
                    kind: FileKind::Symlink,
                });
            }
            Err(Errno::NOTDIR) => {
                let kind = match stat_nofollow(current.as_fd(), name)? {
                    Some(stat) => FileKind::of(&stat),
                    None => {
                        return Ok(Walked::Missing {
                            at,
                            deepest: current,
                        });
                    }
                };
                if kind == FileKind::Folder {
                    // Swapped back while we looked: the caller walks again.
                    return Err(io::Error::new(
                        io::ErrorKind::Interrupted,
                        "the folder changed while opening it",
                    ));
                }
                return Ok(Walked::Blocked { at, kind });
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Walked::Folder(current))
}

/// `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`; `None` when the name does not exist.
pub(crate) fn stat_nofollow(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<Option<Stat>> {
    match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => Ok(Some(stat)),
        Err(Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Opens a name in `dir` for reading: never a link, never blocking on a FIFO, never taking a terminal.
pub(crate) fn open_for_reading(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<OwnedFd> {
    let flags =
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(dir, name, flags, Mode::empty())?)
}

/// One entry of a folder.
pub(crate) struct RawEntry {
    pub(crate) name: OsString,
    pub(crate) kind: FileKind,
}

/// Lists an open folder (without `.` and `..`), at most `max` entries: `Err(None)` beyond it.
pub(crate) fn list(dir: BorrowedFd<'_>, max: usize) -> io::Result<Result<Vec<RawEntry>, ()>> {
    let mut entries = Vec::new();
    for entry in Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        if entries.len() == max {
            return Ok(Err(()));
        }
        let name = OsString::from_vec(name.to_vec());
        let kind = match entry.file_type() {
            FileType::Unknown => match stat_nofollow(dir, &name)? {
                Some(stat) => FileKind::of(&stat),
                None => continue,
            },
            known => FileKind::from_type(known),
        };
        entries.push(RawEntry { name, kind });
    }
    entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    Ok(Ok(entries))
}

/// How deep [`remove_tree`] goes.
pub(crate) const MAX_TREE_DEPTH: usize = 128;
/// How many entries one folder of a removed tree may hold.
const MAX_TREE_ENTRIES: usize = 1 << 20;

/// Why a tree removal stopped.
pub(crate) enum RemoveError {
    Io(PathBuf, io::Error),
    TooDeep(PathBuf),
}

/// Removes `name` in `parent` and, when it is a folder, everything in it: through folder handles, never following
/// a link (a link inside is removed as a link). `shown` is the path used in errors.
pub(crate) fn remove_tree(
    parent: BorrowedFd<'_>,
    name: &OsStr,
    shown: &Path,
    depth: usize,
) -> Result<(), RemoveError> {
    let io_err = |e: io::Error| RemoveError::Io(shown.to_path_buf(), e);
    let Some(stat) = stat_nofollow(parent, name).map_err(io_err)? else {
        return Ok(());
    };
    if FileKind::of(&stat) != FileKind::Folder {
        return match rustix::fs::unlinkat(parent, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(io_err(e.into())),
        };
    }
    if depth >= MAX_TREE_DEPTH {
        return Err(RemoveError::TooDeep(shown.to_path_buf()));
    }
    let dir =
        rustix::fs::openat(parent, name, DIR_FLAGS, Mode::empty()).map_err(|e| io_err(e.into()))?;
    // Whoever owns the folder may add entries while we remove them: a few passes, then give up.
    for _ in 0..4 {
        let entries = match list(dir.as_fd(), MAX_TREE_ENTRIES).map_err(io_err)? {
            Ok(entries) => entries,
            Err(()) => {
                return Err(io_err(io::Error::other(
                    "more than a million entries in one folder",
                )));
            }
        };
        if entries.is_empty() {
            break;
        }
        for entry in entries {
            remove_tree(
                dir.as_fd(),
                &entry.name,
                &shown.join(&entry.name),
                depth + 1,
            )?;
        }
    }
    match rustix::fs::unlinkat(parent, name, AtFlags::REMOVEDIR) {
        Ok(()) | Err(Errno::NOENT) => Ok(()),
        Err(e) => Err(io_err(e.into())),
    }
}
