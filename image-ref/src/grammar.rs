//! The docker/distribution reference grammar, matched by hand.
//!
//! Each matcher works on bytes and reports the offset where matching stopped, so errors can say where the input
//! went wrong. The grammar (from distribution/reference `regexp.go`):
//!
//! ```text
//! reference      := name [ ":" tag ] [ "@" digest ]
//! name           := [ domain-and-port "/" ] path-component ( "/" path-component )*
//! domain-and-port:= ( domain-name | "[" [a-fA-F0-9:]+ "]" ) [ ":" [0-9]+ ]
//! domain-name    := domain-component ( "." domain-component )*
//! domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
//! path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag            := [\w][\w.-]{0,127}
//! digest         := [A-Za-z][A-Za-z0-9]* ( [-_+.] [A-Za-z][A-Za-z0-9]* )* ":" [0-9a-fA-F]{32,}
//! ```

use std::ops::Range;

/// Where the parts of a matched reference are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parts {
    /// The domain (with port), when the name has one.
    pub domain: Option<Range<usize>>,
    /// The repository path.
    pub path: Range<usize>,
    /// The tag, without its `:`.
    pub tag: Option<Range<usize>>,
    /// The digest, without its `@`.
    pub digest: Option<Range<usize>>,
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Matches `domain-and-port` against the whole of `s`; on mismatch, the offset where it stopped.
fn domain_and_port(s: &[u8]) -> Result<(), usize> {
    let host_end = if s.first() == Some(&b'[') {
        let inner = s[1..]
            .iter()
            .take_while(|&&b| b.is_ascii_hexdigit() || b == b':')
            .count();
        if inner == 0 || s.get(1 + inner) != Some(&b']') {
            return Err(1 + inner);
        }
        inner + 2
    } else {
        domain_name_end(s).ok_or(0usize)?
    };
    match &s[host_end..] {
        [] => Ok(()),
        [b':', port @ ..] => {
            let digits = port.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && digits == port.len() {
                Ok(())
            } else {
                Err(host_end + 1 + digits)
            }
        }
        _ => Err(host_end),
    }
}

/// The end of the longest `domain-name` at the start of `s`, or `None` when there is none.
pub(crate) fn domain_name_end(s: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        // One component: alphanumerics and inner hyphens, not ending in a hyphen.
        let start = pos;
        if !s.get(pos).is_some_and(u8::is_ascii_alphanumeric) {
            return if start == 0 { None } else { Some(start - 1) };
        }
        while s
            .get(pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            pos += 1;
        }
        // Back off trailing hyphens: the component must end in an alphanumeric.
        while s[pos - 1] == b'-' {
            pos -= 1;
        }
        if s.get(pos) == Some(&b'.') && s.get(pos + 1).is_some_and(u8::is_ascii_alphanumeric) {
            pos += 1;
            continue;
        }
        return Some(pos);
    }
}

/// Matches `path-component ( "/" path-component )*` from `start`; returns its end or the failing offset.
fn remote_name_end(s: &[u8], start: usize) -> Result<usize, usize> {
    let mut pos = start;
    loop {
        pos = path_component_end(s, pos)?;
        if s.get(pos) == Some(&b'/') {
            pos += 1;
        } else {
            return Ok(pos);
        }
    }
}

fn path_component_end(s: &[u8], start: usize) -> Result<usize, usize> {
    let mut pos = start;
    if !s.get(pos).copied().is_some_and(is_lower_alnum) {
        return Err(pos);
    }
    loop {
        while s.get(pos).copied().is_some_and(is_lower_alnum) {
            pos += 1;
        }
        let separator_end = match s.get(pos) {
            Some(b'.') => pos + 1,
            Some(b'_') if s.get(pos + 1) == Some(&b'_') => pos + 2,
            Some(b'_') => pos + 1,
            Some(b'-') => {
                let mut end = pos;
                while s.get(end) == Some(&b'-') {
                    end += 1;
                }
                end
            }
            _ => return Ok(pos),
        };
        if !s.get(separator_end).copied().is_some_and(is_lower_alnum) {
            return Err(separator_end);
        }
        pos = separator_end;
    }
}

