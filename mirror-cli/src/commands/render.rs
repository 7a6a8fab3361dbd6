//! `mirror-cli render`: the node files from the cluster objects, written all or nothing under a root.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use super::{Exit, Format, Style};
use crate::Error;
use crate::cluster::Input;
use crate::node::read::untrusted_ca_folders;
use crate::node::{RegistriesConfFile, RenderOptions, Target, holds_credentials, paths};
use crate::writer::{NodeFile, WriteOutcome, write_node_streaming};

/// What `render` was asked.
#[derive(Debug, Default)]
pub struct RenderRequest {
    /// The object streams.
    pub inputs: Vec<Input>,
    /// Use [`crate::cluster::EXAMPLE`] as an extra input.
    pub example: bool,
    /// Where to write; `None` lists what would be written.
    pub root: Option<PathBuf>,
    /// Print each file's content (credentials never shown).
    pub show: bool,
    /// How to render.
    pub options: RenderOptions,
    /// How long to wait for another writer of the root (`None`: [`crate::bounds::LOCK_TIMEOUT`]).
    pub lock_timeout: Option<Duration>,
    /// Lines, or the plan as one JSON document.
    pub format: Format,
}

/// Runs `render`.
pub fn run(
    request: &RenderRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    run_with(Cow::Borrowed(&request.inputs), request, out, err, style)
}

/// Runs `render`, dropping the inputs' bytes once the objects are read: the command line's way, which keeps
/// them out of the peak memory while the node's files are rendered.
pub fn run_owned(
    mut request: RenderRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let inputs = std::mem::take(&mut request.inputs);
    run_with(Cow::Owned(inputs), &request, out, err, style)
}

/// Runs `render` on `inputs`; the rest of `request` says how.
fn run_with(
    inputs: Cow<'_, [Input]>,
    request: &RenderRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    // registries.conf stays out of the plan's files: it is written (and hashed, and shown) from the rules a block
    // at a time, so its text is never held whole (22 MB at 100 000 sources).
    let options = RenderOptions {
        stream_registries_conf: true,
        ..request.options.clone()
    };
    let plan = super::plan_to_render(inputs, request.example, &options, err, style)?;
    // Its text is made again only to be written, hashed or shown; a plain listing needs only the counted size.
    let needs_text = request.root.is_some() || request.show || request.format == Format::Json;
    let registries_conf = if needs_text {
        plan.registries_conf()?
    } else {
        None
    };
    let counted = match &registries_conf {
        Some(file) => Some(Listed::Written(file)),
        None => plan.streamed_registries_conf.map(Listed::Counted),
    };
    let listed: Vec<Listed<'_>> = (counted.into_iter())
        .chain(plan.files.iter().map(Listed::Held))
        .collect();
    let io = super::output_error;

    let outcomes = match &request.root {
        Some(root) => {
            // The root itself may be new (`--root ./node`); everything under it is written as one generation.
            if root.exists() && !root.is_dir() {
                return Err(Error::NotAFolder {
                    path: root.display().to_string(),
                    hint: "--root takes the node's root folder, e.g. /host",
                });
            }
            std::fs::create_dir_all(root).map_err(|source| Error::Io {
                path: root.display().to_string(),
                action: Some("creating the node's root folder"),
                source,
            })?;
            // Trust removed from the objects is removed from the node, as the machine-config daemon does.
            let removals: Vec<PathBuf> = match request.options.target {
                Target::OpenShift => {
                    let node = node_root::Root::open(root)?;
                    untrusted_ca_folders(&node, &plan.files)?
                        .into_iter()
                        .map(|folder| Path::new(paths::CERTS_D).join(folder))
                        .collect()
                }
                // No machine-config daemon there: the host's own CA folders are its own.
                Target::MicroShift => Vec::new(),
            };
            let timeout = request.lock_timeout.unwrap_or(crate::bounds::LOCK_TIMEOUT);
            let written = write_node_streaming(
                root,
                registries_conf.as_ref(),
                &plan.files,
                &removals,
                timeout,
                &mut |_| {},
            )?;
            if let Some(recovery) = &written.recovery {
                writeln!(err, "{} {recovery}", style.note()).map_err(io)?;
            }
            Some(written)
        }
        None => None,
    };
    let change = |i: usize| match outcomes.as_ref().map(|o| o.outcomes[i]) {
        None => "would write",
        Some(WriteOutcome::Created) => "created",
        Some(WriteOutcome::Replaced) => "replaced",
        Some(WriteOutcome::Unchanged) => "unchanged",
    };
    if request.format == Format::Json {
        let files: Vec<Value> = listed
            .iter()
            .enumerate()
            .map(|(i, file)| {
                let credentials = holds_credentials(file.path());
                let mut entry = json!({
                    "path": PathBuf::from("/").join(file.path()),
                    "mode": format!("{:04o}", file.mode()),
                    "size": file.size(),
                    // A hash of a file of credentials would let anyone test guessed passwords offline.
                    "sha256": (!credentials).then(|| file.sha256_hex()),
                    "holds_credentials": credentials,
                    // One word, as the other JSON enumerations ("would write" in the text).
                    "change": change(i).replace(' ', "-"),
                });
                if request.show && !credentials {
                    entry["content"] = file.text().into();
                }
                entry
            })
            .collect();
        let mut document = json!({
            "root": request.root,
            "files": files,
            "warnings": plan.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "notes": plan.notes,
        });
        if let Some(written) = &outcomes {
            // With a root: the certs.d folders of hosts the objects no longer trust, removed as the
            // machine-config daemon removes them.
            document["removed"] = json!(written.removed);
        }
        super::print_json(out, &document)?;
        return Ok(Exit::Ok);
    }
    for (i, file) in listed.iter().enumerate() {
        let what = change(i);
        let shown = match &request.root {
            Some(root) => root.join(file.path()),
            None => PathBuf::from("/").join(file.path()),
        };
        writeln!(
            out,
            "{what:<11} {} ({:04o}, {} bytes)",
            shown.display(),
            file.mode(),
            file.size()
        )
        .map_err(io)?;
        if request.show {
            if holds_credentials(file.path()) {
                writeln!(
                    out,
                    "    (holds credentials: not shown; see `mirror-cli pull-secret get`)"
                )
                .map_err(io)?;
            } else {
                for line in file.text().lines() {
                    writeln!(out, "    {line}").map_err(io)?;
                }
            }
        }
    }
    if let (Some(root), Some(written)) = (&request.root, &outcomes) {
        for removed in &written.removed {
            writeln!(
                out,
                "{:<11} {} (the cluster objects no longer trust a CA for it)",
                "removed",
                crate::shown::shown(root.join(removed).as_os_str().as_encoded_bytes())
            )
            .map_err(io)?;
        }
    }
    Ok(Exit::Ok)
}

