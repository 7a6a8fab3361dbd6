//! The one table of the bounds `mirror-cli` puts on what it reads, prints and waits for, each with its reason.
//! Every read (node files under `--root`, `--registries-conf`, drop-ins, config.json, `-f` files, standard input,
//! `--batch` lines) takes its limit from here, and all the reads of one command share one [`node_root::Budget`] of
//! [`COMMAND_INPUT_BYTES`]. Where the node files live is the other table, [`crate::node::paths`].

use std::time::Duration;

/// One `-f` file or standard input (objects, a mapping, a pull secret, a CA bundle, a `--registries-conf` file): the
/// largest realistic object stream is `oc get idms,itms,icsp -o json` of ≈10 000 mirror sources (2.8 MB of JSON,
/// 1.5 MB of YAML); ten times that, 100 000 sources, is 28 MB of JSON or 15 MB of YAML in ≈1 100 documents (icsp's
/// per-stream `DEFAULT_MAX_BYTES`, 32 MiB, refuses more). A file read as a node file (`--registries-conf`) must
/// take [`NODE_FILE_BYTES`]: 64 MiB holds both. (Pull secrets and CA bundles have their crates' own 16 MiB, far
/// above any real one.)
pub const INPUT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// All the inputs of one command together: thirty files just under [`INPUT_FILE_BYTES`] must not add up to
/// gigabytes of memory (issue 14, row 12).
pub const COMMAND_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// One node configuration file under `--root` (registries.conf, a drop-in, policy.json, config.json, a `ca.crt`)
/// or `--registries-conf`. Whatever render writes must read back: for 100 000 sources (ten times the largest
/// realistic 10 000) its registries.conf is 28-33 MB; the same as registries-conf's own `MAX_INPUT_BYTES` (64 MiB).
/// A link to `/dev/zero` or a sparse file is refused before it is read.
pub const NODE_FILE_BYTES: u64 = registries_conf::MAX_INPUT_BYTES as u64;

/// Most entries listed in one node folder (`registries.conf.d`, `certs.d`): a node has a handful; a folder with
/// millions of planted names is refused rather than sorted in memory.
pub const NODE_FOLDER_ENTRIES: usize = 10_000;

/// One `resolve --batch` line: an image reference is at most a few hundred bytes (a 255-byte name, a tag of 128,
/// a 71-byte digest); a stream without newlines (`/dev/zero`) stops here instead of growing a line.
pub const BATCH_LINE_BYTES: u64 = 64 * 1024;

/// The password line of `pull-secret --password-stdin`: tokens are a few KiB (a registry's JWT, a robot token).
pub const PASSWORD_LINE_BYTES: u64 = 64 * 1024;

/// The most of one input line, name or value a message quotes (escaped): any image reference fits (a 255-byte
/// name, a 128-byte tag, a 71-byte digest), and never a terminal's worth of someone else's bytes.
pub const QUOTED_TEXT_BYTES: usize = 512;

/// How long `render` waits for another writer of the same root (a second debug pod, a running render) before it
/// gives up; the default of `--lock-timeout`.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

// One command holds several inputs of each kind; a node file fits in an input file. Checked at compile time.
const _: () = {
    assert!(COMMAND_INPUT_BYTES >= 4 * INPUT_FILE_BYTES);
    // A command reads a handful of node files; only registries.conf can be large.
    assert!(COMMAND_INPUT_BYTES >= 8 * NODE_FILE_BYTES);
    assert!(NODE_FILE_BYTES <= INPUT_FILE_BYTES);
    // The same file has the same bound wherever it is read.
    assert!(INPUT_FILE_BYTES >= icsp::DEFAULT_MAX_BYTES as u64);
    assert!(NODE_FILE_BYTES == registries_conf::MAX_INPUT_BYTES as u64);
};
