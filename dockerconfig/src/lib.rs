//! Docker config JSON (pull secrets): lossless parsing, merging and credential lookup, as containers/image
//! (CRI-O, podman, skopeo) reads `auth.json` / `config.json`.
//!
//! - [`DockerConfig::parse`] reads `{"auths": {...}}` files (`config.json`, `auth.json`, a Secret's
//!   `.dockerconfigjson`) and legacy `.dockercfg` files, keeping every field, key spelling, member order and
//!   scalar byte as written; bad input is an [`Error`] with its origin, line and column ([`ErrorKind`] says
//!   what), never a panic.
//! - [`AuthEntry`] decodes `auth` as containers/image does and builds new entries.
//! - [`DockerConfig::merge`] merges files (later wins, entries replaced whole, keys compared after
//!   normalisation) and reports what changed; [`DockerConfig::set`] and [`DockerConfig::remove`] edit one
//!   registry.
//! - [`DockerConfig::lookup`] says which entry containers/image would use for an image, and why.
//! - [`DockerConfig::to_compact`] (Go's `json.Compact` of an unedited file), [`DockerConfig::to_pretty`] and
//!   [`compact`] produce bytes.
//!
//! Secrets never appear in `Debug`, `Display` or errors, and are wiped from memory on drop where this crate
//! holds them. The crate knows no Kubernetes (a Secret's type, key and base64 are the caller's) and does no I/O.
//!
//! ```
//! use dockerconfig::{AuthEntry, DockerConfig, Outcome};
//!
//! let mut config = DockerConfig::parse(br#"{"auths":{"quay.io":{"auth":"dTpw","email":"a@b.c"}}}"#, "pull-secret")?;
//! config.set("mirror.example.com:5000", AuthEntry::from_user_password("mirror", "s3cret")?)?;
//! let lookup = config.lookup("mirror.example.com:5000/ocp/release:4.16")?;
//! assert!(matches!(lookup.outcome, Outcome::Credentials(ref c) if c.username() == "mirror"));
//! assert_eq!(lookup.to_string(), "mirror.example.com:5000/ocp/release: tried mirror.example.com:5000/ocp/release, \
//!     mirror.example.com:5000/ocp, mirror.example.com:5000; matched \"mirror.example.com:5000\" -> mirror:***");
//! # Ok::<(), dockerconfig::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod entry;
mod error;
mod json;
mod lookup;
mod merge;
mod warning;

pub use config::{DockerConfig, Format, Problem, SetOutcome, normalize_key, normalize_registry};
pub use entry::{AuthEntry, Credentials, Decoded, Secret};
pub use error::{Error, ErrorKind, Position};
pub use lookup::{Lookup, MatchKind, Outcome};
pub use merge::{Change, ChangeKind, MergeReport};
pub use warning::Warning;

use zeroize::Zeroizing;

/// The largest input read: 16 MiB. A pull secret is a few KiB; anything near this is a mistake or an attack.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// The deepest nesting of objects and arrays read: 128 levels (a pull secret uses 3; Go allows 10 000).
pub const MAX_DEPTH: usize = 128;

/// Go's `json.Compact`: removes insignificant whitespace and keeps every other byte (escapes such as `\u003c`,
/// number spellings, duplicate keys). Unlike Go, the input must be UTF-8 and within [`MAX_INPUT_BYTES`] and
/// [`MAX_DEPTH`].
///
/// # Errors
/// [`ErrorKind::TooLarge`], [`ErrorKind::InvalidUtf8`], [`ErrorKind::Syntax`], [`ErrorKind::TooDeep`].
pub fn compact(bytes: &[u8], origin: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let node = json::parse(bytes, origin, false)?;
    let mut out = String::new();
    json::write_compact(&node, &mut out);
    Ok(Zeroizing::new(out.into_bytes()))
}
