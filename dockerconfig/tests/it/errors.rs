//! The error's parts: origin and position stored once, what went wrong as a kind, the cause as `source()`.

use std::error::Error as _;

use dockerconfig::{AuthEntry, DockerConfig, ErrorKind, Position, Problem, Warning};

#[test]
fn a_syntax_error_has_origin_line_and_column() {
    let e = DockerConfig::parse(b"{\n  \"auths\": {,}\n}", "config.json").unwrap_err();
    assert_eq!(e.origin(), Some("config.json"));
    assert_eq!(
        e.position(),
        Some(Position {
            line: 2,
            column: 13
        })
    );
    assert_eq!((e.line(), e.column()), (Some(2), Some(13)));
    assert!(matches!(e.kind(), ErrorKind::Syntax { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "config.json: line 2, column 13: invalid character ',' looking for beginning of object key string"
    );
    assert!(e.source().is_none());
}

#[test]
fn bad_base64_keeps_go_s_complaint_as_its_cause() {
    let config =
        DockerConfig::parse(br#"{"auths":{"q.io":{"auth":"YTpi!"}}}"#, "pull-secret").unwrap();
    let e = config.decode("q.io").unwrap().unwrap_err();
    assert_eq!(e.origin(), Some("pull-secret"));
    assert_eq!(e.position(), None);
    assert!(matches!(e.kind(), ErrorKind::BadBase64 { key, .. } if key == "q.io"));
    assert_eq!(
        e.source().map(ToString::to_string).as_deref(),
        Some("illegal base64 data at input byte 4")
    );
    assert_eq!(
        e.to_string(),
        "pull-secret: auths[\"q.io\"].auth: illegal base64 data at input byte 4"
    );
}

#[test]
fn a_bad_reference_keeps_image_ref_s_error_as_its_cause() {
    let e = DockerConfig::new().lookup("Not A Reference").unwrap_err();
    assert_eq!((e.origin(), e.position()), (None, None));
    let cause = e.source().expect("a cause");
    assert!(cause.downcast_ref::<image_ref::Error>().is_some());
    assert_eq!(
        e.to_string(),
        format!("invalid image reference \"Not A Reference\": {cause}")
    );
}

#[test]
fn argument_errors_name_no_input() {
    let e = AuthEntry::from_user_password("a:b", "p").unwrap_err();
    assert_eq!((e.origin(), e.position()), (None, None));
    assert!(matches!(e.kind(), ErrorKind::UserNameWithColon { .. }));
    let e = DockerConfig::new()
        .set("", AuthEntry::from_user_password("a", "p").unwrap())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid registry key \"\": a registry key must not be empty"
    );
}

#[test]
fn warnings_are_values() {
    // "bm9jb2xvbg==" is "nocolon".
    let config = DockerConfig::parse(
        br#"{"auths":{"a.io":{"auth":"bm9jb2xvbg=="},"b.io":{"identitytoken":"t"}}}"#,
        "f",
    )
    .unwrap();
    let warnings: Vec<Warning> = config
        .problems()
        .into_iter()
        .filter_map(|p| match p {
            Problem::Warning(w) => Some(w),
            _ => None,
        })
        .collect();
    assert_eq!(
        warnings,
        [
            Warning::MissingColon {
                origin: "f".into(),
                key: "a.io".into()
            },
            Warning::IdentityTokenIgnored {
                origin: "f".into(),
                key: "b.io".into()
            },
        ]
    );
}
