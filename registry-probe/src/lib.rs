//! placeholder
#![forbid(unsafe_code)]
mod challenge;
mod digest;
mod error;
mod media;
mod options;
mod outcome;
mod source;
mod tls;
mod transport;
pub use digest::{Algorithm, Digest, Hasher};
pub use error::Error;
pub use options::{ManifestMethod, Options, ResolveOverride};
pub use outcome::*;
pub use source::*;
