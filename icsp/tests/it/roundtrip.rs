//! read(write(x)) == x for every type and both YAML styles; reading never panics.

use std::collections::BTreeMap;

use icsp::*;
use proptest::prelude::*;
use serde_json::Value;

/// Strings that stress quoting: indicators, numbers, booleans, colons, quotes, spaces, newlines.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9.:/_-]{1,16}",
        "[ -~]{0,12}",
        "[ -~\n\t]{0,12}",
        Just("yes".to_owned()),
        Just("0777".to_owned()),
        Just("1.5e3".to_owned()),
        Just("2024-01-02".to_owned()),
        Just("~".to_owned()),
        Just("*.example.com".to_owned()),
        Just("- a".to_owned()),
        Just("a: b".to_owned()),
        Just(" lead".to_owned()),
        Just("line\n".to_owned()),
        Just("\n\nx\n\n".to_owned()),
        Just("é ü ✓".to_owned()),
    ]
}

fn strings() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..4)
}

fn string_map() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(text(), text(), 0..3)
}

fn extra() -> impl Strategy<Value = Extra> {
    prop::collection::btree_map(
        "x[a-zA-Z]{1,6}",
        prop_oneof![
            text().prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            strings().prop_map(|v| serde_json::json!(v)),
            string_map().prop_map(|m| serde_json::json!({ "nested": m })),
        ],
        0..3,
    )
    .prop_map(|m| m.into_iter().collect())
}

fn meta() -> impl Strategy<Value = ObjectMeta> {
    (
        proptest::option::of(text()),
        proptest::option::of(text()),
        string_map(),
        string_map(),
        extra(),
    )
        .prop_map(|(name, namespace, labels, annotations, extra)| ObjectMeta {
            name,
            namespace,
            labels,
            annotations,
            extra,
        })
}

fn policy() -> impl Strategy<Value = Option<MirrorSourcePolicy>> {
    prop_oneof![
        Just(None),
        Just(Some(MirrorSourcePolicy::NeverContactSource)),
        Just(Some(MirrorSourcePolicy::AllowContactingSource)),
        text().prop_map(|t| Some(MirrorSourcePolicy::Unknown(t))),
    ]
    .prop_map(|p| match p {
        Some(MirrorSourcePolicy::Unknown(t))
            if t == "NeverContactSource" || t == "AllowContactingSource" =>
        {
            None
        }
        p => p,
    })
}

fn mirrors() -> impl Strategy<Value = Vec<ImageMirrors>> {
    prop::collection::vec(
        (text(), strings(), policy(), extra()).prop_map(
            |(source, mirrors, mirror_source_policy, extra)| ImageMirrors {
                source,
                mirrors,
                mirror_source_policy,
                extra,
            },
        ),
        0..3,
    )
}

fn opt_list() -> impl Strategy<Value = Option<Vec<String>>> {
    proptest::option::of(strings())
}

/// An ImageDigestMirrorSet or ImageTagMirrorSet: the same shape, its mirror list under its own name.
macro_rules! mirror_set {
    ($kind:ident, $spec:ident, $list:ident) => {
        (meta(), mirrors(), extra()).prop_map(|(metadata, m, extra)| {
            Object::$kind($kind {
                metadata,
                spec: $spec {
                    $list: m,
                    extra: Extra::new(),
                },
                extra,
            })
        })
    };
}

fn object() -> impl Strategy<Value = Object> {
    prop_oneof![
        (
            meta(),
            prop::collection::vec((text(), strings(), extra()), 0..3),
            extra(),
            extra()
        )
            .prop_map(|(metadata, rdm, spec_extra, extra)| {
                Object::ImageContentSourcePolicy(ImageContentSourcePolicy {
                    metadata,
                    spec: IcspSpec {
                        repository_digest_mirrors: rdm
                            .into_iter()
                            .map(|(source, mirrors, extra)| RepositoryDigestMirrors {
                                source,
                                mirrors,
                                extra,
                            })
                            .collect(),
                        extra: spec_extra,
                    },
                    extra,
                })
            }),
        mirror_set!(
            ImageDigestMirrorSet,
            ImageDigestMirrorSetSpec,
            image_digest_mirrors
        ),
        mirror_set!(ImageTagMirrorSet, ImageTagMirrorSetSpec, image_tag_mirrors),
        (
            meta(),
            proptest::option::of((opt_list(), opt_list(), opt_list(), opt_list(), extra())),
            proptest::option::of(text()),
            extra()
        )
            .prop_map(|(metadata, rs, ca, extra)| Object::Image(Image {
                metadata,
                spec: ImageSpec {
                    registry_sources: rs.map(|(i, b, a, s, extra)| RegistrySources {
                        insecure_registries: i,
                        blocked_registries: b,
                        allowed_registries: a,
                        container_runtime_search_registries: s,
                        extra,
                    }),
                    additional_trusted_ca: ca.map(|name| ConfigMapNameReference {
                        name,
                        extra: Extra::new()
                    }),
                    extra: Extra::new(),
                },
                extra,
            })),
        (
            meta(),
            proptest::option::of(proptest::option::of(text())),
            extra()
        )
            .prop_map(
                |(metadata, image, extra)| Object::ClusterVersion(ClusterVersion {
                    metadata,
                    status: image.map(|image| ClusterVersionStatus {
                        desired: Some(Release {
                            image,
                            extra: Extra::new()
                        }),
                        extra: Extra::new(),
                    }),
                    extra,
                })
            ),
        (
            meta(),
            proptest::option::of(text()),
            prop::collection::btree_map(text(), prop::collection::vec(any::<u8>(), 0..20), 0..3),
            prop::collection::btree_map(text(), text(), 0..2),
            extra()
        )
            .prop_map(|(metadata, type_, data, sd, extra)| Object::Secret(Secret {
                metadata,
                type_,
                data: data
                    .into_iter()
                    .map(|(k, v)| (k, SecretBytes::new(v)))
                    .collect(),
                string_data: sd
                    .into_iter()
                    .map(|(k, v)| (k, SecretText::new(v)))
                    .collect(),
                extra,
            })),
        (
            meta(),
            string_map(),
            prop::collection::btree_map(text(), prop::collection::vec(any::<u8>(), 0..20), 0..3),
            extra()
        )
            .prop_map(|(metadata, data, bin, extra)| Object::ConfigMap(ConfigMap {
                metadata,
                data,
                binary_data: bin.into_iter().map(|(k, v)| (k, Base64Bytes(v))).collect(),
                extra,
            })),
    ]
}

