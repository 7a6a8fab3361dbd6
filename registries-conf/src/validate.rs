//! containers/image's post-processing and checks of one registries.conf file, with its messages.
//!
//! The order of the checks is containers/image's (5.23, `loadConfigFile` and `postProcessRegistries`), so a file
//! with several problems reports the same one first. The result is the configuration containers/image works with:
//! `[[registry]]` prefixes and locations without trailing slashes, a prefix for every entry, entries deduplicated by
//! prefix (the first wins) and sorted by prefix. Mirror locations lose trailing slashes too, as in the current
//! containers/image (5.35 and later, what OpenShift nodes run); 5.23 checked them trimmed but kept the untrimmed
//! value, so a trailing slash there broke every pull ([`crate::WarningKind::MirrorTrailingSlashOnOlderClients`]).

use std::collections::{BTreeMap, HashMap};

use image_ref::Reference;

use crate::error::{Error, ErrorKind};
use crate::model::{PullFromMirror, RegistriesConf, Registry};
use crate::parse::ParsedFile;

/// Validates and post-processes one parsed file as containers/image does.
pub fn validate(file: &ParsedFile) -> Result<RegistriesConf, Error> {
    let fail = |line: Option<usize>, message: String| {
        Error::in_file(
            ErrorKind::InvalidConfig { message },
            &file.path,
            file.drop_in,
        )
        .at(line, None)
    };
    let config = &file.config;
    let mut registries: Vec<Registry> = Vec::with_capacity(config.registries.len());
    let mut lines: Vec<Option<usize>> = Vec::with_capacity(config.registries.len());
    for (i, written) in config.registries.iter().enumerate() {
        let extras = file.extras.registries.get(i);
        let line = extras.and_then(|e| e.line);
        let mut reg = written.clone();
        trim_location(&mut reg.location).map_err(|m| fail(line, m))?;
        if reg.prefix.is_empty() {
            if reg.location.is_empty() {
                return Err(fail(
                    line,
                    "invalid condition: both location and prefix are unset".to_owned(),
                ));
            }
            reg.prefix = reg.location.clone();
        } else {
            trim_location(&mut reg.prefix).map_err(|m| fail(line, m))?;
            if !reg.prefix.starts_with("*.") && reg.location.is_empty() {
                return Err(fail(
                    line,
                    "invalid condition: location is unset and prefix is not in the format: *.example.com"
                        .to_owned(),
                ));
            }
        }
        if extras.is_some_and(|e| !e.pull_from_mirror.is_empty()) {
            return Err(fail(
                line,
                format!(
                    "pull-from-mirror must not be set for a non-mirror registry {:?}",
                    reg.prefix
                ),
            ));
        }
        for (j, mirror) in reg.mirrors.iter_mut().enumerate() {
            // Kept trimmed, as containers/image 5.35 and later do (5.23 assigned to a copy and kept the slash).
            trim_location(&mut mirror.location).map_err(|m| fail(line, m))?;
            let trimmed = &mirror.location;
            if trimmed.is_empty() {
                return Err(fail(
                    line,
                    "invalid condition: mirror location is unset".to_owned(),
                ));
            }
            let raw: &str = extras
                .and_then(|e| e.mirror_pull_from_mirror.get(j))
                .map_or(mirror.pull_from_mirror.as_str(), String::as_str);
            if reg.mirror_by_digest_only && !raw.is_empty() {
                return Err(fail(
                    line,
                    format!(
                        "cannot set mirror usage mirror-by-digest-only for the registry ({:?}) and pull-from-mirror \
                         for per-mirror ({trimmed:?}) at the same time",
                        reg.prefix
                    ),
                ));
            }
            if PullFromMirror::from_str_exact(raw).is_none() {
                return Err(fail(
                    line,
                    format!("unsupported pull-from-mirror value {raw:?} for mirror {trimmed:?}"),
                ));
            }
        }
        registries.push(reg);
        lines.push(line);
    }

    check_conflicts(&registries, &lines).map_err(|(line, m)| fail(line, m))?;

    let mut unqualified = Vec::with_capacity(config.unqualified_search_registries.len());
    for entry in &config.unqualified_search_registries {
        let registry = parse_location(entry).map_err(|m| fail(None, m))?;
        if !is_domain(&registry) {
            return Err(fail(
                None,
                format!("Invalid unqualified-search-registries entry {registry:?}"),
            ));
        }
        unqualified.push(registry);
    }

    let registries = dedup_and_sort(registries);

    if !config.short_name_mode.is_empty()
        && !matches!(
            config.short_name_mode.as_str(),
            "disabled" | "enforcing" | "permissive"
        )
    {
        return Err(fail(
            None,
            format!("invalid short-name mode: {:?}", config.short_name_mode),
        ));
    }

    for reg in &registries {
        if reg.prefix.starts_with("*.") && reg.prefix.contains(['/', '@', ':']) {
            return Err(fail(
                None,
                format!(
                    "Wildcarded prefix should be in the format: *.example.com. Current prefix {:?} is incorrectly \
                     formatted",
                    reg.prefix
                ),
            ));
        }
    }

    check_aliases(&config.aliases)
        .map_err(|m| fail(None, format!("validating short-name aliases: {m}")))?;

    Ok(RegistriesConf {
        unqualified_search_registries: unqualified,
        credential_helpers: config.credential_helpers.clone(),
        short_name_mode: config.short_name_mode.clone(),
        additional_layer_store_auth_helper: config.additional_layer_store_auth_helper.clone(),
        aliases: config.aliases.clone(),
        registries,
    })
}

