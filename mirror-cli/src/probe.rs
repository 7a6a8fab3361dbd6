//! The library half of `mirror-cli probe`: from a node's files (a root, or the files rendered in memory from the
//! cluster objects) to the [`registry_probe::Source`]s containers/image would try for a reference — the pull
//! sources `resolve` computes, each with the certs.d trust and the config.json credentials the node has for it —
//! and, for `--release`, the components a release image lists in `release-manifests/image-references`.
//!
//! Every read under a root goes through [`node_root::Root`]: bounded, and never through a symbolic link.

use std::collections::BTreeMap;
use std::path::Path;

use dockerconfig::{DockerConfig, Outcome as LookupOutcome};
use image_ref::Reference;
use node_root::{Budget, FileKind, Found, Listing, Root};
use registries_conf::{InMemoryFile, MirrorUsage, Resolver};
use registry_probe::{Credentials, MAX_CERT_FILE_BYTES, Outcome, Prober, Source, Stop, Trust};
use serde_json::{Value, json};

use crate::Error;
use crate::explain::{AuthUse, auth_use};
use crate::node::paths;
use crate::writer::NodeFile;

/// The most a registries.conf, drop-in or config.json may hold (the one table: [`crate::bounds`]).
pub const MAX_CONFIG_BYTES: u64 = crate::bounds::NODE_FILE_BYTES;
/// The most all the files read under a root for one probe may hold together.
pub const MAX_TOTAL_BYTES: u64 = crate::bounds::COMMAND_INPUT_BYTES;
/// The most entries a folder read under a root (registries.conf.d, certs.d) may have.
pub const MAX_FOLDER_ENTRIES: usize = crate::bounds::NODE_FOLDER_ENTRIES;
/// Where a release image lists its components.
pub const IMAGE_REFERENCES: &str = "release-manifests/image-references";

/// Where the node's files come from.
pub enum NodeFiles {
    /// A node's root, read without following links.
    Root(Root),
    /// The files rendered in memory from cluster objects (paths relative to the root).
    Rendered(Vec<NodeFile>),
}

/// Reads node files from a [`NodeFiles`], charging one budget.
struct Reader<'a> {
    files: &'a NodeFiles,
    budget: Budget,
}

/// A folder's entry: its name and whether it is what we can read (a regular file, or a folder).
struct Listed {
    name: String,
    kind: FileKind,
}

impl Reader<'_> {
    fn read(&mut self, relative: &str, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        match self.files {
            NodeFiles::Rendered(files) => Ok(files
                .iter()
                .find(|f| f.path == Path::new(relative))
                .map(|f| f.bytes.clone())),
            NodeFiles::Root(root) => match root.read(relative, limit, &mut self.budget) {
                Ok(Found::File(file)) => Ok(Some(file.bytes)),
                Ok(Found::Missing) => Ok(None),
                Ok(Found::NotRegular { at, kind }) => Err(not_followed(&at, kind)),
                Err(e) => Err(Error::Node(e)),
            },
        }
    }

    /// The entries of a folder, sorted by name; `None` when it does not exist. Names that are not UTF-8 are left
    /// out (no registry host or config file is named so).
    fn list(&self, relative: &str) -> Result<Option<Vec<Listed>>, Error> {
        match self.files {
            NodeFiles::Rendered(files) => {
                let mut names: BTreeMap<String, FileKind> = BTreeMap::new();
                for file in files {
                    let Ok(rest) = file.path.strip_prefix(relative) else {
                        continue;
                    };
                    let mut parts = rest.components();
                    let Some(first) = parts.next() else { continue };
                    let name = first.as_os_str().to_string_lossy().into_owned();
                    let kind = if parts.next().is_some() {
                        FileKind::Folder
                    } else {
                        FileKind::File
                    };
                    names.insert(name, kind);
                }
                if names.is_empty() {
                    return Ok(None);
                }
                Ok(Some(
                    names
                        .into_iter()
                        .map(|(name, kind)| Listed { name, kind })
                        .collect(),
                ))
            }
            NodeFiles::Root(root) => match root.read_dir(relative, MAX_FOLDER_ENTRIES) {
                Ok(Listing::Missing) => Ok(None),
                Ok(Listing::NotAFolder { at, kind }) => Err(not_followed(&at, kind)),
                Ok(Listing::Entries(entries)) => Ok(Some(
                    entries
                        .into_iter()
                        .filter_map(|e| {
                            e.name.to_str().map(|name| Listed {
                                name: name.to_owned(),
                                kind: e.kind,
                            })
                        })
                        .collect(),
                )),
                Err(e) => Err(Error::Node(e)),
            },
        }
    }
}

