//! The one error type of this crate: what went wrong ([`ErrorKind`]) and, for a file, where (stored once).

use std::fmt;

/// Everything that can go wrong in this crate.
///
/// [`Error::kind`] says what; for an error in a file, [`Error::path`], [`Error::line`] and [`Error::column`] say
/// where. `Display` gives the whole message: OpenShift's words for the rules it refuses, containers/image's for the
/// files it refuses (prefixed `loading registries configuration "<path>": `, or `loading drop-in registries
/// configuration` for a drop-in).
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    file: Option<FileLocation>,
}

/// Where in which file.
#[derive(Debug)]
struct FileLocation {
    path: String,
    drop_in: bool,
    line: Option<usize>,
    column: Option<usize>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    // --- Rendering from mirror rules ---
    /// OpenShift refused the mirror rules (validation or rendering); displayed exactly as the controller reports it.
    InvalidRules {
        /// Where in the rules, e.g. `digest_mirror_sets[2].mirrors[0]`, `insecure[1]` (empty when not one field).
        field: String,
        /// OpenShift's own message, e.g. `invalid format for source "X"`.
        message: String,
    },
    /// The release payload is not a canonical image reference (OpenShift stops the whole sync).
    InvalidReleaseImage {
        /// The reference given.
        release_image: String,
        /// Why it does not parse.
        source: image_ref::Error,
    },
    /// The legacy layout (`mirror-by-digest-only`) cannot express tag mirror sets.
    LegacyLayoutTagMirrors {
        /// Index of the first tag mirror set.
        index: usize,
        /// Its source.
        set_source: String,
    },
    // --- Reading a file (with its path, and line and column where known) ---
    /// The file is not valid TOML, or a value has the wrong type for its key.
    Toml {
        /// What is wrong, e.g. `registry[0].insecure: expected a boolean, found a string`.
        message: String,
    },
    /// The file is larger than [`crate::MAX_INPUT_BYTES`]; nothing was parsed.
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// containers/image refuses the configuration; `message` is its own text (e.g.
    /// `invalid condition: mirror location is unset`).
    InvalidConfig {
        /// containers/image's message.
        message: String,
    },
    /// A version 1 file (`[registries.search]`, `[registries.insecure]`, `[registries.block]`): containers/image
    /// would convert it, this crate does not.
    UnsupportedV1,
    /// A file or folder could not be read.
    Io(std::io::Error),
    /// An edit asked for something the file does not allow (e.g. removing an entry that is not there).
    Edit {
        /// What went wrong.
        message: String,
    },
    /// A `short-name-aliases.conf` (the alias cache CRI-O and podman read, e.g.
    /// `/var/cache/containers/short-name-aliases.conf`) is unreadable TOML or holds an invalid alias; `message` is
    /// containers/image's text after `loading short-name aliases config file "<path>": `.
    ShortNameAliases {
        /// What is wrong.
        message: String,
    },
    // --- Resolving ---
    /// A short name cannot be resolved: no alias and no `unqualified-search-registries`, an input that is no
    /// reference, or `short-name-mode = "enforcing"` without a terminal; `message` is containers/image's text.
    ShortName {
        /// containers/image's message.
        message: String,
    },
    /// The image reference to resolve is not valid.
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// Why, as image-ref reports it.
        source: image_ref::Error,
    },
    /// The reference has both a tag and a digest, which the docker transport refuses.
    TagAndDigest {
        /// The reference as given.
        reference: String,
    },
    /// A `[[registry]]` entry (or one of its mirrors) turns the reference into an invalid one; the whole pull fails
    /// before any attempt.
    Rewrite {
        /// The prefix of the matching entry.
        prefix: String,
        /// The reference the rewrite produced.
        rewritten: String,
        /// Why it is invalid.
        source: image_ref::Error,
    },
}

