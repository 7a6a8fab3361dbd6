//! The main registries.conf plus `registries.conf.d/*.conf` drop-ins, merged as containers/image merges them
//! (`tryUpdatingCache`, `updateWithConfigurationFrom`; containers-registries.conf.d(5)).
//!
//! Each file is parsed and validated on its own (so conflicts are only checked within a file); then, in order
//! (the main file, then each folder's `*.conf` files in lexical order, no recursion):
//! - a drop-in's `[[registry]]` replaces the entry with the same prefix, or is added; the result is sorted by prefix;
//! - `unqualified-search-registries` and `credential-helpers` are replaced when the drop-in sets them (even to `[]`);
//! - `short-name-mode` and `additional-layer-store-auth-helper` are replaced when set and not empty;
//! - `[aliases]` are merged name by name.
//!
//! A missing main file counts as an empty one; a missing folder holds no drop-ins.

use std::collections::BTreeMap;
use std::io::ErrorKind as IoErrorKind;
use std::path::Path;

use crate::error::{Error, ErrorKind};
use crate::model::{RegistriesConf, Registry};
use crate::parse::{ParsedFile, Warning, parse, parse_drop_in};
use crate::validate::validate;

/// The merged configuration and what was read to make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The merged, validated configuration.
    pub config: RegistriesConf,
    /// The files read, in the order they were applied.
    pub files: Vec<String>,
    /// The warnings of every file.
    pub warnings: Vec<Warning>,
}

/// One file given in memory: its path (for messages and ordering) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct InMemoryFile<'a> {
    /// The path, e.g. `/etc/containers/registries.conf.d/99-mirror.conf`.
    pub path: &'a str,
    /// The contents.
    pub bytes: &'a [u8],
}

/// Merges an in-memory main file (`None`: absent) and drop-ins. Drop-ins are filtered (`*.conf` only) and sorted by
/// file name within each folder, the folders keeping the order of their first file in `drop_ins`.
pub fn load_in_memory(
    main: Option<InMemoryFile<'_>>,
    drop_ins: &[InMemoryFile<'_>],
) -> Result<Loaded, Error> {
    let mut loaded = Loaded {
        config: RegistriesConf::default(),
        files: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(main) = main {
        let parsed = parse(main.path, main.bytes)?;
        loaded.config = validate(&parsed)?;
        loaded.files.push(main.path.to_owned());
        loaded.warnings.extend(parsed.warnings);
    }
    for file in order_drop_ins(drop_ins) {
        let parsed = parse_drop_in(file.path, file.bytes)?;
        let update = validate(&parsed)?;
        merge(&mut loaded.config, &parsed, update);
        loaded.files.push(file.path.to_owned());
        loaded.warnings.extend(parsed.warnings);
    }
    Ok(loaded)
}

/// Reads and merges `main` and the `*.conf` files of each folder of `drop_in_dirs`, in order (containers/image
/// reads the system folder, then the user's).
pub fn load(main: &Path, drop_in_dirs: &[&Path]) -> Result<Loaded, Error> {
    let io_error = |path: &Path, e: std::io::Error| {
        Error::in_file(ErrorKind::Io(e), &path.display().to_string(), false)
    };
    let main_bytes = match std::fs::read(main) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == IoErrorKind::NotFound => None,
        Err(e) => return Err(io_error(main, e)),
    };
    let mut drop_ins: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in drop_in_dirs {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == IoErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(dir, e)),
        };
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| io_error(dir, e))?;
            let is_dir = entry
                .file_type()
                .map_err(|e| io_error(&entry.path(), e))?
                .is_dir();
            if !is_dir && entry.file_name().to_string_lossy().ends_with(".conf") {
                paths.push(entry.path());
            }
        }
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).map_err(|e| io_error(&path, e))?;
            drop_ins.push((path.display().to_string(), bytes));
        }
    }
    let main_path = main.display().to_string();
    let main_file = main_bytes.as_deref().map(|bytes| InMemoryFile {
        path: &main_path,
        bytes,
    });
    let files: Vec<InMemoryFile<'_>> = drop_ins
        .iter()
        .map(|(path, bytes)| InMemoryFile { path, bytes })
        .collect();
    load_in_memory(main_file, &files)
}

/// `*.conf` files only, sorted by name within their folder; folders in order of first appearance.
fn order_drop_ins<'a>(files: &[InMemoryFile<'a>]) -> Vec<InMemoryFile<'a>> {
    let dir_of = |path: &str| path.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
    let mut dirs: Vec<String> = Vec::new();
    for file in files {
        let dir = dir_of(file.path);
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    let mut ordered: Vec<InMemoryFile<'a>> = files
        .iter()
        .copied()
        .filter(|f| f.path.ends_with(".conf"))
        .collect();
    ordered.sort_by(|a, b| {
        let rank = |f: &InMemoryFile<'_>| dirs.iter().position(|d| *d == dir_of(f.path));
        rank(a).cmp(&rank(b)).then_with(|| a.path.cmp(b.path))
    });
    ordered
}

/// containers/image's `updateWithConfigurationFrom`.
fn merge(base: &mut RegistriesConf, parsed: &ParsedFile, update: RegistriesConf) {
    let mut by_prefix: BTreeMap<String, Registry> = std::mem::take(&mut base.registries)
        .into_iter()
        .map(|r| (r.prefix.clone(), r))
        .collect();
    for reg in update.registries {
        by_prefix.insert(reg.prefix.clone(), reg);
    }
    base.registries = by_prefix.into_values().collect();
    if parsed.extras.unqualified_search_registries_set {
        base.unqualified_search_registries = update.unqualified_search_registries;
    }
    if parsed.extras.credential_helpers_set {
        base.credential_helpers = update.credential_helpers;
    }
    if !update.short_name_mode.is_empty() {
        base.short_name_mode = update.short_name_mode;
    }
    if !update.additional_layer_store_auth_helper.is_empty() {
        base.additional_layer_store_auth_helper = update.additional_layer_store_auth_helper;
    }
    base.aliases.extend(update.aliases);
}
