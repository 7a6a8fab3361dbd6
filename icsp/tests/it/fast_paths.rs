//! The block-YAML fast path reads what the complete reader reads, or steps aside: the same objects, warnings,
//! counts and lines, or the same error, for every strictness; and what kubectl and oc print takes it.

use icsp::*;
use proptest::prelude::*;

/// Under every strictness, the reader (fast path first) gives what the complete reader gives.
fn readers_agree(text: &str) -> Result<(), TestCaseError> {
    for strictness in [Strictness::Strict, Strictness::Warn, Strictness::Ignore] {
        let options = ReadOptions {
            strictness,
            ..ReadOptions::default()
        };
        let read = |reader: fn(&str, &[u8], &ReadOptions) -> Result<Stream, Error>| {
            reader("in.yaml", text.as_bytes(), &options).map_err(|e| e.to_string())
        };
        prop_assert_eq!(
            read(read_stream),
            read(read_stream_complete),
            "{:?}\n{}",
            strictness,
            text
        );
    }
    Ok(())
}

fn takes_fast_path(text: &str) -> bool {
    read_stream_fast("in.yaml", text.as_bytes(), &ReadOptions::default()).is_some()
}

const KUBECTL_IDMS: &str = "\
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {\"apiVersion\":\"config.openshift.io/v1\",\"kind\":\"ImageDigestMirrorSet\"}
  creationTimestamp: \"2026-11-30T10:00:00Z\"
  generation: 1
  labels: {}
  name: mirror-0
  resourceVersion: \"4242\"
  uid: 0f3c9b1e-1111-2222-3333-444455556666
spec:
  imageDigestMirrors:
  - mirrors:
    - mirror.example.com:5000/ocp/release
    - 'mirror-2.example.com:5000/ocp/release'
    mirrorSourcePolicy: NeverContactSource
    source: quay.io/openshift-release-dev/ocp-release
  - mirrors:
    - \"mirror.example.com:5000/ocp/art\"
    source: quay.io/openshift-release-dev/ocp-v4.0-art-dev # the payload's images
status: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: registry-config
  namespace: openshift-config
data:
  mirror.example.com..5000: |
    -----BEGIN CERTIFICATE-----
    MIIBtDCCAVmgAwIBAgIUWyLi

    -----END CERTIFICATE-----
  note: |-
    kept
    without the last line break
";

