//! Bundle checks: a snapshot table over the fixed PEM files in tests/data, assertions over
//! freshly generated certificates, and proptest for panics and secret leaks.

use proptest::prelude::*;
use trust_bundle::{
    ConfigMapData, Error, Warning, check_bundle, check_bundles, read_config_map, render_text,
};

use crate::common::{self, bundle, data, text};

/// One ConfigMap holding every fixture, the way a user would ship them.
fn fixtures_config_map() -> ConfigMapData {
    let b64 = |bytes: &[u8]| go_compat::encode_std_base64(bytes);
    let mut cm = ConfigMapData::default();
    for (key, file) in [
        ("ca.example.com..5000", "ca.pem"),
        ("chain.example.com..443", "chain.pem"),
        ("leaf.example.com", "leaf.pem"),
        ("expired.example.com..5000", "expired-ca.pem"),
        ("future.example.com..5000", "future-ca.pem"),
        ("withkey.example.com..5000", "ca-with-key.pem"),
        ("pubkey.example.com..5000", "ca-and-public-key.pem"),
        ("crlf.example.com..5000", "ca-crlf.pem"),
        ("garbage.example.com..5000", "not-pem.crt"),
        ("truncated.example.com..5000", "truncated.pem"),
        ("ca.crt", "ca.pem"),
        ("a..b..5000", "ca.pem"),
    ] {
        cm.data.insert(key.to_owned(), text(file));
    }
    // base64 text in `data` is decoded by OpenShift before it is written.
    cm.data
        .insert("b64text.example.com".to_owned(), b64(&data("ca.pem")));
    cm.data
        .insert("empty.example.com..5000".to_owned(), String::new());
    cm.binary_data
        .insert("der.example.com..5000".to_owned(), data("ca.der"));
    cm.binary_data
        .insert("binpem.example.com..5000".to_owned(), data("chain.pem"));
    cm
}

#[test]
fn fixture_table() {
    let bundles = read_config_map(&fixtures_config_map()).expect("read");
    let checks = check_bundles(&bundles, common::now());
    insta::assert_snapshot!(render_text(&checks, |folder| format!(
        "etc/docker/certs.d/{folder}/ca.crt"
    )));
}

#[test]
fn fixture_verdicts() {
    let bundles = read_config_map(&fixtures_config_map()).expect("read");
    let checks = check_bundles(&bundles, common::now());
    let accepted: Vec<&str> = checks
        .iter()
        .filter(|c| c.is_accepted())
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(
        accepted,
        [
            "b64text.example.com",
            "ca.crt",
            "ca.example.com..5000",
            "chain.example.com..443",
            "crlf.example.com..5000",
            "expired.example.com..5000",
            "future.example.com..5000",
            "leaf.example.com",
            "binpem.example.com..5000",
        ]
    );
    // A certificate followed by a PUBLIC KEY block is not a CA bundle (issue 14 row 10).
    let pubkey = checks
        .iter()
        .find(|c| c.key == "pubkey.example.com..5000")
        .expect("checked");
    assert!(
        matches!(&pubkey.bundle, Err(Error::NotCertificateBlock { line: 13, label, .. }) if label == "PUBLIC KEY"),
        "{:?}",
        pubkey.bundle
    );
}

