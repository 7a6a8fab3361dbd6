//! Paths in messages: control characters and bytes that are not UTF-8 are shown escaped, never sent raw to a
//! terminal (names under a hostile root are chosen by whoever owns it).

use std::fmt::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The most of one path a message shows.
const MAX_SHOWN: usize = 512;

/// Displays a path with `\n`, `\x1b`, `\\` and invalid UTF-8 escaped, cut at 512 bytes.
pub(crate) struct Shown<'a>(pub(crate) &'a Path);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0.as_os_str().as_bytes();
        if bytes.is_empty() {
            return f.write_str(".");
        }
        let (shown, cut) = if bytes.len() > MAX_SHOWN {
            (&bytes[..MAX_SHOWN], true)
        } else {
            (bytes, false)
        };
        for chunk in shown.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\\' => f.write_str("\\\\")?,
                    c if c.is_control() => write!(f, "{}", c.escape_default())?,
                    c => f.write_char(c)?,
                }
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        if cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// Escapes and cuts free text read from a file one does not trust (the lock file's holder record here; names,
/// values and lines of inputs in the programs that use this crate): control characters, `\\` and bytes that are
/// not UTF-8 are shown escaped, and at most `max` bytes of `text` are shown, followed by `…` when cut.
pub fn escaped(text: &[u8], max: usize) -> String {
    let cut = &text[..text.len().min(max)];
    let mut out = Shown(Path::new(std::ffi::OsStr::from_bytes(cut))).to_string();
    if text.len() > max {
        out.push('…');
    }
    out
}
