//! The whole pipeline (objects → rules → payload check → node files) on every golden case of OpenShift's
//! registries.conf and policy.json rendering, byte for byte. The registries.conf cases are the registries-conf
//! crate's copy; the policy.json cases the policy-json crate's.

use std::fs;
use std::path::{Path, PathBuf};

use mirror_cli::cluster::{Cluster, Input};
use mirror_cli::node::{RenderOptions, paths, plan};
use registries_conf::Layout;

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    cases
}

fn run(case: &Path) -> Result<mirror_cli::node::NodePlan, mirror_cli::Error> {
    let input = Input {
        name: "input.yaml".into(),
        bytes: fs::read(case.join("input.yaml")).unwrap(),
    };
    let cluster = Cluster::read(&[input], &icsp::Limits::default()).unwrap();
    let legacy =
        fs::read_to_string(case.join("NOTE.txt")).is_ok_and(|n| n.contains("--layout legacy"));
    let options = RenderOptions {
        layout: if legacy {
            Layout::Legacy
        } else {
            Layout::Current
        },
        ..Default::default()
    };
    plan(&cluster, &options)
}

fn file<'a>(plan: &'a mirror_cli::node::NodePlan, path: &str) -> Option<&'a str> {
    plan.files
        .iter()
        .find(|f| f.path == Path::new(path))
        .map(|f| std::str::from_utf8(&f.bytes).unwrap())
}

fn check_common(
    case: &Path,
    result: &Result<mirror_cli::node::NodePlan, mirror_cli::Error>,
) -> bool {
    if let Ok(expected) = fs::read_to_string(case.join("error.txt")) {
        let err = result.as_ref().expect_err(&case.display().to_string());
        // OpenShift's words exactly; a refusal of one field says where it is first.
        let words = match err {
            mirror_cli::Error::RulesAt { place, source } => {
                assert_eq!(err.to_string(), format!("{place}: {source}"));
                source.to_string()
            }
            other => other.to_string(),
        };
        assert_eq!(words, expected.trim_end(), "{}", case.display());
        return false;
    }
    let plan = result
        .as_ref()
        .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    if let Ok(warning) = fs::read_to_string(case.join("warning.txt")) {
        assert!(
            plan.warnings
                .iter()
                .any(|w| w.to_string() == warning.trim_end()),
            "{}: {:?}",
            case.display(),
            plan.warnings
        );
    }
    true
}

/// The plan's file at `path` is the golden case's file `golden`, or absent when `golden` is `None`.
fn assert_file(plan: &mirror_cli::node::NodePlan, case: &Path, path: &str, golden: Option<&str>) {
    let expected = golden.map(|name| fs::read_to_string(case.join(name)).unwrap());
    assert_eq!(file(plan, path), expected.as_deref(), "{}", case.display());
}

#[test]
fn registries_conf_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../registries-conf/tests/golden/registries-conf");
    // That folder also holds the policy cases (for the payload check); those are run below from policy-json's copy.
    let cases: Vec<PathBuf> = cases(&dir)
        .into_iter()
        .filter(|c| {
            !c.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("policy-")
        })
        .collect();
    assert!(
        cases.len() >= 18,
        "golden cases missing from {}",
        dir.display()
    );
    for case in cases {
        let result = run(&case);
        if !check_common(&case, &result) {
            continue;
        }
        let plan = result.unwrap();
        assert_file(
            &plan,
            &case,
            paths::REGISTRIES_CONF,
            Some("registries.conf"),
        );
        // The drop-in is written only when the golden case has one.
        let drop_in = case.join("01-image-searchRegistries.conf");
        let drop_in = drop_in.exists().then_some("01-image-searchRegistries.conf");
        assert_file(&plan, &case, paths::SEARCH_REGISTRIES_DROP_IN, drop_in);
    }
}

#[test]
fn policy_json_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy-json/tests/golden/policy-json");
    let cases = cases(&dir);
    assert_eq!(cases.len(), 13);
    for case in cases {
        let result = run(&case);
        if !check_common(&case, &result) {
            continue;
        }
        let plan = result.unwrap();
        assert_file(&plan, &case, paths::POLICY_JSON, Some("policy.json"));
    }
}
