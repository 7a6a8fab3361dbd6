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

impl Registry {
    /// The scope this entry applies to: `prefix`, or `location` when no prefix is set (containers/image's rule; a
    /// validated configuration always has a prefix).
    pub fn scope(&self) -> &str {
        scope(&self.prefix, &self.location)
    }

    /// Which references `mirror`, one of this entry's mirrors, serves: the registry-wide `mirror-by-digest-only`
    /// first, then the mirror's `pull-from-mirror`.
    pub fn mirror_usage(&self, mirror: &Mirror) -> MirrorUsage {
        if self.mirror_by_digest_only {
            return MirrorUsage::DigestOnly;
        }
        match mirror.pull_from_mirror {
            PullFromMirror::DigestOnly => MirrorUsage::DigestOnly,
            PullFromMirror::TagOnly => MirrorUsage::TagOnly,
            PullFromMirror::Unset | PullFromMirror::All => MirrorUsage::All,
        }
    }

    /// The mirrors a pull of a reference by digest (`by_digest`) or by tag tries, in order.
    pub fn mirrors_for(&self, by_digest: bool) -> impl Iterator<Item = &Mirror> + '_ {
        self.mirrors
            .iter()
            .filter(move |mirror| self.mirror_usage(mirror).serves(by_digest))
    }
}

/// The scope of an entry written with `prefix` and `location`: the prefix, else the location.
pub(crate) fn scope<'a>(prefix: &'a str, location: &'a str) -> &'a str {
    if prefix.is_empty() { location } else { prefix }
}

/// Which references a mirror serves, every flag considered ([`Registry::mirror_usage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MirrorUsage {
    /// Every reference.
    All,
    /// References by digest only.
    DigestOnly,
    /// References by tag only.
    TagOnly,
}

impl MirrorUsage {
    /// `all`, `digest-only` or `tag-only`.
    pub fn as_str(self) -> &'static str {
        match self {
            MirrorUsage::All => "all",
            MirrorUsage::DigestOnly => "digest-only",
            MirrorUsage::TagOnly => "tag-only",
        }
    }

    /// Whether a pull of a reference by digest (`by_digest`) or by tag uses the mirror.
    pub fn serves(self, by_digest: bool) -> bool {
        match self {
            MirrorUsage::All => true,
            MirrorUsage::DigestOnly => by_digest,
            MirrorUsage::TagOnly => !by_digest,
        }
    }
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
