//! `mirror-cli verify` against node roots rendered from the built-in example: a rendered root verifies, one changed
//! byte of any file or a missing file is found and named, a legacy-layout root verifies against today's render, and
//! snapshots of the checklist, the diffs and the JSON report.

use crate::common::{self, assert_contains};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use mirror_cli::cluster::Cluster;
use mirror_cli::cluster::EXAMPLE;
use mirror_cli::cluster::Input;
use mirror_cli::commands::render::RenderRequest;
use mirror_cli::commands::verify::{Status, VerifyRequest, verify};
use mirror_cli::commands::{Exit, Style, render};
use mirror_cli::node::{NodePlan, RenderOptions, paths, plan};
use registries_conf::Layout;

fn example_plan(layout: Layout) -> NodePlan {
    let inputs = [Input {
        name: "example".into(),
        bytes: EXAMPLE.as_bytes().to_vec(),
    }];
    let cluster = Cluster::read(&inputs, &icsp::Limits::default()).unwrap();
    plan(
        &cluster,
        &RenderOptions {
            layout,
            ..Default::default()
        },
    )
    .unwrap()
}

/// A node root rendered by the render command itself.
fn rendered_root(layout: Layout) -> tempfile::TempDir {
    common::example_root(RenderOptions {
        layout,
        ..Default::default()
    })
}

