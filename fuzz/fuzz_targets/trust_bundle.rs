//! ConfigMap CA bundles: reading, PEM/X.509 checks and certs.d folder naming never panic; every folder is one
//! plain path component, so the node file mirror-cli makes of it (`node::ca_files`) is
//! `etc/docker/certs.d/<one folder>/ca.crt` and never leaves the root.
//!
//! Raw bytes, so PEM and DER files seed it directly: the whole input is checked as one bundle, and it is also read
//! as a ConfigMap: NUL-separated `key=value` entries (a key starting with `b:` goes to `binaryData`), the first
//! entry doubling as a registry host for the key ↔ folder round trip.
#![no_main]

use std::path::{Component, Path};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mirror_cli::node::{ca_files, paths};
use trust_bundle::{
    Bundle, CheckPolicy, ConfigMapData, FolderBundle, Origin, UnixTime, check_bundle,
    check_bundle_with, check_bundles, classify_ca_file, folder_for_key, folders, key_for_host,
    plan_folders, plan_folders_with, read_config_map, render_text,
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
            Some(key) => {
                config_map.binary_data.insert(key.to_owned(), value.as_bytes().to_vec());
            }
            None => {
                config_map.data.insert(key.to_owned(), value.to_owned());
            }
        }
    }
    (config_map, host)
}

fn assert_folders(folders: &[FolderBundle]) {
    for folder in folders {
        let name = folder.folder();
        let mut components = Path::new(name).components();
        assert!(matches!(components.next(), Some(Component::Normal(c)) if c == name), "{name:?}");
        assert_eq!(components.next(), None, "{name:?}");
    }
    for file in ca_files(folders.to_vec()) {
        let path = &file.path;
        let mut components = path.components();
        for expected in Path::new(paths::CERTS_D).components() {
            assert_eq!(components.next(), Some(expected), "{path:?}");
        }
        let rest: Vec<Component> = components.collect();
        assert!(
            matches!(rest.as_slice(), [Component::Normal(_), Component::Normal(f)] if *f == paths::CA_FILE),
            "{path:?} is not certs.d/<folder>/ca.crt"
        );
        let root = Path::new("/node-root");
        assert!(root.join(path).starts_with(root));
    }
}

fuzz_target!(|data: &[u8]| {
    // 2024-01-01T00:00:00Z: a fixed "now" keeps runs reproducible.
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_704_067_200));

    let raw = Bundle {
        key: "fuzz.example.com..5000".to_owned(),
        origin: Origin::Data,
        bytes: data.to_vec(),
    };
    let lenient = check_bundle(&raw, now);
    let strict = check_bundle_with(&raw, CheckPolicy::strict(now));
    // The strict policy refuses more, never less, and refuses the same way where the lenient one refuses.
    match (&lenient, &strict) {
        (Err(l), Err(s)) => assert_eq!(l, s),
        (Err(l), Ok(_)) => panic!("strict accepts what lenient refuses: {l}"),
        _ => {}
    }
    let verdict = classify_ca_file(&raw, now);
    assert_eq!(verdict.is_usable(), strict.is_ok());
    // Binary or base64 content outside blocks is never shown: no 24 printable input bytes in a row appear in
    // what is printed of the refusal (these errors hold no input text at all).
    if let Err(
        error @ (trust_bundle::Error::BinaryData { .. }
        | trust_bundle::Error::HeaderlessBase64 { .. }
        | trust_bundle::Error::DerNotPem { .. }),
    ) = &strict
    {
        let shown = format!("{error} {error:?} {verdict:?}");
        assert!(
            !data.windows(24).any(|w| w.iter().all(u8::is_ascii_graphic) && shown.as_bytes().windows(24).any(|s| s == w)),
            "input shown: {shown}"
        );
    }

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
    let _ = render_text(&checks, |folder| paths::ca_file(folder).display().to_string());
    if let Ok(folders) = folders(&bundles) {
        assert_folders(&folders);
    }
    if let Ok(plan) = plan_folders(&bundles, now) {
        assert_folders(&plan.folders);
    }
    if let Ok(plan) = plan_folders_with(&bundles, CheckPolicy::strict(now)) {
        assert_folders(&plan.folders);
    }
});
