//! The intent journal: one hidden file at the top of the root naming the generation being written and every change
//! in it, so that a write killed at any point is completed (or discarded) by the next writer and seen by readers.
//!
//! The file is text, one record a line, paths percent-encoded:
//!
//! ```text
//! node-root journal 2
//! generation 42
//! state committed
//! mkdir etc/docker/certs.d/mirror.example.com:5000
//! file etc/docker/certs.d/mirror.example.com:5000/ca.crt 1302 8f2d0c1e5a7b3d94
//! remove etc/docker/certs.d/old.example.com
//! end
//! ```
//!
//! Journal 2 hashes a file's bytes with [`fnv1a_words`], journal 1 (older writers) with [`fnv1a`]; both are read,
//! so a write cut short by an older version is still recovered.
//!
//! `staged` means temporary files may exist and nothing was replaced yet; `committed` means every temporary file
//! is complete and synced and the renames may have begun.

use std::ffi::OsString;
use std::fmt;
use std::os::fd::AsFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{Error, ErrorKind, Op, Result};
use crate::kind::FileKind;
use crate::path::{JOURNAL_NAME, LOCK_NAME, fnv1a, fnv1a_words, names, temp_name};
use crate::read::{Budget, Found};
use crate::root::Root;
use crate::shown::Shown;
use crate::walk::{self, Walked};

/// The largest journal read back.
const MAX_JOURNAL_BYTES: u64 = 16 << 20;
/// The first line, before the version.
const HEADER: &str = "node-root journal ";

/// A file's content hash as a journal records it: which hash depends on the journal's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContentHash {
    /// Journal 1: [`fnv1a`].
    Bytes(u64),
    /// Journal 2: [`fnv1a_words`].
    Words(u64),
}

impl ContentHash {
    /// The hash new journals record for `bytes`.
    pub(crate) fn of(bytes: &[u8]) -> ContentHash {
        ContentHash::Words(fnv1a_words(bytes))
    }

    /// Whether `bytes` hash to this value.
    pub(crate) fn matches(self, bytes: &[u8]) -> bool {
        match self {
            ContentHash::Bytes(hash) => fnv1a(bytes) == hash,
            ContentHash::Words(hash) => fnv1a_words(bytes) == hash,
        }
    }

    fn value(self) -> u64 {
        match self {
            ContentHash::Bytes(hash) | ContentHash::Words(hash) => hash,
        }
    }
}

/// One change of a generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// A file replaced (or created) through its temporary file, holding `size` bytes hashing to `hash`.
    File {
        path: PathBuf,
        size: u64,
        hash: ContentHash,
    },
    /// A folder tree removed.
    Remove { path: PathBuf },
}

impl Change {
    pub(crate) fn path(&self) -> &Path {
        match self {
            Change::File { path, .. } | Change::Remove { path } => path,
        }
    }
}

/// A generation as the journal records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Journal {
    pub(crate) generation: u64,
    pub(crate) committed: bool,
    pub(crate) mkdirs: Vec<PathBuf>,
    pub(crate) changes: Vec<Change>,
}

fn encode_path(out: &mut String, path: &Path) {
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"._-:/@+=,~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

fn decode_path(text: &str) -> std::result::Result<PathBuf, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or("a cut %-escape")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| "a bad %-escape")?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = PathBuf::from(OsString::from_vec(out));
    // The journal lies under a root that may be hostile: only plain paths are acted on.
    names(Op::Journal, &path, false).map_err(|e| e.kind().to_string())?;
    Ok(path)
}

