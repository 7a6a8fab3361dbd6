//! `mirror-cli ignition`: the node files of [`crate::node::plan`] as an Ignition config, for hosts no operator
//! manages (Fedora CoreOS / RHEL CoreOS outside OpenShift, edge fleets).
//!
//! Each file is a `storage.files[]` entry as machine-config-operator writes one (`ctrlcommon.NewIgnFile`): an
//! absolute path, `overwrite: true`, the mode in decimal, and the bytes as an RFC 2397 data URL
//! `data:text/plain;charset=utf-8;base64,...`. Ignition creates missing parent folders itself (0755, root).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::{Exit, Style};
use crate::Error;
use crate::cluster::Input;
use crate::node::RenderOptions;
use crate::writer::{NodeFile, write_all};

/// The Ignition spec versions the output may declare (their `storage.files` entries are the same).
pub const SPEC_VERSIONS: [&str; 5] = ["3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0"];
/// The default: accepted by the machine-config-operator on every 4.7+ release.
pub const DEFAULT_SPEC_VERSION: &str = "3.2.0";
/// The data URL prefix machine-config-operator writes (vincent-petithory/dataurl `EncodeBytes`).
pub const DATA_URL_PREFIX: &str = "data:text/plain;charset=utf-8;base64,";

/// What `ignition` was asked.
#[derive(Debug)]
pub struct IgnitionRequest {
    /// The object streams.
    pub inputs: Vec<Input>,
    /// Use the built-in example as an extra input.
    pub example: bool,
    /// `ignition.version`.
    pub spec_version: String,
    /// Write here (atomically, mode 0600: the config holds the pull secret); `None` prints it.
    pub output: Option<PathBuf>,
    /// How to render the node files.
    pub options: RenderOptions,
}

impl Default for IgnitionRequest {
    fn default() -> Self {
        IgnitionRequest {
            inputs: Vec::new(),
            example: false,
            spec_version: DEFAULT_SPEC_VERSION.to_owned(),
            output: None,
            options: RenderOptions::default(),
        }
    }
}

/// The data URL of `bytes`, as machine-config-operator writes it.
pub fn data_url(bytes: &[u8]) -> String {
    format!("{DATA_URL_PREFIX}{}", go_compat::encode_std_base64(bytes))
}

/// The Ignition config holding `files` (paths made absolute, in the given order). Refuses an unknown spec version
/// and a path given twice (Ignition refuses duplicates too).
pub fn config(files: &[NodeFile], spec_version: &str) -> Result<Value, Error> {
    if !SPEC_VERSIONS.contains(&spec_version) {
        return Err(Error::Usage {
            message: format!(
                "--spec-version {spec_version:?}: expected one of {}",
                SPEC_VERSIONS.join(", ")
            ),
        });
    }
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(files.len());
    for file in files {
        let path = Path::new("/").join(&file.path).display().to_string();
        if !seen.insert(path.clone()) {
            return Err(Error::DuplicatePath { path });
        }
        // Field order of ign3types.File (Node, then FileEmbedded1) as Go's encoder writes it.
        let mut entry = Map::new();
        entry.insert("overwrite".into(), Value::Bool(true));
        entry.insert("path".into(), Value::String(path));
        entry.insert(
            "contents".into(),
            json!({ "source": data_url(&file.bytes) }),
        );
        entry.insert("mode".into(), json!(file.mode));
        entries.push(Value::Object(entry));
    }
    Ok(json!({
        "ignition": { "version": spec_version },
        "storage": { "files": entries },
    }))
}

/// The config as text: indented JSON and a final newline.
pub fn to_text(config: &Value) -> String {
    let mut text = serde_json::to_string_pretty(config).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `bytes` to `path` atomically with `mode` (a temporary file beside it, then a rename).
pub fn write_output(path: &Path, bytes: Vec<u8>, mode: u32) -> Result<(), Error> {
    let name = path.file_name().ok_or_else(|| Error::Usage {
        message: format!("--output-file {}: not a file name", path.display()),
    })?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    write_all(
        folder,
        &[NodeFile {
            path: PathBuf::from(name),
            bytes,
            mode,
        }],
    )?;
    Ok(())
}

/// Runs `ignition`.
pub fn run(
    request: &IgnitionRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let IgnitionRequest {
        inputs,
        example,
        spec_version,
        output,
        options,
    } = request;
    let plan = super::plan_to_render(
        std::borrow::Cow::Borrowed(inputs),
        *example,
        options,
        err,
        style,
    )?;
    let io = super::output_error;
    let text = to_text(&config(&plan.files, spec_version)?);
    match output {
        Some(path) => {
            write_output(path, text.into_bytes(), 0o600)?;
            writeln!(
                err,
                "{} wrote {} ({} files, Ignition {}; it holds the pull secret: mode 0600)",
                style.note(),
                path.display(),
                plan.files.len(),
                spec_version
            )
            .map_err(io)?;
        }
        None => out.write_all(text.as_bytes()).map_err(io)?,
    }
    Ok(Exit::Ok)
}
