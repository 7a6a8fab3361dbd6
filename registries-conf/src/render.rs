//! Rendering /etc/containers/registries.conf (and the search-registries drop-in) from plain mirror rules, byte for
//! byte as OpenShift's machine-config-operator does (openshift/runtime-utils `EditRegistriesConfig`, encoded by
//! BurntSushi/toml).
//!
//! OpenShift finds entries by linear scan and tests nesting over all pairs; here entries are indexed by scope and a
//! scope's containers are found by walking its own `/`-prefixes and wildcard parents (module `render_scope`), so
//! rendering is O(total input length) hash lookups plus the sort of the sources.

use std::collections::HashMap;

use crate::encode::{Layout, encode, encode_search_registries_drop_in};
use crate::error::Error;
use crate::model::{Mirror, PullFromMirror, RegistriesConf, Registry};
use crate::render_merge::{MergedSet, merge_sets};
use crate::render_scope::{ScopeIndex, go_quote};
use crate::rules::{MirrorRules, validate};

/// Where the node keeps registries.conf.
pub const REGISTRIES_CONF_PATH: &str = "/etc/containers/registries.conf";
/// Where OpenShift writes `containerRuntimeSearchRegistries`.
pub const SEARCH_REGISTRIES_DROP_IN_PATH: &str =
    "/etc/containers/registries.conf.d/01-image-searchRegistries.conf";
/// The machine-config-operator template, kept verbatim when nothing asks for a regeneration (single quotes).
pub const TEMPLATE: &str =
    "unqualified-search-registries = ['registry.access.redhat.com', 'docker.io']\n";
/// The search registries of [`TEMPLATE`].
pub const TEMPLATE_SEARCH_REGISTRIES: [&str; 2] = ["registry.access.redhat.com", "docker.io"];

/// What the renderer produced for a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The bytes of /etc/containers/registries.conf.
    pub registries_conf: String,
    /// False when the node keeps [`TEMPLATE`] verbatim (no insecure, blocked or mirror set was given).
    pub regenerated: bool,
    /// The bytes of [`SEARCH_REGISTRIES_DROP_IN_PATH`], when search registries are set.
    pub search_registries_drop_in: Option<String>,
    /// The model `registries_conf` encodes.
    pub model: RegistriesConf,
    /// Things worth telling the operator that OpenShift does silently (e.g. a mirror order cycle broken).
    pub warnings: Vec<String>,
}

/// Validates `rules` as OpenShift does, then renders the node files in `layout`.
///
/// The output does not depend on the order of the mirror sets (only insecure/blocked order, which comes from one
/// object, shows in the file). Errors display exactly as the controller reports them.
pub fn render(rules: &MirrorRules, layout: Layout) -> Result<Rendered, Error> {
    if layout == Layout::Legacy
        && let Some(set) = rules.tag_mirror_sets.first()
    {
        return Err(Error::LegacyLayoutTagMirrors {
            index: 0,
            set_source: set.source.clone(),
        });
    }
    let search_registries_drop_in = rules
        .search_registries
        .as_deref()
        .map(|registries| encode_search_registries_drop_in(registries, layout));

    if !rules.regenerates() {
        let model = RegistriesConf {
            unqualified_search_registries: TEMPLATE_SEARCH_REGISTRIES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ..RegistriesConf::default()
        };
        return Ok(Rendered {
            registries_conf: TEMPLATE.to_string(),
            regenerated: false,
            search_registries_drop_in,
            model,
            warnings: Vec::new(),
        });
    }

    validate(rules)?;
    let digest = merge_sets(
        rules
            .digest_sets_in_order()
            .map(|(_, _, set, policy)| (set, policy)),
    );
    let tag = merge_sets(rules.tag_mirror_sets.iter().map(|set| (set, set.policy)));
    let warnings = digest
        .iter()
        .chain(&tag)
        .filter(|set| set.cycle_broken)
        .map(|set| {
            format!(
                "the mirror sets of source {} order their mirrors in conflicting ways; the cycle was broken in byte \
                 order (as OpenShift does)",
                go_quote(set.source)
            )
        })
        .collect();

    let registries = edit_registries(
        rules.insecure.as_deref().unwrap_or_default(),
        rules.blocked.as_deref().unwrap_or_default(),
        &digest,
        &tag,
    )
    .map_err(|message| Error::InvalidRules {
        field: String::new(),
        message,
    })?;
    // The merged sets only borrow the rules, but their lists are sizeable: free them before encoding.
    drop((digest, tag));

    let mut model = RegistriesConf {
        unqualified_search_registries: TEMPLATE_SEARCH_REGISTRIES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        registries,
        ..RegistriesConf::default()
    };
    if layout == Layout::Legacy {
        to_legacy_layout(&mut model);
    }
    Ok(Rendered {
        registries_conf: encode(&model, layout),
        regenerated: true,
        search_registries_drop_in,
        model,
        warnings,
    })
}

/// Before per-mirror `pull-from-mirror`, OpenShift marked the registry `mirror-by-digest-only` instead (every
/// mirror was a digest mirror then).
fn to_legacy_layout(model: &mut RegistriesConf) {
    for registry in &mut model.registries {
        if !registry.mirrors.is_empty() {
            registry.mirror_by_digest_only = true;
            for mirror in &mut registry.mirrors {
                mirror.pull_from_mirror = PullFromMirror::Unset;
            }
        }
    }
}

