//! Issue 14: random hostile roots. Each case plants, where the node files and their folders go, a random mix of
//! folders and files with odd modes, links to the outside (files and folders), links inside, and FIFOs; then runs
//! verify and render over the root. Neither may block, and nothing outside the root may change: not a byte, not a
//! mode, not a name.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::time::Duration;

use mirror_cli::commands::Style;
use mirror_cli::commands::render::{self, RenderRequest};
use mirror_cli::commands::verify::{self, VerifyRequest};
use proptest::prelude::*;

use crate::common::{self, within_seconds};

/// Where the node files and their folders go, parents first.
const PLACES: [&str; 12] = [
    "etc",
    "etc/containers",
    "etc/containers/registries.conf",
    "etc/containers/registries.conf.d",
    "etc/containers/registries.conf.d/50-planted.conf",
    "etc/containers/policy.json",
    "etc/docker",
    "etc/docker/certs.d",
    "etc/docker/certs.d/mirror.registry.com:443",
    "etc/docker/certs.d/gone.example.com",
    "var",
    "var/lib",
];

#[derive(Debug, Clone)]
enum Plant {
    Nothing,
    Folder(u32),
    File(u32, Vec<u8>),
    LinkOutFile,
    LinkOutFolder,
    LinkInside(usize),
    Fifo,
}

fn plant() -> impl Strategy<Value = Plant> {
    let mode = prop_oneof![
        Just(0o755u32),
        Just(0o777),
        Just(0o700),
        Just(0o000),
        Just(0o1777),
        Just(0o644)
    ];
    prop_oneof![
        3 => Just(Plant::Nothing),
        4 => mode.clone().prop_map(Plant::Folder),
        2 => (mode, prop::collection::vec(any::<u8>(), 0..64)).prop_map(|(m, b)| Plant::File(m, b)),
        1 => Just(Plant::LinkOutFile),
        1 => Just(Plant::LinkOutFolder),
        1 => (0..PLACES.len()).prop_map(Plant::LinkInside),
        1 => Just(Plant::Fifo),
    ]
}

/// Everything under `dir`: path → (kind, mode, bytes), links not followed.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (String, u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for (rel, path, meta) in common::entries(dir) {
        let mode = meta.permissions().mode() & 0o7777;
        if meta.is_dir() {
            out.insert(rel, ("folder".into(), mode, Vec::new()));
        } else if meta.is_file() {
            out.insert(rel, ("file".into(), mode, fs::read(&path).unwrap()));
        } else {
            out.insert(rel, (format!("{:?}", meta.file_type()), mode, Vec::new()));
        }
    }
    out
}

fn build(root: &Path, outside: &Path, plants: &[Plant]) {
    for (place, plant) in PLACES.iter().zip(plants) {
        let path = root.join(place);
        // A parent that is not a plain folder: nothing can go under it.
        if !path
            .parent()
            .is_some_and(|p| fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()))
        {
            continue;
        }
        // Modes are set at the end: a 0000 folder must not stop the planting of its children.
        match plant {
            Plant::Nothing => {}
            Plant::Folder(_) => fs::create_dir(&path).unwrap(),
            Plant::File(_, bytes) => fs::write(&path, bytes).unwrap(),
            Plant::LinkOutFile => symlink(outside.join("secret"), &path).unwrap(),
            Plant::LinkOutFolder => symlink(outside.join("folder"), &path).unwrap(),
            Plant::LinkInside(i) => symlink(root.join(PLACES[*i]), &path).unwrap(),
            Plant::Fifo => {
                let status = std::process::Command::new("mkfifo")
                    .arg(&path)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
        }
    }
    for (place, plant) in PLACES.iter().zip(plants).rev() {
        if let Plant::Folder(mode) | Plant::File(mode, _) = plant {
            let path = root.join(place);
            if fs::symlink_metadata(&path).is_ok_and(|m| !m.file_type().is_symlink()) {
                fs::set_permissions(&path, fs::Permissions::from_mode(*mode)).unwrap();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn no_read_or_write_leaves_a_hostile_root(plants in prop::collection::vec(plant(), PLACES.len())) {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "root:$6$SECRET:19000::::::\n").unwrap();
        fs::create_dir(outside.path().join("folder")).unwrap();
        fs::write(outside.path().join("folder/ca.crt"), "outside CA").unwrap();
        let before = snapshot(outside.path());
        let root = tempfile::tempdir().unwrap();
        build(root.path(), outside.path(), &plants);

        let path = root.path().to_path_buf();
        let verified = within_seconds("verify", move || {
            let request = VerifyRequest { roots: vec![path], example: true, ..Default::default() };
            let mut out = Vec::new();
            let result = verify::run(&request, &mut out, &mut Vec::new(), &Style::plain());
            (result.map_err(|e| e.to_string()), String::from_utf8_lossy(&out).into_owned())
        });
        prop_assert!(!verified.1.contains("SECRET"), "verify printed the outside file:\n{}", verified.1);
        if let Err(e) = &verified.0 {
            prop_assert!(!e.contains("SECRET"), "{}", e);
        }

        let path = root.path().to_path_buf();
        let rendered = within_seconds("render", move || {
            let request = RenderRequest {
                example: true,
                root: Some(path),
                lock_timeout: Some(Duration::from_secs(5)),
                ..Default::default()
            };
            render::run(&request, &mut Vec::new(), &mut Vec::new(), &Style::plain()).map_err(|e| e.to_string())
        });
        prop_assert_eq!(snapshot(outside.path()), before, "render {:?} changed the outside", rendered);
    }
}
