//! The transports containers/image knows, and which scopes each accepts in policy.json
//! (`ValidatePolicyConfigurationScope` of each transport; the newest containers/image, Linux).

/// The transport names containers/image registers. Scopes of any other transport are accepted as written, as
/// containers/image accepts them.
pub const KNOWN_TRANSPORTS: [&str; 11] = [
    "atomic",
    "containers-storage",
    "dir",
    "docker",
    "docker-archive",
    "docker-daemon",
    "oci",
    "oci-archive",
    "ostree",
    "sif",
    "tarball",
];

/// Why `transport` refuses `scope` (never called for the default scope `""`, which every transport accepts), in
/// containers/image's words; `None` when it accepts it.
pub(crate) fn scope_refusal(transport: &str, scope: &str) -> Option<String> {
    match transport {
        // The docker transport accepts any scope; ostree is a stub that accepts any too.
        "docker" | "ostree" => None,
        "dir" | "sif" => absolute_path_scope(
            scope,
            "Must be an absolute path",
            "Uses non-canonical format, perhaps try",
        ),
        "oci" | "oci-archive" => absolute_path_scope(
            scope,
            "must be an absolute path",
            "Uses non-canonical path format, perhaps try with path",
        ),
        "atomic" => (!is_atomic_scope(scope)).then(|| format!("Invalid scope name {scope}")),
        "docker-daemon" => parse_digest(scope).is_ok().then(|| {
            format!("docker-daemon: can not use algo:digest value {scope} as a namespace")
        }),
        "docker-archive" => Some(
            "docker-archive: does not support any scopes except the default \"\" one".to_owned(),
        ),
        "tarball" => {
            Some("tarball: does not support any scopes except the default \"\" one".to_owned())
        }
        "containers-storage" => storage_scope_refusal(scope),
        _ => None,
    }
}

/// dir, sif, oci and oci-archive: an absolute, clean path other than `/`.
fn absolute_path_scope(scope: &str, not_absolute: &str, not_clean: &str) -> Option<String> {
    if !scope.starts_with('/') {
        return Some(format!("Invalid scope {scope}: {not_absolute}"));
    }
    if scope == "/" {
        return Some("Invalid scope \"/\": Use the generic default scope \"\"".to_owned());
    }
    let cleaned = clean_path(scope);
    (cleaned != scope).then(|| format!("Invalid scope {scope}: {not_clean} {cleaned}"))
}

/// The atomic (OpenShift) transport: `^[^/]*(/[^:/]*(/[^:/]*(:[^:/]*)?)?)?$`: a registry, then at most a
/// namespace and a stream, then at most one tag.
fn is_atomic_scope(scope: &str) -> bool {
    let mut parts = scope.splitn(2, '/');
    let _registry = parts.next();
    let Some(rest) = parts.next() else {
        return true;
    };
    let (namespace, rest) = match rest.split_once('/') {
        Some((namespace, rest)) => (namespace, Some(rest)),
        None => (rest, None),
    };
    if namespace.contains(':') {
        return false;
    }
    let Some(rest) = rest else {
        return true;
    };
    let (stream, tag) = match rest.split_once(':') {
        Some((stream, tag)) => (stream, Some(tag)),
        None => (rest, None),
    };
    !stream.contains('/') && tag.is_none_or(|t| !t.contains([':', '/']))
}

/// containers-storage: `[driver@graphroot]` or `[graphroot]` (absolute), then optionally
/// `name[:tag][@digest][@ID]`.
fn storage_scope_refusal(scope: &str) -> Option<String> {
    const INVALID: &str = "invalid reference";
    const NOT_ABSOLUTE: &str = "path name is not absolute";
    if !scope.starts_with('[') {
        return Some(INVALID.to_owned());
    }
    let close = match scope.find(']') {
        Some(i) if i >= 1 => i,
        _ => return Some(INVALID.to_owned()),
    };
    let store = &scope[1..close];
    let rest = &scope[close + 1..];
    match store.split_once('@') {
        Some((driver, root)) if !driver.is_empty() && !root.is_empty() => {
            if !root.starts_with('/') {
                return Some(NOT_ABSOLUTE.to_owned());
            }
        }
        None if !store.is_empty() => {
            if !store.starts_with('/') {
                return Some(NOT_ABSOLUTE.to_owned());
            }
        }
        _ => return Some(INVALID.to_owned()),
    }
    if rest.is_empty() {
        return None;
    }
    let fields: Vec<&str> = rest.splitn(3, '@').collect();
    match fields.as_slice() {
        [_] => None,
        [_, id_or_digest] => {
            let id = parse_digest(&format!("sha256:{id_or_digest}"));
            match (id, parse_digest(id_or_digest)) {
                (Err(id_error), Err(digest_error)) => Some(format!(
                    "{id_or_digest} is neither a valid digest({digest_error}) nor a valid ID({id_error})"
                )),
                _ => None,
            }
        }
        [_, digest, id] => parse_digest(digest)
            .and_then(|()| parse_digest(&format!("sha256:{id}")))
            .err()
            .map(str::to_owned),
        _ => None,
    }
}