/// Reads back without the API server's rules (random names and extra fields break them on purpose): the property
/// is about how objects are written and read.
fn read_back(yaml: &str) -> Result<Vec<Located<Object>>, Error> {
    let options = ReadOptions {
        strictness: Strictness::Ignore,
        ..ReadOptions::default()
    };
    read_stream("rt.yaml", yaml.as_bytes(), &options).map(|s| s.objects)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn read_of_write_is_identity(object in object(), v3 in any::<bool>()) {
        let style = if v3 { YamlStyle::GoYamlV3 } else { YamlStyle::SigsYaml };
        let yaml = to_yaml(&object, style).unwrap();
        let back = read_back(&yaml)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert_eq!(back.len(), 1, "{}", yaml);
        prop_assert_eq!(&back[0].value, &object, "{}", yaml);
    }

    #[test]
    fn streams_of_several_objects_round_trip(objects in prop::collection::vec(object(), 1..4)) {
        let yaml = to_yaml_stream(&objects, YamlStyle::SigsYaml);
        let back: Vec<Object> = read_back(&yaml)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?
            .into_iter()
            .map(|l| l.value)
            .collect();
        prop_assert_eq!(back, objects);
    }

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_objects("fuzz", &bytes, &Limits::default());
    }

    #[test]
    fn reading_yamlish_text_never_panics(text in "[-:{}\\[\\],&*!|>'\"%@#? \nab0-9]{0,200}") {
        let _ = read_objects("fuzz", text.as_bytes(), &Limits::default());
    }

    #[test]
    fn json_fast_path_reads_as_the_complete_reader(
        objects in prop::collection::vec(object(), 1..4),
        pretty in any::<bool>(),
        list in any::<bool>(),
        strictness in prop_oneof![Just(Strictness::Strict), Just(Strictness::Warn), Just(Strictness::Ignore)],
    ) {
        let values: Vec<Value> = objects.iter().filter_map(Object::to_value).collect();
        let value = if list || values.len() != 1 {
            serde_json::json!({"apiVersion": "v1", "kind": "List", "items": values})
        } else {
            values[0].clone()
        };
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        same_as_complete(&text, strictness)?;
    }

    #[test]
    fn json_fast_path_reads_jsonish_text_as_the_complete_reader(
        text in "[ \n]{0,2}[\\[{][-{}\\[\\],:\"a-z0-9 \n.eE+\\\\/\t]{0,120}",
    ) {
        same_as_complete(&text, Strictness::Strict)?;
    }
}

/// The reader with its JSON fast path gives what the complete reader gives: the same objects, warnings and
/// counts, or the same error.
fn same_as_complete(text: &str, strictness: Strictness) -> Result<(), TestCaseError> {
    let options = ReadOptions {
        strictness,
        ..ReadOptions::default()
    };
    let fast = read_stream("in.json", text.as_bytes(), &options).map_err(|e| e.to_string());
    let complete =
        read_stream_complete("in.json", text.as_bytes(), &options).map_err(|e| e.to_string());
    prop_assert_eq!(fast, complete, "{}", text);
    Ok(())
}

/// Found by the `yaml_objects` fuzz target: the complete reader said where the input stops being UTF-8 only on the
/// fast path's side; both check the input's bytes the same way now (the bound, then UTF-8 with its position).
#[test]
fn both_readers_refuse_non_utf8_and_oversized_input_alike() {
    let options = icsp::ReadOptions::default();
    let mut bytes = b"kind: ImageContentSourcePolicy\nmetadata:\n  name: a\n".to_vec();
    bytes.extend_from_slice(&[0x97, 0x8b, b'\n']);
    let fast = icsp::read_stream("in.yaml", &bytes, &options).map_err(|e| e.to_string());
    let complete =
        icsp::read_stream_complete("in.yaml", &bytes, &options).map_err(|e| e.to_string());
    assert_eq!(fast, complete);
    assert_eq!(
        fast.unwrap_err(),
        "in.yaml:4:1: invalid YAML: the input is not UTF-8 text"
    );

    let small = icsp::ReadOptions {
        limits: icsp::Limits {
            max_bytes: 8,
            ..icsp::Limits::default()
        },
        ..icsp::ReadOptions::default()
    };
    let fast = icsp::read_stream("in.yaml", b"kind: List\n", &small).map_err(|e| e.to_string());
    let complete =
        icsp::read_stream_complete("in.yaml", b"kind: List\n", &small).map_err(|e| e.to_string());
    assert_eq!(fast, complete);
    assert!(fast.is_err());
}
