//! What a registries.conf means to containers/image, and how two meanings differ: the same scopes, each with the
//! same location, `insecure`, `blocked` and mirrors (location, `insecure`, which references each serves), and the
//! same search registries, short-name mode, credential helpers, layer-store auth helper and aliases.
//!
//! Spelling does not count: a legacy `mirror-by-digest-only = true` means what per-mirror
//! `pull-from-mirror = "digest-only"` means, and entries are compared by scope whatever their order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use go_compat::quote as go_quote;

use crate::model::{MirrorUsage, RegistriesConf};

/// A configuration's meaning ([`RegistriesConf::meaning`]). `Display` gives one line per fact, for diffs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meaning {
    /// Each top-level setting, as a Go-quoted value.
    settings: BTreeMap<&'static str, String>,
    /// Each `[[registry]]` by scope.
    scopes: BTreeMap<String, ScopeMeaning>,
}

/// What pulls of one scope do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeMeaning {
    /// Where the primary pull goes.
    pub location: String,
    /// Plain HTTP or unverified TLS for the primary.
    pub insecure: bool,
    /// Pulls refused.
    pub blocked: bool,
    /// The mirrors in order.
    pub mirrors: Vec<MirrorMeaning>,
}

/// What one mirror does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorMeaning {
    /// Its location, as written.
    pub location: String,
    /// Plain HTTP or unverified TLS.
    pub insecure: bool,
    /// Which references it serves.
    pub usage: MirrorUsage,
}

/// One way two meanings differ ([`Meaning::differences`]); `Display` says it in a few words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// A top-level setting differs (`short-name-mode`, `aliases`, ...).
    Setting(&'static str),
    /// The other configuration has no entry for this scope.
    MissingScope(String),
    /// The other configuration has an entry for this scope that this one has not.
    ExtraScope(String),
    /// Both have the scope, with these fields different: `location`, `insecure`, `blocked`, `mirrors`.
    Scope {
        /// The scope.
        scope: String,
        /// The fields that differ, in that order.
        fields: Vec<&'static str>,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Setting(key) => write!(f, "{key} differs"),
            Difference::MissingScope(scope) => write!(f, "no [[registry]] for {}", go_quote(scope)),
            Difference::ExtraScope(scope) => write!(f, "extra [[registry]] {}", go_quote(scope)),
            Difference::Scope { scope, fields } => {
                write!(f, "{}: {} differ", go_quote(scope), fields.join(", "))
            }
        }
    }
}

impl RegistriesConf {
    /// What this configuration means to containers/image. Give it a validated one (what
    /// [`crate::validate`] or [`crate::load`] returns), whose entries are deduplicated and have a
    /// prefix.
    pub fn meaning(&self) -> Meaning {
        let list = |l: &[String]| {
            format!(
                "[{}]",
                l.iter().map(|s| go_quote(s)).collect::<Vec<_>>().join(", ")
            )
        };
        let mut settings = BTreeMap::new();
        settings.insert(
            "unqualified-search-registries",
            list(&self.unqualified_search_registries),
        );
        settings.insert("short-name-mode", go_quote(&self.short_name_mode));
        settings.insert("credential-helpers", list(&self.credential_helpers));
        settings.insert(
            "additional-layer-store-auth-helper",
            go_quote(&self.additional_layer_store_auth_helper),
        );
        settings.insert(
            "aliases",
            format!(
                "{{{}}}",
                self.aliases
                    .iter()
                    .map(|(k, v)| format!("{} = {}", go_quote(k), go_quote(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        let scopes = self
            .registries
            .iter()
            .map(|r| {
                let mirrors = r
                    .mirrors
                    .iter()
                    .map(|m| MirrorMeaning {
                        location: m.location.clone(),
                        insecure: m.insecure,
                        usage: r.mirror_usage(m),
                    })
                    .collect();
                (
                    r.scope().to_owned(),
                    ScopeMeaning {
                        location: r.location.clone(),
                        insecure: r.insecure,
                        blocked: r.blocked,
                        mirrors,
                    },
                )
            })
            .collect();
        Meaning { settings, scopes }
    }
}

impl Meaning {
    /// The scopes, in byte order, with what pulls of each do.
    pub fn scopes(&self) -> impl Iterator<Item = (&str, &ScopeMeaning)> {
        self.scopes.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How `other` differs from `self`: settings first (in key order), then scopes (in byte order).
    pub fn differences(&self, other: &Meaning) -> Vec<Difference> {
        let mut differences = Vec::new();
        for (key, value) in &self.settings {
            if other.settings.get(key) != Some(value) {
                differences.push(Difference::Setting(key));
            }
        }
        let scopes: BTreeSet<&String> = self.scopes.keys().chain(other.scopes.keys()).collect();
        for scope in scopes {
            match (self.scopes.get(scope), other.scopes.get(scope)) {
                (Some(_), None) => differences.push(Difference::MissingScope(scope.clone())),
                (None, Some(_)) => differences.push(Difference::ExtraScope(scope.clone())),
                (Some(a), Some(b)) if a != b => {
                    let fields = [
                        ("location", a.location != b.location),
                        ("insecure", a.insecure != b.insecure),
                        ("blocked", a.blocked != b.blocked),
                        ("mirrors", a.mirrors != b.mirrors),
                    ]
                    .into_iter()
                    .filter_map(|(field, differs)| differs.then_some(field))
                    .collect();
                    differences.push(Difference::Scope {
                        scope: scope.clone(),
                        fields,
                    });
                }
                _ => {}
            }
        }
        differences
    }
}

impl fmt::Display for Meaning {
    /// One line per setting (`key = value`), then per scope (`[[registry]] prefix=… location=… insecure=…
    /// blocked=…`) and per mirror (`  mirror location=… insecure=… usage=…`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in &self.settings {
            writeln!(f, "{key} = {value}")?;
        }
        for (scope, meaning) in &self.scopes {
            writeln!(
                f,
                "[[registry]] prefix={} location={} insecure={} blocked={}",
                go_quote(scope),
                go_quote(&meaning.location),
                meaning.insecure,
                meaning.blocked
            )?;
            for mirror in &meaning.mirrors {
                writeln!(
                    f,
                    "  mirror location={} insecure={} usage={}",
                    go_quote(&mirror.location),
                    mirror.insecure,
                    mirror.usage.as_str()
                )?;
            }
        }
        Ok(())
    }
}
