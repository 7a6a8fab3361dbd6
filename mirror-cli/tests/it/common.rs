//! Helpers every test module shares: inputs, the command functions run with in-memory writers, the binary, rendered
//! node roots, directory trees, secret scans, and tests that must have the process to themselves.

use std::fs;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use mirror_cli::cluster::Input;
use mirror_cli::commands::icsp_cmd::{self, IcspRequest, ValidateRequest};
use mirror_cli::commands::render::{self, RenderRequest};
use mirror_cli::commands::verify::{self, VerifyRequest};
use mirror_cli::commands::{Exit, Style};
use mirror_cli::node::RenderOptions;

/// An ImageDigestMirrorSet that adds one mirror (registry.redhat.io/ubi9) to the example: the nodes change.
pub const NEW_IDMS: &str = include_str!("fixtures/new-idms.yaml");

/// An input file as a command reads it: its name (for messages) and its bytes.
pub fn input(name: &str, bytes: impl AsRef<[u8]>) -> Input {
    Input {
        name: name.into(),
        bytes: bytes.as_ref().to_vec(),
    }
}

/// Runs a command function with in-memory stdout and stderr and plain style; returns its result and both outputs.
pub fn capture<R>(
    run: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>, &Style) -> R,
) -> (R, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = run(&mut out, &mut err, &Style::plain());
    (
        result,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Runs a command told to write its output to the file `name` in a fresh folder (`run` is given the file's path).
/// It must succeed, print nothing on stdout, and leave that file alone in the folder (no temporary file behind),
/// with the permission bits `file_mode`. Returns the folder (dropping it deletes the file), the file and stderr.
pub fn run_to_file(
    name: &str,
    file_mode: u32,
    run: impl FnOnce(PathBuf, &mut Vec<u8>, &mut Vec<u8>, &Style) -> Result<Exit, mirror_cli::Error>,
) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let (result, out, err) = capture(|out, err, style| run(path.clone(), out, err, style));
    assert_eq!(result.unwrap(), Exit::Ok, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(mode(&path), file_mode, "{}", path.display());
    let entries = fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "no temporary file left behind");
    (dir, path, err)
}

/// `render` of `request`, captured as [`capture`] does.
pub fn render_captured(
    request: &RenderRequest,
) -> (Result<Exit, mirror_cli::Error>, String, String) {
    capture(|out, err, style| render::run(request, out, err, style))
}

/// `verify` of `request`, captured as [`capture`] does.
pub fn verify_captured(
    request: &VerifyRequest,
) -> (Result<Exit, mirror_cli::Error>, String, String) {
    capture(|out, err, style| verify::run(request, out, err, style))
}

/// `icsp validate` (strict, no clock) of `inputs`, captured as [`capture`] does.
pub fn validate_strict(inputs: Vec<Input>) -> (Result<Exit, mirror_cli::Error>, String, String) {
    capture(|out, err, style| {
        icsp_cmd::run(
            &IcspRequest::Validate(ValidateRequest {
                inputs,
                now: None,
                strictness: icsp::Strictness::Strict,
                limits: icsp::Limits::default(),
                format: Default::default(),
            }),
            out,
            err,
            style,
        )
    })
}

/// Everything a user sees of a command: the exit code (2 with the message for an error), stdout, stderr.
pub fn show(
    run: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>, &Style) -> Result<Exit, mirror_cli::Error>,
) -> String {
    let (result, out, err) = capture(run);
    let status = match result {
        Ok(exit) => format!("exit {}", exit as u8),
        Err(e) => format!("exit 2, error: {e}"),
    };
    format!("{status}\n--- stdout\n{out}--- stderr\n{err}")
}

/// One text for a snapshot of several cases: `# {what}` and the case as `show` shows it, for each.
pub fn cases_shown<R>(
    cases: impl IntoIterator<Item = (impl std::fmt::Display, R)>,
    show: impl Fn(&R) -> String,
) -> String {
    cases
        .into_iter()
        .map(|(what, case)| format!("# {what}\n{}\n", show(&case)))
        .collect()
}

/// Each value's text (warnings are typed values; snapshots hold their lines).
pub fn texts(values: &[impl std::fmt::Display]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

/// Writes `text` to `dir/name` and returns that path as the binary takes it.
pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Fails, showing `text`, unless it holds `needle`.
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "no {needle:?} in:\n{text}");
}

/// Fails, showing `text`, unless it starts with `prefix`.
#[track_caller]
pub fn assert_starts_with(text: &str, prefix: &str) {
    assert!(text.starts_with(prefix), "not {prefix:?} first in:\n{text}");
}

/// Fails, showing `text`, unless its line `index` (from 0) starts with `prefix`.
#[track_caller]
pub fn assert_line_starts_with(text: &str, index: usize, prefix: &str) {
    let line = text.lines().nth(index).unwrap_or_default();
    assert!(
        line.starts_with(prefix),
        "line {index} is not {prefix:?}… in:\n{text}"
    );
}

