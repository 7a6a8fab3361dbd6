//! OpenShift image configuration objects: ImageContentSourcePolicy, ImageDigestMirrorSet,
//! ImageTagMirrorSet, the Image config, ClusterVersion, Secret and ConfigMap.
//!
//! - [`read_objects`] reads YAML streams (several documents, `kind: List`, JSON) under [`Limits`],
//!   with errors that name the file, document, object, field path and line.
//! - [`validate`] checks one object against the openshift/api rules.
//! - [`migrate_icsp`] turns ICSPs into IDMSs exactly as `oc adm migrate icsp` does.
//! - [`to_yaml`] writes any of these objects as Go YAML libraries do, for files and `oc apply -f -`.
//!
//! The crate knows nothing of registries.conf: it stops at the Kubernetes objects.
#![forbid(unsafe_code)]

mod emit;
mod error;
mod migrate;
mod model;
mod read;
mod tree;
mod validate;

pub use emit::{YamlStyle, to_yaml, to_yaml_stream, value_to_yaml};
pub use error::{Error, Where};
pub use migrate::{MigratedIdms, icsp_to_idms, idms_file_name, migrate_icsp};
pub use model::*;
pub use read::{Limits, Located, read_objects};
pub use validate::{Finding, validate};
