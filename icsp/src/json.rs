//! The JSON fast path: a whole-input JSON value (what `oc get -o json` prints) read straight into a [`Node`]
//! tree, without the YAML parser's machinery.
//!
//! It gives the same objects as the complete reader or steps aside: anything it is not sure the YAML reader
//! reads the same way (tabs, carriage returns, characters YAML does not print, surrogate escapes, duplicate keys,
//! a budget reached, any error or warning while reading objects) makes it return `None`, and the complete reader
//! reads the input again, with its positions and messages. So errors and warnings always come from one reader.
//! Nodes carry lines (for [`crate::Located::line`]), not columns: those only matter in messages.

use crate::read::Limits;
use crate::scalar::resolve_plain;
use crate::tree::{Key, Node, Tree};

/// Why the fast path stepped aside; the caller reads the input with the complete reader instead.
pub(crate) struct NotSure;

/// Whether the input is one JSON value (`{` or `[` after JSON whitespace), the fast path's only shape.
pub(crate) fn looks_like_json(text: &str) -> bool {
    matches!(
        text.bytes().find(|b| !matches!(b, b' ' | b'\n')),
        Some(b'{' | b'[')
    )
}

/// Parses the whole input as one JSON value under the budgets.
pub(crate) fn parse<'a>(text: &'a str, limits: &Limits) -> Result<Node<'a>, NotSure> {
    parse_with(text, limits, None)
}

/// A `List`'s item, handed over as soon as it is read: its index and its tree.
pub(crate) type OnItem<'c, 'a> = &'c mut dyn FnMut(usize, Node<'a>) -> Result<(), NotSure>;

/// [`parse`], handing each item of the root object's `items` array to `on_item` as soon as it is read instead of
/// keeping it (the root comes back with `items` empty): the 100 000 sources of an `oc get -o json` List are then
/// never one tree, which held three times the input.
pub(crate) fn parse_streaming_items<'a>(
    text: &'a str,
    limits: &Limits,
    on_item: OnItem<'_, 'a>,
) -> Result<Node<'a>, NotSure> {
    parse_with(text, limits, Some(on_item))
}

fn parse_with<'a>(
    text: &'a str,
    limits: &Limits,
    on_item: Option<OnItem<'_, 'a>>,
) -> Result<Node<'a>, NotSure> {
    let mut parser = JsonParser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        nodes: 0,
        limits,
        items: Vec::new(),
        entries: Vec::new(),
        on_item,
        items_next: false,
    };
    let root = parser.value(1)?;
    parser.skip_whitespace();
    if parser.pos != parser.bytes.len() {
        return Err(NotSure);
    }
    Ok(root)
}

struct JsonParser<'a, 'l, 'c> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    nodes: usize,
    limits: &'l Limits,
    /// Items and entries of the open collections, innermost last; each is collected at its exact size when it
    /// closes (Vec's growth would leave up to half of each small collection unused).
    items: Vec<Node<'a>>,
    entries: Vec<(Key<'a>, Node<'a>)>,
    /// Where the root's `items` go, when they are streamed.
    on_item: Option<OnItem<'c, 'a>>,
    /// The value about to be read is the root's `items`.
    items_next: bool,
}

