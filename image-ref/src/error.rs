//! The one error type of this crate.

use std::fmt;

/// Why a string is not a valid image reference.
///
/// `Display` prints the message docker/distribution prints, followed by where in the input the problem was found
/// when that is known; [`Error::upstream_message`] gives the bare upstream text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is empty.
    Empty,
    /// The input does not follow the reference grammar; `offset` is the byte where matching stopped.
    InvalidFormat {
        /// Byte offset in the input.
        offset: usize,
    },
    /// The input would be valid in lowercase: a repository name must be lowercase.
    Uppercase {
        /// Byte offset of the first uppercase letter in the input.
        offset: usize,
    },
    /// The repository part of a reference to normalise holds an uppercase letter.
    UppercaseRepository {
        /// The repository part, as docker/distribution names it.
        repository: String,
        /// Byte offset of the first uppercase letter in the input.
        offset: usize,
    },
    /// The repository path is longer than [`crate::NAME_TOTAL_LENGTH_MAX`].
    NameTooLong {
        /// The length of the path.
        length: usize,
    },
    /// The input is a 64-character hexadecimal string, which is reserved for image IDs.
    HexIdentifier,
    /// The digest is malformed (e.g. uppercase hex in a sha256 digest).
    DigestInvalidFormat {
        /// Byte offset of the digest in the input.
        offset: usize,
    },
    /// The digest's hex part has the wrong length for its algorithm.
    DigestInvalidLength {
        /// Byte offset of the digest in the input.
        offset: usize,
    },
    /// The digest's algorithm is not one containers/image knows (sha256, sha384, sha512).
    DigestUnsupported {
        /// The algorithm named in the reference.
        algorithm: String,
    },
    /// The reference is valid but not written in its canonical, fully qualified form.
    NotCanonical,
}

impl Error {
    /// The message docker/distribution (and so containers/image) prints for this error, without the position.
    pub fn upstream_message(&self) -> String {
        match self {
            Error::Empty => "repository name must have at least one component".to_owned(),
            Error::InvalidFormat { .. } => "invalid reference format".to_owned(),
            Error::Uppercase { .. } => {
                "invalid reference format: repository name must be lowercase".to_owned()
            }
            Error::UppercaseRepository { repository, .. } => {
                format!(
                    "invalid reference format: repository name ({repository}) must be lowercase"
                )
            }
            Error::NameTooLong { .. } => format!(
                "repository name must not be more than {} characters",
                crate::NAME_TOTAL_LENGTH_MAX
            ),
            Error::HexIdentifier => {
                "invalid repository name, cannot specify 64-byte hexadecimal strings".to_owned()
            }
            Error::DigestInvalidFormat { .. } => "invalid checksum digest format".to_owned(),
            Error::DigestInvalidLength { .. } => "invalid checksum digest length".to_owned(),
            Error::DigestUnsupported { .. } => "unsupported digest algorithm".to_owned(),
            Error::NotCanonical => "repository name must be canonical".to_owned(),
        }
    }

    /// The byte offset in the input where the problem was found, when known.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::InvalidFormat { offset }
            | Error::Uppercase { offset }
            | Error::UppercaseRepository { offset, .. }
            | Error::DigestInvalidFormat { offset }
            | Error::DigestInvalidLength { offset } => Some(*offset),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.upstream_message())?;
        match self {
            Error::NameTooLong { length } => write!(f, " (it has {length})"),
            Error::DigestUnsupported { algorithm } => write!(f, " {algorithm:?}"),
            _ => match self.offset() {
                Some(offset) => write!(f, " (at byte {offset})"),
                None => Ok(()),
            },
        }
    }
}

impl std::error::Error for Error {}
