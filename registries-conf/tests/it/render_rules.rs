//! One snapshot per rendering rule: the rules given, and the file (or the error) OpenShift's algorithm yields.

use registries_conf::{
    Layout, MirrorRules, MirrorSet, RegistriesConf, Registry, SourcePolicy,
    check_blocked_registries, encode, render, render_model,
};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn set(source: &str, mirrors: &[&str]) -> MirrorSet {
    MirrorSet::new(source, mirrors.iter().copied())
}

/// The rendered file and warnings, or the error, as one text.
fn outcome(rules: &MirrorRules, layout: Layout) -> String {
    match render(rules, layout) {
        Ok(rendered) => {
            let mut text = rendered.registries_conf;
            if let Some(drop_in) = rendered.search_registries_drop_in {
                text.push_str("--- 01-image-searchRegistries.conf\n");
                text.push_str(&drop_in);
            }
            for warning in rendered.warnings {
                text.push_str(&format!("--- warning: {warning}\n"));
            }
            text
        }
        Err(error) => format!("error: {error}\n"),
    }
}

/// The rules of a case, one field a call; the fields not named keep their defaults.
trait Build {
    fn digest(self, sets: impl IntoIterator<Item = MirrorSet>) -> Self;
    fn legacy(self, sets: impl IntoIterator<Item = MirrorSet>) -> Self;
    fn tags(self, sets: impl IntoIterator<Item = MirrorSet>) -> Self;
    fn insecure(self, scopes: &[&str]) -> Self;
    fn blocked(self, scopes: &[&str]) -> Self;
    fn search(self, registries: &[&str]) -> Self;
}

impl Build for MirrorRules {
    fn digest(mut self, sets: impl IntoIterator<Item = MirrorSet>) -> Self {
        self.digest_mirror_sets = sets.into_iter().collect();
        self
    }
    fn legacy(mut self, sets: impl IntoIterator<Item = MirrorSet>) -> Self {
        self.legacy_digest_mirror_sets = sets.into_iter().collect();
        self
    }
    fn tags(mut self, sets: impl IntoIterator<Item = MirrorSet>) -> Self {
        self.tag_mirror_sets = sets.into_iter().collect();
        self
    }
    fn insecure(mut self, scopes: &[&str]) -> Self {
        self.insecure = Some(strings(scopes));
        self
    }
    fn blocked(mut self, scopes: &[&str]) -> Self {
        self.blocked = Some(strings(scopes));
        self
    }
    fn search(mut self, registries: &[&str]) -> Self {
        self.search_registries = Some(strings(registries));
        self
    }
}

#[test]
fn template_kept_when_nothing_regenerates() {
    let rules = MirrorRules::default().search(&[]);
    let rendered = render(&rules, Layout::Current).unwrap();
    assert!(!rendered.regenerated);
    insta::assert_snapshot!(
        "template_and_empty_search_drop_in",
        outcome(&rules, Layout::Current)
    );
}

#[test]
fn never_contact_source_blocks_the_source() {
    let rules = MirrorRules::default().digest([
        set("registry.example.com/ns", &["mirror.example.net/ns"])
            .with_policy(SourcePolicy::NeverContactSource),
        set("registry.example.com/ns", &["mirror2.example.net/ns"]),
    ]);
    insta::assert_snapshot!("never_contact_conflict", outcome(&rules, Layout::Current));
    let consistent = MirrorRules::default()
        .digest([set("registry.example.com/ns", &["mirror.example.net/ns"])
            .with_policy(SourcePolicy::NeverContactSource)])
        .tags([set("registry.example.com/ns", &["tags.example.net/ns"])
            .with_policy(SourcePolicy::NeverContactSource)]);
    insta::assert_snapshot!("never_contact", outcome(&consistent, Layout::Current));
}

/// One test a case: the rules rendered in the current layout, against the snapshot named in parentheses.
macro_rules! render_cases {
    ($($name:ident ($snapshot:literal): $rules:expr,)*) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!($snapshot, outcome(&$rules, Layout::Current));
        }
    )*};
}

