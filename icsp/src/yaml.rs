//! The complete YAML reader: parser events into [`Node`] trees, one document at a time, under the [`Limits`],
//! with scalars, tags, anchors and merge keys as sigs.k8s.io/yaml (go-yaml v2) reads them.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_saphyr::granit_parser::{
    ErrorKind, Event, Options, Parser, ScalarStyle, ScanError, Span, StrInput, Tag,
};

use crate::error::{Error, Where, quote};
use crate::read::Limits;
use crate::scalar::resolve_plain;
use crate::tree::{Key, Node, Tree};

/// The non-empty documents of a stream, in order.
pub(crate) struct Documents<'a> {
    parser: Parser<'a, StrInput<'a>>,
    file: &'a str,
    limits: &'a Limits,
    /// Non-empty documents seen.
    documents: usize,
    nodes: usize,
    aliases: usize,
    replayed: usize,
    done: bool,
}

/// A collection being built.
enum Frame<'a> {
    Seq {
        /// Where this sequence's items start in the shared item stack.
        start: usize,
        line: u32,
        column: u32,
        anchor: usize,
        events: usize,
    },
    Map {
        /// Where this mapping's entries start in the shared entry stack.
        start: usize,
        /// Values of `<<` merge keys, in order.
        merges: Vec<Node<'a>>,
        key: Option<PendingKey<'a>>,
        line: u32,
        column: u32,
        anchor: usize,
        events: usize,
    },
}

enum PendingKey<'a> {
    Key(Key<'a>),
    Merge,
}

fn position(span: &Span) -> (u32, u32) {
    let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX);
    (line, column)
}

