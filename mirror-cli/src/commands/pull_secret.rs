//! `mirror-cli pull-secret`: merge, add, remove and explain the credentials a node pulls with.
//!
//! A FILE is either a bare docker config JSON (`config.json`, `auth.json`, a `.dockerconfigjson`, or a legacy
//! `.dockercfg`) or a Secret manifest (YAML or JSON) of type `kubernetes.io/dockerconfigjson`; every message says
//! which. `add` and `remove` give back the same shape they read (a Secret manifest stays a Secret manifest, as
//! YAML); `merge` gives the merged docker config JSON. Passwords come from standard input only, and only the
//! requested output (the merged or edited file) ever holds an `auth`: messages show `user:***` at most.

use std::io::Write;
use std::path::PathBuf;

use dockerconfig::{ChangeKind, DockerConfig, MatchKind, Outcome, Secret, SetOutcome};
use icsp::{Object, YamlStyle};

use super::{Exit, Format, Style, report, write_output_file};
use crate::Error;
use crate::cluster::{Input, store_dockerconfigjson};
use crate::pull_secret::{
    PullSecretFile, Shape, check_registry, config_error, read_pull_secret, set_credentials,
};
use crate::writer::WriteOutcome;

/// What a `pull-secret` command was asked.
#[derive(Debug)]
pub enum PullSecretRequest {
    /// `pull-secret merge FILE FILE ...`
    Merge(MergeRequest),
    /// `pull-secret add FILE --registry R --username U --password-stdin`
    Add(AddRequest),
    /// `pull-secret remove FILE --registry R`
    Remove(RemoveRequest),
    /// `pull-secret get FILE REF`
    Get(GetRequest),
}

/// How to write the docker config JSON of a bare file.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// The kubelet form (Go `json.Compact` plus a newline) instead of the indented one.
    pub compact: bool,
    /// Write to this file (atomically, mode 0600) instead of standard output.
    pub output: Option<PathBuf>,
}

/// `pull-secret merge`.
#[derive(Debug)]
pub struct MergeRequest {
    /// The files, earliest first (later wins per registry).
    pub inputs: Vec<Input>,
    /// Where and how to write the result.
    pub output: OutputOptions,
}

/// `pull-secret add`.
#[derive(Debug)]
pub struct AddRequest {
    /// The file to add to.
    pub input: Input,
    /// `host[:port]`, optionally with a namespace path (`host:port/ns`), as containers-auth.json(5) keys are.
    pub registry: String,
    /// The user name.
    pub username: String,
    /// The password (read from standard input).
    pub password: Secret,
    /// Where and how to write the result.
    pub output: OutputOptions,
}

/// `pull-secret remove`.
#[derive(Debug)]
pub struct RemoveRequest {
    /// The file to remove from.
    pub input: Input,
    /// The registry whose entries (every spelling) go.
    pub registry: String,
    /// Succeed, writing the file unchanged, when there is no such entry.
    pub ignore_not_found: bool,
    /// Where and how to write the result.
    pub output: OutputOptions,
}

/// `pull-secret get`.
#[derive(Debug)]
pub struct GetRequest {
    /// The file to look in.
    pub input: Input,
    /// The image reference (docker normalisation: `busybox` is `docker.io/library/busybox`).
    pub reference: String,
    /// Lines, or the answer as one JSON document.
    pub format: Format,
}

/// The bytes to output for a file of `shape` holding `config`.
fn output_bytes(config: &DockerConfig, shape: &Shape, compact: bool) -> Vec<u8> {
    match shape {
        Shape::Bare => {
            if compact {
                crate::node::kubelet_config_json(config)
            } else {
                config.to_pretty().to_vec()
            }
        }
        Shape::Secret(secret) => {
            let mut secret = (**secret).clone();
            store_dockerconfigjson(&mut secret, config);
            let mut yaml = icsp::to_yaml(&Object::Secret(secret), YamlStyle::SigsYaml)
                .unwrap_or_default()
                .into_bytes();
            if !yaml.ends_with(b"\n") {
                yaml.push(b'\n');
            }
            yaml
        }
    }
}

