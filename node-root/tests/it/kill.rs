//! Issue 14 row 4 and issue 8's kill test, extended: a writer of five-file generations (plus a certs.d folder
//! created and removed every other generation) killed with SIGKILL at random moments and at every step, between
//! renames included. After each kill the journal's read-only view tells the truth about the interrupted
//! generation, and the next writer rolls it forward: every file then holds one generation, with its mode, and no
//! temporary file, trash or journal is left.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use node_root::{ChangeState, Owner, Plan, Root, Step};

use crate::common::{NODE_FILES, Rng, child, leftovers, scratch};

const KILLS: usize = 200;
/// Present in even generations, removed in odd ones.
const EXTRA: &str = "etc/docker/certs.d/extra.example.com:5000";
/// Steps of one generation: five or six files staged, the commit, as many renamed, the removal (odd generations,
/// when the extra folder is there), the end: 12 to 14.
const STEPS: u64 = 13;

fn content(generation: u64, i: usize) -> Vec<u8> {
    let line = format!("generation {generation} file {i}\n");
    // Sizes differ between generations, so a torn file shows.
    line.repeat(200 + ((generation as usize * 7 + i * 13) % 40) * 50)
        .into_bytes()
}

fn plan_of<'a>(generation: u64, bytes: &'a [Vec<u8>]) -> Plan<'a> {
    let mut plan = Plan::new();
    for (i, (path, mode)) in NODE_FILES.iter().enumerate() {
        plan.file(*path, &bytes[i], *mode, Owner::ROOT);
    }
    if generation.is_multiple_of(2) {
        plan.file(format!("{EXTRA}/ca.crt"), &bytes[5], 0o644, Owner::ROOT);
    } else {
        plan.remove_tree(EXTRA);
    }
    plan
}

fn bytes_of(generation: u64) -> Vec<Vec<u8>> {
    (0..6).map(|i| content(generation, i)).collect()
}

#[test]
#[ignore = "the writer process of killed_writers_leave_one_generation; loops until killed"]
fn writer_child() {
    let root_path = PathBuf::from(std::env::var_os("NODE_ROOT_IT_ROOT").unwrap());
    // Die at this step, counted over this process's generations (otherwise only when killed from outside).
    let stop: Option<u64> = std::env::var("NODE_ROOT_IT_STOP")
        .ok()
        .map(|s| s.parse().unwrap());
    let root = Root::open(&root_path).unwrap();
    let mut step = 0;
    loop {
        let mut writer = root.lock(Duration::from_secs(10)).unwrap();
        let generation = writer.next_generation();
        let bytes = bytes_of(generation);
        let plan = plan_of(generation, &bytes);
        writer
            .write_with_progress(&plan, &mut |_: Step<'_>| {
                if stop == Some(step) {
                    let _ = rustix::process::kill_process(
                        rustix::process::getpid(),
                        rustix::process::Signal::KILL,
                    );
                    std::thread::sleep(Duration::from_secs(10));
                }
                step += 1;
            })
            .unwrap();
    }
}

/// Which generation every file holds: they must agree, with their modes, and the extra folder must match.
fn one_generation(root: &Path, context: &str) -> u64 {
    let first = fs::read(root.join(NODE_FILES[0].0)).unwrap();
    let generation: u64 = std::str::from_utf8(&first)
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let expected = bytes_of(generation);
    for (i, (path, mode)) in NODE_FILES.iter().enumerate() {
        let target = root.join(path);
        assert!(
            fs::read(&target).unwrap() == expected[i],
            "{context}: {path} is not generation {generation}"
        );
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
            *mode,
            "{context}: {path}"
        );
    }
    let extra = root.join(EXTRA).join("ca.crt");
    if generation.is_multiple_of(2) {
        assert!(
            fs::read(&extra).unwrap() == expected[5],
            "{context}: {EXTRA} is not generation {generation}"
        );
    } else {
        assert!(
            !root.join(EXTRA).exists(),
            "{context}: {EXTRA} is still there in generation {generation}"
        );
    }
    generation
}

