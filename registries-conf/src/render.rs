//! Rendering /etc/containers/registries.conf (and the search-registries drop-in) from plain mirror rules, byte for
//! byte as OpenShift's machine-config-operator does (openshift/runtime-utils `EditRegistriesConfig`, encoded by
//! BurntSushi/toml).
//!
//! OpenShift finds entries by linear scan and tests nesting over all pairs; here entries are indexed by scope and a
//! scope's containers are found by walking its own `/`-prefixes and wildcard parents (module `scope_index`), so
//! rendering is O(total input length) hash lookups plus the sort of the sources.
//!
//! Memory: the `[[registry]]` tables are built as a view that borrows every string from the rules (a nested scope's
//! copied mirror is the parent's mirror plus the scope's extra path, both borrowed) and encoded straight from that
//! view, so a render allocates about the output text plus a few words per entry and mirror. The owned
//! [`RegistriesConf`] is built only on request ([`render_model`]).

use crate::encode::{
    Document, Encoder, Layout, MirrorLine, Sink, TableHead, encode_into,
    encode_search_registries_drop_in, encode_sized, encoded_len,
};
use crate::error::{Error, ErrorKind};
use crate::model::{Mirror, PullFromMirror, RegistriesConf, Registry};
use crate::render_merge::{MergedSets, merge_sets};
use crate::rules::MirrorRules;
use crate::scope_index::{FnvBuild, ScopeIndex, Scopes};
use go_compat::quote as go_quote;

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

/// What the renderer produced for a node: registries.conf as its text ([`render`]), or as a
/// [`RegistriesConfText`] that writes the same text on demand ([`render_unencoded`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered<T = String> {
    /// The bytes of /etc/containers/registries.conf.
    pub registries_conf: T,
    /// False when the node keeps [`TEMPLATE`] verbatim (no insecure, blocked or mirror set was given).
    pub regenerated: bool,
    /// The bytes of [`SEARCH_REGISTRIES_DROP_IN_PATH`], when search registries are set.
    pub search_registries_drop_in: Option<String>,
    /// Things worth telling the operator that OpenShift does silently (e.g. a mirror order cycle broken).
    pub warnings: Vec<RenderWarning>,
}

/// Something the renderer did that OpenShift does silently.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenderWarning {
    /// The mirror sets of `source` order their mirrors in conflicting ways; the cycle was broken in byte order.
    CycleBroken {
        /// The source scope.
        source: String,
    },
}

impl std::fmt::Display for RenderWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderWarning::CycleBroken { source } => write!(
                f,
                "the mirror sets of source {} order their mirrors in conflicting ways; the cycle was broken in byte \
                 order (as OpenShift does)",
                go_quote(source)
            ),
        }
    }
}

impl Rendered {
    /// The `[[registry]]` tables of `registries_conf`: the text from the first table to the end, or `None` when the
    /// file has no table (the template, or nothing to mirror, block or mark insecure). Before the first table the
    /// renderer writes only fixed header keys, so the first `[[registry]]` in the text is the first table.
    pub fn registry_tables(&self) -> Option<&str> {
        registry_tables(&self.registries_conf)
    }
}

/// The `[[registry]]` tables of a registries.conf the renderer wrote (as [`Rendered::registry_tables`]).
pub fn registry_tables(registries_conf: &str) -> Option<&str> {
    let start = registries_conf.find("[[registry]]")?;
    Some(&registries_conf[start..])
}

/// Validates `rules` as OpenShift does, then renders the node files in `layout`.
///
/// The output does not depend on the order of the mirror sets (only insecure/blocked order, which comes from one
/// object, shows in the file). Errors display exactly as the controller reports them.
pub fn render(rules: &MirrorRules, layout: Layout) -> Result<Rendered, Error> {
    let unencoded = render_unencoded(rules, layout)?;
    Ok(Rendered {
        registries_conf: unencoded.registries_conf.to_text(),
        regenerated: unencoded.regenerated,
        search_registries_drop_in: unencoded.search_registries_drop_in,
        warnings: unencoded.warnings,
    })
}

