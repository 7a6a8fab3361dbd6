//! The fields the API server knows for each kind this crate reads (openshift/api and k8s.io/api), for strict
//! decoding ("unknown field"), and the Go struct that holds each field, for the API server's type errors.
//!
//! Levels this crate does not model (`metadata.managedFields`, ClusterVersion's `spec` and `status`, Image's
//! `status`...) are not checked below their top: the API server's schema for them changes between releases, and
//! a false "unknown field" on a real `oc get -o yaml` would be worse than a missed typo there.

use crate::model::{CONFIG_V1, CORE_V1, OPERATOR_V1ALPHA1};

/// One level of an object: its path without indices, the Go struct that decodes it, and its fields.
#[derive(Debug)]
pub(crate) struct Level {
    pub path: &'static str,
    pub go: &'static str,
    pub fields: &'static [&'static str],
}

/// A kind the API server serves, with the apiVersion this crate reads it under.
#[derive(Debug)]
pub(crate) struct KindSchema {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub levels: &'static [Level],
    /// Fields whose values are maps (`map[string]string`) besides [`META_MAPS`]: their keys are data, not fields.
    pub maps: &'static [&'static str],
}

const OBJECT_META: Level = Level {
    path: "metadata",
    go: "ObjectMeta",
    fields: &[
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
    ],
};

/// The maps of every object's metadata (`ObjectMeta`), not repeated in each kind's `maps`.
const META_MAPS: &[&str] = &["metadata.labels", "metadata.annotations"];

/// Every kind this crate models.
pub(crate) const KINDS: &[KindSchema] = &[
    KindSchema {
        kind: "ImageContentSourcePolicy",
        api_version: OPERATOR_V1ALPHA1,
        levels: &[
            Level {
                path: "",
                go: "ImageContentSourcePolicy",
                fields: &["apiVersion", "kind", "metadata", "spec"],
            },
            OBJECT_META,
            Level {
                path: "spec",
                go: "ImageContentSourcePolicySpec",
                fields: &["repositoryDigestMirrors"],
            },
            Level {
                path: "spec.repositoryDigestMirrors",
                go: "RepositoryDigestMirrors",
                fields: &["source", "mirrors"],
            },
        ],
        maps: &[],
    },
    KindSchema {
        kind: "ImageDigestMirrorSet",
        api_version: CONFIG_V1,
        levels: &[
            Level {
                path: "",
                go: "ImageDigestMirrorSet",
                fields: &["apiVersion", "kind", "metadata", "spec", "status"],
            },
            OBJECT_META,
            Level {
                path: "spec",
                go: "ImageDigestMirrorSetSpec",
                fields: &["imageDigestMirrors"],
            },
            Level {
                path: "spec.imageDigestMirrors",
                go: "ImageDigestMirrors",
                fields: &["source", "mirrors", "mirrorSourcePolicy"],
            },
        ],
        maps: &[],
    },
    KindSchema {
        kind: "ImageTagMirrorSet",
        api_version: CONFIG_V1,
        levels: &[
            Level {
                path: "",
                go: "ImageTagMirrorSet",
                fields: &["apiVersion", "kind", "metadata", "spec", "status"],
            },
            OBJECT_META,
            Level {
                path: "spec",
                go: "ImageTagMirrorSetSpec",
                fields: &["imageTagMirrors"],
            },
            Level {
                path: "spec.imageTagMirrors",
                go: "ImageTagMirrors",
                fields: &["source", "mirrors", "mirrorSourcePolicy"],
            },
        ],
        maps: &[],
    },
    KindSchema {
        kind: "Image",
        api_version: CONFIG_V1,
        levels: &[
            Level {
                path: "",
                go: "Image",
                fields: &["apiVersion", "kind", "metadata", "spec", "status"],
            },
            OBJECT_META,
            Level {
                path: "spec",
                go: "ImageSpec",
                fields: &[
                    "allowedRegistriesForImport",
                    "externalRegistryHostnames",
                    "additionalTrustedCA",
                    "registrySources",
                    "imageStreamImportMode",
                ],
            },
            Level {
                path: "spec.registrySources",
                go: "RegistrySources",
                fields: &[
                    "insecureRegistries",
                    "blockedRegistries",
                    "allowedRegistries",
                    "containerRuntimeSearchRegistries",
                ],
            },
            Level {
                path: "spec.additionalTrustedCA",
                go: "ConfigMapNameReference",
                fields: &["name"],
            },
        ],
        maps: &[],
    },
    KindSchema {
        kind: "ClusterVersion",
        api_version: CONFIG_V1,
        levels: &[
            Level {
                path: "",
                go: "ClusterVersion",
                fields: &["apiVersion", "kind", "metadata", "spec", "status"],
            },
            OBJECT_META,
        ],
        maps: &[],
    },
    KindSchema {
        kind: "Secret",
        api_version: CORE_V1,
        levels: &[
            Level {
                path: "",
                go: "Secret",
                fields: &[
                    "apiVersion",
                    "kind",
                    "metadata",
                    "data",
                    "stringData",
                    "type",
                    "immutable",
                ],
            },
            OBJECT_META,
        ],
        maps: &["data", "stringData"],
    },
    KindSchema {
        kind: "ConfigMap",
        api_version: CORE_V1,
        levels: &[
            Level {
                path: "",
                go: "ConfigMap",
                fields: &[
                    "apiVersion",
                    "kind",
                    "metadata",
                    "data",
                    "binaryData",
                    "immutable",
                ],
            },
            OBJECT_META,
        ],
        maps: &["data", "binaryData"],
    },
];

