//! image-ref's integration tests: one binary, one module per subject.

mod distribution_tables;
mod error_messages;
mod properties;
