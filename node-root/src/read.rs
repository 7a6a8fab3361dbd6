//! Bounded, non-blocking reads: files under a root, plain paths, standard input, any stream, line by line.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, CWD};
use rustix::io::Errno;

use crate::error::{Error, ErrorKind, Op, Result};
use crate::kind::{FileKind, Meta};
use crate::write::Body;

/// How many bytes all the inputs of one command may hold together; every read charges what it read.
///
/// One budget is made per command and passed to each read, so thirty files of 15 MiB each cannot add up to more
/// than the command allows, whatever each file's own limit.
#[derive(Debug, Clone)]
pub struct Budget {
    total: u64,
    spent: u64,
}

impl Budget {
    /// A budget of `total_bytes` across all reads.
    pub fn new(total_bytes: u64) -> Budget {
        Budget {
            total: total_bytes,
            spent: 0,
        }
    }

    /// No total bound (each read keeps its own limit).
    pub fn unlimited() -> Budget {
        Budget::new(u64::MAX)
    }

    /// The total.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// What the reads so far have taken.
    pub fn spent(&self) -> u64 {
        self.spent
    }

    /// What is left.
    pub fn remaining(&self) -> u64 {
        self.total.saturating_sub(self.spent)
    }

    /// Charges `bytes` read some other way; `false` (charging nothing) when they do not fit.
    pub fn charge(&mut self, bytes: u64) -> bool {
        if bytes > self.remaining() {
            return false;
        }
        self.spent += bytes;
        true
    }
}

/// A regular file's bytes and what `fstat` said about it when it was opened.
#[derive(Clone, PartialEq, Eq)]
pub struct RegularFile {
    /// The bytes (at most the read's limit).
    pub bytes: Vec<u8>,
    /// Mode, owner, size and links.
    pub meta: Meta,
}

impl fmt::Debug for RegularFile {
    /// Never prints the bytes: node files hold credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegularFile")
            .field("len", &self.bytes.len())
            .field("meta", &self.meta)
            .finish()
    }
}

/// What a read found where a file should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Nothing: the file, or a folder on the way to it, does not exist.
    Missing,
    /// A regular file, read.
    File(RegularFile),
    /// Something that is not a regular file, never followed, opened only to check its kind, never read: the path
    /// itself, or a folder on the way that is not a folder (`at` says which).
    NotRegular {
        /// The path itself, or the first name on the way to it that is not a folder.
        at: PathBuf,
        /// What it is.
        kind: FileKind,
    },
}

impl Found {
    /// The file's bytes and metadata, when a regular file was found.
    pub fn file(&self) -> Option<&RegularFile> {
        match self {
            Found::File(file) => Some(file),
            _ => None,
        }
    }

    /// The file, when one was found.
    pub fn into_file(self) -> Option<RegularFile> {
        match self {
            Found::File(file) => Some(file),
            _ => None,
        }
    }
}

/// Reads a plain path (`-f FILE`, `--pull-secret FILE`): never through a link at its last name (`O_NOFOLLOW`),
/// never blocking (`O_NONBLOCK`: a FIFO is reported, not read), never a device, at most `limit` bytes and what the
/// budget has left. The folders of the path are resolved as usual: they are the caller's own.
pub fn read_path(path: &Path, limit: u64, budget: &mut Budget) -> Result<Found> {
    let io = |e: io::Error| Error::io(Op::Read, path, e);
    let stat = match rustix::fs::statat(CWD, path, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => stat,
        Err(Errno::NOENT) => return Ok(Found::Missing),
        Err(e) => return Err(io(e.into())),
    };
    let kind = FileKind::of(&stat);
    if kind != FileKind::File {
        return Ok(Found::NotRegular {
            at: path.to_owned(),
            kind,
        });
    }
    let flags = rustix::fs::OFlags::RDONLY
        | rustix::fs::OFlags::NONBLOCK
        | rustix::fs::OFlags::NOFOLLOW
        | rustix::fs::OFlags::NOCTTY
        | rustix::fs::OFlags::CLOEXEC;
    let fd = match rustix::fs::openat(CWD, path, flags, rustix::fs::Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Ok(Found::Missing),
        // Replaced by a link since the look.
        Err(Errno::LOOP) => {
            return Ok(Found::NotRegular {
                at: path.to_owned(),
                kind: FileKind::Symlink,
            });
        }
        Err(e) => return Err(io(e.into())),
    };
    read_open(fd, path, path, limit, budget)
}

