//! What a probe reached and why it stopped.

use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};

use crate::digest::Digest;

/// The stages of a pull, in the order containers/image goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Stage {
    /// Name resolution and the TCP connection.
    Connect,
    /// The TLS handshake, with the trust the node would use.
    Tls,
    /// `GET /v2/`: the registry API handshake, which tells how to authenticate.
    Ping,
    /// Credentials or a bearer token accepted.
    Auth,
    /// The manifest read and checked.
    Manifest,
    /// A blob (layer) read.
    Blob,
    /// A file looked for inside the image's layers.
    File,
}

impl Stage {
    /// The name used in lines and JSON: `connect`, `tls`, `ping`, `auth`, `manifest`, `blob`, `file`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Connect => "connect",
            Stage::Tls => "tls",
            Stage::Ping => "ping",
            Stage::Auth => "auth",
            Stage::Manifest => "manifest",
            Stage::Blob => "blob",
            Stage::File => "file",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Stage::Connect => "connect",
            Stage::Tls => "TLS",
            Stage::Ping => "/v2/",
            Stage::Auth => "auth",
            Stage::Manifest => "manifest",
            Stage::Blob => "blob",
            Stage::File => "file",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a certificate the server presented says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    /// Subject, RFC 4514 style (`CN=mirror.example.com, O=Example`).
    pub subject: String,
    /// Issuer, likewise.
    pub issuer: String,
    /// DNS names of the subject alternative names.
    pub dns_names: Vec<String>,
    /// IP addresses of the subject alternative names.
    pub ip_addresses: Vec<String>,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
}

impl CertSummary {
    fn json(&self) -> Value {
        json!({
            "subject": self.subject,
            "issuer": self.issuer,
            "dns_names": self.dns_names,
            "ip_addresses": self.ip_addresses,
            "not_before": self.not_before,
            "not_after": self.not_after,
        })
    }
}

/// One CA file as the prober read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaSummary {
    /// The file's label.
    pub label: String,
    /// Subjects of the certificates it holds.
    pub subjects: Vec<String>,
    /// PEM blocks that were not usable certificates (Go's `AppendCertsFromPEM` skips them too).
    pub skipped: usize,
}

/// One error of a registry's error JSON (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}`), or the start
/// of a body that was not such JSON (then `code` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError {
    /// `MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, `UNAUTHORIZED`, `DENIED`, …
    pub code: String,
    /// The message, shortened and without control characters.
    pub message: String,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code.is_empty(), self.message.is_empty()) {
            (true, _) => write!(f, "{:?}", self.message),
            (false, true) => f.write_str(&self.code),
            (false, false) => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

/// Which credentials a request carried (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsUsed {
    /// Where they came from (the config.json key).
    pub label: String,
    /// The user.
    pub username: String,
}

impl fmt::Display for CredentialsUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the credentials of {:?} (user {})",
            self.label, self.username
        )
    }
}

/// How the requests were authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthUsed {
    /// Not known yet (the probe stopped before the registry said how to authenticate).
    #[default]
    Unknown,
    /// The `/v2/` answer carried no challenge: requests go without credentials.
    None,
    /// Only challenges containers/image cannot answer: requests go without credentials.
    Unsupported(Vec<String>),
    /// Basic, to the registry.
    Basic(Option<CredentialsUsed>),
    /// A bearer token from the realm.
    Bearer {
        /// The realm (without its query).
        realm: String,
        /// The `service` parameter.
        service: Option<String>,
        /// The scopes asked for.
        scopes: Vec<String>,
        /// The credentials sent to the realm; `None` for an anonymous token.
        credentials: Option<CredentialsUsed>,
    },
}

impl AuthUsed {
    /// The credentials involved, if any.
    pub fn credentials(&self) -> Option<&CredentialsUsed> {
        match self {
            AuthUsed::Basic(c) => c.as_ref(),
            AuthUsed::Bearer { credentials, .. } => credentials.as_ref(),
            _ => None,
        }
    }

    fn json(&self) -> Value {
        let creds = |c: &Option<CredentialsUsed>| {
            c.as_ref()
                .map(|c| json!({"label": c.label, "username": c.username}))
                .unwrap_or(Value::Null)
        };
        match self {
            AuthUsed::Unknown => json!({"scheme": null}),
            AuthUsed::None => json!({"scheme": "none"}),
            AuthUsed::Unsupported(s) => json!({"scheme": "unsupported", "offered": s}),
            AuthUsed::Basic(c) => json!({"scheme": "basic", "credentials": creds(c)}),
            AuthUsed::Bearer {
                realm,
                service,
                scopes,
                credentials,
            } => json!({
                "scheme": "bearer", "realm": realm, "service": service, "scopes": scopes,
                "credentials": creds(credentials),
            }),
        }
    }
}

