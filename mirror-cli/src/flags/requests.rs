//! What the commands take: the parsed arguments turned into typed requests (ripgrep's `hiargs`). Files named on the
//! command line are read here (so a request holds bytes, not paths to open), the password comes from stdin, and
//! flag values become the library's types. Nothing is written and no command runs until [`Request::run`].

use std::io::Write;
use std::path::{Path, PathBuf};

use mirror_cli::Error;
use mirror_cli::commands::diff::DiffRequest;
use mirror_cli::commands::icsp_cmd::{self, IcspRequest, Suffix};
use mirror_cli::commands::ignition::IgnitionRequest;
use mirror_cli::commands::manifests::{ManifestsRequest, Rules};
use mirror_cli::commands::pull_secret::{self, OutputOptions, PullSecretRequest};
use mirror_cli::commands::render::RenderRequest;
use mirror_cli::commands::resolve::ResolveRequest;
use mirror_cli::commands::trust::{self, TrustRequest};
use mirror_cli::commands::verify::VerifyRequest;
use mirror_cli::commands::{self, Exit, Format, ObjectFormat, Style};
use mirror_cli::explain::ConfigSource;
use mirror_cli::node::{RenderOptions, Target};
use registries_conf::Layout;
use trust_bundle::{OutOfValidity, UnixTime};

use super::args::{
    CaArgs, Cli, Command, IcspCommand, LayoutArg, ObjectOutputArg, ObjectsArgs, OutputArg,
    PullSecretCommand, ReadArgs, RenderFlags, TargetArg, TrustCommand, ValidateArg,
};

/// One command's request, ready to run.
#[derive(Debug)]
pub enum Request {
    Render(RenderRequest),
    Ignition(IgnitionRequest),
    Diff(DiffRequest),
    Manifests(ManifestsRequest),
    Resolve(ResolveRequest),
    /// `probe` reads its files itself (the node root through node-root).
    Probe(commands::probe::ProbeArgs),
    Verify(VerifyRequest),
    /// `verify` with several `--root`.
    PullSecret(PullSecretRequest),
    Trust(TrustRequest),
    Icsp(IcspRequest),
    /// `completion SHELL`.
    Completion(clap_complete::Shell),
    /// `man [--dir DIR]`.
    Man(Option<std::path::PathBuf>),
}

impl Request {
    /// Reads what the arguments name and builds the request.
    pub fn from_args(cli: Cli) -> Result<Request, Error> {
        // One budget across every file and stream this command reads.
        let reading = &mut commands::Reading::new(cli.max_input_bytes);
        Ok(match cli.command {
            Command::Render(args) => Request::Render(RenderRequest {
                inputs: reading.inputs(&args.objects.files, args.objects.read.recursive)?,
                example: args.objects.example,
                root: args.root,
                show: args.show,
                lock_timeout: Some(std::time::Duration::from_secs(args.lock_timeout)),
                format: args.output.into(),
                options: RenderOptions {
                    target: args.target.into(),
                    ..render_options(args.render, &args.objects, reading)?
                },
            }),
            Command::Ignition(args) => Request::Ignition(IgnitionRequest {
                inputs: reading.inputs(&args.objects.files, args.objects.read.recursive)?,
                example: args.objects.example,
                spec_version: args.spec_version,
                output: stdout_if_dash(args.output),
                options: render_options(args.render, &args.objects, reading)?,
            }),
            Command::Diff(args) => Request::Diff(DiffRequest {
                from: reading.inputs(&args.from, args.read.recursive)?,
                to: reading.inputs(&args.to, args.read.recursive)?,
                options: node_options(
                    args.layout,
                    args.release_image,
                    None,
                    &args.ca,
                    &args.read,
                    reading,
                )?,
                format: args.output.into(),
            }),
            Command::Manifests(args) => {
                let _ = args.password_stdin;
                let rules = match &args.mapping {
                    Some(file) => Rules::Mapping(reading.file(file)?),
                    None => Rules::Maps(args.maps),
                };
                Request::Manifests(ManifestsRequest {
                    registry: args.registry,
                    ca: reading.file(&args.ca)?,
                    pull_secret: reading.file(&args.pull_secret)?,
                    username: args.username,
                    password: mirror_cli::pull_secret::read_password(&mut std::io::stdin().lock())?,
                    rules,
                    tags: args.tags,
                    output: stdout_if_dash(args.output_file),
                    now: UnixTime::now(),
                    out_of_validity: args.ca_validity.out_of_validity(),
                    format: args.output.into(),
                })
            }
            Command::Resolve(args) => {
                let config = match (args.registries_conf, args.root) {
                    (Some(file), _) => ConfigSource::File(file),
                    (None, Some(root)) => ConfigSource::Root(root),
                    (None, None) => unreachable!("clap requires --registries-conf or --root"),
                };
                Request::Resolve(ResolveRequest {
                    config,
                    reference: args.reference,
                    batch: args.batch,
                    json: args.output == OutputArg::Json,
                })
            }
            Command::Verify(args) => Request::Verify(VerifyRequest {
                roots: args.roots,
                inputs: reading.inputs(&args.objects.files, args.objects.read.recursive)?,
                example: args.objects.example,
                options: RenderOptions {
                    target: args.target.into(),
                    ..node_options(
                        args.layout,
                        args.payload.release_image,
                        args.payload.pull_secret.as_deref(),
                        &args.objects.ca,
                        &args.objects.read,
                        reading,
                    )?
                },
                json: args.output == OutputArg::Json,
                // The node's files share what the inputs left of the command's budget.
                budget: Some(reading.budget.clone()),
            }),
            Command::Probe(args) => Request::Probe(args),
            Command::PullSecret(args) => {
                Request::PullSecret(pull_secret_request(args.command, reading)?)
            }
            Command::Trust(args) => Request::Trust(trust_request(args.command)),
            Command::Icsp(args) => Request::Icsp(icsp_request(args.command, reading)?),
            Command::Completion(args) => Request::Completion(args.shell),
            // `--dir -`: standard output, as wherever a place to write is expected.
            Command::Man(args) => Request::Man(stdout_if_dash(args.dir)),
        })
    }

