//! Key ↔ folder naming: tables (insta) and invariants (proptest).

use std::fmt::Write as _;
use std::path::{Component, Path};

use proptest::prelude::*;
use trust_bundle::{
    Bundle, Origin, folder_for_key, folders, key_for_host, mco_folder_name, node_ca_folder_name,
};

/// A folder name is one plain path component: joined to any `certs.d`, it stays directly inside it.
fn is_one_plain_component(folder: &str) -> bool {
    let mut components = Path::new(folder).components();
    matches!(components.next(), Some(Component::Normal(c)) if c == folder)
        && components.next().is_none()
}

#[test]
fn key_to_folder_table() {
    let keys = [
        "mirror.example.com..5000",
        "mirror.example.com",
        "localhost..5000",
        "10.0.0.1..5000",
        "image-registry.openshift-image-registry.svc..5000",
        "Registry.Example.COM..443",
        "a..b..5000",
        "x...5000",
        "host....5000",
        "host..",
        "host.",
        ".host",
        "host..0",
        "host..65536",
        "host..5000x",
        "under_score.example.com",
        "-bad.example.com",
        "ca.crt",
        "ca-bundle.pem",
        "..5000",
        "..",
        ".",
        "",
        "/etc/passwd",
        "../../etc",
        "a/b",
        "nul\0byte",
        "host:5000",
        "[fd00::1]..5000",
        "sp ace",
        "ünïcode",
    ];
    let mut out = String::new();
    writeln!(out, "key | MCO folder | node-ca folder | verdict").unwrap();
    for key in keys {
        let verdict = match folder_for_key(key) {
            Ok(naming) if naming.warnings.is_empty() => "ok".to_owned(),
            Ok(naming) => format!(
                "ok, warn: {}",
                naming
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Err(e) => format!("refused: {e}"),
        };
        writeln!(
            out,
            "{key:?} | {:?} | {:?} | {verdict}",
            mco_folder_name(key),
            node_ca_folder_name(key)
        )
        .unwrap();
    }
    insta::assert_snapshot!(out);
}

#[test]
fn host_to_key_table() {
    let hosts = [
        "mirror.example.com:5000",
        "mirror.example.com",
        "127.0.0.1:5000",
        "localhost:5000",
        "[fd00::1]:5000",
        "[fd00::1]",
        "fd00::1",
        "host:port",
        "host:",
        "https://mirror.example.com",
        "mirror.example.com/ns",
        "",
    ];
    let out: String = (hosts.iter())
        .map(|host| match key_for_host(host) {
            Ok(key) => format!("{host:?} -> key {key:?}\n"),
            Err(e) => format!("{host:?} -> refused: {e}\n"),
        })
        .collect();
    insta::assert_snapshot!(out);
}

fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?"
}

fn host() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(label(), 1..5),
        proptest::option::of(1u16..=65535),
    )
        .prop_map(|(labels, port)| {
            let name = labels.join(".");
            match port {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
}

proptest! {
    #[test]
    fn host_key_folder_round_trip(host in host()) {
        let key = key_for_host(&host).expect("valid host");
        let naming = folder_for_key(&key).expect("valid key");
        prop_assert_eq!(&naming.folder, &host);
        // Both OpenShift rules agree on every accepted key.
        prop_assert_eq!(node_ca_folder_name(&key), host);
    }

    #[test]
    fn arbitrary_keys_never_panic_nor_escape(key in any::<String>()) {
        if let Ok(naming) = folder_for_key(&key) {
            prop_assert!(!naming.folder.contains('/'));
            prop_assert!(naming.folder != "." && naming.folder != "..");
        }
        let bundle = Bundle { key: key.clone(), origin: Origin::Data, bytes: key.into_bytes() };
        if let Ok(folders) = folders(std::slice::from_ref(&bundle)) {
            for folder in folders {
                prop_assert!(is_one_plain_component(folder.folder()), "{:?}", folder.folder());
            }
        }
    }

    #[test]
    fn key_shaped_strings_never_escape(key in "[-._a-zA-Z0-9/]{0,40}") {
        let bundle = Bundle { key, origin: Origin::Data, bytes: Vec::new() };
        if let Ok(folders) = folders(&[bundle]) {
            for folder in folders {
                prop_assert!(is_one_plain_component(folder.folder()), "{:?}", folder.folder());
            }
        }
    }
}
