//! Per-object checks: the openshift/api rules (CRD patterns, enums, list types, CEL rules).
//!
//! Cross-object rules (conflicting `mirrorSourcePolicy`, `NeverContactSource` with the source
//! as a mirror) belong to the registries.conf renderer, which sees all objects at once.

use std::collections::HashSet;
use std::fmt;

use image_ref::scope::{is_valid_mirror_scope, is_valid_registry_scope};

use crate::model::{ImageMirrors, MirrorSourcePolicy, Object, RegistrySources};

/// Most items openshift/api accepts in each registrySources list.
const MAX_REGISTRY_SOURCES: usize = 1024;

/// One rule an object breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// `Kind/name` of the object.
    pub object: String,
    /// Field path, e.g. `spec.imageDigestMirrors[2].mirrors[0]`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.object, self.field, self.message)
    }
}

struct Findings {
    object: String,
    out: Vec<Finding>,
}

impl Findings {
    fn push(&mut self, field: String, message: String) {
        self.out.push(Finding {
            object: self.object.clone(),
            field,
            message,
        });
    }
}

/// Checks one object; an empty result means it passes. [`Object::Other`], Secret, ConfigMap and
/// ClusterVersion have no rules here.
pub fn validate(object: &Object) -> Vec<Finding> {
    let mut f = Findings {
        object: object.display_name(),
        out: Vec::new(),
    };
    match object {
        Object::ImageContentSourcePolicy(icsp) => {
            for (i, rdm) in icsp.spec.repository_digest_mirrors.iter().enumerate() {
                let at = || format!("spec.repositoryDigestMirrors[{i}]");
                // The ICSP CRD has no pattern, but the machine-config-operator rejects these.
                check_source(&mut f, at, &rdm.source, false);
                for (j, m) in rdm.mirrors.iter().enumerate() {
                    check_mirror(&mut f, || format!("{}.mirrors[{j}]", at()), m);
                }
            }
        }
        Object::ImageDigestMirrorSet(idms) => {
            for (i, e) in idms.spec.image_digest_mirrors.iter().enumerate() {
                check_mirror_set_entry(&mut f, || format!("spec.imageDigestMirrors[{i}]"), e);
            }
        }
        Object::ImageTagMirrorSet(itms) => {
            for (i, e) in itms.spec.image_tag_mirrors.iter().enumerate() {
                check_mirror_set_entry(&mut f, || format!("spec.imageTagMirrors[{i}]"), e);
            }
        }
        Object::Image(image) => {
            if let Some(rs) = &image.spec.registry_sources {
                check_registry_sources(&mut f, rs);
            }
        }
        _ => {}
    }
    f.out
}

// Field paths are built only for a finding: at 100 000 sources, formatting each one cost more than the checks.
fn check_source(f: &mut Findings, at: impl Fn() -> String, source: &str, allow_wildcard: bool) {
    if source.is_empty() {
        f.push(format!("{}.source", at()), "source is required".into());
    } else if !is_valid_mirror_scope(source, allow_wildcard) {
        let hint = match (allow_wildcard, source.starts_with("*.")) {
            (false, true) => {
                " (a *.domain wildcard is only allowed in ImageDigestMirrorSet and ImageTagMirrorSet sources)"
            }
            (false, false) => " (expected host[:port][/lowercase/path])",
            (true, _) => " (expected host[:port][/lowercase/path] or *.domain)",
        };
        f.push(
            format!("{}.source", at()),
            format!("invalid format for source {source:?}{hint}"),
        );
    }
}

fn check_mirror(f: &mut Findings, at: impl Fn() -> String, mirror: &str) {
    if !is_valid_mirror_scope(mirror, false) {
        f.push(
            at(),
            format!("invalid format for mirror {mirror:?} (expected host[:port][/lowercase/path], no wildcard)"),
        );
    }
}

fn check_mirror_set_entry(f: &mut Findings, at: impl Fn() -> String, e: &ImageMirrors) {
    check_source(f, &at, &e.source, true);
    // Entries hold one or two mirrors: a scan, not a set, finds a repeated one.
    let mut seen = (e.mirrors.len() > 16).then(HashSet::new);
    for (j, m) in e.mirrors.iter().enumerate() {
        let field = || format!("{}.mirrors[{j}]", at());
        check_mirror(f, field, m);
        let repeated = match &mut seen {
            Some(seen) => !seen.insert(m.as_str()),
            None => e.mirrors[..j].contains(m),
        };
        if repeated {
            f.push(field(), format!("duplicate mirror {m:?}: mirrors is a set"));
        }
    }
    if let Some(MirrorSourcePolicy::Unknown(p)) = &e.mirror_source_policy {
        f.push(
            format!("{}.mirrorSourcePolicy", at()),
            format!(
                "unsupported value {p:?}: supported values are \"NeverContactSource\", \"AllowContactingSource\""
            ),
        );
    }
}

fn check_registry_sources(f: &mut Findings, rs: &RegistrySources) {
    let base = "spec.registrySources";
    let non_empty = |l: &Option<Vec<String>>| l.as_ref().is_some_and(|v| !v.is_empty());
    if non_empty(&rs.allowed_registries) && non_empty(&rs.blocked_registries) {
        f.push(
            base.into(),
            "Only one of BlockedRegistries or AllowedRegistries may be set".into(),
        );
    }
    for (key, label, list) in [
        ("insecureRegistries", "insecure", &rs.insecure_registries),
        ("blockedRegistries", "blocked", &rs.blocked_registries),
        ("allowedRegistries", "allowed", &rs.allowed_registries),
    ] {
        let Some(list) = list else { continue };
        check_length(f, &format!("{base}.{key}"), list.len());
        for (i, scope) in list.iter().enumerate() {
            if !is_valid_registry_scope(scope) {
                f.push(
                    format!("{base}.{key}[{i}]"),
                    format!("invalid entry for {label} registries {scope:?}"),
                );
            }
        }
    }
    if let Some(list) = &rs.container_runtime_search_registries {
        let key = format!("{base}.containerRuntimeSearchRegistries");
        if list.is_empty() {
            f.push(key.clone(), "should have at least 1 items".into());
        }
        check_length(f, &key, list.len());
        let mut seen = HashSet::new();
        for (i, host) in list.iter().enumerate() {
            if !is_search_registry(host) {
                f.push(
                    format!("{key}[{i}]"),
                    format!("invalid search registry {host:?}: expected a hostname[:port], no wildcard, no path"),
                );
            }
            if !seen.insert(host.as_str()) {
                f.push(
                    format!("{key}[{i}]"),
                    format!("duplicate search registry {host:?}: the list is a set"),
                );
            }
        }
    }
}

fn check_length(f: &mut Findings, key: &str, len: usize) {
    if len > MAX_REGISTRY_SOURCES {
        f.push(
            key.to_owned(),
            format!("must have at most {MAX_REGISTRY_SOURCES} items, has {len}"),
        );
    }
}

/// A search registry: DNS labels and an optional port. The CRD says `format=hostname`, yet the
/// node code takes `host:port` as it is (golden case 10 has `reg3.io:5000`), so ports pass.
fn is_search_registry(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(label_ok)
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}
