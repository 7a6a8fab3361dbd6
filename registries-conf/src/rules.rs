//! Plain mirror rules: what the cluster objects (ImageDigestMirrorSet, ImageContentSourcePolicy,
//! ImageTagMirrorSet, the Image `cluster` registry sources) say, without Kubernetes.
//!
//! The conversion from the objects lives in the caller; [`MirrorRules::validate`] checks the rules exactly as the
//! machine-config-operator does before rendering (`validateRegistriesConfScopes`).

use std::collections::HashMap;

use crate::error::{Error, ErrorKind};
use image_ref::scope::{is_valid_mirror_scope, is_valid_registry_scope};

use go_compat::quote as go_quote;

/// `mirrorSourcePolicy` of a mirror set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourcePolicy {
    /// Not set: counts as [`SourcePolicy::AllowContactingSource`].
    #[default]
    Unset,
    /// `AllowContactingSource`: the source is tried after the mirrors.
    AllowContactingSource,
    /// `NeverContactSource`: the source is blocked; only the mirrors are used.
    NeverContactSource,
}

impl SourcePolicy {
    /// The policy OpenShift compares: an unset policy is `AllowContactingSource`.
    pub fn effective(self) -> SourcePolicy {
        match self {
            SourcePolicy::Unset => SourcePolicy::AllowContactingSource,
            other => other,
        }
    }
}

/// One `{source, mirrors, mirrorSourcePolicy}` item of an IDMS, ICSP or ITMS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MirrorSet {
    /// The scope being mirrored: `host[:port][/path]`, or `*.domain` for IDMS/ITMS.
    pub source: String,
    /// The mirrors, most preferred first.
    pub mirrors: Vec<String>,
    /// Whether the source may still be contacted.
    pub policy: SourcePolicy,
}

impl MirrorSet {
    /// A set with an unset policy.
    pub fn new(
        source: impl Into<String>,
        mirrors: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        MirrorSet {
            source: source.into(),
            mirrors: mirrors.into_iter().map(Into::into).collect(),
            policy: SourcePolicy::Unset,
        }
    }

    /// The same set with `policy`.
    pub fn with_policy(mut self, policy: SourcePolicy) -> Self {
        self.policy = policy;
        self
    }
}

/// Everything the registries.conf renderer reads from the cluster.
///
/// `None` and `Some(vec![])` differ for `insecure` (an explicit empty list still regenerates the file) and for
/// `search_registries` (an explicit empty list still writes the drop-in), as in OpenShift.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorRules {
    /// ImageDigestMirrorSet items, all objects' lists concatenated. Wildcard sources allowed.
    pub digest_mirror_sets: Vec<MirrorSet>,
    /// ImageContentSourcePolicy `repositoryDigestMirrors` items. Their policy is ignored (always
    /// `AllowContactingSource`, as OpenShift does).
    pub legacy_digest_mirror_sets: Vec<MirrorSet>,
    /// ImageTagMirrorSet items.
    pub tag_mirror_sets: Vec<MirrorSet>,
    /// `spec.registrySources.insecureRegistries`.
    pub insecure: Option<Vec<String>>,
    /// Blocked registries for registries.conf, already filtered for the payload
    /// ([`crate::check_blocked_registries`]).
    pub blocked: Option<Vec<String>>,
    /// `spec.registrySources.containerRuntimeSearchRegistries`.
    pub search_registries: Option<Vec<String>>,
}

impl MirrorRules {
    /// True when OpenShift regenerates registries.conf instead of keeping the template: insecure or blocked set
    /// (even empty insecure), or any mirror set object exists.
    pub fn regenerates(&self) -> bool {
        self.insecure.is_some()
            || self.blocked.is_some()
            || !self.digest_mirror_sets.is_empty()
            || !self.legacy_digest_mirror_sets.is_empty()
            || !self.tag_mirror_sets.is_empty()
    }

    /// Every mirror set: the IDMS items, then the ICSP items, then the ITMS items.
    pub fn mirror_sets(&self) -> impl Iterator<Item = &MirrorSet> {
        self.digest_mirror_sets
            .iter()
            .chain(&self.legacy_digest_mirror_sets)
            .chain(&self.tag_mirror_sets)
    }

