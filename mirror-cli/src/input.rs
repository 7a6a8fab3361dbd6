//! Reading the files a command line names: a file, `-` for standard input, or a folder (as `oc apply -f DIR`), each
//! bounded by [`MAX_INPUT_BYTES`] so a huge input is refused before parsing.

use std::io::Read;
use std::path::Path;

use crate::Error;
use crate::cluster::Input;

/// The most an input file may hold; larger files are refused before parsing ([`crate::bounds::INPUT_FILE_BYTES`]).
pub const MAX_INPUT_BYTES: u64 = crate::bounds::INPUT_FILE_BYTES;

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
                inputs.push(read_file(&entry)?);
            }
        } else {
            inputs.push(read_file(path)?);
        }
    }
    Ok(inputs)
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
