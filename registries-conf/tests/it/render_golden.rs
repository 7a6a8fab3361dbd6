//! Every case under tests/golden/registries-conf/, byte for byte: the cluster objects of `input.yaml` go through
//! the payload check and the renderer, in the machine-config-operator's order.
//!
//! A case may hold `registries.conf` (exact bytes), `01-image-searchRegistries.conf` (exact bytes; its absence means
//! no drop-in), `error.txt` (the error's text), `warning.txt` (the payload check's warnings) and
//! `derived-lists.json` (the lists after the payload check). The `policy-*` cases are the policy.json cases: only
//! their lists and warnings concern this crate; their `error.txt` is policy.json's (`could not update policy json
//! with new changes: ...`), checked with their policy.json by the policy-json crate's golden test.

use std::fs;
use std::path::{Path, PathBuf};

use registries_conf::{
    Layout, MirrorRules, MirrorSet, SourcePolicy, check_blocked_registries, render,
};
use serde_json::Value;

const DEFAULT_RELEASE_IMAGE: &str = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// The plain inputs one `input.yaml` describes (a test-only reader: the real one lives in mirror-cli).
#[derive(Debug, Default)]
struct Inputs {
    rules: MirrorRules,
    /// `blockedRegistries`.
    blocked: Option<Vec<String>>,
    has_image_config: bool,
    release_image: Option<String>,
}

/// A list of strings, `None` for a missing or null member.
fn strings(value: &Value) -> Option<Vec<String>> {
    serde_json::from_value(value.clone()).expect("a list of strings")
}

fn mirror_sets(items: &Value) -> Vec<MirrorSet> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            let policy = match item["mirrorSourcePolicy"].as_str() {
                None | Some("") => SourcePolicy::Unset,
                Some("AllowContactingSource") => SourcePolicy::AllowContactingSource,
                Some("NeverContactSource") => SourcePolicy::NeverContactSource,
                Some(other) => panic!("unknown mirrorSourcePolicy {other}"),
            };
            MirrorSet {
                source: item["source"].as_str().unwrap_or_default().to_string(),
                mirrors: strings(&item["mirrors"]).unwrap_or_default(),
                policy,
            }
        })
        .collect()
}

fn read_inputs(path: &Path) -> Inputs {
    let text = fs::read_to_string(path).expect("input.yaml");
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).expect("valid YAML");
    let mut inputs = Inputs::default();
    for document in documents.iter().filter(|d| !d.is_null()) {
        let spec = &document["spec"];
        match document["kind"].as_str().expect("kind") {
            "ImageContentSourcePolicy" => {
                inputs
                    .rules
                    .legacy_digest_mirror_sets
                    .extend(mirror_sets(&spec["repositoryDigestMirrors"]));
            }
            "ImageDigestMirrorSet" => inputs
                .rules
                .digest_mirror_sets
                .extend(mirror_sets(&spec["imageDigestMirrors"])),
            "ImageTagMirrorSet" => inputs
                .rules
                .tag_mirror_sets
                .extend(mirror_sets(&spec["imageTagMirrors"])),
            "Image" => {
                let sources = &spec["registrySources"];
                inputs.has_image_config = true;
                inputs.rules.insecure = strings(&sources["insecureRegistries"]);
                inputs.blocked = strings(&sources["blockedRegistries"]);
                inputs.rules.search_registries =
                    strings(&sources["containerRuntimeSearchRegistries"]);
            }
            "ClusterVersion" => {
                inputs.release_image = document["status"]["desired"]["image"]
                    .as_str()
                    .map(str::to_string);
            }
            other => panic!("unexpected kind {other} in {}", path.display()),
        }
    }
    inputs
}

/// What the pipeline produced for one case.
#[derive(Debug, Default)]
struct Outcome {
    registries_conf: Option<String>,
    drop_in: Option<String>,
    error: Option<String>,
    warnings: Vec<String>,
    lists: Option<Value>,
}

