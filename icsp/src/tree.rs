//! A YAML (or JSON) document as a tree of nodes that remember their line and column, and the typed reading
//! helpers that turn it into objects with precise field paths in errors.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Number, Value};

use crate::error::{Error, Where};
use crate::extra::Extra;
use crate::schema::{self, KindSchema};

/// One node and where it starts (1-based line and column; 0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    pub value: Tree<'a>,
    pub line: u32,
    pub column: u32,
}

/// The content of a node, scalars resolved as go-yaml v2 resolves them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree<'a> {
    Null,
    /// `word` is set for YAML 1.1 spellings a YAML 1.2 reader would take as strings (`yes`, `on`, `y`...).
    Bool {
        value: bool,
        word: bool,
    },
    Int(i64),
    UInt(u64),
    Float(f64),
    /// Borrowed from the input when the scalar needs no unescaping or folding.
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Key<'a>, Node<'a>)>),
}

/// A mapping key: always a string (sigs.k8s.io/yaml turns integer keys into decimal strings).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key<'a> {
    /// Field names the schemas know are shared, not allocated per key (see `schema::interned`).
    pub name: Cow<'a, str>,
    pub line: u32,
    pub column: u32,
    /// Set for a plain `y`, `no`, `On`... key: sigs.k8s.io/yaml turns it into `"true"`/`"false"`, so the API server
    /// would see another name than the file shows. Refused where the key is used.
    pub yaml11_bool: Option<bool>,
}

impl<'a> Tree<'a> {
    /// What the node is, for error messages (never its value: it may be a secret).
    pub(crate) fn shape(&self) -> &'static str {
        match self {
            Tree::Null => "null",
            Tree::Bool { .. } => "a boolean",
            Tree::Int(_) | Tree::UInt(_) => "an integer",
            Tree::Float(_) => "a number",
            Tree::Str(_) => "a string",
            Tree::Seq(_) => "a sequence",
            Tree::Map(_) => "a mapping",
        }
    }

    /// The entry of a mapping named `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Tree::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A node, the path that leads to it and the context to build errors with.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub node: &'a Node<'a>,
    pub path: &'a Path<'a>,
    pub ctx: &'a Ctx,
}

/// A field path as a linked list, rendered only when an error is built.
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// The path without list indices (`spec.imageDigestMirrors.mirrors`), as schemas and Go messages name fields.
    pub(crate) fn field_names(&self) -> String {
        self.keys().join(".")
    }

    /// The keys on the path, without list indices.
    pub(crate) fn keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        let mut at = self;
        loop {
            match at {
                Path::Root => break,
                Path::Key(parent, key) => {
                    keys.push(*key);
                    at = parent;
                }
                Path::Index(parent, _) => at = parent,
            }
        }
        keys.reverse();
        keys
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => {
                if matches!(parent, Path::Root) {
                    f.write_str(&crate::error::field_text(key))
                } else {
                    write!(f, "{parent}.{}", crate::error::field_text(key))
                }
            }
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// An unknown field met while reading a known kind.
#[derive(Clone, Debug)]
pub(crate) struct UnknownField {
    /// Full field path, with indices.
    pub path: String,
    /// The closest known name at that level.
    pub suggestion: Option<&'static str>,
    pub line: u32,
    pub column: u32,
}

/// Everything an error needs besides the field: file, document, item, object; and what the reading found
/// that strictness decides about.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ctx {
    pub file: String,
    pub document: Option<usize>,
    pub item: Option<usize>,
    pub object: Option<String>,
    /// The schema of the object's kind, when it is one this crate knows.
    pub schema: Option<&'static KindSchema>,
    /// Unknown fields met so far, in input order.
    pub unknown: RefCell<Vec<UnknownField>>,
}

impl Ctx {
    pub(crate) fn at_node(&self, line: u32, column: u32, field: Option<String>) -> Where {
        Where {
            file: self.file.clone(),
            document: self.document,
            item: self.item,
            object: self.object.clone(),
            field,
            line: (line > 0).then_some(u64::from(line)),
            column: (line > 0).then_some(u64::from(column)),
        }
    }
}

