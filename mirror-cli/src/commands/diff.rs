//! `mirror-cli diff`: before applying new objects, what changes on the nodes and what the machine-config daemon will
//! do about it.
//!
//! Both object sets go through the same [`crate::node::plan`]; the node files are compared. What the daemon does per
//! file (machine-config-operator `pkg/daemon/update.go`, `calculatePostConfigChangeActionFromMCDiffs` and
//! `isDrainRequired`): registries.conf and policy.json → reload CRI-O; the kubelet's config.json → nothing; any file
//! it does not list → reboot. A registries.conf change drains the node unless it is "safe"
//! (`isSafeContainerRegistryConfChanges`): nothing removed, no prefix/location/blocked/insecure change, the
//! search list only extended, and every added mirror pulled by digest only. The CAs under certs.d come from the
//! Image config through the controller config, not a MachineConfig: they are listed but not judged.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

use registries_conf::{PullFromMirror, RegistriesConf, Registry};

use super::{Exit, Format, Style, report};
use crate::Error;
use crate::cluster::{Cluster, Input};
use crate::node::{RenderOptions, holds_credentials, paths, plan};
use crate::text_diff::unified_diff;

/// What `diff` was asked.
#[derive(Debug, Default)]
pub struct DiffRequest {
    /// The objects the cluster holds now.
    pub from: Vec<Input>,
    /// The objects about to be applied.
    pub to: Vec<Input>,
    /// How to render both.
    pub options: RenderOptions,
    /// Lines, or the changes as one JSON document.
    pub format: Format,
}

/// What a node does after a file changes, least disruptive first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// Nothing: the file is read when used.
    Nothing,
    /// `systemctl reload crio`, no drain.
    ReloadCrio,
    /// The node is cordoned and drained, then CRI-O reloaded (no reboot).
    DrainAndReloadCrio,
    /// The node is drained and rebooted.
    Reboot,
}

impl Action {
    /// Its name in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Action::Nothing => "nothing",
            Action::ReloadCrio => "reload-crio",
            Action::DrainAndReloadCrio => "drain-and-reload-crio",
            Action::Reboot => "reboot",
        }
    }

    /// In plain words.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Nothing => "nothing happens on the nodes besides writing the file",
            Action::ReloadCrio => "nodes reload CRI-O, without a drain",
            Action::DrainAndReloadCrio => {
                "nodes are drained (workloads move away), then CRI-O reloads; no reboot"
            }
            Action::Reboot => "nodes are drained and rebooted",
        }
    }
}

/// One node file that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path, relative to the root.
    pub path: PathBuf,
    /// `added`, `removed` or `changed`.
    pub how: &'static str,
    /// What the machine-config daemon does about it; `None` when not delivered by a MachineConfig.
    pub action: Option<Action>,
    /// Why, in plain words.
    pub why: Vec<String>,
}

