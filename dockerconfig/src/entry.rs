//! One registry's entry of `auths`, and the credentials decoded from it.

use std::fmt;

use zeroize::Zeroize;

use crate::Error;
use crate::error::ErrorKind;
use crate::json::{Key, Member, Node, Text};

/// Whether a JSON object key selects a Go struct field named `field` (lowercase ASCII): `encoding/json` matches
/// field names exactly or else under Unicode simple case folding, where `ſ` (U+017F) folds to `s` and the Kelvin
/// sign (U+212A) to `k`.
pub(crate) fn go_field_matches(key: &str, field: &str) -> bool {
    let mut key_chars = key.chars();
    for f in field.chars() {
        let Some(c) = key_chars.next() else {
            return false;
        };
        let same = c.to_ascii_lowercase() == f
            || (f == 's' && c == '\u{17F}')
            || (f == 'k' && c == '\u{212A}');
        if !same {
            return false;
        }
    }
    key_chars.next().is_none()
}

/// A secret string (a password or token). `Debug` and `Display` print `***`; the memory is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Keep the borrow short and never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty (an empty password is no password to containers/image).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The credentials containers/image would send: user name and password from `auth`, plus `identitytoken`.
/// `Debug` shows the user name only: [`Secret`]s print `***`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Credentials {
    username: String,
    password: Secret,
    identity_token: Option<Secret>,
}

impl Credentials {
    /// The user name (not secret; shown in redacted output).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password.
    pub fn password(&self) -> &Secret {
        &self.password
    }

    /// The `identitytoken`, when the entry has a non-empty one.
    pub fn identity_token(&self) -> Option<&Secret> {
        self.identity_token.as_ref()
    }
}

impl Drop for Credentials {
    fn drop(&mut self) {
        self.username.zeroize();
    }
}

/// `user:***`, with ` +identitytoken` when there is one.
impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:***", self.username)?;
        if self.identity_token.is_some() {
            f.write_str(" +identitytoken")?;
        }
        Ok(())
    }
}

/// What containers/image makes of an entry's `auth` (its `decodeDockerAuth`).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum Decoded {
    /// `auth` decodes to `user:password`.
    Credentials(Credentials),
    /// `auth` is absent or empty: no credentials, silently (Docker writes `{}` entries for credential helpers).
    /// Any `identitytoken` is ignored too.
    Empty,
    /// `auth` decodes to text without a `:`: no credentials, and containers/image logs a warning
    /// (`missing semicolon`). Any `identitytoken` is ignored too.
    MissingColon,
}

/// One registry's entry of `auths`: an object (or `null`) whose members are kept as written, in order,
/// including fields this crate does not interpret (`email`, `registrytoken`, ...).
///
/// `Debug` shows field names only; `Display` is a redacted summary such as `user:***`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthEntry {
    pub(crate) node: Node,
}

impl AuthEntry {
    /// An entry holding `auth` = base64 of `username:password`, as `podman login` writes it.
    ///
    /// # Errors
    /// [`ErrorKind::UserNameWithColon`] when `username` contains `:` (the first `:` splits the decoded text).
    pub fn from_user_password(username: &str, password: &str) -> Result<Self, Error> {
        if username.contains(':') {
            return Err(Error::argument(ErrorKind::UserNameWithColon {
                key: String::new(),
            }));
        }
        let mut plain = format!("{username}:{password}");
        let encoded = go_compat::encode_std_base64(plain.as_bytes());
        plain.zeroize();
        let entry = AuthEntry {
            node: Node::Object(vec![member("auth", Node::string(&encoded))]),
        };
        let mut encoded = encoded;
        encoded.zeroize();
        Ok(entry)
    }

    /// The same entry with `identitytoken` set (replacing any earlier one).
    #[must_use]
    pub fn with_identity_token(self, token: &str) -> Self {
        self.with_string_field("identitytoken", token)
    }

    /// The same entry with `email` set (replacing any earlier one).
    #[must_use]
    pub fn with_email(self, email: &str) -> Self {
        self.with_string_field("email", email)
    }

    /// The same entry with the string field `name` set, replacing any field Go would read as the same name.
    #[must_use]
    pub fn with_string_field(mut self, name: &str, value: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        let members = match &mut self.node {
            Node::Object(members) => members,
            other => {
                *other = Node::Object(Vec::new());
                match other {
                    Node::Object(members) => members,
                    _ => unreachable!("just set to an object"),
                }
            }
        };
        members.retain(|m| !go_field_matches(m.key.text.as_str(), &lower));
        members.push(member(name, Node::string(value)));
        self
    }