/// Validates a model that did not come from a file (e.g. one about to be rendered).
pub fn validate_model(path: &str, config: &RegistriesConf) -> Result<RegistriesConf, Error> {
    validate(&ParsedFile::from_model(path, false, config.clone()))
}

/// [`parse_location`] in place (no new string: validation runs over every entry of files of 100 000 entries).
fn trim_location(location: &mut String) -> Result<(), String> {
    let trimmed = location.trim_end_matches('/');
    if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        return Err(format!(
            "invalid location '{location}': URI schemes are not supported"
        ));
    }
    let len = trimmed.len();
    location.truncate(len);
    Ok(())
}

/// containers/image's `parseLocation`: trailing slashes trimmed, URI schemes refused.
fn parse_location(input: &str) -> Result<String, String> {
    let trimmed = input.trim_end_matches('/');
    if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        return Err(format!(
            "invalid location '{input}': URI schemes are not supported"
        ));
    }
    Ok(trimmed.to_owned())
}

/// Entries with the same location (or, without one, the same prefix) must agree on `insecure` and `blocked`. The
/// first entry in file order whose group disagrees is reported, naming its location (empty for a wildcard).
fn check_conflicts(
    registries: &[Registry],
    lines: &[Option<usize>],
) -> Result<(), (Option<usize>, String)> {
    fn key(r: &Registry) -> &str {
        if r.location.is_empty() {
            &r.prefix
        } else {
            &r.location
        }
    }
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::with_capacity(registries.len());
    for (i, r) in registries.iter().enumerate() {
        groups.entry(key(r)).or_default().push(i);
    }
    for (i, reg) in registries.iter().enumerate() {
        for &other in &groups[key(reg)] {
            let other = &registries[other];
            for (setting, differs) in [
                ("insecure", reg.insecure != other.insecure),
                ("blocked", reg.blocked != other.blocked),
            ] {
                if differs {
                    return Err((
                        lines[i],
                        format!(
                            "registry '{}' is defined multiple times with conflicting '{setting}' setting",
                            reg.location
                        ),
                    ));
                }
            }
        }
        // An entry that agrees with its whole group means every member agrees: skip re-checking the group.
        if let Some(group) = groups.get_mut(key(reg)) {
            group.clear();
        }
    }
    Ok(())
}

/// The first entry of each prefix wins; the result is sorted by prefix (byte order, as Go's `sort.Strings`).
pub(crate) fn dedup_and_sort(mut registries: Vec<Registry>) -> Vec<Registry> {
    // A stable sort keeps entries of one prefix in file order, so keeping the first of each run keeps the first.
    registries.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    registries.dedup_by(|later, first| later.prefix == first.prefix);
    registries
}

/// Whether `s` matches the reference grammar's domain, anchored (`host[:port]`).
fn is_domain(s: &str) -> bool {
    if s.is_empty() || s.contains('/') {
        return false;
    }
    // The grammar takes a leading component as the domain whenever it can be one.
    Reference::parse(&format!("{s}/x")).is_ok_and(|r| r.domain() == s)
}

/// containers/image's `newShortNameAliasCache` checks; errors are joined as it joins them.
pub(crate) fn check_aliases(aliases: &BTreeMap<String, String>) -> Result<(), String> {
    let mut errors = Vec::new();
    for (name, value) in aliases {
        if let Err(e) = check_short_name(name) {
            errors.push(e);
        }
        if value.is_empty() {
            continue;
        }
        if let Err(e) = check_alias_value(value) {
            errors.push(e);
        }
    }
    let mut errors = errors.into_iter();
    let Some(first) = errors.next() else {
        return Ok(());
    };
    Err(errors.fold(first, |acc, e| format!("{e}\n: {acc}")))
}

pub(crate) fn has_registry(domain: &str) -> bool {
    domain.contains(['.', ':']) || domain == "localhost"
}

fn check_short_name(name: &str) -> Result<(), String> {
    let r = Reference::parse(name).map_err(|e| {
        format!(
            "cannot parse short name: {name:?}: {}",
            e.upstream_message()
        )
    })?;
    if r.digest().is_some() {
        return Err(format!(
            "invalid short name {name:?}: must not contain digest"
        ));
    }
    if r.tag().is_some() {
        return Err(format!("invalid short name {name:?}: must not contain tag"));
    }
    if has_registry(r.domain()) {
        return Err(format!(
            "invalid short name {name:?}: must not contain registry"
        ));
    }
    Ok(())
}

fn check_alias_value(value: &str) -> Result<(), String> {
    let r = Reference::parse(value)
        .map_err(|e| format!("parsing alias {value:?}: {}", e.upstream_message()))?;
    if r.digest().is_some() {
        return Err(format!("invalid alias {value:?}: must not contain digest"));
    }
    if r.tag().is_some() {
        return Err(format!("invalid alias {value:?}: must not contain tag"));
    }
    if !has_registry(r.domain()) {
        return Err(format!(
            "invalid alias {value:?}: must contain registry and repository"
        ));
    }
    Reference::parse_normalized(value).map_err(|e| e.upstream_message())?;
    Ok(())
}
