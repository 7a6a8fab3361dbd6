//! Every case of `tests/golden/resolve/` (what skopeo 1.9.3 / containers/image 5.23.1 really tried), run through
//! parse → validate → resolve and held against it as the README there says.

use std::fs;
use std::path::{Path, PathBuf};

use registries_conf::parse;
use registries_conf::validate;
use registries_conf::{Error, ErrorKind};
use registries_conf::{PullSource, Resolver};
use serde_json::Value;

const CONFIG_PATH: &str = "/etc/containers/registries.conf";

/// v1 files: containers/image converts them, this crate refuses them on purpose (brief: "v1 alone: refuse").
const REFUSED_V1: &[&str] = &["121", "122", "123", "125"];

/// Config errors whose text is BurntSushi/toml's (ours names line and column in our own words); the line must agree.
const TOML_ERRORS: &[&str] = &["126", "127", "130"];

/// Reference errors whose text comes from image-ref, which follows a newer docker/distribution: `repository name
/// (X) must be lowercase`, and the 64-hex message without the name (the pull is still refused before any attempt).
const IMAGE_REF_TEXT_DIFFERS: &[&str] = &["140", "141", "147"];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/resolve")
}

fn resolve_case(conf: &[u8], reference: &str) -> Result<Vec<PullSource>, Error> {
    let parsed = parse(CONFIG_PATH, conf)?;
    let config = validate(&parsed)?;
    Resolver::new(&config).pull_sources(reference)
}

/// Checks one case; `Err` says how it differs.
fn check_case(dir: &Path) -> Result<(), String> {
    let id = dir.file_name().unwrap().to_string_lossy().into_owned();
    let conf = fs::read(dir.join("registries.conf")).unwrap_or_default();
    let reference = fs::read_to_string(dir.join("ref.txt")).unwrap();
    let reference = reference.strip_suffix('\n').unwrap_or(&reference);
    let meta: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let stage = meta["stage"].as_str().unwrap();
    let tried: Vec<&str> = meta["tried"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let result = resolve_case(&conf, reference);

    if REFUSED_V1.contains(&id.as_str()) {
        return match result {
            Err(e) if matches!(e.kind(), ErrorKind::UnsupportedV1) => Ok(()),
            other => Err(format!("v1 file not refused: {other:?}")),
        };
    }

    if meta["error_before_any_attempt"].as_bool().unwrap() {
        let expected = meta["error_core"].as_str().unwrap();
        let err = match result {
            Err(e) => e,
            Ok(sources) => {
                return Err(format!(
                    "expected error {expected:?}, got sources {sources:?}"
                ));
            }
        };
        let ours = match stage {
            "config" => format!("loading registries configuration: {err}"),
            _ => err.upstream_message().unwrap_or_else(|| err.to_string()),
        };
        if TOML_ERRORS.contains(&id.as_str()) {
            let line = |s: &str| {
                s.split("toml: line ").nth(1).map(|r| {
                    r.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
            };
            if line(&ours) != line(expected) {
                return Err(format!(
                    "TOML error on another line:\n  expected {expected:?}\n  ours     {ours:?}"
                ));
            }
        }
        let text_may_differ =
            TOML_ERRORS.contains(&id.as_str()) || IMAGE_REF_TEXT_DIFFERS.contains(&id.as_str());
        if ours != expected && !text_may_differ {
            return Err(format!(
                "error text differs:\n  expected {expected:?}\n  ours     {ours:?}"
            ));
        }
        let kind_ok = match stage {
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
        return if kind_ok {
            Ok(())
        } else {
            Err(format!("wrong error kind for stage {stage}: {err:?}"))
        };
    }

    let sources = result.map_err(|e| format!("expected sources {tried:?}, got error {e}"))?;
    let ours: Vec<&str> = sources.iter().map(|s| s.reference.as_str()).collect();
    if ours != tried {
        return Err(format!(
            "sources differ:\n  expected {tried:?}\n  ours     {ours:?}"
        ));
    }
    for (i, (source, attempt)) in sources
        .iter()
        .zip(meta["attempts"].as_array().unwrap())
        .enumerate()
    {
        let error = attempt["error"].as_str().unwrap_or("");
        let blocked_upstream = error.contains(" is blocked in ");
        match (&source.blocked, blocked_upstream) {
            (Some(b), true) if b.message == error => {}
            (None, false) => {}
            (ours, _) => {
                return Err(format!(
                    "source {i}: blocked {ours:?}, upstream error {error:?}"
                ));
            }
        }
        if source.is_mirror != (i + 1 < sources.len()) {
            return Err(format!("source {i}: is_mirror is {}", source.is_mirror));
        }
        // The requests show the TLS setting: an insecure source falls back to plain http.
        let requests: Vec<&str> = attempt["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        if !requests.is_empty() {
            let http = requests.iter().any(|r| r.starts_with("GET http://"));
            if http != source.insecure {
                return Err(format!(
                    "source {i}: insecure is {}, requests {requests:?}",
                    source.insecure
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_golden_resolve_case() {
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

/// expected.txt agrees with meta.json (so checking meta.json checks what the README describes).
#[test]
fn expected_txt_matches_meta() {
    for entry in fs::read_dir(golden_dir()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let expected = fs::read_to_string(dir.join("expected.txt")).unwrap();
        let meta: Value =
            serde_json::from_str(&fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
        let mut lines: Vec<&str> = expected.lines().collect();
        if lines.first().is_some_and(|l| l.starts_with("error: ")) {
            lines.remove(0);
        }
        let tried: Vec<&str> = meta["tried"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(lines, tried, "{}", dir.display());
    }
}
