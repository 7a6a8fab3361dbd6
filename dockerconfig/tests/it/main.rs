//! dockerconfig's integration tests: one binary, one module per subject, shared helpers in [`common`].

mod cases;
mod common;
mod errors;
mod lookup;
mod merge;
mod properties;
mod secrets;