/// A path under the root that is not what it must be: a link (never followed), a FIFO, a device…
fn not_followed(at: &Path, kind: FileKind) -> Error {
    Error::NotRegular {
        path: format!("/{}", at.display()),
        kind,
        hint: "under --root nothing is followed: give the node's files themselves",
    }
}

/// A certs.d folder for one host, as containers/image picks it.
#[derive(Debug, Clone)]
struct CertsFolder {
    /// The node path, e.g. `/etc/docker/certs.d/mirror.example.com:5000`.
    path: String,
    /// Its trust, or why the node's client would not get one from it.
    trust: Result<Trust, String>,
}

/// The node's configuration for pulling: its registries.conf (with drop-ins), config.json and certs.d folders,
/// read once.
#[derive(Debug)]
pub struct NodeConfig {
    resolver: Resolver,
    auth: Result<Option<DockerConfig>, String>,
    /// host[:port] → the first certs.d folder for it in containers/image's search order.
    certs: BTreeMap<String, CertsFolder>,
    /// The files the registries configuration was read from, in order.
    pub files: Vec<String>,
    /// Warnings from reading them.
    pub warnings: Vec<String>,
}

impl NodeConfig {
    /// Reads the node's files.
    pub fn load(files: &NodeFiles) -> Result<NodeConfig, Error> {
        let mut reader = Reader {
            files,
            budget: Budget::new(MAX_TOTAL_BYTES),
        };
        let main = reader.read(paths::REGISTRIES_CONF, MAX_CONFIG_BYTES)?;
        let mut drop_ins: Vec<(String, Vec<u8>)> = Vec::new();
        for entry in reader.list(paths::REGISTRIES_CONF_D)?.unwrap_or_default() {
            if !entry.name.ends_with(".conf") || entry.kind == FileKind::Folder {
                continue;
            }
            let relative = format!("{}/{}", paths::REGISTRIES_CONF_D, entry.name);
            let bytes = reader
                .read(&relative, MAX_CONFIG_BYTES)?
                .unwrap_or_default();
            drop_ins.push((format!("/{relative}"), bytes));
        }
        let main_path = format!("/{}", paths::REGISTRIES_CONF);
        let loaded = registries_conf::load_in_memory(
            main.as_deref().map(|bytes| InMemoryFile {
                path: &main_path,
                bytes,
            }),
            &drop_ins
                .iter()
                .map(|(path, bytes)| InMemoryFile { path, bytes })
                .collect::<Vec<_>>(),
        )
        .map_err(Error::RegistriesConf)?;

        let auth = match reader.read(paths::KUBELET_CONFIG_JSON, MAX_CONFIG_BYTES) {
            Ok(None) => Ok(None),
            Ok(Some(bytes)) => {
                DockerConfig::parse(&bytes, &format!("/{}", paths::KUBELET_CONFIG_JSON))
                    .map(Some)
                    .map_err(|e| e.to_string())
            }
            Err(e) => Err(e.to_string()),
        };

        let mut certs = BTreeMap::new();
        for folder in paths::CERTS_D_SEARCH_ORDER {
            for entry in reader.list(folder)?.unwrap_or_default() {
                if certs.contains_key(&entry.name) || entry.kind == FileKind::File {
                    // An earlier folder in the search order wins; a file is not a host folder.
                    continue;
                }
                let relative = format!("{folder}/{}", entry.name);
                let trust = if entry.kind == FileKind::Folder {
                    certs_trust(&mut reader, &relative)
                } else {
                    Err(format!("/{relative} is {}: not followed", entry.kind))
                };
                certs.insert(
                    entry.name.clone(),
                    CertsFolder {
                        path: format!("/{relative}"),
                        trust,
                    },
                );
            }
        }
        Ok(NodeConfig {
            resolver: Resolver::new(&loaded.config),
            auth,
            certs,
            files: loaded.files,
            warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
        })
    }

