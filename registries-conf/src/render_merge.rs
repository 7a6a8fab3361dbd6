//! Merging the mirror sets of one source into one ordered list, exactly as openshift/runtime-utils
//! (`mergedMirrors` over `topoGraph.Sorted`) does.

use std::collections::VecDeque;

use crate::rules::{MirrorSet, SourcePolicy};

/// No merged list (a set that is one plain list keeps its mirrors where they are).
const OWN_LIST: u32 = u32::MAX;

/// Every source's merged mirrors, sorted by source (byte order). A source with one plain list of mirrors (the
/// common case) keeps it in its set; only merged lists are made, one after another in `merged` (one allocation
/// instead of one per source: a large render holds them until it is encoded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MergedSets<'a> {
    /// One per distinct source.
    pub(crate) sets: Vec<MergedSet<'a>>,
    /// The mirrors of the sources whose lists were merged.
    merged: Vec<&'a str>,
}

/// One source's merged mirrors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MergedSet<'a> {
    /// The source's first set (in input order): its source, and its mirrors when they need no merging.
    first: &'a MirrorSet,
    /// Numbering every set's mirrors one after another (what per-mirror flags are indexed by), this set's are
    /// `start..end` (never empty: a set always has a mirror), in the order they are tried (the source itself
    /// only when it is not last).
    start: u32,
    end: u32,
    /// Where its mirrors start in [`MergedSets::merged`], or [`OWN_LIST`]: they are `first`'s.
    merged_at: u32,
    /// Some set of this source said `NeverContactSource`.
    pub(crate) never_contact_source: bool,
    /// The order had a cycle that was broken by byte order.
    pub(crate) cycle_broken: bool,
}

