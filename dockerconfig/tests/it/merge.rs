//! Merging pull secrets, and editing one registry.

use dockerconfig::{AuthEntry, ChangeKind, DockerConfig, Format, Outcome, SetOutcome};

use crate::common::parse;

fn compact(config: &DockerConfig) -> String {
    String::from_utf8(config.to_compact().to_vec()).unwrap()
}

const BASE: &str = r#"{
  "auths": {
    "https://index.docker.io/v1/": {"auth": "b2xkOlBXLW9sZC1odWI=", "email": "old@example.com"},
    "quay.io": {"auth": "cXVheTpQVy1xdWF5", "identitytoken": "TOKEN-stale-quay"},
    "registry.redhat.io": {"auth": "cmg6UFctcmg="}
  },
  "credsStore": "desktop"
}"#;

const MIRROR: &str = r#"{"auths": {
  "docker.io": {"auth": "bmV3OlBXLW5ldy1odWI="},
  "quay.io": {"auth": "bmV3cTpQVy1uZXctcXVheQ=="},
  "registry.redhat.io": {"auth": "cmg6UFctcmg="},
  "mirror.example.com:5000": {"auth": "bWlycm9yOlBXLW1pcnJvcg==", "email": "m@example.com"}
}, "credHelpers": {"gcr.io": "gcloud"}}"#;

#[test]
fn later_wins_whole_entries_first_spelling_kept() {
    let mut base = parse(BASE, "pull-secret");
    let report = base.merge(&parse(MIRROR, "mirror.json"));
    insta::assert_snapshot!("merge_report", report.to_string());
    insta::assert_snapshot!(
        "merge_result",
        String::from_utf8(base.to_pretty().to_vec()).unwrap()
    );
    // No stale identitytoken beside the new auth.
    let quay = base.get("quay.io").unwrap();
    assert!(quay.identity_token().is_none());
    assert_eq!(quay.field_names(), ["auth"]);
    // docker.io replaced the https://index.docker.io/v1/ entry under its old spelling, email gone with it.
    let hub = base.get("https://index.docker.io/v1/").unwrap();
    assert_eq!(hub.email(), None);
    let Outcome::Credentials(c) = base.lookup("busybox").unwrap().outcome else {
        panic!()
    };
    assert_eq!(c.password().expose(), "PW-new-hub");
    assert_eq!(report.of_kind(&ChangeKind::Added).count(), 2);
    assert_eq!(report.of_kind(&ChangeKind::Replaced).count(), 2);
    assert_eq!(report.of_kind(&ChangeKind::Unchanged).count(), 1);
    assert_eq!(base.other_top_level_keys(), ["credsStore", "credHelpers"]);
}

#[test]
fn merge_with_itself_changes_nothing() {
    for text in [BASE, MIRROR] {
        let a = parse(text, "a");
        let mut merged = a.clone();
        let report = merged.merge(&a);
        assert_eq!(merged, a);
        assert_eq!(compact(&merged), compact(&a));
        assert!(
            report
                .changes
                .iter()
                .all(|c| c.kind == ChangeKind::Unchanged),
            "{report}"
        );
    }
}