impl Journal {
    pub(crate) fn encode(&self) -> Vec<u8> {
        // One version per journal: a journal 1 is only ever read (recovered), never written again.
        let version = match self.changes.iter().any(|c| {
            matches!(
                c,
                Change::File {
                    hash: ContentHash::Bytes(_),
                    ..
                }
            )
        }) {
            true => 1,
            false => 2,
        };
        let mut out = format!(
            "{HEADER}{version}\ngeneration {}\nstate {}\n",
            self.generation,
            if self.committed {
                "committed"
            } else {
                "staged"
            }
        );
        for dir in &self.mkdirs {
            out.push_str("mkdir ");
            encode_path(&mut out, dir);
            out.push('\n');
        }
        for change in &self.changes {
            match change {
                Change::File { path, size, hash } => {
                    out.push_str("file ");
                    encode_path(&mut out, path);
                    out.push_str(&format!(" {size} {:016x}\n", hash.value()));
                }
                Change::Remove { path } => {
                    out.push_str("remove ");
                    encode_path(&mut out, path);
                    out.push('\n');
                }
            }
        }
        out.push_str("end\n");
        out.into_bytes()
    }

    pub(crate) fn parse(bytes: &[u8]) -> std::result::Result<Journal, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
        let mut lines = text.lines();
        let hash_of_version: fn(u64) -> ContentHash =
            match lines.next().and_then(|l| l.strip_prefix(HEADER)) {
                Some("2") => ContentHash::Words,
                Some("1") => ContentHash::Bytes,
                _ => return Err(format!("the first line is not \"{HEADER}2\" (or 1)")),
            };
        let generation = lines
            .next()
            .and_then(|l| l.strip_prefix("generation "))
            .and_then(|n| n.parse().ok())
            .ok_or("no generation line")?;
        let committed = match lines.next() {
            Some("state committed") => true,
            Some("state staged") => false,
            _ => return Err("no state line".into()),
        };
        let mut journal = Journal {
            generation,
            committed,
            mkdirs: Vec::new(),
            changes: Vec::new(),
        };
        let mut ended = false;
        for (number, line) in lines.enumerate() {
            if ended {
                return Err("text after the end line".into());
            }
            let bad = |why: &str| format!("line {}: {why}", number + 4);
            let mut words = line.split(' ');
            match (
                words.next(),
                words.next(),
                words.next(),
                words.next(),
                words.next(),
            ) {
                (Some("mkdir"), Some(path), None, None, None) => {
                    journal.mkdirs.push(decode_path(path).map_err(|e| bad(&e))?);
                }
                (Some("file"), Some(path), Some(size), Some(hash), None) => {
                    journal.changes.push(Change::File {
                        path: decode_path(path).map_err(|e| bad(&e))?,
                        size: size.parse().map_err(|_| bad("a bad size"))?,
                        hash: hash_of_version(
                            u64::from_str_radix(hash, 16).map_err(|_| bad("a bad hash"))?,
                        ),
                    })
                }
                (Some("remove"), Some(path), None, None, None) => {
                    journal.changes.push(Change::Remove {
                        path: decode_path(path).map_err(|e| bad(&e))?,
                    })
                }
                (Some("end"), None, None, None, None) => ended = true,
                _ => return Err(bad("not a journal record")),
            }
        }
        if !ended {
            return Err("no end line (cut short)".into());
        }
        Ok(journal)
    }
}

/// Reads the journal, if there is one, refusing one this process did not write (another owner, writable by
/// others, hard-linked, not a regular file).
pub(crate) fn read_journal(root: &Root) -> Result<Option<Journal>> {
    let refuse = |why: String| Error::new(Op::Journal, JOURNAL_NAME, ErrorKind::Journal(why));
    match root.read(JOURNAL_NAME, MAX_JOURNAL_BYTES, &mut Budget::unlimited())? {
        Found::Missing => Ok(None),
        Found::NotRegular { kind, .. } => Err(refuse(format!("{JOURNAL_NAME} is {kind}"))),
        Found::File(file) => {
            let euid = rustix::process::geteuid().as_raw();
            if file.meta.owner.uid != euid || file.meta.mode & 0o022 != 0 || file.meta.links != 1 {
                return Err(refuse(format!(
                    "{JOURNAL_NAME} is owned by {} with mode {:04o} and {} links; this crate writes it as uid {euid}, \
                     mode 0600, one link: look at it, then remove it",
                    file.meta.owner, file.meta.mode, file.meta.links
                )));
            }
            Journal::parse(&file.bytes)
                .map(Some)
                .map_err(|why| refuse(format!("{JOURNAL_NAME}: {why}")))
        }
    }
}

