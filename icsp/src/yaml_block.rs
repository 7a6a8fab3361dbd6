//! The block-YAML fast path: the YAML `kubectl` and `oc get -o yaml` print read straight into a [`Node`] tree,
//! line by line, without the YAML parser's token and event machinery (half of `render`'s time went there).
//!
//! What it reads: block mappings and sequences (indentless ones included, and compact `- key: value` items),
//! plain scalars, one-line single- and double-quoted scalars, literal block scalars (`|`, `|-`), empty flow
//! collections (`[]`, `{}`), comments and `---` between documents. Like the JSON fast path it gives the tree the
//! complete reader gives or steps aside ([`NotSure`]): anything else (other flow collections, anchors, aliases,
//! tags, merge keys, multi-line plain or quoted scalars, folded or kept block scalars, tabs, carriage returns,
//! characters YAML does not print, keys a YAML 1.1 reader resolves to something other than a string, duplicate
//! keys, a budget reached) sends the whole stream to the complete reader, so errors, warnings and their positions
//! always come from one reader. Differential tests and the `yaml_objects` fuzz target compare the two.

use std::borrow::Cow;

use crate::json::{NotSure, check_printable, escape, unique};
use crate::read::Limits;
use crate::scalar::resolve_plain;
use crate::tree::{Key, Node, Tree};

/// YAML's implicit keys stay under 1024 characters; a longer one is the complete reader's to refuse.
const MAX_IMPLICIT_KEY: usize = 1000;

/// The non-empty documents of a block-YAML stream, in order.
pub(crate) struct BlockDocuments<'a, 'l> {
    text: &'a str,
    bytes: &'a [u8],
    limits: &'l Limits,
    /// The current line: where it begins, where the current node on it begins (its first non-space byte unless a
    /// compact item moved it), where it ends (its `\n`, or the end of the text) and its 1-based number.
    begin: usize,
    content: usize,
    end: usize,
    line: u32,
    nodes: usize,
    documents: usize,
    /// Items and entries of the open collections, innermost last (collected at their exact size on close).
    items: Vec<Node<'a>>,
    entries: Vec<(Key<'a>, Node<'a>)>,
}

/// A mapping key read on the current line.
struct KeyHere<'a> {
    key: Key<'a>,
    /// Where the value's text may start (after the `:`).
    after: usize,
}

impl<'a, 'l> BlockDocuments<'a, 'l> {
    /// The reader at the stream's first line; `NotSure` when the text holds a character the fast path never reads
    /// (every control character but the line feed, tabs included, and what YAML does not print).
    pub(crate) fn new(text: &'a str, limits: &'l Limits) -> Result<Self, NotSure> {
        let bytes = text.as_bytes();
        if bytes.iter().any(|&b| (b < 0x20 && b != b'\n') || b == 0x7f) {
            return Err(NotSure);
        }
        if !text.is_ascii() {
            check_printable(text)?;
            // Line and paragraph separators are line breaks to YAML 1.1 (go-yaml v2).
            if text.contains(['\u{2028}', '\u{2029}']) {
                return Err(NotSure);
            }
        }
        let mut reader = Self {
            text,
            bytes,
            limits,
            begin: 0,
            content: 0,
            end: 0,
            line: 1,
            nodes: 0,
            documents: 0,
            items: Vec::new(),
            entries: Vec::new(),
        };
        reader.load_line(0);
        Ok(reader)
    }

    fn load_line(&mut self, begin: usize) {
        self.begin = begin;
        let rest = self.bytes.get(begin..).unwrap_or_default();
        self.end = begin + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        self.content = begin
            + rest[..self.end - begin]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
    }

    fn next_line(&mut self) {
        self.line += 1;
        self.load_line(self.end + 1);
    }

    fn at_end(&self) -> bool {
        self.begin >= self.bytes.len()
    }

    /// The current line's indentation (its node's column from 0).
    fn indent(&self) -> usize {
        self.content - self.begin
    }

