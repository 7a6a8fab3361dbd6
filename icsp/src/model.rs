//! The Kubernetes objects this crate knows, with every unknown field kept.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::extra::Extra;
use crate::tree::{At, Fields};

/// `apiVersion` of ImageContentSourcePolicy.
pub const OPERATOR_V1ALPHA1: &str = "operator.openshift.io/v1alpha1";
/// `apiVersion` of ImageDigestMirrorSet, ImageTagMirrorSet, Image and ClusterVersion.
pub const CONFIG_V1: &str = "config.openshift.io/v1";
/// `apiVersion` of Secret and ConfigMap.
pub const CORE_V1: &str = "v1";

fn is_empty_map<K, V>(m: &BTreeMap<K, V>) -> bool {
    m.is_empty()
}

/// Standard object metadata; fields not modelled here (uid, resourceVersion, ...) are kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ObjectMeta {
    /// `metadata.name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `metadata.namespace`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.labels`.
    #[serde(skip_serializing_if = "is_empty_map")]
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    #[serde(skip_serializing_if = "is_empty_map")]
    pub annotations: BTreeMap<String, String>,
    /// Every other metadata field, as read.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ObjectMeta {
    /// Metadata with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }

    pub(crate) fn read(at: At<'_>) -> Result<Self, Error> {
        let mut f = at.fields()?;
        Ok(Self {
            name: f.read(&at, "name", |a| a.string())?,
            namespace: f.read(&at, "namespace", |a| a.string())?,
            labels: f
                .read(&at, "labels", |a| a.string_map(|v| v.string()))?
                .unwrap_or_default(),
            annotations: f
                .read(&at, "annotations", |a| a.string_map(|v| v.string()))?
                .unwrap_or_default(),
            extra: f.rest(&at)?,
        })
    }
}

/// ImageContentSourcePolicy (`operator.openshift.io/v1alpha1`), the deprecated digest mirror object.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImageContentSourcePolicy {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: IcspSpec,
    /// Other top-level fields (`status`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `spec` of an ImageContentSourcePolicy.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IcspSpec {
    /// `spec.repositoryDigestMirrors`.
    #[serde(
        rename = "repositoryDigestMirrors",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub repository_digest_mirrors: Vec<RepositoryDigestMirrors>,
    /// Unknown spec fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `repositoryDigestMirrors` item.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RepositoryDigestMirrors {
    /// The repository users refer to.
    pub source: String,
    /// Where the same images may be found, in order of preference.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `mirrorSourcePolicy` of an IDMS/ITMS entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MirrorSourcePolicy {
    /// Never fall back to the source.
    NeverContactSource,
    /// Fall back to the source when the mirrors fail (the default).
    AllowContactingSource,
    /// Any other text, kept so validation can report it.
    Unknown(String),
}

impl MirrorSourcePolicy {
    /// The text as written in YAML.
    pub fn as_str(&self) -> &str {
        match self {
            Self::NeverContactSource => "NeverContactSource",
            Self::AllowContactingSource => "AllowContactingSource",
            Self::Unknown(s) => s,
        }
    }

    fn parse(s: String) -> Self {
        match s.as_str() {
            "NeverContactSource" => Self::NeverContactSource,
            "AllowContactingSource" => Self::AllowContactingSource,
            _ => Self::Unknown(s),
        }
    }
}

