//! The last fixes of the edge contract and the hostile ground: every listing under `--root` goes through node-root.

use std::fs;
use std::os::unix::fs::symlink;

use mirror_cli::commands::Style;
use mirror_cli::commands::verify::{self, VerifyRequest};
use mirror_cli::node::RenderOptions;

use crate::common::{example_root, write_file};

/// Runs verify over `root` against the built-in example: the checklist.
fn verify_text(root: &std::path::Path) -> String {
    let request = VerifyRequest {
        roots: vec![root.to_path_buf()],
        example: true,
        ..Default::default()
    };
    let mut out = Vec::new();
    verify::run(&request, &mut out, &mut Vec::new(), &Style::plain()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_certs_d_folder_that_is_a_link_out_of_the_root_is_reported_not_followed() {
    let root = example_root(RenderOptions::default());
    let outside = tempfile::tempdir().unwrap();
    // Outside the root: a folder whose listing and CA verify must never see.
    let target = outside.path().join("hidden-folder");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("outside-only.crt"), b"not a certificate").unwrap();
    symlink(
        &target,
        root.path().join("etc/docker/certs.d/linked.example.com"),
    )
    .unwrap();
    fs::create_dir_all(root.path().join("etc/containers")).unwrap();
    symlink(&target, root.path().join("etc/containers/certs.d")).unwrap();

    let text = verify_text(root.path());
    assert!(
        text.contains(
            "DRIFT    etc/docker/certs.d/linked.example.com: is a symbolic link; not followed"
        ),
        "{text}"
    );
    assert!(
        text.contains("DRIFT    etc/containers/certs.d: is a symbolic link; not followed"),
        "{text}"
    );
    // Nothing listed or read outside the root appears.
    assert!(!text.contains("outside-only"), "{text}");
    assert!(!text.contains("not a certificate"), "{text}");
    assert!(!text.contains("hidden-folder"), "{text}");
}

/// An IDMS with `count` sources, each with its own mirror host.
fn many_mirrors(count: usize) -> String {
    let mut text = String::from(
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: many\nspec:\n  \
         imageDigestMirrors:\n",
    );
    for i in 0..count {
        text.push_str(&format!(
            "  - mirrors:\n    - mirror{i}.example.com/team\n    source: source{i}.example.com/team\n"
        ));
    }
    text
}

#[test]
fn the_credentials_line_names_the_first_mirrors_and_the_json_names_them_all() {
    let root = tempfile::tempdir().unwrap();
    let request = VerifyRequest {
        roots: vec![root.path().to_path_buf()],
        inputs: vec![crate::common::input("many.yaml", many_mirrors(8))],
        ..Default::default()
    };
    let mut out = Vec::new();
    verify::run(&request, &mut out, &mut Vec::new(), &Style::plain()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("no credentials for the mirror(s)"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.ends_with(
            "mirror0.example.com/team, mirror1.example.com/team, mirror2.example.com/team, \
             mirror3.example.com/team, mirror4.example.com/team and 3 more"
        ),
        "{line}"
    );

    let json = VerifyRequest {
        json: true,
        ..request
    };
    let mut out = Vec::new();
    verify::run(&json, &mut out, &mut Vec::new(), &Style::plain()).unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let reason = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "credentials")
        .and_then(|c| c["reason"].as_str())
        .unwrap()
        .to_owned();
    for i in 0..8 {
        assert!(
            reason.contains(&format!("mirror{i}.example.com/team")),
            "{reason}"
        );
    }
    assert!(!reason.contains("more"), "{reason}");
}

const ICSP_WITH_UNKNOWN_FIELD: &str = "apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: mirrors
spec:
  repositoryDigestMirror:
  - mirrors:
    - mirror.example.com/ubi
    source: registry.example.com/ubi
  repositoryDigestMirrors:
  - mirrors:
    - mirror.example.com/ubi
    source: registry.example.com/ubi
";

#[test]
fn icsp_migrate_takes_validate_strict_by_default_warn_and_ignore_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let file = &write_file(dir.path(), "icsp.yaml", ICSP_WITH_UNKNOWN_FIELD);
    let run = |extra: &[&str]| {
        let mut args = vec!["icsp", "migrate", file];
        args.extend_from_slice(extra);
        let output = crate::common::run_binary(&args, "");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (code, out, err) = run(&[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("repositoryDigestMirror"), "{err}");
    assert!(out.is_empty(), "{out}");

    let (code, out, err) = run(&["--validate=warn"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("repositoryDigestMirror\""), "{err}");
    assert!(out.contains("kind: ImageDigestMirrorSet"), "{out}");
    assert!(out.contains("mirror.example.com/ubi"), "{out}");

    let (code, out, err) = run(&["--validate=ignore"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!err.contains("repositoryDigestMirror"), "{err}");
    assert!(out.contains("kind: ImageDigestMirrorSet"), "{out}");
}

#[test]
fn max_input_bytes_raises_the_bound_a_file_just_over_the_default_meets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("icsp.yaml");
    // A valid ICSP, padded with a comment to one byte over the default per-file bound.
    let icsp = ICSP_WITH_UNKNOWN_FIELD.replace("  repositoryDigestMirror:\n  - mirrors:\n    - mirror.example.com/ubi\n    source: registry.example.com/ubi\n", "");
    let over = usize::try_from(mirror_cli::commands::MAX_INPUT_BYTES).unwrap() + 1;
    let mut bytes = icsp.into_bytes();
    bytes.extend_from_slice(b"# ");
    bytes.resize(over - 1, b'x');
    bytes.push(b'\n');
    assert_eq!(bytes.len(), over);
    fs::write(&path, &bytes).unwrap();
    let file = path.to_str().unwrap();

    let output = crate::common::run_binary(&["icsp", "migrate", file], "");
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "larger than {} bytes (--max-input-bytes BYTES raises the bound)",
            mirror_cli::commands::MAX_INPUT_BYTES
        )),
        "{err}"
    );

    let raised = (over + 1).to_string();
    let output =
        crate::common::run_binary(&["icsp", "migrate", "--max-input-bytes", &raised, file], "");
    let err = String::from_utf8(output.stderr).unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(out.contains("kind: ImageDigestMirrorSet"), "{out}");
    assert!(out.contains("mirror.example.com/ubi"), "{out}");
}

