//! One writer at a time: plans of files and tree removals applied as one journalled generation.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Write as _};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::{Gid, Uid};

use crate::error::{Error, ErrorKind, Op, Partial, Result};
use crate::journal::{Change, ChangeState, ContentHash, Journal, change_state, read_journal};
use crate::kind::{FileKind, Meta, Owner};
use crate::lock::Lock;
use crate::path::{
    FnvWords, JOURNAL_NAME, JOURNAL_TEMP_NAME, check_not_reserved, join, names, temp_name,
    trash_name,
};
use crate::read::{Budget, Found, holds_exactly, read_open};
use crate::root::Root;
use crate::shown::Shown;
use crate::walk::{self, DIR_FLAGS, RemoveError, Walked};

/// What one write should leave under the root: files (path, bytes, mode, owner), folder trees to remove, and the
/// mode and owner of folders it has to create.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    files: Vec<PlannedFile<'a>>,
    removals: Vec<PathBuf>,
    folder_mode: u32,
    folder_owner: Owner,
}

#[derive(Clone)]
struct PlannedFile<'a> {
    path: PathBuf,
    body: Body<'a>,
    mode: u32,
    owner: Owner,
}

/// A file's contents written on demand instead of held as bytes: for a file so large (a registries.conf of
/// 100 000 sources is 22 MB) that holding it beside what it is made from would double a write's memory. The
/// writer asks for the bytes up to three times (to compare them with the file there, to hash them into the
/// journal, to write them), so they must be the same every time.
pub trait Contents {
    /// The size of the contents, in bytes.
    fn size(&self) -> u64;
    /// Writes the contents into `out`.
    fn write_to(&self, out: &mut dyn io::Write) -> io::Result<()>;
}

/// How much of written contents goes to a file at once.
const WRITE_BLOCK: usize = 64 * 1024;

/// What a planned file holds.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    Bytes(&'a [u8]),
    Written(&'a dyn Contents),
}

impl Body<'_> {
    pub(crate) fn size(self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::Written(contents) => contents.size(),
        }
    }

    /// Writes the bytes into `out`; contents that write another number of bytes than they said are an error.
    pub(crate) fn write_to(self, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Body::Bytes(bytes) => out.write_all(bytes),
            Body::Written(contents) => {
                let mut counted = Counted { out, written: 0 };
                contents.write_to(&mut counted)?;
                if counted.written != contents.size() {
                    return Err(io::Error::other(format!(
                        "the contents wrote {} bytes, not the {} they said",
                        counted.written,
                        contents.size()
                    )));
                }
                Ok(())
            }
        }
    }

    /// The hash a journal records for these bytes.
    fn hash(self) -> io::Result<ContentHash> {
        match self {
            Body::Bytes(bytes) => Ok(ContentHash::of(bytes)),
            Body::Written(_) => {
                let mut hasher = FnvWords::default();
                self.write_to(&mut hasher)?;
                Ok(ContentHash::Words(hasher.finish()))
            }
        }
    }
}

/// Counts what goes through to `out`.
struct Counted<'w> {
    out: &'w mut dyn io::Write,
    written: u64,
}

impl io::Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.out.write(buf)?;
        self.written += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl fmt::Debug for PlannedFile<'_> {
    /// Never prints the bytes: node files hold credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlannedFile")
            .field("path", &self.path)
            .field("len", &self.body.size())
            .field("mode", &format_args!("{:04o}", self.mode))
            .field("owner", &self.owner)
            .finish()
    }
}

impl Default for Plan<'_> {
    fn default() -> Self {
        Plan::new()
    }
}

impl<'a> Plan<'a> {
    /// An empty plan; folders it creates are `0755` and `root:root`, as the machine-config daemon makes them.
    pub fn new() -> Self {
        Plan {
            files: Vec::new(),
            removals: Vec::new(),
            folder_mode: 0o755,
            folder_owner: Owner::ROOT,
        }
    }

    /// Writes `bytes` to `path` (relative to the root) with exactly `mode` (whatever the umask) and, when running
    /// as root, `owner`.
    pub fn file(
        &mut self,
        path: impl Into<PathBuf>,
        bytes: &'a [u8],
        mode: u32,
        owner: Owner,
    ) -> &mut Self {
        self.files.push(PlannedFile {
            path: path.into(),
            body: Body::Bytes(bytes),
            mode,
            owner,
        });
        self
    }

