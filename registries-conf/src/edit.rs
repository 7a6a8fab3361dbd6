//! Lossless edits of an existing registries.conf: add, replace or remove a `[[registry]]` or a
//! `[[registry.mirror]]`, leaving comments, order, formatting and unknown keys of everything else as they were.
//!
//! Entries are found by their effective prefix (`prefix`, or `location` when there is none, trailing slashes
//! ignored, as containers/image compares them); mirrors by their `location`. Table and key names are matched
//! regardless of case, as containers/image reads them. Entries written as inline arrays (`registry = [{…}]`,
//! `mirror = [{…}]`) are not edited: the edit is refused with a message saying so.

use std::fmt;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::error::{Error, ErrorKind};
use crate::model::{Mirror, PullFromMirror, Registry, scope};
use crate::parse::{Lines, syntax_error};

/// A registries.conf being edited.
#[derive(Debug, Clone)]
pub struct Editor {
    path: String,
    doc: DocumentMut,
}

impl fmt::Display for Editor {
    /// The edited file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.doc.fmt(f)
    }
}

fn effective_prefix(table: &Table) -> String {
    let (prefix, location) = (
        string_field(table, "prefix"),
        string_field(table, "location"),
    );
    scope(&prefix, &location).trim_end_matches('/').to_owned()
}

/// The key of `table` that is `name` regardless of case (the exact spelling first).
fn find_key(table: &Table, name: &str) -> Option<String> {
    if table.contains_key(name) {
        return Some(name.to_owned());
    }
    table
        .iter()
        .map(|(k, _)| k)
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(str::to_owned)
}

