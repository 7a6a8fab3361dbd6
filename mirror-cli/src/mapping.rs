//! Mapping files — what `oc image mirror -f`, `oc adm release mirror` and oc-mirror leave behind — read and grouped
//! into mirror sets the way oc-mirror groups them.
//!
//! Line syntax (openshift/oc `pkg/cli/image/mirror/mappings.go`): everything from `#` on is a comment, the line is
//! trimmed, blank lines are skipped, tokens are split on single spaces (empty tokens skipped); a line is either
//! `SRC=DST` tokens or `SRC DST1 DST2 ...`. oc-mirror v1 `mapping.txt` uses `SRC=DST`, v2 `docker://SRC=docker://DST`;
//! the `docker://` prefix is accepted on either side, any other transport is refused (there is no registry to
//! mirror from or to).
//!
//! Grouping (oc-mirror v2 `internal/pkg/clusterresources`): a source pulled by digest goes to an
//! ImageDigestMirrorSet, by tag to an ImageTagMirrorSet (the release image by tag goes to both, as oc-mirror does
//! for the installer). Namespace scope (registry + path minus its last component, on both sides) when the
//! destination path ends with the source path, else repository scope. One object per category, named
//! `idms-<category>-0` / `itms-<category>-0`; a mapping file has no category, so the release repositories are
//! recognised by name and everything else is `generic`. Unlike oc-mirror (Go maps), the output is sorted:
//! objects by name, items by source; mirrors keep the order of their first line (it is the order they are tried).
//!
//! One deliberate difference: oc-mirror tests the suffix as a string, so `quay.io/bar` mirrored to `mirror/xbar`
//! would become the namespace rule `quay.io` → `mirror` and pull `mirror/bar`, an image that does not exist. Here
//! the suffix must start at a path component (`dst == src` or `dst` ends with `/` + `src`).

use std::collections::{BTreeMap, HashMap};

use icsp::{ImageDigestMirrorSet, ImageMirrors, ImageTagMirrorSet, ObjectMeta};
use image_ref::Reference;

use crate::Error;

/// Repositories whose images oc-mirror puts in its `release` category (the payload and its components).
pub const RELEASE_REPOSITORIES: [&str; 2] = [
    "quay.io/openshift-release-dev/ocp-release",
    "quay.io/openshift-release-dev/ocp-v4.0-art-dev",
];

/// One `SRC → DST` line item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The image as users refer to it (normalised, with its tag and/or digest).
    pub source: Reference,
    /// Where it was copied (normalised; a destination without tag takes the source's tag, as `oc image mirror`
    /// does).
    pub destination: Reference,
    /// The 1-based line it came from.
    pub line: usize,
}

/// oc-mirror's categories of mirrored images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The release payload and its component images.
    Release,
    /// Everything else (what oc-mirror calls an unknown type).
    Generic,
}

impl Category {
    /// The word oc-mirror puts in object names.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Release => "release",
            Category::Generic => "generic",
        }
    }

    /// The category of an image by its repository.
    pub fn of(source: &Reference) -> Category {
        if RELEASE_REPOSITORIES.contains(&source.name().as_str()) {
            Category::Release
        } else {
            Category::Generic
        }
    }
}

/// The mirror set objects a mapping file stands for, sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MirrorObjects {
    /// ImageDigestMirrorSets, by name.
    pub idms: Vec<ImageDigestMirrorSet>,
    /// ImageTagMirrorSets, by name.
    pub itms: Vec<ImageTagMirrorSet>,
}

impl MirrorObjects {
    /// All objects, IDMSs first, as [`icsp::Object`]s (for the YAML emitter).
    pub fn objects(&self) -> Vec<icsp::Object> {
        self.idms
            .iter()
            .cloned()
            .map(icsp::Object::ImageDigestMirrorSet)
            .chain(
                self.itms
                    .iter()
                    .cloned()
                    .map(icsp::Object::ImageTagMirrorSet),
            )
            .collect()
    }
}