    /// [`Plan::file`] for contents written on demand ([`Contents`]) rather than held as bytes.
    pub fn file_written(
        &mut self,
        path: impl Into<PathBuf>,
        contents: &'a dyn Contents,
        mode: u32,
        owner: Owner,
    ) -> &mut Self {
        self.files.push(PlannedFile {
            path: path.into(),
            body: Body::Written(contents),
            mode,
            owner,
        });
        self
    }

    /// Removes the folder `path` and everything in it (as the machine-config daemon removes
    /// `/etc/docker/certs.d/<host>` when a registry leaves the CA ConfigMap). Absent is fine; anything but a folder
    /// there is refused.
    pub fn remove_tree(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.removals.push(path.into());
        self
    }

    /// The mode and owner of the folders this plan creates (existing folders are left as they are).
    pub fn folders(&mut self, mode: u32, owner: Owner) -> &mut Self {
        self.folder_mode = mode;
        self.folder_owner = owner;
        self
    }
}

/// How a file that was replaced differed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Difference {
    /// Its bytes differed.
    pub bytes: bool,
    /// The mode it had, when that was not the planned one.
    pub mode: Option<u32>,
    /// The owner it had, when that was not the planned one (compared only when running as root).
    pub owner: Option<Owner>,
}

/// What one write did to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The file did not exist.
    Created,
    /// The file existed and differed (bytes, mode or owner).
    Replaced(Difference),
    /// The file already held these bytes, this mode and this owner: left alone.
    Unchanged,
    /// The folder tree was removed.
    Removed,
    /// Nothing was there to remove.
    Absent,
}

impl fmt::Display for Outcome {
    /// `replaced (owned by 1000:1000)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Created => f.write_str("created"),
            Outcome::Unchanged => f.write_str("unchanged"),
            Outcome::Removed => f.write_str("removed"),
            Outcome::Absent => f.write_str("absent (nothing to remove)"),
            Outcome::Replaced(d) => {
                let mut why = Vec::new();
                if d.bytes {
                    why.push("other bytes".to_string());
                }
                if let Some(mode) = d.mode {
                    why.push(format!("mode was {mode:04o}"));
                }
                if let Some(owner) = d.owner {
                    why.push(format!("owned by {owner}"));
                }
                write!(f, "replaced ({})", why.join(", "))
            }
        }
    }
}

/// What one write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The generation written, `None` when nothing had to change.
    pub generation: Option<u64>,
    /// Each planned path with what happened to it: the files in plan order, then the removals.
    pub outcomes: Vec<(PathBuf, Outcome)>,
}

/// A step of a write, as it happens (for progress messages; the kill tests stop a writer at each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step<'a> {
    /// A file's temporary file is complete and synced.
    Staged(&'a Path),
    /// The journal records the generation as committed: from here on it will be completed.
    Committed(u64),
    /// A file was renamed into place.
    Replaced(&'a Path),
    /// A tree was taken out of view (renamed aside; deleted later in the same write).
    Removed(&'a Path),
    /// The generation is complete and the journal gone.
    Finished(u64),
}

/// What a new writer found of an interrupted write and did about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The interrupted generation.
    pub generation: u64,
    /// Whether it had committed (then it was completed; otherwise discarded: nothing of it had been replaced).
    pub committed: bool,
    /// Changes the interrupted writer had made.
    pub done_before: Vec<PathBuf>,
    /// Changes made now to complete it.
    pub done_now: Vec<PathBuf>,
    /// Changes that could not be completed, with why; those paths hold what they held before.
    pub failed: Vec<(PathBuf, String)>,
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |paths: &[PathBuf]| {
            paths
                .iter()
                .map(|p| Shown(p).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.committed {
            return write!(
                f,
                "discarded the interrupted write of generation {}: it had not committed, nothing of it had been \
                 replaced",
                self.generation
            );
        }
        write!(
            f,
            "completed the interrupted write of generation {}",
            self.generation
        )?;
        if !self.done_before.is_empty() {
            write!(
                f,
                "; done before the interruption: {}",
                list(&self.done_before)
            )?;
        }
        if !self.done_now.is_empty() {
            write!(f, "; done now: {}", list(&self.done_now))?;
        }
        for (path, why) in &self.failed {
            write!(f, "; could not complete {}: {why}", Shown(path))?;
        }
        Ok(())
    }
}

/// The one writer of a root: holds its lock until dropped.
///
/// Taking it completes (or discards) a write that an earlier writer began and did not finish ([`Writer::recovery`]
/// says what was found).
#[derive(Debug)]
pub struct Writer<'r> {
    root: &'r Root,
    lock: Lock,
    last_generation: u64,
    recovery: Option<Recovery>,
}

impl Root {
    /// Takes the writers' lock, waiting at most `timeout` for another writer (in any process, PID or mount
    /// namespace on this machine) to finish; then completes an interrupted write, if the journal holds one.
    pub fn lock(&self, timeout: Duration) -> Result<Writer<'_>> {
        let (lock, last_generation) = Lock::acquire(self, timeout)?;
        let mut writer = Writer {
            root: self,
            lock,
            last_generation,
            recovery: None,
        };
        writer.recover()?;
        Ok(writer)
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        self.lock.record(self.last_generation, false);
    }
}