/// Runs the verify command; returns the exit, stdout with the root replaced by `[ROOT]`, and stderr.
fn run_verify(root: &Path, json: bool) -> (Exit, String, String) {
    let request = VerifyRequest {
        roots: vec![root.to_path_buf()],
        example: true,
        json,
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit =
        mirror_cli::commands::verify::run(&request, &mut out, &mut err, &Style::plain()).unwrap();
    let out = String::from_utf8(out)
        .unwrap()
        .replace(&root.display().to_string(), "[ROOT]");
    (exit, out, String::from_utf8(err).unwrap())
}

/// Whether a check of `path` has `status`.
fn has_check(checks: &[mirror_cli::commands::verify::Check], status: Status, path: &str) -> bool {
    checks.iter().any(|c| c.status == status && c.path == path)
}

/// Verifies `root`, expects drift, and checks the checklist and the JSON report against their snapshots.
fn assert_drift(root: &Path, checklist: &str, json: &str) {
    let (exit, out, _) = run_verify(root, false);
    assert_eq!(exit, Exit::Failed);
    insta::assert_snapshot!(checklist, out);
    let (_, report, _) = run_verify(root, true);
    insta::assert_snapshot!(json, report);
}

#[test]
fn the_rendered_example_root_verifies() {
    let root = rendered_root(Layout::Current);
    let (exit, out, _) = run_verify(root.path(), false);
    assert_eq!(exit, Exit::Ok, "{out}");
    insta::assert_snapshot!("checklist_ok", out);
}

#[test]
fn a_legacy_layout_root_verifies_against_the_current_render() {
    let root = rendered_root(Layout::Legacy);
    let conf = fs::read_to_string(root.path().join(paths::REGISTRIES_CONF)).unwrap();
    assert!(
        conf.contains("mirror-by-digest-only = true") && !conf.contains("pull-from-mirror"),
        "{conf}"
    );
    let (exit, out, _) = run_verify(root.path(), false);
    assert_eq!(exit, Exit::Ok, "{out}");
    // And the other way round: a current root against a legacy render.
    let current = rendered_root(Layout::Current);
    let checks = verify(current.path(), &example_plan(Layout::Legacy)).unwrap();
    assert!(checks.iter().all(|c| c.status == Status::Ok), "{checks:#?}");
}

#[test]
fn one_changed_byte_of_any_exact_file_is_drift_naming_the_file() {
    let plan = example_plan(Layout::Current);
    let root = rendered_root(Layout::Current);
    let mut tried = 0;
    for file in plan
        .files
        .iter()
        .filter(|f| f.path != Path::new(paths::REGISTRIES_CONF))
    {
        let target = root.path().join(&file.path);
        for i in 0..file.bytes.len() {
            let mut bytes = file.bytes.clone();
            bytes[i] ^= 0x01;
            fs::write(&target, &bytes).unwrap();
            let checks = verify(root.path(), &plan).unwrap();
            let named = file.path.display().to_string();
            assert!(
                has_check(&checks, Status::Drift, &named),
                "byte {i} of {named}: {checks:#?}"
            );
            tried += 1;
        }
        fs::write(&target, &file.bytes).unwrap();
    }
    assert!(
        tried > 1000,
        "every byte of policy.json, config.json and ca.crt ({tried})"
    );
    assert!(
        verify(root.path(), &plan)
            .unwrap()
            .iter()
            .all(|c| c.status == Status::Ok)
    );
}

#[test]
fn a_changed_byte_in_a_registries_conf_value_is_drift() {
    let plan = example_plan(Layout::Current);
    let root = rendered_root(Layout::Current);
    let target = root.path().join(paths::REGISTRIES_CONF);
    let original = fs::read(&target).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    // Every byte inside a quoted value: locations, pull-from-mirror, search registries.
    let mut positions = Vec::new();
    for line in text.lines().filter(|l| {
        l.contains("location =") || l.contains("pull-from-mirror") || l.contains("unqualified")
    }) {
        let start = text.find(line).unwrap();
        let open = line.find('"').unwrap();
        let close = line.rfind('"').unwrap();
        positions.extend((start + open + 1..start + close).filter(|&p| text.as_bytes()[p] != b'"'));
    }
    assert!(positions.len() > 100);
    for &p in &positions {
        let mut bytes = original.clone();
        bytes[p] = if bytes[p] == b'x' { b'y' } else { b'x' };
        fs::write(&target, &bytes).unwrap();
        let checks = verify(root.path(), &plan).unwrap();
        assert!(
            checks
                .iter()
                .any(|c| c.status != Status::Ok && c.path == paths::REGISTRIES_CONF),
            "byte {p}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn a_byte_flip_is_reported_with_a_diff() {
    let root = rendered_root(Layout::Current);
    let policy = root.path().join(paths::POLICY_JSON);
    let text = fs::read_to_string(&policy).unwrap();
    fs::write(
        &policy,
        text.replacen("insecureAcceptAnything", "insecureAcceptAnythinG", 1),
    )
    .unwrap();
    let ca = root
        .path()
        .join("etc/docker/certs.d/mirror.registry.com:443/ca.crt");
    let pem = fs::read_to_string(&ca).unwrap();
    fs::write(&ca, pem.replacen("MIIB", "MIIC", 1)).unwrap();
    let (exit, out, _) = run_verify(root.path(), false);
    assert_eq!(exit, Exit::Failed);
    insta::assert_snapshot!("checklist_policy_and_ca_drift", out);
}

#[test]
fn registries_conf_drift_is_by_meaning_with_drop_ins_merged() {
    let root = rendered_root(Layout::Current);
    let conf = root.path().join(paths::REGISTRIES_CONF);
    let text = fs::read_to_string(&conf).unwrap();
    // Layout-only changes keep the meaning: comments, order of keys, `all` for an unset pull-from-mirror.
    let cosmetic = format!("# edited by hand\n{}", text.replace("prefix = \"\"\n", ""));
    fs::write(&conf, &cosmetic).unwrap();
    let (exit, out, _) = run_verify(root.path(), false);
    assert_eq!(exit, Exit::Ok, "{out}");
    // A mirror made insecure and tag-capable, and a drop-in blocking a registry.
    fs::write(
        &conf,
        text.replacen("pull-from-mirror = \"digest-only\"", "insecure = true", 1),
    )
    .unwrap();
    let drop_ins = root.path().join("etc/containers/registries.conf.d");
    fs::create_dir_all(&drop_ins).unwrap();
    fs::write(
        drop_ins.join("99-local.conf"),
        "[[registry]]\nlocation = \"registry.example.com\"\nblocked = true\n",
    )
    .unwrap();
    assert_drift(
        root.path(),
        "checklist_registries_conf_drift",
        "json_registries_conf_drift",
    );
}

#[test]
fn the_kubelet_config_json_is_never_shown() {
    let root = rendered_root(Layout::Current);
    let path = root.path().join(paths::KUBELET_CONFIG_JSON);
    let original = fs::read_to_string(&path).unwrap();
    // Another mirror password, one registry removed and one added; mode widened.
    let mut config: serde_json::Value = serde_json::from_str(&original).unwrap();
    let auths = config["auths"].as_object_mut().unwrap();
    auths.remove("quay.io");
    auths["mirror.registry.com:443"]["auth"] = "bWlycm9yOm90aGVyLXBhc3N3b3Jk".into(); // mirror:other-password
    auths.insert(
        "extra.example.com".into(),
        serde_json::json!({"auth": "ZXh0cmE6c2VjcmV0LXRvbw=="}),
    );
    fs::write(&path, serde_json::to_string(&config).unwrap()).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let (exit, out, err) = run_verify(root.path(), false);
    assert_eq!(exit, Exit::Failed);
    for secret in [
        "other-password",
        "bWlycm9yOm90aGVy",
        "secret-too",
        "ZXh0cmE6",
        "demo-password",
        "cXVheS11c2Vy",
    ] {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{secret} leaked:\n{out}{err}"
        );
    }
    let (_, json, _) = run_verify(root.path(), true);
    assert!(
        !json.contains("other-password") && !json.contains("ZXh0cmE6"),
        "{json}"
    );
    insta::assert_snapshot!("checklist_kubelet_config_json_redacted", out);
}

#[test]
fn a_missing_file_is_reported() {
    let plan = example_plan(Layout::Current);
    for file in &plan.files {
        let root = rendered_root(Layout::Current);
        fs::remove_file(root.path().join(&file.path)).unwrap();
        let checks = verify(root.path(), &plan).unwrap();
        let named = file.path.display().to_string();
        assert!(
            has_check(&checks, Status::Missing, &named),
            "{named}: {checks:#?}"
        );
    }
    // An empty root: everything missing, exit 1.
    let empty = tempfile::tempdir().unwrap();
    assert_drift(empty.path(), "checklist_empty_root", "json_empty_root");
}

#[test]
fn a_ca_under_the_wrong_folder_name_is_reported() {
    let root = rendered_root(Layout::Current);
    let certs = root.path().join(paths::CERTS_D);
    fs::rename(
        certs.join("mirror.registry.com:443"),
        certs.join("mirror.registry.com"),
    )
    .unwrap();
    let checks = verify(root.path(), &example_plan(Layout::Current)).unwrap();
    let missing: Vec<_> = checks
        .iter()
        .filter(|c| c.status != Status::Ok)
        .map(|c| (c.kind, c.path.as_str()))
        .collect();
    assert_eq!(
        missing,
        [
            ("file", "etc/docker/certs.d/mirror.registry.com:443/ca.crt"),
            ("certs.d", "etc/docker/certs.d/mirror.registry.com:443"),
            // The renamed folder holds a CA for a host the objects do not trust (issue 14 row 8).
            ("certs.d", "etc/docker/certs.d/mirror.registry.com")
        ]
    );
    // A folder under /etc/containers/certs.d is read first and shadows /etc/docker/certs.d.
    let root = rendered_root(Layout::Current);
    fs::create_dir_all(
        root.path()
            .join("etc/containers/certs.d/mirror.registry.com:443"),
    )
    .unwrap();
    let checks = verify(root.path(), &example_plan(Layout::Current)).unwrap();
    let shadowed = checks.iter().find(|c| c.kind == "certs.d").unwrap();
    assert_eq!(shadowed.status, Status::Drift);
    assert!(
        shadowed
            .reason
            .contains("/etc/containers/certs.d/mirror.registry.com:443"),
        "{}",
        shadowed.reason
    );
}

#[test]
fn the_binary_exits_0_1_and_2() {
    let bin = env!("CARGO_BIN_EXE_mirror-cli");
    let root = rendered_root(Layout::Current);
    let run = |root: &Path| {
        std::process::Command::new(bin)
            .args(["verify", "--example", "--root"])
            .arg(root)
            .output()
            .unwrap()
    };
    assert_eq!(run(root.path()).status.code(), Some(0));
    let policy = root.path().join(paths::POLICY_JSON);
    let mut bytes = fs::read(&policy).unwrap();
    bytes[10] ^= 0x20;
    fs::write(&policy, bytes).unwrap();
    let drift = run(root.path());
    assert_eq!(drift.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&drift.stdout).contains("DRIFT    etc/containers/policy.json"));
    let bad = run(&root.path().join("no-such-folder"));
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("no-such-folder"),
        "{stderr}"
    );
}

