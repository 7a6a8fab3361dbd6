//! Properties of the renderer: the order of the mirror sets does not matter, rendering is deterministic, it never
//! panics, and the indexed algorithm agrees with a naive port of OpenShift's quadratic one.

use image_ref::scope::is_nested;
use proptest::prelude::*;

use crate::mirror_rules::{mirror_rules, mirror_set, source_policy};
use registries_conf::{
    Layout, Mirror, MirrorRules, MirrorSet, PullFromMirror, Registry, SourcePolicy, encode, render,
    render_model, render_unencoded,
};

const HOSTS: [&str; 6] = [
    "a.io",
    "b.io:5000",
    "x.a.io",
    "y.x.a.io",
    "c.io",
    "10.0.0.1:5000",
];
const PATHS: [&str; 5] = ["", "/n", "/n/r", "/m", "/n/r/s"];

fn scope() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0..HOSTS.len(), 0..PATHS.len()).prop_map(|(h, p)| format!("{}{}", HOSTS[h], PATHS[p])),
        1 => prop_oneof![Just("*.a.io".to_string()), Just("*.x.a.io".to_string()), Just("*.io".to_string())],
    ]
}

fn plain_scope() -> impl Strategy<Value = String> {
    (0..HOSTS.len(), 0..PATHS.len()).prop_map(|(h, p)| format!("{}{}", HOSTS[h], PATHS[p]))
}

fn policy() -> impl Strategy<Value = SourcePolicy> {
    source_policy([3, 1, 1])
}

/// A set whose mirrors are plain scopes, and whose source may be a wildcard.
fn set(wildcard_source: bool) -> impl Strategy<Value = MirrorSet> {
    let source = if wildcard_source {
        scope().boxed()
    } else {
        plain_scope().boxed()
    };
    mirror_set(source, (plain_scope(), 0..4), policy())
}

fn rules() -> impl Strategy<Value = MirrorRules> {
    mirror_rules(
        (set(true), 0..6),
        (set(false), 0..4),
        (set(true), 0..4),
        (scope(), 0..4),
        (scope(), 0..3),
    )
}

fn outcome(rules: &MirrorRules) -> Result<String, String> {
    render(rules, Layout::Current)
        .map(|r| r.registries_conf)
        .map_err(|e| e.to_string())
}

/// A straight port of runtime-utils `EditRegistriesConfig` (linear lookups, all pairs) for rules whose sources
/// are unique and whose mirror lists are distinct and never hold the source, so the merged list is the list.
fn naive_registries(rules: &MirrorRules) -> Result<Vec<Registry>, String> {
    let scope_of = |r: &Registry| r.scope().to_owned();
    let mut regs: Vec<Registry> = Vec::new();
    fn get(regs: &mut Vec<Registry>, scope: &str, scope_of: &dyn Fn(&Registry) -> String) -> usize {
        if let Some(i) = regs.iter().position(|r| scope_of(r) == scope) {
            return i;
        }
        let mut r = Registry::default();
        if scope.starts_with("*.") {
            r.prefix = scope.to_string();
        } else {
            r.location = scope.to_string();
        }
        regs.push(r);
        regs.len() - 1
    }
    fn by_source(sets: &[MirrorSet]) -> Vec<&MirrorSet> {
        let mut sets: Vec<&MirrorSet> = sets.iter().filter(|s| !s.mirrors.is_empty()).collect();
        sets.sort_by(|a, b| a.source.cmp(&b.source));
        sets
    }
    let (digest, tag) = (
        by_source(&rules.digest_mirror_sets),
        by_source(&rules.tag_mirror_sets),
    );
    for (sets, pfm) in [
        (&digest, PullFromMirror::DigestOnly),
        (&tag, PullFromMirror::TagOnly),
    ] {
        for set in sets.iter() {
            let i = get(&mut regs, &set.source, &scope_of);
            if set.policy == SourcePolicy::NeverContactSource {
                regs[i].blocked = true;
            }
            for m in &set.mirrors {
                regs[i].mirrors.push(Mirror {
                    location: m.clone(),
                    insecure: false,
                    pull_from_mirror: pfm,
                });
            }
        }
    }
    let insecure = rules.insecure.clone().unwrap_or_default();
    let blocked = rules.blocked.clone().unwrap_or_default();
    for b in &blocked {
        get(&mut regs, b, &scope_of);
    }
    /// The insecure or blocked pass for one scope: its entry (made if missing) and every entry nested in it get the
    /// flag.
    fn flag_nested(
        regs: &mut Vec<Registry>,
        scope: &str,
        scope_of: &dyn Fn(&Registry) -> String,
        flag: fn(&mut Registry) -> &mut bool,
    ) {
        let i = get(regs, scope, scope_of);
        *flag(&mut regs[i]) = true;
        for r in regs.iter_mut() {
            if is_nested(&scope_of(r), scope) {
                *flag(r) = true;
            }
        }
    }
    for s in &insecure {
        flag_nested(&mut regs, s, &scope_of, |r| &mut r.insecure);
        // Only insecure reaches the mirrors too.
        for m in regs.iter_mut().flat_map(|r| r.mirrors.iter_mut()) {
            if is_nested(&m.location, s) {
                m.insecure = true;
            }
        }
    }
    for b in &blocked {
        flag_nested(&mut regs, b, &scope_of, |r| &mut r.blocked);
    }
    for set in digest.iter().chain(tag.iter()) {
        let parent = get(&mut regs, &set.source, &scope_of);
        let parent_scope = scope_of(&regs[parent]);
        for i in 0..regs.len() {
            let scope = scope_of(&regs[i]);
            if scope != parent_scope
                && is_nested(&scope, &parent_scope)
                && regs[i].mirrors.is_empty()
            {
                if parent_scope.starts_with("*.") {
                    return Err(format!(
                        "internal error: mirrorsAdjustedForNestedScope for a wildcard scope \"{parent_scope}\""
                    ));
                }
                let adjustment = scope[parent_scope.len()..].to_string();
                regs[i].mirrors = regs[parent]
                    .mirrors
                    .iter()
                    .map(|m| Mirror {
                        location: format!("{}{adjustment}", m.location),
                        ..m.clone()
                    })
                    .collect();
            }
        }
    }
    Ok(regs)
}

