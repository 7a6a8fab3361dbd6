//! Bytes → [`RegistriesConf`]: reading a registries.conf (version 2) the way containers/image's TOML decoder does.
//!
//! Faithful to the file: nothing is trimmed, sorted or deduplicated here (that is [`crate::validate`]'s work), so
//! `parse(render(x)) == x`. Like BurntSushi/toml, table and key names match regardless of case (`[[Registry]]`,
//! `Location`), and unknown keys are ignored; unlike it, every ignored key is reported as a [`Warning`].

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use crate::error::{Error, ErrorKind};
use crate::model::{Mirror, PullFromMirror, RegistriesConf, Registry};

/// A key this crate ignored (unknown, misspelt, or given twice in different case), with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The dotted path of the key, e.g. `registry[0].mirror-by-digest`.
    pub key: String,
    /// What is wrong and what containers/image does with it.
    pub message: String,
    /// Which kind of finding it is.
    pub kind: WarningKind,
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// An unknown or misspelt key: containers/image ignores it.
    UnknownKey,
    /// A key given twice in different case: containers/image uses one of them at random.
    RepeatedKey,
    /// A mirror `location` ending with `/`: the current containers/image (5.35 and later, what OpenShift nodes run)
    /// trims it and tries the mirror, as [`crate::validate`] does; 5.23 keeps it, and every pull of the entry fails
    /// there with `rewriting reference: invalid reference format`. A note on older nodes, not a problem here.
    MirrorTrailingSlashOnOlderClients,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// A parsed file: the model as written, the warnings, and what the model cannot hold but validation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    /// The file's path (used in messages only).
    pub path: String,
    /// Whether the file is a `registries.conf.d` drop-in.
    pub drop_in: bool,
    /// The configuration exactly as written.
    pub config: RegistriesConf,
    /// Keys that were ignored.
    pub warnings: Vec<Warning>,
    pub(crate) extras: Extras,
}

/// What the model cannot hold: raw values checked later by the validator, lines, and which lists were set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extras {
    /// Index-aligned with `config.registries`.
    pub registries: Vec<RegistryExtras>,
    /// `unqualified-search-registries` was present (even as `[]`): a drop-in then replaces the list.
    pub unqualified_search_registries_set: bool,
    /// `credential-helpers` was present (even as `[]`).
    pub credential_helpers_set: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RegistryExtras {
    pub line: Option<usize>,
    /// `pull-from-mirror` written on the `[[registry]]` itself (an error for containers/image).
    pub pull_from_mirror: String,
    /// Raw `pull-from-mirror` of each mirror, index-aligned with the registry's mirrors.
    pub mirror_pull_from_mirror: Vec<String>,
}

impl ParsedFile {
    /// Wraps a model that did not come from a file (e.g. one about to be rendered), so it can be validated.
    pub fn from_model(path: &str, drop_in: bool, config: RegistriesConf) -> ParsedFile {
        let registries = config
            .registries
            .iter()
            .map(|r| RegistryExtras {
                line: None,
                pull_from_mirror: String::new(),
                mirror_pull_from_mirror: r
                    .mirrors
                    .iter()
                    .map(|m| m.pull_from_mirror.as_str().to_owned())
                    .collect(),
            })
            .collect();
        let extras = Extras {
            registries,
            unqualified_search_registries_set: !config.unqualified_search_registries.is_empty(),
            credential_helpers_set: !config.credential_helpers.is_empty(),
        };
        ParsedFile {
            path: path.to_owned(),
            drop_in,
            config,
            warnings: Vec::new(),
            extras,
        }
    }
}

/// Parses the main registries.conf. A version 1 file is refused ([`ErrorKind::UnsupportedV1`]); v1 tables next to v2
/// content give containers/image's `mixing sysregistry v1/v2 is not supported`.
pub fn parse(path: &str, bytes: &[u8]) -> Result<ParsedFile, Error> {
    parse_with(path, bytes, false)
}

