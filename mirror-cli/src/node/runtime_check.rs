//! Whether containers/image (CRI-O, podman) would refuse the registries.conf just rendered.
//!
//! The full answer is registries-conf's own reader: parse the rendered bytes and validate them as containers/image
//! does. At 100 000 sources that re-reads a 20 MB file, more than the render itself costs. OpenShift's checks
//! ([`registries_conf::MirrorRules::validate`]) already passed, and what they let through that containers/image
//! refuses is narrow: a scope or mirror that trims to nothing or to a duplicate (trailing `/`), a URI scheme, a
//! wildcard prefix with a path, port or digest, and a file over the reader's size limit. So the reader runs only
//! when the rules hold such a string (or anything outside plain reference characters); its error, when there is
//! one, is the warning, word for word as before. A property test below compares this gate with the full reader on
//! generated rules: whenever the gate lets a file through, the reader accepts it.

use registries_conf::{MirrorRules, RegistriesConfText};

use super::paths;

/// A scope or mirror containers/image reads back as written: non-empty, no trailing `/` (`parseLocation` trims it,
/// which could empty the string or make two tables one location with conflicting flags), no URI scheme, a wildcard
/// without `/`, `@` or `:`, and only the characters of image references (no TOML escape, no UTF-8 subtlety).
fn reads_back_as_written(scope: &str) -> bool {
    let plain_characters = scope.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'.' | b'-' | b'_' | b':' | b'/' | b'@' | b'*' | b'[' | b']'
            )
    });
    let wildcard_ok = !scope.starts_with("*.") || !scope.contains(['/', '@', ':']);
    !scope.is_empty()
        && plain_characters
        && !scope.ends_with('/')
        && !scope.starts_with("http://")
        && !scope.starts_with("https://")
        && wildcard_ok
}

/// False when containers/image surely accepts `rendered` (rendered from `rules`); true when it may refuse it, and
/// only the full reader can say.
fn may_refuse(rules: &MirrorRules, rendered: &RegistriesConfText<'_>) -> bool {
    if rendered.len() > registries_conf::MAX_INPUT_BYTES {
        return true;
    }
    let lists = [rules.insecure.as_deref(), rules.blocked.as_deref()];
    let listed = lists.into_iter().flatten().flatten();
    let in_sets = rules
        .mirror_sets()
        .flat_map(|set| std::iter::once(&set.source).chain(&set.mirrors));
    !listed.chain(in_sets).all(|s| reads_back_as_written(s))
}

/// containers/image's verdict on `rendered`: `Err` with its reader's error when it refuses the file.
pub(crate) fn check(
    rules: &MirrorRules,
    rendered: &RegistriesConfText<'_>,
) -> Result<(), registries_conf::Error> {
    if !may_refuse(rules, rendered) {
        return Ok(());
    }
    full_check(rendered)
}

/// The reader itself: parse the bytes and validate them (the only place the text is made whole when it is
/// written a block at a time).
fn full_check(rendered: &RegistriesConfText<'_>) -> Result<(), registries_conf::Error> {
    registries_conf::parse(paths::REGISTRIES_CONF, rendered.to_text().as_bytes())
        .and_then(|parsed| registries_conf::validate(&parsed))
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use registries_conf::{Layout, MirrorSet};

    /// The `MirrorRules` strategies registries-conf's tests share. `include!`, not `#[path]`: a `#[path]` in this
    /// inline module is taken from `src/node/runtime_check/tests/`, a folder that does not exist, and the file
    /// is not found.
    mod mirror_rules {
        include!("../../../test-support/mirror_rules.rs");
    }
    use mirror_rules::{mirror_set, rules_of, source_policy};

    /// Scopes mostly valid for OpenShift (so rendering goes through), with the edge cases of `parseLocation` and
    /// the wildcard check mixed in.
    fn scope() -> impl Strategy<Value = String> {
        let host = prop::sample::select(
            &[
                "a.io",
                "b.example.com",
                "m.io:5000",
                "localhost",
                "[::1]:5000",
                "*.a.io",
                "*.io",
                "http://a.io",
                "https:",
                "",
                "A.IO",
                "é.io",
            ][..],
        );
        let tail = prop_oneof![
            4 => Just(""),
            2 => Just("/x"),
            2 => Just("/x/y"),
            1 => Just("/"),
            1 => Just("/x/"),
            1 => Just("//"),
            1 => Just(":5000"),
            1 => Just("@sha256"),
            1 => Just("/x@sha256:00"),
            1 => Just("/\"q\""),
            1 => Just("/a\\b"),
        ];
        (host, tail).prop_map(|(h, t)| format!("{h}{t}"))
    }

    fn rules() -> impl Strategy<Value = MirrorRules> {
        let set = || mirror_set(scope(), (scope(), 1..3), source_policy([1, 1, 1]));
        rules_of(set, scope, [0..3, 0..3, 0..3, 0..3, 0..3])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The gate never hides a refusal: when it says "surely accepted", the full reader accepts.
        #[test]
        fn the_gate_never_skips_a_refused_file(rules in rules(), legacy in any::<bool>()) {
            let layout = if legacy { Layout::Legacy } else { Layout::Current };
            if let Ok(rendered) = registries_conf::render_unencoded(&rules, layout) {
                let rendered = &rendered.registries_conf;
                let full = full_check(rendered);
                if !may_refuse(&rules, rendered) {
                    prop_assert!(full.is_ok(), "gate passed, reader refused: {:?}", full.err());
                }
                // Whatever the gate says, the answer given is the reader's.
                prop_assert_eq!(
                    check(&rules, rendered).map_err(|e| e.to_string()),
                    full.map_err(|e| e.to_string())
                );
            }
        }
    }

    #[test]
    fn a_trailing_slash_beside_the_same_scope_is_left_to_the_reader() {
        // OpenShift accepts both; containers/image trims `a.io/x/` to `a.io/x` and sees one location twice with
        // different `blocked` settings.
        let rules = MirrorRules {
            digest_mirror_sets: vec![MirrorSet::new("a.io/x", ["m.io/x"])],
            blocked: Some(vec!["a.io/x/".to_owned()]),
            ..MirrorRules::default()
        };
        let rendered = registries_conf::render_unencoded(&rules, Layout::Current).unwrap();
        let rendered = &rendered.registries_conf;
        assert!(may_refuse(&rules, rendered));
        let refusal = check(&rules, rendered).unwrap_err().to_string();
        assert_eq!(refusal, full_check(rendered).unwrap_err().to_string());
        assert!(
            refusal.contains("conflicting 'blocked' setting"),
            "{refusal}"
        );
    }

    #[test]
    fn plain_rules_skip_the_reader() {
        let rules = MirrorRules {
            digest_mirror_sets: vec![MirrorSet::new(
                "quay.io/org/repo",
                ["mirror.example.com:5000/org/repo"],
            )],
            insecure: Some(vec!["*.insecure.example.com".to_owned()]),
            ..MirrorRules::default()
        };
        let rendered = registries_conf::render_unencoded(&rules, Layout::Current).unwrap();
        let rendered = &rendered.registries_conf;
        assert!(!may_refuse(&rules, rendered));
        assert!(full_check(rendered).is_ok());
    }
}
