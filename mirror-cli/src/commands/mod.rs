//! The commands behind `mirror-cli`, each a function from plain options to output. They write to the writers they
//! are given (so tests can read them) and return the process exit code.

pub mod diff;
pub mod icsp_cmd;
pub mod ignition;
pub mod manifests;
pub mod probe;
pub mod pull_secret;
pub mod render;
pub mod resolve;
pub mod trust;
pub mod verify;

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use crate::Error;
use crate::cluster::Input;

/// The process exit codes every command shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// All good.
    Ok = 0,
    /// The command ran, and what it checked is not as it should be (drift, a failed check).
    Failed = 1,
    /// Bad input or a refused operation: nothing was changed.
    BadInput = 2,
}

/// The most an input file may hold; larger files are refused before parsing.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads `-f` arguments: a file, `-` for standard input, or a folder (its `*.yaml`, `*.yml` and `*.json` files in
/// name order, as `oc apply -f DIR` does).
pub fn read_inputs(args: &[String]) -> Result<Vec<Input>, Error> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::Io {
                    path: "<stdin>".into(),
                    reason: e.to_string(),
                })?;
            check_size("<stdin>", bytes.len() as u64)?;
            inputs.push(Input {
                name: "<stdin>".into(),
                bytes,
            });
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(path)
                .map_err(|e| Error::Io {
                    path: arg.clone(),
                    reason: e.to_string(),
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                        && p.is_file()
                })
                .collect();
            entries.sort();
            for entry in entries {
                inputs.push(read_file(&entry)?);
            }
        } else {
            inputs.push(read_file(path)?);
        }
    }
    Ok(inputs)
}

/// A failed write to stdout or stderr, as every command reports it.
pub(crate) fn output_error(e: std::io::Error) -> Error {
    Error::Io {
        path: "<output>".into(),
        reason: e.to_string(),
    }
}

/// Reads one FILE argument (a file or `-`), refusing a folder.
pub fn read_one(file: &str) -> Result<Input, Error> {
    if file != "-" && Path::new(file).is_dir() {
        return Err(Error::Usage {
            message: format!("{file}: is a folder; give one file"),
        });
    }
    let mut inputs = read_inputs(&[file.to_owned()])?;
    Ok(inputs.remove(0))
}

fn check_size(name: &str, size: u64) -> Result<(), Error> {
    if size > MAX_INPUT_BYTES {
        return Err(Error::Io {
            path: name.to_owned(),
            reason: format!("larger than {MAX_INPUT_BYTES} bytes"),
        });
    }
    Ok(())
}

/// Reads one file whole, refusing one larger than [`MAX_INPUT_BYTES`].
pub fn read_file(path: &Path) -> Result<Input, Error> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| Error::Io {
        path: name.clone(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    check_size(&name, bytes.len() as u64)?;
    Ok(Input { name, bytes })
}

/// Labels for diagnostics, colored only when standard error is a terminal (and `NO_COLOR` is unset).
pub struct Style {
    color: bool,
}

impl Style {
    /// Decides from the environment.
    pub fn detect() -> Style {
        Style {
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// Never colored (tests, files).
    pub fn plain() -> Style {
        Style { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// `error:`
    pub fn error(&self) -> String {
        self.paint("1;31", "error:")
    }

    /// `warning:`
    pub fn warning(&self) -> String {
        self.paint("33", "warning:")
    }

    /// `note:`
    pub fn note(&self) -> String {
        self.paint("36", "note:")
    }
}

/// Prints warnings and notes, one per line.
pub fn report(
    err: &mut dyn Write,
    style: &Style,
    warnings: &[String],
    notes: &[String],
) -> std::io::Result<()> {
    for warning in warnings {
        writeln!(err, "{} {warning}", style.warning())?;
    }
    for note in notes {
        writeln!(err, "{} {note}", style.note())?;
    }
    Ok(())
}

/// Writes one output file (`-o FILE`) atomically: the bytes go to a temporary file beside it, synced, then renamed
/// over it, with `mode` (0600 for anything holding credentials). The folder must exist; a symbolic link as the
/// target is refused. Nothing is changed on error.
pub fn write_output_file(
    path: &Path,
    bytes: &[u8],
    mode: u32,
) -> Result<crate::writer::WriteOutcome, Error> {
    let usage = |why: &str| Error::Usage {
        message: format!("-o {}: {why}", path.display()),
    };
    let name = path.file_name().ok_or_else(|| usage("not a file name"))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file = crate::writer::NodeFile {
        path: name.into(),
        bytes: bytes.to_vec(),
        mode,
    };
    let outcomes = crate::writer::write_all(folder, std::slice::from_ref(&file))?;
    Ok(outcomes[0])
}
