//! Every case of `tests/golden/resolve/` (what skopeo 1.9.3 / containers/image 5.23.1 really tried), run through
//! parse → validate → resolve and held against it as the README there says. The cases are read by
//! `resolve_cases`, which mirror-cli's test of the `resolve` command shares.

use std::fs;

use registries_conf::{Error, ErrorKind, PullSource, Resolver, WarningKind, parse, validate};

use crate::resolve_cases::{Case, Expected, Seen, cases, check_every_case, check_sources};

const CONFIG_PATH: &str = "/etc/containers/registries.conf";

/// Config errors whose text is BurntSushi/toml's (ours names line and column in our own words); the line must agree.
const TOML_ERRORS: &[&str] = &["126", "127", "130"];

/// Reference errors whose text comes from image-ref, which follows a newer docker/distribution: `repository name
/// (X) must be lowercase`, and the 64-hex message without the name (the pull is still refused before any attempt).
const IMAGE_REF_TEXT_DIFFERS: &[&str] = &["140", "141", "147"];

fn resolve_case(conf: &[u8], reference: &str) -> Result<Vec<PullSource>, Error> {
    let parsed = parse(CONFIG_PATH, conf)?;
    let config = validate(&parsed)?;
    Resolver::new(&config).pull_sources(reference)
}

/// Checks one case; `Err` says how it differs.
fn check_case(case: &Case) -> Result<(), String> {
    let conf = fs::read(case.dir.join("registries.conf")).unwrap_or_default();
    let result = resolve_case(&conf, &case.reference);
    let id = case.id.as_str();
    match &case.expected {
        Expected::RefusedV1 => match result {
            Err(e) if matches!(e.kind(), ErrorKind::UnsupportedV1) => Ok(()),
            other => Err(format!("v1 file not refused: {other:?}")),
        },
        Expected::ErrorBeforeAttempt { stage, error_core } => {
            let err = match result {
                Err(e) => e,
                Ok(sources) => {
                    return Err(format!(
                        "expected error {error_core:?}, got sources {sources:?}"
                    ));
                }
            };
            let ours = match stage.as_str() {
                "config" => format!("loading registries configuration: {err}"),
                _ => err.upstream_message().unwrap_or_else(|| err.to_string()),
            };
            if TOML_ERRORS.contains(&id) {
                let line = |s: &str| {
                    s.split("toml: line ").nth(1).map(|r| {
                        r.chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                    })
                };
                if line(&ours) != line(error_core) {
                    return Err(format!(
                        "TOML error on another line:\n  expected {error_core:?}\n  ours     {ours:?}"
                    ));
                }
            }
            let text_may_differ = TOML_ERRORS.contains(&id) || IMAGE_REF_TEXT_DIFFERS.contains(&id);
            if ours != *error_core && !text_may_differ {
                return Err(format!(
                    "error text differs:\n  expected {error_core:?}\n  ours     {ours:?}"
                ));
            }
            let kind_ok = match stage.as_str() {
                "config" => matches!(
                    err.kind(),
                    ErrorKind::InvalidConfig { .. } | ErrorKind::Toml { .. }
                ),
                "pull-sources" => matches!(err.kind(), ErrorKind::Rewrite { .. }),
                "ref-parse" => matches!(
                    err.kind(),
                    ErrorKind::InvalidReference { .. } | ErrorKind::TagAndDigest { .. }
                ),
                _ => false,
            };
            if kind_ok {
                Ok(())
            } else {
                Err(format!("wrong error kind for stage {stage}: {err:?}"))
            }
        }
        Expected::Attempts(attempts) => {
            // Where 5.23 differs (a trailing slash on a mirror), the file says so in a typed note.
            let note = parse(CONFIG_PATH, &conf).is_ok_and(|parsed| {
                parsed
                    .warnings
                    .iter()
                    .any(|w| w.kind == WarningKind::MirrorTrailingSlashOnOlderClients)
            });
            if note != case.current_differs {
                return Err(format!(
                    "a note for older clients is {}given, the current client differs: {}",
                    if note { "" } else { "not " },
                    case.current_differs
                ));
            }
            let sources = result
                .map_err(|e| format!("expected {} sources, got error {e}", attempts.len()))?;
            let seen: Vec<Seen<'_>> = sources
                .iter()
                .map(|s| Seen {
                    reference: &s.reference,
                    is_mirror: s.is_mirror,
                    blocked: s.blocked.is_some(),
                    blocked_message: s.blocked.as_ref().map(|b| b.message.as_str()),
                    insecure: s.insecure,
                })
                .collect();
            check_sources(attempts, &seen)
        }
    }
}

#[test]
fn every_golden_resolve_case() {
    check_every_case(check_case);
}

/// expected.txt agrees with meta.json (so checking meta.json checks what the README describes).
#[test]
fn expected_txt_matches_meta() {
    for case in cases() {
        let expected = fs::read_to_string(case.dir.join("expected.txt")).unwrap();
        let mut lines: Vec<&str> = expected.lines().collect();
        if lines.first().is_some_and(|l| l.starts_with("error: ")) {
            lines.remove(0);
        }
        assert_eq!(lines, case.tried, "{}", case.id);
    }
}
