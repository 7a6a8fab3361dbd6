//! The crate's one error type.

use std::fmt;

/// Where a bundle came from: a ConfigMap field or a file given on the command line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// The ConfigMap's `data` map.
    Data,
    /// The ConfigMap's `binaryData` map.
    BinaryData,
    /// A file read by the caller (`--from-file HOST[:PORT]=FILE`).
    File(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Data => f.write_str("data"),
            Self::BinaryData => f.write_str("binaryData"),
            Self::File(path) => write!(f, "file {path:?}"),
        }
    }
}

/// Everything that can go wrong. Each variant names where (ConfigMap field and key, file,
/// PEM line) and what. Certificate or key material is never part of a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The key is not a valid ConfigMap key, or could name something outside `certs.d`.
    #[error("ConfigMap key {key:?}: {reason}")]
    InvalidKey {
        /// The key as given.
        key: String,
        /// Why it is refused.
        reason: String,
    },

    /// The key is a valid ConfigMap key but its `certs.d` folder is not a registry `host[:port]`.
    #[error(
        "ConfigMap key {key:?}: folder {folder:?} is not a registry host[:port]: {reason}{}",
        legacy_note(key, folder, legacy_folder.as_deref())
    )]
    NotRegistryHost {
        /// The key as given.
        key: String,
        /// The folder OpenShift (machine-config-operator) would create for it.
        folder: String,
        /// The folder the older node-ca daemon would have created, when it differs.
        legacy_folder: Option<String>,
        /// What is wrong with the folder name.
        reason: String,
    },

    /// A registry host cannot be turned into a ConfigMap key.
    #[error("registry host {host:?} cannot be a ConfigMap key: {reason}")]
    UnrepresentableHost {
        /// The host as given.
        host: String,
        /// Why.
        reason: String,
    },

    /// The same key twice (in `data` and `binaryData`, or twice among `--from-file` pairs).
    #[error("ConfigMap key {key:?} appears twice ({first} and {second})")]
    DuplicateKey {
        /// The key.
        key: String,
        /// Where it appeared first.
        first: Origin,
        /// Where it appeared again.
        second: Origin,
    },

    /// Two bundles would be written to the same `certs.d` folder.
    #[error(
        "ConfigMap keys {first_key:?} and {second_key:?} both map to certs.d folder {folder:?}"
    )]
    DuplicateFolder {
        /// The folder.
        folder: String,
        /// The first key.
        first_key: String,
        /// The second key.
        second_key: String,
    },

    /// A `--from-file` argument is not `HOST[:PORT]=FILE`.
    #[error("--from-file {arg:?}: {reason}")]
    FromFileArg {
        /// The argument as given.
        arg: String,
        /// What is wrong.
        reason: String,
    },

    /// The bundle is larger than [`crate::MAX_BUNDLE_BYTES`]; it was not parsed.
    #[error("{origin}[{key:?}]: the bundle is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },

    /// The bundle holds a private key: refused, and the key is never echoed.
    #[error(
        "{origin}[{key:?}]: line {line}: the bundle holds a private key ({label:?} block); \
         a CA bundle must hold certificates only: remove the key and rotate it"
    )]
    PrivateKey {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based line of the `-----BEGIN` marker.
        line: usize,
        /// The PEM label, e.g. `RSA PRIVATE KEY`.
        label: String,
    },

    /// The bundle is empty or holds no PEM `CERTIFICATE` block.
    #[error(
        "{origin}[{key:?}]: no PEM CERTIFICATE block ({what}); containers/image would ignore \
         this ca.crt and pulls would fail with `x509: certificate signed by unknown authority`"
    )]
    NoCertificates {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// What was found instead (an empty bundle, or text without any PEM block).
        what: String,
    },

    /// The bundle is a binary DER certificate; containers/image only reads PEM.
    #[error(
        "{origin}[{key:?}]: the bundle is a DER (binary) certificate, but containers/image reads \
         only PEM; convert it with `openssl x509 -inform der -in FILE -out ca.crt`"
    )]
    DerNotPem {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
    },

    /// The PEM framing is broken (no END marker, bad base64, bad BEGIN line).
    #[error("{origin}[{key:?}]: line {line}: broken PEM: {reason}")]
    Pem {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based line where the problem starts.
        line: usize,
        /// What is broken.
        reason: String,
    },

    /// A `CERTIFICATE` block does not hold a parseable X.509 certificate.
    #[error(
        "{origin}[{key:?}]: certificate #{index} (line {line}): not a valid X.509 certificate: {source}"
    )]
    BadCertificate {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based position of the certificate in the bundle.
        index: usize,
        /// 1-based line of its `-----BEGIN` marker.
        line: usize,
        /// x509-parser's complaint.
        source: X509ParseError,
    },

    /// A `CERTIFICATE` block holds a certificate followed by more bytes (Go's `x509.ParseCertificate`
    /// refuses it, so the pool would skip it).
    #[error(
        "{origin}[{key:?}]: certificate #{index} (line {line}): not a valid X.509 certificate: \
         {bytes} bytes of trailing data after the certificate"
    )]
    TrailingData {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based position of the certificate in the bundle.
        index: usize,
        /// 1-based line of its `-----BEGIN` marker.
        line: usize,
        /// How many bytes follow the certificate.
        bytes: usize,
    },

    /// A PEM block that is not a `CERTIFICATE` (`TRUSTED CERTIFICATE`, `PUBLIC KEY`, `X509 CRL`, ...): Go's cert
    /// pool skips it, and a CA bundle written to every node holds certificates only.
    #[error(
        "{origin}[{key:?}]: line {line}: a {label:?} block is not a certificate: a CA bundle holds only \
         CERTIFICATE blocks (Go's cert pool ignores the others){}",
        if label == "TRUSTED CERTIFICATE" {
            "; convert it with `openssl x509 -in FILE -out ca.crt`"
        } else {
            "; remove it"
        }
    )]
    NotCertificateBlock {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based line of its `-----BEGIN` marker.
        line: usize,
        /// Its label, cut to 64 characters.
        label: String,
    },

    /// Binary data outside every PEM block (raw DER, of a key or a certificate): refused, never echoed.
    #[error(
        "{origin}[{key:?}]: line {line}: binary data outside a PEM block ({}); a CA bundle holds only PEM \
         CERTIFICATE blocks; the bytes are not shown",
        if *der_key { "shaped like a DER private key: remove it and rotate the key" } else { "raw DER?" }
    )]
    BinaryData {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based line where it starts.
        line: usize,
        /// Whether it starts like a DER private key (a SEQUENCE opening with a version INTEGER).
        der_key: bool,
    },

    /// A line of base64 outside every PEM block: key or certificate material without its BEGIN/END lines.
    #[error(
        "{origin}[{key:?}]: line {line}: base64 text outside a PEM block (key material without BEGIN/END \
         lines?); a CA bundle holds only PEM CERTIFICATE blocks; the text is not shown"
    )]
    HeaderlessBase64 {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// 1-based line where it starts.
        line: usize,
    },

    /// A certificate whose validity ended before the time of the check: nodes would refuse every TLS
    /// connection it should secure.
    #[error(
        "{origin}[{key:?}]: {}; renew it, or allow it explicitly",
        certificate.described("expired at", &certificate.not_after)
    )]
    Expired {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// The certificate and its dates.
        certificate: Box<OutOfValidityCertificate>,
    },

    /// A certificate whose validity begins after the time of the check.
    #[error(
        "{origin}[{key:?}]: {}; check the clocks, or allow it explicitly",
        certificate.described("is not valid before", &certificate.not_before)
    )]
    NotYetValid {
        /// The ConfigMap key (or host) of the bundle.
        key: String,
        /// Where the bundle came from.
        origin: Origin,
        /// The certificate and its dates.
        certificate: Box<OutOfValidityCertificate>,
    },
}

