//! `mirror-cli manifests`: the stream for `oc apply -f -`, and that rendering it gives the node files the procedure
//! expects (the mirror in registries.conf, its credentials in config.json, its CA in certs.d).

use crate::common::{self, input};
use std::path::Path;

use mirror_cli::cluster::Cluster;

use mirror_cli::cluster::EXAMPLE;
use mirror_cli::commands::manifests::{ManifestsRequest, Rules, build, run, to_stream};
use mirror_cli::node::{RenderOptions, paths, plan};

const REGISTRY: &str = "mirror.example.com:5000";
const DIGEST: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
const PULL_SECRET: &str =
    r#"{"auths":{"quay.io":{"auth":"cXVheS11c2VyOnF1YXktdG9rZW4=","email":"e@example.com"}}}"#;

/// The example's CA (a real, long-lived demo CA whose key was thrown away).
fn ca_pem() -> String {
    let start = EXAMPLE.find("-----BEGIN CERTIFICATE-----").unwrap();
    let end =
        EXAMPLE.find("-----END CERTIFICATE-----").unwrap() + "-----END CERTIFICATE-----".len();
    let mut pem: String = EXAMPLE[start..end]
        .lines()
        .map(|l| format!("{}\n", l.trim()))
        .collect();
    pem.truncate(pem.trim_end().len());
    pem.push('\n');
    pem
}

fn request(rules: Rules, tags: bool) -> ManifestsRequest {
    ManifestsRequest {
        format: Default::default(),
        registry: REGISTRY.into(),
        ca: input("ca.crt", ca_pem()),
        pull_secret: input("pull-secret.json", PULL_SECRET),
        username: "admin".into(),
        password: dockerconfig::Secret::new("s3cret-Pass".to_owned()),
        rules,
        tags,
        output: None,
        now: trust_bundle::UnixTime::now(),
        out_of_validity: trust_bundle::OutOfValidity::Refuse,
    }
}

fn release_maps() -> Rules {
    Rules::Maps(vec![
        format!("quay.io/openshift-release-dev/ocp-release={REGISTRY}/ocp/release"),
        format!("quay.io/openshift-release-dev/ocp-v4.0-art-dev={REGISTRY}/ocp/release"),
    ])
}

