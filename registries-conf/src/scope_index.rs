//! The one index of scopes: every scope in a hash by itself, and every `*.domain` also by its `.domain` suffix, so
//! that "which indexed scopes contain X" (OpenShift's nesting rule, for rendering) and "which indexed prefixes match
//! X" (containers/image's `refMatchingPrefix`, for resolving) cost lookups in proportion to X's length, not to
//! the number of scopes.
//!
//! Complexity: building is O(total length of the scopes); each query is O(len(X)) lookups (one per `/`, `:`, `@`
//! boundary of X and one per `.` of its host), each hashing a slice of X.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// FNV-1a: scopes are short and come from the configuration, so a simple hash beats SipHash here.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// How an index keeps its keys: borrowed from the scopes (rendering) or owned (a resolver that outlives them).
pub(crate) trait ScopeKey<'a>: Borrow<str> + Hash + Eq {
    /// The key for `scope`.
    fn key(scope: &'a str) -> Self;
}

impl<'a> ScopeKey<'a> for &'a str {
    fn key(scope: &'a str) -> Self {
        scope
    }
}

impl ScopeKey<'_> for Box<str> {
    fn key(scope: &str) -> Self {
        scope.into()
    }
}

/// Scopes with a value each (the first value given for a scope is kept).
#[derive(Debug, Clone)]
pub(crate) struct ScopeIndex<K, V> {
    /// Every scope, verbatim.
    exact: Map<K, V>,
    /// `*.domain` scopes, keyed by `.domain`.
    wildcard: Map<K, V>,
}

impl<K, V> Default for ScopeIndex<K, V> {
    fn default() -> Self {
        ScopeIndex {
            exact: Map::default(),
            wildcard: Map::default(),
        }
    }
}

impl<'a, K: ScopeKey<'a>, V: Copy> ScopeIndex<K, V> {
    /// An empty index with room for `capacity` scopes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        ScopeIndex {
            exact: Map::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
            wildcard: Map::default(),
        }
    }

    /// Adds `scope` with `value`, keeping the first value of a scope added twice.
    pub(crate) fn insert(&mut self, scope: &'a str, value: V) {
        self.get_or_insert(scope, value);
    }

    /// The value of `scope`: the one it was first added with, else `value`, with which it is added now.
    pub(crate) fn get_or_insert(&mut self, scope: &'a str, value: V) -> V {
        use std::collections::hash_map::Entry;
        match self.exact.entry(K::key(scope)) {
            Entry::Occupied(first) => *first.get(),
            Entry::Vacant(slot) => {
                slot.insert(value);
                // `.domain` comes from `*.domain` alone, so its first value is this scope's too.
                if scope.starts_with("*.") {
                    self.wildcard.insert(K::key(&scope[1..]), value);
                }
                value
            }
        }
    }

    /// True when nothing was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }

    /// Calls `visit` with the value of every indexed scope that contains `sub` by OpenShift's nesting rule
    /// (`image_ref::scope::is_nested(sub, scope)`), `sub` itself included; a scope may be visited twice.
    ///
    /// A scope contains `sub` iff it is `sub`, or `sub` cut just before one of its `/`, or `*` followed by a
    /// suffix of `sub`'s wildcard host that starts at a `.`.
    pub(crate) fn for_each_container(&self, sub: &str, mut visit: impl FnMut(V)) {
        if self.exact.is_empty() {
            return;
        }
        if let Some(value) = self.exact.get(sub) {
            visit(*value);
        }
        for (i, byte) in sub.bytes().enumerate() {
            if byte == b'/'
                && let Some(value) = self.exact.get(&sub[..i])
            {
                visit(*value);
            }
        }
        if self.wildcard.is_empty() {
            return;
        }
        if let Some(host) = wildcard_host(sub) {
            for (i, byte) in host.bytes().enumerate() {
                if byte == b'.'
                    && let Some(value) = self.wildcard.get(&host[i..])
                {
                    visit(*value);
                }
            }
        }
    }

    /// True when some indexed scope contains `sub` (see [`ScopeIndex::for_each_container`]).
    pub(crate) fn contains_nested(&self, sub: &str) -> bool {
        let mut found = false;
        self.for_each_container(sub, |_| found = true);
        found
    }

    /// Calls `visit` with the value of every indexed prefix that matches the repository name `name` as
    /// containers/image's `refMatchingPrefix` matches (see [`crate::matching_prefix_len`]): an exact prefix
    /// at a `:`, `/` or `@` boundary (or the whole name), a `*.domain` at the first occurrence of `.domain` in the
    /// host, ending at the host's end or its `:`. Wildcards holding `:`, `/` or `@` are never matched here.
    pub(crate) fn for_each_matching_prefix(&self, name: &str, mut visit: impl FnMut(V)) {
        let bytes = name.as_bytes();
        for end in 1..=bytes.len() {
            if (end == bytes.len() || matches!(bytes[end], b':' | b'/' | b'@'))
                && let Some(value) = self.exact.get(&name[..end])
            {
                visit(*value);
            }
        }
        if self.wildcard.is_empty() {
            return;
        }
        let host_end = name.find('/').unwrap_or(name.len());
        for start in 0..host_end {
            if bytes[start] != b'.' {
                continue;
            }
            let end = name[start..host_end]
                .find(':')
                .map_or(host_end, |c| start + c);
            let suffix = &name[start..end];
            // containers/image only looks at the first occurrence of the suffix.
            if let Some(value) = self.wildcard.get(suffix)
                && name.find(suffix) == Some(start)
            {
                visit(*value);
            }
        }
    }
}

