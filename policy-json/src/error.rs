//! The one error type of this crate: what went wrong ([`ErrorKind`]) and where, stored once.

use std::fmt;

use go_compat::quote as go_quote;

/// Why a policy.json was refused, and where.
///
/// The message ([`ErrorKind`]'s `Display`) is containers/image's own text where containers/image refuses the same
/// thing. Where: [`Error::path`] is the member concerned, as a path from the top of the document (`default[0]`,
/// `transports.docker["quay.io"][1].keyPath`); [`Error::line`] and [`Error::column`] are set for problems found
/// while reading the JSON text (syntax, duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Located>);

/// What and where, boxed: an `Error` is one pointer wide.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Located {
    kind: ErrorKind,
    path: String,
    position: Option<(usize, usize)>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Located {
            kind,
            path: String::new(),
            position: None,
        }))
    }

    pub(crate) fn at(kind: ErrorKind, path: &Path<'_>) -> Error {
        Error(Box::new(Located {
            kind,
            path: path.to_string(),
            position: None,
        }))
    }

    pub(crate) fn with_position(mut self, line: usize, column: usize) -> Error {
        self.0.position = Some((line, column));
        self
    }

    /// What is wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The member concerned, as a path from the top of the document (empty: the document itself, or no member).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// The 1-based line of the problem in the text, when it was found while reading the text.
    pub fn line(&self) -> Option<usize> {
        self.0.position.map(|(line, _)| line)
    }

    /// The 1-based column (in bytes) of the problem in the text, when it was found while reading the text.
    pub fn column(&self) -> Option<usize> {
        self.0.position.map(|(_, column)| column)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.0.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        if !self.0.path.is_empty() {
            write!(f, "{}: ", self.0.path)?;
        }
        self.0.kind.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::InvalidBase64 { source } => Some(source),
            ErrorKind::InvalidReference { source, .. }
            | ErrorKind::InvalidReleaseImage { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The kinds of problems, each displayed in containers/image's words (OpenShift's for [`ErrorKind::InvalidLists`]
/// and [`ErrorKind::InvalidReleaseImage`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not JSON (serde_json's words), or nests deeper than serde_json's recursion limit.
    Syntax {
        /// What is wrong.
        message: String,
    },
    /// The text is larger than [`crate::MAX_INPUT_BYTES`]; nothing was read.
    TooLarge {
        /// Its size.
        size: usize,
    },
    /// An object holds the same member twice.
    DuplicateKey {
        /// The member's name.
        key: String,
    },
    /// A member this crate types holds `null`. containers/image reads `null` as the empty value (and refuses it
    /// almost everywhere later); this crate refuses it at once, so that writing a file back never changes a value.
    Null,
    /// A value has the wrong JSON type; displayed as Go's `encoding/json` reports it.
    WrongType {
        /// The JSON type found: `string`, `number`, `bool`, `array` or `object`.
        found: &'static str,
        /// The Go type containers/image decodes into, e.g. `string`, `[]string`, `[]uint8`.
        go_type: &'static str,
        /// For a member of a Go struct, the struct field (`prCommon.type`).
        go_field: Option<&'static str>,
    },
    /// A value that must be a JSON object is not (containers/image's strict object reader).
    NotAnObject {
        /// The JSON value found, as Go's `%#v` prints the decoder's first token.
        found: String,
    },
    /// A member containers/image does not know (or, for a scope, one the transport refuses; see
    /// [`ErrorKind::InvalidScope`]).
    UnknownKey {
        /// The member's name.
        key: String,
    },
    /// A member that must be present is missing.
    MissingKey {
        /// The member's name.
        key: &'static str,
    },
    /// The document has no `default` member.
    MissingDefault,
    /// A list of requirements is empty.
    EmptyRequirements,
    /// A requirement's `type` is not one containers/image knows.
    UnknownRequirementType {
        /// The type as written (empty when absent).
        type_name: String,
    },
    /// A `signedIdentity` (or `baseLayerIdentity`) `type` is not one containers/image knows.
    UnknownIdentityType {
        /// The type as written (empty when absent).
        type_name: String,
    },
    /// A scope the transport refuses. containers/image reports it as an unknown key; the transport's reason is
    /// kept beside it.
    InvalidScope {
        /// The transport.
        transport: String,
        /// The scope.
        scope: String,
        /// The transport's reason, in containers/image's words.
        reason: String,
    },
    /// `keyType` is not one of `GPGKeys`, `signedByGPGKeys`, `X509Certificates`, `signedByX509CAs`.
    InvalidKeyType {
        /// The value as written (empty when absent).
        key_type: String,
        /// Whether the member was present (containers/image words the two cases differently).
        present: bool,
    },
    /// A list that must not be empty is (`keyPaths`, `keyDatas`, `rekorPublicKeyPaths`, `rekorPublicKeyDatas`).
    EmptyList {
        /// The member, as containers/image spells it in this message (`rekorPublickeyPaths`).
        key: &'static str,
    },
    /// The members of a requirement do not fit together (which key source, which Rekor key, Fulcio and PKI
    /// settings); `message` is containers/image's text.
    Conflict {
        /// containers/image's message.
        message: &'static str,
    },
    /// A `[]byte` member is not base64 as Go's `encoding/json` reads it.
    InvalidBase64 {
        /// Where the text stops being base64.
        source: go_compat::Base64Error,
    },
    /// `dockerReference` / `dockerRepository` is not an image reference.
    InvalidReference {
        /// The member: `dockerReference` or `dockerRepository`.
        key: &'static str,
        /// The value.
        value: String,
        /// Why, as image-ref reports it.
        source: image_ref::Error,
    },
    /// An `exactReference` identity names a repository only.
    NameOnlyReference {
        /// The value.
        value: String,
    },
    /// A `remapIdentity` prefix is not a registry or repository prefix.
    InvalidRemapPrefix {
        /// The value.
        prefix: String,
    },
    /// OpenShift refused the allowed / blocked registries (machine-config-operator `updatePolicyJSON`); displayed
    /// exactly as the controller reports it.
    InvalidLists {
        /// Where, e.g. `allowed[0]` (empty when both lists are at fault).
        field: String,
        /// OpenShift's own message.
        message: String,
    },
    /// The release payload is not a canonical image reference.
    InvalidReleaseImage {
        /// The reference given.
        release_image: String,
        /// Why it does not parse.
        source: image_ref::Error,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Syntax { message } => f.write_str(message),
            ErrorKind::TooLarge { size } => write!(
                f,
                "the file is {size} bytes, more than the limit of {} bytes",
                crate::MAX_INPUT_BYTES
            ),
            ErrorKind::DuplicateKey { key } => write!(f, "Duplicate key {}", go_quote(key)),
            ErrorKind::Null => f.write_str("null is not accepted here"),
            ErrorKind::WrongType {
                found,
                go_type,
                go_field: None,
            } => write!(
                f,
                "json: cannot unmarshal {found} into Go value of type {go_type}"
            ),
            ErrorKind::WrongType {
                found,
                go_type,
                go_field: Some(field),
            } => write!(
                f,
                "json: cannot unmarshal {found} into Go struct field {field} of type {go_type}"
            ),
            ErrorKind::NotAnObject { found } => write!(f, "JSON object expected, got {found}"),
            ErrorKind::UnknownKey { key } => write!(f, "Unknown key {}", go_quote(key)),
            ErrorKind::MissingKey { key } => {
                write!(f, "Key {} missing in a JSON object", go_quote(key))
            }
            ErrorKind::MissingDefault => f.write_str("Default policy is missing"),
            ErrorKind::EmptyRequirements => {
                f.write_str("List of verification policy requirements must not be empty")
            }
            ErrorKind::UnknownRequirementType { type_name } => {
                write!(f, "Unknown policy requirement type {}", go_quote(type_name))
            }
            ErrorKind::UnknownIdentityType { type_name } => write!(
                f,
                "Unknown policy reference match type {}",
                go_quote(type_name)
            ),
            ErrorKind::InvalidScope {
                transport,
                scope,
                reason,
            } => write!(
                f,
                "Unknown key {} (the {transport} transport refuses this scope: {reason})",
                go_quote(scope)
            ),
            ErrorKind::InvalidKeyType {
                key_type,
                present: true,
            } => write!(f, "Unrecognized keyType value {}", go_quote(key_type)),
            ErrorKind::InvalidKeyType {
                key_type,
                present: false,
            } => write!(f, "invalid keyType {}", go_quote(key_type)),
            ErrorKind::EmptyList { key } => write!(f, "\"{key}\" contains no entries"),
            ErrorKind::Conflict { message } => f.write_str(message),
            ErrorKind::InvalidBase64 { source } => source.fmt(f),
            ErrorKind::InvalidReference { key, value, source } => write!(
                f,
                "Invalid format of {key} {}: {}",
                go_quote(value),
                source.upstream_message()
            ),
            ErrorKind::NameOnlyReference { value } => write!(
                f,
                "dockerReference {} contains neither a tag nor digest",
                go_quote(value)
            ),
            ErrorKind::InvalidRemapPrefix { prefix } => {
                write!(f, "prefix {} is not valid", go_quote(prefix))
            }
            ErrorKind::InvalidLists { message, .. } => {
                write!(
                    f,
                    "could not update policy json with new changes: {message}"
                )
            }
            ErrorKind::InvalidReleaseImage {
                release_image,
                source,
            } => write!(
                f,
                "error parsing reference of release image {release_image:?}: {source}"
            ),
        }
    }
}

/// Where a member is, from the top of the document: a linked list of steps, printed on demand.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Member(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub(crate) fn member(&'a self, name: &'a str) -> Path<'a> {
        Path::Member(self, name)
    }

    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Member(parent, name) => {
                parent.fmt(f)?;
                let plain = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    if !matches!(parent, Path::Root) {
                        f.write_str(".")?;
                    }
                    f.write_str(name)
                } else {
                    write!(f, "[{}]", go_compat::json_string(name))
                }
            }
            Path::Index(parent, index) => {
                parent.fmt(f)?;
                write!(f, "[{index}]")
            }
        }
    }
}
