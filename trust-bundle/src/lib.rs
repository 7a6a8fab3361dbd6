//! Per-registry CA bundles: ConfigMap keys to `certs.d` folders, and PEM / X.509 checks.
//!
//! The flow, all pure:
//! [`read_config_map`] (or [`build_config_map`] from `HOST[:PORT]=FILE` pairs) →
//! [`check_bundles`] / [`check_bundle`] → [`folders`] ([`plan_folders`] does both): per registry, its
//! `certs.d` folder name and the bytes. The crate knows no YAML (a ConfigMap is two plain maps,
//! [`ConfigMapData`]) and no host layout (where `certs.d` lives, file names and modes are the caller's).
//!
//! ```
//! use trust_bundle::{ConfigMapData, UnixTime, folders, plan_folders, read_config_map};
//!
//! let mut cm = ConfigMapData::default();
//! cm.data.insert("mirror.example.com..5000".into(), "-----BEGIN CERTIFICATE-----\n...".into());
//! let bundles = read_config_map(&cm)?;
//! // The folder a host keeps this registry's CAs in (on a node: /etc/docker/certs.d/<folder>/ca.crt).
//! let folders = folders(&bundles)?;
//! assert_eq!(folders[0].folder(), "mirror.example.com:5000");
//! // Checked as containers/image will load it, this bundle is refused.
//! let refused = plan_folders(&bundles, UnixTime::now()).unwrap_err();
//! assert_eq!(
//!     refused.to_string(),
//!     r#"data["mirror.example.com..5000"]: line 1: broken PEM: no END line for the "CERTIFICATE" block"#
//! );
//! # Ok::<(), trust_bundle::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod check;
mod classify;
mod configmap;
mod error;
mod naming;
mod report;
mod warning;

pub use check::{
    BundleReport, CertificateInfo, CheckPolicy, MAX_BUNDLE_BYTES, OutOfValidity, check_bundle,
    check_bundle_with, rfc3339,
};
pub use classify::{CaFile, classify_ca_file};
pub use configmap::{
    Bundle, ConfigMapData, FromFile, build_config_map, parse_from_file_arg, read_config_map,
};
pub use error::{Error, Origin, OutOfValidityCertificate, X509ParseError};
pub use naming::{
    MAX_KEY_LEN, Naming, check_registry_host, folder_for_key, key_for_host, mco_folder_name,
    node_ca_folder_name, validate_config_map_key,
};
pub use report::{
    FolderBundle, KeyCheck, Plan, check_bundles, check_bundles_with, folders, plan_folders,
    plan_folders_with, render_text,
};
pub use rustls_pki_types::UnixTime;
pub use warning::Warning;
