//! Validity in time (issue 13.3): expired and not-yet-valid certificates are refused, judged at the caller's
//! "now", unless explicitly allowed (then a warning); and what a `ca.crt` found on a node is (issue 13.9).

use trust_bundle::{
    Bundle, CaFile, CheckPolicy, Error, Origin, OutOfValidity, OutOfValidityCertificate, UnixTime,
    Warning, check_bundle_with, check_bundles_with, classify_ca_file, plan_folders_with,
};

use crate::common::{self, bundle};

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

/// One test a case: a strict check at [`common::now`] refuses a bundle of the test CA `ca` with the error
/// `variant`, which describes its one certificate (`subject`, valid from `not_before` to `not_after`), with the
/// message of snapshot `snapshot`.
macro_rules! strict_refusal_cases {
    ($($name:ident: $ca:ident, $variant:ident, $subject:literal, $not_before:literal .. $not_after:literal,
        $snapshot:literal;)*) => {$(
        #[test]
        fn $name() {
            let bundle = bundle("r..5000", common::$ca().pem);
            let err = check_bundle_with(&bundle, CheckPolicy::strict(common::now())).expect_err("refused");
            let expected = OutOfValidityCertificate {
                index: 1,
                line: 1,
                subject: $subject.to_owned(),
                not_before: $not_before.to_owned(),
                not_after: $not_after.to_owned(),
                now: "2025-06-01T00:00:00Z".to_owned(),
            };
            assert!(
                matches!(&err, Error::$variant { certificate, .. } if **certificate == expected),
                "{err:?}"
            );
            insta::assert_snapshot!($snapshot, err.to_string());
        }
    )*};
}

strict_refusal_cases! {
    strict_refuses_expired_with_subject_and_dates: expired_ca, Expired,
        "O=Example Mirror, CN=Expired Root CA", "2000-01-01T00:00:00Z".."2010-01-01T00:00:00Z", "expired_error";
    strict_refuses_not_yet_valid_with_subject_and_dates: future_ca, NotYetValid,
        "O=Example Mirror, CN=Future Root CA", "2090-01-01T00:00:00Z".."2100-01-01T00:00:00Z", "not_yet_valid_error";
}

#[test]
fn the_boundaries_are_the_certificates_own_seconds() {
    // Valid 2020-01-01 .. 2040-01-01, both ends included (Go: now before notBefore or after notAfter fails).
    let ca = bundle("r", common::ca().pem);
    let (not_before, not_after) = (1_577_836_800, 2_208_988_800);
    for (now, ok) in [
        (not_before - 1, false),
        (not_before, true),
        (not_after, true),
        (not_after + 1, false),
    ] {
        let result = check_bundle_with(&ca, CheckPolicy::strict(at(now)));
        assert_eq!(result.is_ok(), ok, "at {now}: {result:?}");
    }
}

#[test]
fn an_allowance_turns_them_into_typed_warnings() {
    let policy = CheckPolicy::allowing_out_of_validity(common::now());
    assert_eq!(policy.out_of_validity, OutOfValidity::Allow);
    let expired =
        check_bundle_with(&bundle("r", common::expired_ca().pem), policy).expect("allowed");
    assert!(matches!(
        expired.warnings.as_slice(),
        [Warning::Expired { not_after, .. }] if not_after == "2010-01-01T00:00:00Z"
    ));
    let future = check_bundle_with(&bundle("r", common::future_ca().pem), policy).expect("allowed");
    assert!(matches!(
        future.warnings.as_slice(),
        [Warning::NotYetValid { .. }]
    ));
}

