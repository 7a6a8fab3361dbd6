//! `/etc/containers/policy.json` from the Image `cluster` object's allowed and blocked registries, byte for byte as
//! OpenShift's machine-config-operator writes it (`getValidBlockedAndAllowedRegistries` for the lists,
//! `updatePolicyJSON` for the checks and the file).
//!
//! The operator decodes its template into containers/image's `signature.Policy`, replaces the `default`
//! requirement and the `docker` / `atomic` transports, and encodes it with Go's `json.MarshalIndent(policy, "",
//! "  ")`: here the same [`Policy`] is built and written by [`Policy::to_json`] (Go maps are written with their keys
//! sorted, so the scopes are sorted bytewise).

use std::collections::BTreeMap;

use image_ref::Reference;
use image_ref::scope::{is_nested, is_valid_registry_scope};

use crate::error::{Error, ErrorKind};
use crate::model::{OrderedMap, Policy, Requirement, Scopes};

/// The policy.json a node keeps when neither allowed nor blocked registries are set (the operator's template,
/// verbatim: four-space indent, no trailing newline).
pub const TEMPLATE: &str = "{\n    \"default\": [\n        {\n            \"type\": \"insecureAcceptAnything\"\n        }\n    ],\n    \"transports\":\n        {\n            \"docker-daemon\":\n                {\n                    \"\": [{\"type\":\"insecureAcceptAnything\"}]\n                }\n        }\n}";

/// The allowed and blocked scopes policy.json gets, after the payload check. `None` where OpenShift ends with a
/// nil list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyLists {
    /// Scopes rejected in policy.json.
    pub blocked: Option<Vec<String>>,
    /// Scopes accepted in policy.json (the rest rejected).
    pub allowed: Option<Vec<String>>,
}

impl PolicyLists {
    /// The lists `getValidBlockedAndAllowedRegistries` gives policy.json, from the blocked entries the payload check
    /// kept for registries.conf (`kept_blocked`, in order) and `allowedRegistries`.
    ///
    /// A kept entry that does not cover `payload_repository` (the release payload's repository, e.g.
    /// `quay.io/openshift-release-dev/ocp-release`) is blocked. One that covers it (it was kept because the payload
    /// still has an unblocked mirror) is blocked only if it is not exactly the payload repository, and the payload
    /// repository is allowed, once per such entry, before `allowedRegistries`.
    pub fn after_payload_check(
        payload_repository: &str,
        kept_blocked: Option<&[String]>,
        allowed_registries: Option<&[String]>,
    ) -> PolicyLists {
        let mut blocked = Vec::new();
        let mut allowed = Vec::new();
        for scope in kept_blocked.unwrap_or_default() {
            if !is_nested(payload_repository, scope) {
                blocked.push(scope.clone());
                continue;
            }
            if scope != payload_repository {
                blocked.push(scope.clone());
            }
            allowed.push(payload_repository.to_owned());
        }
        allowed.extend(allowed_registries.into_iter().flatten().cloned());
        let non_empty = |list: Vec<String>| (!list.is_empty()).then_some(list);
        PolicyLists {
            blocked: non_empty(blocked),
            allowed: non_empty(allowed),
        }
    }

    /// The checks `updatePolicyJSON` makes, with OpenShift's messages: not both lists (unless allowed is exactly
    /// the repository of `release_image`), then every blocked and every allowed entry a valid scope.
    pub fn check(&self, release_image: &str) -> Result<(), Error> {
        let blocked = self.blocked.as_deref().unwrap_or_default();
        let allowed = self.allowed.as_deref().unwrap_or_default();
        if !allowed.is_empty() && !blocked.is_empty() {
            let payload = Reference::parse_canonical(release_image).map_err(|source| {
                Error::new(ErrorKind::InvalidReleaseImage {
                    release_image: release_image.to_owned(),
                    source,
                })
            })?;
            if !(allowed.len() == 1 && allowed[0] == payload.name()) {
                return Err(Error::new(ErrorKind::InvalidLists {
                    field: String::new(),
                    message:
                        "invalid images config: only one of AllowedRegistries or BlockedRegistries may be specified"
                            .to_owned(),
                }));
            }
        }
        check_scopes("blocked", blocked)?;
        check_scopes("allowed", allowed)
    }

    /// The policy OpenShift writes for these lists; `None` when both are empty (an explicit empty list counts as
    /// unset, as in Go): the node keeps [`TEMPLATE`]. Not checked: see [`PolicyLists::check`].
    ///
    /// Allowed scopes are accepted and `default` rejects; blocked scopes are rejected and `default` accepts. A
    /// scope in both lists ends up rejected, and `default` follows the blocked list. `atomic` gets the same scopes
    /// except those with three or more `/`, which it cannot express; `docker-daemon` stays as in the template.
    pub fn to_policy(&self) -> Option<Policy> {
        let blocked = self.blocked.as_deref().unwrap_or_default();
        let allowed = self.allowed.as_deref().unwrap_or_default();
        if allowed.is_empty() && blocked.is_empty() {
            return None;
        }
        // Allowed first, blocked second, as the operator fills the map.
        let mut accept_by_default = true;
        let mut scopes: BTreeMap<&str, bool> = BTreeMap::new();
        if !allowed.is_empty() {
            accept_by_default = false;
            for scope in allowed {
                scopes.insert(scope, true);
            }
        }
        if !blocked.is_empty() {
            accept_by_default = true;
            for scope in blocked {
                scopes.insert(scope, false);
            }
        }
        let requirement = |accept: bool| {
            vec![if accept {
                Requirement::insecure_accept_anything()
            } else {
                Requirement::reject()
            }]
        };
        let atomic: Scopes = scopes
            .iter()
            .filter(|(scope, _)| scope.matches('/').count() < 3)
            .map(|(scope, accept)| (*scope, requirement(*accept)))
            .collect();
        let docker: Scopes = scopes
            .iter()
            .map(|(scope, accept)| (*scope, requirement(*accept)))
            .collect();
        let docker_daemon: Scopes = [("", requirement(true))].into_iter().collect();
        let transports: OrderedMap<Scopes> = [
            ("atomic", atomic),
            ("docker", docker),
            ("docker-daemon", docker_daemon),
        ]
        .into_iter()
        .collect();
        Some(Policy {
            default: Some(requirement(accept_by_default)),
            transports: Some(transports),
            ..Policy::default()
        })
    }

    /// The bytes of policy.json: [`PolicyLists::check`], then [`PolicyLists::to_policy`] written as the operator
    /// writes it, or [`TEMPLATE`].
    pub fn render(&self, release_image: &str) -> Result<String, Error> {
        self.check(release_image)?;
        Ok(self
            .to_policy()
            .map_or_else(|| TEMPLATE.to_owned(), |policy| policy.to_json()))
    }
}

/// `invalid entry for <kind> registries "X"` for the first entry that is not a valid registries.conf scope.
fn check_scopes(kind: &str, scopes: &[String]) -> Result<(), Error> {
    match scopes
        .iter()
        .enumerate()
        .find(|(_, scope)| !is_valid_registry_scope(scope))
    {
        Some((index, scope)) => Err(Error::new(ErrorKind::InvalidLists {
            field: format!("{kind}[{index}]"),
            message: format!(
                "invalid entry for {kind} registries {}",
                go_compat::quote(scope)
            ),
        })),
        None => Ok(()),
    }
}
