//! The ordered pull sources containers/image (5.23, the docker:// transport) tries for an image reference.
//!
//! The rules, with the surprising ones, are in spec 05; in short:
//! - the entry whose prefix matches the reference's name and is the longest (`len(prefix)`) wins; between a
//!   wildcard and an exact prefix of the same length, the one first in sorted (byte) order, so `*.x` wins;
//! - a prefix matches at a `:`, `/` or `@` boundary, so `example.com` matches `example.com:5000/…` and the port is
//!   carried into the rewritten reference; `*.example.com` only looks at the first occurrence of `.example.com`;
//! - mirrors come first (filtered by `mirror-by-digest-only` / `pull-from-mirror`), the primary last; every
//!   rewritten reference must be canonical, else the whole pull fails before any attempt;
//! - `blocked` is checked per source on the *rewritten* reference; `insecure` of a mirror is the mirror's own, of
//!   the primary the matching entry's.
//!
//! Lookups use the crate's scope index (a hash of every prefix, and of every wildcard's domain suffix) instead of
//! scanning all entries: a name is looked up at each of its `:`, `/`, `@` boundaries and at each `.` of its host, so
//! the cost is O(length of the reference), not O(number of entries).

use std::hash::RandomState;

use image_ref::Reference;

use crate::error::{Error, ErrorKind};
use crate::model::{RegistriesConf, Registry};
use crate::scope_index::{ScopeIndex, Scopes};
use crate::validate::dedup_and_sort;

/// Where containers/image says a blocked registry is configured, by default (skopeo run by a user with no
/// `~/.config/containers/registries.conf`).
pub const DEFAULT_CONFIG_PATH: &str = "/etc/containers/registries.conf";
/// The drop-in folder containers/image names in the blocked message by default: the *user* one.
pub const DEFAULT_CONFIG_DIR_PATH: &str = "$HOME/.config/containers/registries.conf.d";

/// One place containers/image would try to pull from, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullSource {
    /// The (rewritten) reference, fully qualified, e.g. `mirror.example.net/ns/app:1`.
    pub reference: String,
    /// Whether this is a mirror (every source but the last).
    pub is_mirror: bool,
    /// Whether plain HTTP and unverified TLS are allowed for this attempt.
    pub insecure: bool,
    /// Set when the attempt fails at once because the rewritten reference falls under a blocked entry.
    pub blocked: Option<Blocked>,
}

/// Why a pull source is blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// The prefix of the blocked entry that matches the rewritten reference.
    pub prefix: String,
    /// containers/image's message, e.g. `registry example.com is blocked in /etc/containers/registries.conf or
    /// $HOME/.config/containers/registries.conf.d`.
    pub message: String,
}

/// A validated configuration, indexed for lookups.
#[derive(Debug, Clone)]
pub struct Resolver {
    /// Deduplicated by prefix and sorted, as containers/image keeps them.
    registries: Vec<Registry>,
    /// Every prefix's index in `registries`, hashed with a keyed hash: the file may come from a hostile node.
    index: ScopeIndex<RandomState>,
    /// Whether any entry is blocked (else the per-source blocked lookup is skipped).
    any_blocked: bool,
    /// Wildcards with `:`, `/` or `@` (refused by the validator, matched by a scan if given anyway).
    odd_wildcards: Vec<usize>,
    config_path: String,
    config_dir_path: String,
}

impl Resolver {
    /// Indexes a configuration; give it [`crate::validate`]'s output (entries are deduplicated and sorted
    /// here again, which changes nothing for a validated one).
    pub fn new(config: &RegistriesConf) -> Resolver {
        Resolver::from_registries(config.registries.clone())
    }

    /// [`Resolver::new`] for the entries alone.
    pub(crate) fn from_registries(registries: Vec<Registry>) -> Resolver {
        let registries = dedup_and_sort(registries);
        let mut index = ScopeIndex::with_capacity(registries.len());
        let mut odd_wildcards = Vec::new();
        for (i, reg) in registries.iter().enumerate() {
            if reg.prefix.starts_with("*.") && reg.prefix.contains([':', '/', '@']) {
                odd_wildcards.push(i);
            } else {
                let number = u32::try_from(i)
                    .expect("fewer than 2^32 entries (files are bounded far below)");
                index.insert(&registries[..], &reg.prefix, number);
            }
        }
        Resolver {
            any_blocked: registries.iter().any(|r| r.blocked),
            registries,
            index,
            odd_wildcards,
            config_path: DEFAULT_CONFIG_PATH.to_owned(),
            config_dir_path: DEFAULT_CONFIG_DIR_PATH.to_owned(),
        }
    }

    /// Sets the two places the blocked message names (containers/image's `ConfigPath` and `ConfigDirPath`).
    pub fn with_config_paths(mut self, config_path: &str, config_dir_path: &str) -> Resolver {
        config_path.clone_into(&mut self.config_path);
        config_dir_path.clone_into(&mut self.config_dir_path);
        self
    }

    /// The entries, deduplicated by prefix and sorted, as containers/image keeps them.
    pub fn registries(&self) -> &[Registry] {
        &self.registries
    }

    /// The entry containers/image's `FindRegistry` picks for a repository name (`domain/path`, no tag or digest).
    pub fn find_registry(&self, name: &str) -> Option<&Registry> {
        self.find_index(name).map(|i| &self.registries[i])
    }

    /// The same answer as [`Resolver::find_registry`], by scanning every entry as containers/image does. Slow; kept
    /// as the reference the index is tested against.
    pub fn find_registry_by_scan(&self, name: &str) -> Option<&Registry> {
        let mut best: Option<&Registry> = None;
        for reg in &self.registries {
            if matching_prefix_len(name, &reg.prefix).is_some()
                && reg.prefix.len() > best.map_or(0, |b| b.prefix.len())
            {
                best = Some(reg);
            }
        }
        best
    }