    /// The sources containers/image would try for `reference`, in order, each ready to probe or with the reason
    /// it is not tried (a blocked registry, a mirror the reference's kind skips, unusable credentials or CAs).
    pub fn sources(&self, reference: &str) -> Result<Vec<PlannedSource>, Error> {
        let pull = self
            .resolver
            .pull_sources(reference)
            .map_err(Error::RegistriesConf)?;
        let logical = Reference::parse_normalized(reference).map_err(|e| Error::Usage {
            message: format!("{reference}: {e}"),
        })?;
        let digested = logical.digest().is_some();
        let (mirrors, primary): (Vec<_>, Vec<_>) = pull.into_iter().partition(|p| p.is_mirror);
        let mut planned = Vec::with_capacity(mirrors.len() + primary.len());
        let registry = self.resolver.find_registry(&logical.name());
        let used: Vec<_> = registry
            .map(|r| r.mirrors_for(digested).collect())
            .unwrap_or_default();
        match registry {
            // The mirrors in their order, the skipped ones where they stand.
            Some(reg) if used.len() == mirrors.len() => {
                let mut mirrors = mirrors.into_iter();
                for mirror in &reg.mirrors {
                    let usage = reg.mirror_usage(mirror);
                    if usage.serves(digested) {
                        if let Some(source) = mirrors.next() {
                            planned.push(self.plan(source, Some(usage)));
                        }
                    } else {
                        let why = match usage {
                            MirrorUsage::DigestOnly => "digest-only mirror and a tag reference",
                            _ => "tag-only mirror and a digest reference",
                        };
                        planned.push(PlannedSource {
                            reference: mirror.location.clone(),
                            is_mirror: true,
                            insecure: mirror.insecure,
                            usage: Some(usage.as_str()),
                            credentials: AuthUse::None,
                            certs_d: None,
                            plan: Plan::NotTried(why.to_owned()),
                        });
                    }
                }
            }
            _ => planned.extend(mirrors.into_iter().map(|m| self.plan(m, None))),
        }
        planned.extend(primary.into_iter().map(|p| self.plan(p, None)));
        Ok(planned)
    }

    fn plan(&self, pull: registries_conf::PullSource, usage: Option<MirrorUsage>) -> PlannedSource {
        let usage = usage
            .filter(|u| *u != MirrorUsage::All)
            .map(MirrorUsage::as_str);
        let credentials = self.credentials_for(&pull.reference);
        let mut planned = PlannedSource {
            reference: pull.reference.clone(),
            is_mirror: pull.is_mirror,
            insecure: pull.insecure,
            usage,
            credentials,
            certs_d: None,
            plan: Plan::NotTried(String::new()),
        };
        if let Some(blocked) = &pull.blocked {
            planned.plan = Plan::NotTried(format!("blocked: {}", blocked.message));
            return planned;
        }
        let parsed = match Reference::parse_normalized(&pull.reference) {
            Ok(parsed) => parsed,
            Err(e) => {
                planned.plan = Plan::NotTried(format!("invalid reference: {e}"));
                return planned;
            }
        };
        let host = parsed.domain().to_owned();
        let trust = match self.certs.get(&host) {
            Some(folder) => {
                planned.certs_d = Some(folder.path.clone());
                match &folder.trust {
                    Ok(trust) => trust.clone(),
                    Err(why) => {
                        planned.plan = Plan::NotTried(format!("certs.d: {why}"));
                        return planned;
                    }
                }
            }
            None => Trust::default(),
        };
        // containers/image pulls by digest when there is one, else by the tag (`latest` when none).
        let wanted = match (parsed.digest(), parsed.tag()) {
            (Some(digest), _) => registry_probe::Reference::parse(digest),
            (None, Some(tag)) => registry_probe::Reference::tag(tag),
            (None, None) => registry_probe::Reference::tag("latest"),
        };
        let credentials = match &planned.credentials {
            AuthUse::Invalid(why) => {
                planned.plan = Plan::NotTried(format!("credentials: {why}"));
                return planned;
            }
            _ => self.secret_credentials(&pull.reference),
        };
        planned.plan = match wanted.and_then(|r| Source::new(&host, parsed.path(), r)) {
            Ok(source) => Plan::Probe(Box::new(
                source
                    .with_insecure(pull.insecure)
                    .with_trust(trust)
                    .with_credentials(credentials),
            )),
            Err(e) => Plan::NotTried(e.to_string()),
        };
        planned
    }

