//! `mirror-cli`: parses the arguments, turns them into a request, runs it, and maps the result to the exit code.
//! The clap definitions are in `flags/args.rs`, the conversion in `flags/requests.rs`, the work in the library half.

mod flags;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use mirror_cli::commands::{CLOSED_OUTPUT_EXIT, Exit, Style, finish_output, is_closed_output};

use flags::args::Cli;
use flags::requests::Request;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = Style::detect();
    let result = Request::from_args(cli).and_then(|request| {
        let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
        let exit = request.run(&mut out, &mut err, &style)?;
        finish_output(&mut out)?;
        Ok(exit)
    });
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        // `| head` closed stdout: the reader has what it wanted; not bad input, and nothing to say.
        Err(e) if is_closed_output(&e) => ExitCode::from(CLOSED_OUTPUT_EXIT),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{} {e}", style.error());
            ExitCode::from(Exit::BadInput as u8)
        }
    }
}
