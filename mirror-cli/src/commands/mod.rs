//! The commands behind `mirror-cli`, each a function from plain options to output. They write to the writers they
//! are given (so tests can read them) and return the process exit code.

pub mod diff;
pub mod icsp_cmd;
pub mod ignition;
pub mod manifests;
pub mod pull_secret;
pub mod render;
pub mod resolve;
pub mod trust;
pub mod verify;

pub use crate::input::{
    MAX_INPUT_BYTES, command_budget, read_file, read_inputs, read_one, read_stdin,
};
pub(crate) use crate::output::output_error;
pub use crate::output::{Style, report, write_output_file};

/// The process exit codes every command shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// All good.
    Ok = 0,
    /// The command ran, and what it checked is not as it should be (drift, a failed check).
    Failed = 1,
    /// Bad input or a refused operation: nothing was changed.
    BadInput = 2,
}
