//! containers-policy.json(5), the signature policy of podman, CRI-O, skopeo and buildah: read it without losing a
//! member, check it as containers/image does, write it back.
//!
//! - [`Policy::parse`] reads the text into a typed model: `default`, `transports` → scopes → requirements
//!   ([`Requirement`]: `insecureAcceptAnything`, `reject`, `signedBy`, `signedBaseLayer`, `sigstoreSigned` with
//!   their key sources, Fulcio, PKI and Rekor settings and [`SignedIdentity`]). Members it does not know are kept
//!   ([`Extra`]), and so is the order of every member.
//! - [`Policy::validate`] applies containers/image's rules, in its order and with its messages: unknown and
//!   duplicate keys, a missing `default`, scopes each transport refuses, empty requirement lists, key sources that
//!   do not fit together, bad base64, bad references.
//! - [`Policy::to_json`] writes it in Go's `json.MarshalIndent` layout; what it wrote reads back to the same
//!   model and writes to the same bytes.
//! - [`openshift`]: the policy.json OpenShift's machine-config-operator writes from the cluster's allowed and
//!   blocked registries, byte for byte.
//!
//! ```
//! use policy_json::{Policy, Requirement};
//!
//! let text = br#"{
//!   "default": [{"type": "reject"}],
//!   "transports": {
//!     "docker": {
//!       "quay.io/openshift-release-dev": [
//!         {"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/etc/pki/rpm-gpg/release.gpg", "x-note": 1}
//!       ]
//!     }
//!   }
//! }"#;
//! let mut policy = Policy::parse(text)?;
//! // containers/image refuses the unknown member; this crate keeps it and says so.
//! let refused = policy.validate().unwrap_err();
//! assert_eq!(refused.to_string(), r#"transports.docker["quay.io/openshift-release-dev"][0].x-note: Unknown key "x-note""#);
//!
//! let Some(Requirement::SignedBy(signed_by)) = policy
//!     .transports
//!     .as_mut()
//!     .and_then(|t| t.get_mut("docker"))
//!     .and_then(|scopes| scopes.get_mut("quay.io/openshift-release-dev"))
//!     .and_then(|list| list.first_mut())
//! else {
//!     panic!("a signedBy requirement");
//! };
//! signed_by.extra.remove("x-note");
//! policy.validate()?;
//! assert!(policy.to_json().starts_with("{\n  \"default\": [\n    {\n      \"type\": \"reject\"\n    }\n  ],"));
//! assert_eq!(Policy::parse(policy.to_json().as_bytes())?, policy);
//! # Ok::<(), policy_json::Error>(())
//! ```
//!
//! It verifies no signature and opens no key file: it is about the file, not about images.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod decode;
mod encode;
mod error;
mod members;
mod model;
pub mod openshift;
mod transport;
mod validate;

pub use decode::MAX_INPUT_BYTES;
pub use error::{Error, ErrorKind};
pub use model::{
    Base64Data, Extra, Fulcio, KeyType, OrderedMap, Pki, Policy, Requirement, Scopes,
    SignedBaseLayer, SignedBy, SignedIdentity, SigstoreSigned, Transports,
};
pub use transport::KNOWN_TRANSPORTS;