/// Why a registries.conf change needs a drain, as machine-config-operator decides; empty when it is safe.
/// All reasons are listed, sorted (the daemon stops at the first, in Go map order).
pub fn drain_reasons(old: &RegistriesConf, new: &RegistriesConf) -> Vec<String> {
    let mut reasons = BTreeSet::new();
    let (old_search, new_search) = (
        &old.unqualified_search_registries,
        &new.unqualified_search_registries,
    );
    if !new_search.starts_with(old_search) {
        reasons.insert(format!(
            "unqualified-search-registries changed from {old_search:?} to {new_search:?} (only appending is safe)"
        ));
    }
    let by_scope = |conf: &RegistriesConf| -> BTreeMap<String, Registry> {
        conf.registries
            .iter()
            .map(|r| (r.scope().to_owned(), r.clone()))
            .collect()
    };
    let (old_map, new_map) = (by_scope(old), by_scope(new));
    for scope in old_map.keys() {
        if !new_map.contains_key(scope) {
            reasons.insert(format!("registry {scope} has been removed"));
        }
    }
    for (scope, new_reg) in &new_map {
        let Some(old_reg) = old_map.get(scope) else {
            let all_digest_only = if new_reg.mirrors.is_empty() {
                new_reg.mirror_by_digest_only
            } else {
                new_reg
                    .mirrors
                    .iter()
                    .all(|m| m.pull_from_mirror == PullFromMirror::DigestOnly)
            };
            if !all_digest_only {
                reasons.insert(format!(
                    "registry {scope} has been added with a mirror that does not set pull-from-mirror=digest-only"
                ));
            }
            continue;
        };
        if old_reg == new_reg {
            continue;
        }
        let mut changed = |what: &str, from: String, to: String| {
            if from != to {
                reasons.insert(format!(
                    "{what} of registry {scope} has changed from {from} to {to}"
                ));
            }
        };
        changed("prefix", old_reg.prefix.clone(), new_reg.prefix.clone());
        changed(
            "location",
            old_reg.location.clone(),
            new_reg.location.clone(),
        );
        changed(
            "blocked",
            old_reg.blocked.to_string(),
            new_reg.blocked.to_string(),
        );
        changed(
            "insecure",
            old_reg.insecure.to_string(),
            new_reg.insecure.to_string(),
        );
        for mirror in &old_reg.mirrors {
            if !new_reg
                .mirrors
                .iter()
                .any(|m| m.location == mirror.location)
            {
                reasons.insert(format!(
                    "mirror {} has been removed from registry {scope}",
                    mirror.location
                ));
            }
        }
        for mirror in &new_reg.mirrors {
            match old_reg
                .mirrors
                .iter()
                .find(|m| m.location == mirror.location)
            {
                Some(old_mirror)
                    if old_mirror.pull_from_mirror != mirror.pull_from_mirror
                        && mirror.pull_from_mirror != PullFromMirror::DigestOnly =>
                {
                    reasons.insert(format!(
                        "pull-from-mirror of mirror {} has changed from {:?} to {:?}",
                        mirror.location,
                        old_mirror.pull_from_mirror.as_str(),
                        mirror.pull_from_mirror.as_str()
                    ));
                }
                Some(_) => {}
                None if mirror.pull_from_mirror != PullFromMirror::DigestOnly
                    && !new_reg.mirror_by_digest_only =>
                {
                    reasons.insert(format!(
                        "mirror {} has been added to registry {scope} with pull-from-mirror {:?}, not digest-only",
                        mirror.location,
                        mirror.pull_from_mirror.as_str()
                    ));
                }
                None => {}
            }
        }
    }
    reasons.into_iter().collect()
}

fn parse_conf(name: &str, bytes: &[u8]) -> Result<RegistriesConf, Error> {
    registries_conf::parse(name, bytes)
        .map(|parsed| parsed.config)
        .map_err(Error::RegistriesConf)
}

/// The node file changes between two plans, and what the daemon does for each.
pub fn file_changes(
    old: &[crate::writer::NodeFile],
    new: &[crate::writer::NodeFile],
) -> Result<Vec<FileChange>, Error> {
    let old_files: BTreeMap<&PathBuf, &[u8]> =
        old.iter().map(|f| (&f.path, f.bytes.as_slice())).collect();
    let new_files: BTreeMap<&PathBuf, &[u8]> =
        new.iter().map(|f| (&f.path, f.bytes.as_slice())).collect();
    let old_modes: BTreeMap<&PathBuf, u32> = old.iter().map(|f| (&f.path, f.mode)).collect();
    let new_modes: BTreeMap<&PathBuf, u32> = new.iter().map(|f| (&f.path, f.mode)).collect();
    let paths: BTreeSet<&PathBuf> = old_files.keys().chain(new_files.keys()).copied().collect();
    let mut changes = Vec::new();
    for path in paths {
        let (before, after) = (old_files.get(path), new_files.get(path));
        let how = match (before, after) {
            (Some(a), Some(b)) if a == b && old_modes.get(path) == new_modes.get(path) => continue,
            (Some(_), Some(_)) => "changed",
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (None, None) => continue,
        };
        let text = path.to_string_lossy();
        let (action, why) = if text == paths::REGISTRIES_CONF {
            let empty = registries_conf::TEMPLATE.as_bytes();
            let old_conf = parse_conf("current registries.conf", before.copied().unwrap_or(empty))?;
            let new_conf = parse_conf("proposed registries.conf", after.copied().unwrap_or(empty))?;
            let reasons = drain_reasons(&old_conf, &new_conf);
            if reasons.is_empty() {
                (
                    Some(Action::ReloadCrio),
                    vec![
                        "only mirrors pulled by digest were added: safe without a drain".to_owned(),
                    ],
                )
            } else {
                (Some(Action::DrainAndReloadCrio), reasons)
            }
        } else if text == paths::POLICY_JSON {
            (
                Some(Action::ReloadCrio),
                vec!["the signature policy is reloaded by CRI-O".to_owned()],
            )
        } else if text == paths::KUBELET_CONFIG_JSON {
            (
                Some(Action::Nothing),
                vec!["the pull secret is read at each pull: nothing to restart".to_owned()],
            )
        } else if text.starts_with(paths::CERTS_D) {
            (
                None,
                vec![
                    "registry CAs come from the Image config through the controller config, not a MachineConfig; \
                     not judged here"
                        .to_owned(),
                ],
            )
        } else {
            (
                Some(Action::Reboot),
                vec!["the machine-config daemon reboots for a file it does not list".to_owned()],
            )
        };
        changes.push(FileChange {
            path: path.clone(),
            how,
            action,
            why,
        });
    }
    Ok(changes)
}

