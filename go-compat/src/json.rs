//! `encoding/json` strings.

use std::fmt::Write as _;

/// Appends `s` as Go's `json.Marshal` writes a string: HTML-safe (`<`, `>`, `&`, U+2028 and U+2029 as `\u00XX`),
/// `\b` and `\f` as Go 1.22 and later write them (earlier releases wrote `\u0008` and `\u000c`; OpenShift 4.16
/// and later are built with Go 1.22 or newer), other control characters as `\u00XX`.
pub fn write_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// [`write_json_string`] into a new string.
pub fn json_string(s: &str) -> String {
    let mut out = String::new();
    write_json_string(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go 1.22's `json.Marshal("\b\f\x01<>&\u2028\u2029\"\\\n\r\té")`, recorded from encoding/json's rules
    /// (encode.go: `case '\b': dst = append(dst, '\\', 'b')` since Go 1.22).
    #[test]
    fn writes_what_go_1_22_writes() {
        assert_eq!(
            json_string("\u{8}\u{c}\u{1}<>&\u{2028}\u{2029}\"\\\n\r\té"),
            r#""\b\f\u0001\u003c\u003e\u0026\u2028\u2029\"\\\n\r\té""#
        );
    }
}