const SEARCH_REGISTRIES: &str = "apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    containerRuntimeSearchRegistries:
    - reg1.io
    - reg3.io:5000
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: release
spec:
  imageDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors:
    - mirror.example.net:5000/ocp/release
";

#[test]
fn the_search_registries_drop_in_is_verified_by_meaning() {
    let inputs = vec![Input {
        name: "objects.yaml".into(),
        bytes: SEARCH_REGISTRIES.as_bytes().to_vec(),
    }];
    // mirror:secret for the mirror, as a bare .dockerconfigjson.
    let options = || RenderOptions {
        pull_secret: Some(Input {
            name: "pull-secret.json".into(),
            bytes: br#"{"auths":{"mirror.example.net:5000":{"auth":"bWlycm9yOnNlY3JldA=="}}}"#
                .to_vec(),
        }),
        ..Default::default()
    };
    let root = tempfile::tempdir().unwrap();
    let request = RenderRequest {
        inputs: inputs.clone(),
        root: Some(root.path().to_path_buf()),
        options: options(),
        ..Default::default()
    };
    render::run(&request, &mut Vec::new(), &mut Vec::new(), &Style::plain()).unwrap();
    let drop_in = root.path().join(paths::SEARCH_REGISTRIES_DROP_IN);
    assert!(drop_in.exists());
    let verify_request = VerifyRequest {
        roots: vec![root.path().to_path_buf()],
        inputs,
        options: options(),
        ..Default::default()
    };
    let run = || {
        let mut out = Vec::new();
        let exit = mirror_cli::commands::verify::run(
            &verify_request,
            &mut out,
            &mut Vec::new(),
            &Style::plain(),
        )
        .unwrap();
        (exit, String::from_utf8(out).unwrap())
    };
    let (exit, out) = run();
    assert_eq!(exit, Exit::Ok, "{out}");
    // The same list written another way is the same meaning.
    fs::write(
        &drop_in,
        "# by hand\nunqualified-search-registries = [ \"reg1.io\", \"reg3.io:5000\" ]\n",
    )
    .unwrap();
    let (exit, out) = run();
    assert_eq!(exit, Exit::Ok, "{out}");
    // Another list: both the drop-in and the merged registries.conf drift.
    fs::write(&drop_in, "unqualified-search-registries = [\"reg1.io\"]\n").unwrap();
    let (exit, out) = run();
    assert_eq!(exit, Exit::Failed);
    insta::assert_snapshot!("checklist_search_registries_drift", out);
    fs::remove_file(&drop_in).unwrap();
    let (exit, out) = run();
    assert_eq!(exit, Exit::Failed);
    assert_contains(
        &out,
        "missing  etc/containers/registries.conf.d/01-image-searchRegistries.conf: not on the node",
    );
}
