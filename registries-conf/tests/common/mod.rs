//! Helpers shared by tests and benchmarks.

pub mod realistic;
