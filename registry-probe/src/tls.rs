//! TLS as the node would do it: the trust built from a [`Trust`], a verifier that keeps the certificate the server
//! presented (so that a failure can say what it was), and the handshake failures turned into [`StopReason`]s.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::outcome::{CaSummary, CertSummary, StopReason};
use crate::source::{SystemRoots, Trust};

/// What a TLS setup for one host knows, shared by its connections.
#[derive(Debug)]
pub(crate) struct TlsSetup {
    pub(crate) base: Arc<ClientConfig>,
    verify: Verify,
    provider: Arc<CryptoProvider>,
    pub(crate) cas: Vec<CaSummary>,
    pub(crate) system_roots: bool,
}

#[derive(Debug, Clone)]
enum Verify {
    WebPki(Arc<WebPkiServerVerifier>),
    /// No root at all: every certificate is from an unknown authority.
    NoRoots,
    /// An insecure registry: no verification (Go's `InsecureSkipVerify`), signatures still checked.
    Skip,
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl TlsSetup {
    pub(crate) fn new(trust: &Trust, insecure: bool) -> Result<TlsSetup, String> {
        let provider = provider();
        let mut roots = RootCertStore::empty();
        let system_roots = trust.system_roots == SystemRoots::Mozilla;
        if system_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        let mut cas = Vec::new();
        for file in &trust.ca_files {
            let mut summary = CaSummary {
                label: file.label.clone(),
                subjects: Vec::new(),
                skipped: 0,
            };
            for item in CertificateDer::pem_slice_iter(&file.pem) {
                match item {
                    Ok(der) => {
                        let subject = summarize(&der).map(|s| s.subject);
                        match (roots.add(der), subject) {
                            (Ok(()), Some(subject)) => summary.subjects.push(subject),
                            _ => summary.skipped += 1,
                        }
                    }
                    Err(_) => summary.skipped += 1,
                }
            }
            cas.push(summary);
        }
        let verify = if insecure {
            Verify::Skip
        } else if roots.is_empty() {
            Verify::NoRoots
        } else {
            let v = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| format!("building the verifier: {e}"))?;
            Verify::WebPki(v)
        };
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Recording {
                verify: verify.clone(),
                provider: provider.clone(),
                seen: Arc::default(),
            }));
        let config = if trust.client_identities.is_empty() {
            builder.with_no_client_auth()
        } else {
            let mut ids = Vec::new();
            for id in &trust.client_identities {
                ids.push(load_identity(
                    &provider,
                    id.label(),
                    id.cert_pem(),
                    id.key_pem(),
                )?);
            }
            builder.with_client_cert_resolver(Arc::new(FirstSuitable(ids)))
        };
        Ok(TlsSetup {
            base: Arc::new(config),
            verify,
            provider,
            cas,
            system_roots,
        })
    }

    /// A config for one connection, with a verifier that records the server's certificate into `seen`.
    pub(crate) fn for_connection(&self, seen: Arc<Mutex<Option<Vec<u8>>>>) -> Arc<ClientConfig> {
        let mut cfg = (*self.base).clone();
        cfg.dangerous()
            .set_certificate_verifier(Arc::new(Recording {
                verify: self.verify.clone(),
                provider: self.provider.clone(),
                seen,
            }));
        Arc::new(cfg)
    }

    /// The stop for a handshake error, knowing the certificate that was presented (DER) if any.
    pub(crate) fn explain(
        &self,
        err: &rustls::Error,
        presented: Option<&[u8]>,
        host: &str,
    ) -> StopReason {
        let presented = presented.and_then(summarize).map(Box::new);
        match err {
            rustls::Error::InvalidCertificate(ce) => match ce {
                CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                    StopReason::UnknownAuthority {
                        presented,
                        cas: self.cas.clone(),
                        system_roots: self.system_roots,
                    }
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => StopReason::HostnameMismatch {
                    host: host.to_owned(),
                    presented,
                },
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    StopReason::Expired { presented }
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    StopReason::NotYetValid { presented }
                }
                other => StopReason::BadCertificate {
                    detail: format!("invalid certificate: {other:?}"),
                    presented,
                },
            },
            rustls::Error::AlertReceived(alert) => StopReason::TlsAlert(format!("{alert:?}")),
            other => StopReason::Handshake(other.to_string()),
        }
    }
}

