//! The cluster objects a node's files come from, gathered from input streams.
//!
//! Which object matters, as machine-config-operator reads them: every ImageContentSourcePolicy,
//! ImageDigestMirrorSet and ImageTagMirrorSet; the Image named `cluster`; the ClusterVersion named `version`; the
//! Secret `openshift-config/pull-secret`; the ConfigMaps of `openshift-config` (the one the Image's
//! `additionalTrustedCA` names is used). Anything else is reported, not silently dropped.

use icsp::{
    ClusterVersion, ConfigMap, Image, ImageContentSourcePolicy, ImageDigestMirrorSet,
    ImageTagMirrorSet, Limits, Located, Object, Secret,
};

use crate::Error;

/// The namespace of the cluster-wide configuration objects.
pub const CONFIG_NAMESPACE: &str = "openshift-config";
/// The release payload assumed when no ClusterVersion is given (it only matters to the blocked-registry check).
pub const DEFAULT_RELEASE_IMAGE: &str = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";

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
}

/// `file: document N[ item M] (Kind/name)`, for messages.
pub fn describe<T>(located: &Located<T>, kind_name: &str) -> String {
    let mut s = format!("{}: document {}", located.file, located.document);
    if let Some(item) = located.item {
        s.push_str(&format!(" item {item}"));
    }
    s.push_str(&format!(" ({kind_name})"));
    s
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
        let mut cluster = Cluster::default();
        for input in inputs {
            for located in icsp::read_objects(&input.name, &input.bytes, limits)? {
                cluster.add(located)?;
            }
        }
        Ok(cluster)
    }

    fn add(&mut self, located: Located<Object>) -> Result<(), Error> {
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
        let label = value.display_name();
        match value {
            Object::ImageContentSourcePolicy(o) => self.icsps.push(relocate(&meta, o)),
            Object::ImageDigestMirrorSet(o) => self.idms.push(relocate(&meta, o)),
            Object::ImageTagMirrorSet(o) => self.itms.push(relocate(&meta, o)),
            Object::Image(o) if o.metadata.name.as_deref() == Some("cluster") => {
                let new = relocate(&meta, o);
                if let Some(first) = &self.image {
                    return Err(Error::Inconsistent {
                        message: format!(
                            "two Image `cluster` objects: {} and {}",
                            describe(first, &label),
                            describe(&new, &label)
                        ),
                    });
                }
                self.image = Some(new);
            }
            Object::ClusterVersion(o) if o.metadata.name.as_deref() == Some("version") => {
                let new = relocate(&meta, o);
                if let Some(first) = &self.cluster_version {
                    return Err(Error::Inconsistent {
                        message: format!(
                            "two ClusterVersion `version` objects: {} and {}",
                            describe(first, &label),
                            describe(&new, &label)
                        ),
                    });
                }
                self.cluster_version = Some(new);
            }
            Object::Secret(o)
                if o.metadata.name.as_deref() == Some("pull-secret")
                    && in_config_namespace(o.metadata.namespace.as_deref()) =>
            {
                let new = relocate(&meta, o);
                if let Some(first) = &self.pull_secret {
                    return Err(Error::Inconsistent {
                        message: format!(
                            "two pull secrets: {} and {}",
                            describe(first, &label),
                            describe(&new, &label)
                        ),
                    });
                }
                self.pull_secret = Some(new);
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
            .ok_or_else(|| Error::Inconsistent {
                message: format!(
                    "{}: spec.additionalTrustedCA.name names ConfigMap {CONFIG_NAMESPACE}/{}, which is not among \
                     the inputs",
                    describe(image, "Image/cluster"),
                    reference.name
                ),
            })
    }
}
