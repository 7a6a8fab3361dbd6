//! `mirror-cli verify`: step 4 of the procedure, and more. Runs the same pipeline as `render` ([`crate::node::plan`])
//! and compares what a node root holds with it:
//! - registries.conf (merged with its `registries.conf.d/*.conf` drop-ins, as containers/image merges them) by
//!   meaning: the same scopes, each with the same location, `insecure`, `blocked`, and mirrors (location, `insecure`,
//!   effective digest/tag usage), so a legacy `mirror-by-digest-only` node verifies against today's
//!   `pull-from-mirror = "digest-only"`; the same search registries, short-name mode, credential helpers and aliases;
//! - every other file exactly: bytes and mode;
//! - what a person checks by hand: a `[[registry]]` per source with its mirrors, the mirror's credentials in the
//!   kubelet's config.json, a `certs.d/<host:port>` folder for each mirror with a CA.
//!
//! The kubelet's config.json is never shown: its diff names the registries that differ, with user names only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use dockerconfig::{Decoded, DockerConfig};
use registries_conf::parse_drop_in;
use registries_conf::validate;
use registries_conf::{InMemoryFile, load_in_memory};
use registries_conf::{Meaning, RegistriesConf, Registry};
use serde_json::{Value, json};

use super::{Exit, Style};
use crate::Error;
use crate::cluster::Input;
use crate::explain::{AuthUse, auth_use};
use crate::node::{NodePlan, RenderOptions, Target, holds_credentials, paths};
use crate::text_diff::unified_diff;
use crate::writer::NodeFile;
use go_compat::quote as go_quote;
use node_root::{Budget, FileKind, Listing, Owner, Root};

use crate::node::read::{NodeRoot, untrusted_ca_folders};
use crate::shown::{never_quoted, shown};

/// What `verify` was asked: one node root (the checklist) or several (a table, the objects rendered once).
#[derive(Debug, Default)]
pub struct VerifyRequest {
    /// The nodes' roots (`/host` under `oc debug node/X`, or files copied off nodes), in the order given; each is
    /// named in the table as given.
    pub roots: Vec<PathBuf>,
    /// The object streams.
    pub inputs: Vec<Input>,
    /// Use the built-in example as an extra input.
    pub example: bool,
    /// How to render (the layout does not matter to registries.conf, which is compared by meaning).
    pub options: RenderOptions,
    /// Print a JSON report instead of the checklist or table.
    pub json: bool,
    /// What is left of the command's input budget after reading the inputs, for the node's files, shared by every
    /// root's (`None`: a fresh [`crate::bounds::COMMAND_INPUT_BYTES`]).
    pub budget: Option<Budget>,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// As rendered.
    Ok,
    /// Present, but not as rendered.
    Drift,
    /// Not on the node.
    Missing,
}

impl Status {
    /// The word the checklist prints.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Drift => "DRIFT",
            Status::Missing => "missing",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What kind of check: `meaning`, `file`, `registry`, `credentials`, `certs.d`.
    pub kind: &'static str,
    /// The node file (or folder) concerned, relative to the root.
    pub path: String,
    /// The outcome.
    pub status: Status,
    /// A short reason.
    pub reason: String,
    /// A unified diff (rendered → node), or for the kubelet's config.json a redacted list of registries that
    /// differ.
    pub diff: Option<String>,
    /// The reason with every item it lists, where [`Check::reason`] names only the first
    /// [`LISTED_IN_A_LINE`] (the JSON report's `reason`; the checklist keeps one line short).
    pub complete_reason: Option<String>,
}

/// How many items (mirrors) one checklist line names before "and N more".
pub const LISTED_IN_A_LINE: usize = 5;

/// `items` joined by ", ": the first [`LISTED_IN_A_LINE`] and "and N more", and all of them when some were left
/// off.
fn listed(items: &[&str]) -> (String, Option<String>) {
    let all = items.join(", ");
    if items.len() <= LISTED_IN_A_LINE {
        return (all, None);
    }
    let first = items[..LISTED_IN_A_LINE].join(", ");
    (
        format!("{first} and {} more", items.len() - LISTED_IN_A_LINE),
        Some(all),
    )
}

fn check(kind: &'static str, path: &str, status: Status, reason: impl Into<String>) -> Check {
    Check {
        kind,
        path: path.to_owned(),
        status,
        reason: reason.into(),
        diff: None,
        complete_reason: None,
    }
}

/// Checks that every root is a folder, then renders the objects once; the budget left for the nodes' files.
fn plan_and_budget(
    request: &VerifyRequest,
    err: &mut dyn Write,
    style: &Style,
) -> Result<(crate::node::NodePlan, Budget), Error> {
    let hint = match request.roots.len() {
        0 => {
            return Err(Error::Usage {
                message: "give each node's root with --root DIR".into(),
            });
        }
        1 => "give the node's root, e.g. /host",
        _ => "give each node's root, e.g. files copied with oc debug",
    };
    if let Some(root) = request.roots.iter().find(|root| !root.is_dir()) {
        return Err(Error::NotAFolder {
            path: root.display().to_string(),
            hint,
        });
    }
    let plan = super::plan_and_report(
        std::borrow::Cow::Borrowed(&request.inputs),
        request.example,
        &request.options,
        NOTHING_TO_VERIFY,
        err,
        style,
        false,
    )?;
    let budget = (request.budget.clone()).unwrap_or_else(crate::input::command_budget);
    Ok((plan, budget))
}

/// Prints what `verify` found, the JSON `report` or the `text`, and exits 0 when every check passed (`ok`), 1
/// otherwise: one step for one root and for a fleet of roots.
fn print_outcome(
    out: &mut dyn Write,
    json: bool,
    report: impl FnOnce() -> Value,
    text: impl FnOnce() -> String,
    ok: bool,
) -> Result<Exit, Error> {
    if json {
        super::print_json(out, &report())?;
    } else {
        out.write_all(text().as_bytes())
            .map_err(super::output_error)?;
    }
    Ok(if ok { Exit::Ok } else { Exit::Failed })
}