impl Serialize for MirrorSourcePolicy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One `imageDigestMirrors` / `imageTagMirrors` item.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImageMirrors {
    /// The repository (or `*.domain`) users refer to.
    pub source: String,
    /// Mirror locations, a set, in order of preference.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<String>,
    /// Fallback policy; `None` when unset.
    #[serde(rename = "mirrorSourcePolicy", skip_serializing_if = "Option::is_none")]
    pub mirror_source_policy: Option<MirrorSourcePolicy>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The two mirror-set kinds of `config.openshift.io/v1`: the same shape, a list of [`ImageMirrors`] under their own
/// name in `spec` (what each mirrors by, digest or tag, is the renderer's business).
macro_rules! mirror_set_kind {
    ($kind:ident, $spec:ident, $field:ident, $json:literal) => {
        #[doc = concat!(stringify!($kind), " (`config.openshift.io/v1`).")]
        #[derive(Clone, Debug, Default, PartialEq, Serialize)]
        pub struct $kind {
            /// Object metadata.
            pub metadata: ObjectMeta,
            /// `spec`.
            pub spec: $spec,
            /// Other top-level fields (`status`, ...).
            #[serde(flatten)]
            pub extra: Extra,
        }

        #[doc = concat!("`spec` of an ", stringify!($kind), ".")]
        #[derive(Clone, Debug, Default, PartialEq, Serialize)]
        pub struct $spec {
            #[doc = concat!("`spec.", $json, "`.")]
            #[serde(rename = $json, skip_serializing_if = "Vec::is_empty")]
            pub $field: Vec<ImageMirrors>,
            /// Unknown spec fields.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl $kind {
            #[doc = concat!("An ", stringify!($kind), " with `metadata` and these `spec.", $json, "`, nothing else.")]
            pub fn new(metadata: ObjectMeta, items: Vec<ImageMirrors>) -> Self {
                $kind {
                    metadata,
                    spec: $spec {
                        $field: items,
                        extra: Extra::new(),
                    },
                    extra: Extra::new(),
                }
            }

            /// Reads the object's `spec` and other fields after its metadata.
            fn read(mut f: Fields<'_>, at: &At<'_>, metadata: ObjectMeta) -> Result<Self, Error> {
                let spec = f.read(at, "spec", |a| {
                    let ($field, extra) = read_mirror_set_spec(a, $json)?;
                    Ok($spec { $field, extra })
                })?;
                let (spec, extra) = (spec.unwrap_or_default(), f.rest(at)?);
                Ok($kind {
                    metadata,
                    spec,
                    extra,
                })
            }
        }
    };
}

mirror_set_kind!(
    ImageDigestMirrorSet,
    ImageDigestMirrorSetSpec,
    image_digest_mirrors,
    "imageDigestMirrors"
);
mirror_set_kind!(
    ImageTagMirrorSet,
    ImageTagMirrorSetSpec,
    image_tag_mirrors,
    "imageTagMirrors"
);

/// Image `cluster` (`config.openshift.io/v1`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Image {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: ImageSpec,
    /// Other top-level fields (`status`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `spec` of the Image config.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImageSpec {
    /// `spec.registrySources`.
    #[serde(rename = "registrySources", skip_serializing_if = "Option::is_none")]
    pub registry_sources: Option<RegistrySources>,
    /// `spec.additionalTrustedCA`.
    #[serde(
        rename = "additionalTrustedCA",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_trusted_ca: Option<ConfigMapNameReference>,
    /// Unknown spec fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `spec.registrySources`. `None` (absent or null) and `Some(vec![])` are different: OpenShift
/// regenerates registries.conf for an explicit empty `insecureRegistries`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RegistrySources {
    /// `insecureRegistries`.
    #[serde(rename = "insecureRegistries", skip_serializing_if = "Option::is_none")]
    pub insecure_registries: Option<Vec<String>>,
    /// `blockedRegistries`.
    #[serde(rename = "blockedRegistries", skip_serializing_if = "Option::is_none")]
    pub blocked_registries: Option<Vec<String>>,
    /// `allowedRegistries`.
    #[serde(rename = "allowedRegistries", skip_serializing_if = "Option::is_none")]
    pub allowed_registries: Option<Vec<String>>,
    /// `containerRuntimeSearchRegistries`.
    #[serde(
        rename = "containerRuntimeSearchRegistries",
        skip_serializing_if = "Option::is_none"
    )]
    pub container_runtime_search_registries: Option<Vec<String>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A reference to a ConfigMap in `openshift-config`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ConfigMapNameReference {
    /// The ConfigMap's name (empty means none).
    pub name: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// ClusterVersion (`config.openshift.io/v1`); only `status.desired.image` is modelled.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClusterVersion {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ClusterVersionStatus>,
    /// Other top-level fields (`spec`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl ClusterVersion {
    /// `status.desired.image`: the release payload being run.
    pub fn desired_image(&self) -> Option<&str> {
        self.status.as_ref()?.desired.as_ref()?.image.as_deref()
    }
}

