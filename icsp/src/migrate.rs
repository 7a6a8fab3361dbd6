//! ICSP → IDMS, as `oc adm migrate icsp` does it (openshift/oc `pkg/cli/admin/migrate/icsp`).

use serde_json::{Map, Value};

use crate::emit::{YamlStyle, value_to_yaml};
use crate::error::{Error, Where};
use crate::extra::Extra;
use crate::model::{
    CONFIG_V1, ImageContentSourcePolicy, ImageDigestMirrorSet, ImageMirrors, Object, ObjectMeta,
};
use crate::read::Located;

/// The fields of Kubernetes `ObjectMeta`: oc decodes into the typed struct, so any other
/// metadata key is lost on the way.
const OBJECT_META_FIELDS: &[&str] = &[
    "generateName",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// The result of migrating one input file.
#[derive(Clone, Debug, PartialEq)]
pub struct MigratedIdms {
    /// `imagedigestmirrorset_<name of first ICSP>[.<suffix>].yaml`.
    pub file_name: String,
    /// The file's bytes, as oc writes them.
    pub yaml: String,
    /// The same objects, typed.
    pub objects: Vec<ImageDigestMirrorSet>,
}

/// The IDMS equivalent of one ICSP: same metadata (less `creationTimestamp` and the keys
/// `ObjectMeta` does not know), each `repositoryDigestMirrors` item as an `imageDigestMirrors`
/// item with the same source and mirrors in order, no `mirrorSourcePolicy`, no dedupe, no status.
pub fn icsp_to_idms(icsp: &ImageContentSourcePolicy) -> ImageDigestMirrorSet {
    let extra = (icsp.metadata.extra.iter())
        .filter(|(k, v)| OBJECT_META_FIELDS.contains(&k.as_str()) && !is_go_empty(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let metadata = ObjectMeta {
        name: icsp.metadata.name.clone().filter(|s| !s.is_empty()),
        namespace: icsp.metadata.namespace.clone().filter(|s| !s.is_empty()),
        labels: icsp.metadata.labels.clone(),
        annotations: icsp.metadata.annotations.clone(),
        extra,
    };
    let items = icsp
        .spec
        .repository_digest_mirrors
        .iter()
        .map(|r| ImageMirrors {
            source: r.source.clone(),
            mirrors: r.mirrors.clone(),
            mirror_source_policy: None,
            extra: Extra::new(),
        })
        .collect();
    ImageDigestMirrorSet::new(metadata, items)
}

/// What Go's `omitempty` drops: empty strings, zero numbers, false, empty maps and lists, null.
fn is_go_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// The IDMS as oc marshals it: `spec.imageDigestMirrors` always present, `source` always
/// present, empty `mirrors` omitted.
fn oc_value(idms: &ImageDigestMirrorSet) -> Value {
    let mut meta = Map::new();
    if let Some(n) = &idms.metadata.name {
        meta.insert("name".into(), n.clone().into());
    }
    if let Some(n) = &idms.metadata.namespace {
        meta.insert("namespace".into(), n.clone().into());
    }
    if !idms.metadata.labels.is_empty() {
        meta.insert("labels".into(), serde_json::json!(idms.metadata.labels));
    }
    if !idms.metadata.annotations.is_empty() {
        meta.insert(
            "annotations".into(),
            serde_json::json!(idms.metadata.annotations),
        );
    }
    meta.extend(idms.metadata.extra.clone());
    let mirrors: Vec<Value> = idms
        .spec
        .image_digest_mirrors
        .iter()
        .map(|e| {
            let mut item = Map::new();
            item.insert("source".into(), e.source.clone().into());
            if !e.mirrors.is_empty() {
                item.insert("mirrors".into(), serde_json::json!(e.mirrors));
            }
            Value::Object(item)
        })
        .collect();
    serde_json::json!({
        "apiVersion": CONFIG_V1,
        "kind": "ImageDigestMirrorSet",
        "metadata": meta,
        "spec": { "imageDigestMirrors": mirrors },
    })
}

/// `imagedigestmirrorset_<name>.<suffix>.yaml`. oc always adds a random `%06d` suffix; here it is
/// only added when the caller passes one, so that output is deterministic by default.
pub fn idms_file_name(first_icsp_name: &str, suffix: Option<u64>) -> String {
    match suffix {
        Some(n) => format!("imagedigestmirrorset_{first_icsp_name}.{n:06}.yaml"),
        None => format!("imagedigestmirrorset_{first_icsp_name}.yaml"),
    }
}

/// Migrates every ICSP read from one file into one IDMS file, as `oc adm migrate icsp` does:
/// documents in input order, separated by `---`, go-yaml v3 layout. Any other kind is an error
/// (oc refuses it too).
pub fn migrate_icsp(
    file: &str,
    objects: &[Located<Object>],
    suffix: Option<u64>,
) -> Result<MigratedIdms, Error> {
    let mut out = Vec::with_capacity(objects.len());
    for located in objects {
        match &located.value {
            Object::ImageContentSourcePolicy(icsp) => out.push(icsp_to_idms(icsp)),
            other => {
                return Err(Error::NotAnIcsp {
                    at: Box::new(Where {
                        file: located.file.clone(),
                        document: Some(located.document),
                        item: located.item,
                        object: Some(other.display_name()),
                        line: (located.line > 0).then_some(located.line),
                        column: None,
                        field: None,
                    }),
                    found: format!("{} {}", other.api_version(), other.kind()),
                });
            }
        }
    }
    let Some(first) = out.first() else {
        return Err(Error::NoIcsp {
            file: file.to_owned(),
        });
    };
    let file_name = idms_file_name(first.metadata.name.as_deref().unwrap_or(""), suffix);
    let yaml = out
        .iter()
        .map(|idms| value_to_yaml(&oc_value(idms), YamlStyle::GoYamlV3))
        .collect::<Vec<_>>()
        .join("---\n");
    Ok(MigratedIdms {
        file_name,
        yaml,
        objects: out,
    })
}
