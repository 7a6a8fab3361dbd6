//! containers/image's rules for a policy (signature/policy_config.go and policy_config_sigstore.go, newest
//! release), checked in its order: members in file order, each object's own checks after its members.

use image_ref::Reference;

use crate::error::{Error, ErrorKind, Path};
use crate::members::Object;
use crate::model::{
    Base64Data, Extra, Fulcio, KeyType, Pki, Policy, Requirement, SignedBy, SignedIdentity,
    SigstoreSigned, Slot, Transports,
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
        check_members(self, &Path::Root)?;
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

/// The members of `extra`'s layout in order: an unknown one is an error, a typed one (a row of `known`) goes to
/// `check`.
fn each_member<K>(
    extra: &Extra,
    known: &[K],
    name: impl Fn(&K) -> &'static str,
    present: impl Fn(&K) -> bool,
    path: &Path<'_>,
    mut check: impl FnMut(&K, &Path<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    for slot in extra.layout(known, name, present) {
        match slot {
            Slot::Known(i, name) => check(&known[i], &path.member(name))?,
            Slot::Unknown(name, _) => return Err(unknown(name, path)),
        }
    }
    Ok(())
}

/// A struct's members in order, each checked by its table: the checks containers/image makes while reading them.
fn check_members<T: Object>(object: &T, path: &Path<'_>) -> Result<(), Error> {
    each_member(
        object.extra(),
        T::MEMBERS,
        |member| member.name,
        |member| (member.present)(object),
        path,
        |member, at| (member.check)(object, at),
    )
}

/// The members of an object whose typed members besides `type` are the strings `members` (an identity, or with
/// none an object that has only its `type`): only an unknown one is an error.
fn check_string_members<const N: usize>(
    extra: &Extra,
    members: [(&'static str, &Option<String>); N],
    path: &Path<'_>,
) -> Result<(), Error> {
    let mut known = vec![("type", true)];
    known.extend(members.iter().map(|(name, value)| (*name, value.is_some())));
    each_member(
        extra,
        &known,
        |(name, _)| name,
        |(_, present)| *present,
        path,
        |_, _| Ok(()),
    )
}

/// What containers/image checks in a member's value while it reads the member; by default nothing.
pub(crate) trait Check {
    /// Checks the value, found at `path`.
    fn check(&self, _path: &Path<'_>) -> Result<(), Error> {
        Ok(())
    }
}

impl Check for String {}

impl Check for Vec<String> {}

/// Checked after the members of the requirement that holds it, as containers/image reads it then.
impl Check for SignedIdentity {}

impl Check for KeyType {
    fn check(&self, path: &Path<'_>) -> Result<(), Error> {
        match self {
            KeyType::Other(value) => Err(fail(
                ErrorKind::InvalidKeyType {
                    key_type: value.clone(),
                    present: true,
                },
                path,
            )),
            _ => Ok(()),
        }
    }
}

impl Check for Base64Data {
    fn check(&self, path: &Path<'_>) -> Result<(), Error> {
        self.decode()
            .map(drop)
            .map_err(|source| fail(ErrorKind::InvalidBase64 { source }, path))
    }
}

impl Check for Vec<Base64Data> {
    fn check(&self, path: &Path<'_>) -> Result<(), Error> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, d)| d.check(&path.index(i)))
    }
}

/// `default`, or a scope's list.
impl Check for Vec<Requirement> {
    fn check(&self, path: &Path<'_>) -> Result<(), Error> {
        if self.is_empty() {
            return Err(fail(ErrorKind::EmptyRequirements, path));
        }
        self.iter()
            .enumerate()
            .try_for_each(|(i, r)| check_requirement(r, &path.index(i)))
    }
}

/// Each scope as its transport checks it, then its list.
impl Check for Transports {
    fn check(&self, path: &Path<'_>) -> Result<(), Error> {
        for (transport, scopes) in self.iter() {
            let at = path.member(transport);
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
                list.check(&at)?;
            }
        }
        Ok(())
    }
}

impl Check for Fulcio {
    fn check(&self, path: &Path<'_>) -> Result<(), Error> {
        check_fulcio(self, path)
    }
}

impl Check for Pki {
    fn check(&self, path: &Path<'_>) -> Result<(), Error> {
        check_pki(self, path)
    }
}

fn check_requirement(r: &Requirement, path: &Path<'_>) -> Result<(), Error> {
    match r {
        Requirement::InsecureAcceptAnything(extra) | Requirement::Reject(extra) => {
            check_string_members(extra, [], path)
        }
        Requirement::SignedBy(s) => check_signed_by(s, path),
        Requirement::SignedBaseLayer(s) => {
            check_members(s, path)?;
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
    check_members(s, path)?;
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
    check_members(s, path)?;
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
    check_members(f, path)?;
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
    check_members(p, path)?;
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

/// The value of a string member an identity requires.
fn required(value: &Option<String>, key: &'static str, path: &Path<'_>) -> Result<String, Error> {
    value
        .clone()
        .ok_or_else(|| fail(ErrorKind::MissingKey { key }, path))
}

/// The image reference an identity requires in its member `key`.
fn required_reference(
    value: &Option<String>,
    key: &'static str,
    path: &Path<'_>,
) -> Result<(String, Reference), Error> {
    let value = required(value, key, path)?;
    match Reference::parse_normalized(&value) {
        Ok(reference) => Ok((value, reference)),
        Err(source) => Err(fail(
            ErrorKind::InvalidReference { key, value, source },
            path,
        )),
    }
}

fn check_identity(identity: &SignedIdentity, path: &Path<'_>) -> Result<(), Error> {
    match identity {
        SignedIdentity::MatchExact(extra)
        | SignedIdentity::MatchRepoDigestOrExact(extra)
        | SignedIdentity::MatchRepository(extra) => check_string_members(extra, [], path),
        SignedIdentity::ExactReference {
            docker_reference,
            extra,
        } => {
            check_string_members(extra, [("dockerReference", docker_reference)], path)?;
            let (value, reference) = required_reference(docker_reference, "dockerReference", path)?;
            if reference.tag().is_none() && reference.digest().is_none() {
                return Err(fail(ErrorKind::NameOnlyReference { value }, path));
            }
            Ok(())
        }
        SignedIdentity::ExactRepository {
            docker_repository,
            extra,
        } => {
            check_string_members(extra, [("dockerRepository", docker_repository)], path)?;
            required_reference(docker_repository, "dockerRepository", path).map(drop)
        }
        SignedIdentity::RemapIdentity {
            prefix,
            signed_prefix,
            extra,
        } => {
            check_string_members(
                extra,
                [("prefix", prefix), ("signedPrefix", signed_prefix)],
                path,
            )?;
            // containers/image checks the missing keys in map order (random); prefix first here.
            let prefix = required(prefix, "prefix", path)?;
            let signed_prefix = required(signed_prefix, "signedPrefix", path)?;
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
