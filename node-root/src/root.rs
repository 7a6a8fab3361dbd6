//! The root folder and everything read beneath it.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use crate::error::{Error, ErrorKind, Op, Result};
use crate::kind::{FileKind, Meta};
use crate::path::{join, names};
use crate::read::{Budget, Found, read_open};
use crate::walk::{self, DIR_FLAGS, Resolver, Walked};

/// Where a reader's walk to a folder ended.
enum ToRead {
    /// The folder, opened for reading.
    Folder(OwnedFd),
    /// A name on the way does not exist.
    Missing,
    /// `at` (the first name on the way that is not a folder) is a `kind`.
    Blocked { at: PathBuf, kind: FileKind },
}

/// A node's root folder (`/`, a debug pod's `/host`, an unpacked tarball), opened once.
///
/// The path given to [`Root::open`] is the admin's own and may hold symbolic links; everything beneath it is
/// treated as hostile: every later open, create, rename and remove goes through folder handles obtained from this
/// one without following any symbolic link, so nothing a user who owns a folder under the root does can make this
/// crate read or write outside it.
#[derive(Debug)]
pub struct Root {
    fd: OwnedFd,
    path: PathBuf,
    resolver: Resolver,
    privileged: bool,
}

/// A folder's entries, as [`Root::read_dir`] found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// The folder, or one on the way to it, does not exist.
    Missing,
    /// The path, or a name on the way to it, is not a folder (a link is never followed).
    NotAFolder {
        /// The path itself or the first name on the way that is not a folder.
        at: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// The entries, sorted by name (bytes), without `.` and `..`.
    Entries(Vec<Entry>),
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name (any bytes but `/` and NUL).
    pub name: OsString,
    /// What it is, as `lstat` sees it.
    pub kind: FileKind,
}

/// A folder on the way to a path, with its owner and mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Its path under the root (empty for the root itself).
    pub path: PathBuf,
    /// Its mode, owner and links.
    pub meta: Meta,
}