render_cases! {
    explicit_empty_insecure_regenerates ("explicit_empty_insecure"): MirrorRules::default().insecure(&[]),
    nested_scope_inherits_outermost_parent ("nested_scope"): MirrorRules::default()
        .digest([
            set("quay.io", &["m1.example.net/quay"]),
            set("quay.io/a", &["m2.example.net/a"]),
        ])
        .insecure(&["quay.io/a/b/c", "quay.io/z"]),
    // The copy of `insecure.example.com/m` into `src.example.com/ns` keeps insecure = true, and the copied
    // `plain.example.com/m/ns` is not re-checked against the insecure scope `plain.example.com/m/ns`.
    nested_copies_keep_flags_as_computed ("nested_flags_not_recomputed"): MirrorRules::default()
        .digest([set("src.example.com", &["insecure.example.com/m", "plain.example.com/m"])])
        .insecure(&["insecure.example.com", "plain.example.com/m/ns"])
        .blocked(&["src.example.com/ns"]),
    // Per-mirror flags are numbered across every set's mirrors, whether a set keeps its own list (a, c) or its
    // lists were merged (b): only the `sec.example.com` mirrors are insecure, in the digest and the tag sets.
    insecure_flags_follow_mirrors_of_merged_and_plain_sets ("insecure_merged_and_plain"): MirrorRules::default()
        .digest([
            set("c.example.com/z", &["sec.example.com/z"]),
            set("b.example.com/y", &["sec.example.com/y", "m2.example.com/y"]),
            set("a.example.com/x", &["m1.example.com/x"]),
            set("b.example.com/y", &["m2.example.com/y", "m3.example.com/y"]),
        ])
        .tags([
            set("b.example.com/y", &["m4.example.com/y"]),
            set("b.example.com/y", &["sec.example.com/t", "m4.example.com/y"]),
            set("a.example.com/x", &["sec.example.com/x"]),
        ])
        .insecure(&["sec.example.com"]),
    wildcard_source_and_wildcard_insecure ("wildcard"): MirrorRules::default()
        .digest([set("*.example.com", &["mirror.local/example"])])
        .insecure(&["*.local"]),
    wildcard_parent_of_a_mirrorless_scope_is_an_error ("wildcard_parent_error"): MirrorRules::default()
        .digest([set("*.example.com", &["mirror.local/example"])])
        .blocked(&["a.example.com/ns"]),
    cycle_is_broken_in_byte_order ("cycle"): MirrorRules::default().digest([
        set("src.example.com/r", &["c.example.net/r", "b.example.net/r", "a.example.net/r"]),
        set("src.example.com/r", &["a.example.net/r", "c.example.net/r"]),
    ]),
    insecure_propagates_to_registries_and_mirrors ("insecure_propagation"): MirrorRules::default()
        .legacy([
            set("quay.io/ns/app", &["lab.example.com:5000/ns/app", "lab.example.com/ns/app"]),
            set("docker.io/library", &["lab.example.com:5000/library"]),
        ])
        .insecure(&["lab.example.com:5000", "quay.io/ns"]),
    blocked_propagates_to_registries_only ("blocked_propagation"): MirrorRules::default()
        .legacy([set("quay.io/ns/app", &["quay.io/mirror/app"])])
        .blocked(&["quay.io", "*.evil.com"])
        .insecure(&["a.evil.com"]),
    digest_and_tag_mirrors_on_one_source ("digest_and_tag_mirrors"): MirrorRules::default()
        .digest([set("registry.example.com", &["d.example.net"])])
        .tags([
            set("registry.example.com", &["t.example.net"]),
            set("registry.example.com/sub/x", &["t2.example.net/x"]),
        ])
        .insecure(&["registry.example.com/sub"]),
}

#[test]
fn legacy_layout() {
    let rules = MirrorRules::default()
        .legacy([set("quay.io", &["mirror.example.com/quay"])])
        .insecure(&["quay.io/ns"]);
    insta::assert_snapshot!("legacy_layout", outcome(&rules, Layout::Legacy));
    let with_tags = rules.tags([set("quay.io", &["tags.example.com"])]);
    insta::assert_snapshot!(
        "legacy_layout_refuses_tags",
        outcome(&with_tags, Layout::Legacy)
    );
}

