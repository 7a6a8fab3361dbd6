//! The cluster semantics behind `mirror-cli`: which OpenShift object feeds which node file, the payload check, and
//! the plans behind `render`, `verify` and `resolve`. `main.rs` only parses arguments and calls in here.

#![forbid(unsafe_code)]

pub mod cluster;
pub mod commands;
mod error;
pub mod mapping;
pub mod node;
pub mod policy_json;
pub mod writer;

pub use error::Error;

/// Quotes `s` as Go's `%q` does (the form OpenShift's messages use): `"` and `\` escaped, control and
/// non-printable characters as `\n`, `\t`, `\xNN` or `\uNNNN`; printable Unicode kept.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
