//! Merging the mirror sets of one source into one ordered list, exactly as openshift/runtime-utils
//! (`mergedMirrors` over `topoGraph.Sorted`) does.

use std::collections::{HashMap, VecDeque};

use crate::rules::{MirrorSet, SourcePolicy};

/// One source's merged mirrors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MergedSet<'a> {
    /// The source scope.
    pub(crate) source: &'a str,
    /// Mirrors in the order they are tried (the source itself only when it is not last).
    pub(crate) mirrors: Vec<&'a str>,
    /// Some set of this source said `NeverContactSource`.
    pub(crate) never_contact_source: bool,
    /// The order had a cycle that was broken by byte order.
    pub(crate) cycle_broken: bool,
}

/// Groups `sets` by exact source, skipping sets with no mirror other than their source, and merges each group;
/// the result is sorted by source (byte order).
pub(crate) fn merge_sets<'a>(
    sets: impl Iterator<Item = (&'a MirrorSet, SourcePolicy)>,
) -> Vec<MergedSet<'a>> {
    let mut groups: HashMap<&'a str, (Vec<&'a [String]>, bool)> = HashMap::new();
    for (set, policy) in sets {
        let source = set.source.as_str();
        if !set.mirrors.iter().any(|m| m != source) {
            // Not really a mirror set; its policy is ignored too (as OpenShift does).
            continue;
        }
        let group = groups.entry(source).or_default();
        group.0.push(&set.mirrors);
        group.1 |= policy == SourcePolicy::NeverContactSource;
    }
    let mut merged: Vec<MergedSet<'a>> = groups
        .into_iter()
        .map(|(source, (lists, never_contact_source))| {
            let (mirrors, cycle_broken) = merge_mirror_lists(source, &lists);
            MergedSet {
                source,
                mirrors,
                never_contact_source,
                cycle_broken,
            }
        })
        .collect();
    merged.sort_unstable_by(|a, b| a.source.cmp(b.source));
    merged
}

/// Topological merge of the mirror lists of `source`: edges `m[i] → m[i+1]` in each list, plus `last → source`
/// when the list lacks the source. Kahn's algorithm with byte-order tie-breaks; a cycle is broken by emitting the
/// smallest unused node. The source is dropped when it comes out last. Returns the order and whether a cycle was
/// broken.
fn merge_mirror_lists<'a>(source: &'a str, lists: &[&'a [String]]) -> (Vec<&'a str>, bool) {
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
    let mut order: Vec<&'a str> = Vec::with_capacity(nodes.len());
    let mut cursor = 0;
    let mut cycle_broken = false;
    while order.len() < nodes.len() {
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
        order.push(nodes[node]);
        // Freed successors are queued in byte order (they come out of `successors` sorted).
        for next in successors(node) {
            in_degree[next] -= 1;
            if in_degree[next] == 0 && !used[next] {
                ready.push_back(next);
            }
        }
    }
    if order.last() == Some(&source) {
        order.pop();
    }
    (order, cycle_broken)
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
        merge_mirror_lists(source, &refs)
            .0
            .into_iter()
            .map(str::to_string)
            .collect()
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
}
