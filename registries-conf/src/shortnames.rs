//! Short names (`busybox`, `ubi9/ubi:9.4`) as containers/image's `shortnames.Resolve` turns them into the fully
//! qualified references a client tries, each with its own pull sources.
//!
//! In order (containers/image `pkg/shortnames`, `pkg/sysregistriesv2/shortnames.go`):
//! 1. A name whose first component holds `.` or `:` or is `localhost` is not short: it is the only candidate.
//! 2. An alias wins alone: first the alias cache file (`short-name-aliases.conf`, `/var/cache/containers/` for root,
//!    which CRI-O is), then `[aliases]` of registries.conf and its drop-ins (a later file's alias replaces an earlier
//!    one; an empty value removes it, in the cache file too). The input's tag and digest are carried over.
//! 3. Otherwise each of `unqualified-search-registries`, in order, prefixed to the input as typed
//!    (`docker.io/busybox` → `docker.io/library/busybox`). None set: an error.
//! 4. `short-name-mode`: `disabled` uses every candidate; `permissive` and `enforcing` prompt on a terminal when
//!    there is more than one; without a terminal `permissive` uses them all and `enforcing` fails. CRI-O (what
//!    OpenShift nodes pull with) always resolves with the mode disabled, whatever the file says, and drops the tag of
//!    a reference that also has a digest. `:latest` is added where there is neither tag nor digest.

use std::collections::BTreeMap;

use image_ref::Reference;
use toml_edit::Item;

use crate::error::{Error, ErrorKind};
use crate::model::RegistriesConf;
use crate::resolve::{PullSource, Resolver};
use crate::validate::{check_aliases, has_registry};

/// Where root's alias cache lives (containers/image `shortNameAliasesConfPath` for EUID 0).
pub const ROOT_SHORT_NAME_ALIASES_PATH: &str = "/var/cache/containers/short-name-aliases.conf";

/// `short-name-mode` of registries.conf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortNameMode {
    /// Every candidate is tried, in order, without asking.
    Disabled,
    /// On a terminal the user picks one of several candidates; otherwise every candidate is tried.
    Permissive,
    /// On a terminal the user picks one of several candidates; otherwise resolution fails.
    Enforcing,
}

impl ShortNameMode {
    /// The mode a registries.conf's `short-name-mode` value names; empty is containers/image's default,
    /// `permissive`. `None` for any other value (validation refuses it).
    pub fn from_config(value: &str) -> Option<ShortNameMode> {
        match value {
            "" | "permissive" => Some(ShortNameMode::Permissive),
            "disabled" => Some(ShortNameMode::Disabled),
            "enforcing" => Some(ShortNameMode::Enforcing),
            _ => None,
        }
    }

    /// The value as registries.conf spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ShortNameMode::Disabled => "disabled",
            ShortNameMode::Permissive => "permissive",
            ShortNameMode::Enforcing => "enforcing",
        }
    }
}

/// Which client resolves, which decides the mode and whether it can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortNameClient {
    /// CRI-O (the kubelet's pulls on a node): the mode is always `disabled`, every candidate is tried in order, and
    /// a tag beside a digest is dropped.
    CriO,
    /// podman, skopeo or buildah run without a terminal: the file's mode.
    NoTerminal,
    /// podman run on a terminal: the file's mode; with several candidates in `permissive` or `enforcing`, the user
    /// is asked to pick one.
    Terminal,
}

/// Why these candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rationale {
    /// The input names its registry: it is the only candidate.
    FullyQualified,
    /// An alias; `origin` is the alias cache file when it came from there, `None` for registries.conf and its
    /// drop-ins.
    Alias {
        /// The alias cache file that holds it, when it is not registries.conf.
        origin: Option<String>,
    },
    /// The `unqualified-search-registries`, in order.
    SearchRegistries,
}

/// One fully qualified reference a client would try for a short name, with the sources it pulls it from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The reference, e.g. `registry.access.redhat.com/busybox:latest`.
    pub reference: String,
    /// Its pull sources, in order, or why that pull fails before any attempt (a later candidate is still tried).
    pub pull_sources: Result<Vec<PullSource>, ErrorText>,
}

