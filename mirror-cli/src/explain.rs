//! What a person needs to know about each pull source of an image: mirror or source, blocked, insecure,
//! digest-only / tag-only, and on a node root the credentials entry and the certs.d folder it would use. `resolve`
//! prints it; `verify` checks a node's credentials and CA folders with the same lookups.
//!
//! The configuration is read and indexed once ([`Explainer`]), so the cost per reference does not grow with the
//! number of `[[registry]]` entries.

use std::path::{Path, PathBuf};

use dockerconfig::{DockerConfig, Outcome};
use image_ref::Reference;
use registries_conf::MirrorUsage;
use registries_conf::parse;
use registries_conf::validate;
use registries_conf::{
    DEFAULT_CONFIG_DIR_PATH, PullSource, ROOT_SHORT_NAME_ALIASES_PATH, Rationale, Resolver,
    ShortNameClient, ShortNameResolution, ShortNames, parse_short_name_aliases,
};
use serde_json::{Value, json};

use node_root::Budget;

use crate::input::read_file;
use crate::node::paths;
use crate::node::read::NodeRoot;
use crate::{Error, Warning};

/// Where the configuration comes from.
#[derive(Debug, Clone)]
pub enum ConfigSource {
    /// One registries.conf file (no drop-ins), as `skopeo --registries-conf FILE` reads it.
    File(PathBuf),
    /// A node's root: `etc/containers/registries.conf` plus `etc/containers/registries.conf.d/*.conf`, and
    /// `var/lib/kubelet/config.json` and the certs.d folders for credentials and CAs.
    Root(PathBuf),
}

/// The credentials entry a pull source would use, from the node's kubelet config.json. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthUse {
    /// The entry under `key` sends credentials for `user`.
    Entry {
        /// The key of `auths` that matched.
        key: String,
        /// The user name (the password is never read out).
        user: String,
    },
    /// The entry under `key` holds no usable `auth`: the pull goes anonymous.
    Empty {
        /// The key of `auths` that matched.
        key: String,
    },
    /// `credHelpers` sends the registry to `docker-credential-<helper>`.
    Helper(String),
    /// No key matched: anonymous.
    None,
    /// The node has no `var/lib/kubelet/config.json`.
    NoFile,
    /// The file or its matching entry is unusable.
    Invalid(String),
}

/// One pull source, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// What containers/image computed.
    pub source: PullSource,
    /// For a mirror restricted by `pull-from-mirror` / `mirror-by-digest-only`: `digest-only` or `tag-only`.
    pub usage: Option<&'static str>,
    /// With a node root: the credentials it would send.
    pub auth: Option<AuthUse>,
    /// With a node root: the certs.d folder it would read (as a node path, e.g.
    /// `/etc/docker/certs.d/mirror.example.com:5000`), `Some(None)` when no folder exists for its host.
    pub certs_d: Option<Option<String>>,
}

/// An indexed configuration and, for a node root, its credentials and certificate folders.
#[derive(Debug)]
pub struct Explainer {
    resolver: Resolver,
    node: Option<NodeContext>,
    /// On a node root: its short-name settings (aliases, search registries, mode, the alias cache), as CRI-O
    /// resolves short names there.
    short_names: Option<ShortNames>,
    /// Warnings from reading the configuration (ignored keys), one line each.
    pub warnings: Vec<Warning>,
    /// The files read, in the order they were applied.
    pub files: Vec<String>,
}

#[derive(Debug)]
struct NodeContext {
    root: PathBuf,
    auth: Result<Option<DockerConfig>, String>,
}

impl Explainer {
    /// Reads and indexes the configuration, every read charged to `budget`.
    pub fn load(source: &ConfigSource, budget: &mut Budget) -> Result<Explainer, Error> {
        match source {
            ConfigSource::File(path) => {
                let input = read_file(path, budget)?;
                let parsed = parse(&input.name, &input.bytes).map_err(Error::RegistriesConf)?;
                let config = validate(&parsed).map_err(Error::RegistriesConf)?;
                let resolver =
                    Resolver::new(&config).with_config_paths(&input.name, DEFAULT_CONFIG_DIR_PATH);
                Ok(Explainer {
                    resolver,
                    node: None,
                    short_names: None,
                    warnings: parsed
                        .warnings
                        .iter()
                        .cloned()
                        .map(Warning::RegistriesConf)
                        .collect(),
                    files: vec![input.name],
                })
            }
            ConfigSource::Root(root) => {
                let mut node = NodeRoot::open(root, budget, "give a node's root, e.g. /host")?;
                let loaded = node.registries_conf()?;
                // Messages name the node's own paths, as the node's client would.
                let resolver = Resolver::new(&loaded.config);
                let auth = read_auth(&mut node);
                let mut short_names =
                    ShortNames::new(&loaded.config, loaded.files.first().map(String::as_str));
                // Root's alias cache (CRI-O runs as root), consulted before registries.conf's aliases.
                if let Some(cache) =
                    node.regular(ROOT_SHORT_NAME_ALIASES_PATH.trim_start_matches('/'))?
                {
                    short_names = short_names.with_alias_cache(
                        parse_short_name_aliases(ROOT_SHORT_NAME_ALIASES_PATH, &cache)
                            .map_err(Error::RegistriesConf)?,
                    );
                }
                Ok(Explainer {
                    resolver,
                    short_names: Some(short_names),
                    node: Some(NodeContext {
                        root: root.clone(),
                        auth,
                    }),
                    warnings: loaded
                        .warnings
                        .iter()
                        .cloned()
                        .map(Warning::RegistriesConf)
                        .collect(),
                    files: loaded.files,
                })
            }
        }
    }

