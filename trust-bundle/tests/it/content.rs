//! A CA bundle is certificates (issue 14 row 10): every other content is refused with its line and never echoed;
//! comments between blocks, which Go's `pem.Decode` skips, stay accepted.

use proptest::prelude::*;
use trust_bundle::{Error, check_bundle};

use crate::common::{self, bundle};

/// Everything an error shows: `Display`, `Debug` and each `source()` in the chain.
fn everything_shown(error: &Error) -> String {
    let mut shown = format!("{error}\n{error:?}\n");
    let mut cause = std::error::Error::source(error);
    while let Some(e) = cause {
        shown.push_str(&format!("{e}\n{e:?}\n"));
        cause = e.source();
    }
    shown
}

/// A PEM block of `label` around `der`, 64 characters a line.
fn pem_block(label: &str, der: &[u8]) -> String {
    let b64 = go_compat::encode_std_base64(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// Lines of base64 of `der` as `base64` prints them, without BEGIN/END lines.
fn headerless(der: &[u8]) -> String {
    let pem = pem_block("X", der);
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A case: its name, the bundle, the line the error names, and which error it is.
type Case = (&'static str, Vec<u8>, usize, fn(&Error) -> bool);

#[test]
fn non_certificate_content_is_refused_with_its_line() {
    let ca = common::ca();
    let key_der = ca.key.serialize_der();
    let ca_lines = ca.pem.lines().count();
    let after = ca_lines + 1;
    let cases: Vec<Case> = vec![
        (
            "raw DER key after the certificate",
            [ca.pem.as_bytes(), &key_der].concat(),
            after,
            |e| matches!(e, Error::BinaryData { der_key: true, .. }),
        ),
        ("raw DER key alone", key_der.clone(), 1, |e| {
            matches!(e, Error::BinaryData { der_key: true, .. })
        }),
        (
            "raw DER certificate after the certificate",
            [ca.pem.as_bytes(), &ca.der].concat(),
            after,
            |e| matches!(e, Error::BinaryData { der_key: false, .. }),
        ),
        (
            "headerless base64 key after the certificate",
            format!("{}{}", ca.pem, headerless(&key_der)).into_bytes(),
            after,
            |e| matches!(e, Error::HeaderlessBase64 { .. }),
        ),
        (
            "headerless base64 key on one line before the certificate",
            format!("{}\n{}", go_compat::encode_std_base64(&key_der), ca.pem).into_bytes(),
            1,
            |e| matches!(e, Error::HeaderlessBase64 { .. }),
        ),
        (
            "X509 CRL before the certificate",
            format!("{}{}", pem_block("X509 CRL", &[0x30, 0]), ca.pem).into_bytes(),
            1,
            |e| matches!(e, Error::NotCertificateBlock { label, .. } if label == "X509 CRL"),
        ),
    ];
    for (name, bytes, line, is_expected) in cases {
        refused_with_line_unshown(name, bytes, line, is_expected, &key_der);
    }
    // A block of another label after the certificate: refused, naming that label.
    let labelled: [(&str, &[u8], LabelOf); 4] = [
        ("RSA PRIVATE KEY", &key_der, private_key_label),
        ("EC PRIVATE KEY", &key_der, private_key_label),
        ("TRUSTED CERTIFICATE", &ca.der, not_certificate_label),
        ("KEY MATERIAL", &key_der, not_certificate_label),
    ];
    for (label, der, label_of) in labelled {
        let name = &format!("{label} block after the certificate");
        let bytes = format!("{}{}", ca.pem, pem_block(label, der)).into_bytes();
        let is_expected = |e: &Error| label_of(e) == Some(label);
        refused_with_line_unshown(name, bytes, after, is_expected, &key_der);
    }
}

/// The label an error names, when it is the error of the kind expected.
type LabelOf = fn(&Error) -> Option<&str>;

fn private_key_label(e: &Error) -> Option<&str> {
    match e {
        Error::PrivateKey { label, .. } => Some(label),
        _ => None,
    }
}

fn not_certificate_label(e: &Error) -> Option<&str> {
    match e {
        Error::NotCertificateBlock { label, .. } => Some(label),
        _ => None,
    }
}

/// A bundle of `bytes` is refused with the error `is_expected` knows, naming `line`, and none of `key_der` is shown.
fn refused_with_line_unshown(
    name: &str,
    bytes: Vec<u8>,
    line: usize,
    is_expected: impl Fn(&Error) -> bool,
    key_der: &[u8],
) {
    let err = check_bundle(&bundle("r..5000", bytes), common::now()).expect_err(name);
    assert!(is_expected(&err), "{name}: {err:?}");
    assert!(
        err.to_string().contains(&format!("line {line}:")),
        "{name}: {err}"
    );
    let shown = everything_shown(&err);
    let b64 = go_compat::encode_std_base64(key_der);
    for body_line in headerless(key_der).lines() {
        assert!(
            !shown.contains(body_line),
            "{name}: key material shown: {shown}"
        );
    }
    assert!(
        !shown.contains(&b64[..24]),
        "{name}: key material shown: {shown}"
    );
}

#[test]
fn comments_between_blocks_stay_accepted() {
    let ca = common::ca();
    let chain = format!("{}{}", common::leaf(&ca).pem, ca.pem);
    // What real bundles hold outside blocks: curl's and RHEL's names, Mozilla comments with fingerprints,
    // `openssl x509 -text` output and `openssl s_client -showcerts` framing, a hex fingerprint without colons.
    let text = format!(
        "# Mozilla bundle, exported 2025-01-01\n\
         GlobalSign Root CA\n\
         ==================\n\
         # SHA256 Fingerprint: eb:d4:10:40:e4:bb:3e:c7:42:c9:e3:81:d3:1e:f2:a4:1a:48:b6:68:5c:96:e7:ce:f3:c1:df:6c:d4:33:1c:99\n\
         3E9099B5015E8F486C00BCEA9D111EE721FABA355A89BCF1DF69561E3DC6325C\n\
         Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number: 1 (0x1)\n\
         \u{20}0 s:O = Example Mirror, CN = Mirror Test Root CA\n\
         ---\n\
         {}\n\
         \tsubject=O=Example Mirror\n\n{}trailing notes, with a tab\t\n",
        ca.pem, chain
    );
    let report = check_bundle(&bundle("r..5000", text), common::now()).expect("accepted");
    assert_eq!(report.certificates.len(), 3);
}

proptest! {
    /// Key material appended to a good bundle, in any of the shapes a key takes, is refused and never shown.
    #[test]
    fn appended_key_material_is_refused_unshown(
        key in proptest::collection::vec(any::<u8>(), 48..256),
        shape in 0u8..3,
    ) {
        let ca = common::data("ca.pem");
        // A DER key: SEQUENCE { INTEGER 0, ... }.
        let mut der = vec![0x30, 0x81, u8::try_from(key.len() + 3).unwrap_or(0xff), 0x02, 0x01, 0x00];
        der.extend_from_slice(&key);
        let tail = match shape {
            0 => der.clone(),
            1 => headerless(&der).into_bytes(),
            _ => pem_block("PRIVATE KEY", &der).into_bytes(),
        };
        let err = check_bundle(&bundle("r", [ca.as_slice(), &tail].concat()), common::now())
            .expect_err("refused");
        let shown = everything_shown(&err);
        for body_line in headerless(&der).lines().filter(|l| l.len() >= 16) {
            prop_assert!(!shown.contains(body_line), "{}", shown);
        }
        prop_assert!(!shown.as_bytes().windows(16).any(|w| der.windows(16).any(|d| d == w)));
    }
}
