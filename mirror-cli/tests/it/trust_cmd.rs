//! `mirror-cli trust`: the ConfigMap (YAML and certificate report), every refusal (exit 2, nothing written), `check`,
//! the naming both ways, and the atomic `-o` write, through the library and the built binary.

use crate::common::{self, assert_contains, assert_starts_with};
use std::path::PathBuf;
use std::time::Duration;

use mirror_cli::commands::Style;
use mirror_cli::commands::trust::{CheckRequest, ConfigMapRequest, TrustRequest, run};
use trust_bundle::UnixTime;

const DATA: &str = "tests/trust_data";

/// 2026-01-01T00:00:00Z: the fixtures' expiry warnings do not move with the clock.
fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(1_767_225_600))
}

fn show(request: &TrustRequest) -> String {
    common::show(|out, err, style| run(request, out, err, style))
}

fn config_map(pairs: &[&str]) -> TrustRequest {
    TrustRequest::ConfigMap(ConfigMapRequest {
        format: Default::default(),
        name: "registry-config".into(),
        namespace: "openshift-config".into(),
        pairs: pairs.iter().map(|p| p.to_string()).collect(),
        output: None,
        now: now(),
        out_of_validity: trust_bundle::OutOfValidity::Refuse,
    })
}

#[test]
fn config_map_yaml_and_report() {
    insta::assert_snapshot!(
        "configmap_two_registries",
        show(&config_map(&[
            &format!("mirror.registry.com:443={DATA}/ca.pem"),
            &format!("mirror.example.com:5000={DATA}/chain.pem"),
        ]))
    );
    // An expired CA is refused: every pull through the registry would fail on the nodes.
    let expired = config_map(&[&format!("registry.local={DATA}/expired-ca.pem")]);
    let shown = show(&expired);
    assert_starts_with(&shown, "exit 2, error: ");
    assert_contains(&shown, "expired");
    assert!(!shown.contains("kind: ConfigMap"), "{shown}");
    // With --allow-expired-ca it is written, with a warning: the user may be about to rotate it.
    let TrustRequest::ConfigMap(mut allowed) = expired else {
        unreachable!()
    };
    allowed.out_of_validity = trust_bundle::OutOfValidity::Allow;
    insta::assert_snapshot!(
        "configmap_expired_warns",
        show(&TrustRequest::ConfigMap(allowed))
    );
}