/// Why a token could not be had from the realm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenProblem {
    /// The realm is not an absolute `http(s)` URL.
    BadRealm(String),
    /// The realm answered with a status other than 200.
    Status {
        /// The status.
        status: u16,
        /// What the body said.
        errors: Vec<RegistryError>,
    },
    /// The answer was not the token JSON.
    NotJson(String),
    /// The JSON had neither `token` nor `access_token`.
    NoToken,
    /// The realm could not be reached (connect, TLS, timeout…).
    Unreachable(Box<Stop>),
    /// The token response was larger than the limit.
    TooLarge(u64),
}

impl fmt::Display for TokenProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenProblem::BadRealm(why) => write!(f, "unusable realm: {why}"),
            TokenProblem::Status { status, errors } => {
                write!(f, "{status}")?;
                if *status == 401 {
                    f.write_str(" (invalid username/password)")?;
                }
                write_errors(f, errors)
            }
            TokenProblem::NotJson(why) => write!(f, "the answer is not a token: {why}"),
            TokenProblem::NoToken => {
                f.write_str("the answer has neither `token` nor `access_token`")
            }
            TokenProblem::Unreachable(stop) => stop.fmt(f),
            TokenProblem::TooLarge(limit) => write!(f, "the answer is larger than {limit} bytes"),
        }
    }
}

fn write_errors(f: &mut fmt::Formatter<'_>, errors: &[RegistryError]) -> fmt::Result {
    if let Some(first) = errors.first() {
        write!(f, ": {first}")?;
    }
    Ok(())
}