/// [`render`], with registries.conf kept as the tables it is encoded from: its size is counted, and
/// [`RegistriesConfText::write_to`] writes the text [`render`] returns, into a file or anything else, a block at a
/// time. At 100 000 sources the text is 22 MB, twice the objects it comes from; this is how it is written without
/// ever being held whole. Validates and fails exactly as [`render`] does.
pub fn render_unencoded(
    rules: &MirrorRules,
    layout: Layout,
) -> Result<Rendered<RegistriesConfText<'_>>, Error> {
    let planned = plan(rules, layout)?;
    let search_registries_drop_in = rules
        .search_registries
        .as_deref()
        .map(|registries| encode_search_registries_drop_in(registries, layout));
    let regenerated = planned.tables.is_some();
    let registries_conf = RegistriesConfText::new(planned.tables, layout);
    Ok(Rendered {
        registries_conf,
        regenerated,
        search_registries_drop_in,
        warnings: planned.warnings,
    })
}

/// registries.conf as [`render_unencoded`] plans it: the template, or `[[registry]]` tables borrowing the rules'
/// strings, with the size of their text.
pub struct RegistriesConfText<'r> {
    tables: Option<Tables<'r>>,
    layout: Layout,
    /// Counted when first asked: counting is a pass over the whole text.
    len: std::cell::OnceCell<usize>,
}

impl<'r> RegistriesConfText<'r> {
    fn new(tables: Option<Tables<'r>>, layout: Layout) -> Self {
        RegistriesConfText {
            tables,
            layout,
            len: std::cell::OnceCell::new(),
        }
    }

    /// The size of the text, in bytes (counted once, by a pass that writes nothing).
    pub fn len(&self) -> usize {
        *self.len.get_or_init(|| match &self.tables {
            None => TEMPLATE.len(),
            Some(tables) => encoded_len(&TablesDocument {
                tables,
                layout: self.layout,
            }),
        })
    }

    /// Whether the text is empty (it never is: even the template has a line).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the text into `out`, a block at a time; the same bytes every time.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match &self.tables {
            None => out.write_all(TEMPLATE.as_bytes()),
            Some(tables) => encode_into(
                &TablesDocument {
                    tables,
                    layout: self.layout,
                },
                out,
            ),
        }
    }

    /// The whole text, as [`render`] returns it.
    pub fn to_text(&self) -> String {
        match &self.tables {
            None => TEMPLATE.to_owned(),
            Some(tables) => encode_sized(
                &TablesDocument {
                    tables,
                    layout: self.layout,
                },
                self.len(),
            ),
        }
    }
}

impl std::fmt::Debug for RegistriesConfText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistriesConfText")
            .field("len", &self.len.get())
            .field("regenerated", &self.tables.is_some())
            .finish()
    }
}

/// The model [`render`]'s `registries_conf` encodes (for the template: its search registries only), with every
/// string owned. Validates and fails exactly as [`render`] does. It costs about as much memory again as the text;
/// [`render`] never builds it.
pub fn render_model(rules: &MirrorRules, layout: Layout) -> Result<RegistriesConf, Error> {
    let planned = plan(rules, layout)?;
    Ok(RegistriesConf {
        unqualified_search_registries: TEMPLATE_SEARCH_REGISTRIES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        registries: planned
            .tables
            .map(|tables| tables.to_registries(layout))
            .unwrap_or_default(),
        ..RegistriesConf::default()
    })
}

/// What [`render`] and [`render_model`] share: the tables (`None`: the node keeps the template) and the warnings.
struct Plan<'a> {
    tables: Option<Tables<'a>>,
    warnings: Vec<RenderWarning>,
}

