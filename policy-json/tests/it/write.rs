//! What `Policy::to_json` writes, pinned by snapshots: a file read and written back (unknown members and member
//! order kept), policies built in code (containers/image's member order), and OpenShift's renderings.

use policy_json::openshift::PolicyLists;
use policy_json::{
    Base64Data, Fulcio, KeyType, OrderedMap, Policy, Requirement, SignedBy, SignedIdentity,
    SigstoreSigned,
};

use crate::common::parse;

/// A policy with every requirement type, members in an unusual order, and unknown members at every level.
const MIXED: &str = r#"{"transports": {"docker": {
  "registry.redhat.io": [{"keyPaths": ["/etc/pki/a.gpg", "/etc/pki/b.gpg"], "type": "signedBy", "keyType": "GPGKeys"}],
  "quay.io/signed": [{"type": "sigstoreSigned", "x-comment": "keyless <&>", "fulcio": {"subjectEmail": "a@example.com", "caPath": "/ca.pem", "oidcIssuer": "https://oidc.example.com", "x": [1, 2.5, {"y": null}]}, "rekorPublicKeyData": "aGVsbG8=", "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.local:5000", "signedPrefix": "quay.io"}}],
  "docker.io": [{"type": "reject"}]
}, "x-custom": {}}, "x-top": true, "default": [{"type": "insecureAcceptAnything"}]}"#;

#[test]
fn a_file_read_and_written_back() {
    let policy = parse(MIXED);
    let written = policy.to_json();
    insta::assert_snapshot!("read_and_written_back", written);
    assert_eq!(parse(&written), policy);
    assert_eq!(parse(&written).to_json(), written);
}

#[test]
fn a_policy_built_in_code() {
    let mut docker = OrderedMap::new();
    docker.insert(
        "registry.redhat.io",
        vec![Requirement::SignedBy(SignedBy {
            key_type: Some(KeyType::GpgKeys),
            key_path: Some("/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release".into()),
            signed_identity: Some(SignedIdentity::MatchRepository(Default::default())),
            ..SignedBy::default()
        })],
    );
    docker.insert(
        "quay.io/openshift-release-dev",
        vec![Requirement::SigstoreSigned(Box::new(SigstoreSigned {
            fulcio: Some(Fulcio {
                ca_data: Some(Base64Data::encode(b"-----BEGIN CERTIFICATE-----")),
                oidc_issuer: Some("https://oidc.example.com".into()),
                subject_email: Some("release@example.com".into()),
                ..Fulcio::default()
            }),
            rekor_public_key_path: Some("/etc/pki/rekor.pub".into()),
            ..SigstoreSigned::default()
        }))],
    );
    let mut transports = OrderedMap::new();
    transports.insert("docker", docker);
    let policy = Policy {
        default: Some(vec![Requirement::reject()]),
        transports: Some(transports),
        ..Policy::default()
    };
    policy.validate().expect("containers/image accepts it");
    let written = policy.to_json();
    insta::assert_snapshot!("built_in_code", written);
    assert_eq!(parse(&written), parse(&written));
    assert_eq!(parse(&written).to_json(), written);
}

#[test]
fn openshift_allowed_registries() {
    let lists = PolicyLists {
        allowed: Some(vec![
            "registry.redhat.io".into(),
            "quay.io/ns1/ns2/ns3".into(),
            "*.apps.example.com".into(),
        ]),
        blocked: None,
    };
    insta::assert_snapshot!(
        "openshift_allowed",
        lists
            .render("quay.io/openshift-release-dev/ocp-release:4.16.0")
            .unwrap()
    );
}

#[test]
fn openshift_blocked_registries() {
    let lists = PolicyLists {
        blocked: Some(vec!["docker.io".into(), "a<b>&c.example.com".into()]),
        allowed: None,
    };
    insta::assert_snapshot!(
        "openshift_blocked",
        lists
            .render("quay.io/openshift-release-dev/ocp-release:4.16.0")
            .unwrap()
    );
}

/// Found by the `policy_json` fuzz target: a number with more digits than an f64 holds is written as its shortest
/// round-tripping form, which must parse back to the same value (serde_json parses floats exactly only with its
/// `float_roundtrip` feature), so a second trip writes the same bytes.
#[test]
fn a_long_number_in_an_unknown_member_survives_two_trips() {
    let text = format!(
        "{{\"default\": [{{\"type\": \"reject\"}}], \"x\": {{\"y\": [{}]}}}}",
        "5".repeat(83)
    );
    let once = Policy::parse(text.as_bytes()).expect("parses").to_json();
    let again = Policy::parse(once.as_bytes()).expect("parses back");
    let twice = again.to_json();
    assert_eq!(Policy::parse(twice.as_bytes()).expect("parses"), again);
    assert_eq!(twice, once);
}