/// Parses a `registries.conf.d/*.conf` drop-in: as [`parse`], but v1 content gives containers/image's
/// `registry must be in v2 format but is in v1`.
pub fn parse_drop_in(path: &str, bytes: &[u8]) -> Result<ParsedFile, Error> {
    parse_with(path, bytes, true)
}

/// The largest file [`parse`] and [`parse_drop_in`] read: 64 MiB. Set from the largest realistic input times ten:
/// the registries.conf that rendering writes for 100 000 mirror sources (far more than any cluster has) is 28-33 MB,
/// so 64 MiB reads back whatever the project writes, with room; a larger file is refused before parsing, so a
/// runaway or hostile file costs no parse time and memory. mirror-cli reads every input under the same 64 MiB.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

fn parse_with(path: &str, bytes: &[u8], drop_in: bool) -> Result<ParsedFile, Error> {
    check_size(path, bytes, drop_in)?;
    let text = utf8(path, bytes, drop_in)?;
    if let Some(parsed) = crate::parse_fast::parse_fast(path, text, drop_in) {
        return Ok(parsed);
    }
    parse_lossless_text(path, text, drop_in)
}

fn check_size(path: &str, bytes: &[u8], drop_in: bool) -> Result<(), Error> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::in_file(
            ErrorKind::TooLarge {
                size: bytes.len(),
                limit: MAX_INPUT_BYTES,
            },
            path,
            drop_in,
        ));
    }
    Ok(())
}

fn utf8<'b>(path: &str, bytes: &'b [u8], drop_in: bool) -> Result<&'b str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        let lines = Lines::new(&bytes[..e.valid_up_to()]);
        let (line, column) = lines.position(e.valid_up_to());
        Error::in_file(
            ErrorKind::Toml {
                message: "the file is not valid UTF-8".to_owned(),
            },
            path,
            drop_in,
        )
        .at(Some(line), Some(column))
    })
}

/// Reads a file with the lossless (toml_edit) reader alone, whatever it holds: what [`parse`] and [`parse_drop_in`]
/// give, only slower. [`parse`] first tries a fast reader that accepts only the plain subset it fully understands
/// (what rendering writes) and hands everything else to this one, so that errors, warnings and positions are this
/// reader's; this function is the other half of the differential tests that hold the two to the same answer.
pub fn parse_lossless(path: &str, bytes: &[u8], drop_in: bool) -> Result<ParsedFile, Error> {
    check_size(path, bytes, drop_in)?;
    let text = utf8(path, bytes, drop_in)?;
    parse_lossless_text(path, text, drop_in)
}

/// Whether [`parse`] reads `bytes` with its fast reader (for tests and benchmarks: the answer is the same).
pub fn parses_fast(bytes: &[u8]) -> bool {
    bytes.len() <= MAX_INPUT_BYTES
        && std::str::from_utf8(bytes)
            .is_ok_and(|text| crate::parse_fast::parse_fast("", text, false).is_some())
}

fn parse_lossless_text(path: &str, text: &str, drop_in: bool) -> Result<ParsedFile, Error> {
    let lines = Lines::new(text.as_bytes());
    let doc =
        toml_edit::Document::parse(text).map_err(|e| syntax_error(path, drop_in, &lines, &e))?;
    let mut reader = Reader {
        path,
        drop_in,
        lines: &lines,
        warnings: Vec::new(),
    };
    let Root {
        config,
        extras,
        v1_line,
        v2_set,
    } = reader.root(doc.as_table())?;
    if let Some(v1_line) = v1_line {
        let message = if drop_in {
            "registry must be in v2 format but is in v1"
        } else if v2_set {
            "mixing sysregistry v1/v2 is not supported"
        } else {
            return Err(
                Error::in_file(ErrorKind::UnsupportedV1, path, false).at(Some(v1_line), None)
            );
        };
        return Err(Error::in_file(
            ErrorKind::InvalidConfig {
                message: message.to_owned(),
            },
            path,
            drop_in,
        )
        .at(Some(v1_line), None));
    }
    let mut warnings = reader.warnings;
    warnings.sort_by_key(|w| (w.line, w.column));
    Ok(ParsedFile {
        path: path.to_owned(),
        drop_in,
        config,
        warnings,
        extras,
    })
}

