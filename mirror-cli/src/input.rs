//! Reading the files a command line names: a file, `-` for standard input, or a folder (as `oc apply -f DIR`), each
//! bounded by [`MAX_INPUT_BYTES`] so a huge input is refused before parsing.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::cluster::Input;

/// The most an input file may hold; larger files are refused before parsing ([`crate::bounds::INPUT_FILE_BYTES`]).
pub const MAX_INPUT_BYTES: u64 = crate::bounds::INPUT_FILE_BYTES;

/// Reads `-f` arguments: a file, `-` for standard input, or a folder, as `kubectl apply -f` reads them: a folder's
/// own `*.yaml`, `*.yml` and `*.json` files in name order, and with `recursive` (`-R`) its subfolders' too, depth
/// first in name order (links to folders are not followed). A file named on the command line is read whatever its
/// name; a folder holding no object file is an error naming it.
pub fn read_inputs(args: &[String], recursive: bool) -> Result<Vec<Input>, Error> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io("<stdin>", e))?;
            check_size("<stdin>", bytes.len() as u64)?;
            inputs.push(Input {
                name: "<stdin>".into(),
                bytes,
            });
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
                inputs.push(read_file(&file)?);
            }
        } else {
            inputs.push(read_file(path)?);
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
pub fn read_one(file: &str) -> Result<Input, Error> {
    if file != "-" && Path::new(file).is_dir() {
        return Err(Error::Usage {
            message: format!("{file}: is a folder; give one file"),
        });
    }
    let mut inputs = read_inputs(&[file.to_owned()], false)?;
    Ok(inputs.remove(0))
}

fn check_size(name: &str, size: u64) -> Result<(), Error> {
    if size > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: name.to_owned(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(())
}

/// Reads one file whole, refusing one larger than [`MAX_INPUT_BYTES`].
pub fn read_file(path: &Path) -> Result<Input, Error> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| Error::io(name.clone(), e);
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    check_size(&name, bytes.len() as u64)?;
    Ok(Input { name, bytes })
}