/// Runs `verify`: renders the objects once, compares each root with them, prints the checklist of one root or
/// the table of several (or JSON); exit 0 when every node is as rendered, 1 when any drifts.
pub fn run(
    request: &VerifyRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let (plan, mut budget) = plan_and_budget(request, err, style)?;
    let nodes = request
        .roots
        .iter()
        .map(|root| {
            Ok(NodeChecks {
                root: root.clone(),
                checks: verify_within(root, &plan, &mut budget)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let ok = nodes.iter().all(NodeChecks::ok);
    match nodes.as_slice() {
        [node] => print_outcome(
            out,
            request.json,
            || json_report(&node.root, &node.checks),
            || checklist(&node.checks),
            ok,
        ),
        _ => print_outcome(
            out,
            request.json,
            || fleet_json(&nodes),
            || fleet_table(&nodes),
            ok,
        ),
    }
}

/// The checklist: one line per check, a summary, then each diff.
pub fn checklist(checks: &[Check]) -> String {
    let mut text = String::new();
    for c in checks {
        let _ = writeln!(text, "{:<8} {}: {}", c.status.label(), c.path, c.reason);
    }
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let _ = writeln!(
        text,
        "{} ok, {} drift, {} missing",
        count(Status::Ok),
        count(Status::Drift),
        count(Status::Missing)
    );
    for c in checks {
        if let Some(diff) = &c.diff {
            text.push('\n');
            text.push_str(diff);
        }
    }
    text
}

/// The JSON report.
pub fn json_report(root: &Path, checks: &[Check]) -> Value {
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    json!({
        "root": root.display().to_string(),
        "ok": checks.iter().all(|c| c.status == Status::Ok),
        "summary": {"ok": count(Status::Ok), "drift": count(Status::Drift), "missing": count(Status::Missing)},
        "checks": checks.iter().map(|c| json!({
            "kind": c.kind,
            "path": c.path,
            "status": c.status.label().to_lowercase(),
            "reason": c.complete_reason.as_ref().unwrap_or(&c.reason),
            "diff": c.diff,
        })).collect::<Vec<_>>(),
    })
}

/// A node file as found: bytes, mode and owner.
struct Found {
    bytes: Vec<u8>,
    mode: u32,
    owner: Owner,
}

/// What verify found where a node file should be: the file, nothing, or a check saying what is there instead (a
/// symbolic link, a FIFO, a device: never followed, never read).
enum OnNode {
    Missing,
    File(Found),
    NotRegular(Check),
}

impl OnNode {
    fn file(&self) -> Option<&Found> {
        match self {
            OnNode::File(found) => Some(found),
            _ => None,
        }
    }
}

fn read_node_file(
    node: &mut NodeRoot<'_>,
    kind: &'static str,
    relative: &str,
) -> Result<OnNode, Error> {
    Ok(match node.read(relative)? {
        node_root::Found::Missing => OnNode::Missing,
        // A folder where a file should be: nothing a client could read.
        node_root::Found::NotRegular {
            kind: FileKind::Folder,
            at,
        } if at == Path::new(relative) => OnNode::Missing,
        node_root::Found::NotRegular { at, kind: what } => {
            OnNode::NotRegular(not_regular_check(kind, relative, &at, what))
        }
        node_root::Found::File(file) => OnNode::File(Found {
            bytes: file.bytes,
            mode: file.meta.mode,
            owner: file.meta.owner,
        }),
    })
}

/// A symbolic link, FIFO or device where a node file (or a folder on the way to it) should be.
fn not_regular_check(kind: &'static str, relative: &str, at: &Path, what: FileKind) -> Check {
    let at = shown(at.as_os_str().as_encoded_bytes());
    let reason = if at == relative {
        format!("is {what}; not followed, not read (a node file must be a regular file)")
    } else {
        format!("{at} is {what}; not followed, not read (it must be a folder)")
    };
    check(kind, relative, Status::Drift, reason)
}

/// Node files by their path under the root.
type NodeFiles = Vec<(String, Found)>;

/// The node's `registries.conf.d/*.conf` files, by name, and checks for what is there that is not one.
fn node_drop_ins(node: &mut NodeRoot<'_>) -> Result<(NodeFiles, Vec<Check>), Error> {
    let listed = node.drop_ins()?;
    let mut found = Vec::new();
    let mut checks = Vec::new();
    if let Some((at, kind)) = listed.blocked {
        checks.push(not_regular_check(
            "meaning",
            paths::REGISTRIES_CONF_D,
            &at,
            kind,
        ));
    }
    for (relative, entry) in listed.files {
        match entry {
            node_root::Found::File(file) => found.push((
                relative,
                Found {
                    bytes: file.bytes,
                    mode: file.meta.mode,
                    owner: file.meta.owner,
                },
            )),
            node_root::Found::Missing => {}
            node_root::Found::NotRegular { at, kind } => {
                checks.push(not_regular_check("meaning", &relative, &at, kind));
            }
        }
    }
    Ok((found, checks))
}

fn is_drop_in(path: &Path) -> bool {
    path.parent() == Some(Path::new(paths::REGISTRIES_CONF_D))
}

/// Compares the node under `root` with `plan`. Reads the root (bounded, never following anything beneath it);
/// never writes.
pub fn verify(root: &Path, plan: &NodePlan) -> Result<Vec<Check>, Error> {
    verify_within(root, plan, &mut crate::input::command_budget())
}

/// [`verify`], every read charged to `budget` (one budget across the roots of a fleet).
pub fn verify_within(
    root: &Path,
    plan: &NodePlan,
    budget: &mut Budget,
) -> Result<Vec<Check>, Error> {
    let mut node = NodeRoot::open(root, budget, "give the node's root, e.g. /host")?;
    let mut checks = Vec::new();

    // An interrupted (or running) write of several files: the node may hold two generations at once.
    if let Some(pending) = node.root().pending()? {
        checks.push(check("generation", ".", Status::Drift, pending.to_string()));
    }

    // registries.conf and its drop-ins, by meaning.
    let expected_main = plan
        .files
        .iter()
        .find(|f| f.path == Path::new(paths::REGISTRIES_CONF));
    let expected_drop_ins: Vec<&NodeFile> =
        plan.files.iter().filter(|f| is_drop_in(&f.path)).collect();
    let expected_config = merged(
        expected_main.map(|f| f.bytes.as_slice()),
        &expected_drop_ins
            .iter()
            .map(|f| (f.path.display().to_string(), f.bytes.as_slice()))
            .collect::<Vec<_>>(),
    )
    .map_err(Error::RenderedConfig)?;
    let node_main = read_node_file(&mut node, "meaning", paths::REGISTRIES_CONF)?;
    let (node_drop_ins, drop_in_findings) = node_drop_ins(&mut node)?;
    // A node holding exactly the rendered files (same paths, same bytes) loads as the rendered ones did: the 20 MB
    // of a 100 000-source registries.conf are then read once, not twice.
    let as_rendered = node_main.file().map(|f| f.bytes.as_slice())
        == expected_main.map(|f| f.bytes.as_slice())
        && node_drop_ins.len() == expected_drop_ins.len()
        && node_drop_ins
            .iter()
            .zip(&expected_drop_ins)
            .all(|((p, f), e)| Path::new(p) == e.path && f.bytes == e.bytes);
    let node_loaded;
    let node_config = if as_rendered {
        Ok(&expected_config)
    } else {
        node_loaded = merged(
            node_main.file().map(|f| f.bytes.as_slice()),
            &node_drop_ins
                .iter()
                .map(|(p, f)| (p.clone(), f.bytes.as_slice()))
                .collect::<Vec<_>>(),
        );
        node_loaded.as_ref()
    };
    // The line per source needs only the plan and the node's configuration: at 100 000 sources it is a sixth of
    // the run, so it goes on a second core while this one compares the files.
    std::thread::scope(|threads| {
        let node_config_ok = node_config.ok();
        let by_source = threads.spawn(move || registry_checks(plan, node_config_ok));
        let joined = || {
            by_source
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        };
        compare_files(
            &mut node,
            plan,
            &expected_config,
            ConfOnNode {
                main: node_main,
                drop_ins: node_drop_ins,
                drop_in_findings,
                expected_drop_ins,
            },
            node_config,
            joined,
            checks,
        )
    })
}

/// registries.conf and its drop-ins as read off the node, and the drop-ins the plan expects.
struct ConfOnNode<'p> {
    main: OnNode,
    drop_ins: NodeFiles,
    /// Drop-ins that are not regular files.
    drop_in_findings: Vec<Check>,
    expected_drop_ins: Vec<&'p NodeFile>,
}

/// What [`verify_within`] reads after registries.conf: its check, the drop-ins, every other file, the line per
/// source (`by_source`, computed beside), credentials, certs.d and the folders.
fn compare_files(
    node: &mut NodeRoot<'_>,
    plan: &NodePlan,
    expected_config: &RegistriesConf,
    conf: ConfOnNode<'_>,
    node_config: Result<&RegistriesConf, &registries_conf::Error>,
    by_source: impl FnOnce() -> Vec<Check>,
    mut checks: Vec<Check>,
) -> Result<Vec<Check>, Error> {
    let ConfOnNode {
        main: node_main,
        drop_ins: node_drop_ins,
        drop_in_findings,
        expected_drop_ins,
    } = conf;
    // A MicroShift host keeps its own registries.conf: only the drop-in is the plan's.
    match &node_main {
        OnNode::NotRegular(finding) => checks.push(finding.clone()),
        _ if plan.target == Target::MicroShift => {}
        _ => checks.push(registries_conf_check(
            expected_config,
            node_main.file(),
            &node_drop_ins,
            node_config,
        )),
    }
    let mut reported: Vec<String> = drop_in_findings.iter().map(|c| c.path.clone()).collect();
    for file in &expected_drop_ins {
        let relative = file.path.display().to_string();
        if reported.contains(&relative) {
            continue;
        }
        let found = node_drop_ins
            .iter()
            .find(|(p, _)| *p == relative)
            .map(|(_, f)| f);
        checks.push(drop_in_check(file, found));
    }
    checks.extend(drop_in_findings);

    // Every other file, exactly.
    let mut node_auth = None;
    for file in plan
        .files
        .iter()
        .filter(|f| f.path != Path::new(paths::REGISTRIES_CONF) && !is_drop_in(&f.path))
    {
        let relative = file.path.display().to_string();
        match read_node_file(node, "file", &relative)? {
            OnNode::NotRegular(finding) => {
                reported.push(relative.clone());
                checks.push(finding);
            }
            found => {
                checks.push(exact_check(file, found.file(), plan.now));
                if relative == paths::KUBELET_CONFIG_JSON {
                    node_auth = Some(found);
                }
            }
        }
    }

    // What the procedure's step 4 has a person check.
    checks.extend(by_source());
    let auth_path = match plan.target {
        Target::OpenShift => paths::KUBELET_CONFIG_JSON,
        Target::MicroShift => paths::MICROSHIFT_PULL_SECRET,
    };
    let node_auth = match node_auth {
        Some(found) if plan.target == Target::OpenShift => found,
        _ => read_node_file(node, "credentials", auth_path)?,
    };
    let locations = mirror_locations(expected_config);
    match node_auth {
        OnNode::NotRegular(finding) if !reported.iter().any(|p| p == auth_path) => {
            checks.push(finding)
        }
        OnNode::NotRegular(_) => {}
        found => checks.extend(credentials_checks(auth_path, &locations, found.file())),
    }
    checks.extend(certs_d_checks(node.root(), plan, &locations)?);
    let untrusted = untrusted_ca_checks(node, plan, &checks)?;
    checks.extend(untrusted);
    checks.extend(folder_checks(node, plan)?);
    checks.extend(node_ca_checks(node, plan)?);
    Ok(checks)
}

/// The folders on the way to each node file that others may write (anyone could replace the file), or that root
/// does not own when this runs as root; each folder once.
fn folder_checks(node: &NodeRoot<'_>, plan: &NodePlan) -> Result<Vec<Check>, Error> {
    let as_root = rustix::process::geteuid().is_root();
    let mut seen = Vec::new();
    let mut checks = Vec::new();
    for file in &plan.files {
        for folder in node.root().folders_on_the_way(&file.path)? {
            if seen.contains(&folder.path) {
                continue;
            }
            seen.push(folder.path.clone());
            let mut reasons = Vec::new();
            if folder.meta.world_writable() {
                reasons.push(format!(
                    "writable by anyone ({:04o}): anyone may replace the node files under it",
                    folder.meta.mode
                ));
            }
            if as_root && folder.meta.owner != Owner::ROOT {
                reasons.push(format!(
                    "owned by {}, expected {} (root:root): its owner may replace the node files under it",
                    folder.meta.owner,
                    Owner::ROOT
                ));
            }
            if !reasons.is_empty() {
                let path = if folder.path.as_os_str().is_empty() {
                    ".".to_owned()
                } else {
                    shown(folder.path.as_os_str().as_encoded_bytes())
                };
                checks.push(check("folder", &path, Status::Drift, reasons.join("; ")));
            }
        }
    }
    Ok(checks)
}

/// Every `*.crt` in the node's certs.d folders that the plan does not write, judged as containers/image loads it:
/// a file its certificate pool cannot use (garbage, a key, an expired certificate) is skipped silently there, and
/// pulls from that host then fail with "x509: certificate signed by unknown authority", so it fails verify; a
/// usable one no object asks for is listed as extra (the image registry operator adds some), not failed.
fn node_ca_checks(node: &mut NodeRoot<'_>, plan: &NodePlan) -> Result<Vec<Check>, Error> {
    let mut checks = Vec::new();
    for base in paths::CERTS_D_SEARCH_ORDER {
        let (folders, links) = node_folder_names(node.root(), base)?;
        checks.extend(links);
        for folder in folders {
            let relative_folder = format!("{base}/{folder}");
            let (names, links) = node_folder_names(node.root(), &relative_folder)?;
            checks.extend(links);
            for name in names {
                if !name.ends_with(".crt") {
                    continue;
                }
                let relative = format!("{relative_folder}/{name}");
                if plan.files.iter().any(|f| f.path == Path::new(&relative)) {
                    continue; // compared exactly, with the same verdict on a broken one
                }
                // Links and other non-files are reported by the reads above; only a regular file is judged.
                let OnNode::File(found) = read_node_file(node, "certs.d", &relative)? else {
                    continue;
                };
                let verdict = classify_ca_file(&relative, found.bytes, plan.now);
                checks.push(match ca_reason(&verdict) {
                    None => check(
                        "certs.d",
                        &relative,
                        Status::Ok,
                        format!("extra: a CA for {folder} no object asks for (pulls from {folder} trust it)"),
                    ),
                    Some(reason) => check(
                        "certs.d",
                        &relative,
                        Status::Drift,
                        format!(
                            "{reason} (containers/image skips it, and pulls from {folder} fail with \"x509: \
                             certificate signed by unknown authority\")"
                        ),
                    ),
                });
            }
        }
    }
    Ok(checks)
}

/// Why a node's CA file is unusable, without the file and folder the check line already names.
fn ca_reason(verdict: &trust_bundle::CaFile) -> Option<String> {
    let e = verdict.error()?;
    let text = e.to_string();
    let reason = match text.split_once("\"]: ") {
        Some((origin, rest)) if origin.starts_with("file ") => rest.to_owned(),
        _ => text,
    };
    Some(format!("{}: {reason}", verdict.summary()))
}

/// A `ca.crt` found on a node, judged as containers/image will load it.
fn classify_ca_file(
    relative: &str,
    bytes: Vec<u8>,
    now: trust_bundle::UnixTime,
) -> trust_bundle::CaFile {
    let folder = Path::new(relative)
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bundle = trust_bundle::Bundle {
        key: folder,
        origin: trust_bundle::Origin::File(format!("/{relative}")),
        bytes,
    };
    trust_bundle::classify_ca_file(&bundle, now)
}

/// The names in a node folder, sorted (none when it is absent or not a folder), listed through node-root so that
/// nothing outside `--root` is listed; with a finding for each symbolic link where a folder is expected (the listed
/// folder itself, or a folder entry in it), never followed.
fn node_folder_names(root: &Root, relative: &str) -> Result<(Vec<String>, Vec<Check>), Error> {
    let link = |path: &str| {
        check(
            "certs.d",
            &shown(path),
            Status::Drift,
            "is a symbolic link; not followed (a certs.d folder must be a folder)",
        )
    };
    Ok(
        match root.read_dir(relative, crate::bounds::NODE_FOLDER_ENTRIES)? {
            Listing::Missing => (Vec::new(), Vec::new()),
            Listing::NotAFolder { at, kind } => {
                let findings = if kind == FileKind::Symlink && at == Path::new(relative) {
                    vec![link(relative)]
                } else {
                    Vec::new()
                };
                (Vec::new(), findings)
            }
            Listing::Entries(entries) => {
                let mut names = Vec::new();
                let mut findings = Vec::new();
                for entry in entries {
                    let name = entry.name.to_string_lossy().into_owned();
                    // A link in a folder of CA folders stands for a folder; a link to a file is reported by its read.
                    if entry.kind == FileKind::Symlink && !name.ends_with(".crt") {
                        findings.push(link(&format!("{relative}/{name}")));
                    } else {
                        names.push(name);
                    }
                }
                (names, findings)
            }
        },
    )
}

/// The folders of each certs.d folder, in containers/image's search order, listed under the root: a folder reached
/// through a symbolic link is not one (its link is reported by [`node_ca_checks`]).
struct CertsDFolders(Vec<(&'static str, Vec<std::ffi::OsString>)>);

impl CertsDFolders {
    fn list(root: &Root) -> Result<CertsDFolders, Error> {
        let mut bases = Vec::new();
        for base in paths::CERTS_D_SEARCH_ORDER {
            let folders = match root.read_dir(base, crate::bounds::NODE_FOLDER_ENTRIES)? {
                Listing::Entries(entries) => entries
                    .into_iter()
                    .filter(|e| e.kind == FileKind::Folder)
                    .map(|e| e.name)
                    .collect(),
                Listing::Missing | Listing::NotAFolder { .. } => Vec::new(),
            };
            bases.push((base, folders));
        }
        Ok(CertsDFolders(bases))
    }

    /// The first folder for `host`, as `/<path>`.
    fn of(&self, host: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(_, folders)| {
                folders
                    .iter()
                    .any(|f| f.as_encoded_bytes() == host.as_bytes())
            })
            .map(|(base, _)| format!("/{base}/{host}"))
    }
}

fn merged(
    main: Option<&[u8]>,
    drop_ins: &[(String, &[u8])],
) -> Result<RegistriesConf, registries_conf::Error> {
    let main_path = format!("/{}", paths::REGISTRIES_CONF);
    let drop_in_paths: Vec<String> = drop_ins.iter().map(|(p, _)| format!("/{p}")).collect();
    let files: Vec<InMemoryFile<'_>> = drop_ins
        .iter()
        .zip(&drop_in_paths)
        .map(|((_, bytes), path)| InMemoryFile { path, bytes })
        .collect();
    load_in_memory(
        main.map(|bytes| InMemoryFile {
            path: &main_path,
            bytes,
        }),
        &files,
    )
    .map(|l| l.config)
}

/// How the node's meaning differs from the rendered one, one reason each.
fn reasons(expected: &Meaning, node: &Meaning) -> Vec<String> {
    expected
        .differences(node)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The first few reasons (and how many more): the meaning's differences, and the file mode's.
fn summarize(reasons: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = reasons
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if reasons.len() > SHOWN {
        let _ = write!(text, "; and {} more", reasons.len() - SHOWN);
    }
    text
}

/// The mode's difference, and the owner's when this runs as root (copies of a node's files made by a user are
/// that user's; on the node itself, machine-config-operator writes every file as root).
fn mode_reason(found: &Found, expected: u32) -> Vec<String> {
    let mut reasons = Vec::new();
    if found.mode != expected {
        reasons.push(format!("mode {:04o}, expected {expected:04o}", found.mode));
    }
    if rustix::process::geteuid().is_root() && found.owner != Owner::ROOT {
        reasons.push(format!(
            "owned by {}, expected {} (root:root)",
            found.owner,
            Owner::ROOT
        ));
    }
    reasons
}

fn registries_conf_check(
    expected: &RegistriesConf,
    node_main: Option<&Found>,
    node_drop_ins: &[(String, Found)],
    node: Result<&RegistriesConf, &registries_conf::Error>,
) -> Check {
    let path = paths::REGISTRIES_CONF;
    let Some(main) = node_main else {
        return check("meaning", path, Status::Missing, "not on the node");
    };
    let node = match node {
        Ok(config) => config,
        Err(e) => return refused(path, e),
    };
    let (expected_meaning, node_meaning) = (expected.meaning(), node.meaning());
    let mut reasons = reasons(&expected_meaning, &node_meaning);
    reasons.extend(mode_reason(main, 0o644));
    let merged_with = if node_drop_ins.is_empty() {
        String::new()
    } else {
        format!(
            " (merged with {})",
            node_drop_ins
                .iter()
                .map(|(p, _)| p.rsplit('/').next().unwrap_or(p))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if reasons.is_empty() {
        let scopes = expected_meaning.scopes().count();
        return check(
            "meaning",
            path,
            Status::Ok,
            format!(
                "same pull sources and flags for {scopes} scope{}{merged_with}",
                if scopes == 1 { "" } else { "s" }
            ),
        );
    }
    drifted(
        path,
        format!("{}{merged_with}", summarize(&reasons)),
        " (meaning, drop-ins merged)",
        &expected_meaning,
        &node_meaning,
    )
}

fn drop_in_check(expected: &NodeFile, found: Option<&Found>) -> Check {
    let path = expected.path.display().to_string();
    let Some(found) = found else {
        return check("meaning", &path, Status::Missing, "not on the node");
    };
    let load = |bytes: &[u8]| {
        parse_drop_in(&format!("/{path}"), bytes)
            .and_then(|p| validate(&p))
            .map(|c| c.meaning())
    };
    let expected_meaning = match load(&expected.bytes) {
        Ok(m) => m,
        Err(e) => {
            return check(
                "meaning",
                &path,
                Status::Drift,
                format!("the rendered drop-in does not load: {e}"),
            );
        }
    };
    let node_meaning = match load(&found.bytes) {
        Ok(m) => m,
        Err(e) => return refused(&path, &e),
    };
    let mut reasons = reasons(&expected_meaning, &node_meaning);
    reasons.extend(mode_reason(found, expected.mode));
    if reasons.is_empty() {
        return check("meaning", &path, Status::Ok, "same settings");
    }
    drifted(
        &path,
        summarize(&reasons),
        " (meaning)",
        &expected_meaning,
        &node_meaning,
    )
}

/// The node's file is one containers/image refuses.
fn refused(path: &str, e: &registries_conf::Error) -> Check {
    check(
        "meaning",
        path,
        Status::Drift,
        format!("containers/image would refuse it: {e}"),
    )
}

/// A drifted meaning check, with the two meanings as a unified diff when their text differs.
fn drifted(path: &str, reason: String, label: &str, expected: &Meaning, node: &Meaning) -> Check {
    let mut c = check("meaning", path, Status::Drift, reason);
    let (before, after) = (expected.to_string(), node.to_string());
    if before != after {
        c.diff = Some(unified_diff(
            &format!("rendered/{path}{label}"),
            &format!("node/{path}{label}"),
            &before,
            &after,
        ));
    }
    c
}

/// Whether a node file is a CA bundle under a certs.d folder.
fn is_ca_file(path: &Path) -> bool {
    paths::CERTS_D_SEARCH_ORDER
        .iter()
        .any(|base| path.starts_with(base))
        && path.extension().is_some_and(|x| x == "crt")
}

fn exact_check(expected: &NodeFile, found: Option<&Found>, now: trust_bundle::UnixTime) -> Check {
    let path = expected.path.display().to_string();
    let Some(found) = found else {
        return check("file", &path, Status::Missing, "not on the node");
    };
    let same_bytes = found.bytes == expected.bytes;
    let mut reasons = Vec::new();
    let mut key_material = false;
    if !same_bytes {
        reasons.push("content differs".to_owned());
        // A CA the objects ask for: say what the node's file is, as containers/image will (not) use it.
        if is_ca_file(&expected.path) {
            let path = expected.path.display().to_string();
            let verdict = classify_ca_file(&path, found.bytes.clone(), now);
            reasons.extend(ca_reason(&verdict));
            key_material = matches!(verdict, trust_bundle::CaFile::KeyMaterial(_));
        }
    }
    reasons.extend(mode_reason(found, expected.mode));
    if reasons.is_empty() {
        return check(
            "file",
            &path,
            Status::Ok,
            format!("same bytes and mode ({:04o})", expected.mode),
        );
    }
    let mut c = check("file", &path, Status::Drift, reasons.join("; "));
    // Key material is never printed.
    if !same_bytes && !key_material {
        c.diff = Some(if holds_credentials(&expected.path) {
            auth_diff(&path, &expected.bytes, &found.bytes)
        } else if never_quoted(&expected.bytes) || never_quoted(&found.bytes) {
            format!(
                "--- rendered/{path}\n+++ node/{path}\n! differs (holds credentials; not shown)\n"
            )
        } else {
            unified_diff(
                &format!("rendered/{path}"),
                &format!("node/{path}"),
                &shown_lines(&expected.bytes),
                &shown_lines(&found.bytes),
            )
        });
    }
    c
}

/// Each line escaped and cut ([`shown`]): a node file's bytes never reach the terminal raw.
fn shown_lines(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for line in bytes.split(|&b| b == b'\n') {
        text.push_str(&shown(line));
        text.push('\n');
    }
    if bytes.ends_with(b"\n") {
        text.pop();
    }
    text
}

/// Which registries of two docker config files differ, without any secret: user names only.
fn auth_diff(path: &str, expected: &[u8], found: &[u8]) -> String {
    let mut text = format!("--- rendered/{path} (redacted)\n+++ node/{path} (redacted)\n");
    let expected = match DockerConfig::parse(expected, &format!("rendered/{path}")) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(text, "! the rendered file does not parse: {e}");
            return text;
        }
    };
    let found = match DockerConfig::parse(found, &format!("node/{path}")) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(text, "! the node's file does not parse: {e}");
            return text;
        }
    };
    let user = |config: &DockerConfig, key: &str| match config.decode(key) {
        Some(Ok(Decoded::Credentials(c))) => format!("user {}", c.username()),
        Some(Ok(_)) => "no credentials".to_owned(),
        Some(Err(_)) => "undecodable auth".to_owned(),
        None => String::new(),
    };
    let keys: Vec<&str> = {
        let mut keys: Vec<&str> = expected.keys().collect();
        for key in found.keys() {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    };
    let mut any = false;
    for key in keys {
        match (expected.get(key), found.get(key)) {
            (Some(_), None) => {
                let _ = writeln!(
                    text,
                    "- {} ({}): only in the rendered file",
                    go_quote(key),
                    user(&expected, key)
                );
            }
            (None, Some(_)) => {
                let _ = writeln!(
                    text,
                    "+ {} ({}): only on the node",
                    go_quote(key),
                    user(&found, key)
                );
            }
            (Some(a), Some(b)) if a != b => {
                let (ua, ub) = (user(&expected, key), user(&found, key));
                let detail = if ua == ub {
                    format!("{ua}, other fields or secret")
                } else {
                    format!("{ua} -> {ub}")
                };
                let _ = writeln!(text, "~ {}: entry differs ({detail})", go_quote(key));
            }
            _ => continue,
        }
        any = true;
    }
    if expected.other_top_level_keys() != found.other_top_level_keys() {
        let _ = writeln!(
            text,
            "~ top-level keys besides auths differ: rendered {:?}, node {:?}",
            expected.other_top_level_keys(),
            found.other_top_level_keys()
        );
        any = true;
    }
    if !any {
        text.push_str("~ the same registries and entries, other bytes (order or spacing)\n");
    }
    text
}

/// The source scopes of the mirror rules, in order, each with its mirrors (once each, in order). Hash lookups, not
/// scans: at 100 000 sources a scan per source is 10^10 comparisons.
fn rule_sources(plan: &NodePlan) -> Vec<(&str, Vec<&str>)> {
    let rules = &plan.rules;
    // Sized up front (at most one source per set, one entry per mirror): no rehashing while growing.
    let (sets, mirrors) = rules.mirror_sets().fold((0, 0), |(sets, mirrors), set| {
        (sets + 1, mirrors + set.mirrors.len())
    });
    let mut sources: Vec<(&str, Vec<&str>)> = Vec::with_capacity(sets);
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(sets);
    let mut seen: HashSet<(usize, &str)> = HashSet::with_capacity(mirrors);
    for set in rules.mirror_sets() {
        if set.mirrors.is_empty() {
            continue;
        }
        let at = *index.entry(&set.source).or_insert_with(|| {
            sources.push((&set.source, Vec::new()));
            sources.len() - 1
        });
        for m in &set.mirrors {
            if seen.insert((at, m)) {
                sources[at].1.push(m);
            }
        }
    }
    sources
}

fn registry_checks(plan: &NodePlan, node: Option<&RegistriesConf>) -> Vec<Check> {
    // The node's first entry of each prefix.
    let node_registries = node.map_or(&[][..], |c| &c.registries);
    let mut by_prefix: HashMap<&str, &Registry> = HashMap::with_capacity(node_registries.len());
    for r in node_registries {
        by_prefix.entry(&r.prefix).or_insert(r);
    }
    rule_sources(plan)
        .into_iter()
        .map(|(source, mirrors)| {
            let entry = by_prefix.get(source);
            let Some(entry) = entry else {
                return check(
                    "registry",
                    paths::REGISTRIES_CONF,
                    Status::Missing,
                    format!("no [[registry]] for source {}", go_quote(source)),
                );
            };
            // An entry has a few mirrors: a scan beats building a hash set per source (100 000 of them). A long
            // list still gets one, so a source with many mirrors is not quadratic.
            let node_mirrors: Option<HashSet<&str>> = (entry.mirrors.len() > 16)
                .then(|| entry.mirrors.iter().map(|m| m.location.as_str()).collect());
            let on_node = |m: &str| match &node_mirrors {
                Some(set) => set.contains(m),
                None => entry.mirrors.iter().any(|n| n.location == m),
            };
            let absent: Vec<&str> = mirrors.iter().copied().filter(|m| !on_node(m)).collect();
            // All there: the mirrors are named; else the ones the node lacks.
            let (status, verb, named) = if absent.is_empty() {
                (Status::Ok, "has", &mirrors[..])
            } else {
                (Status::Missing, "lacks", &absent[..])
            };
            check(
                "registry",
                paths::REGISTRIES_CONF,
                status,
                format!(
                    "[[registry]] {} {verb} [[registry.mirror]] {}",
                    go_quote(source),
                    named
                        .iter()
                        .map(|m| go_quote(m))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
        .collect()
}

/// Every mirror location of a configuration, once, in order.
fn mirror_locations(config: &RegistriesConf) -> Vec<&str> {
    // Sized up front: at 100 000 mirrors, rehashing while growing (here and in rule_sources) was a twentieth of
    // verify's time.
    let total: usize = config.registries.iter().map(|r| r.mirrors.len()).sum();
    let mut seen: HashSet<&str> = HashSet::with_capacity(total);
    let mut locations: Vec<&str> = Vec::with_capacity(total);
    for reg in &config.registries {
        for m in &reg.mirrors {
            if seen.insert(&m.location) {
                locations.push(&m.location);
            }
        }
    }
    locations
}

/// One check per mirror location (`locations`, from [`mirror_locations`]) of the rendered configuration, against the
/// node's credentials file at `path`.
fn credentials_checks(path: &str, locations: &[&str], node_auth: Option<&Found>) -> Vec<Check> {
    if locations.is_empty() {
        return Vec::new();
    }
    let config = match node_auth.map(|f| DockerConfig::parse(&f.bytes, &format!("node/{path}"))) {
        None => {
            let reason = |mirrors: &str| {
                format!("not on the node: no credentials for the mirror(s) {mirrors}")
            };
            let (shown_mirrors, all_mirrors) = listed(locations);
            let mut missing = check("credentials", path, Status::Missing, reason(&shown_mirrors));
            missing.complete_reason = all_mirrors.as_deref().map(reason);
            return vec![missing];
        }
        Some(Err(e)) => {
            return vec![check(
                "credentials",
                path,
                Status::Drift,
                format!("unreadable: {e}"),
            )];
        }
        Some(Ok(config)) => config,
    };
    // One lookup per registry where the file's answer depends on nothing else (no key names a repository): at
    // 100 000 mirrors on a handful of hosts, the lookups were an eighth of the run. Each location is still parsed,
    // so one that is not a reference is reported as such.
    let by_registry = config.answers_by_registry();
    let mut answers: HashMap<String, AuthUse> = HashMap::new();
    let mut answer = |location: &str| match image_ref::Reference::parse_normalized(location) {
        Ok(parsed) if by_registry => {
            if let Some(known) = answers.get(parsed.domain()) {
                return known.clone();
            }
            let fresh = auth_use(&config, location);
            answers.insert(parsed.domain().to_owned(), fresh.clone());
            fresh
        }
        _ => auth_use(&config, location),
    };
    locations
        .iter()
        .map(|location| match answer(location) {
            AuthUse::Entry { key, user } => check(
                "credentials",
                path,
                Status::Ok,
                format!("mirror {location}: entry {} (user {user})", go_quote(&key)),
            ),
            AuthUse::Helper(helper) => check(
                "credentials",
                path,
                Status::Ok,
                format!("mirror {location}: credHelpers sends it to docker-credential-{helper}"),
            ),
            AuthUse::Empty { key } => check(
                "credentials",
                path,
                Status::Missing,
                format!(
                    "mirror {location}: entry {} holds no credentials",
                    go_quote(&key)
                ),
            ),
            AuthUse::None | AuthUse::NoFile => check(
                "credentials",
                path,
                Status::Missing,
                format!("mirror {location}: no entry matches (pulls would be anonymous)"),
            ),
            AuthUse::Invalid(reason) => check(
                "credentials",
                path,
                Status::Drift,
                format!("mirror {location}: {reason}"),
            ),
        })
        .collect()
}

/// The `host[:port]` of a mirror location (the certs.d folder name a pull looks for).
fn location_host(location: &str) -> &str {
    location.split('/').next().unwrap_or(location)
}

fn certs_d_checks(root: &Root, plan: &NodePlan, locations: &[&str]) -> Result<Vec<Check>, Error> {
    let ca_folders: Vec<String> = plan
        .files
        .iter()
        .filter_map(|f| f.path.strip_prefix(paths::CERTS_D).ok())
        .filter_map(|rest| rest.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut hosts: Vec<&str> = Vec::new();
    for location in locations {
        let host = location_host(location);
        if seen.insert(host) {
            hosts.push(host);
        }
    }
    let node_folders = CertsDFolders::list(root)?;
    let mut checks = Vec::new();
    for host in &hosts {
        let folder = format!("{}/{host}", paths::CERTS_D);
        let bare = host.split(':').next().unwrap_or(host);
        if ca_folders.iter().any(|f| f == host) {
            let expected_path = format!("/{folder}");
            checks.push(match node_folders.of(host) {
                Some(used) if used == expected_path => check(
                    "certs.d",
                    &folder,
                    Status::Ok,
                    format!("mirror host {host}: CA folder present"),
                ),
                Some(used) => check(
                    "certs.d",
                    &folder,
                    Status::Drift,
                    format!(
                        "mirror host {host}: pulls read {used} first, which shadows this folder"
                    ),
                ),
                None => check(
                    "certs.d",
                    &folder,
                    Status::Missing,
                    format!("mirror host {host}: no CA folder"),
                ),
            });
        } else if let Some(near) = ca_folders
            .iter()
            .find(|f| f.split(':').next() == Some(bare))
        {
            checks.push(check(
                "certs.d",
                &folder,
                Status::Missing,
                format!(
                    "mirror host {host}: the CA is under {}/{near}, but pulls look for {host} exactly",
                    paths::CERTS_D
                ),
            ));
        } else if let Some(used) = node_folders.of(host) {
            // Trust removed from the objects is not removed from this node: pulls still trust the old CA.
            checks.push(check(
                "certs.d",
                &folder,
                Status::Drift,
                format!(
                    "mirror host {host}: pulls trust the CA in {used}, which the cluster objects no longer hold"
                ),
            ));
        } else {
            checks.push(check(
                "certs.d",
                &folder,
                Status::Ok,
                format!("mirror host {host}: no CA in the cluster objects (the system trust store is used)"),
            ));
        }
    }
    Ok(checks)
}

/// The folders of `etc/docker/certs.d` the objects hold no CA for (and no mirror check above named): the
/// machine-config daemon removes them, so a node that still has one trusts what the cluster no longer does.
fn untrusted_ca_checks(
    node: &NodeRoot<'_>,
    plan: &NodePlan,
    reported: &[Check],
) -> Result<Vec<Check>, Error> {
    Ok(untrusted_ca_folders(node.root(), &plan.files)?
        .into_iter()
        .map(|name| format!("{}/{name}", paths::CERTS_D))
        // A folder a mirror check already names is not reported twice.
        .filter(|folder| !reported.iter().any(|c| c.kind == "certs.d" && c.path == *folder))
        .map(|folder| {
            let host = shown(folder.rsplit('/').next().unwrap_or_default());
            check(
                "certs.d",
                &shown(&folder),
                Status::Drift,
                format!(
                    "a CA for {host}, which the cluster objects no longer trust (machine-config-operator removes this \
                     folder; render does too)"
                ),
            )
        })
        .collect())
}

/// One node's checks.
#[derive(Debug, Clone)]
pub struct NodeChecks {
    /// The root, as given.
    pub root: PathBuf,
    /// Its checks, in [`verify`]'s order.
    pub checks: Vec<Check>,
}

impl NodeChecks {
    /// Whether every check passed.
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.status == Status::Ok)
    }
}

/// The table: a row per node, a numbered column per check (the plan is the same for every node, so are the
/// checks; a check repeated for several sources is told apart by its rank), a legend, then each failing check's
/// reason per node. Nodes are named by their folder's name, or by the path as given when two names clash.
pub fn fleet_table(nodes: &[NodeChecks]) -> String {
    // Column key: (kind, path, rank among the checks with that kind and path).
    let keyed = |checks: &[Check]| -> Vec<((&'static str, String, usize), usize)> {
        let mut seen: BTreeMap<(&'static str, &str), usize> = BTreeMap::new();
        checks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let rank = seen.entry((c.kind, c.path.as_str())).or_default();
                *rank += 1;
                ((c.kind, c.path.clone(), *rank), i)
            })
            .collect()
    };
    let mut columns: Vec<(&'static str, String, usize)> = Vec::new();
    let mut legend_reason: Vec<String> = Vec::new();
    for node in nodes {
        for (key, i) in keyed(&node.checks) {
            if !columns.contains(&key) {
                columns.push(key);
                legend_reason.push(node.checks[i].reason.clone());
            }
        }
    }
    let repeated = |kind: &str, path: &str| {
        columns
            .iter()
            .filter(|(k, p, _)| *k == kind && p == path)
            .count()
            > 1
    };
    let short: Vec<String> = nodes
        .iter()
        .map(|n| {
            n.root
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let unique = short
        .iter()
        .all(|n| !n.is_empty() && short.iter().filter(|m| *m == n).count() == 1);
    let names: Vec<String> = if unique {
        short
    } else {
        nodes.iter().map(|n| n.root.display().to_string()).collect()
    };
    let name_width = names
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max("node".len());
    let width = "missing".len();
    let mut text = String::new();
    let _ = write!(text, "{:<name_width$}", "node");
    for i in 0..columns.len() {
        let _ = write!(text, "  {:<width$}", i + 1);
    }
    text.truncate(text.trim_end_matches(' ').len());
    text.push('\n');
    for (node, name) in nodes.iter().zip(&names) {
        let _ = write!(text, "{name:<name_width$}");
        let cells: BTreeMap<_, _> = keyed(&node.checks).into_iter().collect();
        for key in &columns {
            let label = cells
                .get(key)
                .map_or("-", |&i| node.checks[i].status.label());
            let _ = write!(text, "  {label:<width$}");
        }
        text.truncate(text.trim_end_matches(' ').len());
        text.push('\n');
    }
    text.push('\n');
    for (i, ((kind, path, _), reason)) in columns.iter().zip(&legend_reason).enumerate() {
        if repeated(kind, path) {
            let _ = writeln!(text, "{:>3}  {kind} {path} ({reason})", i + 1);
        } else {
            let _ = writeln!(text, "{:>3}  {kind} {path}", i + 1);
        }
    }
    let drifting = nodes.iter().filter(|n| !n.ok()).count();
    let _ = writeln!(
        text,
        "\n{} nodes: {} as rendered, {drifting} drifting",
        nodes.len(),
        nodes.len() - drifting
    );
    for (node, name) in nodes.iter().zip(&names) {
        for c in node.checks.iter().filter(|c| c.status != Status::Ok) {
            let _ = writeln!(
                text,
                "{name}: {} {}: {}",
                c.status.label(),
                c.path,
                c.reason
            );
        }
    }
    text
}

/// The JSON report for several nodes: each node's [`json_report`], and a summary.
pub fn fleet_json(nodes: &[NodeChecks]) -> Value {
    let drifting: Vec<String> = nodes
        .iter()
        .filter(|n| !n.ok())
        .map(|n| n.root.display().to_string())
        .collect();
    json!({
        "ok": drifting.is_empty(),
        "summary": {"nodes": nodes.len(), "drifting": drifting.len()},
        "drifting": drifting,
        "nodes": nodes.iter().map(|n| json_report(&n.root, &n.checks)).collect::<Vec<_>>(),
    })
}

const NOTHING_TO_VERIFY: &str =
    "nothing to verify against: give -f FILE (or --example) with the cluster objects";
