//! Benchmarks for rendering and resolving.
fn main() {
    divan::main();
}