/// Reads an opened file after checking with `fstat` that it is a regular file. `at` names it in [`Found`].
pub(crate) fn read_open(
    fd: OwnedFd,
    shown: &Path,
    at: &Path,
    limit: u64,
    budget: &mut Budget,
) -> Result<Found> {
    let stat = rustix::fs::fstat(fd.as_fd()).map_err(|e| Error::io(Op::Read, shown, e.into()))?;
    let kind = FileKind::of(&stat);
    if kind != FileKind::File {
        return Ok(Found::NotRegular {
            at: at.to_owned(),
            kind,
        });
    }
    let meta = Meta::of(&stat);
    let bytes = read_bounded(
        std::fs::File::from(fd),
        Some(meta.size),
        shown,
        limit,
        budget,
    )?;
    Ok(Found::File(RegularFile { bytes, meta }))
}

/// Whether the opened file is a regular file holding exactly the bytes of `expected`, compared one block at a time
/// as they are written: a node's registries.conf can be tens of megabytes, and a whole read to compare it would
/// hold a second copy. At most one byte past `expected` is read.
pub(crate) fn holds_exactly(fd: OwnedFd, expected: Body<'_>) -> io::Result<bool> {
    let stat = rustix::fs::fstat(fd.as_fd())?;
    if FileKind::of(&stat) != FileKind::File {
        return Ok(false);
    }
    let mut comparing = Comparing {
        file: std::fs::File::from(fd),
        block: vec![0; COMPARE_BLOCK],
        differs: false,
    };
    match expected.write_to(&mut comparing) {
        Ok(()) => {}
        Err(_) if comparing.differs => return Ok(false),
        Err(e) => return Err(e),
    }
    // Everything matched so far: the file must end there too.
    let mut one = [0u8; 1];
    loop {
        match comparing.file.read(&mut one) {
            Ok(read) => return Ok(read == 0),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// How much [`holds_exactly`] reads at once.
const COMPARE_BLOCK: usize = 64 * 1024;

/// A sink that reads as many bytes from `file` as are written to it and stops at the first difference (an error
/// with `differs` set).
struct Comparing {
    file: std::fs::File,
    block: Vec<u8>,
    differs: bool,
}

impl io::Write for Comparing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let taken = buf.len().min(self.block.len());
        let block = &mut self.block[..taken];
        let same = match self.file.read_exact(block) {
            Ok(()) => block == &buf[..taken],
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => false,
            Err(e) => return Err(e),
        };
        if !same {
            self.differs = true;
            return Err(io::Error::other("the file differs"));
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads standard input (a pipe, a terminal, a file, a socket) up to `limit` bytes and what the budget has left;
/// a folder is refused. Reading stops one byte past the limit, so `/dev/zero` fails at once.
pub fn read_stdin(limit: u64, budget: &mut Budget) -> Result<Vec<u8>> {
    let name = Path::new("<stdin>");
    let stdin = io::stdin();
    let stat = rustix::fs::fstat(stdin.as_fd()).map_err(|e| Error::io(Op::Read, name, e.into()))?;
    let kind = FileKind::of(&stat);
    if kind == FileKind::Folder {
        return Err(Error::new(
            Op::Read,
            name,
            ErrorKind::Blocked {
                at: name.to_owned(),
                kind,
            },
        ));
    }
    read_bounded(stdin.lock(), None, name, limit, budget)
}

/// Reads any stream up to `limit` bytes and what the budget has left: at most one byte past the limit is ever
/// taken from it. `name` names it in errors.
pub fn read_limited(
    reader: impl Read,
    name: &Path,
    limit: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>> {
    read_bounded(reader, None, name, limit, budget)
}

/// The one bounded read: a claimed size over the limit is refused before reading; otherwise at most
/// `min(limit, remaining) + 1` bytes are read, and the buffer never grows by what a file claims beyond that.
fn read_bounded(
    reader: impl Read,
    claimed: Option<u64>,
    name: &Path,
    limit: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>> {
    if let Some(size) = claimed {
        if size > limit {
            return Err(Error::new(Op::Read, name, ErrorKind::TooLarge { limit }));
        }
        if size > budget.remaining() {
            return Err(Error::new(
                Op::Read,
                name,
                ErrorKind::BudgetExceeded {
                    total: budget.total(),
                },
            ));
        }
    }
    let allowed = limit.min(budget.remaining());
    // Reserve what the file claims: checked above against the limit and the budget, so what all reads reserve
    // stays within the budget, and the buffer is not grown by doubling (a 40 MB file would hold 64 MiB).
    let reserve = claimed.unwrap_or(0).min(allowed);
    let mut bytes = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    reader
        .take(allowed.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(Op::Read, name, e))?;
    let read = bytes.len() as u64;
    budget.spent = budget.spent.saturating_add(read);
    if read > limit {
        return Err(Error::new(Op::Read, name, ErrorKind::TooLarge { limit }));
    }
    if read > allowed {
        return Err(Error::new(
            Op::Read,
            name,
            ErrorKind::BudgetExceeded {
                total: budget.total(),
            },
        ));
    }
    Ok(bytes)
}

/// Line-by-line input (`--batch`): each line at most `max_line` bytes (without its `\n`), all of them charged to
/// the budget. A stream with no newline (`/dev/zero`) fails after `max_line` bytes.
pub struct Lines<'b, R> {
    reader: R,
    name: PathBuf,
    max_line: usize,
    budget: &'b mut Budget,
    line: Vec<u8>,
    number: u64,
    done: bool,
}

impl<'b, R: BufRead> Lines<'b, R> {
    /// Reads lines from `reader`; `name` names it in errors.
    pub fn new(
        reader: R,
        name: impl Into<PathBuf>,
        max_line: usize,
        budget: &'b mut Budget,
    ) -> Self {
        Lines {
            reader,
            name: name.into(),
            max_line,
            budget,
            line: Vec::new(),
            number: 0,
            done: false,
        }
    }

    /// The number of the last line returned (from 1).
    pub fn line_number(&self) -> u64 {
        self.number
    }

    /// The next line without its `\n` (a `\r` before it is kept), or `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<&str>> {
        if self.done {
            return Ok(None);
        }
        self.line.clear();
        self.number += 1;
        let mut read_any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(Op::Read, &self.name, e)),
            };
            if buf.is_empty() {
                self.done = true;
                if !read_any {
                    return Ok(None);
                }
                break;
            }
            read_any = true;
            let (take, newline) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            if self.line.len() + take > self.max_line {
                return Err(Error::new(
                    Op::Read,
                    &self.name,
                    ErrorKind::LineTooLong {
                        line: self.number,
                        limit: self.max_line,
                    },
                ));
            }
            let used = take + usize::from(newline);
            if !self.budget.charge(used as u64) {
                return Err(Error::new(
                    Op::Read,
                    &self.name,
                    ErrorKind::BudgetExceeded {
                        total: self.budget.total(),
                    },
                ));
            }
            self.line.extend_from_slice(&buf[..take]);
            self.reader.consume(used);
            if newline {
                break;
            }
        }
        match std::str::from_utf8(&self.line) {
            Ok(line) => Ok(Some(line)),
            Err(_) => Err(Error::new(
                Op::Read,
                &self.name,
                ErrorKind::NotUtf8 { line: self.number },
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `holds_exactly` on a file holding `found`, opened as the writer opens it.
    fn holds(found: &[u8], expected: &[u8]) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registries.conf");
        std::fs::write(&path, found).unwrap();
        let fd = OwnedFd::from(std::fs::File::open(&path).unwrap());
        holds_exactly(fd, Body::Bytes(expected)).unwrap()
    }

    #[test]
    fn holds_exactly_compares_every_block_and_the_end() {
        // Three blocks and a bit: a difference in any block, or one byte more or less, is seen.
        let expected: Vec<u8> = (0..3 * 64 * 1024 + 7).map(|i| (i % 251) as u8).collect();
        assert!(holds(&expected, &expected));
        for at in [
            0,
            64 * 1024 - 1,
            64 * 1024,
            2 * 64 * 1024 + 5,
            expected.len() - 1,
        ] {
            let mut other = expected.clone();
            other[at] ^= 1;
            assert!(!holds(&other, &expected), "a byte changed at {at}");
        }
        assert!(!holds(&expected[..expected.len() - 1], &expected));
        let mut longer = expected.clone();
        longer.push(0);
        assert!(!holds(&longer, &expected));
        assert!(holds(b"", b""));
        assert!(!holds(b"x", b""));
        assert!(!holds(b"", b"x"));
    }

    #[test]
    fn holds_exactly_is_false_for_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let fd = OwnedFd::from(std::fs::File::open(dir.path()).unwrap());
        assert!(!holds_exactly(fd, Body::Bytes(b"")).unwrap());
    }
}