/// An error of one candidate's pull, kept as text (an [`Error`] is not `Clone`): containers/image's words and ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorText {
    /// This crate's message.
    pub message: String,
    /// containers/image's, where it has one.
    pub upstream: Option<String>,
}

/// What a client does with a short name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortNameResolution {
    /// The input as given.
    pub input: String,
    /// The mode resolution ran in (CRI-O: always `disabled`).
    pub mode: ShortNameMode,
    /// Why these candidates.
    pub rationale: Rationale,
    /// Whether the client asks the user to pick one candidate (podman on a terminal, several candidates, mode
    /// `permissive` or `enforcing`); otherwise it tries them in order until one pull succeeds.
    pub prompts: bool,
    /// The candidates, in the order they are tried (or offered).
    pub candidates: Vec<Candidate>,
}

/// Short-name aliases read from an alias cache file (`short-name-aliases.conf`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShortNameAliases {
    /// The file's path.
    pub path: String,
    /// Short name → fully qualified name; an empty value removes the alias.
    pub aliases: BTreeMap<String, String>,
}

/// Reads an alias cache file (`[aliases]` of short name = fully qualified name) and checks it as containers/image
/// does (`loadShortNameAliasConf`); errors say `loading short-name aliases config file "<path>": …`.
pub fn parse_short_name_aliases(path: &str, bytes: &[u8]) -> Result<ShortNameAliases, Error> {
    let fail =
        |message: String| Error::in_file(ErrorKind::ShortNameAliases { message }, path, false);
    if bytes.len() > crate::MAX_INPUT_BYTES {
        return Err(fail(format!(
            "the file is {} bytes, more than the limit of {} bytes",
            bytes.len(),
            crate::MAX_INPUT_BYTES
        )));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| fail("the file is not valid UTF-8".into()))?;
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let line = text[..at].matches('\n').count() + 1;
        fail(format!("toml: line {line}: {}", e.message().trim_end())).at(Some(line), None)
    })?;
    let mut aliases = BTreeMap::new();
    // BurntSushi/toml matches keys regardless of case; other keys are ignored, as containers/image ignores them.
    for (key, item) in doc.as_table().iter() {
        if !key.eq_ignore_ascii_case("aliases") {
            continue;
        }
        let Some(table) = item.as_table_like() else {
            return Err(fail("aliases: expected a table".into()));
        };
        for (name, value) in table.iter() {
            let Some(value) = value.as_str().or_else(|| match value {
                Item::Value(v) => v.as_str(),
                _ => None,
            }) else {
                return Err(fail(format!("aliases.{name}: expected a string")));
            };
            aliases.insert(name.to_owned(), value.to_owned());
        }
    }
    check_aliases(&aliases).map_err(fail)?;
    Ok(ShortNameAliases {
        path: path.to_owned(),
        aliases,
    })
}

/// A validated configuration's short-name settings, with the alias cache file when there is one, ready to resolve
/// short names through a [`Resolver`] of the same configuration.
#[derive(Debug, Clone)]
pub struct ShortNames {
    search_registries: Vec<String>,
    mode: ShortNameMode,
    aliases: BTreeMap<String, String>,
    cache: Option<ShortNameAliases>,
    config_origin: Option<String>,
}

impl ShortNames {
    /// The short-name settings of a validated (and, with drop-ins, merged) configuration. `config_origin` is the
    /// file that set `unqualified-search-registries` (for the error when none is set), `None` when no file was found.
    pub fn new(config: &RegistriesConf, config_origin: Option<&str>) -> ShortNames {
        ShortNames {
            search_registries: config.unqualified_search_registries.clone(),
            mode: ShortNameMode::from_config(&config.short_name_mode)
                .unwrap_or(ShortNameMode::Permissive),
            aliases: config.aliases.clone(),
            cache: None,
            config_origin: config_origin.map(str::to_owned),
        }
    }

    /// Adds the alias cache file, which containers/image consults before registries.conf's aliases.
    pub fn with_alias_cache(mut self, cache: ShortNameAliases) -> ShortNames {
        self.cache = Some(cache);
        self
    }

