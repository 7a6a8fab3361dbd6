//! The library half of `mirror-cli`: OpenShift's cluster semantics on top of the format crates. It decides which
//! cluster object feeds which node file (ImageContentSourcePolicy / ImageDigestMirrorSet / ImageTagMirrorSet, the
//! Image `cluster`, the ClusterVersion, the pull secret Secret, the CA ConfigMap), renders a node's files byte for
//! byte as the machine-config-operator would ([`node::plan`]), writes them all or nothing ([`writer`]), and holds
//! each command as a function from a typed request to output ([`commands`]), so the binary only parses arguments.
//!
//! Each file format is another crate's (`registries-conf`, `policy-json`, `dockerconfig`, `trust-bundle`, `icsp`);
//! this crate only connects them. Errors are one [`Error`] that keeps the other crates' errors as causes, and
//! warnings are typed [`Warning`] values.
//!
//! ```
//! use mirror_cli::cluster::{Cluster, EXAMPLE, Input};
//! use mirror_cli::node::{RenderOptions, paths, plan};
//!
//! // The procedure's own scenario: the OpenShift release mirrored at mirror.registry.com:443.
//! let inputs = [Input { name: "cluster.yaml".into(), bytes: EXAMPLE.as_bytes().to_vec() }];
//! let cluster = Cluster::read(&inputs, &icsp::Limits::default())?;
//! let node = plan(&cluster, &RenderOptions::default())?;
//! let registries_conf = node
//!     .files
//!     .iter()
//!     .find(|file| file.path.as_os_str() == paths::REGISTRIES_CONF)
//!     .expect("the mirrors change registries.conf");
//! let text = String::from_utf8_lossy(&registries_conf.bytes);
//! assert!(text.contains(r#"location = "mirror.registry.com:443/ocp/release""#));
//! # Ok::<(), mirror_cli::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bounds;
pub mod cluster;
pub mod commands;
mod error;
pub mod explain;
mod input;
pub mod mapping;
pub mod node;
mod output;
pub mod probe;
pub mod pull_secret;
pub mod shown;
mod text_diff;
mod warning;
pub mod writer;

pub use error::{Error, NotAPullSecret};
pub use text_diff::unified_diff;
pub use warning::Warning;
