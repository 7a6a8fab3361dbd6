//! Lookups against one file with namespace keys, URL keys, docker.io spellings, empty and broken entries.

use crate::common;

use std::fmt::Write as _;

use dockerconfig::{DockerConfig, Format, MatchKind, Outcome};

fn fixture() -> (DockerConfig, Vec<u8>) {
    let bytes = include_bytes!("../lookup-fixture.json.txt").to_vec();
    (
        DockerConfig::parse(&bytes, "lookup-fixture.json").unwrap(),
        bytes,
    )
}

#[test]
fn lookups_explained() {
    let (config, bytes) = fixture();
    let references = [
        "quay.io/org/team/app:1.0",
        "quay.io/org/team/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "quay.io/org/team/other",
        "quay.io/org/x",
        "quay.io/elsewhere/x",
        "busybox",
        "docker.io/library/busybox:latest",
        "index.docker.io/user/app",
        "mirror.example.com:5000/ocp/release:4.16",
        "mirror.example.com:5000/ocp/empty:tag",
        "mirror.example.com/path-key/app",
        "mirror.example.com/other/app",
        "nocolon.example.com/a/b",
        "gcr.io/project/image",
        "unknown.example.com/a",
        "bad.example.com/a",
        "Not A Reference",
    ];
    let mut out = String::new();
    for r in references {
        match config.lookup(r) {
            Ok(l) => {
                common::assert_no_secret(&l.to_string(), &bytes, "Lookup Display");
                common::assert_no_secret(&format!("{l:?}"), &bytes, "Lookup Debug");
                writeln!(out, "{r}\n  {l}").unwrap();
            }
            Err(e) => {
                common::assert_no_secret(&e.to_string(), &bytes, "error");
                writeln!(out, "{r}\n  error: {e}").unwrap();
            }
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn most_specific_key_wins_and_password_is_decoded() {
    let (config, _) = fixture();
    let l = config.lookup("quay.io/org/team/app:1.0").unwrap();
    assert_eq!(
        l.matched,
        Some(("quay.io/org/team/app".to_owned(), MatchKind::Exact))
    );
    let Outcome::Credentials(c) = l.outcome else {
        panic!("credentials expected")
    };
    assert_eq!((c.username(), c.password().expose()), ("app", "PW-app"));
    assert!(c.identity_token().is_none());
    let l = config.lookup("quay.io/x/y").unwrap();
    let Outcome::Credentials(c) = l.outcome else {
        panic!("credentials expected")
    };
    assert_eq!(
        c.identity_token().map(|t| t.expose().to_owned()).as_deref(),
        Some("TOKEN-quay-1212")
    );
}

#[test]
fn an_empty_exact_entry_stops_the_search() {
    let (config, _) = fixture();
    let l = config.lookup("mirror.example.com:5000/ocp/empty").unwrap();
    assert_eq!(l.outcome, Outcome::EmptyEntry);
    assert_eq!(l.matched.unwrap().0, "mirror.example.com:5000/ocp/empty");
}

#[test]
fn docker_hub_spellings_normalise_and_first_in_file_order_is_taken() {
    let (config, _) = fixture();
    let l = config.lookup("busybox").unwrap();
    assert_eq!(l.name, "docker.io/library/busybox");
    assert_eq!(
        l.tried,
        [
            "docker.io/library/busybox",
            "docker.io/library",
            "docker.io"
        ]
    );
    assert_eq!(
        l.matched,
        Some((
            "https://index.docker.io/v1/".to_owned(),
            MatchKind::Normalized {
                normalized: "index.docker.io".to_owned(),
                candidates: vec![
                    "https://index.docker.io/v1/".to_owned(),
                    "registry-1.docker.io".to_owned()
                ],
            }
        ))
    );
    assert_eq!(l.matched.unwrap().1.others(), ["registry-1.docker.io"]);
}

#[test]
fn legacy_files_try_the_host_only() {
    let bytes =
        br#"{"quay.io/ns":{"auth":"bnM6UFctbnM="},"https://quay.io/v1/":{"auth":"aDpQVy1o"}}"#;
    let config = DockerConfig::parse(bytes, "dockercfg").unwrap();
    assert_eq!(config.format(), Format::Legacy);
    let l = config.lookup("quay.io/ns/app").unwrap();
    assert_eq!(l.tried, ["quay.io"]);
    // In a legacy file every key is cut to its host, so "quay.io/ns" stands for quay.io and comes first.
    assert_eq!(l.matched.unwrap().0, "quay.io/ns");
}
