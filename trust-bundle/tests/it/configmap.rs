//! Reading and building the ConfigMap maps, and the certs.d folders named from them.

use proptest::prelude::*;
use trust_bundle::{
    Bundle, ConfigMapData, Error, Origin, build_config_map, folders, parse_from_file_arg,
    read_config_map,
};

use crate::common;

const PEM: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

fn b64(bytes: &[u8]) -> String {
    go_compat::encode_std_base64(bytes)
}

#[test]
fn read_orders_keys_data_first_and_decodes_like_openshift() {
    let mut cm = ConfigMapData::default();
    cm.data.insert("z.example.com".into(), PEM.into());
    cm.data.insert("a.example.com".into(), b64(b"decoded!"));
    cm.data
        .insert("m.example.com".into(), "aGVsbG8=\r\n".into()); // Go skips \r and \n
    cm.data.insert("n.example.com".into(), "aGVsbG8".into()); // unpadded: not base64 for Go
    cm.binary_data
        .insert("b.example.com".into(), vec![0, 159, 146, 150]);
    let bundles = read_config_map(&cm).expect("read");
    let rows: Vec<(&str, &Origin, &[u8])> = bundles
        .iter()
        .map(|b| (b.key.as_str(), &b.origin, b.bytes.as_slice()))
        .collect();
    assert_eq!(
        rows,
        [
            ("a.example.com", &Origin::Data, &b"decoded!"[..]),
            ("m.example.com", &Origin::Data, b"hello"),
            ("n.example.com", &Origin::Data, b"aGVsbG8"),
            ("z.example.com", &Origin::Data, PEM.as_bytes()),
            ("b.example.com", &Origin::BinaryData, &[0, 159, 146, 150]),
        ]
    );
}

#[test]
fn go_base64_accepts_non_zero_trailing_bits() {
    // "aGVsbG9=" has non-zero trailing bits; Go's non-strict StdEncoding accepts it.
    assert_eq!(
        go_compat::decode_std_base64("aGVsbG9=").expect("decodes"),
        b"hello"
    );
    assert!(go_compat::decode_std_base64("aGVsbG8").is_err());
    assert_eq!(go_compat::decode_std_base64("").expect("empty"), b"");
}

#[test]
fn read_refuses_a_key_in_both_maps() {
    // (binaryData that is not base64 never gets here: the object's reader, icsp, refuses it.)
    let mut cm = ConfigMapData::default();
    cm.data.insert("r".into(), PEM.into());
    cm.binary_data.insert("r".into(), PEM.into());
    let err = read_config_map(&cm).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "ConfigMap key \"r\" appears twice (data and binaryData)"
    );
}

#[test]
fn build_like_oc_create_configmap_from_file() {
    let der = common::ca().der;
    let cm = build_config_map([
        ("mirror.example.com:5000", "ca.crt", PEM.as_bytes()),
        ("10.0.0.1:5000", "ca.der", der.as_slice()),
        ("plain.example.com", "p.crt", PEM.as_bytes()),
    ])
    .expect("built");
    assert_eq!(
        cm.data.keys().collect::<Vec<_>>(),
        ["mirror.example.com..5000", "plain.example.com"]
    );
    assert_eq!(cm.data["mirror.example.com..5000"], PEM);
    assert_eq!(
        cm.binary_data.keys().collect::<Vec<_>>(),
        ["10.0.0.1..5000"]
    );
    assert_eq!(cm.binary_data["10.0.0.1..5000"], der);
}

#[test]
fn build_refuses_duplicates_and_ipv6() {
    let err = build_config_map([
        ("r.example.com:5000", "a.crt", PEM.as_bytes()),
        ("r.example.com:5000", "b.crt", PEM.as_bytes()),
    ])
    .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "ConfigMap key \"r.example.com..5000\" appears twice (file \"a.crt\" and file \"b.crt\")"
    );
    let err = build_config_map([("[fd00::1]:5000", "a.crt", PEM.as_bytes())]).expect_err("refused");
    assert!(matches!(err, Error::UnrepresentableHost { .. }));
}

#[test]
fn from_file_arguments() {
    let parsed = parse_from_file_arg("mirror.example.com:5000=/tmp/ca=1.crt").expect("parsed");
    assert_eq!(parsed.host, "mirror.example.com:5000");
    assert_eq!(parsed.key, "mirror.example.com..5000");
    assert_eq!(parsed.path, "/tmp/ca=1.crt");
    for bad in ["ca.crt", "=ca.crt", "host:5000=", "[::1]:5000=ca.crt"] {
        assert!(parse_from_file_arg(bad).is_err(), "{bad}");
    }
}

#[test]
fn folders_of_a_config_map() {
    let mut cm = ConfigMapData::default();
    cm.data
        .insert("mirror.example.com..5000".into(), PEM.into());
    cm.binary_data
        .insert("bin.example.com".into(), vec![1, 2, 3]);
    let folders = folders(&read_config_map(&cm).expect("read")).expect("folders");
    let rows: Vec<(&str, &[u8])> = folders.iter().map(|f| (f.folder(), f.bytes())).collect();
    assert_eq!(
        rows,
        [
            ("bin.example.com", &[1u8, 2, 3][..]),
            // The bytes unchanged: no newline added.
            ("mirror.example.com:5000", PEM.as_bytes()),
        ]
    );
    assert_eq!(
        format!("{:?}", folders[1]),
        r#"FolderBundle { folder: "mirror.example.com:5000", bytes: <59 bytes> }"#,
        "Debug shows no content"
    );
}

#[test]
fn folders_refuse_two_bundles_for_one_folder() {
    let bundle = |origin| Bundle {
        key: "r..5000".into(),
        origin,
        bytes: PEM.into(),
    };
    let err = folders(&[bundle(Origin::Data), bundle(Origin::File("x".into()))]).expect_err("dup");
    assert!(matches!(err, Error::DuplicateFolder { folder, .. } if folder == "r:5000"));
}

proptest! {
    #[test]
    fn build_then_read_gives_the_bytes_back(
        text in "-----BEGIN [ -~\n]{0,80}",
        binary in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        // PEM text never decodes as base64 ('-' and ' ' are outside the alphabet), so
        // OpenShift writes it unchanged; non-UTF-8 goes through binaryData.
        let mut binary = binary;
        binary.push(0xff); // never valid UTF-8
        let cm = build_config_map([
            ("t.example.com", "t", text.as_bytes()),
            ("b.example.com:1", "b", binary.as_slice()),
        ]).expect("built");
        let bundles = read_config_map(&cm).expect("read");
        prop_assert_eq!(&bundles[0].bytes, &text.into_bytes());
        prop_assert_eq!(&bundles[1].bytes, &binary);
        prop_assert_eq!(&bundles[1].origin, &Origin::BinaryData);
    }

    #[test]
    fn read_never_panics(
        data in proptest::collection::btree_map("[-._a-z0-9]{0,8}", any::<String>(), 0..4),
        binary in proptest::collection::btree_map("[-._A-Z0-9]{0,8}", proptest::collection::vec(any::<u8>(), 0..24), 0..4),
    ) {
        let cm = ConfigMapData { data, binary_data: binary };
        if let Ok(bundles) = read_config_map(&cm) {
            let _ = folders(&bundles);
        }
    }
}
