//! The one error type of this crate: where (the input's name, and a line and column where there is one) and what.
//!
//! No error carries a secret: positions, key names, field names and counts only. Registry keys and field names
//! are not secret; `auth` values, passwords and tokens never reach an error.

use std::fmt;

/// Everything that can go wrong in this crate.
///
/// The input's name and the position are stored once, beside what went wrong ([`Error::kind`]), the way
/// serde_json's error stores its line and column. `Display` is `origin: line L, column C: what` (the parts that
/// apply); `source()` is the cause, where there is one (a bad image reference, bad base64).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    origin: Option<String>,
    position: Option<Position>,
    kind: ErrorKind,
}

/// A place in the input: 1-based line and column, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// What went wrong. `Display` is this part of the message alone (no origin, no position).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is larger than [`crate::MAX_INPUT_BYTES`].
    #[error("{size} bytes is more than the limit of {limit} bytes")]
    TooLarge {
        /// The size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not UTF-8.
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// The input is not JSON (RFC 8259, as Go's `encoding/json` reads it).
    #[error("{what}")]
    Syntax {
        /// What is wrong (never the text of a string).
        what: String,
    },
    /// Objects and arrays are nested deeper than [`crate::MAX_DEPTH`].
    #[error("nested deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// An object has the same key twice (Go would silently keep the last one); the position is the second's.
    #[error("duplicate key {key:?} in {object}")]
    DuplicateKey {
        /// The object holding the key, e.g. `the top-level object` or `the object "auths"`.
        object: String,
        /// The repeated key.
        key: String,
    },
    /// A value has a JSON type that containers/image cannot unmarshal (Go's `json: cannot unmarshal`).
    #[error("{field} must be {expected}, found {found}")]
    WrongType {
        /// Which value, e.g. `auths["quay.io"].auth`.
        field: String,
        /// The JSON type wanted.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// An `auth` value is not standard padded base64 (containers/image fails the lookup with this).
    #[error("auths[{key:?}].auth: {source}")]
    BadBase64 {
        /// The registry key of the entry (empty when not known, as from [`crate::AuthEntry::decode`]).
        key: String,
        /// Go's complaint, with the byte offset counted as Go counts it.
        source: go_compat::Base64Error,
    },
    /// A user name given to a constructor contains `:`, which `auth` cannot carry.
    #[error("a user name for {key:?} must not contain ':'")]
    UserNameWithColon {
        /// The registry key being set, or empty when not known yet.
        key: String,
    },
    /// A registry key given to an editing call is empty or not usable as a key.
    #[error("invalid registry key {key:?}: {why}")]
    InvalidKey {
        /// The key.
        key: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// An image reference could not be parsed.
    #[error("invalid image reference {reference:?}: {source}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// Why it is refused.
        source: image_ref::Error,
    },
}

impl Error {
    /// An error about the input called `origin`, at `position` when there is one.
    pub(crate) fn input(origin: &str, position: Option<Position>, kind: ErrorKind) -> Self {
        Error {
            origin: Some(origin.to_owned()),
            position,
            kind,
        }
    }

    /// An error about no input in particular (a constructor's or an editing call's argument).
    pub(crate) fn argument(kind: ErrorKind) -> Self {
        Error {
            origin: None,
            position: None,
            kind,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The name of the input (a path, or a Secret's name), when the error is about one.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// Where in the input, when the error has a place.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// The 1-based line, when the error has a place.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|p| p.line)
    }

    /// The 1-based column (in characters), when the error has a place.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|p| p.column)
    }

    /// The same error, said of the input `origin` (an entry's error, once its file is known).
    pub(crate) fn in_origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_owned());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, "{origin}: ")?;
        }
        if let Some(Position { line, column }) = self.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}
