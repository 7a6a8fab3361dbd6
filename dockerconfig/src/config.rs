//! The whole file: reading, validating the way Go's `json.Unmarshal` would, editing, writing.

use std::fmt;

use zeroize::Zeroizing;

use crate::Error;
use crate::Warning;
use crate::entry::{AuthEntry, Decoded, go_field_matches};
use crate::error::ErrorKind;
use crate::json::{self, Key, Member, Node};

/// The two shapes of a Docker config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `{"auths": {"<key>": {...}}, ...}`: `config.json`, `auth.json`, a Secret's `.dockerconfigjson`.
    Auths,
    /// `{"<key>": {...}}`: the legacy `~/.dockercfg` and a Secret's `.dockercfg`. containers/image looks up only
    /// the host in these files and reduces every key to its host.
    Legacy,
}

/// Top-level keys of Docker's `config.json` besides `auths`: their presence marks a file as [`Format::Auths`].
const DOCKER_CONFIG_FIELDS: &[&str] = &[
    "credhelpers",
    "credsstore",
    "httpheaders",
    "psformat",
    "imagesformat",
    "detachkeys",
    "experimental",
    "proxies",
    "plugins",
    "currentcontext",
    "aliases",
    "features",
];

/// A registry's entry with its key as written.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) key: Key,
    pub(crate) entry: AuthEntry,
}

/// A parsed Docker config file, kept losslessly: every field this crate does not interpret, every key spelling,
/// member order and every scalar exactly as written (escapes such as `\u003c`, number spellings).
///
/// `Debug` shows the format, the registry keys and top-level field names only, never a value.
#[derive(Clone, PartialEq, Eq)]
pub struct DockerConfig {
    pub(crate) format: Format,
    pub(crate) origin: String,
    /// The document was the literal `null` (Go reads it as an empty file); kept until something is added.
    pub(crate) document_null: bool,
    /// Top-level members before `auths` (all of them when there is no `auths`).
    pub(crate) before: Vec<Member>,
    /// The `auths` key as written; `None` for [`Format::Legacy`] or when the file has none.
    pub(crate) auths_key: Option<Key>,
    /// `"auths": null`, kept until something is added.
    pub(crate) auths_null: bool,
    pub(crate) entries: Vec<Entry>,
    /// Top-level members after `auths`.
    pub(crate) after: Vec<Member>,
}

impl Default for DockerConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl DockerConfig {
    /// An empty [`Format::Auths`] file: `{"auths":{}}` once written.
    pub fn new() -> Self {
        DockerConfig {
            format: Format::Auths,
            origin: String::new(),
            document_null: false,
            before: Vec::new(),
            auths_key: Some(Key::new("auths")),
            auths_null: false,
            entries: Vec::new(),
            after: Vec::new(),
        }
    }

    /// Reads a file, guessing its format: [`Format::Auths`] when the top-level object has an `auths` member,
    /// is empty, or has another `config.json` field such as `credHelpers`; [`Format::Legacy`] when every member
    /// is an object or `null`; otherwise [`Format::Auths`].
    ///
    /// `origin` names the input in messages (a path, or `secret openshift-config/pull-secret`).
    ///
    /// # Errors
    /// See [`DockerConfig::parse_as`].
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Self, Error> {
        let root = json::parse(bytes, origin, true)?;
        let format = match &root {
            Node::Object(members) if !members.is_empty() => {
                let config_json = members.iter().any(|m| {
                    go_field_matches(m.key.text.as_str(), "auths")
                        || DOCKER_CONFIG_FIELDS
                            .contains(&m.key.text.as_str().to_ascii_lowercase().as_str())
                });
                let all_objects = members
                    .iter()
                    .all(|m| matches!(m.value, Node::Object(_)) || m.value.is_null());
                if !config_json && all_objects {
                    Format::Legacy
                } else {
                    Format::Auths
                }
            }
            _ => Format::Auths,
        };
        Self::from_root(root, bytes, format, origin)
    }

