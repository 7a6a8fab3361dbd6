//! Reading YAML/JSON streams of objects under explicit budgets.

use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use crate::error::{Error, Where};
use crate::model::Object;
use crate::tree::{At, Ctx, Node, Path};

/// Budgets for one input. Inputs come from users and clusters: an alias bomb or a huge file must
/// fail fast with a clear error instead of eating the machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (checked before parsing). Default 16 MiB.
    pub max_bytes: usize,
    /// Most documents in one stream. Default 1024.
    pub max_documents: usize,
    /// Deepest nesting of sequences and mappings. Default 32.
    pub max_depth: usize,
    /// Most alias (`*name`) uses. Default 256.
    pub max_aliases: usize,
    /// Most parser nodes (scalars, sequences, mappings). Default 1,000,000.
    pub max_nodes: usize,
    /// Most events replayed through aliases, which is what an alias bomb inflates. Default 100,000.
    pub max_alias_expansion: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_documents: 1024,
            // Deep enough for any object `oc get -o yaml` prints (managedFields included), and shallow enough that
            // the recursive deserialiser stays well inside a 2 MiB thread stack even in a debug build (it
            // overflows near 50 levels there).
            max_depth: 32,
            max_aliases: 256,
            max_nodes: 1_000_000,
            max_alias_expansion: 100_000,
        }
    }
}

impl Limits {
    fn options(&self) -> Options {
        let mut budget = Budget::default();
        budget.max_reader_input_bytes = Some(self.max_bytes);
        budget.max_documents = self.max_documents;
        budget.max_depth = self.max_depth;
        budget.max_aliases = self.max_aliases;
        budget.max_nodes = self.max_nodes;
        budget.max_events = self.max_nodes.saturating_mul(2);
        let mut options = Options::default();
        options.budget = Some(budget);
        options.alias_limits.max_total_replayed_events = self.max_alias_expansion;
        options.duplicate_keys = DuplicateKeyPolicy::Error;
        options.with_snippet = false;
        // Kubernetes YAML is read as JSON-compatible YAML: `y`, `n`, `on`, `off` are strings.
        options.strict_booleans = true;
        options
    }
}

/// A value and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    /// The name the caller gave the input.
    pub file: String,
    /// Index of the document among the stream's non-empty documents, from 0.
    pub document: usize,
    /// Index inside a `List`'s `items`, when the object came from a list.
    pub item: Option<usize>,
    /// 1-based line where the object starts (0 if unknown).
    pub line: u64,
    /// The value.
    pub value: T,
}

