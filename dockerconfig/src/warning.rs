//! Non-fatal findings: worth telling a person, never a reason to refuse, never a secret.

/// A non-fatal finding of [`crate::DockerConfig::problems`] or [`crate::DockerConfig::merge`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Warning {
    /// An `auth` decodes to text without `:`: containers/image logs this and goes on without credentials.
    #[error(
        "{origin}: error parsing the \"auth\" field of a credential entry {key:?}, missing semicolon"
    )]
    MissingColon {
        /// The file.
        origin: String,
        /// The registry key of the entry.
        key: String,
    },
    /// An `identitytoken` beside an empty `auth`: containers/image ignores both.
    #[error(
        "{origin}: entry {key:?} has an identitytoken but no auth: containers/image ignores it"
    )]
    IdentityTokenIgnored {
        /// The file.
        origin: String,
        /// The registry key of the entry.
        key: String,
    },
    /// A merged entry replaced one spelling of a registry, but another spelling of it remains.
    #[error(
        "{incoming_key:?} from {from} replaced {replaced:?}, but the result also has {others:?} for the same \
         registry; containers/image prefers an exact key match, so check which one a pull uses"
    )]
    OtherSpellingsRemain {
        /// The later file.
        from: String,
        /// The key as the later file spells it.
        incoming_key: String,
        /// The key of the entry it replaced.
        replaced: String,
        /// The other keys of the result for the same registry, in order.
        others: Vec<String>,
    },
    /// A legacy file became an `auths` file to keep a later file's top-level fields.
    #[error(
        "{from} has top-level fields {fields:?}; the result is converted to the \"auths\" format to keep them"
    )]
    ConvertedToAuths {
        /// The later file.
        from: String,
        /// Its top-level fields other than `auths`, in order.
        fields: Vec<String>,
    },
}
