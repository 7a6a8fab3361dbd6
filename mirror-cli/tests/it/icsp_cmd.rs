//! `mirror-cli icsp`: migrate (stdout, oc-style files, deterministic and random suffixes, all or nothing) and validate
//! (per-object openshift/api findings, cross-object checks held against OpenShift's golden errors and warnings).

use crate::common::{self, assert_contains, assert_starts_with};
use std::path::{Path, PathBuf};

use mirror_cli::cluster::Input;

use crate::common::input;
use mirror_cli::commands::Style;
use mirror_cli::commands::icsp_cmd::{IcspRequest, MigrateRequest, Suffix, ValidateRequest, run};

const GOLDEN: &str = "tests/icsp_golden";

const ICSP: &str = include_str!("fixtures/icsp.yaml");

fn golden_input(case: &Path) -> Input {
    let path = case.join("input.yaml");
    Input {
        name: path.display().to_string(),
        bytes: std::fs::read(&path).unwrap(),
    }
}

fn show(request: &IcspRequest) -> String {
    common::show(|out, err, style| run(request, out, err, style))
}

fn migrate(inputs: Vec<Input>, dest_dir: Option<PathBuf>, suffix: Suffix) -> IcspRequest {
    IcspRequest::Migrate(MigrateRequest {
        format: Default::default(),
        inputs,
        dest_dir,
        suffix,
        strictness: Default::default(),
        limits: Default::default(),
    })
}

fn validate(inputs: Vec<Input>) -> IcspRequest {
    IcspRequest::Validate(ValidateRequest {
        inputs,
        now: None,
        strictness: icsp::Strictness::Strict,
        limits: icsp::Limits::default(),
        format: Default::default(),
    })
}

#[test]
fn migrate_to_stdout() {
    insta::assert_snapshot!(
        "migrate_one",
        show(&migrate(
            vec![input("icsp.yaml", ICSP)],
            None,
            Suffix::Deterministic
        ))
    );
    let two = golden_input(
        Path::new(GOLDEN)
            .join("registries-conf/02-icsp-multi-same-source-merge")
            .as_path(),
    );
    insta::assert_snapshot!(
        "migrate_two_files",
        show(&migrate(
            vec![input("icsp.yaml", ICSP), two],
            None,
            Suffix::Deterministic
        ))
    );
}

#[test]
fn migrate_refusals() {
    let idms = "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: x\nspec: {}\n";
    let cases = [
        (
            "not an ICSP",
            migrate(vec![input("idms.yaml", idms)], None, Suffix::Deterministic),
        ),
        (
            "empty file",
            migrate(vec![input("empty.yaml", "")], None, Suffix::Deterministic),
        ),
        (
            "bad YAML",
            migrate(
                vec![input("bad.yaml", "kind: [")],
                None,
                Suffix::Deterministic,
            ),
        ),
        ("no file", migrate(vec![], None, Suffix::Deterministic)),
    ];
    let all = common::cases_shown(cases, show);
    insta::assert_snapshot!(all);
}

#[test]
fn migrate_to_files_deterministic_random_and_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("idms");
    let request = migrate(
        vec![input("icsp.yaml", ICSP)],
        Some(dest.clone()),
        Suffix::Deterministic,
    );
    let first = show(&request).replace(&dest.display().to_string(), "<dest>");
    insta::assert_snapshot!("migrate_dest_dir", first);
    // The same input gives the same file: a second run changes nothing.
    let again = show(&request).replace(&dest.display().to_string(), "<dest>");
    assert_contains(&again, "ImageDigestMirrorSet unchanged in <dest>/");
    let names: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1);
    // The file holds exactly what stdout would.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    run(
        &migrate(vec![input("icsp.yaml", ICSP)], None, Suffix::Deterministic),
        &mut out,
        &mut err,
        &Style::plain(),
    )
    .unwrap();
    assert_eq!(std::fs::read(dest.join(&names[0])).unwrap(), out);

    // Random suffixes: oc's shape (imagedigestmirrorset_<name>.<digits>.yaml), a new name each run.
    let random_dir = dir.path().join("random");
    for _ in 0..2 {
        run(
            &migrate(
                vec![input("icsp.yaml", ICSP)],
                Some(random_dir.clone()),
                Suffix::Random,
            ),
            &mut Vec::new(),
            &mut Vec::new(),
            &Style::plain(),
        )
        .unwrap();
    }
    let mut random: Vec<String> = std::fs::read_dir(&random_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    random.sort();
    assert_eq!(random.len(), 2, "{random:?}");
    for name in &random {
        let digits = name
            .strip_prefix("imagedigestmirrorset_mirror-ocp.")
            .and_then(|rest| rest.strip_suffix(".yaml"))
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            digits.len() >= 6 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{name}"
        );
    }

    // Two identical inputs would write one path twice: refused, and nothing written.
    let clash_dir = dir.path().join("clash");
    let clash = show(&migrate(
        vec![input("a.yaml", ICSP), input("a.yaml", ICSP)],
        Some(clash_dir.clone()),
        Suffix::Deterministic,
    ));
    assert_starts_with(&clash, "exit 2, error: nothing was written:");
    assert_eq!(std::fs::read_dir(&clash_dir).unwrap().count(), 0);
    // A bad second input stops everything before any file is written.
    let partial_dir = dir.path().join("partial");
    let partial = show(&migrate(
        vec![input("good.yaml", ICSP), input("bad.yaml", "kind: [")],
        Some(partial_dir.clone()),
        Suffix::Deterministic,
    ));
    assert_starts_with(&partial, "exit 2");
    assert!(!partial_dir.exists());
}

