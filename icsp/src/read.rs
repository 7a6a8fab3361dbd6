//! Reading YAML/JSON streams of objects under explicit budgets, as strictly as the API server decodes them.

use std::collections::BTreeMap;
use std::fmt;

use crate::checks;
use crate::error::{Error, Issue, IssueKind, Where};
use crate::json;
use crate::model::Object;
use crate::schema;
use crate::tree::{At, Ctx, Node, Path, Tree};
use crate::yaml::Documents;
use crate::yaml_block::BlockDocuments;

/// Budgets for one input stream. Inputs come from users and clusters: an alias bomb or a huge file must fail fast
/// with a clear error instead of eating the machine, and the largest real input must still read. Each default is
/// the largest realistic input times ten, with its reason beside it (see the README's bounds table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (checked before parsing). Default 32 MiB.
    pub max_bytes: usize,
    /// Most non-empty documents in one stream. Default 16 384.
    pub max_documents: usize,
    /// Deepest nesting of sequences and mappings. Default 32.
    pub max_depth: usize,
    /// Most alias (`*name`) uses in one stream. Default 256.
    pub max_aliases: usize,
    /// Most parser nodes (scalars, sequences, mappings) in one stream. Default 4 000 000.
    pub max_nodes: usize,
    /// Most events replayed through aliases in one stream, which is what an alias bomb inflates. Default 100 000.
    pub max_alias_expansion: usize,
}

/// Largest stream read: the largest realistic input is ≈10 000 mirror sources (`oc get idms -o json` of a large
/// disconnected cluster, 2.8 MB of JSON, 1.5 MB of YAML); ten times that is 100 000 sources, 28 MB as indented
/// JSON. 32 MiB holds it.
pub const DEFAULT_MAX_BYTES: usize = 32 * 1024 * 1024;
/// 100 000 sources come in ≈1 100 documents of 91 sources (issue 13); one object per document at a tenth of
/// that size is ≈11 000. 16 384 leaves room; empty documents (`---` storms) do not count, the byte budget bounds
/// them.
pub const DEFAULT_MAX_DOCUMENTS: usize = 16 * 1024;
/// Deep enough for any object `oc get -o yaml` prints (managedFields reach 12 levels), shallow enough that
/// recursion over the tree stays small.
pub const DEFAULT_MAX_DEPTH: usize = 32;
/// Real objects use no aliases (kubectl and oc never write them); 256 allows hand-written anchors.
pub const DEFAULT_MAX_ALIASES: usize = 256;
/// 100 000 sources with two mirrors each are ≈700 000 nodes (7 per source), and `oc get -o yaml` metadata adds
/// ≈40 nodes per object; 4 000 000 nodes is that with a wide margin for denser packings (flow sequences of short
/// names), at ≈48 bytes a node ≈190 MB at worst.
pub const DEFAULT_MAX_NODES: usize = 4_000_000;
/// Aliases replay what they point at: a 10-level ×10 alias bomb would replay 10¹⁰ events. 100 000 events is far
/// more than any hand-written anchor needs and fails such a bomb after 100 000 cloned nodes.
pub const DEFAULT_MAX_ALIAS_EXPANSION: usize = 100_000;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_documents: DEFAULT_MAX_DOCUMENTS,
            max_depth: DEFAULT_MAX_DEPTH,
            max_aliases: DEFAULT_MAX_ALIASES,
            max_nodes: DEFAULT_MAX_NODES,
            max_alias_expansion: DEFAULT_MAX_ALIAS_EXPANSION,
        }
    }
}

/// How strictly the API server's rules are applied, as kubectl's `--validate=strict|warn|ignore`.
///
/// It covers unknown fields, a known kind under a wrong apiVersion, a missing or invalid `metadata.name` and two
/// objects of one kind with one name. Type errors (`yes` where a string goes), bad tags, syntax and budgets are
/// errors whatever the setting: the API server refuses those too, whatever kubectl validates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strictness {
    /// Errors (`--validate=strict`, kubectl's default).
    #[default]
    Strict,
    /// Warnings in [`Stream::warnings`] (`--validate=warn`); a known kind under a wrong apiVersion is then read
    /// as [`Object::Other`].
    Warn,
    /// Nothing (`--validate=ignore`).
    Ignore,
}

