//! Integration tests of node-root: each attack of issue 14 that touches the filesystem, as a test.
//!
//! Child processes (writers to kill, a symlink swapper under another uid, concurrent writers in another PID
//! namespace) are this binary started again with one `#[ignore]`d `*_child` test selected.

mod common;
mod concurrent;
mod journal;
mod kill;
mod owners;
#[path = "../../../test-support/proc_status.rs"]
mod proc_status;
mod random_roots;
mod reads;
mod special_files;
#[path = "../../../test-support/strategies.rs"]
mod strategies;
mod swapper;
mod symlinks;
mod written;
