//! Issue 8 item 4: a writer killed with SIGKILL at random points leaves every node file whole — exactly the old or
//! the new content with its mode, never partial or empty — and no temporary file a node could mistake for one.
//!
//! The writer is this test binary itself, started again with `write_loop_child` selected: it calls
//! `writer::write_all` in a loop, alternating two contents of several files, until it is killed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use mirror_cli::writer::{NodeFile, write_all};

const ROOT_VAR: &str = "MIRROR_CLI_KILL_TEST_ROOT";
const KILLS: usize = 200;

/// The files and their modes, as a node holds them.
const FILES: [(&str, u32); 5] = [
    ("etc/containers/registries.conf", 0o644),
    (
        "etc/containers/registries.conf.d/01-image-searchRegistries.conf",
        0o644,
    ),
    ("etc/containers/policy.json", 0o644),
    ("var/lib/kubelet/config.json", 0o600),
    ("etc/docker/certs.d/mirror.example.com:5000/ca.crt", 0o644),
];

/// Generation 0 or 1 of every file: different lengths (64 KiB and 24 KiB) so a torn write shows, and no content
/// is a prefix of the other.
fn generation(which: usize) -> Vec<NodeFile> {
    FILES
        .iter()
        .map(|&(path, mode)| {
            let line = format!("{which}:{path}:generation-{which}\n");
            let size = if which == 0 { 64 * 1024 } else { 24 * 1024 };
            NodeFile {
                path: PathBuf::from(path),
                bytes: line.repeat(size / line.len() + 1).into_bytes(),
                mode,
            }
        })
        .collect()
}

#[test]
#[ignore = "the writer process of killed_writers_leave_whole_files; it loops until killed"]
fn write_loop_child() {
    let root = PathBuf::from(std::env::var_os(ROOT_VAR).expect("started by the kill test"));
    let generations = [generation(0), generation(1)];
    for i in 0.. {
        write_all(&root, &generations[i % 2]).expect("write");
    }
}

/// A small xorshift: random kill points without a dependency, reproducible from the seed printed on failure.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Checks every target: exactly one generation's bytes and its mode. Returns which generation each holds.
fn check_targets(root: &Path, generations: &[Vec<NodeFile>; 2], context: &str) -> Vec<usize> {
    FILES
        .iter()
        .enumerate()
        .map(|(i, &(path, mode))| {
            let target = root.join(path);
            let bytes = fs::read(&target).unwrap_or_else(|e| panic!("{context}: {path}: {e}"));
            let which = generations
                .iter()
                .position(|g| g[i].bytes == bytes)
                .unwrap_or_else(|| {
                    panic!(
                        "{context}: {path} holds {} bytes that are neither generation",
                        bytes.len()
                    )
                });
            let actual = common::mode(&target);
            assert_eq!(actual, mode, "{context}: {path} mode {actual:o}");
            which
        })
        .collect()
}

/// Every file under `root` that is not a target.
fn leftovers(root: &Path) -> Vec<PathBuf> {
    let targets: Vec<PathBuf> = FILES.iter().map(|(p, _)| root.join(p)).collect();
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !targets.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// What the node's readers pick up: CRI-O and podman read `registries.conf.d/*.conf`, docker and CRI-O read
/// `certs.d/<host>/*.crt` (and `.cert`, `.key`), the kubelet a fixed path. A temporary file must match none of them.
fn looks_like_a_node_file(name: &str) -> bool {
    [".conf", ".crt", ".cert", ".key", ".json"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
        || !name.starts_with('.')
}

#[test]
fn killed_writers_leave_whole_files() {
    let root = tempfile::tempdir().unwrap();
    let generations = [generation(0), generation(1)];
    write_all(root.path(), &generations[0]).unwrap();

    let seed = std::env::var("KILL_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let mut rng = Rng(seed);
    let exe = std::env::current_exe().unwrap();
    let mut seen = [0usize; 2];
    let mut mixed = 0;
    let started = Instant::now();
    for kill in 0..KILLS {
        let mut child = Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "crash_kill::write_loop_child",
                "--test-threads=1",
            ])
            .env(ROOT_VAR, root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The child needs a few milliseconds to start; one write_all of these files takes a few more.
        std::thread::sleep(Duration::from_micros(2_000 + rng.next() % 40_000));
        let status = Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -9 failed");
        let exit = child.wait().unwrap();
        assert!(!exit.success(), "the writer stopped by itself: {exit:?}");

        let context = format!("kill {kill} (KILL_TEST_SEED={seed})");
        let held = check_targets(root.path(), &generations, &context);
        for &which in &held {
            seen[which] += 1;
        }
        if held.iter().any(|&w| w != held[0]) {
            mixed += 1;
        }
        for path in leftovers(root.path()) {
            let name = path.file_name().unwrap().to_string_lossy();
            assert!(
                !looks_like_a_node_file(&name) && name.ends_with(".tmp"),
                "{context}: {} could be read as a node file",
                path.display()
            );
        }
    }
    let stale = leftovers(root.path()).len();
    eprintln!(
        "{KILLS} kills in {:?} (seed {seed}): files seen {} times old, {} times new; {mixed} kills between two \
         files' renames; {stale} temporary files left by killed writers",
        started.elapsed(),
        seen[0],
        seen[1]
    );
    // The kills must have landed in the middle of the loop, not only before the first write.
    assert!(
        seen[1] > 0,
        "no kill came after a completed write: the test proves nothing"
    );

    // A later writer is not disturbed by what killed ones left behind.
    write_all(root.path(), &generations[1]).unwrap();
    assert_eq!(
        check_targets(root.path(), &generations, "after"),
        vec![1; FILES.len()]
    );
}