/// runtime-utils `EditRegistriesConfig` on a file with no `[[registry]]` yet; `Err` carries OpenShift's message.
pub(crate) fn edit_registries<'a>(
    insecure: &'a [String],
    blocked: &'a [String],
    digest: &[MergedSet<'a>],
    tag: &[MergedSet<'a>],
) -> Result<Vec<Registry>, String> {
    // At most one entry per source and per blocked/insecure scope: reserving up front avoids the doubling
    // growth (and its transient copies) on large inputs.
    let mut book =
        Entries::with_capacity(digest.len() + tag.len() + blocked.len() + insecure.len());

    for (sets, pull_from_mirror) in [
        (digest, PullFromMirror::DigestOnly),
        (tag, PullFromMirror::TagOnly),
    ] {
        for set in sets {
            let entry = book.entry(set.source);
            let registry = &mut book.registries[entry];
            registry.blocked |= set.never_contact_source;
            registry.mirrors.reserve_exact(set.mirrors.len());
            registry
                .mirrors
                .extend(set.mirrors.iter().map(|location| Mirror {
                    location: location.to_string(),
                    insecure: false,
                    pull_from_mirror,
                }));
        }
    }
    // Blocked entries come before insecure ones (OpenShift does so to mark `*.blocked.insecure.com` both ways).
    for scope in blocked.iter().chain(insecure) {
        book.entry(scope);
    }

    // Flags: a registry is insecure (blocked) iff its scope is nested in some insecure (blocked) scope; a mirror is
    // insecure iff its location is. Every entry and mirror exists by now, so the order OpenShift walks in is moot.
    let insecure_scopes = index_of(insecure);
    let blocked_scopes = index_of(blocked);
    for (registry, scope) in book.registries.iter_mut().zip(&book.scopes) {
        if insecure_scopes.contains_nested(scope) {
            registry.insecure = true;
        }
        if blocked_scopes.contains_nested(scope) {
            registry.blocked = true;
        }
        if !insecure_scopes.is_empty() {
            for mirror in &mut registry.mirrors {
                if insecure_scopes.contains_nested(&mirror.location) {
                    mirror.insecure = true;
                }
            }
        }
    }

    // Nested scopes: OpenShift walks digest then tag sources (each in byte order) and gives every mirror-less
    // registry nested in the source a copy of the source's mirrors. The first source in that walk that contains a
    // registry is the one it copies from; a source always has mirrors, so later ones see it filled.
    let mut source_rank: ScopeIndex<'a, usize> = ScopeIndex::new();
    let walk: Vec<&'a str> = digest.iter().chain(tag).map(|set| set.source).collect();
    for (rank, source) in walk.iter().enumerate() {
        source_rank.insert(source, rank);
    }
    let mut first_wildcard_failure: Option<usize> = None;
    for entry in 0..book.registries.len() {
        if !book.registries[entry].mirrors.is_empty() {
            continue;
        }
        let scope = book.scopes[entry];
        let mut first: Option<usize> = None;
        source_rank.for_each_container(scope, |source, rank| {
            if source != scope {
                first = Some(first.map_or(rank, |r| r.min(rank)));
            }
        });
        let Some(rank) = first else { continue };
        let source = walk[rank];
        if source.starts_with("*.") {
            first_wildcard_failure = Some(first_wildcard_failure.map_or(rank, |r| r.min(rank)));
            continue;
        }
        let adjustment = &scope[source.len()..];
        let parent = book.index[source];
        let copied: Vec<Mirror> = book.registries[parent]
            .mirrors
            .iter()
            .map(|mirror| Mirror {
                location: format!("{}{adjustment}", mirror.location),
                ..mirror.clone()
            })
            .collect();
        book.registries[entry].mirrors = copied;
    }
    if let Some(rank) = first_wildcard_failure {
        return Err(format!(
            "internal error: mirrorsAdjustedForNestedScope for a wildcard scope {}",
            go_quote(walk[rank])
        ));
    }
    Ok(book.registries)
}

fn index_of(scopes: &[String]) -> ScopeIndex<'_, ()> {
    let mut index = ScopeIndex::new();
    for scope in scopes {
        index.insert(scope.as_str(), ());
    }
    index
}

/// `[[registry]]` entries in creation order, indexed by scope.
struct Entries<'a> {
    registries: Vec<Registry>,
    scopes: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Entries<'a> {
    fn with_capacity(capacity: usize) -> Self {
        Entries {
            registries: Vec::with_capacity(capacity),
            scopes: Vec::with_capacity(capacity),
            index: HashMap::with_capacity(capacity),
        }
    }

    /// The entry for `scope`, created (wildcard: `prefix`; otherwise `location`) if missing.
    fn entry(&mut self, scope: &'a str) -> usize {
        if let Some(&entry) = self.index.get(scope) {
            return entry;
        }
        let registry = if scope.starts_with("*.") {
            Registry {
                prefix: scope.to_string(),
                ..Registry::default()
            }
        } else {
            Registry {
                location: scope.to_string(),
                ..Registry::default()
            }
        };
        self.registries.push(registry);
        self.scopes.push(scope);
        self.index.insert(scope, self.registries.len() - 1);
        self.registries.len() - 1
    }
}
