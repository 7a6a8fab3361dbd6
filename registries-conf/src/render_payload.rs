//! The release payload against `blockedRegistries`: which blocked entries OpenShift keeps in registries.conf
//! (machine-config-operator `getValidBlockedAndAllowedRegistries`, `payloadRepoHasUnblockedMirror`). What the same
//! function gives policy.json follows from the entries kept; that is policy.json's, not this crate's.
//!
//! Differences from OpenShift, both on inputs it would mishandle: OpenShift round-trips a temporary registries.conf
//! through containers/image (which trims trailing `/` and refuses URL schemes); this check reads the in-memory
//! model directly. When no entry of that file matches the payload OpenShift dereferences a nil registry; here the
//! payload then simply has no usable pull source.

use image_ref::Reference;
use image_ref::scope::is_nested;

use crate::encode::Layout;
use crate::error::{Error, ErrorKind};
use crate::model::Registry;
use crate::render::Tables;
use crate::render_merge::{MergedSets, merge_sets};
use crate::resolve::{Resolver, matching_prefix_len};
use crate::rules::MirrorRules;
use go_compat::quote_list as go_quote_list;

/// What the payload check decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadCheck {
    /// The rules to render: those given, with [`MirrorRules::blocked`] set to the blocked entries kept, in order
    /// (`None` when none is, as OpenShift ends with a nil list).
    pub rules: MirrorRules,
    /// The release payload's repository (its name, e.g. `quay.io/openshift-release-dev/ocp-release`).
    pub payload_repository: String,
    /// Blocked entries dropped because they would leave the payload with no pull source.
    pub dropped: Vec<String>,
    /// The check could not be made (the warning says why): OpenShift then goes on with no blocked registry at all,
    /// and with no allowed or blocked registry for policy.json either.
    pub abandoned: bool,
    /// OpenShift's warnings.
    pub warnings: Vec<PayloadWarning>,
}

/// What OpenShift logs during the payload check; `Display` gives its words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadWarning {
    /// These blocked entries were dropped: `error adding ["quay.io"] to blocked registries, cannot block the
    /// repository being used by the payload`.
    Dropped {
        /// The entries, in order.
        scopes: Vec<String>,
    },
    /// The check could not be made ([`PayloadCheck::abandoned`]): OpenShift's message for the failure on the way
    /// (e.g. `rewriting reference: …`).
    Abandoned {
        /// OpenShift's message.
        message: String,
    },
}

impl std::fmt::Display for PayloadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayloadWarning::Dropped { scopes } => {
                let names: Vec<&str> = scopes.iter().map(String::as_str).collect();
                write!(
                    f,
                    "error adding {} to blocked registries, cannot block the repository being used by the payload",
                    go_quote_list(&names)
                )
            }
            PayloadWarning::Abandoned { message } => f.write_str(message),
        }
    }
}