#[test]
fn max_input_bytes_raises_the_object_stream_bound_for_render_and_icsp_validate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idms.yaml");
    // Over icsp's per-stream bound (32 MiB), under the per-file one (64 MiB): only the stream bound refuses it.
    let idms = "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: big\nspec:\n  \
                imageDigestMirrors:\n  - mirrors:\n    - mirror.example.com/ubi\n    source: registry.example.com/ubi\n";
    let size = icsp::DEFAULT_MAX_BYTES + 1024;
    let mut bytes = idms.as_bytes().to_vec();
    bytes.extend_from_slice(b"# ");
    bytes.resize(size - 1, b'x');
    bytes.push(b'\n');
    fs::write(&path, &bytes).unwrap();
    let file = path.to_str().unwrap();
    let raised = (size * 2).to_string();

    let output = crate::common::run_binary(&["render", "-f", file], "");
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains(&icsp::DEFAULT_MAX_BYTES.to_string()), "{err}");

    let output =
        crate::common::run_binary(&["render", "--max-input-bytes", &raised, "-f", file], "");
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("etc/containers/registries.conf")
    );

    let output = crate::common::run_binary(&["icsp", "validate", file], "");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let output = crate::common::run_binary(
        &["icsp", "validate", "--max-input-bytes", &raised, file],
        "",
    );
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{err}");
}

#[test]
fn resolve_names_a_certs_d_folder_only_when_nothing_on_the_way_is_a_link() {
    use mirror_cli::explain::certs_d_folder;
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(outside.path().join("h.example.com:5000")).unwrap();
    let root = tempfile::tempdir().unwrap();
    let certs_d = root.path().join("etc/docker/certs.d");
    fs::create_dir_all(&certs_d).unwrap();
    // The host's folder a link to a folder outside the root: not the node's folder.
    std::os::unix::fs::symlink(
        outside.path().join("h.example.com:5000"),
        certs_d.join("h.example.com:5000"),
    )
    .unwrap();
    assert_eq!(certs_d_folder(root.path(), "h.example.com:5000"), None);
    // A real folder is named.
    fs::create_dir_all(certs_d.join("real.example.com")).unwrap();
    assert_eq!(
        certs_d_folder(root.path(), "real.example.com").as_deref(),
        Some("/etc/docker/certs.d/real.example.com")
    );
    // A link higher up (etc/docker) hides every folder below it.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir_all(other.path().join("docker/certs.d/real.example.com")).unwrap();
    let root2 = tempfile::tempdir().unwrap();
    fs::create_dir_all(root2.path().join("etc")).unwrap();
    std::os::unix::fs::symlink(other.path().join("docker"), root2.path().join("etc/docker"))
        .unwrap();
    assert_eq!(certs_d_folder(root2.path(), "real.example.com"), None);
}

#[test]
fn probe_from_an_empty_stream_is_bad_input_and_tries_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.yaml");
    fs::write(&empty, "# nothing\n---\n").unwrap();
    let output = crate::common::run_binary(
        &["probe", "quay.io/a/b:1", "-f", empty.to_str().unwrap()],
        "",
    );
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("no objects passed"), "{err}");
    assert!(output.stdout.is_empty(), "nothing was tried");
}