/// go-digest's `Parse` with the algorithms containers/image registers; `Err` is go-digest's message.
fn parse_digest(digest: &str) -> Result<(), &'static str> {
    const INVALID_FORMAT: &str = "invalid checksum digest format";
    let Some(colon) = digest.find(':').filter(|&i| i > 0 && i + 1 < digest.len()) else {
        return Err(INVALID_FORMAT);
    };
    let (algorithm, encoded) = (&digest[..colon], &digest[colon + 1..]);
    let hex_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            // An unknown algorithm: a well-formed one is unsupported, anything else malformed.
            let component = |c: &str| {
                !c.is_empty()
                    && c.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            };
            let well_formed = algorithm.split(['.', '+', '_', '-']).all(component)
                && encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'));
            return Err(if well_formed {
                "unsupported digest algorithm"
            } else {
                INVALID_FORMAT
            });
        }
    };
    if encoded.len() != hex_len {
        return Err("invalid checksum digest length");
    }
    if !encoded
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(INVALID_FORMAT);
    }
    Ok(())
}

/// Go's `filepath.Clean` on Unix: one `/` between elements, no `.` element, `..` folded where it can be.
fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for element in path.split('/') {
        match element {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_path_as_go() {
        for (input, cleaned) in [
            ("/a/b", "/a/b"),
            ("/a/b/", "/a/b"),
            ("/a//b", "/a/b"),
            ("/a/./b", "/a/b"),
            ("/a/../b", "/b"),
            ("/../a", "/a"),
            ("a/../..", ".."),
            ("", "."),
        ] {
            assert_eq!(clean_path(input), cleaned, "{input}");
        }
    }

    #[test]
    fn atomic_scopes_follow_the_regexp() {
        for ok in [
            "",
            "r",
            "r/ns",
            "r/ns/stream",
            "r/ns/stream:tag",
            "r:5000/ns",
            "r/",
        ] {
            assert!(is_atomic_scope(ok), "{ok}");
        }
        for bad in ["r/ns:x", "r/ns/s/t", "r/ns/s:t:u", "r/ns/s:t/u"] {
            assert!(!is_atomic_scope(bad), "{bad}");
        }
    }

    #[test]
    fn digests_as_go_digest() {
        let hex = "a".repeat(64);
        assert_eq!(parse_digest(&format!("sha256:{hex}")), Ok(()));
        assert_eq!(
            parse_digest("sha256:abc"),
            Err("invalid checksum digest length")
        );
        assert_eq!(
            parse_digest(&format!("sha256:{}", "A".repeat(64))),
            Err("invalid checksum digest format")
        );
        assert_eq!(parse_digest("md5:abc"), Err("unsupported digest algorithm"));
        assert_eq!(
            parse_digest("nocolon"),
            Err("invalid checksum digest format")
        );
        assert_eq!(parse_digest("x:"), Err("invalid checksum digest format"));
    }

    #[test]
    fn storage_scopes() {
        assert_eq!(storage_scope_refusal("[/var/lib/containers]"), None);
        assert_eq!(storage_scope_refusal("[overlay@/var/lib/c]quay.io/x"), None);
        assert_eq!(
            storage_scope_refusal("quay.io/x").as_deref(),
            Some("invalid reference")
        );
        assert_eq!(
            storage_scope_refusal("[relative]").as_deref(),
            Some("path name is not absolute")
        );
        assert!(
            storage_scope_refusal("[/r]x@bad")
                .unwrap()
                .contains("is neither a valid digest")
        );
    }
}