fn sync(fd: BorrowedFd<'_>, path: &Path) -> Result<()> {
    rustix::fs::fsync(fd).map_err(|e| Error::io(Op::Sync, path, e.into()))
}

fn owner_ids(owner: Owner) -> (Option<Uid>, Option<Gid>) {
    (
        Some(Uid::from_raw(owner.uid)),
        Some(Gid::from_raw(owner.gid)),
    )
}

/// A file to write, after planning.
struct Staging<'p> {
    names: Vec<&'p OsStr>,
    file: &'p PlannedFile<'p>,
}

/// The folders of one write by path: opened once, used for every create, rename and sync in them.
type Folders = BTreeMap<PathBuf, OwnedFd>;

impl<'r> Writer<'r> {
    /// What was found of an interrupted write when the lock was taken, and what was done about it.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// The number the next generation written will have.
    pub fn next_generation(&self) -> u64 {
        self.last_generation + 1
    }

    /// Applies `plan` as one generation; see [`Writer::write_with_progress`].
    pub fn write(&mut self, plan: &Plan<'_>) -> Result<Report> {
        self.write_with_progress(plan, &mut |_| {})
    }

    /// Applies `plan` as one generation, calling `progress` at each step.
    ///
    /// Unchanged files are left alone. Each changed file is written to a temporary file in its own folder (mode,
    /// owner, fsync); when all are ready the journal records the generation as committed, the files are renamed
    /// into place and the trees removed, the folders are synced, and the journal removed. Before the commit an
    /// error leaves the root as it was; after it, the error says which files were replaced ([`Error::partial`]),
    /// and the next writer completes the rest.
    pub fn write_with_progress(
        &mut self,
        plan: &Plan<'_>,
        progress: &mut dyn FnMut(Step<'_>),
    ) -> Result<Report> {
        let root = self.root;
        let privileged = root.privileged();
        check_plan(plan)?;
        // A write of this writer that failed after its commit left its journal: complete it before a new one.
        self.recover()?;

        // Plan: what differs, which folders are missing. Nothing is changed yet.
        let mut folders: Folders = BTreeMap::new();
        let mut missing: BTreeSet<PathBuf> = BTreeSet::new();
        let mut outcomes: Vec<(PathBuf, Outcome)> = Vec::new();
        let mut staging: Vec<Staging<'_>> = Vec::new();
        for file in &plan.files {
            let names = names(Op::Plan, &file.path, false)?;
            let name = *names.last().expect("at least one name");
            let outcome = match self.open_parent(&file.path, &names, &mut folders, &mut missing)? {
                None => Outcome::Created,
                Some(dir) => compare(folders[&dir].as_fd(), name, file, privileged)?,
            };
            if outcome != Outcome::Unchanged {
                staging.push(Staging { names, file });
            }
            outcomes.push((file.path.clone(), outcome));
        }
        let mut removals: Vec<(&Path, Vec<&OsStr>)> = Vec::new();
        for path in &plan.removals {
            let names = names(Op::Plan, path, false)?;
            let name = *names.last().expect("at least one name");
            let outcome =
                match self.open_parent(path, &names, &mut folders, &mut BTreeSet::new())? {
                    None => Outcome::Absent,
                    Some(dir) => match walk::stat_nofollow(folders[&dir].as_fd(), name)
                        .map_err(|e| Error::io(Op::Plan, path, e))?
                    {
                        None => Outcome::Absent,
                        Some(stat) if FileKind::of(&stat) == FileKind::Folder => Outcome::Removed,
                        Some(stat) => {
                            return Err(Error::new(
                                Op::Remove,
                                path,
                                ErrorKind::Blocked {
                                    at: path.clone(),
                                    kind: FileKind::of(&stat),
                                },
                            ));
                        }
                    },
                };
            if outcome == Outcome::Removed {
                removals.push((path, names));
            }
            outcomes.push((path.clone(), outcome));
        }
        if staging.is_empty() && removals.is_empty() {
            return Ok(Report {
                generation: None,
                outcomes,
            });
        }

        // The changes first: hashing written contents can fail (contents that write another size than they
        // said), and then no generation was begun.
        let changes = staging
            .iter()
            .map(|s| {
                Ok(Change::File {
                    path: s.file.path.clone(),
                    size: s.file.body.size(),
                    hash: (s.file.body.hash()).map_err(|e| Error::io(Op::Plan, &s.file.path, e))?,
                })
            })
            .chain(removals.iter().map(|(path, _)| {
                Ok(Change::Remove {
                    path: path.to_path_buf(),
                })
            }))
            .collect::<Result<_>>()?;
        let generation = self.last_generation + 1;
        self.last_generation = generation;
        self.lock.record(generation, true);
        let mut journal = Journal {
            generation,
            committed: false,
            mkdirs: missing.iter().cloned().collect(),
            changes,
        };
        write_journal(root, &journal)?;

        // Stage: folders, then every temporary file complete and synced. An error here undoes all of it.
        let mut created: Vec<PathBuf> = Vec::new();
        let mut temps: Vec<(PathBuf, std::ffi::OsString)> = Vec::new();
        let staged = (|| {
            for dir in &missing {
                self.create_folder(dir, plan, &mut folders)?;
                created.push(dir.clone());
            }
            for s in &staging {
                let (name, parents) = s.names.split_last().expect("at least one name");
                let parent = join(parents);
                let temp = temp_name(name);
                write_temp(folders[&parent].as_fd(), &temp, s.file, privileged)?;
                temps.push((parent, temp));
                progress(Step::Staged(&s.file.path));
            }
            for (_, names) in &removals {
                let (name, parents) = names.split_last().expect("at least one name");
                // A stale one, left by a writer killed after taking a tree aside: ours to delete, under the lock.
                remove_tree(
                    folders[&join(parents)].as_fd(),
                    &trash_name(name),
                    &join(names),
                )?;
            }
            let mut synced = BTreeSet::new();
            for path in staging
                .iter()
                .map(|s| join(&s.names[..s.names.len() - 1]))
                .chain(
                    created
                        .iter()
                        .map(|c| c.parent().unwrap_or(Path::new("")).to_path_buf()),
                )
            {
                if synced.insert(path.clone()) {
                    sync(folders[&path].as_fd(), &path)?;
                }
            }
            journal.committed = true;
            write_journal(root, &journal)
        })();
        if let Err(e) = staged {
            for (parent, temp) in &temps {
                let _ = rustix::fs::unlinkat(folders[parent].as_fd(), temp, AtFlags::empty());
            }
            for dir in created.iter().rev() {
                let name = dir.file_name().expect("a created folder has a name");
                let parent = dir.parent().unwrap_or(Path::new("")).to_path_buf();
                let _ = rustix::fs::unlinkat(folders[&parent].as_fd(), name, AtFlags::REMOVEDIR);
            }
            let _ = remove_journal(root);
            return Err(e);
        }
        progress(Step::Committed(generation));

        // Commit: every rename atomic; the journal completes whatever an interruption leaves.
        let mut done: Vec<PathBuf> = Vec::new();
        let partial = |done: &[PathBuf], e: Error| {
            let not_yet = journal
                .changes
                .iter()
                .map(|c| c.path().to_path_buf())
                .filter(|p| !done.contains(p))
                .collect();
            e.with_partial(Partial {
                generation,
                done: done.to_vec(),
                not_yet,
            })
        };
        for s in &staging {
            let (name, parents) = s.names.split_last().expect("at least one name");
            let dir = folders[&join(parents)].as_fd();
            if let Err(e) = rustix::fs::renameat(dir, temp_name(name), dir, *name) {
                return Err(partial(
                    &done,
                    Error::io(Op::Rename, &s.file.path, e.into()),
                ));
            }
            done.push(s.file.path.clone());
            progress(Step::Replaced(&s.file.path));
        }
        for (path, names) in &removals {
            let (name, parents) = names.split_last().expect("at least one name");
            let dir = folders[&join(parents)].as_fd();
            if let Err(e) = rustix::fs::renameat(dir, *name, dir, trash_name(name)) {
                return Err(partial(&done, Error::io(Op::Remove, *path, e.into())));
            }
            done.push(path.to_path_buf());
            progress(Step::Removed(path));
        }
        let touched: BTreeSet<PathBuf> = staging
            .iter()
            .map(|s| join(&s.names[..s.names.len() - 1]))
            .chain(removals.iter().map(|(_, n)| join(&n[..n.len() - 1])))
            .collect();
        for path in &touched {
            sync(folders[path].as_fd(), path).map_err(|e| partial(&done, e))?;
        }
        for (path, names) in &removals {
            let (name, parents) = names.split_last().expect("at least one name");
            let parent = join(parents);
            remove_tree(folders[&parent].as_fd(), &trash_name(name), path)
                .map_err(|e| partial(&done, e))?;
            sync(folders[&parent].as_fd(), &parent).map_err(|e| partial(&done, e))?;
        }
        remove_journal(root).map_err(|e| partial(&done, e))?;
        progress(Step::Finished(generation));
        Ok(Report {
            generation: Some(generation),
            outcomes,
        })
    }

    /// Opens the parent folder of `names` (into `folders`), or records the missing folders in `missing`. Returns
    /// the parent's path when it exists.
    fn open_parent(
        &self,
        path: &Path,
        names: &[&OsStr],
        folders: &mut Folders,
        missing: &mut BTreeSet<PathBuf>,
    ) -> Result<Option<PathBuf>> {
        let parents = &names[..names.len() - 1];
        let parent = join(parents);
        if folders.contains_key(&parent) {
            return Ok(Some(parent));
        }
        if missing.contains(&parent) {
            return Ok(None);
        }
        match self
            .root
            .walk(parents)
            .map_err(|e| Error::io(Op::Plan, path, e))?
        {
            Walked::Folder(fd) => {
                folders.insert(parent.clone(), fd);
                Ok(Some(parent))
            }
            Walked::Missing { at, deepest } => {
                folders.entry(join(&parents[..at])).or_insert(deepest);
                for end in at + 1..=parents.len() {
                    missing.insert(join(&parents[..end]));
                }
                Ok(None)
            }
            Walked::Blocked { at, kind } => Err(Error::new(
                Op::Plan,
                path,
                ErrorKind::Blocked {
                    at: join(&names[..=at]),
                    kind,
                },
            )),
        }
    }

    fn create_folder(&self, dir: &Path, plan: &Plan<'_>, folders: &mut Folders) -> Result<()> {
        let name = dir.file_name().expect("a folder to create has a name");
        let parent = dir.parent().unwrap_or(Path::new("")).to_path_buf();
        let parent_fd = folders[&parent].as_fd();
        let io = |op, e: Errno| Error::io(op, dir, e.into());
        match rustix::fs::mkdirat(parent_fd, name, Mode::from_raw_mode(plan.folder_mode)) {
            Ok(()) => {}
            Err(e) => return Err(io(Op::CreateFolder, e)),
        }
        let fd = match rustix::fs::openat(parent_fd, name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::LOOP | Errno::NOTDIR) => {
                return Err(Error::new(
                    Op::CreateFolder,
                    dir,
                    ErrorKind::Blocked {
                        at: dir.to_path_buf(),
                        kind: FileKind::Symlink,
                    },
                ));
            }
            Err(e) => return Err(io(Op::CreateFolder, e)),
        };
        if self.root.privileged() {
            let (uid, gid) = owner_ids(plan.folder_owner);
            rustix::fs::fchown(&fd, uid, gid).map_err(|e| io(Op::ChangeOwner, e))?;
        }
        // mkdir's mode went through the umask.
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(plan.folder_mode))
            .map_err(|e| io(Op::ChangeMode, e))?;
        folders.insert(dir.to_path_buf(), fd);
        Ok(())
    }

    /// Completes (committed) or discards (staged) what the journal holds; runs once, under the lock.
    fn recover(&mut self) -> Result<()> {
        let root = self.root;
        // A writer killed while replacing the journal leaves its temporary file; under the lock it is stale.
        match rustix::fs::unlinkat(root.fd(), JOURNAL_TEMP_NAME, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => return Err(Error::io(Op::Recover, JOURNAL_TEMP_NAME, e.into())),
        }
        let Some(journal) = read_journal(root)? else {
            return Ok(());
        };
        self.last_generation = self.last_generation.max(journal.generation);
        let mut recovery = Recovery {
            generation: journal.generation,
            committed: journal.committed,
            done_before: Vec::new(),
            done_now: Vec::new(),
            failed: Vec::new(),
        };
        let recover_err = |path: &Path, e: io::Error| Error::io(Op::Recover, path, e);
        let mut touched: BTreeMap<PathBuf, OwnedFd> = BTreeMap::new();
        for change in &journal.changes {
            let path = change.path();
            let names = names(Op::Recover, path, false)?;
            let (name, parents) = names.split_last().expect("at least one name");
            let dir = match root.walk(parents).map_err(|e| recover_err(path, e))? {
                Walked::Folder(dir) => dir,
                _ => {
                    if journal.committed && matches!(change, Change::File { .. }) {
                        recovery.failed.push((
                            path.to_path_buf(),
                            "its folder is gone or not a folder".into(),
                        ));
                    }
                    continue;
                }
            };
            match change {
                Change::File { size, hash, .. } => {
                    let temp = temp_name(name);
                    if !journal.committed {
                        match rustix::fs::unlinkat(&dir, &temp, AtFlags::empty()) {
                            Ok(()) | Err(Errno::NOENT) => {}
                            Err(e) => return Err(recover_err(path, e.into())),
                        }
                        touched.insert(join(parents), dir);
                        continue;
                    }
                    let staged = match walk::stat_nofollow(dir.as_fd(), &temp)
                        .map_err(|e| recover_err(path, e))?
                    {
                        Some(stat) if FileKind::of(&stat) == FileKind::File => {
                            let fd = walk::open_for_reading(dir.as_fd(), &temp)
                                .map_err(|e| recover_err(path, e))?;
                            let shown = join(parents).join(&temp);
                            match read_open(fd, &shown, &shown, *size, &mut Budget::unlimited()) {
                                Ok(Found::File(file)) => Some(
                                    file.bytes.len() as u64 == *size && hash.matches(&file.bytes),
                                ),
                                _ => Some(false),
                            }
                        }
                        Some(_) => Some(false),
                        None => None,
                    };
                    match staged {
                        Some(true) => {
                            rustix::fs::renameat(&dir, &temp, &dir, *name)
                                .map_err(|e| recover_err(path, e.into()))?;
                            recovery.done_now.push(path.to_path_buf());
                        }
                        Some(false) => {
                            let _ = rustix::fs::unlinkat(&dir, &temp, AtFlags::empty());
                            recovery.failed.push((
                                path.to_path_buf(),
                                "its temporary file does not hold the bytes the journal recorded"
                                    .into(),
                            ));
                        }
                        None => match change_state(root, change)? {
                            ChangeState::Done => recovery.done_before.push(path.to_path_buf()),
                            _ => recovery.failed.push((
                                path.to_path_buf(),
                                "neither its temporary file nor the new bytes are there".into(),
                            )),
                        },
                    }
                }
                Change::Remove { .. } => {
                    if !journal.committed {
                        continue;
                    }
                    let trash = trash_name(name);
                    let present =
                        walk::stat_nofollow(dir.as_fd(), name).map_err(|e| recover_err(path, e))?;
                    match present {
                        Some(stat) if FileKind::of(&stat) == FileKind::Folder => {
                            remove_tree(dir.as_fd(), &trash, path)?;
                            rustix::fs::renameat(&dir, *name, &dir, &trash)
                                .map_err(|e| recover_err(path, e.into()))?;
                            recovery.done_now.push(path.to_path_buf());
                        }
                        Some(stat) => recovery.failed.push((
                            path.to_path_buf(),
                            format!("it is now {}, not a folder", FileKind::of(&stat)),
                        )),
                        None => recovery.done_before.push(path.to_path_buf()),
                    }
                    remove_tree(dir.as_fd(), &trash, path)?;
                }
            }
            touched.insert(join(parents), dir);
        }
        if !journal.committed {
            for dir in journal.mkdirs.iter().rev() {
                let names = names(Op::Recover, dir, false)?;
                let (name, parents) = names.split_last().expect("at least one name");
                if let Walked::Folder(parent) =
                    root.walk(parents).map_err(|e| recover_err(dir, e))?
                {
                    // Only if still empty: whatever else is in it stays.
                    let _ = rustix::fs::unlinkat(&parent, *name, AtFlags::REMOVEDIR);
                    touched.insert(join(parents), parent);
                }
            }
        }
        for (path, fd) in &touched {
            sync(fd.as_fd(), path)?;
        }
        remove_journal(root)?;
        self.lock.record(self.last_generation, true);
        self.recovery = Some(recovery);
        Ok(())
    }
}