    fn find_index(&self, name: &str) -> Option<usize> {
        // (length of the prefix, index); the same length goes to the prefix first in byte order.
        let mut best: Option<(usize, usize)> = None;
        let mut consider = |index: usize| {
            let len = self.registries[index].prefix.len();
            let better = match best {
                None => len > 0,
                Some((best_len, best_index)) => {
                    len > best_len
                        || (len == best_len
                            && self.registries[index].prefix < self.registries[best_index].prefix)
                }
            };
            if better {
                best = Some((len, index));
            }
        };
        self.index
            .for_each_matching_prefix(&self.registries[..], name, |i| consider(i as usize));
        for &i in &self.odd_wildcards {
            if matching_prefix_len(name, &self.registries[i].prefix).is_some() {
                consider(i);
            }
        }
        best.map(|(_, i)| i)
    }

    /// The pull sources for `reference` (as typed: short names are normalised), in the order they are tried.
    ///
    /// Errors are those that stop the pull before any attempt: an invalid reference, a tag and a digest together,
    /// or a rewrite into an invalid reference. A blocked source is not an error: it is marked.
    pub fn pull_sources(&self, reference: &str) -> Result<Vec<PullSource>, Error> {
        let logical = Reference::parse_normalized(reference)
            .and_then(check_name_length)
            .map_err(|source| {
                Error::new(ErrorKind::InvalidReference {
                    reference: reference.to_owned(),
                    source,
                })
            })?;
        if logical.tag().is_some() && logical.digest().is_some() {
            return Err(Error::new(ErrorKind::TagAndDigest {
                reference: reference.to_owned(),
            }));
        }
        let logical = logical.with_default_tag();
        let name = logical.name();
        let full = logical.to_string();
        let Some(index) = self.find_index(&name) else {
            // No entry: the reference itself, never blocked, never insecure.
            return Ok(vec![PullSource {
                reference: full,
                is_mirror: false,
                insecure: false,
                blocked: None,
            }]);
        };
        let reg = &self.registries[index];
        let mut sources = Vec::with_capacity(reg.mirrors.len() + 1);
        for mirror in reg.mirrors_for(logical.digest().is_some()) {
            let (reference, physical) = rewrite(&full, &reg.prefix, &mirror.location)?;
            sources.push((reference, physical, true, mirror.insecure));
        }
        let (primary, physical) = rewrite(&full, &reg.prefix, &reg.location)?;
        sources.push((primary, physical, false, reg.insecure));
        Ok(sources
            .into_iter()
            .map(|(reference, physical, is_mirror, insecure)| PullSource {
                // Checked on the physical (rewritten) reference's name, as containers/image does per attempt.
                blocked: if self.any_blocked {
                    self.blocked(&physical.map_or_else(|| name.clone(), |r| r.name()))
                } else {
                    None
                },
                reference,
                is_mirror,
                insecure,
            })
            .collect())
    }

    fn blocked(&self, physical_name: &str) -> Option<Blocked> {
        let reg = self.find_registry(physical_name)?;
        reg.blocked.then(|| Blocked {
            prefix: reg.prefix.clone(),
            message: format!(
                "registry {} is blocked in {} or {}",
                reg.prefix, self.config_path, self.config_dir_path
            ),
        })
    }
}

/// containers/image's `rewriteReference`: the matched prefix of `full` replaced by `location`, which must give a
/// canonical reference. An empty location (a wildcard entry's primary) keeps the reference (`None`).
fn rewrite(full: &str, prefix: &str, location: &str) -> Result<(String, Option<Reference>), Error> {
    if location.is_empty() {
        return Ok((full.to_owned(), None));
    }
    let cut = matching_prefix_len(full, prefix).unwrap_or(prefix.len().min(full.len()));
    let rewritten = format!("{location}{}", &full[cut..]);
    match Reference::parse_canonical(&rewritten).and_then(check_name_length) {
        Ok(r) => Ok((rewritten, Some(r))),
        Err(source) => Err(Error::new(ErrorKind::Rewrite {
            prefix: prefix.to_owned(),
            rewritten,
            source,
        })),
    }
}

/// docker/distribution (as vendored by containers/image 5.23 to 5.35) limits the whole name, domain included, to 255
/// characters; image-ref limits only the path, so the rest is checked here.
fn check_name_length(reference: Reference) -> Result<Reference, image_ref::Error> {
    let length = reference.domain().len() + 1 + reference.path().len();
    if !reference.domain().is_empty() && length > image_ref::NAME_TOTAL_LENGTH_MAX {
        return Err(image_ref::Error::NameTooLong { length });
    }
    Ok(reference)
}

/// containers/image's `refMatchingPrefix`: the length of `reference` that `prefix` matches, if it does.
pub fn matching_prefix_len(reference: &str, prefix: &str) -> Option<usize> {
    if let Some(suffix) = prefix.strip_prefix('*').filter(|s| s.starts_with('.')) {
        let index = reference.find(suffix)?;
        if reference[..index].contains('/') {
            return None;
        }
        let end = index + suffix.len();
        return (end == reference.len() || matches!(reference.as_bytes()[end], b':' | b'/' | b'@'))
            .then_some(end);
    }
    let len = prefix.len();
    if reference.len() < len || !reference.starts_with(prefix) {
        return None;
    }
    // "example.com" matching "example.com:5000" is unintended upstream ("DON'T RELY ON THE CURRENT BEHAVIOR").
    (reference.len() == len || matches!(reference.as_bytes()[len], b':' | b'/' | b'@'))
        .then_some(len)
}

impl Scopes for [Registry] {
    fn scope(&self, i: u32) -> &str {
        &self[i as usize].prefix
    }
}