/// `token` cut at [`crate::bounds::QUOTED_TEXT_BYTES`] (on a character boundary) for a message.
fn cut(token: &str) -> String {
    let max = crate::bounds::QUOTED_TEXT_BYTES;
    if token.len() <= max {
        return token.to_owned();
    }
    let mut end = max;
    while !token.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &token[..end])
}

fn bad_line(file: &str, line: usize, message: impl Into<String>) -> Error {
    Error::Mapping {
        file: file.to_owned(),
        line,
        message: message.into(),
    }
}

/// Parses one image token: `docker://` dropped, other transports refused, then docker's normalisation.
fn parse_image(token: &str, role: &str) -> Result<Reference, String> {
    // Quoted escaped (as Go's %q would) and cut: a token is whatever the file holds.
    let token = &cut(token);
    let bare = token.strip_prefix("docker://").unwrap_or(token);
    if let Some((transport, _)) = bare.split_once("://") {
        return Err(format!(
            "{role} {token:?}: the {transport}:// transport is not a registry; only docker:// (or none) can be \
             mirrored from or to"
        ));
    }
    if let Some((transport, _)) = bare.split_once(':')
        && matches!(
            transport,
            "oci" | "oci-archive" | "docker-archive" | "dir" | "containers-storage"
        )
    {
        return Err(format!(
            "{role} {token:?}: the {transport}: transport is not a registry"
        ));
    }
    // The parser's message quotes the token's parts as they are: escaped too.
    Reference::parse_normalized(bare)
        .map_err(|e| format!("{role} {token:?}: {}", crate::shown::shown(e.to_string())))
}

/// Parses a mapping file. `file` names it in errors (`file F, line N: ...`, as oc reports them).
pub fn parse(file: &str, bytes: &[u8]) -> Result<Vec<Mapping>, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Mapping {
        file: file.to_owned(),
        line: bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
        message: "not UTF-8 text".into(),
    })?;
    // A pull secret given as the mapping (the flags are easy to swap): its lines hold credentials; name the file,
    // quote nothing.
    if crate::shown::never_quoted(bytes) {
        return Err(bad_line(
            file,
            1,
            "holds a docker config or an \"auth\" (credentials?), not SRC=DST lines; nothing of it is shown",
        ));
    }
    let mut out = Vec::new();
    // Destination (with the tag it receives) → the line that first wrote it: oc refuses two writes to one tag.
    let mut written: HashMap<String, usize> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if content.is_empty() {
            continue;
        }
        let tokens: Vec<&str> = content.split(' ').filter(|t| !t.is_empty()).collect();
        let pairs: Vec<(&str, &str)> = if tokens.iter().all(|t| t.contains('=')) {
            tokens
                .iter()
                .map(|t| t.split_once('=').unwrap_or((t, "")))
                .collect()
        } else if tokens.iter().any(|t| t.contains('=')) {
            return Err(bad_line(
                file,
                line,
                "mixes SRC=DST tokens with bare ones; write SRC=DST tokens, or one SRC and one or more DST",
            ));
        } else if tokens.len() < 2 {
            return Err(bad_line(
                file,
                line,
                "all arguments must be valid SRC=DST mappings, or you must specify one SRC argument and one or \
                 more DST arguments",
            ));
        } else {
            tokens[1..].iter().map(|dst| (tokens[0], *dst)).collect()
        };
        for (src, dst) in pairs {
            if src.is_empty() || dst.is_empty() {
                return Err(bad_line(
                    file,
                    line,
                    "all arguments must be valid SRC=DST mappings",
                ));
            }
            let source = parse_image(src, "SRC").map_err(|m| bad_line(file, line, m))?;
            if source.tag().is_none() && source.digest().is_none() {
                return Err(bad_line(
                    file,
                    line,
                    format!(
                        "SRC {:?}: you must specify a tag or digest for SRC",
                        cut(src)
                    ),
                ));
            }
            let mut destination = parse_image(dst, "DST").map_err(|m| bad_line(file, line, m))?;
            if destination.tag().is_none() && destination.digest().is_none() {
                destination = destination.with_tag(source.tag().map(str::to_owned));
            }
            let key = destination.to_string();
            if let Some(first) = written.insert(key.clone(), line) {
                return Err(bad_line(
                    file,
                    line,
                    format!(
                        "each destination tag may only be specified once: {key} (first on line {first})"
                    ),
                ));
            }
            out.push(Mapping {
                source,
                destination,
                line,
            });
        }
    }
    Ok(out)
}