    /// The candidates `client` would try for `input`, each with its pull sources from `resolver` (built from the
    /// same configuration). Errors are containers/image's: an input that is no reference, no alias and no search
    /// registry, or `enforcing` without a terminal.
    pub fn resolve(
        &self,
        resolver: &Resolver,
        input: &str,
        client: ShortNameClient,
    ) -> Result<ShortNameResolution, Error> {
        let fail = |message: String| Error::new(ErrorKind::ShortName { message });
        let mode = match client {
            ShortNameClient::CriO => ShortNameMode::Disabled,
            _ => self.mode,
        };
        let typed = Reference::parse(input).map_err(|e| {
            fail(format!(
                "cannot parse input: {input:?}: {}",
                e.upstream_message()
            ))
        })?;
        let (rationale, references) = if has_registry(typed.domain()) {
            let named = Reference::parse_normalized(input).map_err(|e| {
                fail(format!(
                    "cannot normalize input: {input:?}: {}",
                    e.upstream_message()
                ))
            })?;
            (Rationale::FullyQualified, vec![named])
        } else if let Some((alias, origin)) = self.alias(&typed.name()) {
            let named = Reference::parse_normalized(alias)
                .map_err(|e| fail(e.upstream_message()))?
                .with_tag(typed.tag().map(str::to_owned))
                .with_digest(typed.digest().map(str::to_owned));
            (Rationale::Alias { origin }, vec![named])
        } else {
            if self.search_registries.is_empty() {
                return Err(fail(match &self.config_origin {
                    Some(origin) => format!(
                        "short-name {input:?} did not resolve to an alias and no unqualified-search registries \
                         are defined in {origin:?}"
                    ),
                    None => format!(
                        "short-name {input:?} did not resolve to an alias and no containers-registries.conf(5) \
                         was found"
                    ),
                }));
            }
            let mut references = Vec::with_capacity(self.search_registries.len());
            for registry in &self.search_registries {
                let named =
                    Reference::parse_normalized(&format!("{registry}/{input}")).map_err(|e| {
                        fail(format!(
                            "creating reference with unqualified-search registry {registry:?}: {}",
                            e.upstream_message()
                        ))
                    })?;
                references.push(named);
            }
            (Rationale::SearchRegistries, references)
        };
        let several = references.len() > 1 && rationale == Rationale::SearchRegistries;
        let prompts =
            several && mode != ShortNameMode::Disabled && client == ShortNameClient::Terminal;
        if several && mode == ShortNameMode::Enforcing && client == ShortNameClient::NoTerminal {
            return Err(fail(
                "short-name resolution enforced but cannot prompt without a TTY".to_owned(),
            ));
        }
        let candidates = references
            .into_iter()
            .map(|named| {
                let mut named = named.with_default_tag();
                if client == ShortNameClient::CriO && named.digest().is_some() {
                    // CRI-O strips the tag of `name:tag@digest`, which containers/image refuses.
                    named = named.with_tag(None);
                }
                let reference = named.to_string();
                let pull_sources = resolver.pull_sources(&reference).map_err(|e| ErrorText {
                    message: e.to_string(),
                    upstream: e.upstream_message(),
                });
                Candidate {
                    reference,
                    pull_sources,
                }
            })
            .collect();
        Ok(ShortNameResolution {
            input: input.to_owned(),
            mode,
            rationale,
            prompts,
            candidates,
        })
    }

    /// The alias of a short name (`name`: as typed, without tag or digest) and the cache file it came from; an
    /// empty value is no alias, and one in the cache file hides registries.conf's.
    fn alias(&self, name: &str) -> Option<(&str, Option<String>)> {
        if let Some(cache) = &self.cache
            && let Some(value) = cache.aliases.get(name)
        {
            return (!value.is_empty()).then(|| (value.as_str(), Some(cache.path.clone())));
        }
        self.aliases
            .get(name)
            .filter(|value| !value.is_empty())
            .map(|value| (value.as_str(), None))
    }
}
