//! The bytes BurntSushi/toml v1.5.0 writes for containers/image's `V2RegistriesConf`, from [`RegistriesConf`] or
//! (inside the crate) from the renderer's view that borrows the rules' strings.
//!
//! Layout of that encoder over those structs: plain keys of a table first (struct field order), then its
//! sub-tables; one blank line before every `[[...]]` / `[...]` header once something was written; two spaces of
//! indent per nesting level; `omitempty` fields only when set; strings in double quotes with Go's escapes.

use crate::model::{PullFromMirror, RegistriesConf};

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
    encode_exact(&OwnedConf { conf, layout })
}

/// The search-registries drop-in: a `V2RegistriesConf` holding only `unqualified-search-registries` (written even
/// when empty, as OpenShift does for an explicit empty list).
pub fn encode_search_registries_drop_in(registries: &[String], layout: Layout) -> String {
    let mut out = Encoder {
        sink: String::new(),
    };
    out.search_registries(registries);
    out.header_tail(&[], "", "", layout);
    out.sink
}

/// Something the encoder can write: the owned [`RegistriesConf`], or the renderer's view that borrows the rules.
pub(crate) trait Document {
    /// Writes the whole file through `out`'s methods.
    fn write_to<S: Sink>(&self, out: &mut Encoder<S>);
}

/// Encodes `document` into a `String` of exactly its size: the text is counted first, so a large file never pays
/// for the doubling growth (which would briefly hold 1.5x its size).
pub(crate) fn encode_exact(document: &impl Document) -> String {
    encode_sized(document, encoded_len(document))
}

/// Encodes `document`, whose text is `len` bytes, into a `String` of that capacity.
pub(crate) fn encode_sized(document: &impl Document, len: usize) -> String {
    let mut out = Encoder {
        sink: String::with_capacity(len),
    };
    document.write_to(&mut out);
    out.sink
}

/// The size of `document`'s text, counted without writing it.
pub(crate) fn encoded_len(document: &impl Document) -> usize {
    let mut counter = Encoder { sink: Counter(0) };
    document.write_to(&mut counter);
    counter.sink.0
}

/// Encodes `document` into `out` through a buffer of [`WRITE_BUFFER`] bytes: the text is never held whole.
pub(crate) fn encode_into(
    document: &impl Document,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut encoder = Encoder {
        sink: WriteSink {
            out,
            buffer: String::with_capacity(WRITE_BUFFER),
            written: 0,
            error: None,
        },
    };
    document.write_to(&mut encoder);
    let last = encoder.sink.flush();
    match encoder.sink.error {
        Some(error) => Err(error),
        None => last,
    }
}

/// How much [`encode_into`] gathers before each write.
const WRITE_BUFFER: usize = 64 * 1024;

/// A [`Sink`] over an `io::Write`: the encoder cannot fail, so the first error is kept and the rest is dropped.
struct WriteSink<'w> {
    out: &'w mut dyn std::io::Write,
    buffer: String,
    written: usize,
    error: Option<std::io::Error>,
}

impl WriteSink<'_> {
    /// Writes what is gathered (nothing more once a write failed); the buffer is emptied either way.
    fn flush(&mut self) -> std::io::Result<()> {
        let written = if self.error.is_none() && !self.buffer.is_empty() {
            self.out.write_all(self.buffer.as_bytes())
        } else {
            Ok(())
        };
        self.buffer.clear();
        written
    }
}

impl Sink for WriteSink<'_> {
    fn put(&mut self, text: &str) {
        self.buffer.push_str(text);
        self.written += text.len();
        if self.buffer.len() >= WRITE_BUFFER
            && let Err(error) = self.flush()
        {
            self.error.get_or_insert(error);
        }
    }
    fn written(&self) -> usize {
        self.written
    }
}

/// The keys of one `[[registry]]` table before its mirrors.
pub(crate) struct TableHead<'a> {
    /// `prefix` (written even when empty, as Go does).
    pub(crate) prefix: &'a str,
    /// `location` (left out when empty).
    pub(crate) location: &'a str,
    /// `insecure`.
    pub(crate) insecure: bool,
    /// `blocked`.
    pub(crate) blocked: bool,
    /// `mirror-by-digest-only`.
    pub(crate) mirror_by_digest_only: bool,
}

/// One `[[registry.mirror]]` table. Its location is `location` followed by `location_suffix`, which lets a nested
/// scope's copied mirror be written without building the joined string.
pub(crate) struct MirrorLine<'a> {
    /// The start of `location`.
    pub(crate) location: &'a str,
    /// The rest of `location` (usually empty).
    pub(crate) location_suffix: &'a str,
    /// `insecure`.
    pub(crate) insecure: bool,
    /// `pull-from-mirror`.
    pub(crate) pull_from_mirror: PullFromMirror,
}

