//! `mirror-cli render`: what it prints and writes, and that it writes nothing on error.

use crate::common::{self, assert_contains, assert_starts_with};
use std::fs;

use mirror_cli::cluster::Input;
use mirror_cli::commands::Exit;
use mirror_cli::commands::render::{RenderRequest, run};

fn render(request: &RenderRequest) -> (Result<Exit, mirror_cli::Error>, String, String) {
    common::capture(|out, err, style| run(request, out, err, style))
}

#[test]
fn example_lists_what_it_would_write() {
    let request = RenderRequest {
        example: true,
        show: true,
        ..Default::default()
    };
    let (result, out, err) = render(&request);
    assert_eq!(result.unwrap(), Exit::Ok);
    insta::assert_snapshot!("example_dry_run_stdout", out);
    insta::assert_snapshot!("example_dry_run_stderr", err);
}

#[test]
fn example_writes_a_node_root() {
    let root = tempfile::tempdir().unwrap();
    let request = common::example_request(root.path(), Default::default());
    let (result, out, _) = render(&request);
    assert_eq!(result.unwrap(), Exit::Ok);
    assert_contains(&out, "created");
    insta::assert_snapshot!(
        "example_root",
        common::tree(root.path(), |rel| rel
            .to_string_lossy()
            .ends_with("config.json"))
    );
    // A second render changes nothing.
    let (_, again, _) = render(&request);
    assert_eq!(again.matches("unchanged").count(), 4, "{again}");
}

#[test]
fn an_error_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let bad = Input {
        name: "bad.yaml".into(),
        bytes: b"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata: {name: x}\n\
spec:\n  repositoryDigestMirrors:\n  - source: Quay.io/Bad\n    mirrors: [mirror.example.com/bad]\n"
            .to_vec(),
    };
    let request = RenderRequest {
        inputs: vec![bad],
        example: true,
        root: Some(root.path().to_path_buf()),
        ..Default::default()
    };
    let (result, out, _) = render(&request);
    let err = result.unwrap_err().to_string();
    // OpenShift's words, after the place in the inputs.
    assert_eq!(
        err,
        "file bad.yaml, document 0, ImageContentSourcePolicy/x, spec.repositoryDigestMirrors[0].source: could not \
         update registries config with new changes: invalid format for source \"Quay.io/Bad\""
    );
    assert_eq!(out, "");
    assert_eq!(
        fs::read_dir(root.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn a_wrong_secret_type_is_refused_with_openshifts_message() {
    let secret = Input {
        name: "secret.yaml".into(),
        bytes: b"apiVersion: v1\nkind: Secret\nmetadata: {name: pull-secret, namespace: openshift-config}\n\
type: Opaque\ndata: {.dockerconfigjson: e30=}\n"
            .to_vec(),
    };
    let (result, _, _) = render(&RenderRequest {
        inputs: vec![secret],
        ..Default::default()
    });
    let err = result.unwrap_err().to_string();
    assert!(
        err.ends_with("expected secret type kubernetes.io/dockerconfigjson found Opaque"),
        "{err}"
    );
    assert_starts_with(&err, "secret.yaml: document 0");
}

#[test]
fn a_broken_pull_secret_is_named_once() {
    let secret = Input {
        name: "secret.yaml".into(),
        bytes: b"apiVersion: v1\nkind: Secret\nmetadata: {name: pull-secret, namespace: openshift-config}\n\
type: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{\"auths\": {,}}'}\n"
            .to_vec(),
    };
    let (result, _, _) = render(&RenderRequest {
        inputs: vec![secret],
        ..Default::default()
    });
    let err = result.unwrap_err();
    assert!(matches!(err, mirror_cli::Error::DockerConfig(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "secret.yaml: document 0 (Secret/openshift-config/pull-secret): line 1, column 12: invalid character ',' \
         looking for beginning of object key string"
    );
}

#[test]
fn other_kinds_are_reported_not_dropped() {
    let other = Input {
        name: "mixed.yaml".into(),
        bytes: b"apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\napiVersion: config.openshift.io/v1\n\
kind: Image\nmetadata: {name: not-cluster}\nspec: {}\n"
            .to_vec(),
    };
    // Alone they shape nothing: refused, naming what was read.
    let (result, _, _) = render(&RenderRequest {
        inputs: vec![other.clone()],
        ..Default::default()
    });
    assert_eq!(
        result.unwrap_err().to_string(),
        "mixed.yaml: read 2 objects: Namespace/demo, Image/not-cluster; none shapes node files"
    );
    // Beside the Image `cluster` they are reported, not dropped.
    let image = Input {
        name: "image.yaml".into(),
        bytes: b"apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\nspec: {}\n".to_vec(),
    };
    let (result, _, err) = render(&RenderRequest {
        inputs: vec![other, image],
        ..Default::default()
    });
    assert_eq!(result.unwrap(), Exit::Ok);
    insta::assert_snapshot!("other_kinds_stderr", err);
}

#[test]
fn a_file_the_runtime_would_refuse_is_flagged() {
    // OpenShift accepts `/` as a blocked scope and writes an entry with neither prefix nor location.
    let image = Input {
        name: "image.yaml".into(),
        bytes: b"apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\n\
spec:\n  registrySources:\n    blockedRegistries: [\"/\"]\n"
            .to_vec(),
    };
    let (result, _, err) = render(&RenderRequest {
        inputs: vec![image],
        ..Default::default()
    });
    assert_eq!(result.unwrap(), Exit::Ok);
    assert_contains(&err, "containers/image (CRI-O, podman) refuses it");
    insta::assert_snapshot!("runtime_refuses_stderr", err);
}

#[test]
fn a_large_registries_conf_is_written_as_the_plan_renders_it() {
    // Thousands of sources: registries.conf is written from the rules a block at a time (never held whole), and
    // must come out as the plan that holds it renders it; a second render finds it unchanged.
    use crate::pipeline_input::{Packing, idms_yaml};
    let input = Input {
        name: "idms.yaml".into(),
        bytes: idms_yaml(3_000, Packing::Documents { per_object: 100 }).into_bytes(),
    };
    let root = tempfile::tempdir().unwrap();
    let request = RenderRequest {
        inputs: vec![input.clone()],
        root: Some(root.path().to_path_buf()),
        ..Default::default()
    };
    let (result, out, _) = render(&request);
    assert_eq!(result.unwrap(), Exit::Ok);
    let cluster = mirror_cli::cluster::Cluster::read(&[input], &icsp::Limits::default()).unwrap();
    let plan = mirror_cli::node::plan(&cluster, &Default::default()).unwrap();
    let expected = plan
        .files
        .iter()
        .find(|f| f.path.ends_with("registries.conf"))
        .unwrap();
    assert!(
        expected.bytes.len() > 4 * 64 * 1024,
        "{}",
        expected.bytes.len()
    );
    let written = fs::read(root.path().join("etc/containers/registries.conf")).unwrap();
    assert!(
        written == expected.bytes,
        "the written registries.conf differs from the plan's"
    );
    assert_contains(
        &out,
        &format!("registries.conf (0644, {} bytes)", expected.bytes.len()),
    );
    let (_, again, _) = render(&request);
    assert_starts_with(&again, "unchanged");
}