/// Plain paths, no reserved names, no path twice or inside another, modes and owners that can be set.
fn check_plan(plan: &Plan<'_>) -> Result<()> {
    let mut all: BTreeSet<&Path> = BTreeSet::new();
    let paths = plan
        .files
        .iter()
        .map(|f| f.path.as_path())
        .chain(plan.removals.iter().map(PathBuf::as_path));
    for path in paths.clone() {
        let names = names(Op::Plan, path, false)?;
        check_not_reserved(Op::Plan, path, &names)?;
        if !all.insert(path) {
            return Err(Error::new(
                Op::Plan,
                path,
                ErrorKind::Conflict(path.to_path_buf()),
            ));
        }
    }
    for path in paths {
        for ancestor in path.ancestors().skip(1) {
            if all.contains(ancestor) {
                return Err(Error::new(
                    Op::Plan,
                    path,
                    ErrorKind::Conflict(ancestor.to_path_buf()),
                ));
            }
        }
    }
    let bad_owner = |o: Owner| o.uid == u32::MAX || o.gid == u32::MAX;
    for file in &plan.files {
        if file.mode & !0o7777 != 0 || bad_owner(file.owner) {
            return Err(Error::new(Op::Plan, &file.path, ErrorKind::BadModeOrOwner));
        }
    }
    if plan.folder_mode & !0o7777 != 0 || bad_owner(plan.folder_owner) {
        return Err(Error::new(Op::Plan, "", ErrorKind::BadModeOrOwner));
    }
    Ok(())
}

