//! Checking a CA bundle the way containers/image will use it.
//!
//! containers/image hands every `*.crt` of a `certs.d/<host:port>` folder to Go's
//! `CertPool.AppendCertsFromPEM` and ignores its result: a bundle with nothing usable is
//! dropped silently, and the pull later fails with `x509: certificate signed by unknown
//! authority`. These checks refuse such bundles up front.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::UnixTime;
use rustls_pki_types::pem::PemObject as _;
use x509_parser::prelude::{FromDer as _, X509Certificate};

use crate::configmap::Bundle;
use crate::error::{Error, Origin, X509ParseError};
use crate::warning::Warning;

/// What one certificate of a bundle says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    /// 1-based position in the bundle.
    pub index: usize,
    /// 1-based line of its `-----BEGIN CERTIFICATE-----`.
    pub line: usize,
    /// Subject, RFC 4514 style (`CN=..., O=...`).
    pub subject: String,
    /// Issuer, same style.
    pub issuer: String,
    /// notBefore, UTC, RFC 3339.
    pub not_before: String,
    /// notAfter, UTC, RFC 3339.
    pub not_after: String,
    /// Whether basicConstraints says `CA:TRUE`.
    pub is_ca: bool,
}

/// The result of checking one bundle that passed: its certificates and the warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReport {
    /// The ConfigMap key (or host).
    pub key: String,
    /// Where the bundle came from.
    pub origin: Origin,
    /// Each certificate, in order.
    pub certificates: Vec<CertificateInfo>,
    /// Non-fatal findings.
    pub warnings: Vec<Warning>,
}

/// A PEM block found by the line scanner.
struct Block<'a> {
    label: String,
    /// 1-based line of the BEGIN marker.
    line: usize,
    /// The text from the BEGIN line through the END line.
    text: &'a [u8],
}

/// What the line scanner found.
struct Scan<'a> {
    /// Well-formed blocks, in order.
    blocks: Vec<Block<'a>>,
    /// Every BEGIN line (1-based line, label), well-formed or not.
    begins: Vec<(usize, String)>,
    /// The first framing problem: (line, reason).
    framing: Option<(usize, String)>,
}

/// Lines with their byte range; a line ends at `\n`, `\r\n` or a lone `\r`, as
/// rustls-pki-types and Go's `encoding/pem` accept.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (&[u8], usize, usize)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let rest = &bytes[start..];
        let (len, term) = match rest.iter().position(|b| matches!(b, b'\n' | b'\r')) {
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        at = start + len + term;
        Some((&rest[..len], start, at))
    })
}

/// Splits `bytes` into PEM blocks by their marker lines (a marker starts a line). Text
/// outside blocks is ignored, as Go does. Scanning goes on after a framing problem so that
/// every BEGIN label is seen.
fn scan_blocks(bytes: &[u8]) -> Scan<'_> {
    let mut scan = Scan {
        blocks: Vec::new(),
        begins: Vec::new(),
        framing: None,
    };
    let problem = |scan: &mut Scan<'_>, line: usize, reason: String| {
        scan.framing.get_or_insert((line, reason));
    };
    let mut open: Option<(String, usize, usize)> = None; // label, line, start offset
    for (index, (line, start, end)) in lines(bytes).enumerate() {
        let line_no = index + 1;
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
            scan.begins.push((line_no, loose_label(rest)));
            if let Some((label, _, _)) = &open {
                let reason = format!("BEGIN inside the {label:?} block");
                problem(&mut scan, line_no, reason);
            }
            match marker_label(rest) {
                Some(label) => open = Some((label, line_no, start)),
                None => {
                    problem(&mut scan, line_no, "malformed BEGIN line".to_owned());
                    open = None;
                }
            }
        } else if let Some(rest) = line.strip_prefix(b"-----END ") {
            match open.take() {
                Some((label, begin_line, begin_at)) => {
                    if marker_label(rest).as_deref() == Some(label.as_str()) {
                        scan.blocks.push(Block {
                            label,
                            line: begin_line,
                            text: &bytes[begin_at..end],
                        });
                    } else {
                        let reason = format!("END line does not close the {label:?} block");
                        problem(&mut scan, line_no, reason);
                    }
                }
                None => problem(&mut scan, line_no, "END line without BEGIN".to_owned()),
            }
        }
    }
    if let Some((label, line, _)) = open {
        problem(
            &mut scan,
            line,
            format!("no END line for the {label:?} block"),
        );
    }
    scan
}

/// The label of a marker's rest (`LABEL-----`), or `None` when the line is malformed.
fn marker_label(rest: &[u8]) -> Option<String> {
    let rest = rest.trim_ascii_end();
    let label = rest.strip_suffix(b"-----")?;
    if label.ends_with(b"-") {
        return None;
    }
    Some(String::from_utf8_lossy(label).into_owned())
}

/// The label of a BEGIN line however malformed (trailing dashes and blanks dropped).
fn loose_label(rest: &[u8]) -> String {
    let text = String::from_utf8_lossy(rest);
    text.trim_end().trim_end_matches('-').to_owned()
}

fn is_private_key_label(label: &str) -> bool {
    label.contains("PRIVATE KEY")
}

/// Whether `bytes` parse as a DER X.509 certificate (a binary `ca.crt`).
fn is_der_certificate(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30) && X509Certificate::from_der(bytes).is_ok()
}