/// `status` of a ClusterVersion.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClusterVersionStatus {
    /// `status.desired`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired: Option<Release>,
    /// Unknown status fields (history, conditions, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A release (`status.desired`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Release {
    /// The payload image reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Unknown fields (version, channels, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Bytes of a Secret: wiped on drop, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }
    /// The bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes redacted>", self.0.len())
    }
}

impl Serialize for SecretBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&go_compat::encode_std_base64(self.expose()))
    }
}

/// Secret `stringData` text: wiped on drop, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    /// Wraps text.
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }
    /// The text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes redacted>", self.0.len())
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

/// Secret (`v1`). `data` is held decoded; `Debug` shows keys only.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct Secret {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `type`, e.g. `kubernetes.io/dockerconfigjson`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `data`, base64-decoded.
    #[serde(skip_serializing_if = "is_empty_map")]
    pub data: BTreeMap<String, SecretBytes>,
    /// `stringData` (write-only on the server; it overrides `data`).
    #[serde(rename = "stringData", skip_serializing_if = "is_empty_map")]
    pub string_data: BTreeMap<String, SecretText>,
    /// Other top-level fields (`immutable`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Secret {
    /// The value of `key` as the server would store it: `stringData` wins over `data`.
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        if let Some(text) = self.string_data.get(key) {
            return Some(text.expose().as_bytes());
        }
        self.data.get(key).map(SecretBytes::expose)
    }

    /// Every key of `data` and `stringData`, sorted, without duplicates.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .data
            .keys()
            .chain(self.string_data.keys())
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("metadata", &self.metadata)
            .field("type_", &self.type_)
            .field("data", &self.data)
            .field("string_data", &self.string_data)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// ConfigMap (`v1`); `binaryData` is held decoded.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ConfigMap {
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// `data`.
    #[serde(skip_serializing_if = "is_empty_map")]
    pub data: BTreeMap<String, String>,
    /// `binaryData`, base64-decoded.
    #[serde(rename = "binaryData", skip_serializing_if = "is_empty_map")]
    pub binary_data: BTreeMap<String, Base64Bytes>,
    /// Other top-level fields (`immutable`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Bytes written as base64 (ConfigMap `binaryData`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Base64Bytes(pub Vec<u8>);

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&go_compat::encode_std_base64(&self.0))
    }
}

/// Any object read from an input stream.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Object {
    /// `operator.openshift.io/v1alpha1` ImageContentSourcePolicy.
    ImageContentSourcePolicy(ImageContentSourcePolicy),
    /// `config.openshift.io/v1` ImageDigestMirrorSet.
    ImageDigestMirrorSet(ImageDigestMirrorSet),
    /// `config.openshift.io/v1` ImageTagMirrorSet.
    ImageTagMirrorSet(ImageTagMirrorSet),
    /// `config.openshift.io/v1` Image.
    Image(Image),
    /// `config.openshift.io/v1` ClusterVersion.
    ClusterVersion(ClusterVersion),
    /// `v1` Secret.
    Secret(Secret),
    /// `v1` ConfigMap.
    ConfigMap(ConfigMap),
    /// Any other kind: reported, not interpreted.
    Other {
        /// Its `apiVersion`.
        api_version: String,
        /// Its `kind`.
        kind: String,
        /// Its `metadata.name`, if any.
        name: Option<String>,
    },
}

impl Object {
    /// `apiVersion` of the object.
    pub fn api_version(&self) -> &str {
        match self {
            Object::ImageContentSourcePolicy(_) => OPERATOR_V1ALPHA1,
            Object::ImageDigestMirrorSet(_)
            | Object::ImageTagMirrorSet(_)
            | Object::Image(_)
            | Object::ClusterVersion(_) => CONFIG_V1,
            Object::Secret(_) | Object::ConfigMap(_) => CORE_V1,
            Object::Other { api_version, .. } => api_version,
        }
    }

