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
use crate::members::Object;
use crate::model::{
    Base64Data, Extra, Fulcio, KeyType, OrderedMap, Pki, Policy, Requirement, SignedIdentity,
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
        read_object(strict_object(&value, &Path::Root)?, &Path::Root)
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

/// The value of a typed member, read from its JSON as containers/image reads it into its Go type; refused when the
/// model cannot hold it (`null`, the wrong JSON type).
pub(crate) trait Decode: Sized {
    /// Reads `value`, found at `path`.
    fn decode(value: &Value, path: &Path<'_>) -> Result<Self, Error>;
}

/// A member whose JSON is a string, made into the value by `make`; `go_type` names it in the wrong-type message.
fn from_string<T>(
    value: &Value,
    go_type: &'static str,
    path: &Path<'_>,
    make: impl FnOnce(&str) -> T,
) -> Result<T, Error> {
    value
        .as_str()
        .map(make)
        .ok_or_else(|| wrong_type(value, go_type, path))
}

impl Decode for String {
    fn decode(value: &Value, path: &Path<'_>) -> Result<String, Error> {
        from_string(value, "string", path, str::to_owned)
    }
}

/// The base64 text, decoded only when checked.
impl Decode for Base64Data {
    fn decode(value: &Value, path: &Path<'_>) -> Result<Base64Data, Error> {
        from_string(value, "[]uint8", path, |text| Base64Data::from_text(text))
    }
}

/// Any string ([`Policy::validate`] refuses the unknown ones).
impl Decode for KeyType {
    fn decode(value: &Value, path: &Path<'_>) -> Result<KeyType, Error> {
        from_string(value, "string", path, KeyType::from_value)
    }
}

/// A value that stands in a JSON array member, and the Go type containers/image reads the array into (named by
/// the message for an array of the wrong JSON type).
pub(crate) trait ListItem: Decode {
    /// The Go type of the array.
    const GO_LIST_TYPE: &'static str;
}

impl ListItem for String {
    const GO_LIST_TYPE: &'static str = "[]string";
}

impl ListItem for Base64Data {
    const GO_LIST_TYPE: &'static str = "[][]uint8";
}

impl ListItem for Requirement {
    const GO_LIST_TYPE: &'static str = "[]json.RawMessage";
}

impl<V: ListItem> Decode for Vec<V> {
    fn decode(value: &Value, path: &Path<'_>) -> Result<Vec<V>, Error> {
        let items = value
            .as_array()
            .ok_or_else(|| wrong_type(value, V::GO_LIST_TYPE, path))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| V::decode(item, &path.index(i)))
            .collect()
    }
}

/// `transports` and each transport's scopes: objects whose member names are data.
impl<V: Decode> Decode for OrderedMap<V> {
    fn decode(value: &Value, path: &Path<'_>) -> Result<OrderedMap<V>, Error> {
        strict_object(value, path)?
            .iter()
            .map(|(name, value)| Ok((name.clone(), V::decode(value, &path.member(name))?)))
            .collect()
    }
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

/// An object typed as the struct `T`, its members read by `T`'s table.
fn read_object<T: Object>(object: &Map<String, Value>, path: &Path<'_>) -> Result<T, Error> {
    let mut read = T::default();
    *read.extra_mut() = members(object, path, |name, value, at| {
        match T::MEMBERS.iter().find(|member| member.name == name) {
            Some(member) => (member.decode)(&mut read, value, at).map(|()| true),
            None => Ok(false),
        }
    })?;
    Ok(read)
}

/// Objects read by containers/image's strict reader.
impl Decode for Fulcio {
    fn decode(value: &Value, path: &Path<'_>) -> Result<Fulcio, Error> {
        read_object(strict_object(value, path)?, path)
    }
}

/// Read as [`Fulcio`] is.
impl Decode for Pki {
    fn decode(value: &Value, path: &Path<'_>) -> Result<Pki, Error> {
        read_object(strict_object(value, path)?, path)
    }
}

/// An object that has, besides `type`, only the string members `names` (an identity; with none, a requirement or
/// identity that has only its `type`): their values in `names`' order, and the other members.
fn string_members<const N: usize>(
    object: &Map<String, Value>,
    path: &Path<'_>,
    names: [&'static str; N],
) -> Result<([Option<String>; N], Extra), Error> {
    let mut values = [const { None }; N];
    let extra = members(object, path, |name, value, at| {
        if name == "type" {
            return Ok(true);
        }
        match names.iter().position(|n| *n == name) {
            Some(i) => values[i] = Some(String::decode(value, at)?),
            None => return Ok(false),
        }
        Ok(true)
    })?;
    Ok((values, extra))
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

/// The unknown members of an object whose only typed member is `type`.
fn only_type(object: &Map<String, Value>, path: &Path<'_>) -> Result<Extra, Error> {
    string_members(object, path, []).map(|([], extra)| extra)
}

impl Decode for Requirement {
    fn decode(value: &Value, path: &Path<'_>) -> Result<Requirement, Error> {
        let object = value
            .as_object()
            .ok_or_else(|| wrong_type(value, "signature.prCommon", path))?;
        let kind = type_of(object, path, "prCommon.type", "signature.prTypeIdentifier")?;
        Ok(match kind {
            Some("insecureAcceptAnything") => {
                Requirement::InsecureAcceptAnything(only_type(object, path)?)
            }
            Some("reject") => Requirement::Reject(only_type(object, path)?),
            Some("signedBy") => Requirement::SignedBy(read_object(object, path)?),
            Some("signedBaseLayer") => Requirement::SignedBaseLayer(read_object(object, path)?),
            Some("sigstoreSigned") => {
                Requirement::SigstoreSigned(Box::new(read_object(object, path)?))
            }
            _ => Requirement::Unknown(object.clone()),
        })
    }
}

impl Decode for SignedIdentity {
    fn decode(value: &Value, path: &Path<'_>) -> Result<SignedIdentity, Error> {
        let object = value
            .as_object()
            .ok_or_else(|| wrong_type(value, "signature.prmCommon", path))?;
        let kind = type_of(
            object,
            path,
            "prmCommon.type",
            "signature.prmTypeIdentifier",
        )?;
        Ok(match kind {
            Some("matchExact") => SignedIdentity::MatchExact(only_type(object, path)?),
            Some("matchRepoDigestOrExact") => {
                SignedIdentity::MatchRepoDigestOrExact(only_type(object, path)?)
            }
            Some("matchRepository") => SignedIdentity::MatchRepository(only_type(object, path)?),
            Some("exactReference") => {
                let ([docker_reference], extra) =
                    string_members(object, path, ["dockerReference"])?;
                SignedIdentity::ExactReference {
                    docker_reference,
                    extra,
                }
            }
            Some("exactRepository") => {
                let ([docker_repository], extra) =
                    string_members(object, path, ["dockerRepository"])?;
                SignedIdentity::ExactRepository {
                    docker_repository,
                    extra,
                }
            }
            Some("remapIdentity") => {
                let ([prefix, signed_prefix], extra) =
                    string_members(object, path, ["prefix", "signedPrefix"])?;
                SignedIdentity::RemapIdentity {
                    prefix,
                    signed_prefix,
                    extra,
                }
            }
            _ => SignedIdentity::Unknown(object.clone()),
        })
    }
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