#[test]
fn validation_messages_in_openshift_order() {
    let cases: Vec<(&str, MirrorRules)> = vec![
        (
            "bad insecure",
            MirrorRules::default().insecure(&["ok.io", "*.a/b"]),
        ),
        ("bad blocked", MirrorRules::default().blocked(&[""])),
        (
            "insecure before mirrors",
            MirrorRules::default()
                .insecure(&["a*"])
                .digest([set("Bad_Source", &["m.io"])]),
        ),
        (
            "bad source",
            MirrorRules::default().digest([set("quay.io/Upper", &["m.io"])]),
        ),
        (
            "wildcard mirror",
            MirrorRules::default().tags([set("quay.io", &["*.m.io"])]),
        ),
        (
            "quoted source",
            MirrorRules::default().legacy([set("quay.io/\"x\"\n", &["m.io"])]),
        ),
        (
            "conflicting policy across IDMS and ICSP",
            MirrorRules::default()
                .digest([
                    set("quay.io/a", &["m.io/a"]).with_policy(SourcePolicy::NeverContactSource)
                ])
                .legacy([set("quay.io/a", &["n.io/a"])]),
        ),
        (
            "unset equals allow",
            MirrorRules::default()
                .digest([
                    set("quay.io/a", &["m.io/a"]).with_policy(SourcePolicy::AllowContactingSource)
                ])
                .tags([set("quay.io/a", &["n.io/a"])]),
        ),
        (
            "never contact with the source as a mirror",
            MirrorRules::default().tags([
                set("quay.io/a", &["quay.io/a"]).with_policy(SourcePolicy::NeverContactSource)
            ]),
        ),
    ];
    let text: String = cases
        .iter()
        .map(|(name, rules)| match render(rules, Layout::Current) {
            Ok(_) => format!("{name}: ok\n"),
            Err(error) => format!("{name}: {error}\n    {:?}\n", error.kind()),
        })
        .collect();
    insta::assert_snapshot!("validation_messages", text);
}

#[test]
fn escaping_in_the_encoder() {
    let conf = RegistriesConf {
        unqualified_search_registries: strings(&["a\"b", "c\\d"]),
        credential_helpers: strings(&["helper"]),
        short_name_mode: "enforcing".into(),
        registries: vec![Registry {
            prefix: "x\u{1}\u{7f}\u{8}\t\n\u{c}\r".into(),
            location: "ünïcode.example/é".into(),
            ..Registry::default()
        }],
        aliases: [
            ("bare-key_1".to_string(), "quay.io/a".to_string()),
            ("needs.quotes/x".to_string(), "b".to_string()),
        ]
        .into_iter()
        .collect(),
        ..RegistriesConf::default()
    };
    insta::assert_snapshot!("escaping", encode(&conf, Layout::Current));
}

/// What the payload check decided, one fact a line (the policy.json lists that follow from the entries kept are
/// policy-json's: its `lists_after_the_payload_check` test takes these outcomes).
fn payload_outcome(blocked: &[&str], rules: MirrorRules, release_image: &str) -> String {
    match check_blocked_registries(release_image, Some(&strings(blocked)), rules) {
        Err(error) => format!("error: {error}\n"),
        Ok(check) => {
            let mut text = format!(
                "kept for registries.conf: {:?}\ndropped: {:?}\nabandoned: {}\n",
                check.rules.blocked, check.dropped, check.abandoned
            );
            for warning in &check.warnings {
                text.push_str(&format!("warning: {warning}\n"));
            }
            text
        }
    }
}

const PAYLOAD: &str = "quay.io/openshift-release-dev/ocp-release@sha256:4207ba569ff014931f1b5d125fe3751936a768e119546683c899eb09f3cdceb0";

#[test]
fn payload_check() {
    let mirrored = MirrorRules::default().legacy([set(
        "quay.io/openshift-release-dev",
        &["mirror.example.com/ocp"],
    )]);
    let cases = [
        (
            "no mirror: dropped with the warning",
            payload_outcome(
                &["quay.io", "docker.io", "quay.io/openshift-release-dev"],
                MirrorRules::default(),
                PAYLOAD,
            ),
        ),
        (
            "unblocked mirror: kept, payload repo allowed",
            payload_outcome(
                &["quay.io", "quay.io/openshift-release-dev/ocp-release"],
                mirrored.clone(),
                PAYLOAD,
            ),
        ),
        (
            "the mirror is blocked too: dropped",
            payload_outcome(
                &["quay.io", "mirror.example.com"],
                mirrored.clone(),
                PAYLOAD,
            ),
        ),
        (
            "tag-only payload: digest mirrors do not count",
            payload_outcome(
                &["quay.io"],
                mirrored,
                "quay.io/openshift-release-dev/ocp-release:4.16",
            ),
        ),
        (
            "release image not canonical",
            payload_outcome(&["quay.io"], MirrorRules::default(), "ocp-release:4.16"),
        ),
    ];
    let text: String = cases
        .iter()
        .map(|(name, out)| format!("## {name}\n{out}\n"))
        .collect();
    insta::assert_snapshot!("payload_check", text);
}

