//! `-o`/`--output` is the output format (kubectl's `-o`), a file to write is `--output-file FILE`, and `-` means
//! standard output wherever a file is expected. Every command that reports prints JSON with `-o json`, in the shapes
//! the README documents, and never a secret.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use mirror_cli::cluster::EXAMPLE;
use mirror_cli::commands::diff::DiffRequest;
use mirror_cli::commands::icsp_cmd::{self, IcspRequest, ValidateRequest};
use mirror_cli::commands::pull_secret::{self, GetRequest, PullSecretRequest};
use mirror_cli::commands::render::RenderRequest;
use mirror_cli::commands::trust::{self, CheckRequest, TrustRequest};
use mirror_cli::commands::{Exit, Format};
use serde_json::Value;
use trust_bundle::UnixTime;

use crate::common::{
    assert_no_secret, capture, credential_needles, input, render_captured, run_binary, write_file,
};

/// The password and token in the example's pull secret and in [`PULL_SECRET_JSON`]: never in any JSON.
fn needles() -> Vec<String> {
    let mut all = credential_needles("quay-user", "quay-pass", "no-token");
    all.push("cXVheS11c2VyOnF1YXktcGFzcw==".into());
    all.push("cmg6cmhwYXNz".into());
    all
}

const PULL_SECRET_JSON: &str = r#"{"auths":{"quay.io":{"auth":"cXVheS11c2VyOnF1YXktcGFzcw==","email":"demo@example.com"},"registry.redhat.io":{"auth":"cmg6cmhwYXNz"}}}"#;

use crate::common::NEW_IDMS;

/// `manifests` for the mirror with the test CA, the pull secret at `pull_secret` plus a password on stdin, and the
/// release mapped; then `output`.
fn manifests_args<'a>(pull_secret: &'a str, output: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "manifests",
        "--registry",
        "mirror.example.com:5000",
        "--ca",
        "tests/trust_data/ca.pem",
        "--pull-secret",
        pull_secret,
        "--username",
        "u",
        "--password-stdin",
        "--map",
        "quay.io/openshift-release-dev/ocp-release=mirror.example.com:5000/ocp/release",
    ];
    args.extend_from_slice(output);
    args
}

/// Parses `out` as one JSON document (and nothing else on stdout).
fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{out}"))
}

/// Every secret the example's pull secret holds: the base64 `auth` values of its docker config JSON.
fn example_auths() -> Vec<String> {
    let start = EXAMPLE.find(".dockerconfigjson: ").unwrap() + ".dockerconfigjson: ".len();
    let end = start + EXAMPLE[start..].find('\n').unwrap();
    let encoded = EXAMPLE[start..end].trim();
    let decoded = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, encoded).unwrap(),
    )
    .unwrap();
    let config: Value = serde_json::from_str(&decoded).unwrap();
    let mut secrets = vec![encoded.to_owned()];
    for entry in config["auths"].as_object().unwrap().values() {
        if let Some(auth) = entry["auth"].as_str() {
            secrets.push(auth.to_owned());
            let pair =
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, auth).unwrap();
            let pair = String::from_utf8(pair).unwrap();
            secrets.push(pair.split_once(':').unwrap().1.to_owned());
        }
    }
    secrets
}

#[test]
fn render_json_is_the_plan() {
    let request = RenderRequest {
        example: true,
        format: Format::Json,
        ..Default::default()
    };
    let (exit, out, _) = render_captured(&request);
    assert_eq!(exit.unwrap(), Exit::Ok);
    let document = json(&out);
    assert_no_secret("render -o json", "on stdout", &out, &example_auths());
    let files = document["files"].as_array().unwrap();
    let registries = files
        .iter()
        .find(|f| f["path"] == "/etc/containers/registries.conf")
        .unwrap();
    assert_eq!(registries["mode"], "0644");
    assert_eq!(registries["change"], "would-write");
    assert_eq!(registries["sha256"].as_str().unwrap().len(), 64);
    let kubelet = files
        .iter()
        .find(|f| f["path"] == "/var/lib/kubelet/config.json")
        .unwrap();
    assert_eq!(kubelet["mode"], "0600");
    assert_eq!(kubelet["holds_credentials"], true);
    assert_eq!(kubelet["sha256"], Value::Null, "no hash of credentials");
    insta::assert_snapshot!("render_json", out);
}

