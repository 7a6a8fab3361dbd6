//! Whatever the project writes, it reads back (issue 13.6): 100 000 sources (ten times the largest realistic
//! cluster) as ≈1 100 YAML documents render, and every command reads the 28 MB registries.conf render wrote.
//!
//! Too slow for a debug build (tens of seconds): `#[ignore]`d here, run in release by `.ci/run`
//! (`cargo test --release -p mirror-cli --test it -- --ignored edge_bounds`).

use crate::common::{self, assert_starts_with, input};
use mirror_cli::commands::Exit;
use mirror_cli::commands::render::RenderRequest;
use mirror_cli::commands::resolve::{self, ResolveRequest};
use mirror_cli::commands::verify::VerifyRequest;
use mirror_cli::explain::ConfigSource;
use mirror_cli::node::RenderOptions;

const SOURCES: usize = 100_000;
/// ImageDigestMirrorSet mirrors are pulled by digest.
const DIGEST: &str = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
/// As the bench packs them (and oc-mirror's output comes close): 91 sources an object.
const PER_OBJECT: usize = 91;

/// The mirror's credentials, so that verify finds every mirror with its entry.
fn options() -> RenderOptions {
    RenderOptions {
        pull_secret: Some(input(
            "ps.json",
            r#"{"auths":{"mirror.example.com:5000":{"auth":"dTpw"}}}"#,
        )),
        ..Default::default()
    }
}

fn objects() -> String {
    let mut text = String::with_capacity(SOURCES * 130);
    for i in 0..SOURCES {
        if i % PER_OBJECT == 0 {
            text.push_str(&format!(
                "---\napiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: \
                 mirrors-{}\nspec:\n  imageDigestMirrors:\n",
                i / PER_OBJECT
            ));
        }
        text.push_str(&format!(
            "  - source: quay.io/team-{i}/app-{i}\n    mirrors:\n    - mirror.example.com:5000/team-{i}/app-{i}\n"
        ));
    }
    text
}

#[test]
#[ignore = "100 000 sources: run in release (.ci/run)"]
fn render_100_000_sources_then_resolve_and_verify_the_result() {
    let text = objects();
    assert!(text.len() > 10_000_000, "{}", text.len());
    let root = tempfile::tempdir().unwrap();
    let (result, _, err) = common::render_captured(&RenderRequest {
        inputs: vec![input("mirrors.yaml", &text)],
        root: Some(root.path().to_path_buf()),
        options: options(),
        ..Default::default()
    });
    assert_eq!(result.unwrap(), Exit::Ok, "{err}");
    let written = std::fs::metadata(root.path().join("etc/containers/registries.conf"))
        .unwrap()
        .len();
    assert!(
        written > 16 * 1024 * 1024,
        "registries.conf is {written} bytes"
    );

    // resolve reads it back, on the root and as one file.
    for config in [
        ConfigSource::Root(root.path().to_path_buf()),
        ConfigSource::File(root.path().join("etc/containers/registries.conf")),
    ] {
        let (result, out, err) = common::capture(|out, err, style| {
            resolve::run_with_input(
                &ResolveRequest {
                    config,
                    reference: Some(format!("quay.io/team-99999/app-99999@{DIGEST}")),
                    batch: false,
                    json: false,
                },
                &mut &b""[..],
                out,
                err,
                style,
            )
        });
        assert_eq!(result.unwrap(), Exit::Ok, "{err}");
        assert_starts_with(
            &out,
            &format!("mirror.example.com:5000/team-99999/app-99999@{DIGEST} mirror"),
        );
    }

    // verify reads it back and finds the node as rendered.
    let (result, out, err) = common::verify_captured(&VerifyRequest {
        roots: vec![root.path().to_path_buf()],
        inputs: vec![input("mirrors.yaml", &text)],
        options: options(),
        ..Default::default()
    });
    assert_eq!(result.unwrap(), Exit::Ok, "{out}{err}");
}
