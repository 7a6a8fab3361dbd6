//! Which typed members each policy object has, said once: a table per object of each member's name and the field
//! that holds it, in containers/image's (Go struct) order, the order objects built in code are written in.
//!
//! Reading ([`crate::decode`]), writing ([`crate::encode`]) and checking ([`crate::validate`]) walk these tables;
//! the type of a member's field says how its value is read ([`Decode`]), written ([`Encode`]) and checked while
//! containers/image reads it ([`Check`]).

use serde_json::Value;

use crate::decode::Decode;
use crate::encode::Encode;
use crate::error::{Error, Path};
use crate::model::{Extra, Fulcio, Pki, Policy, SignedBaseLayer, SignedBy, SigstoreSigned};
use crate::validate::Check;

/// A JSON object this crate types as a struct: its typed members, and the [`Extra`] that keeps the rest.
pub(crate) trait Object: Default + 'static {
    /// The typed members, in containers/image's order.
    const MEMBERS: &'static [Member<Self>];

    /// The unknown members, and the order of all.
    fn extra(&self) -> &Extra;

    /// [`Object::extra`], to fill it while reading.
    fn extra_mut(&mut self) -> &mut Extra;
}

/// One typed member of `T`: its name in the file, and what reading, writing and checking do with its field.
pub(crate) struct Member<T> {
    /// The name in the file.
    pub(crate) name: &'static str,
    /// Whether `T` has the member (it is written, and checked, only then).
    pub(crate) present: fn(&T) -> bool,
    /// Reads the member's value into its field.
    pub(crate) decode: fn(&mut T, &Value, &Path<'_>) -> Result<(), Error>,
    /// The member's value as written (`None`: absent).
    pub(crate) encode: fn(&T) -> Option<Value>,
    /// The checks containers/image makes on the value while reading the member.
    pub(crate) check: fn(&T, &Path<'_>) -> Result<(), Error>,
}

/// `impl Object` from the table of a struct's members: `type` (when the object has one) with its fixed value,
/// then `"name" => field` for each member held in an `Option` field.
macro_rules! object {
    ($object:ty { $(type = $type_name:literal,)? $($name:literal => $field:ident,)* }) => {
        impl Object for $object {
            const MEMBERS: &'static [Member<Self>] = &[
                $(Member {
                    name: "type",
                    present: |_| true,
                    // Read before the members, to choose the struct.
                    decode: |_, _, _| Ok(()),
                    encode: |_| Some(Value::String($type_name.to_owned())),
                    check: |_, _| Ok(()),
                },)?
                $(Member {
                    name: $name,
                    present: |o| o.$field.is_some(),
                    decode: |o, value, path| {
                        o.$field = Some(Decode::decode(value, path)?);
                        Ok(())
                    },
                    encode: |o| o.$field.as_ref().map(Encode::encode),
                    check: |o, path| o.$field.as_ref().map_or(Ok(()), |v| Check::check(v, path)),
                },)*
            ];

            fn extra(&self) -> &Extra {
                &self.extra
            }

            fn extra_mut(&mut self) -> &mut Extra {
                &mut self.extra
            }
        }
    };
}

object!(Policy {
    "default" => default,
    "transports" => transports,
});

object!(SignedBy {
    type = "signedBy",
    "keyType" => key_type,
    "keyPath" => key_path,
    "keyPaths" => key_paths,
    "keyData" => key_data,
    "signedIdentity" => signed_identity,
});

object!(SignedBaseLayer {
    type = "signedBaseLayer",
    "baseLayerIdentity" => base_layer_identity,
});

object!(SigstoreSigned {
    type = "sigstoreSigned",
    "keyPath" => key_path,
    "keyPaths" => key_paths,
    "keyData" => key_data,
    "keyDatas" => key_datas,
    "fulcio" => fulcio,
    "rekorPublicKeyPath" => rekor_public_key_path,
    "rekorPublicKeyPaths" => rekor_public_key_paths,
    "rekorPublicKeyData" => rekor_public_key_data,
    "rekorPublicKeyDatas" => rekor_public_key_datas,
    "pki" => pki,
    "signedIdentity" => signed_identity,
});

object!(Fulcio {
    "caPath" => ca_path,
    "caData" => ca_data,
    "oidcIssuer" => oidc_issuer,
    "subjectEmail" => subject_email,
});

object!(Pki {
    "caRootsPath" => ca_roots_path,
    "caRootsData" => ca_roots_data,
    "caIntermediatesPath" => ca_intermediates_path,
    "caIntermediatesData" => ca_intermediates_data,
    "subjectEmail" => subject_email,
    "subjectHostname" => subject_hostname,
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of `T`'s table; a name listed twice would be read into the first field only.
    fn names<T: Object>() -> Vec<&'static str> {
        let names: Vec<_> = T::MEMBERS.iter().map(|member| member.name).collect();
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} listed twice");
        }
        names
    }

    #[test]
    fn each_table_names_its_members_once_in_go_order() {
        assert_eq!(names::<Policy>(), ["default", "transports"]);
        assert_eq!(
            names::<SignedBy>(),
            [
                "type",
                "keyType",
                "keyPath",
                "keyPaths",
                "keyData",
                "signedIdentity"
            ]
        );
        assert_eq!(names::<SignedBaseLayer>(), ["type", "baseLayerIdentity"]);
        assert_eq!(names::<SigstoreSigned>().len(), 12);
        assert_eq!(names::<Fulcio>().len(), 4);
        assert_eq!(names::<Pki>().len(), 6);
    }
}