#[test]
fn render_json_with_root_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("node");
    let request = |show| RenderRequest {
        example: true,
        root: Some(root.clone()),
        show,
        format: Format::Json,
        ..Default::default()
    };
    let (_, first, _) = render_captured(&request(false));
    let (_, again, _) = render_captured(&request(true));
    let (first, again) = (json(&first), json(&again));
    assert_eq!(first["root"], root.display().to_string());
    for (before, after) in first["files"]
        .as_array()
        .unwrap()
        .iter()
        .zip(again["files"].as_array().unwrap())
    {
        assert_eq!(before["change"], "created", "{before}");
        assert_eq!(after["change"], "unchanged", "{after}");
        assert_eq!(before["sha256"], after["sha256"]);
        let path = PathBuf::from(before["path"].as_str().unwrap());
        let on_disk = fs::read(root.join(path.strip_prefix("/").unwrap())).unwrap();
        assert_eq!(before["size"], on_disk.len());
        if after["holds_credentials"] == true {
            assert!(after.get("content").is_none(), "{after}");
        } else {
            assert_eq!(after["content"], String::from_utf8(on_disk).unwrap());
        }
    }
    assert_no_secret(
        "render --show -o json",
        "on stdout",
        &again.to_string(),
        &example_auths(),
    );
}

#[test]
fn diff_json_says_what_changes() {
    let run = |to: Vec<mirror_cli::cluster::Input>| {
        let request = DiffRequest {
            from: vec![input("current.yaml", EXAMPLE)],
            to,
            format: Format::Json,
            ..Default::default()
        };
        capture(|out, err, style| mirror_cli::commands::diff::run(&request, out, err, style))
    };
    let (exit, out, _) = run(vec![
        input("current.yaml", EXAMPLE),
        input("idms.yaml", NEW_IDMS),
    ]);
    assert_eq!(exit.unwrap(), Exit::Failed);
    let document = json(&out);
    assert_eq!(document["changed"], true);
    assert_eq!(document["action"], "reload-crio");
    insta::assert_snapshot!("diff_json", out);

    let (exit, out, _) = run(vec![input("current.yaml", EXAMPLE)]);
    assert_eq!(exit.unwrap(), Exit::Ok);
    let document = json(&out);
    assert_eq!(document["changed"], false);
    assert_eq!(document["registries_conf_diff"], Value::Null);
    assert_eq!(document["files"], serde_json::json!([]));
}

#[test]
fn icsp_validate_json() {
    let run = |inputs| {
        let request = IcspRequest::Validate(ValidateRequest {
            inputs,
            format: Format::Json,
            now: None,
            strictness: icsp::Strictness::Strict,
            limits: icsp::Limits::default(),
        });
        capture(|out, err, style| icsp_cmd::run(&request, out, err, style))
    };
    let (exit, clean, _) = run(vec![input("example.yaml", EXAMPLE)]);
    assert_eq!(exit.unwrap(), Exit::Ok);
    let clean = json(&clean);
    assert_eq!(clean["clean"], true);
    assert_eq!(clean["problems"], serde_json::json!([]));
    assert_no_secret(
        "icsp validate -o json",
        "on stdout",
        &clean.to_string(),
        &example_auths(),
    );

    let bad = NEW_IDMS.replace("registry.redhat.io/ubi9", "registry.redhat.io/ubi9:latest");
    let (exit, out, _) = run(vec![input("bad.yaml", bad)]);
    assert_eq!(exit.unwrap(), Exit::Failed);
    let document = json(&out);
    assert_eq!(document["clean"], false);
    assert!(
        !document["problems"].as_array().unwrap().is_empty(),
        "{out}"
    );
    insta::assert_snapshot!("icsp_validate_json", out);
}

