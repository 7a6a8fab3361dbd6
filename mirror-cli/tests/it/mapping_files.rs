//! Mapping files → mirror set objects: the three line forms, oc-mirror's grouping, errors naming the line, and the
//! property that rendering the grouped objects never loses a mapping.

use mirror_cli::cluster::{Cluster, Input};
use mirror_cli::mapping::{self, Mapping};
use mirror_cli::node::{RenderOptions, paths, plan};
use proptest::prelude::*;
use registries_conf::Resolver;

const DIGEST_A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const DIGEST_B: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn yaml(text: &str) -> String {
    let mappings = mapping::parse("mapping.txt", text.as_bytes()).unwrap();
    let objects = mapping::group(&mappings).objects();
    icsp::to_yaml_stream(&objects, icsp::YamlStyle::SigsYaml)
}

#[test]
fn oc_adm_release_mirror_mapping() {
    // What `oc adm release mirror --to-dir`/`--dry-run` maps: components by digest to tags of one repository, the
    // release image by tag.
    let text = format!(
        "# release components\n\
         quay.io/openshift-release-dev/ocp-v4.0-art-dev@{DIGEST_A} mirror.registry.com:443/ocp/release:4.14.0-x86_64-etcd\n\
         quay.io/openshift-release-dev/ocp-v4.0-art-dev@{DIGEST_B} mirror.registry.com:443/ocp/release:4.14.0-x86_64-cli\n\
         \n\
         quay.io/openshift-release-dev/ocp-release:4.14.0-x86_64 mirror.registry.com:443/ocp/release:4.14.0-x86_64   # the payload\n"
    );
    insta::assert_snapshot!("release_mirror", yaml(&text));
}

#[test]
fn oc_mirror_v1_mapping() {
    let text = format!(
        "registry.redhat.io/ubi8/ubi@{DIGEST_A}=mirror.example.com:5000/ubi8/ubi:8.9\n\
         registry.redhat.io/rhel8/support-tools@{DIGEST_B}=mirror.example.com:5000/rhel8/support-tools:latest\n\
         docker.io/library/nginx:1.25=mirror.example.com:5000/library/nginx:1.25\n\
         registry.redhat.io/openshift4/ose-cli@{DIGEST_A}=mirror.example.com:5000/tools/cli:v4.14\n"
    );
    insta::assert_snapshot!("oc_mirror_v1", yaml(&text));
}

#[test]
fn oc_mirror_v2_mapping_with_transports() {
    let text = format!(
        "docker://registry.redhat.io/ubi9/ubi@{DIGEST_A}=docker://mirror.example.com/team/ubi9/ubi@{DIGEST_A}\n\
         docker://quay.io/openshift-release-dev/ocp-release:4.15.3-x86_64=docker://mirror.example.com/team/openshift-release-dev/ocp-release:4.15.3-x86_64\n\
         docker://quay.io/openshift-release-dev/ocp-v4.0-art-dev@{DIGEST_B}=docker://mirror.example.com/team/openshift-release-dev/ocp-v4.0-art-dev@{DIGEST_B}\n\
         docker://ghcr.io/org/tool:v1=docker://mirror.example.com/team/org/tool:v1\n"
    );
    insta::assert_snapshot!("oc_mirror_v2", yaml(&text));
}

#[test]
fn one_source_several_destinations_and_nested_rules() {
    // `SRC DST1 DST2`: both mirrors, in line order. The second line's repository rule sits inside the first
    // line's namespace rule: it keeps the namespace rule's mirror too.
    let text = format!(
        "quay.io/team/app@{DIGEST_A} a.example.com/team/app b.example.com/copies/app\n\
         quay.io/team/app@{DIGEST_B}=c.example.com/flat/other\n"
    );
    insta::assert_snapshot!("several_destinations", yaml(&text));
}

#[test]
fn output_does_not_depend_on_line_order() {
    let lines = [
        format!("quay.io/a/one@{DIGEST_A}=m.example.com/a/one"),
        format!("quay.io/b/two@{DIGEST_A}=m.example.com/x/two"),
        "quay.io/c/three:1=m.example.com/c/three:1".to_owned(),
        format!("registry.example.com/d@{DIGEST_B}=m.example.com/d"),
    ];
    let forward = yaml(&lines.join("\n"));
    let mut reversed = lines.clone();
    reversed.reverse();
    assert_eq!(forward, yaml(&reversed.join("\n")));
}

#[test]
fn bad_lines_are_named() {
    let cases = [
        ("lone source", "quay.io/a/b:1\n"),
        (
            "mixed tokens",
            "quay.io/a/b:1=m.example.com/a/b quay.io/c:1\n",
        ),
        ("empty side", "# header\n\nquay.io/a/b:1=\n"),
        ("no tag or digest", "quay.io/a/b=m.example.com/a/b\n"),
        ("bad reference", "quay.io/a/B:1=m.example.com/a/b\n"),
        ("file transport", "quay.io/a/b:1=file://a/b:1\n"),
        ("oci transport", "oci:/tmp/layout=m.example.com/a/b:1\n"),
        (
            "same destination twice",
            "quay.io/a/b:1=m.example.com/a/b:1\nquay.io/c/b:1 m.example.com/a/b\n",
        ),
    ];
    let mut report = String::new();
    for (what, text) in cases {
        let err = mapping::parse("mapping.txt", text.as_bytes()).unwrap_err();
        report.push_str(&format!("{what}: {err}\n"));
    }
    insta::assert_snapshot!("bad_lines", report);
}

