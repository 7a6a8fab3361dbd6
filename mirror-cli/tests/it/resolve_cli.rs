//! `mirror-cli resolve` on a rendered node root and on plain files: snapshots of the text and JSON output, blocked
//! sources, errors, batch mode, and (ignored by default) batch throughput on a 10k-entry file.

use crate::common;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use mirror_cli::commands::resolve::{ResolveRequest, run_with_input};
use mirror_cli::commands::{Exit, Style};
use mirror_cli::explain::ConfigSource;

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn example_root() -> tempfile::TempDir {
    common::example_root(Default::default())
}

struct Run {
    exit: Result<Exit, String>,
    out: String,
    err: String,
}

fn resolve(config: ConfigSource, reference: Option<&str>, batch_input: &str, json: bool) -> Run {
    let root_text = match &config {
        ConfigSource::File(p) | ConfigSource::Root(p) => p.display().to_string(),
    };
    let request = ResolveRequest {
        config,
        reference: reference.map(str::to_owned),
        batch: reference.is_none(),
        json,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = run_with_input(
        &request,
        &mut batch_input.as_bytes(),
        &mut out,
        &mut err,
        &Style::plain(),
    )
    .map_err(|e| e.to_string().replace(&root_text, "[CONFIG]"));
    Run {
        exit,
        out: String::from_utf8(out)
            .unwrap()
            .replace(&root_text, "[CONFIG]"),
        err: String::from_utf8(err)
            .unwrap()
            .replace(&root_text, "[CONFIG]"),
    }
}

fn transcript(run: &Run) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        run.exit, run.out, run.err
    )
}

#[test]
fn on_a_rendered_node_root() {
    let root = example_root();
    let on_root = |reference: &str, json| {
        let run = resolve(
            ConfigSource::Root(root.path().to_path_buf()),
            Some(reference),
            "",
            json,
        );
        assert_eq!(run.exit, Ok(Exit::Ok), "{reference}");
        run
    };
    let by_digest = on_root(
        &format!("quay.io/openshift-release-dev/ocp-release@{DIGEST}"),
        false,
    );
    insta::assert_snapshot!("root_by_digest", transcript(&by_digest));
    let by_tag = on_root(
        "quay.io/openshift-release-dev/ocp-release:4.16.0-x86_64",
        false,
    );
    insta::assert_snapshot!("root_by_tag", transcript(&by_tag));
    let json = on_root(
        &format!("quay.io/openshift-release-dev/ocp-v4.0-art-dev@{DIGEST}"),
        true,
    );
    insta::assert_snapshot!("root_json", transcript(&json));
    // Never a password, whatever the output.
    for run in [&by_digest, &by_tag, &json] {
        assert!(
            !run.out.contains("demo-password") && !run.out.contains("bWlycm9y"),
            "{}",
            run.out
        );
    }
}

#[test]
fn drop_ins_are_merged_on_a_root() {
    let root = example_root();
    let drop_ins = root.path().join("etc/containers/registries.conf.d");
    fs::create_dir_all(&drop_ins).unwrap();
    // Replaces the release entry: an insecure second mirror, tried for tags too.
    fs::write(
        drop_ins.join("50-override.conf"),
        "[[registry]]\nlocation = \"quay.io/openshift-release-dev/ocp-release\"\n\n[[registry.mirror]]\n\
         location = \"backup.example.net:5000/ocp/release\"\ninsecure = true\n",
    )
    .unwrap();
    let run = resolve(
        ConfigSource::Root(root.path().to_path_buf()),
        Some("quay.io/openshift-release-dev/ocp-release:4.16"),
        "",
        false,
    );
    assert_eq!(run.exit, Ok(Exit::Ok));
    insta::assert_snapshot!("root_with_drop_in", transcript(&run));
}

fn write_conf(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("registries.conf");
    fs::write(&path, text).unwrap();
    path
}

/// registries.conf with blocked entries and a tag-only and a digest-only mirror.
const BLOCKING: &str = include_str!("fixtures/blocking.conf");

#[test]
fn blocked_sources_are_marked_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let conf = write_conf(dir.path(), BLOCKING);
    let run = resolve(
        ConfigSource::File(conf.clone()),
        Some("example.com/app:1"),
        "",
        false,
    );
    assert_eq!(run.exit, Ok(Exit::Failed));
    insta::assert_snapshot!("file_blocked", transcript(&run));
    let run = resolve(ConfigSource::File(conf.clone()), Some("busybox"), "", true);
    assert_eq!(run.exit, Ok(Exit::Failed));
    insta::assert_snapshot!("file_blocked_json", transcript(&run));
    let run = resolve(
        ConfigSource::File(conf),
        Some(&format!("tags.example.com/app@{DIGEST}")),
        "",
        false,
    );
    assert_eq!(run.exit, Ok(Exit::Ok));
    insta::assert_snapshot!("file_usage", transcript(&run));
}

