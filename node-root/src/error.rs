//! One error type for the crate: what was being done, to which path, what went wrong, and the `io::Error` behind it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::kind::FileKind;
use crate::shown::Shown;

/// What the crate was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// Opening the root folder itself.
    OpenRoot,
    /// Reading a file or a stream.
    Read,
    /// Listing a folder.
    List,
    /// Looking at the folders on the way to a path.
    Inspect,
    /// Checking a plan before anything is written.
    Plan,
    /// Creating a folder.
    CreateFolder,
    /// Writing a temporary file.
    Write,
    /// Setting a mode.
    ChangeMode,
    /// Setting an owner.
    ChangeOwner,
    /// Flushing a file or a folder to the disk.
    Sync,
    /// Renaming a temporary file over its target.
    Rename,
    /// Removing a file or a folder tree.
    Remove,
    /// Taking the writers' lock.
    Lock,
    /// Reading or writing the intent journal.
    Journal,
    /// Completing or discarding an interrupted write.
    Recover,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::OpenRoot => "open the root",
            Op::Read => "read",
            Op::List => "list",
            Op::Inspect => "inspect the folders on the way to",
            Op::Plan => "plan a write of",
            Op::CreateFolder => "create the folder",
            Op::Write => "write",
            Op::ChangeMode => "set the mode of",
            Op::ChangeOwner => "set the owner of",
            Op::Sync => "sync",
            Op::Rename => "rename into place",
            Op::Remove => "remove",
            Op::Lock => "lock",
            Op::Journal => "use the journal",
            Op::Recover => "recover an interrupted write in",
        }
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The operating system refused; [`Error::io_error`] (and `source()`) says why.
    Io,
    /// The path is not a plain relative path under the root (empty, absolute, `..`, `.`, a NUL byte, a name longer
    /// than 255 bytes).
    NotPlainPath(&'static str),
    /// The path names one of the files this crate keeps for itself (its lock, its journal, its temporary files).
    Reserved,
    /// A mode with bits beyond `0o7777`, or the owner id `u32::MAX` (which `chown` reads as "unchanged").
    BadModeOrOwner,
    /// The path appears twice in one plan, or one planned path lies inside another.
    Conflict(PathBuf),
    /// Something on the way (`at`, a folder of the path or the path itself) is not what it must be: a symbolic link
    /// (never followed), a file where a folder must be, a FIFO, a device.
    Blocked {
        /// The path under the root of the thing in the way.
        at: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// The input is larger than its limit; reading stopped one byte past it.
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The inputs of this command together exceed their total budget.
    BudgetExceeded {
        /// The total budget in bytes.
        total: u64,
    },
    /// One line of a line-by-line input is longer than its limit.
    LineTooLong {
        /// The line number (from 1).
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// One line of a line-by-line input is not UTF-8.
    NotUtf8 {
        /// The line number (from 1).
        line: u64,
    },
    /// A folder holds more entries than the listing allows.
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// A folder tree to remove is nested deeper than the crate follows.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Another writer held the lock for the whole wait.
    LockTimeout {
        /// How long this writer waited.
        waited: Duration,
        /// What the lock file says about its holder, escaped and cut short; it is not verified (another PID
        /// namespace, another host, or a killed holder's record).
        holder: Option<String>,
    },
    /// The lock file is not one this crate can trust (owned by someone else, writable by others, hard-linked).
    UntrustedLockFile(String),
    /// The intent journal cannot be used: unreadable, malformed or not trustworthy. A person should look at it.
    Journal(String),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io => f.write_str("input/output error"),
            ErrorKind::NotPlainPath(why) => write!(f, "not a plain path under the root ({why})"),
            ErrorKind::Reserved => f.write_str(
                "the name is one node-root keeps for its lock, journal or temporary files",
            ),
            ErrorKind::BadModeOrOwner => {
                f.write_str("a mode beyond 0o7777 or an owner id of u32::MAX")
            }
            ErrorKind::Conflict(other) => {
                write!(f, "conflicts with {} in the same plan", Shown(other))
            }
            ErrorKind::Blocked { at, kind } => {
                write!(f, "{} is {kind}; ", Shown(at))?;
                if *kind == FileKind::Symlink {
                    f.write_str("refusing to follow it")
                } else {
                    f.write_str("refusing to go through it")
                }
            }
            ErrorKind::TooLarge { limit } => write!(f, "larger than {limit} bytes"),
            ErrorKind::BudgetExceeded { total } => {
                write!(
                    f,
                    "the inputs together exceed their budget of {total} bytes"
                )
            }
            ErrorKind::LineTooLong { line, limit } => {
                write!(f, "line {line} is longer than {limit} bytes")
            }
            ErrorKind::NotUtf8 { line } => write!(f, "line {line} is not UTF-8"),
            ErrorKind::TooManyEntries { limit } => write!(f, "holds more than {limit} entries"),
            ErrorKind::TooDeep { limit } => write!(f, "nested deeper than {limit} folders"),
            ErrorKind::LockTimeout { waited, holder } => {
                write!(
                    f,
                    "another writer held the lock for the whole {:.1} s wait",
                    waited.as_secs_f64()
                )?;
                if let Some(holder) = holder {
                    write!(f, " (its lock file says: {holder}; not verified)")?;
                }
                Ok(())
            }
            ErrorKind::UntrustedLockFile(why) => {
                write!(f, "the lock file is not trustworthy: {why}")
            }
            ErrorKind::Journal(why) => write!(f, "the intent journal cannot be used: {why}"),
        }
    }
}