#[test]
fn generated_ca_is_clean() {
    let ca = common::ca();
    let report = check_bundle(&bundle("r..5000", ca.pem.clone()), common::now()).expect("accepted");
    assert_eq!(report.certificates.len(), 1);
    let cert = &report.certificates[0];
    assert_eq!(cert.subject, "O=Example Mirror, CN=Mirror Test Root CA");
    assert_eq!(cert.issuer, cert.subject);
    assert_eq!(cert.not_before, "2020-01-01T00:00:00Z");
    assert_eq!(cert.not_after, "2040-01-01T00:00:00Z");
    assert!(cert.is_ca);
    assert_eq!(cert.line, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn generated_leaf_warns_not_ca() {
    let ca = common::ca();
    let leaf = common::leaf(&ca);
    let report = check_bundle(&bundle("r", leaf.pem), common::now()).expect("accepted");
    assert_eq!(
        report.certificates[0].issuer,
        "O=Example Mirror, CN=Mirror Test Root CA"
    );
    assert!(matches!(
        report.warnings.as_slice(),
        [Warning::NotCa { index: 1, subject, .. }] if subject == "O=Example Mirror, CN=mirror.example.com"
    ));
}

#[test]
fn generated_expired_and_future_warn_by_now() {
    let expired = check_bundle(&bundle("r", common::expired_ca().pem), common::now()).expect("ok");
    assert!(matches!(
        expired.warnings.as_slice(),
        [Warning::Expired { not_after, .. }] if not_after == "2010-01-01T00:00:00Z"
    ));
    let future = check_bundle(&bundle("r", common::future_ca().pem), common::now()).expect("ok");
    assert!(matches!(
        future.warnings.as_slice(),
        [Warning::NotYetValid { not_before, .. }] if not_before == "2090-01-01T00:00:00Z"
    ));
    // The same certificates judged at another "now" are clean: time is a parameter.
    let in_2095 =
        trust_bundle::UnixTime::since_unix_epoch(std::time::Duration::from_secs(3_944_678_400));
    let future = check_bundle(&bundle("r", common::future_ca().pem), in_2095).expect("ok");
    assert!(future.warnings.is_empty());
}

#[test]
fn generated_bundle_with_key_is_refused_without_echo() {
    let ca = common::ca();
    let key_pem = ca.key.serialize_pem();
    let bytes = format!("{}{}", ca.pem, key_pem);
    let err = check_bundle(&bundle("r..5000", bytes), common::now()).expect_err("refused");
    assert!(
        matches!(&err, Error::PrivateKey { line: 12, label, .. } if label == "PRIVATE KEY"),
        "{err:?}"
    );
    let shown = format!("{err} {err:?}");
    for body_line in key_pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!shown.contains(body_line), "key material leaked: {shown}");
    }
}

#[test]
fn key_is_refused_even_in_broken_pem() {
    let ca = common::ca();
    let bytes = format!(
        "-----BEGIN CERTIFICATE-----\nnot base64\n{}",
        ca.key
            .serialize_pem()
            .replace("-----END PRIVATE KEY-----\n", "")
    );
    let err = check_bundle(&bundle("r", bytes), common::now()).expect_err("refused");
    assert!(matches!(err, Error::PrivateKey { .. }), "{err:?}");
}

#[test]
fn der_is_refused_with_a_hint() {
    let err = check_bundle(&bundle("r", common::ca().der), common::now()).expect_err("refused");
    assert!(matches!(err, Error::DerNotPem { .. }));
    assert!(err.to_string().contains("openssl x509 -inform der"));
}

#[test]
fn corrupt_certificate_body_is_refused() {
    let pem = common::ca().pem;
    // Valid base64, but the DER inside is cut short.
    let mut lines: Vec<&str> = pem.lines().collect();
    lines.remove(2);
    let err = check_bundle(&bundle("r", lines.join("\n")), common::now()).expect_err("refused");
    assert!(
        matches!(
            err,
            Error::BadCertificate {
                index: 1,
                line: 1,
                ..
            }
        ),
        "{err:?}"
    );
    // The cause is kept: x509-parser's error, itself with x509-parser's reason.
    let cause = std::error::Error::source(&err).expect("a cause");
    assert!(
        cause
            .downcast_ref::<trust_bundle::X509ParseError>()
            .is_some()
    );
    assert!(err.to_string().ends_with(&cause.to_string()), "{err}");
    assert!(cause.source().is_some(), "{cause:?}");
}

#[test]
fn empty_and_blank_are_refused() {
    for bytes in [&b""[..], b"\n  \n"] {
        let err = check_bundle(&bundle("r", bytes), common::now()).expect_err("refused");
        assert!(
            matches!(&err, Error::NoCertificates { what, .. } if what == "the bundle is empty")
        );
        assert!(
            err.to_string()
                .contains("x509: certificate signed by unknown authority")
        );
    }
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = check_bundle(&bundle("r", bytes), common::now());
    }

    #[test]
    fn never_panics_on_mangled_pem(cut in 0usize..603, insert in "[-A-Za-z \n=]{0,12}") {
        let mut pem = text("chain.pem");
        let cut = cut.min(pem.len());
        pem.insert_str(cut, &insert);
        let _ = check_bundle(&bundle("r", pem), common::now());
    }

    #[test]
    fn rfc3339_matches_known_points(days in 0i64..200_000) {
        // Day boundaries format as midnight and parse back through the same arithmetic.
        let s = trust_bundle::rfc3339(days * 86_400);
        prop_assert!(s.ends_with("T00:00:00Z"), "{}", s);
        prop_assert_eq!(s.len(), 20);
    }
}