#[test]
fn trust_check_json() {
    let request = |files: &[&str]| {
        TrustRequest::Check(CheckRequest {
            files: files
                .iter()
                .map(|f| PathBuf::from(format!("tests/trust_data/{f}")))
                .collect(),
            // 2026-01-01T00:00:00Z, as trust_cmd's snapshots.
            now: UnixTime::since_unix_epoch(Duration::from_secs(1_767_225_600)),
            format: Format::Json,
        })
    };
    let (exit, out, _) =
        capture(|out, err, style| trust::run(&request(&["ca.pem"]), out, err, style));
    assert_eq!(exit.unwrap(), Exit::Ok);
    let document = json(&out);
    assert_eq!(document["usable"], true);
    assert_eq!(document["bundles"][0]["certificates"][0]["is_ca"], true);
    insta::assert_snapshot!("trust_check_json", out);

    let (exit, out, _) = capture(|out, err, style| {
        trust::run(&request(&["ca.pem", "ca-with-key.pem"]), out, err, style)
    });
    assert_eq!(exit.unwrap(), Exit::Failed);
    let document = json(&out);
    assert_eq!(document["usable"], false);
    assert_eq!(document["bundles"][1]["usable"], false);
    assert!(document["bundles"][1]["error"].is_string());
    assert!(
        !out.contains("PRIVATE KEY-----\n"),
        "no key material: {out}"
    );
    let key = fs::read_to_string("tests/trust_data/ca-with-key.pem").unwrap();
    let key_body: Vec<&str> = key
        .split("-----BEGIN PRIVATE KEY-----")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| l.len() > 20)
        .collect();
    for line in key_body {
        assert!(!out.contains(line), "key material in the JSON");
    }
}

#[test]
fn pull_secret_get_json_never_holds_a_secret() {
    let request = |reference: &str| {
        PullSecretRequest::Get(GetRequest {
            input: input("pull-secret.json", PULL_SECRET_JSON),
            reference: reference.into(),
            format: Format::Json,
        })
    };
    let (exit, out, _) = capture(|out, err, style| {
        pull_secret::run(
            &request("quay.io/openshift-release-dev/ocp-release:4.14.0"),
            out,
            err,
            style,
        )
    });
    assert_eq!(exit.unwrap(), Exit::Ok);
    assert_no_secret("pull-secret get -o json", "on stdout", &out, &needles());
    let document = json(&out);
    assert_eq!(document["sends"]["kind"], "credentials");
    assert_eq!(document["sends"]["username"], "quay-user");
    insta::assert_snapshot!("pull_secret_get_json", out);

    let (exit, out, _) = capture(|out, err, style| {
        pull_secret::run(&request("docker.io/library/busybox"), out, err, style)
    });
    assert_eq!(exit.unwrap(), Exit::Failed);
    let document = json(&out);
    assert_eq!(document["sends"]["kind"], "anonymous");
    assert_eq!(document["matched"], Value::Null);
}

/// The binary: `-o json` on every command that reports gives one JSON document on stdout.
#[test]
fn every_reporting_command_takes_o_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str, text: &str| write_file(dir.path(), name, text);
    let (example, idms, ps) = (
        path("example.yaml", EXAMPLE),
        path("idms.yaml", NEW_IDMS),
        path("ps.json", PULL_SECRET_JSON),
    );
    let root = dir.path().join("node").display().to_string();
    let ca = "tests/trust_data/ca.pem";
    let runs: Vec<(&str, Vec<&str>, i32)> = vec![
        ("render", vec!["render", "-f", &example, "-o", "json"], 0),
        (
            "render --root",
            vec![
                "render", "-f", &example, "--root", &root, "--output", "json",
            ],
            0,
        ),
        (
            "diff",
            vec![
                "diff", "--from", &example, "--to", &example, "--to", &idms, "-o", "json",
            ],
            1,
        ),
        (
            "icsp validate",
            vec!["icsp", "validate", &example, "-o", "json"],
            0,
        ),
        ("trust check", vec!["trust", "check", ca, "-o", "json"], 0),
        (
            "pull-secret get",
            vec!["pull-secret", "get", &ps, "quay.io/a/b:1", "-o", "json"],
            0,
        ),
        (
            "resolve",
            vec!["resolve", "quay.io/a/b:1", "--root", &root, "-o", "json"],
            0,
        ),
        (
            "verify",
            vec!["verify", "--root", &root, "-f", &example, "-o", "json"],
            0,
        ),
    ];
    for (what, args, code) in runs {
        let output = run_binary(&args, "");
        assert_eq!(output.status.code(), Some(code), "{what}: {output:?}");
        let out = String::from_utf8(output.stdout).unwrap();
        json(&out);
        let mut secrets = needles();
        secrets.extend(example_auths());
        assert_no_secret(what, "on stdout", &out, &secrets);
        assert_no_secret(
            what,
            "on stderr",
            &String::from_utf8_lossy(&output.stderr),
            &secrets,
        );
    }
}