/// A file render lists: one of the plan's, or registries.conf written from the rules.
enum Listed<'p> {
    Held(&'p NodeFile),
    Written(&'p RegistriesConfFile<'p>),
    /// registries.conf in a plain listing: its size only.
    Counted(usize),
}

impl Listed<'_> {
    fn path(&self) -> &Path {
        match self {
            Listed::Held(file) => &file.path,
            Listed::Written(_) | Listed::Counted(_) => Path::new(paths::REGISTRIES_CONF),
        }
    }

    fn mode(&self) -> u32 {
        match self {
            Listed::Held(file) => file.mode,
            Listed::Written(_) | Listed::Counted(_) => paths::FILE_MODE,
        }
    }

    fn size(&self) -> u64 {
        match self {
            Listed::Held(file) => file.bytes.len() as u64,
            Listed::Written(file) => node_root::Contents::size(*file),
            Listed::Counted(size) => *size as u64,
        }
    }

    /// The SHA-256 of the bytes; registries.conf's is taken as it is written into the hash, a block at a time.
    fn sha256_hex(&self) -> String {
        match self {
            Listed::Held(file) => crate::output::sha256_hex(&file.bytes),
            Listed::Written(file) => {
                let mut hasher = crate::output::Sha256Writer::default();
                node_root::Contents::write_to(*file, &mut hasher)
                    .expect("writing into a hash does not fail");
                hasher.hex()
            }
            Listed::Counted(_) => unreachable!("a listing that hashes makes the text"),
        }
    }

    /// The text, whole (`--show`).
    fn text(&self) -> String {
        match self {
            Listed::Held(file) => String::from_utf8_lossy(&file.bytes).into_owned(),
            Listed::Written(file) => file.to_text(),
            Listed::Counted(_) => unreachable!("a listing that shows makes the text"),
        }
    }
}