    /// Reads a file of a known format (for a Secret, `.dockerconfigjson` is [`Format::Auths`] and `.dockercfg`
    /// is [`Format::Legacy`]).
    ///
    /// # Errors
    /// [`ErrorKind::TooLarge`] over [`crate::MAX_INPUT_BYTES`], [`ErrorKind::InvalidUtf8`], [`ErrorKind::Syntax`] (with line and
    /// column), [`ErrorKind::TooDeep`] over [`crate::MAX_DEPTH`], [`ErrorKind::DuplicateKey`] for a key repeated in any
    /// object (or two members Go would read as the same field, such as `auth` and `Auth`), and
    /// [`ErrorKind::WrongType`] where Go's `json.Unmarshal` into containers/image's types fails: a document that is
    /// not an object, `auths` or an entry that is not an object, `auth`, `identitytoken` or a `credHelpers`
    /// value that is not a string (`null` is accepted wherever Go accepts it).
    pub fn parse_as(bytes: &[u8], format: Format, origin: &str) -> Result<Self, Error> {
        let root = json::parse(bytes, origin, true)?;
        Self::from_root(root, bytes, format, origin)
    }

    fn from_root(root: Node, src: &[u8], format: Format, origin: &str) -> Result<Self, Error> {
        let wrong = |at: usize, field: String, expected: &'static str, found: &Node| {
            let kind = ErrorKind::WrongType {
                field,
                expected,
                found: found.type_name(),
            };
            Error::input(origin, Some(json::position(src, at)), kind)
        };
        let mut config = DockerConfig {
            format,
            origin: origin.to_owned(),
            document_null: false,
            before: Vec::new(),
            auths_key: None,
            auths_null: false,
            entries: Vec::new(),
            after: Vec::new(),
        };
        let members = match root {
            Node::Object(members) => members,
            n if n.is_null() => {
                config.document_null = true;
                return Ok(config);
            }
            other => return Err(wrong(0, "the document".to_owned(), "an object", &other)),
        };
        match format {
            Format::Legacy => {
                config.entries = entries_of(members, src, origin, "", &wrong)?;
            }
            Format::Auths => {
                check_single_go_field(&members, "auths", src, origin, "the top-level object")?;
                check_single_go_field(
                    &members,
                    "credhelpers",
                    src,
                    origin,
                    "the top-level object",
                )?;
                let mut seen_auths = false;
                for m in members {
                    if go_field_matches(m.key.text.as_str(), "credhelpers") {
                        check_cred_helpers(&m, &wrong)?;
                    }
                    if go_field_matches(m.key.text.as_str(), "auths") {
                        seen_auths = true;
                        let Member { key, value, at } = m;
                        match value {
                            Node::Object(inner) => {
                                config.entries = entries_of(inner, src, origin, "auths", &wrong)?;
                            }
                            v if v.is_null() => config.auths_null = true,
                            other => {
                                return Err(wrong(
                                    at,
                                    format!("{:?}", key.text.as_str()),
                                    "an object",
                                    &other,
                                ));
                            }
                        }
                        config.auths_key = Some(key);
                    } else if seen_auths {
                        config.after.push(m);
                    } else {
                        config.before.push(m);
                    }
                }
            }
        }
        Ok(config)
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The name given when reading, for messages.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The registry keys, in order, as written.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.key.text.as_str())
    }

    /// The entries with their keys, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &AuthEntry)> {
        self.entries.iter().map(|e| (e.key.text.as_str(), &e.entry))
    }

    /// The number of registry entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no registry entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry under exactly this key.
    pub fn get(&self, key: &str) -> Option<&AuthEntry> {
        self.entries
            .iter()
            .find(|e| e.key.text.as_str() == key)
            .map(|e| &e.entry)
    }

    /// The names of the top-level members other than `auths` (e.g. `credHelpers`, `credsStore`), in order.
    pub fn other_top_level_keys(&self) -> Vec<String> {
        self.before
            .iter()
            .chain(&self.after)
            .map(|m| m.key.text.as_str().to_owned())
            .collect()
    }

    /// `credHelpers` as Go reads it: registry host → helper suffix (`docker-credential-<suffix>`).
    pub fn credential_helpers(&self) -> Vec<(String, String)> {
        let Some(m) = self
            .before
            .iter()
            .chain(&self.after)
            .find(|m| go_field_matches(m.key.text.as_str(), "credhelpers"))
        else {
            return Vec::new();
        };
        match &m.value {
            Node::Object(helpers) => helpers
                .iter()
                .map(|h| {
                    (
                        h.key.text.as_str().to_owned(),
                        h.value.as_string().unwrap_or_default().as_str().to_owned(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Decodes the entry under exactly `key` (see [`AuthEntry::decode`]); `None` when there is no such entry.
    ///
    /// # Errors
    /// [`ErrorKind::BadBase64`] naming this file and key.
    pub fn decode(&self, key: &str) -> Option<Result<Decoded, Error>> {
        self.get(key).map(|entry| self.decode_entry(key, entry))
    }

    pub(crate) fn decode_entry(&self, key: &str, entry: &AuthEntry) -> Result<Decoded, Error> {
        entry.decode().map_err(|e| match e.kind() {
            ErrorKind::BadBase64 { source, .. } => Error::input(
                &self.origin,
                None,
                ErrorKind::BadBase64 {
                    key: key.to_owned(),
                    source: *source,
                },
            ),
            _ => e.in_origin(&self.origin),
        })
    }

    /// What containers/image would complain about, entry by entry, without failing: an `auth` that is not
    /// base64 (a pull through this entry fails), an `auth` without `:` (ignored with a warning), an
    /// `identitytoken` beside an empty `auth` (ignored).
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for e in &self.entries {
            let key = e.key.text.as_str().to_owned();
            match self.decode_entry(&key, &e.entry) {
                Err(error) => problems.push(Problem::Error(error)),
                Ok(Decoded::MissingColon) => {
                    problems.push(Problem::Warning(Warning::MissingColon {
                        origin: self.origin.clone(),
                        key,
                    }))
                }
                Ok(Decoded::Empty) if e.entry.identity_token().is_some() => {
                    problems.push(Problem::Warning(Warning::IdentityTokenIgnored {
                        origin: self.origin.clone(),
                        key,
                    }))
                }
                Ok(_) => {}
            }
        }
        problems
    }

    /// Sets the entry for a registry, replacing whole (every field) an entry whose key is the same after
    /// normalisation ([`normalize_key`]), keeping the existing key's spelling and place, and removing any
    /// further spellings of it so no stale credential remains. A new key is appended.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] for an empty key.
    pub fn set(&mut self, key: &str, entry: AuthEntry) -> Result<SetOutcome, Error> {
        if key.is_empty() {
            return Err(Error::argument(ErrorKind::InvalidKey {
                key: key.to_owned(),
                why: "a registry key must not be empty",
            }));
        }
        let wanted = normalize_key(key, self.format);
        let format = self.format;
        let index = self
            .entries
            .iter()
            .position(|e| e.key.text.as_str() == key)
            .or_else(|| {
                self.entries
                    .iter()
                    .position(|e| normalize_key(e.key.text.as_str(), format) == wanted)
            });
        self.touch();
        match index {
            Some(i) => {
                let kept_key = self.entries[i].key.text.as_str().to_owned();
                let unchanged = self.entries[i].entry == entry;
                self.entries[i].entry = entry;
                let mut removed = Vec::new();
                let mut j = 0;
                self.entries.retain(|e| {
                    let drop = j != i && normalize_key(e.key.text.as_str(), format) == wanted;
                    if drop {
                        removed.push(e.key.text.as_str().to_owned());
                    }
                    j += 1;
                    !drop
                });
                Ok(if unchanged && removed.is_empty() {
                    SetOutcome::Unchanged { key: kept_key }
                } else {
                    SetOutcome::Replaced {
                        key: kept_key,
                        also_removed: removed,
                    }
                })
            }
            None => {
                self.entries.push(Entry {
                    key: Key::new(key),
                    entry,
                });
                Ok(SetOutcome::Added {
                    key: key.to_owned(),
                })
            }
        }
    }

    /// Removes every entry whose key is `key` after normalisation (all spellings of one registry or namespace),
    /// returning the keys removed, in order.
    pub fn remove(&mut self, key: &str) -> Vec<String> {
        let wanted = normalize_key(key, self.format);
        let format = self.format;
        let mut removed = Vec::new();
        self.entries.retain(|e| {
            let drop =
                e.key.text.as_str() == key || normalize_key(e.key.text.as_str(), format) == wanted;
            if drop {
                removed.push(e.key.text.as_str().to_owned());
            }
            !drop
        });
        removed
    }

    /// Marks the document as edited: a `null` document or `auths` becomes an object.
    pub(crate) fn touch(&mut self) {
        self.document_null = false;
        self.auths_null = false;
        if self.format == Format::Auths && self.auths_key.is_none() {
            self.auths_key = Some(Key::new("auths"));
        }
    }

    /// The same entries in [`Format::Auths`] (`{"auths": {...}}`); keys are kept as written.
    #[must_use]
    pub fn into_auths_format(mut self) -> Self {
        if self.format == Format::Legacy {
            self.format = Format::Auths;
            if !self.document_null {
                self.auths_key = Some(Key::new("auths"));
            }
        }
        self
    }

    fn to_node(&self) -> Node {
        if self.document_null {
            return Node::null();
        }
        let entries = || {
            Node::Object(
                self.entries
                    .iter()
                    .map(|e| Member {
                        key: e.key.clone(),
                        value: e.entry.node.clone(),
                        at: 0,
                    })
                    .collect(),
            )
        };
        match self.format {
            Format::Legacy => entries(),
            Format::Auths => {
                let mut members: Vec<Member> = self.before.clone();
                if let Some(key) = &self.auths_key {
                    let value = if self.auths_null && self.entries.is_empty() {
                        Node::null()
                    } else {
                        entries()
                    };
                    members.push(Member {
                        key: key.clone(),
                        value,
                        at: 0,
                    });
                }
                members.extend(self.after.iter().cloned());
                Node::Object(members)
            }
        }
    }

    /// The file with no insignificant whitespace and every other byte as read: for an unedited file, Go's
    /// `json.Compact` of the input. No trailing newline.
    pub fn to_compact(&self) -> Zeroizing<Vec<u8>> {
        let mut out = String::new();
        json::write_compact(&self.to_node(), &mut out);
        Zeroizing::new(out.into_bytes())
    }

    /// The file for people: Go's `json.Indent` with two spaces, plus a trailing newline.
    pub fn to_pretty(&self) -> Zeroizing<Vec<u8>> {
        let mut out = String::new();
        json::write_pretty(&self.to_node(), &mut out);
        out.push('\n');
        Zeroizing::new(out.into_bytes())
    }
}

/// A non-fatal finding of [`DockerConfig::problems`], or a fatal one for the registry concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A pull through this entry fails.
    Error(Error),
    /// containers/image goes on without these credentials (and may log this).
    Warning(Warning),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Error(e) => write!(f, "error: {e}"),
            Problem::Warning(w) => write!(f, "warning: {w}"),
        }
    }
}

/// What [`DockerConfig::set`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetOutcome {
    /// A new key was appended.
    Added {
        /// The key.
        key: String,
    },
    /// An entry was replaced whole; `key` is its spelling, kept.
    Replaced {
        /// The key kept.
        key: String,
        /// Other spellings of the same registry that were removed.
        also_removed: Vec<String>,
    },
    /// The entry already held exactly this.
    Unchanged {
        /// The key.
        key: String,
    },
}