    /// Indexes an in-memory configuration (no node context).
    pub fn from_resolver(resolver: Resolver) -> Explainer {
        Explainer {
            resolver,
            node: None,
            short_names: None,
            warnings: Vec::new(),
            files: Vec::new(),
        }
    }

    /// On a node root, what CRI-O does with `reference` when it is a short name (`busybox`, `ubi9/ubi`): the
    /// candidates it tries in order (an alias alone, else each of `unqualified-search-registries`; CRI-O runs with
    /// `short-name-mode` disabled). `None` for a fully qualified reference, or without a node root (the docker
    /// transport of skopeo and `--registries-conf` normalises to docker.io instead).
    pub fn short_name(&self, reference: &str) -> Result<Option<ShortNameResolution>, Error> {
        let Some(short_names) = &self.short_names else {
            return Ok(None);
        };
        // Not a reference at all: the pull sources' own error says why.
        if Reference::parse(reference).is_err() {
            return Ok(None);
        }
        let resolution = short_names
            .resolve(&self.resolver, reference, ShortNameClient::CriO)
            .map_err(Error::RegistriesConf)?;
        Ok((resolution.rationale != Rationale::FullyQualified).then_some(resolution))
    }

    /// The pull sources of `reference`, explained, in the order they are tried.
    pub fn explain(&self, reference: &str) -> Result<Vec<Explained>, registries_conf::Error> {
        let sources = self.resolver.pull_sources(reference)?;
        let usages = self.mirror_usages(reference, sources.len().saturating_sub(1));
        Ok(sources
            .into_iter()
            .enumerate()
            .map(|(i, source)| {
                let (auth, certs_d) = match &self.node {
                    Some(node) => (
                        Some(node.auth_for(&source.reference)),
                        Some(node.certs_d_for(&source.reference)),
                    ),
                    None => (None, None),
                };
                Explained {
                    usage: if source.is_mirror {
                        usages.get(i).copied().flatten()
                    } else {
                        None
                    },
                    source,
                    auth,
                    certs_d,
                }
            })
            .collect())
    }

    /// The pull sources only (the batch path: no explanation is computed).
    pub fn pull_sources(&self, reference: &str) -> Result<Vec<PullSource>, registries_conf::Error> {
        self.resolver.pull_sources(reference)
    }

    /// The mirrors of the matching entry that `reference` does not use, each with its restriction (`digest-only`
    /// for a tag reference, `tag-only` for a digest one).
    pub fn skipped_mirrors(&self, reference: &str) -> Vec<(String, &'static str)> {
        let Ok(logical) = Reference::parse_normalized(reference) else {
            return Vec::new();
        };
        let digested = logical.digest().is_some();
        let Some(reg) = self.resolver.find_registry(&logical.name()) else {
            return Vec::new();
        };
        reg.mirrors
            .iter()
            .filter(|m| !reg.mirror_usage(m).serves(digested))
            .map(|m| (m.location.clone(), reg.mirror_usage(m).as_str()))
            .collect()
    }

    /// The `digest-only` / `tag-only` restriction of each mirror actually used, in order. `pull_sources` has
    /// already accepted the reference, so it parses here.
    fn mirror_usages(&self, reference: &str, used: usize) -> Vec<Option<&'static str>> {
        let Ok(logical) = Reference::parse_normalized(reference) else {
            return Vec::new();
        };
        let digested = logical.digest().is_some();
        let Some(reg) = self.resolver.find_registry(&logical.name()) else {
            return Vec::new();
        };
        let usages: Vec<Option<&'static str>> = reg
            .mirrors_for(digested)
            .map(|m| match reg.mirror_usage(m) {
                MirrorUsage::All => None,
                usage => Some(usage.as_str()),
            })
            .collect();
        debug_assert_eq!(usages.len(), used);
        usages
    }
}

/// The node's kubelet config.json (bounded; a link or a FIFO there is refused, never followed).
fn read_auth(node: &mut NodeRoot<'_>) -> Result<Option<DockerConfig>, String> {
    let Some(bytes) = node
        .regular(paths::KUBELET_CONFIG_JSON)
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    DockerConfig::parse(&bytes, &node.shown(paths::KUBELET_CONFIG_JSON))
        .map(Some)
        .map_err(|e| e.to_string())
}

