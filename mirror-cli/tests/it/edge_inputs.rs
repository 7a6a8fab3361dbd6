//! The edge contract on the inputs path (issue 13): no objects, no write; every refusal says where; `-f DIR` and
//! `-R`.

use std::fs;
use std::path::Path;

use crate::common::{self, assert_contains, input, run_cli};
use mirror_cli::commands::Exit;

const IMAGE_ONLY: &str =
    "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\nspec: {}\n";
const IDMS: &str = "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: m}\n\
spec:\n  imageDigestMirrors:\n  - source: quay.io/a\n    mirrors: [mirror.example.com/a]\n";

/// Runs the binary; returns the exit code, stdout and stderr.
fn is_empty_dir(path: &Path) -> bool {
    !path.exists() || fs::read_dir(path).unwrap().next().is_none()
}

#[test]
fn render_from_an_empty_stream_is_refused_and_writes_nothing() {
    for stdin in ["", "# only a comment\n", "---\n---\n# c\n---\n", "\n\n"] {
        let root = tempfile::tempdir().unwrap();
        let node = root.path().join("node");
        let (code, _, err) = run_cli(
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
    let (code, _, err) = run_cli(
        &["render", "-f", "-", "--root", root.path().to_str().unwrap()],
        pod,
    );
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        "<stdin>: read 1 object: Pod/p; none shapes node files",
    );
    assert!(is_empty_dir(root.path()));
    // The same for every command that renders from objects.
    for args in [
        vec!["ignition", "-f", "-"],
        vec!["verify", "-f", "-", "--root", root.path().to_str().unwrap()],
    ] {
        let (code, _, err) = run_cli(&args, pod);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("none shapes node files"), "{args:?}: {err}");
    }
}

#[test]
fn diff_refuses_an_empty_side() {
    let dir = tempfile::tempdir().unwrap();
    let idms = dir.path().join("idms.yaml");
    fs::write(&idms, IDMS).unwrap();
    let (code, _, err) = run_cli(&["diff", "--from", "-", "--to", idms.to_str().unwrap()], "");
    assert!(code >= 2, "{err}");
    assert_contains(&err, "<stdin>: no objects passed");
}

#[test]
fn a_cluster_without_mirror_objects_renders_from_its_image_config() {
    let root = tempfile::tempdir().unwrap();
    let (code, out, err) = run_cli(
        &["render", "-f", "-", "--root", root.path().to_str().unwrap()],
        IMAGE_ONLY,
    );
    assert_eq!(code, 0, "{err}");
    assert_contains(&out, "registries.conf");
    assert!(root.path().join("etc/containers/registries.conf").is_file());
}

#[test]
fn icsp_validate_without_a_mirror_object_is_not_clean() {
    let validate = common::validate_strict;

    let (result, out, _) = validate(vec![input("image.yaml", IMAGE_ONLY)]);
    assert_eq!(result.unwrap(), Exit::Failed, "{out}");
    assert_contains(
        &out,
        "image.yaml: read 1 object: Image/cluster; no ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet",
    );
    let (result, _, _) = validate(vec![input("empty.yaml", "---\n")]);
    assert_eq!(
        result.unwrap_err().to_string(),
        "empty.yaml: no objects passed"
    );
    let (result, out, _) = validate(vec![input("idms.yaml", IDMS)]);
    assert_eq!(result.unwrap(), Exit::Ok, "{out}");
}

#[test]
fn a_refused_rule_says_where_it_is_in_openshifts_words() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.yaml");
    let empty_source = "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: foo}\n\
spec:\n  imageDigestMirrors:\n  - source: \"\"\n    mirrors: [mirror.example.com/b]\n";
    fs::write(&file, format!("{IMAGE_ONLY}---\n{IDMS}---\n{empty_source}")).unwrap();
    let (code, out, err) = run_cli(&["render", "-f", file.to_str().unwrap()], "");
    assert_eq!(code, 2, "{out}{err}");
    let expected = format!(
        "error: file {}, document 2, ImageDigestMirrorSet/foo, spec.imageDigestMirrors[0].source: could not \
         update registries config with new changes: invalid format for source \"\"",
        file.display()
    );
    assert!(err.lines().any(|l| l == expected), "{err}");

    // A bad mirror of a List item: the item and the mirror's index.
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: operator.openshift.io/v1alpha1\n  \
kind: ImageContentSourcePolicy\n  metadata: {name: a}\n  spec:\n    repositoryDigestMirrors:\n    \
- source: quay.io/a\n      mirrors: [mirror.example.com/a]\n- apiVersion: operator.openshift.io/v1alpha1\n  \
kind: ImageContentSourcePolicy\n  metadata: {name: b}\n  spec:\n    repositoryDigestMirrors:\n    \
- source: quay.io/b\n      mirrors: [mirror.example.com/b, \"Bad Mirror\"]\n";
    let (code, _, err) = run_cli(&["render", "-f", "-"], list);
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        "error: file <stdin>, document 0 item 1, ImageContentSourcePolicy/b, \
             spec.repositoryDigestMirrors[0].mirrors[1]: could not update registries config with new changes: \
             invalid format for mirror \"Bad Mirror\"",
    );
}

#[test]
fn root_at_a_file_is_named_with_what_was_being_done() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("node");
    fs::write(&file, "not a folder").unwrap();
    let (code, _, err) = run_cli(
        &["render", "--example", "--root", file.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{}: not a folder (--root takes the node's root folder",
            file.display()
        )),
        "{err}"
    );
    assert!(!err.contains("os error 17"), "{err}");
    let under = file.join("sub");
    let (code, _, err) = run_cli(
        &["render", "--example", "--root", under.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        &format!("{}: creating the node's root folder: ", under.display()),
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a folder");
}

#[test]
fn a_folder_without_object_files_says_so() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README.md"), "# not objects\n").unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let folder = dir.path().to_str().unwrap();
    let (code, _, err) = run_cli(&["render", "-f", folder], "");
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        &format!(
            "{folder}: no .yaml, .yml or .json file in the folder (-R reads its subfolders too)"
        ),
    );
    let (code, _, err) = run_cli(&["icsp", "validate", "-R", folder], "");
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        &format!("{folder}: no .yaml, .yml or .json file in the folder or its subfolders"),
    );
}

#[test]
fn recursive_reads_subfolders_as_kubectl_does() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    fs::create_dir_all(&nested).unwrap();
    fs::write(dir.path().join("image.yaml"), IMAGE_ONLY).unwrap();
    fs::write(nested.join("idms.yml"), IDMS).unwrap();
    fs::write(nested.join("notes.txt"), "not read").unwrap();
    let folder = dir.path().to_str().unwrap();

    // Without -R only the folder's own files: the IDMS below is not read.
    let (code, out, err) = run_cli(&["render", "-f", folder, "--show"], "");
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("mirror.example.com/a"), "{out}");

    for flag in ["-R", "--recursive"] {
        let (code, out, err) = run_cli(&["render", flag, "-f", folder, "--show"], "");
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("location = \"mirror.example.com/a\""),
            "{flag}: {out}"
        );
    }
    let (code, out, err) = run_cli(&["icsp", "validate", "-R", folder], "");
    assert_eq!(code, 0, "{out}{err}");
    assert_contains(&out, "2 object(s) checked");
}
