//! Reading policy.json: the text into a JSON tree (serde_json, refusing duplicate keys as containers/image does),
//! then the tree into the typed model, keeping unknown members and the order of all.
//!
//! Only what cannot be represented is refused here: bad JSON, duplicate keys, `null` or a value of the wrong JSON
//! type in a member this crate types. Every rule of containers/image is [`Policy::validate`]'s.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Path};
use crate::model::{
    Base64Data, Extra, Fulcio, KeyType, OrderedMap, Pki, Policy, Requirement, Scopes,
    SignedBaseLayer, SignedBy, SignedIdentity, SigstoreSigned, Transports,
};

/// The largest policy.json [`Policy::parse`] reads.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

impl Policy {
    /// Reads a policy.json, keeping every member (known or not) in its order.
    ///
    /// Refused here: text that is not JSON (with line and column), a duplicate key, and `null` or a value of
    /// the wrong JSON type in a member this crate types. Everything else containers/image checks is
    /// [`Policy::validate`]'s.
    pub fn parse(bytes: &[u8]) -> Result<Policy, Error> {
        if bytes.len() > MAX_INPUT_BYTES {
            return Err(Error::new(ErrorKind::TooLarge { size: bytes.len() }));
        }
        let value = read_json(bytes)?;
        policy(&value, &Path::Root)
    }
}

/// The JSON text as a tree, member order kept; a key given twice in one object is an error.
fn read_json(bytes: &[u8]) -> Result<Value, Error> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue {
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        let kind = match duplicate.take() {
            Some(key) => ErrorKind::DuplicateKey { key },
            None => ErrorKind::Syntax {
                message: bare_message(&e),
            },
        };
        Error::new(kind).with_position(e.line(), e.column())
    })
}

/// serde_json's message without its ` at line L column C` suffix (the position is stored apart).
fn bare_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// A `serde_json::Value` that refuses duplicate keys; the key found twice is left in `duplicate`.
#[derive(Clone, Copy)]
struct StrictValue<'d> {
    duplicate: &'d RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(key);
                return Err(de::Error::custom("duplicate key"));
            }
            let value = map.next_value_seed(self)?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// The JSON type name Go's decoder uses in its messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn wrong_type(value: &Value, go_type: &'static str, path: &Path<'_>) -> Error {
    if value.is_null() {
        return Error::at(ErrorKind::Null, path);
    }
    Error::at(
        ErrorKind::WrongType {
            found: json_kind(value),
            go_type,
            go_field: None,
        },
        path,
    )
}

/// An object read by containers/image's strict reader (`ParanoidUnmarshalJSONObject`), whose message for
/// anything else names the decoder's first token as Go's `%#v` prints it.
fn strict_object<'v>(value: &'v Value, path: &Path<'_>) -> Result<&'v Map<String, Value>, Error> {
    match value {
        Value::Object(members) => Ok(members),
        Value::Null => Err(Error::at(ErrorKind::Null, path)),
        other => {
            let found = match other {
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => go_float(n),
                Value::String(s) => go_compat::quote(s),
                _ => "json.Delim(91)".to_owned(), // '['
            };
            Err(Error::at(ErrorKind::NotAnObject { found }, path))
        }
    }
}

/// A JSON number as Go's `%#v` prints the `float64` its decoder makes of it (`%g` with the shortest digits:
/// an exponent below -4, or from 6 on unless every digit is before the point).
fn go_float(n: &serde_json::Number) -> String {
    let f = n.as_f64().unwrap_or_default();
    if f == 0.0 {
        return "0".to_owned();
    }
    let scientific = format!("{:e}", f.abs());
    let (mantissa, exp) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let (nd, dp) = (digits.len() as i32, exp + 1);
    let mut eprec = 6;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let sign = if f < 0.0 { "-" } else { "" };
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{point}{rest}e{exp_sign}{:02}", exp.abs())
    } else {
        f.to_string()
    }
}

fn string(value: &Value, path: &Path<'_>) -> Result<String, Error> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| wrong_type(value, "string", path))
}

fn strings(value: &Value, path: &Path<'_>) -> Result<Vec<String>, Error> {
    let items = value
        .as_array()
        .ok_or_else(|| wrong_type(value, "[]string", path))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| string(item, &path.index(i)))
        .collect()
}

fn bytes(value: &Value, path: &Path<'_>) -> Result<Base64Data, Error> {
    value
        .as_str()
        .map(Base64Data::from_text)
        .ok_or_else(|| wrong_type(value, "[]uint8", path))
}

