//! The warnings of the plans and reports: typed values, each printed as one line after `warning:`.

use std::fmt;

use crate::node::paths;

/// Something worth a warning: the command goes on, the user should look.
#[derive(Debug)]
#[non_exhaustive]
pub enum Warning {
    /// An input object the API server would refuse (OpenShift never sees it).
    ApiWouldRefuse {
        /// Where the object was read (file, document, object).
        located: String,
        /// What the API server's validation says.
        finding: icsp::Finding,
    },
    /// An object `manifests` generates that the API server would refuse.
    GeneratedApiWouldRefuse {
        /// The object, `Kind/name`.
        object: String,
        /// What the API server's validation says.
        finding: icsp::Finding,
    },
    /// Reading the objects (`--validate=warn`, an object too large for client-side `oc apply`, ...).
    Objects(icsp::Issue),
    /// The release payload check (machine-config-operator's words).
    Payload(registries_conf::PayloadWarning),
    /// Rendering registries.conf (machine-config-operator's words).
    Render(registries_conf::RenderWarning),
    /// OpenShift would write this registries.conf, but containers/image refuses it.
    RuntimeRefuses(registries_conf::Error),
    /// policy.json is not written for a MicroShift host, though the objects allow or block registries.
    PolicyNotForMicroShift,
    /// The ConfigMap of CAs holds no bundle.
    EmptyTrustConfigMap {
        /// The ConfigMap, described (file, document, object).
        config_map: String,
    },
    /// A CA bundle, as the node will read it.
    Trust(trust_bundle::Warning),
    /// Reading a registries.conf (an ignored key, ...).
    RegistriesConf(registries_conf::Warning),
    /// The MachineConfig holding registries.conf is near (or over) what etcd stores.
    MachineConfigSize(crate::machine_config::MachineConfigSize),
    /// `manifests` without `--tags`: the mapping file's tag mirrors are left out.
    TagMirrorsLeftOut {
        /// The mapping file.
        file: String,
        /// The sources pulled by tag.
        sources: Vec<String>,
    },
    /// `manifests`: mirrors on another registry than `--registry`, for which nothing is set up.
    MirrorsElsewhere {
        /// The `--registry` value.
        registry: String,
        /// The other mirrors.
        mirrors: Vec<String>,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::ApiWouldRefuse { located, finding } => {
                write!(f, "the API server would refuse this: {located}: {finding}")
            }
            Warning::GeneratedApiWouldRefuse { object, finding } => {
                write!(f, "{object}: the API server would refuse this: {finding}")
            }
            Warning::Objects(issue) => write!(f, "{issue}"),
            Warning::Payload(w) => write!(f, "{w}"),
            Warning::Render(w) => write!(f, "{w}"),
            Warning::RuntimeRefuses(e) => write!(
                f,
                "OpenShift would write this {}, but containers/image (CRI-O, podman) refuses it, so every pull on \
                 the node would fail: {e}",
                paths::REGISTRIES_CONF
            ),
            Warning::PolicyNotForMicroShift => write!(
                f,
                "{}: not written for a MicroShift host: allowedRegistries is not enforced there (blocked \
                 registries are, through the drop-in)",
                paths::POLICY_JSON
            ),
            Warning::EmptyTrustConfigMap { config_map } => {
                write!(f, "{config_map}: the ConfigMap holds no CA bundle")
            }
            Warning::Trust(w) => write!(f, "{w}"),
            Warning::RegistriesConf(w) => write!(f, "{w}"),
            Warning::MachineConfigSize(size) if size.is_over() => {
                write!(f, "too large for the cluster: {size}")
            }
            Warning::MachineConfigSize(size) => write!(f, "near the cluster's limit: {size}"),
            Warning::TagMirrorsLeftOut { file, sources } => write!(
                f,
                "{file}: images pulled by tag from {} are left out; add --tags for an ImageTagMirrorSet",
                sources.join(", ")
            ),
            Warning::MirrorsElsewhere { registry, mirrors } => write!(
                f,
                "mirrors not on --registry {registry}: {} (these manifests set up no credentials or CA for them)",
                mirrors.join(", ")
            ),
        }
    }
}