/// The largest bundle [`check_bundle`] reads: 16 MiB. A whole ConfigMap is at most 1 MiB in a cluster; a 100 MB
/// bundle would otherwise be parsed certificate by certificate for seconds.
pub const MAX_BUNDLE_BYTES: usize = 16 * 1024 * 1024;

/// Checks one bundle: refuses private keys, DER, broken PEM, unparseable certificates and
/// bundles without any certificate; reports each certificate and warns about non-CA,
/// expired and not-yet-valid certificates and ignored blocks, judged at `now`.
pub fn check_bundle(bundle: &Bundle, now: UnixTime) -> Result<BundleReport, Error> {
    let key = || bundle.key.clone();
    let origin = || bundle.origin.clone();
    if bundle.bytes.len() > MAX_BUNDLE_BYTES {
        return Err(Error::TooLarge {
            key: key(),
            origin: origin(),
            size: bundle.bytes.len(),
            limit: MAX_BUNDLE_BYTES,
        });
    }
    let Scan {
        blocks,
        begins,
        framing,
    } = scan_blocks(&bundle.bytes);

    // A private key is refused before anything else, even in an otherwise broken file.
    if let Some((line, label)) = begins.iter().find(|(_, l)| is_private_key_label(l)) {
        return Err(Error::PrivateKey {
            key: key(),
            origin: origin(),
            line: *line,
            label: label.clone(),
        });
    }
    if framing.is_none() && blocks.is_empty() && is_der_certificate(&bundle.bytes) {
        return Err(Error::DerNotPem {
            key: key(),
            origin: origin(),
        });
    }
    if let Some((line, reason)) = framing {
        return Err(Error::Pem {
            key: key(),
            origin: origin(),
            line,
            reason,
        });
    }

    let mut certificates = Vec::new();
    let mut warnings = Vec::new();
    for block in &blocks {
        if block.label != "CERTIFICATE" {
            warnings.push(Warning::IgnoredBlock {
                key: key(),
                origin: origin(),
                line: block.line,
                label: block.label.clone(),
            });
            continue;
        }
        let index = certificates.len() + 1;
        let der = CertificateDer::from_pem_slice(block.text).map_err(|e| Error::Pem {
            key: key(),
            origin: origin(),
            line: block.line,
            reason: pem_reason(&e),
        })?;
        let (rest, cert) =
            X509Certificate::from_der(der.as_ref()).map_err(|e| Error::BadCertificate {
                key: key(),
                origin: origin(),
                index,
                line: block.line,
                source: X509ParseError::new(e),
            })?;
        if !rest.is_empty() {
            // Go's x509.ParseCertificate refuses trailing data, so the pool would skip it.
            return Err(Error::TrailingData {
                key: key(),
                origin: origin(),
                index,
                line: block.line,
                bytes: rest.len(),
            });
        }
        let info = describe(&cert, index, block.line);
        let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        if !info.is_ca {
            warnings.push(Warning::NotCa {
                key: key(),
                origin: origin(),
                index,
                subject: info.subject.clone(),
            });
        }
        if now_secs > cert.validity().not_after.timestamp() {
            warnings.push(Warning::Expired {
                key: key(),
                origin: origin(),
                index,
                subject: info.subject.clone(),
                not_after: info.not_after.clone(),
            });
        }
        if now_secs < cert.validity().not_before.timestamp() {
            warnings.push(Warning::NotYetValid {
                key: key(),
                origin: origin(),
                index,
                subject: info.subject.clone(),
                not_before: info.not_before.clone(),
            });
        }
        certificates.push(info);
    }

    if certificates.is_empty() {
        let what = if bundle.bytes.iter().all(u8::is_ascii_whitespace) {
            "the bundle is empty".to_owned()
        } else if blocks.is_empty() {
            "no PEM block at all".to_owned()
        } else {
            let labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
            format!("only {labels:?} blocks")
        };
        return Err(Error::NoCertificates {
            key: key(),
            origin: origin(),
            what,
        });
    }
    Ok(BundleReport {
        key: key(),
        origin: origin(),
        certificates,
        warnings,
    })
}

/// A reason for a PEM decoding error that never echoes the block's content.
fn pem_reason(error: &rustls_pki_types::pem::Error) -> String {
    use rustls_pki_types::pem::Error as E;
    match error {
        E::MissingSectionEnd { .. } => "no END line".to_owned(),
        E::IllegalSectionStart { .. } => "malformed BEGIN line".to_owned(),
        E::Base64Decode(_) => "the body is not valid base64".to_owned(),
        E::SectionTooLarge => "block larger than 256 MiB".to_owned(),
        E::NoItemsFound => "no certificate in the block".to_owned(),
        _ => "unreadable block".to_owned(),
    }
}

fn describe(cert: &X509Certificate<'_>, index: usize, line: usize) -> CertificateInfo {
    let validity = cert.validity();
    CertificateInfo {
        index,
        line,
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: rfc3339(validity.not_before.timestamp()),
        not_after: rfc3339(validity.not_after.timestamp()),
        is_ca: cert.is_ca(),
    }
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC): Go's `time.RFC3339`, written once
/// in go-compat.
pub use go_compat::rfc3339;
