//! `mirror-cli`: argument parsing only; the work is in the library half.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mirror_cli::commands::{self, Exit, Style};

#[derive(Parser)]
#[command(
    name = "mirror-cli",
    version,
    about = "Configure and check container nodes that pull from a mirror registry, as OpenShift does",
    after_help = "Exit codes: 0 success, 1 a check failed or a node drifted, 2 bad input (nothing was changed).\n\
                  Run `mirror-cli render --example --root ./node` to see it work on the built-in example."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a node's files from cluster objects, byte for byte as OpenShift would
    #[command(after_help = "Examples:\n  \
        mirror-cli render --example --root ./node\n  \
        oc get imagedigestmirrorset,imagetagmirrorset,imagecontentsourcepolicy,image.config/cluster,clusterversion/version -o yaml \\\n    \
        | mirror-cli render -f - --root ./node\n  \
        mirror-cli render -f idms.yaml -f image.yaml --pull-secret pull-secret.json --root /mnt/node-root\n  \
        mirror-cli render -f manifests/ --show\n\n\
        Writes etc/containers/registries.conf, etc/containers/registries.conf.d/01-image-searchRegistries.conf,\n\
        etc/containers/policy.json, var/lib/kubelet/config.json (0600) and etc/docker/certs.d/<host:port>/ca.crt\n\
        under the root: all or nothing, each file atomically.")]
    Render(RenderArgs),
}

#[derive(Args)]
struct RenderArgs {
    /// A YAML or JSON stream of cluster objects (a file, a folder, or - for stdin); repeatable
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    files: Vec<String>,
    /// Also read the built-in example (the procedure's own mirror scenario)
    #[arg(long)]
    example: bool,
    /// Write the files under this folder (without it, list what would be written)
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// registries.conf layout: today's, or the original procedure's (ICSP era)
    #[arg(long, value_enum, default_value_t = LayoutArg::Current)]
    layout: LayoutArg,
    /// A bare .dockerconfigjson to use as the pull secret (replaces the Secret)
    #[arg(long, value_name = "FILE")]
    pull_secret: Option<PathBuf>,
    /// The release payload, when no ClusterVersion is given (matters to blocked registries)
    #[arg(long, value_name = "REF")]
    release_image: Option<String>,
    /// Print each file's content (credentials are never shown)
    #[arg(long)]
    show: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    /// Per-mirror pull-from-mirror, short-name-mode header (OpenShift today)
    Current,
    /// mirror-by-digest-only on the registry, no header lines (the original procedure's node output)
    Legacy,
}

fn run(cli: Cli, style: &Style) -> Result<Exit, mirror_cli::Error> {
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    match cli.command {
        Command::Render(args) => {
            let request = commands::render::RenderRequest {
                inputs: commands::read_inputs(&args.files)?,
                example: args.example,
                root: args.root,
                show: args.show,
                options: mirror_cli::node::RenderOptions {
                    layout: match args.layout {
                        LayoutArg::Current => registries_conf::Layout::Current,
                        LayoutArg::Legacy => registries_conf::Layout::Legacy,
                    },
                    release_image: args.release_image,
                    pull_secret: args
                        .pull_secret
                        .as_deref()
                        .map(commands::read_file)
                        .transpose()?,
                    ..Default::default()
                },
            };
            commands::render::run(&request, &mut out, &mut err, style)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = Style::detect();
    match run(cli, &style) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{} {e}", style.error());
            ExitCode::from(Exit::BadInput as u8)
        }
    }
}