/// Rules in the shape `naive_registries` handles: unique sources, distinct mirrors, none equal to the source.
fn simple_rules() -> impl Strategy<Value = MirrorRules> {
    rules().prop_map(|mut rules| {
        fn clean(sets: &mut Vec<MirrorSet>) {
            let mut seen = std::collections::HashSet::new();
            sets.retain(|s| seen.insert(s.source.clone()));
            for s in sets.iter_mut() {
                let mut distinct = std::collections::HashSet::new();
                let source = s.source.clone();
                s.mirrors
                    .retain(|m| *m != source && distinct.insert(m.clone()));
            }
        }
        clean(&mut rules.digest_mirror_sets);
        rules.legacy_digest_mirror_sets.clear();
        clean(&mut rules.tag_mirror_sets);
        rules
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn output_does_not_depend_on_set_order(rules in rules(), seed in any::<u64>()) {
        let mut shuffled = rules.clone();
        let mut state = seed | 1;
        let mut next = move || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; state };
        for sets in [&mut shuffled.digest_mirror_sets, &mut shuffled.legacy_digest_mirror_sets, &mut shuffled.tag_mirror_sets] {
            for i in (1..sets.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                sets.swap(i, j);
            }
        }
        let (a, b) = (outcome(&rules), outcome(&shuffled));
        prop_assert_eq!(a.is_ok(), b.is_ok());
        if let (Ok(a), Ok(b)) = (a, b) {
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn rendering_is_deterministic(rules in rules()) {
        prop_assert_eq!(outcome(&rules), outcome(&rules));
    }

    #[test]
    fn indexed_algorithm_agrees_with_openshift_quadratic_one(rules in simple_rules()) {
        match (render_model(&rules, Layout::Current), naive_registries(&rules)) {
            (Ok(model), Ok(naive)) => prop_assert_eq!(model.registries, naive),
            // Validation (which the naive port skips) may refuse first: a policy conflict across digest and tag sets.
            (Err(error), _) if error.to_string().contains("conflicting mirrorSourcePolicy") => {}
            (Err(error), Err(naive)) => prop_assert_eq!(error.to_string(), format!("could not update registries config with new changes: {naive}")),
            (Err(error), Ok(_)) => prop_assert!(false, "render failed alone: {}", error),
            (Ok(_), Err(naive)) => prop_assert!(false, "naive port failed alone: {}", naive),
        }
    }

    /// The text is encoded from a borrowed view; the owned model is built apart: they must say the same.
    #[test]
    fn rendered_text_is_the_encoded_model(rules in rules(), legacy in any::<bool>()) {
        let (rules, layout) = if legacy {
            (MirrorRules { tag_mirror_sets: vec![], ..rules }, Layout::Legacy)
        } else {
            (rules, Layout::Current)
        };
        match (render(&rules, layout), render_model(&rules, layout)) {
            (Ok(rendered), Ok(model)) => {
                if rendered.regenerated {
                    prop_assert_eq!(encode(&model, layout), rendered.registries_conf.clone());
                }
                let tables = rendered.registry_tables();
                prop_assert_eq!(tables.is_some(), !model.registries.is_empty());
                if let Some(tables) = tables {
                    let only_tables = encode(&registries_conf::RegistriesConf { registries: model.registries, ..Default::default() }, layout);
                    prop_assert!(only_tables.ends_with(tables), "{}\n---\n{}", only_tables, tables);
                    prop_assert!(tables.starts_with("[[registry]]"));
                }
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "render {:?} vs render_model {:?}", a.map(|r| r.registries_conf), b),
        }
    }

    /// What is written a block at a time is the text, byte for byte, and its counted size.
    #[test]
    fn written_text_is_the_rendered_text(rules in rules(), legacy in any::<bool>()) {
        let layout = if legacy { Layout::Legacy } else { Layout::Current };
        match (render(&rules, layout), render_unencoded(&rules, layout)) {
            (Ok(rendered), Ok(unencoded)) => {
                let mut written = Vec::new();
                unencoded.registries_conf.write_to(&mut written).unwrap();
                prop_assert_eq!(unencoded.registries_conf.len(), rendered.registries_conf.len());
                prop_assert_eq!(String::from_utf8(written).unwrap(), rendered.registries_conf.clone());
                prop_assert_eq!(unencoded.registries_conf.to_text(), rendered.registries_conf.clone());
                prop_assert_eq!(unencoded.regenerated, rendered.regenerated);
                prop_assert_eq!(unencoded.search_registries_drop_in, rendered.search_registries_drop_in);
                prop_assert_eq!(unencoded.warnings, rendered.warnings);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "render {:?} vs render_unencoded {:?}", a.map(|r| r.registries_conf), b.map(|r| r.registries_conf.len())),
        }
    }

    #[test]
    fn never_panics_on_arbitrary_rules(
        sets in prop::collection::vec((".{0,12}", prop::collection::vec(".{0,12}", 0..3), policy()), 0..6),
        insecure in prop::option::of(prop::collection::vec(".{0,12}", 0..3)),
        blocked in prop::option::of(prop::collection::vec(".{0,12}", 0..3)),
        legacy in any::<bool>(),
    ) {
        let sets: Vec<MirrorSet> = sets.into_iter().map(|(source, mirrors, policy)| MirrorSet { source, mirrors, policy }).collect();
        let rules = MirrorRules {
            digest_mirror_sets: sets.clone(),
            legacy_digest_mirror_sets: sets.clone(),
            tag_mirror_sets: if legacy { vec![] } else { sets },
            insecure,
            blocked,
            search_registries: Some(vec!["q\"\u{1}".into()]),
        };
        let layout = if legacy { Layout::Legacy } else { Layout::Current };
        let _ = render(&rules, layout);
    }
}

/// Rules of `n` sources, each with two mirrors: about 150 bytes of text each.
fn many_sources(n: usize) -> MirrorRules {
    MirrorRules {
        digest_mirror_sets: (0..n)
            .map(|i| {
                MirrorSet::new(
                    format!("quay.io/org/repo-{i}"),
                    vec![
                        format!("mirror-a.example.com:5000/org/repo-{i}"),
                        format!("mirror-b.example.com:5000/org/repo-{i}"),
                    ],
                )
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn a_text_of_many_blocks_is_written_whole() {
    // Well over the writer's 64 KiB block: the text goes out in several writes, and comes out the same.
    let rules = many_sources(3_000);
    let text = render(&rules, Layout::Current).unwrap().registries_conf;
    assert!(text.len() > 4 * 64 * 1024, "{} bytes", text.len());
    let unencoded = render_unencoded(&rules, Layout::Current).unwrap();
    struct Counted {
        bytes: Vec<u8>,
        writes: usize,
    }
    impl std::io::Write for Counted {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.writes += 1;
            // A short write each time: write_all must go on where it stopped.
            let taken = buf.len().min(10_000);
            self.bytes.extend_from_slice(&buf[..taken]);
            Ok(taken)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Counted {
        bytes: Vec::new(),
        writes: 0,
    };
    unencoded.registries_conf.write_to(&mut out).unwrap();
    assert_eq!(unencoded.registries_conf.len(), text.len());
    assert!(
        out.bytes == text.as_bytes(),
        "the written bytes differ from the text"
    );
    assert!(out.writes > text.len() / 10_000, "{} writes", out.writes);
}

#[test]
fn a_failed_write_is_the_error_and_stops_the_writing() {
    struct Failing {
        writes: usize,
    }
    impl std::io::Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            self.writes += 1;
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let rules = many_sources(3_000);
    let unencoded = render_unencoded(&rules, Layout::Current).unwrap();
    let mut out = Failing { writes: 0 };
    let error = unencoded.registries_conf.write_to(&mut out).unwrap_err();
    assert_eq!(error.to_string(), "disk full");
    assert_eq!(out.writes, 1, "nothing more is written once a write failed");
}