    fn column(&self, at: usize) -> u32 {
        u32::try_from(self.text[self.begin..at].chars().count() + 1).unwrap_or(u32::MAX)
    }

    fn byte(&self, at: usize) -> Option<u8> {
        if at < self.end {
            Some(self.bytes[at])
        } else {
            None
        }
    }

    /// Whether `at` (on the current line) is followed by nothing but spaces and perhaps a comment.
    fn rest_is_blank(&self, at: usize) -> bool {
        let first = (at..self.end).find(|&i| self.bytes[i] != b' ');
        match first {
            None => true,
            Some(i) => self.bytes[i] == b'#' && i > at,
        }
    }

    /// Skips empty and comment lines. Directives, `...` and anything else at a document boundary the fast path does
    /// not read are `NotSure`.
    fn skip_blank(&mut self) -> Result<(), NotSure> {
        while !self.at_end() {
            if self.content == self.end || self.bytes[self.content] == b'#' {
                self.next_line();
                continue;
            }
            if self.content == self.begin {
                let line = &self.bytes[self.begin..self.end];
                if line.starts_with(b"...") || line[0] == b'%' {
                    return Err(NotSure);
                }
            }
            break;
        }
        Ok(())
    }

    /// Whether the current line is a `---` document start (at column 0, followed by a space or the line's end).
    fn at_document_start(&self) -> Result<bool, NotSure> {
        let line = &self.bytes[self.begin..self.end];
        if self.content != self.begin || !line.starts_with(b"---") {
            return Ok(false);
        }
        match line.get(3) {
            None => Ok(true),
            Some(b' ') if self.rest_is_blank(self.begin + 3) => Ok(true),
            // `--- value`, `--- !tag`, `--- |`: a document that starts on its marker's line.
            Some(b' ') => Err(NotSure),
            Some(_) => Ok(false),
        }
    }