struct OwnedConf<'c> {
    conf: &'c RegistriesConf,
    layout: Layout,
}

impl Document for OwnedConf<'_> {
    fn write_to<S: Sink>(&self, out: &mut Encoder<S>) {
        let conf = self.conf;
        if !conf.unqualified_search_registries.is_empty() {
            out.search_registries(&conf.unqualified_search_registries);
        }
        out.header_tail(
            &conf.credential_helpers,
            &conf.short_name_mode,
            &conf.additional_layer_store_auth_helper,
            self.layout,
        );
        for registry in &conf.registries {
            out.table_head(&TableHead {
                prefix: &registry.prefix,
                location: &registry.location,
                insecure: registry.insecure,
                blocked: registry.blocked,
                mirror_by_digest_only: registry.mirror_by_digest_only,
            });
            for mirror in &registry.mirrors {
                out.mirror(&MirrorLine {
                    location: &mirror.location,
                    location_suffix: "",
                    insecure: mirror.insecure,
                    pull_from_mirror: mirror.pull_from_mirror,
                });
            }
        }
        if !conf.aliases.is_empty() {
            out.header(0, "[aliases]");
            for (short_name, target) in &conf.aliases {
                out.indent(1);
                if is_bare_key(short_name) {
                    out.sink.put(short_name);
                } else {
                    out.quoted(short_name);
                }
                out.sink.put(" = ");
                out.quoted(target);
                out.sink.put("\n");
            }
        }
    }
}

/// Where encoded text goes: a `String`, or a counter of its length.
pub(crate) trait Sink {
    /// Appends `text`.
    fn put(&mut self, text: &str);
    /// How many bytes were appended so far.
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

/// BurntSushi's layout rules over a [`Sink`].
pub(crate) struct Encoder<S> {
    sink: S,
}

impl<S: Sink> Encoder<S> {
    /// `unqualified-search-registries = [...]`.
    pub(crate) fn search_registries(&mut self, registries: &[impl AsRef<str>]) {
        self.key(0, "unqualified-search-registries");
        self.string_array(registries);
    }

    /// The header keys after `unqualified-search-registries`.
    pub(crate) fn header_tail(
        &mut self,
        credential_helpers: &[String],
        short_name_mode: &str,
        additional_layer_store_auth_helper: &str,
        layout: Layout,
    ) {
        if !credential_helpers.is_empty() {
            self.key(0, "credential-helpers");
            self.string_array(credential_helpers);
        }
        if layout == Layout::Current {
            self.string_value(0, "short-name-mode", short_name_mode);
            self.string_value(
                0,
                "additional-layer-store-auth-helper",
                additional_layer_store_auth_helper,
            );
        }
    }

    /// A `[[registry]]` header and its plain keys; its mirrors follow with [`Encoder::mirror`].
    pub(crate) fn table_head(&mut self, head: &TableHead<'_>) {
        self.header(0, "[[registry]]");
        self.string_value(1, "prefix", head.prefix);
        if !head.location.is_empty() {
            self.string_value(1, "location", head.location);
        }
        if head.insecure {
            self.true_value(1, "insecure");
        }
        if head.blocked {
            self.true_value(1, "blocked");
        }
        if head.mirror_by_digest_only {
            self.true_value(1, "mirror-by-digest-only");
        }
    }

    /// A `[[registry.mirror]]` table.
    pub(crate) fn mirror(&mut self, mirror: &MirrorLine<'_>) {
        self.header(1, "[[registry.mirror]]");
        if !mirror.location.is_empty() || !mirror.location_suffix.is_empty() {
            self.key(2, "location");
            self.sink.put("\"");
            self.escaped(mirror.location);
            self.escaped(mirror.location_suffix);
            self.sink.put("\"\n");
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
    fn string_array(&mut self, items: &[impl AsRef<str>]) {
        self.sink.put("[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.sink.put(", ");
            }
            self.quoted(item.as_ref());
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

    /// A TOML basic string: `value` in double quotes, escaped.
    fn quoted(&mut self, value: &str) {
        self.sink.put("\"");
        self.escaped(value);
        self.sink.put("\"");
    }

    /// The inside of a TOML basic string with BurntSushi's escapes: `"` and `\`, `\b \t \n \f \r`, other control
    /// characters and DEL as `\u00XX`; everything else (non-ASCII included) as is. Escaping is per character, so
    /// two pieces escaped one after the other are the escape of their concatenation.
    fn escaped(&mut self, value: &str) {
        // Almost every string (hosts, paths) needs no escape: one pass over the bytes, then one copy.
        if !value
            .bytes()
            .any(|b| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x7f)
        {
            self.sink.put(value);
            return;
        }
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
    }
}

/// BurntSushi writes a key bare when it is only `A-Za-z0-9_-`, else quoted.
fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
