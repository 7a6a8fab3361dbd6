//! Writing files: a node's root through node-root ([`write_node`]), output files in the admin's own folders
//! ([`write_all`]).
//!
//! [`write_node`] is how `render` writes a node: one writer at a time (node-root's lock on the root, waited for up
//! to a timeout), every file and every removal of one render as one journalled generation, nothing beneath the root
//! followed, files and folders owned by root when run as root. An interrupted generation is completed (or
//! discarded) by the next writer and reported by `verify` meanwhile.
//!
//! [`write_all`] writes `-o FILE` / `--dest-dir` outputs: all or nothing, atomically. Every file is first written in
//! full to a temporary file in its own folder and fsynced; only when all of them are ready are they renamed over
//! their targets (each rename is atomic), and the folders fsynced. A failure before the renames removes the
//! temporary files. A path component that is a symbolic link is refused.

use std::time::Duration;

use node_root::{Outcome, Owner, Plan, Root, Step};

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// One file as a node holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct NodeFile {
    /// The path relative to the node's root, e.g. `etc/containers/registries.conf`.
    pub path: PathBuf,
    /// The exact bytes.
    pub bytes: Vec<u8>,
    /// The file mode (e.g. `0o644`, `0o600` for the kubelet's config.json).
    pub mode: u32,
}

impl std::fmt::Debug for NodeFile {
    /// Never prints the bytes: some node files hold credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeFile")
            .field("path", &self.path)
            .field("len", &self.bytes.len())
            .field("mode", &format_args!("{:o}", self.mode))
            .finish()
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file did not exist.
    Created,
    /// The file existed with other bytes or another mode.
    Replaced,
    /// The file already held these bytes with this mode: left alone.
    Unchanged,
}

/// Why writing failed. Nothing under the root was changed, unless `partial` says otherwise.
#[derive(Debug)]
pub struct WriteError {
    /// The path involved.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for WriteError {}

fn err(path: &Path, reason: impl std::fmt::Display) -> WriteError {
    WriteError {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

/// Checks that `relative` is a plain relative path (no `..`, no root, no prefix).
fn check_relative(relative: &Path) -> Result<(), WriteError> {
    if relative.as_os_str().is_empty()
        || !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(err(
            relative,
            "refusing a path that is not a plain path under the root",
        ));
    }
    Ok(())
}

/// Creates the folders of `relative`'s parent under `root` (mode 0755), refusing symbolic links on the way.
fn ensure_parents(
    root: &Path,
    relative: &Path,
    created: &mut Vec<PathBuf>,
) -> Result<PathBuf, WriteError> {
    let mut dir = root.to_path_buf();
    if let Some(parent) = relative.parent() {
        for component in parent.components() {
            dir.push(component);
            match fs::symlink_metadata(&dir) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(err(
                        &dir,
                        "is a symbolic link; refusing to write through it",
                    ));
                }
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(err(&dir, "exists and is not a folder")),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir(&dir).map_err(|e| err(&dir, e))?;
                    fs::set_permissions(
                        &dir,
                        fs::Permissions::from_mode(crate::node::paths::DIR_MODE),
                    )
                    .map_err(|e| err(&dir, e))?;
                    created.push(dir.clone());
                }
                Err(e) => return Err(err(&dir, e)),
            }
        }
    }
    Ok(dir)
}

