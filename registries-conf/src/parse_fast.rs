//! The fast reader: a strict, line-based reader of the plain registries.conf subset that rendering writes (and most
//! people write by hand), straight into the model, without building toml_edit's lossless document.
//!
//! It never decides anything on its own: it accepts only what it fully understands, where toml_edit's reader would
//! give the very same [`ParsedFile`] with no warning, and gives up (`None`) at the first thing it does not, so that
//! [`crate::parse`] reads the file again with the lossless reader. Every error, warning and position therefore comes
//! from the lossless reader; a differential proptest and the `registries_conf_parse` fuzz target hold the two
//! readers to the same answer.
//!
//! Understood, line by line: blank lines, comments, `[[registry]]`, `[[registry.mirror]]` and `[aliases]` headers
//! spelt exactly so, and `key = value` with a known key in exact (lower) case, each at most once per table; values
//! are one-line basic strings without escapes, literal strings, `true` / `false`, and one-line arrays of such
//! strings. Anything else (other keys, other case, dotted or quoted keys outside `[aliases]`, escapes, multi-line
//! strings or arrays, inline tables, v1 tables, numbers, a lone CR, a mirror location ending with `/`, which earns
//! a note) is left to the lossless reader.

use crate::model::{Mirror, PullFromMirror, RegistriesConf, Registry};
use crate::parse::{Extras, ParsedFile, RegistryExtras};

/// The table the lines being read belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Root,
    Registry,
    Mirror,
    Aliases,
}

/// A key this reader knows, with the bit it takes in its table's set of keys seen.
#[derive(Clone, Copy)]
enum Key {
    UnqualifiedSearchRegistries,
    CredentialHelpers,
    ShortNameMode,
    AdditionalLayerStoreAuthHelper,
    Prefix,
    Location,
    Insecure,
    Blocked,
    MirrorByDigestOnly,
    PullFromMirror,
}