#[test]
fn o_is_a_format_never_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let example = write_file(dir.path(), "example.yaml", EXAMPLE);
    for args in [
        &["render", "-f", &example, "-o", "-"][..],
        &["render", "-f", &example, "-o", "out.json"],
        &["icsp", "validate", &example, "-o", "yaml"],
        &["ignition", "-f", &example, "-o", "x.ign"],
    ] {
        let output = crate::common::binary()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["example.yaml"],
        "no file named - (or anything else) created"
    );
}

#[test]
fn output_file_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| write_file(dir.path(), name, text);
    let (example, ps) = (
        write("example.yaml", EXAMPLE),
        write("ps.json", PULL_SECRET_JSON),
    );
    let runs: Vec<(&str, Vec<&str>, &str, &str)> = vec![
        (
            "pull-secret merge",
            vec!["pull-secret", "merge", &ps, &ps, "--output-file", "-"],
            "",
            "\"auths\"",
        ),
        (
            "pull-secret add",
            vec![
                "pull-secret",
                "add",
                &ps,
                "--registry",
                "mirror.example.com:5000",
                "--username",
                "u",
                "--password-stdin",
                "--output-file",
                "-",
            ],
            "pw\n",
            "mirror.example.com:5000",
        ),
        (
            "pull-secret remove",
            vec![
                "pull-secret",
                "remove",
                &ps,
                "--registry",
                "quay.io",
                "--output-file",
                "-",
            ],
            "",
            "registry.redhat.io",
        ),
        (
            "trust configmap",
            vec![
                "trust",
                "configmap",
                "mirror.example.com:5000=tests/trust_data/ca.pem",
                "--output-file",
                "-",
            ],
            "",
            "kind: ConfigMap",
        ),
        (
            "ignition",
            vec!["ignition", "-f", &example, "--output-file", "-"],
            "",
            "\"ignition\"",
        ),
        (
            "manifests",
            manifests_args(&ps, &["--output-file", "-"]),
            "pw\n",
            "kind: ImageDigestMirrorSet",
        ),
    ];
    for (what, args, stdin, expected) in runs {
        let output = run_binary(&args, stdin);
        assert_eq!(output.status.code(), Some(0), "{what}: {output:?}");
        let out = String::from_utf8(output.stdout).unwrap();
        assert!(
            out.contains(expected),
            "{what}: stdout has no {expected:?}:\n{out}"
        );
        assert!(
            !std::path::Path::new("-").exists(),
            "{what}: a file named - was created"
        );
    }
    assert!(!dir.path().join("-").exists());
}

