//! The one table of the bounds `mirror-cli` puts on what it reads, prints and waits for, each with its reason.
//! Every read (node files under `--root`, `--registries-conf`, drop-ins, config.json, `-f` files, standard input,
//! `--batch` lines) takes its limit from here, and all the reads of one command share one [`node_root::Budget`] of
//! [`COMMAND_INPUT_BYTES`]. Where the node files live is the other table, [`crate::node::paths`].

use std::time::Duration;

/// One `-f` file or standard input (objects, a mapping, a pull secret, a CA bundle). A cluster's ICSP/IDMS/ITMS
/// objects as `oc get -o yaml` prints them are well under 1 MiB (an object is bounded by etcd's 1.5 MiB request
/// limit); 64 MiB leaves room for `kind: List` dumps of many clusters and still refuses a runaway stream before
/// parsing. (The YAML reader's own `icsp::Limits::max_bytes`, 16 MiB, applies per stream after this.)
pub const INPUT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// All the inputs of one command together: thirty files just under [`INPUT_FILE_BYTES`] must not add up to
/// gigabytes of memory (issue 14, row 12).
pub const COMMAND_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// One node configuration file under `--root` (registries.conf, a drop-in, policy.json, config.json, a `ca.crt`)
/// or `--registries-conf`. The files render writes are a few KiB (MCO's rendered MachineConfig, which holds them,
/// is bounded by etcd's 1.5 MiB); the same as the format crates' own `MAX_INPUT_BYTES`; a link to `/dev/zero` or a sparse file is refused before it is read.
pub const NODE_FILE_BYTES: u64 = 16 * 1024 * 1024;

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
    assert!(COMMAND_INPUT_BYTES >= 16 * NODE_FILE_BYTES);
    assert!(NODE_FILE_BYTES <= INPUT_FILE_BYTES);
};
