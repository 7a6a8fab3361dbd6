//! `mirror-cli resolve`: the pull sources containers/image would try for an image reference, in order, with what a
//! person needs to know about each (mirror or source, blocked, insecure, digest-only / tag-only, and on a node root
//! the credentials entry and the certs.d folder it would use).
//!
//! The configuration is read and indexed once ([`Explainer`]); `--batch` then answers one reference per line, so
//! the cost per reference does not grow with the number of `[[registry]]` entries.

use std::io::{BufRead, BufWriter, Write};

use node_root::{Budget, Lines};
use serde_json::json;

use serde_json::Value;

use super::{Exit, Style, report};
use crate::Error;
use crate::explain::{AuthUse, ConfigSource, Explained, Explainer};

/// What `resolve` was asked.
#[derive(Debug, Clone)]
pub struct ResolveRequest {
    /// The configuration.
    pub config: ConfigSource,
    /// The reference (ignored with `batch`).
    pub reference: Option<String>,
    /// Read references from the input, one per line, and answer one line each.
    pub batch: bool,
    /// Print JSON (one object; with `batch`, one object per line).
    pub json: bool,
}

/// Runs `resolve`, reading batch references from standard input.
pub fn run(
    request: &ResolveRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    run_with_input(request, &mut input, out, err, style)
}

/// Runs `resolve` with `input` as the batch references.
pub fn run_with_input(
    request: &ResolveRequest,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    // One budget for the configuration files and every batch line.
    let mut budget = crate::input::command_budget();
    let explainer = Explainer::load(&request.config, &mut budget)?;
    report(err, style, &explainer.warnings, &[]).map_err(super::output_error)?;
    if request.batch {
        if request.reference.is_some() {
            return Err(Error::Usage {
                message: "--batch reads the references from standard input: give no REF".into(),
            });
        }
        let mut out = BufWriter::with_capacity(64 * 1024, out);
        let exit = run_batch(&explainer, input, &mut out, request.json, &mut budget)?;
        out.flush().map_err(super::output_error)?;
        return Ok(exit);
    }
    let Some(reference) = request.reference.as_deref() else {
        return Err(Error::Usage {
            message: "give a reference (or --batch to read them from standard input)".into(),
        });
    };
    let explained = explainer
        .explain(reference)
        .map_err(Error::RegistriesConf)?;
    if request.json {
        let document = json!({
            "reference": reference,
            "config": explainer.files,
            "blocked": explained.iter().any(|e| e.source.blocked.is_some()),
            "sources": explained.iter().map(Explained::to_json).collect::<Vec<_>>(),
        });
        super::print_json(out, &document)?;
    } else {
        for e in &explained {
            writeln!(out, "{}", e.line()).map_err(super::output_error)?;
        }
    }
    for (location, usage) in explainer.skipped_mirrors(reference) {
        let why = if usage == "digest-only" {
            "the reference has no digest"
        } else {
            "the reference has a digest"
        };
        writeln!(
            err,
            "{} mirror {location} not tried: it is {usage} and {why}",
            style.note()
        )
        .map_err(super::output_error)?;
    }
    let mut exit = Exit::Ok;
    for e in &explained {
        if let Some(blocked) = &e.source.blocked {
            exit = Exit::Failed;
            // A blocked primary ends the pull; a blocked mirror is skipped and the next source tried.
            let label = if e.source.is_mirror {
                style.warning()
            } else {
                style.error()
            };
            writeln!(err, "{label} {}: {}", e.source.reference, blocked.message)
                .map_err(super::output_error)?;
        }
        if let Some(AuthUse::Invalid(reason)) = &e.auth {
            writeln!(
                err,
                "{} {}: credentials: {reason}",
                style.warning(),
                e.source.reference
            )
            .map_err(super::output_error)?;
        }
    }
    Ok(exit)
}

/// One line per reference: `REF<TAB>SOURCE SOURCE ...` (a blocked source ends in `[blocked]`), or
/// `REF<TAB>error: <reason>`. Blank lines and lines starting with `#` are skipped. Exit 1 when any reference had an
/// error or a blocked source. Each line is at most [`crate::bounds::BATCH_LINE_BYTES`], all of them charged to
/// `budget`: a stream without newlines (`/dev/zero`) stops there.
pub fn run_batch(
    explainer: &Explainer,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    json: bool,
    budget: &mut Budget,
) -> Result<Exit, Error> {
    let mut exit = Exit::Ok;
    let max_line = usize::try_from(crate::bounds::BATCH_LINE_BYTES).unwrap_or(usize::MAX);
    let mut lines = Lines::new(input, "<stdin>", max_line, budget);
    while let Some(line) = lines.next_line()? {
        let reference = line.trim();
        if reference.is_empty() || reference.starts_with('#') {
            continue;
        }
        let result = if json {
            explainer.explain(reference).map(|explained| {
                let blocked = explained.iter().any(|e| e.source.blocked.is_some());
                let sources: Vec<Value> = explained.iter().map(Explained::to_json).collect();
                (
                    blocked,
                    json!({"reference": reference, "sources": sources}).to_string(),
                )
            })
        } else {
            explainer.pull_sources(reference).map(|sources| {
                let mut text = String::with_capacity(64 * sources.len());
                let mut blocked = false;
                for (i, source) in sources.iter().enumerate() {
                    if i > 0 {
                        text.push(' ');
                    }
                    text.push_str(&source.reference);
                    if source.blocked.is_some() {
                        blocked = true;
                        text.push_str("[blocked]");
                    }
                }
                (blocked, text)
            })
        };
        let written = match result {
            Ok((blocked, text)) => {
                if blocked {
                    exit = Exit::Failed;
                }
                if json {
                    writeln!(out, "{text}")
                } else {
                    writeln!(out, "{reference}\t{text}")
                }
            }
            Err(e) => {
                exit = Exit::Failed;
                let reason = e.to_string().replace('\n', "\\n");
                if json {
                    writeln!(out, "{}", json!({"reference": reference, "error": reason}))
                } else {
                    writeln!(out, "{reference}\terror: {reason}")
                }
            }
        };
        written.map_err(super::output_error)?;
    }
    Ok(exit)
}
