//! Each openshift/api rule, one finding at a time.

use icsp::{ReadOptions, Strictness, read_stream, validate};

/// Per-object findings; the reader's own rules only warn, since some cases put two objects of one name in one
/// stream to check each on its own.
fn findings(input: &str) -> String {
    let options = ReadOptions {
        strictness: Strictness::Warn,
        ..ReadOptions::default()
    };
    read_stream("v.yaml", input.as_bytes(), &options)
        .unwrap()
        .objects
        .iter()
        .flat_map(|o| validate(&o.value))
        .map(|f| format!("{f}\n"))
        .collect()
}

const IDMS: &str = "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {name: d}\nspec:\n  imageDigestMirrors:\n";
const ITMS: &str = "apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nmetadata: {name: t}\nspec:\n  imageTagMirrors:\n";
const ICSP: &str = "apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata: {name: i}\nspec:\n  repositoryDigestMirrors:\n";
const IMAGE: &str = "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\nspec:\n  registrySources:\n";

#[test]
fn valid_objects_have_no_findings() {
    assert_eq!(
        findings(&format!(
            "{IDMS}  - source: \"*.example.com\"\n    mirrors: [m.example.com:5000/a/b-c, 10.0.0.1/x]\n    mirrorSourcePolicy: NeverContactSource\n"
        )),
        ""
    );
    assert_eq!(
        findings(&format!(
            "{ITMS}  - source: quay.io/ns\n    mirrors: [m.example.com]\n    mirrorSourcePolicy: AllowContactingSource\n"
        )),
        ""
    );
    assert_eq!(
        findings(&format!(
            "{ICSP}  - source: quay.io/ns\n    mirrors: [m.example.com, m.example.com]\n"
        )),
        ""
    );
    assert_eq!(
        findings(&format!(
            "{IMAGE}    insecureRegistries: [\"*.example.com\", quay.io/ns]\n    allowedRegistries: [a.io, a.io]\n    containerRuntimeSearchRegistries: [reg1.io, reg3.io:5000]\n"
        )),
        ""
    );
}

#[test]
fn mirror_set_rules() {
    insta::assert_snapshot!(findings(&format!(
        "{IDMS}  - source: quay.io/Upper\n    mirrors: [m.example.com/ok]\n  - source: \"\"\n  - source: quay.io/ns\n    mirrors: [\"*.example.com\", m.example.com/x:tag, m.example.com, m.example.com]\n    mirrorSourcePolicy: Sometimes\n---\n{ITMS}  - source: \"*.example.com/ns\"\n    mirrorSourcePolicy: \"\"\n"
    )));
}

#[test]
fn icsp_rules_refuse_wildcards() {
    insta::assert_snapshot!(findings(&format!(
        "{ICSP}  - source: \"*.example.com\"\n    mirrors: [m.example.com]\n  - source: quay.io/ns/repo@sha256:abc\n    mirrors: [\"m.example.com/\"]\n"
    )));
}

#[test]
fn registry_sources_rules() {
    let many: String = (0..1025).map(|i| format!("r{i}.io, ")).collect();
    insta::assert_snapshot!(findings(&format!(
        "{IMAGE}    insecureRegistries: [\"\", \"*example.com\", \"*.example.com:5000\"]\n    blockedRegistries: [\"*.a.io/ns\", [{many}] ]\n    allowedRegistries: [quay.io]\n    containerRuntimeSearchRegistries: [\"*.example.com\", quay.io/ns, reg.io, reg.io]\n---\n{IMAGE}    containerRuntimeSearchRegistries: []\n"
    ).replace(", [", ", ").replace(", ] ]", "]")));
}
