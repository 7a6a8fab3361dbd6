//! Invariants over generated policies: writing and reading back is the identity, writing what was read gives the
//! same bytes, unknown members survive, and arbitrary text never panics.

use policy_json::{
    Base64Data, Extra, Fulcio, KeyType, OrderedMap, Pki, Policy, Requirement, Scopes, SignedBy,
    SignedIdentity, SigstoreSigned,
};
use proptest::prelude::*;
use serde_json::Value;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z/.:@*-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
        Just("<&>\u{2028}\"\\\n".to_owned()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Unknown members (prefixed `x-`, so they never collide with a typed one).
fn extra() -> impl Strategy<Value = Extra> {
    prop::collection::vec(("x-[a-z]{1,4}", json_value()), 0..3).prop_map(|members| {
        let mut extra = Extra::default();
        for (name, value) in members {
            extra.insert(name, value);
        }
        extra
    })
}

fn base64() -> impl Strategy<Value = Base64Data> {
    prop::collection::vec(any::<u8>(), 0..12).prop_map(Base64Data::encode)
}

fn identity() -> impl Strategy<Value = SignedIdentity> {
    prop_oneof![
        extra().prop_map(SignedIdentity::MatchExact),
        extra().prop_map(SignedIdentity::MatchRepoDigestOrExact),
        extra().prop_map(SignedIdentity::MatchRepository),
        (proptest::option::of(text()), extra()).prop_map(|(docker_reference, extra)| {
            SignedIdentity::ExactReference {
                docker_reference,
                extra,
            }
        }),
        (
            proptest::option::of(text()),
            proptest::option::of(text()),
            extra()
        )
            .prop_map(
                |(prefix, signed_prefix, extra)| SignedIdentity::RemapIdentity {
                    prefix,
                    signed_prefix,
                    extra,
                }
            ),
    ]
}

fn requirement() -> impl Strategy<Value = Requirement> {
    let key_type = prop_oneof![
        Just(KeyType::GpgKeys),
        Just(KeyType::SignedByX509Cas),
        text().prop_map(|t| KeyType::from_value(&t)),
    ];
    let signed_by = (
        proptest::option::of(key_type),
        proptest::option::of(text()),
        proptest::option::of(prop::collection::vec(text(), 0..3)),
        proptest::option::of(base64()),
        proptest::option::of(identity()),
        extra(),
    )
        .prop_map(
            |(key_type, key_path, key_paths, key_data, signed_identity, extra)| {
                Requirement::SignedBy(SignedBy {
                    key_type,
                    key_path,
                    key_paths,
                    key_data,
                    signed_identity,
                    extra,
                })
            },
        );
    let fulcio = (
        proptest::option::of(text()),
        proptest::option::of(base64()),
        proptest::option::of(text()),
        extra(),
    )
        .prop_map(|(ca_path, ca_data, subject_email, extra)| Fulcio {
            ca_path,
            ca_data,
            oidc_issuer: Some("https://oidc".into()),
            subject_email,
            extra,
        });
    let pki = (
        proptest::option::of(text()),
        proptest::option::of(text()),
        extra(),
    )
        .prop_map(|(ca_roots_path, subject_hostname, extra)| Pki {
            ca_roots_path,
            subject_hostname,
            extra,
            ..Pki::default()
        });
    let sigstore = (
        proptest::option::of(text()),
        proptest::option::of(prop::collection::vec(base64(), 0..3)),
        proptest::option::of(fulcio),
        proptest::option::of(pki),
        proptest::option::of(text()),
        proptest::option::of(identity()),
        extra(),
    )
        .prop_map(
            |(key_path, key_datas, fulcio, pki, rekor_public_key_path, signed_identity, extra)| {
                Requirement::SigstoreSigned(Box::new(SigstoreSigned {
                    key_path,
                    key_datas,
                    fulcio,
                    pki,
                    rekor_public_key_path,
                    signed_identity,
                    extra,
                    ..SigstoreSigned::default()
                }))
            },
        );
    prop_oneof![
        extra().prop_map(Requirement::InsecureAcceptAnything),
        extra().prop_map(Requirement::Reject),
        signed_by,
        sigstore,
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    let scopes = prop::collection::vec((text(), prop::collection::vec(requirement(), 0..3)), 0..3)
        .prop_map(|entries| entries.into_iter().collect::<Scopes>());
    let transports = prop::collection::vec(
        (
            prop_oneof![Just("docker".to_owned()), Just("atomic".to_owned()), text()],
            scopes,
        ),
        0..3,
    )
    .prop_map(|entries| entries.into_iter().collect::<OrderedMap<Scopes>>());
    (
        proptest::option::of(prop::collection::vec(requirement(), 0..3)),
        proptest::option::of(transports),
        extra(),
    )
        .prop_map(|(default, transports, extra)| Policy {
            default,
            transports,
            extra,
        })
}

/// Numbers are kept by value: compare after one round trip (where serde_json has normalised them).
fn settled(policy: &Policy) -> Policy {
    Policy::parse(policy.to_json().as_bytes()).expect("what it writes parses")
}

proptest! {
    #[test]
    fn parse_of_write_is_identity(policy in policy()) {
        let once = settled(&policy);
        let text = once.to_json();
        let again = Policy::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(&again, &once, "{}", text);
        // Write of a parse is byte-identical for what it wrote itself.
        prop_assert_eq!(again.to_json(), text);
        // Every typed member survives the first trip too (only unknown numbers may change spelling).
        prop_assert_eq!(once.default.as_ref().map(Vec::len), policy.default.as_ref().map(Vec::len));
    }

    #[test]
    fn validation_is_a_pure_function_of_the_text(policy in policy()) {
        let once = settled(&policy);
        let again = Policy::parse(once.to_json().as_bytes()).unwrap();
        prop_assert_eq!(once.validate(), again.validate());
    }

    #[test]
    fn arbitrary_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(policy) = Policy::parse(&bytes) {
            let _ = policy.validate();
            let text = policy.to_json();
            prop_assert_eq!(Policy::parse(text.as_bytes()).unwrap().to_json(), text);
        }
    }

    #[test]
    fn json_that_parses_keeps_its_unknown_members(value in json_value()) {
        let text = serde_json::json!({"default": [{"type": "reject"}], "x-value": value}).to_string();
        let policy = Policy::parse(text.as_bytes()).unwrap();
        let kept = policy.extra.get("x-value").cloned();
        let reread: Value = serde_json::from_str(&policy.to_json()).unwrap();
        prop_assert_eq!(kept.as_ref(), reread.get("x-value"));
    }
}
