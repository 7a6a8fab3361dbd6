//! policy.json from the derived allowed/blocked lists of every golden case, byte for byte.

use std::fs;
use std::path::Path;

#[test]
fn policy_json_from_derived_lists() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/policy-json");
    let mut checked = 0;
    for case in fs::read_dir(&dir).unwrap() {
        let case = case.unwrap().path();
        // Error cases have no derived lists; the whole pipeline's test covers them.
        if !case.join("derived-lists.json").exists() {
            continue;
        }
        let lists: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(case.join("derived-lists.json")).unwrap())
                .unwrap();
        let list = |key: &str| -> Vec<String> {
            lists[key]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default()
        };
        let release = lists["releaseImage"].as_str().unwrap();
        let payload_repo = image_ref::Reference::parse_normalized(release)
            .unwrap()
            .name();
        let got = mirror_cli::policy_json::render(
            &list("policyAllowed"),
            &list("policyBlocked"),
            &payload_repo,
        );
        let expected = fs::read_to_string(case.join("policy.json")).unwrap();
        assert_eq!(got.as_deref(), Ok(expected.as_str()), "{}", case.display());
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn policy_json_errors() {
    let payload = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let both = mirror_cli::policy_json::render(&["quay.io".into()], &["docker.io".into()], payload);
    assert_eq!(
        both.unwrap_err().to_string(),
        "could not update policy json with new changes: invalid images config: only one of AllowedRegistries or \
         BlockedRegistries may be specified"
    );
    let invalid = mirror_cli::policy_json::render(
        &["quay.io".into(), "*.example.com/ns".into()],
        &[],
        payload,
    );
    assert_eq!(
        invalid.unwrap_err().to_string(),
        "could not update policy json with new changes: invalid entry for allowed registries \"*.example.com/ns\""
    );
}
