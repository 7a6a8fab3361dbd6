//! The bytes BurntSushi/toml v1.5.0 writes for containers/image's `V2RegistriesConf`, from [`RegistriesConf`].
//!
//! Layout of that encoder over those structs: plain keys of a table first (struct field order), then its
//! sub-tables; one blank line before every `[[...]]` / `[...]` header once something was written; two spaces of
//! indent per nesting level; `omitempty` fields only when set; strings in double quotes with Go's escapes.

use std::fmt::Write as _;

use crate::model::{Mirror, RegistriesConf, Registry};

/// Which generation of OpenShift's output to reproduce.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Today's: `short-name-mode` / `additional-layer-store-auth-helper` header lines, per-mirror
    /// `pull-from-mirror`.
    #[default]
    Current,
    /// The ICSP era's: no `short-name-mode` / `additional-layer-store-auth-helper` lines, `mirror-by-digest-only`
    /// on the registry. The renderer refuses tag mirror sets in this layout.
    Legacy,
}

/// Encodes `conf` as OpenShift writes registries.conf. An empty `unqualified_search_registries` (or
/// `credential_helpers`) is left out, as Go's encoder leaves out a nil list.
pub fn encode(conf: &RegistriesConf, layout: Layout) -> String {
    let mut out = Encoder::default();
    if !conf.unqualified_search_registries.is_empty() {
        out.key_value(
            0,
            "unqualified-search-registries",
            &string_array(&conf.unqualified_search_registries),
        );
    }
    write_header_tail(&mut out, conf, layout);
    for registry in &conf.registries {
        write_registry(&mut out, registry);
    }
    if !conf.aliases.is_empty() {
        out.header(0, "[aliases]");
        for (short_name, target) in &conf.aliases {
            out.key_value(1, &bare_or_quoted_key(short_name), &quoted(target));
        }
    }
    out.text
}

/// The search-registries drop-in: a `V2RegistriesConf` holding only `unqualified-search-registries` (written even
/// when empty, as OpenShift does for an explicit empty list).
pub fn encode_search_registries_drop_in(registries: &[String], layout: Layout) -> String {
    let mut out = Encoder::default();
    out.key_value(
        0,
        "unqualified-search-registries",
        &string_array(registries),
    );
    write_header_tail(&mut out, &RegistriesConf::default(), layout);
    out.text
}

fn write_header_tail(out: &mut Encoder, conf: &RegistriesConf, layout: Layout) {
    if !conf.credential_helpers.is_empty() {
        out.key_value(
            0,
            "credential-helpers",
            &string_array(&conf.credential_helpers),
        );
    }
    if layout == Layout::Current {
        out.key_value(0, "short-name-mode", &quoted(&conf.short_name_mode));
        out.key_value(
            0,
            "additional-layer-store-auth-helper",
            &quoted(&conf.additional_layer_store_auth_helper),
        );
    }
}

fn write_registry(out: &mut Encoder, registry: &Registry) {
    out.header(0, "[[registry]]");
    out.key_value(1, "prefix", &quoted(&registry.prefix));
    if !registry.location.is_empty() {
        out.key_value(1, "location", &quoted(&registry.location));
    }
    if registry.insecure {
        out.key_value(1, "insecure", "true");
    }
    if registry.blocked {
        out.key_value(1, "blocked", "true");
    }
    if registry.mirror_by_digest_only {
        out.key_value(1, "mirror-by-digest-only", "true");
    }
    for mirror in &registry.mirrors {
        write_mirror(out, mirror);
    }
}

fn write_mirror(out: &mut Encoder, mirror: &Mirror) {
    out.header(1, "[[registry.mirror]]");
    if !mirror.location.is_empty() {
        out.key_value(2, "location", &quoted(&mirror.location));
    }
    if mirror.insecure {
        out.key_value(2, "insecure", "true");
    }
    let pull_from_mirror = mirror.pull_from_mirror.as_str();
    if !pull_from_mirror.is_empty() {
        out.key_value(2, "pull-from-mirror", &quoted(pull_from_mirror));
    }
}

#[derive(Default)]
struct Encoder {
    text: String,
}

impl Encoder {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
    }

    fn key_value(&mut self, level: usize, key: &str, value: &str) {
        self.indent(level);
        let _ = writeln!(self.text, "{key} = {value}");
    }

    /// A table header, preceded by a blank line unless it is the first thing written.
    fn header(&mut self, level: usize, header: &str) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.indent(level);
        self.text.push_str(header);
        self.text.push('\n');
    }
}

/// `["a", "b"]`.
fn string_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A TOML key as BurntSushi writes it: bare when only `A-Za-z0-9_-`, else quoted.
fn bare_or_quoted_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        key.to_string()
    } else {
        quoted(key)
    }
}

/// A TOML basic string with BurntSushi's escapes: `"` and `\`, `\b \t \n \f \r`, other control characters and
/// DEL as `\u00XX`; everything else (non-ASCII included) as is.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
