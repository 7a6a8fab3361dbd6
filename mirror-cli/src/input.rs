//! Reading the files a command line names: a file, `-` for standard input, or a folder (as `oc apply -f DIR`), each
//! bounded by [`MAX_INPUT_BYTES`] and all of one command's together by its [`Budget`], through node-root's bounded,
//! non-blocking readers: a FIFO is refused instead of blocking, a device is never opened, `/dev/zero` on standard
//! input stops one byte past the limit.
//!
//! These are the admin's own paths: a symbolic link to a regular file is followed (resolved once, then read with
//! `O_NOFOLLOW`); under a node's root nothing is followed (see [`crate::node::read`]).

use std::path::Path;

use node_root::{Budget, Found};

use crate::Error;
use crate::cluster::Input;

/// The most an input file may hold; larger files are refused before parsing ([`crate::bounds::INPUT_FILE_BYTES`]).
pub const MAX_INPUT_BYTES: u64 = crate::bounds::INPUT_FILE_BYTES;

/// A fresh budget for one command's inputs ([`crate::bounds::COMMAND_INPUT_BYTES`]).
pub fn command_budget() -> Budget {
    Budget::new(crate::bounds::COMMAND_INPUT_BYTES)
}

/// Reads `-f` arguments: a file, `-` for standard input, or a folder (its `*.yaml`, `*.yml` and `*.json` files in
/// name order, as `oc apply -f DIR` does), each charged to `budget`.
pub fn read_inputs(args: &[String], budget: &mut Budget) -> Result<Vec<Input>, Error> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            inputs.push(read_stdin(budget)?);
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(path)
                .map_err(|e| Error::io(arg.clone(), e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                        && p.is_file()
                })
                .collect();
            entries.sort();
            for entry in entries {
                inputs.push(read_file(&entry, budget)?);
            }
        } else {
            inputs.push(read_file(path, budget)?);
        }
    }
    Ok(inputs)
}

/// Reads one FILE argument (a file or `-`), refusing a folder.
pub fn read_one(file: &str, budget: &mut Budget) -> Result<Input, Error> {
    if file != "-" && Path::new(file).is_dir() {
        return Err(Error::Usage {
            message: format!("{file}: is a folder; give one file"),
        });
    }
    let mut inputs = read_inputs(&[file.to_owned()], budget)?;
    Ok(inputs.remove(0))
}

/// Reads standard input whole: at most [`MAX_INPUT_BYTES`] and what `budget` has left.
pub fn read_stdin(budget: &mut Budget) -> Result<Input, Error> {
    let name = "<stdin>";
    let bytes = node_root::read_stdin(MAX_INPUT_BYTES, budget).map_err(|e| input_error(name, e))?;
    Ok(Input {
        name: name.into(),
        bytes,
    })
}

/// Reads one file whole, refusing one larger than [`MAX_INPUT_BYTES`] (or than what `budget` has left) and
/// anything but a regular file (a FIFO would block, a device may never end).
pub fn read_file(path: &Path, budget: &mut Budget) -> Result<Input, Error> {
    let name = path.display().to_string();
    // The admin's own link (a dotfiles checkout, `/etc/alternatives`) is theirs to follow: resolve it once, then
    // read the target without following anything more.
    let target = std::fs::canonicalize(path).map_err(|e| Error::io(name.clone(), e))?;
    match node_root::read_path(&target, MAX_INPUT_BYTES, budget)
        .map_err(|e| input_error(&name, e))?
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