fn plan(rules: &MirrorRules, layout: Layout) -> Result<Plan<'_>, Error> {
    if layout == Layout::Legacy
        && let Some(set) = rules.tag_mirror_sets.first()
    {
        return Err(Error::new(ErrorKind::LegacyLayoutTagMirrors {
            index: 0,
            set_source: set.source.clone(),
        }));
    }
    if !rules.regenerates() {
        return Ok(Plan {
            tables: None,
            warnings: Vec::new(),
        });
    }

    rules.validate()?;
    let digest = merge_sets(
        rules
            .digest_sets_in_order()
            .map(|(_, _, set, policy)| (set, policy)),
    );
    let tag = merge_sets(rules.tag_mirror_sets.iter().map(|set| (set, set.policy)));
    let warnings = digest
        .sets
        .iter()
        .chain(&tag.sets)
        .filter(|set| set.cycle_broken)
        .map(|set| RenderWarning::CycleBroken {
            source: set.source().to_owned(),
        })
        .collect();

    let tables = Tables::build(
        rules.insecure.as_deref().unwrap_or_default(),
        rules.blocked.as_deref().unwrap_or_default(),
        digest,
        tag,
    )
    .map_err(|message| {
        Error::new(ErrorKind::InvalidRules {
            field: String::new(),
            message,
        })
    })?;
    Ok(Plan {
        tables: Some(tables),
        warnings,
    })
}

/// No set, no entry (an index that is never valid).
const NONE: u32 = u32::MAX;

/// The `[[registry]]` tables runtime-utils `EditRegistriesConfig` makes on a file with no `[[registry]]` yet, as a
/// view over the rules' strings.
pub(crate) struct Tables<'a> {
    /// In creation order (the file's order).
    entries: Vec<Entry<'a>>,
    /// Digest mirror sets merged per source; entries point into them.
    digest: MergedSets<'a>,
    /// Tag mirror sets merged per source.
    tag: MergedSets<'a>,
    /// For each mirror of `digest.mirrors`: its location is nested in an insecure scope (empty: none is).
    digest_insecure: Vec<bool>,
    /// The same for `tag.mirrors`.
    tag_insecure: Vec<bool>,
}

/// One `[[registry]]` table.
struct Entry<'a> {
    /// Its scope: the `prefix` of a wildcard entry, else the `location`.
    scope: &'a str,
    /// The digest set of this source (index in `Tables::digest.sets`), or [`NONE`].
    digest: u32,
    /// The tag set of this source, or [`NONE`].
    tag: u32,
    /// For a mirrorless scope nested in a source: that source's entry, whose mirrors it copies with its own extra
    /// path appended; else [`NONE`].
    copies: u32,
    /// `insecure`.
    insecure: bool,
    /// `blocked`.
    blocked: bool,
}

impl Entry<'_> {
    fn has_own_mirrors(&self) -> bool {
        // A merged set always has a mirror.
        self.digest != NONE || self.tag != NONE
    }
}

impl<'a> Tables<'a> {
    /// Builds the tables; `Err` carries OpenShift's message.
    pub(crate) fn build(
        insecure: &'a [String],
        blocked: &'a [String],
        digest: MergedSets<'a>,
        tag: MergedSets<'a>,
    ) -> Result<Self, String> {
        // At most one entry per source and per blocked/insecure scope: reserving up front avoids the doubling
        // growth (and its transient copies) on large inputs. One index of every entry's scope serves both finding
        // an entry by scope and, below, finding the sources that contain a scope (two would hold the sources twice).
        let capacity = digest.sets.len() + tag.sets.len() + blocked.len() + insecure.len();
        let mut entries: Vec<Entry<'a>> = Vec::with_capacity(capacity);
        let mut index = ScopeIndex::<FnvBuild>::with_capacity(capacity);
        for (set_index, set) in digest.sets.iter().enumerate() {
            let entry = entry_of(&mut entries, &mut index, set.source());
            entries[entry].digest = set_index as u32;
            entries[entry].blocked |= set.never_contact_source;
        }
        for (set_index, set) in tag.sets.iter().enumerate() {
            let entry = entry_of(&mut entries, &mut index, set.source());
            entries[entry].tag = set_index as u32;
            entries[entry].blocked |= set.never_contact_source;
        }
        // Blocked entries come before insecure ones (OpenShift does so to mark `*.blocked.insecure.com` both ways).
        for scope in blocked.iter().chain(insecure) {
            entry_of(&mut entries, &mut index, scope);
        }

        // Flags: a registry is insecure (blocked) iff its scope is nested in some insecure (blocked) scope; a mirror
        // is insecure iff its location is. Every entry and mirror exists by now, so the order OpenShift walks in is
        // moot. Nested copies (below) take the flags of the mirrors they copy, as OpenShift copies them.
        let insecure_scopes = index_of(insecure);
        let blocked_scopes = index_of(blocked);
        for entry in &mut entries {
            entry.insecure |= insecure_scopes.contains_nested(insecure, entry.scope);
            entry.blocked |= blocked_scopes.contains_nested(blocked, entry.scope);
        }
        let insecure_mirrors = |sets: &MergedSets<'a>| -> Vec<bool> {
            if insecure_scopes.is_empty() {
                return Vec::new();
            }
            sets.all_mirrors()
                .map(|location| insecure_scopes.contains_nested(insecure, location))
                .collect()
        };
        let digest_insecure = insecure_mirrors(&digest);
        let tag_insecure = insecure_mirrors(&tag);

