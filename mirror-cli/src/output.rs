//! What every command shares on the way out: the diagnostic labels ([`Style`]), the warning and note lines, the
//! error for a failed write to stdout or stderr, and the atomic `--output-file FILE` write.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::Error;

/// A failed write to stdout or stderr, as every command reports it.
pub fn output_error(e: std::io::Error) -> Error {
    Error::io(OUTPUT, e)
}

/// How a command that reports prints its report (`-o`/`--output`, as kubectl spells it). The shapes of the JSON
/// documents are in the crate's README; warnings and notes still go to standard error as lines in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document (indented, a newline after it) for scripts.
    Json,
}

/// How a command that prints cluster objects prints them (`-o`/`--output`, as `kubectl ... -o yaml|json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ObjectFormat {
    /// A YAML stream, documents separated by `---` (what `oc apply -f -` reads).
    #[default]
    Yaml,
    /// One JSON document: the object itself, or for several a `v1` `List` of them, as kubectl prints.
    Json,
}

/// `objects` in `format`, ending in a newline. Objects whose content is not kept ([`icsp::Object::Other`]) are
/// skipped, as in YAML.
pub(crate) fn objects_text(objects: &[icsp::Object], format: ObjectFormat) -> String {
    let mut text = match format {
        ObjectFormat::Yaml => icsp::to_yaml_stream(objects, icsp::YamlStyle::SigsYaml),
        ObjectFormat::Json => {
            let mut values: Vec<serde_json::Value> =
                objects.iter().filter_map(icsp::Object::to_value).collect();
            let document = if values.len() == 1 {
                values.remove(0)
            } else {
                serde_json::json!({
                    "apiVersion": "v1",
                    "items": values,
                    "kind": "List",
                    "metadata": {"resourceVersion": ""},
                })
            };
            serde_json::to_string_pretty(&document).expect("a JSON value always serialises")
        }
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let mut hasher = Sha256Writer::default();
    sha2::Digest::update(&mut hasher.0, bytes);
    hasher.hex()
}

/// A SHA-256 that bytes are written into, for contents written a block at a time.
#[derive(Default)]
pub(crate) struct Sha256Writer(sha2::Sha256);

impl Sha256Writer {
    /// The lowercase hex digest of what was written.
    pub(crate) fn hex(self) -> String {
        use sha2::Digest as _;
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl std::io::Write for Sha256Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(&mut self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The name [`output_error`] gives the standard streams.
const OUTPUT: &str = "<output>";

/// The exit status of a command whose standard output was closed early (`mirror-cli ... | head`): kubectl (Go)
/// dies of SIGPIPE there, quietly, which a shell reports as 128 + 13. Rust ignores SIGPIPE and the write fails with
/// EPIPE instead; the CLI then exits with the same number, without a message.
pub const CLOSED_OUTPUT_EXIT: u8 = 128 + 13;

/// Flushes what a command wrote to `out` (stdout is buffered by line): a failed last write is an error like any.
pub fn finish_output(out: &mut dyn Write) -> Result<(), Error> {
    out.flush().map_err(output_error)
}

/// Whether `e` is a write to a closed pipe on stdout or stderr: the reader went away, the input was fine.
pub fn is_closed_output(e: &Error) -> bool {
    matches!(e, Error::Io { path, source, .. }
        if path == OUTPUT && source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Labels for diagnostics, colored only when standard error is a terminal and `NO_COLOR` is unset or empty.
pub struct Style {
    color: bool,
}

impl Style {
    /// Decides from the environment.
    pub fn detect() -> Style {
        Style::new(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }

    /// Colored when writing to a terminal, unless `no_color` (the value of `NO_COLOR`) is set and non-empty: an
    /// empty `NO_COLOR=` does not count (no-color.org).
    pub fn new(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> Style {
        Style {
            color: terminal && no_color.is_none_or(|value| value.is_empty()),
        }
    }

    /// Whether the labels carry ANSI colors.
    pub fn is_colored(&self) -> bool {
        self.color
    }

    /// Never colored (tests, files).
    pub fn plain() -> Style {
        Style { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// `error:`
    pub fn error(&self) -> String {
        self.paint("1;31", "error:")
    }

    /// `warning:`
    pub fn warning(&self) -> String {
        self.paint("33", "warning:")
    }

    /// `note:`
    pub fn note(&self) -> String {
        self.paint("36", "note:")
    }
}

/// Prints a `-o json` document, indented, on its own line (the one JSON printer of every report).
pub(crate) fn print_json(out: &mut dyn Write, document: &serde_json::Value) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(document).unwrap_or_default();
    writeln!(out, "{text}").map_err(output_error)
}

/// Prints warnings and notes, one per line.
pub fn report(
    err: &mut dyn Write,
    style: &Style,
    warnings: &[impl std::fmt::Display],
    notes: &[String],
) -> std::io::Result<()> {
    for warning in warnings {
        writeln!(err, "{} {warning}", style.warning())?;
    }
    for note in notes {
        writeln!(err, "{} {note}", style.note())?;
    }
    Ok(())
}

/// Writes one output file (`--output-file FILE`) atomically: the bytes go to a temporary file beside it, synced, then renamed
/// over it, with `mode` (0600 for anything holding credentials). The folder must exist; a symbolic link as the
/// target is refused. Nothing is changed on error.
pub fn write_output_file(
    path: &Path,
    bytes: &[u8],
    mode: u32,
) -> Result<crate::writer::WriteOutcome, Error> {
    let usage = |why: &str| Error::Usage {
        message: format!("--output-file {}: {why}", path.display()),
    };
    let name = path.file_name().ok_or_else(|| usage("not a file name"))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file = crate::writer::NodeFile {
        path: name.into(),
        bytes: bytes.to_vec(),
        mode,
    };
    let outcomes = crate::writer::write_all(folder, std::slice::from_ref(&file))?;
    Ok(outcomes[0])
}