/// Byte offset → (line, column), both 1-based; the column counts characters.
/// toml_edit's syntax error, at the line and column it points to.
pub(crate) fn syntax_error(
    path: &str,
    drop_in: bool,
    lines: &Lines<'_>,
    e: &toml_edit::TomlError,
) -> Error {
    let (line, column) = lines.position(e.span().map_or(0, |s| s.start));
    Error::in_file(
        ErrorKind::Toml {
            message: e.message().trim_end().to_owned(),
        },
        path,
        drop_in,
    )
    .at(Some(line), Some(column))
}

/// Where each line of a text starts, to turn byte offsets into 1-based lines and columns (in characters).
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = String::from_utf8_lossy(&self.text[start..offset])
            .chars()
            .count()
            + 1;
        (line, column)
    }
}

/// The type names BurntSushi/toml users see, for messages.
fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a datetime",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "an inline table",
        },
    }
}

struct Reader<'a> {
    path: &'a str,
    drop_in: bool,
    lines: &'a Lines<'a>,
    warnings: Vec<Warning>,
}

/// What the root table holds.
struct Root {
    config: RegistriesConf,
    extras: Extras,
    /// The line of the first v1 list (`[registries.search]` ...), if any.
    v1_line: Option<usize>,
    /// Whether any v2 key is set, as containers/image counts it.
    v2_set: bool,
}

/// A table (`[[x]]` or inline) and where it is.
type SpannedTable<'t> = (&'t dyn TableLike, Option<Range<usize>>);

/// One key of a table, found regardless of case.
struct Entry<'t> {
    key: &'t str,
    item: &'t Item,
    span: Option<Range<usize>>,
}

impl<'a> Reader<'a> {
    fn line_col(&self, span: &Option<Range<usize>>) -> (usize, usize) {
        self.lines.position(span.as_ref().map_or(0, |s| s.start))
    }

    fn type_error(
        &self,
        span: &Option<Range<usize>>,
        key: &str,
        expected: &str,
        item: &Item,
    ) -> Error {
        let (line, column) = self.line_col(span);
        Error::in_file(
            ErrorKind::Toml {
                message: format!("{key}: expected {expected}, found {}", type_name(item)),
            },
            self.path,
            self.drop_in,
        )
        .at(Some(line), Some(column))
    }

    fn warn(
        &mut self,
        span: &Option<Range<usize>>,
        key: String,
        message: String,
        kind: WarningKind,
    ) {
        let (line, column) = self.line_col(span);
        self.warnings.push(Warning {
            path: self.path.to_owned(),
            line,
            column,
            key,
            message,
            kind,
        });
    }