/// The fields of a `List` document (`metav1.List`: TypeMeta, ListMeta and items).
pub(crate) const LIST: KindSchema = KindSchema {
    kind: "List",
    api_version: CORE_V1,
    levels: &[
        Level {
            path: "",
            go: "List",
            fields: &["apiVersion", "kind", "metadata", "items"],
        },
        Level {
            path: "metadata",
            go: "ListMeta",
            fields: &[
                "selfLink",
                "resourceVersion",
                "continue",
                "remainingItemCount",
            ],
        },
    ],
    maps: &[],
};

/// `name` as a `'static` string when it is one of the field names every object repeats, so that keys of real
/// objects need no allocation.
pub(crate) fn interned(name: &str) -> Option<&'static str> {
    Some(match name {
        "apiVersion" => "apiVersion",
        "kind" => "kind",
        "metadata" => "metadata",
        "name" => "name",
        "namespace" => "namespace",
        "labels" => "labels",
        "annotations" => "annotations",
        "spec" => "spec",
        "status" => "status",
        "items" => "items",
        "source" => "source",
        "mirrors" => "mirrors",
        "mirrorSourcePolicy" => "mirrorSourcePolicy",
        "imageDigestMirrors" => "imageDigestMirrors",
        "imageTagMirrors" => "imageTagMirrors",
        "repositoryDigestMirrors" => "repositoryDigestMirrors",
        "data" => "data",
        "type" => "type",
        "uid" => "uid",
        "resourceVersion" => "resourceVersion",
        "generation" => "generation",
        "creationTimestamp" => "creationTimestamp",
        _ => return None,
    })
}

/// The schema of a kind this crate models, whatever its apiVersion.
pub(crate) fn kind(kind: &str) -> Option<&'static KindSchema> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// The fields known at `path` (indices removed), or `None` where this crate does not check.
pub(crate) fn known_fields(schema: &KindSchema, path: &str) -> Option<&'static [&'static str]> {
    schema
        .levels
        .iter()
        .find(|l| l.path == path)
        .map(|l| l.fields)
}

/// The Go struct holding the field reached by `keys` (indices removed) and the field as Go's JSON errors name it
/// (`ObjectMeta`, `metadata.labels`).
pub(crate) fn go_field(schema: &KindSchema, keys: &[&str]) -> Option<(&'static str, String)> {
    let mut field_keys = keys;
    if let Some((_, parent)) = keys.split_last()
        && !parent.is_empty()
        && is_map(schema, &parent.join("."))
    {
        // A map value: Go names the map field, not the key.
        field_keys = parent;
    }
    let (field, parent) = field_keys.split_last()?;
    let parent = parent.join(".");
    let level = schema.levels.iter().find(|l| l.path == parent)?;
    level
        .fields
        .contains(field)
        .then(|| (level.go, field_keys.join(".")))
}

/// Whether the field at `path` (indices removed) is a map. A List's metadata has no labels or annotations, so
/// [`META_MAPS`] changes nothing there: `go_field` finds no such field at that level.
fn is_map(schema: &KindSchema, path: &str) -> bool {
    META_MAPS.contains(&path) || schema.maps.contains(&path)
}

/// The known name closest to `unknown`: same letters in another case, or at most a third of it edited.
pub(crate) fn closest(unknown: &str, known: &[&'static str]) -> Option<&'static str> {
    let lower = unknown.to_ascii_lowercase();
    if let Some(same) = known.iter().find(|k| k.to_ascii_lowercase() == lower) {
        return Some(same);
    }
    let budget = (unknown.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= budget)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over chars; inputs are field names, cut to 64 chars so the cost stays small.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_and_go_fields() {
        let icsp = kind("ImageContentSourcePolicy").unwrap();
        let spec = known_fields(icsp, "spec").unwrap();
        assert_eq!(
            closest("repositoryDigestMirror", spec),
            Some("repositoryDigestMirrors")
        );
        assert_eq!(
            closest("repositorydigestmirrors", spec),
            Some("repositoryDigestMirrors")
        );
        assert_eq!(closest("colour", spec), None);
        assert_eq!(
            go_field(icsp, &["metadata", "labels", "app.kubernetes.io/name"]),
            Some(("ObjectMeta", "metadata.labels".to_owned()))
        );
        assert_eq!(
            go_field(icsp, &["spec", "repositoryDigestMirrors", "source"]),
            Some((
                "RepositoryDigestMirrors",
                "spec.repositoryDigestMirrors.source".to_owned()
            ))
        );
        let cm = kind("ConfigMap").unwrap();
        assert_eq!(
            go_field(cm, &["data", "ca-bundle.crt"]),
            Some(("ConfigMap", "data".to_owned()))
        );
        assert_eq!(go_field(cm, &["nothing", "here"]), None);
    }
}
