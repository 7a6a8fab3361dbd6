//! `mirror-cli ignition`: the config's shape, and that its data URLs decode to exactly the bytes render writes.

use crate::common::{self, assert_contains};
use base64::Engine as _;
use std::path::PathBuf;

use mirror_cli::cluster::Cluster;
use mirror_cli::cluster::{EXAMPLE, all_inputs};
use mirror_cli::commands::Exit;
use mirror_cli::commands::ignition::{
    DATA_URL_PREFIX, IgnitionRequest, SPEC_VERSIONS, config, run,
};
use mirror_cli::node::{RenderOptions, paths, plan};
use mirror_cli::writer::NodeFile;
use serde_json::Value;

fn ignition(request: &IgnitionRequest) -> (Result<Exit, mirror_cli::Error>, String, String) {
    common::capture(|out, err, style| run(request, out, err, style))
}

fn example_request() -> IgnitionRequest {
    IgnitionRequest {
        example: true,
        ..Default::default()
    }
}

/// The example's node files, rendered the way `render` renders them.
fn example_files() -> Vec<NodeFile> {
    let cluster = Cluster::read(&all_inputs(&[], true), &icsp::Limits::default()).unwrap();
    plan(&cluster, &RenderOptions::default()).unwrap().files
}

#[test]
fn data_urls_decode_to_the_rendered_bytes() {
    let (result, out, _) = ignition(&example_request());
    assert_eq!(result.unwrap(), Exit::Ok);
    let config: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(config["ignition"]["version"], "3.2.0");
    let entries = config["storage"]["files"].as_array().unwrap();
    let files = example_files();
    assert!(
        files.len() >= 4,
        "registries.conf, policy.json, config.json, a CA"
    );
    assert_eq!(entries.len(), files.len());
    for (entry, file) in entries.iter().zip(&files) {
        let path = entry["path"].as_str().unwrap();
        assert_eq!(PathBuf::from(path), PathBuf::from("/").join(&file.path));
        assert_eq!(entry["mode"].as_u64().unwrap(), u64::from(file.mode));
        assert_eq!(entry["overwrite"], Value::Bool(true));
        let source = entry["contents"]["source"].as_str().unwrap();
        let encoded = source.strip_prefix(DATA_URL_PREFIX).unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(decoded, file.bytes, "{path}");
    }
    let modes: Vec<(String, u64)> = entries
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_owned(),
                e["mode"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(modes.contains(&(format!("/{}", paths::KUBELET_CONFIG_JSON), 384)));
    assert!(modes.contains(&(format!("/{}", paths::REGISTRIES_CONF), 420)));
}

#[test]
fn example_config_snapshot() {
    let (result, out, err) = ignition(&example_request());
    assert_eq!(result.unwrap(), Exit::Ok);
    // The kubelet's config.json holds credentials (the example's, but still): not kept in the snapshot.
    let mut config: Value = serde_json::from_str(&out).unwrap();
    for entry in config["storage"]["files"].as_array_mut().unwrap() {
        if entry["path"] == format!("/{}", paths::KUBELET_CONFIG_JSON) {
            entry["contents"]["source"] = Value::String("(credentials)".into());
        }
    }
    insta::assert_snapshot!(
        "example_config",
        serde_json::to_string_pretty(&config).unwrap()
    );
    insta::assert_snapshot!("example_stderr", err);
    assert!(out.ends_with("}\n"));
}

#[test]
fn every_supported_version_and_a_refused_one() {
    let files = example_files();
    for version in SPEC_VERSIONS {
        assert_eq!(
            config(&files, version).unwrap()["ignition"]["version"],
            version
        );
    }
    let err = config(&files, "2.2.0").unwrap_err();
    insta::assert_snapshot!("bad_version", err.to_string());
}

#[test]
fn duplicate_paths_are_refused() {
    let file = NodeFile {
        path: "etc/containers/registries.conf".into(),
        bytes: b"x".to_vec(),
        mode: 0o644,
    };
    let err = config(&[file.clone(), file], "3.2.0").unwrap_err();
    insta::assert_snapshot!("duplicate_path", err.to_string());
}

#[test]
fn output_file_is_private_and_complete() {
    let (_dir, path, err) = common::run_to_file("mirror.ign", 0o600, |path, out, err, style| {
        let request = IgnitionRequest {
            output: Some(path),
            spec_version: "3.4.0".into(),
            ..example_request()
        };
        run(&request, out, err, style)
    });
    assert_contains(&err, "mirror.ign");
    let config: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(config["ignition"]["version"], "3.4.0");
}

#[test]
fn nothing_to_render_is_bad_input() {
    let (result, _, _) = ignition(&IgnitionRequest::default());
    assert!(matches!(result, Err(mirror_cli::Error::Usage { .. })));
}

#[test]
fn binary_prints_a_config_that_parses() {
    let output = common::binary()
        .args(["ignition", "-f", "-", "--spec-version", "3.1.0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(EXAMPLE.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let config: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(config["ignition"]["version"], "3.1.0");
    let help = common::run_binary(&["ignition", "--help"], "");
    insta::assert_snapshot!("help", String::from_utf8(help.stdout).unwrap());
}
