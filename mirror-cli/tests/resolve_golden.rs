//! Every case of registries-conf's `tests/golden/resolve/` (what skopeo 1.9.3 / containers/image 5.23.1 really
//! tried), run through `mirror-cli resolve REF --registries-conf FILE` (the command function) and held against it
//! as the README there says:
//! - a trace: the first word of each stdout line equals `expected.txt`, exit 0;
//! - an error before any attempt: a non-zero exit (an `Err`, exit 2 from main) with the reason;
//! - an error during the attempts: the references equal the tried ones, a blocked one is marked `blocked` (and the
//!   exit is 1), the others are not.

use std::fs;
use std::path::{Path, PathBuf};

use mirror_cli::commands::resolve::{ConfigSource, ResolveRequest, run_with_input};
use mirror_cli::commands::{Exit, Style};
use serde_json::Value;

/// v1 files: containers/image converts them, registries-conf refuses them on purpose (a configuration error here).
const REFUSED_V1: &[&str] = &["121", "122", "123", "125"];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../registries-conf/tests/golden/resolve")
}

struct Outcome {
    result: Result<Exit, String>,
    stdout: String,
    stderr: String,
}

fn resolve(conf: &Path, reference: &str) -> Outcome {
    let request = ResolveRequest {
        config: ConfigSource::File(conf.to_path_buf()),
        reference: Some(reference.to_owned()),
        batch: false,
        json: false,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = run_with_input(&request, &mut &b""[..], &mut out, &mut err, &Style::plain())
        .map_err(|e| e.to_string());
    Outcome {
        result,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

fn check_case(dir: &Path) -> Result<(), String> {
    let id = dir.file_name().unwrap().to_string_lossy().into_owned();
    let reference = fs::read_to_string(dir.join("ref.txt")).unwrap();
    let reference = reference.strip_suffix('\n').unwrap_or(&reference);
    let meta: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let expected = fs::read_to_string(dir.join("expected.txt")).unwrap();
    let outcome = resolve(&dir.join("registries.conf"), reference);

    if REFUSED_V1.contains(&id.as_str()) {
        return match &outcome.result {
            Err(e) if e.contains("sysregistry v1 format") => Ok(()),
            other => Err(format!("v1 file not refused: {other:?}")),
        };
    }
    if meta["error_before_any_attempt"].as_bool().unwrap() {
        return match &outcome.result {
            Err(reason) if !reason.is_empty() && outcome.stdout.is_empty() => Ok(()),
            other => Err(format!(
                "expected an error, got {other:?} with stdout {:?}",
                outcome.stdout
            )),
        };
    }

    let mut expected_lines: Vec<&str> = expected.lines().collect();
    if expected_lines
        .first()
        .is_some_and(|l| l.starts_with("error: "))
    {
        expected_lines.remove(0);
    }
    let exit = outcome
        .result
        .clone()
        .map_err(|e| format!("unexpected error: {e}"))?;
    let lines: Vec<&str> = outcome.stdout.lines().collect();
    let references: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    if references != expected_lines {
        return Err(format!(
            "sources differ:\n  expected {expected_lines:?}\n  ours     {references:?}"
        ));
    }
    let mut any_blocked = false;
    for (i, (line, attempt)) in lines
        .iter()
        .zip(meta["attempts"].as_array().unwrap())
        .enumerate()
    {
        let words: Vec<&str> = line.split(' ').skip(1).collect();
        let upstream_blocked = attempt["error"]
            .as_str()
            .unwrap_or("")
            .contains(" is blocked in ");
        if words.contains(&"blocked") != upstream_blocked {
            return Err(format!(
                "source {i}: line {line:?}, upstream error {:?}",
                attempt["error"]
            ));
        }
        any_blocked |= upstream_blocked;
        let role = if i + 1 < lines.len() {
            "mirror"
        } else {
            "source"
        };
        if words.first() != Some(&role) {
            return Err(format!("source {i}: expected {role}: {line:?}"));
        }
        // The requests show the TLS setting: an insecure source falls back to plain http.
        let requests = attempt["requests"].as_array().unwrap();
        if !requests.is_empty() {
            let http = requests
                .iter()
                .any(|r| r.as_str().unwrap().starts_with("GET http://"));
            if http != words.contains(&"insecure") {
                return Err(format!("source {i}: {line:?}, requests {requests:?}"));
            }
        }
    }
    let expected_exit = if any_blocked { Exit::Failed } else { Exit::Ok };
    if exit != expected_exit {
        return Err(format!("exit {exit:?}, expected {expected_exit:?}"));
    }
    if any_blocked && !outcome.stderr.contains(" is blocked in ") {
        return Err(format!(
            "the blocked message is not on stderr: {:?}",
            outcome.stderr
        ));
    }
    Ok(())
}

#[test]
fn every_golden_resolve_case_through_the_command() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert_eq!(
        dirs.len(),
        158,
        "the handed-over cases are 001-159 without 151"
    );
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            check_case(d)
                .err()
                .map(|e| format!("{}: {e}", d.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
