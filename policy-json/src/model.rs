//! The model of a policy.json: every member containers/image knows, typed; everything else kept as written.

use serde_json::Value;

/// A whole policy.json (containers-policy.json(5)).
///
/// `None` means the member is absent. A document read by [`Policy::parse`] keeps its unknown members and the
/// order of all members ([`Extra`]), so [`Policy::to_json`] writes back what was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// `default`: the requirements for images no transport scope matches.
    pub default: Option<Vec<Requirement>>,
    /// `transports`: transport name (`docker`, `atomic`, `containers-storage`, `dir`, `oci`, ...) → its scopes.
    pub transports: Option<Transports>,
    /// Unknown members, and the order of all.
    pub extra: Extra,
}

/// The `transports` object: transport name → [`Scopes`], in file order.
pub type Transports = OrderedMap<Scopes>;

/// One transport's scopes: scope (`""` for the transport's default, `quay.io/ns`, `*.example.com`, a path, ...)
/// → its requirements, in file order.
pub type Scopes = OrderedMap<Vec<Requirement>>;

/// A JSON object whose member names are data (transport names, scopes): entries in file order, each name once.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap {
            entries: Vec::new(),
        }
    }
}

impl<V> OrderedMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value under `name`.
    pub fn get(&self, name: &str) -> Option<&V> {
        self.entries.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The value under `name`, to change it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Sets `name` to `value`: in place when present (the old value is returned), else at the end.
    pub fn insert(&mut self, name: impl Into<String>, value: V) -> Option<V> {
        let name = name.into();
        match self.get_mut(&name) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((name, value));
                None
            }
        }
    }

    /// Removes `name`, keeping the order of the others.
    pub fn remove(&mut self, name: &str) -> Option<V> {
        let at = self.entries.iter().position(|(k, _)| k == name)?;
        Some(self.entries.remove(at).1)
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<V, K: Into<String>> FromIterator<(K, V)> for OrderedMap<V> {
    /// Entries in order; a name given again replaces the earlier value in the earlier place (as
    /// [`OrderedMap::insert`] does), in O(n) overall.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = OrderedMap::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (name, value) in items {
            let name = name.into();
            match index.get(&name) {
                Some(&at) => map.entries[at].1 = value,
                None => {
                    index.insert(name.clone(), map.entries.len());
                    map.entries.push((name, value));
                }
            }
        }
        map
    }
}

impl<V> IntoIterator for OrderedMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// The members of an object that this crate does not type (kept and written back as they are), and where the
/// typed ones stood among them.
///
/// An object built in code has an empty `Extra`: its typed members are written in containers/image's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    /// Every member in file order: `None` marks where a typed member stood.
    members: Vec<(String, Option<Value>)>,
}

impl Extra {
    /// The unknown members, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.as_str(), v)))
    }

    /// The unknown member `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// Sets the unknown member `name` (in place, or at the end). A name the object types is ignored when
    /// written: the typed member wins.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        let name = name.into();
        match self
            .members
            .iter_mut()
            .find(|(k, v)| *k == name && v.is_some())
        {
            Some((_, slot)) => slot.replace(value),
            None => {
                self.members.push((name, Some(value)));
                None
            }
        }
    }

    /// Removes the unknown member `name`.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self
            .members
            .iter()
            .position(|(k, v)| k == name && v.is_some())?;
        self.members.remove(at).1
    }

    /// Whether the object has no unknown member.
    pub fn is_empty(&self) -> bool {
        self.members.iter().all(|(_, v)| v.is_none())
    }

    pub(crate) fn push_known(&mut self, name: &str) {
        self.members.push((name.to_owned(), None));
    }

    pub(crate) fn push_unknown(&mut self, name: String, value: Value) {
        self.members.push((name, Some(value)));
    }

    /// The members in the order they are written and checked: those in `self` in their order (a typed one only if
    /// `present` says it is), then the typed members `present` names that `self` does not place, in `known`'s
    /// order. An unknown member spelled like a typed one is left out.
    ///
    /// `known` is an object's table of typed members (or just their names), `name` reads a row's name.
    pub(crate) fn layout<'a, K>(
        &'a self,
        known: &[K],
        name: impl Fn(&K) -> &'static str,
        present: impl Fn(&K) -> bool,
    ) -> Vec<Slot<'a>> {
        let mut slots = Vec::with_capacity(self.members.len() + known.len());
        let mut placed = vec![false; known.len()];
        for (member, value) in &self.members {
            match known.iter().position(|k| name(k) == member) {
                Some(i) => {
                    if present(&known[i]) && !placed[i] {
                        placed[i] = true;
                        slots.push(Slot::Known(i, name(&known[i])));
                    }
                }
                None => {
                    if let Some(value) = value {
                        slots.push(Slot::Unknown(member, value));
                    }
                }
            }
        }
        for (i, k) in known.iter().enumerate() {
            if present(k) && !placed[i] {
                slots.push(Slot::Known(i, name(k)));
            }
        }
        slots
    }
}

