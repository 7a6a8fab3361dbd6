//! A small lossless JSON tree: every scalar keeps the exact text it was read from, so writing the tree back
//! compactly is Go's `json.Compact` of the input. serde_json cannot do this (it folds duplicate keys, rewrites
//! escapes and numbers, and gives no positions after the fact).

use std::collections::HashSet;

use zeroize::Zeroize;

use crate::error::{ErrorKind, Position};
use crate::{Error, MAX_DEPTH, MAX_INPUT_BYTES};

/// A string that is wiped from memory when dropped: every piece of a parsed document is one, because any of
/// them may be a credential.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Text(String);

impl Text {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// One node of the tree.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Object(Vec<Member>),
    Array(Vec<Node>),
    /// A string (with its quotes and escapes as written), number, `true`, `false` or `null`.
    Scalar(Text),
}

/// A member of an object. Equality ignores `at`: the same text read from two places is the same member.
#[derive(Clone)]
pub(crate) struct Member {
    pub(crate) key: Key,
    pub(crate) value: Node,
    /// Byte offset of the key in the source, for messages (0 for members made here).
    pub(crate) at: usize,
}

impl PartialEq for Member {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.value == other.value
    }
}

impl Eq for Member {}

/// An object key: as written (with quotes) and decoded.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) raw: Text,
    pub(crate) text: Text,
}

impl Key {
    /// A key made here, encoded as Go's `json.Marshal` would.
    pub(crate) fn new(text: &str) -> Self {
        Key {
            raw: Text(go_compat::json_string(text)),
            text: Text(text.to_owned()),
        }
    }
}

impl Node {
    /// A string scalar made here, encoded as Go's `json.Marshal` would.
    pub(crate) fn string(text: &str) -> Self {
        Node::Scalar(Text(go_compat::json_string(text)))
    }

    pub(crate) fn null() -> Self {
        Node::Scalar(Text("null".to_owned()))
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(t) if t.as_str() == "null")
    }

    /// The JSON type name, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Node::Object(_) => "an object",
            Node::Array(_) => "an array",
            Node::Scalar(t) => match t.as_str().as_bytes().first() {
                Some(b'"') => "a string",
                Some(b't' | b'f') => "a boolean",
                Some(b'n') => "null",
                _ => "a number",
            },
        }
    }

    /// The decoded text of a string scalar.
    pub(crate) fn as_string(&self) -> Option<Text> {
        match self {
            Node::Scalar(t) if t.as_str().starts_with('"') => Some(Text(unescape(t.as_str()))),
            _ => None,
        }
    }
}

/// Decodes a string lexeme (quotes included) that the parser has already checked. Lone surrogates become
/// U+FFFD, as in Go.
pub(crate) fn unescape(raw: &str) -> String {
    let inner = &raw[1..raw.len() - 1];
    if !inner.contains('\\') {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let high = hex4(&mut chars);
                if (0xD800..0xDC00).contains(&high) {
                    // A high surrogate pairs only with an immediately following \u low surrogate.
                    let mut look = chars.clone();
                    if look.next() == Some('\\') && look.next() == Some('u') {
                        let low = hex4(&mut look);
                        if (0xDC00..0xE000).contains(&low) {
                            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                            chars = look;
                            continue;
                        }
                    }
                    out.push('\u{FFFD}');
                } else {
                    out.push(char::from_u32(high).unwrap_or('\u{FFFD}'));
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn hex4(chars: &mut std::str::Chars<'_>) -> u32 {
    let mut v = 0;
    for _ in 0..4 {
        v = v * 16 + chars.next().and_then(|c| c.to_digit(16)).unwrap_or(0);
    }
    v
}

/// The 1-based line and column (in characters) of a byte offset.
pub(crate) fn position(src: &[u8], offset: usize) -> Position {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    // Count characters, not bytes: continuation bytes are not characters.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    Position { line, column }
}

/// Parses one JSON document. `reject_duplicates` makes a repeated key in any object an error.
pub(crate) fn parse(bytes: &[u8], origin: &str, reject_duplicates: bool) -> Result<Node, Error> {
    if bytes.len() > MAX_INPUT_BYTES {
        let kind = ErrorKind::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        };
        return Err(Error::input(origin, None, kind));
    }
    let src = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = position(bytes, e.valid_up_to());
            return Err(Error::input(origin, Some(at), ErrorKind::InvalidUtf8));
        }
    };
    let mut p = Parser {
        src,
        b: src.as_bytes(),
        pos: 0,
        depth: 0,
        origin,
        reject_duplicates,
    };
    p.ws();
    let node = p.value("the top-level value")?;
    p.ws();
    if p.pos < p.b.len() {
        return Err(p.syntax(format!("{} after top-level value", describe(p.b[p.pos]))));
    }
    Ok(node)
}