/// A `KiB` field of `/proc/self/status` (`"VmRSS:"`, `"VmHWM:"`), where the kernel has it.
pub fn status_kib(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The mirror-cli binary.
pub fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mirror-cli"))
}

/// Runs the binary with `args`, `stdin` written to it, and collects its output.
pub fn run_binary(args: &[&str], stdin: &str) -> Output {
    output_with_stdin(binary().args(args), stdin.as_bytes())
}

/// Runs the binary with `args` and `stdin`: its exit code (-1 when killed by a signal), stdout and stderr.
pub fn run_cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    let output = run_binary(args, stdin);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `command` with `stdin` written to it, and collects its output.
pub fn output_with_stdin(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// A `render` request for the built-in example into `root`.
pub fn example_request(root: &Path, options: RenderOptions) -> RenderRequest {
    RenderRequest {
        example: true,
        root: Some(root.to_path_buf()),
        options,
        ..Default::default()
    }
}

/// Renders the built-in example into `root` with the render command itself.
pub fn render_example(root: &Path, options: RenderOptions) {
    let request = example_request(root, options);
    let exit = render::run(&request, &mut Vec::new(), &mut Vec::new(), &Style::plain()).unwrap();
    assert_eq!(exit, Exit::Ok);
}

/// A temporary node root holding the rendered example.
pub fn example_root(options: RenderOptions) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    render_example(root.path(), options);
    root
}

/// Every file under `root`, sorted: `== path (mode)` and its text, or `(credentials)` where `holds_credentials`.
/// node-root's own lock file at the top (`.node-root.lock`, a record of the last writer) is not a node file.
pub fn tree(root: &Path, holds_credentials: impl Fn(&Path) -> bool) -> String {
    let mut rows = Vec::new();
    for (rel, path, meta) in entries(root) {
        if meta.is_dir() || rel == Path::new(".node-root.lock") {
            continue;
        }
        let content = if holds_credentials(&rel) {
            "(credentials)".to_owned()
        } else {
            fs::read_to_string(&path).unwrap()
        };
        rows.push(format!(
            "== {} ({:o})\n{content}",
            rel.display(),
            meta.permissions().mode() & 0o7777
        ));
    }
    rows.sort();
    rows.join("\n")
}

/// Every entry under `root`, links not followed: its path relative to `root`, its full path, its metadata.
pub fn entries(root: &Path) -> Vec<(PathBuf, PathBuf, fs::Metadata)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
            }
            found.push((path.strip_prefix(root).unwrap().to_path_buf(), path, meta));
        }
    }
    found
}

/// Runs `f` on another thread and fails if it has not returned after 30 s. A hang guard, not a speed claim: a read
/// that blocks on a FIFO or reads `/dev/zero` whole would never return, and any bounded read returns far sooner.
pub fn within_seconds<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    receive
        .recv_timeout(std::time::Duration::from_secs(30))
        .unwrap_or_else(|_| {
            panic!("{what}: still running after 30 s (blocked or reading without bound)")
        })
}

/// A file's permission bits, as a node would show them.
pub fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// What must never be printed of a credential: the password and token, and the base64 forms that carry them.
pub fn credential_needles(user: &str, password: &str, token: &str) -> Vec<String> {
    let b64 = |s: &str| go_compat::encode_std_base64(s.as_bytes());
    vec![
        password.to_owned(),
        token.to_owned(),
        b64(&format!("{user}:{password}")),
        b64(password),
        b64(token),
    ]
}

/// Fails, naming `what` and `place` ("on stdout"), when `text` holds any of `needles`.
pub fn assert_no_secret(what: &str, place: &str, text: &str, needles: &[String]) {
    for needle in needles {
        assert!(
            !text.contains(needle.as_str()),
            "{what}: a secret {place} ({needle:?}):\n{text}"
        );
    }
}

const ALONE_VAR: &str = "MIRROR_CLI_IT_ALONE";

/// How long a test run alone may take before it counts as hung. A hang guard, not a speed claim: the slowest of
/// these tests takes seconds in a debug build on a loaded machine.
const ALONE_HANG_GUARD: std::time::Duration = std::time::Duration::from_secs(600);

/// For tests that measure the whole process (peak memory): the first call runs `test` (its full path in this
/// binary) again in a child process of this binary, alone, checks it passed, and returns `true` (the caller
/// returns); in that child it returns `false` and the caller runs its body. A child still running after
/// [`ALONE_HANG_GUARD`] is killed and the test fails.
pub fn rerun_alone(test: &str) -> bool {
    if std::env::var(ALONE_VAR).as_deref() == Ok(test) {
        return false;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE_VAR, test)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > ALONE_HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&stdout.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
    eprint!("{stderr}");
    let Some(status) = status else {
        panic!(
            "{test} alone: killed, still running after {ALONE_HANG_GUARD:?}:\n{stdout}\n{stderr}"
        );
    };
    assert!(
        status.success() && stdout.contains("1 passed"),
        "{test} alone failed:\n{stdout}\n{stderr}"
    );
    true
}
