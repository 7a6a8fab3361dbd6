//! `mirror-cli diff`: the registries.conf change and what the nodes do about it (reload CRI-O, drain, nothing).

use base64::Engine as _;
use mirror_cli::cluster::Input;

use crate::common::{assert_contains, capture, input};
use mirror_cli::cluster::EXAMPLE;
use mirror_cli::commands::diff::{DiffRequest, drain_reasons, run};
use mirror_cli::commands::{Exit, Style};
use registries_conf::{Mirror, PullFromMirror, RegistriesConf, Registry};

use crate::common::NEW_IDMS;

const NEW_ITMS: &str = include_str!("fixtures/new-itms.yaml");

/// Runs `diff` on objects that change the nodes: exit 1, as `kubectl diff` when there are differences.
fn diff(from: Vec<Input>, to: Vec<Input>) -> (String, String) {
    diff_exiting(Exit::Failed, from, to)
}

fn diff_exiting(expected: Exit, from: Vec<Input>, to: Vec<Input>) -> (String, String) {
    let request = DiffRequest {
        from,
        to,
        ..Default::default()
    };
    let (exit, out, err) = capture(|out, err, style| run(&request, out, err, style));
    assert_eq!(exit.unwrap(), expected, "{out}");
    (out, err)
}

/// One test per change: `diff_case!(test, snapshot, [from...], [to...], "a line the report must hold")`.
macro_rules! diff_case {
    ($test:ident, $snapshot:literal, [$($from:expr),*], [$($to:expr),*], $says:literal) => {
        #[test]
        fn $test() {
            let (out, _) = diff(vec![$($from),*], vec![$($to),*]);
            assert_contains(&out, $says);
            insta::assert_snapshot!($snapshot, out);
        }
    };
}

fn example() -> Input {
    input("current.yaml", EXAMPLE)
}

diff_case!(
    adding_digest_only_mirrors_reloads_crio_only,
    "digest_only_added",
    [example()],
    [example(), input("idms.yaml", NEW_IDMS)],
    "In plain words: nodes reload CRI-O, without a drain."
);

diff_case!(
    adding_tag_mirrors_drains,
    "tag_mirror_added",
    [example()],
    [example(), input("itms.yaml", NEW_ITMS)],
    "drained"
);

diff_case!(
    removing_a_mirror_set_drains,
    "mirror_set_removed",
    [example(), input("idms.yaml", NEW_IDMS)],
    [example()],
    "registry registry.redhat.io/ubi9 has been removed"
);

#[test]
fn first_mirrors_from_the_template_are_safe() {
    // A cluster with no mirror set yet (the template registries.conf) gets the procedure's ICSP: the registries
    // added have digest-only mirrors, so no drain.
    let without_icsp = EXAMPLE
        .split("---\n")
        .filter(|doc| !doc.contains("kind: ImageContentSourcePolicy"))
        .collect::<Vec<_>>()
        .join("---\n");
    let (out, _) = diff(vec![input("current.yaml", &without_icsp)], vec![example()]);
    insta::assert_snapshot!("template_to_mirrors", out);
}

#[test]
fn pull_secret_change_needs_nothing() {
    let other = base64::engine::general_purpose::STANDARD
        .encode(r#"{"auths":{"quay.io":{"auth":"b3RoZXI6c2VjcmV0"}}}"#);
    let start = EXAMPLE.find(".dockerconfigjson: ").unwrap() + ".dockerconfigjson: ".len();
    let end = start + EXAMPLE[start..].find('\n').unwrap();
    let changed = format!("{}{other}{}", &EXAMPLE[..start], &EXAMPLE[end..]);
    let (out, err) = diff(vec![example()], vec![input("proposed.yaml", &changed)]);
    assert!(
        !out.contains("b3RoZXI6c2VjcmV0") && !out.contains("auths"),
        "{out}"
    );
    assert!(err.is_empty(), "{err}");
    insta::assert_snapshot!("pull_secret_changed", out);
}

#[test]
fn no_change_says_so() {
    // Nothing changes on the nodes: exit 0, as `kubectl diff` without differences.
    let (out, _) = diff_exiting(Exit::Ok, vec![example()], vec![example()]);
    insta::assert_snapshot!("unchanged", out);
}

#[test]
fn missing_side_is_bad_input() {
    let request = DiffRequest {
        from: vec![example()],
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let e = run(&request, &mut out, &mut err, &Style::plain()).unwrap_err();
    insta::assert_snapshot!("missing_side", e.to_string());
}

fn registry(location: &str, mirrors: &[(&str, PullFromMirror)]) -> Registry {
    Registry {
        location: location.into(),
        mirrors: mirrors
            .iter()
            .map(|(location, pull)| Mirror {
                location: (*location).into(),
                pull_from_mirror: *pull,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn drain_rules_as_machine_config_operator_decides() {
    use PullFromMirror::*;
    let base = RegistriesConf {
        unqualified_search_registries: vec!["registry.access.redhat.com".into()],
        registries: vec![registry("quay.io/a", &[("m/a", DigestOnly)])],
        ..Default::default()
    };
    let with = |f: &dyn Fn(&mut RegistriesConf)| {
        let mut c = base.clone();
        f(&mut c);
        c
    };
    let cases: Vec<(&str, RegistriesConf)> = vec![
        ("same", base.clone()),
        (
            "search appended",
            with(&|c| c.unqualified_search_registries.push("docker.io".into())),
        ),
        (
            "search replaced",
            with(&|c| c.unqualified_search_registries = vec!["docker.io".into()]),
        ),
        (
            "digest mirror added",
            with(&|c| {
                c.registries[0]
                    .mirrors
                    .push(registry("", &[("m2/a", DigestOnly)]).mirrors[0].clone())
            }),
        ),
        (
            "tag mirror added",
            with(&|c| {
                c.registries[0]
                    .mirrors
                    .push(registry("", &[("m2/a", TagOnly)]).mirrors[0].clone())
            }),
        ),
        (
            "mirror order swapped",
            with(&|c| {
                c.registries[0]
                    .mirrors
                    .insert(0, registry("", &[("m0/a", DigestOnly)]).mirrors[0].clone());
            }),
        ),
        ("mirror removed", with(&|c| c.registries[0].mirrors.clear())),
        (
            "digest-only relaxed",
            with(&|c| c.registries[0].mirrors[0].pull_from_mirror = All),
        ),
        ("insecure set", with(&|c| c.registries[0].insecure = true)),
        ("blocked set", with(&|c| c.registries[0].blocked = true)),
        (
            "registry added, digest only",
            with(&|c| {
                c.registries
                    .push(registry("quay.io/b", &[("m/b", DigestOnly)]))
            }),
        ),
        (
            "registry added, any pull",
            with(&|c| c.registries.push(registry("quay.io/b", &[("m/b", Unset)]))),
        ),
        (
            "registry added, legacy digest only",
            with(&|c| {
                let mut r = registry("quay.io/b", &[("m/b", Unset)]);
                r.mirror_by_digest_only = true;
                c.registries.push(r);
            }),
        ),
        ("registry removed", with(&|c| c.registries.clear())),
    ];
    let mut report = String::new();
    for (what, new) in cases {
        let reasons = drain_reasons(&base, &new);
        report.push_str(&format!(
            "{what}: {}\n",
            if reasons.is_empty() {
                "safe (reload CRI-O)".to_owned()
            } else {
                reasons.join("; ")
            }
        ));
    }
    insta::assert_snapshot!("drain_rules", report);
}
