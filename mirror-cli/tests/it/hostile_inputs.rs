//! Issue 14, rows 5 and 11: input text in messages. A pull secret given as a mapping file is never quoted (not its
//! first line, not its `auth`); tokens of a mapping line and object names reach the terminal escaped and cut.

use mirror_cli::cluster::Cluster;
use mirror_cli::mapping;

use crate::common::{assert_contains, assert_starts_with, input};

const AUTH: &str = "dXNlcjpzM2NyZXQtcGFzc3dvcmQ="; // user:s3cret-password

#[test]
fn a_pull_secret_given_as_the_mapping_is_never_quoted() {
    let secrets = [
        // Compact, as `oc get secret ... | base64 -d` prints it.
        format!("{{\"auths\":{{\"quay.io\":{{\"auth\":\"{AUTH}\",\"email\":\"a@b.c\"}}}}}}\n"),
        // Spaced and with `=` in the base64: tokens that look like SRC=DST.
        format!("{{\"auths\": {{\"quay.io\": {{\"auth\": \"{AUTH}\"}}, \"x=y\": {{}}}}}}\n"),
        // Pretty-printed: the auth on its own line.
        format!(
            "{{\n  \"auths\": {{\n    \"quay.io\": {{\n      \"auth\": \"{AUTH}\"\n    }}\n  }}\n}}\n"
        ),
        // Not JSON at all, but naming an auth.
        format!("quay.io/a:1=mirror.example.com/a:1 \"auth\": {AUTH}\n"),
    ];
    for secret in secrets {
        let e = mapping::parse("pull-secret.json", secret.as_bytes())
            .unwrap_err()
            .to_string();
        assert_starts_with(&e, "file pull-secret.json, line 1: ");
        assert_contains(&e, "nothing of it is shown");
        for needle in [AUTH, "s3cret", "quay.io", "auths"] {
            assert!(!e.contains(needle), "{needle} in {e}");
        }
    }
}

#[test]
fn mapping_tokens_are_escaped_and_cut() {
    let long = "a".repeat(5_000);
    for (line, forbidden) in [
        ("quay.io/a\u{1b}[2J:1=mirror.example.com/a:1\n", '\u{1b}'),
        ("quay.io/a\u{7}:1 mirror.example.com/a:1\n", '\u{7}'),
    ] {
        let e = mapping::parse("mapping.txt", line.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(!e.contains(forbidden), "{e:?}");
        assert!(e.contains("\\u{1b}") || e.contains("\\u{7}"), "{e}");
    }
    let e = mapping::parse(
        "mapping.txt",
        format!("quay.io/{long}:1={long}\n").as_bytes(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.len() < 2_000, "{} bytes: the token is not cut", e.len());
}

#[test]
fn object_names_in_messages_are_escaped() {
    let stream = "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\nspec:\n  \
                  additionalTrustedCA:\n    name: \"ca\\e[2J\\a\"\n";
    let e = Cluster::read(&[input("objects.yaml", stream)], &icsp::Limits::default())
        .and_then(|cluster| cluster.trusted_ca_config_map().map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    assert_contains(&e, "ca\\u{1b}[2J\\u{7}");
}

#[test]
fn batch_lines_that_are_no_reference_are_echoed_escaped() {
    use mirror_cli::commands::resolve::{ResolveRequest, run_with_input};
    use mirror_cli::explain::ConfigSource;
    let root = crate::common::example_root(Default::default());
    let request = ResolveRequest {
        config: ConfigSource::Root(root.path().to_path_buf()),
        reference: None,
        batch: true,
        json: false,
    };
    let lines = format!("quay.io/a\u{1b}]0;title\u{7}:1\n{}\n", "b".repeat(5_000));
    let (result, out, _) = crate::common::capture(|out, err, style| {
        run_with_input(&request, &mut lines.as_bytes(), out, err, style)
    });
    result.unwrap();
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert_starts_with(&out, "quay.io/a\\u{1b}]0;title\\u{7}:1\terror: ");
    assert!(out.lines().all(|l| l.len() < 1_500), "a line is not cut");
}