    /// Runs the command, writing to `out` and `err`.
    pub fn run(
        self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        style: &Style,
    ) -> Result<Exit, Error> {
        match self {
            Request::Render(request) => commands::render::run_owned(request, out, err, style),
            Request::Ignition(request) => commands::ignition::run(&request, out, err, style),
            Request::Diff(request) => commands::diff::run(&request, out, err, style),
            Request::Manifests(request) => commands::manifests::run(&request, out, err, style),
            Request::Resolve(request) => commands::resolve::run(&request, out, err, style),
            Request::Verify(request) => commands::verify::run(&request, out, err, style),
            Request::Probe(args) => commands::probe::run(&args, out, err, style),
            Request::PullSecret(request) => pull_secret::run(&request, out, err, style),
            Request::Trust(request) => trust::run(&request, out, err, style),
            Request::Icsp(request) => icsp_cmd::run(&request, out, err, style),
            Request::Completion(shell) => super::docs::completion(shell, out),
            Request::Man(dir) => super::docs::man(dir.as_deref(), out),
        }
    }
}

/// A place to write (`--output-file FILE`, `--dest-dir DIR`, `man --dir DIR`), where `-` is standard output:
/// `None`, as without the option.
fn stdout_if_dash(path: Option<PathBuf>) -> Option<PathBuf> {
    path.filter(|p| p.as_os_str() != "-")
}

/// A flag's value enum into the library's enum of the same choices, variant by variant.
macro_rules! arg_into {
    ($arg:ident => $target:ty: $($variant:ident => $value:ident),+) => {
        impl From<$arg> for $target {
            fn from(arg: $arg) -> Self {
                match arg {
                    $($arg::$variant => Self::$value,)+
                }
            }
        }
    };
}

arg_into!(OutputArg => Format: Text => Text, Json => Json);

arg_into!(ObjectOutputArg => ObjectFormat: Yaml => Yaml, Json => Json);

arg_into!(ValidateArg => icsp::Strictness: Strict => Strict, Warn => Warn, Ignore => Ignore);

impl CaArgs {
    /// What the flag says of certificates outside their validity.
    fn out_of_validity(&self) -> OutOfValidity {
        if self.allow_expired_ca {
            OutOfValidity::Allow
        } else {
            OutOfValidity::Refuse
        }
    }
}

arg_into!(TargetArg => Target: Openshift => OpenShift, Microshift => MicroShift);

arg_into!(LayoutArg => Layout: Current => Current, Legacy => Legacy);