#[test]
fn map_arguments() {
    assert_eq!(
        mapping::parse_map_argument("docker://quay.io/ocp=mirror.example.com:5000/ocp").unwrap(),
        (
            "quay.io/ocp".to_owned(),
            "mirror.example.com:5000/ocp".to_owned()
        )
    );
    let mut report = String::new();
    for bad in [
        "quay.io/ocp",
        "quay.io/ocp=*.example.com",
        "Quay.io@x=m.example.com",
    ] {
        report.push_str(&format!(
            "{}\n",
            mapping::parse_map_argument(bad).unwrap_err()
        ));
    }
    insta::assert_snapshot!("bad_map_arguments", report);
}

/// The reference the node should try for `mapping`: the destination repository with the source's tag or digest.
fn expected_pull(mapping: &Mapping) -> String {
    match (mapping.source.digest(), mapping.source.tag()) {
        (Some(digest), _) => format!("{}@{digest}", mapping.destination.name()),
        (None, Some(tag)) => format!("{}:{tag}", mapping.destination.name()),
        (None, None) => unreachable!("the parser requires a tag or digest"),
    }
}

fn component() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "ab", "team", "ocp-release"]).prop_map(str::to_owned)
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(component(), 1..4).prop_map(|c| c.join("/"))
}

#[derive(Debug, Clone)]
struct Line {
    source: String,
    destination: String,
    form: u8,
}

fn line() -> impl Strategy<Value = Line> {
    let source_registry = prop::sample::select(vec![
        "quay.io",
        "registry.example.com:5000",
        "quay.io/openshift-release-dev",
    ]);
    let mirror_registry = prop::sample::select(vec!["m.example.com", "m2.example.com:443"]);
    (
        source_registry,
        path(),
        prop::bool::ANY,
        mirror_registry,
        prop::option::of(path()),
        prop::bool::ANY,
        0u8..3,
    )
        .prop_map(
            |(registry, path, by_digest, mirror, prefix, keep_path, form)| {
                let suffix = if by_digest {
                    format!("@{DIGEST_A}")
                } else {
                    ":v1".to_owned()
                };
                // Either the source path under some prefix (namespace scope) or any other path.
                let dst_path = match (keep_path, prefix) {
                    (true, Some(prefix)) => format!("{prefix}/{path}"),
                    (true, None) => path.clone(),
                    (false, Some(other)) => other,
                    (false, None) => format!("flat/{}", path.replace('/', "-")),
                };
                Line {
                    source: format!("{registry}/{path}{suffix}"),
                    destination: format!("{mirror}/{dst_path}{suffix}"),
                    form,
                }
            },
        )
}

fn render_text(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| match l.form {
            0 => format!("{}={}", l.source, l.destination),
            1 => format!("docker://{}=docker://{}", l.source, l.destination),
            _ => format!("{} {}  # oc image mirror", l.source, l.destination),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Mapping lines → grouped objects → YAML → the node's registries.conf: for every line, the node tries the
    /// line's destination for the line's source.
    #[test]
    fn render_never_loses_a_mapping(lines in prop::collection::vec(line(), 1..8)) {
        // Two lines writing one destination are refused by the parser (as by oc); keep the first.
        let mut seen = std::collections::HashSet::new();
        let lines: Vec<Line> = lines.into_iter().filter(|l| seen.insert(l.destination.clone())).collect();
        let text = render_text(&lines);
        let mappings = mapping::parse("mapping.txt", text.as_bytes()).unwrap();
        prop_assert_eq!(mappings.len(), lines.len());
        let stream = icsp::to_yaml_stream(&mapping::group(&mappings).objects(), icsp::YamlStyle::SigsYaml);
        let input = Input { name: "objects.yaml".into(), bytes: stream.clone().into_bytes() };
        let cluster = Cluster::read(&[input], &icsp::Limits::default()).unwrap();
        let node = plan(&cluster, &RenderOptions::default()).unwrap();
        let conf = node.files.iter().find(|f| f.path == std::path::Path::new(paths::REGISTRIES_CONF)).unwrap();
        let main = registries_conf::InMemoryFile { path: "registries.conf", bytes: &conf.bytes };
        let loaded = registries_conf::load_in_memory(Some(main), &[]).unwrap();
        let resolver = Resolver::new(&loaded.config);
        for mapping in &mappings {
            let sources = resolver.pull_sources(&mapping.source.to_string()).unwrap();
            let tried: Vec<&str> = sources.iter().map(|s| s.reference.as_str()).collect();
            let expected = expected_pull(mapping);
            prop_assert!(
                tried.contains(&expected.as_str()),
                "line {}: {} → {}: the node tries {:?}\n{}\n{}",
                mapping.line, mapping.source, mapping.destination, tried, stream,
                String::from_utf8_lossy(&conf.bytes)
            );
        }
    }
}