/// Whether a change of a pending generation has been carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeState {
    /// Done: the file holds the generation's bytes, or the tree is gone.
    Done,
    /// Not yet: the temporary file still waits, or the tree is still there.
    NotYet,
    /// Neither the temporary file nor the new bytes are there.
    Unknown,
}

/// One change of a pending generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChange {
    /// The file written or the tree removed, under the root.
    pub path: PathBuf,
    /// Whether it is a tree removal (otherwise a file write).
    pub removal: bool,
    /// How far it got.
    pub state: ChangeState,
}

/// A write that began and did not finish: what [`Root::pending`] sees in the journal, without taking the lock and
/// without changing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The generation.
    pub generation: u64,
    /// Whether it had committed (every temporary file complete; renames may have begun). An uncommitted one
    /// replaced nothing and will be discarded.
    pub committed: bool,
    /// Whether a writer holds the lock right now (the write may be in progress rather than interrupted).
    pub writer_active: bool,
    /// Its changes, in the order they are made.
    pub changes: Vec<PendingChange>,
}

impl fmt::Display for Pending {
    /// `an interrupted write of generation 7 is pending: etc/a, etc/b replaced; etc/c not yet`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.writer_active {
            "a write"
        } else {
            "an interrupted write"
        };
        if !self.committed {
            return write!(
                f,
                "{what} of generation {} had not committed: nothing was replaced{}",
                self.generation,
                if self.writer_active {
                    ""
                } else {
                    "; the next writer discards it"
                }
            );
        }
        write!(f, "{what} of generation {} is pending:", self.generation)?;
        let mut first = true;
        for (state, label) in [
            (ChangeState::Done, "done"),
            (ChangeState::NotYet, "not yet"),
            (
                ChangeState::Unknown,
                "neither old temporary file nor new bytes found",
            ),
        ] {
            let paths: Vec<String> = self
                .changes
                .iter()
                .filter(|c| c.state == state)
                .map(|c| {
                    if c.removal {
                        format!("{} (removal)", Shown(&c.path))
                    } else {
                        Shown(&c.path).to_string()
                    }
                })
                .collect();
            if !paths.is_empty() {
                write!(
                    f,
                    "{} {} {label}",
                    if first { "" } else { ";" },
                    paths.join(", ")
                )?;
                first = false;
            }
        }
        Ok(())
    }
}

/// How far one change got, looking only (no lock, no change).
pub(crate) fn change_state(root: &Root, change: &Change) -> Result<ChangeState> {
    let path = change.path();
    let names = names(Op::Journal, path, false)?;
    let (name, parents) = names.split_last().expect("at least one name");
    let io = |e: std::io::Error| Error::io(Op::Journal, path, e);
    let dir = match root.walk(parents).map_err(io)? {
        Walked::Folder(dir) => dir,
        _ => {
            return Ok(match change {
                Change::Remove { .. } => ChangeState::Done,
                Change::File { .. } => ChangeState::Unknown,
            });
        }
    };
    match change {
        Change::Remove { .. } => Ok(match walk::stat_nofollow(dir.as_fd(), name).map_err(io)? {
            Some(_) => ChangeState::NotYet,
            None => ChangeState::Done,
        }),
        Change::File { size, hash, .. } => {
            let temp = temp_name(name);
            if let Some(stat) = walk::stat_nofollow(dir.as_fd(), &temp).map_err(io)?
                && FileKind::of(&stat) == FileKind::File
            {
                return Ok(ChangeState::NotYet);
            }
            Ok(match root.read(path, *size, &mut Budget::unlimited()) {
                Ok(Found::File(file)) if hash.matches(&file.bytes) => ChangeState::Done,
                _ => ChangeState::Unknown,
            })
        }
    }
}