impl Key {
    fn of(section: Section, name: &[u8]) -> Option<Key> {
        Some(match (section, name) {
            (Section::Root, b"unqualified-search-registries") => Key::UnqualifiedSearchRegistries,
            (Section::Root, b"credential-helpers") => Key::CredentialHelpers,
            (Section::Root, b"short-name-mode") => Key::ShortNameMode,
            (Section::Root, b"additional-layer-store-auth-helper") => {
                Key::AdditionalLayerStoreAuthHelper
            }
            (Section::Registry, b"prefix") => Key::Prefix,
            (Section::Registry | Section::Mirror, b"location") => Key::Location,
            (Section::Registry | Section::Mirror, b"insecure") => Key::Insecure,
            (Section::Registry, b"blocked") => Key::Blocked,
            (Section::Registry, b"mirror-by-digest-only") => Key::MirrorByDigestOnly,
            (Section::Registry | Section::Mirror, b"pull-from-mirror") => Key::PullFromMirror,
            _ => return None,
        })
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The model, read the fast way, or `None` when the lossless reader must read the file.
pub(crate) fn parse_fast(path: &str, text: &str, drop_in: bool) -> Option<ParsedFile> {
    let bytes = text.as_bytes();
    if bytes.starts_with("\u{feff}".as_bytes()) {
        return None;
    }
    let mut config = RegistriesConf::default();
    let mut extras = Extras::default();
    let mut section = Section::Root;
    let mut seen: u16 = 0;
    let mut root_seen: u16 = 0;
    let mut aliases_defined = false;
    let mut at = 0;
    let mut line_no = 0;
    while at < bytes.len() {
        line_no += 1;
        let end = memchr_newline(&bytes[at..]).map_or(bytes.len(), |i| at + i);
        let mut line = &bytes[at..end];
        // CRLF ends a line; a CR anywhere else (a last line without LF included) is left to the lossless reader.
        if end < bytes.len()
            && let Some(without_cr) = line.strip_suffix(b"\r")
        {
            line = without_cr;
        }
        at = end + 1;
        let line = trim_start(line);
        match line.first() {
            None => continue,
            Some(b'#') => {
                comment(line)?;
                continue;
            }
            Some(b'[') => {
                let (header, rest) = if let Some(rest) = line.strip_prefix(b"[[registry.mirror]]") {
                    (Section::Mirror, rest)
                } else if let Some(rest) = line.strip_prefix(b"[[registry]]") {
                    (Section::Registry, rest)
                } else if let Some(rest) = line.strip_prefix(b"[aliases]") {
                    (Section::Aliases, rest)
                } else {
                    return None;
                };
                line_end(rest)?;
                if section == Section::Root {
                    root_seen = seen;
                }
                match header {
                    Section::Registry => {
                        config.registries.push(Registry::default());
                        extras.registries.push(RegistryExtras {
                            line: Some(line_no),
                            ..RegistryExtras::default()
                        });
                    }
                    Section::Mirror => {
                        let registry = config.registries.last_mut()?;
                        registry.mirrors.push(Mirror::default());
                        extras
                            .registries
                            .last_mut()?
                            .mirror_pull_from_mirror
                            .push(String::new());
                    }
                    Section::Aliases if aliases_defined => return None,
                    _ => aliases_defined = true,
                }
                section = header;
                seen = 0;
            }
            Some(_) if section == Section::Aliases => {
                let (name, rest) = alias_key(line)?;
                let rest = equals(rest)?;
                let (value, rest) = string(rest)?;
                line_end(rest)?;
                if config
                    .aliases
                    .insert(name.to_owned(), value.to_owned())
                    .is_some()
                {
                    return None;
                }
            }
            Some(_) => {
                let key_len = line
                    .iter()
                    .position(|b| !(b.is_ascii_lowercase() || *b == b'-'))
                    .unwrap_or(line.len());
                let key = Key::of(section, &line[..key_len])?;
                if seen & key.bit() != 0 {
                    return None;
                }
                seen |= key.bit();
                let rest = equals(&line[key_len..])?;
                assign(&mut config, &mut extras, section, key, rest)?;
            }
        }
    }
    if section == Section::Root {
        root_seen = seen;
    }
    extras.unqualified_search_registries_set =
        root_seen & Key::UnqualifiedSearchRegistries.bit() != 0;
    extras.credential_helpers_set = root_seen & Key::CredentialHelpers.bit() != 0;
    Some(ParsedFile {
        path: path.to_owned(),
        drop_in,
        config,
        warnings: Vec::new(),
        extras,
    })
}

/// Sets `key` of the current table from the value text `rest` (after `=`), checking that the line ends there.
fn assign(
    config: &mut RegistriesConf,
    extras: &mut Extras,
    section: Section,
    key: Key,
    rest: &[u8],
) -> Option<()> {
    match key {
        Key::UnqualifiedSearchRegistries | Key::CredentialHelpers => {
            let (values, rest) = strings(rest)?;
            line_end(rest)?;
            match key {
                Key::UnqualifiedSearchRegistries => config.unqualified_search_registries = values,
                _ => config.credential_helpers = values,
            }
        }
        Key::Insecure | Key::Blocked | Key::MirrorByDigestOnly => {
            let (value, rest) = boolean(rest)?;
            line_end(rest)?;
            let registry = config.registries.last_mut()?;
            match (key, section) {
                (Key::Insecure, Section::Mirror) => registry.mirrors.last_mut()?.insecure = value,
                (Key::Insecure, _) => registry.insecure = value,
                (Key::Blocked, _) => registry.blocked = value,
                _ => registry.mirror_by_digest_only = value,
            }
        }
        _ => {
            let (value, rest) = string(rest)?;
            line_end(rest)?;
            let value = value.to_owned();
            match (key, section) {
                (Key::ShortNameMode, _) => config.short_name_mode = value,
                (Key::AdditionalLayerStoreAuthHelper, _) => {
                    config.additional_layer_store_auth_helper = value;
                }
                (Key::Prefix, _) => config.registries.last_mut()?.prefix = value,
                (Key::Location, Section::Registry) => {
                    config.registries.last_mut()?.location = value;
                }
                (Key::Location, _) => {
                    // A trailing slash earns a note for older clients: the lossless reader gives it.
                    if value.ends_with('/') {
                        return None;
                    }
                    config.registries.last_mut()?.mirrors.last_mut()?.location = value;
                }
                (Key::PullFromMirror, Section::Registry) => {
                    extras.registries.last_mut()?.pull_from_mirror = value;
                }
                (_, _) => {
                    let mirror = config.registries.last_mut()?.mirrors.last_mut()?;
                    mirror.pull_from_mirror =
                        PullFromMirror::from_str_exact(&value).unwrap_or_default();
                    *extras
                        .registries
                        .last_mut()?
                        .mirror_pull_from_mirror
                        .last_mut()? = value;
                }
            }
        }
    }
    Some(())
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// Characters TOML allows in comments and strings: everything but control characters other than tab (a CR not
/// before the line's LF included).
fn is_text(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

fn comment(bytes: &[u8]) -> Option<()> {
    bytes.iter().all(|&b| is_text(b)).then_some(())
}

/// The end of a line: blanks, then nothing or a comment.
fn line_end(rest: &[u8]) -> Option<()> {
    let rest = trim_start(rest);
    match rest.first() {
        None => Some(()),
        Some(b'#') => comment(rest),
        Some(_) => None,
    }
}

/// `= ` with blanks around, before a value.
fn equals(rest: &[u8]) -> Option<&[u8]> {
    let rest = trim_start(rest).strip_prefix(b"=")?;
    Some(trim_start(rest))
}

/// A one-line basic string without escapes, or a literal string; `None` for anything else (the lossless reader
/// decides).
fn string(rest: &[u8]) -> Option<(&str, &[u8])> {
    let quote = *rest.first()?;
    if !matches!(quote, b'"' | b'\'') || rest.get(1..3) == Some(&[quote, quote][..]) {
        return None;
    }
    let body = &rest[1..];
    let len = body.iter().position(|&b| b == quote)?;
    let value = &body[..len];
    if value
        .iter()
        .any(|&b| !is_text(b) || (quote == b'"' && b == b'\\'))
    {
        return None;
    }
    // The input is a `&str` and the quotes are ASCII, so the body is whole characters.
    let value = std::str::from_utf8(value).ok()?;
    Some((value, &body[len + 1..]))
}

fn boolean(rest: &[u8]) -> Option<(bool, &[u8])> {
    if let Some(rest) = rest.strip_prefix(b"true") {
        Some((true, rest))
    } else {
        rest.strip_prefix(b"false").map(|rest| (false, rest))
    }
}

/// A one-line array of strings: `["a", 'b',]`.
fn strings(rest: &[u8]) -> Option<(Vec<String>, &[u8])> {
    let mut rest = trim_start(rest.strip_prefix(b"[")?);
    let mut values = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix(b"]") {
            return Some((values, after));
        }
        let (value, after) = string(rest)?;
        values.push(value.to_owned());
        rest = trim_start(after);
        if let Some(after) = rest.strip_prefix(b",") {
            rest = trim_start(after);
        } else if !rest.starts_with(b"]") {
            return None;
        }
    }
}

/// A key of `[aliases]`: bare (`[A-Za-z0-9_-]+`) or a quoted string without escapes.
fn alias_key(line: &[u8]) -> Option<(&str, &[u8])> {
    if matches!(line.first(), Some(b'"' | b'\'')) {
        return string(line);
    }
    let len = line
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')))
        .unwrap_or(line.len());
    if len == 0 {
        return None;
    }
    let key = std::str::from_utf8(&line[..len]).ok()?;
    Some((key, &line[len..]))
}
