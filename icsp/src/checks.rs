//! Rules about objects as the API server, its OpenShift admission plugins and machine-config-operator apply
//! them: names, duplicates, size, and ICSP beside IDMS/ITMS.

use std::collections::HashMap;

use crate::error::{Issue, IssueKind, Where, quote};
use crate::model::Object;
use crate::read::Located;

/// `TotalAnnotationSizeLimitB` of k8s.io/apimachinery: the most bytes all annotations of an object may hold.
/// Client-side `oc apply` copies the whole object, as JSON, into its `kubectl.kubernetes.io/last-applied-configuration`
/// annotation, so an object is limited to about this size.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * (1 << 10);

const DNS1123_SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric \
characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for \
validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const DNS1123_LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters \
or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for \
validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// `IsDNS1123Subdomain`: what every kind here takes as a name (openshift/api and k8s.io/api validate
/// ConfigMap, Secret and these custom resources' names with `NameIsDNSSubdomain`).
pub(crate) fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253
        && s.split('.')
            .all(|label| label.len() <= 63 && is_dns1123_label(label))
}

/// A missing or invalid `metadata.name`, an invalid `metadata.namespace`.
pub(crate) fn name_issues(object: &Object, at: Where) -> Vec<Issue> {
    let mut out = Vec::new();
    let issue = |kind, message: String| Issue {
        at: at.clone(),
        kind,
        message,
    };
    match object.name() {
        None | Some("") => out.push(issue(
            IssueKind::MissingName,
            "metadata.name: Required value: name or generateName is required".into(),
        )),
        Some(name) if name.len() > 253 => out.push(issue(
            IssueKind::InvalidName,
            format!(
                "metadata.name: Invalid value: {}: must be no more than 253 characters",
                quote(name)
            ),
        )),
        Some(name) if !is_dns1123_subdomain(name) => out.push(issue(
            IssueKind::InvalidName,
            format!(
                "metadata.name: Invalid value: {}: {DNS1123_SUBDOMAIN_MESSAGE}",
                quote(name)
            ),
        )),
        Some(_) => {}
    }
    if let Some(namespace) = object.metadata().and_then(|m| m.namespace.as_deref())
        && !is_dns1123_label(namespace)
    {
        out.push(issue(
            IssueKind::InvalidName,
            format!(
                "metadata.namespace: Invalid value: {}: {DNS1123_LABEL_MESSAGE}",
                quote(namespace)
            ),
        ));
    }
    out
}

/// Whether the API server keeps this kind per namespace.
fn is_namespaced(object: &Object) -> bool {
    matches!(object, Object::Secret(_) | Object::ConfigMap(_))
}

/// Two objects of one kind with one name (and namespace, for namespaced kinds): the second would replace the first.
pub fn duplicates(objects: &[Located<Object>]) -> Vec<Issue> {
    let mut first: HashMap<(&str, &str, &str), &Located<Object>> = HashMap::new();
    let mut out = Vec::new();
    for o in objects {
        if matches!(o.value, Object::Other { .. }) {
            continue;
        }
        let Some(name) = o.value.name().filter(|n| !n.is_empty()) else {
            continue;
        };
        let namespace = if is_namespaced(&o.value) {
            o.value
                .metadata()
                .and_then(|m| m.namespace.as_deref())
                .unwrap_or("")
        } else {
            ""
        };
        match first.get(&(o.value.kind(), namespace, name)) {
            None => {
                first.insert((o.value.kind(), namespace, name), o);
            }
            Some(earlier) => {
                let mut at = o.at();
                at.object = Some(o.value.display_name());
                let mut then = earlier.at();
                then.object = None;
                out.push(Issue {
                    at,
                    kind: IssueKind::DuplicateObject,
                    message: format!(
                        "{} is defined twice (first at {then}): applied together, the second replaces the first",
                        o.value.display_name()
                    ),
                });
            }
        }
    }
    out
}

