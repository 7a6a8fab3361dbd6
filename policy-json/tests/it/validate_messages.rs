//! containers/image's verdict on policy.json files, case by case: its message (after the member's path), or
//! acceptance. One test per case (a macro), so one mismatch does not hide the others.

use crate::common::verdict;

const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

macro_rules! cases {
    ($($name:ident: $text:expr => $expected:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let text: String = $text;
                let expected: Result<(), String> = $expected;
                assert_eq!(verdict(&text).map(drop), expected, "{text}");
            }
        )*
    };
}

/// `{"default": [<default>], "transports": {"docker": {"quay.io": [<requirement>]}}}`
fn with_requirement(requirement: &str) -> String {
    format!(
        r#"{{"default": [{{"type": "reject"}}], "transports": {{"docker": {{"quay.io": [{requirement}]}}}}}}"#
    )
}

/// A sigstoreSigned requirement with `members` after its type.
fn sigstore(members: &str) -> String {
    with_requirement(&format!(r#"{{"type": "sigstoreSigned", {members}}}"#))
}

/// A signedBy requirement with `members` after its type.
fn signed_by(members: &str) -> String {
    with_requirement(&format!(r#"{{"type": "signedBy", {members}}}"#))
}

const Q: &str = r#"transports.docker["quay.io"][0]"#;

/// The error `message` at `path`.
fn at(path: &str, message: &str) -> Result<(), String> {
    Err(format!("{path}: {message}"))
}

/// The error `message`.
fn err(message: &str) -> Result<(), String> {
    Err(message.to_owned())
}

cases! {
    // The document.
    minimal_policy_is_accepted: r#"{"default": [{"type": "insecureAcceptAnything"}]}"#.into() => Ok(());
    missing_default: r#"{"transports": {}}"#.into() => err("Default policy is missing");
    empty_default: r#"{"default": []}"#.into() => err("default: List of verification policy requirements must not be empty");
    unknown_top_level_key: r#"{"default": [{"type": "reject"}], "transport": {}}"#.into() => err(r#"transport: Unknown key "transport""#);
    unknown_key_before_missing_default: r#"{"x": 1}"#.into() => err(r#"x: Unknown key "x""#);
    first_problem_in_file_order: r#"{"default": [], "x": 1}"#.into() => err("default: List of verification policy requirements must not be empty");
    duplicate_key: "{\"default\": [],\n \"default\": []}".into() => err(r#"line 2, column 10: Duplicate key "default""#);
    not_json: "{\"default\": [".into() => err("line 1, column 13: EOF while parsing a list");
    trailing_data: r#"{"default": [{"type": "reject"}]} {}"#.into() => err("line 1, column 35: trailing characters");
    top_level_array: "[]".into() => err("JSON object expected, got json.Delim(91)");
    top_level_number: "1000000".into() => err("JSON object expected, got 1e+06");
    default_not_a_list: r#"{"default": {"type": "reject"}}"#.into() => err("default: json: cannot unmarshal object into Go value of type []json.RawMessage");
    requirement_not_an_object: r#"{"default": ["reject"]}"#.into() => err("default[0]: json: cannot unmarshal string into Go value of type signature.prCommon");
    type_not_a_string: r#"{"default": [{"type": 1}]}"#.into() => err("default[0]: json: cannot unmarshal number into Go struct field prCommon.type of type signature.prTypeIdentifier");
    null_is_refused: r#"{"default": null}"#.into() => err("default: null is not accepted here");
    transports_not_an_object: r#"{"default": [{"type": "reject"}], "transports": "docker"}"#.into() => err(r#"transports: JSON object expected, got "docker""#);
    empty_scope_list: with_requirement("") => err(r#"transports.docker["quay.io"]: List of verification policy requirements must not be empty"#);

    // Requirement types.
    unknown_requirement_type: r#"{"default": [{"type": "acceptSigned"}]}"#.into() => err(r#"default[0]: Unknown policy requirement type "acceptSigned""#);
    requirement_without_type: r#"{"default": [{}]}"#.into() => err(r#"default[0]: Unknown policy requirement type """#);
    reject_with_another_member: r#"{"default": [{"type": "reject", "keyPath": "/k"}]}"#.into() => err(r#"default[0].keyPath: Unknown key "keyPath""#);

    // signedBy.
    signed_by_key_path: signed_by(r#""keyType": "GPGKeys", "keyPath": "/etc/pki/key.gpg""#) => Ok(());
    signed_by_key_paths_may_be_empty: signed_by(r#""keyType": "signedByGPGKeys", "keyPaths": []"#) => Ok(());
    signed_by_key_data: signed_by(r#""keyType": "X509Certificates", "keyData": "aGVsbG8=""#) => Ok(());
    signed_by_no_key: signed_by(r#""keyType": "GPGKeys""#) => at(Q, "Exactly one of keyPath, keyPaths and keyData must be specified, none of them present");
    signed_by_two_keys: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "keyData": "aGVsbG8=""#) => at(Q, "Exactly one of keyPath, keyPaths and keyData must be specified, more than one present");
    signed_by_no_key_type: signed_by(r#""keyPath": "/k""#) => at(Q, r#"invalid keyType """#);
    signed_by_bad_key_type: signed_by(r#""keyType": "gpgkeys", "keyPath": "/k""#) => at(&format!("{Q}.keyType"), r#"Unrecognized keyType value "gpgkeys""#);
    signed_by_empty_key_path: signed_by(r#""keyType": "GPGKeys", "keyPath": """#) => at(Q, "exactly one of keyPath, keyPaths and keyData must be specified");
    signed_by_bad_base64: signed_by(r#""keyType": "GPGKeys", "keyData": "aGVsbG8""#) => at(&format!("{Q}.keyData"), "illegal base64 data at input byte 4");
    signed_by_key_paths_not_strings: signed_by(r#""keyType": "GPGKeys", "keyPaths": [1]"#) => at(&format!("{Q}.keyPaths[0]"), "json: cannot unmarshal number into Go value of type string");
    signed_by_unknown_member: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "keyPth": "/k""#) => at(&format!("{Q}.keyPth"), r#"Unknown key "keyPth""#);
    signed_by_identity_is_checked_before_the_keys: signed_by(r#""signedIdentity": {"type": "matchAll"}"#) => at(&format!("{Q}.signedIdentity"), r#"Unknown policy reference match type "matchAll""#);

    // Signed identities.
    identity_match_repository: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "matchRepository"}"#) => Ok(());
    identity_exact_reference: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "exactReference", "dockerReference": "quay.io/ns/app:1"}"#) => Ok(());
    identity_exact_reference_name_only: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "exactReference", "dockerReference": "quay.io/ns/app"}"#) => at(&format!("{Q}.signedIdentity"), r#"dockerReference "quay.io/ns/app" contains neither a tag nor digest"#);
    identity_exact_reference_missing: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "exactReference"}"#) => at(&format!("{Q}.signedIdentity"), r#"Key "dockerReference" missing in a JSON object"#);
    identity_exact_reference_invalid: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "exactReference", "dockerReference": "Quay.io/NS:1"}"#) => at(&format!("{Q}.signedIdentity"), r#"Invalid format of dockerReference "Quay.io/NS:1": invalid reference format: repository name (NS) must be lowercase"#);
    identity_exact_repository: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "exactRepository", "dockerRepository": "quay.io/ns/app"}"#) => Ok(());
    identity_remap: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.local:5000/ocp", "signedPrefix": "quay.io/openshift-release-dev"}"#) => Ok(());
    identity_remap_bad_prefix: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.local/OCP", "signedPrefix": "quay.io"}"#) => at(&format!("{Q}.signedIdentity"), r#"prefix "mirror.local/OCP" is not valid"#);
    identity_remap_missing: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "remapIdentity", "prefix": "quay.io"}"#) => at(&format!("{Q}.signedIdentity"), r#"Key "signedPrefix" missing in a JSON object"#);
    identity_unknown_member: signed_by(r#""keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "matchExact", "x": 1}"#) => at(&format!("{Q}.signedIdentity.x"), r#"Unknown key "x""#);

    // signedBaseLayer.
    signed_base_layer: with_requirement(r#"{"type": "signedBaseLayer", "baseLayerIdentity": {"type": "matchRepository"}}"#) => Ok(());
    signed_base_layer_without_identity: with_requirement(r#"{"type": "signedBaseLayer"}"#) => at(Q, r#"Key "baseLayerIdentity" missing in a JSON object"#);

    // sigstoreSigned.
    sigstore_key_path: sigstore(r#""keyPath": "/etc/pki/cosign.pub""#) => Ok(());
    sigstore_key_datas: sigstore(r#""keyDatas": ["aGVsbG8=", "d29ybGQ="], "signedIdentity": {"type": "matchRepository"}"#) => Ok(());
    sigstore_no_key: sigstore(r#""signedIdentity": {"type": "matchRepository"}"#) => at(Q, "exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki must be specified");
    sigstore_two_keys: sigstore(r#""keyPath": "/k", "keyData": "aGVsbG8=""#) => at(Q, "exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki must be specified");
    sigstore_empty_key_paths: sigstore(r#""keyPaths": []"#) => at(Q, r#""keyPaths" contains no entries"#);
    sigstore_empty_key_datas: sigstore(r#""keyDatas": []"#) => at(Q, r#""keyDatas" contains no entries"#);
    sigstore_empty_rekor_paths: sigstore(r#""keyPath": "/k", "rekorPublicKeyPaths": []"#) => at(Q, r#""rekorPublickeyPaths" contains no entries"#);
    sigstore_two_rekor_keys: sigstore(r#""keyPath": "/k", "rekorPublicKeyPath": "/r", "rekorPublicKeyData": "aGVsbG8=""#) => at(Q, "at most one of rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and rekorPublicKeyDatas can be used simultaneously");
    sigstore_fulcio: sigstore(r#""fulcio": {"caPath": "/ca", "oidcIssuer": "https://oidc", "subjectEmail": "a@b"}, "rekorPublicKeyPath": "/r""#) => Ok(());
    sigstore_fulcio_without_rekor: sigstore(r#""fulcio": {"caData": "aGVsbG8=", "oidcIssuer": "https://oidc", "subjectEmail": "a@b"}"#) => at(Q, "At least one of rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and rekorPublicKeyDatas must be specified if fulcio is used");
    sigstore_fulcio_both_cas: sigstore(r#""fulcio": {"caPath": "/ca", "caData": "aGVsbG8=", "oidcIssuer": "i", "subjectEmail": "e"}, "rekorPublicKeyPath": "/r""#) => at(&format!("{Q}.fulcio"), "caPath and caData cannot be used simultaneously");
    sigstore_fulcio_no_ca: sigstore(r#""fulcio": {"oidcIssuer": "i", "subjectEmail": "e"}"#) => at(&format!("{Q}.fulcio"), "At least one of caPath and caData must be specified");
    sigstore_fulcio_no_issuer: sigstore(r#""fulcio": {"caPath": "/ca", "subjectEmail": "e"}"#) => at(&format!("{Q}.fulcio"), "oidcIssuer not specified");
    sigstore_fulcio_no_email: sigstore(r#""fulcio": {"caPath": "/ca", "oidcIssuer": "i"}"#) => at(&format!("{Q}.fulcio"), "subjectEmail not specified");
    sigstore_fulcio_unknown: sigstore(r#""fulcio": {"caPath": "/ca", "oidcIssuer": "i", "subjectEmail": "e", "url": "x"}"#) => at(&format!("{Q}.fulcio.url"), r#"Unknown key "url""#);
    sigstore_fulcio_not_an_object: sigstore(r#""fulcio": true"#) => at(&format!("{Q}.fulcio"), "JSON object expected, got true");
    sigstore_pki: sigstore(r#""pki": {"caRootsPath": "/roots", "subjectHostname": "signer.example.com"}"#) => Ok(());
    sigstore_pki_with_rekor: sigstore(r#""pki": {"caRootsPath": "/roots", "subjectEmail": "e"}, "rekorPublicKeyPath": "/r""#) => at(Q, "rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and rekorPublicKeyDatas are not supported for pki");
    sigstore_pki_no_roots: sigstore(r#""pki": {"subjectEmail": "e"}"#) => at(&format!("{Q}.pki"), "At least one of caRootsPath and caRootsData must be specified");
    sigstore_pki_both_intermediates: sigstore(r#""pki": {"caRootsPath": "/r", "caIntermediatesPath": "/i", "caIntermediatesData": "aGVsbG8=", "subjectEmail": "e"}"#) => at(&format!("{Q}.pki"), "caIntermediatesPath and caIntermediatesData cannot be used simultaneously");
    sigstore_pki_no_subject: sigstore(r#""pki": {"caRootsData": "aGVsbG8="}"#) => at(&format!("{Q}.pki"), "At least one of subjectEmail, subjectHostname must be specified");
    sigstore_bad_key_datas_base64: sigstore(r#""keyDatas": ["aGVsbG8=", "!"]"#) => at(&format!("{Q}.keyDatas[1]"), "illegal base64 data at input byte 0");

    // Scopes per transport.
    scope_docker_anything: r#"{"default": [{"type": "reject"}], "transports": {"docker": {"Any Thing/": [{"type": "reject"}]}}}"#.into() => Ok(());
    scope_unknown_transport_accepted: r#"{"default": [{"type": "reject"}], "transports": {"my-transport": {"relative": [{"type": "reject"}]}}}"#.into() => Ok(());
    scope_default_always_accepted: r#"{"default": [{"type": "reject"}], "transports": {"tarball": {"": [{"type": "reject"}]}}}"#.into() => Ok(());
    scope_dir_relative: r#"{"default": [{"type": "reject"}], "transports": {"dir": {"images": [{"type": "reject"}]}}}"#.into() => err(r#"transports.dir.images: Unknown key "images" (the dir transport refuses this scope: Invalid scope images: Must be an absolute path)"#);
    scope_dir_root: r#"{"default": [{"type": "reject"}], "transports": {"dir": {"/": [{"type": "reject"}]}}}"#.into() => err(r#"transports.dir["/"]: Unknown key "/" (the dir transport refuses this scope: Invalid scope "/": Use the generic default scope "")"#);
    scope_oci_not_clean: r#"{"default": [{"type": "reject"}], "transports": {"oci": {"/a/../b/": [{"type": "reject"}]}}}"#.into() => err(r#"transports.oci["/a/../b/"]: Unknown key "/a/../b/" (the oci transport refuses this scope: Invalid scope /a/../b/: Uses non-canonical path format, perhaps try with path /b)"#);
    scope_atomic_too_deep: r#"{"default": [{"type": "reject"}], "transports": {"atomic": {"r/a/b/c": [{"type": "reject"}]}}}"#.into() => err(r#"transports.atomic["r/a/b/c"]: Unknown key "r/a/b/c" (the atomic transport refuses this scope: Invalid scope name r/a/b/c)"#);
    scope_docker_daemon_digest: format!(r#"{{"default": [{{"type": "reject"}}], "transports": {{"docker-daemon": {{"sha256:{HEX}": [{{"type": "reject"}}]}}}}}}"#) => Err(format!(r#"transports.docker-daemon["sha256:{HEX}"]: Unknown key "sha256:{HEX}" (the docker-daemon transport refuses this scope: docker-daemon: can not use algo:digest value sha256:{HEX} as a namespace)"#));
    scope_storage: r#"{"default": [{"type": "reject"}], "transports": {"containers-storage": {"[overlay@/var/lib/containers/storage]": [{"type": "reject"}], "[/var/lib/containers/storage]quay.io/x": [{"type": "reject"}]}}}"#.into() => Ok(());
    scope_storage_without_store: r#"{"default": [{"type": "reject"}], "transports": {"containers-storage": {"quay.io/x": [{"type": "reject"}]}}}"#.into() => err(r#"transports.containers-storage["quay.io/x"]: Unknown key "quay.io/x" (the containers-storage transport refuses this scope: invalid reference)"#);
    scope_tarball: r#"{"default": [{"type": "reject"}], "transports": {"tarball": {"/x": [{"type": "reject"}]}}}"#.into() => err(r#"transports.tarball["/x"]: Unknown key "/x" (the tarball transport refuses this scope: tarball: does not support any scopes except the default "" one)"#);
    duplicate_scope: "{\"default\": [{\"type\": \"reject\"}], \"transports\": {\"docker\": {\"a\": [{\"type\": \"reject\"}], \"a\": []}}}".into() => err(r#"line 1, column 90: Duplicate key "a""#);
}

/// The RHEL 9 default policy.json (containers-common), verbatim: containers/image accepts it.
#[test]
fn the_rhel_default_policy_is_accepted() {
    let text = r#"{
    "default": [
        {
            "type": "insecureAcceptAnything"
        }
    ],
    "transports": {
        "docker": {
            "registry.access.redhat.com": [
                {
                    "type": "signedBy",
                    "keyType": "GPGKeys",
                    "keyPaths": ["/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release", "/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-beta"]
                }
            ],
            "registry.redhat.io": [
                {
                    "type": "signedBy",
                    "keyType": "GPGKeys",
                    "keyPaths": ["/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release", "/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-beta"]
                }
            ]
        },
        "docker-daemon": {
            "": [
                {
                    "type": "insecureAcceptAnything"
                }
            ]
        }
    }
}
"#;
    verdict(text).unwrap();
}

/// Errors keep their cause.
#[test]
fn errors_keep_their_cause() {
    use std::error::Error as _;
    let policy = crate::common::parse(&signed_by(r#""keyType": "GPGKeys", "keyData": "a""#));
    let error = policy.validate().unwrap_err();
    assert!(matches!(
        error.kind(),
        policy_json::ErrorKind::InvalidBase64 { .. }
    ));
    assert_eq!(
        error.source().unwrap().to_string(),
        "illegal base64 data at input byte 0"
    );
    assert_eq!(error.path(), r#"transports.docker["quay.io"][0].keyData"#);
    assert_eq!(error.line(), None);
    let syntax = policy_json::Policy::parse(b"{\n  \"default\": [,]\n}").unwrap_err();
    assert_eq!((syntax.line(), syntax.column()), (Some(2), Some(15)));
    assert!(matches!(
        syntax.kind(),
        policy_json::ErrorKind::Syntax { .. }
    ));
}
