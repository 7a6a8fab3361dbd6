//! containers/image's rules for a policy (signature/policy_config.go and policy_config_sigstore.go, newest
//! release), checked in its order: members in file order, each object's own checks after its members.

use image_ref::Reference;

use crate::error::{Error, ErrorKind, Path};
use crate::model::{
    Base64Data, Extra, FULCIO_MEMBERS, Fulcio, KeyType, PKI_MEMBERS, POLICY_MEMBERS, Pki, Policy,
    Requirement, SIGNED_BY_MEMBERS, SIGSTORE_SIGNED_MEMBERS, SignedBy, SignedIdentity,
    SigstoreSigned, Slot,
};
use crate::transport::scope_refusal;

impl Policy {
    /// Checks the policy as containers/image's `NewPolicyFromBytes` does: the first problem, in its order, with
    /// its message ([`ErrorKind`]) and the member concerned ([`Error::path`]).
    ///
    /// An unknown member, a scope its transport refuses, an empty list of requirements, an unknown requirement
    /// or identity type, a `signedBy` or `sigstoreSigned` whose key sources do not fit together, bad base64,
    /// a bad `dockerReference`, ...; a missing `default` last. Nothing is verified cryptographically, and no
    /// key file is opened.
    pub fn validate(&self) -> Result<(), Error> {
        let root = Path::Root;
        for slot in self.extra.layout(&POLICY_MEMBERS, |name| match name {
            "default" => self.default.is_some(),
            _ => self.transports.is_some(),
        }) {
            match slot {
                Slot::Known("default") => {
                    check_requirements(
                        self.default.as_deref().unwrap_or_default(),
                        &root.member("default"),
                    )?;
                }
                Slot::Known(_) => {
                    let at = root.member("transports");
                    for (transport, scopes) in self.transports.iter().flat_map(|t| t.iter()) {
                        let at = at.member(transport);
                        for (scope, list) in scopes.iter() {
                            let at = at.member(scope);
                            if !scope.is_empty()
                                && let Some(reason) = scope_refusal(transport, scope)
                            {
                                return Err(Error::at(
                                    ErrorKind::InvalidScope {
                                        transport: transport.to_owned(),
                                        scope: scope.to_owned(),
                                        reason,
                                    },
                                    &at,
                                ));
                            }
                            check_requirements(list, &at)?;
                        }
                    }
                }
                Slot::Unknown(name, _) => return Err(unknown(name, &root)),
            }
        }
        if self.default.is_none() {
            return Err(Error::new(ErrorKind::MissingDefault));
        }
        Ok(())
    }
}

fn unknown(name: &str, path: &Path<'_>) -> Error {
    Error::at(
        ErrorKind::UnknownKey {
            key: name.to_owned(),
        },
        &path.member(name),
    )
}

fn fail(kind: ErrorKind, path: &Path<'_>) -> Error {
    Error::at(kind, path)
}

fn conflict(message: &'static str, path: &Path<'_>) -> Error {
    fail(ErrorKind::Conflict { message }, path)
}

