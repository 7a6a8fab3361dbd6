//! Every case of registries-conf's `tests/golden/resolve/` (what skopeo 1.9.3 / containers/image 5.23.1 really
//! tried), run through `mirror-cli resolve REF --registries-conf FILE` (the command function). The cases are read
//! and the sources held against them by registries-conf's own runner (`resolve_cases`, included below); here:
//! - a trace: each stdout line's reference and words (`mirror` / `source`, `blocked`, `insecure`) are the sources
//!   seen; the exit is 1 when one is blocked (and the message is on stderr), else 0;
//! - an error before any attempt: a non-zero exit (an `Err`, exit 2 from main) with the reason, nothing on stdout;
//! - a v1 file: refused, saying so.

use std::path::Path;

use mirror_cli::commands::resolve::{ResolveRequest, run_with_input};
use mirror_cli::commands::{Exit, Style};
use mirror_cli::explain::ConfigSource;

#[path = "../../../registries-conf/tests/it/resolve_cases.rs"]
mod resolve_cases;
use resolve_cases::{Case, Expected, Seen, check_every_case, check_sources};

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

fn check_case(case: &Case) -> Result<(), String> {
    let outcome = resolve(&case.dir.join("registries.conf"), &case.reference);
    let attempts = match &case.expected {
        Expected::RefusedV1 => {
            return match &outcome.result {
                Err(e) if e.contains("sysregistry v1 format") => Ok(()),
                other => Err(format!("v1 file not refused: {other:?}")),
            };
        }
        Expected::ErrorBeforeAttempt { .. } => {
            return match &outcome.result {
                Err(reason) if !reason.is_empty() && outcome.stdout.is_empty() => Ok(()),
                other => Err(format!(
                    "expected an error, got {other:?} with stdout {:?}",
                    outcome.stdout
                )),
            };
        }
        Expected::Attempts(attempts) => attempts,
    };
    let exit = outcome
        .result
        .clone()
        .map_err(|e| format!("unexpected error: {e}"))?;
    let seen: Vec<Seen<'_>> = outcome
        .stdout
        .lines()
        .map(|line| {
            let mut words = line.split(' ');
            let reference = words.next().unwrap_or_default();
            let words: Vec<&str> = words.collect();
            Seen {
                reference,
                is_mirror: words.first() == Some(&"mirror"),
                blocked: words.contains(&"blocked"),
                blocked_message: None,
                insecure: words.contains(&"insecure"),
            }
        })
        .collect();
    // Every line names its role: `mirror`, or `source` for the last.
    for line in outcome.stdout.lines() {
        if !matches!(line.split(' ').nth(1), Some("mirror" | "source")) {
            return Err(format!("no role on {line:?}"));
        }
    }
    check_sources(attempts, &seen)?;
    let any_blocked = attempts.iter().any(|a| a.blocked());
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
    check_every_case(check_case);
}