/// Matches `tag` from `start` to the end of `s` or to an `@`; returns its end or the failing offset.
fn tag_end(s: &[u8], start: usize) -> Result<usize, usize> {
    if !s.get(start).copied().is_some_and(is_word) {
        return Err(start);
    }
    let mut pos = start + 1;
    while s
        .get(pos)
        .copied()
        .is_some_and(|b| is_word(b) || b == b'.' || b == b'-')
    {
        pos += 1;
    }
    if pos - start > 128 {
        return Err(start + 128);
    }
    Ok(pos)
}

/// Matches `digest` from `start` to the end of `s`; returns the failing offset on mismatch.
fn digest_matches(s: &[u8], start: usize) -> Result<(), usize> {
    let mut pos = start;
    loop {
        if !s.get(pos).is_some_and(u8::is_ascii_alphabetic) {
            return Err(pos);
        }
        while s.get(pos).is_some_and(u8::is_ascii_alphanumeric) {
            pos += 1;
        }
        match s.get(pos) {
            Some(b'-' | b'_' | b'+' | b'.') => pos += 1,
            Some(b':') => break,
            _ => return Err(pos),
        }
    }
    let hex_start = pos + 1;
    let hex_len = s[hex_start..]
        .iter()
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    if hex_start + hex_len != s.len() {
        return Err(hex_start + hex_len);
    }
    if hex_len < 32 {
        return Err(s.len());
    }
    Ok(())
}

/// Matches `path-component... [":" tag] ["@" digest]` from `start` to the end of `s` (no domain).
fn match_remainder(s: &[u8], start: usize) -> Result<Parts, usize> {
    let path_end = remote_name_end(s, start)?;
    let mut pos = path_end;
    let mut tag = None;
    if s.get(pos) == Some(&b':') {
        let end = tag_end(s, pos + 1)?;
        tag = Some(pos + 1..end);
        pos = end;
    }
    let mut digest = None;
    if s.get(pos) == Some(&b'@') {
        digest_matches(s, pos + 1)?;
        digest = Some(pos + 1..s.len());
        pos = s.len();
    }
    if pos != s.len() {
        return Err(pos);
    }
    Ok(Parts {
        domain: None,
        path: start..path_end,
        tag,
        digest,
    })
}

/// Matches a whole reference; on failure, the furthest offset any reading reached.
pub(crate) fn match_reference(s: &[u8]) -> Result<Parts, usize> {
    // The domain, when there is one, is everything before the first `/`: it can hold no `/` and must be followed
    // by one. The grammar prefers reading the first component as a domain when both readings match.
    let mut furthest = 0;
    if let Some(slash) = s.iter().position(|&b| b == b'/') {
        match domain_and_port(&s[..slash]) {
            Ok(()) => match match_remainder(s, slash + 1) {
                Ok(parts) => {
                    let domain = Some(0..slash);
                    return Ok(Parts { domain, ..parts });
                }
                Err(offset) => furthest = offset,
            },
            Err(offset) => furthest = offset,
        }
    }
    match_remainder(s, 0).map_err(|offset| offset.max(furthest))
}

/// Whether `s` is a 64-character lowercase hexadecimal string (an image ID).
pub(crate) fn is_identifier(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `s[start..]` matches `path-component ( "/" path-component )*` exactly.
pub(crate) fn is_remote_name_from(s: &[u8], start: usize) -> bool {
    remote_name_end(s, start) == Ok(s.len())
}

/// Whether `s` matches `domain-name` exactly (no port, no IPv6 literal).
pub(crate) fn is_domain_name(s: &str) -> bool {
    domain_name_end(s.as_bytes()) == Some(s.len())
}