impl<'a> JsonParser<'a, '_, '_> {
    fn skip_whitespace(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                }
                _ => break,
            }
        }
    }

    fn count_node(&mut self) -> Result<(), NotSure> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(NotSure);
        }
        Ok(())
    }

    fn node(&self, value: Tree<'a>, line: u32) -> Node<'a> {
        Node {
            value,
            line,
            column: 0,
        }
    }

    /// Steps into the `{` or `[` at the cursor, counted as a node at `depth`; true when `close` follows at once
    /// (an empty container, stepped over).
    fn open(&mut self, depth: usize, close: u8) -> Result<bool, NotSure> {
        self.count_node()?;
        if depth > self.limits.max_depth {
            return Err(NotSure);
        }
        self.pos += 1;
        self.skip_whitespace();
        let empty = self.bytes.get(self.pos) == Some(&close);
        if empty {
            self.pos += 1;
        }
        Ok(empty)
    }

    /// After a container's item: steps over `,` (false: more items) or `close` (true: the container ended).
    fn closed_after_item(&mut self, close: u8) -> Result<bool, NotSure> {
        self.skip_whitespace();
        match self.bytes.get(self.pos) {
            Some(b',') => self.pos += 1,
            Some(&b) if b == close => {
                self.pos += 1;
                return Ok(true);
            }
            _ => return Err(NotSure),
        }
        Ok(false)
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, NotSure> {
        self.skip_whitespace();
        let line = self.line;
        let streamed = std::mem::take(&mut self.items_next) && self.on_item.is_some();
        match *self.bytes.get(self.pos).ok_or(NotSure)? {
            b'{' => {
                if self.open(depth, b'}')? {
                    return Ok(self.node(Tree::Map(Vec::new()), line));
                }
                let start = self.entries.len();
                loop {
                    self.skip_whitespace();
                    let key_line = self.line;
                    if self.bytes.get(self.pos) != Some(&b'"') {
                        return Err(NotSure);
                    }
                    self.count_node()?;
                    let key_start = self.pos;
                    let name = self.key()?;
                    // YAML's implicit keys stay on one line and under 1024 characters.
                    if self.pos - key_start > 1000 {
                        return Err(NotSure);
                    }
                    self.skip_whitespace();
                    if self.line != key_line || self.bytes.get(self.pos) != Some(&b':') {
                        return Err(NotSure);
                    }
                    self.pos += 1;
                    self.items_next = depth == 1 && name == "items";
                    let value = self.value(depth + 1)?;
                    self.entries.push((
                        Key {
                            name,
                            line: key_line,
                            column: 0,
                            yaml11_bool: None,
                        },
                        value,
                    ));
                    if self.closed_after_item(b'}')? {
                        break;
                    }
                }
                let entries: Vec<(Key<'a>, Node<'a>)> = self.entries.drain(start..).collect();
                if !unique(&entries) {
                    return Err(NotSure);
                }
                Ok(self.node(Tree::Map(entries), line))
            }
            b'[' => {
                if self.open(depth, b']')? {
                    return Ok(self.node(Tree::Seq(Vec::new()), line));
                }
                let start = self.items.len();
                for index in 0.. {
                    let item = self.value(depth + 1)?;
                    match (&mut self.on_item, streamed) {
                        (Some(on_item), true) => on_item(index, item)?,
                        _ => self.items.push(item),
                    }
                    if self.closed_after_item(b']')? {
                        break;
                    }
                }
                let items = self.items.drain(start..).collect();
                Ok(self.node(Tree::Seq(items), line))
            }
            b'"' => {
                self.count_node()?;
                let s = self.string()?;
                Ok(self.node(Tree::Str(s), line))
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                self.count_node()?;
                let start = self.pos;
                while let Some(&b) = self.bytes.get(self.pos) {
                    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                let word = &self.text[start..self.pos];
                if !is_json_literal(word) {
                    return Err(NotSure);
                }
                // The same resolution as a plain YAML scalar: the YAML reader sees `1e3` or `true` as one.
                let value =
                    resolve_plain(word).unwrap_or(Tree::Str(std::borrow::Cow::Borrowed(word)));
                Ok(self.node(value, line))
            }
            _ => Err(NotSure),
        }
    }

    /// A key: known field names without an allocation.
    fn key(&mut self) -> Result<std::borrow::Cow<'a, str>, NotSure> {
        let start = self.pos + 1;
        if let Some(len) = self.bytes[start..]
            .iter()
            .position(|b| matches!(b, b'"' | b'\\'))
            && self.bytes[start + len] == b'"'
            && let Some(known) = crate::schema::interned(&self.text[start..start + len])
        {
            self.pos = start + len + 1;
            return Ok(std::borrow::Cow::Borrowed(known));
        }
        self.string()
    }

    /// A JSON string at `pos` (on its opening quote), escapes decoded.
    fn string(&mut self) -> Result<std::borrow::Cow<'a, str>, NotSure> {
        self.pos += 1;
        let start = self.pos;
        // Fast scan of the common case: no escapes, printable ASCII or UTF-8.
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'"' => {
                    let s = &self.text[start..self.pos];
                    check_printable(s)?;
                    self.pos += 1;
                    return Ok(std::borrow::Cow::Borrowed(s));
                }
                b'\\' => break,
                0..=0x1f | 0x7f => return Err(NotSure),
                _ => self.pos += 1,
            }
        }
        let mut out = String::from(&self.text[start..self.pos]);
        check_printable(&out)?;
        loop {
            let b = *self.bytes.get(self.pos).ok_or(NotSure)?;
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(std::borrow::Cow::Owned(out));
                }
                b'\\' => {
                    let (c, len) = escape(&self.text[self.pos..])?;
                    self.pos += len;
                    out.push(c);
                }
                0..=0x1f | 0x7f => return Err(NotSure),
                _ => {
                    let run_start = self.pos;
                    while let Some(&b) = self.bytes.get(self.pos) {
                        if matches!(b, b'"' | b'\\' | 0..=0x1f | 0x7f) {
                            break;
                        }
                        self.pos += 1;
                    }
                    let run = &self.text[run_start..self.pos];
                    check_printable(run)?;
                    out.push_str(run);
                }
            }
        }
    }
}

/// The escape at the start of `text` (on its `\\`) that JSON and YAML's double quotes both read alike: the
/// character and the escape's length. Others, and surrogates (JSON pairs them, YAML does not), are `NotSure`.
pub(crate) fn escape(text: &str) -> Result<(char, usize), NotSure> {
    let c = match *text.as_bytes().get(1).ok_or(NotSure)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex = text.get(2..6).ok_or(NotSure)?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return Err(NotSure);
            }
            let code = u32::from_str_radix(hex, 16).map_err(|_| NotSure)?;
            return Ok((char::from_u32(code).ok_or(NotSure)?, 6));
        }
        _ => return Err(NotSure),
    };
    Ok((c, 2))
}

/// YAML only takes printable characters unescaped: no C1 controls, byte-order marks or non-characters.
pub(crate) fn check_printable(s: &str) -> Result<(), NotSure> {
    if s.is_ascii() {
        return Ok(());
    }
    let bad = s.chars().any(|c| {
        matches!(
            c,
            '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
    });
    if bad { Err(NotSure) } else { Ok(()) }
}

/// The index after the run of ASCII digits that starts at `from`.
fn digits_end(b: &[u8], from: usize) -> usize {
    from + b[from..].iter().take_while(|d| d.is_ascii_digit()).count()
}

/// `true`, `false`, `null` or a JSON number.
fn is_json_literal(word: &str) -> bool {
    if matches!(word, "true" | "false" | "null") {
        return true;
    }
    let b = word.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int_start = i;
    i = digits_end(b, i);
    let int_len = i - int_start;
    if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        i = digits_end(b, frac_start);
        if i == frac_start {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        i = digits_end(b, exp_start);
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

pub(crate) fn unique(entries: &[(Key<'_>, Node<'_>)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .all(|(i, (k, _))| !entries[..i].iter().any(|(e, _)| e.name == k.name));
    }
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    entries.iter().all(|(k, _)| seen.insert(k.name.as_ref()))
}
