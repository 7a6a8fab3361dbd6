//! The one error type of this crate.

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // --- Rendering from mirror rules (render.rs) ---
    /// OpenShift refused the mirror rules; the message is OpenShift's own text.
    #[error("{message}")]
    InvalidRules {
        /// OpenShift's message, e.g. `invalid format for source "X"`.
        message: String,
    },
    // --- Parsing, validating, resolving (parse.rs, validate.rs, resolve.rs) ---
}