/// Names a byte for a message without echoing text that may be part of a secret.
fn describe(b: u8) -> String {
    match b {
        b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"' => {
            format!("invalid character '{}'", b as char)
        }
        _ => "invalid character".to_owned(),
    }
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
    origin: &'a str,
    reject_duplicates: bool,
}

impl Parser<'_> {
    /// An error at byte `at` of the input.
    fn error_at(&self, at: usize, kind: ErrorKind) -> Error {
        Error::input(self.origin, Some(position(self.b, at)), kind)
    }

    fn syntax_at(&self, at: usize, what: String) -> Error {
        self.error_at(at, ErrorKind::Syntax { what })
    }

    fn syntax(&self, what: String) -> Error {
        if self.pos >= self.b.len() {
            return self.syntax_at(self.pos, "unexpected end of JSON input".to_owned());
        }
        self.syntax_at(self.pos, what)
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, looking: &str) -> Result<Node, Error> {
        match self.b.get(self.pos) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let start = self.pos;
                self.string()?;
                Ok(Node::Scalar(Text(self.src[start..self.pos].to_owned())))
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(&c) => Err(self.syntax(format!(
                "{} looking for beginning of {looking}",
                describe(c)
            ))),
            None => Err(self.syntax(String::new())),
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(self.pos, ErrorKind::TooDeep { limit: MAX_DEPTH }));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Node, Error> {
        let open = self.pos;
        self.open()?;
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        if self.closes(b'}') {
            return Ok(Node::Object(members));
        }
        loop {
            self.ws();
            let at = self.pos;
            if self.b.get(at) != Some(&b'"') {
                let what = match self.b.get(at) {
                    Some(&c) => {
                        format!("{} looking for beginning of object key string", describe(c))
                    }
                    None => String::new(),
                };
                return Err(self.syntax(what));
            }
            self.string()?;
            let raw = Text(self.src[at..self.pos].to_owned());
            let text = Text(unescape(raw.as_str()));
            if self.reject_duplicates && !seen.insert(text.as_str().to_owned()) {
                let kind = ErrorKind::DuplicateKey {
                    object: self.object_name(open),
                    key: text.as_str().to_owned(),
                };
                return Err(self.error_at(at, kind));
            }
            self.ws();
            match self.b.get(self.pos) {
                Some(b':') => self.pos += 1,
                Some(&c) => return Err(self.syntax(format!("{} after object key", describe(c)))),
                None => return Err(self.syntax(String::new())),
            }
            self.ws();
            let value = self.value("value")?;
            members.push(Member {
                key: Key { raw, text },
                value,
                at,
            });
            if self.next_or_close(b'}', "object key:value pair")? {
                return Ok(Node::Object(members));
            }
        }
    }

    /// Names the object opened at `open` for a duplicate-key message: the key it is the value of, if any.
    fn object_name(&self, open: usize) -> String {
        let before = self.src[..open].trim_end();
        let Some(before) = before.strip_suffix(':') else {
            return if open == 0 || self.src[..open].trim().is_empty() {
                "the top-level object".to_owned()
            } else {
                "an object".to_owned()
            };
        };
        let before = before.trim_end();
        // The key is the string literal ending here; find its opening quote (skipping escaped quotes).
        let bytes = before.as_bytes();
        if bytes.last() != Some(&b'"') {
            return "an object".to_owned();
        }
        let mut i = bytes.len() - 1;
        while i > 0 {
            i -= 1;
            if bytes[i] == b'"' {
                let mut backslashes = 0;
                while i > backslashes && bytes[i - 1 - backslashes] == b'\\' {
                    backslashes += 1;
                }
                if backslashes % 2 == 0 {
                    return format!("the object {:?}", unescape(&before[i..]));
                }
            }
        }
        "an object".to_owned()
    }

    fn array(&mut self) -> Result<Node, Error> {
        self.open()?;
        let mut items = Vec::new();
        if self.closes(b']') {
            return Ok(Node::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value("value")?);
            if self.next_or_close(b']', "array element")? {
                return Ok(Node::Array(items));
            }
        }
    }

    /// Steps over the `{` or `[` at `pos`, one level deeper, and the whitespace after it.
    fn open(&mut self) -> Result<(), Error> {
        self.enter()?;
        self.pos += 1;
        self.ws();
        Ok(())
    }

    /// Steps over `close` if it is next, one level up; says whether it did.
    fn closes(&mut self, close: u8) -> bool {
        if self.b.get(self.pos) != Some(&close) {
            return false;
        }
        self.pos += 1;
        self.depth -= 1;
        true
    }

    /// After an element: `,` means another follows (`false`), `close` ends the container (`true`); anything else
    /// is an error `... after <element>`.
    fn next_or_close(&mut self, close: u8, element: &str) -> Result<bool, Error> {
        self.ws();
        match self.b.get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(&c) if c == close => Ok(self.closes(close)),
            Some(&c) => Err(self.syntax(format!("{} after {element}", describe(c)))),
            None => Err(self.syntax(String::new())),
        }
    }

    /// Scans a string lexeme starting at the opening quote; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<(), Error> {
        self.pos += 1;
        loop {
            match self.b.get(self.pos) {
                None => return Err(self.syntax(String::new())),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.b.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            for _ in 0..4 {
                                match self.b.get(self.pos) {
                                    Some(c) if c.is_ascii_hexdigit() => self.pos += 1,
                                    Some(_) => {
                                        return Err(self.syntax(
                                            "invalid character in \\u hexadecimal character escape"
                                                .to_owned(),
                                        ));
                                    }
                                    None => return Err(self.syntax(String::new())),
                                }
                            }
                        }
                        Some(_) => {
                            return Err(
                                self.syntax("invalid character in string escape code".to_owned())
                            );
                        }
                        None => return Err(self.syntax(String::new())),
                    }
                }
                Some(&c) if c < 0x20 => {
                    return Err(
                        self.syntax("invalid control character in string literal".to_owned())
                    );
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn literal(&mut self, word: &str) -> Result<Node, Error> {
        for &expected in word.as_bytes() {
            match self.b.get(self.pos) {
                Some(&c) if c == expected => self.pos += 1,
                Some(&c) => {
                    return Err(self.syntax(format!(
                        "{} in literal {word} (expecting '{}')",
                        describe(c),
                        expected as char
                    )));
                }
                None => return Err(self.syntax(String::new())),
            }
        }
        Ok(Node::Scalar(Text(word.to_owned())))
    }

    fn number(&mut self) -> Result<Node, Error> {
        let start = self.pos;
        if self.b.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.b.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            Some(&c) => return Err(self.syntax(format!("{} in numeric literal", describe(c)))),
            None => return Err(self.syntax(String::new())),
        }
        if self.b.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            self.require_digit("after decimal point in numeric literal")?;
        }
        if let Some(b'e' | b'E') = self.b.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.b.get(self.pos) {
                self.pos += 1;
            }
            self.require_digit("in exponent of numeric literal")?;
        }
        Ok(Node::Scalar(Text(self.src[start..self.pos].to_owned())))
    }

    fn require_digit(&mut self, context: &str) -> Result<(), Error> {
        match self.b.get(self.pos) {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            Some(&c) => Err(self.syntax(format!("{} {context}", describe(c)))),
            None => Err(self.syntax(String::new())),
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }
}

