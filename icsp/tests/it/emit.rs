//! Writing objects for `oc apply -f -`, and secrets staying out of Debug.

use icsp::{Limits, Object, YamlStyle, read_objects, to_yaml_stream, value_to_yaml};

const MANIFESTS: &str = r#"apiVersion: v1
kind: Secret
metadata: {name: pull-secret, namespace: openshift-config}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: eyJhdXRocyI6e319
---
apiVersion: v1
kind: ConfigMap
metadata: {name: registry-config, namespace: openshift-config}
data:
  mirror.example.com..5000: |
    -----BEGIN CERTIFICATE-----
    MIIB
    -----END CERTIFICATE-----
binaryData:
  raw: AAEC
---
apiVersion: config.openshift.io/v1
kind: Image
metadata: {name: cluster, uid: 1234-5678}
spec:
  additionalTrustedCA: {name: registry-config}
  registrySources:
    insecureRegistries: []
    blockedRegistries: ["*.blocked.example.com", "on", "1.0"]
  externalRegistryHostnames: [a.example.com]
status:
  internalRegistryHostname: image-registry.openshift-image-registry.svc:5000
---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata: {name: tags}
spec:
  imageTagMirrors:
  - source: registry.redhat.io/ubi9
    mirrors: [mirror.example.com:5000/ubi9]
    mirrorSourcePolicy: NeverContactSource
"#;

fn objects() -> Vec<Object> {
    read_objects("m.yaml", MANIFESTS.as_bytes(), &Limits::default())
        .unwrap()
        .into_iter()
        .map(|l| l.value)
        .collect()
}

#[test]
fn apply_manifests_in_sigs_yaml_style() {
    insta::assert_snapshot!(to_yaml_stream(&objects(), YamlStyle::SigsYaml));
}

#[test]
fn apply_manifests_in_go_yaml_v3_style() {
    insta::assert_snapshot!(to_yaml_stream(&objects(), YamlStyle::GoYamlV3));
}

#[test]
fn secret_values_never_appear_in_debug() {
    let all = format!("{:?}", objects());
    assert!(!all.contains("eyJhdXRocyI6e319"), "{all}");
    assert!(!all.contains("{\"auths\""), "{all}");
    let Object::Secret(secret) = &objects()[0] else {
        panic!("not a secret")
    };
    assert_eq!(
        secret.get(".dockerconfigjson"),
        Some(&b"{\"auths\":{}}"[..])
    );
    assert!(format!("{secret:?}").contains("redacted"));
}

#[test]
fn keys_sort_as_go_yaml_sorts_them() {
    let v = serde_json::json!({"b": 1, "a10": 1, "a9": 1, "A": 1, "_x": 1, "a": 1, "1": 1, "10": 1, "2": 1});
    insta::assert_snapshot!(value_to_yaml(&v, YamlStyle::SigsYaml));
}
