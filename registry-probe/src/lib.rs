//! Try one image pull source the way containers/image (the Go library behind CRI-O, podman and skopeo) does,
//! stop where it would stop, and say what was reached and why it stopped.
//!
//! A [`Source`] is a plain description of one place to pull from: `host[:port]`, repository, tag or digest,
//! whether the registry is insecure, the [`Trust`] the node has for that host (its certs.d CA files and client
//! pairs, the system roots) and the [`Credentials`] its config.json gives. The crate knows nothing of
//! registries.conf, OpenShift or Kubernetes: the caller resolves which sources to try and hands them over.
//!
//! [`Prober::manifest`] goes through the stages of a pull — connect ([`ResolveOverride`] as curl's
//! `--resolve`), TLS, `GET /v2/`, the authentication the registry asks for (Basic, or a bearer token from the
//! realm), the manifest with containers/image's `Accept` list — and returns an [`Outcome`]: the [`Stage`]s passed,
//! and the manifest's digest and media type or a typed [`Stop`] whose `Display` is one line for a person.
//! [`Prober::blob_reader`] streams a blob with a bound and verifies it at the end; [`Prober::find_file`] finds one
//! file in an image's layers and stops reading as soon as it has it.
//!
//! Nothing here needs the network to be shown; the challenge parser and the digest type are pure:
//!
//! ```
//! use registry_probe::{Digest, Selected, parse_challenge_lines, select_challenge};
//!
//! // What a registry's `/v2/` answer asks for, and what containers/image would do with it.
//! let challenges = parse_challenge_lines([
//!     r#"Bearer realm="https://auth.example.com/token",service="registry.example.com""#,
//!     r#"Basic realm="fallback""#,
//! ]);
//! match select_challenge(&challenges) {
//!     Selected::Bearer(c) => assert_eq!(c.param("service"), Some("registry.example.com")),
//!     other => panic!("{other:?}"),
//! }
//!
//! let d: Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae".parse()?;
//! assert!(d.matches(b"foo"));
//! # Ok::<(), registry_probe::Error>(())
//! ```
//!
//! A probe (needs a registry, so not run here):
//!
//! ```no_run
//! use registry_probe::{Credentials, Options, Prober, Reference, ResolveOverride, Source, Trust};
//! use std::path::Path;
//!
//! let mut options = Options::default();
//! options.resolve.push(ResolveOverride::parse("mirror.example.com:5000:192.0.2.10")?);
//! let prober = Prober::new(options)?;
//! let trust = Trust::from_certs_dir(
//!     Path::new("/etc/docker/certs.d/mirror.example.com:5000"),
//!     "certs.d/mirror.example.com:5000",
//! )?;
//! let source = Source::new("mirror.example.com:5000", "ocp/release", Reference::parse("4.16.3-x86_64")?)?
//!     .with_trust(trust)
//!     .with_credentials(Some(Credentials::password("mirror.example.com:5000", "alice", "…")));
//! let outcome = prober.manifest(&source);
//! println!("{outcome}"); // ok sha256:… (application/vnd.oci.image.manifest.v1+json), or why it stopped
//! # Ok::<(), registry_probe::Error>(())
//! ```
//!
//! Secrets: a password, identity token or bearer token goes only to the source's own origin and, as
//! containers/image sends them, to the token realm the registry names; a redirect to another origin is followed
//! without them. No `Debug`, `Display`, JSON or error shows one, and text a server sends back is scrubbed of them.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod blob;
mod challenge;
mod digest;
mod error;
mod http;
mod media;
mod options;
mod outcome;
mod prober;
mod source;
mod tls;
mod transport;

pub use blob::{
    BlobError, BlobReader, FileQuery, FileSearch, FoundFile, LayerRead, Platform, for_each_bounded,
};
pub use challenge::{
    Challenge, Selected, ignored_by_containers_image, parse_challenge_lines, parse_challenges,
    select_challenge,
};
pub use digest::{Algorithm, Digest, Hasher};
pub use error::Error;
pub use media::{
    ACCEPT, DOCKER_LIST, DOCKER_V2S1, DOCKER_V2S1_SIGNED, DOCKER_V2S2, OCI_INDEX, OCI_MANIFEST,
    normalize as normalize_media_type, simplify_content_type,
};
pub use options::{ManifestMethod, Options, ResolveOverride};
pub use outcome::{
    AuthUsed, CaSummary, CertSummary, CredentialsUsed, DigestFrom, Endpoint, ManifestInfo, Outcome,
    RegistryError, Stage, Stop, StopReason, TokenProblem,
};
pub use prober::Prober;
pub use source::{
    CaFile, ClientIdentity, Credentials, MAX_CERT_FILE_BYTES, Reference, Secret, Source,
    SystemRoots, Trust, scope,
};
