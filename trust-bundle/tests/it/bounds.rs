//! Input bounds (issue 8): an oversized bundle is refused before any PEM or X.509 parsing.

use trust_bundle::{Error, MAX_BUNDLE_BYTES, UnixTime, check_bundle};

use crate::common;

#[test]
fn a_bundle_over_the_limit_is_refused_unparsed() {
    // Found by the issue-8 bounds check: 100 MB of certificates were parsed one by one and accepted.
    let pem = common::data("ca.pem");
    let bytes = pem.repeat(MAX_BUNDLE_BYTES / pem.len() + 1);
    let size = bytes.len();
    let bundle = common::bundle("mirror.example.com..5000", bytes);
    let e = check_bundle(&bundle, UnixTime::now()).unwrap_err();
    assert!(
        matches!(e, Error::TooLarge { size: s, limit: MAX_BUNDLE_BYTES, .. } if s == size),
        "{e:?}"
    );
    assert!(e.to_string().ends_with(&format!(
        "[\"mirror.example.com..5000\"]: the bundle is {size} bytes, more than the limit of {MAX_BUNDLE_BYTES} bytes"
    )), "{e}");
}
