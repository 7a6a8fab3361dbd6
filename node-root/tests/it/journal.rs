//! Issue 14 row 4's second half: messages tell the truth. A write that fails after replacing files says which;
//! the journal's read-only view shows an interrupted write; the next writer completes or discards it; stale
//! temporary files are removed under the lock whatever process made them; the lock wait times out with its holder.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use node_root::{ChangeState, ErrorKind, Outcome, Owner, Pending, Plan, Root, Step, Writer};

use crate::common::{Ground, is_root, leftovers};

fn three_files(plan: &mut Plan<'_>, bytes: &'static [u8]) {
    plan.file("etc/a.conf", bytes, 0o644, Owner::ROOT)
        .file("etc/b.conf", bytes, 0o644, Owner::ROOT)
        .file("etc/sub/c.conf", bytes, 0o644, Owner::ROOT);
}

/// The three files holding `bytes`, as one plan.
fn three_files_plan(bytes: &'static [u8]) -> Plan<'static> {
    let mut plan = Plan::new();
    three_files(&mut plan, bytes);
    plan
}

/// The root's writer, after it wrote the three files with `bytes`.
fn locked_with_three_files<'r>(root: &'r Root, bytes: &'static [u8]) -> Writer<'r> {
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    writer.write(&three_files_plan(bytes)).unwrap();
    writer
}

/// Writes the three files with `bytes`, but once `replaced` is in place, the temporary file `next_temp` (the next
/// one to be renamed) becomes a folder, so its rename fails: the error of a write that stopped half way.
fn write_failing_after(
    writer: &mut Writer<'_>,
    bytes: &'static [u8],
    replaced: &str,
    next_temp: &Path,
) -> node_root::Error {
    writer
        .write_with_progress(&three_files_plan(bytes), &mut |step| {
            if step == Step::Replaced(Path::new(replaced)) {
                fs::remove_file(next_temp).unwrap();
                fs::create_dir(next_temp).unwrap();
                fs::write(next_temp.join("x"), "x").unwrap();
            }
        })
        .unwrap_err()
}

/// The pending write once no writer holds the lock. A `flock` belongs to the open file, and a test thread that
/// starts a child process (other tests do) gives the child a copy of every descriptor until its `exec` closes them:
/// for that moment the dropped writer's lock is still held.
fn pending_once_released(root: &Root) -> Pending {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pending = root.pending().unwrap().expect("the journal shows it");
        if !pending.writer_active || Instant::now() > deadline {
            return pending;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_failure_between_renames_says_what_was_replaced_and_the_next_writer_completes_it() {
    let (_ground, root_path, root) = Ground::opened();
    let mut writer = locked_with_three_files(&root, b"old\n");

    // After the first rename, b's temporary file becomes a folder: its rename fails.
    let temp_b = root_path.join("etc/.b.conf.node-root.tmp");
    let e = write_failing_after(&mut writer, b"new\n", "etc/a.conf", &temp_b);
    let partial = e.partial().expect("a partial write is said so");
    assert_eq!(partial.done, [Path::new("etc/a.conf")]);
    assert_eq!(
        partial.not_yet,
        [Path::new("etc/b.conf"), Path::new("etc/sub/c.conf")]
    );
    let message = e.to_string();
    assert!(
        message.contains("cannot rename into place etc/b.conf"),
        "{message}"
    );
    assert!(
        message.contains("was partly applied: done etc/a.conf; not yet etc/b.conf, etc/sub/c.conf"),
        "{message}"
    );
    drop(writer);

    let pending = pending_once_released(&root);
    assert!(pending.committed && !pending.writer_active);
    let states: Vec<_> = pending
        .changes
        .iter()
        .map(|c| (c.path.display().to_string(), c.state))
        .collect();
    assert_eq!(
        states,
        [
            ("etc/a.conf".to_string(), ChangeState::Done),
            ("etc/b.conf".to_string(), ChangeState::Unknown),
            ("etc/sub/c.conf".to_string(), ChangeState::NotYet),
        ]
    );
    let shown = pending.to_string();
    assert!(
        shown.starts_with(&format!(
            "an interrupted write of generation {} is pending: etc/a.conf done;",
            pending.generation
        )),
        "{shown}"
    );
    assert!(shown.contains("etc/sub/c.conf not yet"), "{shown}");

    fs::remove_dir_all(&temp_b).unwrap();
    let writer = root.lock(Duration::from_secs(5)).unwrap();
    let recovery = writer.recovery().expect("recovered").clone();
    assert_eq!(recovery.generation, pending.generation);
    assert_eq!(recovery.done_before, [Path::new("etc/a.conf")]);
    assert_eq!(recovery.done_now, [Path::new("etc/sub/c.conf")]);
    assert_eq!(recovery.failed.len(), 1, "{recovery}");
    assert!(
        recovery
            .to_string()
            .contains("could not complete etc/b.conf: neither its temporary file"),
        "{recovery}"
    );
    assert_eq!(
        fs::read(root_path.join("etc/sub/c.conf")).unwrap(),
        b"new\n"
    );
    assert_eq!(fs::read(root_path.join("etc/b.conf")).unwrap(), b"old\n");
    assert!(root.pending().unwrap().is_none());
    let left = leftovers(&root_path);
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_uncommitted_write_is_discarded_with_its_folders() {
    let (ground, root_path, root) = Ground::opened();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    three_files(&mut plan, b"v1\n");
    plan.file("new/deep/folder/file", b"x", 0o644, Owner::ROOT);
    // Stop right after the last temporary file, before the commit: a copy of the root at that moment is what a
    // kill there leaves.
    let snapshot = ground.dir.path().join("frozen");
    writer
        .write_with_progress(&plan, &mut |step| {
            if step == Step::Staged(Path::new("new/deep/folder/file")) {
                let status = std::process::Command::new("cp")
                    .arg("-a")
                    .arg(&root_path)
                    .arg(&snapshot)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
        })
        .unwrap();
    drop(writer);
    let frozen = Root::open(&snapshot).unwrap();
    let pending = frozen.pending().unwrap().unwrap();
    assert!(!pending.committed);
    assert!(
        pending
            .to_string()
            .ends_with("had not committed: nothing was replaced; the next writer discards it"),
        "{pending}"
    );
    assert!(!snapshot.join("etc/a.conf").exists());
    let writer = frozen.lock(Duration::from_secs(5)).unwrap();
    let recovery = writer.recovery().unwrap();
    assert!(!recovery.committed);
    assert!(
        !snapshot.join("etc").exists() && !snapshot.join("new").exists(),
        "created folders removed"
    );
    assert!(leftovers(&snapshot).is_empty());
}

#[test]
fn a_stale_temporary_file_is_removed_under_the_lock() {
    let ground = Ground::with_folders(&["etc"]);
    let root_path = ground.root();
    // Left by a writer killed in another PID namespace: no pid check could tell it apart from a live one.
    ground.write("etc/.a.conf.node-root.tmp", "half");
    let root = Root::open(&root_path).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.file("etc/a.conf", b"whole\n", 0o644, Owner::ROOT);
    assert_eq!(writer.write(&plan).unwrap().outcomes[0].1, Outcome::Created);
    assert_eq!(fs::read(root_path.join("etc/a.conf")).unwrap(), b"whole\n");
    assert!(leftovers(&root_path).is_empty());
}

#[test]
fn the_lock_wait_times_out_naming_its_holder() {
    let ground = Ground::new();
    let root = Root::open(ground.root()).unwrap();
    let held = root.lock(Duration::from_secs(5)).unwrap();
    let other = Root::open(ground.root()).unwrap();
    let start = Instant::now();
    let e = other.lock(Duration::from_millis(300)).unwrap_err();
    let waited = start.elapsed();
    // The holder keeps the lock until the end of the test, so returning at all means the wait gave up on its own;
    // only the lower bound is a fact of the code (an upper bound would measure the machine).
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    let ErrorKind::LockTimeout {
        holder: Some(holder),
        ..
    } = e.kind()
    else {
        panic!("{e:?}");
    };
    assert!(
        holder.starts_with(&format!("pid {} on host ", std::process::id())),
        "{holder}"
    );
    let message = e.to_string();
    assert!(message.starts_with("cannot lock .node-root.lock: another writer held the lock for the whole 0.3 s wait (its lock file says: pid "), "{message}");
    assert!(message.ends_with("; not verified)"), "{message}");
    drop(held);
    other.lock(Duration::from_millis(300)).unwrap();
}

#[test]
fn an_untrusted_journal_or_lock_file_stops_the_writer_with_a_reason() {
    let ground = Ground::new();
    let root_path = ground.root();
    ground.write(
        ".node-root.journal",
        "node-root journal 2\ngeneration 3\nstate committed\nend\n",
    );
    ground.chmod(".node-root.journal", 0o666);
    let root = Root::open(&root_path).unwrap();
    let e = root.lock(Duration::from_secs(1)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Journal(_)), "{e}");
    assert!(e.to_string().contains("mode 0666"), "{e}");
    fs::remove_file(root_path.join(".node-root.journal")).unwrap();
    ground.write(".node-root.journal", "garbage");
    ground.chmod(".node-root.journal", 0o600);
    assert!(matches!(
        root.pending().unwrap_err().kind(),
        ErrorKind::Journal(_)
    ));
    fs::remove_file(root_path.join(".node-root.journal")).unwrap();
    if is_root() {
        ground.write(".node-root.lock", "");
        std::os::unix::fs::chown(root_path.join(".node-root.lock"), Some(1000), Some(1000))
            .unwrap();
        let e = root.lock(Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UntrustedLockFile(_)), "{e}");
        assert!(e.to_string().contains("owned by 1000:1000"), "{e}");
    }
}

#[test]
fn removing_a_tree_goes_through_handles_and_leaves_links_targets_alone() {
    let ground = Ground::new();
    let root_path = ground.root();
    let host = root_path.join("etc/docker/certs.d/old.example.com:5000");
    fs::create_dir_all(host.join("deeper/still")).unwrap();
    fs::write(host.join("ca.crt"), "old CA").unwrap();
    std::os::unix::fs::symlink(ground.outside().join("dir"), host.join("deeper/link")).unwrap();
    crate::common::mkfifo(&host.join("fifo"));
    ground.write("etc/docker/certs.d/.create", "Initial Creation");
    let before = ground.outside_snapshot();
    let root = Root::open(&root_path).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.remove_tree("etc/docker/certs.d/old.example.com:5000")
        .remove_tree("etc/docker/certs.d/never-there");
    let report = writer.write(&plan).unwrap();
    assert_eq!(report.outcomes[0].1, Outcome::Removed);
    assert_eq!(report.outcomes[1].1, Outcome::Absent);
    assert!(!host.exists());
    assert!(root_path.join("etc/docker/certs.d/.create").exists());
    assert_eq!(ground.outside_snapshot(), before);
    // A plan may not write inside what it removes.
    let mut plan = Plan::new();
    plan.remove_tree("etc/docker/certs.d/h").file(
        "etc/docker/certs.d/h/ca.crt",
        b"x",
        0o644,
        Owner::ROOT,
    );
    assert!(matches!(
        writer.write(&plan).unwrap_err().kind(),
        ErrorKind::Conflict(_)
    ));
}

#[test]
fn generations_on_a_real_disk() {
    // The other tests write on tmpfs, where fsync is free; here the same on the disk the temporary folder is on.
    let dir = tempfile::tempdir().unwrap();
    let root = Root::open(dir.path()).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let first = writer.next_generation();
    for bytes in [&b"one\n"[..], b"two\n", b"three\n"] {
        let mut plan = Plan::new();
        plan.file("etc/containers/registries.conf", bytes, 0o644, Owner::ROOT)
            .file("var/lib/kubelet/config.json", bytes, 0o600, Owner::ROOT);
        writer.write(&plan).unwrap();
    }
    assert_eq!(writer.next_generation(), first + 3);
    drop(writer);
    let writer = root.lock(Duration::from_secs(5)).unwrap();
    assert_eq!(
        writer.next_generation(),
        first + 3,
        "numbers carry over between writers"
    );
    assert_eq!(
        fs::read(dir.path().join("var/lib/kubelet/config.json")).unwrap(),
        b"three\n"
    );
}

#[test]
fn a_writer_completes_its_own_failed_generation_before_writing_the_next() {
    let (_ground, root_path, root) = Ground::opened();
    let mut writer = locked_with_three_files(&root, b"v1\n");
    let temp_c = root_path.join("etc/sub/.c.conf.node-root.tmp");
    let failed = writer.next_generation();
    let e = write_failing_after(&mut writer, b"v2\n", "etc/b.conf", &temp_c);
    assert_eq!(e.partial().unwrap().not_yet, [Path::new("etc/sub/c.conf")]);
    // The same writer's next write first settles the journal it left (never overwrites it).
    let report = writer.write(&three_files_plan(b"v3\n")).unwrap();
    let recovery = writer.recovery().unwrap();
    assert_eq!(recovery.generation, failed);
    assert_eq!(recovery.done_before.len(), 2, "{recovery}");
    assert_eq!(report.generation, Some(failed + 1));
    for file in ["etc/a.conf", "etc/b.conf", "etc/sub/c.conf"] {
        assert_eq!(fs::read(root_path.join(file)).unwrap(), b"v3\n", "{file}");
    }
    let left = leftovers(&root_path);
    assert!(left.is_empty(), "{left:?}");
}

/// FNV-1a, 64 bits, a byte at a time: what journal 1 recorded for each file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[test]
fn a_write_an_older_version_left_committed_is_completed() {
    let ground = Ground::with_folders(&["etc"]);
    let root_path = ground.root();
    let bytes = b"whole, as the older writer staged it\n";
    ground.write("etc/.a.conf.node-root.tmp", bytes);
    ground.chmod("etc/.a.conf.node-root.tmp", 0o644);
    let journal = format!(
        "node-root journal 1\ngeneration 5\nstate committed\nfile etc/a.conf {} {:016x}\nend\n",
        bytes.len(),
        fnv1a(bytes)
    );
    ground.write(".node-root.journal", journal);
    ground.chmod(".node-root.journal", 0o600);
    let root = Root::open(&root_path).unwrap();
    let writer = root.lock(Duration::from_secs(5)).unwrap();
    let recovery = writer.recovery().expect("recovered");
    assert_eq!(recovery.generation, 5);
    assert_eq!(recovery.done_now, [Path::new("etc/a.conf")], "{recovery}");
    assert!(recovery.failed.is_empty(), "{recovery}");
    assert_eq!(fs::read(root_path.join("etc/a.conf")).unwrap(), bytes);
}
