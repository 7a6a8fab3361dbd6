//! verify sees what containers/image silently ignores (issue 13.9) and checks MicroShift roots (13.10).

use std::fs;
use std::path::Path;

use crate::common::{assert_contains, run_cli};

fn cli(args: &[&str]) -> (i32, String, String) {
    run_cli(args, "")
}

fn rendered(target: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let (code, _, err) = cli(&[
        "render",
        "--example",
        "--target",
        target,
        "--root",
        root.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    root
}

fn verify(root: &Path, target: &str) -> (i32, String) {
    let (code, out, err) = cli(&[
        "verify",
        "--example",
        "--target",
        target,
        "--root",
        root.to_str().unwrap(),
    ]);
    (code, format!("{out}{err}"))
}

fn plant(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Verifies the rendered OpenShift example after planting `bytes` at `relative`.
fn verify_planted(relative: &str, bytes: &[u8]) -> (i32, String) {
    let root = rendered("openshift");
    plant(root.path(), relative, bytes);
    verify(root.path(), "openshift")
}

#[test]
fn an_unusable_ca_no_object_asks_for_fails_verify() {
    let key = fs::read_to_string("tests/trust_data/ca-with-key.pem").unwrap();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "garbage",
            b"hello, I am not a certificate\n".to_vec(),
            "not a certificate",
        ),
        ("key", key.clone().into_bytes(), "key material"),
        (
            "expired",
            fs::read("tests/trust_data/expired-ca.pem").unwrap(),
            "expired",
        ),
    ];
    for (what, bytes, summary) in cases {
        let relative = "etc/docker/certs.d/other.example.com:5000/ca.crt";
        let (code, out) = verify_planted(relative, &bytes);
        assert_eq!(code, 1, "{what}: {out}");
        let line = out
            .lines()
            .find(|l| l.contains(relative))
            .unwrap_or_else(|| panic!("{what}: {out}"));
        assert!(line.starts_with("DRIFT"), "{what}: {line}");
        assert!(
            line.contains(&format!("{relative}: {summary}")),
            "{what}: {line}"
        );
        assert!(line.contains("unknown authority"), "{what}: {line}");
        // Never a line of the key.
        for key_line in key.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!out.contains(key_line), "{what}: key material printed");
        }
    }
    // The same under /etc/containers/certs.d, which containers/image reads first.
    let (code, out) = verify_planted(
        "etc/containers/certs.d/other.example.com/ca.crt",
        b"garbage",
    );
    assert_eq!(code, 1, "{out}");
    assert_contains(
        &out,
        "etc/containers/certs.d/other.example.com/ca.crt: not a certificate",
    );
}

#[test]
fn a_valid_ca_no_object_asks_for_is_listed_as_extra() {
    let relative = "etc/docker/certs.d/image-registry.openshift-image-registry.svc:5000/ca.crt";
    let (code, out) = verify_planted(relative, &fs::read("tests/trust_data/ca.pem").unwrap());
    assert_eq!(code, 0, "{out}");
    let line = out
        .lines()
        .find(|l| l.contains(relative))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.starts_with("ok") && line.contains("extra:"), "{line}");
}

#[test]
fn a_corrupt_ca_the_objects_ask_for_says_not_a_certificate() {
    let relative = "etc/docker/certs.d/mirror.registry.com:443/ca.crt";
    let (code, out) = verify_planted(relative, b"-----BEGIN CERTIFICATE-----\nbroken\n");
    assert_eq!(code, 1, "{out}");
    let line = out
        .lines()
        .find(|l| l.contains(relative) && l.starts_with("DRIFT"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_contains(line, "content differs; not a certificate: ");
}

#[test]
fn verify_checks_a_microshift_root() {
    let root = rendered("microshift");
    let (code, out) = verify(root.path(), "microshift");
    assert_eq!(code, 0, "{out}");
    assert!(!out.lines().any(|l| l.starts_with("missing")), "{out}");
    assert_contains(&out, "999-microshift-mirror.conf: same settings");
    assert_contains(&out, "etc/crio/openshift-pull-secret");

    // The host's own registries.conf is its own: it does not make the root drift.
    plant(
        root.path(),
        "etc/containers/registries.conf",
        b"unqualified-search-registries = [\"registry.access.redhat.com\", \"docker.io\"]\nshort-name-mode = \"enforcing\"\n",
    );
    let (code, out) = verify(root.path(), "microshift");
    assert_eq!(code, 0, "{out}");

    // Without the drop-in, it is missing.
    fs::remove_file(
        root.path()
            .join("etc/containers/registries.conf.d/999-microshift-mirror.conf"),
    )
    .unwrap();
    let (code, out) = verify(root.path(), "microshift");
    assert_eq!(code, 1, "{out}");
    assert_contains(
        &out,
        "missing  etc/containers/registries.conf.d/999-microshift-mirror.conf",
    );
}