/// Why a probe stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The caller decided not to try this source (`digest-only mirror and a tag reference`).
    NotTried(String),
    /// The host name did not resolve.
    Dns {
        /// The host.
        host: String,
        /// The resolver's words.
        detail: String,
    },
    /// Every address refused the connection.
    Refused {
        /// The address(es) tried.
        addr: String,
    },
    /// No TCP connection within the connect timeout.
    ConnectTimeout {
        /// The host and port.
        host: String,
        /// The timeout.
        after: Duration,
    },
    /// Another connection failure.
    Connect(String),
    /// The certificate does not chain to any trusted CA.
    UnknownAuthority {
        /// The server's certificate.
        presented: Option<Box<CertSummary>>,
        /// The CA files that were tried.
        cas: Vec<CaSummary>,
        /// Whether the system roots were trusted as well.
        system_roots: bool,
    },
    /// The certificate is not valid for the host name.
    HostnameMismatch {
        /// The name the client asked for.
        host: String,
        /// The server's certificate.
        presented: Option<Box<CertSummary>>,
    },
    /// The certificate has expired.
    Expired {
        /// The server's certificate.
        presented: Option<Box<CertSummary>>,
    },
    /// The certificate is not valid yet.
    NotYetValid {
        /// The server's certificate.
        presented: Option<Box<CertSummary>>,
    },
    /// Another certificate problem (revoked, bad signature, wrong purpose…).
    BadCertificate {
        /// rustls' words.
        detail: String,
        /// The server's certificate.
        presented: Option<Box<CertSummary>>,
    },
    /// The server does not speak TLS; `http` when it answered in plain HTTP.
    NotTls {
        /// Whether the answer was plain HTTP.
        http: bool,
    },
    /// The server ended the handshake with an alert (`CertificateRequired`, `HandshakeFailure`…).
    TlsAlert(String),
    /// Another handshake failure.
    Handshake(String),
    /// A client identity (certs.d `*.cert` / `*.key`) could not be used.
    ClientIdentity(String),
    /// Nothing arrived in time.
    Timeout {
        /// What was waited for: `an answer`, `the overall deadline`.
        what: &'static str,
        /// How long.
        after: Duration,
    },
    /// The connection broke during an exchange.
    ConnectionLost(String),
    /// The answer was not HTTP/1.1.
    NotHttp(String),
    /// `/v2/` answered neither 200 nor 401.
    PingStatus {
        /// The status.
        status: u16,
        /// What the body said.
        errors: Vec<RegistryError>,
    },
    /// 401 on the manifest (or blob): the credentials or token were not accepted.
    Unauthorized {
        /// The credentials involved; `None` without credentials.
        credentials: Option<CredentialsUsed>,
        /// `basic`, `bearer` or `none`.
        scheme: &'static str,
        /// What the registry said.
        errors: Vec<RegistryError>,
    },
    /// 403: authenticated, but not allowed.
    Denied {
        /// The credentials involved.
        credentials: Option<CredentialsUsed>,
        /// What the registry said.
        errors: Vec<RegistryError>,
    },
    /// The bearer challenge has no realm.
    MissingRealm,
    /// The token realm did not give a token.
    Token {
        /// The realm (without query).
        realm: String,
        /// Why.
        problem: TokenProblem,
    },
    /// 404 `MANIFEST_UNKNOWN` (or a 404 containers/image reads as such).
    ManifestUnknown(Vec<RegistryError>),
    /// 404 `NAME_UNKNOWN`: no such repository.
    NameUnknown(Vec<RegistryError>),
    /// 404 `BLOB_UNKNOWN`.
    BlobUnknown(Vec<RegistryError>),
    /// Another status.
    Status {
        /// The status.
        status: u16,
        /// What the body said.
        errors: Vec<RegistryError>,
    },
    /// The bytes do not hash to the digest asked for.
    DigestMismatch {
        /// The digest asked for.
        expected: Digest,
        /// What the bytes hash to.
        computed: Digest,
    },
    /// A media type containers/image would not read as this manifest.
    UnexpectedMediaType {
        /// The `Content-Type` received (simplified).
        content_type: String,
        /// Why it does not fit.
        why: String,
    },
    /// A body larger than its limit.
    TooLarge {
        /// What (`manifest`, `token`, `layer`, `file`).
        what: &'static str,
        /// The limit in bytes.
        limit: u64,
    },
    /// A redirect that cannot be followed.
    Redirect(String),
    /// A manifest this crate cannot walk (schema 1, unknown layers…).
    Unsupported(String),
    /// The manifest is not valid JSON of its type.
    BadManifest(String),
    /// An index or manifest list without the platform asked for.
    NoPlatform {
        /// The platform asked for.
        wanted: String,
        /// The platforms listed.
        available: Vec<String>,
    },
    /// The file is in no layer.
    FileNotFound {
        /// The path.
        path: String,
        /// How many layers were read.
        layers: usize,
    },
    /// A layer deletes the file (a whiteout), so lower layers do not count.
    FileDeleted {
        /// The path.
        path: String,
        /// The layer's digest.
        layer: Digest,
    },
    /// The path names a directory, link or other non-file.
    NotAFile {
        /// The path.
        path: String,
        /// What it is.
        kind: String,
    },
    /// Reading a layer failed (gzip, tar, or the bytes did not verify).
    Layer {
        /// The layer.
        layer: Digest,
        /// What failed.
        detail: String,
    },
}

/// Where and why a probe stopped. `Display` is the one line a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The stage that failed.
    pub stage: Stage,
    /// Why.
    pub reason: StopReason,
}

impl Stop {
    pub(crate) fn new(stage: Stage, reason: StopReason) -> Self {
        Stop { stage, reason }
    }

