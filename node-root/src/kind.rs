//! What a directory entry is, and what a regular file's metadata says.

use std::fmt;

use rustix::fs::{FileType, Stat};

/// The kind of a filesystem object, as `lstat` sees it (links are never followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FileKind {
    /// A regular file.
    File,
    /// A folder.
    Folder,
    /// A symbolic link.
    Symlink,
    /// A FIFO (named pipe).
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device.
    BlockDevice,
    /// Something else.
    Unknown,
}

impl FileKind {
    pub(crate) fn from_type(file_type: FileType) -> FileKind {
        match file_type {
            FileType::RegularFile => FileKind::File,
            FileType::Directory => FileKind::Folder,
            FileType::Symlink => FileKind::Symlink,
            FileType::Fifo => FileKind::Fifo,
            FileType::Socket => FileKind::Socket,
            FileType::CharacterDevice => FileKind::CharDevice,
            FileType::BlockDevice => FileKind::BlockDevice,
            _ => FileKind::Unknown,
        }
    }

    pub(crate) fn of(stat: &Stat) -> FileKind {
        FileKind::from_type(FileType::from_raw_mode(stat.st_mode))
    }
}

impl fmt::Display for FileKind {
    /// As in "is a symbolic link".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::File => "a regular file",
            FileKind::Folder => "a folder",
            FileKind::Symlink => "a symbolic link",
            FileKind::Fifo => "a FIFO",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Unknown => "of an unknown kind",
        })
    }
}

/// A user and a group, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner {
    /// The user id.
    pub uid: u32,
    /// The group id.
    pub gid: u32,
}

impl Owner {
    /// `root:root`, as the machine-config daemon writes node files.
    pub const ROOT: Owner = Owner { uid: 0, gid: 0 };
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.uid, self.gid)
    }
}

/// What `fstat` said about a regular file (or a folder) when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// The permission bits, `0o7777` at most.
    pub mode: u32,
    /// The owner.
    pub owner: Owner,
    /// The size in bytes the file claimed when opened.
    pub size: u64,
    /// The number of hard links (more than one: the same bytes are reachable by another name, maybe outside the
    /// root).
    pub links: u64,
}

impl Meta {
    // The field types of `struct stat` differ between architectures; the casts are lossless on each.
    #[allow(clippy::unnecessary_cast)]
    pub(crate) fn of(stat: &Stat) -> Meta {
        Meta {
            mode: stat.st_mode & 0o7777,
            owner: Owner {
                uid: stat.st_uid,
                gid: stat.st_gid,
            },
            size: u64::try_from(stat.st_size).unwrap_or(0),
            links: stat.st_nlink as u64,
        }
    }

    /// Whether anyone may write it (`o+w`).
    pub fn world_writable(&self) -> bool {
        self.mode & 0o002 != 0
    }
}
