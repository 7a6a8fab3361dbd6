//! What every command shares on the way out: the diagnostic labels ([`Style`]), the warning and note lines, the
//! error for a failed write to stdout or stderr, and the atomic `-o FILE` write.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::Error;

/// A failed write to stdout or stderr, as every command reports it.
pub(crate) fn output_error(e: std::io::Error) -> Error {
    Error::io(OUTPUT, e)
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

/// Labels for diagnostics, colored only when standard error is a terminal (and `NO_COLOR` is unset).
pub struct Style {
    color: bool,
}

impl Style {
    /// Decides from the environment.
    pub fn detect() -> Style {
        Style {
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
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

/// Prints a `--output json` document, indented, on its own line.
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

/// Writes one output file (`-o FILE`) atomically: the bytes go to a temporary file beside it, synced, then renamed
/// over it, with `mode` (0600 for anything holding credentials). The folder must exist; a symbolic link as the
/// target is refused. Nothing is changed on error.
pub fn write_output_file(
    path: &Path,
    bytes: &[u8],
    mode: u32,
) -> Result<crate::writer::WriteOutcome, Error> {
    let usage = |why: &str| Error::Usage {
        message: format!("-o {}: {why}", path.display()),
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
