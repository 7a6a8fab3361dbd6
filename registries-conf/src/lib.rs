//! containers-registries.conf(5) version 2: render from mirror rules, parse, validate, edit and resolve.
//!
//! This crate knows nothing of Kubernetes: its inputs are plain mirror rules and files.

#![forbid(unsafe_code)]

pub mod dropin;
pub mod edit;
pub mod encode;
pub mod error;
mod meaning;
pub mod model;
pub mod parse;
pub mod render;
mod render_merge;
pub mod render_payload;
pub mod resolve;
pub mod rules;
mod scope_index;
pub mod validate;

pub use encode::{Layout, encode};
pub use error::{Error, ErrorKind};
pub use meaning::{Difference, Meaning, MirrorMeaning, ScopeMeaning};
pub use model::{Mirror, MirrorUsage, PullFromMirror, RegistriesConf, Registry};
pub use render::{RenderWarning, Rendered, render, render_model};
pub use render_payload::{PayloadCheck, PayloadWarning, check_blocked_registries};
pub use rules::{MirrorRules, MirrorSet, SourcePolicy};
