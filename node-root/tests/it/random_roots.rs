//! Random roots (folders, files, links pointing inside and outside, FIFOs, `/dev/zero`, odd modes) and random
//! reads, listings, writes and removals over them: nothing outside the root ever changes, no read returns bytes
//! from outside, no call blocks, and what a successful write wrote reads back.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::PathBuf;
use std::time::Duration;

use node_root::{Budget, Found, Owner, Plan, Resolver, Root};
use proptest::prelude::*;

use crate::common::{Ground, SECRET, mkfifo, within};
use crate::strategies::one_of;

#[derive(Debug, Clone)]
enum Node {
    Folder(u32),
    File(Vec<u8>, u32),
    LinkInside(String),
    LinkOutside(&'static str),
    Fifo,
}

#[derive(Debug, Clone)]
enum Action {
    Read(String),
    List(String),
    Folders(String),
    Write(Vec<(String, Vec<u8>, u32)>),
    Remove(String),
    Pending,
}

fn name() -> impl Strategy<Value = String> {
    one_of(&[
        "etc",
        "containers",
        "a",
        "b",
        "certs.d",
        "h:5000",
        "x y",
        ".hidden",
    ])
}

fn rel_path() -> impl Strategy<Value = String> {
    prop::collection::vec(name(), 1..4).prop_map(|names| names.join("/"))
}

fn mode() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![
        0o000, 0o600, 0o644, 0o755, 0o777, 0o1777, 0o4755, 0o311,
    ])
}

fn node() -> impl Strategy<Value = Node> {
    prop_oneof![
        3 => mode().prop_map(Node::Folder),
        3 => (prop::collection::vec(any::<u8>(), 0..64), mode()).prop_map(|(b, m)| Node::File(b, m)),
        2 => rel_path().prop_map(Node::LinkInside),
        2 => prop::sample::select(vec!["shadow", "dir", "fifo", "/dev/zero", "../../..", "/"]).prop_map(Node::LinkOutside),
        1 => Just(Node::Fifo),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => rel_path().prop_map(Action::Read),
        1 => prop_oneof![Just(String::new()), rel_path()].prop_map(Action::List),
        1 => rel_path().prop_map(Action::Folders),
        3 => prop::collection::vec((rel_path(), prop::collection::vec(any::<u8>(), 0..32), prop::sample::select(vec![0o644u32, 0o600])), 1..4)
            .prop_map(Action::Write),
        2 => rel_path().prop_map(Action::Remove),
        1 => Just(Action::Pending),
    ]
}

fn build(ground: &Ground, nodes: &[(String, Node)]) {
    let root = ground.root();
    for (path, node) in nodes {
        let target = root.join(path);
        let Some(parent) = target.parent() else {
            continue;
        };
        if fs::create_dir_all(parent).is_err() || fs::symlink_metadata(&target).is_ok() {
            continue;
        }
        match node {
            Node::Folder(_) => {
                let _ = fs::create_dir(&target);
            }
            Node::File(bytes, _) => {
                let _ = fs::write(&target, bytes);
            }
            Node::LinkInside(to) => {
                let _ = symlink(root.join(to), &target);
            }
            Node::LinkOutside(to) => {
                let to = if to.starts_with('/') || to.starts_with("..") {
                    PathBuf::from(to)
                } else {
                    ground.outside().join(to)
                };
                let _ = symlink(to, &target);
            }
            Node::Fifo => mkfifo(&target),
        }
    }
    // Modes last, so odd folder modes do not stop the building (root ignores them; others meet them).
    for (path, node) in nodes {
        if let Node::Folder(mode) | Node::File(_, mode) = node {
            let target = root.join(path);
            if fs::symlink_metadata(&target).is_ok_and(|m| !m.file_type().is_symlink()) {
                let _ = fs::set_permissions(&target, fs::Permissions::from_mode(*mode));
            }
        }
    }
}

fn run(ground: &Ground, actions: Vec<Action>, walk: bool) {
    let root_path = ground.root();
    within(Duration::from_secs(10), "random actions", move || {
        let mut root = Root::open(&root_path).unwrap();
        if walk {
            root = root.with_resolver(Resolver::ComponentWalk);
        }
        let mut budget = Budget::new(1 << 20);
        for action in actions {
            match action {
                Action::Read(path) => {
                    if let Ok(Found::File(file)) = root.read(&path, 4096, &mut budget) {
                        assert!(file.bytes != SECRET, "{path} read the outside secret");
                    }
                }
                Action::List(path) => {
                    let _ = root.read_dir(&path, 64);
                }
                Action::Folders(path) => {
                    let _ = root.folders_on_the_way(&path);
                }
                Action::Write(files) => {
                    let mut plan = Plan::new();
                    for (path, bytes, mode) in &files {
                        plan.file(path.as_str(), bytes, *mode, Owner::ROOT);
                    }
                    let mut writer = root.lock(Duration::from_secs(2)).unwrap();
                    if writer.write(&plan).is_ok() {
                        for (path, bytes, mode) in &files {
                            let found = root.read(path, 4096, &mut Budget::unlimited()).unwrap();
                            let file = found.file().unwrap_or_else(|| panic!("{path}: {found:?}"));
                            assert_eq!((&file.bytes, file.meta.mode), (bytes, *mode), "{path}");
                        }
                    }
                }
                Action::Remove(path) => {
                    let mut plan = Plan::new();
                    plan.remove_tree(path.as_str());
                    let mut writer = root.lock(Duration::from_secs(2)).unwrap();
                    if writer.write(&plan).is_ok() {
                        assert_eq!(
                            root.read(&path, 10, &mut Budget::unlimited()).unwrap(),
                            Found::Missing
                        );
                    }
                }
                Action::Pending => {
                    assert!(root.pending().unwrap().is_none());
                }
            }
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn nothing_outside_changes_and_nothing_blocks(
        nodes in prop::collection::vec((rel_path(), node()), 0..16),
        actions in prop::collection::vec(action(), 1..12),
        walk in any::<bool>(),
    ) {
        let ground = Ground::new();
        build(&ground, &nodes);
        let before = ground.outside_snapshot();
        run(&ground, actions, walk);
        prop_assert_eq!(ground.outside_snapshot(), before);
        prop_assert!(crate::common::leftovers(&ground.root()).is_empty());
    }
}
