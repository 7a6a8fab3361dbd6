//! `mirror-cli probe`: does the node's configuration really pull `REF`, source by source; with `--release`, does
//! every component of a release image pull. Reads only; writes nothing anywhere.
//!
//! `-o json` prints one document:
//!
//! ```text
//! {"reference": REF, "config": [files read], "would_pull": bool, "served_by": REFERENCE | null,
//!  "sources": [{"reference", "role": "mirror"|"source", "insecure", "usage": "all"|"digest-only"|"tag-only",
//!               "auth": {"key","user"} | {"helper"} | {"error"} | null, "certs_d": PATH | null,
//!               "outcome": registry_probe::Outcome::to_json()}]}
//! ```
//!
//! With `--release` it is `{"release": <that document>, "image_references": {"version", "layer", "bytes_read",
//! "components"}, "components": [{"name", "image", "state": "ok"|"only_on_source"|"missing_on_mirrors"|"missing"|
//! "error", "from", "error": {"source","line"} | null, "sources": [as above, the ones tried]}], "errors": [{"line",
//! "components": [names]}], "summary": {"components", "ok", "only_on_source", "missing_on_mirrors", "missing",
//! "errors"}, "would_pull": bool}`, or `{"release": ..., "error": why, "would_pull": false}` when the release image
//! itself cannot be read.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use registry_probe::{FileQuery, Options, Outcome, Prober, ResolveOverride};
use serde_json::{Value, json};

use super::{Exit, Style, output_error, report};
use crate::Error;
use crate::explain::AuthUse;
use crate::node::RenderOptions;
use crate::probe::{
    ComponentReport, ComponentState, IMAGE_REFERENCES, NodeConfig, NodeFiles, Plan, PlannedSource,
    parse_image_references, probe_all, probe_component, serving,
};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProbeOutput {
    /// One line per source (or component), then the verdict
    Text,
    /// One JSON document
    Json,
}

/// `mirror-cli probe` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("node").required(true).args(["root", "files"])))]
pub struct ProbeArgs {
    /// The image reference (as typed: short names are normalised); with --release, the release image
    #[arg(value_name = "REF")]
    pub reference: String,
    /// A node's root: etc/containers/registries.conf (+ .d), var/lib/kubelet/config.json, certs.d (read only, no link followed)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Cluster objects (a file, a folder, or - for stdin), rendered in memory as the node would get them; repeatable
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE",
        conflicts_with = "root"
    )]
    pub files: Vec<String>,
    /// With -f: a bare .dockerconfigjson to use as the pull secret (replaces the Secret)
    #[arg(long, value_name = "FILE", requires = "files")]
    pub pull_secret: Option<PathBuf>,
    /// REF is a release image: read its release-manifests/image-references and probe every component
    #[arg(long)]
    pub release: bool,
    /// Connect to ADDR for HOST:PORT (as curl's --resolve; TLS still checks HOST); repeatable
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Seconds one source may take in all (connect, TLS, /v2/, token, manifest)
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// Seconds to resolve and connect (and, separately, for the TLS handshake)
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub connect_timeout: u64,
    /// With --release: components probed at once (1-64)
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ProbeOutput::Text)]
    pub output: ProbeOutput,
}

/// The `after_help` of the command.
pub const AFTER_HELP: &str = "Examples:\n  \
    mirror-cli probe quay.io/openshift-release-dev/ocp-release@sha256:<digest> --root /host\n  \
    mirror-cli probe quay.io/openshift-release-dev/ocp-release:4.16.3-x86_64 -f objects.yaml --pull-secret ps.json \\\n    \
    --resolve mirror.example.com:5000:192.0.2.10\n  \
    mirror-cli probe --release quay.io/openshift-release-dev/ocp-release@sha256:<digest> --root ./worker-0 -o json\n\n\
    Resolves REF's pull sources as `resolve` does, then tries each one as containers/image would: connect, TLS with\n\
    the CA of the node's certs.d folder for the host (and the system roots), GET /v2/, the authentication the\n\
    registry asks for (Basic, or a token from its realm) with the node's config.json credentials, then the manifest.\n\
    One line per source says what it reached and why it stopped; then the source that would serve the pull.\n\
    Passwords and tokens are never printed (the config.json key and user name may be).\n\n\
    --release: the release image is read through the same sources, its release-manifests/image-references listed,\n\
    and every component probed (source after source, as a pull): ok, only on the source, missing on every source,\n\
    or an error (grouped), then a summary.\n\n\
    Exit codes: 0 the pull (every component) would succeed, 1 it would not, 2 bad input.";