fn load_identity(
    provider: &CryptoProvider,
    label: &str,
    cert_pem: &[u8],
    key_pem: &[u8],
) -> Result<Identity, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{label}: the certificate file is not PEM"))?;
    if chain.is_empty() {
        return Err(format!("{label}: no certificate in the file"));
    }
    // Never put the key's bytes or the parser's words about them in a message.
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|_| format!("{label}: the key file holds no PEM private key"))?;
    let signing = provider
        .key_provider
        .load_private_key(key)
        .map_err(|_| format!("{label}: the private key cannot be used"))?;
    let issuers = chain
        .iter()
        .filter_map(|c| {
            x509_parser::parse_x509_certificate(c)
                .ok()
                .map(|(_, x)| x.tbs_certificate.issuer.as_raw().to_vec())
        })
        .collect();
    let ck = CertifiedKey::new(chain, signing);
    Ok(Identity {
        key: Arc::new(ck),
        issuers,
    })
}

#[derive(Debug)]
struct Identity {
    key: Arc<CertifiedKey>,
    /// DER of each chain certificate's issuer name.
    issuers: Vec<Vec<u8>>,
}

/// Go's `getClientCertificate`: the first identity whose key can sign with a scheme the server accepts and whose
/// chain has an issuer among the CAs the server names (when it names any).
#[derive(Debug)]
struct FirstSuitable(Vec<Identity>);

impl ResolvesClientCert for FirstSuitable {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.0
            .iter()
            .find(|id| {
                let ca_ok = root_hint_subjects.is_empty()
                    || id.issuers.iter().any(|i| {
                        root_hint_subjects
                            .iter()
                            .any(|h| *h == i.as_slice() || strip_sequence(i) == Some(*h))
                    });
                ca_ok && id.key.key.choose_scheme(sigschemes).is_some()
            })
            .map(|id| id.key.clone())
    }

    fn has_certs(&self) -> bool {
        !self.0.is_empty()
    }
}

/// The contents of a DER SEQUENCE (rustls may give names without their outer tag).
fn strip_sequence(der: &[u8]) -> Option<&[u8]> {
    if der.first() != Some(&0x30) {
        return None;
    }
    let len = *der.get(1)?;
    let start = if len < 0x80 {
        2
    } else {
        2 + usize::from(len & 0x7f)
    };
    der.get(start..)
}

#[derive(Debug)]
struct Recording {
    verify: Verify,
    provider: Arc<CryptoProvider>,
    seen: Arc<Mutex<Option<Vec<u8>>>>,
}

impl Recording {
    /// The provider's signature algorithms: what both handshake versions and the scheme list answer from.
    fn algorithms(&self) -> &WebPkiSupportedAlgorithms {
        &self.provider.signature_verification_algorithms
    }
}

/// A `ServerCertVerifier` signature method that answers with `rustls::crypto`'s function of the same name.
macro_rules! signature_check {
    ($name:ident) => {
        fn $name(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::$name(message, cert, dss, self.algorithms())
        }
    };
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(end_entity.to_vec());
        }
        match &self.verify {
            Verify::WebPki(v) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            Verify::NoRoots => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
            Verify::Skip => Ok(ServerCertVerified::assertion()),
        }
    }

    // Both handshake versions check a signature the same way: rustls's function of that name, with the
    // provider's algorithms (whatever the certificate verdict was).
    signature_check!(verify_tls12_signature);
    signature_check!(verify_tls13_signature);

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms().supported_schemes()
    }
}

/// Subject, issuer, names and validity of a DER certificate.
pub(crate) fn summarize(der: &[u8]) -> Option<CertSummary> {
    use x509_parser::extensions::GeneralName;
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(n) => dns_names.push(clean(n)),
                GeneralName::IPAddress(b) => {
                    if let Ok(a) = <[u8; 4]>::try_from(*b) {
                        ip_addresses.push(std::net::Ipv4Addr::from(a).to_string());
                    } else if let Ok(a) = <[u8; 16]>::try_from(*b) {
                        ip_addresses.push(std::net::Ipv6Addr::from(a).to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let validity = cert.validity();
    Some(CertSummary {
        subject: name_or_empty(&cert.subject().to_string()),
        issuer: name_or_empty(&cert.issuer().to_string()),
        dns_names,
        ip_addresses,
        not_before: go_compat::rfc3339(validity.not_before.timestamp()),
        not_after: go_compat::rfc3339(validity.not_after.timestamp()),
    })
}

fn name_or_empty(s: &str) -> String {
    if s.is_empty() {
        "(empty subject)".into()
    } else {
        clean(s)
    }
}

fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_strip() {
        assert_eq!(strip_sequence(&[0x30, 2, 1, 2]), Some(&[1u8, 2][..]));
        assert_eq!(strip_sequence(&[0x31, 0]), None);
    }
}
