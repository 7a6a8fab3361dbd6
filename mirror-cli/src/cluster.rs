//! The cluster objects a node's files come from, gathered from input streams.
//!
//! Which object matters, as machine-config-operator reads them: every ImageContentSourcePolicy,
//! ImageDigestMirrorSet and ImageTagMirrorSet; the Image named `cluster`; the ClusterVersion named `version`; the
//! Secret `openshift-config/pull-secret`; the ConfigMaps of `openshift-config` (the one the Image's
//! `additionalTrustedCA` names is used). Anything else is reported, not silently dropped.

use std::fmt;

use dockerconfig::DockerConfig;
use icsp::{
    Base64Bytes, ClusterVersion, ConfigMap, Image, ImageContentSourcePolicy, ImageDigestMirrorSet,
    ImageTagMirrorSet, Limits, Located, Object, ObjectMeta, Secret, SecretBytes,
};

use crate::Error;

/// The namespace of the cluster-wide configuration objects.
pub const CONFIG_NAMESPACE: &str = "openshift-config";
/// The release payload assumed when no ClusterVersion is given (it only matters to the blocked-registry check).
pub const DEFAULT_RELEASE_IMAGE: &str = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// The Secret type OpenShift requires of the pull secret (machine-config-operator refuses any other).
pub const DOCKERCONFIGJSON_TYPE: &str = "kubernetes.io/dockerconfigjson";
/// The key of a `kubernetes.io/dockerconfigjson` Secret that holds the docker config JSON.
pub const DOCKERCONFIGJSON_KEY: &str = ".dockerconfigjson";

/// The procedure's own scenario (mirror.registry.com:443 for the OpenShift release), built into the binary.
pub const EXAMPLE: &str = include_str!("example/cluster.yaml");

/// Why a Secret cannot serve as a pull secret. `Display` is the reason alone (machine-config-operator's words for
/// the type); callers say where the Secret was read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PullSecretRefusal {
    /// The Secret's `type` is not `kubernetes.io/dockerconfigjson`.
    WrongType {
        /// The Secret, `namespace/name`.
        secret: String,
        /// The type found (empty when unset).
        found: String,
    },
    /// The Secret has no `.dockerconfigjson` in `data` or `stringData`.
    MissingKey {
        /// The Secret, `namespace/name`.
        secret: String,
        /// The keys it has, sorted.
        keys: Vec<String>,
    },
}

impl fmt::Display for PullSecretRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PullSecretRefusal::WrongType { found, .. } => {
                write!(
                    f,
                    "expected secret type {DOCKERCONFIGJSON_TYPE} found {found}"
                )
            }
            PullSecretRefusal::MissingKey { keys, .. } => write!(
                f,
                "the Secret has no {DOCKERCONFIGJSON_KEY} key (keys: {})",
                keys.join(", ")
            ),
        }
    }
}

impl std::error::Error for PullSecretRefusal {}

/// A Secret's `namespace/name` (`name` alone without a namespace), for messages.
pub fn secret_name(secret: &Secret) -> String {
    let name = secret.metadata.name.as_deref().unwrap_or("<unnamed>");
    match secret.metadata.namespace.as_deref() {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_owned(),
    }
}

/// The docker config JSON a pull secret holds, checked as machine-config-operator checks the Secret: its type must
/// be `kubernetes.io/dockerconfigjson`, and the bytes are its `.dockerconfigjson` (`stringData` wins over `data`,
/// as on the server).
pub fn dockerconfigjson(secret: &Secret) -> Result<&[u8], PullSecretRefusal> {
    let found = secret.type_.as_deref().unwrap_or("");
    if found != DOCKERCONFIGJSON_TYPE {
        return Err(PullSecretRefusal::WrongType {
            secret: secret_name(secret),
            found: found.to_owned(),
        });
    }
    secret
        .get(DOCKERCONFIGJSON_KEY)
        .ok_or_else(|| PullSecretRefusal::MissingKey {
            secret: secret_name(secret),
            keys: secret.keys().into_iter().map(str::to_owned).collect(),
        })
}

