//! One pull source, described plainly: registry, repository, tag or digest, and how the node would reach it.

use std::fmt;
use std::path::Path;

use zeroize::Zeroizing;

/// The secret string type (password, identity token, bearer token) is dockerconfig's, so credentials read from a
/// `config.json` move into a probe without being copied out in the clear.
pub use dockerconfig::Secret;

use crate::digest::Digest;
use crate::error::Error;

/// Largest certificate or key file read from a certs.d folder.
pub const MAX_CERT_FILE_BYTES: u64 = 1 << 20;

/// A tag or a digest.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Reference {
    /// A tag (`latest`, `4.16.3-x86_64`).
    Tag(String),
    /// A digest (`sha256:…`).
    Digest(Digest),
}

impl Reference {
    /// A digest when the text has a `:`, a tag otherwise, both validated.
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.contains(':') {
            Ok(Reference::Digest(Digest::parse(text)?))
        } else {
            Reference::tag(text)
        }
    }

    /// A validated tag (docker/distribution's `[\w][\w.-]{0,127}`).
    pub fn tag(tag: &str) -> Result<Self, Error> {
        let bad = |why| Error::InvalidTag {
            tag: tag.chars().take(140).collect(),
            why,
        };
        let mut bytes = tag.bytes();
        match bytes.next() {
            None => return Err(bad("empty")),
            Some(b) if b.is_ascii_alphanumeric() || b == b'_' => {}
            Some(_) => return Err(bad("must start with a letter, digit or `_`")),
        }
        if tag.len() > 128 {
            return Err(bad("longer than 128 characters"));
        }
        if !bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')) {
            return Err(bad("only letters, digits, `_`, `.` and `-` are allowed"));
        }
        Ok(Reference::Tag(tag.to_owned()))
    }

    /// The digest, when this is one.
    pub fn digest(&self) -> Option<&Digest> {
        match self {
            Reference::Digest(d) => Some(d),
            Reference::Tag(_) => None,
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Tag(t) => f.write_str(t),
            Reference::Digest(d) => d.fmt(f),
        }
    }
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Tag(t) => write!(f, "Tag({t:?})"),
            Reference::Digest(d) => write!(f, "{d:?}"),
        }
    }
}

/// Which system roots are trusted beside the source's own CA files.
///
/// containers/image always trusts the system pool: with no `*.crt` in the certs.d folder Go uses the system roots,
/// and with some it appends them to the system pool. A probe does not run on the node, so it cannot read the
/// node's pool; [`SystemRoots::Mozilla`] stands for it (the Mozilla set that RHCOS, Fedora and Debian derive theirs
/// from, compiled in through `webpki-roots`). A caller that has the node's own bundle
/// (`/etc/pki/tls/certs/ca-bundle.crt` under a node root) adds it as a CA file and may then choose
/// [`SystemRoots::None`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SystemRoots {
    /// The Mozilla roots (`webpki-roots`).
    #[default]
    Mozilla,
    /// Only the CA files given.
    None,
}

/// A PEM file of CA certificates, with a label for messages (`certs.d/mirror:5000/ca.crt`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CaFile {
    /// Where it came from, as messages should name it.
    pub label: String,
    /// The PEM bytes (Go's `AppendCertsFromPEM` reads them: non-certificate blocks are skipped).
    pub pem: Vec<u8>,
}

impl fmt::Debug for CaFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaFile")
            .field("label", &self.label)
            .field("bytes", &self.pem.len())
            .finish()
    }
}

/// A client certificate chain and its private key (a certs.d `*.cert` / `*.key` pair). `Debug` never shows the key.
#[derive(Clone)]
pub struct ClientIdentity {
    label: String,
    cert_pem: Vec<u8>,
    key_pem: Zeroizing<Vec<u8>>,
}

impl ClientIdentity {
    /// A chain (PEM, leaf first) and its key (PEM: PKCS#8, PKCS#1 or SEC1). Both are checked when the prober
    /// builds its TLS configuration.
    pub fn new(label: impl Into<String>, cert_pem: Vec<u8>, key_pem: Vec<u8>) -> Self {
        ClientIdentity {
            label: label.into(),
            cert_pem,
            key_pem: Zeroizing::new(key_pem),
        }
    }

    /// The label (`certs.d/mirror:5000/client.cert`).
    pub fn label(&self) -> &str {
        &self.label
    }

    pub(crate) fn cert_pem(&self) -> &[u8] {
        &self.cert_pem
    }

    pub(crate) fn key_pem(&self) -> &[u8] {
        &self.key_pem
    }
}

