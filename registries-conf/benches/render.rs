//! Rendering benchmarks: registries.conf from 1k, 10k and 100k mirror sources of a realistic shape.

use registries_conf::{Layout, render};

fn main() {
    divan::main();
}

#[path = "../tests/it/common.rs"]
mod common;
use common::realistic_rules;

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 10, sample_size = 1)]
fn render_sources(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| realistic_rules(n))
        .bench_local_refs(|rules| {
            let rendered = render(rules, Layout::Current).expect("renders");
            divan::black_box(rendered.registries_conf.len())
        });
}
