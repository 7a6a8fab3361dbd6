//! Certificates that would fail on the nodes are refused before they get there (issue 13.3): an expired CA in the
//! trusted-CA ConfigMap is an error for render, verify, ignition and `icsp validate`, and for `trust configmap` and
//! `manifests` unless `--allow-expired-ca` (then a warning); `trust check` exits 1.

use std::fs;

use crate::common::{assert_contains, run_cli};

const EXPIRED: &str = "tests/trust_data/expired-ca.pem";

/// The Image `cluster` naming a ConfigMap that holds `pem` for mirror.example.com:5000, and an IDMS.
fn objects_with_ca(pem: &str) -> String {
    let indented: String = pem.lines().map(|l| format!("    {l}\n")).collect();
    format!(
        "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {{name: cluster}}\n\
spec:\n  additionalTrustedCA: {{name: registry-config}}\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: registry-config, namespace: openshift-config}}\n\
data:\n  mirror.example.com..5000: |\n{indented}---\n\
apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {{name: m}}\n\
spec:\n  imageDigestMirrors:\n  - source: quay.io/a\n    mirrors: [mirror.example.com:5000/a]\n"
    )
}

#[test]
fn render_verify_and_ignition_refuse_an_expired_ca_in_the_config_map() {
    let objects = objects_with_ca(&fs::read_to_string(EXPIRED).unwrap());
    let root = tempfile::tempdir().unwrap();
    let node = root.path().join("node");
    let (code, _, err) = run_cli(
        &["render", "-f", "-", "--root", node.to_str().unwrap()],
        &objects,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "error: file <stdin>, document 1, ConfigMap/registry-config: data[\"mirror.example.com..5000\"]: \
             certificate #1"
        ) && err.contains("expired at 2010-01-01T00:00:00Z"),
        "{err}"
    );
    assert!(!node.exists(), "something was written");

    for args in [
        vec!["ignition", "-f", "-"],
        vec!["verify", "-f", "-", "--root", root.path().to_str().unwrap()],
    ] {
        let (code, _, err) = run_cli(&args, &objects);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("expired at"), "{args:?}: {err}");
    }

    // Allowed explicitly: written, with a warning.
    let (code, out, err) = run_cli(
        &[
            "render",
            "-f",
            "-",
            "--allow-expired-ca",
            "--root",
            node.to_str().unwrap(),
        ],
        &objects,
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning:") && err.contains("expired"), "{err}");
    assert_contains(&out, "certs.d/mirror.example.com:5000/ca.crt");
}

#[test]
fn icsp_validate_checks_the_config_maps_bundles() {
    let objects = objects_with_ca(&fs::read_to_string(EXPIRED).unwrap());
    let (code, out, err) = run_cli(&["icsp", "validate", "-"], &objects);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("file <stdin>, document 1, ConfigMap/registry-config: data[\"mirror.example.com..5000\"]:")
            && out.contains("expired at"),
        "{out}"
    );
    let garbage = objects_with_ca("not a certificate at all");
    let (code, out, _) = run_cli(&["icsp", "validate", "-"], &garbage);
    assert_eq!(code, 1, "{out}");
    assert_contains(&out, "ConfigMap/registry-config: data[");
    let good = objects_with_ca(&fs::read_to_string("tests/trust_data/ca.pem").unwrap());
    let (code, out, err) = run_cli(&["icsp", "validate", "-"], &good);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn trust_configmap_and_manifests_refuse_an_expired_ca_unless_allowed() {
    let pair = format!("registry.local={EXPIRED}");
    let (code, out, err) = run_cli(&["trust", "configmap", &pair], "");
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_contains(&err, "expired at");
    let (code, out, err) = run_cli(&["trust", "configmap", "--allow-expired-ca", &pair], "");
    assert_eq!(code, 0, "{err}");
    assert_contains(&out, "kind: ConfigMap");

    let dir = tempfile::tempdir().unwrap();
    let pull_secret = dir.path().join("ps.json");
    fs::write(&pull_secret, r#"{"auths":{}}"#).unwrap();
    let args = |extra: &[&'static str]| {
        let mut args = vec![
            "manifests".to_owned(),
            "--registry".into(),
            "mirror.example.com:5000".into(),
            "--ca".into(),
            EXPIRED.into(),
            "--pull-secret".into(),
            pull_secret.display().to_string(),
            "--username".into(),
            "admin".into(),
            "--password-stdin".into(),
            "--map".into(),
            "quay.io/a=mirror.example.com:5000/a".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let refused = args(&[]);
    let refused: Vec<&str> = refused.iter().map(String::as_str).collect();
    let (code, out, err) = run_cli(&refused, "pw\n");
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty() && err.contains("expired at"), "{err}");
    let allowed = args(&["--allow-expired-ca"]);
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let (code, out, err) = run_cli(&allowed, "pw\n");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning:") && out.contains("kind: ImageDigestMirrorSet"),
        "{err}"
    );
}

#[test]
fn trust_check_exits_1_on_an_expired_ca() {
    let (code, out, _) = run_cli(&["trust", "check", EXPIRED], "");
    assert_eq!(code, 1, "{out}");
    assert_contains(&out, "REFUSED");
}