fn string_field(table: &Table, name: &str) -> String {
    find_key(table, name)
        .and_then(|k| table.get(&k).and_then(|i| i.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// Sets `name` to `value`, keeping the key's spelling and the value's surrounding whitespace and comments; a key
/// that is absent is only added when the value is not the default.
fn set_field(table: &mut Table, name: &str, value: Value, is_default: bool) {
    match find_key(table, name) {
        Some(key) => {
            let item = &mut table[key.as_str()];
            let mut value = value;
            if let Some(old) = item.as_value() {
                *value.decor_mut() = old.decor().clone();
            }
            *item = Item::Value(value);
        }
        None if !is_default => {
            // Indented like the table's first key, when it has one.
            let indent = table
                .iter()
                .next()
                .and_then(|(k, _)| table.key(k))
                .and_then(|k| {
                    k.leaf_decor()
                        .prefix()
                        .and_then(|p| p.as_str())
                        .map(str::to_owned)
                });
            table.insert(name, Item::Value(value));
            if let (Some(indent), Some(mut key)) = (indent, table.key_mut(name)) {
                key.leaf_decor_mut().set_prefix(indent);
            }
        }
        None => {}
    }
}

/// [`set_field`] for each `(name, value, is_default)`, in order.
fn set_fields<const N: usize>(table: &mut Table, fields: [(&str, Value, bool); N]) {
    for (name, value, is_default) in fields {
        set_field(table, name, value, is_default);
    }
}

/// A string field for [`set_fields`]: empty is its default.
fn text_field<'a>(name: &'a str, value: &str) -> (&'a str, Value, bool) {
    (name, value.into(), value.is_empty())
}

/// A boolean field for [`set_fields`]: false is its default.
fn flag_field(name: &str, value: bool) -> (&str, Value, bool) {
    (name, value.into(), !value)
}

fn write_registry_fields(table: &mut Table, registry: &Registry) {
    set_fields(
        table,
        [
            text_field("prefix", &registry.prefix),
            text_field("location", &registry.location),
            flag_field("insecure", registry.insecure),
            flag_field("blocked", registry.blocked),
            flag_field("mirror-by-digest-only", registry.mirror_by_digest_only),
        ],
    );
}

fn write_mirror_fields(table: &mut Table, mirror: &Mirror) {
    set_fields(
        table,
        [
            text_field("location", &mirror.location),
            flag_field("insecure", mirror.insecure),
            (
                "pull-from-mirror",
                mirror.pull_from_mirror.as_str().into(),
                mirror.pull_from_mirror == PullFromMirror::Unset,
            ),
        ],
    );
}

/// Gives a new table the indentation of a sibling: its header's and its keys' (never the sibling's comments).
fn style_like(table: &mut Table, sibling: &Table) {
    let indent = |raw: Option<&str>| raw.map(|r| r.rsplit('\n').next().unwrap_or("").to_owned());
    let header_indent =
        indent(sibling.decor().prefix().and_then(|p| p.as_str())).unwrap_or_default();
    table.decor_mut().set_prefix(format!("\n{header_indent}"));
    let key_indent = sibling
        .iter()
        .next()
        .and_then(|(k, _)| sibling.key(k))
        .and_then(|k| indent(k.leaf_decor().prefix().and_then(|p| p.as_str())));
    if let Some(key_indent) = key_indent {
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
        for key in keys {
            if let Some(mut key) = table.key_mut(&key) {
                key.leaf_decor_mut().set_prefix(key_indent.clone());
            }
        }
    }
}

fn new_mirror_table(mirror: &Mirror) -> Table {
    let mut table = Table::new();
    write_mirror_fields(&mut table, mirror);
    table
}

impl Editor {
    /// Reads a file to edit (only its TOML syntax is checked).
    pub fn parse(path: &str, text: &str) -> Result<Editor, Error> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            syntax_error(path, false, &Lines::new(text.as_bytes()), &e)
        })?;
        Ok(Editor {
            path: path.to_owned(),
            doc,
        })
    }

    fn error(&self, message: String) -> Error {
        Error::in_file(ErrorKind::Edit { message }, &self.path, false)
    }

    /// Every `[[registry]]` table, across the arrays whose names differ only in case (`[[registry]]` and
    /// `[[Registry]]` are two arrays to TOML, one to containers/image): (array key, index, effective prefix).
    fn registry_tables(&self) -> Result<Vec<(String, usize, String)>, Error> {
        let mut found = Vec::new();
        for (key, item) in self.doc.as_table().iter() {
            if !key.eq_ignore_ascii_case("registry") {
                continue;
            }
            match item {
                Item::ArrayOfTables(array) => {
                    found.extend(
                        array
                            .iter()
                            .enumerate()
                            .map(|(i, t)| (key.to_owned(), i, effective_prefix(t))),
                    );
                }
                _ => {
                    return Err(self.error(format!(
                        "`{key}` is not written as [[{key}]] tables; this editor only edits those"
                    )));
                }
            }
        }
        Ok(found)
    }

    fn registry_position(&self, prefix: &str) -> Result<(String, usize), Error> {
        let wanted = prefix.trim_end_matches('/');
        self.registry_tables()?
            .into_iter()
            .find(|(_, _, p)| p == wanted)
            .map(|(key, index, _)| (key, index))
            .ok_or_else(|| self.error(format!("no [[registry]] with prefix {wanted:?}")))
    }

    fn registry_table(&mut self, prefix: &str) -> Result<&mut Table, Error> {
        let (key, index) = self.registry_position(prefix)?;
        Ok(self.doc[key.as_str()]
            .as_array_of_tables_mut()
            .and_then(|a| a.get_mut(index))
            .expect("the table was just found"))
    }

    /// Appends a `[[registry]]` (with its mirrors) after the last one, indented like it; refused if its prefix is
    /// already there.
    pub fn add_registry(&mut self, registry: &Registry) -> Result<(), Error> {
        let prefix = registry.scope();
        if self.registry_position(prefix).is_ok() {
            return Err(self.error(format!(
                "a [[registry]] with prefix {prefix:?} is already there"
            )));
        }
        let tables = self.registry_tables()?;
        // The array holding the entry printed last: a new table follows the table printed before it.
        let key = tables
            .iter()
            .max_by_key(|(key, index, _)| {
                self.doc[key.as_str()]
                    .as_array_of_tables()
                    .and_then(|a| a.get(*index))
                    .and_then(Table::position)
            })
            .map_or_else(|| "registry".to_owned(), |(key, _, _)| key.clone());
        let array = match self.doc.get_mut(&key) {
            Some(Item::ArrayOfTables(array)) => array,
            _ => {
                self.doc
                    .insert(&key, Item::ArrayOfTables(ArrayOfTables::new()));
                self.doc[key.as_str()]
                    .as_array_of_tables_mut()
                    .expect("just inserted")
            }
        };
        let sibling = array.iter().last().cloned();
        let mut table = Table::new();
        write_registry_fields(&mut table, registry);
        if let Some(sibling) = &sibling {
            style_like(&mut table, sibling);
        }
        if !registry.mirrors.is_empty() {
            let sibling_mirror = sibling.as_ref().and_then(|s| {
                find_key(s, "mirror")
                    .and_then(|k| s.get(&k)?.as_array_of_tables()?.iter().last().cloned())
            });
            let mut mirrors = ArrayOfTables::new();
            for mirror in &registry.mirrors {
                let mut mirror_table = new_mirror_table(mirror);
                if let Some(sibling_mirror) = &sibling_mirror {
                    style_like(&mut mirror_table, sibling_mirror);
                }
                mirrors.push(mirror_table);
            }
            let mirror_key = sibling
                .as_ref()
                .and_then(|s| find_key(s, "mirror"))
                .unwrap_or_else(|| "mirror".to_owned());
            table.insert(&mirror_key, Item::ArrayOfTables(mirrors));
        }
        array.push(table);
        Ok(())
    }

    /// Replaces the fields and mirrors of the `[[registry]]` whose prefix is `prefix`, in place: its comments and
    /// unknown keys stay, and mirrors that remain (same location) keep theirs.
    pub fn replace_registry(&mut self, prefix: &str, registry: &Registry) -> Result<(), Error> {
        let path = self.path.clone();
        let table = self.registry_table(prefix)?;
        write_registry_fields(table, registry);
        let mirror_key = find_key(table, "mirror");
        let mut old: Vec<Option<Table>> = match mirror_key.as_deref().map(|k| table.remove(k)) {
            Some(Some(Item::ArrayOfTables(array))) => array.into_iter().map(Some).collect(),
            Some(Some(other)) => {
                // Put it back untouched and refuse: inline mirror arrays are not edited.
                table.insert(mirror_key.as_deref().unwrap_or("mirror"), other);
                return Err(Error::in_file(
                    ErrorKind::Edit {
                        message: format!(
                            "the mirrors of {prefix:?} are not written as [[registry.mirror]] tables"
                        ),
                    },
                    &path,
                    false,
                ));
            }
            _ => Vec::new(),
        };
        let mut mirrors = ArrayOfTables::new();
        let mut last_position: Option<isize> = None;
        for mirror in &registry.mirrors {
            let reused = old
                .iter_mut()
                .find(|t| {
                    t.as_ref()
                        .is_some_and(|t| string_field(t, "location") == mirror.location)
                })
                .and_then(Option::take);
            let mut table = match reused {
                Some(mut table) => {
                    write_mirror_fields(&mut table, mirror);
                    table
                }
                None => {
                    let mut table = new_mirror_table(mirror);
                    if let Some(sibling) = old.iter().flatten().next().or(mirrors.iter().last()) {
                        style_like(&mut table, sibling);
                    }
                    table
                }
            };
            // Tables are printed in position order: a reused table that would jump backwards follows its
            // predecessor instead.
            match (table.position(), last_position) {
                (Some(p), Some(last)) if p < last => table.set_position(None),
                (Some(p), _) => last_position = Some(p),
                (None, _) => {}
            }
            mirrors.push(table);
        }
        if !mirrors.is_empty() {
            table.insert(
                mirror_key.as_deref().unwrap_or("mirror"),
                Item::ArrayOfTables(mirrors),
            );
        }
        Ok(())
    }

    /// Removes the `[[registry]]` whose prefix is `prefix`, with its mirrors and the comments above it.
    pub fn remove_registry(&mut self, prefix: &str) -> Result<(), Error> {
        let (key, index) = self.registry_position(prefix)?;
        let array = self.doc[key.as_str()]
            .as_array_of_tables_mut()
            .expect("found above");
        array.remove(index);
        if array.is_empty() {
            self.doc.remove(&key);
        }
        Ok(())
    }

    fn mirrors(&mut self, prefix: &str, create: bool) -> Result<Option<&mut ArrayOfTables>, Error> {
        let path = self.path.clone();
        let table = self.registry_table(prefix)?;
        let key = match find_key(table, "mirror") {
            Some(key) => key,
            None if create => {
                table.insert("mirror", Item::ArrayOfTables(ArrayOfTables::new()));
                "mirror".to_owned()
            }
            None => return Ok(None),
        };
        match &mut table[key.as_str()] {
            Item::ArrayOfTables(array) => Ok(Some(array)),
            _ => Err(Error::in_file(
                ErrorKind::Edit {
                    message: format!(
                        "the mirrors of {prefix:?} are not written as [[registry.mirror]] tables"
                    ),
                },
                &path,
                false,
            )),
        }
    }

    /// Appends a mirror to the `[[registry]]` whose prefix is `prefix`; refused if that location is already one.
    pub fn add_mirror(&mut self, prefix: &str, mirror: &Mirror) -> Result<(), Error> {
        let exists = self.mirrors(prefix, false)?.is_some_and(|a| {
            a.iter()
                .any(|t| string_field(t, "location") == mirror.location)
        });
        if exists {
            return Err(self.error(format!(
                "{prefix:?} already has a mirror at {:?}",
                mirror.location
            )));
        }
        let array = self.mirrors(prefix, true)?.expect("created when absent");
        let mut table = new_mirror_table(mirror);
        if let Some(sibling) = array.iter().last() {
            style_like(&mut table, sibling);
        }
        array.push(table);
        Ok(())
    }

    /// Replaces, in place, the mirror at `location` of the `[[registry]]` whose prefix is `prefix`.
    pub fn replace_mirror(
        &mut self,
        prefix: &str,
        location: &str,
        mirror: &Mirror,
    ) -> Result<(), Error> {
        let table = self.mirrors(prefix, false)?.and_then(|a| {
            a.iter_mut()
                .find(|t| string_field(t, "location") == location)
        });
        match table {
            Some(table) => {
                write_mirror_fields(table, mirror);
                Ok(())
            }
            None => Err(self.error(format!("{prefix:?} has no mirror at {location:?}"))),
        }
    }

    /// Removes the mirror at `location` of the `[[registry]]` whose prefix is `prefix`.
    pub fn remove_mirror(&mut self, prefix: &str, location: &str) -> Result<(), Error> {
        let index = self.mirrors(prefix, false)?.and_then(|a| {
            a.iter()
                .position(|t| string_field(t, "location") == location)
        });
        let Some(index) = index else {
            return Err(self.error(format!("{prefix:?} has no mirror at {location:?}")));
        };
        let array = self.mirrors(prefix, false)?.expect("found above");
        array.remove(index);
        if array.is_empty() {
            let table = self.registry_table(prefix)?;
            if let Some(key) = find_key(table, "mirror") {
                table.remove(&key);
            }
        }
        Ok(())
    }
}