/// Options of [`read_stream`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Budgets.
    pub limits: Limits,
    /// What the API server's rules give: errors, warnings or nothing.
    pub strictness: Strictness,
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

impl<T> Located<T> {
    /// Where the value is, for messages.
    pub fn at(&self) -> Where {
        Where {
            file: self.file.clone(),
            document: Some(self.document),
            item: self.item,
            line: (self.line > 0).then_some(self.line),
            ..Where::default()
        }
    }
}

/// Everything one stream gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stream {
    /// The objects, in input order (List items in place of their List).
    pub objects: Vec<Located<Object>>,
    /// What is worth saying but does not stop the read: with [`Strictness::Warn`], the API server's rules; always,
    /// an object too large for client-side `oc apply` and ICSPs beside IDMS/ITMS.
    pub warnings: Vec<Issue>,
    /// Non-empty documents read.
    pub documents: usize,
}

impl Stream {
    /// How many documents and objects of which kinds were read.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::of(&self.objects);
        summary.documents = self.documents;
        summary
    }

    /// How many mirror entries (sources) the stream's ICSPs, IDMSs and ITMSs hold together.
    pub fn mirror_entries(&self) -> usize {
        self.objects.iter().map(|o| o.value.mirror_entries()).sum()
    }
}

/// How many documents and objects were read, of which kinds: what a command says when nothing it can use
/// was read ("no objects passed", "read 1 object: Pod/p; none shapes node files").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Non-empty documents.
    pub documents: usize,
    /// Objects (List items counted one by one).
    pub objects: usize,
    /// Objects per kind.
    pub kinds: BTreeMap<String, usize>,
    /// `Kind/name` of the first objects, at most [`Summary::NAMES_SHOWN`].
    pub first: Vec<String>,
    /// Objects that shape a node's files ([`shapes_node_files`]).
    pub shaping: usize,
}

impl Summary {
    /// How many names a summary keeps.
    pub const NAMES_SHOWN: usize = 5;

    /// The summary of objects read from one or several streams (`documents` is left at 0).
    pub fn of(objects: &[Located<Object>]) -> Summary {
        let mut summary = Summary::default();
        for o in objects {
            summary.add(&o.value);
        }
        summary
    }

