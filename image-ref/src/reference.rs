//! Image references: parsing, normalisation and display.

use std::fmt;

use crate::Error;
use crate::grammar::{self, Parts};

/// The registry that short names are pulled from.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// The old spelling of [`DEFAULT_DOMAIN`], normalised to it.
pub const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// The namespace of Docker Hub's official images.
pub const OFFICIAL_REPO_PREFIX: &str = "library/";
/// The longest repository path docker/distribution accepts.
pub const NAME_TOTAL_LENGTH_MAX: usize = 255;
/// The tag added to a reference that has neither tag nor digest.
pub const DEFAULT_TAG: &str = "latest";

/// An image reference: `[domain/]path[:tag][@digest]`.
///
/// The domain is empty only for references made by [`Reference::parse`] whose first component cannot be a domain
/// (e.g. `my_host.example.com/app`); [`Reference::parse_normalized`] always fills it in for names that have one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    domain: String,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl Reference {
    /// Parses `s` with the reference grammar only, as docker/distribution's `Parse` does: no default domain, no
    /// `library/`, and the first component is a domain whenever the grammar allows it (`foo/bar` has domain `foo`).
    pub fn parse(s: &str) -> Result<Reference, Error> {
        if s.is_empty() {
            return Err(Error::Empty);
        }
        let parts = match grammar::match_reference(s.as_bytes()) {
            Ok(parts) => parts,
            Err(offset) => {
                let lower = s.to_ascii_lowercase();
                if lower != s && grammar::match_reference(lower.as_bytes()).is_ok() {
                    let first_upper = s.bytes().position(|b| b.is_ascii_uppercase()).unwrap_or(0);
                    return Err(Error::Uppercase {
                        offset: first_upper,
                    });
                }
                return Err(Error::InvalidFormat { offset });
            }
        };
        Self::from_parts(s, &parts)
    }

    fn from_parts(s: &str, parts: &Parts) -> Result<Reference, Error> {
        let path = &s[parts.path.clone()];
        if path.len() > NAME_TOTAL_LENGTH_MAX {
            return Err(Error::NameTooLong { length: path.len() });
        }
        if let Some(range) = &parts.digest {
            validate_digest(&s[range.clone()], range.start)?;
        }
        Ok(Reference {
            domain: parts
                .domain
                .clone()
                .map(|r| s[r].to_owned())
                .unwrap_or_default(),
            path: path.to_owned(),
            tag: parts.tag.clone().map(|r| s[r].to_owned()),
            digest: parts.digest.clone().map(|r| s[r].to_owned()),
        })
    }

    /// Parses and normalises `s` as docker/distribution's `ParseNormalizedNamed` does (and so containers/image,
    /// CRI-O, podman and skopeo): the first component is the domain when it holds `.` or `:`, is `localhost`, or has
    /// an uppercase letter; otherwise the domain is `docker.io`, with `library/` added to a single-component path;
    /// `index.docker.io` becomes `docker.io`.
    pub fn parse_normalized(s: &str) -> Result<Reference, Error> {
        if grammar::is_identifier(s) {
            return Err(Error::HexIdentifier);
        }
        let split = split_docker_domain(s);
        // The repository part (up to the first `:`) must be lowercase; this is checked before the grammar.
        let remote = match split.remainder.find(':') {
            Some(colon) => &split.remainder[..colon],
            None => split.remainder,
        };
        if let Some(upper) = remote.bytes().position(|b| b.is_ascii_uppercase()) {
            return Err(Error::UppercaseRepository {
                repository: remote.to_owned(),
                offset: split.remainder_offset + upper,
            });
        }
        let mut composed = String::with_capacity(
            split.domain.len() + 1 + split.library.len() + split.remainder.len(),
        );
        composed.push_str(split.domain);
        composed.push('/');
        composed.push_str(split.library);
        composed.push_str(split.remainder);
        Reference::parse(&composed).map_err(|e| {
            // Point at the byte of the caller's input, not of the composed string.
            let start = split.domain.len() + 1 + split.library.len();
            let domain_from_input =
                split.remainder_offset > 0 && split.domain.len() + 1 == split.remainder_offset;
            let map = |o: usize| {
                if o < start && domain_from_input {
                    o
                } else {
                    o.saturating_sub(start) + split.remainder_offset
                }
            };
            match e {
                Error::InvalidFormat { offset } => Error::InvalidFormat {
                    offset: map(offset),
                },
                Error::Uppercase { offset } => Error::Uppercase {
                    offset: map(offset),
                },
                Error::DigestInvalidFormat { offset } => Error::DigestInvalidFormat {
                    offset: map(offset),
                },
                Error::DigestInvalidLength { offset } => Error::DigestInvalidLength {
                    offset: map(offset),
                },
                other => other,
            }
        })
    }

    /// Parses `s` as docker/distribution's `ParseNamed`: it must already be normalised (fully qualified, with
    /// `library/` where Docker Hub needs it), else [`Error::NotCanonical`].
    pub fn parse_canonical(s: &str) -> Result<Reference, Error> {
        let reference = Reference::parse_normalized(s)?;
        if reference.to_string() != s {
            return Err(Error::NotCanonical);
        }
        Ok(reference)
    }

    /// Parses `s` as docker/distribution's `ParseDockerRef`: normalised, a tag dropped when a digest is present,
    /// `:latest` added when neither is.
    pub fn parse_docker_ref(s: &str) -> Result<Reference, Error> {
        let mut reference = Reference::parse_normalized(s)?;
        if reference.digest.is_some() {
            reference.tag = None;
        }
        Ok(reference.with_default_tag())
    }

    /// The domain (registry host and optional port), e.g. `quay.io` or `[::1]:5000`; empty when there is none.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The repository path within the registry, e.g. `openshift-release-dev/ocp-release`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The repository name: `domain/path` (or the path alone when there is no domain).
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The tag, without its `:`.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest as `algorithm:hex`.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// The host part of the domain, without the port (`[::1]` keeps its brackets).
    pub fn host(&self) -> &str {
        split_port(&self.domain).0
    }

    /// The port of the domain, when it names one.
    pub fn port(&self) -> Option<&str> {
        split_port(&self.domain).1
    }

    /// This reference with `:latest` added when it has neither tag nor digest (docker/distribution `TagNameOnly`).
    pub fn with_default_tag(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some(DEFAULT_TAG.to_owned());
        }
        self
    }

    /// This reference with its tag replaced (the caller checks the tag with [`is_valid_tag`]).
    pub fn with_tag(mut self, tag: Option<String>) -> Reference {
        self.tag = tag;
        self
    }

    /// This reference with its digest replaced.
    pub fn with_digest(mut self, digest: Option<String>) -> Reference {
        self.digest = digest;
        self
    }

    /// The short form people type: `docker.io/` and a lone `library/` left out (`docker.io/library/ubuntu:22.04` →
    /// `ubuntu:22.04`).
    pub fn familiar(&self) -> String {
        let mut out = String::new();
        if self.domain == DEFAULT_DOMAIN {
            match self.path.strip_prefix(OFFICIAL_REPO_PREFIX) {
                Some(rest) if !rest.contains('/') => out.push_str(rest),
                _ => out.push_str(&self.path),
            }
        } else {
            out.push_str(&self.name());
        }
        self.write_suffix(&mut out);
        out
    }

    fn write_suffix(&self, out: &mut String) {
        if let Some(tag) = &self.tag {
            out.push(':');
            out.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(digest);
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = self.name();
        self.write_suffix(&mut out);
        f.write_str(&out)
    }
}

