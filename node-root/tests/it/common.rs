//! Helpers shared by the test modules.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use node_root::Root;

/// A scratch folder on tmpfs when there is one (fsync costs milliseconds on a disk, and some tests write
/// thousands of generations), else in the usual temporary folder.
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let builder = tempfile::Builder::new()
        .prefix("node-root-it-")
        .tempdir_in(shm);
    let dir = match builder {
        Ok(dir) => dir,
        Err(_) => tempfile::Builder::new()
            .prefix("node-root-it-")
            .tempdir()
            .unwrap(),
    };
    // Traversable by another uid (the swapper runs as nobody).
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// A root and an outside folder beside it, with a secret file the root must never leak and a FIFO.
pub struct Ground {
    pub dir: tempfile::TempDir,
}

pub const SECRET: &[u8] = b"root:$6$OUTSIDE-SECRET-SHADOW-LINE:19000:0:99999:7:::\n";

impl Ground {
    pub fn new() -> Ground {
        let dir = scratch();
        fs::create_dir(dir.path().join("root")).unwrap();
        fs::set_permissions(dir.path().join("root"), fs::Permissions::from_mode(0o755)).unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir_all(outside.join("dir/sub")).unwrap();
        fs::write(outside.join("shadow"), SECRET).unwrap();
        fs::write(outside.join("dir/file"), SECRET).unwrap();
        fs::set_permissions(outside.join("shadow"), fs::Permissions::from_mode(0o600)).unwrap();
        mkfifo(&outside.join("fifo"));
        Ground { dir }
    }

    /// A ground whose root already holds `folders` (with their parents).
    pub fn with_folders(folders: &[&str]) -> Ground {
        let ground = Ground::new();
        for folder in folders {
            fs::create_dir_all(ground.root().join(folder)).unwrap();
        }
        ground
    }

    /// A ground whose root holds `folders` and, at each `(at, name)` of `links`, a link to the outside entry
    /// `name` (`shadow`, the secret file; `dir`, a folder holding a copy of it), as a hostile image plants them.
    pub fn with_links(folders: &[&str], links: &[(&str, &str)]) -> Ground {
        let ground = Ground::with_folders(folders);
        for (at, name) in links {
            ground.link(ground.outside().join(name), at);
        }
        ground
    }

    /// A fresh ground, its root's path and the root opened (keep the ground: dropping it deletes the folders).
    pub fn opened() -> (Ground, PathBuf, Root) {
        let ground = Ground::new();
        let root_path = ground.root();
        let root = Root::open(&root_path).unwrap();
        (ground, root_path, root)
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn outside(&self) -> PathBuf {
        self.dir.path().join("outside")
    }

    /// Writes `contents` to the file `at` in the root.
    pub fn write(&self, at: &str, contents: impl AsRef<[u8]>) {
        fs::write(self.root().join(at), contents).unwrap();
    }

    /// Sets the mode of `at` in the root.
    pub fn chmod(&self, at: &str, mode: u32) {
        fs::set_permissions(self.root().join(at), fs::Permissions::from_mode(mode)).unwrap();
    }

    /// Plants a symbolic link at `at` in the root, pointing to `target` (as a hostile image would).
    pub fn link(&self, target: impl AsRef<Path>, at: &str) {
        std::os::unix::fs::symlink(target, self.root().join(at)).unwrap();
    }

    /// Everything under the outside folder: kind, mode, owner, bytes (links and FIFOs not followed).
    pub fn outside_snapshot(&self) -> BTreeMap<PathBuf, String> {
        snapshot(&self.outside())
    }
}

/// Every entry under `dir`, described (never following links, never opening FIFOs).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let ft = meta.file_type();
            let what = if ft.is_symlink() {
                format!("link -> {}", fs::read_link(&path).unwrap().display())
            } else if ft.is_dir() {
                stack.push(path.clone());
                "dir".to_string()
            } else if ft.is_file() {
                format!("file {:?}", fs::read(&path).unwrap())
            } else {
                "special".to_string()
            };
            let key = path.strip_prefix(dir).unwrap().to_path_buf();
            out.insert(
                key,
                format!(
                    "{what} mode {:o} owner {}:{}",
                    meta.mode(),
                    meta.uid(),
                    meta.gid()
                ),
            );
        }
    }
    out
}

pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// This test binary, started again with one ignored child test selected.
pub fn child(test: &str) -> Command {
    child_under(&[], test)
}

/// The same, wrapped in another program (`setpriv ...`, `unshare ...`) unless `wrapper` is empty.
pub fn child_under(wrapper: &[&str], test: &str) -> Command {
    let this = std::env::current_exe().unwrap();
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(this);
            command
        }
        None => Command::new(this),
    };
    command.args([
        test,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    command
}

/// The standard output of a finished child, after checking that it succeeded (else both streams, for the reader).
pub fn succeeded(what: &str, output: Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what}: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Prints the part of a child's output from `marker` on (the figure a child measured), failing if it is missing.
pub fn print_from(stdout: &str, marker: &str) {
    let line = stdout
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("{stdout}"));
    println!("{}", &line[line.find(marker).unwrap()..]);
}

/// The five files of a node that the crash tests write every generation, with their modes.
pub const NODE_FILES: [(&str, u32); 5] = [
    ("etc/containers/registries.conf", 0o644),
    (
        "etc/containers/registries.conf.d/01-image-searchRegistries.conf",
        0o644,
    ),
    ("etc/containers/policy.json", 0o644),
    ("var/lib/kubelet/config.json", 0o600),
    ("etc/docker/certs.d/mirror.example.com:5000/ca.crt", 0o644),
];

/// Runs `f` on another thread and fails if it takes longer than `limit`: a read that blocks fails the test
/// instead of hanging it.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{what}: still running after {limit:?} (blocked?)"))
}

/// A small xorshift: random choices without a dependency, reproducible from the printed seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn from_time() -> Rng {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1;
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Names left by a writer that the node must never keep: temporary files, trash, the journal.
pub fn leftovers(root: &Path) -> Vec<PathBuf> {
    snapshot(root)
        .into_keys()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".node-root.tmp")
                || name.ends_with(".node-root.trash")
                || name.starts_with(".node-root.journal")
        })
        .collect()
}