        // Nested scopes: OpenShift walks digest then tag sources (each in byte order) and gives every mirror-less
        // registry nested in the source a copy of the source's mirrors. The first source in that walk that contains
        // a registry is the one it copies from; a source always has mirrors, so later ones see it filled.
        // The entries were made in that walk's order (digest sources, then the tag sources not already made), so
        // the first source in the walk is the source entry with the smallest index; the other entries the index
        // visits (the registry itself, blocked/insecure scopes) have no mirrors of their own.
        let mut first_wildcard_failure: Option<u32> = None;
        for e in 0..entries.len() {
            if entries[e].has_own_mirrors() {
                continue;
            }
            let mut first: Option<u32> = None;
            index.for_each_container(&entries[..], entries[e].scope, |container| {
                if entries[container as usize].has_own_mirrors() {
                    first = Some(first.map_or(container, |f| f.min(container)));
                }
            });
            let Some(source) = first else { continue };
            if entries[source as usize].scope.starts_with("*.") {
                first_wildcard_failure =
                    Some(first_wildcard_failure.map_or(source, |f| f.min(source)));
                continue;
            }
            entries[e].copies = source;
        }
        if let Some(source) = first_wildcard_failure {
            return Err(format!(
                "internal error: mirrorsAdjustedForNestedScope for a wildcard scope {}",
                go_quote(entries[source as usize].scope)
            ));
        }
        Ok(Tables {
            entries,
            digest,
            tag,
            digest_insecure,
            tag_insecure,
        })
    }

    /// How many tables there are.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The prefix containers/image sees for table `entry` (its `prefix`, or its `location` when no prefix is set):
    /// the entry's scope either way.
    pub(crate) fn prefix(&self, entry: usize) -> &'a str {
        self.entries[entry].scope
    }

    /// The head of table `entry` as `layout` writes it.
    fn head(&self, entry: usize, layout: Layout) -> TableHead<'a> {
        let e = &self.entries[entry];
        let wildcard = e.scope.starts_with("*.");
        TableHead {
            prefix: if wildcard { e.scope } else { "" },
            location: if wildcard { "" } else { e.scope },
            insecure: e.insecure,
            blocked: e.blocked,
            // Before per-mirror `pull-from-mirror`, OpenShift marked the registry `mirror-by-digest-only` instead
            // (every mirror was a digest mirror then).
            mirror_by_digest_only: layout == Layout::Legacy
                && (e.has_own_mirrors() || e.copies != NONE),
        }
    }

    /// The mirrors of table `entry`, in the order they are tried, as `layout` writes them.
    fn mirrors(&self, entry: usize, layout: Layout) -> impl Iterator<Item = MirrorLine<'a>> + '_ {
        let e = &self.entries[entry];
        let (owner, location_suffix) = match e.copies {
            NONE => (e, ""),
            parent => {
                let parent = &self.entries[parent as usize];
                (parent, &e.scope[parent.scope.len()..])
            }
        };
        let digest = Self::set_mirrors(&self.digest, &self.digest_insecure, owner.digest);
        let tag = Self::set_mirrors(&self.tag, &self.tag_insecure, owner.tag);
        let line = move |pull_from_mirror| {
            move |(location, insecure): (&'a str, bool)| MirrorLine {
                location,
                location_suffix,
                insecure,
                pull_from_mirror: match layout {
                    Layout::Current => pull_from_mirror,
                    Layout::Legacy => PullFromMirror::Unset,
                },
            }
        };
        digest
            .map(line(PullFromMirror::DigestOnly))
            .chain(tag.map(line(PullFromMirror::TagOnly)))
    }

    /// The mirrors of set `set` of `sets` (none for [`NONE`]) with their insecure flags.
    fn set_mirrors<'t>(
        sets: &'t MergedSets<'a>,
        insecure: &'t [bool],
        set: u32,
    ) -> impl Iterator<Item = (&'a str, bool)> + 't {
        sets.sets
            .get(set as usize)
            .into_iter()
            .flat_map(move |set| {
                sets.mirrors_of(set)
                    .zip(set.numbers())
                    .map(move |(location, n)| (location, insecure.get(n).copied().unwrap_or(false)))
            })
    }

    /// Table `entry` as an owned [`Registry`].
    pub(crate) fn registry(&self, entry: usize, layout: Layout) -> Registry {
        let head = self.head(entry, layout);
        Registry {
            prefix: head.prefix.to_string(),
            location: head.location.to_string(),
            insecure: head.insecure,
            blocked: head.blocked,
            mirror_by_digest_only: head.mirror_by_digest_only,
            mirrors: self
                .mirrors(entry, layout)
                .map(|mirror| Mirror {
                    location: [mirror.location, mirror.location_suffix].concat(),
                    insecure: mirror.insecure,
                    pull_from_mirror: mirror.pull_from_mirror,
                })
                .collect(),
        }
    }

    /// Every table as an owned [`Registry`].
    fn to_registries(&self, layout: Layout) -> Vec<Registry> {
        (0..self.len())
            .map(|entry| self.registry(entry, layout))
            .collect()
    }
}