/// Reads every object of a YAML stream (several documents, `kind: List` wrappers, or JSON).
///
/// `name` is only used in errors. Empty documents are skipped. Any error stops the read.
pub fn read_objects(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Located<Object>>, Error> {
    if bytes.len() > limits.max_bytes {
        return Err(Error::InputTooLarge {
            file: name.to_owned(),
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let mut reader = bytes;
    let mut out = Vec::new();
    let documents =
        serde_saphyr::read_with_options::<_, Spanned<Node>>(&mut reader, limits.options());
    for (document, result) in documents.enumerate() {
        let root = result.map_err(|e| parse_error(name, document, e))?;
        if document >= limits.max_documents {
            // serde-saphyr's streaming reader does not count documents itself.
            return Err(Error::Budget {
                at: Box::new(Where {
                    file: name.to_owned(),
                    document: Some(document),
                    line: Some(root.referenced.line()).filter(|l| *l > 0),
                    column: Some(root.referenced.column()).filter(|_| root.referenced.line() > 0),
                    ..Where::default()
                }),
                message: format!("more than {} documents", limits.max_documents),
            });
        }
        let ctx = Ctx {
            file: name.to_owned(),
            document: Some(document),
            ..Ctx::default()
        };
        read_document(&root, ctx, &mut out)?;
    }
    Ok(out)
}

fn parse_error(file: &str, document: usize, e: serde_saphyr::Error) -> Error {
    let location = e.location();
    let line = location.map(|l| l.line()).filter(|l| *l > 0);
    let at = Box::new(Where {
        file: file.to_owned(),
        document: Some(document),
        line,
        column: line.and(location.map(|l| l.column())),
        ..Where::default()
    });
    let mut message = e.without_snippet().to_string();
    // The position is already in `at`; the hint about parser options means nothing to users.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    message = message.replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    if matches!(e, serde_saphyr::Error::Budget { .. })
        || message.contains("budget")
        || message.contains("limit exceeded")
    {
        Error::Budget { at, message }
    } else {
        Error::Syntax { at, message }
    }
}

fn read_document(
    root: &Spanned<Node>,
    mut ctx: Ctx,
    out: &mut Vec<Located<Object>>,
) -> Result<(), Error> {
    let (api_version, kind) = type_of(root, &ctx)?;
    let is_list = kind == "List" || (kind.ends_with("List") && has_key(root, "items"));
    if !is_list {
        let object = read_object(root, &api_version, &kind, &ctx)?;
        out.push(located(&ctx, root, object));
        return Ok(());
    }
    let Node::Map(entries) = &root.value else {
        return Ok(());
    };
    let Some((_, items)) = entries
        .iter()
        .find(|(k, _)| matches!(&k.value, Node::Str(s) if s == "items"))
    else {
        return Ok(());
    };
    let items = match &items.value {
        Node::Null => return Ok(()),
        Node::Seq(items) => items,
        other => {
            let path = Path::Root;
            let key = Path::Key(&path, "items");
            let at = At {
                node: items,
                path: &key,
                ctx: &ctx,
            };
            return Err(at.error(format!("expected a sequence, found {}", other.shape())));
        }
    };
    for (i, item) in items.iter().enumerate() {
        ctx.item = Some(i);
        ctx.object = None;
        let (api_version, kind) = type_of(item, &ctx)?;
        if kind.ends_with("List") && has_key(item, "items") {
            let at = At {
                node: item,
                path: &Path::Root,
                ctx: &ctx,
            };
            return Err(at.error("a List inside a List is not supported"));
        }
        let object = read_object(item, &api_version, &kind, &ctx)?;
        out.push(located(&ctx, item, object));
    }
    Ok(())
}

fn located(ctx: &Ctx, node: &Spanned<Node>, value: Object) -> Located<Object> {
    Located {
        file: ctx.file.clone(),
        document: ctx.document.unwrap_or(0),
        item: ctx.item,
        line: node.referenced.line(),
        value,
    }
}

fn has_key(node: &Spanned<Node>, key: &str) -> bool {
    matches!(&node.value, Node::Map(entries)
        if entries.iter().any(|(k, _)| matches!(&k.value, Node::Str(s) if s == key)))
}

/// `apiVersion` and `kind` of a document, both required strings.
fn type_of(node: &Spanned<Node>, ctx: &Ctx) -> Result<(String, String), Error> {
    let at = At {
        node,
        path: &Path::Root,
        ctx,
    };
    let mut fields = at.fields()?;
    if !matches!(node.value, Node::Map(_)) {
        return Err(at.error(format!(
            "expected a Kubernetes object (a mapping), found {}",
            node.value.shape()
        )));
    }
    let api_version = fields.read(&at, "apiVersion", |a| a.string())?;
    let kind = fields.read(&at, "kind", |a| a.string())?;
    match (api_version, kind) {
        (Some(a), Some(k)) if !a.is_empty() && !k.is_empty() => Ok((a, k)),
        (_, k) => {
            let missing = if k.as_deref().is_some_and(|k| !k.is_empty()) {
                "apiVersion"
            } else {
                "kind"
            };
            Err(at.error(format!(
                "missing {missing}: every object needs apiVersion and kind"
            )))
        }
    }
}

fn read_object(
    node: &Spanned<Node>,
    api_version: &str,
    kind: &str,
    ctx: &Ctx,
) -> Result<Object, Error> {
    let mut ctx = ctx.clone();
    ctx.object = Some(match name_of(node) {
        Some(name) => format!("{kind}/{name}"),
        None => kind.to_owned(),
    });
    let at = At {
        node,
        path: &Path::Root,
        ctx: &ctx,
    };
    Object::read(api_version, kind, at)
}

fn name_of(node: &Spanned<Node>) -> Option<String> {
    let Node::Map(entries) = &node.value else {
        return None;
    };
    let (_, meta) = entries
        .iter()
        .find(|(k, _)| matches!(&k.value, Node::Str(s) if s == "metadata"))?;
    let Node::Map(meta) = &meta.value else {
        return None;
    };
    meta.iter().find_map(|(k, v)| match (&k.value, &v.value) {
        (Node::Str(k), Node::Str(v)) if k == "name" => Some(v.clone()),
        _ => None,
    })
}