impl<'a> Documents<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str, limits: &'a Limits) -> Self {
        let mut options = Options::default();
        options.emit_comments = false;
        // The scanner looks ahead: its own nesting limits stop deep flow collections before the parser emits
        // the event where this reader's depth budget would. Reported as the same budget.
        let nesting = limits.max_depth.max(254) + 1;
        options.flow_nesting_limit = nesting;
        options.block_nesting_limit = nesting;
        Self {
            parser: Parser::new_from_str_with_options(text, options),
            file,
            limits,
            documents: 0,
            nodes: 0,
            aliases: 0,
            replayed: 0,
            done: false,
        }
    }

    /// Non-empty documents read so far.
    pub(crate) fn read_so_far(&self) -> usize {
        self.documents
    }

    fn at(&self, line: u32, column: u32) -> Box<Where> {
        Box::new(Where {
            file: self.file.to_owned(),
            document: Some(self.documents),
            line: (line > 0).then_some(u64::from(line)),
            column: (line > 0).then_some(u64::from(column)),
            ..Where::default()
        })
    }

    fn syntax(&self, (line, column): (u32, u32), message: impl Into<String>) -> Error {
        Error::Syntax {
            at: self.at(line, column),
            message: message.into(),
        }
    }

    fn budget(&self, (line, column): (u32, u32), message: impl Into<String>) -> Error {
        Error::Budget {
            at: self.at(line, column),
            message: message.into(),
        }
    }

    fn scan_error(&self, e: &ScanError) -> Error {
        let marker = e.marker();
        let line = u32::try_from(marker.line()).unwrap_or(u32::MAX);
        let column = u32::try_from(marker.col() + 1).unwrap_or(u32::MAX);
        if matches!(e.kind(), ErrorKind::RecursionLimitExceeded) {
            let depth = self.limits.max_depth.max(254) + 1;
            return self.budget(
                (line, column),
                format!("budget breached: Depth {{ depth: {depth} }}"),
            );
        }
        self.syntax((line, column), e.info())
    }

    /// The next non-empty document's root.
    fn next_document(&mut self) -> Result<Option<Node<'a>>, Error> {
        let mut stack: Vec<Frame<'a>> = Vec::new();
        let mut anchors: HashMap<usize, (Node<'a>, usize)> = HashMap::new();
        let mut root: Option<Node<'a>> = None;
        // The items and entries of every open collection, innermost last: a collection's children are
        // complete before its next sibling starts, so each one's range is at the end when it closes.
        let mut items: Vec<Node<'a>> = Vec::new();
        let mut entries: Vec<(Key<'a>, Node<'a>)> = Vec::new();
        // The text of a YAML 1.1 boolean key (`n`), which the key keeps.
        let mut last_plain_word: Option<String> = None;
        loop {
            let Some(event) = self.parser.next_event() else {
                return Ok(None);
            };
            let (event, span) = event.map_err(|e| self.scan_error(&e))?;
            let at = position(&span);
            // A finished node (and the events it stands for), to hand to its parent.
            let finished: (Node<'a>, usize, usize) = match event {
                Event::StreamStart => continue,
                Event::StreamEnd => return Ok(None),
                Event::DocumentStart(..) => {
                    anchors.clear();
                    continue;
                }
                Event::DocumentEnd => match root.take() {
                    Some(node) if !matches!(node.value, Tree::Null) => {
                        if self.documents >= self.limits.max_documents {
                            return Err(self.budget(
                                (node.line, node.column),
                                format!("more than {} documents", self.limits.max_documents),
                            ));
                        }
                        return Ok(Some(node));
                    }
                    _ => continue,
                },
                Event::Alias(id) => {
                    self.aliases += 1;
                    if self.aliases > self.limits.max_aliases {
                        return Err(self.budget(
                            at,
                            format!("budget breached: Aliases {{ aliases: {} }}", self.aliases),
                        ));
                    }
                    let Some((node, events)) = anchors.get(&id) else {
                        return Err(self.syntax(at, "while parsing node, found unknown anchor"));
                    };
                    self.replayed = self.replayed.saturating_add(*events);
                    if self.replayed > self.limits.max_alias_expansion {
                        let limit = self.limits.max_alias_expansion;
                        return Err(self.budget(
                            at,
                            format!(
                                "alias replay limit exceeded: total_replayed_events={} > {limit}",
                                limit + 1
                            ),
                        ));
                    }
                    (node.clone(), *events, 0)
                }
                Event::Scalar(text, style, anchor, tag) => {
                    self.count_node(at)?;
                    let is_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
                    if is_key && style == ScalarStyle::Plain && tag.is_none() && text == "<<" {
                        let Some(Frame::Map { key, .. }) = stack.last_mut() else {
                            unreachable!("checked above");
                        };
                        *key = Some(PendingKey::Merge);
                        continue;
                    }
                    // A key spelled as a YAML 1.1 boolean (`on`, `n`) keeps its text; only then is it copied.
                    let bool_word = is_key
                        && text.len() <= 5
                        && matches!(resolve_plain(&text), Some(Tree::Bool { word: true, .. }));
                    if bool_word {
                        last_plain_word = Some(text.to_string());
                    }
                    let value = self.scalar(at, text, style, tag.as_deref())?;
                    (
                        Node {
                            value,
                            line: at.0,
                            column: at.1,
                        },
                        1,
                        anchor,
                    )
                }
                Event::SequenceStart(_, anchor, tag) => {
                    self.open_collection(at, stack.len() + 1, tag.as_deref(), "seq")?;
                    stack.push(Frame::Seq {
                        start: items.len(),
                        line: at.0,
                        column: at.1,
                        anchor,
                        events: 1,
                    });
                    continue;
                }
                Event::MappingStart(_, anchor, tag) => {
                    self.open_collection(at, stack.len() + 1, tag.as_deref(), "map")?;
                    stack.push(Frame::Map {
                        start: entries.len(),
                        merges: Vec::new(),
                        key: None,
                        line: at.0,
                        column: at.1,
                        anchor,
                        events: 1,
                    });
                    continue;
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Frame::Seq {
                        start,
                        line,
                        column,
                        anchor,
                        events,
                    }) => (
                        Node {
                            // Collected at their exact size: Vec's growth would leave up to half of
                            // each small collection unused.
                            value: Tree::Seq(items.drain(start..).collect()),
                            line,
                            column,
                        },
                        events + 1,
                        anchor,
                    ),
                    _ => return Err(self.syntax(at, "unexpected end of sequence")),
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Frame::Map {
                        start,
                        merges,
                        line,
                        column,
                        anchor,
                        events,
                        ..
                    }) => {
                        let own: Vec<(Key<'a>, Node<'a>)> = entries.drain(start..).collect();
                        let own = self.finish_mapping(own, merges)?;
                        (
                            Node {
                                value: Tree::Map(own),
                                line,
                                column,
                            },
                            events + 1,
                            anchor,
                        )
                    }
                    _ => return Err(self.syntax(at, "unexpected end of mapping")),
                },
                // Comments are not requested; anchors' names come with their nodes.
                _ => continue,
            };
            let (node, events, anchor) = finished;
            let key_text = last_plain_word.take();
            if anchor != 0 {
                anchors.insert(anchor, (node.clone(), events));
            }
            match stack.last_mut() {
                None => root = Some(node),
                Some(Frame::Seq { events: e, .. }) => {
                    *e += events;
                    items.push(node);
                }
                Some(Frame::Map {
                    merges,
                    key,
                    events: e,
                    ..
                }) => {
                    *e += events;
                    match key.take() {
                        None => *key = Some(PendingKey::Key(self.key(node, key_text)?)),
                        Some(PendingKey::Merge) => merges.push(node),
                        Some(PendingKey::Key(k)) => entries.push((k, node)),
                    }
                }
            }
        }
    }

    fn count_node(&mut self, at: (u32, u32)) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(self.budget(
                at,
                format!("budget breached: Nodes {{ nodes: {} }}", self.nodes),
            ));
        }
        Ok(())
    }

    fn check_depth(&self, at: (u32, u32), depth: usize) -> Result<(), Error> {
        if depth > self.limits.max_depth {
            return Err(self.budget(at, format!("budget breached: Depth {{ depth: {depth} }}")));
        }
        Ok(())
    }

    /// The checks of a sequence or mapping that opens at `at`: one node more, `depth` within the limit, and a tag
    /// (if any) that is the `core` one.
    fn open_collection(
        &mut self,
        at: (u32, u32),
        depth: usize,
        tag: Option<&Tag>,
        core: &str,
    ) -> Result<(), Error> {
        self.count_node(at)?;
        self.check_depth(at, depth)?;
        self.collection_tag(at, tag, core)
    }

    fn collection_tag(&self, at: (u32, u32), tag: Option<&Tag>, core: &str) -> Result<(), Error> {
        match tag {
            None => Ok(()),
            Some(t) if t.core_suffix() == Some(core) => Ok(()),
            Some(t) => Err(self.syntax(at, refused_tag(t))),
        }
    }

    /// A scalar as go-yaml v2 reads it: quoted and block scalars are strings, plain ones are resolved, and the
    /// core tags force a type.
    fn scalar(
        &self,
        at: (u32, u32),
        text: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
    ) -> Result<Tree<'a>, Error> {
        // `None` where the scalar is a string.
        let resolved = || match style {
            ScalarStyle::Plain => resolve_plain(&text),
            _ => None,
        };
        let scalar = match tag {
            None => resolved(),
            Some(t) => match t.core_suffix() {
                Some("str") => None,
                Some(core @ ("null" | "bool" | "int" | "float")) => {
                    let value = resolve_plain(&text);
                    match (core, value) {
                        ("null", Some(Tree::Null)) => Some(Tree::Null),
                        ("bool", b @ Some(Tree::Bool { .. })) => b,
                        ("int", i @ Some(Tree::Int(_) | Tree::UInt(_))) => i,
                        ("float", f @ Some(Tree::Float(_))) => f,
                        #[allow(clippy::cast_precision_loss)]
                        ("float", Some(Tree::Int(i))) => Some(Tree::Float(i as f64)),
                        #[allow(clippy::cast_precision_loss)]
                        ("float", Some(Tree::UInt(u))) => Some(Tree::Float(u as f64)),
                        _ => {
                            return Err(
                                self.syntax(at, format!("cannot decode this value as a !!{core}"))
                            );
                        }
                    }
                }
                _ => return Err(self.syntax(at, refused_tag(t))),
            },
        };
        Ok(scalar.unwrap_or(Tree::Str(text)))
    }

    /// A mapping key: sigs.k8s.io/yaml writes integer and boolean keys as strings (`1`, `true`); a plain `on` or
    /// `n` key keeps its text here and is flagged, since the API server would name it `true`/`false`. Other
    /// non-strings are refused.
    fn key(&self, node: Node<'a>, text: Option<String>) -> Result<Key<'a>, Error> {
        let at = (node.line, node.column);
        let mut yaml11_bool = None;
        let name = match node.value {
            Tree::Str(s) => match crate::schema::interned(&s) {
                Some(known) => Cow::Borrowed(known),
                None => s,
            },
            Tree::Int(i) => Cow::Owned(i.to_string()),
            Tree::UInt(u) => Cow::Owned(u.to_string()),
            Tree::Bool { value, word: false } => Cow::Owned(value.to_string()),
            Tree::Bool { value, word: true } => {
                yaml11_bool = Some(value);
                Cow::Owned(text.unwrap_or_else(|| value.to_string()))
            }
            other => {
                return Err(self.syntax(
                    at,
                    format!("mapping keys must be strings, found {}", other.shape()),
                ));
            }
        };
        Ok(Key {
            name,
            line: node.line,
            column: node.column,
            yaml11_bool,
        })
    }

    /// Checks explicit keys for duplicates, then applies `<<` merges as go-yaml v2 does: merged mappings fill
    /// keys not set explicitly, earlier merges winning over later ones.
    fn finish_mapping(
        &self,
        mut entries: Vec<(Key<'a>, Node<'a>)>,
        merges: Vec<Node<'a>>,
    ) -> Result<Vec<(Key<'a>, Node<'a>)>, Error> {
        check_unique(&entries).map_err(|i| {
            let key = &entries[i].0;
            self.syntax(
                (key.line, key.column),
                format!(
                    "duplicate mapping key: {}",
                    crate::error::field_text(&key.name)
                ),
            )
        })?;
        if merges.is_empty() {
            return Ok(entries);
        }
        let mut sources: Vec<Node<'a>> = Vec::new();
        for merge in merges {
            match merge.value {
                Tree::Map(_) => sources.push(merge),
                Tree::Seq(items) => {
                    for item in items {
                        if !matches!(item.value, Tree::Map(_)) {
                            return Err(self.syntax(
                                (item.line, item.column),
                                "map merge requires map or sequence of maps as the value",
                            ));
                        }
                        sources.push(item);
                    }
                }
                _ => {
                    return Err(self.syntax(
                        (merge.line, merge.column),
                        "map merge requires map or sequence of maps as the value",
                    ));
                }
            }
        }
        for source in sources {
            let Tree::Map(merged) = source.value else {
                continue;
            };
            for (key, value) in merged {
                if !entries.iter().any(|(k, _)| k.name == key.name) {
                    entries.push((key, value));
                }
            }
        }
        Ok(entries)
    }
}

/// The index of the first key that repeats an earlier one.
fn check_unique(entries: &[(Key<'_>, Node<'_>)]) -> Result<(), usize> {
    if entries.len() <= 16 {
        for (i, (key, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(k, _)| k.name == key.name) {
                return Err(i);
            }
        }
        return Ok(());
    }
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    for (i, (key, _)) in entries.iter().enumerate() {
        if !seen.insert(key.name.as_ref()) {
            return Err(i);
        }
    }
    Ok(())
}

fn refused_tag(tag: &Tag) -> String {
    let written = quote(&tag.original());
    if tag.suffix() == "binary" || tag.suffix().ends_with(":binary") {
        format!(
            "tag {written} is not accepted: the API server takes objects as JSON, which has no binary values; write the \
             bytes as base64 text"
        )
    } else {
        format!(
            "tag {written} is not accepted: the API server knows only the YAML core tags (!!str, !!int, !!float, \
             !!bool, !!null, !!map, !!seq)"
        )
    }
}

impl<'a> Iterator for Documents<'a> {
    type Item = Result<Node<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_document() {
            Ok(Some(node)) => {
                self.documents += 1;
                Some(Ok(node))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
