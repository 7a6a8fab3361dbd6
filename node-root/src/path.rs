//! Plain relative paths under the root, and the names this crate keeps for itself.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, ErrorKind, Op, Result};

/// The lock file at the top of the root.
pub(crate) const LOCK_NAME: &str = ".node-root.lock";
/// The intent journal at the top of the root.
pub(crate) const JOURNAL_NAME: &str = ".node-root.journal";
/// The journal's own temporary file.
pub(crate) const JOURNAL_TEMP_NAME: &str = ".node-root.journal.tmp";
const TEMP_SUFFIX: &str = ".node-root.tmp";
const TRASH_SUFFIX: &str = ".node-root.trash";
/// Linux's NAME_MAX.
const NAME_MAX: usize = 255;

/// Splits `relative` into its names, refusing anything but plain names (`a/b/c`; `a//b` and a trailing `/` are
/// read as `a/b`). `allow_root` accepts the empty path (and `.`) as the root itself.
pub(crate) fn names(op: Op, relative: &Path, allow_root: bool) -> Result<Vec<&OsStr>> {
    let refuse = |why| Err(Error::new(op, relative, ErrorKind::NotPlainPath(why)));
    if relative.as_os_str().as_bytes().contains(&0) {
        return refuse("a NUL byte");
    }
    if relative.as_os_str().is_empty() || relative == Path::new(".") {
        return if allow_root {
            Ok(Vec::new())
        } else {
            refuse("empty")
        };
    }
    let mut out = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) if name.len() > NAME_MAX => {
                return refuse("a name longer than 255 bytes");
            }
            Component::Normal(name) => out.push(name),
            Component::RootDir | Component::Prefix(_) => return refuse("absolute"),
            Component::ParentDir => return refuse("`..`"),
            Component::CurDir => return refuse("`.`"),
        }
    }
    Ok(out)
}

/// Joins names back into a relative path.
pub(crate) fn join(names: &[&OsStr]) -> PathBuf {
    names.iter().collect()
}

/// Refuses names this crate keeps for itself, anywhere in a path to write or remove.
pub(crate) fn check_not_reserved(op: Op, relative: &Path, names: &[&OsStr]) -> Result<()> {
    let reserved = names.iter().enumerate().any(|(i, name)| {
        let bytes = name.as_bytes();
        (i == 0
            && [LOCK_NAME, JOURNAL_NAME, JOURNAL_TEMP_NAME]
                .iter()
                .any(|r| bytes == r.as_bytes()))
            || bytes.ends_with(TEMP_SUFFIX.as_bytes())
            || bytes.ends_with(TRASH_SUFFIX.as_bytes())
    });
    if reserved {
        return Err(Error::new(op, relative, ErrorKind::Reserved));
    }
    Ok(())
}

/// The temporary file a write of `name` goes through, in the same folder. One fixed name per target: every
/// temporary file is created under the lock and listed in the journal first, so any one found is stale.
pub(crate) fn temp_name(name: &OsStr) -> OsString {
    beside(name, TEMP_SUFFIX)
}

/// Where a folder tree goes, in the same folder, between its removal from view (one rename) and its deletion.
pub(crate) fn trash_name(name: &OsStr) -> OsString {
    beside(name, TRASH_SUFFIX)
}

