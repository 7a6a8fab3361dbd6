//! What the user typed: the clap definitions of every subcommand and flag (ripgrep's `lowargs`). Nothing here reads a
//! file or checks a value beyond what clap checks; [`super::requests`] turns these into the commands' requests.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mirror_cli::commands;

#[derive(Parser)]
#[command(
    name = "mirror-cli",
    version,
    // The help text is laid out by hand; never re-wrap it (and so never depend on the terminal, nor on whether
    // another crate in the build switched clap's wrapping on).
    term_width = 0,
    about = "Configure and check container nodes that pull from a mirror registry, as OpenShift does",
    after_help = "Exit codes: 0 success, 1 a check failed or a node drifted, 2 bad input (nothing was changed).\n\
                  Run `mirror-cli render --example --root ./node` to see it work on the built-in example."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The most one input file may hold, and (if larger) what all of a command's inputs may hold together; for
    /// the rare input over the defaults (64 MiB a file, 512 MiB a command)
    #[arg(long, global = true, value_name = "BYTES")]
    pub max_input_bytes: Option<u64>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Render a node's files from cluster objects, byte for byte as OpenShift would
    #[command(after_help = "Examples:\n  \
        mirror-cli render --example --root ./node\n  \
        oc get imagedigestmirrorset,imagetagmirrorset,imagecontentsourcepolicy,image.config/cluster,clusterversion/version -o yaml \\\n    \
        | mirror-cli render -f - --root ./node\n  \
        mirror-cli render -f idms.yaml -f image.yaml --pull-secret pull-secret.json --root /mnt/node-root\n  \
        mirror-cli render -f manifests/ --show\n  \
        mirror-cli render -f objects.yaml -o json | jq -r '.files[] | \"\\(.path) \\(.sha256)\"'\n\n\
        Writes etc/containers/registries.conf, etc/containers/registries.conf.d/01-image-searchRegistries.conf,\n\
        etc/containers/policy.json, var/lib/kubelet/config.json (0600) and etc/docker/certs.d/<host:port>/ca.crt\n\
        under the root: all or nothing, each file atomically.\n\n\
        --target microshift (a MicroShift or plain CRI-O host): the mirrors as a drop-in,\n\
        etc/containers/registries.conf.d/999-microshift-mirror.conf ([[registry]] tables with [[registry.mirror]],\n\
        so pulls still fall back to the source), the pull secret at etc/crio/openshift-pull-secret (0600) and the\n\
        CAs under etc/docker/certs.d; the host's own registries.conf and policy.json are left alone:\n  \
        mirror-cli render -f idms.yaml -f image.yaml -f configmap.yaml --pull-secret ps.json --target microshift --root /")]
    Render(RenderArgs),
    /// Render the node files as an Ignition config, for hosts no operator manages
    #[command(after_help = "Examples:\n  \
        mirror-cli ignition --example > mirror.ign\n  \
        mirror-cli ignition -f objects.yaml --pull-secret pull-secret.json --output-file mirror.ign\n  \
        mirror-cli ignition -f objects.yaml --spec-version 3.3.0 | ignition-validate -\n\n\
        The same files as `render` (the same plan), as storage.files[] entries the way the machine-config-operator\n\
        writes them: absolute paths, decimal modes (0644 is 420, 0600 is 384), overwrite: true, and the bytes as\n\
        data:text/plain;charset=utf-8;base64,... URLs. Spec versions 3.0.0 to 3.4.0 (default 3.2.0). The config\n\
        holds the pull secret: --output-file writes it with mode 0600, atomically.")]
    Ignition(IgnitionArgs),
    /// Before applying: what the proposed objects change on the nodes, and whether nodes drain
    #[command(after_help = "Examples:\n  \
        oc get imagedigestmirrorset,imagetagmirrorset,imagecontentsourcepolicy,image.config/cluster -o yaml > current.yaml\n  \
        mirror-cli diff --from current.yaml --to current.yaml --to new-idms.yaml\n  \
        mirror-cli diff --from old/ --to new/\n  \
        mirror-cli diff --from current.yaml --to new/ -o json | jq -r .action\n\n\
        Prints the registries.conf change as a unified diff, then each node file that changes and what the\n\
        machine-config daemon does about it: registries.conf and policy.json reload CRI-O; a registries.conf change\n\
        also drains the nodes unless it only adds mirrors pulled by digest (pull-from-mirror = \"digest-only\");\n\
        the pull secret needs nothing.\n\n\
        Exit codes (as kubectl diff): 0 no node file changes, 1 nodes would change, 2 bad input.")]
    Diff(DiffArgs),
    /// Steps 1-3 of the procedure as one YAML stream for `oc apply -f -`
    #[command(after_help = "Examples:\n  \
        printf '%s\\n' \"$MIRROR_PASSWORD\" | mirror-cli manifests --registry mirror.example.com:5000 --ca ca.crt \\\n    \
        --pull-secret pull-secret.json --username admin --password-stdin \\\n    \
        --map quay.io/openshift-release-dev/ocp-release=mirror.example.com:5000/ocp/release \\\n    \
        --map quay.io/openshift-release-dev/ocp-v4.0-art-dev=mirror.example.com:5000/ocp/release | oc apply -f -\n  \
        ... --mapping oc-mirror-workspace/results-1700000000/mapping.txt --tags --output-file manifests.yaml\n\n\
        The stream: the Secret openshift-config/pull-secret (the given pull secret with the mirror's credentials\n\
        set), the ConfigMap openshift-config/registry-config (the CA, checked, keyed host..port), the Image\n\
        cluster naming it in spec.additionalTrustedCA, and an ImageDigestMirrorSet (plus an ImageTagMirrorSet\n\
        with --tags). --mapping reads oc image mirror files and oc-mirror v1/v2 mapping.txt and groups them as\n\
        oc-mirror does. The stream holds the pull secret: --output-file writes it with mode 0600.")]
    Manifests(ManifestsArgs),
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
    /// Does the node's configuration really pull an image (or a whole release), source by source
    #[command(after_help = mirror_cli::commands::probe::AFTER_HELP)]
    Probe(mirror_cli::commands::probe::ProbeArgs),
    /// Check a node's files against what render produces (step 4 of the procedure, and more)
    #[command(after_help = "Examples:\n  \
        mirror-cli verify --example --root ./node\n  \
        mirror-cli verify -f objects.yaml --pull-secret ps.json --root ./worker-0 --root ./worker-1 --root ./master-0\n  \
        oc get imagedigestmirrorset,imagetagmirrorset,imagecontentsourcepolicy,image.config/cluster -o yaml > objects.yaml\n  \
        oc debug node/worker-0 -- chroot /host tar -C / -cf - etc/containers etc/docker/certs.d var/lib/kubelet/config.json \\\n    \
        | tar -C ./worker-0 -xf - && mirror-cli verify -f objects.yaml --pull-secret ps.json --root ./worker-0\n\n\
        registries.conf (with registries.conf.d/*.conf merged in) is compared by meaning: the same scopes, locations,\n\
        insecure/blocked flags and mirrors with their digest/tag usage, so an older node's mirror-by-digest-only layout\n\
        verifies too. Every other file must match exactly (bytes and mode). Also checked, as a person would: a\n\
        [[registry]] per source with its mirrors, the mirror's credentials in var/lib/kubelet/config.json, and a\n\
        certs.d/<host:port> folder for each mirror with a CA. The kubelet's config.json is never printed.\n\n\
        Several --root: one per node; the objects are rendered once and the output is a table, a row per node and a\n\
        column per check (numbered, with a legend), then each failing check per node; --output json gives each\n\
        node's report and a summary.\n\n\
        Exit codes: 0 the node is (every node is) as rendered, 1 drift (or something missing), 2 bad input.")]
    Verify(VerifyArgs),
    /// Merge, add, remove and explain pull secret credentials (never printing a password)
    #[command(
        name = "pull-secret",
        subcommand_required = true,
        after_help = "FILE is a bare docker config JSON (config.json, auth.json, a .dockerconfigjson, a legacy \
                      .dockercfg) or a Secret\nmanifest (YAML or JSON, type kubernetes.io/dockerconfigjson); `-` \
                      reads stdin. Messages say which, and show\ncredentials as user:*** at most."
    )]
    PullSecret(PullSecretArgs),
    /// Registry CA bundles: the ConfigMap nodes read them from, checked; certs.d naming
    #[command(subcommand_required = true)]
    Trust(TrustArgs),
    /// Migrate ImageContentSourcePolicy to ImageDigestMirrorSet; validate mirror objects
    #[command(subcommand_required = true)]
    Icsp(IcspArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell
    #[command(after_help = "Examples:\n  \
        source <(mirror-cli completion bash)                       # this shell only\n  \
        mirror-cli completion bash > /etc/bash_completion.d/mirror-cli\n  \
        mirror-cli completion zsh > \"${fpath[1]}/_mirror-cli\"      # then: compinit\n  \
        mirror-cli completion fish > ~/.config/fish/completions/mirror-cli.fish\n\n\
        Generated from the same definitions as --help, so it always matches this binary.")]
    Completion(CompletionArgs),
    /// Write the man pages: mirror-cli(1) and mirror-cli-COMMAND(1) for each command
    // Hidden: for packagers and the README's install line, not for daily use.
    #[command(
        hide = true,
        after_help = "Examples:\n  \
        mirror-cli man --dir /usr/local/share/man/man1 && mandb -q\n  \
        cargo run -p mirror-cli -- man --dir ~/.local/share/man/man1\n  \
        mirror-cli man | man -l -\n\n\
        Without --dir, mirror-cli(1) alone goes to standard output. The pages are generated from the same\n\
        definitions as --help; --dir writes every page, all or nothing, each file atomically."
    )]
    Man(ManArgs),
}

#[derive(Args)]
pub struct CompletionArgs {
    /// The shell
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write the pages into this folder (created if missing) instead of mirror-cli(1) to standard output (`-`)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("rules").required(true).args(["maps", "mapping"])))]
pub struct ManifestsArgs {
    /// The mirror registry, HOST[:PORT]
    #[arg(long, value_name = "HOST[:PORT]")]
    pub registry: String,
    /// The mirror's CA certificate (PEM)
    #[arg(long, value_name = "FILE")]
    pub ca: PathBuf,
    /// The cluster's pull secret: a .dockerconfigjson, or the Secret manifest
    #[arg(long, value_name = "FILE")]
    pub pull_secret: PathBuf,
    /// The mirror user
    #[arg(long, value_name = "USER")]
    pub username: String,
    /// Read the mirror password from the first line of standard input (required: never in argv)
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// A mirror rule SOURCE=MIRROR (scopes, as in an ImageDigestMirrorSet); repeatable
    #[arg(long = "map", value_name = "SOURCE=MIRROR")]
    pub maps: Vec<String>,
    /// A mapping file: oc image mirror (SRC=DST, SRC DST...), oc-mirror v1 or v2 mapping.txt
    #[arg(long, value_name = "FILE", conflicts_with = "maps")]
    pub mapping: Option<PathBuf>,
    /// Also emit an ImageTagMirrorSet (for images pulled by tag)
    #[arg(long)]
    pub tags: bool,
    #[command(flatten)]
    pub ca_validity: CaArgs,
    /// Write the stream to this file (atomically, mode 0600) instead of standard output; `-` is standard output
    #[arg(long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Output format of the objects: a YAML stream, or JSON (one object, or a v1 List)
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = ObjectOutputArg::Yaml)]
    pub output: ObjectOutputArg,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The objects the cluster holds now (a file, a folder, or - for stdin); repeatable
    #[arg(long, value_name = "FILE", required = true)]
    pub from: Vec<String>,
    /// The objects about to be applied (a file, a folder, or - for stdin); repeatable
    #[arg(long, value_name = "FILE", required = true)]
    pub to: Vec<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub ca: CaArgs,
    /// registries.conf layout: today's, or the original procedure's (ICSP era)
    #[arg(long, value_enum, default_value_t = LayoutArg::Current)]
    pub layout: LayoutArg,
    /// The release payload, when no ClusterVersion is given (matters to blocked registries)
    #[arg(long, value_name = "REF")]
    pub release_image: Option<String>,
    /// Output format: text, or the changes and what the nodes do as JSON (shape in the README)
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = OutputArg::Text)]
    pub output: OutputArg,
}

// The flattened groups carry no doc comment: clap would take it as the subcommand's about text.
#[derive(Args)]
pub struct ObjectsArgs {
    /// A YAML or JSON stream of cluster objects (a file, a folder, or - for stdin); repeatable
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub ca: CaArgs,
    /// Also read the built-in example (the procedure's own mirror scenario)
    #[arg(long)]
    pub example: bool,
}

// The pull secret and release payload flags of `render`, `ignition` and `verify` (a `//` comment: a doc
// comment on a flattened struct would become the command's about text).
#[derive(Args)]
pub struct PayloadFlags {
    /// A bare .dockerconfigjson to use as the pull secret (replaces the Secret)
    #[arg(long, value_name = "FILE")]
    pub pull_secret: Option<PathBuf>,
    /// The release payload, when no ClusterVersion is given (matters to blocked registries)
    #[arg(long, value_name = "REF")]
    pub release_image: Option<String>,
}

#[derive(Args)]
pub struct RenderFlags {
    /// registries.conf layout: today's, or the original procedure's (ICSP era)
    #[arg(long, value_enum, default_value_t = LayoutArg::Current)]
    pub layout: LayoutArg,
    #[command(flatten)]
    pub payload: PayloadFlags,
}

#[derive(Args)]
pub struct IgnitionArgs {
    #[command(flatten)]
    pub objects: ObjectsArgs,
    /// ignition.version of the config
    #[arg(long, value_name = "VERSION", default_value = commands::ignition::DEFAULT_SPEC_VERSION)]
    pub spec_version: String,
    /// Write the config to this file (atomically, mode 0600) instead of standard output; `-` is standard output
    #[arg(long = "output-file", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub render: RenderFlags,
}

#[derive(Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub objects: ObjectsArgs,
    /// Write the files under this folder (without it, list what would be written)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub render: RenderFlags,
    /// Print each file's content (credentials are never shown)
    #[arg(long)]
    pub show: bool,
    /// The kind of host the files are for
    #[arg(long, value_enum, default_value_t = TargetArg::Openshift)]
    pub target: TargetArg,
    /// How long to wait for another writer of the same root (another render, a second debug pod)
    #[arg(long, value_name = "SECONDS", default_value_t = mirror_cli::bounds::LOCK_TIMEOUT.as_secs())]
    pub lock_timeout: u64,
    /// Output format: text, or the plan (path, mode, size, sha256, change per file) as JSON (shape in the README)
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = OutputArg::Text)]
    pub output: OutputArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// An OpenShift node, as the machine-config-operator writes it
    Openshift,
    /// A MicroShift or plain CRI-O host: a registries.conf.d drop-in, /etc/crio/openshift-pull-secret, certs.d
    Microshift,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("config").required(true).args(["registries_conf", "root"]))]
pub struct ResolveArgs {
    /// The image reference (as typed: short names are normalised); omit with --batch
    #[arg(value_name = "REF", required_unless_present = "batch")]
    pub reference: Option<String>,
    /// One registries.conf file (no drop-ins)
    #[arg(long, value_name = "FILE")]
    pub registries_conf: Option<PathBuf>,
    /// A node's root: etc/containers/registries.conf + registries.conf.d/*.conf, var/lib/kubelet/config.json, certs.d
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Read references from stdin, one per line; write REF<TAB>SOURCES per line
    #[arg(long, conflicts_with = "reference")]
    pub batch: bool,
    /// Output format
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = OutputArg::Text)]
    pub output: OutputArg,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The node's root (e.g. /host under `oc debug node/X`, or files copied off a node); repeat for several nodes
    #[arg(long = "root", value_name = "DIR", required = true)]
    pub roots: Vec<PathBuf>,
    #[command(flatten)]
    pub objects: ObjectsArgs,
    /// registries.conf layout to render (it is compared by meaning, so either verifies either)
    #[arg(long, value_enum, default_value_t = LayoutArg::Current)]
    pub layout: LayoutArg,
    /// The kind of host the root is (a MicroShift host keeps its own registries.conf and policy.json)
    #[arg(long, value_enum, default_value_t = TargetArg::Openshift)]
    pub target: TargetArg,
    #[command(flatten)]
    pub payload: PayloadFlags,
    /// Output format
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = OutputArg::Text)]
    pub output: OutputArg,
}

/// How the object streams are read, on every command that reads them.
#[derive(Args)]
pub struct ReadArgs {
    /// Read the subfolders of a -f folder too (as kubectl -R); without it only the folder's own files
    #[arg(short = 'R', long)]
    pub recursive: bool,
    /// How the API server's rules apply to the objects (unknown fields, apiVersion, names, duplicates), as
    /// kubectl's --validate: strict refuses, warn warns, ignore says nothing
    #[arg(long, value_enum, value_name = "MODE", default_value_t = ValidateArg::Strict)]
    pub validate: ValidateArg,
}

/// kubectl's `--validate` values (`true` and `false` are its older spellings of strict and ignore).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateArg {
    /// Refuse the objects (kubectl's default)
    #[value(alias = "true")]
    Strict,
    /// Warn and go on
    Warn,
    /// Say nothing
    #[value(alias = "false")]
    Ignore,
}

/// What to do with CA certificates outside their validity period.
#[derive(Args)]
pub struct CaArgs {
    /// Accept a CA certificate that has expired or is not yet valid, with a warning (nodes fail pulls with it)
    #[arg(long)]
    pub allow_expired_ca: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Lines for people
    Text,
    /// JSON for scripts
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
// No doc comments on the values: they would switch every --help of these commands to the long layout.
pub enum ObjectOutputArg {
    // A YAML stream (`---` between objects), as `oc apply -f -` reads it.
    Yaml,
    // JSON: the object, or a v1 List of them, as `kubectl -o json` prints.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LayoutArg {
    /// Per-mirror pull-from-mirror, short-name-mode header (OpenShift today)
    Current,
    /// mirror-by-digest-only on the registry, no header lines (the original procedure's node output)
    Legacy,
}

#[derive(Args)]
pub struct PullSecretArgs {
    #[command(subcommand)]
    pub command: PullSecretCommand,
}

/// FILE is a bare docker config JSON (config.json, auth.json, a .dockerconfigjson) or a Secret manifest
/// (YAML or JSON, type kubernetes.io/dockerconfigjson); `-` reads standard input.
#[derive(Subcommand)]
pub enum PullSecretCommand {
    /// Merge pull secrets, later files winning per registry; the merged JSON on stdout, what changed on stderr
    #[command(after_help = "Examples:\n  \
        oc get secret/pull-secret -n openshift-config -o yaml > pull-secret.yaml\n  \
        mirror-cli pull-secret merge pull-secret.yaml ~/.docker/config.json > merged.json\n  \
        mirror-cli pull-secret merge --compact pull-secret.yaml mirror-auth.json --output-file config.json\n\n\
        An entry is replaced whole (no stale identitytoken); keys match after normalisation (https://, /v1/,\n\
        docker.io spellings), the first spelling kept. Exit codes: 0 merged, 2 bad input (nothing written).")]
    Merge {
        /// The files, earliest first
        #[arg(value_name = "FILE", num_args = 2.., required = true)]
        files: Vec<String>,
        /// The kubelet's form (one line, as /var/lib/kubelet/config.json) instead of indented JSON
        #[arg(long)]
        compact: bool,
        /// Write the result to this file (atomically, mode 0600) instead of stdout; `-` is stdout
        #[arg(long = "output-file", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Add or replace one registry's credentials; the password is read from stdin, never from arguments
    #[command(after_help = "Examples:\n  \
        printf '%s\\n' \"$MIRROR_PASSWORD\" | mirror-cli pull-secret add pull-secret.yaml \\\n    \
        --registry mirror.registry.com:443 --username mirror --password-stdin --output-file pull-secret.yaml\n  \
        mirror-cli pull-secret add config.json --registry mirror.example.com:5000/ocp --username ci --password-stdin < pw.txt\n\n\
        The first line of stdin is the password (its newline stripped). A Secret manifest gives back a Secret\n\
        manifest (YAML); a bare file gives back JSON. Exit codes: 0 written, 2 bad input (nothing written).")]
    Add {
        /// The pull secret to add to
        #[arg(value_name = "FILE")]
        file: String,
        /// The registry: HOST[:PORT], or HOST[:PORT]/NAMESPACE for one namespace only
        #[arg(long, value_name = "HOST[:PORT]")]
        registry: String,
        /// The user name
        #[arg(long, short = 'u', value_name = "USER")]
        username: String,
        /// Read the password from stdin (required: a password never goes in arguments)
        #[arg(long, required = true)]
        password_stdin: bool,
        /// The kubelet's form (one line) for a bare file
        #[arg(long)]
        compact: bool,
        /// Write the result to this file (atomically, mode 0600) instead of stdout; `-` is stdout
        #[arg(long = "output-file", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Remove one registry's credentials (every spelling of its key)
    #[command(after_help = "Examples:\n  \
        mirror-cli pull-secret remove pull-secret.yaml --registry old-mirror.example.com:5000 --output-file pull-secret.yaml\n\n\
        Exit codes: 0 written, 2 bad input or no such entry (nothing written; see --ignore-not-found).")]
    Remove {
        /// The pull secret to remove from
        #[arg(value_name = "FILE")]
        file: String,
        /// The registry: HOST[:PORT] or HOST[:PORT]/NAMESPACE
        #[arg(long, value_name = "HOST[:PORT]")]
        registry: String,
        /// Succeed (writing the file unchanged) when there is no such entry
        #[arg(long)]
        ignore_not_found: bool,
        /// The kubelet's form (one line) for a bare file
        #[arg(long)]
        compact: bool,
        /// Write the result to this file (atomically, mode 0600) instead of stdout; `-` is stdout
        #[arg(long = "output-file", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Which entry containers/image would use for an image, and why (redacted: user name and ***)
    #[command(after_help = "Examples:\n  \
        mirror-cli pull-secret get pull-secret.yaml mirror.registry.com:443/ocp/release@sha256:<digest>\n  \
        mirror-cli pull-secret get /var/lib/kubelet/config.json busybox\n  \
        mirror-cli pull-secret get pull-secret.yaml quay.io/ns/image:tag -o json | jq -r .sends.username\n\n\
        Exit codes: 0 credentials (or a credential helper) found, 1 none (an anonymous pull), 2 bad input.")]
    Get {
        /// The pull secret to look in
        #[arg(value_name = "FILE")]
        file: String,
        /// The image reference (docker rules: busybox is docker.io/library/busybox)
        #[arg(value_name = "REF")]
        reference: String,
        /// Output format: text, or the entry and what it sends as JSON (shape in the README)
        #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = OutputArg::Text)]
        output: OutputArg,
    },
}

#[derive(Args)]
pub struct TrustArgs {
    #[command(subcommand)]
    pub command: TrustCommand,
}

#[derive(Subcommand)]
pub enum TrustCommand {
    /// The ConfigMap of registry CAs (oc create configmap --from-file), checked; YAML on stdout, report on stderr
    #[command(after_help = "Examples:\n  \
        mirror-cli trust configmap mirror.registry.com:443=ca.crt | oc apply -f -\n  \
        mirror-cli trust configmap --name registry-config mirror.example.com:5000=ca.pem registry.local=local-ca.pem --output-file cm.yaml\n  \
        oc patch image.config.openshift.io/cluster --type=merge -p '{\"spec\":{\"additionalTrustedCA\":{\"name\":\"registry-config\"}}}'\n\n\
        Keys are spelled host..port; each node gets etc/docker/certs.d/<host:port>/ca.crt. A bundle holding a\n\
        private key, an empty or unreadable bundle, or a bad host is refused. Exit codes: 0 written, 2 refused\n\
        (nothing written).")]
    Configmap {
        /// metadata.name
        #[arg(long, default_value = commands::trust::DEFAULT_NAME)]
        name: String,
        /// metadata.namespace
        #[arg(long, default_value = commands::trust::DEFAULT_NAMESPACE)]
        namespace: String,
        /// A registry and its CA bundle file
        #[arg(value_name = "HOST[:PORT]=CAFILE", required = true)]
        pairs: Vec<String>,
        /// Write the YAML to this file (atomically) instead of stdout; `-` is stdout
        #[arg(long = "output-file", value_name = "FILE")]
        output_file: Option<PathBuf>,
        /// Output format of the objects: a YAML stream, or JSON (one object, or a v1 List)
        #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = ObjectOutputArg::Yaml)]
        output: ObjectOutputArg,
        #[command(flatten)]
        ca: CaArgs,
    },
    /// Check CA bundle files as containers/image will read them (report only)
    #[command(after_help = "Examples:\n  \
        mirror-cli trust check ca.crt\n  \
        mirror-cli trust check ca.crt -o json | jq '.bundles[].certificates[].not_after'\n\n\
        Exit codes: 0 every bundle usable, 1 one is refused, 2 a file cannot be read.")]
    Check {
        /// The CA bundle files
        #[arg(value_name = "CAFILE", required = true)]
        files: Vec<PathBuf>,
        /// Output format: text, or each bundle's certificates and verdict as JSON (shape in the README)
        #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = OutputArg::Text)]
        output: OutputArg,
    },
    /// The certs.d folder a ConfigMap key becomes (host..port -> host:port)
    #[command(after_help = "Example:\n  mirror-cli trust folder mirror.registry.com..443")]
    Folder {
        /// The ConfigMap key
        key: String,
    },
    /// The ConfigMap key for a registry (host:port -> host..port)
    #[command(after_help = "Example:\n  mirror-cli trust key mirror.registry.com:443")]
    Key {
        /// The registry
        #[arg(value_name = "HOST[:PORT]")]
        host: String,
    },
}

#[derive(Args)]
pub struct IcspArgs {
    #[command(subcommand)]
    pub command: IcspCommand,
}

#[derive(Subcommand)]
pub enum IcspCommand {
    /// ImageContentSourcePolicy to ImageDigestMirrorSet, as `oc adm migrate icsp` does
    #[command(after_help = "Examples:\n  \
        mirror-cli icsp migrate icsp.yaml | oc apply -f -\n  \
        mirror-cli icsp migrate icsp-*.yaml --dest-dir ./idms\n\n\
        Without --dest-dir the IDMS YAML goes to stdout. With it, one file per input,\n\
        imagedigestmirrorset_<name>.<suffix>.yaml, the suffix derived from the input (same input, same name)\n\
        unless --random-suffix. Exit codes: 0 migrated, 2 bad input (nothing written).")]
    Migrate {
        /// ICSP files (`-` for stdin)
        #[arg(value_name = "FILE", required = true)]
        files: Vec<String>,
        /// Write oc-style files here instead of printing the YAML (`-`: print it)
        #[arg(long, value_name = "DIR")]
        dest_dir: Option<PathBuf>,
        /// A random file name suffix, as oc uses
        #[arg(long, requires = "dest_dir")]
        random_suffix: bool,
        /// Output format on standard output (not with --dest-dir): a YAML stream, or JSON (one object, or a v1 List)
        #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = ObjectOutputArg::Yaml)]
        output: ObjectOutputArg,
        /// How the API server's rules apply to the ICSPs (unknown fields, apiVersion, names, duplicates), as
        /// kubectl's --validate: strict refuses, warn warns, ignore says nothing
        #[arg(long, value_enum, value_name = "MODE", default_value_t = ValidateArg::Strict)]
        validate: ValidateArg,
    },
    /// Check mirror objects as the API server and machine-config-operator would
    #[command(after_help = "Examples:\n  \
        mirror-cli icsp validate icsp.yaml idms.yaml image.yaml\n  \
        oc get imagedigestmirrorset,imagetagmirrorset,imagecontentsourcepolicy,image.config/cluster -o yaml | mirror-cli icsp validate -\n  \
        mirror-cli icsp validate objects.yaml -o json | jq -r '.problems[]'\n\n\
        Every openshift/api finding per object, then the cross-object checks (conflicting mirrorSourcePolicy,\n\
        NeverContactSource with the source as a mirror, insecure/blocked entries, the release payload) with\n\
        OpenShift's messages. Exit codes: 0 clean, 1 a problem found, 2 unreadable input.")]
    Validate {
        /// Object streams (files, folders, `-` for stdin)
        #[arg(value_name = "FILE", required = true)]
        files: Vec<String>,
        #[command(flatten)]
        read: ReadArgs,
        /// Output format: text, or the problems found as JSON (shape in the README)
        #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t = OutputArg::Text)]
        output: OutputArg,
    },
}
