//! Shell completions and man pages generated from the clap definitions, every command's `--help` with examples,
//! and `NO_COLOR` as no-color.org says (set and non-empty turns color off; empty does not).

use std::ffi::OsStr;
use std::fs;
use std::process::Command;

use mirror_cli::commands::Style;

use crate::common::{assert_contains, run_binary};

/// The subcommands a `--help` lists under `Commands:` (less `help`).
fn listed_commands(args: &[&str]) -> Vec<String> {
    let mut with_help = args.to_vec();
    with_help.push("--help");
    let help = String::from_utf8(run_binary(&with_help, "").stdout).unwrap();
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Every command path of the binary, as its help lists them (`render`, `pull-secret merge`, ...): a group
/// (`trust`) stands for its subcommands. The hidden `man` is added by hand.
fn commands() -> Vec<String> {
    let mut all = Vec::new();
    for command in listed_commands(&[]) {
        let subcommands = listed_commands(&[&command]);
        if subcommands.is_empty() {
            all.push(command);
        } else {
            all.extend(subcommands.iter().map(|sub| format!("{command} {sub}")));
        }
    }
    assert!(
        all.len() > 15 && all.contains(&"pull-secret get".to_owned()),
        "{all:?}"
    );
    all.push("man".to_owned());
    all
}

#[test]
fn completion_scripts_know_every_command() {
    for (shell, marker) in [
        ("bash", "complete -F _mirror__cli"),
        ("zsh", "#compdef mirror-cli"),
        ("fish", "complete -c mirror-cli"),
        ("elvish", "edit:completion:arg-completer[mirror-cli]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = run_binary(&["completion", shell], "");
        assert_eq!(output.status.code(), Some(0), "{shell}: {output:?}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for command in ["render", "verify", "pull-secret", "icsp", "completion"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
        // Flags too, and (where the shell's generator lists them) the values of value enums.
        assert!(script.contains("release-image"), "{shell}");
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(script.contains("microshift"), "{shell}");
        }
    }
}

#[test]
fn bash_accepts_the_completion_script() {
    let output = run_binary(&["completion", "bash"], "");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("mirror-cli.bash");
    fs::write(&script, &output.stdout).unwrap();
    let check = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p mirror-cli",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    assert!(String::from_utf8_lossy(&check.stdout).contains("mirror-cli"));
}

#[test]
fn an_unknown_shell_is_an_argument_error() {
    let output = run_binary(&["completion", "tcsh"], "");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn man_pages_one_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let man = dir.path().join("man1");
    let output = run_binary(&["man", "--dir", &man.display().to_string()], "");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let mut names: Vec<String> = fs::read_dir(&man)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // A page per command, per group (`mirror-cli-trust.1`) and the top one.
    let groups: Vec<String> = listed_commands(&[])
        .into_iter()
        .filter(|c| !listed_commands(&[c]).is_empty())
        .collect();
    let mut expected: Vec<String> = commands()
        .iter()
        .filter(|c| *c != "man")
        .chain(&groups)
        .map(|c| format!("mirror-cli-{}.1", c.replace(' ', "-")))
        .chain(["mirror-cli.1".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let render = fs::read_to_string(man.join("mirror-cli-render.1")).unwrap();
    assert!(
        render.starts_with(".ie \\n(.g .ds Aq") || render.contains(".TH"),
        "{render}"
    );
    assert_contains(&render, ".TH mirror-cli-render 1");
    assert!(
        render.contains("Examples:"),
        "the examples of --help are in the page"
    );
    assert!(
        render.contains("release\\-image"),
        "the flags are in the page"
    );

    // Without --dir, the top page on stdout.
    let top = run_binary(&["man"], "");
    let top = String::from_utf8(top.stdout).unwrap();
    assert_contains(&top, ".TH mirror-cli 1");
    assert_eq!(top, fs::read_to_string(man.join("mirror-cli.1")).unwrap());
    let dash = run_binary(&["man", "--dir", "-"], "");
    assert_eq!(
        String::from_utf8(dash.stdout).unwrap(),
        top,
        "--dir - is stdout"
    );
    assert!(!std::path::Path::new("-").exists());
}

#[test]
fn man_into_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    fs::write(&file, "x").unwrap();
    let output = run_binary(&["man", "--dir", &file.display().to_string()], "");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a folder"));
}

#[test]
fn every_command_help_shows_examples() {
    for command in &commands() {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let output = run_binary(&args, "");
        assert_eq!(output.status.code(), Some(0), "{command}: {output:?}");
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(
            help.contains("Example:") || help.contains("Examples:"),
            "{command} --help has no example:\n{help}"
        );
    }
}

#[test]
fn no_color_set_and_non_empty_turns_color_off() {
    let (on, off, empty) = (None, Some(OsStr::new("1")), Some(OsStr::new("")));
    assert!(Style::new(true, on).is_colored());
    assert!(!Style::new(true, off).is_colored());
    assert!(!Style::new(true, Some(OsStr::new("false"))).is_colored());
    assert!(
        Style::new(true, empty).is_colored(),
        "an empty NO_COLOR does not count"
    );
    assert!(
        !Style::new(false, on).is_colored(),
        "never colored off a terminal"
    );
    assert!(!Style::new(false, empty).is_colored());
    assert_eq!(Style::new(true, off).error(), "error:");
    assert_eq!(Style::new(true, on).error(), "\x1b[1;31merror:\x1b[0m");
}

/// The binary's stderr on a terminal (util-linux `script` gives it a pseudo-terminal), with `NO_COLOR` as given.
fn on_a_terminal(no_color: Option<&str>) -> String {
    let mut command = Command::new("script");
    command.args([
        "-qec",
        &format!(
            "{} render -f /nonexistent/objects.yaml",
            env!("CARGO_BIN_EXE_mirror-cli")
        ),
        "/dev/null",
    ]);
    command.env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let output = command.output().expect("util-linux script(1)");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn no_color_on_a_real_terminal() {
    assert!(on_a_terminal(None).contains("\x1b[1;31merror:"));
    assert!(on_a_terminal(Some("")).contains("\x1b[1;31merror:"));
    let plain = on_a_terminal(Some("1"));
    assert!(
        plain.contains("error:") && !plain.contains('\x1b'),
        "{plain:?}"
    );
}