    /// Whether the registry said the manifest (or repository) does not exist: containers/image then goes on to the
    /// next source like for any other failure, but this is the one failure that says "not mirrored".
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.reason,
            StopReason::ManifestUnknown(_)
                | StopReason::NameUnknown(_)
                | StopReason::BlobUnknown(_)
        )
    }

    /// The reason's kind as a short stable word (for JSON): `dns`, `unknown_authority`, `manifest_unknown`, …
    pub fn kind(&self) -> &'static str {
        use StopReason as R;
        match &self.reason {
            R::NotTried(_) => "not_tried",
            R::Dns { .. } => "dns",
            R::Refused { .. } => "refused",
            R::ConnectTimeout { .. } => "connect_timeout",
            R::Connect(_) => "connect",
            R::UnknownAuthority { .. } => "unknown_authority",
            R::HostnameMismatch { .. } => "hostname_mismatch",
            R::Expired { .. } => "expired",
            R::NotYetValid { .. } => "not_yet_valid",
            R::BadCertificate { .. } => "bad_certificate",
            R::NotTls { .. } => "not_tls",
            R::TlsAlert(_) => "tls_alert",
            R::Handshake(_) => "handshake",
            R::ClientIdentity(_) => "client_identity",
            R::Timeout { .. } => "timeout",
            R::ConnectionLost(_) => "connection_lost",
            R::NotHttp(_) => "not_http",
            R::PingStatus { .. } => "ping_status",
            R::Unauthorized { .. } => "unauthorized",
            R::Denied { .. } => "denied",
            R::MissingRealm => "missing_realm",
            R::Token { .. } => "token",
            R::ManifestUnknown(_) => "manifest_unknown",
            R::NameUnknown(_) => "name_unknown",
            R::BlobUnknown(_) => "blob_unknown",
            R::Status { .. } => "status",
            R::DigestMismatch { .. } => "digest_mismatch",
            R::UnexpectedMediaType { .. } => "unexpected_media_type",
            R::TooLarge { .. } => "too_large",
            R::Redirect(_) => "redirect",
            R::Unsupported(_) => "unsupported",
            R::BadManifest(_) => "bad_manifest",
            R::NoPlatform { .. } => "no_platform",
            R::FileNotFound { .. } => "file_not_found",
            R::FileDeleted { .. } => "file_deleted",
            R::NotAFile { .. } => "not_a_file",
            R::Layer { .. } => "layer",
        }
    }

    /// The certificate the server presented, when the stop is about it.
    pub fn presented_certificate(&self) -> Option<&CertSummary> {
        match &self.reason {
            StopReason::UnknownAuthority { presented, .. }
            | StopReason::HostnameMismatch { presented, .. }
            | StopReason::Expired { presented }
            | StopReason::NotYetValid { presented }
            | StopReason::BadCertificate { presented, .. } => presented.as_deref(),
            _ => None,
        }
    }

    /// The stop as JSON: `{"stage", "kind", "message"}` plus the details of its kind.
    pub fn to_json(&self) -> Value {
        let mut v =
            json!({"stage": self.stage.name(), "kind": self.kind(), "message": self.to_string()});
        let errors = |e: &[RegistryError]| -> Value {
            e.iter()
                .map(|e| json!({"code": e.code, "message": e.message}))
                .collect()
        };
        let extra = match &self.reason {
            StopReason::UnknownAuthority {
                cas, system_roots, ..
            } => json!({
                "ca_files": cas.iter().map(|c| json!({"label": c.label, "subjects": c.subjects, "skipped": c.skipped})).collect::<Vec<_>>(),
                "system_roots": system_roots,
            }),
            StopReason::PingStatus { status, errors: e }
            | StopReason::Status { status, errors: e } => {
                json!({"status": status, "errors": errors(e)})
            }
            StopReason::Unauthorized {
                credentials,
                scheme,
                errors: e,
            } => json!({
                "status": 401, "scheme": scheme, "errors": errors(e),
                "credentials": credentials.as_ref().map(|c| json!({"label": c.label, "username": c.username})),
            }),
            StopReason::Denied {
                credentials,
                errors: e,
            } => json!({
                "status": 403, "errors": errors(e),
                "credentials": credentials.as_ref().map(|c| json!({"label": c.label, "username": c.username})),
            }),
            StopReason::ManifestUnknown(e)
            | StopReason::NameUnknown(e)
            | StopReason::BlobUnknown(e) => {
                json!({"status": 404, "errors": errors(e)})
            }
            StopReason::DigestMismatch { expected, computed } => {
                json!({"expected": expected.to_string(), "computed": computed.to_string()})
            }
            StopReason::Token { realm, .. } => json!({"realm": realm}),
            _ => json!({}),
        };
        if let (Some(obj), Value::Object(extra)) = (v.as_object_mut(), extra) {
            obj.extend(extra);
            if let Some(c) = self.presented_certificate() {
                obj.insert("certificate".into(), c.json());
            }
        }
        v
    }
}

fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StopReason as R;
        let p = self.stage.prefix();
        match &self.reason {
            R::NotTried(why) => write!(f, "not tried: {why}"),
            R::Dns { host, detail } => write!(f, "connect: cannot resolve {host}: {detail}"),
            R::Refused { addr } => write!(f, "connect: connection refused by {addr}"),
            R::ConnectTimeout { host, after } => write!(
                f,
                "connect: no connection to {host} within {}",
                secs(*after)
            ),
            R::Connect(d) => write!(f, "connect: {d}"),
            R::UnknownAuthority {
                presented,
                cas,
                system_roots,
            } => {
                f.write_str("TLS: certificate signed by an unknown authority (")?;
                let labels: Vec<&str> = cas.iter().map(|c| c.label.as_str()).collect();
                let who = match (labels.is_empty(), *system_roots) {
                    (true, true) => "the system roots do not sign".to_owned(),
                    (true, false) => "no CA is trusted; nothing signs".to_owned(),
                    (false, false) if labels.len() == 1 => format!("{} does not sign", labels[0]),
                    (false, false) => format!("none of {} signs", labels.join(", ")),
                    (false, true) => {
                        format!("neither {} nor the system roots sign", labels.join(", "))
                    }
                };
                f.write_str(&who)?;
                match presented {
                    Some(c) => write!(f, " {}; it was issued by {})", c.subject, c.issuer),
                    None => f.write_str(" the server's certificate)"),
                }
            }
            R::HostnameMismatch { host, presented } => {
                write!(f, "TLS: the certificate is not valid for {host}")?;
                if let Some(c) = presented {
                    let names: Vec<&str> = c
                        .dns_names
                        .iter()
                        .chain(&c.ip_addresses)
                        .map(String::as_str)
                        .collect();
                    if names.is_empty() {
                        write!(f, " (it names no host: {})", c.subject)?;
                    } else {
                        write!(f, " (it is for {})", names.join(", "))?;
                    }
                }
                Ok(())
            }
            R::Expired { presented } => match presented {
                Some(c) => write!(
                    f,
                    "TLS: the certificate {} expired at {}",
                    c.subject, c.not_after
                ),
                None => f.write_str("TLS: the certificate has expired"),
            },
            R::NotYetValid { presented } => match presented {
                Some(c) => write!(
                    f,
                    "TLS: the certificate {} is not valid before {}",
                    c.subject, c.not_before
                ),
                None => f.write_str("TLS: the certificate is not valid yet"),
            },
            R::BadCertificate { detail, .. } => write!(f, "TLS: {detail}"),
            R::NotTls { http: true } => {
                f.write_str("TLS: the server answered in plain HTTP (an insecure registry?)")
            }
            R::NotTls { http: false } => f.write_str("TLS: the server does not speak TLS"),
            R::TlsAlert(alert) if alert == "CertificateRequired" => {
                f.write_str("TLS: the server requires a client certificate (certs.d *.cert/*.key)")
            }
            R::TlsAlert(alert) => write!(f, "TLS: the server refused the handshake ({alert})"),
            R::Handshake(d) => write!(f, "TLS: {d}"),
            R::ClientIdentity(d) => write!(f, "TLS: client certificate: {d}"),
            R::Timeout { what, after } => write!(f, "{p}: no {what} within {}", secs(*after)),
            R::ConnectionLost(d) => write!(f, "{p}: connection lost: {d}"),
            R::NotHttp(d) => write!(f, "{p}: not an HTTP answer: {d}"),
            R::PingStatus { status, errors } => {
                write!(f, "/v2/: {status} (a registry answers 200 or 401)")?;
                write_errors(f, errors)
            }
            R::Unauthorized {
                credentials,
                errors,
                ..
            }
            | R::Denied {
                credentials,
                errors,
            } => {
                let answer = if matches!(self.reason, R::Denied { .. }) {
                    "403 denied"
                } else {
                    "401"
                };
                match credentials {
                    Some(c) => write!(f, "auth: {answer} with {c}")?,
                    None => write!(f, "auth: {answer} without credentials")?,
                }
                write_errors(f, errors)
            }
            R::MissingRealm => f.write_str("auth: the bearer challenge has no realm"),
            R::Token { realm, problem } => write!(f, "auth: token from {realm}: {problem}"),
            R::ManifestUnknown(_) => f.write_str("manifest unknown"),
            R::NameUnknown(_) => f.write_str("repository name unknown"),
            R::BlobUnknown(_) => f.write_str("blob unknown"),
            R::Status { status, errors } => {
                write!(f, "{p}: {status}")?;
                if *status == 429 {
                    f.write_str(" too many requests")?;
                }
                write_errors(f, errors)
            }
            R::DigestMismatch { expected, computed } => {
                write!(
                    f,
                    "digest mismatch: the bytes hash to {computed}, not {expected}"
                )
            }
            R::UnexpectedMediaType { content_type, why } => {
                let ct = if content_type.is_empty() {
                    "(none)"
                } else {
                    content_type
                };
                write!(f, "unexpected media type {ct}: {why}")
            }
            R::TooLarge { what, limit } => write!(f, "{what} larger than {limit} bytes"),
            R::Redirect(d) => write!(f, "{p}: redirect: {d}"),
            R::Unsupported(d) => write!(f, "{p}: not supported: {d}"),
            R::BadManifest(d) => write!(f, "manifest: {d}"),
            R::NoPlatform { wanted, available } => {
                write!(
                    f,
                    "no {wanted} image in the list (it has {})",
                    available.join(", ")
                )
            }
            R::FileNotFound { path, layers } => {
                write!(f, "{path} is in none of the {layers} layers")
            }
            R::FileDeleted { path, layer } => {
                write!(f, "{path} is deleted (whiteout) in layer {layer}")
            }
            R::NotAFile { path, kind } => write!(f, "{path} is a {kind}, not a file"),
            R::Layer { layer, detail } => write!(f, "layer {layer}: {detail}"),
        }
    }
}

