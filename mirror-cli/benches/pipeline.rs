//! The phases of `render` and `verify` after the files are read, at 1k, 10k and 100k mirrored sources (the shape of
//! `bench/gen.py`, 100 sources per ImageDigestMirrorSet document): reading the objects (`Cluster::read`), the whole
//! plan (`node::plan`: rules, payload check, registries.conf, policy.json), the registries.conf render alone, the
//! containers/image reader on the rendered file (what render's check no longer runs for plain rules), and verify's
//! comparison of a node root holding the rendered files.
//!
//! `cargo bench -p mirror-cli --bench pipeline`; the whole commands are timed by `bench/run`.

use mirror_cli::cluster::{Cluster, Input};
use mirror_cli::node::{RenderOptions, mirror_rules, paths, plan};

#[path = "../tests/it/pipeline_input.rs"]
mod pipeline_input;
use pipeline_input::{Packing, idms_yaml};

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn input(n: usize) -> Vec<Input> {
    vec![Input {
        name: "idms.yaml".into(),
        bytes: idms_yaml(n, Packing::Documents { per_object: 100 }).into_bytes(),
    }]
}

fn cluster(n: usize) -> Cluster {
    Cluster::read(&input(n), &icsp::Limits::default()).expect("reads")
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn read(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| input(n))
        .bench_local_refs(|inputs| Cluster::read(inputs, &icsp::Limits::default()).expect("reads"));
}

/// The same objects as one `kind: List` (what `oc get idms -o yaml` prints).
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn read_list(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| {
            vec![Input {
                name: "idms-list.yaml".into(),
                bytes: idms_yaml(n, Packing::List { per_object: 100 }).into_bytes(),
            }]
        })
        .bench_local_refs(|inputs| Cluster::read(inputs, &icsp::Limits::default()).expect("reads"));
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn plan_node(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| cluster(n))
        .bench_local_refs(|cluster| plan(cluster, &RenderOptions::default()).expect("plans"));
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn render_registries_conf(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| mirror_rules(&cluster(n)))
        .bench_local_refs(|rules| {
            registries_conf::render(rules, registries_conf::Layout::Current).expect("renders")
        });
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn reread_rendered(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| {
            let rules = mirror_rules(&cluster(n));
            registries_conf::render(&rules, registries_conf::Layout::Current)
                .expect("renders")
                .registries_conf
        })
        .bench_local_refs(|text| {
            registries_conf::parse(paths::REGISTRIES_CONF, text.as_bytes())
                .and_then(|parsed| registries_conf::validate(&parsed))
                .expect("loads")
        });
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn verify_compare(bencher: divan::Bencher, n: usize) {
    let node = plan(&cluster(n), &RenderOptions::default()).expect("plans");
    let root = tempfile::tempdir().expect("temp dir");
    mirror_cli::writer::write_all(root.path(), &node.files).expect("writes");
    bencher.bench_local(|| {
        mirror_cli::commands::verify::verify(root.path(), &node).expect("verifies")
    });
}