#[test]
fn killed_writers_leave_one_generation() {
    let dir = scratch();
    let root_path = dir.path().join("root");
    fs::create_dir(&root_path).unwrap();
    // A complete first generation.
    {
        let root = Root::open(&root_path).unwrap();
        let mut writer = root.lock(Duration::from_secs(5)).unwrap();
        let generation = writer.next_generation();
        let bytes = bytes_of(generation);
        writer.write(&plan_of(generation, &bytes)).unwrap();
    }
    let mut rng = Rng::from_time();
    let seed = rng.0;
    let started = Instant::now();
    let (mut committed, mut staged, mut between_renames, mut clean) = (0, 0, 0, 0);
    let mut last = one_generation(&root_path, "start");
    for kill in 0..KILLS {
        let context = format!("kill {kill} (seed {seed})");
        let mut command = child("kill::writer_child");
        command
            .env("NODE_ROOT_IT_ROOT", &root_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let by_step = kill % 2 == 0;
        if by_step {
            command.env("NODE_ROOT_IT_STOP", rng.below(2 * STEPS).to_string());
        }
        let mut process = command.spawn().unwrap();
        if by_step {
            let _ = process.wait();
        } else {
            std::thread::sleep(Duration::from_micros(3_000 + rng.below(8_000)));
            let _ = process.kill();
            let _ = process.wait();
        }

        let root = Root::open(&root_path).unwrap();
        let pending = root.pending().unwrap_or_else(|e| panic!("{context}: {e}"));
        if let Some(pending) = &pending {
            assert!(!pending.writer_active, "{context}: the writer is dead");
            if pending.committed {
                committed += 1;
                let done = pending
                    .changes
                    .iter()
                    .filter(|c| c.state == ChangeState::Done)
                    .count();
                if done > 0 && done < pending.changes.len() {
                    between_renames += 1;
                }
                // The view tells the truth: what it calls done holds the new generation, what it calls not yet
                // still holds another.
                let bytes = bytes_of(pending.generation);
                for change in &pending.changes {
                    assert_ne!(change.state, ChangeState::Unknown, "{context}: {change:?}");
                    let target = root_path.join(&change.path);
                    let new = if change.removal {
                        !target.exists()
                    } else {
                        let i = NODE_FILES
                            .iter()
                            .position(|(p, _)| Path::new(p) == change.path)
                            .unwrap_or(5);
                        fs::read(&target).is_ok_and(|b| b == bytes[i])
                    };
                    assert_eq!(
                        new,
                        change.state == ChangeState::Done,
                        "{context}: {}",
                        pending
                    );
                }
            } else {
                staged += 1;
            }
        } else {
            clean += 1;
        }
        let writer = root.lock(Duration::from_secs(5)).unwrap();
        match (&pending, writer.recovery()) {
            (None, None) => {}
            (Some(p), Some(r)) => {
                assert_eq!(
                    (p.generation, p.committed),
                    (r.generation, r.committed),
                    "{context}"
                );
                assert!(r.failed.is_empty(), "{context}: {r}");
            }
            (p, r) => panic!("{context}: pending {p:?}, recovery {r:?}"),
        }
        drop(writer);
        let now = one_generation(&root_path, &context);
        if let Some(p) = pending.as_ref().filter(|p| p.committed) {
            assert_eq!(now, p.generation, "{context}: rolled forward");
        }
        assert!(
            now >= last,
            "{context}: generation went back from {last} to {now}"
        );
        last = now;
        let left = leftovers(&root_path);
        assert!(left.is_empty(), "{context}: {left:?}");
    }
    println!(
        "{KILLS} kills in {:?}: {committed} interrupted after the commit ({between_renames} between renames), \
         {staged} before it, {clean} between generations; last generation {last}",
        started.elapsed()
    );
    assert!(
        committed >= 10 && staged >= 10 && between_renames >= 5,
        "kills landed everywhere"
    );
}
