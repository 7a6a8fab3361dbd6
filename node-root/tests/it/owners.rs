//! Issue 14 row 9: owners and modes as the machine-config daemon writes them. Created files and folders are
//! root-owned when run as root, modes exact whatever the umask; a file with the right bytes owned by uid 1000 is
//! replaced and reported (the old writer compared bytes and mode only, and left it).

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::time::Duration;

use node_root::{Difference, Outcome, Owner, Plan, Root};

use crate::common::{Ground, child, is_root, succeeded};

fn mode_and_owner(path: &std::path::Path) -> (u32, u32, u32) {
    let meta = fs::symlink_metadata(path).unwrap();
    (meta.mode() & 0o7777, meta.uid(), meta.gid())
}

#[test]
fn modes_are_exact_under_a_restrictive_umask() {
    let ground = Ground::new();
    let output = child("owners::umask_child")
        .env("NODE_ROOT_IT_ROOT", ground.root())
        .output()
        .unwrap();
    succeeded("the umask child", output);
    let root = ground.root();
    let uid = rustix::process::geteuid().as_raw();
    let gid = rustix::process::getegid().as_raw();
    for (path, mode) in [
        ("etc", 0o755),
        ("etc/containers", 0o755),
        ("etc/containers/registries.conf", 0o644),
        ("var/lib/kubelet", 0o755),
        ("var/lib/kubelet/config.json", 0o600),
        ("usr/local/bin/tool", 0o4755),
    ] {
        let (got_mode, got_uid, got_gid) = mode_and_owner(&root.join(path));
        assert_eq!(got_mode, mode, "{path}: {got_mode:o}");
        if is_root() {
            assert_eq!((got_uid, got_gid), (0, 0), "{path}");
        } else {
            assert_eq!((got_uid, got_gid), (uid, gid), "{path}");
        }
    }
}

#[test]
#[ignore = "the child of modes_are_exact_under_a_restrictive_umask"]
fn umask_child() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let root_path = PathBuf::from(std::env::var_os("NODE_ROOT_IT_ROOT").unwrap());
    let root = Root::open(&root_path).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.file("etc/containers/registries.conf", b"a\n", 0o644, Owner::ROOT)
        .file("var/lib/kubelet/config.json", b"{}\n", 0o600, Owner::ROOT)
        .file("usr/local/bin/tool", b"#!/bin/sh\n", 0o4755, Owner::ROOT);
    writer.write(&plan).unwrap();
}

#[test]
fn another_owner_with_the_right_bytes_is_replaced_and_reported() {
    if !is_root() {
        eprintln!("skipped: changing owners needs root");
        return;
    }
    let ground = Ground::new();
    let root_path = ground.root();
    let config = root_path.join("var/lib/kubelet/config.json");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::write(&config, b"{}\n").unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&config, Some(1000), Some(1000)).unwrap();
    let root = Root::open(&root_path).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.file("var/lib/kubelet/config.json", b"{}\n", 0o600, Owner::ROOT);
    let report = writer.write(&plan).unwrap();
    let outcome = report.outcomes[0].1;
    assert_eq!(
        outcome,
        Outcome::Replaced(Difference {
            bytes: false,
            mode: None,
            owner: Some(Owner {
                uid: 1000,
                gid: 1000
            })
        })
    );
    assert_eq!(outcome.to_string(), "replaced (owned by 1000:1000)");
    assert_eq!(mode_and_owner(&config), (0o600, 0, 0));
    assert_eq!(
        writer.write(&plan).unwrap().outcomes[0].1,
        Outcome::Unchanged
    );
    assert_eq!(
        writer.write(&plan).unwrap().generation,
        None,
        "nothing to do, no generation"
    );

    // Only the mode differs.
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    let outcome = writer.write(&plan).unwrap().outcomes[0].1;
    assert_eq!(
        outcome,
        Outcome::Replaced(Difference {
            bytes: false,
            mode: Some(0o644),
            owner: None
        })
    );
    assert_eq!(outcome.to_string(), "replaced (mode was 0644)");
}

#[test]
fn folders_on_the_way_show_owners_and_world_writable_modes() {
    let ground = Ground::with_folders(&["etc/docker/certs.d/h:5000"]);
    let root_path = ground.root();
    ground.chmod("etc/docker", 0o777);
    if is_root() {
        std::os::unix::fs::chown(root_path.join("etc/docker/certs.d"), Some(1000), Some(1000))
            .unwrap();
    }
    let root = Root::open(&root_path).unwrap();
    let folders = root
        .folders_on_the_way("etc/docker/certs.d/h:5000/ca.crt")
        .unwrap();
    let paths: Vec<_> = folders
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "",
            "etc",
            "etc/docker",
            "etc/docker/certs.d",
            "etc/docker/certs.d/h:5000"
        ]
    );
    let writable: Vec<_> = folders
        .iter()
        .filter(|f| f.meta.world_writable())
        .map(|f| f.path.clone())
        .collect();
    assert_eq!(writable, [PathBuf::from("etc/docker")]);
    if is_root() {
        assert_eq!(
            folders[3].meta.owner,
            Owner {
                uid: 1000,
                gid: 1000
            }
        );
    }
}