impl PartialEq for ClientIdentity {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label
            && self.cert_pem == other.cert_pem
            && *self.key_pem == *other.key_pem
    }
}
impl Eq for ClientIdentity {}

impl std::hash::Hash for ClientIdentity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.label.hash(state);
        self.cert_pem.hash(state);
        self.key_pem.hash(state);
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("label", &self.label)
            .field("cert_bytes", &self.cert_pem.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// What the node trusts for one registry host: its CA files, client identities and the system roots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Trust {
    /// CA files, in the order they are read.
    pub ca_files: Vec<CaFile>,
    /// Client identities; the first one that suits the server's request is presented (Go's
    /// `getClientCertificate`).
    pub client_identities: Vec<ClientIdentity>,
    /// The system roots.
    pub system_roots: SystemRoots,
}

impl Trust {
    /// Reads one certs.d folder (`…/certs.d/<host:port>/`) as containers/image's
    /// `tlsclientconfig.SetupCertificates` does: files in name order; every `*.crt` is a CA file; every
    /// `*.cert` needs its `*.key` and the other way round (otherwise an error, as containers/image refuses the
    /// pull); other files are ignored. A missing folder is no error and gives the default trust. `label_prefix`
    /// starts each label (`certs.d/mirror:5000`).
    pub fn from_certs_dir(dir: &Path, label_prefix: &str) -> Result<Trust, Error> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Trust::default()),
            Err(e) => {
                return Err(Error::Io {
                    path: dir.to_owned(),
                    source: e,
                });
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::Io {
                path: dir.to_owned(),
                source: e,
            })?;
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_owned());
            }
        }
        Trust::from_certs_entries(names, label_prefix, |name| read_bounded(&dir.join(name)))
    }

    /// The rules of [`Trust::from_certs_dir`] over a folder listed and read by the caller (a node root read
    /// without following links, say): `names` are the folder's entries, `read` returns a file's bytes (at most
    /// [`MAX_CERT_FILE_BYTES`]) and is called only for the `*.crt`, `*.cert` and `*.key` files used.
    pub fn from_certs_entries(
        mut names: Vec<String>,
        label_prefix: &str,
        mut read: impl FnMut(&str) -> Result<Vec<u8>, Error>,
    ) -> Result<Trust, Error> {
        let mut trust = Trust::default();
        names.sort();
        let label = |name: &str| {
            if label_prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{}/{name}", label_prefix.trim_end_matches('/'))
            }
        };
        for name in &names {
            if name.ends_with(".crt") {
                trust.ca_files.push(CaFile {
                    label: label(name),
                    pem: read(name)?,
                });
            }
            if let Some(base) = name.strip_suffix(".cert") {
                let key = format!("{base}.key");
                if !names.contains(&key) {
                    return Err(Error::UnpairedClientFile(format!(
                        "missing key {key} for client certificate {name}. Note that CA certificates should use the extension .crt"
                    )));
                }
                trust.client_identities.push(ClientIdentity::new(
                    label(name),
                    read(name)?,
                    read(&key)?,
                ));
            }
            if let Some(base) = name.strip_suffix(".key") {
                let cert = format!("{base}.cert");
                if !names.contains(&cert) {
                    return Err(Error::UnpairedClientFile(format!(
                        "missing client certificate {cert} for key {name}"
                    )));
                }
            }
        }
        Ok(trust)
    }
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    file.take(MAX_CERT_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() as u64 > MAX_CERT_FILE_BYTES {
        return Err(Error::InvalidCertificate {
            label: path.display().to_string(),
            why: format!("larger than {MAX_CERT_FILE_BYTES} bytes"),
        });
    }
    Ok(buf)
}

/// The credentials the node's config.json gives for a source, with the key they came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    label: String,
    username: String,
    kind: CredentialKind,
}

#[derive(Clone, PartialEq, Eq)]
enum CredentialKind {
    Password(Secret),
    /// The token, and the entry's password for a registry that asks for Basic (containers/image sends the user
    /// and password then, and uses the token only with a bearer realm).
    IdentityToken(Secret, Option<Secret>),
}

impl Credentials {
    /// A user and password (an `auth` entry). `label` is where they came from, shown in messages (the
    /// config.json key: `mirror.example.com:5000`).
    pub fn password(
        label: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self::of_kind(
            label,
            username,
            CredentialKind::Password(Secret::new(password)),
        )
    }

    /// An `identitytoken` (OAuth2 refresh token): containers/image then asks the realm for a token by `POST` with
    /// `grant_type=refresh_token` instead of sending the user and password.
    pub fn identity_token(
        label: impl Into<String>,
        username: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        let token = Secret::new(token);
        Self::of_kind(label, username, CredentialKind::IdentityToken(token, None))
    }