/// The members of `extra`'s layout in order: an unknown one is an error, a typed one goes to `check`.
fn each_member(
    extra: &Extra,
    known: &[&'static str],
    present: impl Fn(&str) -> bool,
    path: &Path<'_>,
    mut check: impl FnMut(&'static str, &Path<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    for slot in extra.layout(known, present) {
        match slot {
            Slot::Known(name) => check(name, &path.member(name))?,
            Slot::Unknown(name, _) => return Err(unknown(name, path)),
        }
    }
    Ok(())
}

/// Which members the layout counts as present: those the encoder writes for the typed value.
fn written_by(encoded: serde_json::Value) -> impl Fn(&str) -> bool {
    move |name| encoded.get(name).is_some()
}

/// `check` on a member's value, when the member is there.
fn optional<T: ?Sized>(
    value: Option<&T>,
    path: &Path<'_>,
    check: impl FnOnce(&T, &Path<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    value.map_or(Ok(()), |v| check(v, path))
}

fn check_base64(data: &Base64Data, path: &Path<'_>) -> Result<(), Error> {
    data.decode()
        .map(drop)
        .map_err(|source| fail(ErrorKind::InvalidBase64 { source }, path))
}

fn check_base64_list(list: &[Base64Data], path: &Path<'_>) -> Result<(), Error> {
    list.iter()
        .enumerate()
        .try_for_each(|(i, d)| check_base64(d, &path.index(i)))
}

fn check_requirements(list: &[Requirement], path: &Path<'_>) -> Result<(), Error> {
    if list.is_empty() {
        return Err(fail(ErrorKind::EmptyRequirements, path));
    }
    list.iter()
        .enumerate()
        .try_for_each(|(i, r)| check_requirement(r, &path.index(i)))
}

fn check_requirement(r: &Requirement, path: &Path<'_>) -> Result<(), Error> {
    match r {
        Requirement::InsecureAcceptAnything(extra) | Requirement::Reject(extra) => {
            each_member(extra, &["type"], |_| true, path, |_, _| Ok(()))
        }
        Requirement::SignedBy(s) => check_signed_by(s, path),
        Requirement::SignedBaseLayer(s) => {
            each_member(
                &s.extra,
                &["type", "baseLayerIdentity"],
                |name| name == "type" || s.base_layer_identity.is_some(),
                path,
                |_, _| Ok(()),
            )?;
            let identity = s.base_layer_identity.as_ref().ok_or_else(|| {
                fail(
                    ErrorKind::MissingKey {
                        key: "baseLayerIdentity",
                    },
                    path,
                )
            })?;
            check_identity(identity, &path.member("baseLayerIdentity"))
        }
        Requirement::SigstoreSigned(s) => check_sigstore_signed(s, path),
        Requirement::Unknown(_) => Err(fail(
            ErrorKind::UnknownRequirementType {
                type_name: r.type_name().to_owned(),
            },
            path,
        )),
    }
}

fn check_signed_by(s: &SignedBy, path: &Path<'_>) -> Result<(), Error> {
    // While reading the members: keyType's value, keyData's base64.
    each_member(
        &s.extra,
        &SIGNED_BY_MEMBERS,
        written_by(crate::encode::signed_by(s)),
        path,
        |name, at| match name {
            "keyType" => match &s.key_type {
                Some(KeyType::Other(value)) => Err(fail(
                    ErrorKind::InvalidKeyType {
                        key_type: value.clone(),
                        present: true,
                    },
                    at,
                )),
                _ => Ok(()),
            },
            "keyData" => optional(s.key_data.as_ref(), at, check_base64),
            _ => Ok(()),
        },
    )?;
    if let Some(identity) = &s.signed_identity {
        check_identity(identity, &path.member("signedIdentity"))?;
    }
    let given = [
        s.key_path.is_some(),
        s.key_paths.is_some(),
        s.key_data.is_some(),
    ];
    match given.iter().filter(|g| **g).count() {
        0 => {
            return Err(conflict(
                "Exactly one of keyPath, keyPaths and keyData must be specified, none of them present",
                path,
            ));
        }
        1 => {}
        _ => {
            return Err(conflict(
                "Exactly one of keyPath, keyPaths and keyData must be specified, more than one present",
                path,
            ));
        }
    }
    if s.key_type.is_none() {
        return Err(fail(
            ErrorKind::InvalidKeyType {
                key_type: String::new(),
                present: false,
            },
            path,
        ));
    }
    // An empty keyPath counts as none.
    if s.key_path.as_deref() == Some("") {
        return Err(conflict(
            "exactly one of keyPath, keyPaths and keyData must be specified",
            path,
        ));
    }
    Ok(())
}

fn check_sigstore_signed(s: &SigstoreSigned, path: &Path<'_>) -> Result<(), Error> {
    // While reading the members: base64, and the fulcio and pki objects with their own checks.
    each_member(
        &s.extra,
        &SIGSTORE_SIGNED_MEMBERS,
        written_by(crate::encode::sigstore_signed(s)),
        path,
        |name, at| match name {
            "keyData" => optional(s.key_data.as_ref(), at, check_base64),
            "keyDatas" => optional(s.key_datas.as_deref(), at, check_base64_list),
            "rekorPublicKeyData" => optional(s.rekor_public_key_data.as_ref(), at, check_base64),
            "rekorPublicKeyDatas" => {
                optional(s.rekor_public_key_datas.as_deref(), at, check_base64_list)
            }
            "fulcio" => optional(s.fulcio.as_ref(), at, check_fulcio),
            "pki" => optional(s.pki.as_ref(), at, check_pki),
            _ => Ok(()),
        },
    )?;
    if let Some(identity) = &s.signed_identity {
        check_identity(identity, &path.member("signedIdentity"))?;
    }
    // The options, in containers/image's order.
    let empty = |list: Option<usize>, key: &'static str| -> Result<(), Error> {
        match list {
            Some(0) => Err(fail(ErrorKind::EmptyList { key }, path)),
            _ => Ok(()),
        }
    };
    empty(s.key_paths.as_ref().map(Vec::len), "keyPaths")?;
    empty(s.key_datas.as_ref().map(Vec::len), "keyDatas")?;
    empty(
        s.rekor_public_key_paths.as_ref().map(Vec::len),
        "rekorPublickeyPaths",
    )?;
    empty(
        s.rekor_public_key_datas.as_ref().map(Vec::len),
        "rekorPublickeyDatas",
    )?;
    let key_sources = [
        s.key_path.as_deref().is_some_and(|p| !p.is_empty()),
        s.key_paths.is_some(),
        s.key_data.is_some(),
        s.key_datas.is_some(),
        s.fulcio.is_some(),
        s.pki.is_some(),
    ];
    if key_sources.iter().filter(|g| **g).count() != 1 {
        return Err(conflict(
            "exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki must be specified",
            path,
        ));
    }
    let rekor_sources = [
        s.rekor_public_key_path
            .as_deref()
            .is_some_and(|p| !p.is_empty()),
        s.rekor_public_key_paths.is_some(),
        s.rekor_public_key_data.is_some(),
        s.rekor_public_key_datas.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if rekor_sources > 1 {
        return Err(conflict(
            "at most one of rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and rekorPublicKeyDatas \
             can be used simultaneously",
            path,
        ));
    }
    if s.fulcio.is_some() && rekor_sources == 0 {
        return Err(conflict(
            "At least one of rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and rekorPublicKeyDatas \
             must be specified if fulcio is used",
            path,
        ));
    }
    if s.pki.is_some() && rekor_sources > 0 {
        return Err(conflict(
            "rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and rekorPublicKeyDatas are not \
             supported for pki",
            path,
        ));
    }
    Ok(())
}

fn non_empty(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.is_empty())
}

/// A file path or inline data, as containers/image checks the pair (an empty path counts as none): never both
/// (`both`), and, when `neither` is given, not neither.
fn path_or_data(
    file: &Option<String>,
    has_data: bool,
    both: &'static str,
    neither: Option<&'static str>,
    path: &Path<'_>,
) -> Result<(), Error> {
    match (non_empty(file), has_data, neither) {
        (true, true, _) => Err(conflict(both, path)),
        (false, false, Some(neither)) => Err(conflict(neither, path)),
        _ => Ok(()),
    }
}

fn check_fulcio(f: &Fulcio, path: &Path<'_>) -> Result<(), Error> {
    each_member(
        &f.extra,
        &FULCIO_MEMBERS,
        written_by(crate::encode::fulcio(f)),
        path,
        |name, at| match name {
            "caData" => optional(f.ca_data.as_ref(), at, check_base64),
            _ => Ok(()),
        },
    )?;
    path_or_data(
        &f.ca_path,
        f.ca_data.is_some(),
        "caPath and caData cannot be used simultaneously",
        Some("At least one of caPath and caData must be specified"),
        path,
    )?;
    if !non_empty(&f.oidc_issuer) {
        return Err(conflict("oidcIssuer not specified", path));
    }
    if !non_empty(&f.subject_email) {
        return Err(conflict("subjectEmail not specified", path));
    }
    Ok(())
}

fn check_pki(p: &Pki, path: &Path<'_>) -> Result<(), Error> {
    each_member(
        &p.extra,
        &PKI_MEMBERS,
        written_by(crate::encode::pki(p)),
        path,
        |name, at| match name {
            "caRootsData" => optional(p.ca_roots_data.as_ref(), at, check_base64),
            "caIntermediatesData" => optional(p.ca_intermediates_data.as_ref(), at, check_base64),
            _ => Ok(()),
        },
    )?;
    path_or_data(
        &p.ca_roots_path,
        p.ca_roots_data.is_some(),
        "caRootsPath and caRootsData cannot be used simultaneously",
        Some("At least one of caRootsPath and caRootsData must be specified"),
        path,
    )?;
    path_or_data(
        &p.ca_intermediates_path,
        p.ca_intermediates_data.is_some(),
        "caIntermediatesPath and caIntermediatesData cannot be used simultaneously",
        None,
        path,
    )?;
    if !non_empty(&p.subject_email) && !non_empty(&p.subject_hostname) {
        return Err(conflict(
            "At least one of subjectEmail, subjectHostname must be specified",
            path,
        ));
    }
    Ok(())
}

fn check_identity(identity: &SignedIdentity, path: &Path<'_>) -> Result<(), Error> {
    let required = |value: &Option<String>, key: &'static str| -> Result<String, Error> {
        value
            .clone()
            .ok_or_else(|| fail(ErrorKind::MissingKey { key }, path))
    };
    match identity {
        SignedIdentity::MatchExact(extra)
        | SignedIdentity::MatchRepoDigestOrExact(extra)
        | SignedIdentity::MatchRepository(extra) => {
            each_member(extra, &["type"], |_| true, path, |_, _| Ok(()))
        }
        SignedIdentity::ExactReference {
            docker_reference,
            extra,
        } => {
            each_member(
                extra,
                &["type", "dockerReference"],
                |name| name == "type" || docker_reference.is_some(),
                path,
                |_, _| Ok(()),
            )?;
            let value = required(docker_reference, "dockerReference")?;
            let reference = Reference::parse_normalized(&value).map_err(|source| {
                fail(
                    ErrorKind::InvalidReference {
                        key: "dockerReference",
                        value: value.clone(),
                        source,
                    },
                    path,
                )
            })?;
            if reference.tag().is_none() && reference.digest().is_none() {
                return Err(fail(ErrorKind::NameOnlyReference { value }, path));
            }
            Ok(())
        }
        SignedIdentity::ExactRepository {
            docker_repository,
            extra,
        } => {
            each_member(
                extra,
                &["type", "dockerRepository"],
                |name| name == "type" || docker_repository.is_some(),
                path,
                |_, _| Ok(()),
            )?;
            let value = required(docker_repository, "dockerRepository")?;
            Reference::parse_normalized(&value).map_err(|source| {
                fail(
                    ErrorKind::InvalidReference {
                        key: "dockerRepository",
                        value: value.clone(),
                        source,
                    },
                    path,
                )
            })?;
            Ok(())
        }
        SignedIdentity::RemapIdentity {
            prefix,
            signed_prefix,
            extra,
        } => {
            each_member(
                extra,
                &["type", "prefix", "signedPrefix"],
                |name| match name {
                    "prefix" => prefix.is_some(),
                    "signedPrefix" => signed_prefix.is_some(),
                    _ => true,
                },
                path,
                |_, _| Ok(()),
            )?;
            // containers/image checks the missing keys in map order (random); prefix first here.
            let prefix = required(prefix, "prefix")?;
            let signed_prefix = required(signed_prefix, "signedPrefix")?;
            for value in [prefix, signed_prefix] {
                if !is_remap_prefix(&value) {
                    return Err(fail(ErrorKind::InvalidRemapPrefix { prefix: value }, path));
                }
            }
            Ok(())
        }
        SignedIdentity::Unknown(_) => Err(fail(
            ErrorKind::UnknownIdentityType {
                type_name: identity.type_name().to_owned(),
            },
            path,
        )),
    }
}

/// containers/image `validateIdentityRemappingPrefix`: a registry (`host[:port]`), or a repository name that
/// starts with one.
fn is_remap_prefix(s: &str) -> bool {
    if is_domain(s) {
        return true;
    }
    let Some((domain, _)) = s.split_once('/') else {
        return false;
    };
    // A name (no tag, no digest) whose first component is a domain.
    is_domain(domain)
        && Reference::parse(s)
            .is_ok_and(|r| r.tag().is_none() && r.digest().is_none() && r.name() == s)
}

/// Whether `s` matches the reference grammar's domain, anchored (`host[:port]`).
fn is_domain(s: &str) -> bool {
    if s.is_empty() || s.contains('/') {
        return false;
    }
    Reference::parse(&format!("{s}/x")).is_ok_and(|r| r.domain() == s)
}
