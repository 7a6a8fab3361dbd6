//! containers-registries.conf(5) version 2: render from mirror rules, parse, validate, edit and resolve.
//!
//! This crate knows nothing of Kubernetes: its inputs are plain mirror rules and files.

#![forbid(unsafe_code)]

pub mod error;
pub mod model;
pub mod parse;
pub mod resolve;
pub mod validate;

pub use error::Error;
pub use model::{Mirror, PullFromMirror, RegistriesConf, Registry};