/// A write that failed after some of its files had already been replaced. The journal keeps the generation, so
/// the next writer completes it; [`Root::pending`](crate::Root::pending) shows it meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    /// The generation that was being written.
    pub generation: u64,
    /// Files replaced or created, and trees removed, before the error.
    pub done: Vec<PathBuf>,
    /// What was not yet done.
    pub not_yet: Vec<PathBuf>,
}

/// Why a read, a listing, a lock or a write failed.
///
/// The path is the one the operation was about, relative to the root for everything under it (or as given for
/// plain paths). `source()` is the `io::Error` when the operating system refused. The message never holds file
/// contents. When a write failed after it had replaced files, [`Error::partial`] says which (and the message says
/// so); otherwise no file was replaced.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    op: Op,
    path: PathBuf,
    source: Option<io::Error>,
    partial: Option<Box<Partial>>,
}

impl Error {
    pub(crate) fn new(op: Op, path: impl Into<PathBuf>, kind: ErrorKind) -> Error {
        Error {
            kind,
            op,
            path: path.into(),
            source: None,
            partial: None,
        }
    }

    pub(crate) fn io(op: Op, path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error {
            kind: ErrorKind::Io,
            op,
            path: path.into(),
            source: Some(source),
            partial: None,
        }
    }

    pub(crate) fn with_partial(mut self, partial: Partial) -> Error {
        self.partial = Some(Box::new(partial));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What was being done.
    pub fn op(&self) -> Op {
        self.op
    }

    /// The path the operation was about.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The operating system's error, when there is one (also `source()`).
    pub fn io_error(&self) -> Option<&io::Error> {
        self.source.as_ref()
    }

    /// The files already replaced when a write failed part way; `None` when none was.
    pub fn partial(&self) -> Option<&Partial> {
        self.partial.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot {} {}: ", self.op.verb(), Shown(&self.path))?;
        match (&self.kind, &self.source) {
            (ErrorKind::Io, Some(source)) => write!(f, "{source}")?,
            (kind, _) => write!(f, "{kind}")?,
        }
        if let Some(partial) = &self.partial {
            write!(
                f,
                "; generation {} was partly applied: done {}; not yet {} (the journal keeps it: the next writer \
                 completes it)",
                partial.generation,
                list(&partial.done),
                list(&partial.not_yet)
            )?;
        }
        Ok(())
    }
}

fn list(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nothing".into();
    }
    paths
        .iter()
        .map(|p| Shown(p).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
