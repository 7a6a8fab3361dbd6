//! ConfigMap CA bundles: reading, PEM/X.509 checks and certs.d folder naming never panic, and no produced path
//! leaves the root: every file is `etc/docker/certs.d/<one folder>/ca.crt`.
#![no_main]

use std::collections::BTreeMap;
use std::path::{Component, Path};
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use trust_bundle::{
    Bundle, CERTS_D, ConfigMapData, Origin, UnixTime, check_bundle, check_bundles, folder_for_key,
    key_for_host, node_files, plan_node_files, read_config_map, render_text,
};

#[derive(Arbitrary, Debug)]
struct Input {
    data: BTreeMap<String, String>,
    binary_data: BTreeMap<String, String>,
    /// Raw bytes checked as one bundle (PEM framing and X.509 parsing).
    raw_bundle: Vec<u8>,
    host: String,
}

fn assert_under_certs_d(path: &Path) {
    let mut components = path.components();
    for expected in Path::new(CERTS_D).components() {
        assert_eq!(components.next(), Some(expected), "{path:?}");
    }
    let rest: Vec<Component> = components.collect();
    assert!(rest.len() <= 2, "{path:?} is deeper than certs.d/<folder>/ca.crt");
    assert!(rest.iter().all(|c| matches!(c, Component::Normal(_))), "{path:?}");
    let root = Path::new("/node-root");
    assert!(root.join(path).starts_with(root));
}

fuzz_target!(|input: Input| {
    // 2024-01-01T00:00:00Z: a fixed "now" keeps runs reproducible.
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_704_067_200));

    let raw = Bundle {
        key: "fuzz.example.com..5000".to_owned(),
        origin: Origin::Data,
        bytes: input.raw_bundle,
    };
    let _ = check_bundle(&raw, now).map(|report| format!("{report:?}"));

    for key in input.data.keys().chain(input.binary_data.keys()) {
        if let Ok(naming) = folder_for_key(key) {
            assert!(!naming.folder.is_empty() && !naming.folder.contains('/'), "{key:?}");
            assert!(naming.folder != "." && naming.folder != "..", "{key:?}");
        }
    }
    if let Ok(key) = key_for_host(&input.host)
        && let Ok(naming) = folder_for_key(&key)
    {
        assert_eq!(naming.folder, input.host, "key {key:?} names another folder");
    }

    let config_map = ConfigMapData {
        data: input.data,
        binary_data: input.binary_data,
    };
    let Ok(bundles) = read_config_map(&config_map) else {
        return;
    };
    let checks = check_bundles(&bundles, now);
    let _ = render_text(&checks);
    if let Ok(files) = node_files(&bundles) {
        for file in &files {
            assert_under_certs_d(&file.path);
            file.target_under(Path::new("/node-root")).expect("checked relative");
        }
    }
    if let Ok(plan) = plan_node_files(&bundles, now) {
        for file in &plan.files {
            assert_under_certs_d(&file.path);
        }
    }
});