/// Runs `diff`. As `kubectl diff`: exit 1 when the nodes would change, 0 when not; an error (either set does not
/// render) is exit 2.
pub fn run(
    request: &DiffRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    if request.from.is_empty() || request.to.is_empty() {
        return Err(Error::Usage {
            message:
                "give the current objects with --from FILE and the proposed ones with --to FILE"
                    .into(),
        });
    }
    let io = super::output_error;
    let read = |inputs: &[crate::cluster::Input]| -> Result<Cluster, Error> {
        let cluster = Cluster::read_with(inputs, &crate::node::read_options(&request.options))?;
        cluster.require_shaping()?;
        Ok(cluster)
    };
    let old = plan(&read(&request.from)?, &request.options)?;
    let new = plan(&read(&request.to)?, &request.options)?;
    // Only the proposed objects' warnings matter to what is about to be applied.
    report(err, style, &new.warnings, &[]).map_err(io)?;

    let text_of = |files: &[crate::writer::NodeFile], path: &str| -> String {
        files
            .iter()
            .find(|f| f.path == std::path::Path::new(path))
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default()
    };
    let (before, after) = (
        text_of(&old.files, paths::REGISTRIES_CONF),
        text_of(&new.files, paths::REGISTRIES_CONF),
    );
    let registries_conf_diff = (before != after).then(|| {
        let name = |side: &str| format!("{side}/{} ({side} objects)", paths::REGISTRIES_CONF);
        unified_diff(&name("current"), &name("proposed"), &before, &after)
    });
    let changes = file_changes(&old.files, &new.files)?;
    let overall = changes
        .iter()
        .filter_map(|c| c.action)
        .max()
        .unwrap_or(Action::Nothing);
    // kubectl diff: 1 means "differences found", so a script can branch on it.
    let exit = if changes.is_empty() {
        Exit::Ok
    } else {
        Exit::Failed
    };
    if request.format == Format::Json {
        let files: Vec<serde_json::Value> = changes
            .iter()
            .map(|change| {
                serde_json::json!({
                    "path": PathBuf::from("/").join(&change.path),
                    "change": change.how,
                    "holds_credentials": holds_credentials(&change.path),
                    "action": change.action.map(Action::name),
                    "reasons": change.why,
                })
            })
            .collect();
        let document = serde_json::json!({
            "changed": !changes.is_empty(),
            "action": overall.name(),
            "summary": overall.describe(),
            "registries_conf_diff": registries_conf_diff,
            "files": files,
            "warnings": new.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        super::print_json(out, &document)?;
        return Ok(exit);
    }

    match &registries_conf_diff {
        None => writeln!(out, "/{}: unchanged", paths::REGISTRIES_CONF).map_err(io)?,
        Some(diff) => write!(out, "{diff}").map_err(io)?,
    }
    writeln!(out).map_err(io)?;

    if changes.is_empty() {
        writeln!(
            out,
            "No node file changes: applying the proposed objects does nothing to the nodes."
        )
        .map_err(io)?;
        return Ok(exit);
    }
    for change in &changes {
        let what = if holds_credentials(&change.path) {
            " (pull secret; content not shown)"
        } else {
            ""
        };
        writeln!(out, "/{}{what}: {}", change.path.display(), change.how).map_err(io)?;
        if let Some(action) = change.action {
            writeln!(out, "    {}", action.describe()).map_err(io)?;
        }
        for why in &change.why {
            writeln!(out, "    - {why}").map_err(io)?;
        }
    }
    writeln!(out).map_err(io)?;
    writeln!(out, "In plain words: {}.", overall.describe()).map_err(io)?;
    Ok(exit)
}