impl fmt::Debug for DockerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DockerConfig")
            .field("format", &self.format)
            .field("origin", &self.origin)
            .field("keys", &self.keys().collect::<Vec<_>>())
            .field("other_top_level_keys", &self.other_top_level_keys())
            .finish()
    }
}

/// One line per registry: `key: user:***` (redacted).
impl fmt::Display for DockerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, entry) in self.entries() {
            writeln!(f, "{key}: {entry}")?;
        }
        Ok(())
    }
}

/// containers/image's `normalizeAuthFileKey`: a key with `http://` or `https://` (and, in a legacy file, any
/// key) is cut to its host; `docker.io` and `registry-1.docker.io` become `index.docker.io`. Namespace keys of an
/// auths file (`quay.io/ns`) are kept whole.
pub fn normalize_key(key: &str, format: Format) -> String {
    let stripped = key.strip_prefix("http://").unwrap_or(key);
    let stripped = stripped.strip_prefix("https://").unwrap_or(stripped);
    let host = if format == Format::Legacy || stripped.len() != key.len() {
        stripped.split('/').next().unwrap_or(stripped)
    } else {
        stripped
    };
    normalize_registry(host).to_owned()
}

/// containers/image's `normalizeRegistry`: the docker.io spellings become `index.docker.io`.
pub fn normalize_registry(registry: &str) -> &str {
    match registry {
        "registry-1.docker.io" | "docker.io" => "index.docker.io",
        other => other,
    }
}

