//! Invariants of reference parsing: it never panics, and what it prints parses back to the same reference.

use image_ref::{Reference, scope};
use proptest::prelude::*;

fn domain() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]{1,6}(\\.[a-z0-9]([a-z0-9-]{0,4}[a-z0-9])?){1,3}(:[0-9]{1,5})?",
        "[a-z]{1,8}:[0-9]{1,5}",
        Just("localhost".to_owned()),
        Just("localhost:5000".to_owned()),
        Just("docker.io".to_owned()),
        "\\[[0-9a-f]{1,4}(:[0-9a-f]{0,4}){1,4}\\](:[0-9]{1,5})?",
        "[A-Z][A-Za-z]{0,6}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9]{1,5}(([._]|__|-{1,2})[a-z0-9]{1,5}){0,2}", 1..4)
        .prop_map(|c| c.join("/"))
}

/// Paths whose first component cannot be read as a domain (no `.`, no `:`, lowercase, not `localhost`).
fn short_path() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9]{1,5}((_|__|-{1,2})[a-z0-9]{1,5}){0,2}", 1..4)
        .prop_filter("localhost is a domain", |c| c[0] != "localhost")
        .prop_map(|c| c.join("/"))
}

fn suffix() -> impl Strategy<Value = String> {
    let tag = prop::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}");
    let digest = prop::option::of(prop_oneof![
        "[0-9a-f]{64}".prop_map(|h| format!("sha256:{h}")),
        "[0-9a-f]{128}".prop_map(|h| format!("sha512:{h}"))
    ]);
    (tag, digest).prop_map(|(tag, digest)| {
        let mut s = String::new();
        if let Some(tag) = tag {
            s.push(':');
            s.push_str(&tag);
        }
        if let Some(digest) = digest {
            s.push('@');
            s.push_str(&digest);
        }
        s
    })
}

/// `is_valid_mirror_scope` as openshift/api states the pattern: the text split at the first `/`, then at the first
/// `:`, and each part checked on its own.
fn mirror_scope_by_parts(scope: &str, allow_wildcard: bool) -> bool {
    let domain = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|label| {
                label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && label.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && label.ends_with(|c: char| c.is_ascii_alphanumeric())
            })
    };
    let component = |c: &str| {
        let bytes = c.as_bytes();
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        let (mut i, mut last_alnum) = (0, false);
        while i < bytes.len() {
            if alnum(bytes[i]) {
                (i, last_alnum) = (i + 1, true);
                continue;
            }
            if !last_alnum {
                return false;
            }
            let run = bytes[i..].iter().take_while(|&&b| b == bytes[i]).count();
            let ok = match bytes[i] {
                b'.' => run == 1,
                b'_' => run <= 2,
                b'-' => true,
                _ => false,
            };
            if !ok {
                return false;
            }
            (i, last_alnum) = (i + run, false);
        }
        last_alnum
    };
    if let Some(rest) = scope.strip_prefix("*.") {
        return allow_wildcard && domain(rest);
    }
    let (authority, path) = match scope.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (scope, None),
    };
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    domain(host)
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && path.is_none_or(|p| p.split('/').all(component))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mirror_scope_check_is_the_pattern_part_by_part(
        scope in prop_oneof![
            (domain(), prop::option::of(path())).prop_map(|(d, p)| match p {
                Some(p) => format!("{d}/{p}"),
                None => d,
            }),
            "[a-zA-Z0-9.*:/_-]{0,24}",
            "\\*\\.[a-z0-9.-]{0,12}",
        ],
        allow_wildcard in any::<bool>(),
    ) {
        prop_assert_eq!(
            scope::is_valid_mirror_scope(&scope, allow_wildcard),
            mirror_scope_by_parts(&scope, allow_wildcard),
            "{}", scope
        );
    }

    #[test]
    fn never_panics(s in "\\PC{0,80}") {
        let _ = Reference::parse(&s);
        let _ = Reference::parse_normalized(&s);
        let _ = Reference::parse_canonical(&s);
        let _ = scope::is_nested(&s, "*.example.com");
        let _ = scope::is_valid_mirror_scope(&s, true);
        let _ = scope::host_of(&s);
    }

    #[test]
    fn never_panics_on_near_misses(s in "[a-zA-Z0-9._:/@\\[\\]-]{0,60}") {
        if let Ok(r) = Reference::parse_normalized(&s) {
            prop_assert_eq!(Reference::parse_normalized(&r.to_string()), Ok(r.clone()));
            prop_assert_eq!(Reference::parse_canonical(&r.to_string()), Ok(r));
        }
        if let Ok(r) = Reference::parse(&s) {
            prop_assert_eq!(r.to_string(), s);
        }
    }

    #[test]
    fn display_parses_back(d in domain(), p in path(), sfx in suffix()) {
        let input = format!("{d}/{p}{sfx}");
        let r = Reference::parse_normalized(&input).unwrap();
        let printed = r.to_string();
        prop_assert_eq!(Reference::parse_normalized(&printed), Ok(r.clone()));
        prop_assert_eq!(Reference::parse_canonical(&printed), Ok(r.clone()));
        prop_assert_eq!(Reference::parse(&printed), Ok(r.clone()));
        // A Docker Hub path whose first component looks like a host has an ambiguous short form (as upstream).
        let first = r.path().split('/').next().unwrap_or_default();
        if r.domain() != "docker.io" || !first.contains('.') {
            prop_assert_eq!(Reference::parse_normalized(&r.familiar()), Ok(r.clone()));
        }
        prop_assert!(r.domain() != "index.docker.io");
    }

    #[test]
    fn short_names_go_to_docker_hub(p in short_path(), sfx in suffix()) {
        let r = Reference::parse_normalized(&format!("{p}{sfx}")).unwrap();
        prop_assert_eq!(r.domain(), "docker.io");
        if !p.contains('/') {
            prop_assert_eq!(r.path(), format!("library/{p}"));
        }
        if !p.starts_with("library/") {
            prop_assert_eq!(r.familiar(), format!("{p}{sfx}"));
        }
    }

    #[test]
    fn nesting_is_reflexive_and_follows_paths(d in domain(), p in path()) {
        let sup = format!("{d}/{p}");
        prop_assert!(scope::is_nested(&sup, &sup));
        let inside = format!("{sup}/x");
        let beside = format!("{sup}x");
        prop_assert!(scope::is_nested(&inside, &sup));
        prop_assert!(!scope::is_nested(&beside, &sup));
        prop_assert!(scope::is_nested(&sup, &d));
    }
}
