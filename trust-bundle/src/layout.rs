//! The node layout: what goes under `etc/docker/certs.d`, as plain (path, bytes, mode) rows.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::configmap::Bundle;
use crate::error::Error;
use crate::naming::folder_for_key;

/// The `certs.d` folder, relative to the node's root.
pub const CERTS_D: &str = "etc/docker/certs.d";
/// The file name of a bundle inside its folder.
pub const CA_FILE: &str = "ca.crt";
/// POSIX `S_IFDIR`: a folder.
pub const S_IFDIR: u32 = 0o040_000;
/// POSIX `S_IFREG`: a regular file.
pub const S_IFREG: u32 = 0o100_000;
/// Folders: `drwxr-xr-x` (machine-config-operator's `defaultDirectoryPermissions`).
pub const DIR_MODE: u32 = S_IFDIR | 0o755;
/// Files: `-rw-r--r--` (machine-config-operator's `defaultFilePermissions`).
pub const FILE_MODE: u32 = S_IFREG | 0o644;

/// One thing to put on a node. `mode` is a full `st_mode` (type bits and permissions), so a
/// folder is `0o040755` with no bytes and a file is `0o100644`.
#[derive(Clone, PartialEq, Eq)]
pub struct NodeFile {
    /// Path relative to the node's root; only plain components, never absolute or `..`.
    pub path: PathBuf,
    /// The file's bytes (empty for a folder).
    pub bytes: Vec<u8>,
    /// `st_mode`: [`S_IFDIR`] or [`S_IFREG`] plus permission bits.
    pub mode: u32,
}

impl std::fmt::Debug for NodeFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeFile")
            .field("path", &self.path)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("mode", &format_args!("{:o}", self.mode))
            .finish()
    }
}

impl NodeFile {
    /// Whether this row is a folder.
    pub fn is_dir(&self) -> bool {
        self.mode & 0o170_000 == S_IFDIR
    }

    /// The permission bits (`0o755`, `0o644`).
    pub fn permissions(&self) -> u32 {
        self.mode & 0o7777
    }

    /// The absolute target under `root`, after checking again that the path has only
    /// plain components: the writer's last guard against leaving the root.
    pub fn target_under(&self, root: &Path) -> Result<PathBuf, Error> {
        check_relative(&self.path)?;
        Ok(root.join(&self.path))
    }
}

/// Refuses a path that is empty, absolute, or holds `.`, `..` or a prefix.
pub fn check_relative(path: &Path) -> Result<(), Error> {
    let unsafe_path = |reason: &str| Error::UnsafePath {
        path: path.to_string_lossy().into_owned(),
        reason: reason.to_owned(),
    };
    if path.as_os_str().is_empty() {
        return Err(unsafe_path("empty path"));
    }
    for component in path.components() {
        match component {
            Component::Normal(_) => {}
            Component::RootDir | Component::Prefix(_) => return Err(unsafe_path("absolute path")),
            Component::CurDir | Component::ParentDir => {
                return Err(unsafe_path("`.` or `..` component"));
            }
        }
    }
    Ok(())
}

/// The `certs.d` tree for `bundles`: the `certs.d` folder, one `<host[:port]>` folder per
/// bundle and its `ca.crt` with the bytes unchanged (no newline added), sorted by path.
/// Every key is checked ([`folder_for_key`]); two bundles for one folder are refused
/// (OpenShift would let the later silently overwrite the earlier).
pub fn node_files(bundles: &[Bundle]) -> Result<Vec<NodeFile>, Error> {
    let mut by_folder: BTreeMap<String, &Bundle> = BTreeMap::new();
    for bundle in bundles {
        let naming = folder_for_key(&bundle.key)?;
        if let Some(first) = by_folder.insert(naming.folder.clone(), bundle) {
            return Err(Error::DuplicateFolder {
                folder: naming.folder,
                first_key: first.key.clone(),
                second_key: bundle.key.clone(),
            });
        }
    }
    let mut files = Vec::with_capacity(1 + 2 * by_folder.len());
    files.push(NodeFile {
        path: PathBuf::from(CERTS_D),
        bytes: Vec::new(),
        mode: DIR_MODE,
    });
    for (folder, bundle) in by_folder {
        let dir = Path::new(CERTS_D).join(&folder);
        let file = dir.join(CA_FILE);
        check_relative(&file)?;
        files.push(NodeFile {
            path: dir,
            bytes: Vec::new(),
            mode: DIR_MODE,
        });
        files.push(NodeFile {
            path: file,
            bytes: bundle.bytes.clone(),
            mode: FILE_MODE,
        });
    }
    Ok(files)
}