/// One member of an object, in [`Extra::layout`]'s order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot<'a> {
    /// A typed member: its row in the `known` table, and its name.
    Known(usize, &'static str),
    Unknown(&'a str, &'a Value),
}

/// One policy requirement (an element of `default` or of a scope's list). All must accept an image for it to be
/// accepted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Requirement {
    /// `insecureAcceptAnything`: every image is accepted.
    InsecureAcceptAnything(Extra),
    /// `reject`: every image is rejected.
    Reject(Extra),
    /// `signedBy`: simple signing (GPG or X.509 keys).
    SignedBy(SignedBy),
    /// `signedBaseLayer`: the base layer is signed (containers/image knows it, never enforces it).
    SignedBaseLayer(SignedBaseLayer),
    /// `sigstoreSigned`: sigstore signatures (public keys, Fulcio, PKI); boxed, being the largest.
    SigstoreSigned(Box<SigstoreSigned>),
    /// A requirement whose `type` containers/image does not know (or that has none): kept whole; refused by
    /// [`Policy::validate`].
    Unknown(serde_json::Map<String, Value>),
}

impl Requirement {
    /// `{"type": "insecureAcceptAnything"}`.
    pub fn insecure_accept_anything() -> Requirement {
        Requirement::InsecureAcceptAnything(Extra::default())
    }

    /// `{"type": "reject"}`.
    pub fn reject() -> Requirement {
        Requirement::Reject(Extra::default())
    }

    /// The `type` member's value.
    pub fn type_name(&self) -> &str {
        match self {
            Requirement::InsecureAcceptAnything(_) => "insecureAcceptAnything",
            Requirement::Reject(_) => "reject",
            Requirement::SignedBy(_) => "signedBy",
            Requirement::SignedBaseLayer(_) => "signedBaseLayer",
            Requirement::SigstoreSigned(_) => "sigstoreSigned",
            Requirement::Unknown(members) => type_of_unknown(members),
        }
    }
}

/// The `type` of an object kept whole: its `type` string, or empty (absent, or not a string).
fn type_of_unknown(members: &serde_json::Map<String, Value>) -> &str {
    members
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `keyType` of a `signedBy` requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyType {
    /// `GPGKeys`: keys in a GPG keyring.
    GpgKeys,
    /// `signedByGPGKeys`: keys signed by keys in a GPG keyring.
    SignedByGpgKeys,
    /// `X509Certificates`: keys in X.509 certificates.
    X509Certificates,
    /// `signedByX509CAs`: keys signed by X.509 CAs.
    SignedByX509Cas,
    /// Any other value, as written (refused by [`Policy::validate`]).
    Other(String),
}

impl KeyType {
    /// The value as written in the file.
    pub fn as_str(&self) -> &str {
        match self {
            KeyType::GpgKeys => "GPGKeys",
            KeyType::SignedByGpgKeys => "signedByGPGKeys",
            KeyType::X509Certificates => "X509Certificates",
            KeyType::SignedByX509Cas => "signedByX509CAs",
            KeyType::Other(other) => other,
        }
    }

    /// Reads a value exactly as containers/image does (case-sensitive).
    pub fn from_value(value: &str) -> KeyType {
        match value {
            "GPGKeys" => KeyType::GpgKeys,
            "signedByGPGKeys" => KeyType::SignedByGpgKeys,
            "X509Certificates" => KeyType::X509Certificates,
            "signedByX509CAs" => KeyType::SignedByX509Cas,
            other => KeyType::Other(other.to_owned()),
        }
    }
}

/// A `[]byte` member (`keyData`, `caData`, ...): the base64 text as written, decoded on demand as Go's
/// `encoding/json` decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64Data(String);

impl Base64Data {
    /// The text as written (not checked until decoded).
    pub fn from_text(text: impl Into<String>) -> Base64Data {
        Base64Data(text.into())
    }

    /// `bytes`, encoded as Go encodes a `[]byte`.
    pub fn encode(bytes: impl AsRef<[u8]>) -> Base64Data {
        Base64Data(go_compat::encode_std_base64(bytes))
    }

    /// The text.
    pub fn as_text(&self) -> &str {
        &self.0
    }

    /// The bytes, as Go's `base64.StdEncoding` decodes the text.
    pub fn decode(&self) -> Result<Vec<u8>, go_compat::Base64Error> {
        go_compat::decode_std_base64(&self.0)
    }
}

/// A `signedBy` requirement. Members are kept as written, valid or not; [`Policy::validate`] says whether
/// containers/image accepts them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignedBy {
    /// `keyType`.
    pub key_type: Option<KeyType>,
    /// `keyPath`: one file of keys.
    pub key_path: Option<String>,
    /// `keyPaths`: several files of keys.
    pub key_paths: Option<Vec<String>>,
    /// `keyData`: the keys themselves.
    pub key_data: Option<Base64Data>,
    /// `signedIdentity` (absent: `matchRepoDigestOrExact`).
    pub signed_identity: Option<SignedIdentity>,
    /// Unknown members, and the order of all.
    pub extra: Extra,
}

