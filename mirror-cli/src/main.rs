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
    /// List the pull sources containers/image would try for an image, in order, and why
    #[command(after_help = "Examples:\n  \
        mirror-cli resolve quay.io/openshift-release-dev/ocp-release@sha256:<digest> --root /host\n  \
        mirror-cli resolve busybox --registries-conf ./registries.conf --output json\n  \
        cut -f1 images.txt | mirror-cli resolve --batch --root ./node > sources.tsv\n\n\
        One line per pull source, mirrors first, the source last: the reference, then `mirror` or `source`,\n\
        `blocked`, `insecure`, `digest-only`/`tag-only`, and with --root the credentials entry of\n\
        var/lib/kubelet/config.json (key and user name only) and the certs.d folder it would use.\n\
        --batch: one reference per stdin line; prints REF<TAB>SOURCE SOURCE... (a blocked one ends in [blocked])\n\
        or REF<TAB>error: <reason>.\n\n\
        Exit codes: 0 resolved, 1 a source is blocked (or, with --batch, any line failed),\n\
        2 a bad reference or configuration (the reason on stderr).")]
    Resolve(ResolveArgs),
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

#[derive(Args)]
#[command(group = clap::ArgGroup::new("config").required(true).args(["registries_conf", "root"]))]
struct ResolveArgs {
    /// The image reference (as typed: short names are normalised); omit with --batch
    #[arg(value_name = "REF", required_unless_present = "batch")]
    reference: Option<String>,
    /// One registries.conf file (no drop-ins)
    #[arg(long, value_name = "FILE")]
    registries_conf: Option<PathBuf>,
    /// A node's root: etc/containers/registries.conf + registries.conf.d/*.conf, var/lib/kubelet/config.json, certs.d
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Read references from stdin, one per line; write REF<TAB>SOURCES per line
    #[arg(long, conflicts_with = "reference")]
    batch: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputArg::Text)]
    output: OutputArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputArg {
    /// Lines for people
    Text,
    /// JSON for scripts
    Json,
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
        Command::Resolve(args) => {
            let config = match (args.registries_conf, args.root) {
                (Some(file), _) => commands::resolve::ConfigSource::File(file),
                (None, Some(root)) => commands::resolve::ConfigSource::Root(root),
                (None, None) => unreachable!("clap requires --registries-conf or --root"),
            };
            let request = commands::resolve::ResolveRequest {
                config,
                reference: args.reference,
                batch: args.batch,
                json: args.output == OutputArg::Json,
            };
            commands::resolve::run(&request, &mut out, &mut err, style)
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
