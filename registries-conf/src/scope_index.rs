//! The one index of scopes: every scope in a hash by itself, and every `*.domain` also by its `.domain` suffix, so
//! that "which indexed scopes contain X" (OpenShift's nesting rule, for rendering) and "which indexed prefixes match
//! X" (containers/image's `refMatchingPrefix`, for resolving) cost lookups in proportion to X's length, not to
//! the number of scopes.
//!
//! Complexity: building is O(total length of the scopes); each query is O(len(X)) lookups (one per `/`, `:`, `@`
//! boundary of X and one per `.` of its host), each hashing a slice of X.

use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use hashbrown::HashTable;

/// FNV-1a, for scopes that come from the cluster's own objects (render): short keys an admin wrote, where a simple
/// hash beats SipHash. An index over a file read from a node (the resolver) hashes with std's keyed SipHash
/// instead ([`std::hash::RandomState`]): a node's root is hostile ground, and FNV's collisions are easy to make.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let start = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        self.0 = bytes.iter().fold(start, |hash, &b| {
            (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    }
}

/// [`Fnv`] as a [`BuildHasher`].
pub(crate) type FnvBuild = BuildHasherDefault<Fnv>;

/// The list an index is built over: scope `i` is the `i`-th of the caller's entries (tables, registries, lines of
/// a list). The index keeps only the numbers and asks the list for the text, so it holds no copy of the scopes
/// and no pointer to them: 4 bytes a scope, where a map of borrowed scopes took 24 (3.3 MB at 100 000 sources)
/// and one of owned scopes also a copy of each.
pub(crate) trait Scopes {
    /// Scope number `i`.
    fn scope(&self, i: u32) -> &str;
}

impl<S: AsRef<str>> Scopes for [S] {
    fn scope(&self, i: u32) -> &str {
        self[i as usize].as_ref()
    }
}

/// Scope numbers, each found by its scope (the first number given for a scope is kept), hashed by `S`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScopeIndex<S> {
    /// Every scope, verbatim.
    exact: HashTable<u32>,
    /// `*.domain` scopes, by `.domain`.
    wildcard: HashTable<u32>,
    hasher: S,
}