/// Filters `blocked` (the Image config's `blockedRegistries`) against the payload `release_image` (a canonical
/// reference, usually by digest), and returns `rules` with the entries kept as their `blocked` list.
///
/// A blocked entry that covers the payload repository is kept only if the payload still has a pull source (its
/// digest mirrors from `rules`' IDMS and ICSP sets, then itself) outside every blocked entry; otherwise it is
/// dropped with OpenShift's warning. Entries that do not cover the payload are kept. `rules.blocked` and the tag
/// sets are not read; `rules.insecure` is.
pub fn check_blocked_registries(
    release_image: &str,
    blocked: Option<&[String]>,
    rules: MirrorRules,
) -> Result<PayloadCheck, Error> {
    let payload = Reference::parse_canonical(release_image).map_err(|source| {
        Error::new(ErrorKind::InvalidReleaseImage {
            release_image: release_image.to_string(),
            source,
        })
    })?;
    let payload_repo = payload.name();
    let blocked = blocked.unwrap_or_default();

    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    let mut has_unblocked_source: Option<bool> = None;
    for scope in blocked {
        if !is_nested(&payload_repo, scope) {
            kept.push(scope.clone());
            continue;
        }
        let usable = match has_unblocked_source {
            Some(usable) => usable,
            None => match payload_has_unblocked_source(&payload, blocked, &rules) {
                Ok(usable) => *has_unblocked_source.insert(usable),
                Err(message) => {
                    // OpenShift logs the error and goes on with no blocked or allowed list at all.
                    return Ok(PayloadCheck {
                        rules: MirrorRules {
                            blocked: None,
                            ..rules
                        },
                        payload_repository: payload_repo,
                        dropped: Vec::new(),
                        abandoned: true,
                        warnings: vec![PayloadWarning::Abandoned { message }],
                    });
                }
            },
        };
        if usable {
            kept.push(scope.clone());
        } else {
            dropped.push(scope.clone());
        }
    }
    let mut warnings = Vec::new();
    if !dropped.is_empty() {
        warnings.push(PayloadWarning::Dropped {
            scopes: dropped.clone(),
        });
    }
    Ok(PayloadCheck {
        rules: MirrorRules {
            blocked: non_empty(kept),
            ..rules
        },
        payload_repository: payload_repo,
        dropped,
        abandoned: false,
        warnings,
    })
}

fn non_empty(list: Vec<String>) -> Option<Vec<String>> {
    (!list.is_empty()).then_some(list)
}

/// `payloadRepoHasUnblockedMirror`: renders a registries.conf from insecure, every blocked entry and the digest
/// sets, finds the payload's entry, and asks whether one of its pull sources lies outside every blocked entry.
/// `Err` is OpenShift's message for a failure on the way.
fn payload_has_unblocked_source(
    payload: &Reference,
    blocked: &[String],
    rules: &MirrorRules,
) -> Result<bool, String> {
    let digest = merge_sets(
        rules
            .digest_sets_in_order()
            .map(|(_, _, set, policy)| (set, policy)),
    );
    let tables = Tables::build(
        rules.insecure.as_deref().unwrap_or_default(),
        blocked,
        digest,
        MergedSets::default(),
    )?;

    // containers/image loads that file: an entry's prefix is its scope.
    let registries = (0..tables.len())
        .map(|entry| Registry {
            prefix: tables.prefix(entry).to_owned(),
            ..tables.registry(entry, Layout::Current)
        })
        .collect();
    let resolver = Resolver::from_registries(registries);
    let name = payload.name();
    let Some(registry) = resolver.find_registry(&name) else {
        return Ok(false);
    };
    let reference = payload.to_string();
    let mut pull_names = Vec::new();
    for location in registry
        .mirrors_for(payload.digest().is_some())
        .map(|m| m.location.as_str())
        .chain([registry.location.as_str()])
    {
        pull_names.push(rewritten_name(
            &reference,
            &name,
            &registry.prefix,
            location,
        )?);
    }
    Ok(pull_names
        .iter()
        .any(|pulled| !blocked.iter().any(|scope| is_nested(pulled, scope))))
}

/// containers/image `rewriteReference` followed by `Name()`.
fn rewritten_name(
    reference: &str,
    name: &str,
    prefix: &str,
    location: &str,
) -> Result<String, String> {
    let Some(prefix_len) = matching_prefix_len(reference, prefix) else {
        return Err(format!(
            "invalid prefix '{prefix}' for reference '{reference}'"
        ));
    };
    if location.is_empty() {
        if !prefix.starts_with("*.") {
            return Err(format!(
                "invalid prefix '{prefix}' for empty location, should be in the format: *.example.com"
            ));
        }
        return Ok(name.to_string());
    }
    let rewritten = format!("{location}{}", &reference[prefix_len..]);
    Reference::parse_canonical(&rewritten)
        .map(|r| r.name())
        .map_err(|e| format!("rewriting reference: {}", e.upstream_message()))
}