#[test]
fn config_map_refusals() {
    let pair = |what, host, file| (what, config_map(&[&format!("{host}={DATA}/{file}")]));
    let cases: Vec<(&str, TrustRequest)> = vec![
        pair("private key", "mirror.registry.com:443", "ca-with-key.pem"),
        pair("empty", "mirror.registry.com:443", "empty.crt"),
        pair("not PEM", "mirror.registry.com:443", "not-pem.crt"),
        pair("DER", "mirror.registry.com:443", "ca.der"),
        pair("truncated", "mirror.registry.com:443", "truncated.pem"),
        pair("bad host", "bad_host.example.com:443", "ca.pem"),
        pair("bad port", "mirror.registry.com:0", "ca.pem"),
        pair("IPv6", "[fd00::1]:5000", "ca.pem"),
        ("no =", config_map(&[&format!("{DATA}/ca.pem")])),
        pair("missing file", "mirror.registry.com:443", "nope.pem"),
        (
            "host twice",
            config_map(&[
                &format!("mirror.registry.com:443={DATA}/ca.pem"),
                &format!("mirror.registry.com:443={DATA}/chain.pem"),
            ]),
        ),
        ("no pair", config_map(&[])),
        (
            "bad name",
            TrustRequest::ConfigMap(ConfigMapRequest {
                format: Default::default(),
                name: "Registry_Config".into(),
                namespace: "openshift-config".into(),
                pairs: vec![format!("mirror.registry.com:443={DATA}/ca.pem")],
                output: None,
                now: now(),
                out_of_validity: trust_bundle::OutOfValidity::Refuse,
            }),
        ),
    ];
    let mut all = String::new();
    for (what, request) in &cases {
        let shown = show(request);
        assert!(shown.starts_with("exit 2"), "{what}: {shown}");
        assert!(
            shown.contains("--- stdout\n--- stderr"),
            "{what}: nothing on stdout: {shown}"
        );
        all.push_str(&format!("# {what}\n{shown}\n"));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn check_reports_and_fails_on_a_refused_bundle() {
    let request = |files: &[&str]| {
        TrustRequest::Check(CheckRequest {
            format: Default::default(),
            files: files
                .iter()
                .map(|f| PathBuf::from(format!("{DATA}/{f}")))
                .collect(),
            now: now(),
        })
    };
    insta::assert_snapshot!("check_ok", show(&request(&["ca.pem", "chain.pem"])));
    // An expired CA fails the check (exit 1): the nodes would fail every pull with it.
    insta::assert_snapshot!(
        "check_expired_refused",
        show(&request(&["ca.pem", "expired-ca.pem"]))
    );
    insta::assert_snapshot!(
        "check_refused",
        show(&request(&[
            "ca.pem",
            "ca-with-key.pem",
            "empty.crt",
            "ca.der"
        ]))
    );
    insta::assert_snapshot!("check_unreadable", show(&request(&["nope.pem"])));
}

#[test]
fn naming_both_ways() {
    let folders = [
        "mirror.registry.com..443",
        "registry.local",
        "ca.crt",
        "a..b..5000",
        "../etc",
    ]
    .map(|key| {
        (
            format!("folder {key}"),
            TrustRequest::Folder { key: key.into() },
        )
    });
    let keys = [
        "mirror.registry.com:443",
        "registry.local",
        "[fd00::1]:5000",
        "bad_host",
    ]
    .map(|host| {
        (
            format!("key {host}"),
            TrustRequest::Key { host: host.into() },
        )
    });
    let all = common::cases_shown(folders.into_iter().chain(keys), show);
    insta::assert_snapshot!(all);
}

#[test]
fn output_file_is_atomic_and_untouched_on_refusal() {
    let with_output = |target: PathBuf, pair: String| {
        TrustRequest::ConfigMap(ConfigMapRequest {
            format: Default::default(),
            name: "registry-config".into(),
            namespace: "openshift-config".into(),
            pairs: vec![pair],
            output: Some(target),
            now: now(),
            out_of_validity: trust_bundle::OutOfValidity::Refuse,
        })
    };
    let (dir, target, _) =
        common::run_to_file("registry-config.yaml", 0o644, |path, out, err, style| {
            let pair = format!("mirror.registry.com:443={DATA}/ca.pem");
            run(&with_output(path, pair), out, err, style)
        });
    let written = std::fs::read_to_string(&target).unwrap();
    assert_starts_with(
        &written,
        "apiVersion: v1\ndata:\n  mirror.registry.com..443: |\n",
    );
    // A refused bundle leaves the earlier file exactly as it was, and no temporary file behind.
    let refused = run(
        &with_output(
            target.clone(),
            format!("mirror.registry.com:443={DATA}/ca-with-key.pem"),
        ),
        &mut Vec::new(),
        &mut Vec::new(),
        &Style::plain(),
    );
    assert!(refused.is_err());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn binary_exit_codes() {
    let configmap = |file: &str| {
        common::run_binary(
            &[
                "trust",
                "configmap",
                &format!("mirror.registry.com:443={DATA}/{file}"),
            ],
            "",
        )
    };
    let ok = configmap("ca.pem");
    assert_eq!(ok.status.code(), Some(0));
    assert!(
        String::from_utf8(ok.stdout)
            .unwrap()
            .contains("kind: ConfigMap")
    );
    let key = configmap("ca-with-key.pem");
    assert_eq!(key.status.code(), Some(2));
    assert!(key.stdout.is_empty());
    let stderr = String::from_utf8(key.stderr).unwrap();
    assert!(
        stderr.lines().last().unwrap().starts_with("error: "),
        "{stderr}"
    );
    let check = common::run_binary(&["trust", "check", &format!("{DATA}/not-pem.crt")], "");
    assert_eq!(check.status.code(), Some(1));
    let missing = common::run_binary(&["trust", "check", &format!("{DATA}/nope.pem")], "");
    assert_eq!(missing.status.code(), Some(2));
    for sub in ["configmap", "check", "folder", "key"] {
        let help = common::run_binary(&["trust", sub, "--help"], "");
        let text = String::from_utf8(help.stdout).unwrap();
        assert!(text.contains("Example"), "{sub}: {text}");
    }
}
