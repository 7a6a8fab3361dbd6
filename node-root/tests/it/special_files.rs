//! Issue 14 rows 2 and 6: FIFOs, devices and huge files where a file should be. A FIFO is reported at once (the
//! old `fs::read` blocked forever), `/dev/zero` behind a link is a link, a file over its limit is refused without
//! reading it whole, and an 8 GiB sparse file allocates nothing.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use node_root::{Budget, ErrorKind, FileKind, Found, Listing, Owner, Plan, Root, read_path};

use crate::common::{Ground, child, is_root, mkfifo, print_from, succeeded, within};

const LIMIT: u64 = 64 << 20;
const SECOND: Duration = Duration::from_secs(5);

#[test]
fn a_fifo_is_reported_at_once_never_read() {
    let ground = Ground::with_folders(&["etc/containers/registries.conf.d", "var/lib/kubelet"]);
    let root_path = ground.root();
    for fifo in [
        "etc/containers/registries.conf",
        "etc/containers/registries.conf.d/99.conf",
        "var/lib/kubelet/config.json",
    ] {
        mkfifo(&root_path.join(fifo));
    }
    let found = within(SECOND, "reading FIFOs", move || {
        let root = Root::open(&root_path).unwrap();
        let mut budget = Budget::unlimited();
        let mut kinds = Vec::new();
        for fifo in [
            "etc/containers/registries.conf",
            "etc/containers/registries.conf.d/99.conf",
            "var/lib/kubelet/config.json",
        ] {
            kinds.push(root.read(fifo, LIMIT, &mut budget).unwrap());
        }
        kinds.push(
            read_path(
                &root_path.join("var/lib/kubelet/config.json"),
                LIMIT,
                &mut budget,
            )
            .unwrap(),
        );
        let listing = root
            .read_dir("etc/containers/registries.conf.d", 10)
            .unwrap();
        // Writing over a FIFO is refused (never opened: opening one for writing would block too).
        let mut writer = root.lock(SECOND).unwrap();
        let mut plan = Plan::new();
        plan.file("etc/containers/registries.conf", b"x", 0o644, Owner::ROOT);
        let refused = writer.write(&plan).unwrap_err();
        (kinds, listing, refused.kind().clone())
    });
    let (kinds, listing, refused) = found;
    for found in &kinds {
        assert!(
            matches!(
                found,
                Found::NotRegular {
                    kind: FileKind::Fifo,
                    ..
                }
            ),
            "{found:?}"
        );
    }
    assert_eq!(
        listing,
        Listing::Entries(vec![node_root::Entry {
            name: "99.conf".into(),
            kind: FileKind::Fifo
        }])
    );
    assert!(matches!(
        refused,
        ErrorKind::Blocked {
            kind: FileKind::Fifo,
            ..
        }
    ));
}

#[test]
fn dev_zero_behind_a_link_is_a_link_and_a_device_is_never_opened() {
    let ground = Ground::with_folders(&["etc/containers"]);
    let root_path = ground.root();
    ground.link("/dev/zero", "etc/containers/registries.conf");
    let link = root_path.join("etc/containers/registries.conf");
    let (in_root, plain, device) = within(SECOND, "reading /dev/zero", move || {
        let root = Root::open(&root_path).unwrap();
        let mut budget = Budget::unlimited();
        let in_root = root
            .read("etc/containers/registries.conf", LIMIT, &mut budget)
            .unwrap();
        let plain = read_path(&link, LIMIT, &mut budget).unwrap();
        let device = read_path("/dev/zero".as_ref(), LIMIT, &mut budget).unwrap();
        assert_eq!(budget.spent(), 0, "nothing was read");
        (in_root, plain, device)
    });
    assert!(matches!(
        in_root,
        Found::NotRegular {
            kind: FileKind::Symlink,
            ..
        }
    ));
    assert!(matches!(
        plain,
        Found::NotRegular {
            kind: FileKind::Symlink,
            ..
        }
    ));
    assert_eq!(
        device,
        Found::NotRegular {
            at: PathBuf::from("/dev/zero"),
            kind: FileKind::CharDevice
        }
    );
    if is_root() {
        let dev = ground.root().join("etc/zero");
        let status = std::process::Command::new("mknod")
            .arg(&dev)
            .args(["c", "1", "5"])
            .status()
            .unwrap();
        assert!(status.success());
        let root = Root::open(ground.root()).unwrap();
        let found = root
            .read("etc/zero", LIMIT, &mut Budget::unlimited())
            .unwrap();
        assert!(matches!(
            found,
            Found::NotRegular {
                kind: FileKind::CharDevice,
                ..
            }
        ));
    }
}