/// A certificate outside its validity period: which one, and its dates against the time of the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfValidityCertificate {
    /// 1-based position of the certificate in the bundle.
    pub index: usize,
    /// 1-based line of its `-----BEGIN` marker.
    pub line: usize,
    /// Its subject.
    pub subject: String,
    /// Its notBefore (UTC, RFC 3339).
    pub not_before: String,
    /// Its notAfter (UTC, RFC 3339).
    pub not_after: String,
    /// The time of the check (UTC, RFC 3339).
    pub now: String,
}

impl OutOfValidityCertificate {
    /// Which certificate, what it `is` at `date`, and its dates against the time of the check: the part of the
    /// expired and not-yet-valid messages they share.
    fn described(&self, is: &str, date: &str) -> String {
        format!(
            "certificate #{} (line {}, {}) {is} {date} (valid from {} to {}, checked at {})",
            self.index, self.line, self.subject, self.not_before, self.not_after, self.now
        )
    }
}

/// x509-parser's refusal of a certificate's DER: `Display` is its message, `source()` its error value.
#[derive(Debug, Clone, PartialEq)]
pub struct X509ParseError(x509_parser::nom::Err<x509_parser::error::X509Error>);

impl X509ParseError {
    pub(crate) fn new(error: x509_parser::nom::Err<x509_parser::error::X509Error>) -> Self {
        X509ParseError(error)
    }
}

// x509-parser's error derives `PartialEq` structurally, which is an equivalence: no floats inside.
impl Eq for X509ParseError {}

impl fmt::Display for X509ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for X509ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        use x509_parser::nom::Err;
        match &self.0 {
            Err::Error(e) | Err::Failure(e) => Some(e),
            Err::Incomplete(_) => None,
        }
    }
}

fn legacy_note(key: &str, folder: &str, legacy: Option<&str>) -> String {
    match legacy {
        Some(legacy) if legacy != folder => format!(
            " (the older node-ca daemon, which replaced only the last `..`, would have used {legacy:?} for {key:?})"
        ),
        _ => String::new(),
    }
}