impl<'a> At<'a> {
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        let path = self.path.to_string();
        Error::Field {
            at: Box::new(self.ctx.at_node(
                self.node.line,
                self.node.column,
                (!path.is_empty()).then_some(path),
            )),
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
            Tree::Str(s) => Ok(s.to_string()),
            Tree::Bool { word, .. } => {
                let go = self.go_type_error("bool");
                Err(self.error(if *word {
                    format!(
                        "expected a string, found a boolean: the API server reads a plain yes, no, on, off, y or n as \
                         a YAML 1.1 boolean and refuses it here{go}; quote the value"
                    )
                } else {
                    format!("expected a string, found a boolean{go}")
                }))
            }
            Tree::Int(_) | Tree::UInt(_) | Tree::Float(_) => {
                let go = self.go_type_error("number");
                Err(self.error(format!(
                    "expected a string, found {}{go}",
                    self.node.value.shape()
                )))
            }
            _ => Err(self.expected("a string")),
        }
    }

    /// ` (json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string)`: the API
    /// server's words for a scalar of the wrong type, when the Go struct is known.
    fn go_type_error(&self, json_type: &str) -> String {
        let Some(schema) = self.ctx.schema else {
            return String::new();
        };
        match schema::go_field(schema, &self.path.keys()) {
            Some((go_struct, field)) => format!(
                " (json: cannot unmarshal {json_type} into Go struct field {go_struct}.{field} of type string)"
            ),
            None => String::new(),
        }
    }

    /// Runs `f` on a child reached by `key`.
    pub(crate) fn with_key<T>(
        &self,
        key: &str,
        node: &Node<'_>,
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
            Tree::Null => Ok(Vec::new()),
            Tree::Seq(items) => {
                // Sized once: collecting through `Result` would start at four and double (a one-mirror list held
                // four strings' room, 100 sources 128 entries').
                let mut out = Vec::with_capacity(items.len());
                for (i, node) in items.iter().enumerate() {
                    let path = Path::Index(self.path, i);
                    out.push(f(At {
                        node,
                        path: &path,
                        ctx: self.ctx,
                    })?);
                }
                Ok(out)
            }
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
            let value = self.with_key(&key.name, node, &mut f)?;
            self.check_key(key)?;
            out.insert(key.name.to_string(), value);
        }
        Ok(out)
    }

    /// Refuses a key the API server would rename (`n:` becomes `"false"`).
    pub(crate) fn check_key(&self, key: &Key<'_>) -> Result<(), Error> {
        let Some(value) = key.yaml11_bool else {
            return Ok(());
        };
        let path = Path::Key(self.path, &key.name).to_string();
        Err(Error::Field {
            at: Box::new(self.ctx.at_node(key.line, key.column, Some(path))),
            message: format!(
                "the API server reads this plain key as the YAML 1.1 boolean {value} and names the field \"{value}\"; \
                 quote the key"
            ),
        })
    }

    /// The entries of a mapping (keys are unique: the tree builder checks); null reads as empty.
    pub(crate) fn fields(&self) -> Result<Fields<'a>, Error> {
        let entries = match &self.node.value {
            Tree::Null => Vec::new(),
            Tree::Map(entries) => entries.iter().map(|(k, v)| (k, v)).collect(),
            _ => return Err(self.expected("a mapping")),
        };
        Ok(Fields { entries })
    }

    /// The node as JSON, for fields this crate does not model.
    pub(crate) fn json(self) -> Result<Value, Error> {
        Ok(match &self.node.value {
            Tree::Null => Value::Null,
            Tree::Bool { value, .. } => Value::Bool(*value),
            Tree::Int(i) => Value::from(*i),
            Tree::UInt(u) => Value::from(*u),
            Tree::Float(x) => Number::from_f64(*x)
                .map(Value::Number)
                .ok_or_else(|| self.error("numbers must be finite"))?,
            Tree::Str(s) => Value::String(s.to_string()),
            Tree::Seq(_) => Value::Array(self.list(|at| at.json())?),
            Tree::Map(_) => {
                let fields = self.fields()?;
                let mut map = Map::new();
                for (key, node) in fields.entries {
                    let value = self.with_key(&key.name, node, |at| at.json())?;
                    self.check_key(key)?;
                    map.insert(key.name.to_string(), value);
                }
                Value::Object(map)
            }
        })
    }
}

/// The entries of a mapping not yet consumed by a typed reader.
pub(crate) struct Fields<'a> {
    entries: Vec<(&'a Key<'a>, &'a Node<'a>)>,
}

impl<'a> Fields<'a> {
    /// Removes `key`; a null value counts as absent, as in Go's JSON decoding.
    pub(crate) fn take(&mut self, key: &str) -> Option<&'a Node<'a>> {
        let i = self.entries.iter().position(|(k, _)| k.name == key)?;
        let (_, node) = self.entries.remove(i);
        (!matches!(node.value, Tree::Null)).then_some(node)
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

    /// The remaining fields as JSON, kept so that they survive a read and write. Fields the kind's schema does
    /// not know at this level are recorded for the strictness check.
    pub(crate) fn rest(self, at: &At<'_>) -> Result<Extra, Error> {
        let known = match (at.ctx.schema, self.entries.is_empty()) {
            (Some(schema), false) => schema::known_fields(schema, &at.path.field_names()),
            _ => None,
        };
        let mut map = Map::new();
        for (key, node) in self.entries {
            if let Some(known) = known
                && !known.contains(&key.name.as_ref())
            {
                let path = Path::Key(at.path, &key.name);
                at.ctx.unknown.borrow_mut().push(UnknownField {
                    path: path.to_string(),
                    suggestion: schema::closest(&key.name, known),
                    line: key.line,
                    column: key.column,
                });
            }
            let value = at.with_key(&key.name, node, |a| a.json())?;
            at.check_key(key)?;
            map.insert(key.name.to_string(), value);
        }
        Ok(map.into())
    }
}
