//! Short names as CRI-O and podman resolve them (containers/image `pkg/shortnames`): aliases first (the alias cache,
//! then registries.conf), else each search registry in order, each candidate with its own pull sources.

use registries_conf::{
    Error, ErrorKind, Rationale, Resolver, ShortNameClient, ShortNameMode, ShortNameResolution,
    ShortNames, parse, parse_short_name_aliases, validate,
};

const PATH: &str = "/etc/containers/registries.conf";
const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A node's short-name configuration and the resolver built from the same file.
struct Node {
    names: ShortNames,
    resolver: Resolver,
}

impl Node {
    fn new(text: &str) -> Node {
        let config = validate(&parse(PATH, text.as_bytes()).unwrap()).unwrap();
        Node {
            names: ShortNames::new(&config, Some(PATH)),
            resolver: Resolver::new(&config),
        }
    }

    fn resolve(&self, input: &str, client: ShortNameClient) -> ShortNameResolution {
        self.names.resolve(&self.resolver, input, client).unwrap()
    }

    fn resolve_err(&self, input: &str, client: ShortNameClient) -> Error {
        self.names
            .resolve(&self.resolver, input, client)
            .unwrap_err()
    }

    /// Each candidate with its sources: `candidate: source, source`.
    fn show(&self, input: &str, client: ShortNameClient) -> Vec<String> {
        self.resolve(input, client)
            .candidates
            .iter()
            .map(|c| match &c.pull_sources {
                Ok(sources) => format!(
                    "{}: {}",
                    c.reference,
                    sources
                        .iter()
                        .map(|s| s.reference.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Err(e) => format!("{}: error {}", c.reference, e.message),
            })
            .collect()
    }
}

const NODE: &str = r#"
unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]
short-name-mode = "enforcing"

[[registry]]
prefix = ""
location = "docker.io/library"
[[registry.mirror]]
location = "mirror.example.com:5000/library"
"#;

#[test]
fn cri_o_tries_every_search_registry_in_order_whatever_the_mode() {
    let node = Node::new(NODE);
    let resolution = node.resolve("busybox", ShortNameClient::CriO);
    assert_eq!(resolution.mode, ShortNameMode::Disabled);
    assert_eq!(resolution.rationale, Rationale::SearchRegistries);
    assert!(!resolution.prompts);
    assert_eq!(
        node.show("busybox", ShortNameClient::CriO),
        [
            "registry.access.redhat.com/busybox:latest: registry.access.redhat.com/busybox:latest",
            "docker.io/library/busybox:latest: mirror.example.com:5000/library/busybox:latest, \
             docker.io/library/busybox:latest",
        ]
    );
    // A tag and a path are kept as typed; `library/` is added only on docker.io.
    assert_eq!(
        node.show("ubi9/ubi:9.4", ShortNameClient::CriO),
        [
            "registry.access.redhat.com/ubi9/ubi:9.4: registry.access.redhat.com/ubi9/ubi:9.4",
            "docker.io/ubi9/ubi:9.4: docker.io/ubi9/ubi:9.4",
        ]
    );
}

#[test]
fn the_mode_decides_for_other_clients() {
    let node = Node::new(NODE);
    // enforcing, several candidates: a terminal prompts, no terminal fails with containers/image's words.
    let on_terminal = node.resolve("busybox", ShortNameClient::Terminal);
    assert!(on_terminal.prompts);
    assert_eq!(on_terminal.mode, ShortNameMode::Enforcing);
    let err = node.resolve_err("busybox", ShortNameClient::NoTerminal);
    assert!(matches!(err.kind(), ErrorKind::ShortName { .. }));
    assert_eq!(
        err.to_string(),
        "short-name resolution enforced but cannot prompt without a TTY"
    );
    // permissive (also the default) without a terminal: every candidate.
    for mode in ["permissive", ""] {
        let text = NODE.replace("\"enforcing\"", &format!("{mode:?}"));
        let node = Node::new(&text);
        let resolution = node.resolve("busybox", ShortNameClient::NoTerminal);
        assert_eq!(resolution.mode, ShortNameMode::Permissive);
        assert!(!resolution.prompts);
        assert_eq!(resolution.candidates.len(), 2);
    }
    // One search registry: nothing to choose, so enforcing does not fail.
    let node = Node::new(
        "unqualified-search-registries = [\"quay.io\"]\nshort-name-mode = \"enforcing\"\n",
    );
    let one = node.resolve("app", ShortNameClient::NoTerminal);
    assert_eq!(one.candidates[0].reference, "quay.io/app:latest");
    assert!(!one.prompts);
}

#[test]
fn an_alias_wins_alone_and_carries_the_tag_and_digest() {
    let text = format!("{NODE}\n[aliases]\n\"busybox\" = \"quay.io/prometheus/busybox\"\n");
    let node = Node::new(&text);
    let resolution = node.resolve("busybox:1.36", ShortNameClient::Terminal);
    assert_eq!(resolution.rationale, Rationale::Alias { origin: None });
    assert!(!resolution.prompts, "an alias is never prompted for");
    assert_eq!(
        node.show("busybox:1.36", ShortNameClient::CriO),
        ["quay.io/prometheus/busybox:1.36: quay.io/prometheus/busybox:1.36"]
    );
    assert_eq!(
        node.show(&format!("busybox@{DIGEST}"), ShortNameClient::CriO),
        [format!(
            "quay.io/prometheus/busybox@{DIGEST}: quay.io/prometheus/busybox@{DIGEST}"
        )]
    );
}

#[test]
fn the_alias_cache_comes_first_and_an_empty_value_removes_an_alias() {
    let text = format!(
        "{NODE}\n[aliases]\n\"busybox\" = \"quay.io/prometheus/busybox\"\n\"app\" = \"quay.io/team/app\"\n"
    );
    let node = Node::new(&text);
    let cache_path = "/var/cache/containers/short-name-aliases.conf";
    let cache = parse_short_name_aliases(
        cache_path,
        b"[aliases]\n\"busybox\" = \"registry.example.com/tools/busybox\"\n\"app\" = \"\"\n",
    )
    .unwrap();
    let node = Node {
        names: node.names.with_alias_cache(cache),
        ..node
    };
    let resolution = node.resolve("busybox", ShortNameClient::CriO);
    assert_eq!(
        resolution.rationale,
        Rationale::Alias {
            origin: Some(cache_path.to_owned())
        }
    );
    assert_eq!(
        resolution.candidates[0].reference,
        "registry.example.com/tools/busybox:latest"
    );
    // `app = ""` in the cache hides registries.conf's alias: the search registries are used.
    let app = node.resolve("app", ShortNameClient::CriO);
    assert_eq!(app.rationale, Rationale::SearchRegistries);
    assert_eq!(app.candidates.len(), 2);
}

#[test]
fn a_fully_qualified_name_is_its_only_candidate() {
    let node = Node::new(NODE);
    for (input, expected) in [
        ("quay.io/app", "quay.io/app:latest"),
        ("localhost/app:1", "localhost/app:1"),
        ("registry:5000/app", "registry:5000/app:latest"),
        ("docker.io/busybox", "docker.io/library/busybox:latest"),
    ] {
        let resolution = node.resolve(input, ShortNameClient::NoTerminal);
        assert_eq!(resolution.rationale, Rationale::FullyQualified, "{input}");
        let references: Vec<&str> = resolution
            .candidates
            .iter()
            .map(|c| c.reference.as_str())
            .collect();
        assert_eq!(references, [expected], "{input}");
    }
}

#[test]
fn cri_o_drops_the_tag_beside_a_digest() {
    let node = Node::new(NODE);
    let input = format!("busybox:1.36@{DIGEST}");
    let resolution = node.resolve(&input, ShortNameClient::CriO);
    assert_eq!(
        resolution.candidates[1].reference,
        format!("docker.io/library/busybox@{DIGEST}")
    );
    assert!(resolution.candidates.iter().all(|c| c.pull_sources.is_ok()));
    // podman keeps both, and the pull then fails for each candidate, which is reported per candidate.
    let podman = node.resolve(&input, ShortNameClient::Terminal);
    assert!(podman.candidates.iter().all(|c| {
        c.pull_sources.as_ref().is_err_and(|e| {
            e.upstream.as_deref()
                == Some("Docker references with both a tag and digest are currently not supported")
        })
    }));
}

#[test]
fn errors_are_containers_image_words() {
    let node = Node::new("short-name-mode = \"disabled\"\n");
    let err = node.resolve_err("busybox", ShortNameClient::CriO);
    assert_eq!(
        err.to_string(),
        format!(
            "short-name \"busybox\" did not resolve to an alias and no unqualified-search registries are defined \
             in {PATH:?}"
        )
    );
    let config = validate(&parse(PATH, b"").unwrap()).unwrap();
    let err = ShortNames::new(&config, None)
        .resolve(&Resolver::new(&config), "busybox", ShortNameClient::CriO)
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("no containers-registries.conf(5) was found"),
        "{err}"
    );
    let err = node.resolve_err("Bad Name", ShortNameClient::CriO);
    assert!(
        err.to_string()
            .starts_with("cannot parse input: \"Bad Name\": "),
        "{err}"
    );
}

#[test]
fn the_alias_cache_is_checked_as_containers_image_checks_it() {
    let path = "/var/cache/containers/short-name-aliases.conf";
    let err =
        parse_short_name_aliases(path, b"[aliases]\n\"app\" = \"quay.io/app:1\"\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "loading short-name aliases config file {path:?}: invalid alias \"quay.io/app:1\": must not contain tag"
        )
    );
    let err = parse_short_name_aliases(path, b"[aliases\n").unwrap_err();
    assert_eq!(err.line(), Some(1));
    assert!(err.to_string().contains("toml: line 1"), "{err}");
    let empty = parse_short_name_aliases(path, b"# nothing yet\n").unwrap();
    assert!(empty.aliases.is_empty());
}
