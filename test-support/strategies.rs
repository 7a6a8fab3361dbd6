//! Proptest strategies the format crates' tests share: each crate's `tests/it/main.rs` includes this file with
//! `#[path = "../../../test-support/strategies.rs"] mod strategies;`, so the helper is written once without a
//! test-only crate in the graph.

use proptest::prelude::*;

/// One of `words` (a fixed list of hosts, scopes, path parts...), as an owned `String`.
pub fn one_of(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(words).prop_map(str::to_owned)
}
