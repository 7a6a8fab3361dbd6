//! The edge contract on the inputs path (issue 13): no objects, no write; every refusal says where; `-f DIR` and
//! `-R`.

use std::fs;
use std::path::Path;

use crate::common::{self, input, run_binary};
use mirror_cli::commands::Exit;
use mirror_cli::commands::icsp_cmd::{self, IcspRequest, ValidateRequest};

const IMAGE_ONLY: &str =
    "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\nspec: {}\n";
const IDMS: &str = "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: m}\n\
spec:\n  imageDigestMirrors:\n  - source: quay.io/a\n    mirrors: [mirror.example.com/a]\n";

/// Runs the binary; returns the exit code, stdout and stderr.
fn cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    let output = run_binary(args, stdin);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn is_empty_dir(path: &Path) -> bool {
    !path.exists() || fs::read_dir(path).unwrap().next().is_none()
}

#[test]
fn render_from_an_empty_stream_is_refused_and_writes_nothing() {
    for stdin in ["", "# only a comment\n", "---\n---\n# c\n---\n", "\n\n"] {
        let root = tempfile::tempdir().unwrap();
        let node = root.path().join("node");
        let (code, _, err) = cli(
            &["render", "-f", "-", "--root", node.to_str().unwrap()],
            stdin,
        );
        assert_eq!(code, 2, "{stdin:?}: {err}");
        assert!(
            err.contains("<stdin>: no objects passed"),
            "{stdin:?}: {err}"
        );
        assert!(is_empty_dir(&node), "{stdin:?}: something was written");
    }
}

#[test]
fn objects_none_of_which_shape_node_files_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n";
    let (code, _, err) = cli(
        &["render", "-f", "-", "--root", root.path().to_str().unwrap()],
        pod,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("<stdin>: read 1 object: Pod/p; none shapes node files"),
        "{err}"
    );
    assert!(is_empty_dir(root.path()));
    // The same for every command that renders from objects.
    for args in [
        vec!["ignition", "-f", "-"],
        vec!["verify", "-f", "-", "--root", root.path().to_str().unwrap()],
    ] {
        let (code, _, err) = cli(&args, pod);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("none shapes node files"), "{args:?}: {err}");
    }
}

#[test]
fn diff_refuses_an_empty_side() {
    let dir = tempfile::tempdir().unwrap();
    let idms = dir.path().join("idms.yaml");
    fs::write(&idms, IDMS).unwrap();
    let (code, _, err) = cli(&["diff", "--from", "-", "--to", idms.to_str().unwrap()], "");
    assert!(code >= 2, "{err}");
    assert!(err.contains("<stdin>: no objects passed"), "{err}");
}

#[test]
fn a_cluster_without_mirror_objects_renders_from_its_image_config() {
    let root = tempfile::tempdir().unwrap();
    let (code, out, err) = cli(
        &["render", "-f", "-", "--root", root.path().to_str().unwrap()],
        IMAGE_ONLY,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("registries.conf"), "{out}");
    assert!(root.path().join("etc/containers/registries.conf").is_file());
}

#[test]
fn icsp_validate_without_a_mirror_object_is_not_clean() {
    let validate = |inputs| {
        common::capture(|out, err, style| {
            icsp_cmd::run(
                &IcspRequest::Validate(ValidateRequest {
                    inputs,
                    format: Default::default(),
                }),
                out,
                err,
                style,
            )
        })
    };
    let (result, out, _) = validate(vec![input("image.yaml", IMAGE_ONLY)]);
    assert_eq!(result.unwrap(), Exit::Failed, "{out}");
    assert!(
        out.contains("image.yaml: read 1 object: Image/cluster; no ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet"),
        "{out}"
    );
    let (result, _, _) = validate(vec![input("empty.yaml", "---\n")]);
    assert_eq!(
        result.unwrap_err().to_string(),
        "empty.yaml: no objects passed"
    );
    let (result, out, _) = validate(vec![input("idms.yaml", IDMS)]);
    assert_eq!(result.unwrap(), Exit::Ok, "{out}");
}
