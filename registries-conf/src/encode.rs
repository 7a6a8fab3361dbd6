//! The bytes BurntSushi/toml v1.5.0 writes for containers/image's `V2RegistriesConf`, from [`RegistriesConf`].
//!
//! Layout of that encoder over those structs: plain keys of a table first (struct field order), then its
//! sub-tables; one blank line before every `[[...]]` / `[...]` header once something was written; two spaces of
//! indent per nesting level; `omitempty` fields only when set; strings in double quotes with Go's escapes.

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
    // Count first, then write into a buffer of the exact size: a large file never pays for the doubling growth
    // (which would briefly hold 1.5x its size).
    let mut counter = Encoder { sink: Counter(0) };
    counter.conf(conf, layout);
    let mut out = Encoder {
        sink: String::with_capacity(counter.sink.0),
    };
    out.conf(conf, layout);
    out.sink
}

/// The search-registries drop-in: a `V2RegistriesConf` holding only `unqualified-search-registries` (written even
/// when empty, as OpenShift does for an explicit empty list).
pub fn encode_search_registries_drop_in(registries: &[String], layout: Layout) -> String {
    let mut out = Encoder {
        sink: String::new(),
    };
    out.key(0, "unqualified-search-registries");
    out.string_array(registries);
    out.header_tail(&RegistriesConf::default(), layout);
    out.sink
}

/// Where encoded text goes: a `String`, or a counter of its length.
trait Sink {
    fn put(&mut self, text: &str);
    fn written(&self) -> usize;
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
    fn written(&self) -> usize {
        self.len()
    }
}

struct Counter(usize);

impl Sink for Counter {
    fn put(&mut self, text: &str) {
        self.0 += text.len();
    }
    fn written(&self) -> usize {
        self.0
    }
}

struct Encoder<S> {
    sink: S,
}

impl<S: Sink> Encoder<S> {
    fn conf(&mut self, conf: &RegistriesConf, layout: Layout) {
        if !conf.unqualified_search_registries.is_empty() {
            self.key(0, "unqualified-search-registries");
            self.string_array(&conf.unqualified_search_registries);
        }
        self.header_tail(conf, layout);
        for registry in &conf.registries {
            self.registry(registry);
        }
        if !conf.aliases.is_empty() {
            self.header(0, "[aliases]");
            for (short_name, target) in &conf.aliases {
                self.indent(1);
                if is_bare_key(short_name) {
                    self.sink.put(short_name);
                } else {
                    self.quoted(short_name);
                }
                self.sink.put(" = ");
                self.quoted(target);
                self.sink.put("\n");
            }
        }
    }

    fn header_tail(&mut self, conf: &RegistriesConf, layout: Layout) {
        if !conf.credential_helpers.is_empty() {
            self.key(0, "credential-helpers");
            self.string_array(&conf.credential_helpers);
        }
        if layout == Layout::Current {
            self.string_value(0, "short-name-mode", &conf.short_name_mode);
            self.string_value(
                0,
                "additional-layer-store-auth-helper",
                &conf.additional_layer_store_auth_helper,
            );
        }
    }

    fn registry(&mut self, registry: &Registry) {
        self.header(0, "[[registry]]");
        self.string_value(1, "prefix", &registry.prefix);
        if !registry.location.is_empty() {
            self.string_value(1, "location", &registry.location);
        }
        if registry.insecure {
            self.true_value(1, "insecure");
        }
        if registry.blocked {
            self.true_value(1, "blocked");
        }
        if registry.mirror_by_digest_only {
            self.true_value(1, "mirror-by-digest-only");
        }
        for mirror in &registry.mirrors {
            self.mirror(mirror);
        }
    }

    fn mirror(&mut self, mirror: &Mirror) {
        self.header(1, "[[registry.mirror]]");
        if !mirror.location.is_empty() {
            self.string_value(2, "location", &mirror.location);
        }
        if mirror.insecure {
            self.true_value(2, "insecure");
        }
        let pull_from_mirror = mirror.pull_from_mirror.as_str();
        if !pull_from_mirror.is_empty() {
            self.string_value(2, "pull-from-mirror", pull_from_mirror);
        }
    }

    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.sink.put("  ");
        }
    }

    /// `key = ` at `level`.
    fn key(&mut self, level: usize, key: &str) {
        self.indent(level);
        self.sink.put(key);
        self.sink.put(" = ");
    }

    fn string_value(&mut self, level: usize, key: &str, value: &str) {
        self.key(level, key);
        self.quoted(value);
        self.sink.put("\n");
    }

    fn true_value(&mut self, level: usize, key: &str) {
        self.key(level, key);
        self.sink.put("true\n");
    }

    /// `["a", "b"]` and the end of the line.
    fn string_array(&mut self, items: &[String]) {
        self.sink.put("[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.sink.put(", ");
            }
            self.quoted(item);
        }
        self.sink.put("]\n");
    }

    /// A table header, preceded by a blank line unless it is the first thing written.
    fn header(&mut self, level: usize, header: &str) {
        if self.sink.written() != 0 {
            self.sink.put("\n");
        }
        self.indent(level);
        self.sink.put(header);
        self.sink.put("\n");
    }

    /// A TOML basic string with BurntSushi's escapes: `"` and `\`, `\b \t \n \f \r`, other control
    /// characters and DEL as `\u00XX`; everything else (non-ASCII included) as is.
    fn quoted(&mut self, value: &str) {
        self.sink.put("\"");
        let mut plain_from = 0;
        for (i, c) in value.char_indices() {
            let escaped = match c {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\u{8}' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\u{c}' => "\\f",
                '\r' => "\\r",
                c if (c as u32) < 0x20 || c == '\u{7f}' => "",
                _ => continue,
            };
            self.sink.put(&value[plain_from..i]);
            if escaped.is_empty() {
                self.sink.put(&format!("\\u{:04x}", c as u32));
            } else {
                self.sink.put(escaped);
            }
            plain_from = i + c.len_utf8();
        }
        self.sink.put(&value[plain_from..]);
        self.sink.put("\"");
    }
}

/// BurntSushi writes a key bare when it is only `A-Za-z0-9_-`, else quoted.
fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
