//! Issue 14 row 3: a user who owns `R/etc` swaps `etc/containers` between the real folder and a symbolic link to
//! a folder outside the root, in a tight loop (`renameat2(RENAME_EXCHANGE)`), while root writes generation after
//! generation. The old writer checked for links by path and then opened by path: a file landed outside within
//! ~10 renders. Here, with either resolver, writes succeed or are refused, and nothing ever appears outside.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use node_root::{ErrorKind, FileKind, Owner, Plan, Resolver, Root};

use crate::common::{Ground, child, child_under, is_root, succeeded};

const NOBODY: u32 = 65534;

#[test]
#[ignore = "the swapper process of a_swapped_folder_never_redirects_a_write"]
fn swap_child() {
    let etc = PathBuf::from(std::env::var_os("NODE_ROOT_IT_ETC").unwrap());
    let stop = PathBuf::from(std::env::var_os("NODE_ROOT_IT_STOP").unwrap());
    let dir = rustix::fs::open(
        &etc,
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY,
        rustix::fs::Mode::empty(),
    )
    .unwrap();
    let mut swaps: u64 = 0;
    loop {
        for _ in 0..256 {
            rustix::fs::renameat_with(
                &dir,
                "containers",
                &dir,
                "containers.swap",
                rustix::fs::RenameFlags::EXCHANGE,
            )
            .unwrap();
            swaps += 1;
        }
        if stop.exists() {
            break;
        }
    }
    println!(
        "swaps {swaps} as uid {}",
        rustix::process::getuid().as_raw()
    );
}

fn run(resolver: Resolver, generations: usize) {
    let ground = Ground::new();
    let root_path = ground.root();
    let etc = root_path.join("etc");
    fs::create_dir(&etc).unwrap();
    let other_uid = is_root();
    if other_uid {
        std::os::unix::fs::chown(&etc, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let root = Root::open(&root_path).unwrap().with_resolver(resolver);
    let files = |g: usize| {
        vec![
            (
                "etc/containers/registries.conf",
                format!("registries {g}\n"),
            ),
            ("etc/containers/policy.json", format!("policy {g}\n")),
            (
                "etc/containers/registries.conf.d/01-image-searchRegistries.conf",
                format!("search {g}\n"),
            ),
        ]
    };
    // The real folder exists (root-owned, as a node has it) before the swapping starts.
    {
        let mut writer = root.lock(Duration::from_secs(5)).unwrap();
        let files = files(0);
        let mut plan = Plan::new();
        for (path, bytes) in &files {
            plan.file(*path, bytes.as_bytes(), 0o644, Owner::ROOT);
        }
        writer.write(&plan).unwrap();
    }
    symlink(ground.outside().join("dir"), etc.join("containers.swap")).unwrap();
    if other_uid {
        std::os::unix::fs::lchown(etc.join("containers.swap"), Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let before = ground.outside_snapshot();
    let stop = ground.dir.path().join("stop");
    let mut command = if other_uid {
        child_under(
            &[
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
            ],
            "swapper::swap_child",
        )
    } else {
        child("swapper::swap_child")
    };
    let swapper = command
        .env("NODE_ROOT_IT_ETC", &etc)
        .env("NODE_ROOT_IT_STOP", &stop)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let (mut written, mut refused) = (0, 0);
    for g in 1..=generations {
        let mut writer = root.lock(Duration::from_secs(5)).unwrap();
        let files = files(g);
        let mut plan = Plan::new();
        for (path, bytes) in &files {
            plan.file(*path, bytes.as_bytes(), 0o644, Owner::ROOT);
        }
        match writer.write(&plan) {
            Ok(_) => written += 1,
            Err(e) => match e.kind() {
                ErrorKind::Blocked {
                    kind: FileKind::Symlink,
                    ..
                } => refused += 1,
                // The swapper won every one of the walk's retries (the folder changed while it was opened, again and
                // again): a refusal too, before anything was written.
                ErrorKind::Io
                    if e.io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::Interrupted) =>
                {
                    refused += 1
                }
                // The folder was swapped away between two steps of one write: refused as well, by the fd walk.
                _ => panic!("generation {g}: {e}"),
            },
        }
    }
    let elapsed = started.elapsed();
    fs::write(&stop, "").unwrap();
    let stdout = succeeded("the swapper", swapper.wait_with_output().unwrap());
    let swaps: u64 = stdout
        .lines()
        .find_map(|l| l.split_once("swaps ").map(|(_, rest)| rest))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    println!(
        "{resolver:?}: {generations} generations in {elapsed:?} against {swaps} swaps by uid {}: {written} written, \
         {refused} refused",
        if other_uid {
            NOBODY
        } else {
            rustix::process::geteuid().as_raw()
        }
    );
    assert_eq!(
        ground.outside_snapshot(),
        before,
        "nothing appeared outside the root"
    );
    assert!(
        swaps > generations as u64,
        "the swapper ran alongside ({swaps} swaps)"
    );
    assert!(
        written > 0 && refused > 0,
        "{written} written, {refused} refused"
    );
}

#[test]
fn a_swapped_folder_never_redirects_a_write_openat2() {
    run(Resolver::Openat2, 1000);
}

#[test]
fn a_swapped_folder_never_redirects_a_write_component_walk() {
    run(Resolver::ComponentWalk, 500);
}
