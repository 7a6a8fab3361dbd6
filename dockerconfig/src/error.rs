//! The one error type of this crate.
//!
//! No variant carries a secret: positions, key names, field names and counts only. Registry keys and field
//! names are not secret; `auth` values, passwords and tokens never reach an error.

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is larger than [`crate::MAX_INPUT_BYTES`].
    #[error("{origin}: {size} bytes is more than the limit of {limit} bytes")]
    TooLarge {
        /// Where the bytes came from (a path, or a Secret's name).
        origin: String,
        /// The size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not UTF-8.
    #[error("{origin}: line {line}, column {column}: invalid UTF-8")]
    InvalidUtf8 {
        /// Where the bytes came from.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
    },
    /// The input is not JSON (RFC 8259, as Go's `encoding/json` reads it).
    #[error("{origin}: line {line}, column {column}: {what}")]
    Syntax {
        /// Where the bytes came from.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong (never the text of a string).
        what: String,
    },
    /// Objects and arrays are nested deeper than [`crate::MAX_DEPTH`].
    #[error("{origin}: line {line}, column {column}: nested deeper than {limit} levels")]
    TooDeep {
        /// Where the bytes came from.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// The limit.
        limit: usize,
    },
    /// An object has the same key twice (Go would silently keep the last one).
    #[error("{origin}: line {line}, column {column}: duplicate key {key:?} in {object}")]
    DuplicateKey {
        /// Where the bytes came from.
        origin: String,
        /// 1-based line of the second occurrence.
        line: usize,
        /// 1-based column of the second occurrence.
        column: usize,
        /// The object holding the key, e.g. `the top-level object` or `"auths"`.
        object: String,
        /// The repeated key.
        key: String,
    },
    /// A value has a JSON type that containers/image cannot unmarshal (Go's `json: cannot unmarshal`).
    #[error("{origin}: line {line}, column {column}: {field} must be {expected}, found {found}")]
    WrongType {
        /// Where the bytes came from.
        origin: String,
        /// 1-based line of the member.
        line: usize,
        /// 1-based column of the member.
        column: usize,
        /// Which value, e.g. `auths["quay.io"].auth`.
        field: String,
        /// The JSON type wanted.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// An `auth` value is not standard padded base64 (containers/image fails the lookup with this).
    #[error("{origin}: auths[{key:?}].auth: illegal base64 data at input byte {offset}")]
    BadBase64 {
        /// Where the config came from.
        origin: String,
        /// The registry key of the entry.
        key: String,
        /// Byte offset of the first bad byte, counted as Go counts it.
        offset: usize,
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
    #[error("invalid image reference {reference:?}: {why}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// Why it is refused.
        why: String,
    },
}