    /// Splits a table's keys into the known ones (matched regardless of case, as BurntSushi/toml does) and warns
    /// about the rest.
    fn fields<'t>(
        &mut self,
        table: &'t dyn TableLike,
        context: &str,
        known: &[&'static str],
        hints: &[(&str, &str)],
    ) -> BTreeMap<&'static str, Entry<'t>> {
        let mut found: BTreeMap<&'static str, Entry<'t>> = BTreeMap::new();
        for (key, item) in table.iter() {
            let span = table
                .get_key_value(key)
                .and_then(|(k, _)| k.span())
                .or_else(|| item.span());
            let dotted = if context.is_empty() {
                key.to_owned()
            } else {
                format!("{context}.{key}")
            };
            let Some(name) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) else {
                let hint = hints
                    .iter()
                    .find(|(typo, _)| typo.eq_ignore_ascii_case(key))
                    .map(|(_, right)| format!(" (did you mean `{right}`?)"))
                    .unwrap_or_default();
                self.warn(
                    &span,
                    dotted.clone(),
                    format!(
                        "unknown key `{dotted}` is ignored, as containers/image ignores it{hint}"
                    ),
                    WarningKind::UnknownKey,
                );
                continue;
            };
            match found.get(name) {
                Some(first) if first.key == *name || key != *name => {
                    let message = format!(
                        "`{dotted}` repeats `{}` in another case; containers/image uses one of them at random, this \
                         crate the {}",
                        first.key,
                        if first.key == *name {
                            "exact spelling"
                        } else {
                            "first"
                        }
                    );
                    self.warn(&span, dotted, message, WarningKind::RepeatedKey);
                }
                Some(first) => {
                    // An exact spelling beats a case-folded one, as in BurntSushi/toml.
                    let message = format!(
                        "`{}` repeats `{dotted}` in another case; containers/image uses one of them at random, this \
                         crate the exact spelling",
                        first.key
                    );
                    let first_span = first.span.clone();
                    let first_dotted = first.key.to_owned();
                    self.warn(&first_span, first_dotted, message, WarningKind::RepeatedKey);
                    found.insert(name, Entry { key, item, span });
                }
                None => {
                    found.insert(name, Entry { key, item, span });
                }
            }
        }
        found
    }

    fn string(&self, entry: &Entry<'_>, key: &str) -> Result<String, Error> {
        match entry.item.as_str() {
            Some(s) => Ok(s.to_owned()),
            None => Err(self.type_error(
                &entry.item.span().or(entry.span.clone()),
                key,
                "a string",
                entry.item,
            )),
        }
    }

    fn boolean(&self, entry: &Entry<'_>, key: &str) -> Result<bool, Error> {
        match entry.item.as_bool() {
            Some(b) => Ok(b),
            None => Err(self.type_error(
                &entry.item.span().or(entry.span.clone()),
                key,
                "a boolean",
                entry.item,
            )),
        }
    }

    fn strings(&self, entry: &Entry<'_>, key: &str) -> Result<Vec<String>, Error> {
        let span = entry.item.span().or(entry.span.clone());
        let Some(array) = entry.item.as_array() else {
            return Err(self.type_error(&span, key, "an array of strings", entry.item));
        };
        array
            .iter()
            .enumerate()
            .map(|(i, v)| match v.as_str() {
                Some(s) => Ok(s.to_owned()),
                None => Err(self.type_error(
                    &v.span().or(span.clone()),
                    &format!("{key}[{i}]"),
                    "a string",
                    &Item::Value(v.clone()),
                )),
            })
            .collect()
    }

    /// The tables of a `[[x]]` array of tables or an inline `x = [{…}, …]` array.
    fn tables<'t>(&self, entry: &Entry<'t>, key: &str) -> Result<Vec<SpannedTable<'t>>, Error> {
        match entry.item {
            Item::ArrayOfTables(array) => Ok(array
                .iter()
                .map(|t| (t as &dyn TableLike, t.span().or(entry.span.clone())))
                .collect()),
            Item::Value(Value::Array(array)) => array
                .iter()
                .enumerate()
                .map(|(i, v)| match v.as_inline_table() {
                    Some(t) => Ok((t as &dyn TableLike, v.span().or(entry.span.clone()))),
                    None => Err(self.type_error(
                        &v.span().or(entry.span.clone()),
                        &format!("{key}[{i}]"),
                        "a table",
                        &Item::Value(v.clone()),
                    )),
                })
                .collect(),
            other => Err(self.type_error(
                &other.span().or(entry.span.clone()),
                key,
                "an array of tables ([[…]])",
                other,
            )),
        }
    }

    fn root(&mut self, root: &dyn TableLike) -> Result<Root, Error> {
        const KNOWN: &[&str] = &[
            "registry",
            "unqualified-search-registries",
            "credential-helpers",
            "short-name-mode",
            "additional-layer-store-auth-helper",
            "aliases",
            "registries",
        ];
        const HINTS: &[(&str, &str)] = &[
            ("registrys", "registry"),
            ("mirror", "registry.mirror"),
            (
                "unqualified-search-registry",
                "unqualified-search-registries",
            ),
            ("credential-helper", "credential-helpers"),
            ("alias", "aliases"),
        ];
        let fields = self.fields(root, "", KNOWN, HINTS);
        let mut config = RegistriesConf::default();
        let mut extras = Extras::default();
        let mut v1_line = None;
        // containers/image's `V2RegistriesConf.hasSetField`: a key decoded at all counts, even `[]` or an empty
        // `[aliases]` table (the decoder makes them non-nil); an empty string does not.
        let v2_set = fields.iter().any(|(name, entry)| match *name {
            "registries" => false,
            "short-name-mode" | "additional-layer-store-auth-helper" => {
                entry.item.as_str() != Some("")
            }
            _ => true,
        });
        for (name, entry) in &fields {
            match *name {
                "registry" => {
                    for (i, (table, span)) in
                        self.tables(entry, "registry")?.into_iter().enumerate()
                    {
                        let (registry, registry_extras) = self.registry(table, i, &span)?;
                        config.registries.push(registry);
                        extras.registries.push(registry_extras);
                    }
                }
                "unqualified-search-registries" => {
                    config.unqualified_search_registries = self.strings(entry, name)?;
                    extras.unqualified_search_registries_set = true;
                }
                "credential-helpers" => {
                    config.credential_helpers = self.strings(entry, name)?;
                    extras.credential_helpers_set = true;
                }
                "short-name-mode" => config.short_name_mode = self.string(entry, name)?,
                "additional-layer-store-auth-helper" => {
                    config.additional_layer_store_auth_helper = self.string(entry, name)?
                }
                "aliases" => {
                    let Some(table) = entry.item.as_table_like() else {
                        return Err(self.type_error(&entry.span, "aliases", "a table", entry.item));
                    };
                    for (alias, value) in table.iter() {
                        let span = value.span().or(entry.span.clone());
                        let Some(value) = value.as_str() else {
                            return Err(self.type_error(
                                &span,
                                &format!("aliases.{alias}"),
                                "a string",
                                value,
                            ));
                        };
                        config.aliases.insert(alias.to_owned(), value.to_owned());
                    }
                }
                "registries" => v1_line = self.v1(entry)?,
                _ => unreachable!("only known keys are returned"),
            }
        }
        Ok(Root {
            config,
            extras,
            v1_line,
            v2_set,
        })
    }

    /// Reads the v1 `[registries.*]` tables; the line of the first list given, even `[]`: containers/image's
    /// `V1RegistriesConf.hasSetField` counts a decoded empty list (only a table without its `registries` key is
    /// nothing). containers/image before 5.24 (`Nonempty`) ignored empty lists.
    fn v1(&mut self, entry: &Entry<'_>) -> Result<Option<usize>, Error> {
        let Some(table) = entry.item.as_table_like() else {
            return Err(self.type_error(&entry.span, "registries", "a table", entry.item));
        };
        let lists = self.fields(table, "registries", &["search", "insecure", "block"], &[]);
        let mut first = None;
        for (name, list) in &lists {
            let key = format!("registries.{name}");
            let Some(list_table) = list.item.as_table_like() else {
                return Err(self.type_error(&list.span, &key, "a table", list.item));
            };
            let inner = self.fields(list_table, &key, &["registries"], &[]);
            if let Some(registries) = inner.get("registries") {
                self.strings(registries, &format!("{key}.registries"))?;
                if first.is_none() {
                    first = Some(self.line_col(&list.span).0);
                }
            }
        }
        Ok(first)
    }

    fn registry(
        &mut self,
        table: &dyn TableLike,
        index: usize,
        span: &Option<Range<usize>>,
    ) -> Result<(Registry, RegistryExtras), Error> {
        const KNOWN: &[&str] = &[
            "prefix",
            "location",
            "insecure",
            "blocked",
            "mirror-by-digest-only",
            "pull-from-mirror",
            "mirror",
        ];
        const HINTS: &[(&str, &str)] = &[
            ("mirror-by-digest", "mirror-by-digest-only"),
            ("mirrors", "mirror"),
            ("block", "blocked"),
            ("pull-from-mirrors", "pull-from-mirror"),
        ];
        let context = format!("registry[{index}]");
        let fields = self.fields(table, &context, KNOWN, HINTS);
        let mut registry = Registry::default();
        let mut extras = RegistryExtras {
            line: Some(self.line_col(span).0),
            ..RegistryExtras::default()
        };
        for (name, entry) in &fields {
            let key = format!("{context}.{name}");
            match *name {
                "prefix" => registry.prefix = self.string(entry, &key)?,
                "location" => registry.location = self.string(entry, &key)?,
                "insecure" => registry.insecure = self.boolean(entry, &key)?,
                "blocked" => registry.blocked = self.boolean(entry, &key)?,
                "mirror-by-digest-only" => {
                    registry.mirror_by_digest_only = self.boolean(entry, &key)?
                }
                "pull-from-mirror" => extras.pull_from_mirror = self.string(entry, &key)?,
                "mirror" => {
                    for (j, (mirror_table, mirror_span)) in
                        self.tables(entry, &key)?.into_iter().enumerate()
                    {
                        let (mirror, raw) =
                            self.mirror(mirror_table, &format!("{key}[{j}]"), &mirror_span)?;
                        registry.mirrors.push(mirror);
                        extras.mirror_pull_from_mirror.push(raw);
                    }
                }
                _ => unreachable!("only known keys are returned"),
            }
        }
        Ok((registry, extras))
    }

    fn mirror(
        &mut self,
        table: &dyn TableLike,
        context: &str,
        span: &Option<Range<usize>>,
    ) -> Result<(Mirror, String), Error> {
        const HINTS: &[(&str, &str)] = &[("pull-from-mirrors", "pull-from-mirror")];
        let _ = span;
        let fields = self.fields(
            table,
            context,
            &["location", "insecure", "pull-from-mirror"],
            HINTS,
        );
        let mut mirror = Mirror::default();
        let mut raw = String::new();
        for (name, entry) in &fields {
            let key = format!("{context}.{name}");
            match *name {
                "location" => {
                    mirror.location = self.string(entry, &key)?;
                    if mirror.location.ends_with('/')
                        && !mirror.location.trim_end_matches('/').is_empty()
                    {
                        let span = entry.item.span().or(entry.span.clone());
                        let message = format!(
                            "`{key}` {:?} ends with `/`: containers/image 5.35 and later (OpenShift nodes) trim it \
                             and try the mirror; on nodes with an older containers/image (5.23) every pull of this \
                             entry fails with `rewriting reference: invalid reference format`",
                            mirror.location
                        );
                        self.warn(
                            &span,
                            key.clone(),
                            message,
                            WarningKind::MirrorTrailingSlashOnOlderClients,
                        );
                    }
                }
                "insecure" => mirror.insecure = self.boolean(entry, &key)?,
                "pull-from-mirror" => {
                    raw = self.string(entry, &key)?;
                    // An unknown value is kept raw and refused by the validator, in containers/image's order.
                    mirror.pull_from_mirror =
                        PullFromMirror::from_str_exact(&raw).unwrap_or_default();
                }
                _ => unreachable!("only known keys are returned"),
            }
        }
        Ok((mirror, raw))
    }
}
