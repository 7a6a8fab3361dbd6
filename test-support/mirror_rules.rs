// Proptest strategies for `registries_conf::MirrorRules`, for the tests of the crates that render them: each test
// draws its own scopes and sizes, and this file builds the rules from them. registries-conf's `tests/it/main.rs`
// includes it with `#[path = "../../../test-support/mirror_rules.rs"] mod mirror_rules;`; the test module of
// mirror-cli's `src/node/runtime_check.rs` with `include!` (a `#[path]` in an inline module is taken from a folder
// named after it, which does not exist). So: no inner attributes or `//!` comments here, which `include!` refuses.

use std::ops::Range;

use proptest::prelude::*;
use registries_conf::{MirrorRules, MirrorSet, SourcePolicy};

/// A source policy: `Unset`, `AllowContactingSource` and `NeverContactSource` with these weights.
pub fn source_policy(weights: [u32; 3]) -> impl Strategy<Value = SourcePolicy> {
    prop_oneof![
        weights[0] => Just(SourcePolicy::Unset),
        weights[1] => Just(SourcePolicy::AllowContactingSource),
        weights[2] => Just(SourcePolicy::NeverContactSource),
    ]
}

/// A mirror set: its source from `source`, a number in `mirrors.1` of mirrors from `mirrors.0`, a policy from
/// `policy`.
pub fn mirror_set(
    source: impl Strategy<Value = String>,
    mirrors: (impl Strategy<Value = String>, Range<usize>),
    policy: impl Strategy<Value = SourcePolicy>,
) -> impl Strategy<Value = MirrorSet> {
    (source, prop::collection::vec(mirrors.0, mirrors.1), policy).prop_map(
        |(source, mirrors, policy)| MirrorSet {
            source,
            mirrors,
            policy,
        },
    )
}

/// Rules without search registries. Each argument is what one field's items are drawn from and how many of them
/// there are: the digest, legacy (ICSP) and tag mirror sets, and the insecure and blocked scopes (each list
/// present or not).
pub fn mirror_rules(
    digest: (impl Strategy<Value = MirrorSet>, Range<usize>),
    legacy: (impl Strategy<Value = MirrorSet>, Range<usize>),
    tag: (impl Strategy<Value = MirrorSet>, Range<usize>),
    insecure: (impl Strategy<Value = String>, Range<usize>),
    blocked: (impl Strategy<Value = String>, Range<usize>),
) -> impl Strategy<Value = MirrorRules> {
    (
        prop::collection::vec(digest.0, digest.1),
        prop::collection::vec(legacy.0, legacy.1),
        prop::collection::vec(tag.0, tag.1),
        prop::option::of(prop::collection::vec(insecure.0, insecure.1)),
        prop::option::of(prop::collection::vec(blocked.0, blocked.1)),
    )
        .prop_map(|(digest, legacy, tag, insecure, blocked)| MirrorRules {
            digest_mirror_sets: digest,
            legacy_digest_mirror_sets: legacy,
            tag_mirror_sets: tag,
            insecure,
            blocked,
            search_registries: None,
        })
}

/// Rules without search registries whose mirror sets all come from `set()` and whose insecure and blocked scopes
/// all come from `scope()`; `sizes` are how many digest, legacy and tag sets, insecure and blocked scopes.
pub fn rules_of<S, T>(
    set: impl Fn() -> S,
    scope: impl Fn() -> T,
    sizes: [Range<usize>; 5],
) -> impl Strategy<Value = MirrorRules>
where
    S: Strategy<Value = MirrorSet>,
    T: Strategy<Value = String>,
{
    let [digest, legacy, tag, insecure, blocked] = sizes;
    mirror_rules(
        (set(), digest),
        (set(), legacy),
        (set(), tag),
        (scope(), insecure),
        (scope(), blocked),
    )
}