fn bytes_list(value: &Value, path: &Path<'_>) -> Result<Vec<Base64Data>, Error> {
    let items = value
        .as_array()
        .ok_or_else(|| wrong_type(value, "[][]uint8", path))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| bytes(item, &path.index(i)))
        .collect()
}

/// Walks an object's members: `known` decodes a member this crate types (returning `false` when the name is not
/// one); the others are kept in [`Extra`].
fn members(
    object: &Map<String, Value>,
    path: &Path<'_>,
    mut known: impl FnMut(&str, &Value, &Path<'_>) -> Result<bool, Error>,
) -> Result<Extra, Error> {
    let mut extra = Extra::default();
    for (name, value) in object {
        if known(name, value, &path.member(name))? {
            extra.push_known(name);
        } else {
            extra.push_unknown(name.clone(), value.clone());
        }
    }
    Ok(extra)
}

fn policy(value: &Value, path: &Path<'_>) -> Result<Policy, Error> {
    let object = strict_object(value, path)?;
    let mut policy = Policy::default();
    policy.extra = members(object, path, |name, value, at| {
        match name {
            "default" => policy.default = Some(requirements(value, at)?),
            "transports" => policy.transports = Some(transports(value, at)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(policy)
}

fn transports(value: &Value, path: &Path<'_>) -> Result<Transports, Error> {
    let object = strict_object(value, path)?;
    let mut out = OrderedMap::new();
    for (transport, scopes) in object {
        let at = path.member(transport);
        let scopes_object = strict_object(scopes, &at)?;
        let mut parsed: Scopes = OrderedMap::new();
        for (scope, list) in scopes_object {
            parsed.insert(scope.clone(), requirements(list, &at.member(scope))?);
        }
        out.insert(transport.clone(), parsed);
    }
    Ok(out)
}

fn requirements(value: &Value, path: &Path<'_>) -> Result<Vec<Requirement>, Error> {
    let items = value
        .as_array()
        .ok_or_else(|| wrong_type(value, "[]json.RawMessage", path))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| requirement(item, &path.index(i)))
        .collect()
}

/// The `type` of a requirement or identity, read as containers/image reads it into `prCommon` / `prmCommon`.
fn type_of<'v>(
    object: &'v Map<String, Value>,
    path: &Path<'_>,
    go_field: &'static str,
    go_type: &'static str,
) -> Result<Option<&'v str>, Error> {
    match object.get("type") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(if other.is_null() {
            Error::at(ErrorKind::Null, &path.member("type"))
        } else {
            Error::at(
                ErrorKind::WrongType {
                    found: json_kind(other),
                    go_type,
                    go_field: Some(go_field),
                },
                path,
            )
        }),
    }
}

fn requirement(value: &Value, path: &Path<'_>) -> Result<Requirement, Error> {
    let object = value
        .as_object()
        .ok_or_else(|| wrong_type(value, "signature.prCommon", path))?;
    let kind = type_of(object, path, "prCommon.type", "signature.prTypeIdentifier")?;
    let only_type = |name: &str, _: &Value, _: &Path<'_>| Ok(name == "type");
    Ok(match kind {
        Some("insecureAcceptAnything") => {
            Requirement::InsecureAcceptAnything(members(object, path, only_type)?)
        }
        Some("reject") => Requirement::Reject(members(object, path, only_type)?),
        Some("signedBy") => {
            let mut r = SignedBy::default();
            r.extra = members(object, path, |name, value, at| {
                match name {
                    "type" => {}
                    "keyType" => r.key_type = Some(KeyType::from_value(&string(value, at)?)),
                    "keyPath" => r.key_path = Some(string(value, at)?),
                    "keyPaths" => r.key_paths = Some(strings(value, at)?),
                    "keyData" => r.key_data = Some(bytes(value, at)?),
                    "signedIdentity" => r.signed_identity = Some(identity(value, at)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            Requirement::SignedBy(r)
        }
        Some("signedBaseLayer") => {
            let mut r = SignedBaseLayer::default();
            r.extra = members(object, path, |name, value, at| {
                match name {
                    "type" => {}
                    "baseLayerIdentity" => r.base_layer_identity = Some(identity(value, at)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            Requirement::SignedBaseLayer(r)
        }
        Some("sigstoreSigned") => {
            let mut r = SigstoreSigned::default();
            r.extra = members(object, path, |name, value, at| {
                match name {
                    "type" => {}
                    "keyPath" => r.key_path = Some(string(value, at)?),
                    "keyPaths" => r.key_paths = Some(strings(value, at)?),
                    "keyData" => r.key_data = Some(bytes(value, at)?),
                    "keyDatas" => r.key_datas = Some(bytes_list(value, at)?),
                    "fulcio" => r.fulcio = Some(fulcio(value, at)?),
                    "rekorPublicKeyPath" => r.rekor_public_key_path = Some(string(value, at)?),
                    "rekorPublicKeyPaths" => r.rekor_public_key_paths = Some(strings(value, at)?),
                    "rekorPublicKeyData" => r.rekor_public_key_data = Some(bytes(value, at)?),
                    "rekorPublicKeyDatas" => {
                        r.rekor_public_key_datas = Some(bytes_list(value, at)?)
                    }
                    "pki" => r.pki = Some(pki(value, at)?),
                    "signedIdentity" => r.signed_identity = Some(identity(value, at)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            Requirement::SigstoreSigned(Box::new(r))
        }
        _ => Requirement::Unknown(object.clone()),
    })
}

fn fulcio(value: &Value, path: &Path<'_>) -> Result<Fulcio, Error> {
    let object = strict_object(value, path)?;
    let mut f = Fulcio::default();
    f.extra = members(object, path, |name, value, at| {
        match name {
            "caPath" => f.ca_path = Some(string(value, at)?),
            "caData" => f.ca_data = Some(bytes(value, at)?),
            "oidcIssuer" => f.oidc_issuer = Some(string(value, at)?),
            "subjectEmail" => f.subject_email = Some(string(value, at)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(f)
}

fn pki(value: &Value, path: &Path<'_>) -> Result<Pki, Error> {
    let object = strict_object(value, path)?;
    let mut p = Pki::default();
    p.extra = members(object, path, |name, value, at| {
        match name {
            "caRootsPath" => p.ca_roots_path = Some(string(value, at)?),
            "caRootsData" => p.ca_roots_data = Some(bytes(value, at)?),
            "caIntermediatesPath" => p.ca_intermediates_path = Some(string(value, at)?),
            "caIntermediatesData" => p.ca_intermediates_data = Some(bytes(value, at)?),
            "subjectEmail" => p.subject_email = Some(string(value, at)?),
            "subjectHostname" => p.subject_hostname = Some(string(value, at)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(p)
}

fn identity(value: &Value, path: &Path<'_>) -> Result<SignedIdentity, Error> {
    let object = value
        .as_object()
        .ok_or_else(|| wrong_type(value, "signature.prmCommon", path))?;
    let kind = type_of(
        object,
        path,
        "prmCommon.type",
        "signature.prmTypeIdentifier",
    )?;
    let only_type = |name: &str, _: &Value, _: &Path<'_>| Ok(name == "type");
    Ok(match kind {
        Some("matchExact") => SignedIdentity::MatchExact(members(object, path, only_type)?),
        Some("matchRepoDigestOrExact") => {
            SignedIdentity::MatchRepoDigestOrExact(members(object, path, only_type)?)
        }
        Some("matchRepository") => {
            SignedIdentity::MatchRepository(members(object, path, only_type)?)
        }
        Some("exactReference") => {
            let mut docker_reference = None;
            let extra = members(object, path, |name, value, at| {
                match name {
                    "type" => {}
                    "dockerReference" => docker_reference = Some(string(value, at)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            SignedIdentity::ExactReference {
                docker_reference,
                extra,
            }
        }
        Some("exactRepository") => {
            let mut docker_repository = None;
            let extra = members(object, path, |name, value, at| {
                match name {
                    "type" => {}
                    "dockerRepository" => docker_repository = Some(string(value, at)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            SignedIdentity::ExactRepository {
                docker_repository,
                extra,
            }
        }
        Some("remapIdentity") => {
            let (mut prefix, mut signed_prefix) = (None, None);
            let extra = members(object, path, |name, value, at| {
                match name {
                    "type" => {}
                    "prefix" => prefix = Some(string(value, at)?),
                    "signedPrefix" => signed_prefix = Some(string(value, at)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            SignedIdentity::RemapIdentity {
                prefix,
                signed_prefix,
                extra,
            }
        }
        _ => SignedIdentity::Unknown(object.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_prints_floats_like_this() {
        let n = |s: &str| serde_json::from_str::<serde_json::Number>(s).unwrap();
        assert_eq!(go_float(&n("1")), "1");
        assert_eq!(go_float(&n("1.5")), "1.5");
        assert_eq!(go_float(&n("1e21")), "1e+21");
        assert_eq!(go_float(&n("0.00001")), "1e-05");
        assert_eq!(go_float(&n("1000000")), "1e+06");
        assert_eq!(go_float(&n("123456")), "123456");
        assert_eq!(go_float(&n("1234567")), "1.234567e+06");
        assert_eq!(go_float(&n("-0.5")), "-0.5");
    }
}
