//! A YAML document as a tree of nodes that remember their line and column, and the typed reading
//! helpers that turn it into objects with precise field paths in errors.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

use crate::error::{Error, Where};

/// One YAML node; children keep their positions.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        i64::try_from(v)
            .map(Node::Int)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        u64::try_from(v)
            .map(Node::UInt)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node, E> {
        String::from_utf8(v.to_vec())
            .map(Node::Str)
            .map_err(|_| E::custom("binary value is not UTF-8"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Spanned<Node>, Spanned<Node>>()? {
            entries.push((k, v));
        }
        Ok(Node::Map(entries))
    }
}

impl Node {
    /// What the node is, for error messages (never its value: it may be a secret).
    pub(crate) fn shape(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::UInt(_) => "an integer",
            Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a sequence",
            Node::Map(_) => "a mapping",
        }
    }
}

/// A node, the path that leads to it and the context to build errors with.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub node: &'a Spanned<Node>,
    pub path: &'a Path<'a>,
    pub ctx: &'a Ctx,
}

/// A field path as a linked list, rendered only when an error is built.
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => {
                if matches!(parent, Path::Root) {
                    f.write_str(key)
                } else {
                    write!(f, "{parent}.{key}")
                }
            }
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Everything an error needs besides the field: file, document, item, object.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ctx {
    pub file: String,
    pub document: Option<usize>,
    pub item: Option<usize>,
    pub object: Option<String>,
}

impl<'a> At<'a> {
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        let path = self.path.to_string();
        let loc = &self.node.referenced;
        Error::Field {
            at: Box::new(Where {
                file: self.ctx.file.clone(),
                document: self.ctx.document,
                item: self.ctx.item,
                object: self.ctx.object.clone(),
                field: (!path.is_empty()).then_some(path),
                line: (loc.line() > 0).then(|| loc.line()),
                column: (loc.line() > 0).then(|| loc.column()),
            }),
            message: message.into(),
        }
    }

    fn expected(&self, what: &str) -> Error {
        self.error(format!(
            "expected {what}, found {}",
            self.node.value.shape()
        ))
    }

    pub(crate) fn string(&self) -> Result<String, Error> {
        match &self.node.value {
            Node::Str(s) => Ok(s.clone()),
            _ => Err(self.expected("a string")),
        }
    }

    /// Runs `f` on a child reached by `key`.
    pub(crate) fn with_key<T>(
        &self,
        key: &str,
        node: &Spanned<Node>,
        f: impl FnOnce(At<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let path = Path::Key(self.path, key);
        f(At {
            node,
            path: &path,
            ctx: self.ctx,
        })
    }

    /// A sequence whose items are read by `f`; null reads as empty.
    pub(crate) fn list<T>(
        &self,
        mut f: impl FnMut(At<'_>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        match &self.node.value {
            Node::Null => Ok(Vec::new()),
            Node::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, node)| {
                    let path = Path::Index(self.path, i);
                    f(At {
                        node,
                        path: &path,
                        ctx: self.ctx,
                    })
                })
                .collect(),
            _ => Err(self.expected("a sequence")),
        }
    }

    pub(crate) fn strings(&self) -> Result<Vec<String>, Error> {
        self.list(|at| at.string())
    }

    /// A mapping from string to values read by `f`; null reads as empty.
    pub(crate) fn string_map<T>(
        &self,
        mut f: impl FnMut(At<'_>) -> Result<T, Error>,
    ) -> Result<BTreeMap<String, T>, Error> {
        let mut fields = self.fields()?;
        let mut out = BTreeMap::new();
        for (key, node) in fields.entries.drain(..) {
            let value = self.with_key(key, node, &mut f)?;
            out.insert(key.to_owned(), value);
        }
        Ok(out)
    }

    /// The entries of a mapping, checked for string keys and duplicates; null reads as empty.
    pub(crate) fn fields(&self) -> Result<Fields<'a>, Error> {
        let entries = match &self.node.value {
            Node::Null => Vec::new(),
            Node::Map(entries) => {
                let mut out: Vec<(&'a str, &'a Spanned<Node>)> = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let Node::Str(name) = &key.value else {
                        let at = At {
                            node: key,
                            path: self.path,
                            ctx: self.ctx,
                        };
                        return Err(at.error(format!(
                            "mapping keys must be strings, found {}",
                            key.value.shape()
                        )));
                    };
                    if out.iter().any(|(k, _)| *k == name.as_str()) {
                        let at = At {
                            node: key,
                            path: self.path,
                            ctx: self.ctx,
                        };
                        return Err(at.error(format!("duplicate key {name:?}")));
                    }
                    out.push((name.as_str(), value));
                }
                out
            }
            _ => return Err(self.expected("a mapping")),
        };
        Ok(Fields { entries })
    }

    /// The node as JSON, for fields this crate does not model.
    pub(crate) fn json(self) -> Result<Value, Error> {
        Ok(match &self.node.value {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            Node::UInt(u) => Value::from(*u),
            Node::Float(x) => Number::from_f64(*x)
                .map(Value::Number)
                .ok_or_else(|| self.error("numbers must be finite"))?,
            Node::Str(s) => Value::String(s.clone()),
            Node::Seq(_) => Value::Array(self.list(|at| at.json())?),
            Node::Map(_) => {
                let fields = self.fields()?;
                let mut map = Map::new();
                for (key, node) in fields.entries {
                    let value = self.with_key(key, node, |at| at.json())?;
                    map.insert(key.to_owned(), value);
                }
                Value::Object(map)
            }
        })
    }
}

/// The entries of a mapping not yet consumed by a typed reader.
pub(crate) struct Fields<'a> {
    entries: Vec<(&'a str, &'a Spanned<Node>)>,
}

impl<'a> Fields<'a> {
    /// Removes `key`; a null value counts as absent, as in Go's JSON decoding.
    pub(crate) fn take(&mut self, key: &str) -> Option<&'a Spanned<Node>> {
        let i = self.entries.iter().position(|(k, _)| *k == key)?;
        let (_, node) = self.entries.remove(i);
        (!matches!(node.value, Node::Null)).then_some(node)
    }

    /// Reads `key` with `f` if present.
    pub(crate) fn read<T>(
        &mut self,
        at: &At<'_>,
        key: &str,
        f: impl FnOnce(At<'_>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.take(key) {
            Some(node) => at.with_key(key, node, f).map(Some),
            None => Ok(None),
        }
    }

    /// The remaining fields as JSON, kept so that they survive a read and write.
    pub(crate) fn rest(self, at: &At<'_>) -> Result<Map<String, Value>, Error> {
        let mut map = Map::new();
        for (key, node) in self.entries {
            let value = at.with_key(key, node, |a| a.json())?;
            map.insert(key.to_owned(), value);
        }
        Ok(map)
    }
}