/// The stream with the Secret's payload replaced (it holds credentials, test ones, but still).
fn redacted(stream: &str) -> String {
    stream
        .lines()
        .map(|l| match l.split_once(".dockerconfigjson: ") {
            Some((indent, _)) => format!("{indent}.dockerconfigjson: (credentials)"),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn stream_from_maps() {
    let manifests = build(&request(release_maps(), true)).unwrap();
    let stream = to_stream(&manifests.objects);
    assert!(!stream.contains("s3cret-Pass"));
    insta::assert_snapshot!("maps_stream", redacted(&stream));
    insta::assert_snapshot!(
        "maps_messages",
        format!(
            "{:#?}\n{:#?}",
            common::texts(&manifests.warnings),
            manifests.notes
        )
    );
}

#[test]
fn rendering_the_stream_gives_the_procedures_node_files() {
    let stream = to_stream(&build(&request(release_maps(), false)).unwrap().objects);
    let cluster =
        Cluster::read(&[input("manifests.yaml", stream)], &icsp::Limits::default()).unwrap();
    let node = plan(&cluster, &RenderOptions::default()).unwrap();
    let file = |path: &str| {
        node.files
            .iter()
            .find(|f| f.path == Path::new(path))
            .unwrap_or_else(|| panic!("{path} missing from {:?}", node.files))
    };
    // The mirror, tried first for the payload by digest.
    let conf = file(paths::REGISTRIES_CONF);
    let loaded = registries_conf::load_in_memory(
        Some(registries_conf::InMemoryFile {
            path: "registries.conf",
            bytes: &conf.bytes,
        }),
        &[],
    )
    .unwrap();
    let sources = registries_conf::Resolver::new(&loaded.config)
        .pull_sources(&format!(
            "quay.io/openshift-release-dev/ocp-release@{DIGEST}"
        ))
        .unwrap();
    assert_eq!(
        sources
            .iter()
            .map(|s| s.reference.as_str())
            .collect::<Vec<_>>(),
        [
            format!("{REGISTRY}/ocp/release@{DIGEST}").as_str(),
            format!("quay.io/openshift-release-dev/ocp-release@{DIGEST}").as_str()
        ]
    );
    // The credentials: the mirror's added, the original kept.
    let auth = file(paths::KUBELET_CONFIG_JSON);
    assert_eq!(auth.mode, 0o600);
    let config = dockerconfig::DockerConfig::parse(&auth.bytes, "config.json").unwrap();
    match config.decode(REGISTRY).unwrap().unwrap() {
        dockerconfig::Decoded::Credentials(c) => {
            assert_eq!(c.username(), "admin");
            assert_eq!(c.password().expose(), "s3cret-Pass");
        }
        other => panic!("{other:?}"),
    }
    assert!(config.get("quay.io").is_some());
    // The CA, where CRI-O looks for this mirror.
    let ca = file(&format!("{}/{REGISTRY}/ca.crt", paths::CERTS_D));
    assert_eq!(String::from_utf8(ca.bytes.clone()).unwrap(), ca_pem());
    assert!(node.warnings.is_empty(), "{:?}", node.warnings);
}

#[test]
fn stream_from_a_mapping_file() {
    let mapping = format!(
        "quay.io/openshift-release-dev/ocp-v4.0-art-dev@{DIGEST}={REGISTRY}/ocp/release:4.15.0-x86_64-etcd\n\
         quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64={REGISTRY}/ocp/release:4.15.0-x86_64\n\
         docker.io/library/nginx:1.25={REGISTRY}/library/nginx:1.25\n"
    );
    let with_tags = build(&request(
        Rules::Mapping(input("mapping.txt", mapping.clone())),
        true,
    ))
    .unwrap();
    insta::assert_snapshot!("mapping_stream", redacted(&to_stream(&with_tags.objects)));
    let without_tags = build(&request(
        Rules::Mapping(input("mapping.txt", mapping)),
        false,
    ))
    .unwrap();
    assert!(
        !without_tags
            .objects
            .iter()
            .any(|o| o.kind() == "ImageTagMirrorSet")
    );
    insta::assert_snapshot!(
        "mapping_without_tags_warnings",
        common::texts(&without_tags.warnings).join("\n")
    );
}

#[test]
fn refusals() {
    let mut report = String::new();
    let mut refuse = |what: &str, request: ManifestsRequest| {
        let e = build(&request).unwrap_err();
        report.push_str(&format!("{what}: {e}\n"));
    };
    refuse(
        "registry with a path",
        ManifestsRequest {
            registry: format!("{REGISTRY}/ocp"),
            ..request(release_maps(), false)
        },
    );
    refuse(
        "not a certificate",
        ManifestsRequest {
            ca: input("ca.crt", "hello\n"),
            ..request(release_maps(), false)
        },
    );
    refuse(
        "user with a colon",
        ManifestsRequest {
            username: "a:b".into(),
            ..request(release_maps(), false)
        },
    );
    refuse("no rules", request(Rules::Maps(Vec::new()), false));
    refuse(
        "bad map",
        request(Rules::Maps(vec!["quay.io".into()]), false),
    );
    refuse(
        "bad mapping line",
        request(
            Rules::Mapping(input("mapping.txt", "# x\nquay.io/a\n")),
            false,
        ),
    );
    refuse(
        "pull secret not JSON",
        ManifestsRequest {
            pull_secret: input("pull-secret.json", "nope"),
            ..request(release_maps(), false)
        },
    );
    assert!(!report.contains("s3cret-Pass"));
    insta::assert_snapshot!("refusals", report);
}

#[test]
fn mirrors_elsewhere_are_warned_about() {
    let manifests = build(&request(
        Rules::Maps(vec!["quay.io/a=other.example.com/a".into()]),
        false,
    ))
    .unwrap();
    insta::assert_snapshot!(
        "elsewhere_warnings",
        common::texts(&manifests.warnings).join("\n")
    );
}

#[test]
fn output_file_is_private() {
    let (dir, _, err) = common::run_to_file("manifests.yaml", 0o600, |path, out, err, style| {
        let request = ManifestsRequest {
            output: Some(path),
            ..request(release_maps(), false)
        };
        run(&request, out, err, style)
    });
    assert!(!err.contains("s3cret-Pass"), "{err}");
    insta::assert_snapshot!(
        "run_stderr",
        err.replace(&dir.path().display().to_string(), "<dir>")
    );
}

#[test]
fn binary_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.crt"), ca_pem()).unwrap();
    std::fs::write(dir.path().join("ps.json"), PULL_SECRET).unwrap();
    let output = common::output_with_stdin(
        common::binary().current_dir(dir.path()).args([
            "manifests",
            "--registry",
            REGISTRY,
            "--ca",
            "ca.crt",
            "--pull-secret",
            "ps.json",
            "--username",
            "admin",
            "--password-stdin",
            "--map",
            &format!("quay.io/openshift-release-dev/ocp-release={REGISTRY}/ocp/release"),
        ]),
        b"s3cret-Pass\n",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stream = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stream.matches("\nkind: ").count() + usize::from(stream.starts_with("kind: ")),
        4,
        "{}",
        redacted(&stream)
    );
    let help = common::run_binary(&["manifests", "--help"], "");
    insta::assert_snapshot!("help", String::from_utf8(help.stdout).unwrap());
}
