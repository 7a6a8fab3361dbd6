//! OpenShift's nesting rule (`image_ref::scope::is_nested`) turned around: given a scope, find the indexed scopes
//! that contain it with a few hash lookups instead of testing every pair; and Go's `%q` quoting for messages.

use std::collections::HashMap;

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

/// Scopes indexed so that "which of them contain `sub`" costs O(len(sub)) lookups.
///
/// A scope `sup` contains `sub` iff `sup == sub`, or `sup` is `sub` cut just before one of its `/`, or `sup` is
/// `*` followed by a suffix of `sub`'s wildcard host that starts at a `.`. Enumerating those candidates is exactly
/// [`image_ref::scope::is_nested`], without visiting every scope.
#[derive(Debug)]
pub(crate) struct ScopeIndex<'a, V> {
    /// Every scope, verbatim.
    exact: HashMap<&'a str, V>,
    /// `*.domain` scopes, keyed by `.domain`.
    wildcard: HashMap<&'a str, (&'a str, V)>,
}

impl<'a, V: Copy> ScopeIndex<'a, V> {
    /// An empty index.
    pub(crate) fn new() -> Self {
        ScopeIndex {
            exact: HashMap::new(),
            wildcard: HashMap::new(),
        }
    }

    /// Adds `scope` with `value`, keeping the first value for a scope added twice.
    pub(crate) fn insert(&mut self, scope: &'a str, value: V) {
        self.exact.entry(scope).or_insert(value);
        if scope.starts_with("*.") {
            self.wildcard.entry(&scope[1..]).or_insert((scope, value));
        }
    }

    /// True when nothing was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }

    /// Calls `visit(scope, value)` for every indexed scope that contains `sub` (`is_nested(sub, scope)`), `sub`
    /// itself included; a scope may be visited twice (as a path prefix and as a wildcard).
    pub(crate) fn for_each_container(&self, sub: &str, mut visit: impl FnMut(&'a str, V)) {
        if self.exact.is_empty() {
            return;
        }
        if let Some((scope, value)) = self.exact.get_key_value(sub) {
            visit(scope, *value);
        }
        for (i, byte) in sub.bytes().enumerate() {
            if byte == b'/'
                && let Some((scope, value)) = self.exact.get_key_value(&sub[..i])
            {
                visit(scope, *value);
            }
        }
        if self.wildcard.is_empty() {
            return;
        }
        if let Some(host) = wildcard_host(sub) {
            for (i, byte) in host.bytes().enumerate() {
                if byte == b'.'
                    && let Some((scope, value)) = self.wildcard.get(&host[i..])
                {
                    visit(scope, *value);
                }
            }
        }
    }

    /// True when some indexed scope contains `sub`.
    pub(crate) fn contains_nested(&self, sub: &str) -> bool {
        let mut found = false;
        self.for_each_container(sub, |_, _| found = true);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image_ref::scope::is_nested;

    #[test]
    fn index_agrees_with_pairwise_nesting() {
        let scopes = [
            "quay.io",
            "quay.io/ns",
            "*.example.com",
            "*.a.example.com",
            "a.example.com:5000",
            "x/",
        ];
        let subs = [
            "quay.io/ns/repo",
            "b.a.example.com/x",
            "a.example.com:5000/p",
            "x//y",
            "*.a.example.com",
            "q",
        ];
        let mut index = ScopeIndex::new();
        for (i, scope) in scopes.iter().enumerate() {
            index.insert(scope, i);
        }
        for sub in subs {
            let mut found: Vec<usize> = Vec::new();
            index.for_each_container(sub, |_, v| found.push(v));
            found.sort_unstable();
            found.dedup();
            let expected: Vec<usize> = (0..scopes.len())
                .filter(|&i| is_nested(sub, scopes[i]))
                .collect();
            assert_eq!(found, expected, "{sub}");
        }
    }
}