/// The part of `sub` that a `*.domain` scope is matched against, or `None` when no wildcard can cover it
/// (OpenShift: before the first `:` when there is one, and then it must contain no `/`; else before the first `/`).
pub(crate) fn wildcard_host(sub: &str) -> Option<&str> {
    match sub.find(':') {
        Some(colon) => {
            let host = &sub[..colon];
            (!host.contains('/')).then_some(host)
        }
        None => Some(sub.split('/').next().unwrap_or(sub)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::matching_prefix_len;
    use image_ref::scope::is_nested;

    const SCOPES: [&str; 7] = [
        "quay.io",
        "quay.io/ns",
        "*.example.com",
        "*.a.example.com",
        "a.example.com:5000",
        "x/",
        "a.example.com",
    ];
    const SUBS: [&str; 8] = [
        "quay.io/ns/repo",
        "b.a.example.com/x",
        "a.example.com:5000/p",
        "x//y",
        "*.a.example.com",
        "q",
        "quay.io:443/ns",
        "a.example.com.example.com/z",
    ];

    fn index() -> ScopeIndex<&'static str, usize> {
        let mut index = ScopeIndex::default();
        for (i, scope) in SCOPES.iter().enumerate() {
            index.insert(scope, i);
        }
        index
    }

    /// For each of `SUBS`: the scopes `query` visits equal those `pairwise` accepts, one by one.
    fn agree(
        query: impl Fn(&ScopeIndex<&'static str, usize>, &str, &mut dyn FnMut(usize)),
        pairwise: impl Fn(&str, &str) -> bool,
    ) {
        let index = index();
        for sub in SUBS {
            let mut found: Vec<usize> = Vec::new();
            query(&index, sub, &mut |v| found.push(v));
            found.sort_unstable();
            found.dedup();
            let expected: Vec<usize> = (0..SCOPES.len())
                .filter(|&i| pairwise(sub, SCOPES[i]))
                .collect();
            assert_eq!(found, expected, "{sub}");
        }
    }

    #[test]
    fn containers_agree_with_pairwise_nesting() {
        agree(
            |index, sub, visit| index.for_each_container(sub, visit),
            is_nested,
        );
    }

    #[test]
    fn matching_prefixes_agree_with_ref_matching_prefix() {
        agree(
            |index, name, visit| index.for_each_matching_prefix(name, visit),
            |name, prefix| matching_prefix_len(name, prefix).is_some(),
        );
    }
}