/// Runs `probe`.
pub fn run(
    args: &ProbeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let prober = prober(args)?;
    let files = node_files(args)?;
    let config = NodeConfig::load(&files)?;
    report(err, style, &config.warnings, &[]).map_err(output_error)?;
    let sources = config.sources(&args.reference)?;
    let outcomes = probe_all(&prober, &sources);
    let serving_index = serving(&outcomes);
    if !args.release {
        if args.output == ProbeOutput::Json {
            let document = sources_json(&args.reference, &config, &sources, &outcomes);
            writeln!(out, "{}", pretty(&document)).map_err(output_error)?;
        } else {
            write_sources(out, &sources, &outcomes)?;
        }
        write_notes(err, style, &sources, &outcomes)?;
        return Ok(if serving_index.is_some() {
            Exit::Ok
        } else {
            Exit::Failed
        });
    }
    release(args, &config, &prober, &sources, &outcomes, out, err, style)
}

fn prober(args: &ProbeArgs) -> Result<Prober, Error> {
    let usage = |e: registry_probe::Error| Error::Usage {
        message: e.to_string(),
    };
    let mut options = Options::default();
    options.overall_timeout = Duration::from_secs(args.timeout);
    options.connect_timeout = Duration::from_secs(args.connect_timeout);
    options.read_timeout = options.read_timeout.min(options.overall_timeout);
    for entry in &args.resolve {
        options
            .resolve
            .push(ResolveOverride::parse(entry).map_err(usage)?);
    }
    options.user_agent = format!("mirror-cli/{} probe", env!("CARGO_PKG_VERSION"));
    Prober::new(options).map_err(usage)
}