/// Commands that print cluster objects take `-o yaml` (the default, unchanged) or `-o json`, as kubectl: one
/// object as itself, several as a `v1` `List`.
#[test]
fn object_commands_take_o_yaml_or_json() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| write_file(dir.path(), name, text);
    let ps = write("ps.json", PULL_SECRET_JSON);
    let icsp = write(
        "icsp.yaml",
        "apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: mirror-ocp
spec:
  repositoryDigestMirrors:
  - mirrors:
    - mirror.registry.com:443/ocp/release
    source: quay.io/openshift-release-dev/ocp-release
",
    );
    let manifests = |format: &str| run_binary(&manifests_args(&ps, &["-o", format]), "pw\n");
    let yaml = manifests("yaml");
    assert_eq!(yaml.status.code(), Some(0), "{yaml:?}");
    assert!(String::from_utf8_lossy(&yaml.stdout).contains("---\n"));
    let list = manifests("json");
    assert_eq!(list.status.code(), Some(0), "{list:?}");
    let list = json(&String::from_utf8(list.stdout).unwrap());
    assert_eq!(list["kind"], "List");
    assert_eq!(list["apiVersion"], "v1");
    let kinds: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["Secret", "ConfigMap", "Image", "ImageDigestMirrorSet"]
    );

    let config_map = run_binary(
        &[
            "trust",
            "configmap",
            "mirror.example.com:5000=tests/trust_data/ca.pem",
            "-o",
            "json",
        ],
        "",
    );
    assert_eq!(config_map.status.code(), Some(0), "{config_map:?}");
    let config_map = json(&String::from_utf8(config_map.stdout).unwrap());
    assert_eq!(config_map["kind"], "ConfigMap");
    assert!(config_map["data"]["mirror.example.com..5000"].is_string());

    let migrated = run_binary(&["icsp", "migrate", &icsp, "-o", "json"], "");
    assert_eq!(migrated.status.code(), Some(0), "{migrated:?}");
    let migrated = json(&String::from_utf8(migrated.stdout).unwrap());
    assert_eq!(migrated["kind"], "ImageDigestMirrorSet");
    assert_eq!(
        migrated["spec"]["imageDigestMirrors"][0]["source"],
        "quay.io/openshift-release-dev/ocp-release"
    );
    let yaml = run_binary(&["icsp", "migrate", &icsp, "-o", "yaml"], "");
    let default = run_binary(&["icsp", "migrate", &icsp], "");
    assert_eq!(
        yaml.stdout, default.stdout,
        "yaml is the default, as oc writes it"
    );

    let dash = run_binary(&["icsp", "migrate", &icsp, "--dest-dir", "-"], "");
    assert_eq!(dash.stdout, default.stdout, "--dest-dir - is stdout");
    let dest = dir.path().join("idms").display().to_string();
    let refused = run_binary(
        &["icsp", "migrate", &icsp, "--dest-dir", &dest, "-o", "json"],
        "",
    );
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(!dir.path().join("idms").exists());
}

#[test]
fn diff_json_of_a_pull_secret_change_holds_no_secret() {
    let other = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        r#"{"auths":{"quay.io":{"auth":"b3RoZXI6c2VjcmV0"}}}"#,
    );
    let start = EXAMPLE.find(".dockerconfigjson: ").unwrap() + ".dockerconfigjson: ".len();
    let end = start + EXAMPLE[start..].find('\n').unwrap();
    let changed = format!("{}{other}{}", &EXAMPLE[..start], &EXAMPLE[end..]);
    let request = DiffRequest {
        from: vec![input("current.yaml", EXAMPLE)],
        to: vec![input("proposed.yaml", &changed)],
        format: Format::Json,
        ..Default::default()
    };
    let (exit, out, err) =
        capture(|out, err, style| mirror_cli::commands::diff::run(&request, out, err, style));
    assert_eq!(
        exit.unwrap(),
        Exit::Failed,
        "the kubelet's config.json changes"
    );
    let mut secrets = example_auths();
    secrets.extend([
        other,
        "b3RoZXI6c2VjcmV0".to_owned(),
        "other:secret".to_owned(),
    ]);
    assert_no_secret("diff -o json", "on stdout", &out, &secrets);
    assert_no_secret("diff -o json", "on stderr", &err, &secrets);
    let document = json(&out);
    assert_eq!(document["action"], "nothing");
    assert_eq!(document["files"][0]["path"], "/var/lib/kubelet/config.json");
    assert_eq!(document["files"][0]["holds_credentials"], true);
    assert_eq!(document["registries_conf_diff"], Value::Null);
}
