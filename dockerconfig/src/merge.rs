//! Merging several files: later wins per registry, entries replaced whole.

use std::collections::HashMap;
use std::fmt;

use crate::Warning;
use crate::config::{DockerConfig, Entry, Format, normalize_key};
use crate::json::Member;

/// What happened to one key (a registry entry or a top-level member) in a merge.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeKind {
    /// New in the result.
    Added,
    /// Replaced whole by the later file's value.
    Replaced,
    /// The later file held exactly what the result already had.
    Unchanged,
}

/// One key's fate in a merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The later file's origin.
    pub from: String,
    /// The key as the later file spells it.
    pub incoming_key: String,
    /// The key as the result spells it (the first spelling is kept).
    pub key: String,
    /// What happened.
    pub kind: ChangeKind,
    /// Whether this is a top-level member (`credHelpers`, ...) rather than an `auths` entry.
    pub top_level: bool,
}

/// What a merge did, key by key, and what deserves a look.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// One change per key of every later file, in order.
    pub changes: Vec<Change>,
    /// Things worth telling a person (never a secret).
    pub warnings: Vec<Warning>,
}

impl MergeReport {
    /// The changes of one kind.
    pub fn of_kind(&self, kind: &ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| &c.kind == kind)
    }
}

impl fmt::Display for MergeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.changes {
            let kind = match c.kind {
                ChangeKind::Added => "added",
                ChangeKind::Replaced => "replaced",
                ChangeKind::Unchanged => "unchanged",
            };
            let what = if c.top_level { "top-level " } else { "" };
            write!(f, "{kind} {what}{:?}", c.key)?;
            if c.incoming_key != c.key {
                write!(f, " (as {:?})", c.incoming_key)?;
            }
            writeln!(f, " from {}", c.from)?;
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

impl DockerConfig {
    /// Merges a later file into this one. Per registry the later entry wins and replaces the earlier one whole
    /// (no stale `identitytoken` beside a new `auth`). Later keys first claim the earlier entries they name
    /// exactly; the others then claim, by normalised key ([`normalize_key`]: `https://`, a path such as `/v1/`,
    /// the docker.io spellings), the first unclaimed earlier entry of the same registry. Each earlier entry is
    /// claimed at most once; its spelling and place are kept. Unmatched keys are appended. Top-level members other than `auths` are replaced whole
    /// by exact key, or appended.
    ///
    /// `a.merge(&a)` leaves `a` unchanged and reports every key unchanged.
    pub fn merge(&mut self, later: &DockerConfig) -> MergeReport {
        let mut report = MergeReport::default();
        let base_len = self.entries.len();
        let mut claimed = vec![false; base_len];
        let mut changed = false;
        // Exact spellings claim their entries first, so a normalised match never takes an entry that a later key
        // names exactly; then the remaining keys match by normalised key among unclaimed earlier entries. Indexes
        // keep this linear: pull secrets with thousands of entries exist.
        let exact: HashMap<&str, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.text.as_str(), i))
            .collect();
        let mut by_registry: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            by_registry
                .entry(normalize_key(e.key.text.as_str(), self.format))
                .or_default()
                .push(i);
        }
        let mut targets: Vec<Option<usize>> = later
            .entries
            .iter()
            .map(|incoming| exact.get(incoming.key.text.as_str()).copied())
            .collect();
        for t in targets.iter().flatten() {
            claimed[*t] = true;
        }
        let wanted: Vec<String> = later
            .entries
            .iter()
            .map(|incoming| normalize_key(incoming.key.text.as_str(), later.format))
            .collect();
        for (target, wanted) in targets.iter_mut().zip(&wanted) {
            if target.is_none() {
                *target = by_registry
                    .get(wanted)
                    .and_then(|same| same.iter().copied().find(|&i| !claimed[i]));
                if let Some(i) = *target {
                    claimed[i] = true;
                }
            }
        }
        let others_of = |i: usize, wanted: &str| -> Vec<String> {
            by_registry
                .get(wanted)
                .map(|same| {
                    same.iter()
                        .filter(|&&j| j != i)
                        .map(|&j| self.entries[j].key.text.as_str().to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let others: Vec<Vec<String>> = targets
            .iter()
            .zip(&wanted)
            .map(|(t, w)| t.map(|i| others_of(i, w)).unwrap_or_default())
            .collect();
        drop(exact);
        for ((incoming, index), others) in later.entries.iter().zip(targets).zip(others) {
            let key = incoming.key.text.as_str();
            let kind = match index {
                Some(i) => {
                    if !others.is_empty() {
                        report.warnings.push(Warning::OtherSpellingsRemain {
                            from: later.origin.clone(),
                            incoming_key: key.to_owned(),
                            replaced: self.entries[i].key.text.as_str().to_owned(),
                            others,
                        });
                    }
                    if self.entries[i].entry == incoming.entry {
                        (
                            ChangeKind::Unchanged,
                            self.entries[i].key.text.as_str().to_owned(),
                        )
                    } else {
                        self.entries[i].entry = incoming.entry.clone();
                        changed = true;
                        (
                            ChangeKind::Replaced,
                            self.entries[i].key.text.as_str().to_owned(),
                        )
                    }
                }
                None => {
                    self.entries.push(Entry {
                        key: incoming.key.clone(),
                        entry: incoming.entry.clone(),
                    });
                    changed = true;
                    (ChangeKind::Added, key.to_owned())
                }
            };
            report.changes.push(Change {
                from: later.origin.clone(),
                incoming_key: key.to_owned(),
                key: kind.1,
                kind: kind.0,
                top_level: false,
            });
        }
        let later_top: Vec<&Member> = later.before.iter().chain(&later.after).collect();
        if !later_top.is_empty() && self.format == Format::Legacy {
            report.warnings.push(Warning::ConvertedToAuths {
                from: later.origin.clone(),
                fields: later.other_top_level_keys(),
            });
            let converted = std::mem::take(self).into_auths_format();
            *self = converted;
        }
        for m in later_top {
            let key = m.key.text.as_str();
            let existing = self
                .before
                .iter_mut()
                .chain(self.after.iter_mut())
                .find(|x| x.key.text.as_str() == key);
            let kind = match existing {
                Some(x) if x.value == m.value => ChangeKind::Unchanged,
                Some(x) => {
                    x.value = m.value.clone();
                    changed = true;
                    ChangeKind::Replaced
                }
                None => {
                    self.after.push(m.clone());
                    changed = true;
                    ChangeKind::Added
                }
            };
            report.changes.push(Change {
                from: later.origin.clone(),
                incoming_key: key.to_owned(),
                key: key.to_owned(),
                kind,
                top_level: true,
            });
        }
        if changed {
            self.touch();
        }
        report
    }

    /// Merges files in order (later wins) into a copy of the first; an empty list gives an empty file.
    pub fn merged(files: &[DockerConfig]) -> (DockerConfig, MergeReport) {
        let Some((first, rest)) = files.split_first() else {
            return (DockerConfig::new(), MergeReport::default());
        };
        let mut result = first.clone();
        let mut report = MergeReport::default();
        for later in rest {
            let step = result.merge(later);
            report.changes.extend(step.changes);
            report.warnings.extend(step.warnings);
        }
        (result, report)
    }
}