/// A `signedBaseLayer` requirement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignedBaseLayer {
    /// `baseLayerIdentity` (required).
    pub base_layer_identity: Option<SignedIdentity>,
    /// Unknown members, and the order of all.
    pub extra: Extra,
}

/// A `sigstoreSigned` requirement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SigstoreSigned {
    /// `keyPath`: a public key file.
    pub key_path: Option<String>,
    /// `keyPaths`: several public key files.
    pub key_paths: Option<Vec<String>>,
    /// `keyData`: a public key.
    pub key_data: Option<Base64Data>,
    /// `keyDatas`: several public keys.
    pub key_datas: Option<Vec<Base64Data>>,
    /// `fulcio`: keyless signing with Fulcio certificates.
    pub fulcio: Option<Fulcio>,
    /// `rekorPublicKeyPath`.
    pub rekor_public_key_path: Option<String>,
    /// `rekorPublicKeyPaths`.
    pub rekor_public_key_paths: Option<Vec<String>>,
    /// `rekorPublicKeyData`.
    pub rekor_public_key_data: Option<Base64Data>,
    /// `rekorPublicKeyDatas`.
    pub rekor_public_key_datas: Option<Vec<Base64Data>>,
    /// `pki`: certificates from a private PKI.
    pub pki: Option<Pki>,
    /// `signedIdentity` (absent: `matchRepoDigestOrExact`).
    pub signed_identity: Option<SignedIdentity>,
    /// Unknown members, and the order of all.
    pub extra: Extra,
}

/// The `fulcio` member of a `sigstoreSigned` requirement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fulcio {
    /// `caPath`.
    pub ca_path: Option<String>,
    /// `caData`.
    pub ca_data: Option<Base64Data>,
    /// `oidcIssuer`.
    pub oidc_issuer: Option<String>,
    /// `subjectEmail`.
    pub subject_email: Option<String>,
    /// Unknown members, and the order of all.
    pub extra: Extra,
}

/// The `pki` member of a `sigstoreSigned` requirement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pki {
    /// `caRootsPath`.
    pub ca_roots_path: Option<String>,
    /// `caRootsData`.
    pub ca_roots_data: Option<Base64Data>,
    /// `caIntermediatesPath`.
    pub ca_intermediates_path: Option<String>,
    /// `caIntermediatesData`.
    pub ca_intermediates_data: Option<Base64Data>,
    /// `subjectEmail`.
    pub subject_email: Option<String>,
    /// `subjectHostname`.
    pub subject_hostname: Option<String>,
    /// Unknown members, and the order of all.
    pub extra: Extra,
}

/// A `signedIdentity` / `baseLayerIdentity`: which identity in the signature is accepted for the image.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SignedIdentity {
    /// `matchExact`: the image's reference, tag or digest included.
    MatchExact(Extra),
    /// `matchRepoDigestOrExact`: the repository for a digest reference, else the exact reference (the default).
    MatchRepoDigestOrExact(Extra),
    /// `matchRepository`: the repository only.
    MatchRepository(Extra),
    /// `exactReference`: one fixed reference.
    ExactReference {
        /// `dockerReference` (required).
        docker_reference: Option<String>,
        /// Unknown members, and the order of all.
        extra: Extra,
    },
    /// `exactRepository`: one fixed repository.
    ExactRepository {
        /// `dockerRepository` (required).
        docker_repository: Option<String>,
        /// Unknown members, and the order of all.
        extra: Extra,
    },
    /// `remapIdentity`: the image's reference with `prefix` replaced by `signedPrefix`.
    RemapIdentity {
        /// `prefix` (required).
        prefix: Option<String>,
        /// `signedPrefix` (required).
        signed_prefix: Option<String>,
        /// Unknown members, and the order of all.
        extra: Extra,
    },
    /// An identity whose `type` containers/image does not know: kept whole; refused by [`Policy::validate`].
    Unknown(serde_json::Map<String, Value>),
}

impl SignedIdentity {
    /// The `type` member's value.
    pub fn type_name(&self) -> &str {
        match self {
            SignedIdentity::MatchExact(_) => "matchExact",
            SignedIdentity::MatchRepoDigestOrExact(_) => "matchRepoDigestOrExact",
            SignedIdentity::MatchRepository(_) => "matchRepository",
            SignedIdentity::ExactReference { .. } => "exactReference",
            SignedIdentity::ExactRepository { .. } => "exactRepository",
            SignedIdentity::RemapIdentity { .. } => "remapIdentity",
            SignedIdentity::Unknown(members) => type_of_unknown(members),
        }
    }
}