/// Whether a writer holds the lock now: a shared lock tried without waiting (and dropped at once).
fn writer_active(root: &Root) -> bool {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let Ok(fd) = rustix::fs::openat(root.fd(), LOCK_NAME, flags, Mode::empty()) else {
        return false;
    };
    match rustix::fs::flock(fd.as_fd(), FlockOperation::NonBlockingLockShared) {
        Ok(()) => false,
        Err(Errno::WOULDBLOCK) => true,
        Err(_) => false,
    }
}

impl Root {
    /// The write that began and did not finish, if the journal holds one: "an interrupted write of generation 7 is
    /// pending: etc/a replaced; etc/b not yet". Read-only: takes no lock and changes nothing (the next writer
    /// completes or discards it).
    pub fn pending(&self) -> Result<Option<Pending>> {
        let Some(journal) = read_journal(self)? else {
            return Ok(None);
        };
        let mut changes = Vec::with_capacity(journal.changes.len());
        for change in &journal.changes {
            let state = if journal.committed {
                change_state(self, change)?
            } else {
                ChangeState::NotYet
            };
            changes.push(PendingChange {
                path: change.path().to_owned(),
                removal: matches!(change, Change::Remove { .. }),
                state,
            });
        }
        Ok(Some(Pending {
            generation: journal.generation,
            committed: journal.committed,
            writer_active: writer_active(self),
            changes,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn content_hashes_tell_bytes_apart() {
        let bytes = b"registries.conf, twenty bytes or so";
        for hash in [ContentHash::of(bytes), ContentHash::Bytes(fnv1a(bytes))] {
            assert!(hash.matches(bytes));
            assert!(!hash.matches(&bytes[..bytes.len() - 1]));
            let mut flipped = bytes.to_vec();
            flipped[3] ^= 0x80;
            assert!(!hash.matches(&flipped));
        }
        // Two flips of the same high bit in different words: caught by the fold.
        let mut twice = bytes.to_vec();
        twice[7] ^= 0x80;
        twice[15] ^= 0x80;
        assert!(!ContentHash::of(bytes).matches(&twice));
    }

    #[test]
    fn round_trip_and_refusals() {
        let journal = Journal {
            generation: 7,
            committed: true,
            mkdirs: vec!["etc/docker/certs.d/h:5000".into()],
            changes: vec![
                Change::File {
                    path: "etc/docker/certs.d/h:5000/ca.crt".into(),
                    size: 12,
                    hash: ContentHash::Words(0xfeed),
                },
                Change::Remove {
                    path: "etc/docker/certs.d/odd name\n%".into(),
                },
            ],
        };
        let bytes = journal.encode();
        assert_eq!(Journal::parse(&bytes).unwrap(), journal);
        // An older writer's journal reads back with its own hash.
        let old_text = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("journal 2", "journal 1");
        let old = Journal::parse(old_text.as_bytes()).unwrap();
        let Change::File { hash, .. } = old.changes[0] else {
            panic!("{old:?}")
        };
        assert_eq!(hash, ContentHash::Bytes(0xfeed));
        assert_eq!(old.encode(), old_text.as_bytes());
        assert!(
            Journal::parse(text_of(&bytes).replace("journal 2", "journal 3").as_bytes()).is_err()
        );
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("odd%20name%0A%25"), "{text}");
        assert!(
            Journal::parse(&bytes[..bytes.len() - 4]).is_err(),
            "cut short"
        );
        let hostile = text.replace("etc/docker/certs.d/h:5000/ca.crt", "../../etc/shadow");
        assert!(Journal::parse(hostile.as_bytes()).is_err());
        let absolute = text.replace("mkdir etc", "mkdir /etc");
        assert!(Journal::parse(absolute.as_bytes()).is_err());
    }
}
