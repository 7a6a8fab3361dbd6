//! The crate's one error type and the description of where a problem is.

use std::fmt;

/// Where in the input a problem is: file, document, list item, object and field.
///
/// Every part but the file is optional because a syntax error may stop the parser before an object
/// or a field is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Where {
    /// The name the caller gave the input (usually a path).
    pub file: String,
    /// Index of the document in the stream, counting non-empty documents from 0.
    pub document: Option<usize>,
    /// Index inside a `kind: List` document's `items`.
    pub item: Option<usize>,
    /// `Kind/name` of the object, when known.
    pub object: Option<String>,
    /// Field path inside the object, e.g. `spec.imageDigestMirrors[2].mirrors[0]`.
    pub field: Option<String>,
    /// 1-based line, when the parser knows it.
    pub line: Option<u64>,
    /// 1-based column, when the parser knows it.
    pub column: Option<u64>,
}

impl fmt::Display for Where {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(document) = self.document {
            write!(f, ": document {document}")?;
        }
        if let Some(item) = self.item {
            write!(f, " item {item}")?;
        }
        if let Some(object) = &self.object {
            write!(f, " ({object})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong while reading, converting or writing objects.
///
/// Messages never contain Secret values: only field paths, kinds, names and shapes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is bigger than [`crate::Limits::max_bytes`]; nothing was parsed.
    #[error("{file}: input is {size} bytes, more than the limit of {limit} bytes")]
    InputTooLarge {
        /// The caller's name for the input.
        file: String,
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The YAML (or JSON) text is malformed.
    #[error("{at}: invalid YAML: {message}")]
    Syntax {
        /// Where the parser stopped.
        at: Box<Where>,
        /// The parser's description.
        message: String,
    },
    /// A parsing budget (documents, depth, aliases, nodes, ...) was exceeded.
    #[error("{at}: input exceeds a parsing budget: {message}")]
    Budget {
        /// Where the budget ran out.
        at: Box<Where>,
        /// Which budget and by how much.
        message: String,
    },
    /// A value has the wrong shape for its field (type, base64, duplicate key, missing kind...).
    #[error("{at}: {message}")]
    Field {
        /// The object and field.
        at: Box<Where>,
        /// What is wrong.
        message: String,
    },
    /// `migrate_icsp` was given an object that is not an ImageContentSourcePolicy.
    #[error(
        "{at}: expected an ImageContentSourcePolicy (operator.openshift.io/v1alpha1), found {found}"
    )]
    NotAnIcsp {
        /// The offending object.
        at: Box<Where>,
        /// Its `apiVersion` and `kind`.
        found: String,
    },
    /// The objects break a rule the API server enforces (strictness [`crate::Strictness::Strict`]): unknown fields,
    /// a wrong apiVersion, a missing or invalid name, two objects with one name.
    #[error("{0}")]
    Rejected(Box<Issue>),
    /// `migrate_icsp` was given no ImageContentSourcePolicy at all.
    #[error("{file}: no ImageContentSourcePolicy found")]
    NoIcsp {
        /// The caller's name for the input.
        file: String,
    },
}

/// Longest piece of input text (a name, a value, a key) put into a message, in characters.
pub const MAX_QUOTED_CHARS: usize = 120;

/// Input text as messages show it: quoted, control characters escaped (`\u{1b}`), cut after
/// [`MAX_QUOTED_CHARS`] characters with `…`.
pub fn quote(text: &str) -> String {
    let mut chars = text.char_indices();
    match chars.nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// A name or key as messages show it: as it is when it is short and printable, else [`quote`]d.
pub(crate) fn field_text(text: &str) -> std::borrow::Cow<'_, str> {
    let clean = !text.is_empty()
        && text.chars().count() <= MAX_QUOTED_CHARS
        && text
            .chars()
            .all(|c| !c.is_control() && (c == ' ' || !c.is_whitespace()) && c != '"' && c != '\\');
    if clean {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(quote(text))
    }
}

/// What kind of problem an [`Issue`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IssueKind {
    /// Fields the API server does not know for the kind (its strict decoding refuses them).
    UnknownField,
    /// A kind this crate knows under an apiVersion the API server does not serve it at.
    WrongApiVersion,
    /// An object without `metadata.name`.
    MissingName,
    /// A `metadata.name` (or namespace) the API server refuses for the kind.
    InvalidName,
    /// Two objects of one kind with one name (and namespace).
    DuplicateObject,
    /// An object too large for the annotation client-side `oc apply` writes.
    ObjectTooLarge,
    /// ImageContentSourcePolicy objects beside ImageDigestMirrorSet/ImageTagMirrorSet objects.
    IcspBesideMirrorSets,
    /// No mirror object (ICSP, IDMS, ITMS) at all.
    NoMirrorObject,
}

/// A problem found in the objects, with where it is. Whether it is an error or a warning depends on the
/// [`crate::Strictness`] and the kind; see [`crate::ReadOptions`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// File, document, item, `Kind/name`, field, line and column.
    pub at: Where,
    /// What kind of problem.
    pub kind: IssueKind,
    /// The message, in the API server's (or machine-config-operator's) words where they have some.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}