    fn of_kind(
        label: impl Into<String>,
        username: impl Into<String>,
        kind: CredentialKind,
    ) -> Self {
        Credentials {
            label: label.into(),
            username: username.into(),
            kind,
        }
    }

    /// The entry's password beside its identity token: containers/image sends the user and this password when
    /// the registry asks for Basic, and the token only to a bearer realm. No effect on password credentials.
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        if let CredentialKind::IdentityToken(_, p) = &mut self.kind {
            *p = Some(Secret::new(password));
        }
        self
    }

    /// Where they came from.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The user name (shown in messages; never the password).
    pub fn username(&self) -> &str {
        &self.username
    }

    pub(crate) fn password_secret(&self) -> Option<&Secret> {
        match &self.kind {
            CredentialKind::Password(p) => Some(p),
            CredentialKind::IdentityToken(_, password) => password.as_ref(),
        }
    }

    pub(crate) fn identity_token_secret(&self) -> Option<&Secret> {
        match &self.kind {
            CredentialKind::IdentityToken(t, _) => Some(t),
            CredentialKind::Password(_) => None,
        }
    }

    /// Label and user, for messages: `"mirror:5000" (user alice)`.
    pub fn describe(&self) -> String {
        format!("{:?} (user {})", self.label, self.username)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("label", &self.label)
            .field("username", &self.username)
            .field(
                "secret",
                &match self.kind {
                    CredentialKind::Password(_) => "password ***",
                    CredentialKind::IdentityToken(..) => "identity token ***",
                },
            )
            .finish()
    }
}

/// One pull source: where containers/image would try to read an image from.
///
/// ```
/// use registry_probe::{Reference, Source};
/// let s = Source::new("mirror.example.com:5000", "ocp/release", Reference::parse("4.16.3-x86_64")?)?
///     .with_insecure(false);
/// assert_eq!(s.to_string(), "mirror.example.com:5000/ocp/release:4.16.3-x86_64");
/// assert_eq!(s.scope(), "repository:ocp/release:pull");
/// # Ok::<(), registry_probe::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    registry: String,
    repository: String,
    reference: Reference,
    insecure: bool,
    trust: Trust,
    credentials: Option<Credentials>,
}

impl Source {
    /// A source with the default trust, no credentials, TLS verified.
    ///
    /// `registry` is `host[:port]` (a DNS name, IPv4 address or `[IPv6]`); `repository` the path inside it
    /// (`ns/repo`, lowercase components as docker/distribution's grammar has them).
    pub fn new(registry: &str, repository: &str, reference: Reference) -> Result<Self, Error> {
        check_registry(registry)?;
        check_repository(repository)?;
        Ok(Source {
            registry: registry.to_owned(),
            repository: repository.to_owned(),
            reference,
            insecure: false,
            trust: Trust::default(),
            credentials: None,
        })
    }

    /// Whether the node treats the registry as `insecure` (TLS without verification, then plain HTTP).
    pub fn with_insecure(mut self, insecure: bool) -> Self {
        self.insecure = insecure;
        self
    }

    /// What the node trusts for this host.
    pub fn with_trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }

    /// The credentials the node would use for this source.
    pub fn with_credentials(mut self, credentials: Option<Credentials>) -> Self {
        self.credentials = credentials;
        self
    }

    /// The same source with another reference (a platform's manifest by digest, say).
    pub fn with_reference(mut self, reference: Reference) -> Self {
        self.reference = reference;
        self
    }

    /// `host[:port]` as given.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The host and port to connect to: `docker.io` is `registry-1.docker.io`, as containers/image has it.
    pub fn endpoint(&self) -> &str {
        if self.registry == "docker.io" {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }

    /// The repository path.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag or digest.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// Whether the registry is insecure.
    pub fn insecure(&self) -> bool {
        self.insecure
    }

    /// The trust for its host.
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// The credentials, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// The token scope containers/image asks for when pulling: `repository:<path>:pull`.
    pub fn scope(&self) -> String {
        scope("repository", &self.repository, "pull")
    }
}

/// A token scope, `type:name:actions`, as containers/image formats it (`fmt.Sprintf("%s:%s:%s")`).
pub fn scope(resource_type: &str, name: &str, actions: &str) -> String {
    format!("{resource_type}:{name}:{actions}")
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if matches!(self.reference, Reference::Digest(_)) {
            '@'
        } else {
            ':'
        };
        write!(
            f,
            "{}/{}{sep}{}",
            self.registry, self.repository, self.reference
        )
    }
}

fn short(s: &str) -> String {
    s.chars().take(140).collect()
}