/// What the file at `name` in `dir` is compared with the plan.
fn compare(
    dir: BorrowedFd<'_>,
    name: &OsStr,
    file: &PlannedFile<'_>,
    privileged: bool,
) -> Result<Outcome> {
    let path = &file.path;
    let io = |e: io::Error| Error::io(Op::Plan, path, e);
    let Some(stat) = walk::stat_nofollow(dir, name).map_err(io)? else {
        return Ok(Outcome::Created);
    };
    let kind = FileKind::of(&stat);
    if kind != FileKind::File {
        return Err(Error::new(
            Op::Plan,
            path,
            ErrorKind::Blocked {
                at: path.clone(),
                kind,
            },
        ));
    }
    let meta = Meta::of(&stat);
    let same_bytes = meta.size == file.body.size() && {
        let fd = walk::open_for_reading(dir, name).map_err(io)?;
        holds_exactly(fd, file.body).map_err(io)?
    };
    let difference = Difference {
        bytes: !same_bytes,
        mode: (meta.mode != file.mode).then_some(meta.mode),
        owner: (privileged && meta.owner != file.owner).then_some(meta.owner),
    };
    Ok(
        if !difference.bytes && difference.mode.is_none() && difference.owner.is_none() {
            Outcome::Unchanged
        } else {
            Outcome::Replaced(difference)
        },
    )
}

