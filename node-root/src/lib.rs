//! A node's root folder as hostile ground.
//!
//! Tools that configure a node run as root over a root folder that came from somewhere else: `/` itself, a debug
//! pod's `/host`, an unpacked tarball. Anyone who owns a folder beneath it may plant symbolic links, FIFOs,
//! devices, huge sparse files, or swap a folder for a link while the tool works. This crate is the only way such
//! a tool touches that folder:
//!
//! - **Beneath the root, always.** [`Root::open`] opens the root once; every later open, create, rename and remove
//!   goes through folder handles obtained from it with `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
//!   RESOLVE_NO_MAGICLINKS)` (or, where that call is missing or filtered, one `openat(O_NOFOLLOW | O_DIRECTORY)`
//!   per folder), and acts on names relative to those handles (`renameat`, `unlinkat`, `mkdirat`), never by
//!   resolving a path again. A symbolic link anywhere on the way is refused, never followed.
//! - **Every read bounded and non-blocking.** [`Root::read`], [`read_path`], [`read_stdin`], [`read_limited`] and
//!   [`Lines`] stop one byte past their limit, charge a [`Budget`] shared by all the inputs of one command, open
//!   with `O_NONBLOCK | O_NOFOLLOW | O_NOCTTY`, and read only regular files: what else is there (a link, a FIFO,
//!   a device, a folder) is the answer ([`Found::NotRegular`]), never opened for reading.
//! - **One writer at a time, never a mixed root.** [`Root::lock`] takes an exclusive `flock` on a lock file in the
//!   root (between processes, PID and mount namespaces alike) and waits for it with a timeout. A [`Writer`] applies
//!   a [`Plan`] (files with mode and owner, folder trees to remove) as one generation recorded in an intent journal:
//!   after a kill at any point, the next writer completes it ([`Writer::recovery`]) and readers see it
//!   ([`Root::pending`]).
//!
//! The crate knows nothing of what the files mean.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use node_root::{Budget, Found, Outcome, Owner, Plan, Root};
//!
//! # fn main() -> Result<(), node_root::Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let node = dir.path();
//! let root = Root::open(node)?;
//! // Root-owned when run as root; without privileges, owners are neither set nor compared.
//! let mut plan = Plan::new();
//! plan.file("etc/containers/registries.conf", b"[[registry]]\n", 0o644, Owner::ROOT)
//!     .file("var/lib/kubelet/config.json", b"{}\n", 0o600, Owner::ROOT)
//!     .remove_tree("etc/docker/certs.d/gone.example.com");
//! let mut writer = root.lock(Duration::from_secs(30))?;
//! let report = writer.write(&plan)?;
//! assert_eq!(report.outcomes[0].1, Outcome::Created);
//! assert_eq!(report.outcomes[2].1, Outcome::Absent);
//! drop(writer);
//!
//! let mut budget = Budget::new(64 << 20);
//! match root.read("var/lib/kubelet/config.json", 16 << 20, &mut budget)? {
//!     Found::File(file) => assert_eq!((file.bytes.as_slice(), file.meta.mode), (&b"{}\n"[..], 0o600)),
//!     Found::NotRegular { at, kind } => panic!("{} is {kind}", at.display()),
//!     Found::Missing => panic!("missing"),
//! }
//! assert!(root.pending()?.is_none(), "no interrupted write");
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod journal;
mod kind;
mod lock;
mod path;
mod read;
mod root;
mod shown;
mod walk;
mod write;

pub use error::{Error, ErrorKind, Op, Partial, Result};
pub use journal::{ChangeState, Pending, PendingChange};
pub use kind::{FileKind, Meta, Owner};
pub use read::{Budget, Found, Lines, RegularFile, read_limited, read_path, read_stdin};
pub use root::{Entry, Folder, Listing, Root};
pub use shown::escaped;
pub use walk::Resolver;
pub use write::{Contents, Difference, Outcome, Plan, Recovery, Report, Step, Writer};
