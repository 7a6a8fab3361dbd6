//! containers-registries.conf(5) version 2, the file that tells podman, CRI-O, skopeo and buildah where to pull
//! images from: render it from plain mirror rules exactly as OpenShift does, parse and validate it as
//! containers/image does, edit it without losing a comment, and resolve the pull sources of an image reference.
//!
//! - Rendering: [`MirrorRules`] (what ImageDigestMirrorSet, ImageContentSourcePolicy, ImageTagMirrorSet and the
//!   Image config say, as plain lists) → [`render`] → [`Rendered`] (the bytes of `/etc/containers/registries.conf`
//!   and the search-registries drop-in, byte for byte as the machine-config-operator writes them). The release
//!   payload's check of the blocked registries comes first: [`check_blocked_registries`].
//! - Reading: [`parse`] / [`parse_drop_in`] give the file as written ([`ParsedFile`], with a [`Warning`] per
//!   ignored key); [`validate`] gives the [`RegistriesConf`] containers/image works with, or its error, word for
//!   word; [`load`] / [`load_in_memory`] merge a main file with its `registries.conf.d` drop-ins.
//! - Comparing: [`RegistriesConf::meaning`] → [`Meaning`]; [`Meaning::differences`] says how two files differ in
//!   what they do, whatever their spelling.
//! - Editing: [`Editor`] adds, replaces and removes `[[registry]]` and `[[registry.mirror]]` tables, keeping
//!   everything else byte for byte.
//! - Resolving: [`Resolver`] gives the [`PullSource`]s containers/image tries for a reference, in order;
//!   [`ShortNames`] gives the candidates CRI-O or podman try for a short name, each with its pull sources.
//! - Writing a model: [`encode`].
//!
//! ```
//! use registries_conf::{Layout, MirrorRules, MirrorSet, Resolver, parse, render, validate};
//!
//! // What an ImageDigestMirrorSet says, without Kubernetes.
//! let rules = MirrorRules {
//!     digest_mirror_sets: vec![MirrorSet::new(
//!         "quay.io/openshift-release-dev/ocp-release",
//!         ["mirror.example.com:5000/ocp/release"],
//!     )],
//!     ..MirrorRules::default()
//! };
//! let rendered = render(&rules, Layout::Current)?;
//! assert!(rendered.registries_conf.contains("pull-from-mirror = \"digest-only\""));
//!
//! // Read it back as containers/image does, and ask where a pull by digest goes.
//! let config = validate(&parse("/etc/containers/registries.conf", rendered.registries_conf.as_bytes())?)?;
//! let digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
//! let sources = Resolver::new(&config)
//!     .pull_sources(&format!("quay.io/openshift-release-dev/ocp-release@{digest}"))?;
//! let tried: Vec<&str> = sources.iter().map(|s| s.reference.as_str()).collect();
//! assert_eq!(
//!     tried,
//!     [
//!         format!("mirror.example.com:5000/ocp/release@{digest}"),
//!         format!("quay.io/openshift-release-dev/ocp-release@{digest}"),
//!     ]
//! );
//! # Ok::<(), registries_conf::Error>(())
//! ```
//!
//! This crate knows nothing of Kubernetes (its inputs are plain rules and files) and nothing of other formats
//! (policy.json is the `policy-json` crate's); it touches the disk only in [`load`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod dropin;
mod edit;
mod encode;
mod error;
mod meaning;
mod model;
mod parse;
mod parse_fast;
mod render;
mod render_merge;
mod render_payload;
mod resolve;
mod rules;
mod scope_index;
mod shortnames;
mod validate;

pub use dropin::{InMemoryFile, Loaded, load, load_in_memory};
pub use edit::Editor;
pub use encode::{Layout, encode, encode_search_registries_drop_in};
pub use error::{Error, ErrorKind};
pub use meaning::{Difference, Meaning, MirrorMeaning, ScopeMeaning};
pub use model::{Mirror, MirrorUsage, PullFromMirror, RegistriesConf, Registry};
pub use parse::{
    MAX_INPUT_BYTES, ParsedFile, Warning, WarningKind, parse, parse_drop_in, parse_lossless,
    parses_fast,
};
pub use render::{
    REGISTRIES_CONF_PATH, RegistriesConfText, RenderWarning, Rendered,
    SEARCH_REGISTRIES_DROP_IN_PATH, TEMPLATE, TEMPLATE_SEARCH_REGISTRIES, registry_tables, render,
    render_model, render_unencoded,
};
pub use render_payload::{PayloadCheck, PayloadWarning, check_blocked_registries};
pub use resolve::{
    Blocked, DEFAULT_CONFIG_DIR_PATH, DEFAULT_CONFIG_PATH, PullSource, Resolver,
    matching_prefix_len,
};
pub use rules::{MirrorRules, MirrorSet, SourcePolicy};
pub use shortnames::{
    Candidate, ErrorText, ROOT_SHORT_NAME_ALIASES_PATH, Rationale, ShortNameAliases,
    ShortNameClient, ShortNameMode, ShortNameResolution, ShortNames, parse_short_name_aliases,
};
pub use validate::{validate, validate_model};