impl std::error::Error for Stop {}

/// How the registry was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// `https` or `http` (an insecure registry after its TLS attempt failed).
    pub scheme: &'static str,
    /// Whether the certificate was verified (false for an insecure registry).
    pub verified: bool,
}

/// Where the digest of a manifest came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestFrom {
    /// Computed over the bytes received.
    Bytes,
    /// The `Docker-Content-Digest` header of a `HEAD` answer.
    Header,
}

/// A manifest that was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestInfo {
    /// Its digest.
    pub digest: Digest,
    /// Where the digest came from.
    pub digest_from: DigestFrom,
    /// The media type containers/image would read it as.
    pub media_type: String,
    /// Its size in bytes, when known.
    pub size: Option<u64>,
    /// `HEAD` or `GET`.
    pub method: &'static str,
}

/// Everything one probe of one source found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The source, `host/repo:tag` or `host/repo@digest`.
    pub source: String,
    /// The stages passed, in order.
    pub reached: Vec<Stage>,
    /// How the registry was reached, once `/v2/` answered.
    pub endpoint: Option<Endpoint>,
    /// How the requests were authenticated.
    pub auth: AuthUsed,
    /// The manifest, or why the probe stopped.
    pub result: Result<ManifestInfo, Stop>,
    /// What a person may want to know besides (a fallback taken, a header that disagrees, credentials withheld…).
    pub notes: Vec<String>,
}

impl Outcome {
    pub(crate) fn new(source: String) -> Self {
        Outcome {
            source,
            reached: Vec::new(),
            endpoint: None,
            auth: AuthUsed::Unknown,
            result: Err(Stop::new(
                Stage::Connect,
                StopReason::NotTried("not started".into()),
            )),
            notes: Vec::new(),
        }
    }

    /// An outcome for a source the caller decided not to try (`digest-only mirror and a tag reference`).
    pub fn not_tried(source: impl Into<String>, why: impl Into<String>) -> Self {
        let mut o = Outcome::new(source.into());
        o.result = Err(Stop::new(Stage::Connect, StopReason::NotTried(why.into())));
        o
    }

    /// Whether the manifest was reached and checked: the pull would start from this source.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }

    /// Whether the stage was passed.
    pub fn reached(&self, stage: Stage) -> bool {
        self.reached.contains(&stage)
    }

    pub(crate) fn pass(&mut self, stage: Stage) {
        if !self.reached.contains(&stage) {
            self.reached.push(stage);
        }
    }

    /// The outcome as JSON (never a secret).
    pub fn to_json(&self) -> Value {
        json!({
            "source": self.source,
            "ok": self.is_ok(),
            "line": self.to_string(),
            "reached": self.reached.iter().map(|s| s.name()).collect::<Vec<_>>(),
            "endpoint": self.endpoint.map(|e| json!({"scheme": e.scheme, "verified": e.verified})),
            "auth": self.auth.json(),
            "manifest": self.result.as_ref().ok().map(|m| json!({
                "digest": m.digest.to_string(),
                "digest_from": match m.digest_from { DigestFrom::Bytes => "bytes", DigestFrom::Header => "header" },
                "media_type": m.media_type,
                "size": m.size,
                "method": m.method,
            })),
            "stop": self.result.as_ref().err().map(Stop::to_json),
            "notes": self.notes,
        })
    }
}

impl fmt::Display for Outcome {
    /// `ok sha256:… (application/vnd.oci.image.manifest.v1+json)`, or the stop's line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Ok(m) => write!(f, "ok {} ({})", m.digest, m.media_type),
            Err(stop) => stop.fmt(f),
        }
    }
}
