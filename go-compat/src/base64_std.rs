//! `base64.StdEncoding`.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroize;

/// Go's `base64.StdEncoding`: standard alphabet, padding required, non-zero trailing bits accepted (Go's default
/// encoding is not `Strict()`).
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Text that Go's `base64.StdEncoding.DecodeString` refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base64Error {
    offset: usize,
}

impl Base64Error {
    /// The byte offset in the text of the first byte Go refuses (as in Go's `CorruptInputError`).
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl std::fmt::Display for Base64Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Go's own words (base64.CorruptInputError).
        write!(f, "illegal base64 data at input byte {}", self.offset)
    }
}

impl std::error::Error for Base64Error {}

/// Decodes as Go's `base64.StdEncoding.DecodeString` does: `\r` and `\n` are skipped anywhere, padding is
/// required, trailing bits may be non-zero. The copy made to skip line breaks is wiped: the text may be a secret.
pub fn decode_std_base64(text: &str) -> Result<Vec<u8>, Base64Error> {
    if !text.contains(['\r', '\n']) {
        return GO_STD.decode(text.as_bytes()).map_err(|e| Base64Error {
            offset: offset_of(&e, text.len()),
        });
    }
    // Keep where each kept byte came from, to report offsets in `text`.
    let mut kept = Vec::with_capacity(text.len());
    let mut origin_of = Vec::with_capacity(text.len());
    for (i, b) in text.bytes().enumerate() {
        if b != b'\r' && b != b'\n' {
            kept.push(b);
            origin_of.push(i);
        }
    }
    let result = GO_STD.decode(&kept).map_err(|e| Base64Error {
        offset: origin_of
            .get(offset_of(&e, kept.len()))
            .copied()
            .unwrap_or(text.len()),
    });
    kept.zeroize();
    result
}

/// Where Go stops, in the text it decoded.
fn offset_of(e: &base64::DecodeError, len: usize) -> usize {
    match *e {
        base64::DecodeError::InvalidByte(at, _) | base64::DecodeError::InvalidLastSymbol(at, _) => {
            at
        }
        // Go stops at the start of the incomplete or badly padded quantum.
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
            len - len % 4
        }
    }
}

/// `base64.StdEncoding.EncodeToString`.
pub fn encode_std_base64(bytes: impl AsRef<[u8]>) -> String {
    GO_STD.encode(bytes.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_as_go_does() {
        assert_eq!(decode_std_base64("aGVsbG8=").unwrap(), b"hello");
        // Non-zero trailing bits: Go's StdEncoding accepts them.
        assert_eq!(decode_std_base64("aGVsbG9=").unwrap(), b"hello");
        assert_eq!(decode_std_base64("").unwrap(), b"");
        assert_eq!(decode_std_base64("aGVs\r\nbG8=\n").unwrap(), b"hello");
        assert_eq!(decode_std_base64("aGVsbG8").unwrap_err().offset(), 4);
        assert_eq!(decode_std_base64("aG!s").unwrap_err().offset(), 2);
        assert_eq!(decode_std_base64("a\nG!s").unwrap_err().offset(), 3);
        assert_eq!(
            decode_std_base64("aGVsbG8").unwrap_err().to_string(),
            "illegal base64 data at input byte 4"
        );
    }

    proptest! {
        #[test]
        fn encoding_decodes_back(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(decode_std_base64(&encode_std_base64(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn never_panics_and_offsets_lie_inside(text in "[A-Za-z0-9+/=\r\n!]{0,40}") {
            if let Err(e) = decode_std_base64(&text) {
                prop_assert!(e.offset() <= text.len());
            }
        }
    }
}