/// `registry[/path minus its last component]`: oc-mirror's namespace scope.
fn namespace_scope(reference: &Reference) -> String {
    match reference.path().rsplit_once('/') {
        Some((namespace, _)) => format!("{}/{namespace}", reference.domain()),
        None => reference.domain().to_owned(),
    }
}

/// The `(source, mirror)` scopes one mapping stands for: namespace scope when the destination path ends with the
/// source path at a component boundary, else repository scope.
pub fn scopes(mapping: &Mapping) -> (String, String) {
    let (src, dst) = (mapping.source.path(), mapping.destination.path());
    let nested = dst == src
        || dst
            .strip_suffix(src)
            .is_some_and(|head| head.ends_with('/'));
    if nested {
        (
            namespace_scope(&mapping.source),
            namespace_scope(&mapping.destination),
        )
    } else {
        (mapping.source.name(), mapping.destination.name())
    }
}

/// Source → mirrors in first-seen order, per category, sorted by category and source.
type Grouped = BTreeMap<Category, BTreeMap<String, Vec<String>>>;

fn add(groups: &mut Grouped, category: Category, source: String, mirror: String) {
    let mirrors = groups
        .entry(category)
        .or_default()
        .entry(source)
        .or_default();
    if !mirrors.contains(&mirror) {
        mirrors.push(mirror);
    }
}

fn items(sources: BTreeMap<String, Vec<String>>) -> Vec<ImageMirrors> {
    sources
        .into_iter()
        .map(|(source, mirrors)| ImageMirrors {
            source,
            mirrors,
            ..ImageMirrors::default()
        })
        .collect()
}

/// Keeps a namespace rule's mirrors for the repositories nested in it that have rules of their own.
///
/// The node uses the longest matching `[[registry]]` entry, and OpenShift copies a parent's mirrors only into nested
/// entries that have none. So `quay.io/a` → `m/x/a` (from `quay.io/a/b` → `m/x/a/b`) and a repository rule
/// `quay.io/a/b` → `m/y/b` (another line) would leave `m/x/a/b` unused. oc-mirror does not notice; here the nested
/// source also lists the parent's mirrors, extended by the sub-path, after its own. A nested source found only in
/// `other` (the other kind) gets an item too, since its entry would otherwise hold only the other kind's mirrors.
fn keep_nested_mappings(groups: &mut Grouped, other: &Grouped) {
    let sources: std::collections::BTreeSet<String> = groups
        .values()
        .chain(other.values())
        .flat_map(|by_source| by_source.keys().cloned())
        .collect();
    let mut additions: Vec<(Category, String, String)> = Vec::new();
    for (category, by_source) in groups.iter() {
        for (parent, mirrors) in by_source {
            let prefix = format!("{parent}/");
            for nested in sources.range(prefix.clone()..) {
                let Some(rest) = nested.strip_prefix(&prefix) else {
                    break;
                };
                for mirror in mirrors {
                    additions.push((*category, nested.clone(), format!("{mirror}/{rest}")));
                }
            }
        }
    }
    for (category, source, mirror) in additions {
        add(groups, category, source, mirror);
    }
}

/// One object a category, named `{prefix}-{category}-0`, sorted by name (the BTreeMap order of categories is
/// Release < Generic, not the names' order).
fn objects<T>(
    grouped: Grouped,
    prefix: &str,
    object: impl Fn(ObjectMeta, Vec<ImageMirrors>) -> T,
) -> Vec<T> {
    let mut named: Vec<(String, Vec<ImageMirrors>)> = grouped
        .into_iter()
        .map(|(category, sources)| (format!("{prefix}-{}-0", category.as_str()), items(sources)))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    named
        .into_iter()
        .map(|(name, items)| object(ObjectMeta::named(name), items))
        .collect()
}