/// Writes a temporary file beside its target: created new (never through a link), private until complete, then
/// owner, mode and fsync. A stale one of the same name is removed first (we hold the lock: any such file is
/// stale).
fn write_temp(
    dir: BorrowedFd<'_>,
    temp: &OsStr,
    file: &PlannedFile<'_>,
    privileged: bool,
) -> Result<()> {
    let path = &file.path;
    // Whatever has the name (a file, a link, a folder someone planted) goes, never followed.
    remove_tree(dir, temp, path)?;
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, temp, flags, Mode::from_raw_mode(0o600))
        .map_err(|e| Error::io(Op::Write, path, e.into()))?;
    let result = (|| {
        let mut handle = std::fs::File::from(fd);
        let written = match file.body {
            Body::Bytes(bytes) => handle.write_all(bytes),
            // Written a block at a time: small writes would each be a system call.
            Body::Written(_) => {
                let mut buffered = io::BufWriter::with_capacity(WRITE_BLOCK, &mut handle);
                file.body
                    .write_to(&mut buffered)
                    .and_then(|()| buffered.flush())
            }
        };
        written.map_err(|e| Error::io(Op::Write, path, e))?;
        if privileged {
            let (uid, gid) = owner_ids(file.owner);
            rustix::fs::fchown(&handle, uid, gid)
                .map_err(|e| Error::io(Op::ChangeOwner, path, e.into()))?;
        }
        // After fchown, which clears set-id bits; and never through the umask.
        rustix::fs::fchmod(&handle, Mode::from_raw_mode(file.mode))
            .map_err(|e| Error::io(Op::ChangeMode, path, e.into()))?;
        sync(handle.as_fd(), path)
    })();
    if result.is_err() {
        let _ = rustix::fs::unlinkat(dir, temp, AtFlags::empty());
    }
    result
}

