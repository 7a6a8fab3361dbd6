//! Helpers shared by the test modules.

use std::path::PathBuf;

/// `text` parsed as a config file named `origin`, which the test knows to be valid.
pub fn parse(text: &str, origin: &str) -> dockerconfig::DockerConfig {
    dockerconfig::DockerConfig::parse(text.as_bytes(), origin)
        .unwrap_or_else(|e| panic!("{origin} should parse: {e}"))
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The fixture `tests/data/<name>.json`.
pub fn data_file(name: &str) -> Vec<u8> {
    let path = data_dir().join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture files under tests/data, sorted by name.
pub fn data_files() -> Vec<(String, Vec<u8>)> {
    let dir = data_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A reference implementation of Go's `json.Compact` on valid input, independent of the crate's parser: a
/// two-state scanner that drops the four JSON whitespace bytes outside strings.
pub fn reference_compact(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in input {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            out.push(b);
            if b == b'"' {
                in_string = true;
            }
        }
    }
    out
}

/// Every secret planted in the fixtures starts with one of these.
pub const SECRET_MARKERS: &[&str] = &["PW-", "TOKEN-"];

/// Every `auth` value and other secret string of a fixture, as written between quotes.
pub fn planted_secret_strings(input: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(input);
    let mut found = Vec::new();
    for field in [
        "\"auth\"",
        "\"Auth\"",
        "\"identitytoken\"",
        "\"IdentityToken\"",
        "\"registrytoken\"",
    ] {
        let mut rest = &*text;
        while let Some(i) = rest.find(field) {
            rest = &rest[i + field.len()..];
            let after = rest.trim_start().trim_start_matches(':').trim_start();
            if let Some(stripped) = after.strip_prefix('"')
                && let Some(end) = stripped.find('"')
                && end >= 4
            {
                found.push(stripped[..end].to_owned());
            }
        }
    }
    found
}

/// Panics if `text` shows a planted secret.
pub fn assert_no_secret(text: &str, input: &[u8], what: &str) {
    for marker in SECRET_MARKERS {
        assert!(
            !text.contains(marker),
            "{what} shows a secret ({marker}...): {text}"
        );
    }
    for secret in planted_secret_strings(input) {
        assert!(
            !text.contains(&secret),
            "{what} shows an auth value: {text}"
        );
    }
}
