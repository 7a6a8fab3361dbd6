//! The resolve golden cases (`tests/golden/resolve/`: what skopeo 1.9.3 / containers/image 5.23.1 really tried,
//! and where the current client differs, its `expected-current.txt`, which wins), read once for every runner: this crate's (`resolve_golden`, the library) and mirror-cli's (the `resolve`
//! command), which includes this file by path. Each runner turns what it saw into [`Seen`] sources and lets
//! [`check_sources`] hold them against the case, then adds its own checks.

// Shared by two test binaries; each reads the parts it checks.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// v1 files: containers/image 5.23 converts them; the current client refuses them (`expected-current.txt` of 121,
/// 122, 123), and so does registries-conf (125 mixes v1 and v2: both refuse it, in their own words).
pub const REFUSED_V1: &[&str] = &["121", "122", "123", "125"];

/// One case.
pub struct Case {
    /// `001` ... `159`.
    pub id: String,
    /// Its folder.
    pub dir: PathBuf,
    /// The reference pulled (`ref.txt`).
    pub reference: String,
    /// The references containers/image tried (`meta.json`'s `tried`).
    pub tried: Vec<String>,
    /// What containers/image did: the current client where its `expected-current.txt` exists, else 5.23.1.
    pub expected: Expected,
    /// Whether the current client differs from 5.23.1 here (an `expected-current.txt` exists): a runner shows a note
    /// for the older nodes.
    pub current_differs: bool,
}

/// What containers/image did.
pub enum Expected {
    /// A v1 file ([`REFUSED_V1`]).
    RefusedV1,
    /// It stopped before any attempt.
    ErrorBeforeAttempt {
        /// Where: `config`, `ref-parse` or `pull-sources`.
        stage: String,
        /// Its message, without skopeo's wrapper.
        error_core: String,
    },
    /// It tried these sources, in order.
    Attempts(Vec<Attempt>),
}

/// One source containers/image tried.
pub struct Attempt {
    /// The reference pulled.
    pub reference: String,
    /// The error of this attempt (`""` for none).
    pub error: String,
    /// Whether the requests went over plain http; `None` when there was no request.
    pub plain_http: Option<bool>,
}

impl Attempt {
    /// Whether this attempt failed at once because the source is blocked.
    pub fn blocked(&self) -> bool {
        self.error.contains(" is blocked in ")
    }
}

/// One source as a runner saw it.
pub struct Seen<'a> {
    /// The reference.
    pub reference: &'a str,
    /// Whether it is a mirror.
    pub is_mirror: bool,
    /// Whether it is marked blocked.
    pub blocked: bool,
    /// The blocked message, when the runner sees it.
    pub blocked_message: Option<&'a str>,
    /// Whether plain http / unverified TLS is allowed.
    pub insecure: bool,
}

/// The folder of the cases.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../registries-conf/tests/golden/resolve")
        .canonicalize()
        .expect("the resolve golden folder")
}

/// Every case, in order (158: 001-159 without 151).
pub fn cases() -> Vec<Case> {
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
    dirs.into_iter().map(|dir| read_case(&dir)).collect()
}

fn read_case(dir: &Path) -> Case {
    let id = dir.file_name().unwrap().to_string_lossy().into_owned();
    let reference = fs::read_to_string(dir.join("ref.txt")).unwrap();
    let reference = reference
        .strip_suffix('\n')
        .unwrap_or(&reference)
        .to_owned();
    let meta: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    let tried: Vec<String> = meta["tried"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let current = fs::read_to_string(dir.join("expected-current.txt")).ok();
    let expected = if REFUSED_V1.contains(&id.as_str()) {
        Expected::RefusedV1
    } else if let Some(current) = &current {
        // Only traces differ outside the v1 cases: the current client tries these sources, in order.
        assert!(
            !current.starts_with("error: "),
            "{id}: an error in expected-current.txt outside the v1 cases is not read yet"
        );
        Expected::Attempts(
            current
                .lines()
                .map(|reference| Attempt {
                    reference: reference.to_owned(),
                    error: String::new(),
                    plain_http: None,
                })
                .collect(),
        )
    } else if meta["error_before_any_attempt"].as_bool().unwrap() {
        Expected::ErrorBeforeAttempt {
            stage: meta["stage"].as_str().unwrap().to_owned(),
            error_core: meta["error_core"].as_str().unwrap().to_owned(),
        }
    } else {
        let attempts = meta["attempts"].as_array().unwrap();
        Expected::Attempts(
            tried
                .iter()
                .enumerate()
                .map(|(i, reference)| {
                    let attempt = &attempts[i];
                    let requests: Vec<&str> = attempt["requests"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|r| r.as_str().unwrap())
                        .collect();
                    Attempt {
                        reference: reference.clone(),
                        error: attempt["error"].as_str().unwrap_or("").to_owned(),
                        plain_http: (!requests.is_empty())
                            .then(|| requests.iter().any(|r| r.starts_with("GET http://"))),
                    }
                })
                .collect(),
        )
    };
    Case {
        id,
        dir: dir.to_path_buf(),
        reference,
        tried,
        expected,
        current_differs: current.is_some(),
    }
}

/// Holds the sources a runner saw against the attempts: the same references in order, every one but the last a
/// mirror, blocked exactly where containers/image said so (with its message, when the runner sees it), and
/// insecure exactly where the requests fell back to plain http.
pub fn check_sources(attempts: &[Attempt], seen: &[Seen<'_>]) -> Result<(), String> {
    let ours: Vec<&str> = seen.iter().map(|s| s.reference).collect();
    let tried: Vec<&str> = attempts.iter().map(|a| a.reference.as_str()).collect();
    if ours != tried {
        return Err(format!(
            "sources differ:\n  expected {tried:?}\n  ours     {ours:?}"
        ));
    }
    for (i, (source, attempt)) in seen.iter().zip(attempts).enumerate() {
        if source.blocked != attempt.blocked()
            || source
                .blocked_message
                .is_some_and(|message| message != attempt.error)
        {
            return Err(format!(
                "source {i}: blocked {} ({:?}), upstream error {:?}",
                source.blocked, source.blocked_message, attempt.error
            ));
        }
        if source.is_mirror != (i + 1 < seen.len()) {
            return Err(format!("source {i}: is_mirror is {}", source.is_mirror));
        }
        if let Some(plain_http) = attempt.plain_http
            && plain_http != source.insecure
        {
            return Err(format!(
                "source {i}: insecure is {}, requests over http: {plain_http}",
                source.insecure
            ));
        }
    }
    Ok(())
}

/// Runs `check` on every case; fails with every case that fails, not only the first.
pub fn check_every_case(check: impl Fn(&Case) -> Result<(), String>) {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check(case).err().map(|e| format!("{}: {e}", case.id)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