/// Makes `secret` a pull secret holding `config`: its type `kubernetes.io/dockerconfigjson`, and `config` (in the
/// `auths` format, compact) as `data[".dockerconfigjson"]`. Any `stringData` value for the key is dropped: it would
/// override `data` on the server.
pub fn store_dockerconfigjson(secret: &mut Secret, config: &DockerConfig) {
    secret.type_ = Some(DOCKERCONFIGJSON_TYPE.to_owned());
    secret.string_data.remove(DOCKERCONFIGJSON_KEY);
    let bytes = config.clone().into_auths_format().to_compact();
    secret.data.insert(
        DOCKERCONFIGJSON_KEY.to_owned(),
        SecretBytes::new(bytes.to_vec()),
    );
}

/// A ConfigMap's maps as trust-bundle reads them (`binaryData` already decoded by icsp).
pub fn trust_data(config_map: &ConfigMap) -> trust_bundle::ConfigMapData {
    trust_bundle::ConfigMapData {
        data: config_map.data.clone(),
        binary_data: (config_map.binary_data.iter())
            .map(|(key, bytes)| (key.clone(), bytes.0.clone()))
            .collect(),
    }
}

/// The ConfigMap object for checked pairs, as `oc create configmap --from-file` builds it.
pub fn ca_config_map(
    name: &str,
    namespace: &str,
    files: &[(String, String, Vec<u8>)],
) -> Result<ConfigMap, Error> {
    let data = trust_bundle::build_config_map(
        files
            .iter()
            .map(|(host, path, bytes)| (host.as_str(), path.as_str(), bytes.as_slice())),
    )?;
    let binary_data = (data.binary_data.into_iter())
        .map(|(key, bytes)| (key, Base64Bytes(bytes)))
        .collect();
    let mut metadata = ObjectMeta::named(name);
    metadata.namespace = Some(namespace.to_owned());
    Ok(ConfigMap {
        metadata,
        data: data.data,
        binary_data,
        extra: Default::default(),
    })
}

/// The inputs of a request, the example first when asked.
pub fn all_inputs(inputs: &[Input], example: bool) -> Vec<Input> {
    let mut all = Vec::with_capacity(inputs.len() + 1);
    all.extend(example_input(example));
    all.extend(inputs.iter().cloned());
    all
}

/// The built-in example as an input, when asked.
pub(crate) fn example_input(example: bool) -> Option<Input> {
    example.then(|| Input {
        name: "<built-in example>".into(),
        bytes: EXAMPLE.as_bytes().to_vec(),
    })
}

/// One input: a name for messages (a path, or `-` for stdin) and its bytes.
#[derive(Clone)]
pub struct Input {
    /// The name used in messages.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Input {
    /// The bytes may hold a pull secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The objects that shape a node, each with where it was read.
#[derive(Debug, Default)]
pub struct Cluster {
    /// ImageContentSourcePolicy objects.
    pub icsps: Vec<Located<ImageContentSourcePolicy>>,
    /// ImageDigestMirrorSet objects.
    pub idms: Vec<Located<ImageDigestMirrorSet>>,
    /// ImageTagMirrorSet objects.
    pub itms: Vec<Located<ImageTagMirrorSet>>,
    /// The Image `cluster`.
    pub image: Option<Located<Image>>,
    /// The ClusterVersion `version`.
    pub cluster_version: Option<Located<ClusterVersion>>,
    /// The Secret `openshift-config/pull-secret`.
    pub pull_secret: Option<Located<Secret>>,
    /// ConfigMaps of `openshift-config`.
    pub config_maps: Vec<Located<ConfigMap>>,
    /// What was read but plays no part, one line each (reported to the user).
    pub ignored: Vec<String>,
    /// How many objects were read and how many shape node files.
    pub summary: ReadSummary,
    /// What reading found that does not stop it (with `--validate=warn`, the API server's rules; always, objects
    /// too large for client-side `oc apply`, ICSPs beside IDMS/ITMS).
    pub read_warnings: Vec<icsp::Issue>,
}

/// What the inputs held, for the refusal when none of it shapes node files: a render from an empty stream (an `oc
/// get` that failed upstream of a pipe) would replace the node's files with the templates.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReadSummary {
    /// The inputs' names, in order.
    pub inputs: Vec<String>,
    /// What they held: objects, kinds, the first names, how many shape node files (icsp's rule).
    pub read: icsp::Summary,
}

