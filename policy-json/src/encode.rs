//! Writing policy.json: the model as a JSON tree (members in their recorded order, unknown ones where they
//! stood), printed as Go's `json.MarshalIndent(v, "", "  ")` prints it.

use serde_json::{Map, Value};

use crate::model::{
    Base64Data, Extra, FULCIO_MEMBERS, Fulcio, PKI_MEMBERS, POLICY_MEMBERS, Pki, Policy,
    Requirement, SIGNED_BY_MEMBERS, SIGSTORE_SIGNED_MEMBERS, Scopes, SignedBy, SignedIdentity,
    SigstoreSigned, Slot,
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
        object(&self.extra, &POLICY_MEMBERS, |name| match name {
            "default" => self.default.as_deref().map(requirements),
            _ => self.transports.as_ref().map(|transports| {
                Value::Object(
                    transports
                        .iter()
                        .map(|(name, scopes)| (name.to_owned(), scopes_value(scopes)))
                        .collect(),
                )
            }),
        })
    }
}

/// The object of `extra`'s layout: a typed member's value from `value_of` (`None`: absent), the unknown ones
/// where they stood.
fn object(
    extra: &Extra,
    known: &[&'static str],
    value_of: impl Fn(&str) -> Option<Value>,
) -> Value {
    let mut object = Map::new();
    let values: Vec<Option<Value>> = known.iter().map(|k| value_of(k)).collect();
    let present = |name: &str| {
        known
            .iter()
            .position(|k| *k == name)
            .is_some_and(|i| values[i].is_some())
    };
    for slot in extra.layout(known, present) {
        match slot {
            Slot::Known(name) => {
                let i = known.iter().position(|k| *k == name).unwrap_or_default();
                if let Some(value) = &values[i] {
                    object.insert(name.to_owned(), value.clone());
                }
            }
            Slot::Unknown(name, value) => {
                object.insert(name.to_owned(), value.clone());
            }
        }
    }
    Value::Object(object)
}

fn scopes_value(scopes: &Scopes) -> Value {
    Value::Object(
        scopes
            .iter()
            .map(|(scope, list)| (scope.to_owned(), requirements(list)))
            .collect(),
    )
}

fn requirements(list: &[Requirement]) -> Value {
    Value::Array(list.iter().map(requirement).collect())
}

fn text(s: &Option<String>) -> Option<Value> {
    s.as_ref().map(|s| Value::String(s.clone()))
}

fn texts(list: &Option<Vec<String>>) -> Option<Value> {
    list.as_ref()
        .map(|l| Value::Array(l.iter().cloned().map(Value::String).collect()))
}

fn data(d: &Option<Base64Data>) -> Option<Value> {
    d.as_ref().map(|d| Value::String(d.as_text().to_owned()))
}

fn data_list(list: &Option<Vec<Base64Data>>) -> Option<Value> {
    list.as_ref().map(|l| {
        Value::Array(
            l.iter()
                .map(|d| Value::String(d.as_text().to_owned()))
                .collect(),
        )
    })
}

/// [`object`] of an object with a `type` member.
fn typed(
    type_name: &str,
    extra: &Extra,
    known: &[&'static str],
    value_of: impl Fn(&str) -> Option<Value>,
) -> Value {
    object(extra, known, |name| {
        if name == "type" {
            Some(Value::String(type_name.to_owned()))
        } else {
            value_of(name)
        }
    })
}

fn requirement(r: &Requirement) -> Value {
    match r {
        Requirement::InsecureAcceptAnything(extra) | Requirement::Reject(extra) => {
            typed(r.type_name(), extra, &["type"], |_| None)
        }
        Requirement::SignedBy(s) => signed_by(s),
        Requirement::SignedBaseLayer(s) => typed(
            r.type_name(),
            &s.extra,
            &["type", "baseLayerIdentity"],
            |_| s.base_layer_identity.as_ref().map(identity),
        ),
        Requirement::SigstoreSigned(s) => sigstore_signed(s),
        Requirement::Unknown(members) => Value::Object(members.clone()),
    }
}

/// A `signedBy` requirement as written (the validator reads which members it has from it too).
pub(crate) fn signed_by(s: &SignedBy) -> Value {
    typed(
        "signedBy",
        &s.extra,
        &SIGNED_BY_MEMBERS,
        |name| match name {
            "keyType" => s
                .key_type
                .as_ref()
                .map(|k| Value::String(k.as_str().to_owned())),
            "keyPath" => text(&s.key_path),
            "keyPaths" => texts(&s.key_paths),
            "keyData" => data(&s.key_data),
            _ => s.signed_identity.as_ref().map(identity),
        },
    )
}

/// A `sigstoreSigned` requirement as written.
pub(crate) fn sigstore_signed(s: &SigstoreSigned) -> Value {
    typed(
        "sigstoreSigned",
        &s.extra,
        &SIGSTORE_SIGNED_MEMBERS,
        |name| match name {
            "keyPath" => text(&s.key_path),
            "keyPaths" => texts(&s.key_paths),
            "keyData" => data(&s.key_data),
            "keyDatas" => data_list(&s.key_datas),
            "fulcio" => s.fulcio.as_ref().map(fulcio),
            "rekorPublicKeyPath" => text(&s.rekor_public_key_path),
            "rekorPublicKeyPaths" => texts(&s.rekor_public_key_paths),
            "rekorPublicKeyData" => data(&s.rekor_public_key_data),
            "rekorPublicKeyDatas" => data_list(&s.rekor_public_key_datas),
            "pki" => s.pki.as_ref().map(pki),
            _ => s.signed_identity.as_ref().map(identity),
        },
    )
}

/// A `fulcio` object as written.
pub(crate) fn fulcio(f: &Fulcio) -> Value {
    object(&f.extra, &FULCIO_MEMBERS, |name| match name {
        "caPath" => text(&f.ca_path),
        "caData" => data(&f.ca_data),
        "oidcIssuer" => text(&f.oidc_issuer),
        _ => text(&f.subject_email),
    })
}

/// A `pki` object as written.
pub(crate) fn pki(p: &Pki) -> Value {
    object(&p.extra, &PKI_MEMBERS, |name| match name {
        "caRootsPath" => text(&p.ca_roots_path),
        "caRootsData" => data(&p.ca_roots_data),
        "caIntermediatesPath" => text(&p.ca_intermediates_path),
        "caIntermediatesData" => data(&p.ca_intermediates_data),
        "subjectEmail" => text(&p.subject_email),
        _ => text(&p.subject_hostname),
    })
}

/// A signed identity as written.
pub(crate) fn identity(i: &SignedIdentity) -> Value {
    match i {
        SignedIdentity::MatchExact(extra)
        | SignedIdentity::MatchRepoDigestOrExact(extra)
        | SignedIdentity::MatchRepository(extra) => {
            typed(i.type_name(), extra, &["type"], |_| None)
        }
        SignedIdentity::ExactReference {
            docker_reference,
            extra,
        } => typed(i.type_name(), extra, &["type", "dockerReference"], |_| {
            text(docker_reference)
        }),
        SignedIdentity::ExactRepository {
            docker_repository,
            extra,
        } => typed(i.type_name(), extra, &["type", "dockerRepository"], |_| {
            text(docker_repository)
        }),
        SignedIdentity::RemapIdentity {
            prefix,
            signed_prefix,
            extra,
        } => typed(
            i.type_name(),
            extra,
            &["type", "prefix", "signedPrefix"],
            |name| match name {
                "prefix" => text(prefix),
                _ => text(signed_prefix),
            },
        ),
        SignedIdentity::Unknown(members) => Value::Object(members.clone()),
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