/// The whole file: the header OpenShift writes, then the tables.
struct TablesDocument<'t, 'a> {
    tables: &'t Tables<'a>,
    layout: Layout,
}

impl Document for TablesDocument<'_, '_> {
    fn write_to<S: Sink>(&self, out: &mut Encoder<S>) {
        out.search_registries(&TEMPLATE_SEARCH_REGISTRIES);
        out.header_tail(&[], "", "", self.layout);
        for entry in 0..self.tables.len() {
            out.table_head(&self.tables.head(entry, self.layout));
            for mirror in self.tables.mirrors(entry, self.layout) {
                out.mirror(&mirror);
            }
        }
    }
}

/// The entry for `scope`, created if missing.
fn entry_of<'a>(
    entries: &mut Vec<Entry<'a>>,
    index: &mut ScopeIndex<FnvBuild>,
    scope: &'a str,
) -> usize {
    let next = u32::try_from(entries.len()).expect("fewer than 2^32 entries");
    let entry = index.get_or_insert(&entries[..], scope, next);
    if entry == next {
        entries.push(Entry {
            scope,
            digest: NONE,
            tag: NONE,
            copies: NONE,
            insecure: false,
            blocked: false,
        });
    }
    entry as usize
}

/// The index of a list of scopes (`insecure`, `blocked`), by their place in it.
fn index_of(scopes: &[String]) -> ScopeIndex<FnvBuild> {
    let mut index = ScopeIndex::with_capacity(scopes.len());
    for (i, scope) in (0u32..).zip(scopes) {
        index.insert(scopes, scope, i);
    }
    index
}

impl Scopes for [Entry<'_>] {
    fn scope(&self, i: u32) -> &str {
        self[i as usize].scope
    }
}