    /// `kind` of the object.
    pub fn kind(&self) -> &str {
        match self {
            Object::ImageContentSourcePolicy(_) => "ImageContentSourcePolicy",
            Object::ImageDigestMirrorSet(_) => "ImageDigestMirrorSet",
            Object::ImageTagMirrorSet(_) => "ImageTagMirrorSet",
            Object::Image(_) => "Image",
            Object::ClusterVersion(_) => "ClusterVersion",
            Object::Secret(_) => "Secret",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Other { kind, .. } => kind,
        }
    }

    /// `metadata.name`, if any.
    pub fn name(&self) -> Option<&str> {
        let meta = match self {
            Object::ImageContentSourcePolicy(o) => &o.metadata,
            Object::ImageDigestMirrorSet(o) => &o.metadata,
            Object::ImageTagMirrorSet(o) => &o.metadata,
            Object::Image(o) => &o.metadata,
            Object::ClusterVersion(o) => &o.metadata,
            Object::Secret(o) => &o.metadata,
            Object::ConfigMap(o) => &o.metadata,
            Object::Other { name, .. } => return name.as_deref(),
        };
        meta.name.as_deref()
    }

    /// `Kind/name` (or `Kind` without a name), as used in messages: a name with control characters or over
    /// [`crate::MAX_QUOTED_CHARS`] characters is shown quoted, escaped and cut.
    pub fn display_name(&self) -> String {
        let kind = crate::error::field_text(self.kind());
        match self.name() {
            Some(name) => format!("{kind}/{}", crate::error::field_text(name)),
            None => kind.into_owned(),
        }
    }

    /// The object's metadata; `None` for [`Object::Other`].
    pub fn metadata(&self) -> Option<&ObjectMeta> {
        Some(match self {
            Object::ImageContentSourcePolicy(o) => &o.metadata,
            Object::ImageDigestMirrorSet(o) => &o.metadata,
            Object::ImageTagMirrorSet(o) => &o.metadata,
            Object::Image(o) => &o.metadata,
            Object::ClusterVersion(o) => &o.metadata,
            Object::Secret(o) => &o.metadata,
            Object::ConfigMap(o) => &o.metadata,
            Object::Other { .. } => return None,
        })
    }

    /// How many mirror entries (sources) an ICSP, IDMS or ITMS holds; 0 for other kinds.
    pub fn mirror_entries(&self) -> usize {
        match self {
            Object::ImageContentSourcePolicy(o) => o.spec.repository_digest_mirrors.len(),
            Object::ImageDigestMirrorSet(o) => o.spec.image_digest_mirrors.len(),
            Object::ImageTagMirrorSet(o) => o.spec.image_tag_mirrors.len(),
            _ => 0,
        }
    }

    /// The size in bytes of the object as compact JSON (what [`Object::to_value`] gives, serialized), counted
    /// without building it; `None` for [`Object::Other`].
    pub fn json_size(&self) -> Option<usize> {
        let mut counter = ByteCounter(0);
        let written = match self {
            Object::ImageContentSourcePolicy(o) => serde_json::to_writer(&mut counter, o),
            Object::ImageDigestMirrorSet(o) => serde_json::to_writer(&mut counter, o),
            Object::ImageTagMirrorSet(o) => serde_json::to_writer(&mut counter, o),
            Object::Image(o) => serde_json::to_writer(&mut counter, o),
            Object::ClusterVersion(o) => serde_json::to_writer(&mut counter, o),
            Object::Secret(o) => serde_json::to_writer(&mut counter, o),
            Object::ConfigMap(o) => serde_json::to_writer(&mut counter, o),
            Object::Other { .. } => return None,
        };
        written.ok()?;
        let string_len = |s: &str| serde_json::to_string(s).map_or(s.len() + 2, |q| q.len());
        // `"apiVersion":…,"kind":…,` go in front of the body's fields.
        Some(
            counter.0
                + r#""apiVersion":,"kind":,"#.len()
                + string_len(self.api_version())
                + string_len(self.kind()),
        )
    }

