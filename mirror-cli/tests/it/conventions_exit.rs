//! Exit codes as the ecosystem has them: `diff` as `kubectl diff` (0 same, 1 different, 2 error), a closed stdout
//! (`| head`) ends quietly with the status a shell reports for kubectl killed by SIGPIPE, and argument errors are
//! clap's exit 2.

use std::fs;
use std::process::{Command, Output, Stdio};

use mirror_cli::cluster::EXAMPLE;
use mirror_cli::commands::CLOSED_OUTPUT_EXIT;

use crate::common::{assert_contains, binary, run_binary};

use crate::common::NEW_IDMS;

fn objects() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let current = dir.path().join("current.yaml");
    let idms = dir.path().join("idms.yaml");
    fs::write(&current, EXAMPLE).unwrap();
    fs::write(&idms, NEW_IDMS).unwrap();
    let (current, idms) = (current.display().to_string(), idms.display().to_string());
    (dir, current, idms)
}

#[test]
fn diff_exits_1_when_nodes_would_change_0_when_not_2_on_error() {
    let (_dir, current, idms) = objects();
    let same = run_binary(&["diff", "--from", &current, "--to", &current], "");
    assert_eq!(same.status.code(), Some(0), "{same:?}");

    let changed = run_binary(
        &["diff", "--from", &current, "--to", &current, "--to", &idms],
        "",
    );
    assert_eq!(changed.status.code(), Some(1), "{changed:?}");
    let out = String::from_utf8(changed.stdout).unwrap();
    assert_contains(&out, "In plain words");

    let missing = run_binary(
        &["diff", "--from", &current, "--to", "/nonexistent/x.yaml"],
        "",
    );
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/x.yaml"));
}

/// Runs the binary with a stdout whose reader is already gone, as after `| head` has read its lines: every write
/// to stdout fails with EPIPE (no pipe buffer to hide it).
fn with_closed_stdout(args: &[&str], stdin: &str) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child: Command = binary();
    let mut child = child
        .args(args)
        .stdin(Stdio::piped())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        // The child may exit before it reads all of stdin.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_quietly_not_as_bad_input() {
    let (_dir, current, idms) = objects();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("node");
    let conf = root.join("etc/containers");
    fs::create_dir_all(&conf).unwrap();
    fs::write(conf.join("registries.conf"), registries_conf::TEMPLATE).unwrap();
    let root = root.display().to_string();
    let many: String = (0..5000)
        .map(|i| format!("quay.io/ns/image-{i}:1\n"))
        .collect();

    let runs: Vec<(&str, Output)> = vec![
        (
            "render --example",
            with_closed_stdout(&["render", "--example"], ""),
        ),
        (
            "diff",
            with_closed_stdout(
                &["diff", "--from", &current, "--to", &current, "--to", &idms],
                "",
            ),
        ),
        (
            "resolve --batch",
            with_closed_stdout(&["resolve", "--batch", "--root", &root], &many),
        ),
        (
            "icsp validate",
            with_closed_stdout(&["icsp", "validate", &current], ""),
        ),
    ];
    for (what, output) in runs {
        assert_eq!(
            output.status.code(),
            Some(i32::from(CLOSED_OUTPUT_EXIT)),
            "{what}: {output:?}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("error")
                && !stderr.contains("panicked")
                && !stderr.contains("Broken pipe"),
            "{what}: {stderr}"
        );
    }
}

#[test]
fn help_into_a_closed_stdout_does_not_panic() {
    let output = with_closed_stdout(&["render", "--help"], "");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn argument_errors_are_clap_exit_2() {
    for args in [
        &["render", "--no-such-flag"][..],
        &["diff", "--from", "a.yaml"],
        &["resolve"],
        &["no-such-command"],
    ] {
        let output = run_binary(args, "");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("error:"),
            "{args:?}: {output:?}"
        );
    }
}
