//! What a stream gave (counts, kinds, whether anything shapes node files), the rules across objects, object size,
//! and the bounds: the largest realistic input times ten reads with the default budgets.

use icsp::{
    CONFIG_V1, CORE_V1, IssueKind, Limits, Located, OPERATOR_V1ALPHA1, Object, ReadOptions,
    Strictness, Summary, cross_object_issues, no_mirror_object, read_objects, read_stream,
    shapes_node_files,
};

fn stream(input: &str) -> icsp::Stream {
    read_stream("in.yaml", input.as_bytes(), &ReadOptions::default()).unwrap()
}

/// One document per `(apiVersion, kind, metadata)`, the metadata in flow style, with `---` between them.
fn documents(objects: &[(&str, &str, &str)]) -> String {
    objects
        .iter()
        .map(|(api_version, kind, metadata)| {
            format!("apiVersion: {api_version}\nkind: {kind}\nmetadata: {metadata}\n")
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

#[test]
fn nothing_read_is_told_apart_from_objects_that_shape_nothing() {
    let empty = stream("");
    assert_eq!((empty.documents, empty.objects.len()), (0, 0));
    assert_eq!(empty.summary().to_string(), "no objects passed");
    let comments = stream("# only a comment\n---\n---\n...\n");
    assert_eq!((comments.documents, comments.objects.len()), (0, 0));
    assert_eq!(comments.summary().to_string(), "no objects passed");
    let empty_list = stream("apiVersion: v1\nkind: List\nitems: []\n");
    assert_eq!((empty_list.documents, empty_list.objects.len()), (1, 0));
    assert_eq!(empty_list.summary().to_string(), "no objects passed");

    let pod = stream("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
    let summary = pod.summary();
    assert_eq!(
        (summary.documents, summary.objects, summary.shaping),
        (1, 1, 0)
    );
    assert_eq!(summary.kinds.get("Pod"), Some(&1));
    assert_eq!(
        summary.to_string(),
        "read 1 object: Pod/p; none shapes node files"
    );

    let many: String = (0..7)
        .map(|i| format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\n"))
        .collect();
    insta::assert_snapshot!(stream(&many).summary().to_string());
}

#[test]
fn which_objects_shape_node_files() {
    let input = &documents(&[
        (CONFIG_V1, "Image", "{name: cluster}"),
        (CONFIG_V1, "Image", "{name: other}"),
        (
            CORE_V1,
            "Secret",
            "{name: pull-secret, namespace: openshift-config}",
        ),
        (CORE_V1, "Secret", "{name: pull-secret, namespace: default}"),
        (
            CORE_V1,
            "ConfigMap",
            "{name: registry-cas, namespace: openshift-config}",
        ),
        (CONFIG_V1, "ClusterVersion", "{name: version}"),
        (CONFIG_V1, "ImageTagMirrorSet", "{name: t}"),
    ]);
    let shaping: Vec<bool> = stream(input)
        .objects
        .iter()
        .map(|o| shapes_node_files(&o.value))
        .collect();
    assert_eq!(shaping, [true, false, true, false, true, true, true]);
    let summary = stream(input).summary();
    assert_eq!(summary.shaping, 5);
    assert_eq!(
        summary.to_string(),
        "read 7 objects: Image/cluster, Image/other, Secret/pull-secret, Secret/pull-secret, ConfigMap/registry-cas and 2 more"
    );
}

#[test]
fn no_mirror_object_is_a_finding() {
    let objects =
        stream("apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\n")
            .objects;
    let issue = no_mirror_object(&objects, "in.yaml").expect("no mirror object");
    assert_eq!(issue.kind, IssueKind::NoMirrorObject);
    insta::assert_snapshot!(issue.to_string());
    let none = no_mirror_object(&[], "-").unwrap();
    assert!(none.message.contains("no objects passed"), "{none}");
    let with = stream(
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: d}\n",
    )
    .objects;
    assert_eq!(no_mirror_object(&with, "in.yaml"), None);
}

fn idms(name: &str, sources: usize) -> String {
    let mut out = format!(
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {{name: {name}}}\nspec:\n  imageDigestMirrors:\n"
    );
    for i in 0..sources {
        out.push_str(&format!(
            "  - source: registry-{}.example.com/team/app-{i}\n    mirrors:\n    - mirror.internal.example.com:5000/team/app-{i}\n",
            i % 97
        ));
    }
    out
}

#[test]
fn objects_too_large_for_client_side_apply() {
    // The annotation limit is checked against the object's JSON, which read_stream measures exactly.
    let small = stream(&idms("small", 100));
    assert!(small.warnings.is_empty(), "{:?}", small.warnings);
    let size = small.objects[0].value.json_size().unwrap();
    let json = serde_json::to_string(&small.objects[0].value.to_value().unwrap()).unwrap();
    assert_eq!(size, json.len());

    let big = stream(&idms("big", 3000));
    assert_eq!(big.warnings.len(), 1, "{:?}", big.warnings);
    assert_eq!(big.warnings[0].kind, IssueKind::ObjectTooLarge);
    insta::assert_snapshot!(big.warnings[0].to_string());
    // The advice holds: that many sources fit.
    let fit: usize = big.warnings[0]
        .message
        .split("at most ")
        .nth(2)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a number of sources");
    let fitting = stream(&idms("fits", fit));
    assert!(
        fitting.warnings.is_empty(),
        "{fit} sources: {:?}",
        fitting.warnings
    );
}

#[test]
fn icsp_beside_idms_is_a_warning_in_the_admission_plugins_words() {
    let read = stream(&documents(&[
        (OPERATOR_V1ALPHA1, "ImageContentSourcePolicy", "{name: old}"),
        (CONFIG_V1, "ImageDigestMirrorSet", "{name: new}"),
    ]));
    assert_eq!(read.objects.len(), 2);
    assert_eq!(read.warnings.len(), 1);
    assert_eq!(read.warnings[0].kind, IssueKind::IcspBesideMirrorSets);
    insta::assert_snapshot!(read.warnings[0].to_string());
}

#[test]
fn rules_across_streams() {
    let a = read_objects("a.yaml", idms("same", 1).as_bytes(), &Limits::default()).unwrap();
    let b = read_objects("b.yaml", idms("same", 2).as_bytes(), &Limits::default()).unwrap();
    let c = read_objects(
        "c.yaml",
        b"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata: {name: i}\n",
        &Limits::default(),
    )
    .unwrap();
    let all: Vec<Located<Object>> = a.into_iter().chain(b).chain(c).collect();
    let issues = cross_object_issues(&all);
    let kinds: Vec<IssueKind> = issues.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [IssueKind::DuplicateObject, IssueKind::IcspBesideMirrorSets]
    );
    insta::assert_snapshot!(issues[0].to_string());
    assert_eq!(Summary::of(&all).objects, 3);
}

/// 100 000 sources, the largest realistic input (10 000) times ten, in ≈1 100 documents of 91 sources.
fn hundred_thousand_sources(list: bool) -> String {
    let mut out = String::with_capacity(16 << 20);
    if list {
        out.push_str("apiVersion: v1\nkind: List\nitems:\n");
    }
    for (object, start) in (0..100_000).step_by(91).enumerate() {
        let body = idms(&format!("mirrors-{object}"), 91.min(100_000 - start));
        if list {
            for (i, line) in body.lines().enumerate() {
                out.push_str(if i == 0 { "- " } else { "  " });
                out.push_str(line);
                out.push('\n');
            }
        } else {
            out.push_str("---\n");
            out.push_str(&body);
        }
    }
    out
}

#[test]
fn the_largest_realistic_input_times_ten_reads_with_the_default_budgets() {
    for list in [false, true] {
        let input = hundred_thousand_sources(list);
        let read = read_stream("big.yaml", input.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(read.mirror_entries(), 100_000);
        assert_eq!(read.objects.len(), 1099);
        assert!(read.warnings.is_empty());
    }
}

#[test]
fn strictness_does_not_change_what_is_read_from_valid_input() {
    let input = idms("d", 3);
    let strict = read_stream("in.yaml", input.as_bytes(), &ReadOptions::default()).unwrap();
    for strictness in [Strictness::Warn, Strictness::Ignore] {
        let other = read_stream(
            "in.yaml",
            input.as_bytes(),
            &ReadOptions {
                strictness,
                ..ReadOptions::default()
            },
        )
        .unwrap();
        assert_eq!(other, strict);
    }
}