    fn count_node(&mut self) -> Result<(), NotSure> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(NotSure);
        }
        Ok(())
    }

    fn open(&mut self, depth: usize) -> Result<(), NotSure> {
        self.count_node()?;
        if depth > self.limits.max_depth {
            return Err(NotSure);
        }
        Ok(())
    }

    /// The next non-empty document's root, a mapping or a sequence.
    pub(crate) fn next_document(&mut self) -> Result<Option<Node<'a>>, NotSure> {
        loop {
            // The complete reader counts an empty document's null scalar: counting one per document start here
            // keeps this count at or above its count, so this path never reads what it would refuse.
            self.count_node()?;
            self.skip_blank()?;
            if self.at_end() {
                return Ok(None);
            }
            if self.at_document_start()? {
                self.next_line();
                continue;
            }
            let indent = self.indent();
            let root = self.block_node(indent, 1)?;
            self.skip_blank()?;
            if !self.at_end() && !self.at_document_start()? {
                return Err(NotSure);
            }
            self.documents += 1;
            if self.documents > self.limits.max_documents {
                return Err(NotSure);
            }
            return Ok(Some(root));
        }
    }

    /// Whether the node at `content` is a block sequence entry (`-` then a space or the line's end).
    fn at_sequence_entry(&self) -> bool {
        self.byte(self.content) == Some(b'-')
            && matches!(self.byte(self.content + 1), None | Some(b' '))
    }

    /// A collection that starts at `content`, in column `indent`: a sequence or a mapping. A scalar where a
    /// collection starts (a multi-line or next-line scalar) is `NotSure`.
    fn block_node(&mut self, indent: usize, depth: usize) -> Result<Node<'a>, NotSure> {
        if self.at_sequence_entry() {
            return self.sequence(indent, depth);
        }
        match self.key_here()? {
            Some(first) => self.mapping(indent, depth, first),
            None => Err(NotSure),
        }
    }

    /// The mapping key at `content`, if the text there is one (`key:` followed by a space or the line's end);
    /// `None` when it is a scalar. Keys the fast path does not read the same way as go-yaml v2 are `NotSure`.
    fn key_here(&mut self) -> Result<Option<KeyHere<'a>>, NotSure> {
        let start = self.content;
        let line = self.line;
        let column = self.column(start);
        let (name, after_name) = match self.bytes[start] {
            b'"' => self.double_quoted(start)?,
            b'\'' => self.single_quoted(start)?,
            b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@'
            | b'`' | b',' | b'?' | b':' | b'-' => return Ok(None),
            _ => {
                let mut colon = None;
                for i in start..self.end {
                    match self.bytes[i] {
                        b':' if matches!(self.byte(i + 1), None | Some(b' ')) => {
                            colon = Some(i);
                            break;
                        }
                        b'#' if self.bytes[i - 1] == b' ' => break,
                        _ => {}
                    }
                }
                let Some(colon) = colon else {
                    return Ok(None);
                };
                let name = &self.text[start..colon];
                // `a : b`, `<<`, and keys go-yaml v2 resolves to booleans, numbers or null (`y`, `1`, `~`).
                if name.ends_with(' ') || name == "<<" || resolve_plain(name).is_some() {
                    return Err(NotSure);
                }
                (Cow::Borrowed(name), colon)
            }
        };
        if after_name - start > MAX_IMPLICIT_KEY {
            return Err(NotSure);
        }
        if self.byte(after_name) != Some(b':') {
            // A quoted scalar, not a key.
            return Ok(None);
        }
        if !matches!(self.byte(after_name + 1), None | Some(b' ')) {
            return Err(NotSure);
        }
        let name = match crate::schema::interned(&name) {
            Some(known) => Cow::Borrowed(known),
            None => name,
        };
        Ok(Some(KeyHere {
            key: Key {
                name,
                line,
                column,
                yaml11_bool: None,
            },
            after: after_name + 1,
        }))
    }

    /// A block mapping in column `indent` whose first key is `first`.
    fn mapping(
        &mut self,
        indent: usize,
        depth: usize,
        first: KeyHere<'a>,
    ) -> Result<Node<'a>, NotSure> {
        self.open(depth)?;
        let (line, column) = (first.key.line, first.key.column);
        let start = self.entries.len();
        let mut next = Some(first);
        loop {
            let Some(KeyHere { key, after }) = next.take() else {
                return Err(NotSure);
            };
            self.count_node()?;
            let value = self.value_after_key(after, indent, depth, &key)?;
            self.entries.push((key, value));
            if self.at_end() || self.at_document_start()? || self.indent() < indent {
                break;
            }
            // Deeper: a multi-line scalar or a misplaced line; at this column, only another key belongs.
            if self.indent() > indent || self.at_sequence_entry() {
                return Err(NotSure);
            }
            next = self.key_here()?;
        }
        let entries: Vec<(Key<'a>, Node<'a>)> = self.entries.drain(start..).collect();
        if !unique(&entries) {
            return Err(NotSure);
        }
        Ok(Node {
            value: Tree::Map(entries),
            line,
            column,
        })
    }

    /// The value of the key of a mapping in column `indent`, its text starting at `after` on the current line or
    /// on the lines below. Leaves the reader at the next line that is not empty or a comment.
    fn value_after_key(
        &mut self,
        after: usize,
        indent: usize,
        depth: usize,
        key: &Key<'a>,
    ) -> Result<Node<'a>, NotSure> {
        if self.rest_is_blank(after) {
            self.next_line();
            self.skip_blank()?;
            if !self.at_end() && !self.at_document_start()? {
                let next = self.indent();
                if next > indent {
                    return self.block_node(next, depth + 1);
                }
                if next == indent && self.at_sequence_entry() {
                    // An indentless sequence (`key:` then `- item` in the key's column), as kubectl writes them.
                    return self.sequence(indent, depth + 1);
                }
            }
            self.count_node()?;
            return Ok(Node {
                value: Tree::Null,
                line: key.line,
                column: key.column,
            });
        }
        self.content = (after..self.end)
            .find(|&i| self.bytes[i] != b' ')
            .unwrap_or(self.end);
        self.inline_value(indent, depth + 1)
    }

    /// A value that starts at `content` and is not a block collection: a scalar, a literal block scalar, `[]` or
    /// `{}`. `parent` is the column of the collection it belongs to. Leaves the reader at the next line that is not
    /// empty or a comment.
    fn inline_value(&mut self, parent: usize, depth: usize) -> Result<Node<'a>, NotSure> {
        let start = self.content;
        let line = self.line;
        let column = self.column(start);
        let node = |value| Node {
            value,
            line,
            column,
        };
        let value = match self.bytes[start] {
            b'"' | b'\'' => {
                self.count_node()?;
                let (text, after) = if self.bytes[start] == b'"' {
                    self.double_quoted(start)?
                } else {
                    self.single_quoted(start)?
                };
                if !self.rest_is_blank(after) {
                    return Err(NotSure);
                }
                Tree::Str(text)
            }
            b'|' => {
                let text = self.literal(start, parent)?;
                self.skip_blank()?;
                return Ok(node(Tree::Str(text)));
            }
            b'[' | b'{' => {
                let pair = &self.bytes[start..self.end.min(start + 2)];
                if !(pair == b"[]" || pair == b"{}") || !self.rest_is_blank(start + 2) {
                    return Err(NotSure);
                }
                self.open(depth)?;
                if pair == b"[]" {
                    Tree::Seq(Vec::new())
                } else {
                    Tree::Map(Vec::new())
                }
            }
            b'&' | b'*' | b'!' | b'>' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' => {
                return Err(NotSure);
            }
            b'-' | b'?' | b':' if matches!(self.byte(start + 1), None | Some(b' ')) => {
                return Err(NotSure);
            }
            _ => {
                self.count_node()?;
                self.plain(start)?
            }
        };
        self.next_line();
        self.skip_blank()?;
        Ok(node(value))
    }

    /// A plain scalar from `start` to the line's end or its comment, resolved as go-yaml v2 resolves it.
    fn plain(&self, start: usize) -> Result<Tree<'a>, NotSure> {
        let mut stop = self.end;
        for i in start..self.end {
            match self.bytes[i] {
                b':' if matches!(self.byte(i + 1), None | Some(b' ')) => return Err(NotSure),
                b'#' if self.bytes[i - 1] == b' ' => {
                    stop = i;
                    break;
                }
                _ => {}
            }
        }
        let text = self.text[start..stop].trim_end_matches(' ');
        Ok(resolve_plain(text).unwrap_or(Tree::Str(Cow::Borrowed(text))))
    }

    /// A double-quoted scalar that opens at `start` and closes on the same line: its text and the index after its
    /// closing quote. Escapes beyond JSON's (and line folding) are `NotSure`.
    fn double_quoted(&self, start: usize) -> Result<(Cow<'a, str>, usize), NotSure> {
        let mut i = start + 1;
        let mut owned: Option<String> = None;
        let mut run = i;
        while i < self.end {
            match self.bytes[i] {
                b'"' => {
                    return Ok((joined(owned, &self.text[run..i]), i + 1));
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..i]);
                    let (c, len) = escape(&self.text[i..self.end])?;
                    i += len;
                    s.push(c);
                    run = i;
                }
                _ => i += 1,
            }
        }
        Err(NotSure)
    }

    /// A single-quoted scalar that opens at `start` and closes on the same line (`''` is a quote).
    fn single_quoted(&self, start: usize) -> Result<(Cow<'a, str>, usize), NotSure> {
        let mut i = start + 1;
        let mut owned: Option<String> = None;
        let mut run = i;
        while i < self.end {
            if self.bytes[i] == b'\'' {
                if self.byte(i + 1) == Some(b'\'') {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                    continue;
                }
                return Ok((joined(owned, &self.text[run..i]), i + 1));
            }
            i += 1;
        }
        Err(NotSure)
    }

    /// A literal block scalar whose header (`|` or `|-`) is at `start`, inside a collection in column `parent`.
    /// Leaves the reader at the first line after it.
    fn literal(&mut self, start: usize, parent: usize) -> Result<Cow<'a, str>, NotSure> {
        self.count_node()?;
        let strip = match self.byte(start + 1) {
            Some(b'-') => true,
            // `|+` keeps trailing lines, `|2` sets the indentation: the complete reader's.
            Some(b'+' | b'0'..=b'9') => return Err(NotSure),
            _ => false,
        };
        let header_end = start + 1 + usize::from(strip);
        if !self.rest_is_blank(header_end) {
            return Err(NotSure);
        }
        let mut text = String::new();
        let mut indent: Option<usize> = None;
        let mut blank_lines = 0;
        self.next_line();
        while !self.at_end() {
            let spaces = self.content - self.begin;
            if self.content == self.end {
                // A blank line inside the block; leading ones, and ones longer than the indentation, carry
                // spaces YAML's indentation rules decide about: the complete reader's.
                if indent.is_none_or(|n| spaces > n) && spaces > 0 {
                    return Err(NotSure);
                }
                blank_lines += 1;
                self.next_line();
                continue;
            }
            let n = match indent {
                Some(n) => n,
                None if spaces <= parent => break,
                None => *indent.insert(spaces),
            };
            if spaces < n {
                break;
            }
            // The last line without a line break: how chomping treats it is the complete reader's.
            if self.end == self.bytes.len() {
                return Err(NotSure);
            }
            for _ in 0..blank_lines {
                text.push('\n');
            }
            blank_lines = 0;
            text.push_str(&self.text[self.begin + n..self.end]);
            text.push('\n');
            self.next_line();
        }
        if strip && text.ends_with('\n') {
            text.pop();
        }
        Ok(Cow::Owned(text))
    }

    /// A block sequence whose entries are in column `indent`.
    fn sequence(&mut self, indent: usize, depth: usize) -> Result<Node<'a>, NotSure> {
        self.open(depth)?;
        let line = self.line;
        let column = self.column(self.content);
        let start = self.items.len();
        loop {
            let after_dash = (self.content + 1..self.end)
                .find(|&i| self.bytes[i] != b' ')
                .unwrap_or(self.end);
            let item = if after_dash == self.end || self.bytes[after_dash] == b'#' {
                let (line, column) = (self.line, self.column(self.content));
                self.next_line();
                self.skip_blank()?;
                if !self.at_end() && !self.at_document_start()? && self.indent() > indent {
                    let next = self.indent();
                    self.block_node(next, depth + 1)?
                } else {
                    self.count_node()?;
                    Node {
                        value: Tree::Null,
                        line,
                        column,
                    }
                }
            } else {
                // A compact item: its node starts on the entry's line, in the column after `- `.
                self.content = after_dash;
                let at = after_dash - self.begin;
                if self.at_sequence_entry() {
                    self.sequence(at, depth + 1)?
                } else if let Some(first) = self.key_here()? {
                    self.mapping(at, depth + 1, first)?
                } else {
                    self.inline_value(indent, depth + 1)?
                }
            };
            self.items.push(item);
            if self.at_end() || self.at_document_start()? || self.indent() < indent {
                break;
            }
            if self.indent() > indent {
                return Err(NotSure);
            }
            if !self.at_sequence_entry() {
                // A key in this column: the mapping this indentless sequence is a value of goes on.
                break;
            }
        }
        let items = self.items.drain(start..).collect();
        Ok(Node {
            value: Tree::Seq(items),
            line,
            column,
        })
    }
}

/// A quoted scalar's text: borrowed from the input when nothing was unescaped (`owned` unset), else what was
/// unescaped followed by the last run.
fn joined<'a>(owned: Option<String>, last_run: &'a str) -> Cow<'a, str> {
    match owned {
        None => Cow::Borrowed(last_run),
        Some(mut s) => {
            s.push_str(last_run);
            Cow::Owned(s)
        }
    }
}