fn run_case(dir: &Path) -> Outcome {
    let inputs = read_inputs(&dir.join("input.yaml"));
    let note = fs::read_to_string(dir.join("NOTE.txt")).unwrap_or_default();
    let layout = if note.contains("--layout legacy") {
        Layout::Legacy
    } else {
        Layout::Current
    };
    let release_image = inputs
        .release_image
        .clone()
        .unwrap_or_else(|| DEFAULT_RELEASE_IMAGE.to_string());
    let mut outcome = Outcome::default();

    let rules = if inputs.has_image_config {
        match check_blocked_registries(&release_image, inputs.blocked.as_deref(), inputs.rules) {
            Ok(check) => {
                outcome.warnings = check.warnings.iter().map(ToString::to_string).collect();
                check.rules
            }
            Err(error) => {
                outcome.error = Some(error.to_string());
                return outcome;
            }
        }
    } else {
        inputs.rules
    };
    let json_list = |list: &Option<Vec<String>>| {
        list.as_ref()
            .map_or(Value::Null, |l| Value::from(l.clone()))
    };
    // The lists registries.conf gets (policy.json's are the policy-json crate's).
    outcome.lists = Some(serde_json::json!({
        "insecure": json_list(&rules.insecure),
        "registriesBlocked": json_list(&rules.blocked),
        "releaseImage": release_image,
    }));

    match render(&rules, layout) {
        Ok(rendered) => {
            outcome.registries_conf = Some(rendered.registries_conf);
            outcome.drop_in = rendered.search_registries_drop_in;
        }
        Err(error) => outcome.error = Some(error.to_string()),
    }
    outcome
}

fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/registries-conf");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .expect("golden folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_golden_case_matches() {
    let dirs = case_dirs();
    assert!(dirs.len() >= 31, "golden cases missing: {}", dirs.len());
    let mut failures = Vec::new();
    let mut checked_bytes = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let outcome = run_case(dir);
        let read = |file: &str| fs::read_to_string(dir.join(file)).ok();

        let policy_error =
            read("error.txt").filter(|e| e.starts_with("could not update policy json"));
        match read("error.txt").filter(|_| policy_error.is_none()) {
            Some(expected) => {
                if outcome.error.as_deref() != Some(expected.trim_end()) {
                    failures.push(format!(
                        "{name}: error {:?}, expected {:?}",
                        outcome.error,
                        expected.trim_end()
                    ));
                }
                continue;
            }
            None => {
                if let Some(error) = &outcome.error {
                    failures.push(format!("{name}: unexpected error {error}"));
                    continue;
                }
            }
        }
        if let Some(expected) = read("registries.conf") {
            checked_bytes += 1;
            if outcome.registries_conf.as_deref() != Some(expected.as_str()) {
                failures.push(format!(
                    "{name}: registries.conf differs:\n{}\n--- expected:\n{expected}",
                    outcome.registries_conf.unwrap_or_default()
                ));
            }
        }
        let expected_drop_in = read("01-image-searchRegistries.conf");
        if !name.starts_with("policy-") && outcome.drop_in != expected_drop_in {
            failures.push(format!(
                "{name}: drop-in {:?}, expected {expected_drop_in:?}",
                outcome.drop_in
            ));
        }
        let expected_warnings: Vec<String> = read("warning.txt")
            .map(|w| w.lines().map(str::to_string).collect())
            .unwrap_or_default();
        if outcome.warnings != expected_warnings {
            failures.push(format!(
                "{name}: warnings {:?}, expected {expected_warnings:?}",
                outcome.warnings
            ));
        }
        if let Some(expected) = read("derived-lists.json") {
            let mut expected: Value = serde_json::from_str(&expected).expect("derived-lists.json");
            let lists = expected.as_object_mut().expect("an object");
            lists.remove("policyAllowed");
            lists.remove("policyBlocked");
            if outcome.lists.as_ref() != Some(&expected) {
                failures.push(format!(
                    "{name}: lists {:?}, expected {expected}",
                    outcome.lists
                ));
            }
        }
    }
    assert!(
        checked_bytes >= 15,
        "only {checked_bytes} registries.conf files compared"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}