/// Each registry of `rules` as `scope: mirror, mirror`, or the error.
fn mirror_lists(rules: &MirrorRules) -> Result<Vec<String>, String> {
    let conf = render_model(rules, Layout::Current).map_err(|e| e.to_string())?;
    Ok(conf
        .registries
        .iter()
        .map(|r| {
            let mirrors: Vec<&str> = r.mirrors.iter().map(|m| m.location.as_str()).collect();
            format!("{}: {}", r.scope(), mirrors.join(", "))
        })
        .collect())
}

/// A mirror-less registry copies from the first source of OpenShift's walk (digest sources, then tag sources, each
/// in byte order) that contains it: not the longest one, nor the first in byte order of all sources.
#[test]
fn nested_scope_copies_from_the_first_source_of_the_walk() {
    // (digest sets, tag sets, blocked scopes) → each table's scope and mirrors.
    type Case<'a> = (
        &'a [(&'a str, &'a [&'a str])],
        &'a [(&'a str, &'a [&'a str])],
        &'a [&'a str],
        &'a [&'a str],
    );
    let cases: [(&str, Case); 3] = [
        (
            "the digest source is the outer one",
            (
                &[("a.io", &["d.io"])],
                &[("a.io/n", &["t.io/n"])],
                &["a.io/n/r"],
                &["a.io: d.io", "a.io/n: t.io/n", "a.io/n/r: d.io/n/r"],
            ),
        ),
        (
            "the digest source is the inner one",
            (
                &[("a.io/n", &["d.io/n"])],
                &[("a.io", &["t.io"])],
                &["a.io/n/r"],
                &["a.io/n: d.io/n", "a.io: t.io", "a.io/n/r: d.io/n/r"],
            ),
        ),
        (
            // A tag source that is also a digest source is that entry, walked with the digest sources; a blocked
            // scope that is a source is that source's entry.
            "a tag source that is a digest source, a blocked scope that is a source",
            (
                &[("b.io", &["d.io"])],
                &[("a.io", &["t.io"]), ("b.io", &["t.io/b"])],
                &["b.io", "b.io/n", "a.io/n"],
                &[
                    "b.io: d.io, t.io/b",
                    "a.io: t.io",
                    "b.io/n: d.io/n, t.io/b/n",
                    "a.io/n: t.io/n",
                ],
            ),
        ),
    ];
    for (name, (digest, tags, blocked, expected)) in cases {
        let sets =
            |sets: &[(&str, &[&str])]| sets.iter().map(|(s, m)| set(s, m)).collect::<Vec<_>>();
        let rules = MirrorRules::default()
            .digest(sets(digest))
            .tags(sets(tags))
            .blocked(blocked);
        assert_eq!(mirror_lists(&rules).unwrap(), expected, "{name}");
    }
}

/// When several mirror-less registries sit in wildcard sources, the error names the first such source of the walk
/// (here a digest source after a tag source in byte order, found through the later of two blocked scopes).
#[test]
fn wildcard_parent_error_names_the_first_source_of_the_walk() {
    let rules = MirrorRules::default()
        .digest([set("*.x.a.io", &["d.io"])])
        .tags([set("*.a.io", &["t.io"])])
        .blocked(&["b.a.io", "y.x.a.io"]);
    assert_eq!(
        mirror_lists(&rules).unwrap_err(),
        "could not update registries config with new changes: internal error: mirrorsAdjustedForNestedScope for a \
         wildcard scope \"*.x.a.io\""
    );
    // A wildcard source that is not the first container of any mirror-less registry is no error.
    let shadowed = MirrorRules::default()
        .digest([set("y.x.a.io", &["d.io"])])
        .tags([set("*.a.io", &["t.io"])])
        .blocked(&["y.x.a.io/n"]);
    assert_eq!(
        mirror_lists(&shadowed).unwrap(),
        ["y.x.a.io: d.io", "*.a.io: t.io", "y.x.a.io/n: d.io/n"]
    );
}