impl fmt::Display for ErrorKind {
    /// The message without the file's path (and, for [`ErrorKind::Toml`], without line and column).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::InvalidRules { message, .. } => write!(
                f,
                "could not update registries config with new changes: {message}"
            ),
            ErrorKind::InvalidReleaseImage {
                release_image,
                source,
            } => write!(
                f,
                "error parsing reference of release image {release_image:?}: {source}"
            ),
            ErrorKind::LegacyLayoutTagMirrors { index, set_source } => write!(
                f,
                "the legacy registries.conf layout cannot express tag mirror sets (tag_mirror_sets[{index}], \
                 source {set_source:?}): render with the current layout"
            ),
            ErrorKind::Toml { message }
            | ErrorKind::InvalidConfig { message }
            | ErrorKind::ShortNameAliases { message }
            | ErrorKind::ShortName { message }
            | ErrorKind::Edit { message } => f.write_str(message),
            ErrorKind::TooLarge { size, limit } => write!(
                f,
                "the file is {size} bytes, more than the limit of {limit} bytes"
            ),
            ErrorKind::UnsupportedV1 => f.write_str(
                "the sysregistry v1 format ([registries.search], [registries.insecure], [registries.block]) is \
                 not supported here; write [[registry]] tables (version 2)",
            ),
            ErrorKind::Io(e) => e.fmt(f),
            ErrorKind::InvalidReference { reference, source } => {
                write!(f, "invalid image reference {reference:?}: {source}")
            }
            ErrorKind::TagAndDigest { reference } => write!(
                f,
                "Docker references with both a tag and digest are currently not supported ({reference:?})"
            ),
            ErrorKind::Rewrite {
                prefix,
                rewritten,
                source,
            } => write!(
                f,
                "rewriting reference: {} ({rewritten:?}, from prefix {prefix:?})",
                source.upstream_message()
            ),
        }
    }
}

impl Error {
    /// An error of no file.
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Inner { kind, file: None }))
    }

    /// An error in the file `path`.
    pub(crate) fn in_file(kind: ErrorKind, path: &str, drop_in: bool) -> Error {
        Error(Box::new(Inner {
            kind,
            file: Some(FileLocation {
                path: path.to_owned(),
                drop_in,
                line: None,
                column: None,
            }),
        }))
    }

    /// The same error, at `line` (and `column`) of its file.
    pub(crate) fn at(mut self, line: Option<usize>, column: Option<usize>) -> Error {
        if let Some(file) = &mut self.0.file {
            file.line = line;
            file.column = column;
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The file concerned, when there is one.
    pub fn path(&self) -> Option<&str> {
        self.0.file.as_ref().map(|f| f.path.as_str())
    }

    /// Whether the file concerned is a `registries.conf.d` drop-in.
    pub fn is_drop_in(&self) -> bool {
        self.0.file.as_ref().is_some_and(|f| f.drop_in)
    }

    /// The 1-based line in the file (of the problem, or of the `[[registry]]` concerned), when known.
    pub fn line(&self) -> Option<usize> {
        self.0.file.as_ref().and_then(|f| f.line)
    }

    /// The 1-based column (in characters) in the file, when known.
    pub fn column(&self) -> Option<usize> {
        self.0.file.as_ref().and_then(|f| f.column)
    }

    /// The message containers/image prints for this error (without skopeo's `Error parsing image name` wrapper and
    /// without the detail this crate adds), for the errors containers/image has.
    pub fn upstream_message(&self) -> Option<String> {
        match self.kind() {
            ErrorKind::InvalidConfig { .. } | ErrorKind::ShortNameAliases { .. } => {
                Some(self.to_string())
            }
            ErrorKind::ShortName { message } => Some(message.clone()),
            ErrorKind::InvalidReference { source, .. } => Some(source.upstream_message()),
            ErrorKind::TagAndDigest { .. } => Some(
                "Docker references with both a tag and digest are currently not supported"
                    .to_owned(),
            ),
            ErrorKind::Rewrite { source, .. } => Some(format!(
                "rewriting reference: {}",
                source.upstream_message()
            )),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = &self.0.kind;
        let Some(file) = &self.0.file else {
            return kind.fmt(f);
        };
        let path = &file.path;
        let loading = if file.drop_in {
            "loading drop-in registries configuration"
        } else {
            "loading registries configuration"
        };
        match kind {
            ErrorKind::Toml { message } => write!(
                f,
                "{loading} {path:?}: toml: line {}, column {}: {message}",
                file.line.unwrap_or_default(),
                file.column.unwrap_or_default()
            ),
            ErrorKind::Io(e) => write!(f, "reading {path:?}: {e}"),
            ErrorKind::Edit { message } => write!(f, "editing {path:?}: {message}"),
            ErrorKind::ShortNameAliases { message } => {
                write!(
                    f,
                    "loading short-name aliases config file {path:?}: {message}"
                )
            }
            _ => write!(f, "{loading} {path:?}: {kind}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind() {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::InvalidReleaseImage { source, .. }
            | ErrorKind::InvalidReference { source, .. }
            | ErrorKind::Rewrite { source, .. } => Some(source),
            _ => None,
        }
    }
}
