//! Checking every bundle of a ConfigMap at once, without stopping at the first problem, and naming the folders.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use rustls_pki_types::UnixTime;

use crate::check::{BundleReport, CheckPolicy, check_bundle_with};
use crate::configmap::Bundle;
use crate::error::{Error, Origin};
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

/// Checks the key and the bundle of every entry, in order, judged at `now`, with expired and not-yet-valid
/// certificates allowed as warnings (the behaviour this function always had); see [`check_bundles_with`].
pub fn check_bundles(bundles: &[Bundle], now: UnixTime) -> Vec<KeyCheck> {
    check_bundles_with(bundles, CheckPolicy::allowing_out_of_validity(now))
}

/// Checks the key and the bundle of every entry, in order, as `policy` says ([`crate::check_bundle_with`]).
pub fn check_bundles_with(bundles: &[Bundle], policy: CheckPolicy) -> Vec<KeyCheck> {
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
                bundle: check_bundle_with(bundle, policy),
            }
        })
        .collect()
}

/// A plain-text report, one block per key: what a user reads before applying. `file_for` names the file a
/// folder's bundle is written to (this crate knows folder names, not where a host keeps them), e.g.
/// `|folder| format!("etc/docker/certs.d/{folder}/ca.crt")`.
pub fn render_text(checks: &[KeyCheck], file_for: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for check in checks {
        let verdict = if check.is_accepted() { "ok" } else { "REFUSED" };
        let _ = writeln!(out, "{}[{:?}]: {verdict}", check.origin, check.key);
        if let Ok(folder) = &check.folder {
            let _ = writeln!(out, "  file: {}", file_for(folder));
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

/// A bundle with the `certs.d` folder it belongs in: what a host needs to trust one registry. Only
/// [`folders`] and [`plan_folders`] make one, so the folder is always a checked registry `host[:port]`:
/// one plain path component, never empty, `.`, `..` or holding `/`.
///
/// `Debug` shows the folder and the size of the bytes only.
#[derive(Clone, PartialEq, Eq)]
pub struct FolderBundle {
    folder: String,
    bytes: Vec<u8>,
}

impl FolderBundle {
    /// The `certs.d` folder name: `host` or `host:port`, as image references spell the registry.
    pub fn folder(&self) -> &str {
        &self.folder
    }

    /// The bundle, unchanged (no newline added).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bundle, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl fmt::Debug for FolderBundle {
    // The bytes may (wrongly) hold a private key when the bundle was not checked: show only their length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FolderBundle")
            .field("folder", &self.folder)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// The `certs.d` folder of every bundle, sorted by folder, with the bytes unchanged. Every key is checked
/// ([`folder_for_key`]); two bundles for one folder are refused (OpenShift would let the later silently
/// overwrite the earlier). The certificates are not checked: see [`plan_folders`].
pub fn folders(bundles: &[Bundle]) -> Result<Vec<FolderBundle>, Error> {
    let mut by_folder: BTreeMap<String, &Bundle> = BTreeMap::new();
    for bundle in bundles {
        let naming = folder_for_key(&bundle.key)?;
        if let Some(first) = by_folder.insert(naming.folder.clone(), bundle) {
            return Err(Error::DuplicateFolder {
                folder: naming.folder,
                first_key: first.key.clone(),
                second_key: bundle.key.clone(),
            });
        }
    }
    Ok(by_folder
        .into_iter()
        .map(|(folder, bundle)| FolderBundle {
            folder,
            bytes: bundle.bytes.clone(),
        })
        .collect())
}

/// The folders to write, with the checks that cleared them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// One bundle per folder, as [`folders`] gives them.
    pub folders: Vec<FolderBundle>,
    /// One report per bundle, in input order.
    pub reports: Vec<BundleReport>,
    /// Every warning (keys' and bundles'), in input order.
    pub warnings: Vec<Warning>,
}

/// The safe path from bundles to folders: every key and bundle is checked at `now`, and the first refusal
/// stops everything (nothing half-written). Expired and not-yet-valid certificates are allowed as warnings (the
/// behaviour this function always had); [`plan_folders_with`] with [`CheckPolicy::strict`] refuses them. Use
/// [`check_bundles`] to list all problems at once.
pub fn plan_folders(bundles: &[Bundle], now: UnixTime) -> Result<Plan, Error> {
    plan_folders_with(bundles, CheckPolicy::allowing_out_of_validity(now))
}

/// The safe path from bundles to folders, judged as `policy` says: the first refusal stops everything.
pub fn plan_folders_with(bundles: &[Bundle], policy: CheckPolicy) -> Result<Plan, Error> {
    let mut reports = Vec::with_capacity(bundles.len());
    let mut warnings = Vec::new();
    for check in check_bundles_with(bundles, policy) {
        if let Some(error) = check.errors().next() {
            return Err(error.clone());
        }
        warnings.extend(check.warnings().cloned());
        if let Ok(report) = check.bundle {
            reports.push(report);
        }
    }
    Ok(Plan {
        folders: folders(bundles)?,
        reports,
        warnings,
    })
}
