//! The one error type of this crate.

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // --- Rendering from mirror rules (render.rs) ---
    /// OpenShift refused the mirror rules (validation or rendering); displayed exactly as the controller reports it.
    #[error("could not update registries config with new changes: {message}")]
    InvalidRules {
        /// Where in the rules, e.g. `digest_mirror_sets[2].mirrors[0]`, `insecure[1]` (empty when not one field).
        field: String,
        /// OpenShift's own message, e.g. `invalid format for source "X"`.
        message: String,
    },
    /// The release payload is not a canonical image reference (OpenShift stops the whole sync).
    #[error("error parsing reference of release image {release_image:?}: {reason}")]
    InvalidReleaseImage {
        /// The reference given.
        release_image: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The legacy layout (`mirror-by-digest-only`) cannot express tag mirror sets.
    #[error(
        "the legacy registries.conf layout cannot express tag mirror sets (tag_mirror_sets[{index}], source \
         {set_source:?}): render with the current layout"
    )]
    LegacyLayoutTagMirrors {
        /// Index of the first tag mirror set.
        index: usize,
        /// Its source.
        set_source: String,
    },
    // --- Parsing, validating, resolving (parse.rs, validate.rs, resolve.rs) ---
    /// The file is not valid TOML, or a value has the wrong type for its key.
    #[error("{} {path:?}: toml: line {line}, column {column}: {message}", crate::parse::config_kind(*drop_in))]
    Toml {
        /// The file.
        path: String,
        /// Whether the file is a `registries.conf.d` drop-in.
        drop_in: bool,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What is wrong, e.g. `registry[0].insecure: expected a boolean, found a string`.
        message: String,
    },
    /// The file is larger than [`crate::parse::MAX_INPUT_BYTES`]; nothing was parsed.
    #[error(
        "{} {path:?}: the file is {size} bytes, more than the limit of {limit} bytes",
        crate::parse::config_kind(*drop_in)
    )]
    TooLarge {
        /// The file.
        path: String,
        /// Whether the file is a `registries.conf.d` drop-in.
        drop_in: bool,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// containers/image refuses the configuration; `message` is its own text (e.g.
    /// `invalid condition: mirror location is unset`).
    #[error("{} {path:?}: {message}", crate::parse::config_kind(*drop_in))]
    InvalidConfig {
        /// The file.
        path: String,
        /// Whether the file is a `registries.conf.d` drop-in.
        drop_in: bool,
        /// 1-based line of the `[[registry]]` (or key) concerned, when one is.
        line: Option<usize>,
        /// containers/image's message.
        message: String,
    },
    /// A version 1 file (`[registries.search]`, `[registries.insecure]`, `[registries.block]`): containers/image
    /// would convert it, this crate does not.
    #[error(
        "loading registries configuration {path:?}: the sysregistry v1 format ([registries.search], \
         [registries.insecure], [registries.block]) is not supported here; write [[registry]] tables (version 2)"
    )]
    UnsupportedV1 {
        /// The file.
        path: String,
        /// 1-based line of the first v1 table.
        line: usize,
    },
    /// A file or folder could not be read.
    #[error("reading {path:?}: {message}")]
    Io {
        /// The file or folder.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// The image reference to resolve is not valid.
    #[error("invalid image reference {reference:?}: {source}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// Why, as image-ref reports it.
        source: image_ref::Error,
    },
    /// The reference has both a tag and a digest, which the docker transport refuses.
    #[error(
        "Docker references with both a tag and digest are currently not supported ({reference:?})"
    )]
    TagAndDigest {
        /// The reference as given.
        reference: String,
    },
    /// A `[[registry]]` entry (or one of its mirrors) turns the reference into an invalid one; the whole pull fails
    /// before any attempt.
    #[error("rewriting reference: {} ({rewritten:?}, from prefix {prefix:?})", source.upstream_message())]
    Rewrite {
        /// The prefix of the matching entry.
        prefix: String,
        /// The reference the rewrite produced.
        rewritten: String,
        /// Why it is invalid.
        source: image_ref::Error,
    },
    /// An edit asked for something the file does not allow (e.g. removing an entry that is not there).
    #[error("editing {path:?}: {message}")]
    Edit {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}