impl ReadSummary {
    /// How many input names a message lists.
    const INPUTS_SHOWN: usize = 3;

    /// The inputs, as the start of a message: `a.yaml`, `a.yaml, b.yaml`, `a.yaml, b.yaml, c.yaml and 2 more`.
    pub fn inputs_text(&self) -> String {
        let mut text = self
            .inputs
            .iter()
            .take(Self::INPUTS_SHOWN)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        if self.inputs.len() > Self::INPUTS_SHOWN {
            text.push_str(&format!(
                " and {} more",
                self.inputs.len() - Self::INPUTS_SHOWN
            ));
        }
        if text.is_empty() {
            text.push_str("<no input>");
        }
        text
    }
}

impl fmt::Display for ReadSummary {
    /// icsp's words: `no objects passed`, or `read 2 objects: Pod/p, Service/s; none shapes node files`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.read.fmt(f)
    }
}

/// `file: document N[ item M] (Kind/name)`, for messages.
pub fn describe<T>(located: &Located<T>, kind_name: &str) -> String {
    let mut s = format!("{}: document {}", located.file, located.document);
    if let Some(item) = located.item {
        s.push_str(&format!(" item {item}"));
    }
    // Names come from the objects: escaped, never sent raw to a terminal.
    s.push_str(&format!(" ({})", crate::shown::shown(kind_name)));
    s
}

/// Fills `slot` with the one object OpenShift reads of its kind; a second is an error naming both.
fn set_once<T>(
    slot: &mut Option<Located<T>>,
    new: Located<T>,
    what: &'static str,
    label: &str,
) -> Result<(), Error> {
    if let Some(first) = slot {
        return Err(Error::TwoObjects {
            what,
            first: describe(first, label),
            second: describe(&new, label),
        });
    }
    *slot = Some(new);
    Ok(())
}

/// The same location with another value.
fn relocate<U>(meta: &Located<()>, value: U) -> Located<U> {
    Located {
        file: meta.file.clone(),
        document: meta.document,
        item: meta.item,
        line: meta.line,
        value,
    }
}

fn in_config_namespace(namespace: Option<&str>) -> bool {
    namespace.is_none_or(|ns| ns == CONFIG_NAMESPACE)
}

impl Cluster {
    /// Reads every input and sorts its objects. Fails on the first unreadable input, naming it.
    pub fn read(inputs: &[Input], limits: &Limits) -> Result<Cluster, Error> {
        let options = icsp::ReadOptions {
            limits: limits.clone(),
            strictness: icsp::Strictness::Strict,
        };
        Cluster::read_with(inputs, &options)
    }