fn node_files(args: &ProbeArgs) -> Result<NodeFiles, Error> {
    if let Some(root) = &args.root {
        let root = node_root::Root::open(root).map_err(Error::Node)?;
        return Ok(NodeFiles::Root(root));
    }
    // One budget across the objects and the pull secret (crate::bounds::COMMAND_INPUT_BYTES).
    let mut budget = super::command_budget();
    let inputs = super::read_inputs(&args.files, false, &mut budget)?;
    let options = RenderOptions {
        pull_secret: args
            .pull_secret
            .as_deref()
            .map(|file| super::read_file(file, &mut budget))
            .transpose()?,
        ..Default::default()
    };
    // The same first steps as render: strict reading, and objects none of which shape a node refused.
    let plan = crate::node::plan_from_inputs(
        std::borrow::Cow::Owned(inputs),
        false,
        &options,
        "probe needs -f FILE or --root DIR",
    )?;
    Ok(NodeFiles::Rendered(plan.files))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// `mirror localhost:5000/ocp/release@sha256:…: ok sha256:… (…)`, one per source.
fn source_line(source: &PlannedSource, outcome: &Outcome) -> String {
    let mut words = source.role().to_owned();
    if source.insecure {
        words.push_str(" insecure");
    }
    if let Some(usage) = source.usage {
        words.push(' ');
        words.push_str(usage);
    }
    format!("{words} {}: {outcome}", source.reference)
}

fn write_sources(
    out: &mut dyn Write,
    sources: &[PlannedSource],
    outcomes: &[Outcome],
) -> Result<(), Error> {
    for (source, outcome) in sources.iter().zip(outcomes) {
        writeln!(out, "{}", source_line(source, outcome)).map_err(output_error)?;
    }
    let verdict = match serving(outcomes) {
        Some(i) => format!("pull: from {}", sources[i].reference),
        None => "pull: would fail: no source serves the manifest".to_owned(),
    };
    writeln!(out, "{verdict}").map_err(output_error)
}

fn write_notes(
    err: &mut dyn Write,
    style: &Style,
    sources: &[PlannedSource],
    outcomes: &[Outcome],
) -> Result<(), Error> {
    for source in sources {
        if let AuthUse::Helper(helper) = &source.credentials {
            writeln!(
                err,
                "{} {}: config.json sends this registry to docker-credential-{helper}, which probe does not run: \
                 tried without credentials",
                style.note(),
                source.reference
            )
            .map_err(output_error)?;
        }
    }
    for outcome in outcomes {
        for note in &outcome.notes {
            writeln!(err, "{} {}: {note}", style.note(), outcome.source).map_err(output_error)?;
        }
    }
    Ok(())
}

/// The JSON of one reference's probe: `{reference, config, would_pull, served_by, sources: [...]}`.
fn sources_json(
    reference: &str,
    config: &NodeConfig,
    sources: &[PlannedSource],
    outcomes: &[Outcome],
) -> Value {
    let served_by = serving(outcomes).map(|i| sources[i].reference.clone());
    json!({
        "reference": reference,
        "config": config.files,
        "would_pull": served_by.is_some(),
        "served_by": served_by,
        "sources": sources.iter().zip(outcomes).map(|(s, o)| s.to_json(o)).collect::<Vec<_>>(),
    })
}

#[allow(clippy::too_many_arguments)]
fn release(
    args: &ProbeArgs,
    config: &NodeConfig,
    prober: &Prober,
    sources: &[PlannedSource],
    outcomes: &[Outcome],
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let json = args.output == ProbeOutput::Json;
    let mut document = json!({"release": sources_json(&args.reference, config, sources, outcomes)});
    if !json {
        write_sources(out, sources, outcomes)?;
    }
    write_notes(err, style, sources, outcomes)?;
    let failed = |document: &mut Value, out: &mut dyn Write, why: String| -> Result<Exit, Error> {
        if json {
            document["error"] = json!(why);
            document["would_pull"] = json!(false);
            writeln!(out, "{}", pretty(document)).map_err(output_error)?;
        } else {
            writeln!(out, "release: {why}").map_err(output_error)?;
        }
        Ok(Exit::Failed)
    };
    let Some(index) = serving(outcomes) else {
        return failed(
            &mut document,
            out,
            "no source serves the release image".into(),
        );
    };
    let Plan::Probe(source) = &sources[index].plan else {
        return failed(
            &mut document,
            out,
            "no source serves the release image".into(),
        );
    };
    let search = prober.find_file(source, &FileQuery::new(IMAGE_REFERENCES));
    let found = match search.result {
        Ok(found) => found,
        Err(stop) => {
            return failed(
                &mut document,
                out,
                format!(
                    "{IMAGE_REFERENCES} from {}: {stop}",
                    sources[index].reference
                ),
            );
        }
    };
    let (version, components) = match parse_image_references(&found.bytes) {
        Ok(parsed) => parsed,
        Err(why) => return failed(&mut document, out, why),
    };
    let read: u64 = search.layers.iter().map(|l| l.bytes_read).sum();
    let header = format!(
        "{IMAGE_REFERENCES}: release {version}, {} components (layer {} read, {read} bytes)",
        components.len(),
        found.layer
    );
    if !json {
        writeln!(out, "{header}").map_err(output_error)?;
    }

    // A progress line on a terminal only, redrawn in place by this thread: `err` is the locked stderr, so the
    // workers only count.
    let progress = std::io::stderr().is_terminal();
    let done = AtomicUsize::new(0);
    let total = components.len();
    let reports: Vec<ComponentReport> = std::thread::scope(|scope| {
        let work = scope.spawn(|| {
            registry_probe::for_each_bounded(&components, args.concurrency.into(), |component| {
                let report = probe_component(config, prober, component);
                done.fetch_add(1, Ordering::SeqCst);
                report
            })
        });
        while progress && !work.is_finished() {
            let _ = write!(
                err,
                "\rprobing components: {}/{total}",
                done.load(Ordering::SeqCst)
            );
            let _ = err.flush();
            std::thread::sleep(Duration::from_millis(100));
        }
        if progress {
            let _ = write!(err, "\r\x1b[K");
        }
        work.join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });

    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut errors: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in &reports {
        *counts.entry(r.state.word()).or_default() += 1;
        if let ComponentState::Error { line, .. } = &r.state {
            errors
                .entry(line.clone())
                .or_default()
                .push(&r.component.name);
        }
    }
    let count = |word: &str| counts.get(word).copied().unwrap_or(0);
    let all_pull = reports.iter().all(|r| r.state.pulls());
    let summary = format!(
        "summary: {total} components: {} ok, {} only on the source, {} missing on the mirrors, {} missing on \
         every source, {} errors",
        count("ok"),
        count("only on the source"),
        count("missing on the mirrors"),
        count("missing on every source"),
        count("error")
    );
    if json {
        document["image_references"] = json!({
            "version": version,
            "layer": found.layer.to_string(),
            "bytes_read": read,
            "components": total,
        });
        document["components"] = reports.iter().map(component_json).collect();
        document["errors"] = errors
            .iter()
            .map(|(line, names)| json!({"line": line, "components": names}))
            .collect();
        document["summary"] = json!({
            "components": total,
            "ok": count("ok"),
            "only_on_source": count("only on the source"),
            "missing_on_mirrors": count("missing on the mirrors"),
            "missing": count("missing on every source"),
            "errors": count("error"),
        });
        document["would_pull"] = json!(all_pull);
        writeln!(out, "{}", pretty(&document)).map_err(output_error)?;
    } else {
        let width = reports
            .iter()
            .map(|r| r.component.name.len())
            .max()
            .unwrap_or(0);
        for r in &reports {
            let detail = match &r.state {
                ComponentState::Ok { from } | ComponentState::OnlyOnSource { from } => {
                    format!(" (from {from})")
                }
                ComponentState::Missing => String::new(),
                ComponentState::MissingOnMirrors { source, line } => {
                    format!(" (source {source}: {line})")
                }
                ComponentState::Error { source, line } => format!(": {source}: {line}"),
            };
            writeln!(
                out,
                "{:<23} {:<width$} {}{detail}",
                r.state.word(),
                r.component.name,
                r.component.image
            )
            .map_err(output_error)?;
        }
        for (line, names) in &errors {
            writeln!(
                out,
                "errors ({}): {line}: {}",
                names.len(),
                names.join(", ")
            )
            .map_err(output_error)?;
        }
        writeln!(out, "{summary}").map_err(output_error)?;
    }
    Ok(if all_pull { Exit::Ok } else { Exit::Failed })
}

fn component_json(report: &ComponentReport) -> Value {
    let (state, from) = match &report.state {
        ComponentState::Ok { from } => ("ok", Some(from.as_str())),
        ComponentState::OnlyOnSource { from } => ("only_on_source", Some(from.as_str())),
        ComponentState::Missing => ("missing", None),
        ComponentState::MissingOnMirrors { .. } => ("missing_on_mirrors", None),
        ComponentState::Error { .. } => ("error", None),
    };
    json!({
        "name": report.component.name,
        "image": report.component.image,
        "state": state,
        "from": from,
        "error": match &report.state {
            ComponentState::Error { source, line }
            | ComponentState::MissingOnMirrors { source, line } => json!({"source": source, "line": line}),
            _ => Value::Null,
        },
        "sources": report.tried.iter().map(|(s, o)| s.to_json(o)).collect::<Vec<_>>(),
    })
}
