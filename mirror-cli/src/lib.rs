//! The cluster semantics behind `mirror-cli`: which OpenShift object feeds which node file, the payload check, and
//! the plans behind `render`, `verify` and `resolve`. `main.rs` only parses arguments and calls in here.

#![forbid(unsafe_code)]

pub mod cluster;
pub mod commands;
mod error;
pub mod explain;
mod input;
pub mod machine_config;
pub mod mapping;
pub mod node;
mod output;
pub mod pull_secret;
pub mod text_diff;
mod warning;
pub mod writer;

pub use error::{Error, NotAPullSecret};
pub use warning::Warning;