    /// Whether the entry is the literal `null` (Go reads it as an empty entry).
    pub fn is_null(&self) -> bool {
        self.node.is_null()
    }

    /// The names of the entry's fields, in order.
    pub fn field_names(&self) -> Vec<String> {
        self.members()
            .iter()
            .map(|m| m.key.text.as_str().to_owned())
            .collect()
    }

    fn members(&self) -> &[Member] {
        match &self.node {
            Node::Object(members) => members,
            _ => &[],
        }
    }

    /// The string value of the field Go reads as `name` (a lowercase field name such as `auth`), if it is a
    /// string.
    fn go_field(&self, name: &str) -> Option<Text> {
        self.members()
            .iter()
            .rev()
            .find(|m| go_field_matches(m.key.text.as_str(), name))
            .and_then(|m| m.value.as_string())
    }

    /// The string field exactly named `name` (e.g. `email`, `registrytoken`, `username`, `password`), as a
    /// secret since any of them may be one. `None` when absent or not a string.
    pub fn string_field(&self, name: &str) -> Option<Secret> {
        self.members()
            .iter()
            .rev()
            .find(|m| m.key.text.as_str() == name)
            .and_then(|m| m.value.as_string())
            .map(|t| Secret(t.as_str().to_owned()))
    }

    /// The `identitytoken`, when present and non-empty.
    pub fn identity_token(&self) -> Option<Secret> {
        self.go_field("identitytoken")
            .filter(|t| !t.as_str().is_empty())
            .map(|t| Secret(t.as_str().to_owned()))
    }

    /// The `email` field (not secret, and not read by containers/image).
    pub fn email(&self) -> Option<String> {
        self.string_field("email").map(|s| s.expose().to_owned())
    }

    /// Whether the entry has a non-empty `auth`.
    pub fn has_auth(&self) -> bool {
        self.go_field("auth")
            .is_some_and(|t| !t.as_str().is_empty())
    }

    /// Decodes `auth` exactly as containers/image's `decodeDockerAuth` does: Go's standard padded base64 (`\r`
    /// and `\n` skipped), split at the first `:`, NUL bytes trimmed from both ends of the password.
    ///
    /// # Errors
    /// [`ErrorKind::BadBase64`] (with no origin and an empty `key`; [`crate::DockerConfig::decode`] gives both).
    pub fn decode(&self) -> Result<Decoded, Error> {
        let auth = self.go_field("auth").unwrap_or_default();
        let mut decoded = go_compat::decode_std_base64(auth.as_str()).map_err(|source| {
            Error::argument(ErrorKind::BadBase64 {
                key: String::new(),
                source,
            })
        })?;
        let result = match decoded.iter().position(|&b| b == b':') {
            None if decoded.is_empty() => Decoded::Empty,
            None => Decoded::MissingColon,
            Some(colon) => {
                let username = String::from_utf8_lossy(&decoded[..colon]).into_owned();
                let password_bytes = trim_nul(&decoded[colon + 1..]);
                let password = Secret(String::from_utf8_lossy(password_bytes).into_owned());
                Decoded::Credentials(Credentials {
                    username,
                    password,
                    identity_token: self.identity_token(),
                })
            }
        };
        decoded.zeroize();
        Ok(result)
    }
}

fn trim_nul(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| b != 0).map_or(start, |p| p + 1);
    &bytes[start..end]
}

pub(crate) fn member(name: &str, value: Node) -> Member {
    Member {
        key: Key::new(name),
        value,
        at: 0,
    }
}

impl fmt::Debug for AuthEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthEntry")
            .field("fields", &self.field_names())
            .finish()
    }
}

/// A redacted summary: `user:***`, `no credentials`, `auth without ':'`, `undecodable auth`, plus
/// ` +identitytoken` when an identity token is present.
impl fmt::Display for AuthEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.decode() {
            Ok(Decoded::Credentials(c)) => write!(f, "{c}"),
            Ok(Decoded::Empty) => f.write_str("no credentials"),
            Ok(Decoded::MissingColon) => f.write_str("auth without ':'"),
            Err(_) => f.write_str("undecodable auth"),
        }?;
        if !matches!(self.decode(), Ok(Decoded::Credentials(_))) && self.identity_token().is_some()
        {
            f.write_str(" +identitytoken")?;
        }
        Ok(())
    }
}
