//! Loading a registries.conf: the fast reader `parse` uses for what rendering writes, the lossless (toml_edit) reader
//! it hands everything else to, and validation, on the file rendering writes for 1k, 10k and 100k realistic
//! sources (`tests/it/common.rs`, the render bench's shape; 100k sources is a 33 MB file of 102 001 entries).

use divan::{Bencher, black_box, counter::BytesCount};
use registries_conf::{Layout, parse, parse_lossless, render, validate};

fn main() {
    divan::main();
}

#[path = "../tests/it/common.rs"]
mod common;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn rendered(n: usize) -> String {
    render(&common::realistic_rules(n), Layout::Current)
        .expect("renders")
        .registries_conf
}

const PATH: &str = "/etc/containers/registries.conf";

/// Times `load` on the file rendered for `n` sources, counting the file's bytes.
fn bench_loading(bencher: Bencher, n: usize, load: impl Fn(&[u8]) -> bool) {
    let text = rendered(n);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench_local(|| load(text.as_bytes()));
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn parse_fast(bencher: Bencher, n: usize) {
    bench_loading(bencher, n, |text| black_box(parse(PATH, text)).is_ok());
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn parse_toml_edit(bencher: Bencher, n: usize) {
    bench_loading(bencher, n, |text| {
        black_box(parse_lossless(PATH, text, false)).is_ok()
    });
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn validate_parsed(bencher: Bencher, n: usize) {
    let text = rendered(n);
    let parsed = parse(PATH, text.as_bytes()).expect("parses");
    bencher.bench_local(|| black_box(validate(&parsed)).is_ok());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn parse_and_validate(bencher: Bencher, n: usize) {
    bench_loading(bencher, n, |text| {
        let parsed = parse(PATH, text).expect("parses");
        black_box(validate(&parsed)).is_ok()
    });
}
