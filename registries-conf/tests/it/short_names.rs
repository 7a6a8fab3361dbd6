//! Short names as CRI-O and podman resolve them (containers/image `pkg/shortnames`): aliases first (the alias cache,
//! then registries.conf), else each search registry in order, each candidate with its own pull sources.

use registries_conf::{
    ErrorKind, Rationale, Resolver, ShortNameClient, ShortNameMode, ShortNames, parse,
    parse_short_name_aliases, validate,
};

const PATH: &str = "/etc/containers/registries.conf";
const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn setup(text: &str) -> (ShortNames, Resolver) {
    let config = validate(&parse(PATH, text.as_bytes()).unwrap()).unwrap();
    (ShortNames::new(&config, Some(PATH)), Resolver::new(&config))
}

/// Each candidate with its sources: `candidate: source, source`.
fn show(
    names: &ShortNames,
    resolver: &Resolver,
    input: &str,
    client: ShortNameClient,
) -> Vec<String> {
    let resolution = names.resolve(resolver, input, client).unwrap();
    resolution
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
    let (names, resolver) = setup(NODE);
    let resolution = names
        .resolve(&resolver, "busybox", ShortNameClient::CriO)
        .unwrap();
    assert_eq!(resolution.mode, ShortNameMode::Disabled);
    assert_eq!(resolution.rationale, Rationale::SearchRegistries);
    assert!(!resolution.prompts);
    assert_eq!(
        show(&names, &resolver, "busybox", ShortNameClient::CriO),
        [
            "registry.access.redhat.com/busybox:latest: registry.access.redhat.com/busybox:latest",
            "docker.io/library/busybox:latest: mirror.example.com:5000/library/busybox:latest, \
             docker.io/library/busybox:latest",
        ]
    );
    // A tag and a path are kept as typed; `library/` is added only on docker.io.
    assert_eq!(
        show(&names, &resolver, "ubi9/ubi:9.4", ShortNameClient::CriO),
        [
            "registry.access.redhat.com/ubi9/ubi:9.4: registry.access.redhat.com/ubi9/ubi:9.4",
            "docker.io/ubi9/ubi:9.4: docker.io/ubi9/ubi:9.4",
        ]
    );
}

#[test]
fn the_mode_decides_for_other_clients() {
    let (names, resolver) = setup(NODE);
    // enforcing, several candidates: a terminal prompts, no terminal fails with containers/image's words.
    let on_terminal = names
        .resolve(&resolver, "busybox", ShortNameClient::Terminal)
        .unwrap();
    assert!(on_terminal.prompts);
    assert_eq!(on_terminal.mode, ShortNameMode::Enforcing);
    let err = names
        .resolve(&resolver, "busybox", ShortNameClient::NoTerminal)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ShortName { .. }));
    assert_eq!(
        err.to_string(),
        "short-name resolution enforced but cannot prompt without a TTY"
    );
    // permissive (also the default) without a terminal: every candidate.
    for mode in ["permissive", ""] {
        let text = NODE.replace("\"enforcing\"", &format!("{mode:?}"));
        let (names, resolver) = setup(&text);
        let resolution = names
            .resolve(&resolver, "busybox", ShortNameClient::NoTerminal)
            .unwrap();
        assert_eq!(resolution.mode, ShortNameMode::Permissive);
        assert!(!resolution.prompts);
        assert_eq!(resolution.candidates.len(), 2);
    }
    // One search registry: nothing to choose, so enforcing does not fail.
    let (names, resolver) =
        setup("unqualified-search-registries = [\"quay.io\"]\nshort-name-mode = \"enforcing\"\n");
    let one = names
        .resolve(&resolver, "app", ShortNameClient::NoTerminal)
        .unwrap();
    assert_eq!(one.candidates[0].reference, "quay.io/app:latest");
    assert!(!one.prompts);
}

#[test]
fn an_alias_wins_alone_and_carries_the_tag_and_digest() {
    let text = format!("{NODE}\n[aliases]\n\"busybox\" = \"quay.io/prometheus/busybox\"\n");
    let (names, resolver) = setup(&text);
    let resolution = names
        .resolve(&resolver, "busybox:1.36", ShortNameClient::Terminal)
        .unwrap();
    assert_eq!(resolution.rationale, Rationale::Alias { origin: None });
    assert!(!resolution.prompts, "an alias is never prompted for");
    assert_eq!(
        show(&names, &resolver, "busybox:1.36", ShortNameClient::CriO),
        ["quay.io/prometheus/busybox:1.36: quay.io/prometheus/busybox:1.36"]
    );
    assert_eq!(
        show(
            &names,
            &resolver,
            &format!("busybox@{DIGEST}"),
            ShortNameClient::CriO
        ),
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
    let (names, resolver) = setup(&text);
    let cache_path = "/var/cache/containers/short-name-aliases.conf";
    let cache = parse_short_name_aliases(
        cache_path,
        b"[aliases]\n\"busybox\" = \"registry.example.com/tools/busybox\"\n\"app\" = \"\"\n",
    )
    .unwrap();
    let names = names.with_alias_cache(cache);
    let resolution = names
        .resolve(&resolver, "busybox", ShortNameClient::CriO)
        .unwrap();
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
    let app = names
        .resolve(&resolver, "app", ShortNameClient::CriO)
        .unwrap();
    assert_eq!(app.rationale, Rationale::SearchRegistries);
    assert_eq!(app.candidates.len(), 2);
}

#[test]
fn a_fully_qualified_name_is_its_only_candidate() {
    let (names, resolver) = setup(NODE);
    for (input, expected) in [
        ("quay.io/app", "quay.io/app:latest"),
        ("localhost/app:1", "localhost/app:1"),
        ("registry:5000/app", "registry:5000/app:latest"),
        ("docker.io/busybox", "docker.io/library/busybox:latest"),
    ] {
        let resolution = names
            .resolve(&resolver, input, ShortNameClient::NoTerminal)
            .unwrap();
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
    let (names, resolver) = setup(NODE);
    let input = format!("busybox:1.36@{DIGEST}");
    let resolution = names
        .resolve(&resolver, &input, ShortNameClient::CriO)
        .unwrap();
    assert_eq!(
        resolution.candidates[1].reference,
        format!("docker.io/library/busybox@{DIGEST}")
    );
    assert!(resolution.candidates.iter().all(|c| c.pull_sources.is_ok()));
    // podman keeps both, and the pull then fails for each candidate, which is reported per candidate.
    let podman = names
        .resolve(&resolver, &input, ShortNameClient::Terminal)
        .unwrap();
    assert!(podman.candidates.iter().all(|c| {
        c.pull_sources.as_ref().is_err_and(|e| {
            e.upstream.as_deref()
                == Some("Docker references with both a tag and digest are currently not supported")
        })
    }));
}

#[test]
fn errors_are_containers_image_words() {
    let (names, resolver) = setup("short-name-mode = \"disabled\"\n");
    let err = names
        .resolve(&resolver, "busybox", ShortNameClient::CriO)
        .unwrap_err();
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
    let err = names
        .resolve(&resolver, "Bad Name", ShortNameClient::CriO)
        .unwrap_err();
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
