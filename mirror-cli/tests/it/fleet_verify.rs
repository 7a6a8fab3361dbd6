//! `mirror-cli verify --root A --root B ...`: several nodes at once, a table of node × check, exit 1 when any
//! node drifts, and the JSON report.

use crate::common::{self, assert_contains, assert_starts_with};
use std::fs;
use std::path::{Path, PathBuf};

use mirror_cli::commands::verify::{VerifyRequest, run};
use mirror_cli::commands::{Exit, Style};
use mirror_cli::node::paths;

/// Three nodes rendered from the example under `dir`: worker-0 as rendered, worker-1 with one byte of
/// registries.conf changed (a mirror location), master-0 without its pull secret.
fn fleet(dir: &Path) -> Vec<PathBuf> {
    let roots: Vec<PathBuf> = ["worker-0", "worker-1", "master-0"]
        .iter()
        .map(|n| dir.join(n))
        .collect();
    for root in &roots {
        common::render_example(root, Default::default());
    }
    let conf = roots[1].join(paths::REGISTRIES_CONF);
    let text = fs::read_to_string(&conf).unwrap();
    fs::write(&conf, text.replacen("ocp/release\"", "ocp/relea5e\"", 1)).unwrap();
    fs::remove_file(roots[2].join(paths::KUBELET_CONFIG_JSON)).unwrap();
    roots
}

fn verify(roots: Vec<PathBuf>, json: bool) -> (Exit, String) {
    let request = VerifyRequest {
        roots,
        example: true,
        json,
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = run(&request, &mut out, &mut err, &Style::plain()).unwrap();
    (exit, String::from_utf8(out).unwrap())
}

#[test]
fn table_of_nodes_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let roots = fleet(dir.path());
    let (exit, out) = verify(roots.clone(), false);
    assert_eq!(exit, Exit::Failed);
    let prefix = format!("{}/", dir.path().display());
    insta::assert_snapshot!("table", out.replace(&prefix, ""));
    // The same table, but every node as rendered: exit 0.
    let (exit, out) = verify(vec![roots[0].clone(), roots[0].clone()], false);
    assert_eq!(exit, Exit::Ok);
    assert_contains(&out, "2 nodes: 2 as rendered, 0 drifting");
}

#[test]
fn json_report() {
    let dir = tempfile::tempdir().unwrap();
    let roots = fleet(dir.path());
    let (exit, out) = verify(roots, true);
    assert_eq!(exit, Exit::Failed);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["summary"]["nodes"], 3);
    assert_eq!(report["summary"]["drifting"], 2);
    assert_eq!(report["nodes"][0]["ok"], true);
    assert!(!out.contains("\"auth\""), "no credentials in the report");
    let prefix = format!("{}/", dir.path().display());
    insta::assert_snapshot!("json", out.replace(&prefix, ""));
}

#[test]
fn a_missing_root_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let request = VerifyRequest {
        roots: vec![dir.path().to_path_buf(), dir.path().join("nowhere")],
        example: true,
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let e = run(&request, &mut out, &mut err, &Style::plain()).unwrap_err();
    let prefix = format!("{}/", dir.path().display());
    insta::assert_snapshot!("missing_root", e.to_string().replace(&prefix, ""));
}

#[test]
fn binary_takes_repeated_roots() {
    let dir = tempfile::tempdir().unwrap();
    let roots = fleet(dir.path());
    let mut command = common::binary();
    command
        .current_dir(dir.path())
        .args(["verify", "--example"]);
    for root in &roots {
        command.arg("--root").arg(root.file_name().unwrap());
    }
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    assert_starts_with(&out, "node ");
    assert_contains(&out, "3 nodes: 1 as rendered, 2 drifting");
    // One root keeps the single-node checklist.
    let output = common::binary()
        .current_dir(dir.path())
        .args(["verify", "--example", "--root", "worker-0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        !String::from_utf8(output.stdout)
            .unwrap()
            .starts_with("node ")
    );
}
