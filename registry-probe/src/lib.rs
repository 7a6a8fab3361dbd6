//! placeholder
#![forbid(unsafe_code)]
mod blob;
mod challenge;
mod digest;
mod error;
mod http;
mod media;
mod options;
mod outcome;
mod prober;
mod source;
mod tls;
mod transport;
pub use blob::{BlobError, BlobReader, FileQuery, FileSearch, FoundFile, LayerRead, Platform, for_each_bounded};
pub use challenge::{Challenge, Selected, ignored_by_containers_image, parse_challenge_lines, parse_challenges, select_challenge};
pub use digest::{Algorithm, Digest, Hasher};
pub use error::Error;
pub use options::{ManifestMethod, Options, ResolveOverride};
pub use outcome::*;
pub use prober::Prober;
pub use source::*;
