//! Lossless edits: before/after snapshots; everything not edited stays byte for byte.

use registries_conf::Editor;
use registries_conf::parse;
use registries_conf::{Mirror, PullFromMirror, Registry};

const BEFORE: &str = r#"# Managed by hand. Keep the comments!
unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]   # search order
short-name-mode = "enforcing"

# The release payload.
[[registry]]
  prefix = ""
  location = "quay.io/openshift-release-dev/ocp-release"
  mirror-by-digest-only = true
  x-owner = "team-a"   # unknown key: must survive

  # first mirror
  [[registry.mirror]]
    location = "mirror.example.net:5000/ocp/release"
    insecure = false

  [[registry.mirror]]
    location = "backup.example.net/ocp/release"

# Blocked on purpose.
[[Registry]]
Location = "bad.example.com"
Blocked = true

[aliases]
"app" = "example.com/ns/app"
"#;

fn edit(f: impl FnOnce(&mut Editor)) -> String {
    let mut editor = Editor::parse("/etc/containers/registries.conf", BEFORE).unwrap();
    f(&mut editor);
    let after = editor.to_string();
    // The result is still a valid file.
    parse("/etc/containers/registries.conf", after.as_bytes()).unwrap();
    after
}

fn mirror(location: &str) -> Mirror {
    Mirror {
        location: location.into(),
        ..Mirror::default()
    }
}

#[test]
fn no_edit_changes_nothing() {
    assert_eq!(edit(|_| {}), BEFORE);
}

#[test]
fn add_registry() {
    let after = edit(|e| {
        e.add_registry(&Registry {
            prefix: "example.com/ns".into(),
            location: "internal.example.net/ns".into(),
            insecure: true,
            mirrors: vec![Mirror {
                location: "m.example.net/ns".into(),
                insecure: false,
                pull_from_mirror: PullFromMirror::DigestOnly,
            }],
            ..Registry::default()
        })
        .unwrap()
    });
    assert!(after.starts_with(&BEFORE[..BEFORE.find("[aliases]").unwrap()]));
    insta::assert_snapshot!(after);
}

#[test]
fn replace_registry_keeps_comments_unknown_keys_and_remaining_mirrors() {
    let after = edit(|e| {
        e.replace_registry(
            "quay.io/openshift-release-dev/ocp-release",
            &Registry {
                prefix: "".into(),
                location: "quay.io/openshift-release-dev/ocp-release".into(),
                mirror_by_digest_only: false,
                mirrors: vec![
                    mirror("new.example.net/ocp"),
                    mirror("mirror.example.net:5000/ocp/release"),
                ],
                ..Registry::default()
            },
        )
        .unwrap()
    });
    insta::assert_snapshot!(after);
}

#[test]
fn remove_registry_matched_by_location_in_any_case() {
    let after = edit(|e| e.remove_registry("bad.example.com/").unwrap());
    insta::assert_snapshot!(after);
}

#[test]
fn mirror_edits() {
    let prefix = "quay.io/openshift-release-dev/ocp-release";
    let after = edit(|e| {
        e.add_mirror(prefix, &mirror("third.example.net/ocp"))
            .unwrap();
        e.replace_mirror(
            prefix,
            "backup.example.net/ocp/release",
            &Mirror {
                location: "backup.example.net/ocp/release".into(),
                insecure: true,
                pull_from_mirror: PullFromMirror::Unset,
            },
        )
        .unwrap();
        e.remove_mirror(prefix, "mirror.example.net:5000/ocp/release")
            .unwrap();
        e.add_mirror("bad.example.com", &mirror("bad-mirror.example.net"))
            .unwrap();
    });
    insta::assert_snapshot!(after);
}

#[test]
fn refusals() {
    let mut e = Editor::parse("/etc/containers/registries.conf", BEFORE).unwrap();
    let messages = [
        e.remove_registry("nothing.example.com")
            .unwrap_err()
            .to_string(),
        e.add_registry(&Registry {
            location: "bad.example.com".into(),
            ..Registry::default()
        })
        .unwrap_err()
        .to_string(),
        e.add_mirror(
            "quay.io/openshift-release-dev/ocp-release",
            &mirror("backup.example.net/ocp/release"),
        )
        .unwrap_err()
        .to_string(),
        e.remove_mirror("bad.example.com", "x.example.net")
            .unwrap_err()
            .to_string(),
        Editor::parse(
            "p.conf",
            "[[registry]]\nlocation = \"a.com\"\nmirror = [{ location = \"m.net\" }]\n",
        )
        .unwrap()
        .add_mirror("a.com", &mirror("n.net"))
        .unwrap_err()
        .to_string(),
        Editor::parse("p.conf", "[[registry]\n")
            .unwrap_err()
            .to_string(),
    ];
    // A refused edit leaves the file as it was.
    assert_eq!(e.to_string(), BEFORE);
    insta::assert_snapshot!(messages.join("\n"));
}

#[test]
fn add_to_an_empty_file() {
    let mut e = Editor::parse("/etc/containers/registries.conf", "").unwrap();
    e.add_registry(&Registry {
        prefix: "*.example.com".into(),
        mirrors: vec![mirror("wild.example.net/m")],
        ..Registry::default()
    })
    .unwrap();
    insta::assert_snapshot!(e.to_string());
}