#[test]
fn merged_folds_in_order() {
    let files = [
        parse(BASE, "one"),
        parse(MIRROR, "two"),
        parse(BASE, "three"),
    ];
    let (result, report) = DockerConfig::merged(&files);
    // The third file brings the old quay.io entry back, whole, identitytoken included.
    assert_eq!(result.get("quay.io"), parse(BASE, "x").get("quay.io"));
    assert_eq!(report.changes.len(), 4 + 1 + 3 + 1);
    let (empty, report) = DockerConfig::merged(&[]);
    assert!(empty.is_empty() && report.changes.is_empty());
    assert_eq!(compact(&empty), r#"{"auths":{}}"#);
}

#[test]
fn other_spellings_left_behind_are_warned_about() {
    let mut base = parse(
        r#"{"auths":{"docker.io":{"auth":"YTpi"},"https://index.docker.io/v1/":{"auth":"YzpkZA=="}}}"#,
        "base",
    );
    let report = base.merge(&parse(
        r#"{"auths":{"index.docker.io":{"auth":"ZTpm"}}}"#,
        "later",
    ));
    insta::assert_snapshot!("merge_warning", report.to_string());
}

#[test]
fn set_and_remove_one_registry() {
    let mut config = parse(BASE, "pull-secret");
    let entry = AuthEntry::from_user_password("mirror", "PW-set")
        .unwrap()
        .with_email("m@example.com");
    assert_eq!(
        config
            .set("mirror.example.com:5000", entry.clone())
            .unwrap(),
        SetOutcome::Added {
            key: "mirror.example.com:5000".into()
        }
    );
    assert_eq!(
        config.set("mirror.example.com:5000", entry).unwrap(),
        SetOutcome::Unchanged {
            key: "mirror.example.com:5000".into()
        }
    );
    let outcome = config
        .set(
            "registry-1.docker.io",
            AuthEntry::from_user_password("u", "PW-u").unwrap(),
        )
        .unwrap();
    assert_eq!(
        outcome,
        SetOutcome::Replaced {
            key: "https://index.docker.io/v1/".into(),
            also_removed: vec![]
        }
    );
    assert_eq!(config.remove("https://quay.io/v1/"), ["quay.io"]);
    assert_eq!(config.remove("quay.io"), Vec::<String>::new());
    insta::assert_snapshot!("set_remove_result", compact(&config));
    assert!(
        config
            .set("", AuthEntry::from_user_password("a", "b").unwrap())
            .is_err()
    );
    assert!(AuthEntry::from_user_password("a:b", "c").is_err());
}

#[test]
fn null_documents_become_objects_when_edited() {
    let mut config = parse("null", "n");
    config
        .set("quay.io", AuthEntry::from_user_password("a", "b").unwrap())
        .unwrap();
    assert_eq!(compact(&config), r#"{"auths":{"quay.io":{"auth":"YTpi"}}}"#);
    let mut config = parse(r#"{"auths":null,"credsStore":"pass"}"#, "n");
    config
        .set("quay.io", AuthEntry::from_user_password("a", "b").unwrap())
        .unwrap();
    assert_eq!(
        compact(&config),
        r#"{"auths":{"quay.io":{"auth":"YTpi"}},"credsStore":"pass"}"#
    );
    let mut config = parse(r#"{"credsStore":"pass"}"#, "n");
    config
        .set("quay.io", AuthEntry::from_user_password("a", "b").unwrap())
        .unwrap();
    assert_eq!(
        compact(&config),
        r#"{"credsStore":"pass","auths":{"quay.io":{"auth":"YTpi"}}}"#
    );
}

#[test]
fn legacy_into_auths_format() {
    let legacy = parse(
        r#"{"https://index.docker.io/v1/":{"auth":"YTpi","email":"e@x"}}"#,
        "dockercfg",
    );
    let auths = legacy.into_auths_format();
    assert_eq!(auths.format(), Format::Auths);
    let bytes = auths.to_compact();
    assert_eq!(
        &*bytes,
        br#"{"auths":{"https://index.docker.io/v1/":{"auth":"YTpi","email":"e@x"}}}"#
    );
    assert_eq!(
        go_compat::encode_std_base64(&bytes),
        "eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsiYXV0aCI6IllUcGkiLCJlbWFpbCI6ImVAeCJ9fX0="
    );
}

#[test]
fn new_strings_are_escaped_as_go_marshal_does() {
    let entry = AuthEntry::from_user_password("u", "p")
        .unwrap()
        .with_email("<a&b>\u{2028}\"\\\n\u{1}");
    let mut config = DockerConfig::new();
    config.set("quay.io", entry).unwrap();
    assert_eq!(
        compact(&config),
        r#"{"auths":{"quay.io":{"auth":"dTpw","email":"\u003ca\u0026b\u003e\u2028\"\\\n\u0001"}}}"#
    );
    assert_eq!(
        config.get("quay.io").unwrap().email().as_deref(),
        Some("<a&b>\u{2028}\"\\\n\u{1}")
    );
}