#[test]
fn rfc3339_fixed_points() {
    assert_eq!(trust_bundle::rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(trust_bundle::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(
        trust_bundle::rfc3339(1_748_736_000 + 3661),
        "2025-06-01T01:01:01Z"
    );
    assert_eq!(trust_bundle::rfc3339(-1), "1969-12-31T23:59:59Z");
}

#[test]
fn plan_checks_before_naming_folders() {
    let ca = common::ca();
    let good = bundle("r.example.com..5000", ca.pem.clone());
    let leaf = bundle("leaf.example.com", common::leaf(&ca).pem);
    let plan =
        trust_bundle::plan_folders(&[good.clone(), leaf.clone()], common::now()).expect("plan");
    let names: Vec<&str> = plan.folders.iter().map(|f| f.folder()).collect();
    assert_eq!(names, ["leaf.example.com", "r.example.com:5000"]);
    assert_eq!(plan.reports.len(), 2);
    assert!(
        matches!(plan.warnings.as_slice(), [Warning::NotCa { key, .. }] if key == "leaf.example.com")
    );

    let empty = bundle("empty.example.com", "");
    let err =
        trust_bundle::plan_folders(&[good.clone(), empty], common::now()).expect_err("refused");
    assert!(matches!(err, Error::NoCertificates { key, .. } if key == "empty.example.com"));
    let bad_key = bundle("a/b", ca.pem);
    let err = trust_bundle::plan_folders(&[good, bad_key], common::now()).expect_err("refused");
    assert!(matches!(err, Error::InvalidKey { .. }));
}

#[test]
fn framing_and_label_table() {
    let ca = text("ca.pem");
    let body: String = ca
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(|l| format!("{l}\n"))
        .collect();
    let cases: Vec<(&str, String)> = vec![
        (
            "encrypted key",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
                .into(),
        ),
        (
            "openssh key",
            format!("{ca}-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"),
        ),
        (
            "headers",
            format!(
                "-----BEGIN CERTIFICATE-----\nProc-Type: 4,X\n\n{body}-----END CERTIFICATE-----\n"
            ),
        ),
        (
            "only trusted",
            format!(
                "-----BEGIN TRUSTED CERTIFICATE-----\n{body}-----END TRUSTED CERTIFICATE-----\n"
            ),
        ),
        (
            "end without begin",
            format!("{ca}-----END CERTIFICATE-----\n"),
        ),
        ("nested begin", format!("-----BEGIN CERTIFICATE-----\n{ca}")),
        (
            "mismatched end",
            format!("-----BEGIN CERTIFICATE-----\n{body}-----END X509 CRL-----\n"),
        ),
        (
            "bad marker",
            "-----BEGIN CERTIFICATE----\nAAAA\n-----END CERTIFICATE-----\n".into(),
        ),
        (
            "text around",
            format!("subject=CN = Mirror\n{ca}\ntrailing notes\n"),
        ),
        ("lone CR lines", ca.replace('\n', "\r")),
        ("trailing data", {
            let mut der = common::ca().der;
            der.extend_from_slice(b"xx");
            let b64 = go_compat::encode_std_base64(&der);
            format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n")
        }),
    ];
    let mut out = String::new();
    for (name, bytes) in cases {
        let verdict = match check_bundle(&bundle("r", bytes), common::now()) {
            Ok(report) => format!(
                "ok: {} certificate(s), warnings: {:?}",
                report.certificates.len(),
                report
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ),
            Err(e) => format!("refused: {e}"),
        };
        out.push_str(&format!("{name}: {verdict}\n"));
    }
    insta::assert_snapshot!(out);
}
