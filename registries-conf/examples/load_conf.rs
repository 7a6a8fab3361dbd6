//! Loads and validates one registries.conf as `resolve --registries-conf FILE` does (read, parse, validate), as a
//! whole process: `/usr/bin/time -v target/release/examples/load_conf FILE`. Prints the entries and warnings.

fn main() {
    let path = std::env::args().nth(1).expect("usage: load_conf FILE");
    let bytes = std::fs::read(&path).expect("readable");
    let parsed = registries_conf::parse(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let config = registries_conf::validate(&parsed).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{} entries, {} warnings",
        config.registries.len(),
        parsed.warnings.len()
    );
}