/// ImageContentSourcePolicy objects beside ImageDigestMirrorSet or ImageTagMirrorSet objects.
///
/// OpenShift's admission plugins for IDMS and ITMS (openshift-kube-apiserver `customresourcevalidation`) refuse
/// to create or update them while any ICSP exists; machine-config-operator, given both, merges all of them into
/// registries.conf. So this is a warning: the node files are rendered from all of them, as the operator would, but
/// the IDMS/ITMS could not be applied beside the ICSPs.
pub fn icsp_beside_mirror_sets(objects: &[Located<Object>]) -> Vec<Issue> {
    let Some(icsp) = objects
        .iter()
        .find(|o| matches!(o.value, Object::ImageContentSourcePolicy(_)))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for kind in ["ImageDigestMirrorSet", "ImageTagMirrorSet"] {
        let Some(set) = objects
            .iter()
            .find(|o| o.value.kind() == kind && !matches!(o.value, Object::Other { .. }))
        else {
            continue;
        };
        let mut at = set.at();
        at.object = Some(set.value.display_name());
        let mut icsp_at = icsp.at();
        icsp_at.object = Some(icsp.value.display_name());
        out.push(Issue {
            at,
            kind: IssueKind::IcspBesideMirrorSets,
            message: format!(
                "Kind.{kind}: Forbidden: can't create {kind} when ImageContentSourcePolicy resources exist (the \
                 API server's words; {icsp_at} is one); machine-config-operator merges both into registries.conf, \
                 so nodes get both, but migrate the ICSPs (`oc adm migrate icsp`) and delete them before applying"
            ),
        });
    }
    out
}

/// An object whose JSON is too large for client-side `oc apply`'s last-applied-configuration annotation.
pub(crate) fn too_large(object: &Object, at: Where) -> Option<Issue> {
    let size = object.json_size()?;
    let annotations: usize = object
        .metadata()
        .map(|m| m.annotations.iter().map(|(k, v)| k.len() + v.len()).sum())
        .unwrap_or(0);
    // The annotation holds the object (with its other annotations) and sits beside those annotations.
    let total = size + annotations;
    if total <= TOTAL_ANNOTATION_SIZE_LIMIT {
        return None;
    }
    let sources = object.mirror_entries();
    let fit = if sources > 0 {
        let per_source = size.div_ceil(sources).max(1);
        format!(
            ", or split it into objects of at most {} sources (it has {sources}, ≈{per_source} bytes each)",
            TOTAL_ANNOTATION_SIZE_LIMIT.saturating_sub(annotations + 512) / per_source
        )
    } else {
        ", or split it into several objects".to_owned()
    };
    Some(Issue {
        at,
        kind: IssueKind::ObjectTooLarge,
        message: format!(
            "the object is {size} bytes as JSON: client-side `oc apply` stores it in the \
             kubectl.kubernetes.io/last-applied-configuration annotation, and the API server refuses it \
             (metadata.annotations: Too long: must have at most {TOTAL_ANNOTATION_SIZE_LIMIT} bytes); apply it with \
             `oc apply --server-side` (or `oc create`){fit}"
        ),
    })
}

/// No ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet among the objects: nothing to mirror.
/// What `icsp validate` reports instead of "clean".
pub fn no_mirror_object(objects: &[Located<Object>], file: &str) -> Option<Issue> {
    let any = objects.iter().any(|o| {
        matches!(
            o.value,
            Object::ImageContentSourcePolicy(_)
                | Object::ImageDigestMirrorSet(_)
                | Object::ImageTagMirrorSet(_)
        )
    });
    if any {
        return None;
    }
    let summary = crate::read::Summary::of(objects);
    Some(Issue {
        at: Where {
            file: file.to_owned(),
            ..Where::default()
        },
        kind: IssueKind::NoMirrorObject,
        message: format!(
            "no ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet ({summary})"
        ),
    })
}

/// The rules across objects, for objects gathered from several streams: two objects with one name, and ICSPs
/// beside IDMS/ITMS. ([`crate::read_stream`] applies them within each stream.)
pub fn cross_object_issues(objects: &[Located<Object>]) -> Vec<Issue> {
    let mut out = duplicates(objects);
    out.extend(icsp_beside_mirror_sets(objects));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        for ok in ["a", "cluster", "a.b-c.d", "0", "x".repeat(63).as_str()] {
            assert!(is_dns1123_subdomain(ok), "{ok}");
        }
        for bad in [
            "",
            "a/b",
            "A",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a_b",
            "x".repeat(64).as_str(),
        ] {
            assert!(!is_dns1123_subdomain(bad), "{bad}");
        }
    }
}