/// Writes the result to `--output-file FILE` (mode 0600) or standard output, and says so on `err`.
fn emit(
    bytes: &[u8],
    options: &OutputOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<(), Error> {
    match &options.output {
        Some(path) => {
            let outcome = write_output_file(path, bytes, crate::node::paths::CREDENTIALS_MODE)?;
            let what = match outcome {
                WriteOutcome::Created => "created",
                WriteOutcome::Replaced => "replaced",
                WriteOutcome::Unchanged => "unchanged",
            };
            writeln!(
                err,
                "{} {what} {} (0600, {} bytes)",
                style.note(),
                path.display(),
                bytes.len()
            )
            .map_err(super::output_error)
        }
        None => out.write_all(bytes).map_err(super::output_error),
    }
}

/// What containers/image would complain about in `config`, as warnings (never a secret).
fn problems(config: &DockerConfig) -> Vec<String> {
    let mut warnings = Vec::new();
    for problem in config.problems() {
        match problem {
            dockerconfig::Problem::Error(e) => {
                warnings.push(format!("{e} (a pull through this entry fails)"))
            }
            dockerconfig::Problem::Warning(w) => warnings.push(w.to_string()),
            _ => {}
        }
    }
    warnings
}

/// Runs a `pull-secret` command.
pub fn run(
    request: &PullSecretRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    match request {
        PullSecretRequest::Merge(r) => merge(r, out, err, style),
        PullSecretRequest::Add(r) => {
            let file = add(r, read_for_edit(&r.registry, &r.input)?, err, style)?;
            write_result(&file.config, &file.shape, &r.output, out, err, style)
        }
        PullSecretRequest::Remove(r) => {
            let file = remove(r, read_for_edit(&r.registry, &r.input)?, err, style)?;
            write_result(&file.config, &file.shape, &r.output, out, err, style)
        }
        PullSecretRequest::Get(r) => get(r, out, err, style),
    }
}

fn merge(
    request: &MergeRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    if request.inputs.len() < 2 {
        return Err(Error::Usage {
            message: format!(
                "pull-secret merge needs at least two files (got {})",
                request.inputs.len()
            ),
        });
    }
    let files = request
        .inputs
        .iter()
        .map(read_pull_secret)
        .collect::<Result<Vec<_>, _>>()?;
    let configs: Vec<DockerConfig> = files.iter().map(|f| f.config.clone()).collect();
    let (merged, merge_report) = DockerConfig::merged(&configs);
    writeln!(
        err,
        "base: {}, {} entries",
        files[0].describe(),
        files[0].config.len()
    )
    .map_err(super::output_error)?;
    for change in &merge_report.changes {
        let kind = match change.kind {
            ChangeKind::Added => "added",
            ChangeKind::Replaced => "replaced",
            ChangeKind::Unchanged => "unchanged",
            _ => "changed",
        };
        let what = if change.top_level {
            "top-level field "
        } else {
            ""
        };
        let spelled = if change.incoming_key != change.key {
            format!(" (spelled {:?} there)", change.incoming_key)
        } else {
            String::new()
        };
        writeln!(
            err,
            "{kind:<9} {what}{:?} from {}{spelled}",
            change.key, change.from
        )
        .map_err(super::output_error)?;
    }
    let mut warnings = problems(&merged);
    warnings.extend(merge_report.warnings.iter().map(ToString::to_string));
    report(err, style, &warnings, &[]).map_err(super::output_error)?;
    write_result(&merged, &Shape::Bare, &request.output, out, err, style)
}

/// The file `add` or `remove` edits, once its `--registry` is known to be usable.
fn read_for_edit(registry: &str, input: &Input) -> Result<PullSecretFile, Error> {
    check_registry(registry)?;
    read_pull_secret(input)
}

/// Writes the edited or merged credentials as `output` asks, in the shape they were read.
fn write_result(
    config: &DockerConfig,
    shape: &Shape,
    output: &OutputOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let bytes = output_bytes(config, shape, output.compact);
    emit(&bytes, output, out, err, style)?;
    Ok(Exit::Ok)
}

/// Sets `--registry`'s credentials in `file`, saying so on `err`.
fn add(
    request: &AddRequest,
    mut file: PullSecretFile,
    err: &mut dyn Write,
    style: &Style,
) -> Result<PullSecretFile, Error> {
    let outcome = set_credentials(
        &mut file.config,
        &request.registry,
        &request.username,
        &request.password,
    )?;
    let said = match &outcome {
        SetOutcome::Added { key } => format!("added {key:?} ({}:***)", request.username),
        SetOutcome::Replaced { key, also_removed } if also_removed.is_empty() => {
            format!("replaced {key:?} ({}:***)", request.username)
        }
        SetOutcome::Replaced { key, also_removed } => format!(
            "replaced {key:?} ({}:***); also removed other spellings {also_removed:?}",
            request.username
        ),
        SetOutcome::Unchanged { key } => {
            format!("unchanged {key:?}: it already held these credentials")
        }
        _ => "changed".to_owned(),
    };
    writeln!(err, "{said} in {}", file.label).map_err(super::output_error)?;
    let warnings = problems(&file.config);
    report(err, style, &warnings, &[]).map_err(super::output_error)?;
    Ok(file)
}

/// Removes `--registry`'s entries from `file`, saying so on `err` (none is an error unless `--ignore-not-found`).
fn remove(
    request: &RemoveRequest,
    mut file: PullSecretFile,
    err: &mut dyn Write,
    style: &Style,
) -> Result<PullSecretFile, Error> {
    let removed = file.config.remove(&request.registry);
    if removed.is_empty() {
        let message = format!(
            "{}: no entry for {:?} (nothing to remove)",
            file.label, request.registry
        );
        if !request.ignore_not_found {
            return Err(Error::Usage {
                message: format!("{message}; pass --ignore-not-found to accept that"),
            });
        }
        report(err, style, &[] as &[String], &[message]).map_err(super::output_error)?;
    } else {
        writeln!(err, "removed {removed:?} from {}", file.label).map_err(super::output_error)?;
    }
    Ok(file)
}

fn get(
    request: &GetRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let file = read_pull_secret(&request.input)?;
    let lookup = file
        .config
        .lookup(&request.reference)
        .map_err(|e| config_error(&file.label, e))?;
    let mut lines = vec![
        format!("file:    {}", file.label),
        format!("image:   {}", lookup.name),
    ];
    let mut notes = Vec::new();
    // What is sent, for JSON: never more than the user name.
    let sends: serde_json::Value;
    let exit = match &lookup.outcome {
        Outcome::CredentialHelper(helper) => {
            lines.push(format!(
                "helper:  credHelpers sends {} to docker-credential-{helper}",
                lookup.registry
            ));
            notes.push(
                "containers/image runs the helper and does not read \"auths\" for this registry"
                    .to_owned(),
            );
            sends = serde_json::json!({"kind": "credential-helper", "helper": helper});
            Exit::Ok
        }
        outcome => {
            lines.push(format!("tried:   {}", lookup.tried.join(", ")));
            match &lookup.matched {
                None => lines.push("matched: nothing".to_owned()),
                Some((key, MatchKind::Exact)) => {
                    lines.push(format!("matched: {key:?} (exact key)"))
                }
                Some((key, how @ MatchKind::Normalized { normalized, .. })) => {
                    lines.push(format!("matched: {key:?} (normalised to {normalized})"));
                    if !how.others().is_empty() {
                        notes.push(format!(
                            "also {:?} normalise to {normalized}: containers/image picks one of them at random",
                            how.others()
                        ));
                    }
                }
                Some((key, _)) => lines.push(format!("matched: {key:?}")),
            }
            let (line, kind, exit) = match outcome {
                Outcome::Credentials(c) => (format!("sends:   {c}"), "credentials", Exit::Ok),
                Outcome::EmptyEntry => (
                    "sends:   nothing (the entry has no auth; less specific keys are not tried)"
                        .to_owned(),
                    "empty-entry",
                    Exit::Failed,
                ),
                Outcome::MissingColon => (
                    "sends:   nothing (auth has no ':'; containers/image warns)".to_owned(),
                    "auth-without-colon",
                    Exit::Failed,
                ),
                _ => (
                    "sends:   nothing (an anonymous pull)".to_owned(),
                    "anonymous",
                    Exit::Failed,
                ),
            };
            lines.push(line);
            sends = match outcome {
                Outcome::Credentials(c) => serde_json::json!({
                    "kind": kind,
                    "username": c.username(),
                    "identity_token": c.identity_token().is_some(),
                }),
                _ => serde_json::json!({"kind": kind}),
            };
            exit
        }
    };
    if request.format == Format::Json {
        let matched = lookup.matched.as_ref().map(|(key, how)| match how {
            MatchKind::Normalized { normalized, .. } => serde_json::json!({
                "key": key,
                "how": "normalized",
                "normalized": normalized,
                "others": how.others(),
            }),
            MatchKind::Exact => serde_json::json!({"key": key, "how": "exact"}),
            _ => serde_json::json!({"key": key, "how": "other"}),
        });
        let document = serde_json::json!({
            "file": file.label,
            "image": lookup.name,
            "registry": lookup.registry,
            "tried": lookup.tried,
            "matched": matched,
            "sends": sends,
            "notes": notes,
        });
        super::print_json(out, &document)?;
    } else {
        for line in &lines {
            writeln!(out, "{line}").map_err(super::output_error)?;
        }
    }
    report(err, style, &[] as &[String], &notes).map_err(super::output_error)?;
    Ok(exit)
}