#[test]
fn a_file_over_its_limit_is_refused_at_the_limit() {
    let ground = Ground::new();
    let root_path = ground.root();
    let limit = 4096;
    fs::write(root_path.join("at-limit"), vec![b'a'; limit as usize]).unwrap();
    fs::write(root_path.join("over-limit"), vec![b'a'; limit as usize + 1]).unwrap();
    let root = Root::open(&root_path).unwrap();
    let mut budget = Budget::unlimited();
    let found = root.read("at-limit", limit, &mut budget).unwrap();
    assert_eq!(found.file().unwrap().bytes.len(), limit as usize);
    let e = root.read("over-limit", limit, &mut budget).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooLarge { limit });
    assert_eq!(e.path(), std::path::Path::new("over-limit"));
    assert_eq!(
        e.to_string(),
        "cannot read over-limit: larger than 4096 bytes"
    );
    let e = read_path(&root_path.join("over-limit"), limit, &mut budget).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooLarge { limit });
}

/// Peak resident memory of this process, from `/proc/self/status`.
fn vm_hwm_kib() -> u64 {
    crate::proc_status::status_kib("VmHWM:")
}

#[test]
fn an_8_gib_sparse_file_allocates_nothing() {
    // In a child process: peak memory is per process, and other tests run in parallel threads here.
    let ground = Ground::new();
    let sparse = ground.root().join("etc/containers/registries.conf");
    fs::create_dir_all(sparse.parent().unwrap()).unwrap();
    fs::File::create(&sparse).unwrap().set_len(8 << 30).unwrap();
    let output = child("special_files::sparse_child")
        .env("NODE_ROOT_IT_ROOT", ground.root())
        .output()
        .unwrap();
    print_from(&succeeded("the child", output), "peak growth");
}

#[test]
#[ignore = "the child of an_8_gib_sparse_file_allocates_nothing"]
fn sparse_child() {
    let root_path = PathBuf::from(std::env::var_os("NODE_ROOT_IT_ROOT").unwrap());
    let root = Root::open(&root_path).unwrap();
    let before = vm_hwm_kib();
    let start = Instant::now();
    let mut budget = Budget::new(LIMIT * 4);
    let e = root
        .read("etc/containers/registries.conf", LIMIT, &mut budget)
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooLarge { limit: LIMIT });
    let e = read_path(
        &root_path.join("etc/containers/registries.conf"),
        LIMIT,
        &mut budget,
    )
    .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooLarge { limit: LIMIT });
    // A stream that lies about nothing but never ends: bounded by the limit.
    let e = node_root::read_limited(
        std::io::repeat(0),
        "<zeros>".as_ref(),
        16 << 20,
        &mut budget,
    )
    .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooLarge { limit: 16 << 20 });
    let growth = vm_hwm_kib().saturating_sub(before);
    println!("peak growth {growth} KiB in {:?}", start.elapsed());
    assert!(growth < 64 * 1024, "peak memory grew by {growth} KiB");
    // Bounded by bytes, not seconds: the 8 GiB file was refused on its size without a byte read (both ways), and
    // the endless stream was read one byte past its limit.
    assert_eq!(budget.spent(), (16 << 20) + 1);
}

#[test]
fn dev_zero_on_stdin_fails_fast() {
    let output = child("special_files::stdin_child")
        .stdin(fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    print_from(&succeeded("the child", output), "stdin refused");
}

#[test]
#[ignore = "the child of dev_zero_on_stdin_fails_fast"]
fn stdin_child() {
    let start = Instant::now();
    let mut budget = Budget::unlimited();
    let e = node_root::read_stdin(1 << 20, &mut budget).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TooLarge { limit: 1 << 20 });
    assert_eq!(
        budget.spent(),
        (1 << 20) + 1,
        "stopped one byte past the limit"
    );
    let stdin = std::io::stdin();
    let mut lines = node_root::Lines::new(stdin.lock(), "<stdin>", 4096, &mut budget);
    let e = lines.next_line().unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::LineTooLong {
            line: 1,
            limit: 4096
        }
    );
    println!("stdin refused in {:?}", start.elapsed());
    // Bounded by bytes, not seconds: the line reader stopped within one buffer past its limit.
    assert!(
        budget.spent() <= (1 << 20) + 1 + 4096 + 8192,
        "{}",
        budget.spent()
    );
}