impl std::str::FromStr for Reference {
    type Err = Error;

    /// Same as [`Reference::parse_normalized`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse_normalized(s)
    }
}

/// Whether `tag` is a valid tag (`[\w][\w.-]{0,127}`).
pub fn is_valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// Checks a digest as go-digest's `Parse` does, with the algorithms containers/image registers.
fn validate_digest(digest: &str, offset: usize) -> Result<(), Error> {
    // The grammar already ensured `algorithm:hex` with at least 32 hex digits.
    let (algorithm, hex) = digest
        .split_once(':')
        .ok_or(Error::DigestInvalidFormat { offset })?;
    let size = match algorithm {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        _ => {
            return Err(Error::DigestUnsupported {
                algorithm: algorithm.to_owned(),
            });
        }
    };
    if hex.len() != size * 2 {
        return Err(Error::DigestInvalidLength { offset });
    }
    if !hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(Error::DigestInvalidFormat { offset });
    }
    Ok(())
}

struct DomainSplit<'a> {
    domain: &'a str,
    library: &'static str,
    remainder: &'a str,
    remainder_offset: usize,
}

/// docker/distribution's `splitDockerDomain`.
fn split_docker_domain(name: &str) -> DomainSplit<'_> {
    let (domain, remainder, remainder_offset) = match name.split_once('/') {
        None => (DEFAULT_DOMAIN, name, 0),
        Some((first, rest)) => {
            if first == "localhost"
                || first.contains(['.', ':'])
                || first.bytes().any(|b| b.is_ascii_uppercase())
            {
                let domain = if first == LEGACY_DEFAULT_DOMAIN {
                    DEFAULT_DOMAIN
                } else {
                    first
                };
                (domain, rest, first.len() + 1)
            } else {
                (DEFAULT_DOMAIN, name, 0)
            }
        }
    };
    let library = if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        OFFICIAL_REPO_PREFIX
    } else {
        ""
    };
    DomainSplit {
        domain,
        library,
        remainder,
        remainder_offset,
    }
}

/// Splits `host[:port]` (IPv6 literals in brackets) into host and port.
pub(crate) fn split_port(domain: &str) -> (&str, Option<&str>) {
    let host_end = if domain.starts_with('[') {
        domain.find(']').map_or(domain.len(), |i| i + 1)
    } else {
        domain.find(':').unwrap_or(domain.len())
    };
    match domain[host_end..].strip_prefix(':') {
        Some(port) => (&domain[..host_end], Some(port)),
        None => (domain, None),
    }
}