    /// Which config.json entry the node would use for `reference` (never a secret), as `resolve` reports it.
    pub fn credentials_for(&self, reference: &str) -> AuthUse {
        match &self.auth {
            Ok(Some(config)) => auth_use(config, reference),
            Ok(None) => AuthUse::NoFile,
            Err(why) => AuthUse::Invalid(why.clone()),
        }
    }

    /// The credentials themselves, for the one place that sends them (the probe of that source).
    fn secret_credentials(&self, reference: &str) -> Option<Credentials> {
        let Ok(Some(config)) = &self.auth else {
            return None;
        };
        let lookup = config.lookup(reference).ok()?;
        let key = lookup.matched.map(|(k, _)| k).unwrap_or_default();
        match lookup.outcome {
            LookupOutcome::Credentials(c) => Some(match c.identity_token() {
                Some(token) => Credentials::identity_token(key, c.username(), token.expose())
                    .with_password(c.password().expose()),
                None => Credentials::password(key, c.username(), c.password().expose()),
            }),
            _ => None,
        }
    }
}

/// A certs.d host folder's trust, read as containers/image reads it (through node-root: a link is refused).
fn certs_trust(reader: &mut Reader<'_>, relative: &str) -> Result<Trust, String> {
    let entries = reader
        .list(relative)
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let mut names = Vec::new();
    for entry in entries {
        let used = [".crt", ".cert", ".key"]
            .iter()
            .any(|ext| entry.name.ends_with(ext));
        if used && entry.kind != FileKind::File {
            return Err(format!(
                "/{relative}/{} is {}: not followed",
                entry.name, entry.kind
            ));
        }
        names.push(entry.name);
    }
    let label = format!("/{relative}");
    Trust::from_certs_entries(names, &label, |name| {
        let file = format!("{relative}/{name}");
        match reader.read(&file, MAX_CERT_FILE_BYTES) {
            Ok(Some(bytes)) if bytes.len() as u64 <= MAX_CERT_FILE_BYTES => Ok(bytes),
            Ok(Some(_)) => Err(registry_probe::Error::InvalidCertificate {
                label: format!("/{file}"),
                why: format!("larger than {MAX_CERT_FILE_BYTES} bytes"),
            }),
            Ok(None) => Ok(Vec::new()),
            Err(e) => Err(registry_probe::Error::InvalidCertificate {
                label: format!("/{file}"),
                why: e.to_string(),
            }),
        }
    })
    .map_err(|e| e.to_string())
}

/// What to do with one source.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Probe it.
    Probe(Box<Source>),
    /// Do not: containers/image would not try it (or could not), for this reason.
    NotTried(String),
}

/// One pull source, as the node would try it.
#[derive(Debug, Clone)]
pub struct PlannedSource {
    /// The (rewritten) reference; for a mirror the reference's kind skips, its location.
    pub reference: String,
    /// A mirror, or the source itself (last).
    pub is_mirror: bool,
    /// Whether the node treats it as insecure.
    pub insecure: bool,
    /// `digest-only` or `tag-only` for a restricted mirror.
    pub usage: Option<&'static str>,
    /// The config.json entry it would use.
    pub credentials: AuthUse,
    /// The certs.d folder it would use (a node path), if any.
    pub certs_d: Option<String>,
    /// Probe it, or why not.
    pub plan: Plan,
}

