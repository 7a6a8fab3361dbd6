//! Issue 14 rows 1 and 3: a symbolic link anywhere on the way, folder or file, is refused for read, list, write,
//! rename and remove, with either resolver, and nothing outside the root is read or touched. The old code checked
//! links by path (`symlink_metadata`) and then opened by path (`fs::read`, `fs::rename`), following them.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use node_root::{Budget, ErrorKind, FileKind, Found, Listing, Owner, Plan, Resolver, Root};

use crate::common::{Ground, SECRET};

const LIMIT: u64 = 1 << 20;

fn roots(path: &Path) -> [Root; 2] {
    let auto = Root::open(path).unwrap();
    assert_eq!(
        auto.resolver(),
        Resolver::Openat2,
        "this kernel has openat2"
    );
    [
        auto,
        Root::open(path)
            .unwrap()
            .with_resolver(Resolver::ComponentWalk),
    ]
}

fn blocked_at(e: &node_root::Error) -> (String, FileKind) {
    match e.kind() {
        ErrorKind::Blocked { at, kind } => (at.display().to_string(), *kind),
        other => panic!("expected a refusal, got {other:?}: {e}"),
    }
}

#[test]
fn a_link_to_a_secret_is_never_read() {
    let ground = Ground::with_links(
        &["etc/containers"],
        &[("etc/containers/policy.json", "shadow")],
    );
    let root_path = ground.root();
    // An absolute link inside the root's own namespace, and a relative one climbing out.
    ground.link("../../../outside/shadow", "etc/containers/registries.conf");
    let before = ground.outside_snapshot();
    for root in roots(&root_path) {
        for file in [
            "etc/containers/policy.json",
            "etc/containers/registries.conf",
        ] {
            let found = root.read(file, LIMIT, &mut Budget::unlimited()).unwrap();
            assert_eq!(
                found,
                Found::NotRegular {
                    at: file.into(),
                    kind: FileKind::Symlink
                }
            );
        }
    }
    assert_eq!(ground.outside_snapshot(), before);
}

