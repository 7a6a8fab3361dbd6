//! OpenShift image configuration objects: ImageContentSourcePolicy, ImageDigestMirrorSet,
//! ImageTagMirrorSet, the Image config, ClusterVersion, Secret and ConfigMap.
//!
//! - [`read_stream`] (and [`read_objects`]) read YAML streams (several documents, `kind: List`, JSON) under
//!   [`Limits`], as the API server decodes them: YAML 1.1 scalars and tags as sigs.k8s.io/yaml reads them,
//!   unknown fields, apiVersions, names and duplicates as [`Strictness`] says (kubectl's
//!   `--validate=strict|warn|ignore`). Errors name the file, document, object, field path and line; input text
//!   in messages is escaped and cut ([`quote`]). A [`Stream`] tells what was read ([`Summary`]) and carries
//!   typed warnings ([`Issue`]): objects too large for client-side `oc apply`, ICSPs beside IDMS/ITMS.
//! - [`shapes_node_files`], [`no_mirror_object`] and [`cross_object_issues`] say what commands need across inputs.
//! - [`validate`] checks one object against the openshift/api rules.
//! - [`migrate_icsp`] turns ICSPs into IDMSs exactly as `oc adm migrate icsp` does.
//! - [`to_yaml`] writes any of these objects as Go YAML libraries do, for files and `oc apply -f -`.
//!
//! The crate knows nothing of registries.conf: it stops at the Kubernetes objects. The README has the bounds
//! and their reasons, the API server's words for each rule, and the speed and memory figures.
#![forbid(unsafe_code)]

mod checks;
mod emit;
mod error;
mod extra;
mod json;
mod migrate;
mod model;
mod read;
mod scalar;
mod schema;
mod tree;
mod validate;
mod yaml;
mod yaml_block;

pub use checks::{
    TOTAL_ANNOTATION_SIZE_LIMIT, cross_object_issues, duplicates, icsp_beside_mirror_sets,
    no_mirror_object,
};
pub use emit::{YamlStyle, to_yaml, to_yaml_stream, value_to_yaml};
pub use error::{Error, Issue, IssueKind, MAX_QUOTED_CHARS, Where, quote};
pub use extra::Extra;
pub use migrate::{MigratedIdms, icsp_to_idms, idms_file_name, migrate_icsp};
pub use model::*;
pub use read::{
    DEFAULT_MAX_ALIAS_EXPANSION, DEFAULT_MAX_ALIASES, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_DOCUMENTS, DEFAULT_MAX_NODES, Limits, Located, ReadOptions, Stream, Strictness,
    Summary, read_objects, read_stream, shapes_node_files,
};
pub use validate::{Finding, validate};

/// For tests and fuzzing: the complete reader alone, without the JSON fast path, to check both read alike.
#[doc(hidden)]
pub fn read_stream_complete(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Stream, Error> {
    let text = read::checked_text(name, bytes, &options.limits)?;
    read::read_complete(name, text, options)
}

/// For tests and fuzzing: the fast paths alone (JSON, or block YAML): `None` where they step aside for the
/// complete reader. Tests use it to see that what kubectl and oc print takes the fast path.
#[doc(hidden)]
pub fn read_stream_fast(name: &str, bytes: &[u8], options: &ReadOptions) -> Option<Stream> {
    let text = read::checked_text(name, bytes, &options.limits).ok()?;
    read::read_fast(name, text, options)
}
