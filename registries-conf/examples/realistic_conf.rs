//! Writes the registries.conf that rendering gives for N realistic mirror sources (the benches' shape) to stdout:
//! `cargo run --release -p registries-conf --example realistic_conf -- 100000 > registries.conf`, the input of the
//! whole-process load figures in the README.

#[path = "../tests/it/common.rs"]
mod common;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let rendered = registries_conf::render(
        &common::realistic_rules(n),
        registries_conf::Layout::Current,
    )
    .expect("the realistic rules render");
    print!("{}", rendered.registries_conf);
}