fn current_state(target: &Path, file: &NodeFile) -> Result<WriteOutcome, WriteError> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => {
            Err(err(target, "is a symbolic link; refusing to replace it"))
        }
        Ok(meta) if !meta.is_file() => Err(err(target, "exists and is not a regular file")),
        Ok(meta) => {
            let same_mode = meta.permissions().mode() & 0o7777 == file.mode;
            let same_bytes = meta.len() == file.bytes.len() as u64
                && fs::read(target).map_err(|e| err(target, e))? == file.bytes;
            Ok(if same_mode && same_bytes {
                WriteOutcome::Unchanged
            } else {
                WriteOutcome::Replaced
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(WriteOutcome::Created),
        Err(e) => Err(err(target, e)),
    }
}

/// Removes temporary files a killed writer left beside `name` (their process is gone); readers never see them, but
/// they would pile up.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.mirror-cli-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest.strip_suffix(".tmp").and_then(|r| r.split('-').next()) else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|pid| Path::new("/proc").join(pid.to_string()).exists());
        if !alive {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn write_temp(dir: &Path, target: &Path, file: &NodeFile) -> Result<PathBuf, WriteError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temps(dir, &name);
    for attempt in 0..100u32 {
        let temp = dir.join(format!(
            ".{name}.mirror-cli-{}-{attempt}.tmp",
            std::process::id()
        ));
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(file.mode)
            .open(&temp);
        let mut handle: File = match opened {
            Ok(handle) => handle,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(err(&temp, e)),
        };
        let result = (|| {
            handle.write_all(&file.bytes)?;
            // The umask may have narrowed the mode given at creation.
            handle.set_permissions(fs::Permissions::from_mode(file.mode))?;
            handle.sync_all()
        })();
        return match result {
            Ok(()) => Ok(temp),
            Err(e) => {
                let _ = fs::remove_file(&temp);
                Err(err(&temp, e))
            }
        };
    }
    Err(err(target, "could not create a temporary file beside it"))
}

/// Writes `files` under `root`, all or nothing. Returns what happened to each file, in order.
pub fn write_all(root: &Path, files: &[NodeFile]) -> Result<Vec<WriteOutcome>, WriteError> {
    let meta = fs::metadata(root).map_err(|e| err(root, e))?;
    if !meta.is_dir() {
        return Err(err(root, "is not a folder"));
    }
    let mut seen = std::collections::HashSet::new();
    for file in files {
        check_relative(&file.path)?;
        if !seen.insert(&file.path) {
            return Err(err(&file.path, "appears twice in the files to write"));
        }
    }

    // Stage: every file's bytes in a synced temporary file beside its target.
    let mut created_dirs = Vec::new();
    let mut staged: Vec<(PathBuf, PathBuf, PathBuf)> = Vec::new(); // (temp, target, dir)
    let mut outcomes = Vec::with_capacity(files.len());
    let stage = (|| {
        for file in files {
            let dir = ensure_parents(root, &file.path, &mut created_dirs)?;
            let target = root.join(&file.path);
            let outcome = current_state(&target, file)?;
            outcomes.push(outcome);
            if outcome != WriteOutcome::Unchanged {
                let temp = write_temp(&dir, &target, file)?;
                staged.push((temp, target, dir));
            }
        }
        Ok::<(), WriteError>(())
    })();
    if let Err(e) = stage {
        for (temp, _, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        for dir in created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        return Err(e);
    }

    // Commit: each rename atomically swaps in a complete file, then the folders are synced.
    let mut dirs_to_sync: Vec<&PathBuf> = Vec::new();
    for (temp, target, dir) in &staged {
        fs::rename(temp, target).map_err(|e| err(target, e))?;
        if !dirs_to_sync.contains(&dir) {
            dirs_to_sync.push(dir);
        }
    }
    for dir in dirs_to_sync.into_iter().chain(created_dirs.iter()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| err(dir, e))?;
    }
    Ok(outcomes)
}

/// What [`write_node`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeWrite {
    /// What happened to each file, in order.
    pub outcomes: Vec<WriteOutcome>,
    /// The folder trees removed (certs.d folders of hosts the objects no longer trust).
    pub removed: Vec<std::path::PathBuf>,
    /// What the lock found of an interrupted earlier write and did about it, one line.
    pub recovery: Option<String>,
}

/// Writes `files` under the node root `root` and removes the folder trees `removals`, as one generation: waits up
/// to `lock_timeout` for another writer, completes an interrupted generation first, never follows a link beneath
/// the root; files and folders are owned by root when this runs as root. On error, the message says which files
/// were already replaced, if any (the journal keeps the rest for the next writer).
pub fn write_node(
    root: &Path,
    files: &[NodeFile],
    removals: &[PathBuf],
    lock_timeout: Duration,
) -> Result<NodeWrite, crate::Error> {
    write_node_with_progress(root, files, removals, lock_timeout, &mut |_| {})
}

