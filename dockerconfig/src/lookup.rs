//! Which entry containers/image uses for an image, and why (its `findCredentialsInFile`).

use std::fmt;

use image_ref::Reference;

use crate::Error;
use crate::config::{DockerConfig, Format, normalize_key, normalize_registry};
use crate::entry::{Credentials, Decoded};
use crate::error::ErrorKind;

/// How the key of a lookup matched.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchKind {
    /// The key is one of the tried keys, spelled exactly.
    Exact,
    /// No tried key is present as written; this key normalises to the registry's normalised host.
    Normalized {
        /// The normalised host both sides reduce to.
        normalized: String,
        /// Every key of the file that normalises to it, in file order. containers/image walks a Go map here, so
        /// with more than one its choice is random; this crate takes the first.
        candidates: Vec<String>,
    },
}

impl MatchKind {
    /// For a [`MatchKind::Normalized`] match, the other keys of the file that normalise to the same host: any of
    /// them may be the one containers/image uses (it walks a Go map). Empty otherwise.
    pub fn others(&self) -> &[String] {
        match self {
            MatchKind::Normalized { candidates, .. } => candidates.get(1..).unwrap_or_default(),
            MatchKind::Exact => &[],
        }
    }
}

/// What the lookup yields.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// These credentials are sent.
    Credentials(Credentials),
    /// `credHelpers` names a helper for the registry; containers/image runs `docker-credential-<helper>` and
    /// never reads `auths` for it.
    CredentialHelper(String),
    /// The matched entry has no (or an empty) `auth`: no credentials from this file; containers/image goes on
    /// to its next auth file. Less specific keys are not tried.
    EmptyEntry,
    /// The matched entry's `auth` has no `:`: as [`Outcome::EmptyEntry`], with a warning.
    MissingColon,
    /// No key matched.
    NotFound,
}

/// The answer of [`DockerConfig::lookup`], with its explanation. `Display` is a one-line redacted account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The normalised repository name looked up (e.g. `docker.io/library/busybox`).
    pub name: String,
    /// Its registry (e.g. `docker.io`).
    pub registry: String,
    /// The exact keys tried, most specific first.
    pub tried: Vec<String>,
    /// The key that matched, if any, and how.
    pub matched: Option<(String, MatchKind)>,
    /// What the file yields.
    pub outcome: Outcome,
}

impl DockerConfig {
    /// Whether [`DockerConfig::lookup`]'s answer for a reference depends only on the reference's registry, as in
    /// every pull secret OpenShift writes: no key names a repository (`host/ns`), so only the host key, the keys that
    /// normalise to the host and `credHelpers` can match. A legacy file is looked up by host only. A caller looking
    /// up many references may then reuse one answer per registry.
    pub fn answers_by_registry(&self) -> bool {
        // Exact keys are tried as `host/ns/repo`, `host/ns`, `host`: a key with a `/` can match beyond the host,
        // unless it has a scheme (`https://host/v1/`), which no tried key has.
        self.format == Format::Legacy
            || self.entries.iter().all(|e| {
                let key = e.key.text.as_str();
                !key.contains('/') || key.contains("://")
            })
    }

    /// The entry containers/image would use for `reference` (parsed with docker's normalisation, so `busybox`
    /// means `docker.io/library/busybox`), following containers-auth.json(5) and `findCredentialsInFile`:
    /// 1. a `credHelpers` entry for the registry host wins;
    /// 2. exact keys from most to least specific: `host/ns/repo`, `host/ns`, `host` (a legacy file tries the
    ///    host only);
    /// 3. else any key that normalises to the same host ([`normalize_key`]): `https://host/v1/`, and for Docker
    ///    Hub `docker.io`, `index.docker.io`, `registry-1.docker.io`.
    ///
    /// The first key found decides, even when its entry holds no credentials.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidReference`], or [`ErrorKind::BadBase64`] when the matched entry's `auth` is not base64 (a pull
    /// then fails).
    pub fn lookup(&self, reference: &str) -> Result<Lookup, Error> {
        let parsed = Reference::parse_normalized(reference).map_err(|source| {
            Error::argument(ErrorKind::InvalidReference {
                reference: reference.to_owned(),
                source,
            })
        })?;
        let name = parsed.name();
        let registry = parsed.domain().to_owned();
        let mut lookup = Lookup {
            name,
            registry,
            tried: Vec::new(),
            matched: None,
            outcome: Outcome::NotFound,
        };

        if let Some((_, helper)) = self
            .credential_helpers()
            .into_iter()
            .find(|(host, _)| *host == lookup.registry)
        {
            lookup.outcome = Outcome::CredentialHelper(helper);
            return Ok(lookup);
        }

        lookup.tried = match self.format {
            Format::Legacy => vec![lookup.registry.clone()],
            Format::Auths => {
                let mut keys = Vec::new();
                let mut key = lookup.name.as_str();
                loop {
                    keys.push(key.to_owned());
                    match key.rfind('/') {
                        Some(slash) => key = &key[..slash],
                        None => break,
                    }
                }
                keys
            }
        };
        let exact = lookup
            .tried
            .iter()
            .find_map(|k| self.entries.iter().find(|e| e.key.text.as_str() == k));
        let found = match exact {
            Some(e) => Some((e, MatchKind::Exact)),
            None => {
                let normalized = normalize_registry(&lookup.registry).to_owned();
                let candidates: Vec<_> = self
                    .entries
                    .iter()
                    .filter(|e| normalize_key(e.key.text.as_str(), self.format) == normalized)
                    .collect();
                candidates.first().map(|&first| {
                    let names = candidates
                        .iter()
                        .map(|e| e.key.text.as_str().to_owned())
                        .collect();
                    (
                        first,
                        MatchKind::Normalized {
                            normalized,
                            candidates: names,
                        },
                    )
                })
            }
        };
        if let Some((entry, how)) = found {
            let key = entry.key.text.as_str().to_owned();
            lookup.outcome = match self.decode_entry(&key, &entry.entry)? {
                Decoded::Credentials(c) => Outcome::Credentials(c),
                Decoded::Empty => Outcome::EmptyEntry,
                Decoded::MissingColon => Outcome::MissingColon,
            };
            lookup.matched = Some((key, how));
        }
        Ok(lookup)
    }
}

impl fmt::Display for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.name)?;
        if let Outcome::CredentialHelper(helper) = &self.outcome {
            return write!(
                f,
                "credHelpers sends {} to docker-credential-{helper}",
                self.registry
            );
        }
        write!(f, "tried {}", self.tried.join(", "))?;
        match &self.matched {
            None => f.write_str("; no key matched")?,
            Some((key, MatchKind::Exact)) => write!(f, "; matched {key:?}")?,
            Some((key, how @ MatchKind::Normalized { normalized, .. })) => {
                write!(f, "; matched {key:?} as {normalized}")?;
                if !how.others().is_empty() {
                    write!(
                        f,
                        " (also {:?}; containers/image picks one at random)",
                        how.others()
                    )?;
                }
            }
        }
        match &self.outcome {
            Outcome::Credentials(c) => write!(f, " -> {c}"),
            Outcome::EmptyEntry => f.write_str(" -> no credentials (empty auth)"),
            Outcome::MissingColon => f.write_str(" -> no credentials (auth without ':', warned)"),
            Outcome::NotFound | Outcome::CredentialHelper(_) => Ok(()),
        }
    }
}