impl NodeContext {
    fn auth_for(&self, reference: &str) -> AuthUse {
        let config = match &self.auth {
            Ok(Some(config)) => config,
            Ok(None) => return AuthUse::NoFile,
            Err(reason) => return AuthUse::Invalid(reason.clone()),
        };
        auth_use(config, reference)
    }

    fn certs_d_for(&self, reference: &str) -> Option<String> {
        let host = Reference::parse_normalized(reference)
            .ok()?
            .domain()
            .to_owned();
        certs_d_folder(&self.root, &host)
    }
}

/// The credentials entry `config` yields for `reference`, redacted.
pub fn auth_use(config: &DockerConfig, reference: &str) -> AuthUse {
    match config.lookup(reference) {
        Ok(lookup) => {
            let key = lookup
                .matched
                .as_ref()
                .map(|(k, _)| k.clone())
                .unwrap_or_default();
            match lookup.outcome {
                Outcome::Credentials(c) => AuthUse::Entry {
                    key,
                    user: c.username().to_owned(),
                },
                Outcome::CredentialHelper(helper) => AuthUse::Helper(helper),
                Outcome::NotFound => AuthUse::None,
                // EmptyEntry, MissingColon and anything newer: the entry gives no credentials.
                _ => AuthUse::Empty { key },
            }
        }
        Err(e) => AuthUse::Invalid(e.to_string()),
    }
}

/// The certs.d folder containers/image would read for `host` (`host[:port]` exactly as in the reference; Docker
/// Hub stays `docker.io`) under a node root, as a node path; `None` when no such folder exists. Beneath the root
/// nothing is followed: a link anywhere on the way (`etc`, `certs.d`, the host's folder) is not a folder here.
pub fn certs_d_folder(root: &Path, host: &str) -> Option<String> {
    if host.is_empty() || host.contains('/') || host == "." || host == ".." {
        return None;
    }
    let plain_folder = |relative: &str| {
        let mut at = root.to_path_buf();
        relative.split('/').all(|name| {
            at.push(name);
            std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_dir())
        })
    };
    paths::CERTS_D_SEARCH_ORDER
        .iter()
        .map(|folder| format!("{folder}/{host}"))
        .find(|relative| plain_folder(relative))
        .map(|relative| format!("/{relative}"))
}

impl AuthUse {
    fn words(&self) -> String {
        match self {
            AuthUse::Entry { key, user } => format!("auth={key} user={user}"),
            AuthUse::Empty { key } => format!("auth={key} (no credentials in it)"),
            AuthUse::Helper(helper) => format!("auth=docker-credential-{helper}"),
            AuthUse::None => "auth=none".to_owned(),
            AuthUse::NoFile => format!("auth=none (no /{})", paths::KUBELET_CONFIG_JSON),
            AuthUse::Invalid(_) => "auth=invalid".to_owned(),
        }
    }

    /// As JSON: `{"key", "user"}`, `{"helper"}`, `{"error"}` or `null` (resolve's and probe's `auth`).
    pub fn to_json(&self) -> Value {
        match self {
            AuthUse::Entry { key, user } => json!({"key": key, "user": user}),
            AuthUse::Empty { key } => json!({"key": key, "user": null}),
            AuthUse::Helper(helper) => json!({"helper": helper}),
            AuthUse::None | AuthUse::NoFile => Value::Null,
            AuthUse::Invalid(reason) => json!({"error": reason}),
        }
    }
}

impl Explained {
    /// The line `resolve` prints: the reference, then its commentary words.
    pub fn line(&self) -> String {
        let mut line = self.source.reference.clone();
        line.push_str(if self.source.is_mirror {
            " mirror"
        } else {
            " source"
        });
        if self.source.blocked.is_some() {
            line.push_str(" blocked");
        }
        if self.source.insecure {
            line.push_str(" insecure");
        }
        if let Some(usage) = self.usage {
            line.push(' ');
            line.push_str(usage);
        }
        if let Some(auth) = &self.auth {
            line.push(' ');
            line.push_str(&auth.words());
        }
        if let Some(certs_d) = &self.certs_d {
            line.push_str(" certs.d=");
            line.push_str(certs_d.as_deref().unwrap_or("none"));
        }
        line
    }

    /// The JSON object `resolve --output json` prints for this source.
    pub fn to_json(&self) -> Value {
        let mut object = json!({
            "reference": self.source.reference,
            "role": if self.source.is_mirror { "mirror" } else { "source" },
            "blocked": self.source.blocked.is_some(),
            "insecure": self.source.insecure,
            "usage": self.usage.unwrap_or("all"),
        });
        if let Some(blocked) = &self.source.blocked {
            object["blocked_message"] = json!(blocked.message);
        }
        if let Some(auth) = &self.auth {
            object["auth"] = auth.to_json();
        }
        if let Some(certs_d) = &self.certs_d {
            object["certs_d"] = json!(certs_d);
        }
        object
    }
}
