//! Objects read as the API server decodes them: unknown fields, apiVersions, names, duplicates, YAML 1.1 scalars
//! and tags, under each strictness; input text in messages is escaped and cut.

use icsp::{IssueKind, Object, ReadOptions, Strictness, read_objects, read_stream};

fn options(strictness: Strictness) -> ReadOptions {
    ReadOptions {
        strictness,
        ..ReadOptions::default()
    }
}

fn err(input: &str) -> String {
    match read_objects("in.yaml", input.as_bytes(), &icsp::Limits::default()) {
        Ok(objects) => panic!("expected an error, read {} objects", objects.len()),
        Err(e) => e.to_string(),
    }
}

fn warnings(input: &str) -> Vec<String> {
    read_stream("in.yaml", input.as_bytes(), &options(Strictness::Warn))
        .unwrap()
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

const ICSP_TYPO: &str = "apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: mirrors
spec:
  repositoryDigestMirror:
  - source: quay.io/openshift-release-dev
    mirrors: [mirror.example.com/ocp]
";

#[test]
fn unknown_field_names_the_path_and_the_closest_known_name() {
    insta::assert_snapshot!(err(ICSP_TYPO));
}

#[test]
fn every_unknown_field_of_an_object_is_listed() {
    insta::assert_snapshot!(err("apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: d, lables: {a: b}}
spec:
  imageDigestMirrors:
  - source: quay.io/a
    mirror: [m.example.com/a]
    mirrorSourcePolicy: NeverContactSource
  colour: blue
"));
}

#[test]
fn strictness_warn_gives_warnings_and_ignore_gives_nothing() {
    let warned = read_stream("in.yaml", ICSP_TYPO.as_bytes(), &options(Strictness::Warn)).unwrap();
    assert_eq!(warned.objects.len(), 1);
    assert_eq!(warned.warnings.len(), 1);
    assert_eq!(warned.warnings[0].kind, IssueKind::UnknownField);
    insta::assert_snapshot!(warned.warnings[0].to_string());
    let ignored = read_stream(
        "in.yaml",
        ICSP_TYPO.as_bytes(),
        &options(Strictness::Ignore),
    )
    .unwrap();
    assert_eq!(ignored.objects, warned.objects);
    assert!(ignored.warnings.is_empty());
}

#[test]
fn list_fields_are_checked_too() {
    insta::assert_snapshot!(err(
        "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: \"\"}\nitem: []\nitems: []\n"
    ));
}

#[test]
fn status_and_object_meta_fields_from_oc_get_are_known() {
    let input = "apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: d
  uid: 0b1c2d3e-0000-4000-8000-000000000000
  resourceVersion: \"1\"
  generation: 1
  creationTimestamp: \"2024-01-01T00:00:00Z\"
  managedFields: [{manager: oc, operation: Update}]
spec:
  imageDigestMirrors: []
status: {}
";
    assert_eq!(
        read_objects("in.yaml", input.as_bytes(), &icsp::Limits::default())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn known_kind_under_a_wrong_api_version() {
    let input = "apiVersion: config.openshift.io/v1alpha1\nkind: ImageDigestMirrorSet\nmetadata: {name: d}\n";
    insta::assert_snapshot!(err(input));
    let warned = read_stream("in.yaml", input.as_bytes(), &options(Strictness::Warn)).unwrap();
    assert!(
        matches!(&warned.objects[0].value, Object::Other { kind, .. } if kind == "ImageDigestMirrorSet")
    );
    assert_eq!(warned.warnings[0].kind, IssueKind::WrongApiVersion);
}

#[test]
fn names_as_the_api_server_validates_them() {
    let object = |meta: &str| {
        format!("apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nmetadata: {meta}\n")
    };
    let cases = [
        ("no name", object("{}")),
        ("empty name", object("{name: \"\"}")),
        ("a/b", object("{name: a/b}")),
        ("upper case", object("{name: Mirrors}")),
        (
            "too long",
            object(&format!("{{name: {}}}", "a".repeat(254))),
        ),
        ("control characters", object("{name: \"x\\e[2Jy\"}")),
        (
            "bad namespace",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: Not_A_Label}\n"
                .to_owned(),
        ),
    ];
    let out: String = cases
        .iter()
        .map(|(what, input)| format!("{what}: {}\n", err(input)))
        .collect();
    assert!(!out.contains('\u{1b}'), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn two_objects_of_one_kind_with_one_name() {
    let doc =
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: same}\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: a}\n";
    let other_ns = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: b}\n";
    let input = format!("{doc}---\n{cm}---\n{other_ns}---\n{doc}");
    insta::assert_snapshot!(err(&input));
    assert_eq!(warnings(&input).len(), 1);
}

#[test]
fn yaml_1_1_scalars_where_a_string_goes_are_refused() {
    let source = |value: &str| {
        format!(
            "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {{name: d}}\nspec:\n  imageDigestMirrors:\n  - source: {value}\n"
        )
    };
    let out: String = [
        "yes", "on", "y", "N", "Off", "True", "0777", "0x1F", "1_000", "1e3", ".5",
    ]
    .iter()
    .map(|v| format!("{v}: {}\n", err(&source(v))))
    .collect();
    insta::assert_snapshot!(out);
    // Quoted, tagged !!str, or not a YAML 1.1 value (base 60 and timestamps stay strings in go-yaml v2): strings.
    for value in [
        "\"yes\"",
        "'on'",
        "!!str yes",
        "1:30",
        "2024-01-02",
        "yes-please",
    ] {
        let objects = read_objects(
            "in.yaml",
            source(value).as_bytes(),
            &icsp::Limits::default(),
        )
        .unwrap_or_else(|e| panic!("{value}: {e}"));
        let Object::ImageDigestMirrorSet(idms) = &objects[0].value else {
            panic!("{value}: not an IDMS");
        };
        let want = value.trim_matches(['"', '\'']).trim_start_matches("!!str ");
        assert_eq!(idms.spec.image_digest_mirrors[0].source, want);
    }
    // `~` and an empty value are null, which Go's decoding takes as unset.
    for value in ["~", "", "null"] {
        let objects = read_objects(
            "in.yaml",
            source(value).as_bytes(),
            &icsp::Limits::default(),
        )
        .unwrap();
        let Object::ImageDigestMirrorSet(idms) = &objects[0].value else {
            panic!("not an IDMS");
        };
        assert_eq!(idms.spec.image_digest_mirrors[0].source, "");
    }
}

#[test]
fn yaml_1_1_keys_and_values_in_kept_fields() {
    // A plain `on` key would reach the API server as "true": refused where it is used.
    insta::assert_snapshot!(err(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    on: \"x\"\n"
    ));
    // Unmodelled known fields keep YAML 1.1 values as the API server stores them.
    let input = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nimmutable: yes\n";
    let objects = read_objects("in.yaml", input.as_bytes(), &icsp::Limits::default()).unwrap();
    let Object::ConfigMap(cm) = &objects[0].value else {
        panic!("not a ConfigMap");
    };
    assert_eq!(cm.extra["immutable"], serde_json::Value::Bool(true));
}

#[test]
fn tags_the_api_server_would_not_accept() {
    let out: String = [
        "data:\n  a: !!binary aGVsbG8=\n",
        "data:\n  a: !custom x\n",
        "data: !!set {a: null}\n",
        "data:\n  a: !!int x\n",
        "data:\n  a: !<tag:example.com,2000:x> y\n",
    ]
    .iter()
    .map(|tail| {
        format!(
            "{}\n",
            err(&format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n{tail}"
            ))
        )
    })
    .collect();
    insta::assert_snapshot!(out);
}

#[test]
fn merge_keys_and_aliases_read_as_go_yaml_v2_reads_them() {
    let input = "apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels: &base {a: one, b: two}
  annotations:
    <<: *base
    b: mine
";
    let objects = read_objects("in.yaml", input.as_bytes(), &icsp::Limits::default()).unwrap();
    let Object::ConfigMap(cm) = &objects[0].value else {
        panic!("not a ConfigMap");
    };
    assert_eq!(cm.metadata.annotations["a"], "one");
    assert_eq!(cm.metadata.annotations["b"], "mine");
    assert_eq!(cm.metadata.labels["b"], "two");
}

#[test]
fn long_and_hostile_text_in_messages_is_escaped_and_cut() {
    // A terminal title change (ESC ] 0 ; … BEL) and a long tail, written with YAML's escapes.
    let name = format!("\\e]0;pwned\\a{}", "x".repeat(300));
    let input = format!(
        "apiVersion: v1\nkind: Widget\nmetadata: {{name: \"{name}\"}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: \"{name}\"}}\n"
    );
    let e = err(&input);
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e}");
    assert!(e.chars().count() < 1200, "{e}");
    insta::assert_snapshot!(e);
}
