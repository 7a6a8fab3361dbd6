//! `mirror-cli`: argument parsing only; the work is in the library half.
fn main() {}
