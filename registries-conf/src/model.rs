//! The in-memory model of a containers-registries.conf(5) version 2 file.
//!
//! Shared by the renderer (model → bytes), the parser (bytes → model), the validator and the resolver.

use std::collections::BTreeMap;

/// A whole registries.conf (version 2) file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistriesConf {
    /// `unqualified-search-registries`: registries tried for short names, in order.
    pub unqualified_search_registries: Vec<String>,
    /// `credential-helpers`: credential helpers consulted in order (empty: not set).
    pub credential_helpers: Vec<String>,
    /// `short-name-mode`: `""`, `enforcing`, `permissive` or `disabled`.
    pub short_name_mode: String,
    /// `additional-layer-store-auth-helper`.
    pub additional_layer_store_auth_helper: String,
    /// `[aliases]`: short name → fully qualified reference.
    pub aliases: BTreeMap<String, String>,
    /// `[[registry]]` tables, in file order.
    pub registries: Vec<Registry>,
}

/// One `[[registry]]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    /// `prefix`: the scope this entry applies to (empty: the same as `location`).
    pub prefix: String,
    /// `location`: where the primary pull goes (empty only for a wildcard prefix).
    pub location: String,
    /// `insecure`: plain HTTP or unverified TLS allowed for the primary.
    pub insecure: bool,
    /// `blocked`: pulls from this scope are refused.
    pub blocked: bool,
    /// `mirror-by-digest-only`: the legacy, registry-wide form of `pull-from-mirror = "digest-only"`.
    pub mirror_by_digest_only: bool,
    /// `[[registry.mirror]]` tables, in the order they are tried.
    pub mirrors: Vec<Mirror>,
}

/// One `[[registry.mirror]]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mirror {
    /// `location`: the mirror's `host[:port][/path]`.
    pub location: String,
    /// `insecure`: plain HTTP or unverified TLS allowed for this mirror.
    pub insecure: bool,
    /// `pull-from-mirror`: which references may use this mirror.
    pub pull_from_mirror: PullFromMirror,
}

/// The values of `pull-from-mirror`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PullFromMirror {
    /// Not set (`""`): every reference, unless the registry says `mirror-by-digest-only`.
    #[default]
    Unset,
    /// `all`: every reference.
    All,
    /// `digest-only`: only references by digest.
    DigestOnly,
    /// `tag-only`: only references by tag.
    TagOnly,
}

impl PullFromMirror {
    /// The string written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            PullFromMirror::Unset => "",
            PullFromMirror::All => "all",
            PullFromMirror::DigestOnly => "digest-only",
            PullFromMirror::TagOnly => "tag-only",
        }
    }

    /// Parses a value exactly as containers/image does (case-sensitive); `None` for an unknown value.
    pub fn from_str_exact(value: &str) -> Option<Self> {
        match value {
            "" => Some(PullFromMirror::Unset),
            "all" => Some(PullFromMirror::All),
            "digest-only" => Some(PullFromMirror::DigestOnly),
            "tag-only" => Some(PullFromMirror::TagOnly),
            _ => None,
        }
    }
}
