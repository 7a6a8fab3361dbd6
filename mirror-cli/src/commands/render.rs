//! `mirror-cli render`: the node files from the cluster objects, written all or nothing under a root.

use std::io::Write;
use std::path::PathBuf;

use super::{Exit, Style};
use crate::Error;
use crate::cluster::Input;
use crate::node::{RenderOptions, holds_credentials};
use crate::writer::{WriteOutcome, write_all};

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
}

/// Runs `render`.
pub fn run(
    request: &RenderRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let plan = super::plan_and_report(
        &request.inputs,
        request.example,
        &request.options,
        "nothing to render: give -f FILE (or --example)",
        err,
        style,
        true,
    )?;
    let io = super::output_error;

    let outcomes = match &request.root {
        Some(root) => {
            // The root itself may be new (`--root ./node`); everything under it is written all or nothing.
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
            Some(write_all(root, &plan.files)?)
        }
        None => None,
    };
    for (i, file) in plan.files.iter().enumerate() {
        let what = match outcomes.as_ref().map(|o| o[i]) {
            None => "would write",
            Some(WriteOutcome::Created) => "created",
            Some(WriteOutcome::Replaced) => "replaced",
            Some(WriteOutcome::Unchanged) => "unchanged",
        };
        let shown = match &request.root {
            Some(root) => root.join(&file.path),
            None => PathBuf::from("/").join(&file.path),
        };
        writeln!(
            out,
            "{what:<11} {} ({:04o}, {} bytes)",
            shown.display(),
            file.mode,
            file.bytes.len()
        )
        .map_err(io)?;
        if request.show {
            if holds_credentials(&file.path) {
                writeln!(
                    out,
                    "    (holds credentials: not shown; see `mirror-cli pull-secret get`)"
                )
                .map_err(io)?;
            } else {
                for line in String::from_utf8_lossy(&file.bytes).lines() {
                    writeln!(out, "    {line}").map_err(io)?;
                }
            }
        }
    }
    Ok(Exit::Ok)
}
