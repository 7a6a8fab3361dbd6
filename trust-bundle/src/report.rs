//! Checking every bundle of a ConfigMap at once, without stopping at the first problem.

use std::fmt::Write as _;

use rustls_pki_types::UnixTime;

use crate::check::{BundleReport, check_bundle};
use crate::configmap::Bundle;
use crate::error::{Error, Origin};
use crate::layout::{NodeFile, node_files};
use crate::naming::{folder_for_key, mco_folder_name, node_ca_folder_name};
use crate::warning::Warning;

/// Everything found about one key: its folder and its bundle, each accepted or refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    /// The ConfigMap key.
    pub key: String,
    /// Where the bundle came from.
    pub origin: Origin,
    /// The `certs.d` folder, or why the key is refused.
    pub folder: Result<String, Error>,
    /// Warnings about the key itself (also for a refused key, e.g. the node-ca rule).
    pub naming_warnings: Vec<Warning>,
    /// The bundle's report, or why it is refused.
    pub bundle: Result<BundleReport, Error>,
}

impl KeyCheck {
    /// Whether both the key and the bundle are accepted.
    pub fn is_accepted(&self) -> bool {
        self.folder.is_ok() && self.bundle.is_ok()
    }

    /// Every warning: the key's, then the bundle's.
    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        let bundle = self
            .bundle
            .as_ref()
            .map(|r| r.warnings.as_slice())
            .unwrap_or(&[]);
        self.naming_warnings.iter().chain(bundle)
    }

    /// Every refusal: the key's, then the bundle's.
    pub fn errors(&self) -> impl Iterator<Item = &Error> {
        self.folder
            .as_ref()
            .err()
            .into_iter()
            .chain(self.bundle.as_ref().err())
    }
}

/// Checks the key and the bundle of every entry, in order, judged at `now`.
pub fn check_bundles(bundles: &[Bundle], now: UnixTime) -> Vec<KeyCheck> {
    bundles
        .iter()
        .map(|bundle| {
            let (folder, naming_warnings) = match folder_for_key(&bundle.key) {
                Ok(naming) => (Ok(naming.folder), naming.warnings),
                Err(error) => {
                    // The node-ca rule is worth showing even when the key is refused.
                    let (mco, legacy) = (
                        mco_folder_name(&bundle.key),
                        node_ca_folder_name(&bundle.key),
                    );
                    let warnings =
                        if mco != legacy && matches!(error, Error::NotRegistryHost { .. }) {
                            vec![Warning::LegacyNamingDiffers {
                                key: bundle.key.clone(),
                                folder: mco,
                                legacy_folder: legacy,
                            }]
                        } else {
                            Vec::new()
                        };
                    (Err(error), warnings)
                }
            };
            KeyCheck {
                key: bundle.key.clone(),
                origin: bundle.origin.clone(),
                folder,
                naming_warnings,
                bundle: check_bundle(bundle, now),
            }
        })
        .collect()
}

/// A plain-text report, one block per key: what a user reads before applying.
pub fn render_text(checks: &[KeyCheck]) -> String {
    let mut out = String::new();
    for check in checks {
        let verdict = if check.is_accepted() { "ok" } else { "REFUSED" };
        let _ = writeln!(out, "{}[{:?}]: {verdict}", check.origin, check.key);
        if let Ok(folder) = &check.folder {
            let _ = writeln!(out, "  file: etc/docker/certs.d/{folder}/ca.crt");
        }
        if let Ok(report) = &check.bundle {
            for cert in &report.certificates {
                let _ = writeln!(
                    out,
                    "  #{} subject: {}\n     issuer: {}\n     not after: {}{}",
                    cert.index,
                    cert.subject,
                    cert.issuer,
                    cert.not_after,
                    if cert.is_ca { " (CA)" } else { "" }
                );
            }
        }
        for error in check.errors() {
            let _ = writeln!(out, "  error: {error}");
        }
        for warning in check.warnings() {
            let _ = writeln!(out, "  warning: {warning}");
        }
    }
    out
}

/// What to write on a node, with the checks that cleared it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The `certs.d` rows, as [`node_files`] gives them.
    pub files: Vec<NodeFile>,
    /// One report per bundle, in input order.
    pub reports: Vec<BundleReport>,
    /// Every warning (keys' and bundles'), in input order.
    pub warnings: Vec<Warning>,
}

/// The safe path from bundles to node files: every key and bundle is checked at `now`, and
/// the first refusal stops everything (nothing half-written). Use [`check_bundles`] to list
/// all problems at once.
pub fn plan_node_files(bundles: &[Bundle], now: UnixTime) -> Result<Plan, Error> {
    let mut reports = Vec::with_capacity(bundles.len());
    let mut warnings = Vec::new();
    for check in check_bundles(bundles, now) {
        if let Some(error) = check.errors().next() {
            return Err(error.clone());
        }
        warnings.extend(check.warnings().cloned());
        if let Ok(report) = check.bundle {
            reports.push(report);
        }
    }
    Ok(Plan {
        files: node_files(bundles)?,
        reports,
        warnings,
    })
}
