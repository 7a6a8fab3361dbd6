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
use crate::error::{Error, Origin, OutOfValidityCertificate, X509ParseError};
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
    /// The first line outside every block that is not text Go would skip (binary data, headerless base64).
    outside: Option<(usize, Outside)>,
}

/// Content outside PEM blocks that is not a comment: Go's `pem.Decode` would skip it, but it is never part of a
/// CA bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outside {
    /// Bytes no text holds (control characters): raw DER; `der_key` when it is shaped like a DER private key.
    Binary { der_key: bool },
    /// A long line of nothing but base64: key or certificate material without its BEGIN/END lines.
    Base64,
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
        outside: None,
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
        } else if open.is_none()
            && !line.starts_with(b"-----END ")
            && scan.outside.is_none()
            && let Some(found) = outside_content(line, &bytes[start..])
        {
            scan.outside = Some((line_no, found));
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

/// The shortest line outside blocks taken for headerless base64: PEM bodies are 64 characters a line (76 for
/// `base64` output), the last line of a body may be short; comments and names of CAs hold spaces or punctuation.
const MIN_BASE64_LINE: usize = 40;

/// What a line outside every block is when it is not text to skip. `from_here` is the bundle from this line on
/// (a DER key's shape is seen from its first bytes).
fn outside_content(line: &[u8], from_here: &[u8]) -> Option<Outside> {
    let is_control = |b: &u8| matches!(b, 0x00..=0x08 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f);
    if line.iter().any(is_control) {
        return Some(Outside::Binary {
            der_key: looks_like_der_key(from_here),
        });
    }
    let text = line.trim_ascii();
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    let is_base64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/');
    // A hex line is a fingerprint (`openssl x509 -fingerprint` without colons), not key material.
    if body.len() >= MIN_BASE64_LINE
        && body.iter().all(is_base64)
        && !body.iter().all(u8::is_ascii_hexdigit)
    {
        return Some(Outside::Base64);
    }
    None
}

/// Whether `der` starts like a DER private key: a SEQUENCE whose first element is a small INTEGER (the version of
/// PKCS#1, PKCS#8 and SEC 1 keys). A certificate's SEQUENCE starts with another SEQUENCE.
fn looks_like_der_key(der: &[u8]) -> bool {
    let Some((&0x30, rest)) = der.split_first() else {
        return false;
    };
    let content = match rest.split_first() {
        Some((&len, rest)) if len < 0x80 => rest,
        Some((&len, rest)) if (0x81..=0x84).contains(&len) => {
            rest.get(usize::from(len - 0x80)..).unwrap_or(&[])
        }
        _ => return false,
    };
    matches!(content, [0x02, 0x01, 0x00..=0x01, ..])
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

/// What to do with a certificate outside its validity period at the time of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutOfValidity {
    /// Refuse the bundle ([`Error::Expired`], [`Error::NotYetValid`]): nodes would fail every pull with it.
    #[default]
    Refuse,
    /// Accept it with a warning ([`Warning::Expired`], [`Warning::NotYetValid`]): the user said so explicitly
    /// (a CA about to be rotated, a clock known to be wrong).
    Allow,
}

/// How a bundle is judged: at which time, and whether certificates outside their validity are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckPolicy {
    /// The time the certificates are judged at (the caller's "now"; tests pass a fixed one).
    pub now: UnixTime,
    /// Expired and not-yet-valid certificates: refused, or allowed with a warning.
    pub out_of_validity: OutOfValidity,
}

impl CheckPolicy {
    /// Refuses expired and not-yet-valid certificates, judged at `now`: what `trust check`, `trust configmap`,
    /// `manifests`, `render`, `verify` and `icsp validate` do unless told otherwise.
    pub fn strict(now: UnixTime) -> Self {
        CheckPolicy {
            now,
            out_of_validity: OutOfValidity::Refuse,
        }
    }

    /// Accepts expired and not-yet-valid certificates with a warning, judged at `now` (an explicit allowance).
    pub fn allowing_out_of_validity(now: UnixTime) -> Self {
        CheckPolicy {
            now,
            out_of_validity: OutOfValidity::Allow,
        }
    }
}