impl Root {
    /// Opens the root folder. `path` itself may go through symbolic links (it is the caller's); nothing under it
    /// will be followed.
    pub fn open(path: impl AsRef<Path>) -> Result<Root> {
        let path = path.as_ref();
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::io(Op::OpenRoot, path, e.into()))?;
        let resolver = walk::probe_openat2(fd.as_fd());
        Ok(Root {
            fd,
            path: path.to_owned(),
            resolver,
            privileged: rustix::process::geteuid().is_root(),
        })
    }

    /// Uses `resolver` from now on. [`Resolver::ComponentWalk`] is always available; forcing
    /// [`Resolver::Openat2`] where the kernel lacks it makes operations fall back to the walk anyway.
    pub fn with_resolver(mut self, resolver: Resolver) -> Root {
        self.resolver = resolver;
        self
    }

    /// The path the root was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How folder paths are resolved: [`Resolver::Openat2`] where the kernel has it.
    pub fn resolver(&self) -> Resolver {
        self.resolver
    }

    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Whether this process runs as root (owners are then set and compared).
    pub(crate) fn privileged(&self) -> bool {
        self.privileged
    }

    pub(crate) fn walk(&self, names: &[&OsStr]) -> io::Result<Walked> {
        walk::walk(self.fd(), names, self.resolver)
    }

    /// A walk for a reader, who needs no handle where the walk stopped short, only the name that stopped it.
    fn walk_to_read(&self, names: &[&OsStr]) -> io::Result<ToRead> {
        Ok(match self.walk(names)? {
            Walked::Folder(dir) => ToRead::Folder(dir),
            Walked::Missing { .. } => ToRead::Missing,
            Walked::Blocked { at, kind } => ToRead::Blocked {
                at: join(&names[..=at]),
                kind,
            },
        })
    }

    /// Reads the file `relative` (e.g. `etc/containers/registries.conf`) under the root: at most `limit` bytes and
    /// what `budget` has left, never through a symbolic link (anywhere on the way), never blocking, never a device
    /// or a FIFO. What was there is the answer: [`Found::Missing`], [`Found::File`], or [`Found::NotRegular`] with
    /// what it is.
    pub fn read(
        &self,
        relative: impl AsRef<Path>,
        limit: u64,
        budget: &mut Budget,
    ) -> Result<Found> {
        let relative = relative.as_ref();
        let names = names(Op::Read, relative, false)?;
        let (name, parents) = names.split_last().expect("at least one name");
        let io = |e: io::Error| Error::io(Op::Read, relative, e);
        let dir = match self.walk_to_read(parents).map_err(io)? {
            ToRead::Folder(dir) => dir,
            ToRead::Missing => return Ok(Found::Missing),
            ToRead::Blocked { at, kind } => return Ok(Found::NotRegular { at, kind }),
        };
        let Some(stat) = walk::stat_nofollow(dir.as_fd(), name).map_err(io)? else {
            return Ok(Found::Missing);
        };
        let kind = FileKind::of(&stat);
        if kind != FileKind::File {
            // Never opened: opening a device can act on it, and a FIFO has nothing to read.
            return Ok(Found::NotRegular {
                at: relative.to_owned(),
                kind,
            });
        }
        let fd = match walk::open_for_reading(dir.as_fd(), name) {
            Ok(fd) => fd,
            Err(e) if e.raw_os_error() == Some(Errno::NOENT.raw_os_error()) => {
                return Ok(Found::Missing);
            }
            Err(e) if e.raw_os_error() == Some(Errno::LOOP.raw_os_error()) => {
                return Ok(Found::NotRegular {
                    at: relative.to_owned(),
                    kind: FileKind::Symlink,
                });
            }
            Err(e) => return Err(io(e)),
        };
        read_open(fd, relative, relative, limit, budget)
    }

    /// Lists the folder `relative` (empty for the root): at most `max_entries` entries, each with its kind as
    /// `lstat` sees it; never through a symbolic link.
    pub fn read_dir(&self, relative: impl AsRef<Path>, max_entries: usize) -> Result<Listing> {
        let relative = relative.as_ref();
        let names = names(Op::List, relative, true)?;
        let io = |e: io::Error| Error::io(Op::List, relative, e);
        let dir = match self.walk_to_read(&names).map_err(io)? {
            ToRead::Folder(dir) => dir,
            ToRead::Missing => return Ok(Listing::Missing),
            ToRead::Blocked { at, kind } => return Ok(Listing::NotAFolder { at, kind }),
        };
        match walk::list(dir.as_fd(), max_entries).map_err(io)? {
            Ok(entries) => Ok(Listing::Entries(
                entries
                    .into_iter()
                    .map(|e| Entry {
                        name: e.name,
                        kind: e.kind,
                    })
                    .collect(),
            )),
            Err(()) => Err(Error::new(
                Op::List,
                relative,
                ErrorKind::TooManyEntries { limit: max_entries },
            )),
        }
    }

    /// The root and each folder on the way to `relative` (not `relative` itself), with owner and mode, for
    /// reporting folders that others may write or that root does not own. Stops at the first name that is missing
    /// or not a folder ([`Root::read`] says what it is).
    pub fn folders_on_the_way(&self, relative: impl AsRef<Path>) -> Result<Vec<Folder>> {
        let relative = relative.as_ref();
        let names = names(Op::Inspect, relative, false)?;
        let io = |e: io::Error| Error::io(Op::Inspect, relative, e);
        let mut current = rustix::fs::openat(self.fd(), ".", DIR_FLAGS, Mode::empty())
            .map_err(|e| io(e.into()))?;
        let stat = rustix::fs::fstat(&current).map_err(|e| io(e.into()))?;
        let mut folders = vec![Folder {
            path: PathBuf::new(),
            meta: Meta::of(&stat),
        }];
        for (i, name) in names[..names.len() - 1].iter().enumerate() {
            match rustix::fs::openat(&current, *name, DIR_FLAGS, Mode::empty()) {
                Ok(next) => current = next,
                Err(Errno::NOENT | Errno::LOOP | Errno::NOTDIR) => break,
                Err(e) => return Err(io(e.into())),
            }
            let stat = rustix::fs::fstat(&current).map_err(|e| io(e.into()))?;
            folders.push(Folder {
                path: join(&names[..=i]),
                meta: Meta::of(&stat),
            });
        }
        Ok(folders)
    }
}
