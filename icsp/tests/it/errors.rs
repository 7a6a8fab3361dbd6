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

/// One named test per case: the error of reading the input with the default limits, snapshotted under the
/// test's name.
macro_rules! error_cases {
    ($($name:ident: $input:expr,)*) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(err($input));
        }
    )*};
}

error_cases! {
    bad_yaml_has_line_and_column: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: [\n",
    bad_yaml_in_a_later_document_names_the_document: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\ndata: {a: \"unterminated\n",
    wrong_type_names_the_field_path: r#"apiVersion: config.openshift.io/v1
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
"#,
    wrong_type_for_a_list: r#"apiVersion: config.openshift.io/v1
kind: Image
metadata:
  name: cluster
spec:
  registrySources:
    insecureRegistries: quay.io
"#,
    wrong_type_in_a_list_item_names_the_item: r#"apiVersion: v1
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
"#,
    label_values_must_be_strings: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    n: 1\n",
    missing_kind: "apiVersion: v1\nmetadata: {name: x}\n",
    missing_api_version: "kind: ConfigMap\nmetadata: {name: x}\n",
    document_that_is_not_a_mapping: "- a\n- b\n",
    duplicate_keys_are_refused: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: one\n  a: two\n",
    nested_lists_are_refused: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n",
    json_errors_have_positions_too: r#"{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": 1}}"#,
}

#[test]
fn secret_data_must_be_base64_and_the_value_is_not_echoed() {
    let e = err("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: hunter2!\n");
    assert!(!e.contains("hunter2"), "{e}");
    insta::assert_snapshot!(e);
}

/// One named test per case: the error of reading the input with one limit lowered, snapshotted under the test's
/// name.
macro_rules! limit_cases {
    ($($name:ident ($limit:ident = $value:expr): $input:expr,)*) => {$(
        #[test]
        fn $name() {
            let limits = Limits {
                $limit: $value,
                ..Limits::default()
            };
            insta::assert_snapshot!(err_with(&$input, &limits));
        }
    )*};
}

limit_cases! {
    input_too_large_fails_before_parsing (max_bytes = 64): "# padding\n".repeat(10),
    too_many_documents (max_documents = 2):
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n".repeat(3),
    too_deep (max_depth = 8): format!(
        "apiVersion: v1\nkind: ConfigMap\nx: {}{}\n",
        "[".repeat(20),
        "]".repeat(20)
    ),
    too_many_nodes (max_nodes = 100): format!(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n{}",
        (0..200).map(|i| format!("  k{i}: v\n")).collect::<String>()
    ),
    too_many_aliases (max_aliases = 3):
        "apiVersion: v1\nkind: ConfigMap\nx: &x a\ndata: {a: *x, b: *x, c: *x, d: *x}\n",
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
