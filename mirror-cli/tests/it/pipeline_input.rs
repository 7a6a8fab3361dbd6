//! Generated cluster objects for the pipeline benchmarks and the memory test: the shape of `bench/gen.py`'s
//! `idms.yaml` (sources `quay.io/org-<i/50>/repo-<i%50>`, one mirror on one of four hosts, a third with a second),
//! packed either as many ImageDigestMirrorSet documents or as one `kind: List`.

/// How the objects are packed in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// One ImageDigestMirrorSet document per `per_object` sources, `---` between them.
    Documents { per_object: usize },
    /// The same objects as the items of one `kind: List` (what `oc get idms -o yaml` prints).
    List { per_object: usize },
}

fn mirror_host(k: usize) -> String {
    format!("mirror-{}.example.com:5000", k % 4)
}

/// One IDMS object (its lines indented by `indent`, the first without its `- ` when in a list) of sources `range`.
fn idms_object(out: &mut String, name: usize, range: std::ops::Range<usize>, indent: &str) {
    out.push_str("apiVersion: config.openshift.io/v1\n");
    for line in [
        "kind: ImageDigestMirrorSet".to_owned(),
        "metadata:".to_owned(),
        format!("  name: mirror-{name:05}"),
        "spec:".to_owned(),
        "  imageDigestMirrors:".to_owned(),
    ] {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    for i in range {
        let path = format!("org-{}/repo-{}", i / 50, i % 50);
        out.push_str(&format!("{indent}  - mirrors:\n"));
        out.push_str(&format!("{indent}    - {}/{path}\n", mirror_host(i)));
        if i % 3 == 0 {
            out.push_str(&format!("{indent}    - {}/{path}\n", mirror_host(i + 1)));
        }
        out.push_str(&format!("{indent}    source: quay.io/{path}\n"));
    }
}

/// The YAML stream of `n` sources packed as `packing`.
pub fn idms_yaml(n: usize, packing: Packing) -> String {
    let mut out = String::new();
    match packing {
        Packing::Documents { per_object } => {
            for (k, start) in (0..n).step_by(per_object).enumerate() {
                if k > 0 {
                    out.push_str("---\n");
                }
                idms_object(&mut out, k, start..n.min(start + per_object), "");
            }
        }
        Packing::List { per_object } => {
            out.push_str("apiVersion: v1\nitems:\n");
            for (k, start) in (0..n).step_by(per_object).enumerate() {
                out.push_str("- ");
                idms_object(&mut out, k, start..n.min(start + per_object), "  ");
            }
            out.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
        }
    }
    out
}
