//! ICSP → IDMS migration as `oc adm migrate icsp` writes it.

use icsp::{Limits, ReadOptions, Strictness, migrate_icsp, read_objects, read_stream};

/// Reads as `oc adm migrate icsp` does: leniently (its typed decoding drops unknown fields, which some cases
/// here check), then migrates.
fn migrate(input: &str) -> icsp::MigratedIdms {
    let options = ReadOptions {
        strictness: Strictness::Ignore,
        ..ReadOptions::default()
    };
    let objects = read_stream("icsp.yaml", input.as_bytes(), &options)
        .unwrap()
        .objects;
    migrate_icsp("icsp.yaml", &objects, None).unwrap()
}

/// An ImageContentSourcePolicy document named `name`; `rest` is what follows `metadata.name`, as written.
fn icsp(name: &str, rest: &str) -> String {
    format!(
        "apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: {name}\n{rest}"
    )
}

/// oc's own test case (openshift/oc pkg/cli/admin/migrate/icsp/icsp_test.go), byte for byte.
#[test]
fn matches_oc_unit_test_output() {
    let one = |n: &str, i: &str| {
        icsp(
            n,
            &format!(
                "  labels: {{icspIdx: \"{i}\"}}
  annotations: {{icspCon: idms}}
spec:
  repositoryDigestMirrors:
  - source: source.example.com
    mirrors: [z1.example.com, y2.example.com, x3.example.com]
  - source: source.example.net
    mirrors: [z1.example.net, y2.example.net, x3.example.net]
"
            ),
        )
    };
    let expected_one = |n: &str, i: &str| {
        format!(
            "apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
    annotations:
        icspCon: idms
    labels:
        icspIdx: \"{i}\"
    name: {n}
spec:
    imageDigestMirrors:
        - mirrors:
            - z1.example.com
            - y2.example.com
            - x3.example.com
          source: source.example.com
        - mirrors:
            - z1.example.net
            - y2.example.net
            - x3.example.net
          source: source.example.net
"
        )
    };
    let single = migrate(&one("convert", "1"));
    assert_eq!(single.yaml, expected_one("convert", "1"));
    assert_eq!(single.file_name, "imagedigestmirrorset_convert.yaml");

    let input = format!(
        "{}---\n{}",
        one("multiple-convert-1", "1"),
        one("multiple-convert-2", "2")
    );
    let multi = migrate(&input);
    assert_eq!(
        multi.yaml,
        format!(
            "{}---\n{}",
            expected_one("multiple-convert-1", "1"),
            expected_one("multiple-convert-2", "2")
        )
    );
    assert_eq!(
        multi.file_name,
        "imagedigestmirrorset_multiple-convert-1.yaml"
    );
}

#[test]
fn random_suffix_only_on_request() {
    let objects = read_objects(
        "f",
        b"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata: {name: a}\n",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        migrate_icsp("f", &objects, Some(42)).unwrap().file_name,
        "imagedigestmirrorset_a.000042.yaml"
    );
}

#[test]
fn golden_seed_icsp() {
    let m = migrate(include_str!("../data/registries-conf-01-icsp-seed.yaml"));
    insta::assert_snapshot!(m.yaml);
}

#[test]
fn two_icsps_same_source_no_dedupe() {
    let m = migrate(include_str!(
        "../data/registries-conf-02-icsp-multi-same-source-merge.yaml"
    ));
    insta::assert_snapshot!(m.yaml);
}

#[test]
fn empty_mirror_lists_are_omitted_and_empty_spec_kept() {
    let m = migrate(&format!(
        "{}---\n{}",
        icsp(
            "empty",
            "spec:
  repositoryDigestMirrors:
  - source: quay.io/nothing
  - source: quay.io/dupes
    mirrors: [m.example.com, m.example.com]
  - source: quay.io/empty-list
    mirrors: []
"
        ),
        icsp("no-spec", "")
    ));
    insta::assert_snapshot!(m.yaml);
}

#[test]
fn metadata_is_copied_less_creation_timestamp_and_status_dropped() {
    let m = migrate(&icsp(
        "from-cluster",
        "  creationTimestamp: \"2023-01-02T03:04:05Z\"
  uid: 0b1c2d3e-0000-4000-8000-000000000000
  resourceVersion: \"12345\"
  generation: 3
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {\"kind\":\"ImageContentSourcePolicy\"}
    note: 'yes'
    empty: \"\"
  labels:
    app.kubernetes.io/name: mirror
  finalizers: [example.com/keep]
  notAnObjectMetaField: dropped-by-oc
spec:
  repositoryDigestMirrors:
  - source: registry.redhat.io/ubi9
    mirrors:
    - mirror.example.com:5000/ubi9
    extraField: dropped-by-oc
  unknownSpecField: dropped-by-oc
status:
  anything: dropped
",
    ));
    insta::assert_snapshot!(m.yaml);
}

#[test]
fn other_kinds_are_refused() {
    let objects = read_objects(
        "mixed.yaml",
        include_str!("../data/policy-json-17-insecure-and-mirrors-only.yaml").as_bytes(),
        &Limits::default(),
    )
    .unwrap();
    insta::assert_snapshot!(
        migrate_icsp("mixed.yaml", &objects, None)
            .unwrap_err()
            .to_string()
    );
    insta::assert_snapshot!(
        "no_icsp",
        migrate_icsp("none.yaml", &[], None)
            .unwrap_err()
            .to_string()
    );
}
