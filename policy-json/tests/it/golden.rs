//! The policy-json golden cases (`tests/golden/policy-json/`, OpenShift's own output from machine-config-operator's
//! `updatePolicyJSON`): the lists policy.json gets after the payload check, the checks, and the bytes. One test per
//! case, and a test that every case folder has one.
//!
//! The payload check itself (which blocked entries registries.conf keeps) is registries.conf's: its outcome is read
//! from `derived-lists.json` (`registriesBlocked`). The two error cases have no derived lists; none of their
//! blocked entries covers the payload, and such entries are always kept.

use std::fs;
use std::path::{Path, PathBuf};

use image_ref::Reference;
use image_ref::scope::is_nested;
use policy_json::openshift::{PolicyLists, TEMPLATE};
use serde_json::Value;

const DEFAULT_RELEASE_IMAGE: &str = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/policy-json")
}

/// A list of strings, `None` for a missing or null member.
fn strings(value: &Value) -> Option<Vec<String>> {
    serde_json::from_value(value.clone()).expect("a list of strings")
}

/// `(release image, blockedRegistries, allowedRegistries)` of the case's `input.yaml`.
fn inputs(dir: &Path) -> (String, Option<Vec<String>>, Option<Vec<String>>) {
    let text = fs::read_to_string(dir.join("input.yaml")).expect("input.yaml");
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).expect("valid YAML");
    let mut release = DEFAULT_RELEASE_IMAGE.to_owned();
    let (mut blocked, mut allowed) = (None, None);
    for document in documents.iter().filter(|d| !d.is_null()) {
        match document["kind"].as_str() {
            Some("ClusterVersion") => {
                release = document["status"]["desired"]["image"]
                    .as_str()
                    .expect("image")
                    .to_owned();
            }
            Some("Image") => {
                let sources = &document["spec"]["registrySources"];
                blocked = strings(&sources["blockedRegistries"]);
                allowed = strings(&sources["allowedRegistries"]);
            }
            _ => {}
        }
    }
    (release, blocked, allowed)
}

fn run_case(name: &str) {
    let dir = golden_dir().join(name);
    let (release, blocked, allowed) = inputs(&dir);
    let payload_repository = Reference::parse_canonical(&release).unwrap().name();
    let derived: Option<Value> = fs::read_to_string(dir.join("derived-lists.json"))
        .ok()
        .map(|text| serde_json::from_str(&text).expect("derived-lists.json"));
    let kept = match &derived {
        Some(lists) => strings(&lists["registriesBlocked"]),
        None => {
            for scope in blocked.iter().flatten() {
                assert!(
                    !is_nested(&payload_repository, scope),
                    "{name}: {scope} covers the payload: give the case derived lists"
                );
            }
            blocked.clone()
        }
    };
    let lists =
        PolicyLists::after_payload_check(&payload_repository, kept.as_deref(), allowed.as_deref());
    if let Some(derived) = &derived {
        assert_eq!(
            lists.allowed,
            strings(&derived["policyAllowed"]),
            "{name}: allowed"
        );
        assert_eq!(
            lists.blocked,
            strings(&derived["policyBlocked"]),
            "{name}: blocked"
        );
    }
    let rendered = lists.render(&release);
    match fs::read_to_string(dir.join("error.txt")) {
        Ok(expected) => assert_eq!(
            rendered.map_err(|e| e.to_string()),
            Err(expected.trim_end().to_owned()),
            "{name}"
        ),
        Err(_) => {
            let expected = fs::read_to_string(dir.join("policy.json")).expect("policy.json");
            let rendered = rendered.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(rendered, expected, "{name}");
            // What OpenShift writes is a policy containers/image accepts, and it reads back to itself.
            let policy = policy_json::Policy::parse(rendered.as_bytes()).expect("parses");
            policy.validate().expect("containers/image accepts it");
            if rendered != TEMPLATE {
                assert_eq!(policy.to_json(), rendered, "{name}: written back");
            }
        }
    }
}

macro_rules! golden_cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_case($dir);
            }
        )*

        /// Every case folder has its test above.
        #[test]
        fn every_case_folder_has_a_test() {
            let mut found: Vec<String> = fs::read_dir(golden_dir())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            assert_eq!(found, [$($dir),*]);
        }
    };
}

