//! The writers' lock: `flock` on a lock file at the top of the root.
//!
//! Why a lock file rather than the root folder's own handle: `flock` needs only an open file, so anyone who may
//! read the root folder (every user, with the usual 0755) could take a lock on the folder and stop every writer;
//! the lock file is created 0600 and only its owner can open it. It also holds the holder's record (pid, host,
//! time; shown when a wait times out, never trusted) and the last generation number. `flock` locks belong to the
//! file, not to a process id, so they hold between processes in different PID and mount namespaces over the same
//! folder (two debug pods on one node), and the kernel drops them when the holder dies: no stale lock, no
//! `/proc` check.

use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustix::fs::{FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{Error, ErrorKind, Op, Result};
use crate::kind::{FileKind, Meta};
use crate::path::LOCK_NAME;
use crate::root::Root;
use crate::shown::escaped;
use crate::walk;

const HEADER: &str = "node-root lock 1";
/// The most of the lock file read back.
const MAX_RECORD: usize = 4096;

/// A held lock; dropped, it is released (and so when the process dies).
#[derive(Debug)]
pub(crate) struct Lock {
    file: File,
}

fn untrusted(why: String) -> Error {
    Error::new(Op::Lock, LOCK_NAME, ErrorKind::UntrustedLockFile(why))
}

fn open_lock_file(root: &Root) -> Result<File> {
    let flags =
        OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = match rustix::fs::openat(root.fd(), LOCK_NAME, flags, Mode::from_raw_mode(0o600)) {
        Ok(fd) => fd,
        Err(Errno::LOOP) => return Err(untrusted(format!("{LOCK_NAME} is a symbolic link"))),
        Err(e) => return Err(Error::io(Op::Lock, LOCK_NAME, e.into())),
    };
    let stat = rustix::fs::fstat(&fd).map_err(|e| Error::io(Op::Lock, LOCK_NAME, e.into()))?;
    let kind = FileKind::of(&stat);
    let meta = Meta::of(&stat);
    let euid = rustix::process::geteuid().as_raw();
    if kind != FileKind::File {
        return Err(untrusted(format!("{LOCK_NAME} is {kind}")));
    }
    // Written by this crate: this user's, writable by no one else, one name only (never a hard link to a file
    // elsewhere, which the holder record would overwrite).
    if meta.owner.uid != euid || meta.mode & 0o022 != 0 || meta.links != 1 {
        return Err(untrusted(format!(
            "{LOCK_NAME} is owned by {} with mode {:04o} and {} links (expected uid {euid}, not writable by others, \
             one link): look at it, then remove it",
            meta.owner, meta.mode, meta.links
        )));
    }
    Ok(File::from(fd))
}

/// The record's fields, as far as they parse.
struct Record {
    generation: u64,
    holder: Option<String>,
}

fn read_record(file: &File) -> Record {
    let mut buf = vec![0; MAX_RECORD];
    let n = file.read_at(&mut buf, 0).unwrap_or(0);
    buf.truncate(n);
    let mut record = Record {
        generation: 0,
        holder: None,
    };
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return record;
    }
    for line in lines {
        if let Some(n) = line.strip_prefix("generation ") {
            record.generation = n.parse().unwrap_or(0);
        } else if let Some(holder) = line.strip_prefix("holder ")
            && holder != "none"
        {
            record.holder = Some(escaped(holder.as_bytes(), 200));
        }
    }
    record
}

fn hostname() -> String {
    let uname = rustix::system::uname();
    escaped(uname.nodename().to_bytes(), 64)
}

impl Lock {
    /// Takes the lock, waiting up to `timeout`; returns it with the last generation number recorded.
    pub(crate) fn acquire(root: &Root, timeout: Duration) -> Result<(Lock, u64)> {
        let start = Instant::now();
        let mut delay = Duration::from_millis(1);
        // Whoever may write the root could replace the lock file while we wait; a lock on a file no longer at its
        // name would lock nothing, so check and retry a few times.
        for _ in 0..16 {
            let file = open_lock_file(root)?;
            loop {
                match rustix::fs::flock(file.as_fd(), FlockOperation::NonBlockingLockExclusive) {
                    Ok(()) => break,
                    Err(Errno::WOULDBLOCK) => {
                        let waited = start.elapsed();
                        if waited >= timeout {
                            let holder = read_record(&file).holder;
                            return Err(Error::new(
                                Op::Lock,
                                LOCK_NAME,
                                ErrorKind::LockTimeout { waited, holder },
                            ));
                        }
                        std::thread::sleep(delay.min(timeout - waited));
                        delay = (delay * 2).min(Duration::from_millis(20));
                    }
                    Err(Errno::INTR) => {}
                    Err(e) => return Err(Error::io(Op::Lock, LOCK_NAME, e.into())),
                }
            }
            let held =
                rustix::fs::fstat(&file).map_err(|e| Error::io(Op::Lock, LOCK_NAME, e.into()))?;
            let named = walk::stat_nofollow(root.fd(), LOCK_NAME.as_ref())
                .map_err(|e| Error::io(Op::Lock, LOCK_NAME, e))?;
            if named.is_some_and(|n| n.st_dev == held.st_dev && n.st_ino == held.st_ino) {
                let generation = read_record(&file).generation;
                let lock = Lock { file };
                lock.record(generation, true);
                return Ok((lock, generation));
            }
        }
        Err(untrusted(format!(
            "{LOCK_NAME} kept being replaced while locking it"
        )))
    }

    /// Rewrites the record: the generation and, while held, who holds it. Best effort and not synced: it is a
    /// label for people and for numbering, never a decision.
    pub(crate) fn record(&self, generation: u64, held: bool) {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let holder = if held {
            format!(
                "pid {} on host {} since unix time {since}",
                std::process::id(),
                hostname()
            )
        } else {
            "none".to_string()
        };
        let text = format!("{HEADER}\ngeneration {generation}\nholder {holder}\n");
        if self.file.write_all_at(text.as_bytes(), 0).is_ok() {
            let _ = self.file.set_len(text.len() as u64);
        }
    }
}