    /// Digest sets in OpenShift's order (IDMS items, then ICSP items with their policy cleared) paired with where
    /// they came from.
    pub(crate) fn digest_sets_in_order(
        &self,
    ) -> impl Iterator<Item = (SetOrigin, usize, &MirrorSet, SourcePolicy)> + Clone {
        let idms = self
            .digest_mirror_sets
            .iter()
            .enumerate()
            .map(|(i, set)| (SetOrigin::Digest, i, set, set.policy));
        let icsp = self
            .legacy_digest_mirror_sets
            .iter()
            .enumerate()
            .map(|(i, set)| (SetOrigin::LegacyDigest, i, set, SourcePolicy::Unset));
        idms.chain(icsp)
    }
}

/// Which list of [`MirrorRules`] a mirror set came from (for error locations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetOrigin {
    Digest,
    LegacyDigest,
    Tag,
}

impl SetOrigin {
    fn field(self, index: usize) -> String {
        let list = match self {
            SetOrigin::Digest => "digest_mirror_sets",
            SetOrigin::LegacyDigest => "legacy_digest_mirror_sets",
            SetOrigin::Tag => "tag_mirror_sets",
        };
        format!("{list}[{index}]")
    }
}

impl MirrorRules {
    /// Checks the rules as the machine-config-operator does before rendering (`validateRegistriesConfScopes`), in its
    /// order (insecure, blocked, IDMS, ICSP, ITMS): the first problem wins and carries OpenShift's message, wrapped
    /// as the registries.conf update error ([`ErrorKind::InvalidRules`], with the field).
    pub fn validate(&self) -> Result<(), Error> {
        validate(self)
    }
}

fn validate(rules: &MirrorRules) -> Result<(), Error> {
    let invalid =
        |field: String, message: String| Error::new(ErrorKind::InvalidRules { field, message });
    check_registry_scopes("insecure", rules.insecure.as_deref().unwrap_or_default())
        .map_err(|(f, m)| invalid(f, m))?;
    check_registry_scopes("blocked", rules.blocked.as_deref().unwrap_or_default())
        .map_err(|(f, m)| invalid(f, m))?;

    let sets = rules.digest_mirror_sets.len()
        + rules.legacy_digest_mirror_sets.len()
        + rules.tag_mirror_sets.len();
    let mut policies: HashMap<&str, SourcePolicy> = HashMap::with_capacity(sets);
    let tag_sets = rules
        .tag_mirror_sets
        .iter()
        .enumerate()
        .map(|(i, set)| (SetOrigin::Tag, i, set, set.policy));
    for (origin, index, set, policy) in rules.digest_sets_in_order().chain(tag_sets) {
        check_mirror_set(set, policy, &mut policies).map_err(|(field, message)| {
            invalid(format!("{}.{field}", origin.field(index)), message)
        })?;
    }
    Ok(())
}

/// `invalid entry for <kind> registries "X"` for the first bad entry of an insecure/blocked/allowed list.
pub(crate) fn check_registry_scopes(kind: &str, scopes: &[String]) -> Result<(), (String, String)> {
    for (index, scope) in scopes.iter().enumerate() {
        if !is_valid_registry_scope(scope) {
            return Err((
                format!("{kind}[{index}]"),
                format!("invalid entry for {kind} registries {}", go_quote(scope)),
            ));
        }
    }
    Ok(())
}

/// machine-config-operator `validateMirrors` for one set: (field, message) of the first problem.
fn check_mirror_set<'a>(
    set: &'a MirrorSet,
    policy: SourcePolicy,
    policies: &mut HashMap<&'a str, SourcePolicy>,
) -> Result<(), (String, String)> {
    let source = set.source.as_str();
    if !is_valid_mirror_scope(source, true) {
        return Err((
            "source".into(),
            format!("invalid format for source {}", go_quote(source)),
        ));
    }
    let policy = policy.effective();
    match policies.get(source) {
        Some(first) if *first != policy => {
            return Err((
                "policy".into(),
                format!(
                    "conflicting mirrorSourcePolicy is set for the same source {} in imagedigestmirrorsets, \
                     imagetagmirrorsets, or imagecontentsourcepolicies",
                    go_quote(source)
                ),
            ));
        }
        Some(_) => {}
        None => {
            policies.insert(source, policy);
        }
    }
    for (index, mirror) in set.mirrors.iter().enumerate() {
        if !is_valid_mirror_scope(mirror, false) {
            return Err((
                format!("mirrors[{index}]"),
                format!("invalid format for mirror {}", go_quote(mirror)),
            ));
        }
        if policy == SourcePolicy::NeverContactSource && mirror == source {
            return Err((
                format!("mirrors[{index}]"),
                format!(
                    "cannot set mirrorSourcePolicy: NeverContactSource if the source {} is one of the mirrors",
                    go_quote(source)
                ),
            ));
        }
    }
    Ok(())
}