fn remove_tree(dir: BorrowedFd<'_>, name: &OsStr, path: &Path) -> Result<()> {
    walk::remove_tree(dir, name, path, 0).map_err(|e| match e {
        RemoveError::Io(at, e) => Error::io(Op::Remove, at, e),
        RemoveError::TooDeep(at) => Error::new(
            Op::Remove,
            at,
            ErrorKind::TooDeep {
                limit: walk::MAX_TREE_DEPTH,
            },
        ),
    })
}

/// Replaces the journal atomically: temporary file, fsync, rename, fsync of the root folder.
fn write_journal(root: &Root, journal: &Journal) -> Result<()> {
    let err = |e: Errno| Error::io(Op::Journal, JOURNAL_NAME, e.into());
    let dir = root.fd();
    match rustix::fs::unlinkat(dir, JOURNAL_TEMP_NAME, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => {}
        Err(e) => return Err(err(e)),
    }
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, JOURNAL_TEMP_NAME, flags, Mode::from_raw_mode(0o600))
        .map_err(err)?;
    let mut handle = std::fs::File::from(fd);
    handle
        .write_all(&journal.encode())
        .map_err(|e| Error::io(Op::Journal, JOURNAL_NAME, e))?;
    rustix::fs::fchmod(&handle, Mode::from_raw_mode(0o600)).map_err(err)?;
    rustix::fs::fsync(&handle).map_err(err)?;
    rustix::fs::renameat(dir, JOURNAL_TEMP_NAME, dir, JOURNAL_NAME).map_err(err)?;
    rustix::fs::fsync(dir).map_err(err)
}

fn remove_journal(root: &Root) -> Result<()> {
    let err = |e: Errno| Error::io(Op::Journal, JOURNAL_NAME, e.into());
    match rustix::fs::unlinkat(root.fd(), JOURNAL_NAME, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => {}
        Err(e) => return Err(err(e)),
    }
    rustix::fs::fsync(root.fd()).map_err(err)
}
