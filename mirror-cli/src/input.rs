//! Reading the files a command line names: a file, `-` for standard input, or a folder (as `oc apply -f DIR`), each
//! bounded by [`MAX_INPUT_BYTES`] and all of one command's together by its [`Budget`], through node-root's bounded,
//! non-blocking readers: a FIFO is refused instead of blocking, a device is never opened, `/dev/zero` on standard
//! input stops one byte past the limit.
//!
//! These are the admin's own paths: a symbolic link to a regular file is followed (resolved once, then read with
//! `O_NOFOLLOW`); under a node's root nothing is followed (see [`crate::node::read`]).

use std::path::{Path, PathBuf};

use node_root::{Budget, Found};

use crate::Error;
use crate::cluster::Input;

/// The most an input file may hold; larger files are refused before parsing ([`crate::bounds::INPUT_FILE_BYTES`]).
pub const MAX_INPUT_BYTES: u64 = crate::bounds::INPUT_FILE_BYTES;

/// A fresh budget for one command's inputs ([`crate::bounds::COMMAND_INPUT_BYTES`]).
pub fn command_budget() -> Budget {
    Budget::new(crate::bounds::COMMAND_INPUT_BYTES)
}

/// How one command reads its inputs: the per-file bound and the command's budget, both raised by
/// `--max-input-bytes` for the rare input larger than the defaults.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The most one input file (or standard input) may hold.
    pub file_bytes: u64,
    /// What all of the command's reads may hold together.
    pub budget: Budget,
    /// Whether `--max-input-bytes` was given: only then does an object stream get past icsp's own bound.
    raised: bool,
}

impl Reading {
    /// The bounds for `--max-input-bytes` (`None`: the defaults, [`MAX_INPUT_BYTES`] and
    /// [`crate::bounds::COMMAND_INPUT_BYTES`]); the budget is never below the default.
    pub fn new(max_input_bytes: Option<u64>) -> Reading {
        let file_bytes = max_input_bytes.unwrap_or(MAX_INPUT_BYTES);
        Reading {
            file_bytes,
            budget: Budget::new(file_bytes.max(crate::bounds::COMMAND_INPUT_BYTES)),
            raised: max_input_bytes.is_some(),
        }
    }

    /// icsp's reader bounds: its defaults, and with `--max-input-bytes` its per-stream `max_bytes` raised to the
    /// per-file bound when that is larger (the same bound for every command that reads objects).
    pub fn object_limits(&self) -> icsp::Limits {
        let defaults = icsp::Limits::default();
        if !self.raised {
            return defaults;
        }
        icsp::Limits {
            max_bytes: usize::try_from(self.file_bytes)
                .unwrap_or(usize::MAX)
                .max(defaults.max_bytes),
            ..defaults
        }
    }

    /// [`read_inputs`] within these bounds.
    pub fn inputs(&mut self, args: &[String], recursive: bool) -> Result<Vec<Input>, Error> {
        read_inputs_within(args, recursive, self.file_bytes, &mut self.budget)
    }

    /// [`read_file`] within these bounds.
    pub fn file(&mut self, path: &Path) -> Result<Input, Error> {
        read_file_within(path, self.file_bytes, &mut self.budget)
    }

    /// [`read_one`] within these bounds.
    pub fn one(&mut self, file: &str) -> Result<Input, Error> {
        read_one_within(file, self.file_bytes, &mut self.budget)
    }
}

/// Reads `-f` arguments: a file, `-` for standard input, or a folder, as `kubectl apply -f` reads them: a folder's
/// own `*.yaml`, `*.yml` and `*.json` files in name order, and with `recursive` (`-R`) its subfolders' too, depth
/// first in name order (links to folders are not followed), each charged to `budget`. A file named on the command
/// line is read whatever its name; a folder holding no object file is an error naming it.
pub fn read_inputs(
    args: &[String],
    recursive: bool,
    budget: &mut Budget,
) -> Result<Vec<Input>, Error> {
    read_inputs_within(args, recursive, MAX_INPUT_BYTES, budget)
}

