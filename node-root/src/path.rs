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
    let mut hash = FNV_OFFSET;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of 8"));
        hash = (hash ^ word).wrapping_mul(FNV_PRIME);
        hash ^= hash >> 29;
    }
    for &b in words.remainder() {
        hash = (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    (hash ^ bytes.len() as u64).wrapping_mul(FNV_PRIME)
}

#[cfg(test)]
mod tests {
    use super::*;

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
