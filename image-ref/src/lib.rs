//! Container image references and registries.conf scopes: the base every other crate of this workspace shares.
//!
//! - [`Reference`] parses image references with the docker/distribution grammar and its normalisation (the rules
//!   containers/image, CRI-O, podman and skopeo follow), and prints them back in full or short ("familiar") form.
//! - [`scope`] handles registries.conf scopes (`host[:port][/path]`, `*.domain`) and OpenShift's nesting rule.
//!
//! ```
//! use image_ref::Reference;
//!
//! let r = Reference::parse_normalized("ubuntu:22.04").unwrap();
//! assert_eq!(r.to_string(), "docker.io/library/ubuntu:22.04");
//! assert_eq!(r.familiar(), "ubuntu:22.04");
//! assert!(image_ref::scope::is_nested("quay.io/ns/repo", "quay.io/ns"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod grammar;
mod reference;
pub mod scope;

pub use error::Error;
pub use reference::{
    DEFAULT_DOMAIN, DEFAULT_TAG, LEGACY_DEFAULT_DOMAIN, NAME_TOTAL_LENGTH_MAX,
    OFFICIAL_REPO_PREFIX, Reference, is_valid_tag,
};