#[test]
fn what_kubectl_prints_takes_the_fast_path_and_reads_as_the_complete_reader() {
    assert!(takes_fast_path(KUBECTL_IDMS));
    readers_agree(KUBECTL_IDMS).unwrap();
    let stream = read_stream("in.yaml", KUBECTL_IDMS.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(stream.documents, 2);
    assert_eq!(stream.objects.len(), 2);
    assert_eq!(stream.objects[1].line, 25);
}

#[test]
fn both_styles_this_crate_writes_take_the_fast_path() {
    let idms = read_objects("in.yaml", KUBECTL_IDMS.as_bytes(), &Limits::default()).unwrap();
    let objects: Vec<Object> = idms.into_iter().map(|l| l.value).collect();
    for style in [YamlStyle::GoYamlV3, YamlStyle::SigsYaml] {
        let yaml = to_yaml_stream(&objects, style);
        assert!(takes_fast_path(&yaml), "{style:?}\n{yaml}");
        readers_agree(&yaml).unwrap();
    }
}

/// Which reader a case is for: the fast path, or the complete one alone.
#[derive(PartialEq, Debug)]
enum Path {
    Fast,
    Complete,
}

/// Inputs the fast path must step aside for, or read exactly as the complete reader does: each is one named case
/// so one mismatch does not hide the others.
macro_rules! same_as_complete_cases {
    ($($name:ident ($path:ident): $text:expr,)*) => {$(
        #[test]
        fn $name() {
            let text = format!(
                "apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nmetadata:\n  name: a\n{}",
                $text
            );
            readers_agree(&text).unwrap();
            assert_eq!(takes_fast_path(&text), Path::$path == Path::Fast, "{text}");
        }
    )*};
}

same_as_complete_cases! {
    plain_spec (Complete): "spec:\n  imageTagMirrors:\n  - source: a.io/b\n    mirrors: [m.io/b]\n",
    indented_sequence (Fast): "spec:\n  imageTagMirrors:\n    - source: a.io/b\n      mirrors:\n        - m.io/b\n",
    anchors_and_aliases (Complete): "spec: &s\n  imageTagMirrors: []\nstatus: *s\n",
    merge_key (Complete): "x: &a {b: 1}\nspec:\n  <<: *a\n",
    tag (Complete): "spec: !!map\n  imageTagMirrors: []\n",
    multi_line_plain (Complete): "spec:\n  imageTagMirrors:\n  - source: a.io/b\n    mirrors:\n    - m.io/b\n      c\n",
    multi_line_quoted (Complete): "spec:\n  imageTagMirrors:\n  - source: \"a.io/b\n      c\"\n",
    duplicate_key (Complete): "spec: {}\nspec: {}\n",
    yaml11_key (Complete): "spec:\n  y: 1\n",
    numeric_key (Complete): "spec:\n  1: a\n",
    unknown_field (Complete): "spec:\n  imageTagMirror: []\n",
    wrong_type (Complete): "spec:\n  imageTagMirrors: yes\n",
    tab (Complete): "spec:\n\timageTagMirrors: []\n",
    carriage_return (Complete): "spec:\r\n  imageTagMirrors: []\r\n",
    folded (Complete): "spec:\n  imageTagMirrors:\n  - source: >\n      a.io/b\n",
    kept_block (Complete): "metadata2: |+\n  a\n\n",
    block_at_the_end_without_a_line_break (Complete): "status:\n  a: |\n    text",
    block_with_indented_blank_lines (Complete): "status:\n  a: |\n    one\n      \n    two\n",
    block_with_leading_blank_lines (Fast): "status:\n  a: |\n\n    one\n",
    block_less_indented_line (Complete): "status:\n  a: |\n      one\n    two\n",
    empty_block (Fast): "status:\n  a: |\nspec: {}\n",
    escapes (Fast): "  annotations:\n    a: \"tab\\there \\u00e9 \\\" \\\\ \\/\"\n    b: 'it''s'\n",
    escapes_beyond_json (Complete): "  annotations:\n    b: \"\\x41 \\e\"\n",
    literal_annotation (Fast): "  annotations:\n    a: |\n      {\"k\": 1}\n\n      # not a comment\n    b: |-\n      x\n",
    single_quotes (Fast): "status:\n  a: 'it''s'\n  'b c': ''\n",
    comment_everywhere (Fast): "# head\nspec: # here\n  # inside\n  imageTagMirrors: [] # after\n",
    document_marker_with_content (Complete): "--- a\n",
    document_end_marker (Complete): "spec: {}\n...\n",
    directive (Complete): "%YAML 1.1\n---\nspec: {}\n",
    empty_documents (Fast): "---\n---\n# only a comment\n---\n",
    scalar_document (Complete): "---\njust text\n",
    sequence_document (Complete): "---\n- a\n- b\n",
    less_indented_value (Complete): "spec:\n  imageTagMirrors:\n  - source: a.io/b\n   mirrors: []\n",
    key_with_space_before_colon (Complete): "spec :\n  imageTagMirrors: []\n",
    colon_in_value (Complete): "status:\n  a: b: c\n",
    colon_at_the_end (Complete): "status:\n  a: b:\n",
    hash_without_space (Fast): "status:\n  a: b#c\n  d: '#e'\n",
    flow_sequence (Complete): "status:\n  a: [b, c]\n",
    flow_mapping (Complete): "status:\n  a: {b: c}\n",
    compact_nested_sequence (Fast): "status:\n  a:\n  - - b\n    - c\n  - -\n",
    empty_entries (Fast): "status:\n  a:\n  -\n  - b\n  b:\n",
    indented_root (Complete): "  status: {}\n",
    non_printable (Complete): "status:\n  a: \"\u{85}\"\n",
    byte_order_mark (Complete): "\u{feff}status: {}\n",
    quoted_key_without_space (Complete): "status:\n  \"a\":b\n",
    long_key (Complete): &format!("status:\n  {}: 1\n", "k".repeat(1100)),
    question_key (Complete): "status:\n  ? a\n  : b\n",
    bool_and_null_values (Complete): "  annotations:\n    a: yes\nstatus:\n  a: yes\n  b: ~\n  c: 0777\n  d: 1_000\n  e: .inf\n",
    trailing_spaces (Fast): "status:  \n  a: b   \n  c: 'd'  \n",
}

/// JSON roots with `items`, which the JSON fast path reads item by item before it knows the root's kind: what
/// it reads is what the complete reader reads, whatever the root turns out to be.
macro_rules! json_items_cases {
    ($($name:ident ($path:ident): $text:expr,)*) => {$(
        #[test]
        fn $name() {
            let text = $text.replace("IDMS", IDMS_JSON);
            readers_agree(&text).unwrap();
            assert_eq!(takes_fast_path(&text), Path::$path == Path::Fast, "{text}");
        }
    )*};
}

const IDMS_JSON: &str = r#"{"apiVersion": "config.openshift.io/v1", "kind": "ImageDigestMirrorSet",
    "metadata": {"name": "a"},
    "spec": {"imageDigestMirrors": [{"source": "quay.io/a", "mirrors": ["m.io/a"]}]}}"#;