/// Checks one bundle as [`check_bundle_with`] does, with expired and not-yet-valid certificates allowed as
/// warnings (the behaviour this function always had); [`check_bundle_with`] and [`CheckPolicy::strict`] refuse them.
pub fn check_bundle(bundle: &Bundle, now: UnixTime) -> Result<BundleReport, Error> {
    check_bundle_with(bundle, CheckPolicy::allowing_out_of_validity(now))
}

/// Checks one bundle: a CA bundle is PEM `CERTIFICATE` blocks, with comments between them. Refuses private
/// keys, DER, broken PEM, any other block (`TRUSTED CERTIFICATE` and `PUBLIC KEY` included), binary data or
/// headerless base64 between blocks, unparseable certificates and bundles without any certificate; expired and
/// not-yet-valid certificates as `policy` says. Reports each certificate and warns about non-CA certificates.
pub fn check_bundle_with(bundle: &Bundle, policy: CheckPolicy) -> Result<BundleReport, Error> {
    let now = policy.now;
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
        outside,
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

    // Anything else than a certificate, the earliest first: never echoed, only placed.
    let other_block = blocks.iter().find(|b| b.label != "CERTIFICATE");
    match (outside, other_block) {
        (Some((line, found)), block) if block.is_none_or(|b| line < b.line) => {
            return Err(match found {
                Outside::Binary { der_key } => Error::BinaryData {
                    key: key(),
                    origin: origin(),
                    line,
                    der_key,
                },
                Outside::Base64 => Error::HeaderlessBase64 {
                    key: key(),
                    origin: origin(),
                    line,
                },
            });
        }
        (_, Some(block)) => {
            return Err(Error::NotCertificateBlock {
                key: key(),
                origin: origin(),
                line: block.line,
                label: shown_label(&block.label),
            });
        }
        _ => {}
    }

    let mut certificates = Vec::new();
    let mut warnings = Vec::new();
    // The first certificate the policy refuses for its dates; held until every block is read, so a broken block
    // after it is reported the same way under either policy (strict refuses more, never differently).
    let mut out_of_validity: Option<Error> = None;
    for block in &blocks {
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
        let validity = cert.validity();
        let outside_validity = if now_secs > validity.not_after.timestamp() {
            Some(true)
        } else if now_secs < validity.not_before.timestamp() {
            Some(false)
        } else {
            None
        };
        match (outside_validity, policy.out_of_validity) {
            (None, _) => {}
            (Some(_), OutOfValidity::Refuse) if out_of_validity.is_some() => {}
            (Some(expired), OutOfValidity::Refuse) => {
                let certificate = Box::new(OutOfValidityCertificate {
                    index,
                    line: block.line,
                    subject: info.subject.clone(),
                    not_before: info.not_before.clone(),
                    not_after: info.not_after.clone(),
                    now: rfc3339(now_secs),
                });
                let (key, origin) = (key(), origin());
                out_of_validity = Some(if expired {
                    Error::Expired {
                        key,
                        origin,
                        certificate,
                    }
                } else {
                    Error::NotYetValid {
                        key,
                        origin,
                        certificate,
                    }
                });
            }
            (Some(true), OutOfValidity::Allow) => warnings.push(Warning::Expired {
                key: key(),
                origin: origin(),
                index,
                subject: info.subject.clone(),
                not_after: info.not_after.clone(),
            }),
            (Some(false), OutOfValidity::Allow) => warnings.push(Warning::NotYetValid {
                key: key(),
                origin: origin(),
                index,
                subject: info.subject.clone(),
                not_before: info.not_before.clone(),
            }),
        }
        certificates.push(info);
    }
    if let Some(refusal) = out_of_validity {
        return Err(refusal);
    }

    if certificates.is_empty() {
        // Every block is a certificate by now (any other was refused above), so there is no block at all.
        let what = if bundle.bytes.iter().all(u8::is_ascii_whitespace) {
            "the bundle is empty"
        } else {
            "no PEM block at all"
        }
        .to_owned();
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

/// The longest label an error shows: labels come from the input, and a BEGIN line can be any length.
const MAX_SHOWN_LABEL: usize = 64;

/// A block's label as errors show it: cut to [`MAX_SHOWN_LABEL`] characters (errors print it with `{:?}`, so
/// control characters are escaped).
fn shown_label(label: &str) -> String {
    match label.char_indices().nth(MAX_SHOWN_LABEL) {
        Some((at, _)) => format!("{}…", &label[..at]),
        None => label.to_owned(),
    }
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