#[test]
fn validate_snapshots() {
    let bad = "\
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: bad-idms
spec:
  imageDigestMirrors:
  - source: quay.io/ns/repo:latest
    mirrors:
    - mirror.example.com/ns/repo
    - mirror.example.com/ns/repo
    mirrorSourcePolicy: Sometimes
  - source: registry.example.com/app
    mirrors:
    - registry.example.com/app
    mirrorSourcePolicy: NeverContactSource
---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
  name: conflicting
spec:
  imageTagMirrors:
  - source: registry.example.com/app
    mirrors:
    - other.example.com/app
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: elsewhere
  namespace: default
";
    insta::assert_snapshot!(
        "validate_clean",
        show(&validate(vec![input("icsp.yaml", ICSP)]))
    );
    insta::assert_snapshot!(
        "validate_findings",
        show(&validate(vec![input("bad.yaml", bad)]))
    );
    insta::assert_snapshot!(
        "validate_unreadable",
        show(&validate(vec![
            input("icsp.yaml", ICSP),
            input("bad.yaml", "kind: [")
        ]))
    );
    let case = |name: &str| golden_input(&Path::new(GOLDEN).join(name));
    insta::assert_snapshot!(
        "validate_golden_errors",
        [
            "registries-conf/13-allowed-and-blocked",
            "registries-conf/18-error-never-contact-with-source-as-mirror",
            "registries-conf/20-error-invalid-icsp-source",
            "policy-json/09-blocked-payload-registry-no-mirror",
            "policy-json/13-allowed-invalid-scope-error",
        ]
        .iter()
        .map(|c| format!("# {c}\n{}", show(&validate(vec![case(c)]))))
        .collect::<Vec<_>>()
        .join("\n")
    );
}

/// Every golden case: OpenShift's error (error.txt) is reported word for word as the cross-object finding, with exit
/// 1; a case without one has no cross-object finding; OpenShift's warning (warning.txt) is shown.
#[test]
fn validate_matches_openshift_on_every_golden_case() {
    let mut cases = Vec::new();
    for set in ["registries-conf", "policy-json"] {
        for entry in std::fs::read_dir(Path::new(GOLDEN).join(set)).unwrap() {
            cases.push(entry.unwrap().path());
        }
    }
    cases.sort();
    assert!(cases.len() >= 30, "golden cases missing: {}", cases.len());
    let mut with_error = 0;
    for case in &cases {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = run(
            &validate(vec![golden_input(case)]),
            &mut out,
            &mut err,
            &Style::plain(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let (out, err) = (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        );
        let refusals: Vec<&str> = out
            .lines()
            // After the place in the inputs (file, document, Kind/name, field), OpenShift's words.
            .filter_map(|l| {
                l.split_once("machine-config-operator would refuse this: ")
                    .map(|(_, words)| words)
            })
            .collect();
        match std::fs::read_to_string(case.join("error.txt")) {
            Ok(expected) => {
                with_error += 1;
                assert_eq!(refusals, [expected.trim_end()], "{}", case.display());
                assert_eq!(exit as u8, 1, "{}", case.display());
            }
            Err(_) => assert!(refusals.is_empty(), "{}: {out}", case.display()),
        }
        if let Ok(warning) = std::fs::read_to_string(case.join("warning.txt")) {
            assert!(
                err.contains(&format!("warning: {}", warning.trim_end())),
                "{}: {err}",
                case.display()
            );
        }
        if exit as u8 == 0 {
            assert!(
                out.ends_with("no problem found\n"),
                "{}: {out}",
                case.display()
            );
        }
    }
    assert_eq!(with_error, 5);
}

#[test]
fn binary_exit_codes_and_help() {
    let golden = |c: &str| format!("{GOLDEN}/{c}/input.yaml");
    let clean = common::run_binary(
        &["icsp", "validate", &golden("registries-conf/01-icsp-seed")],
        "",
    );
    assert_eq!(clean.status.code(), Some(0));
    let found = common::run_binary(
        &[
            "icsp",
            "validate",
            &golden("registries-conf/20-error-invalid-icsp-source"),
        ],
        "",
    );
    assert_eq!(found.status.code(), Some(1));
    let unreadable = common::run_binary(
        &["icsp", "validate", "tests/icsp_golden/no-such-file.yaml"],
        "",
    );
    assert_eq!(unreadable.status.code(), Some(2));
    let migrated = common::run_binary(
        &["icsp", "migrate", &golden("registries-conf/01-icsp-seed")],
        "",
    );
    assert_eq!(migrated.status.code(), Some(0));
    assert!(
        String::from_utf8(migrated.stdout)
            .unwrap()
            .contains("kind: ImageDigestMirrorSet")
    );
    let random_without_dir = common::run_binary(
        &[
            "icsp",
            "migrate",
            "--random-suffix",
            &golden("registries-conf/01-icsp-seed"),
        ],
        "",
    );
    assert_eq!(random_without_dir.status.code(), Some(2));
    for sub in ["migrate", "validate"] {
        let help = common::run_binary(&["icsp", sub, "--help"], "");
        let text = String::from_utf8(help.stdout).unwrap();
        assert!(
            text.contains("Examples:") && text.contains("Exit codes:"),
            "{sub}: {text}"
        );
    }
}