fn entries_of(
    members: Vec<Member>,
    src: &[u8],
    origin: &str,
    parent: &str,
    wrong: &impl Fn(usize, String, &'static str, &Node) -> Error,
) -> Result<Vec<Entry>, Error> {
    let mut entries = Vec::with_capacity(members.len());
    for Member { key, value, at } in members {
        let name = if parent.is_empty() {
            format!("{:?}", key.text.as_str())
        } else {
            format!("{parent}[{:?}]", key.text.as_str())
        };
        match &value {
            Node::Object(fields) => {
                check_single_go_field(fields, "auth", src, origin, &name)?;
                check_single_go_field(fields, "identitytoken", src, origin, &name)?;
                for f in fields {
                    let t = f.key.text.as_str();
                    if (go_field_matches(t, "auth") || go_field_matches(t, "identitytoken"))
                        && f.value.as_string().is_none()
                        && !f.value.is_null()
                    {
                        return Err(wrong(f.at, format!("{name}.{t}"), "a string", &f.value));
                    }
                }
            }
            v if v.is_null() => {}
            other => return Err(wrong(at, name, "an object", other)),
        }
        entries.push(Entry {
            key,
            entry: AuthEntry { node: value },
        });
    }
    Ok(entries)
}

/// Refuses two members that Go would both read into the same struct field (e.g. `auth` and `Auth`): Go keeps
/// the last silently, which is as unsafe as a duplicate key.
fn check_single_go_field(
    members: &[Member],
    field: &str,
    src: &[u8],
    origin: &str,
    object: &str,
) -> Result<(), Error> {
    let mut matching = members
        .iter()
        .filter(|m| go_field_matches(m.key.text.as_str(), field));
    if let (Some(_), Some(second)) = (matching.next(), matching.next()) {
        let kind = ErrorKind::DuplicateKey {
            object: object.to_owned(),
            key: second.key.text.as_str().to_owned(),
        };
        return Err(Error::input(
            origin,
            Some(json::position(src, second.at)),
            kind,
        ));
    }
    Ok(())
}

fn check_cred_helpers(
    m: &Member,
    wrong: &impl Fn(usize, String, &'static str, &Node) -> Error,
) -> Result<(), Error> {
    match &m.value {
        Node::Object(helpers) => {
            for h in helpers {
                if h.value.as_string().is_none() && !h.value.is_null() {
                    let field = format!("{}[{:?}]", m.key.text.as_str(), h.key.text.as_str());
                    return Err(wrong(h.at, field, "a string", &h.value));
                }
            }
            Ok(())
        }
        v if v.is_null() => Ok(()),
        other => Err(wrong(
            m.at,
            m.key.text.as_str().to_owned(),
            "an object",
            other,
        )),
    }
}
