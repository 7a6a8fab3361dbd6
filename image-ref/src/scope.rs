//! registries.conf scopes: `host[:port][/path]` and `*.domain`, and when one lies inside another.
//!
//! A scope names a registry, a namespace or a repository (`quay.io`, `quay.io/ns`, `quay.io/ns/repo`,
//! `localhost:5000/ns`) or, with a leading `*.`, every host under a domain (`*.example.com`).

use crate::grammar;

/// Whether `scope` is a wildcard scope (`*.domain`).
pub fn is_wildcard(scope: &str) -> bool {
    scope.starts_with("*.")
}

/// Whether `sub` lies inside `sup`, as OpenShift (runtime-utils `ScopeIsNestedInsideScope`) decides it.
///
/// - Equal scopes nest.
/// - `sub` nests in a non-wildcard `sup` when it starts with `sup` followed by `/` (`quay.io/ns/repo` in `quay.io/ns`,
///   but not `quay.io/nsx`).
/// - For `sup = *.domain`, `sub`'s host must end with `.domain`. The host is what comes before the first `:` (which
///   must then hold no `/`) or, without a `:`, before the first `/`. So `*.example.com` covers `a.example.com:5000/x`
///   and `*.a.example.com`, but not `example.com` itself.
pub fn is_nested(sub: &str, sup: &str) -> bool {
    if sub == sup {
        return true;
    }
    if sub.len() > sup.len() && sub.starts_with(sup) && sub.as_bytes()[sup.len()] == b'/' {
        return true;
    }
    match sup.strip_prefix('*') {
        Some(suffix) if sup.starts_with("*.") => {
            if let Some((host, _)) = sub.split_once(':') {
                host.ends_with(suffix) && !host.contains('/')
            } else {
                sub.split('/')
                    .next()
                    .is_some_and(|host| host.ends_with(suffix))
            }
        }
        _ => false,
    }
}

/// The host of a scope or reference name: what comes before the first `/`, without a port (`[::1]` keeps its
/// brackets; `*.example.com` stays as it is).
pub fn host_of(scope: &str) -> &str {
    let authority = scope.split('/').next().unwrap_or(scope);
    crate::reference::split_port(authority).0
}

/// The registry part of a scope, with its port: what comes before the first `/`.
pub fn registry_of(scope: &str) -> &str {
    scope.split('/').next().unwrap_or(scope)
}

/// Whether `scope` may be an insecure, blocked or allowed registry entry of the Image `cluster` object (OpenShift's
/// `IsValidRegistriesConfScope`): non-empty, and a `*` only as a leading `*.` with no `/`, `@`, `:` or `*` after it.
pub fn is_valid_registry_scope(scope: &str) -> bool {
    if scope.is_empty() {
        return false;
    }
    if !scope.contains('*') {
        return true;
    }
    scope
        .strip_prefix("*.")
        .is_some_and(|rest| !rest.contains(['/', '@', ':', '*']))
}

/// Whether `scope` matches openshift/api's pattern for a mirror-set `source` (with `allow_wildcard`, as IDMS and
/// ITMS sources may be `*.domain`) or a `mirror`: `host[:port][/path]` where the host is DNS labels separated by
/// dots, the port digits, and each path component lowercase as in image names.
pub fn is_valid_mirror_scope(scope: &str, allow_wildcard: bool) -> bool {
    if let Some(domain) = scope.strip_prefix("*.") {
        return allow_wildcard && grammar::is_domain_name(domain);
    }
    // One pass: a domain name can hold neither `:` nor `/`, so it ends where the first of them stands.
    let s = scope.as_bytes();
    let Some(mut pos) = grammar::domain_name_end(s) else {
        return false;
    };
    if s.get(pos) == Some(&b':') {
        let digits = s[pos + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return false;
        }
        pos += 1 + digits;
    }
    match s.get(pos) {
        None => true,
        Some(b'/') => grammar::is_remote_name_from(s, pos + 1),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_follows_openshift() {
        let cases = [
            ("quay.io", "quay.io", true),
            ("quay.io/ns", "quay.io", true),
            ("quay.io/ns/repo", "quay.io/ns", true),
            ("quay.io/nsx", "quay.io/ns", false),
            ("quay.io", "quay.io/ns", false),
            ("quay.io:443/ns", "quay.io", false),
            ("a.example.com", "*.example.com", true),
            ("a.example.com:5000/x", "*.example.com", true),
            ("*.a.example.com", "*.example.com", true),
            ("example.com", "*.example.com", false),
            ("quay/bar.foo", "*.foo", false),
            ("quay/bar.foo:400", "*.foo", false),
            ("quay/bar.foo/example", "*.foo", false),
            ("a.example.com.evil", "*.example.com", false),
        ];
        for (sub, sup, expected) in cases {
            assert_eq!(is_nested(sub, sup), expected, "{sub} in {sup}");
        }
    }

    #[test]
    fn registry_scopes() {
        for ok in [
            "quay.io",
            "quay.io/ns",
            "*.example.com",
            "registry:5000",
            "anything goes",
        ] {
            assert!(is_valid_registry_scope(ok), "{ok}");
        }
        for bad in [
            "",
            "*",
            "*example.com",
            "*.example.com/ns",
            "*.a:5000",
            "*.a*",
            "a.*.com",
            "*.a@b",
        ] {
            assert!(!is_valid_registry_scope(bad), "{bad}");
        }
    }

    #[test]
    fn mirror_scopes() {
        for ok in [
            "quay.io",
            "quay.io/ns/repo",
            "mirror.registry.com:443/ocp/release",
            "localhost",
            "a-b.c",
            "x/y__z",
        ] {
            assert!(is_valid_mirror_scope(ok, false), "{ok}");
        }
        for bad in [
            "",
            "*.example.com",
            "quay.io/",
            "quay.io/Ns",
            "-a.com",
            "a-.com",
            "quay.io:",
            "quay.io:x",
            "a..b",
        ] {
            assert!(!is_valid_mirror_scope(bad, false), "{bad}");
        }
        assert!(is_valid_mirror_scope("*.example.com", true));
        assert!(!is_valid_mirror_scope("*.example.com/ns", true));
        assert!(!is_valid_mirror_scope("*.", true));
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("quay.io:443/ns"), "quay.io");
        assert_eq!(host_of("[::1]:5000/ns"), "[::1]");
        assert_eq!(registry_of("quay.io:443/ns"), "quay.io:443");
        assert_eq!(host_of("*.example.com"), "*.example.com");
    }
}
