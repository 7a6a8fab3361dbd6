//! The commands behind `mirror-cli`, each a function from plain options to output. They write to the writers they
//! are given (so tests can read them) and return the process exit code.

pub mod diff;
pub mod icsp_cmd;
pub mod ignition;
pub mod manifests;
pub mod probe;
pub mod pull_secret;
pub mod render;
pub mod resolve;
pub mod trust;
pub mod verify;

pub use crate::input::{
    MAX_INPUT_BYTES, Reading, command_budget, read_file, read_inputs, read_one, read_stdin,
};
pub(crate) use crate::output::print_json;
pub use crate::output::{
    CLOSED_OUTPUT_EXIT, Format, ObjectFormat, Style, finish_output, is_closed_output, output_error,
    report, write_output_file,
};

/// The first steps of `render`, `ignition` and `verify`: the node plan of the inputs (see
/// [`crate::node::plan_from_inputs`]; `nothing` is the usage message for no input), its warnings printed, and its
/// notes when `with_notes`.
pub(crate) fn plan_and_report(
    inputs: std::borrow::Cow<'_, [crate::cluster::Input]>,
    example: bool,
    options: &crate::node::RenderOptions,
    nothing: &str,
    err: &mut dyn std::io::Write,
    style: &Style,
    with_notes: bool,
) -> Result<crate::node::NodePlan, crate::Error> {
    let plan = crate::node::plan_from_inputs(inputs, example, options, nothing)?;
    let notes: &[String] = if with_notes { &plan.notes } else { &[] };
    report(err, style, &plan.warnings, notes).map_err(output_error)?;
    Ok(plan)
}

/// The first step of `render` and `ignition`: [`plan_and_report`] with their usage message and the notes.
pub(crate) fn plan_to_render(
    inputs: std::borrow::Cow<'_, [crate::cluster::Input]>,
    example: bool,
    options: &crate::node::RenderOptions,
    err: &mut dyn std::io::Write,
    style: &Style,
) -> Result<crate::node::NodePlan, crate::Error> {
    let nothing = "nothing to render: give -f FILE (or --example)";
    plan_and_report(inputs, example, options, nothing, err, style, true)
}

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
