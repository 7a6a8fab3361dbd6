//! The one integration-test binary of icsp: one module per area. The fixtures are under `tests/data`.

mod emit;
mod errors;
mod fast_paths;
mod golden_inputs;
mod migrate;
mod read_memory;
mod roundtrip;
mod stack_depth;
mod streams;
mod strict;
mod validate;
