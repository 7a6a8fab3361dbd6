//! The mirror-source inputs of a realistic shape that the reading benchmarks and `examples/read_stream.rs` both read
//! (one source of truth, so the whole-process figures and the benchmark figures measure the same text).

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
pub fn yaml(n: usize, list: bool) -> String {
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
pub fn json(n: usize, list: bool) -> String {
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
