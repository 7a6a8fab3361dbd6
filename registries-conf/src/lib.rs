//! containers-registries.conf(5) version 2: render from mirror rules, parse, validate, edit and resolve.
//!
//! This crate knows nothing of Kubernetes: its inputs are plain mirror rules and files.

#![forbid(unsafe_code)]

pub mod dropin;
pub mod edit;
pub mod encode;
pub mod error;
pub mod model;
pub mod parse;
pub mod render;
mod render_merge;
pub mod render_payload;
mod render_scope;
pub mod resolve;
pub mod rules;
pub mod validate;

pub use encode::{Layout, encode};
pub use error::Error;
pub use model::{Mirror, PullFromMirror, RegistriesConf, Registry};
pub use render::{Rendered, render, render_model};
pub use render_payload::{PayloadCheck, check_blocked_registries};
pub use rules::{MirrorRules, MirrorSet, SourcePolicy};