/// [`write_node`], calling `progress` at each step of the write (staged, committed, each rename and removal).
pub fn write_node_with_progress(
    root: &Path,
    files: &[NodeFile],
    removals: &[PathBuf],
    lock_timeout: Duration,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<NodeWrite, crate::Error> {
    write_node_streaming(root, None, files, removals, lock_timeout, progress)
}

/// [`write_node_with_progress`], with registries.conf rendered a block at a time into its temporary file first
/// (`written`: the plan's, when [`crate::node::RenderOptions::stream_registries_conf`] left it out of its files).
pub fn write_node_streaming(
    root: &Path,
    written: Option<&crate::node::RegistriesConfFile<'_>>,
    files: &[NodeFile],
    removals: &[PathBuf],
    lock_timeout: Duration,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<NodeWrite, crate::Error> {
    let root = Root::open(root).map_err(crate::Error::NodeWrite)?;
    let mut plan = Plan::new();
    plan.folders(crate::node::paths::DIR_MODE, Owner::ROOT);
    if let Some(file) = written {
        plan.file_written(file.path(), file, file.mode(), Owner::ROOT);
    }
    for file in files {
        plan.file(&file.path, &file.bytes, file.mode, Owner::ROOT);
    }
    for removal in removals {
        plan.remove_tree(removal);
    }
    let mut writer = root.lock(lock_timeout).map_err(crate::Error::NodeWrite)?;
    let recovery = writer.recovery().map(ToString::to_string);
    let report = writer
        .write_with_progress(&plan, progress)
        .map_err(crate::Error::NodeWrite)?;
    let mut outcomes = Vec::with_capacity(files.len() + 1);
    let mut removed = Vec::new();
    for (path, outcome) in report.outcomes {
        match outcome {
            Outcome::Created => outcomes.push(WriteOutcome::Created),
            Outcome::Unchanged => outcomes.push(WriteOutcome::Unchanged),
            Outcome::Removed => removed.push(path),
            Outcome::Absent => {}
            _ => outcomes.push(WriteOutcome::Replaced),
        }
    }
    Ok(NodeWrite {
        outcomes,
        removed,
        recovery,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &str, mode: u32) -> NodeFile {
        NodeFile {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
            mode,
        }
    }

    #[test]
    fn writes_creates_replaces_and_skips() {
        let root = tempfile::tempdir().unwrap();
        let files = [
            file("etc/a.conf", "one\n", 0o644),
            file("var/lib/kubelet/config.json", "{}\n", 0o600),
        ];
        assert_eq!(
            write_all(root.path(), &files).unwrap(),
            [WriteOutcome::Created, WriteOutcome::Created]
        );
        let meta = fs::metadata(root.path().join("var/lib/kubelet/config.json")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
        let dir_meta = fs::metadata(root.path().join("var/lib/kubelet")).unwrap();
        assert_eq!(dir_meta.permissions().mode() & 0o7777, 0o755);
        let again = write_all(root.path(), &files).unwrap();
        assert_eq!(again, [WriteOutcome::Unchanged, WriteOutcome::Unchanged]);
        let changed = [file("etc/a.conf", "two\n", 0o644)];
        assert_eq!(
            write_all(root.path(), &changed).unwrap(),
            [WriteOutcome::Replaced]
        );
        assert_eq!(
            fs::read_to_string(root.path().join("etc/a.conf")).unwrap(),
            "two\n"
        );
        let leftovers: Vec<_> = fs::read_dir(root.path().join("etc")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn removes_what_a_killed_writer_left() {
        let root = tempfile::tempdir().unwrap();
        let etc = root.path().join("etc");
        fs::create_dir(&etc).unwrap();
        // No process has pid 4194304 (above Linux's pid_max ceiling); our own pid is alive.
        let stale = etc.join(".a.conf.mirror-cli-4194304-0.tmp");
        let live = etc.join(format!(".a.conf.mirror-cli-{}-7.tmp", std::process::id()));
        fs::write(&stale, "half").unwrap();
        fs::write(&live, "in progress").unwrap();
        write_all(root.path(), &[file("etc/a.conf", "new\n", 0o644)]).unwrap();
        assert!(!stale.exists(), "a dead writer's temporary file is removed");
        assert!(
            live.exists(),
            "a running writer's temporary file is left alone"
        );
    }

    #[test]
    fn refuses_paths_outside_the_root() {
        let root = tempfile::tempdir().unwrap();
        for bad in ["../escape", "/etc/passwd", "etc/../../escape", ""] {
            assert!(
                write_all(root.path(), &[file(bad, "x", 0o644)]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_symlinks_and_changes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("etc")).unwrap();
        let files = [file("a.conf", "a", 0o644), file("etc/b.conf", "b", 0o644)];
        let e = write_all(root.path(), &files).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(!root.path().join("a.conf").exists(), "all or nothing");
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
        let leftovers: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("etc")]);
    }
}