impl PlannedSource {
    /// `mirror` or `source`.
    pub fn role(&self) -> &'static str {
        if self.is_mirror { "mirror" } else { "source" }
    }

    /// Probes it (or says why it was not tried).
    pub fn probe(&self, prober: &Prober) -> Outcome {
        match &self.plan {
            Plan::Probe(source) => prober.manifest(source),
            Plan::NotTried(why) => Outcome::not_tried(self.reference.clone(), why.clone()),
        }
    }

    /// The source and its outcome as JSON.
    pub fn to_json(&self, outcome: &Outcome) -> Value {
        json!({
            "reference": self.reference,
            "role": self.role(),
            "insecure": self.insecure,
            "usage": self.usage.unwrap_or("all"),
            "auth": self.credentials.to_json(),
            "certs_d": self.certs_d,
            "outcome": outcome.to_json(),
        })
    }
}

/// Probes every source at once (a pull tries them in order; probing them together costs the slowest one, not
/// their sum) and returns the outcomes in order.
pub fn probe_all(prober: &Prober, sources: &[PlannedSource]) -> Vec<Outcome> {
    registry_probe::for_each_bounded(sources, sources.len(), |s| s.probe(prober))
}

/// The index of the source that would serve the pull: the first whose manifest was reached.
pub fn serving(outcomes: &[Outcome]) -> Option<usize> {
    outcomes.iter().position(Outcome::is_ok)
}

/// One component of a release: a tag of its ImageStream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// The tag's name (`cli`, `machine-config-operator`).
    pub name: String,
    /// The image, `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:…`.
    pub image: String,
}

/// The components of `release-manifests/image-references`: an ImageStream whose `spec.tags[]` name each image
/// in `from.name` (`kind: DockerImage`). Its `metadata.name` is the release's version.
pub fn parse_image_references(bytes: &[u8]) -> Result<(String, Vec<Component>), String> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("{IMAGE_REFERENCES}: not JSON: {e}"))?;
    if value.get("kind").and_then(Value::as_str) != Some("ImageStream") {
        return Err(format!("{IMAGE_REFERENCES}: kind is not ImageStream"));
    }
    let version = value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let tags = value
        .pointer("/spec/tags")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{IMAGE_REFERENCES}: no spec.tags list"))?;
    let mut components = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        let field = |path: &str| tag.pointer(path).and_then(Value::as_str);
        let name = field("/name")
            .ok_or_else(|| format!("{IMAGE_REFERENCES}: spec.tags[{i}].name missing"))?;
        let kind = field("/from/kind").unwrap_or_default();
        if kind != "DockerImage" {
            return Err(format!(
                "{IMAGE_REFERENCES}: spec.tags[{i}] ({name}): from.kind is {kind:?}, not \"DockerImage\""
            ));
        }
        let image = field("/from/name").ok_or_else(|| {
            format!("{IMAGE_REFERENCES}: spec.tags[{i}] ({name}): from.name missing")
        })?;
        components.push(Component {
            name: name.to_owned(),
            image: image.to_owned(),
        });
    }
    Ok((version, components))
}

/// What a component's pull would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentState {
    /// A mirror serves it (or the source does where no mirror is configured).
    Ok {
        /// The serving source.
        from: String,
    },
    /// Only the source serves it: every mirror lacks it or failed.
    OnlyOnSource {
        /// The source.
        from: String,
    },
    /// Every source that was tried said the manifest (or repository) is unknown.
    Missing,
    /// Every mirror said the manifest is unknown, and the source could not say (unreachable, refused…): the
    /// usual answer of a disconnected cluster whose mirror lacks the image.
    MissingOnMirrors {
        /// The source.
        source: String,
        /// Why the source failed.
        line: String,
    },
    /// Some source failed otherwise; `line` is the first such failure.
    Error {
        /// The source that failed.
        source: String,
        /// Why (the probe's one line).
        line: String,
    },
}

impl ComponentState {
    /// `ok`, `only on the source`, `missing on every source`, `error`.
    pub fn word(&self) -> &'static str {
        match self {
            ComponentState::Ok { .. } => "ok",
            ComponentState::OnlyOnSource { .. } => "only on the source",
            ComponentState::Missing => "missing on every source",
            ComponentState::MissingOnMirrors { .. } => "missing on the mirrors",
            ComponentState::Error { .. } => "error",
        }
    }

    /// Whether the pull would succeed.
    pub fn pulls(&self) -> bool {
        matches!(
            self,
            ComponentState::Ok { .. } | ComponentState::OnlyOnSource { .. }
        )
    }
}