fn beside(name: &OsStr, suffix: &str) -> OsString {
    let bytes = name.as_bytes();
    let mut out = vec![b'.'];
    // Keep the result within NAME_MAX: a long name is cut and a hash of the whole name keeps it unique.
    if bytes.len() + 1 + suffix.len() <= NAME_MAX {
        out.extend_from_slice(bytes);
    } else {
        out.extend_from_slice(&bytes[..100]);
        out.extend_from_slice(format!("~{:016x}", fnv1a(bytes)).as_bytes());
    }
    out.extend_from_slice(suffix.as_bytes());
    OsString::from_vec(out)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64 bits, a byte at a time: the hash that keeps a cut long name unique, and journal 1's content hash.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = FNV_OFFSET;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// FNV-1a over 8-byte little-endian words, each product folded (`^ >> 29`) so that high bits reach the low ones,
/// the tail a byte at a time and the length last: journal 2's content hash, a cheap check that a temporary file
/// still holds the bytes the journal recorded. A byte at a time, hashing a 20 MB registries.conf took a twentieth
/// of a whole render; a word at a time it takes a sixth of that.
pub(crate) fn fnv1a_words(bytes: &[u8]) -> u64 {
    let mut hasher = FnvWords::default();
    hasher.update(bytes);
    hasher.finish()
}

/// [`fnv1a_words`] over bytes that come in pieces (a file written a block at a time): a word split between two
/// pieces is completed from the next.
#[derive(Debug, Clone)]
pub(crate) struct FnvWords {
    hash: u64,
    /// The start of a word whose end has not come yet.
    pending: [u8; 8],
    pending_len: usize,
    total: u64,
}

impl Default for FnvWords {
    fn default() -> Self {
        FnvWords {
            hash: FNV_OFFSET,
            pending: [0; 8],
            pending_len: 0,
            total: 0,
        }
    }
}

impl FnvWords {
    /// Hashes the next piece.
    pub(crate) fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.pending_len > 0 {
            let taken = (8 - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + taken]
                .copy_from_slice(&bytes[..taken]);
            self.pending_len += taken;
            bytes = &bytes[taken..];
            if self.pending_len < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.pending));
            self.pending_len = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.word(u64::from_le_bytes(word.try_into().expect("chunks of 8")));
        }
        let rest = words.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    fn word(&mut self, word: u64) {
        self.hash = (self.hash ^ word).wrapping_mul(FNV_PRIME);
        self.hash ^= self.hash >> 29;
    }

    /// The hash of every piece: the tail a byte at a time, then the length.
    pub(crate) fn finish(&self) -> u64 {
        let mut hash = self.hash;
        for &b in &self.pending[..self.pending_len] {
            hash = (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
        (hash ^ self.total).wrapping_mul(FNV_PRIME)
    }
}

impl std::io::Write for FnvWords {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_hash_the_same_in_any_pieces() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 256) as u8).collect();
        let whole = fnv1a_words(&bytes);
        for cuts in [
            vec![0],
            vec![1],
            vec![3, 5],
            vec![7, 8, 9],
            vec![8, 16],
            vec![13, 500, 999],
        ] {
            let mut hasher = FnvWords::default();
            let mut start = 0;
            for cut in cuts.iter().copied().chain([bytes.len()]) {
                hasher.update(&bytes[start..cut]);
                start = cut;
            }
            assert_eq!(hasher.finish(), whole, "cut at {cuts:?}");
        }
        assert_eq!(FnvWords::default().finish(), fnv1a_words(b""));
        // Journal 2's hash is on disk: these values must never change.
        assert_eq!(
            fnv1a_words(b"registries.conf, twenty bytes or so"),
            0xb7ff_bb08_c8e8_5fb3
        );
        assert_eq!(fnv1a_words(b""), 0xaf63_bd4c_8601_b7df);
        assert_ne!(fnv1a_words(&bytes[..999]), whole);
    }

    #[test]
    fn plain_paths_only() {
        for bad in ["", "/etc", "../x", "a/../b", "./a", "a/./b/..", "a\0b"] {
            assert!(names(Op::Read, Path::new(bad), false).is_err(), "{bad:?}");
        }
        assert_eq!(
            names(Op::Read, Path::new("a//b/"), false).unwrap(),
            ["a", "b"]
        );
        assert!(names(Op::List, Path::new(""), true).unwrap().is_empty());
        let long = "x".repeat(256);
        assert!(names(Op::Read, Path::new(&long), false).is_err());
    }

    #[test]
    fn side_names_fit_name_max_and_differ() {
        let long = OsString::from("y".repeat(255));
        let other = OsString::from(format!("{}z", "y".repeat(254)));
        assert!(temp_name(&long).len() <= NAME_MAX);
        assert_ne!(temp_name(&long), temp_name(&other));
        assert_eq!(temp_name(OsStr::new("ca.crt")), ".ca.crt.node-root.tmp");
        assert_eq!(trash_name(OsStr::new("h:5000")), ".h:5000.node-root.trash");
    }

    #[test]
    fn reserved_names() {
        for bad in [
            ".node-root.lock",
            ".node-root.journal",
            "etc/.a.node-root.tmp",
            "x.node-root.trash/y",
        ] {
            let p = Path::new(bad);
            let n = names(Op::Plan, p, false).unwrap();
            assert!(check_not_reserved(Op::Plan, p, &n).is_err(), "{bad}");
        }
        let p = Path::new("etc/.node-root.lock");
        let n = names(Op::Plan, p, false).unwrap();
        assert!(check_not_reserved(Op::Plan, p, &n).is_ok());
    }
}
