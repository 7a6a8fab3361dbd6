//! Every read error, rendered: file, document, object, field path, line and column.

use icsp::{Limits, read_objects};

fn err(input: &str) -> String {
    err_with(input, &Limits::default())
}

fn err_with(input: &str, limits: &Limits) -> String {
    match read_objects("in.yaml", input.as_bytes(), limits) {
        Ok(objects) => panic!("expected an error, read {} objects", objects.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_yaml_has_line_and_column() {
    insta::assert_snapshot!(err(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: [\n"
    ));
}

#[test]
fn bad_yaml_in_a_later_document_names_the_document() {
    insta::assert_snapshot!(err(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\ndata: {a: \"unterminated\n"
    ));
}

#[test]
fn wrong_type_names_the_field_path() {
    insta::assert_snapshot!(err(r#"apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: idms
spec:
  imageDigestMirrors:
  - source: a.example.com
    mirrors: [m.example.com]
  - source: b.example.com
  - source: c.example.com
    mirrors:
    - {location: m.example.com}
"#));
}

#[test]
fn wrong_type_for_a_list() {
    insta::assert_snapshot!(err(r#"apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    insecureRegistries: quay.io
"#));
}

#[test]
fn wrong_type_in_a_list_item_names_the_item() {
    insta::assert_snapshot!(err(r#"apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: fine}
- apiVersion: operator.openshift.io/v1alpha1
  kind: ImageContentSourcePolicy
  metadata: {name: broken}
  spec:
    repositoryDigestMirrors: {source: x}
"#));
}

#[test]
fn label_values_must_be_strings() {
    insta::assert_snapshot!(err(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    n: 1\n"
    ));
}

#[test]
fn secret_data_must_be_base64_and_the_value_is_not_echoed() {
    let e = err("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: hunter2!\n");
    assert!(!e.contains("hunter2"), "{e}");
    insta::assert_snapshot!(e);
}

#[test]
fn missing_kind() {
    insta::assert_snapshot!(err("apiVersion: v1\nmetadata: {name: x}\n"));
}

#[test]
fn missing_api_version() {
    insta::assert_snapshot!(err("kind: ConfigMap\nmetadata: {name: x}\n"));
}

#[test]
fn document_that_is_not_a_mapping() {
    insta::assert_snapshot!(err("- a\n- b\n"));
}

#[test]
fn duplicate_keys_are_refused() {
    insta::assert_snapshot!(err(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: one\n  a: two\n"
    ));
}

#[test]
fn nested_lists_are_refused() {
    insta::assert_snapshot!(err(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n"
    ));
}

#[test]
fn input_too_large_fails_before_parsing() {
    let limits = Limits {
        max_bytes: 64,
        ..Limits::default()
    };
    insta::assert_snapshot!(err_with(&"# padding\n".repeat(10), &limits));
}

#[test]
fn too_many_documents() {
    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n";
    insta::assert_snapshot!(err_with(&doc.repeat(3), &limits));
}

#[test]
fn too_deep() {
    let limits = Limits {
        max_depth: 8,
        ..Limits::default()
    };
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nx: {}{}\n",
        "[".repeat(20),
        "]".repeat(20)
    );
    insta::assert_snapshot!(err_with(&deep, &limits));
}

#[test]
fn too_many_nodes() {
    let limits = Limits {
        max_nodes: 100,
        ..Limits::default()
    };
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n{}",
        (0..200).map(|i| format!("  k{i}: v\n")).collect::<String>()
    );
    insta::assert_snapshot!(err_with(&big, &limits));
}

#[test]
fn alias_bomb_fails_fast() {
    let mut bomb =
        String::from("apiVersion: v1\nkind: ConfigMap\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    // Bounded by count, not by time: the read stops at the first event past the replay budget, so at most
    // `max_alias_expansion` nodes were ever cloned (10¹⁰ without the budget).
    let e = err(&bomb);
    let limit = Limits::default().max_alias_expansion;
    assert!(
        e.contains(&format!("total_replayed_events={} > {limit}", limit + 1)),
        "{e}"
    );
    insta::assert_snapshot!(e);
}

#[test]
fn too_many_aliases() {
    let limits = Limits {
        max_aliases: 3,
        ..Limits::default()
    };
    let input = "apiVersion: v1\nkind: ConfigMap\nx: &x a\ndata: {a: *x, b: *x, c: *x, d: *x}\n";
    insta::assert_snapshot!(err_with(input, &limits));
}

#[test]
fn json_errors_have_positions_too() {
    insta::assert_snapshot!(err(
        r#"{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": 1}}"#
    ));
}