/// One component, probed source after source until one serves it, as a pull does.
#[derive(Debug, Clone)]
pub struct ComponentReport {
    /// The component.
    pub component: Component,
    /// What the pull would do.
    pub state: ComponentState,
    /// The sources tried, with their outcomes.
    pub tried: Vec<(PlannedSource, Outcome)>,
}

/// Probes one component through the node's configuration.
pub fn probe_component(
    config: &NodeConfig,
    prober: &Prober,
    component: &Component,
) -> ComponentReport {
    let sources = match config.sources(&component.image) {
        Ok(sources) => sources,
        Err(e) => {
            return ComponentReport {
                component: component.clone(),
                state: ComponentState::Error {
                    source: component.image.clone(),
                    line: e.to_string(),
                },
                tried: Vec::new(),
            };
        }
    };
    let any_mirror = sources.iter().any(|s| s.is_mirror);
    let mut tried = Vec::with_capacity(sources.len());
    let mut state = None;
    for source in sources {
        let outcome = source.probe(prober);
        let ok = outcome.is_ok();
        let is_mirror = source.is_mirror;
        let reference = source.reference.clone();
        tried.push((source, outcome));
        if ok {
            state = Some(if is_mirror || !any_mirror {
                ComponentState::Ok { from: reference }
            } else {
                ComponentState::OnlyOnSource { from: reference }
            });
            break;
        }
    }
    let state = state.unwrap_or_else(|| classify_failure(&tried));
    ComponentReport {
        component: component.clone(),
        state,
        tried,
    }
}