#[test]
fn reference_and_configuration_errors_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let conf = write_conf(dir.path(), BLOCKING);
    let mut text = String::new();
    for reference in [
        "Not A Reference",
        "example.com/app:1@sha256:00",
        "a/b:c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ] {
        let run = resolve(ConfigSource::File(conf.clone()), Some(reference), "", false);
        assert!(
            run.exit.is_err() && run.out.is_empty(),
            "{reference}: {}",
            transcript(&run)
        );
        let _ = writeln!(text, "{reference}: {}", run.exit.unwrap_err());
    }
    let bad = write_conf(dir.path(), "[[registry]]\nprefix = \"x.io\"\n");
    let run = resolve(ConfigSource::File(bad), Some("x.io/a:1"), "", false);
    let _ = writeln!(text, "config: {}", run.exit.unwrap_err());
    let run = resolve(
        ConfigSource::Root(dir.path().join("missing")),
        Some("x.io/a:1"),
        "",
        false,
    );
    let _ = writeln!(text, "root: {}", run.exit.unwrap_err());
    insta::assert_snapshot!("errors", text);
}

#[test]
fn batch_mode_writes_one_line_per_reference() {
    let dir = tempfile::tempdir().unwrap();
    let conf = write_conf(dir.path(), BLOCKING);
    let input = format!(
        "example.com/app:1\n\n# a comment\nbusybox\ntags.example.com/app:v1\ntags.example.com/app@{DIGEST}\n\
         quay.io/other/image\nNOT VALID\n"
    );
    let run = resolve(ConfigSource::File(conf.clone()), None, &input, false);
    assert_eq!(run.exit, Ok(Exit::Failed), "a blocked source and an error");
    assert_eq!(run.out.lines().count(), 6);
    assert!(
        run.out.lines().all(|l| l.split('\t').count() == 2),
        "{}",
        run.out
    );
    insta::assert_snapshot!("batch", transcript(&run));
    let clean = resolve(
        ConfigSource::File(conf.clone()),
        None,
        "quay.io/a/b:1\ntags.example.com/app:v1\n",
        false,
    );
    assert_eq!(clean.exit, Ok(Exit::Ok));
    let json = resolve(ConfigSource::File(conf), None, "busybox\nNOT VALID\n", true);
    assert_eq!(json.out.lines().count(), 2);
    for line in json.out.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    insta::assert_snapshot!("batch_json", transcript(&json));
}

#[test]
fn the_binary_reads_batch_references_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let conf = write_conf(dir.path(), BLOCKING);
    let output = common::output_with_stdin(
        common::binary()
            .args(["resolve", "--batch", "--registries-conf"])
            .arg(&conf),
        b"quay.io/a/b:1\ntags.example.com/app:v1\n",
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "quay.io/a/b:1\tquay.io/a/b:1\ntags.example.com/app:v1\tm1.example.net/app:v1 tags.example.com/app:v1\n"
    );
    let bad = common::binary()
        .args(["resolve", "UPPERCASE", "--registries-conf"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .starts_with("error: invalid image reference \"UPPERCASE\"")
    );
}

/// Batch at scale: 100 000 references against a 10 000-entry registries.conf give one answer each, the first one
/// rewritten to its mirror. How fast is a benchmark's question (`benches/`), not this test's. Run with
/// `cargo test --release -p mirror-cli -- --ignored batch_100k`.
#[test]
#[ignore = "large; run it in release mode"]
fn batch_100k_references_10k_entries() {
    let dir = tempfile::tempdir().unwrap();
    let mut conf =
        String::from("unqualified-search-registries = [\"registry.access.redhat.com\"]\n");
    for i in 0..10_000 {
        let _ = write!(
            conf,
            "\n[[registry]]\n  prefix = \"\"\n  location = \"registry{}.example.com/ns{i}/app\"\n\n  [[registry.mirror]]\n    \
             location = \"mirror.example.net:5000/ns{i}/app\"\n    pull-from-mirror = \"digest-only\"\n",
            i % 100
        );
    }
    conf.push_str(
        "\n[[registry]]\n  prefix = \"*.wild.example.com\"\n  location = \"\"\n  blocked = true\n",
    );
    let path = write_conf(dir.path(), &conf);
    let mut input = String::new();
    for i in 0..100_000 {
        let n = i % 12_000; // a sixth fall outside every entry
        match i % 3 {
            0 => writeln!(input, "registry{}.example.com/ns{n}/app@{DIGEST}", n % 100),
            1 => writeln!(input, "registry{}.example.com/ns{n}/app/sub:v{i}", n % 100),
            _ => writeln!(input, "host{i}.wild.example.com/app:1"),
        }
        .unwrap();
    }
    let request = ResolveRequest {
        config: ConfigSource::File(path),
        reference: None,
        batch: true,
        json: false,
    };
    let explainer = mirror_cli::explain::Explainer::load(
        &request.config,
        &mut mirror_cli::commands::command_budget(),
    )
    .unwrap();
    assert!(
        explainer
            .pull_sources("registry0.example.com/ns0/app:1")
            .is_ok()
    );
    let mut out = Vec::with_capacity(32 << 20);
    let exit = run_with_input(
        &request,
        &mut input.as_bytes(),
        &mut out,
        &mut std::io::sink(),
        &Style::plain(),
    )
    .unwrap();
    assert_eq!(exit, Exit::Failed, "the wildcard entry is blocked");
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 100_000);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("mirror.example.net:5000/ns0/app@sha256:")
    );
}
