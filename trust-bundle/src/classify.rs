//! What a `ca.crt` found on a node is: containers/image silently skips a file its cert pool cannot use, so
//! `verify` names what it found instead ("not a certificate", "key material", "expired").

use rustls_pki_types::UnixTime;

use crate::check::{BundleReport, CheckPolicy, check_bundle_with};
use crate::configmap::Bundle;
use crate::error::Error;

/// The verdict on one `certs.d/<folder>/ca.crt` read from a node, judged at a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaFile {
    /// Certificates containers/image will trust (possibly with warnings, e.g. not a CA).
    UsableCa(BundleReport),
    /// Not a CA bundle: empty, text, DER, broken PEM, other PEM blocks, unparseable certificates, too large.
    NotCertificate(Error),
    /// Key material: a private key block, a DER private key, or headerless base64.
    KeyMaterial(Error),
    /// A certificate whose validity has ended.
    Expired(Error),
    /// A certificate whose validity has not begun.
    NotYetValid(Error),
}

impl CaFile {
    /// Whether the file is a usable CA bundle.
    pub fn is_usable(&self) -> bool {
        matches!(self, CaFile::UsableCa(_))
    }

    /// A few words for a report: `usable CA`, `not a certificate`, `key material`, `expired`, `not yet valid`.
    pub fn summary(&self) -> &'static str {
        match self {
            CaFile::UsableCa(_) => "usable CA",
            CaFile::NotCertificate(_) => "not a certificate",
            CaFile::KeyMaterial(_) => "key material",
            CaFile::Expired(_) => "expired",
            CaFile::NotYetValid(_) => "not yet valid",
        }
    }

    /// Why the file is not usable, if it is not.
    pub fn error(&self) -> Option<&Error> {
        match self {
            CaFile::UsableCa(_) => None,
            CaFile::NotCertificate(e)
            | CaFile::KeyMaterial(e)
            | CaFile::Expired(e)
            | CaFile::NotYetValid(e) => Some(e),
        }
    }
}

/// Classifies the bytes of a `ca.crt` found on a node (`bundle.key`: its folder, `bundle.origin`: its file), at
/// `now`. Key material wins over every other finding, as [`crate::check_bundle_with`] checks it first.
pub fn classify_ca_file(bundle: &Bundle, now: UnixTime) -> CaFile {
    match check_bundle_with(bundle, CheckPolicy::strict(now)) {
        Ok(report) => CaFile::UsableCa(report),
        Err(
            e @ (Error::PrivateKey { .. }
            | Error::HeaderlessBase64 { .. }
            | Error::BinaryData { der_key: true, .. }),
        ) => CaFile::KeyMaterial(e),
        Err(e @ Error::Expired { .. }) => CaFile::Expired(e),
        Err(e @ Error::NotYetValid { .. }) => CaFile::NotYetValid(e),
        Err(e) => CaFile::NotCertificate(e),
    }
}