fn classify_failure(tried: &[(PlannedSource, Outcome)]) -> ComponentState {
    let stops: Vec<(&PlannedSource, &Stop)> = tried
        .iter()
        .filter_map(|(s, o)| o.result.as_ref().err().map(|stop| (s, stop)))
        .collect();
    let probed: Vec<_> = stops
        .iter()
        .filter(|(s, _)| matches!(s.plan, Plan::Probe(_)))
        .collect();
    if !probed.is_empty() && probed.iter().all(|(_, stop)| stop.is_not_found()) {
        return ComponentState::Missing;
    }
    let mut mirrors = probed.iter().filter(|(s, _)| s.is_mirror).peekable();
    if mirrors.peek().is_some()
        && mirrors.all(|(_, stop)| stop.is_not_found())
        && let Some((source, stop)) = probed.iter().find(|(s, _)| !s.is_mirror)
    {
        return ComponentState::MissingOnMirrors {
            source: source.reference.clone(),
            line: stop.to_string(),
        };
    }
    let first = probed
        .iter()
        .find(|(_, stop)| !stop.is_not_found())
        .map(|x| **x)
        .or_else(|| stops.first().copied());
    match first {
        Some((source, stop)) => ComponentState::Error {
            source: source.reference.clone(),
            line: stop.to_string(),
        },
        None => ComponentState::Error {
            source: String::new(),
            line: "no pull source".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(files: &[(&str, &str)]) -> NodeFiles {
        NodeFiles::Rendered(
            files
                .iter()
                .map(|(path, bytes)| NodeFile {
                    path: (*path).into(),
                    bytes: bytes.as_bytes().to_vec(),
                    mode: 0o644,
                })
                .collect(),
        )
    }

    const CONF: &str = r#"
[[registry]]
prefix = ""
location = "quay.io/openshift-release-dev/ocp-release"

[[registry.mirror]]
location = "mirror.example.com:5000/ocp/release"
pull-from-mirror = "digest-only"

[[registry.mirror]]
location = "tags.example.com/ocp/release"
"#;

    fn auth() -> String {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        format!(
            r#"{{"auths":{{"mirror.example.com:5000":{{"auth":"{}"}},"mirror.example.com:5000/ocp":{{"auth":"{}"}},"quay.io":{{"auth":"{}"}}}}}}"#,
            b64("wide:wide-pass"),
            b64("narrow:narrow-pass"),
            b64("quay:quay-pass")
        )
    }

    const DIGEST: &str = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    /// The release the example's mirrors serve, by digest.
    fn release_by_digest() -> String {
        format!("quay.io/openshift-release-dev/ocp-release@{DIGEST}")
    }

    fn config(extra: &[(&str, &str)]) -> NodeConfig {
        let auth = auth();
        let mut files = vec![
            (paths::REGISTRIES_CONF, CONF),
            (paths::KUBELET_CONFIG_JSON, auth.as_str()),
        ];
        files.extend_from_slice(extra);
        NodeConfig::load(&rendered(&files)).unwrap()
    }

    #[test]
    fn a_digest_uses_every_mirror_then_the_source() {
        let config = config(&[]);
        let sources = config.sources(&release_by_digest()).unwrap();
        let refs: Vec<_> = sources
            .iter()
            .map(|s| (s.role(), s.reference.as_str()))
            .collect();
        assert_eq!(
            refs,
            [
                (
                    "mirror",
                    format!("mirror.example.com:5000/ocp/release@{DIGEST}").as_str()
                ),
                (
                    "mirror",
                    format!("tags.example.com/ocp/release@{DIGEST}").as_str()
                ),
                (
                    "source",
                    format!("quay.io/openshift-release-dev/ocp-release@{DIGEST}").as_str()
                ),
            ]
        );
        assert_eq!(sources[0].usage, Some("digest-only"));
        assert!(sources.iter().all(|s| matches!(s.plan, Plan::Probe(_))));
    }

    #[test]
    fn a_tag_skips_the_digest_only_mirror_where_it_stands() {
        let config = config(&[]);
        let sources = config
            .sources("quay.io/openshift-release-dev/ocp-release:4.16.3-x86_64")
            .unwrap();
        assert_eq!(sources.len(), 3);
        assert_eq!(sources[0].reference, "mirror.example.com:5000/ocp/release");
        match &sources[0].plan {
            Plan::NotTried(why) => assert_eq!(why, "digest-only mirror and a tag reference"),
            Plan::Probe(_) => panic!("a digest-only mirror is not tried for a tag"),
        }
        let outcome = sources[0].probe(&Prober::new(Default::default()).unwrap());
        assert_eq!(
            outcome.to_string(),
            "not tried: digest-only mirror and a tag reference"
        );
        assert_eq!(
            sources[1].reference,
            "tags.example.com/ocp/release:4.16.3-x86_64"
        );
    }

    #[test]
    fn the_most_specific_credentials_key_is_chosen_and_never_shown() {
        let config = config(&[]);
        let sources = config.sources(&release_by_digest()).unwrap();
        assert_eq!(
            sources[0].credentials,
            AuthUse::Entry {
                key: "mirror.example.com:5000/ocp".into(),
                user: "narrow".into()
            }
        );
        assert_eq!(sources[1].credentials, AuthUse::None);
        assert_eq!(
            sources[2].credentials,
            AuthUse::Entry {
                key: "quay.io".into(),
                user: "quay".into()
            }
        );
        let Plan::Probe(source) = &sources[0].plan else {
            panic!()
        };
        let credentials = source.credentials().unwrap();
        assert_eq!(
            (credentials.label(), credentials.username()),
            ("mirror.example.com:5000/ocp", "narrow")
        );
        let shown = format!("{sources:?}");
        assert!(
            !shown.contains("narrow-pass") && !shown.contains("quay-pass"),
            "{shown}"
        );
    }

    #[test]
    fn the_ca_comes_from_the_first_certs_d_folder_of_the_host() {
        let containers = format!(
            "{}/mirror.example.com:5000/ca.crt",
            paths::CONTAINERS_CERTS_D
        );
        let docker = format!("{}/mirror.example.com:5000/ca.crt", paths::CERTS_D);
        let other = format!("{}/quay.io/ca.crt", paths::CERTS_D);
        let config = config(&[
            (&containers, "containers CA"),
            (&docker, "docker CA"),
            (&other, "quay CA"),
        ]);
        let sources = config.sources(&release_by_digest()).unwrap();
        let trust = |i: usize| match &sources[i].plan {
            Plan::Probe(s) => s.trust().clone(),
            Plan::NotTried(why) => panic!("{why}"),
        };
        assert_eq!(
            sources[0].certs_d.as_deref(),
            Some("/etc/containers/certs.d/mirror.example.com:5000")
        );
        let t = trust(0);
        assert_eq!(t.ca_files.len(), 1);
        assert_eq!(t.ca_files[0].pem, b"containers CA");
        assert_eq!(
            t.ca_files[0].label,
            "/etc/containers/certs.d/mirror.example.com:5000/ca.crt"
        );
        assert_eq!(sources[1].certs_d, None);
        assert!(trust(1).ca_files.is_empty());
        assert_eq!(trust(2).ca_files[0].pem, b"quay CA");
    }

    #[test]
    fn an_unpaired_client_key_stops_that_source_only() {
        let key = format!("{}/mirror.example.com:5000/client.key", paths::CERTS_D);
        let config = config(&[(&key, "key")]);
        let sources = config.sources(&release_by_digest()).unwrap();
        match &sources[0].plan {
            Plan::NotTried(why) => assert_eq!(
                why,
                "certs.d: missing client certificate client.cert for key client.key"
            ),
            Plan::Probe(_) => panic!("containers/image refuses an unpaired key"),
        }
        assert!(matches!(sources[1].plan, Plan::Probe(_)));
    }

    #[test]
    fn a_symlinked_certs_d_folder_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/containers")).unwrap();
        std::fs::write(root.join(paths::REGISTRIES_CONF), CONF).unwrap();
        std::fs::create_dir_all(root.join(paths::CERTS_D)).unwrap();
        std::fs::create_dir_all(root.join("elsewhere")).unwrap();
        std::fs::write(root.join("elsewhere/ca.crt"), "outside").unwrap();
        std::os::unix::fs::symlink(
            root.join("elsewhere"),
            root.join(paths::CERTS_D).join("mirror.example.com:5000"),
        )
        .unwrap();
        let config = NodeConfig::load(&NodeFiles::Root(Root::open(root).unwrap())).unwrap();
        let sources = config.sources(&release_by_digest()).unwrap();
        match &sources[0].plan {
            Plan::NotTried(why) => {
                assert!(why.contains("is a symbolic link: not followed"), "{why}")
            }
            Plan::Probe(_) => panic!("followed a link"),
        }
        assert_eq!(sources[0].credentials, AuthUse::NoFile);
    }

    #[test]
    fn a_symlinked_registries_conf_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/containers")).unwrap();
        std::fs::write(root.join("conf"), CONF).unwrap();
        std::os::unix::fs::symlink(root.join("conf"), root.join(paths::REGISTRIES_CONF)).unwrap();
        let e = NodeConfig::load(&NodeFiles::Root(Root::open(root).unwrap())).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
    }

    #[test]
    fn image_references_are_read_from_the_image_stream() {
        let bytes = br#"{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"4.16.3"},
            "spec":{"lookupPolicy":{"local":false},"tags":[
              {"name":"cli","from":{"kind":"DockerImage","name":"quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:1111111111111111111111111111111111111111111111111111111111111111"}},
              {"name":"tools","annotations":{},"from":{"kind":"DockerImage","name":"quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:2222222222222222222222222222222222222222222222222222222222222222"}}]}}"#;
        let (version, components) = parse_image_references(bytes).unwrap();
        assert_eq!(version, "4.16.3");
        assert_eq!(components.len(), 2);
        assert_eq!(components[1].name, "tools");
        assert!(
            components[1].image.ends_with(
                "@sha256:2222222222222222222222222222222222222222222222222222222222222222"
            )
        );
    }

    #[test]
    fn image_references_that_are_not_an_image_stream_are_refused() {
        for (bytes, expected) in [
            (&b"not json"[..], "not JSON"),
            (br#"{"kind":"List"}"#, "kind is not ImageStream"),
            (br#"{"kind":"ImageStream","spec":{}}"#, "no spec.tags"),
            (
                br#"{"kind":"ImageStream","spec":{"tags":[{"name":"x","from":{"kind":"ImageStreamTag","name":"y"}}]}}"#,
                "from.kind is \"ImageStreamTag\"",
            ),
            (br#"{"kind":"ImageStream","spec":{"tags":[{"from":{}}]}}"#, "spec.tags[0].name missing"),
        ] {
            let e = parse_image_references(bytes).unwrap_err();
            assert!(e.contains(expected), "{e}");
        }
    }
}