    /// Counts one more object.
    pub fn add(&mut self, object: &Object) {
        self.objects += 1;
        *self.kinds.entry(object.kind().to_owned()).or_default() += 1;
        if self.first.len() < Self::NAMES_SHOWN {
            self.first.push(object.display_name());
        }
        if shapes_node_files(object) {
            self.shaping += 1;
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.objects == 0 {
            return f.write_str("no objects passed");
        }
        let plural = if self.objects == 1 { "" } else { "s" };
        write!(
            f,
            "read {} object{plural}: {}",
            self.objects,
            self.first.join(", ")
        )?;
        if self.objects > self.first.len() {
            write!(f, " and {} more", self.objects - self.first.len())?;
        }
        // Issue 13's words: "read 1 object: Pod/p; none shapes node files".
        if self.shaping == 0 {
            f.write_str("; none shapes node files")?;
        }
        Ok(())
    }
}

/// Whether an object shapes a node's files, as machine-config-operator reads them: every ICSP, IDMS and ITMS;
/// the Image named `cluster`; the ClusterVersion `version` (its payload is exempt from blocking); the Secret
/// `openshift-config/pull-secret`; ConfigMaps in `openshift-config` (the Image's `additionalTrustedCA` names one
/// of them). Objects without a namespace count as in `openshift-config`.
pub fn shapes_node_files(object: &Object) -> bool {
    let in_config = |ns: Option<&str>| ns.is_none_or(|ns| ns == "openshift-config");
    match object {
        Object::ImageContentSourcePolicy(_)
        | Object::ImageDigestMirrorSet(_)
        | Object::ImageTagMirrorSet(_) => true,
        Object::Image(o) => o.metadata.name.as_deref() == Some("cluster"),
        Object::ClusterVersion(o) => o.metadata.name.as_deref() == Some("version"),
        Object::Secret(o) => {
            o.metadata.name.as_deref() == Some("pull-secret")
                && in_config(o.metadata.namespace.as_deref())
        }
        Object::ConfigMap(o) => in_config(o.metadata.namespace.as_deref()),
        _ => false,
    }
}

/// Reads every object of a YAML stream (several documents, `kind: List` wrappers, or JSON) strictly
/// ([`Strictness::Strict`]); warnings are dropped (use [`read_stream`] to get them).
///
/// `name` is only used in errors. Empty documents are skipped. Any error stops the read.
pub fn read_objects(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Located<Object>>, Error> {
    let options = ReadOptions {
        limits: limits.clone(),
        strictness: Strictness::Strict,
    };
    read_stream(name, bytes, &options).map(|stream| stream.objects)
}

/// Reads every object of a YAML or JSON stream, with the document count and the warnings.
///
/// Beyond syntax and shape, the API server's rules apply as [`ReadOptions::strictness`] says: unknown fields
/// (`strict decoding error: unknown field "spec.repositoryDigestMirror" (did you mean "repositoryDigestMirrors"?)`),
/// a known kind under a wrong apiVersion, a missing or invalid `metadata.name`, two objects of one kind with one
/// name in the stream. Across several streams, call [`crate::cross_object_issues`] on all their objects.
pub fn read_stream(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<Stream, Error> {
    let text = checked_text(name, bytes, &options.limits)?;
    match read_fast(name, text, options) {
        Some(stream) => Ok(stream),
        None => read_complete(name, text, options),
    }
}

/// The fast path for the input's shape: JSON, else block YAML. `None` when it steps aside.
pub(crate) fn read_fast(name: &str, text: &str, options: &ReadOptions) -> Option<Stream> {
    if json::looks_like_json(text) {
        read_json_fast(name, text, options)
    } else {
        read_block_fast(name, text, options)
    }
}

/// The JSON fast path ([`crate::json`]): `None` when it is not sure, and for anything worth an error or a
/// warning, which the complete reader then reports with its positions.
fn read_json_fast(name: &str, text: &str, options: &ReadOptions) -> Option<Stream> {
    let ctx = Ctx {
        file: name.to_owned(),
        document: Some(0),
        ..Ctx::default()
    };
    let mut out = Stream {
        documents: 1,
        ..Stream::default()
    };
    // The root's `items` are read into objects as they come, before the root's `kind` (which `oc` prints after
    // them) says whether it is a List; for anything else the input is read again, whole. The List's own fields
    // are checked after its items: any finding sends the whole input to the complete reader anyway.
    let mut streamed = false;
    let root = {
        let mut item_ctx = ctx.clone();
        let out = &mut out;
        let mut on_item = |index: usize, item: Node<'_>| {
            streamed = true;
            read_item(&item, index, &mut item_ctx, options, out).map_err(|_| json::NotSure)
        };
        json::parse_streaming_items(text, &options.limits, &mut on_item).ok()?
    };
    // With items, `read_document` takes a root as a List exactly when its kind ends in "List".
    let root = if streamed && !type_of(&root, &ctx).ok()?.1.ends_with("List") {
        out = Stream {
            documents: 1,
            ..Stream::default()
        };
        json::parse(text, &options.limits).ok()?
    } else {
        root
    };
    read_document(root, ctx, options, &mut out).ok()?;
    clean(out)
}

/// The block-YAML fast path ([`crate::yaml_block`]), on the same terms as the JSON one.
fn read_block_fast(name: &str, text: &str, options: &ReadOptions) -> Option<Stream> {
    let mut documents = BlockDocuments::new(text, &options.limits).ok()?;
    let mut out = Stream::default();
    while let Some(root) = documents.next_document().ok()? {
        let ctx = Ctx {
            file: name.to_owned(),
            document: Some(out.documents),
            ..Ctx::default()
        };
        out.documents += 1;
        read_document(root, ctx, options, &mut out).ok()?;
    }
    clean(out)
}

/// A fast path's stream, when it holds nothing worth a warning or an error across its objects: those are the
/// complete reader's to report, with its positions.
fn clean(out: Stream) -> Option<Stream> {
    let clean = out.warnings.is_empty()
        && checks::duplicates(&out.objects).is_empty()
        && checks::icsp_beside_mirror_sets(&out.objects).is_empty();
    clean.then_some(out)
}

/// The complete reader: every YAML stream, JSON included.
pub(crate) fn read_complete(
    name: &str,
    text: &str,
    options: &ReadOptions,
) -> Result<Stream, Error> {
    let limits = &options.limits;
    let mut out = Stream::default();
    let mut documents = Documents::new(name, text, limits);
    while let Some(root) = documents.next() {
        let root = root?;
        let ctx = Ctx {
            file: name.to_owned(),
            document: Some(documents.read_so_far() - 1),
            ..Ctx::default()
        };
        read_document(root, ctx, options, &mut out)?;
    }
    out.documents = documents.read_so_far();
    for issue in checks::duplicates(&out.objects) {
        decide(options.strictness, issue, &mut out.warnings)?;
    }
    out.warnings
        .extend(checks::icsp_beside_mirror_sets(&out.objects));
    Ok(out)
}

/// The input as text, within the byte bound: the checks every reader makes first.
pub(crate) fn checked_text<'a>(
    name: &str,
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<&'a str, Error> {
    if bytes.len() > limits.max_bytes {
        return Err(Error::InputTooLarge {
            file: name.to_owned(),
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    std::str::from_utf8(bytes).map_err(|e| not_utf8(name, bytes, &e))
}

fn not_utf8(name: &str, bytes: &[u8], e: &std::str::Utf8Error) -> Error {
    let valid = &bytes[..e.valid_up_to()];
    let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
    let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    Error::Syntax {
        at: Box::new(Where {
            file: name.to_owned(),
            line: Some(line as u64),
            column: Some(column as u64),
            ..Where::default()
        }),
        message: "the input is not UTF-8 text".into(),
    }
}

/// Applies the strictness to one issue: an error, a warning or nothing.
fn decide(strictness: Strictness, issue: Issue, warnings: &mut Vec<Issue>) -> Result<(), Error> {
    match strictness {
        Strictness::Strict => Err(Error::Rejected(Box::new(issue))),
        Strictness::Warn => {
            warnings.push(issue);
            Ok(())
        }
        Strictness::Ignore => Ok(()),
    }
}

fn read_document(
    root: Node,
    mut ctx: Ctx,
    options: &ReadOptions,
    out: &mut Stream,
) -> Result<(), Error> {
    let (api_version, kind) = type_of(&root, &ctx)?;
    let is_list = kind == "List" || (kind.ends_with("List") && root.value.get("items").is_some());
    if !is_list {
        return read_object(&root, &api_version, &kind, &ctx, options, out);
    }
    if kind == "List" {
        // The List's own fields: apiVersion, kind, metadata (ListMeta), items.
        let list_ctx = Ctx {
            schema: Some(&schema::LIST),
            ..ctx.clone()
        };
        let at = At {
            node: &root,
            path: &Path::Root,
            ctx: &list_ctx,
        };
        let mut fields = at.fields()?;
        for key in ["apiVersion", "kind", "items"] {
            fields.take(key);
        }
        if let Some(meta) = fields.take("metadata") {
            at.with_key("metadata", meta, |m| m.fields()?.rest(&m))?;
        }
        fields.rest(&at)?;
        report_unknown(&list_ctx, &root, options, out)?;
    }
    let Tree::Map(entries) = root.value else {
        return Ok(());
    };
    let Some((_, items)) = entries.into_iter().find(|(k, _)| k.name == "items") else {
        return Ok(());
    };
    let items = match items.value {
        Tree::Null => return Ok(()),
        Tree::Seq(items) => items,
        ref other => {
            let path = Path::Root;
            let key = Path::Key(&path, "items");
            let at = At {
                node: &items,
                path: &key,
                ctx: &ctx,
            };
            return Err(at.error(format!("expected a sequence, found {}", other.shape())));
        }
    };
    // Items are read and dropped one by one, so the tree and the objects are not both held whole.
    for (i, item) in items.into_iter().enumerate() {
        read_item(&item, i, &mut ctx, options, out)?;
    }
    Ok(())
}

/// Item `index` of a `List`'s `items`.
fn read_item(
    item: &Node,
    index: usize,
    ctx: &mut Ctx,
    options: &ReadOptions,
    out: &mut Stream,
) -> Result<(), Error> {
    ctx.item = Some(index);
    ctx.object = None;
    let (api_version, kind) = type_of(item, ctx)?;
    if kind.ends_with("List") && item.value.get("items").is_some() {
        let at = At {
            node: item,
            path: &Path::Root,
            ctx,
        };
        return Err(at.error("a List inside a List is not supported"));
    }
    read_object(item, &api_version, &kind, ctx, options, out)
}

/// `apiVersion` and `kind` of a document, both required strings.
fn type_of(node: &Node, ctx: &Ctx) -> Result<(String, String), Error> {
    let at = At {
        node,
        path: &Path::Root,
        ctx,
    };
    let mut fields = at.fields()?;
    if !matches!(node.value, Tree::Map(_)) {
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
    node: &Node,
    api_version: &str,
    kind: &str,
    ctx: &Ctx,
    options: &ReadOptions,
    out: &mut Stream,
) -> Result<(), Error> {
    let mut ctx = ctx.clone();
    let name = name_of(node);
    ctx.object = Some(match &name {
        Some(name) => format!(
            "{}/{}",
            crate::error::field_text(kind),
            crate::error::field_text(name)
        ),
        None => crate::error::field_text(kind).into_owned(),
    });
    let strictness = options.strictness;
    let known = schema::kind(kind);
    let mut read_as_other = false;
    if let Some(known) = known
        && known.api_version != api_version
    {
        let issue = Issue {
            at: ctx.at_node(node.line, node.column, None),
            kind: IssueKind::WrongApiVersion,
            message: format!(
                "no matches for kind {} in version {} (the API server serves {kind} as {})",
                crate::error::quote(kind),
                crate::error::quote(api_version),
                known.api_version
            ),
        };
        decide(strictness, issue, &mut out.warnings)?;
        read_as_other = true;
    }
    ctx.schema = known.filter(|_| !read_as_other);
    let at = At {
        node,
        path: &Path::Root,
        ctx: &ctx,
    };
    let object = if read_as_other {
        Object::Other {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
            name: name.clone(),
        }
    } else {
        Object::read(api_version, kind, at)?
    };
    report_unknown(&ctx, node, options, out)?;
    if ctx.schema.is_some() {
        for issue in checks::name_issues(&object, ctx.at_node(node.line, node.column, None)) {
            decide(strictness, issue, &mut out.warnings)?;
        }
        if let Some(issue) = checks::too_large(&object, ctx.at_node(node.line, node.column, None)) {
            out.warnings.push(issue);
        }
    }
    out.objects.push(Located {
        file: ctx.file.clone(),
        document: ctx.document.unwrap_or(0),
        item: ctx.item,
        line: u64::from(node.line),
        value: object,
    });
    Ok(())
}

/// Turns the unknown fields met while reading one object into one issue, worded as the API server's strict
/// decoding error lists them.
fn report_unknown(
    ctx: &Ctx,
    node: &Node<'_>,
    options: &ReadOptions,
    out: &mut Stream,
) -> Result<(), Error> {
    let unknown = std::mem::take(&mut *ctx.unknown.borrow_mut());
    let Some(first) = unknown.first() else {
        return Ok(());
    };
    let list: Vec<String> = unknown
        .iter()
        .map(|u| match u.suggestion {
            Some(s) => format!(
                "unknown field {} (did you mean {s:?}?)",
                crate::error::quote(&u.path)
            ),
            None => format!("unknown field {}", crate::error::quote(&u.path)),
        })
        .collect();
    let _ = node;
    let issue = Issue {
        // The message names every field; the place is the first one's.
        at: ctx.at_node(first.line, first.column, None),
        kind: IssueKind::UnknownField,
        message: format!("strict decoding error: {}", list.join(", ")),
    };
    decide(options.strictness, issue, &mut out.warnings)
}

fn name_of(node: &Node<'_>) -> Option<String> {
    match &node.value.get("metadata")?.value.get("name")?.value {
        Tree::Str(name) => Some(name.to_string()),
        _ => None,
    }
}
