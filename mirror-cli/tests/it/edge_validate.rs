//! Strict like the API server (issue 13.2): `--validate=strict|warn|ignore` on every command reading objects;
//! unknown fields, a wrong apiVersion, no name and two objects of one kind with one name are errors by default.

use std::fs;

use crate::common::{assert_contains, run_cli};

const IMAGE: &str =
    "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\nspec: {}\n";

const TYPO: &str = "apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\n\
metadata: {name: typo}\nspec:\n  repositoryDigestMirror:\n  - source: quay.io/a\n    mirrors: [mirror.example.com/a]\n";

#[test]
fn an_unknown_field_is_an_error_with_its_path_and_the_closest_name() {
    for args in [
        vec!["render", "-f", "-"],
        vec!["ignition", "-f", "-"],
        vec!["icsp", "validate", "-"],
        vec!["render", "-f", "-", "--validate", "strict"],
        vec!["render", "-f", "-", "--validate=true"],
    ] {
        let (code, out, err) = run_cli(&args, TYPO);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains("unknown field \"spec.repositoryDigestMirror\"")
                && err.contains("repositoryDigestMirrors"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("ImageContentSourcePolicy/typo"),
            "{args:?}: {err}"
        );
    }
    // warn: a warning, and the command goes on; ignore: nothing.
    let (code, _, err) = run_cli(&["render", "-f", "-", "--validate", "warn"], TYPO);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning:") && err.contains("unknown field"),
        "{err}"
    );
    let (code, _, err) = run_cli(&["render", "-f", "-", "--validate=ignore"], TYPO);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("unknown field"), "{err}");
    let (code, out, err) = run_cli(&["icsp", "validate", "--validate=warn", "-"], TYPO);
    assert_eq!(code, 0, "{out}{err}");
    assert_contains(&err, "unknown field");
}

#[test]
fn a_wrong_api_version_and_a_missing_name_are_errors() {
    let wrong = IMAGE.replace("config.openshift.io/v1", "config.openshift.io/v2");
    let (code, _, err) = run_cli(&["render", "-f", "-"], &wrong);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "config.openshift.io/v2");
    let unnamed =
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {}\nspec: {}\n";
    let (code, _, err) = run_cli(&["render", "-f", "-"], &format!("{IMAGE}---\n{unnamed}"));
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "metadata.name");
}

#[test]
fn two_objects_of_one_kind_with_one_name_in_two_files_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let idms = "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: same}\n\
spec:\n  imageDigestMirrors:\n  - source: quay.io/a\n    mirrors: [mirror.example.com/a]\n";
    let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    fs::write(&a, idms).unwrap();
    fs::write(&b, idms.replace("quay.io/a", "quay.io/b")).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let (code, _, err) = run_cli(&["render", "-f", a, "-f", b], "");
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "ImageDigestMirrorSet/same");
    let (code, out, _) = run_cli(&["icsp", "validate", a, b], "");
    assert_eq!(code, 1, "{out}");
    assert_contains(&out, "ImageDigestMirrorSet/same");
    let (code, _, err) = run_cli(&["render", "-f", a, "-f", b, "--validate=warn"], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning:") && err.contains("ImageDigestMirrorSet/same"),
        "{err}"
    );
    // Within one stream too.
    let (code, _, err) = run_cli(&["render", "-f", "-"], &format!("{idms}---\n{idms}"));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn an_object_too_large_for_client_side_apply_is_shown() {
    let mut idms = String::from(
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: big}\nspec:\n  \
         imageDigestMirrors:\n",
    );
    for i in 0..3_000 {
        idms.push_str(&format!(
            "  - source: quay.io/team-{i}/app-{i}\n    mirrors: [mirror.example.com:5000/team-{i}/app-{i}]\n"
        ));
    }
    let (code, out, _) = run_cli(&["icsp", "validate", "-"], &idms);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("ImageDigestMirrorSet/big") && out.contains("must have at most 262144 bytes"),
        "{out}"
    );
}