/// [`read_inputs`], each file at most `file_bytes`.
fn read_inputs_within(
    args: &[String],
    recursive: bool,
    file_bytes: u64,
    budget: &mut Budget,
) -> Result<Vec<Input>, Error> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            inputs.push(read_stdin_within(file_bytes, budget)?);
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            let mut files = Vec::new();
            object_files(path, recursive, &mut files)?;
            if files.is_empty() {
                return Err(Error::NoObjectFiles {
                    folder: arg.clone(),
                    recursive,
                });
            }
            for file in files {
                inputs.push(read_file_within(&file, file_bytes, budget)?);
            }
        } else {
            inputs.push(read_file_within(path, file_bytes, budget)?);
        }
    }
    Ok(inputs)
}

/// Whether a file in a folder is read as objects (kubectl's `FileExtensions`).
fn is_object_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
}

/// The object files of `folder` in name order, its subfolders' in place when `recursive`.
fn object_files(folder: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let listing = |e| Error::Io {
        path: folder.display().to_string(),
        action: Some("listing the folder"),
        source: e,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(listing)? {
        let entry = entry.map_err(listing)?;
        entries.push((entry.path(), entry.file_type().map_err(listing)?));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        if kind.is_dir() {
            if recursive {
                object_files(&path, recursive, out)?;
            }
        } else if is_object_file(&path) && (kind.is_file() || path.is_file()) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one FILE argument (a file or `-`), refusing a folder.
pub fn read_one(file: &str, budget: &mut Budget) -> Result<Input, Error> {
    read_one_within(file, MAX_INPUT_BYTES, budget)
}

fn read_one_within(file: &str, file_bytes: u64, budget: &mut Budget) -> Result<Input, Error> {
    if file != "-" && Path::new(file).is_dir() {
        return Err(Error::Usage {
            message: format!("{file}: is a folder; give one file"),
        });
    }
    let mut inputs = read_inputs_within(&[file.to_owned()], false, file_bytes, budget)?;
    Ok(inputs.remove(0))
}

/// Reads standard input whole: at most [`MAX_INPUT_BYTES`] and what `budget` has left.
pub fn read_stdin(budget: &mut Budget) -> Result<Input, Error> {
    read_stdin_within(MAX_INPUT_BYTES, budget)
}

fn read_stdin_within(file_bytes: u64, budget: &mut Budget) -> Result<Input, Error> {
    let name = "<stdin>";
    let bytes = node_root::read_stdin(file_bytes, budget).map_err(|e| cli_input_error(name, e))?;
    Ok(Input {
        name: name.into(),
        bytes,
    })
}

/// Reads one file whole, refusing one larger than [`MAX_INPUT_BYTES`] (or than what `budget` has left) and
/// anything but a regular file (a FIFO would block, a device may never end).
pub fn read_file(path: &Path, budget: &mut Budget) -> Result<Input, Error> {
    read_file_within(path, MAX_INPUT_BYTES, budget)
}

fn read_file_within(path: &Path, file_bytes: u64, budget: &mut Budget) -> Result<Input, Error> {
    let name = path.display().to_string();
    // The admin's own link (a dotfiles checkout, `/etc/alternatives`) is theirs to follow: resolve it once, then
    // read the target without following anything more.
    let target = std::fs::canonicalize(path).map_err(|e| Error::io(name.clone(), e))?;
    match node_root::read_path(&target, file_bytes, budget)
        .map_err(|e| cli_input_error(&name, e))?
    {
        Found::File(file) => Ok(Input {
            name,
            bytes: file.bytes,
        }),
        // Gone between the two looks: say so as the system would.
        Found::Missing => Err(Error::io(
            name,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        )),
        Found::NotRegular { kind, .. } => Err(Error::NotRegular {
            path: name,
            kind,
            hint: "give a regular file, or - to read standard input",
        }),
    }
}

/// node-root's refusal of an input, as this crate says it: over the limit is [`Error::TooLarge`].
pub(crate) fn input_error(name: &str, e: node_root::Error) -> Error {
    match e.kind() {
        node_root::ErrorKind::TooLarge { limit } => Error::TooLarge {
            path: name.to_owned(),
            limit: *limit,
        },
        _ => Error::Node(e),
    }
}

/// [`input_error`] for a file the command line names: over a bound, the message names `--max-input-bytes`.
fn cli_input_error(name: &str, e: node_root::Error) -> Error {
    match input_error(name, e) {
        Error::TooLarge { path, limit } => Error::InputTooLarge { path, limit },
        other => other,
    }
}