golden_cases! {
    case_01_default_template => "01-default-template",
    case_02_allowed_quay_redhat => "02-allowed-quay-redhat",
    case_03_allowed_without_payload_registry => "03-allowed-without-payload-registry",
    case_04_blocked_docker_block => "04-blocked-docker-block",
    case_05_allowed_wildcard_and_repo => "05-allowed-wildcard-and-repo",
    case_06_allowed_deep_namespace_atomic_filter => "06-allowed-deep-namespace-atomic-filter",
    case_07_allowed_and_blocked_error => "07-allowed-and-blocked-error",
    case_09_blocked_payload_registry_no_mirror => "09-blocked-payload-registry-no-mirror",
    case_12_allowed_exactly_payload_repo_plus_blocked => "12-allowed-exactly-payload-repo-plus-blocked",
    case_13_allowed_invalid_scope_error => "13-allowed-invalid-scope-error",
    case_14_explicit_empty_lists => "14-explicit-empty-lists",
    case_15_allowed_duplicates_and_ordering => "15-allowed-duplicates-and-ordering",
    case_17_insecure_and_mirrors_only => "17-insecure-and-mirrors-only",
}

/// The errors of `updatePolicyJSON`, given the lists directly (moved from mirror-cli's policy_json_golden test).
#[test]
fn policy_list_errors() {
    let payload = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let lists = |allowed: &[&str], blocked: &[&str]| PolicyLists {
        allowed: Some(allowed.iter().map(|s| s.to_string()).collect()),
        blocked: Some(blocked.iter().map(|s| s.to_string()).collect()),
    };
    let both = lists(&["quay.io"], &["docker.io"]).render(payload);
    assert_eq!(
        both.unwrap_err().to_string(),
        "could not update policy json with new changes: invalid images config: only one of AllowedRegistries or \
         BlockedRegistries may be specified"
    );
    let invalid = lists(&["quay.io", "*.example.com/ns"], &[]).render(payload);
    assert_eq!(
        invalid.unwrap_err().to_string(),
        "could not update policy json with new changes: invalid entry for allowed registries \"*.example.com/ns\""
    );
    // Allowed exactly the payload repository, beside a blocked list: accepted.
    let payload_only = lists(
        &["quay.io/openshift-release-dev/ocp-release"],
        &["docker.io"],
    );
    assert!(payload_only.render(payload).is_ok());
    // An unparsable release image is reported only when both lists are set.
    let bad = lists(&["quay.io"], &["docker.io"]).check("Not/A/Reference");
    assert!(
        bad.unwrap_err()
            .to_string()
            .starts_with("error parsing reference of release image \"Not/A/Reference\": "),
    );
}

/// The payload check's policy half on the outcomes of registries-conf's `payload_check` snapshot (the entries it
/// keeps for registries.conf): the lists, and OpenShift's verdict on them.
#[test]
fn lists_after_the_payload_check() {
    let release = "quay.io/openshift-release-dev/ocp-release@sha256:4207ba569ff014931f1b5d125fe3751936a768e119546683c899eb09f3cdceb0";
    let repository = "quay.io/openshift-release-dev/ocp-release";
    let verdict = |kept: &[&str]| {
        let kept: Vec<String> = kept.iter().map(|s| s.to_string()).collect();
        let lists = PolicyLists::after_payload_check(repository, Some(&kept), None);
        (
            lists.clone(),
            lists.check(release).map_err(|e| e.to_string()),
        )
    };
    // No mirror: quay.io and the payload's namespace dropped, docker.io kept.
    assert_eq!(
        verdict(&["docker.io"]),
        (
            PolicyLists {
                blocked: Some(vec!["docker.io".into()]),
                allowed: None
            },
            Ok(())
        )
    );
    // An unblocked mirror: both kept; the payload repository is allowed once per entry covering it, and OpenShift
    // then refuses the lists (allowed is not exactly the payload repository).
    assert_eq!(
        verdict(&["quay.io", repository]),
        (
            PolicyLists {
                blocked: Some(vec!["quay.io".into()]),
                allowed: Some(vec![repository.into(), repository.into()])
            },
            Err("could not update policy json with new changes: invalid images config: only one of \
                 AllowedRegistries or BlockedRegistries may be specified"
                .into())
        )
    );
    // The mirror blocked too: quay.io dropped, the mirror kept.
    assert_eq!(verdict(&["mirror.example.com"]).1, Ok(()));
    // Nothing kept.
    assert_eq!(verdict(&[]), (PolicyLists::default(), Ok(())));

    let payload = repository;
    let owned = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let lists = PolicyLists::after_payload_check(
        payload,
        Some(&owned(&["quay.io", payload, "docker.io"])),
        Some(&owned(&["registry.redhat.io"])),
    );
    assert_eq!(lists.blocked, Some(owned(&["quay.io", "docker.io"])));
    assert_eq!(
        lists.allowed,
        Some(owned(&[payload, payload, "registry.redhat.io"]))
    );
    assert_eq!(
        PolicyLists::after_payload_check(payload, Some(&[]), Some(&[])),
        PolicyLists::default()
    );
}
