//! trust-bundle's integration tests: one binary, one module per subject, shared helpers in [`common`].

mod bounds;
mod check;
mod common;
mod configmap;
mod content;
mod naming;
mod validity;