    /// The object as JSON with `apiVersion` and `kind` first; `None` for [`Object::Other`],
    /// whose content is not kept.
    pub fn to_value(&self) -> Option<Value> {
        let body = match self {
            Object::ImageContentSourcePolicy(o) => serde_json::to_value(o),
            Object::ImageDigestMirrorSet(o) => serde_json::to_value(o),
            Object::ImageTagMirrorSet(o) => serde_json::to_value(o),
            Object::Image(o) => serde_json::to_value(o),
            Object::ClusterVersion(o) => serde_json::to_value(o),
            Object::Secret(o) => serde_json::to_value(o),
            Object::ConfigMap(o) => serde_json::to_value(o),
            Object::Other { .. } => return None,
        };
        // Serializing these types cannot fail: every map key is a string and every number finite.
        let Ok(Value::Object(body)) = body else {
            return None;
        };
        let mut out = Map::new();
        out.insert("apiVersion".into(), self.api_version().into());
        out.insert("kind".into(), self.kind().into());
        for (k, v) in body {
            if k != "apiVersion" && k != "kind" {
                out.insert(k, v);
            }
        }
        Some(Value::Object(out))
    }

    /// Reads one object from a mapping node whose `apiVersion` and `kind` are already known.
    pub(crate) fn read(api_version: &str, kind: &str, at: At<'_>) -> Result<Object, Error> {
        let mut f = at.fields()?;
        f.take("apiVersion");
        f.take("kind");
        let metadata = f
            .read(&at, "metadata", ObjectMeta::read)?
            .unwrap_or_default();
        let object = match (api_version, kind) {
            (OPERATOR_V1ALPHA1, "ImageContentSourcePolicy") => {
                let spec = f.read(&at, "spec", read_icsp_spec)?.unwrap_or_default();
                Object::ImageContentSourcePolicy(ImageContentSourcePolicy {
                    metadata,
                    spec,
                    extra: f.rest(&at)?,
                })
            }
            (CONFIG_V1, "ImageDigestMirrorSet") => {
                Object::ImageDigestMirrorSet(ImageDigestMirrorSet::read(f, &at, metadata)?)
            }
            (CONFIG_V1, "ImageTagMirrorSet") => {
                Object::ImageTagMirrorSet(ImageTagMirrorSet::read(f, &at, metadata)?)
            }
            (CONFIG_V1, "Image") => {
                let spec = f.read(&at, "spec", read_image_spec)?.unwrap_or_default();
                Object::Image(Image {
                    metadata,
                    spec,
                    extra: f.rest(&at)?,
                })
            }
            (CONFIG_V1, "ClusterVersion") => {
                let status = f.read(&at, "status", |a| {
                    let mut g = a.fields()?;
                    Ok(ClusterVersionStatus {
                        desired: g.read(&a, "desired", |d| {
                            let mut h = d.fields()?;
                            Ok(Release {
                                image: h.read(&d, "image", |i| i.string())?,
                                extra: h.rest(&d)?,
                            })
                        })?,
                        extra: g.rest(&a)?,
                    })
                })?;
                Object::ClusterVersion(ClusterVersion {
                    metadata,
                    status,
                    extra: f.rest(&at)?,
                })
            }
            (CORE_V1, "Secret") => Object::Secret(Secret {
                metadata,
                type_: f.read(&at, "type", |a| a.string())?,
                data: f
                    .read(&at, "data", |a| {
                        a.string_map(|v| decode_base64(&v).map(SecretBytes::new))
                    })?
                    .unwrap_or_default(),
                string_data: f
                    .read(&at, "stringData", |a| {
                        a.string_map(|v| v.string().map(SecretText::new))
                    })?
                    .unwrap_or_default(),
                extra: f.rest(&at)?,
            }),
            (CORE_V1, "ConfigMap") => Object::ConfigMap(ConfigMap {
                metadata,
                data: f
                    .read(&at, "data", |a| a.string_map(|v| v.string()))?
                    .unwrap_or_default(),
                binary_data: f
                    .read(&at, "binaryData", |a| {
                        a.string_map(|v| decode_base64(&v).map(Base64Bytes))
                    })?
                    .unwrap_or_default(),
                extra: f.rest(&at)?,
            }),
            _ => Object::Other {
                api_version: api_version.to_owned(),
                kind: kind.to_owned(),
                name: metadata.name,
            },
        };
        Ok(object)
    }
}

