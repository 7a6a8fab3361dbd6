//! Non-fatal findings: shown to the user, never a reason to refuse.

use crate::error::Origin;

/// A non-fatal finding about a key or a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Warning {
    /// The older node-ca rule (only the last `..` becomes `:`) gives another folder.
    #[error(
        "ConfigMap key {key:?}: OpenShift writes folder {folder:?}, the older node-ca daemon wrote {legacy_folder:?}"
    )]
    LegacyNamingDiffers {
        /// The key.
        key: String,
        /// The folder machine-config-operator writes.
        folder: String,
        /// The folder node-ca wrote.
        legacy_folder: String,
    },

    /// The key ends like a file name (`ca.crt`): the folder will match no registry you pull from.
    #[error(
        "ConfigMap key {key:?} looks like a file name: the CA goes to certs.d/{folder}/ca.crt, \
         which only a registry named {folder:?} would use; name the key after the registry (host..port)"
    )]
    LooksLikeFileName {
        /// The key.
        key: String,
        /// The folder it becomes.
        folder: String,
    },

    /// A certificate without the CA flag: trusted only when the registry presents exactly it.
    #[error(
        "{origin}[{key:?}]: certificate #{index} ({subject}) is not a CA: it is trusted only if \
         the registry serves exactly this certificate"
    )]
    NotCa {
        /// The key.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based position in the bundle.
        index: usize,
        /// Its subject.
        subject: String,
    },

    /// The certificate's validity has ended.
    #[error("{origin}[{key:?}]: certificate #{index} ({subject}) expired at {not_after}")]
    Expired {
        /// The key.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based position in the bundle.
        index: usize,
        /// Its subject.
        subject: String,
        /// Its notAfter (UTC, RFC 3339).
        not_after: String,
    },

    /// The certificate's validity has not begun.
    #[error("{origin}[{key:?}]: certificate #{index} ({subject}) is not valid before {not_before}")]
    NotYetValid {
        /// The key.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based position in the bundle.
        index: usize,
        /// Its subject.
        subject: String,
        /// Its notBefore (UTC, RFC 3339).
        not_before: String,
    },

    /// A PEM block that is not a `CERTIFICATE`: Go's `AppendCertsFromPEM` skips it. No longer produced: such a
    /// block is refused ([`crate::Error::NotCertificateBlock`]); kept so that matches on it still compile.
    #[error(
        "{origin}[{key:?}]: line {line}: {label:?} block is ignored (only CERTIFICATE blocks are read)"
    )]
    IgnoredBlock {
        /// The key.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based line of its `-----BEGIN` marker.
        line: usize,
        /// Its label.
        label: String,
    },
}
