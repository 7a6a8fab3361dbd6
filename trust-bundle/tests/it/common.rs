//! Helpers shared by the test modules: the fixtures under tests/data, and certificates made with rcgen with fixed
//! names, serials and dates (also used by `examples/regenerate_fixtures.rs`, hence `dead_code` allowed).
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    SerialNumber, date_time_ymd,
};
use trust_bundle::{Bundle, Origin, UnixTime};

/// The fixture `tests/data/<name>`.
pub fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text fixture `tests/data/<name>`.
pub fn text(name: &str) -> String {
    String::from_utf8(data(name)).expect("utf-8 fixture")
}

/// A bundle read from a ConfigMap's `data`.
pub fn bundle(key: &str, bytes: impl Into<Vec<u8>>) -> Bundle {
    Bundle {
        key: key.to_owned(),
        origin: Origin::Data,
        bytes: bytes.into(),
    }
}

/// "Now" for every test: 2025-06-01T00:00:00Z.
pub fn now() -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_748_736_000))
}

fn params(
    cn: &str,
    serial: u64,
    from: (i32, u8, u8),
    to: (i32, u8, u8),
    ca: bool,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "Example Mirror");
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.serial_number = Some(SerialNumber::from(serial));
    params.not_before = date_time_ymd(from.0, from.1, from.2);
    params.not_after = date_time_ymd(to.0, to.1, to.2);
    params.is_ca = if ca {
        IsCa::Ca(BasicConstraints::Unconstrained)
    } else {
        IsCa::ExplicitNoCa
    };
    params
}

/// A generated certificate with its key.
pub struct Made {
    pub pem: String,
    pub der: Vec<u8>,
    pub key: KeyPair,
    pub params: CertificateParams,
}

fn self_signed(params: CertificateParams) -> Made {
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("self-signed");
    Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key,
        params,
    }
}

fn root_ca(cn: &str, serial: u64, from: (i32, u8, u8), to: (i32, u8, u8)) -> Made {
    self_signed(params(cn, serial, from, to, true))
}

/// A root CA valid 2020..2040.
pub fn ca() -> Made {
    root_ca("Mirror Test Root CA", 1, (2020, 1, 1), (2040, 1, 1))
}

/// A root CA that expired in 2010.
pub fn expired_ca() -> Made {
    root_ca("Expired Root CA", 2, (2000, 1, 1), (2010, 1, 1))
}

/// A root CA valid only from 2090.
pub fn future_ca() -> Made {
    root_ca("Future Root CA", 3, (2090, 1, 1), (2100, 1, 1))
}

/// A server certificate for mirror.example.com signed by `issuer`.
pub fn leaf(issuer: &Made) -> Made {
    let mut params = params("mirror.example.com", 4, (2024, 1, 1), (2030, 1, 1), false);
    params.subject_alt_names = vec![rcgen::SanType::DnsName(
        "mirror.example.com".try_into().expect("dns name"),
    )];
    let key = KeyPair::generate().expect("key");
    let signer = Issuer::from_params(&issuer.params, &issuer.key);
    let cert = params.signed_by(&key, &signer).expect("signed");
    Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key,
        params,
    }
}