/// Writes a node with no insignificant whitespace and every lexeme as read: Go's `json.Compact`.
pub(crate) fn write_compact(node: &Node, out: &mut String) {
    write(node, None, out);
}

/// Writes a node as Go's `json.Indent(dst, src, "", "  ")` would.
pub(crate) fn write_pretty(node: &Node, out: &mut String) {
    write(node, Some(0), out);
}

/// Writes a node, every lexeme as read; `depth` is `None` for the compact form, else the indentation level.
fn write(node: &Node, depth: Option<usize>, out: &mut String) {
    match node {
        Node::Object(members) => {
            write_container(members, ('{', '}'), depth, out, |m, inner, out| {
                out.push_str(m.key.raw.as_str());
                out.push_str(if inner.is_some() { ": " } else { ":" });
                write(&m.value, inner, out);
            })
        }
        Node::Array(items) => write_container(items, ('[', ']'), depth, out, write),
        Node::Scalar(t) => out.push_str(t.as_str()),
    }
}

/// An object or array: its elements separated by `,`, each on its own indented line when `depth` is given
/// (an empty one stays `{}` / `[]`, as Go writes it).
fn write_container<T>(
    elements: &[T],
    (open, close): (char, char),
    depth: Option<usize>,
    out: &mut String,
    element: impl Fn(&T, Option<usize>, &mut String),
) {
    let newline = |out: &mut String, depth: Option<usize>| {
        if let Some(depth) = depth {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
    };
    out.push(open);
    if !elements.is_empty() {
        let inner = depth.map(|d| d + 1);
        for (i, e) in elements.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            newline(out, inner);
            element(e, inner, out);
        }
        newline(out, depth);
    }
    out.push(close);
}
