//! No Debug, Display or error text of any type shows a known password, token or `auth` value.

use crate::common;

use dockerconfig::{AuthEntry, DockerConfig, Error, ErrorKind, Secret};

const PASSWORD: &str = "PW-very-secret-0x51";
const TOKEN: &str = "TOKEN-identity-0x52";

fn check(text: &str, auth_b64: &str, what: &str) {
    for needle in [PASSWORD, TOKEN, auth_b64, "PW-", "TOKEN-"] {
        assert!(!text.contains(needle), "{what} leaks {needle:?}: {text}");
    }
}

#[test]
fn no_type_prints_a_secret() {
    let entry = AuthEntry::from_user_password("alice", PASSWORD)
        .unwrap()
        .with_identity_token(TOKEN);
    let mut config = DockerConfig::new();
    config.set("quay.io", entry.clone()).unwrap();
    let compact = String::from_utf8(config.to_compact().to_vec()).unwrap();
    let auth_b64 = compact
        .split("\"auth\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // The secrets are really there, so their absence below means something.
    assert!(compact.contains(TOKEN) && !auth_b64.is_empty());
    let decoded = entry.decode().unwrap();
    let dockerconfig::Decoded::Credentials(creds) = &decoded else {
        panic!()
    };
    assert_eq!(creds.password().expose(), PASSWORD);
    let lookup = config.lookup("quay.io/a/b").unwrap();
    let mut other = DockerConfig::new();
    other
        .set(
            "quay.io",
            AuthEntry::from_user_password("bob", "PW-other").unwrap(),
        )
        .unwrap();
    let report = config.clone().merge(&other);
    let secret = Secret::new(PASSWORD);
    let texts = [
        ("AuthEntry Debug", format!("{entry:?}")),
        ("AuthEntry Display", entry.to_string()),
        ("Decoded Debug", format!("{decoded:?}")),
        ("Credentials Debug", format!("{creds:?}")),
        ("Credentials Display", creds.to_string()),
        ("Secret Debug", format!("{secret:?}")),
        ("Secret Display", secret.to_string()),
        ("DockerConfig Debug", format!("{config:?}")),
        ("DockerConfig Display", config.to_string()),
        ("Lookup Debug", format!("{lookup:?}")),
        ("Lookup Display", lookup.to_string()),
        ("MergeReport Debug", format!("{report:?}")),
        ("MergeReport Display", report.to_string()),
        (
            "string_field Debug",
            format!("{:?}", entry.string_field("identitytoken")),
        ),
        (
            "identity_token Debug",
            format!("{:?}", entry.identity_token()),
        ),
    ];
    for (what, text) in &texts {
        check(text, &auth_b64, what);
    }
    assert_eq!(creds.to_string(), "alice:*** +identitytoken");
}

/// Every error this crate can raise from inputs full of secrets.
#[test]
fn errors_never_print_secrets() {
    let auth = "YWxpY2U6UFctdmVyeS1zZWNyZXQtMHg1MQ=="; // alice:PW-very-secret-0x51
    let inputs: Vec<Vec<u8>> = vec![
        format!(r#"{{"auths":{{"q.io":{{"auth":"{auth}" "x"}}}}}}"#).into_bytes(),
        format!(r#"{{"auths":{{"q.io":{{"auth":{auth}}}}}}}"#).into_bytes(),
        format!(r#"{{"auths":{{"q.io":{{"auth":"{auth}","identitytoken":{TOKEN}}}}}}}"#)
            .into_bytes(),
        format!(r#"{{"auths":{{"q.io":"{auth}"}}}}"#).into_bytes(),
        format!(r#"{{"auths":{{"q.io":{{"auth":"{auth}","auth":"{auth}"}}}}}}"#).into_bytes(),
        format!("{{\"auths\":{{\"q.io\":{{\"auth\":\"{auth}\u{1}\"}}}}}}").into_bytes(),
        format!(r#"{{"auths":{{"q.io":{{"auth":"{auth}\q"}}}}}}"#).into_bytes(),
        format!(r#"{{"auths":{{"q.io":{{"auth":"{auth}"#).into_bytes(),
        [
            format!(r#"{{"auths":{{"q.io":{{"auth":"{auth}"#).as_bytes(),
            &[0xff, 0xfe],
            b"\"}}}",
        ]
        .concat(),
        format!(r#"{{"auths":{{"q.io":{{"auth":"{PASSWORD}"}}}}}}"#).into_bytes(),
        format!(r#"{{"auths":{{"q.io":{{"auth":"{auth}","identitytoken":["{TOKEN}"]}}}}}}"#)
            .into_bytes(),
    ];
    let mut seen = 0;
    for input in &inputs {
        let error: Error = match DockerConfig::parse(input, "secret openshift-config/pull-secret") {
            Err(e) => e,
            Ok(config) => config
                .lookup("q.io/x")
                .expect_err("a broken entry must fail the lookup"),
        };
        seen += 1;
        check(&error.to_string(), auth, "error Display");
        check(&format!("{error:?}"), auth, "error Debug");
        common::assert_no_secret(&error.to_string(), input, "error Display");
    }
    assert_eq!(seen, inputs.len());
    let e =
        DockerConfig::parse(&vec![b' '; dockerconfig::MAX_INPUT_BYTES + 1], "huge").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::TooLarge { .. }), "{e}");
    assert_eq!((e.origin(), e.position()), (Some("huge"), None));
}