#[test]
fn a_linked_folder_on_the_way_is_refused_for_everything() {
    let ground = Ground::with_links(&["etc", "var/lib"], &[("etc/containers", "dir")]);
    let root_path = ground.root();
    // A link to a folder inside the root is refused as well: no link is ever followed.
    fs::create_dir_all(root_path.join("real/kubelet")).unwrap();
    ground.link("../../real/kubelet", "var/lib/kubelet");
    let before = ground.outside_snapshot();
    for root in roots(&root_path) {
        let mut budget = Budget::unlimited();
        for (file, at) in [
            ("etc/containers/file", "etc/containers"),
            ("etc/containers/sub/deeper/file", "etc/containers"),
            ("var/lib/kubelet/config.json", "var/lib/kubelet"),
        ] {
            let found = root.read(file, LIMIT, &mut budget).unwrap();
            assert_eq!(
                found,
                Found::NotRegular {
                    at: at.into(),
                    kind: FileKind::Symlink
                },
                "{file}"
            );
        }
        assert_eq!(
            root.read_dir("etc/containers", 100).unwrap(),
            Listing::NotAFolder {
                at: "etc/containers".into(),
                kind: FileKind::Symlink
            }
        );
        let folders = root.folders_on_the_way("etc/containers/file").unwrap();
        assert_eq!(
            folders.len(),
            2,
            "the root and etc; the walk stops at the link"
        );

        let mut writer = root.lock(Duration::from_secs(5)).unwrap();
        // All or nothing: the first file is fine, the second goes through the link.
        let mut plan = Plan::new();
        plan.file("etc/fine.conf", b"fine", 0o644, Owner::ROOT)
            .file(
                "etc/containers/registries.conf",
                b"evil",
                0o644,
                Owner::ROOT,
            );
        let e = writer.write(&plan).unwrap_err();
        assert_eq!(blocked_at(&e), ("etc/containers".into(), FileKind::Symlink));
        assert!(e.partial().is_none());
        assert!(
            e.to_string()
                .contains("etc/containers is a symbolic link; refusing to follow it"),
            "{e}"
        );
        assert!(
            !root_path.join("etc/fine.conf").exists(),
            "nothing was written"
        );

        let mut plan = Plan::new();
        plan.file("var/lib/kubelet/config.json", b"{}", 0o600, Owner::ROOT);
        let e = writer.write(&plan).unwrap_err();
        assert_eq!(
            blocked_at(&e),
            ("var/lib/kubelet".into(), FileKind::Symlink)
        );

        // Removing a tree through a linked folder, or a tree that is itself a link.
        let mut plan = Plan::new();
        plan.remove_tree("etc/containers/sub");
        assert_eq!(
            blocked_at(&writer.write(&plan).unwrap_err()).1,
            FileKind::Symlink
        );
        let mut plan = Plan::new();
        plan.remove_tree("etc/containers");
        assert_eq!(
            blocked_at(&writer.write(&plan).unwrap_err()),
            ("etc/containers".into(), FileKind::Symlink)
        );
    }
    assert_eq!(ground.outside_snapshot(), before);
    assert!(
        root_path
            .join("real/kubelet")
            .read_dir()
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn a_linked_file_is_not_replaced_and_its_target_is_untouched() {
    let ground = Ground::with_links(
        &["etc/docker/certs.d"],
        &[
            ("etc/a.conf", "shadow"),
            ("etc/docker/certs.d/gone.example.com", "dir"),
        ],
    );
    let root_path = ground.root();
    let before = ground.outside_snapshot();
    for root in roots(&root_path) {
        let mut writer = root.lock(Duration::from_secs(5)).unwrap();
        let mut plan = Plan::new();
        plan.file("etc/a.conf", b"new", 0o644, Owner::ROOT);
        let e = writer.write(&plan).unwrap_err();
        assert_eq!(blocked_at(&e), ("etc/a.conf".into(), FileKind::Symlink));
        assert!(e.to_string().contains("refusing to follow it"), "{e}");
        let mut plan = Plan::new();
        plan.remove_tree("etc/docker/certs.d/gone.example.com");
        let e = writer.write(&plan).unwrap_err();
        assert_eq!(blocked_at(&e).1, FileKind::Symlink);
    }
    assert_eq!(ground.outside_snapshot(), before);
    assert!(
        fs::symlink_metadata(root_path.join("etc/a.conf"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn planted_temporary_files_and_trash_are_removed_never_followed() {
    // Someone who owns etc plants links where this crate puts its temporary file and its trash.
    let ground = Ground::with_links(
        &["etc/docker/certs.d/old:5000"],
        &[
            ("etc/.a.conf.node-root.tmp", "shadow"),
            ("etc/docker/certs.d/.old:5000.node-root.trash", "dir"),
        ],
    );
    let root_path = ground.root();
    ground.write("etc/docker/certs.d/old:5000/ca.crt", "old");
    let before = ground.outside_snapshot();
    let root = Root::open(&root_path).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.file("etc/a.conf", b"new\n", 0o644, Owner::ROOT)
        .remove_tree("etc/docker/certs.d/old:5000");
    writer.write(&plan).unwrap();
    assert_eq!(fs::read(root_path.join("etc/a.conf")).unwrap(), b"new\n");
    assert!(!root_path.join("etc/docker/certs.d/old:5000").exists());
    assert_eq!(ground.outside_snapshot(), before);
    assert!(crate::common::leftovers(&root_path).is_empty());
    assert_eq!(fs::read(ground.outside().join("shadow")).unwrap(), SECRET);
}

#[test]
fn a_linked_lock_file_or_journal_is_refused() {
    let ground = Ground::with_links(
        &[],
        &[
            (".node-root.lock", "shadow"),
            (".node-root.journal", "shadow"),
        ],
    );
    let root_path = ground.root();
    let before = ground.outside_snapshot();
    let root = Root::open(&root_path).unwrap();
    let e = root.lock(Duration::from_secs(1)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UntrustedLockFile(_)), "{e}");
    let e = root.pending().unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Journal(_)), "{e}");
    assert!(e.to_string().contains("is a symbolic link"), "{e}");
    assert_eq!(ground.outside_snapshot(), before);
}

#[test]
fn paths_that_climb_out_are_refused() {
    let ground = Ground::new();
    let root = Root::open(ground.root()).unwrap();
    for bad in [
        "../outside/shadow",
        "/etc/passwd",
        "etc/../../outside/shadow",
        "",
        "./etc",
    ] {
        let e = root.read(bad, LIMIT, &mut Budget::unlimited()).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::NotPlainPath(_)), "{bad}: {e}");
        let mut writer = root.lock(Duration::from_secs(5)).unwrap();
        let mut plan = Plan::new();
        plan.file(bad, b"x", 0o644, Owner::ROOT);
        assert!(matches!(
            writer.write(&plan).unwrap_err().kind(),
            ErrorKind::NotPlainPath(_)
        ));
        let mut plan = Plan::new();
        plan.remove_tree(bad);
        assert!(matches!(
            writer.write(&plan).unwrap_err().kind(),
            ErrorKind::NotPlainPath(_)
        ));
    }
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.file(".node-root.journal", b"x", 0o644, Owner::ROOT);
    assert_eq!(
        writer.write(&plan).unwrap_err().kind(),
        &ErrorKind::Reserved
    );
}

#[test]
fn the_admins_own_path_may_go_through_a_link() {
    let ground = Ground::new();
    let host = ground.dir.path().join("host");
    symlink(ground.root(), &host).unwrap();
    let root = Root::open(&host).unwrap();
    let mut writer = root.lock(Duration::from_secs(5)).unwrap();
    let mut plan = Plan::new();
    plan.file("etc/hostname", b"node\n", 0o644, Owner::ROOT);
    writer.write(&plan).unwrap();
    assert_eq!(
        fs::read(ground.root().join("etc/hostname")).unwrap(),
        b"node\n"
    );
}