fn decode_base64(at: &At<'_>) -> Result<Vec<u8>, Error> {
    let text = at.string()?;
    // Never echo the text: it may be a secret.
    // As the API server reads it: encoding/json's []byte is Go's StdEncoding.
    go_compat::decode_std_base64(&text)
        .map_err(|_| at.error("expected base64 (standard alphabet, padded)"))
}

fn read_icsp_spec(at: At<'_>) -> Result<IcspSpec, Error> {
    let mut f = at.fields()?;
    Ok(IcspSpec {
        repository_digest_mirrors: f
            .read(&at, "repositoryDigestMirrors", |l| {
                l.list(|item| {
                    let mut g = item.fields()?;
                    Ok(RepositoryDigestMirrors {
                        source: g.read(&item, "source", |a| a.string())?.unwrap_or_default(),
                        mirrors: g
                            .read(&item, "mirrors", |a| a.strings())?
                            .unwrap_or_default(),
                        extra: g.rest(&item)?,
                    })
                })
            })?
            .unwrap_or_default(),
        extra: f.rest(&at)?,
    })
}

/// The `spec` of an ImageDigestMirrorSet or ImageTagMirrorSet: its one mirror list (named `list`) and the rest.
fn read_mirror_set_spec(at: At<'_>, list: &str) -> Result<(Vec<ImageMirrors>, Extra), Error> {
    let mut g = at.fields()?;
    let mirrors = g.read(&at, list, |l| l.list(read_image_mirrors))?;
    Ok((mirrors.unwrap_or_default(), g.rest(&at)?))
}

fn read_image_mirrors(item: At<'_>) -> Result<ImageMirrors, Error> {
    let mut g = item.fields()?;
    Ok(ImageMirrors {
        source: g.read(&item, "source", |a| a.string())?.unwrap_or_default(),
        mirrors: g
            .read(&item, "mirrors", |a| a.strings())?
            .unwrap_or_default(),
        mirror_source_policy: g
            .read(&item, "mirrorSourcePolicy", |a| a.string())?
            .map(MirrorSourcePolicy::parse),
        extra: g.rest(&item)?,
    })
}

fn read_image_spec(at: At<'_>) -> Result<ImageSpec, Error> {
    let mut f = at.fields()?;
    Ok(ImageSpec {
        registry_sources: f.read(&at, "registrySources", |a| {
            let mut g = a.fields()?;
            Ok(RegistrySources {
                insecure_registries: g.read(&a, "insecureRegistries", |l| l.strings())?,
                blocked_registries: g.read(&a, "blockedRegistries", |l| l.strings())?,
                allowed_registries: g.read(&a, "allowedRegistries", |l| l.strings())?,
                container_runtime_search_registries: g.read(
                    &a,
                    "containerRuntimeSearchRegistries",
                    |l| l.strings(),
                )?,
                extra: g.rest(&a)?,
            })
        })?,
        additional_trusted_ca: f.read(&at, "additionalTrustedCA", |a| {
            let mut g = a.fields()?;
            Ok(ConfigMapNameReference {
                name: g.read(&a, "name", |n| n.string())?.unwrap_or_default(),
                extra: g.rest(&a)?,
            })
        })?,
        extra: f.rest(&at)?,
    })
}

/// Counts bytes written, for [`Object::json_size`].
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A render holds every item of its inputs at once (100 000 at the scale it is measured at), and almost no
    /// item has an unknown field: these pin the compact layout, where an `ImageMirrors` was 18 words (144 bytes)
    /// with a 72-byte empty map as `extra`. A field added here should be worth its bytes times the items.
    #[test]
    fn items_are_compact() {
        let word = size_of::<usize>();
        assert_eq!(size_of::<Extra>(), word);
        // source, mirrors, mirror_source_policy: three words each; extra: one. `Unknown(Box<str>)` would not
        // shrink the policy: a box's pointer has one niche, and the two named policies and `None` need three.
        assert_eq!(size_of::<ImageMirrors>(), 10 * word);
        // source, mirrors: three words each; extra: one.
        assert_eq!(size_of::<RepositoryDigestMirrors>(), 7 * word);
    }
}
