//! Writing policy.json: the model as a JSON tree (members in their recorded order, unknown ones where they
//! stood), printed as Go's `json.MarshalIndent(v, "", "  ")` prints it.

use serde_json::{Map, Value};

use crate::members::Object;
use crate::model::{
    Base64Data, Extra, Fulcio, KeyType, OrderedMap, Pki, Policy, Requirement, SignedIdentity, Slot,
};

impl Policy {
    /// The document as JSON text in Go's `json.MarshalIndent(v, "", "  ")` layout (two-space indent, `"key":
    /// value`, `<`, `>` and `&` escaped, no trailing newline), members in the order read (typed members missing
    /// from the file, and every member of an object built in code, in containers/image's order).
    ///
    /// Reading the text back gives an equal `Policy`, and writing that gives the same bytes.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, &self.to_value(), 0);
        out
    }

    /// The document as a JSON tree (the same members, in the same order, as [`Policy::to_json`]).
    pub fn to_value(&self) -> Value {
        write_object(self)
    }
}

/// The object of `extra`'s layout: each typed member of `members` that has a value (taken from there), the
/// unknown ones where they stood.
fn object(extra: &Extra, members: &mut [(&'static str, Option<Value>)]) -> Value {
    let mut object = Map::new();
    for slot in extra.layout(members, |(name, _)| name, |(_, value)| value.is_some()) {
        match slot {
            Slot::Known(i, name) => {
                if let Some(value) = members[i].1.take() {
                    object.insert(name.to_owned(), value);
                }
            }
            Slot::Unknown(name, value) => {
                object.insert(name.to_owned(), value.clone());
            }
        }
    }
    Value::Object(object)
}

/// [`object`] of a struct, its members from its table.
fn write_object<T: Object>(o: &T) -> Value {
    let mut members: Vec<(&'static str, Option<Value>)> = T::MEMBERS
        .iter()
        .map(|member| (member.name, (member.encode)(o)))
        .collect();
    object(o.extra(), &mut members)
}

/// The value of a typed member, as written.
pub(crate) trait Encode {
    /// The JSON of the value.
    fn encode(&self) -> Value;
}

impl Encode for String {
    fn encode(&self) -> Value {
        Value::String(self.clone())
    }
}

/// The base64 text as it was read (or made by [`Base64Data::encode`]).
impl Encode for Base64Data {
    fn encode(&self) -> Value {
        Value::String(self.as_text().to_owned())
    }
}

impl Encode for KeyType {
    fn encode(&self) -> Value {
        Value::String(self.as_str().to_owned())
    }
}

impl<V: Encode> Encode for Vec<V> {
    fn encode(&self) -> Value {
        Value::Array(self.iter().map(Encode::encode).collect())
    }
}

/// `transports` and each transport's scopes, in their order.
impl<V: Encode> Encode for OrderedMap<V> {
    fn encode(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(name, value)| (name.to_owned(), value.encode()))
                .collect(),
        )
    }
}

impl Encode for Fulcio {
    fn encode(&self) -> Value {
        write_object(self)
    }
}

impl Encode for Pki {
    fn encode(&self) -> Value {
        write_object(self)
    }
}

/// An object whose typed members besides `type` are the strings `members` (an identity, or with none an object
/// that has only its `type`).
fn string_object<const N: usize>(
    type_name: &str,
    extra: &Extra,
    members: [(&'static str, &Option<String>); N],
) -> Value {
    let mut all: Vec<(&'static str, Option<Value>)> =
        vec![("type", Some(Value::String(type_name.to_owned())))];
    all.extend(
        members
            .iter()
            .map(|(name, value)| (*name, value.as_ref().map(Encode::encode))),
    );
    object(extra, &mut all)
}

impl Encode for Requirement {
    fn encode(&self) -> Value {
        match self {
            Requirement::InsecureAcceptAnything(extra) | Requirement::Reject(extra) => {
                string_object(self.type_name(), extra, [])
            }
            Requirement::SignedBy(s) => write_object(s),
            Requirement::SignedBaseLayer(s) => write_object(s),
            Requirement::SigstoreSigned(s) => write_object(s.as_ref()),
            Requirement::Unknown(members) => Value::Object(members.clone()),
        }
    }
}

impl Encode for SignedIdentity {
    fn encode(&self) -> Value {
        let type_name = self.type_name();
        match self {
            SignedIdentity::MatchExact(extra)
            | SignedIdentity::MatchRepoDigestOrExact(extra)
            | SignedIdentity::MatchRepository(extra) => string_object(type_name, extra, []),
            SignedIdentity::ExactReference {
                docker_reference,
                extra,
            } => string_object(type_name, extra, [("dockerReference", docker_reference)]),
            SignedIdentity::ExactRepository {
                docker_repository,
                extra,
            } => string_object(type_name, extra, [("dockerRepository", docker_repository)]),
            SignedIdentity::RemapIdentity {
                prefix,
                signed_prefix,
                extra,
            } => string_object(
                type_name,
                extra,
                [("prefix", prefix), ("signedPrefix", signed_prefix)],
            ),
            SignedIdentity::Unknown(members) => Value::Object(members.clone()),
        }
    }
}

/// `value` as `json.MarshalIndent(value, "", "  ")` writes it at nesting `level`.
fn write_value(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => go_compat::write_json_string(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, level + 1);
                write_value(out, item, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        }
        Value::Object(members) if members.is_empty() => out.push_str("{}"),
        Value::Object(members) => {
            out.push('{');
            for (i, (name, member)) in members.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, level + 1);
                go_compat::write_json_string(out, name);
                out.push_str(": ");
                write_value(out, member, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push('}');
        }
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}
