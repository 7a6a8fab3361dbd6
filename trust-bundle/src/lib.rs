//! Per-registry CA bundles: ConfigMap keys to `certs.d` folders, and PEM / X.509 checks.
//!
//! The flow, all pure:
//! [`read_config_map`] (or [`build_config_map`] from `HOST[:PORT]=FILE` pairs) →
//! [`check_bundles`] / [`check_bundle`] → [`node_files`] ([`plan_node_files`] does both), the rows an atomic writer puts
//! under a root. The crate knows no YAML: a ConfigMap is two plain maps ([`ConfigMapData`]).
//!
//! ```
//! use trust_bundle::{ConfigMapData, read_config_map, node_files};
//! let mut cm = ConfigMapData::default();
//! cm.data.insert("mirror.example.com..5000".into(), "-----BEGIN CERTIFICATE-----\n...".into());
//! let bundles = read_config_map(&cm)?;
//! let files = node_files(&bundles)?;
//! assert_eq!(files[2].path.to_str(), Some("etc/docker/certs.d/mirror.example.com:5000/ca.crt"));
//! # Ok::<(), trust_bundle::Error>(())
//! ```
#![forbid(unsafe_code)]

mod check;
mod configmap;
mod error;
mod layout;
mod naming;
mod report;
mod warning;

pub use check::{BundleReport, CertificateInfo, MAX_BUNDLE_BYTES, check_bundle, rfc3339};
pub use configmap::{
    Bundle, ConfigMapData, FromFile, build_config_map, parse_from_file_arg, read_config_map,
};
pub use error::{Error, Origin};
pub use layout::{
    CA_FILE, CERTS_D, DIR_MODE, FILE_MODE, NodeFile, S_IFDIR, S_IFREG, check_relative, node_files,
};
pub use naming::{
    MAX_KEY_LEN, Naming, check_registry_host, folder_for_key, key_for_host, mco_folder_name,
    node_ca_folder_name, validate_config_map_key,
};
pub use report::{KeyCheck, Plan, check_bundles, plan_node_files, render_text};
pub use rustls_pki_types::UnixTime;
pub use warning::Warning;
