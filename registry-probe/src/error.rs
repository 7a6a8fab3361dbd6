//! The crate's error: input that cannot describe a source, a trust store or the options.
//!
//! What happens on the wire is never an [`Error`]: it is a [`Stop`](crate::Stop) inside an
//! [`Outcome`](crate::Outcome).

use std::path::PathBuf;

/// Bad input: a registry, repository, tag, digest, `--resolve` entry, option or certificate folder that cannot be
/// used. Never holds a password, token or private key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not `host[:port]`.
    #[error("invalid registry {registry:?}: {why}")]
    InvalidRegistry {
        /// The text given (shortened).
        registry: String,
        /// What is wrong.
        why: &'static str,
    },
    /// Not a repository path (`ns/repo`, lowercase components).
    #[error("invalid repository {repository:?}: {why}")]
    InvalidRepository {
        /// The text given (shortened).
        repository: String,
        /// What is wrong.
        why: &'static str,
    },
    /// Not a tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`).
    #[error("invalid tag {tag:?}: {why}")]
    InvalidTag {
        /// The text given (shortened).
        tag: String,
        /// What is wrong.
        why: &'static str,
    },
    /// Not `algorithm:hex` with a known algorithm.
    #[error("invalid digest {digest:?}: {why}")]
    InvalidDigest {
        /// The text given (shortened).
        digest: String,
        /// What is wrong.
        why: &'static str,
    },
    /// Not `HOST:PORT:ADDR` (curl's `--resolve`).
    #[error("invalid resolve entry {entry:?}: {why}")]
    InvalidResolve {
        /// The text given (shortened).
        entry: String,
        /// What is wrong.
        why: &'static str,
    },
    /// An option out of its bounds.
    #[error("option {name} is {value}, {why}")]
    InvalidOption {
        /// The option's name.
        name: &'static str,
        /// The value given, as text.
        value: String,
        /// The bound it breaks.
        why: String,
    },
    /// A certificate or key that cannot be used.
    #[error("{label}: {why}")]
    InvalidCertificate {
        /// Where it came from (a file name or the caller's label).
        label: String,
        /// What is wrong (never the key's bytes).
        why: String,
    },
    /// A `.cert` without its `.key` or the other way round, as containers/image refuses them.
    #[error("{0}")]
    UnpairedClientFile(String),
    /// Reading a certificate folder failed.
    #[error("reading {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
