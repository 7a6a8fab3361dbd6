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

mod checks;
mod emit;
mod error;
mod migrate;
mod model;
mod read;
mod scalar;
mod schema;
mod tree;
mod validate;
mod yaml;

pub use checks::{
    TOTAL_ANNOTATION_SIZE_LIMIT, cross_object_issues, duplicates, icsp_beside_mirror_sets,
    no_mirror_object,
};
pub use emit::{YamlStyle, to_yaml, to_yaml_stream, value_to_yaml};
pub use error::{Error, Issue, IssueKind, MAX_QUOTED_CHARS, Where, quote};
pub use migrate::{MigratedIdms, icsp_to_idms, idms_file_name, migrate_icsp};
pub use model::*;
pub use read::{
    DEFAULT_MAX_ALIAS_EXPANSION, DEFAULT_MAX_ALIASES, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_DOCUMENTS, DEFAULT_MAX_NODES, Limits, Located, ReadOptions, Stream, Strictness,
    Summary, read_objects, read_stream, shapes_node_files,
};
pub use validate::{Finding, validate};
