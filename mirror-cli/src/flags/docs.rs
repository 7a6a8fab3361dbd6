//! Shell completion scripts and man pages, generated from the clap definitions in [`super::args`] (so they never
//! drift from `--help`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use mirror_cli::Error;
use mirror_cli::commands::{Exit, output_error};
use mirror_cli::writer::{NodeFile, write_all};

use super::args::Cli;

/// The binary's name, as completions and man pages spell it.
const BIN: &str = "mirror-cli";

/// The mode of a written man page.
const MAN_PAGE_MODE: u32 = 0o644;

/// `completion SHELL`: the script on `out`.
pub fn completion(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<Exit, Error> {
    // Generated into memory first: clap_complete panics on a failed write, and a closed stdout is not a panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    out.write_all(&script).map_err(output_error)?;
    Ok(Exit::Ok)
}

/// Every man page: `mirror-cli.1`, then `mirror-cli-COMMAND.1` (and `mirror-cli-COMMAND-SUB.1`) for each command
/// not hidden, as `git` and `podman` name theirs.
fn man_pages() -> Vec<NodeFile> {
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    add_pages(command, &mut pages);
    pages
}

fn add_pages(command: clap::Command, pages: &mut Vec<NodeFile>) {
    let name = command.get_name().to_owned();
    for sub in command.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let full = format!("{name}-{}", sub.get_name());
        add_pages(sub.clone().name(full.clone()).bin_name(full), pages);
    }
    let mut bytes = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut bytes)
        .expect("writing to memory does not fail");
    pages.push(NodeFile {
        path: PathBuf::from(format!("{name}.1")),
        bytes,
        mode: MAN_PAGE_MODE,
    });
}

/// `man [--dir DIR]`: every page into `dir` (all or nothing), or mirror-cli(1) on `out`.
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> Result<Exit, Error> {
    let mut pages = man_pages();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let Some(dir) = dir else {
        let top = pages
            .iter()
            .find(|p| p.path == Path::new(&format!("{BIN}.1")))
            .expect("the top page is always generated");
        out.write_all(&top.bytes).map_err(output_error)?;
        return Ok(Exit::Ok);
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage {
            message: format!("--dir {}: exists and is not a folder", dir.display()),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        action: Some("creating the man page folder"),
        source,
    })?;
    write_all(dir, &pages)?;
    for page in &pages {
        writeln!(out, "{}", dir.join(&page.path).display()).map_err(output_error)?;
    }
    Ok(Exit::Ok)
}