pub(crate) fn check_registry(registry: &str) -> Result<(), Error> {
    let bad = |why| Error::InvalidRegistry {
        registry: short(registry),
        why,
    };
    let (host, port) = split_host_port(registry).ok_or(bad("not host[:port]"))?;
    if let Some(port) = port {
        match port.parse::<u16>() {
            Ok(p) if p > 0 && !port.starts_with('0') => {}
            _ => return Err(bad("the port must be 1 to 65535")),
        }
    }
    if host.starts_with('[') {
        let inner = &host[1..host.len() - 1];
        inner
            .parse::<std::net::Ipv6Addr>()
            .map_err(|_| bad("not an IPv6 address in brackets"))?;
        return Ok(());
    }
    if host.is_empty() || host.len() > 253 {
        return Err(bad("the host must be 1 to 253 characters"));
    }
    for label in host.split('.') {
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(bad("the host must be a DNS name or an IP address"));
        }
    }
    Ok(())
}

/// `host` (with brackets for IPv6) and the port text, if any.
pub(crate) fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, rest) = authority.split_at(close + 1);
        match rest {
            "" => Some((host, None)),
            r => r.strip_prefix(':').map(|p| (host, Some(p))),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) if !p.contains(':') => Some((h, Some(p))),
            Some(_) => None,
            None => Some((authority, None)),
        }
    }
}

fn check_repository(repository: &str) -> Result<(), Error> {
    let bad = |why| Error::InvalidRepository {
        repository: short(repository),
        why,
    };
    if repository.is_empty() || repository.len() > 255 {
        return Err(bad("must be 1 to 255 characters"));
    }
    for component in repository.split('/') {
        // docker/distribution: [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
        let b = component.as_bytes();
        if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric()
        {
            return Err(bad(
                "each component must start and end with a lowercase letter or digit",
            ));
        }
        if !b.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-')
        }) {
            return Err(bad(
                "only lowercase letters, digits, `.`, `_` and `-` are allowed",
            ));
        }
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_alphanumeric() {
                let start = i;
                while i < b.len() && !b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                let sep = &component[start..i];
                let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-');
                if !ok {
                    return Err(bad("separators are `.`, `_`, `__` or dashes"));
                }
            } else {
                i += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries() {
        for ok in [
            "mirror.example.com",
            "mirror:5000",
            "127.0.0.1:5000",
            "[::1]:5000",
            "[fe80::1]",
            "localhost",
        ] {
            check_registry(ok).unwrap();
        }
        for bad in [
            "",
            "a:b:c",
            "mirror:0",
            "mirror:65536",
            "mirror:05",
            "-x.com",
            "a..b",
            "[zz]:1",
            "a/b",
            "ho st",
        ] {
            assert!(check_registry(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn repositories() {
        for ok in [
            "a",
            "ocp/release",
            "a.b/c_d/e__f/g--h",
            "openshift-release-dev/ocp-v4.0-art-dev",
        ] {
            check_repository(ok).unwrap();
        }
        for bad in [
            "", "A", "a/", "/a", "a//b", "a..b", "-a", "a_", "a?b", "a b",
        ] {
            assert!(check_repository(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_and_digests() {
        assert!(matches!(
            Reference::parse("latest").unwrap(),
            Reference::Tag(_)
        ));
        assert!(matches!(
            Reference::parse(&Digest::sha256(b"x").to_string()).unwrap(),
            Reference::Digest(_)
        ));
        assert!(Reference::parse(".x").is_err());
        assert!(Reference::parse(&"a".repeat(129)).is_err());
        assert!(Reference::parse("sha256:short").is_err());
    }

    #[test]
    fn scope_and_endpoint() {
        let s = Source::new(
            "docker.io",
            "library/busybox",
            Reference::parse("latest").unwrap(),
        )
        .unwrap();
        assert_eq!(s.endpoint(), "registry-1.docker.io");
        assert_eq!(s.scope(), "repository:library/busybox:pull");
        assert_eq!(
            scope("repository", "a/b", "pull,push"),
            "repository:a/b:pull,push"
        );
    }

    #[test]
    fn secrets_are_redacted() {
        let c = Credentials::password("mirror:5000", "alice", "hunter2-secret");
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(dbg.contains("alice"));
        let id = ClientIdentity::new("k", b"cert".to_vec(), b"PRIVATE-KEY-BYTES".to_vec());
        assert!(!format!("{id:?}").contains("PRIVATE-KEY"));
        let t = Credentials::identity_token("l", "u", "refresh-token-value");
        assert!(!format!("{t:?}").contains("refresh-token-value"));
    }
}
