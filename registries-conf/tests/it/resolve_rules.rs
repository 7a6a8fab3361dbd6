//! Resolve: error messages (insta), blocked messages, and the indexed lookup against a plain linear scan.

use crate::strategies::one_of;
use proptest::prelude::*;
use registries_conf::parse;
use registries_conf::validate;
use registries_conf::{PullSource, Resolver};
use registries_conf::{RegistriesConf, Registry};

fn resolver(text: &str) -> Resolver {
    let config =
        validate(&parse("/etc/containers/registries.conf", text.as_bytes()).unwrap()).unwrap();
    Resolver::new(&config)
}

fn show(result: Result<Vec<PullSource>, registries_conf::Error>) -> String {
    match result {
        Err(e) => format!("error: {e}\n  upstream: {:?}", e.upstream_message()),
        Ok(sources) => sources
            .iter()
            .map(|s| {
                let mut line = s.reference.clone();
                if s.is_mirror {
                    line.push_str(" mirror");
                }
                if s.insecure {
                    line.push_str(" insecure");
                }
                if let Some(b) = &s.blocked {
                    line.push_str(&format!(" blocked ({})", b.message));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n  "),
    }
}

#[test]
fn error_messages() {
    let cases: &[(&str, &str, &str)] = &[
        ("invalid reference", "", "example.com//app:1"),
        ("uppercase repository", "", "example.com/Ns/app:1"),
        (
            "unsupported digest",
            "",
            "example.com/app@md5:0123456789abcdef0123456789abcdef",
        ),
        (
            "name too long",
            "",
            &format!("example.com/{}", "a".repeat(250)),
        ),
        (
            "tag and digest",
            "",
            "example.com/app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ),
        (
            "repository onto bare host",
            "[[registry]]\nprefix = \"example.com/ns/app\"\nlocation = \"m.example.net\"\n",
            "example.com/ns/app:1",
        ),
        (
            "docker.io one component",
            "[[registry]]\nprefix = \"example.com\"\nlocation = \"docker.io\"\n",
            "example.com/app:1",
        ),
        (
            "single-label mirror",
            "[[registry]]\nlocation = \"example.com\"\n[[registry.mirror]]\nlocation = \"cachehost\"\n",
            "example.com/ns/app:1",
        ),
        (
            "location with tag",
            "[[registry]]\nprefix = \"example.com/ns/app\"\nlocation = \"m.example.net/app:pinned\"\n",
            "example.com/ns/app:1",
        ),
        (
            "port carried after a path",
            "[[registry]]\nprefix = \"localhost\"\nlocation = \"m.example.net/local\"\n",
            "localhost:5000/app:1",
        ),
        (
            "wildcard and port",
            "[[registry]]\nprefix = \"*.example.com\"\n[[registry.mirror]]\nlocation = \"wm.example.net/wild\"\n",
            "a.example.com:5000/ns/app:1",
        ),
        (
            "mirror trailing slash",
            "[[registry]]\nlocation = \"example.com/ns\"\n[[registry.mirror]]\nlocation = \"m.example.net/ns/\"\n",
            "example.com/ns/app:1",
        ),
        (
            "blocked primary after mirror",
            "[[registry]]\nlocation = \"example.com\"\nblocked = true\n[[registry.mirror]]\nlocation = \"m.example.net\"\n",
            "example.com/app:1",
        ),
        (
            "blocked wildcard",
            "[[registry]]\nprefix = \"*.blocked.example.com\"\nblocked = true\n",
            "x.blocked.example.com/app:1",
        ),
        (
            "rewritten into blocked",
            "[[registry]]\nprefix = \"example.com\"\nlocation = \"bad.example.net/ns\"\n[[registry]]\nlocation = \"bad.example.net\"\nblocked = true\n",
            "example.com/app:1",
        ),
        (
            "blocked docker.io/library",
            "[[registry]]\nlocation = \"docker.io/library\"\nblocked = true\n",
            "busybox",
        ),
        (
            "insecure mirror and primary",
            "[[registry]]\nlocation = \"example.com:5000\"\ninsecure = true\n[[registry.mirror]]\nlocation = \"127.0.0.1:5001/cache\"\ninsecure = true\n[[registry.mirror]]\nlocation = \"localhost:8443/cache\"\n",
            "example.com:5000/ns/app",
        ),
    ];
    let mut out = String::new();
    for (name, conf, reference) in cases {
        out.push_str(&format!(
            "{name}: {reference}\n  {}\n",
            show(resolver(conf).pull_sources(reference))
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn blocked_message_names_the_configured_paths() {
    let r = resolver("[[registry]]\nlocation = \"example.com\"\nblocked = true\n")
        .with_config_paths(
            "/host/etc/containers/registries.conf",
            "/host/etc/containers/registries.conf.d",
        );
    let sources = r.pull_sources("example.com/app:1").unwrap();
    assert_eq!(
        sources[0].blocked.as_ref().unwrap().message,
        "registry example.com is blocked in /host/etc/containers/registries.conf or /host/etc/containers/registries.conf.d"
    );
}

/// containers/image's `refMatchingPrefix`, written again here from the Go source so the crate is checked against
/// an independent copy.
fn go_ref_matching_prefix(r: &str, prefix: &str) -> i64 {
    if let Some(rest) = prefix.strip_prefix("*.") {
        let sub = format!(".{rest}");
        let Some(index) = r.find(&sub) else { return -1 };
        if r[..index].contains('/') {
            return -1;
        }
        let index = index + sub.len();
        if index == r.len() {
            return index as i64;
        }
        return match r.as_bytes()[index] {
            b':' | b'/' | b'@' => index as i64,
            _ => -1,
        };
    }
    if r.len() < prefix.len() {
        -1
    } else if r.len() == prefix.len() {
        if r == prefix { prefix.len() as i64 } else { -1 }
    } else if !r.starts_with(prefix) {
        -1
    } else {
        match r.as_bytes()[prefix.len()] {
            b':' | b'/' | b'@' => prefix.len() as i64,
            _ => -1,
        }
    }
}

/// `findRegistryWithParsedConfig` over the sorted, deduplicated entries.
fn go_find_registry<'a>(registries: &'a [Registry], name: &str) -> Option<&'a str> {
    let mut best: Option<&str> = None;
    let mut best_len = 0;
    for r in registries {
        if go_ref_matching_prefix(name, &r.prefix) != -1 && r.prefix.len() > best_len {
            best = Some(&r.prefix);
            best_len = r.prefix.len();
        }
    }
    best
}

fn host() -> impl Strategy<Value = String> {
    one_of(&[
        "example.com",
        "a.example.com",
        "b.a.example.com",
        "a.example.com.example.com",
        "a.example.community.example.com",
        "ab.example.com",
        "127.0.0.1",
        "localhost",
        "docker.io",
        "my_host.example.com",
        "x.com",
    ])
}

fn port() -> impl Strategy<Value = String> {
    one_of(&["", ":5000", ":443"])
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["ns", "app", "a__b", "library", "ns-other"]),
        0..3,
    )
    .prop_map(|parts| parts.iter().map(|p| format!("/{p}")).collect())
}

fn prefix() -> impl Strategy<Value = String> {
    prop_oneof![
        (host(), port(), path()).prop_map(|(h, p, s)| format!("{h}{p}{s}")),
        one_of(&[
            "*.example.com",
            "*.a.example.com",
            "*.com",
            "*.0.0.1",
            "*.example.com:5000",
            "*.example.com/ns",
            "*example.com",
            "example.*.com",
            "*.",
        ]),
    ]
}

fn name() -> impl Strategy<Value = String> {
    (
        host(),
        port(),
        path(),
        prop::sample::select(vec!["/app", "/ns/app", "/x"]),
    )
        .prop_map(|(h, p, s, last)| format!("{h}{p}{s}{last}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn indexed_lookup_agrees_with_linear_scan(
        prefixes in prop::collection::vec(prefix(), 0..25),
        names in prop::collection::vec(name(), 1..10),
    ) {
        let config = RegistriesConf {
            registries: prefixes
                .iter()
                .map(|p| Registry { prefix: p.clone(), location: "loc.example.net".into(), ..Registry::default() })
                .collect(),
            ..RegistriesConf::default()
        };
        let resolver = Resolver::new(&config);
        for name in &names {
            let expected = go_find_registry(resolver.registries(), name);
            let indexed = resolver.find_registry(name).map(|r| r.prefix.as_str());
            let scanned = resolver.find_registry_by_scan(name).map(|r| r.prefix.as_str());
            prop_assert_eq!(indexed, expected, "name {}", name);
            prop_assert_eq!(scanned, expected, "name {}", name);
        }
    }
}
