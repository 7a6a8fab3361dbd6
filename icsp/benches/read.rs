//! Reading benchmarks: 1k, 10k and 100k mirror sources of a realistic shape, as YAML and JSON, packed as many
//! documents (one ImageDigestMirrorSet per 91 sources, as `oc get` of a large mirrored cluster prints them) or as one
//! `kind: List`.

use icsp::{Limits, read_objects};

fn main() {
    divan::main();
}

/// Sources per object: 100 000 sources in ≈1 100 documents, as measured on the largest clusters in issue 13.
const SOURCES_PER_OBJECT: usize = 91;

fn source(i: usize) -> (String, [String; 2]) {
    let source = format!("registry-{}.example.com/team-{}/app-{i}", i % 97, i % 13);
    let mirrors = [
        format!("mirror.internal.example.com:5000/team-{}/app-{i}", i % 13),
        format!("backup.internal.example.com/app-{i}"),
    ];
    (source, mirrors)
}

/// `n` sources as YAML documents, or as one List when `list` is set.
fn yaml(n: usize, list: bool) -> String {
    let mut out = String::new();
    if list {
        out.push_str("apiVersion: v1\nkind: List\nitems:\n");
    }
    let indent = if list { "  " } else { "" };
    for (object, start) in (0..n).step_by(SOURCES_PER_OBJECT).enumerate() {
        if list {
            out.push_str("- apiVersion: config.openshift.io/v1\n");
        } else {
            out.push_str("---\napiVersion: config.openshift.io/v1\n");
        }
        out.push_str(&format!(
            "{indent}kind: ImageDigestMirrorSet\n{indent}metadata:\n{indent}  name: mirrors-{object}\n{indent}spec:\n{indent}  imageDigestMirrors:\n"
        ));
        for i in start..n.min(start + SOURCES_PER_OBJECT) {
            let (s, [m0, m1]) = source(i);
            out.push_str(&format!(
                "{indent}  - source: {s}\n{indent}    mirrors:\n{indent}    - {m0}\n{indent}    - {m1}\n"
            ));
        }
    }
    out
}

/// `n` sources as JSON: `oc get -o json` prints one List; several objects are JSON documents separated by `---`.
fn json(n: usize, list: bool) -> String {
    let mut objects = Vec::new();
    for (object, start) in (0..n).step_by(SOURCES_PER_OBJECT).enumerate() {
        let entries: Vec<String> = (start..n.min(start + SOURCES_PER_OBJECT))
            .map(|i| {
                let (s, [m0, m1]) = source(i);
                format!(
                    "{{\n                \"mirrors\": [\n                    \"{m0}\",\n                    \"{m1}\"\n                ],\n                \"source\": \"{s}\"\n            }}"
                )
            })
            .collect();
        objects.push(format!(
            "{{\n    \"apiVersion\": \"config.openshift.io/v1\",\n    \"kind\": \"ImageDigestMirrorSet\",\n    \"metadata\": {{\n        \"name\": \"mirrors-{object}\"\n    }},\n    \"spec\": {{\n        \"imageDigestMirrors\": [\n            {}\n        ]\n    }}\n}}",
            entries.join(",\n            ")
        ));
    }
    if list {
        format!(
            "{{\n\"apiVersion\": \"v1\",\n\"items\": [\n{}\n],\n\"kind\": \"List\"\n}}\n",
            objects.join(",\n")
        )
    } else {
        objects.join("\n---\n")
    }
}

fn read(bencher: divan::Bencher, text: String) {
    let limits = Limits {
        max_bytes: 64 << 20,
        max_documents: 16384,
        max_nodes: 10_000_000,
        ..Limits::default()
    };
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| read_objects("bench", text.as_bytes(), &limits).expect("the input reads"));
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5, sample_size = 1)]
fn yaml_documents(bencher: divan::Bencher, n: usize) {
    read(bencher, yaml(n, false));
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5, sample_size = 1)]
fn yaml_list(bencher: divan::Bencher, n: usize) {
    read(bencher, yaml(n, true));
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5, sample_size = 1)]
fn json_documents(bencher: divan::Bencher, n: usize) {
    read(bencher, json(n, false));
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5, sample_size = 1)]
fn json_list(bencher: divan::Bencher, n: usize) {
    read(bencher, json(n, true));
}

/// The floor under the YAML reader: the YAML parser's events alone, nothing built.
#[divan::bench(args = [100_000], sample_count = 3, sample_size = 1)]
fn floor_yaml_parser_events(bencher: divan::Bencher, n: usize) {
    let text = yaml(n, false);
    bencher.bench(|| {
        let mut count = 0usize;
        for ev in serde_saphyr::granit_parser::Parser::new_from_str(&text) {
            ev.unwrap();
            count += 1;
        }
        count
    });
}

/// The floor under a JSON reader: serde_json into its `Value`.
#[divan::bench(args = [100_000], sample_count = 3, sample_size = 1)]
fn floor_serde_json_value(bencher: divan::Bencher, n: usize) {
    let text = json(n, true);
    bencher.bench(|| serde_json::from_str::<serde_json::Value>(&text).unwrap());
}
