//! The library's errors keep their causes: `source()` gives the other crate's error (or the `io::Error`) as a
//! value, while `Display` stays the one line the CLI prints.

use std::error::Error as _;

use mirror_cli::cluster::Cluster;
use mirror_cli::commands::read_file;
use mirror_cli::pull_secret::read_pull_secret;
use mirror_cli::{Error, NotAPullSecret};

use crate::common::{assert_starts_with, input};

/// Every error in the chain from `e` down, as text.
fn chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = vec![e.to_string()];
    let mut next = e.source();
    while let Some(cause) = next {
        texts.push(cause.to_string());
        next = cause.source();
    }
    texts
}

#[test]
fn an_unreadable_file_keeps_the_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yaml");
    let e = read_file(&missing, &mut mirror_cli::commands::command_budget()).unwrap_err();
    assert!(matches!(&e, Error::Io { action: None, .. }), "{e:?}");
    let io = e
        .source()
        .unwrap()
        .downcast_ref::<std::io::Error>()
        .unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    let texts = chain(&e);
    assert_eq!(texts[0], format!("{}: {}", missing.display(), texts[1]));
}

#[test]
fn a_broken_object_stream_keeps_the_icsp_error() {
    let e = Cluster::read(
        &[input("objects.yaml", "kind: [unclosed\n")],
        &icsp::Limits::default(),
    )
    .unwrap_err();
    let cause = e.source().unwrap().downcast_ref::<icsp::Error>().unwrap();
    // The CLI's line is the icsp error's own text.
    assert_eq!(e.to_string(), cause.to_string());
    assert!(chain(&e).len() >= 2);
}

#[test]
fn broken_pull_secret_json_keeps_the_dockerconfig_error() {
    let e = read_pull_secret(&input("auth.json", "{\"auths\": [")).unwrap_err();
    let Error::NotAPullSecret {
        origin,
        reason: NotAPullSecret::Json(json),
    } = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!(origin, "auth.json");
    let cause = e
        .source()
        .unwrap()
        .downcast_ref::<dockerconfig::Error>()
        .unwrap();
    assert!(std::ptr::eq(cause, json.as_ref()));
    // The origin is said once: the cause's own `auth.json: ` prefix is not repeated.
    let text = e.to_string();
    assert_starts_with(
        &text,
        "auth.json: neither a docker config JSON nor a Secret manifest: ",
    );
    assert_eq!(text.matches("auth.json").count(), 1, "{text}");
}

#[test]
fn errors_without_a_cause_say_so() {
    let e = read_pull_secret(&input(
        "objects.yaml",
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n",
    ))
    .unwrap_err();
    assert!(
        matches!(&e, Error::NotAPullSecret { reason: NotAPullSecret::NoSecret(found), .. } if found.len() == 1),
        "{e:?}"
    );
    assert!(e.source().is_none());
}
