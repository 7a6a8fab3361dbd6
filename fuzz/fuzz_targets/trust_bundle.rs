//! ConfigMap CA bundles: reading, PEM/X.509 checks and certs.d folder naming never panic, and no produced path
//! leaves the root: every file is `etc/docker/certs.d/<one folder>/ca.crt`.
//!
//! Raw bytes, so PEM and DER files seed it directly: the whole input is checked as one bundle, and it is also read
//! as a ConfigMap: NUL-separated `key=value` entries (a key starting with `b:` goes to `binaryData`), the first
//! entry doubling as a registry host for the key ↔ folder round trip.
#![no_main]

use std::path::{Component, Path};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use trust_bundle::{
    Bundle, CERTS_D, ConfigMapData, Origin, UnixTime, check_bundle, check_bundles, folder_for_key,
    key_for_host, node_files, plan_node_files, read_config_map, render_text,
};

/// The ConfigMap and host the input spells.
fn config_map_of(text: &str) -> (ConfigMapData, &str) {
    let mut config_map = ConfigMapData::default();
    let mut host = "";
    for (i, entry) in text.split('\0').enumerate() {
        let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
        if i == 0 {
            host = key;
        }
        match key.strip_prefix("b:") {
            Some(key) => config_map.binary_data.insert(key.to_owned(), value.to_owned()),
            None => config_map.data.insert(key.to_owned(), value.to_owned()),
        };
    }
    (config_map, host)
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

fuzz_target!(|data: &[u8]| {
    // 2024-01-01T00:00:00Z: a fixed "now" keeps runs reproducible.
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_704_067_200));

    let raw = Bundle {
        key: "fuzz.example.com..5000".to_owned(),
        origin: Origin::Data,
        bytes: data.to_vec(),
    };
    let _ = check_bundle(&raw, now).map(|report| format!("{report:?}"));

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (config_map, host) = config_map_of(text);
    for key in config_map.data.keys().chain(config_map.binary_data.keys()) {
        if let Ok(naming) = folder_for_key(key) {
            assert!(!naming.folder.is_empty() && !naming.folder.contains('/'), "{key:?}");
            assert!(naming.folder != "." && naming.folder != "..", "{key:?}");
        }
    }
    if let Ok(key) = key_for_host(host)
        && let Ok(naming) = folder_for_key(&key)
    {
        assert_eq!(naming.folder, host, "key {key:?} names another folder");
    }

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
