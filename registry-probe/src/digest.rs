//! Content digests (`sha256:…`) as go-digest and containers/image accept them.

use std::fmt;
use std::str::FromStr;

use sha2::Digest as _;

use crate::error::Error;

/// A digest algorithm containers/image registers: `sha256` (the canonical one), `sha384`, `sha512`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// SHA-256, 64 hex digits.
    Sha256,
    /// SHA-384, 96 hex digits.
    Sha384,
    /// SHA-512, 128 hex digits.
    Sha512,
}

impl Algorithm {
    /// The name in a digest string (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// How many lowercase hex digits the encoded part has.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha384 => 96,
            Algorithm::Sha512 => 128,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha256" => Some(Algorithm::Sha256),
            "sha384" => Some(Algorithm::Sha384),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    /// A streaming hasher for this algorithm.
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            Algorithm::Sha256 => HasherInner::Sha256(sha2::Sha256::new()),
            Algorithm::Sha384 => HasherInner::Sha384(sha2::Sha384::new()),
            Algorithm::Sha512 => HasherInner::Sha512(sha2::Sha512::new()),
        })
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A validated digest: `algorithm:hex`, the hex in lowercase and of the algorithm's length (go-digest's
/// `Validate`).
///
/// ```
/// use registry_probe::Digest;
/// let d: Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae".parse()?;
/// assert!(d.matches(b"foo"));
/// assert_eq!(Digest::sha256(b"foo"), d);
/// assert!("sha256:2C26".parse::<Digest>().is_err());
/// # Ok::<(), registry_probe::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    /// Parses `algorithm:hex` as go-digest's `Parse` + `Validate` do.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |why: &'static str| Error::InvalidDigest {
            digest: shorten(text),
            why,
        };
        let (name, hex) = text
            .split_once(':')
            .ok_or(bad("no `:` between algorithm and hex"))?;
        let algorithm = Algorithm::from_name(name)
            .ok_or(bad("the algorithm is not sha256, sha384 or sha512"))?;
        if hex.len() != algorithm.hex_len() {
            return Err(bad("the hex part has the wrong length for its algorithm"));
        }
        if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad("the hex part must be lowercase hexadecimal"));
        }
        Ok(Digest {
            algorithm,
            hex: hex.to_owned(),
        })
    }

    /// The digest of `bytes` with `algorithm`.
    pub fn of(algorithm: Algorithm, bytes: &[u8]) -> Self {
        let mut h = algorithm.hasher();
        h.update(bytes);
        h.finish()
    }

    /// The `sha256` digest of `bytes` (the canonical algorithm).
    pub fn sha256(bytes: &[u8]) -> Self {
        Self::of(Algorithm::Sha256, bytes)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The hex part.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// Whether `bytes` hash to this digest (with this digest's algorithm).
    pub fn matches(&self, bytes: &[u8]) -> bool {
        Digest::of(self.algorithm, bytes) == *self
    }
}

fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(140).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

impl FromStr for Digest {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Digest::parse(s)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

/// A streaming digest computation ([`Algorithm::hasher`]).
#[derive(Clone)]
pub struct Hasher(HasherInner);

#[derive(Clone)]
enum HasherInner {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            HasherInner::Sha256(h) => h.update(bytes),
            HasherInner::Sha384(h) => h.update(bytes),
            HasherInner::Sha512(h) => h.update(bytes),
        }
    }

    /// The digest of everything fed.
    pub fn finish(self) -> Digest {
        let (algorithm, bytes): (Algorithm, Vec<u8>) = match self.0 {
            HasherInner::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            HasherInner::Sha384(h) => (Algorithm::Sha384, h.finalize().to_vec()),
            HasherInner::Sha512(h) => (Algorithm::Sha512, h.finalize().to_vec()),
        };
        let mut hex = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        Digest { algorithm, hex }
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hasher")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(
            Digest::sha256(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(Digest::of(Algorithm::Sha384, b"abc").hex().len(), 96);
        assert_eq!(Digest::of(Algorithm::Sha512, b"abc").hex().len(), 128);
    }

    #[test]
    fn parse_and_match() {
        let d = Digest::sha256(b"hello");
        let back: Digest = d.to_string().parse().unwrap();
        assert_eq!(back, d);
        assert!(back.matches(b"hello"));
        assert!(!back.matches(b"hello "));
        let d512 = Digest::of(Algorithm::Sha512, b"x");
        assert!(Digest::parse(&d512.to_string()).unwrap().matches(b"x"));
    }

    #[test]
    fn streaming_equals_one_shot() {
        let mut h = Algorithm::Sha256.hasher();
        h.update(b"hel");
        h.update(b"lo");
        assert_eq!(h.finish(), Digest::sha256(b"hello"));
    }

    #[test]
    fn invalid() {
        for bad in [
            "",
            "sha256",
            "sha256:",
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
            "sha384:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert!(Digest::parse(bad).is_err(), "{bad}");
        }
    }
}