impl<S: BuildHasher + Default> ScopeIndex<S> {
    /// An empty index with room for `capacity` scopes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        ScopeIndex {
            exact: HashTable::with_capacity(capacity),
            wildcard: HashTable::new(),
            hasher: S::default(),
        }
    }

    /// Adds scope number `i` of `scopes` (which may not hold it yet: `scope` is its text).
    pub(crate) fn insert(&mut self, scopes: &(impl Scopes + ?Sized), scope: &str, i: u32) {
        self.get_or_insert(scopes, scope, i);
    }

    /// The number of `scope`: the one it was first added with, else `i`, with which it is added now. `scopes` holds
    /// every number added before (it may not hold `i` yet).
    pub(crate) fn get_or_insert(
        &mut self,
        scopes: &(impl Scopes + ?Sized),
        scope: &str,
        i: u32,
    ) -> u32 {
        use hashbrown::hash_table::Entry;
        let ScopeIndex {
            exact,
            wildcard,
            hasher,
        } = self;
        let entry = exact.entry(
            hasher.hash_one(scope),
            |&j| scopes.scope(j) == scope,
            |&j| hasher.hash_one(scopes.scope(j)),
        );
        match entry {
            Entry::Occupied(first) => *first.get(),
            Entry::Vacant(slot) => {
                slot.insert(i);
                // `.domain` comes from `*.domain` alone, and each scope is added once, so `.domain` is new too.
                if scope.starts_with("*.") {
                    wildcard.insert_unique(hasher.hash_one(&scope[1..]), i, |&j| {
                        hasher.hash_one(&scopes.scope(j)[1..])
                    });
                }
                i
            }
        }
    }

    /// True when nothing was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }

    fn exact(&self, scopes: &(impl Scopes + ?Sized), scope: &str) -> Option<u32> {
        self.exact
            .find(self.hasher.hash_one(scope), |&j| scopes.scope(j) == scope)
            .copied()
    }

    fn wildcard(&self, scopes: &(impl Scopes + ?Sized), domain: &str) -> Option<u32> {
        self.wildcard
            .find(self.hasher.hash_one(domain), |&j| {
                &scopes.scope(j)[1..] == domain
            })
            .copied()
    }

    /// Calls `visit` with the number of every indexed scope that contains `sub` by OpenShift's nesting rule
    /// (`image_ref::scope::is_nested(sub, scope)`), `sub` itself included; a scope may be visited twice.
    ///
    /// A scope contains `sub` iff it is `sub`, or `sub` cut just before one of its `/`, or `*` followed by a
    /// suffix of `sub`'s wildcard host that starts at a `.`.
    pub(crate) fn for_each_container(
        &self,
        scopes: &(impl Scopes + ?Sized),
        sub: &str,
        mut visit: impl FnMut(u32),
    ) {
        if self.exact.is_empty() {
            return;
        }
        if let Some(i) = self.exact(scopes, sub) {
            visit(i);
        }
        for (at, byte) in sub.bytes().enumerate() {
            if byte == b'/'
                && let Some(i) = self.exact(scopes, &sub[..at])
            {
                visit(i);
            }
        }
        if self.wildcard.is_empty() {
            return;
        }
        if let Some(host) = wildcard_host(sub) {
            for (at, byte) in host.bytes().enumerate() {
                if byte == b'.'
                    && let Some(i) = self.wildcard(scopes, &host[at..])
                {
                    visit(i);
                }
            }
        }
    }

    /// True when some indexed scope contains `sub` (see [`ScopeIndex::for_each_container`]).
    pub(crate) fn contains_nested(&self, scopes: &(impl Scopes + ?Sized), sub: &str) -> bool {
        let mut found = false;
        self.for_each_container(scopes, sub, |_| found = true);
        found
    }

    /// Calls `visit` with the number of every indexed prefix that matches the repository name `name` as
    /// containers/image's `refMatchingPrefix` matches (see [`crate::matching_prefix_len`]): an exact prefix
    /// at a `:`, `/` or `@` boundary (or the whole name), a `*.domain` at the first occurrence of `.domain` in the
    /// host, ending at the host's end or its `:`. Wildcards holding `:`, `/` or `@` are never matched here.
    pub(crate) fn for_each_matching_prefix(
        &self,
        scopes: &(impl Scopes + ?Sized),
        name: &str,
        mut visit: impl FnMut(u32),
    ) {
        let bytes = name.as_bytes();
        for end in 1..=bytes.len() {
            if (end == bytes.len() || matches!(bytes[end], b':' | b'/' | b'@'))
                && let Some(i) = self.exact(scopes, &name[..end])
            {
                visit(i);
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
            if let Some(i) = self.wildcard(scopes, suffix)
                && name.find(suffix) == Some(start)
            {
                visit(i);
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

    fn index() -> ScopeIndex<FnvBuild> {
        let mut index = ScopeIndex::default();
        for (i, scope) in SCOPES.iter().enumerate() {
            index.insert(&SCOPES[..], scope, i as u32);
        }
        index
    }

    /// For each of `SUBS`: the scopes `query` visits equal those `pairwise` accepts, one by one.
    fn agree(
        query: impl Fn(&ScopeIndex<FnvBuild>, &str, &mut dyn FnMut(u32)),
        pairwise: impl Fn(&str, &str) -> bool,
    ) {
        let index = index();
        for sub in SUBS {
            let mut found: Vec<u32> = Vec::new();
            query(&index, sub, &mut |v| found.push(v));
            found.sort_unstable();
            found.dedup();
            let expected: Vec<u32> = (0..SCOPES.len() as u32)
                .filter(|&i| pairwise(sub, SCOPES[i as usize]))
                .collect();
            assert_eq!(found, expected, "{sub}");
        }
    }

    #[test]
    fn a_scope_added_twice_keeps_its_first_number() {
        let scopes = ["*.a.example.com", "quay.io", "*.a.example.com", "quay.io"];
        let mut index = ScopeIndex::<std::hash::RandomState>::with_capacity(1);
        let numbers: Vec<u32> = (0..scopes.len() as u32)
            .map(|i| index.get_or_insert(&scopes[..], scopes[i as usize], i))
            .collect();
        assert_eq!(numbers, [0, 1, 0, 1]);
        let mut found = Vec::new();
        index.for_each_container(&scopes[..], "x.a.example.com/p", |i| found.push(i));
        assert_eq!(found, [0], "the wildcard once, by its first number");
    }

    #[test]
    fn containers_agree_with_pairwise_nesting() {
        agree(
            |index, sub, visit| index.for_each_container(&SCOPES[..], sub, visit),
            is_nested,
        );
    }

    #[test]
    fn matching_prefixes_agree_with_ref_matching_prefix() {
        agree(
            |index, name, visit| index.for_each_matching_prefix(&SCOPES[..], name, visit),
            |name, prefix| matching_prefix_len(name, prefix).is_some(),
        );
    }
}
