//! `render --target microshift`: a registries.conf.d drop-in that keeps the fallback to the source, the pull secret
//! where CRI-O reads it on MicroShift, the CAs under certs.d, and nothing of the host's own files.

use crate::common::{self, assert_contains};
use std::path::Path;

use mirror_cli::cluster::all_inputs;
use mirror_cli::cluster::{Cluster, Input};
use mirror_cli::commands::render::{RenderRequest, run};
use mirror_cli::commands::{Exit, Style};
use mirror_cli::node::{RenderOptions, Target, paths, plan};
use registries_conf::Resolver;
use registries_conf::{InMemoryFile, load_in_memory};

const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

/// A RHEL host's own registries.conf (abridged): search registries and enforcing short names.
const HOST_REGISTRIES_CONF: &str = "unqualified-search-registries = [\"registry.access.redhat.com\", \"registry.redhat.io\", \"docker.io\"]\n\
short-name-mode = \"enforcing\"\n\n\
[[registry]]\n  location = \"registry.example.org\"\n  insecure = true\n";

const TAGS_AND_BLOCKED: &str = include_str!("fixtures/tags-and-blocked.yaml");

fn options(target: Target) -> RenderOptions {
    RenderOptions {
        target,
        ..Default::default()
    }
}

fn files(extra: &[&str], target: Target) -> mirror_cli::node::NodePlan {
    let inputs: Vec<Input> = extra
        .iter()
        .enumerate()
        .map(|(i, text)| Input {
            name: format!("extra-{i}.yaml"),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let cluster = Cluster::read(&all_inputs(&inputs, true), &icsp::Limits::default()).unwrap();
    plan(&cluster, &options(target)).unwrap()
}

#[test]
fn writes_the_drop_in_secret_and_cas_only() {
    let root = tempfile::tempdir().unwrap();
    let request = common::example_request(root.path(), options(Target::MicroShift));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(
        run(&request, &mut out, &mut err, &Style::plain()).unwrap(),
        Exit::Ok
    );
    assert!(!root.path().join(paths::REGISTRIES_CONF).exists());
    assert!(!root.path().join(paths::POLICY_JSON).exists());
    assert!(!root.path().join(paths::KUBELET_CONFIG_JSON).exists());
    assert_eq!(
        common::mode(&root.path().join(paths::MICROSHIFT_PULL_SECRET)),
        0o600
    );
    insta::assert_snapshot!(
        "example_tree",
        common::tree(root.path(), mirror_cli::node::holds_credentials)
    );
    insta::assert_snapshot!("example_stderr", String::from_utf8(err).unwrap());
}

#[test]
fn show_never_prints_the_pull_secret() {
    let request = RenderRequest {
        example: true,
        show: true,
        options: options(Target::MicroShift),
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    run(&request, &mut out, &mut err, &Style::plain()).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_contains(&out, "/etc/crio/openshift-pull-secret");
    assert_contains(&out, "holds credentials: not shown");
    assert!(!out.contains("\"auths\""), "{out}");
}

fn resolver(main: &str, drop_in: Option<&[u8]>) -> (Resolver, registries_conf::RegistriesConf) {
    let drop_ins: Vec<InMemoryFile<'_>> = drop_in
        .map(|bytes| InMemoryFile {
            path: "/etc/containers/registries.conf.d/999-microshift-mirror.conf",
            bytes,
        })
        .into_iter()
        .collect();
    let main = InMemoryFile {
        path: "/etc/containers/registries.conf",
        bytes: main.as_bytes(),
    };
    let loaded = load_in_memory(Some(main), &drop_ins).unwrap();
    (Resolver::new(&loaded.config), loaded.config)
}

fn sources(resolver: &Resolver, reference: &str) -> Vec<String> {
    resolver
        .pull_sources(reference)
        .unwrap()
        .into_iter()
        .map(|s| {
            let mut text = s.reference;
            if s.blocked.is_some() {
                text.push_str(" [blocked]");
            }
            text
        })
        .collect()
}

#[test]
fn host_plus_drop_in_pulls_as_the_openshift_node_does() {
    let openshift = files(&[TAGS_AND_BLOCKED], Target::OpenShift);
    let microshift = files(&[TAGS_AND_BLOCKED], Target::MicroShift);
    let conf = |plan: &mirror_cli::node::NodePlan, path: &str| {
        plan.files
            .iter()
            .find(|f| f.path == Path::new(path))
            .map(|f| f.bytes.clone())
    };
    let node_conf = String::from_utf8(conf(&openshift, paths::REGISTRIES_CONF).unwrap()).unwrap();
    let drop_in = conf(&microshift, paths::MICROSHIFT_MIRROR_DROP_IN).unwrap();
    assert!(conf(&microshift, paths::REGISTRIES_CONF).is_none());
    insta::assert_snapshot!("drop_in", String::from_utf8(drop_in.clone()).unwrap());

    let (node, _) = resolver(&node_conf, None);
    let (host, merged) = resolver(HOST_REGISTRIES_CONF, Some(&drop_in));
    // The host keeps its own header and entries.
    assert_eq!(merged.short_name_mode, "enforcing");
    assert_eq!(merged.unqualified_search_registries.len(), 3);
    assert!(
        merged
            .registries
            .iter()
            .any(|r| r.prefix == "registry.example.org" && r.insecure)
    );
    for reference in [
        format!("quay.io/openshift-release-dev/ocp-release@{DIGEST}"),
        format!("quay.io/openshift-release-dev/ocp-v4.0-art-dev@{DIGEST}"),
        "quay.io/openshift-release-dev/ocp-release:4.14.0".to_owned(),
        "quay.io/tools/cli:1".to_owned(),
        format!("registry.example.net/apps/web@{DIGEST}"),
        "docker.io/library/busybox:1".to_owned(),
    ] {
        assert_eq!(
            sources(&host, &reference),
            sources(&node, &reference),
            "{reference}"
        );
    }
    // The fallback to the source is kept (the documented recipe's `location` rewrite loses it).
    assert_eq!(
        sources(
            &host,
            &format!("quay.io/openshift-release-dev/ocp-release@{DIGEST}")
        ),
        [
            format!("mirror.registry.com:443/ocp/release@{DIGEST}"),
            format!("quay.io/openshift-release-dev/ocp-release@{DIGEST}"),
        ]
    );
}

#[test]
fn allowed_registries_are_reported_not_written() {
    // The example's Image, with registrySources.allowedRegistries added.
    let example_with_allowed = mirror_cli::cluster::EXAMPLE.replace(
        "kind: Image\nmetadata:\n  name: cluster\nspec:\n",
        "kind: Image\nmetadata:\n  name: cluster\nspec:\n  registrySources:\n    allowedRegistries:\n    - quay.io\n    - mirror.registry.com:443\n",
    );
    assert_ne!(example_with_allowed, mirror_cli::cluster::EXAMPLE);
    let inputs = [Input {
        name: "objects.yaml".into(),
        bytes: example_with_allowed.into_bytes(),
    }];
    let cluster = Cluster::read(&inputs, &icsp::Limits::default()).unwrap();
    let plan = plan(&cluster, &options(Target::MicroShift)).unwrap();
    assert!(
        !plan
            .files
            .iter()
            .any(|f| f.path == Path::new(paths::POLICY_JSON))
    );
    insta::assert_snapshot!(
        "allowed_registries_warnings",
        common::texts(&plan.warnings).join("\n")
    );
}

#[test]
fn nothing_to_mirror_writes_no_drop_in() {
    let cluster = Cluster::read(
        &[Input {
            name: "empty.yaml".into(),
            bytes: b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n"
                .to_vec(),
        }],
        &icsp::Limits::default(),
    )
    .unwrap();
    let plan = plan(&cluster, &options(Target::MicroShift)).unwrap();
    assert!(plan.files.is_empty(), "{:?}", plan.files);
    insta::assert_snapshot!("nothing_to_mirror_notes", plan.notes.join("\n"));
}
