//! Input bounds (issue 8): an oversized file is refused before parsing, and deep nesting stops at toml_edit's
//! recursion limit, both quickly and with a clear error.

use registries_conf::ErrorKind;
use registries_conf::{MAX_INPUT_BYTES, parse, parse_drop_in};

#[test]
fn a_file_over_the_limit_is_refused_before_parsing() {
    // Found by the issue-8 bounds check: 100 MB of `[[registry]]` tables took 21 s and gigabytes to parse.
    let line = "[[registry]]\nlocation = \"quay.io/a\"\n";
    let text = line.repeat(MAX_INPUT_BYTES / line.len() + 1);
    let e = parse("big.conf", text.as_bytes()).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::TooLarge { size, limit: MAX_INPUT_BYTES } if *size == text.len())
    );
    assert_eq!(
        e.to_string(),
        format!(
            "loading registries configuration \"big.conf\": the file is {} bytes, more than the limit of {} bytes",
            text.len(),
            MAX_INPUT_BYTES
        )
    );
    let e = parse_drop_in("big.conf", text.as_bytes()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("loading drop-in registries configuration \"big.conf\": the file is")
    );
}

#[test]
fn a_file_at_the_limit_is_parsed() {
    let mut text = "unqualified-search-registries = [\"quay.io\"]\n".to_owned();
    text.push_str(&"#".repeat(MAX_INPUT_BYTES - text.len()));
    assert_eq!(text.len(), MAX_INPUT_BYTES);
    let parsed = parse("limit.conf", text.as_bytes()).unwrap();
    assert_eq!(parsed.config.unqualified_search_registries, ["quay.io"]);
}

#[test]
fn deep_nesting_stops_at_the_recursion_limit() {
    for (open, close) in [("[", "]"), ("{a=", "}")] {
        let text = format!("x = {}{}", open.repeat(100_000), close.repeat(100_000));
        let e = parse("deep.conf", text.as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains("max recursion depth met"),
            "{open}: {e}"
        );
    }
}