json_items_cases! {
    json_list_kind_after_items (Fast): r#"{"apiVersion": "v1", "items": [IDMS], "kind": "List", "metadata": {"resourceVersion": ""}}"#,
    json_list_same_object_twice (Complete): r#"{"apiVersion": "v1", "items": [IDMS, IDMS], "kind": "List"}"#,
    json_list_kind_first (Fast): r#"{"apiVersion": "v1", "kind": "List", "items": [IDMS]}"#,
    json_typed_list (Fast): r#"{"apiVersion": "config.openshift.io/v1", "items": [IDMS], "kind": "ImageDigestMirrorSetList"}"#,
    json_empty_list (Fast): r#"{"apiVersion": "v1", "items": [], "kind": "List"}"#,
    json_object_with_items_field (Complete): r#"{"apiVersion": "config.openshift.io/v1", "items": [IDMS], "kind": "ImageDigestMirrorSet", "metadata": {"name": "b"}, "spec": {}}"#,
    json_list_unknown_field_after_items (Complete): r#"{"apiVersion": "v1", "items": [IDMS], "kind": "List", "extra": 1}"#,
    json_list_duplicate_items (Complete): r#"{"apiVersion": "v1", "items": [IDMS], "items": [IDMS], "kind": "List"}"#,
    json_list_bad_item (Complete): r#"{"apiVersion": "v1", "items": [IDMS, {"kind": "ImageDigestMirrorSet"}], "kind": "List"}"#,
    json_list_inside_list (Complete): r#"{"apiVersion": "v1", "items": [{"apiVersion": "v1", "kind": "List", "items": [IDMS]}], "kind": "List"}"#,
    json_nested_items_not_streamed (Complete): r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "items": [IDMS]}}"#,
    json_list_without_kind (Complete): r#"{"apiVersion": "v1", "items": [IDMS]}"#,
}

/// A small grammar of block YAML over the shapes the fast path reads and the ones it must refuse.
fn yamlish_line() -> impl Strategy<Value = String> {
    (
        0usize..4,
        prop_oneof![
            Just("- ".to_owned()),
            Just("-".to_owned()),
            Just(String::new()),
            Just("- - ".to_owned()),
        ],
        prop_oneof![
            "[a-z]{1,3}: ",
            "[a-z]{1,3}:",
            Just("'k': ".to_owned()),
            Just("\"k\": ".to_owned()),
            Just(String::new()),
        ],
        prop_oneof![
            "[a-z0-9.:/ #'\"-]{0,8}",
            Just("|".to_owned()),
            Just("|-".to_owned()),
            Just("[]".to_owned()),
            Just("{}".to_owned()),
            Just("'a''b'".to_owned()),
            Just("\"a\\nb\"".to_owned()),
            Just("yes".to_owned()),
            Just("# c".to_owned()),
            Just("---".to_owned()),
        ],
    )
        .prop_map(|(indent, entry, key, value)| {
            format!("{}{entry}{key}{value}", "  ".repeat(indent))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn block_fast_path_reads_yamlish_text_as_the_complete_reader(
        lines in prop::collection::vec(yamlish_line(), 0..10),
    ) {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n{}\n",
            lines.join("\n")
        );
        readers_agree(&text)?;
        readers_agree(&lines.join("\n"))?;
    }

    #[test]
    fn block_fast_path_reads_any_short_text_as_the_complete_reader(
        text in "[-:{}\\[\\],&*!|>'\"%@#? \na-c0-1.~\\\\]{0,80}",
    ) {
        readers_agree(&text)?;
    }
}
