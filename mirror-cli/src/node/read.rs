//! Reading a node's files under its root through node-root: nothing beneath the root is followed (a symbolic link,
//! a FIFO or a device where a node file should be is what was found, never read), every read is bounded by
//! [`bounds::NODE_FILE_BYTES`] and all of one command's reads by its [`Budget`]. `verify` reports what it finds;
//! `resolve` refuses what a node's client could not use as we can check it.

use std::path::{Path, PathBuf};

use node_root::{Budget, FileKind, Found, Listing, Root};

use super::paths;
use crate::Error;
use crate::bounds;

/// A node's root, opened once, and the budget its reads share.
#[derive(Debug)]
pub struct NodeRoot<'b> {
    root: Root,
    budget: &'b mut Budget,
}

/// The `*.conf` entries of `registries.conf.d`, in name order, each as found.
#[derive(Debug)]
pub struct DropIns {
    /// Each entry (relative path) and what it is.
    pub files: Vec<(String, Found)>,
    /// The folder itself (or a folder on the way) is not a folder: where, and what it is.
    pub blocked: Option<(PathBuf, FileKind)>,
}

impl<'b> NodeRoot<'b> {
    /// Opens the root `path` (the admin's own path: links in it are followed); its reads charge `budget`.
    pub fn open(
        path: &Path,
        budget: &'b mut Budget,
        hint: &'static str,
    ) -> Result<NodeRoot<'b>, Error> {
        if !path.is_dir() {
            return Err(Error::NotAFolder {
                path: path.display().to_string(),
                hint,
            });
        }
        Ok(NodeRoot {
            root: Root::open(path)?,
            budget,
        })
    }

    /// The root's handle.
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// The node file `relative` as found: missing, a regular file read whole (bounded), or what else is there.
    pub fn read(&mut self, relative: &str) -> Result<Found, Error> {
        let found = self
            .root
            .read(relative, bounds::NODE_FILE_BYTES, self.budget)
            .map_err(|e| crate::input::input_error(&self.shown(relative), e))?;
        Ok(found)
    }

    /// `relative` as a message names it: under the root as given.
    pub fn shown(&self, relative: impl AsRef<Path>) -> String {
        self.root.path().join(relative).display().to_string()
    }

    /// The node's `registries.conf.d/*.conf` entries (anything but a folder, as containers/image lists them), in
    /// name order, each read as [`NodeRoot::read`] reads it.
    pub fn drop_ins(&mut self) -> Result<DropIns, Error> {
        let names = match self
            .root
            .read_dir(paths::REGISTRIES_CONF_D, bounds::NODE_FOLDER_ENTRIES)?
        {
            Listing::Missing => Vec::new(),
            Listing::NotAFolder { at, kind } => {
                return Ok(DropIns {
                    files: Vec::new(),
                    blocked: Some((at, kind)),
                });
            }
            Listing::Entries(entries) => entries
                .into_iter()
                .filter(|e| e.kind != FileKind::Folder)
                .filter_map(|e| e.name.into_string().ok())
                .filter(|n| n.ends_with(".conf"))
                .collect(),
        };
        let mut files = Vec::new();
        for name in names {
            let relative = format!("{}/{name}", paths::REGISTRIES_CONF_D);
            let found = self.read(&relative)?;
            files.push((relative, found));
        }
        Ok(DropIns {
            files,
            blocked: None,
        })
    }

    /// registries.conf and its drop-ins merged as containers/image merges them, for `resolve`: anything that is
    /// not a regular file where one is read is refused (never followed). Files are named under the root as given.
    pub fn registries_conf(&mut self) -> Result<registries_conf::Loaded, Error> {
        let main = self.regular(paths::REGISTRIES_CONF)?;
        let drop_ins = self.drop_ins()?;
        if let Some((at, kind)) = drop_ins.blocked {
            return Err(self.not_regular(&at, kind));
        }
        let mut files = Vec::new();
        for (relative, found) in drop_ins.files {
            match found {
                Found::File(file) => files.push((self.shown(&relative), file.bytes)),
                Found::Missing => {}
                Found::NotRegular { at, kind } => return Err(self.not_regular(&at, kind)),
            }
        }
        let main_name = self.shown(paths::REGISTRIES_CONF);
        let main = main.as_deref().map(|bytes| registries_conf::InMemoryFile {
            path: &main_name,
            bytes,
        });
        let drop_ins: Vec<registries_conf::InMemoryFile<'_>> = files
            .iter()
            .map(|(path, bytes)| registries_conf::InMemoryFile { path, bytes })
            .collect();
        registries_conf::load_in_memory(main, &drop_ins).map_err(Error::RegistriesConf)
    }

    /// A regular file's bytes, `None` when missing; anything else refused.
    pub fn regular(&mut self, relative: &str) -> Result<Option<Vec<u8>>, Error> {
        match self.read(relative)? {
            Found::File(file) => Ok(Some(file.bytes)),
            Found::Missing => Ok(None),
            Found::NotRegular { at, kind } => Err(self.not_regular(&at, kind)),
        }
    }

    fn not_regular(&self, at: &Path, kind: FileKind) -> Error {
        Error::NotRegular {
            path: self.shown(at),
            kind,
            hint: "nothing under a node's root is followed or read unless it is a regular file",
        }
    }
}

/// The folders of `etc/docker/certs.d` on the node that `files` (the render plan) holds no CA for: the
/// machine-config daemon removes every such folder when the CA ConfigMap changes (`syncControllerConfigHandler`:
/// each folder entry whose name is not one of the bundle's registries is `os.RemoveAll`ed; links and files are left
/// alone, and `etc/containers/certs.d` is not touched). The internal registry's folders
/// ([`paths::INTERNAL_REGISTRY_CA_PREFIX`]) are kept. Sorted by name.
pub fn untrusted_ca_folders(
    root: &Root,
    files: &[crate::writer::NodeFile],
) -> Result<Vec<String>, Error> {
    let trusted: Vec<&std::ffi::OsStr> = files
        .iter()
        .filter_map(|f| f.path.strip_prefix(paths::CERTS_D).ok())
        .filter_map(|rest| rest.iter().next())
        .collect();
    Ok(
        match root.read_dir(paths::CERTS_D, bounds::NODE_FOLDER_ENTRIES)? {
            Listing::Entries(entries) => entries
                .into_iter()
                .filter(|e| e.kind == FileKind::Folder && !trusted.contains(&e.name.as_os_str()))
                .filter_map(|e| e.name.into_string().ok())
                .filter(|name| !name.starts_with(paths::INTERNAL_REGISTRY_CA_PREFIX))
                .collect(),
            Listing::Missing | Listing::NotAFolder { .. } => Vec::new(),
        },
    )
}