    /// Reads every input as [`Cluster::read`] does, with the API server's rules applied as `options.strictness`
    /// says (kubectl's `--validate`): within each stream by icsp, and across the streams here (two objects of
    /// one kind with one name in two files).
    pub fn read_with<'a>(
        inputs: impl IntoIterator<Item = &'a Input>,
        options: &icsp::ReadOptions,
    ) -> Result<Cluster, Error> {
        let mut streams = Vec::new();
        for input in inputs {
            streams.push((
                input.name.clone(),
                icsp::read_stream(&input.name, &input.bytes, options)?,
            ));
        }
        Cluster::from_streams(streams, options.strictness)
    }

    /// The cluster of streams already read (each with its input's name), the rules across them applied as
    /// `strictness` says.
    pub fn from_streams(
        streams: Vec<(String, icsp::Stream)>,
        strictness: icsp::Strictness,
    ) -> Result<Cluster, Error> {
        let mut cluster = Cluster::default();
        let several = streams.len() > 1;
        let mut objects = Vec::new();
        for (name, stream) in streams {
            cluster.begin_input(&name);
            cluster.read_warnings.extend(stream.warnings);
            objects.extend(stream.objects);
        }
        if several {
            for issue in icsp::cross_object_issues(&objects) {
                if cluster.read_warnings.contains(&issue) {
                    continue; // already found within one stream
                }
                match (issue.kind, strictness) {
                    (icsp::IssueKind::DuplicateObject, icsp::Strictness::Strict) => {
                        return Err(Error::Objects(icsp::Error::Rejected(Box::new(issue))));
                    }
                    (icsp::IssueKind::DuplicateObject, icsp::Strictness::Ignore) => {}
                    _ => cluster.read_warnings.push(issue),
                }
            }
        }
        for located in objects {
            cluster.add(located)?;
        }
        Ok(cluster)
    }

    /// Records that the objects added next come from the input `name`.
    pub(crate) fn begin_input(&mut self, name: &str) {
        self.summary.inputs.push(name.to_owned());
    }

    /// Refuses objects of which none shapes a node's files (and no object at all): rendering from them would
    /// replace the node's files with the templates, dropping every mirror, credential and CA.
    pub fn require_shaping(&self) -> Result<(), Error> {
        if self.summary.read.shaping == 0 {
            return Err(Error::NothingShapesNodes(self.summary.clone()));
        }
        Ok(())
    }

    /// Sorts in one object read from the input last named to [`Cluster::begin_input`].
    pub(crate) fn add(&mut self, located: Located<Object>) -> Result<(), Error> {
        let Located {
            file,
            document,
            item,
            line,
            value,
        } = located;
        let meta = Located {
            file,
            document,
            item,
            line,
            value: (),
        };
        self.summary.read.add(&value);
        let label = value.display_name();
        self.add_object(meta, value, &label)
    }

    /// Sorts one object in; one that plays no part is listed in `ignored`.
    fn add_object(&mut self, meta: Located<()>, value: Object, label: &str) -> Result<(), Error> {
        match value {
            Object::ImageContentSourcePolicy(o) => self.icsps.push(relocate(&meta, o)),
            Object::ImageDigestMirrorSet(o) => self.idms.push(relocate(&meta, o)),
            Object::ImageTagMirrorSet(o) => self.itms.push(relocate(&meta, o)),
            Object::Image(o) if o.metadata.name.as_deref() == Some("cluster") => {
                set_once(
                    &mut self.image,
                    relocate(&meta, o),
                    "Image `cluster` objects",
                    label,
                )?;
            }
            Object::ClusterVersion(o) if o.metadata.name.as_deref() == Some("version") => {
                set_once(
                    &mut self.cluster_version,
                    relocate(&meta, o),
                    "ClusterVersion `version` objects",
                    label,
                )?;
            }
            Object::Secret(o)
                if o.metadata.name.as_deref() == Some("pull-secret")
                    && in_config_namespace(o.metadata.namespace.as_deref()) =>
            {
                set_once(
                    &mut self.pull_secret,
                    relocate(&meta, o),
                    "pull secrets",
                    label,
                )?;
            }
            Object::ConfigMap(o) if in_config_namespace(o.metadata.namespace.as_deref()) => {
                self.config_maps.push(relocate(&meta, o));
            }
            other => {
                let why = match &other {
                    Object::Image(_) => "only the Image named `cluster` configures nodes",
                    Object::ClusterVersion(_) => {
                        "only the ClusterVersion named `version` names the payload"
                    }
                    Object::Secret(_) => {
                        "only the Secret openshift-config/pull-secret reaches nodes"
                    }
                    Object::ConfigMap(_) => {
                        "only ConfigMaps in openshift-config can hold registry CAs"
                    }
                    _ => "this kind does not shape a node's registry files",
                };
                self.ignored.push(format!(
                    "{}: ignored: {why}",
                    describe(&meta, &other.display_name())
                ));
            }
        }
        Ok(())
    }

    /// The release payload reference: the ClusterVersion's `status.desired.image`, else [`DEFAULT_RELEASE_IMAGE`].
    pub fn release_image(&self) -> &str {
        self.cluster_version
            .as_ref()
            .and_then(|cv| cv.value.desired_image())
            .unwrap_or(DEFAULT_RELEASE_IMAGE)
    }

    /// The ConfigMap the Image `cluster` names in `spec.additionalTrustedCA`, if it names one.
    ///
    /// It is an error when the Image names a ConfigMap that is not among the inputs: the node's CAs would be
    /// silently missing.
    pub fn trusted_ca_config_map(&self) -> Result<Option<&Located<ConfigMap>>, Error> {
        let Some(image) = &self.image else {
            return Ok(None);
        };
        let Some(reference) = &image.value.spec.additional_trusted_ca else {
            return Ok(None);
        };
        if reference.name.is_empty() {
            return Ok(None);
        }
        self.config_maps
            .iter()
            .find(|cm| cm.value.metadata.name.as_deref() == Some(reference.name.as_str()))
            .map(Some)
            .ok_or_else(|| Error::MissingConfigMap {
                image: describe(image, "Image/cluster"),
                name: reference.name.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(type_: Option<&str>, key: &str) -> Secret {
        let mut secret = Secret::default();
        secret.metadata.name = Some("pull-secret".into());
        secret.metadata.namespace = Some(CONFIG_NAMESPACE.into());
        secret.type_ = type_.map(str::to_owned);
        secret
            .data
            .insert(key.to_owned(), SecretBytes::new(b"{}".to_vec()));
        secret
    }

    #[test]
    fn a_pull_secret_must_be_a_dockerconfigjson_secret() {
        let ok = secret(Some(DOCKERCONFIGJSON_TYPE), DOCKERCONFIGJSON_KEY);
        assert_eq!(dockerconfigjson(&ok).unwrap(), b"{}");

        let refusal = dockerconfigjson(&secret(Some("Opaque"), DOCKERCONFIGJSON_KEY)).unwrap_err();
        // machine-config-operator's own words.
        assert_eq!(
            refusal.to_string(),
            "expected secret type kubernetes.io/dockerconfigjson found Opaque"
        );
        assert!(
            matches!(&refusal, PullSecretRefusal::WrongType { secret, .. } if secret == "openshift-config/pull-secret")
        );
        let refusal = dockerconfigjson(&secret(None, DOCKERCONFIGJSON_KEY)).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "expected secret type kubernetes.io/dockerconfigjson found "
        );

        let refusal = dockerconfigjson(&secret(Some(DOCKERCONFIGJSON_TYPE), "other")).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "the Secret has no .dockerconfigjson key (keys: other)"
        );
    }

    #[test]
    fn a_stored_pull_secret_is_compact_auths_json_in_data() {
        let legacy = DockerConfig::parse(
            br#"{ "https://index.docker.io/v1/": {"auth": "YTpi", "email": "e@x"} }"#,
            "dockercfg",
        )
        .unwrap();
        let mut secret = secret(Some("Opaque"), "other");
        secret.string_data.insert(
            DOCKERCONFIGJSON_KEY.to_owned(),
            icsp::SecretText::new("stale".to_owned()),
        );
        store_dockerconfigjson(&mut secret, &legacy);
        assert_eq!(secret.type_.as_deref(), Some(DOCKERCONFIGJSON_TYPE));
        assert!(secret.string_data.is_empty());
        assert_eq!(
            dockerconfigjson(&secret).unwrap(),
            br#"{"auths":{"https://index.docker.io/v1/":{"auth":"YTpi","email":"e@x"}}}"#
        );
    }
}