/// Render options from `render`'s and `ignition`'s flags.
fn render_options(
    flags: RenderFlags,
    objects: &ObjectsArgs,
    reading: &mut commands::Reading,
) -> Result<RenderOptions, Error> {
    node_options(
        flags.layout,
        flags.payload.release_image,
        flags.payload.pull_secret.as_deref(),
        &objects.ca,
        &objects.read,
        reading,
    )
}

/// Render options from the flags the node-file commands share.
fn node_options(
    layout: LayoutArg,
    release_image: Option<String>,
    pull_secret: Option<&Path>,
    ca: &CaArgs,
    read: &ReadArgs,
    reading: &mut commands::Reading,
) -> Result<RenderOptions, Error> {
    Ok(RenderOptions {
        strictness: read.validate.into(),
        layout: layout.into(),
        release_image,
        pull_secret: pull_secret.map(|f| reading.file(f)).transpose()?,
        ca_out_of_validity: ca.out_of_validity(),
        limits: reading.object_limits(),
        ..Default::default()
    })
}

fn pull_secret_request(
    command: PullSecretCommand,
    reading: &mut commands::Reading,
) -> Result<PullSecretRequest, Error> {
    Ok(match command {
        PullSecretCommand::Merge {
            files,
            compact,
            output,
        } => PullSecretRequest::Merge(pull_secret::MergeRequest {
            inputs: files
                .iter()
                .map(|f| reading.one(f))
                .collect::<Result<_, _>>()?,
            output: OutputOptions {
                compact,
                output: stdout_if_dash(output),
            },
        }),
        PullSecretCommand::Add {
            file,
            registry,
            username,
            password_stdin: _,
            compact,
            output,
        } => {
            if file == "-" {
                return Err(Error::Usage {
                    message: "pull-secret add: stdin carries the password; give FILE as a path"
                        .into(),
                });
            }
            let input = reading.one(&file)?;
            let password = mirror_cli::pull_secret::read_password(&mut std::io::stdin().lock())?;
            PullSecretRequest::Add(pull_secret::AddRequest {
                input,
                registry,
                username,
                password,
                output: OutputOptions {
                    compact,
                    output: stdout_if_dash(output),
                },
            })
        }
        PullSecretCommand::Remove {
            file,
            registry,
            ignore_not_found,
            compact,
            output,
        } => PullSecretRequest::Remove(pull_secret::RemoveRequest {
            input: reading.one(&file)?,
            registry,
            ignore_not_found,
            output: OutputOptions {
                compact,
                output: stdout_if_dash(output),
            },
        }),
        PullSecretCommand::Get {
            file,
            reference,
            output,
        } => PullSecretRequest::Get(pull_secret::GetRequest {
            input: reading.one(&file)?,
            reference,
            format: output.into(),
        }),
    })
}

fn trust_request(command: TrustCommand) -> TrustRequest {
    let now = UnixTime::now();
    match command {
        TrustCommand::Configmap {
            name,
            namespace,
            pairs,
            output_file: file,
            output,
            ca,
        } => TrustRequest::ConfigMap(trust::ConfigMapRequest {
            name,
            namespace,
            pairs,
            output: stdout_if_dash(file),
            now,
            out_of_validity: ca.out_of_validity(),
            format: output.into(),
        }),
        TrustCommand::Check { files, output } => TrustRequest::Check(trust::CheckRequest {
            files,
            now,
            format: output.into(),
        }),
        TrustCommand::Folder { key } => TrustRequest::Folder { key },
        TrustCommand::Key { host } => TrustRequest::Key { host },
    }
}

fn icsp_request(
    command: IcspCommand,
    reading: &mut commands::Reading,
) -> Result<IcspRequest, Error> {
    Ok(match command {
        IcspCommand::Migrate {
            files,
            dest_dir,
            random_suffix,
            output,
            validate,
        } => IcspRequest::Migrate(icsp_cmd::MigrateRequest {
            format: output.into(),
            strictness: validate.into(),
            limits: reading.object_limits(),
            inputs: reading.inputs(&files, false)?,
            // `--dest-dir -`: the YAML on standard output, as without the option.
            dest_dir: stdout_if_dash(dest_dir),
            suffix: if random_suffix {
                Suffix::Random
            } else {
                Suffix::Deterministic
            },
        }),
        IcspCommand::Validate {
            files,
            read,
            output,
        } => IcspRequest::Validate(icsp_cmd::ValidateRequest {
            strictness: read.validate.into(),
            inputs: reading.inputs(&files, read.recursive)?,
            limits: reading.object_limits(),
            now: None,
            format: output.into(),
        }),
    })
}