impl<'a> MergedSet<'a> {
    /// The source scope.
    pub(crate) fn source(&self) -> &'a str {
        &self.first.source
    }

    /// The numbers of its mirrors among every set's (see [`MergedSet::start`]).
    pub(crate) fn numbers(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl<'a> MergedSets<'a> {
    /// The mirrors of `set`, in the order they are tried.
    pub(crate) fn mirrors_of<'t>(
        &'t self,
        set: &MergedSet<'a>,
    ) -> impl Iterator<Item = &'a str> + 't {
        let (own, merged): (&'a [String], &'t [&'a str]) = match set.merged_at {
            OWN_LIST => (&set.first.mirrors, &[]),
            at => {
                let at = at as usize;
                (&[], &self.merged[at..at + set.numbers().len()])
            }
        };
        own.iter().map(String::as_str).chain(merged.iter().copied())
    }

    /// Every set's mirrors one after another: mirror `n` is number `n` (see [`MergedSet::start`]).
    pub(crate) fn all_mirrors(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.sets.iter().flat_map(|set| self.mirrors_of(set))
    }
}

/// Groups `sets` by exact source, skipping sets with no mirror other than their source, and merges each group;
/// the result is sorted by source (byte order).
pub(crate) fn merge_sets<'a>(
    sets: impl Iterator<Item = (&'a MirrorSet, SourcePolicy)> + Clone,
) -> MergedSets<'a> {
    // Not really a mirror set; its policy is ignored too (as OpenShift does).
    fn has_mirrors((set, _): &(&MirrorSet, SourcePolicy)) -> bool {
        set.mirrors.iter().any(|m| *m != set.source)
    }
    // Sized up front (growing by doubling leaves freed blocks behind), and the result before the items: the items
    // go last, so the space they leave on top of the heap is where the next large allocation (the tables) goes.
    let count = sets.clone().filter(has_mirrors).count();
    let mut merged = MergedSets {
        // At most one set per item.
        sets: Vec::with_capacity(count),
        merged: Vec::new(),
    };
    // Sorting (source, set) pairs groups them and yields the sources in the order the output needs, without a
    // hash map of per-source lists. Ties go by input position, so a group keeps its sets in input order; an
    // unstable sort on that total order needs no scratch buffer (a stable one takes as much memory again as the
    // items, megabytes at 100 000 sources).
    // An item is the set, its input position and whether it never contacts its source: two words, not the four
    // of a borrowed source and mirror list, since the items are the largest of the transient allocations.
    let mut items: Vec<(&'a MirrorSet, u32, bool)> = Vec::with_capacity(count);
    items.extend(
        sets.filter(has_mirrors)
            .enumerate()
            .map(|(position, (set, policy))| {
                (
                    set,
                    to_u32(position),
                    policy == SourcePolicy::NeverContactSource,
                )
            }),
    );
    items.sort_unstable_by(|a, b| a.0.source.cmp(&b.0.source).then(a.1.cmp(&b.1)));

    let mut lists: Vec<&'a [String]> = Vec::new();
    let mut numbered = 0;
    for group in items.chunk_by(|a, b| a.0.source == b.0.source) {
        let first = group[0].0;
        let source = first.source.as_str();
        let (merged_at, len, cycle_broken) = match group {
            // One list of distinct mirrors without the source: the graph is the path `m0 → … → source`, whose
            // only order is the list itself.
            [(set, _, _)] if is_plain_chain(source, &set.mirrors) => {
                (OWN_LIST, set.mirrors.len(), false)
            }
            _ => {
                let at = merged.merged.len();
                lists.clear();
                lists.extend(group.iter().map(|item| item.0.mirrors.as_slice()));
                let cycle_broken = merge_mirror_lists(source, &lists, &mut merged.merged);
                (to_u32(at), merged.merged.len() - at, cycle_broken)
            }
        };
        merged.sets.push(MergedSet {
            first,
            start: to_u32(numbered),
            end: to_u32(numbered + len),
            merged_at,
            never_contact_source: group.iter().any(|item| item.2),
            cycle_broken,
        });
        numbered += len;
    }
    merged
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 mirrors (inputs are bounded far below)")
}

/// True for a short list whose mirrors are distinct and differ from `source`.
fn is_plain_chain(source: &str, list: &[String]) -> bool {
    const SHORT: usize = 16;
    list.len() <= SHORT
        && list
            .iter()
            .enumerate()
            .all(|(i, m)| m != source && !list[..i].contains(m))
}

/// Topological merge of the mirror lists of `source`: edges `m[i] → m[i+1]` in each list, plus `last → source`
/// when the list lacks the source. Kahn's algorithm with byte-order tie-breaks; a cycle is broken by emitting the
/// smallest unused node. The source is dropped when it comes out last. Appends the order to `out` and returns
/// whether a cycle was broken.
fn merge_mirror_lists<'a>(source: &'a str, lists: &[&'a [String]], out: &mut Vec<&'a str>) -> bool {
    // Nodes in byte order: a node's index is its rank, so sorting indices sorts by name.
    let mut nodes: Vec<&'a str> = lists
        .iter()
        .flat_map(|list| list.iter().map(String::as_str))
        .collect();
    nodes.push(source);
    nodes.sort_unstable();
    nodes.dedup();
    let rank = |name: &str| {
        nodes
            .binary_search(&name)
            .unwrap_or_else(|_| unreachable!("every name is a node"))
    };

    let mut edges: Vec<(u32, u32)> = Vec::new();
    for list in lists {
        for pair in list.windows(2) {
            edges.push((rank(&pair[0]) as u32, rank(&pair[1]) as u32));
        }
        if !list.iter().any(|m| m == source)
            && let Some(last) = list.last()
        {
            edges.push((rank(last) as u32, rank(source) as u32));
        }
    }
    edges.sort_unstable();
    edges.dedup();

    let mut in_degree = vec![0u32; nodes.len()];
    let mut out_start = vec![0usize; nodes.len() + 1];
    for &(from, to) in &edges {
        in_degree[to as usize] += 1;
        out_start[from as usize + 1] += 1;
    }
    for i in 0..nodes.len() {
        out_start[i + 1] += out_start[i];
    }
    // `edges` is sorted by `from`, so it already is the adjacency list, successors in byte order.
    let successors = |node: usize| {
        edges[out_start[node]..out_start[node + 1]]
            .iter()
            .map(|&(_, to)| to as usize)
    };

    let mut used = vec![false; nodes.len()];
    let mut ready: VecDeque<usize> = (0..nodes.len()).filter(|&n| in_degree[n] == 0).collect();
    let start = out.len();
    let mut cursor = 0;
    let mut cycle_broken = false;
    while out.len() - start < nodes.len() {
        let node = match ready.pop_front() {
            Some(node) => node,
            None => {
                while used[cursor] {
                    cursor += 1;
                }
                cycle_broken = true;
                cursor
            }
        };
        used[node] = true;
        out.push(nodes[node]);
        // Freed successors are queued in byte order (they come out of `successors` sorted).
        for next in successors(node) {
            in_degree[next] -= 1;
            if in_degree[next] == 0 && !used[next] {
                ready.push_back(next);
            }
        }
    }
    if out.len() > start && out.last() == Some(&source) {
        out.pop();
    }
    cycle_broken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(raw: &[&[&str]]) -> Vec<Vec<String>> {
        raw.iter()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn merge(source: &str, raw: &[&[&str]]) -> Vec<String> {
        let owned = lists(raw);
        let refs: Vec<&[String]> = owned.iter().map(Vec::as_slice).collect();
        let mut out = vec!["before"];
        merge_mirror_lists(source, &refs, &mut out);
        assert_eq!(out[0], "before", "appends");
        out[1..].iter().map(|s| s.to_string()).collect()
    }

    /// The shortcut for one plain list agrees with the general merge.
    fn merged_by_sets(source: &str, raw: &[&[&str]]) -> Vec<String> {
        let sets: Vec<MirrorSet> = raw
            .iter()
            .map(|list| MirrorSet::new(source, list.iter().copied()))
            .collect();
        let merged = merge_sets(sets.iter().map(|set| (set, set.policy)));
        assert!(merged.sets.len() <= 1);
        merged
            .sets
            .first()
            .map(|set| merged.mirrors_of(set).map(|s| s.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn runtime_utils_examples() {
        assert_eq!(merge("s", &[&["b", "c"], &["a", "b"]]), ["a", "b", "c"]);
        assert_eq!(
            merge("s", &[&["mb", "ma"], &["ma", "mb", "mc"]]),
            ["ma", "mb", "mc"]
        );
        assert_eq!(merge("src", &[&["z1", "src", "y2"]]), ["z1", "src", "y2"]);
        assert_eq!(merge("src", &[&["z1", "src"]]), ["z1"]);
        assert_eq!(
            merge("s", &[&["r1", "r2"], &["local", "r2", "r1"]]),
            ["local", "r1", "r2"]
        );
        assert_eq!(merge("s", &[&["a", "a"]]), ["a"]);
    }

    #[test]
    fn single_list_shortcut_agrees_with_the_merge() {
        for raw in [
            &[&["b", "a", "c"][..]][..],
            &[&["z1", "src", "y2"]],
            &[&["z1", "src"]],
            &[&["a", "a"]],
            &[&["b", "c"], &["a", "b"]],
            &[&["src", "a"]],
        ] {
            assert_eq!(merged_by_sets("src", raw), merge("src", raw), "{raw:?}");
        }
        assert_eq!(merged_by_sets("src", &[&["src"]]), Vec::<String>::new());
    }
}