/// Found by the `trust_bundle` fuzz target: a not-yet-valid certificate followed by a block that is not base64
/// was refused for its dates when strict and for the broken block when lenient. Both now name the broken block,
/// and a second certificate out of its dates does not replace the first one's refusal.
#[test]
fn a_broken_block_after_an_out_of_validity_certificate_is_refused_alike_by_both_policies() {
    let broken = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    let text = format!("{}{broken}", common::future_ca().pem);
    let raw = bundle("r..5000", text);
    let strict = check_bundle_with(&raw, CheckPolicy::strict(common::now())).expect_err("refused");
    let lenient = check_bundle_with(&raw, CheckPolicy::allowing_out_of_validity(common::now()))
        .expect_err("refused");
    assert!(
        matches!(&strict, Error::Pem { line, .. } if *line > 1),
        "{strict:?}"
    );
    assert_eq!(strict, lenient);

    let two = format!("{}{}", common::future_ca().pem, common::expired_ca().pem);
    let err = check_bundle_with(&bundle("r..5000", two), CheckPolicy::strict(common::now()))
        .expect_err("refused");
    assert!(
        matches!(&err, Error::NotYetValid { certificate, .. } if certificate.index == 1),
        "{err:?}"
    );
}

#[test]
fn one_expired_certificate_refuses_the_bundle_and_the_plan() {
    let mixed = format!("{}{}", common::ca().pem, common::expired_ca().pem);
    let bundles = [
        bundle("good.example.com", common::ca().pem),
        bundle("mixed.example.com..5000", mixed),
    ];
    let strict = CheckPolicy::strict(common::now());
    let checks = check_bundles_with(&bundles, strict);
    assert!(checks[0].is_accepted());
    assert!(
        matches!(
            &checks[1].bundle,
            Err(Error::Expired { certificate: c, .. }) if c.index == 2 && c.line == 12
        ),
        "{:?}",
        checks[1].bundle
    );
    let err = plan_folders_with(&bundles, strict).expect_err("refused");
    assert!(matches!(err, Error::Expired { key, .. } if key == "mixed.example.com..5000"));
    let allowed = plan_folders_with(
        &bundles,
        CheckPolicy::allowing_out_of_validity(common::now()),
    )
    .expect("allowed");
    assert_eq!(allowed.folders.len(), 2);
    assert!(matches!(
        allowed.warnings.as_slice(),
        [Warning::Expired { index: 2, .. }]
    ));
}

fn node_file(bytes: impl Into<Vec<u8>>) -> Bundle {
    Bundle {
        key: "mirror.example.com:5000".to_owned(),
        origin: Origin::File("etc/docker/certs.d/mirror.example.com:5000/ca.crt".to_owned()),
        bytes: bytes.into(),
    }
}

#[test]
fn a_ca_file_on_a_node_is_classified() {
    let ca = common::ca();
    let key_pem = ca.key.serialize_pem();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a CA", ca.pem.clone().into_bytes(), "usable CA"),
        ("a leaf", common::leaf(&ca).pem.into_bytes(), "usable CA"),
        ("text", b"hello\n".to_vec(), "not a certificate"),
        ("empty", Vec::new(), "not a certificate"),
        ("DER certificate", ca.der.clone(), "not a certificate"),
        (
            "truncated",
            common::data("truncated.pem"),
            "not a certificate",
        ),
        ("a key", key_pem.clone().into_bytes(), "key material"),
        (
            "CA and key",
            format!("{}{key_pem}", ca.pem).into_bytes(),
            "key material",
        ),
        ("DER key", ca.key.serialize_der(), "key material"),
        ("expired", common::expired_ca().pem.into_bytes(), "expired"),
        (
            "future",
            common::future_ca().pem.into_bytes(),
            "not yet valid",
        ),
    ];
    for (name, bytes, summary) in cases {
        let verdict = classify_ca_file(&node_file(bytes), common::now());
        assert_eq!(verdict.summary(), summary, "{name}: {verdict:?}");
        assert_eq!(verdict.is_usable(), summary == "usable CA", "{name}");
        assert_eq!(verdict.error().is_none(), verdict.is_usable(), "{name}");
        if let Some(error) = verdict.error() {
            let shown = format!("{error} {verdict:?}");
            assert!(
                shown.contains("etc/docker/certs.d/mirror.example.com:5000/ca.crt"),
                "{shown}"
            );
            for line in key_pem.lines().filter(|l| !l.starts_with("-----")) {
                assert!(!shown.contains(line), "{name}: key shown: {shown}");
            }
        }
    }
    assert!(matches!(
        classify_ca_file(&node_file(common::data("ca.pem")), common::now()),
        CaFile::UsableCa(report) if report.certificates.len() == 1
    ));
}