/// Groups mappings into mirror set objects as oc-mirror does (see the module documentation), sorted.
pub fn group(mappings: &[Mapping]) -> MirrorObjects {
    let mut digest = Grouped::new();
    let mut tag = Grouped::new();
    for mapping in mappings {
        let category = Category::of(&mapping.source);
        let (source, mirror) = scopes(mapping);
        let by_digest = mapping.source.digest().is_some();
        if by_digest || category == Category::Release {
            add(&mut digest, category, source.clone(), mirror.clone());
        }
        if !by_digest {
            add(&mut tag, category, source, mirror);
        }
    }
    keep_nested_mappings(&mut digest, &tag);
    let digest_snapshot = digest.clone();
    keep_nested_mappings(&mut tag, &digest_snapshot);
    let idms = objects(digest, "idms", ImageDigestMirrorSet::new);
    let itms = objects(tag, "itms", ImageTagMirrorSet::new);
    MirrorObjects { idms, itms }
}

/// One `--map SOURCE=MIRROR` argument: two scopes as an IDMS item takes them (checked with openshift/api's
/// pattern; a wildcard source is allowed, a wildcard mirror is not).
pub fn parse_map_argument(argument: &str) -> Result<(String, String), Error> {
    let usage = |message: String| Error::Usage { message };
    let Some((source, mirror)) = argument.split_once('=') else {
        return Err(usage(format!(
            "--map {argument:?}: expected SOURCE=MIRROR, e.g. quay.io/openshift-release-dev/ocp-release=mirror.example.com:5000/ocp/release"
        )));
    };
    let source = source.strip_prefix("docker://").unwrap_or(source);
    let mirror = mirror.strip_prefix("docker://").unwrap_or(mirror);
    if !image_ref::scope::is_valid_mirror_scope(source, true) {
        return Err(usage(format!(
            "--map {argument:?}: invalid format for source {}",
            go_compat::quote(source)
        )));
    }
    if !image_ref::scope::is_valid_mirror_scope(mirror, false) {
        return Err(usage(format!(
            "--map {argument:?}: invalid format for mirror {}",
            go_compat::quote(mirror)
        )));
    }
    Ok((source.to_owned(), mirror.to_owned()))
}

/// Mirror set objects from `--map` pairs: one IDMS, and with `tags` an ITMS with the same items. Sources sorted,
/// mirrors in argument order; both named `mirror-cli` (there is no category).
pub fn objects_from_pairs(pairs: &[(String, String)], tags: bool) -> MirrorObjects {
    let mut sources: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (source, mirror) in pairs {
        let mirrors = sources.entry(source.clone()).or_default();
        if !mirrors.contains(mirror) {
            mirrors.push(mirror.clone());
        }
    }
    let name = || ObjectMeta::named("mirror-cli");
    let idms = vec![ImageDigestMirrorSet::new(name(), items(sources.clone()))];
    let itms = if tags {
        vec![ImageTagMirrorSet::new(name(), items(sources))]
    } else {
        Vec::new()
    };
    MirrorObjects { idms, itms }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Mapping {
        parse("m.txt", line.as_bytes()).unwrap().remove(0)
    }

    #[test]
    fn namespace_scope_needs_a_component_boundary() {
        let m = one("quay.io/a/b:1=mirror.example.com/x/a/b:1");
        assert_eq!(
            scopes(&m),
            ("quay.io/a".into(), "mirror.example.com/x/a".into())
        );
        let m = one("quay.io/bar:1=mirror.example.com/xbar:1");
        assert_eq!(
            scopes(&m),
            ("quay.io/bar".into(), "mirror.example.com/xbar".into())
        );
        let m = one("quay.io/bar:1=mirror.example.com/bar:1");
        assert_eq!(scopes(&m), ("quay.io".into(), "mirror.example.com".into()));
    }

    #[test]
    fn destination_without_tag_takes_the_source_tag() {
        let m = one("quay.io/a/b:1 mirror.example.com/a/b");
        assert_eq!(m.destination.to_string(), "mirror.example.com/a/b:1");
    }
}
