//! Image references and registries.conf scopes: no panic on any input, and what parses prints back to itself.
#![no_main]

use image_ref::Reference;
use image_ref::scope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The whole input is a reference; split at the first newline it is also a pair of scopes.
    check_reference(text);
    let (a, b) = text.split_once('\n').unwrap_or((text, ""));
    check_scopes(a, b);
});

fn check_reference(s: &str) {
    if let Ok(r) = Reference::parse(s) {
        let shown = r.to_string();
        assert_eq!(Reference::parse(&shown).as_ref(), Ok(&r), "parse({s:?}) printed {shown:?}");
        let _ = (r.host(), r.port(), r.familiar(), r.name());
    }
    match Reference::parse_normalized(s) {
        Ok(r) => {
            let shown = r.to_string();
            assert_eq!(
                Reference::parse_normalized(&shown).as_ref(),
                Ok(&r),
                "parse_normalized({s:?}) printed {shown:?}"
            );
            assert_eq!(Reference::parse_canonical(&shown).as_ref(), Ok(&r), "{shown:?} is canonical");
            // No assertion that the domain is set: as in Go, `a_b.c/d` splits off `a_b.c` as a domain, which the
            // grammar then reads back as a path component, leaving the domain empty.
            let familiar = r.familiar();
            // Go's FamiliarString has the same hole: `docker.io/a.b/c` shortens to `a.b/c`, whose first component
            // then reads as a domain.
            let first = familiar.split('/').next().unwrap_or_default();
            let ambiguous = r.domain() == image_ref::DEFAULT_DOMAIN
                && familiar.contains('/')
                && (first.contains(['.', ':']) || first == "localhost");
            match Reference::parse_normalized(&familiar) {
                Ok(_) if ambiguous => {}
                Ok(back) => assert_eq!(back, r, "familiar {familiar:?} of {shown:?}"),
                // Go has the same hole: `docker.io/library/<64 hex>` shortens to a bare 64-hex id, which
                // ParseNormalizedNamed refuses as an image ID.
                Err(image_ref::Error::HexIdentifier) => {
                    assert!(r.tag().is_none() && r.digest().is_none(), "{shown:?}")
                }
                Err(e) => panic!("familiar {familiar:?} of {shown:?} does not parse: {e}"),
            }
            let docker = Reference::parse_docker_ref(s).expect("parse_docker_ref accepts what parse_normalized does");
            assert!(docker.tag().is_some() != docker.digest().is_some(), "{docker}");
            let with_tag = r.clone().with_default_tag();
            assert!(with_tag.tag().is_some() || with_tag.digest().is_some());
            // A reference's name is a valid non-wildcard registries.conf scope and nests in its own registry.
            let name = r.name();
            assert!(scope::is_nested(&name, scope::registry_of(&name)), "{name:?}");
            assert!(scope::is_valid_registry_scope(&name), "{name:?}");
        }
        Err(e) => {
            // Errors render, and their offsets point inside the input.
            let _ = e.to_string();
            let _ = e.upstream_message();
            if let Some(offset) = e.offset() {
                assert!(offset <= s.len(), "offset {offset} past {s:?} ({e:?})");
            }
        }
    }
}

fn check_scopes(a: &str, b: &str) {
    assert!(scope::is_nested(a, a), "{a:?} nests in itself");
    let nested = scope::is_nested(a, b);
    if nested && scope::is_nested(b, a) {
        assert_eq!(a, b, "two different scopes nest in each other");
    }
    let _ = scope::is_wildcard(a);
    let host = scope::host_of(a);
    let registry = scope::registry_of(a);
    assert!(a.starts_with(registry) && registry.starts_with(host) || a.starts_with('['), "{a:?}");
    let _ = scope::is_valid_registry_scope(a);
    for wildcard in [false, true] {
        if scope::is_valid_mirror_scope(a, wildcard) {
            assert!(scope::is_valid_registry_scope(a), "mirror scope {a:?} is a valid registry scope");
        }
    }
}
