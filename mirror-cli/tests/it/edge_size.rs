//! Objects too large for the cluster (issue 13.4): the registries.conf machine-config-operator would store in a
//! MachineConfig over etcd's 1.5 MiB request limit is an error for `icsp validate` and `manifests` (it would apply
//! and never reach a node), a warning for render (the files still go to a host), and a warning near the limit; each
//! says how many sources fit and the way out.

use crate::common::{self, assert_contains, input};
use mirror_cli::commands::Exit;
use mirror_cli::commands::manifests::{self, ManifestsRequest, Rules};
use mirror_cli::commands::render::RenderRequest;

/// A long repository name (≈ 600 bytes of base64 a source in registries.conf), so that few sources reach the
/// limit and the test stays quick.
fn repository(i: usize) -> String {
    format!(
        "team-{i:05}/application-{i:05}-{}end",
        "component-".repeat(14)
    )
}

/// ImageDigestMirrorSets with `sources` repository-level sources in all, one mirror each, 500 sources an object
/// (each under the 262 144-byte annotation limit of client-side `oc apply`).
fn idms(sources: usize) -> String {
    let mut text = String::new();
    for i in 0..sources {
        if i % 500 == 0 {
            text.push_str(&format!(
                "---\napiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {{name: many-{}}}\n\
                 spec:\n  imageDigestMirrors:\n",
                i / 500
            ));
        }
        let repository = repository(i);
        text.push_str(&format!(
            "  - source: quay.io/{repository}\n    mirrors: [mirror.example.com:5000/{repository}]\n"
        ));
    }
    text
}

fn validate(text: &str) -> (Result<Exit, mirror_cli::Error>, String, String) {
    common::validate_strict(vec![input("idms.yaml", text)])
}

#[test]
fn over_the_limit_is_refused_with_how_many_fit_and_the_way_out() {
    let text = idms(3_000);
    let (result, out, _) = validate(&text);
    assert_eq!(result.unwrap(), Exit::Failed, "{out}");
    let line = out
        .lines()
        .find(|l| {
            l.starts_with(
                "too large for the cluster: the MachineConfig 99-<pool>-generated-registries",
            )
        })
        .unwrap_or_else(|| panic!("{out}"));
    assert_contains(line, "1572864-byte request limit");
    assert_contains(line, "of its 3000 sources fit");
    assert_contains(line, "mirror by namespace");
    let fit: usize = line
        .split("; about ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((1_000..3_000).contains(&fit), "{line}");

    // render still writes the files (a host no operator manages takes them), with the warning.
    let (result, _, err) = common::render_captured(&RenderRequest {
        inputs: vec![input("idms.yaml", &text)],
        ..Default::default()
    });
    assert_eq!(result.unwrap(), Exit::Ok);
    assert_contains(&err, "warning: too large for the cluster: ");
}

#[test]
fn near_the_limit_is_a_warning_and_small_is_silent() {
    // ≈ 600 bytes of base64 per source: 2 300 sources are ≈ 90 % of 1.5 MiB.
    let (result, out, err) = validate(&idms(2_300));
    assert_eq!(result.unwrap(), Exit::Ok, "{out}");
    assert_contains(&err, "warning: near the cluster's limit: ");
    let (result, out, err) = validate(&idms(100));
    assert_eq!(result.unwrap(), Exit::Ok, "{out}");
    assert!(!err.contains("limit"), "{err}");
}

#[test]
fn manifests_refuses_mirror_sets_the_cluster_cannot_store() {
    let maps = (0..3_000)
        .map(|i| format!("quay.io/{0}=mirror.example.com:5000/{0}", repository(i)))
        .collect();
    let request = ManifestsRequest {
        registry: "mirror.example.com:5000".into(),
        ca: input("ca.crt", std::fs::read("tests/trust_data/ca.pem").unwrap()),
        pull_secret: input("ps.json", r#"{"auths":{}}"#),
        username: "admin".into(),
        password: dockerconfig::Secret::new("pw".to_owned()),
        rules: Rules::Maps(maps),
        tags: false,
        output: None,
        now: trust_bundle::UnixTime::now(),
        out_of_validity: trust_bundle::OutOfValidity::Refuse,
        format: Default::default(),
    };
    let err = manifests::build(&request).unwrap_err();
    assert!(
        matches!(err, mirror_cli::Error::TooLargeForCluster(_)),
        "{err}"
    );
    assert!(err.to_string().contains("of its 3000 sources fit"), "{err}");
}
