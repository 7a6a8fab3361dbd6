//! Issue 14, rows 1, 2, 6, 7 and 12: reads of a hostile node root and of hostile inputs. A link where a node file
//! should be is a finding of verify, never followed (no line of its target printed); a file that parses as a docker
//! config is never quoted; registries.conf, drop-ins and config.json behind links to `/dev/zero`, as FIFOs or as
//! sparse 8 GiB files are refused at once by resolve; `--batch` lines and `-f` inputs are bounded, and one budget
//! covers all the inputs of a command.

use std::fs;
use std::io::BufReader;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use mirror_cli::commands::resolve::{ResolveRequest, run_with_input};
use mirror_cli::commands::verify::VerifyRequest;
use mirror_cli::commands::{Exit, Style, read_file, read_inputs};
use mirror_cli::explain::ConfigSource;
use mirror_cli::node::paths;
use node_root::Budget;

use crate::common::{self, assert_contains, within_seconds};

/// What an attacker links to: lines that must never be printed.
const SHADOW: &str = "root:$6$saltsalt$SECRETHASHSECRETHASH:19000:0:99999:7:::\nadmin:$6$x$ANOTHERSECRET:19000::::::\n";
const AUTH: &str = "dXNlcjpzM2NyZXQtcGFzc3dvcmQ="; // user:s3cret-password

fn verify_output(root: &Path, json: bool) -> (Exit, String) {
    let request = VerifyRequest {
        roots: vec![root.to_path_buf()],
        example: true,
        json,
        ..Default::default()
    };
    let (result, out, err) = common::verify_captured(&request);
    (result.unwrap(), format!("{out}{err}"))
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn verify_never_follows_a_link_where_a_node_file_should_be() {
    let outside = tempfile::tempdir().unwrap();
    let shadow = outside.path().join("shadow");
    fs::write(&shadow, SHADOW).unwrap();
    let docker_config = outside.path().join("config.json");
    fs::write(
        &docker_config,
        format!("{{\"auths\":{{\"quay.io\":{{\"auth\":\"{AUTH}\"}}}}}}\n"),
    )
    .unwrap();
    for (node_file, target) in [
        (paths::POLICY_JSON, &shadow),
        (paths::POLICY_JSON, &docker_config),
        (paths::REGISTRIES_CONF, &shadow),
        (paths::KUBELET_CONFIG_JSON, &docker_config),
        (paths::SEARCH_REGISTRIES_DROP_IN, &shadow),
    ] {
        let root = common::example_root(Default::default());
        let path = root.path().join(node_file);
        let _ = fs::remove_file(&path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        symlink(target, &path).unwrap();
        for json in [false, true] {
            let (exit, out) = verify_output(root.path(), json);
            assert_eq!(exit, Exit::Failed, "{node_file}:\n{out}");
            assert!(
                out.contains("is a symbolic link; not followed"),
                "{node_file}:\n{out}"
            );
            for needle in ["SECRETHASH", "ANOTHERSECRET", AUTH, "saltsalt"] {
                assert!(
                    !out.contains(needle),
                    "{node_file} -> {}: {needle} printed:\n{out}",
                    target.display()
                );
            }
        }
    }
}

#[test]
fn verify_reports_a_link_on_the_way_and_special_files() {
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(outside.path().join("containers")).unwrap();
    fs::write(outside.path().join("containers/policy.json"), SHADOW).unwrap();
    let root = common::example_root(Default::default());
    // etc/containers swapped for a link to a folder outside.
    let containers = root.path().join("etc/containers");
    fs::rename(&containers, root.path().join("etc/containers.real")).unwrap();
    symlink(outside.path().join("containers"), &containers).unwrap();
    let (exit, out) = verify_output(root.path(), false);
    assert_eq!(exit, Exit::Failed);
    assert_contains(&out, "etc/containers is a symbolic link");
    assert!(!out.contains("SECRETHASH"), "{out}");

    // A FIFO and a link to /dev/zero where node files should be: reported at once, never read.
    let root = common::example_root(Default::default());
    let policy = root.path().join(paths::POLICY_JSON);
    fs::remove_file(&policy).unwrap();
    mkfifo(&policy);
    let auth = root.path().join(paths::KUBELET_CONFIG_JSON);
    let _ = fs::remove_file(&auth);
    fs::create_dir_all(auth.parent().unwrap()).unwrap();
    symlink("/dev/zero", &auth).unwrap();
    let path = root.path().to_path_buf();
    let (exit, out) = within_seconds("verify over a FIFO", move || verify_output(&path, false));
    assert_eq!(exit, Exit::Failed);
    assert_contains(&out, "policy.json: is a FIFO; not followed");
    assert_contains(&out, "config.json: is a symbolic link; not followed");
}

#[test]
fn a_docker_config_is_never_quoted_in_a_diff() {
    let root = common::example_root(Default::default());
    fs::write(
        root.path().join(paths::POLICY_JSON),
        format!("{{\"auths\":{{\"quay.io\":{{\"auth\":\"{AUTH}\"}}}}}}\n"),
    )
    .unwrap();
    for json in [false, true] {
        let (exit, out) = verify_output(root.path(), json);
        assert_eq!(exit, Exit::Failed);
        assert_contains(&out, "differs (holds credentials; not shown)");
        assert!(!out.contains(AUTH), "{out}");
    }
}

#[test]
fn node_file_lines_in_a_diff_are_escaped() {
    let root = common::example_root(Default::default());
    let policy = root.path().join(paths::POLICY_JSON);
    let mut bytes = fs::read(&policy).unwrap();
    bytes.extend_from_slice(b"\x1b[2J\x1b]0;pwned\x07\n");
    fs::write(&policy, bytes).unwrap();
    let (_, out) = verify_output(root.path(), false);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert_contains(&out, "\\u{1b}[2J");
}

/// Resolves a reference on `root`: the error, or what stderr said (an unusable config.json is a warning per
/// source, as the pull would go on without credentials).
fn resolve_root(root: PathBuf) -> String {
    let request = ResolveRequest {
        config: ConfigSource::Root(root),
        reference: Some("quay.io/openshift-release-dev/ocp-release:4.16".into()),
        batch: false,
        json: false,
    };
    let (result, _, err) =
        common::capture(|out, err, style| run_with_input(&request, &mut &b""[..], out, err, style));
    match result {
        Ok(_) => err,
        Err(e) => e.to_string(),
    }
}

#[test]
fn resolve_refuses_links_fifos_and_huge_files_at_once() {
    type Plant = fn(&Path);
    let plants: [(&str, &str, Plant); 6] = [
        ("registries.conf -> /dev/zero", "is a symbolic link", |p| {
            symlink("/dev/zero", p.join(paths::REGISTRIES_CONF)).unwrap()
        }),
        ("drop-in -> /dev/zero", "is a symbolic link", |p| {
            symlink(
                "/dev/zero",
                p.join(paths::REGISTRIES_CONF_D).join("50-zero.conf"),
            )
            .unwrap()
        }),
        ("config.json -> /dev/zero", "is a symbolic link", |p| {
            symlink("/dev/zero", p.join(paths::KUBELET_CONFIG_JSON)).unwrap()
        }),
        ("registries.conf a FIFO", "is a FIFO", |p| {
            mkfifo(&p.join(paths::REGISTRIES_CONF))
        }),
        ("drop-in a FIFO", "is a FIFO", |p| {
            mkfifo(&p.join(paths::REGISTRIES_CONF_D).join("50-fifo.conf"))
        }),
        ("registries.conf sparse 8 GiB", "larger than", |p| {
            let file = fs::File::create(p.join(paths::REGISTRIES_CONF)).unwrap();
            file.set_len(8 << 30).unwrap();
        }),
    ];
    for (what, expected, plant) in plants {
        let root = tempfile::tempdir().unwrap();
        for dir in [paths::REGISTRIES_CONF_D, "var/lib/kubelet"] {
            fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        plant(root.path());
        let path = root.path().to_path_buf();
        let e = within_seconds(what, move || resolve_root(path));
        assert!(e.contains(expected), "{what}: {e}");
    }
}

#[test]
fn batch_lines_are_bounded() {
    let root = common::example_root(Default::default());
    let request = ResolveRequest {
        config: ConfigSource::Root(root.path().to_path_buf()),
        reference: None,
        batch: true,
        json: false,
    };
    let e = within_seconds("--batch from /dev/zero", move || {
        let mut zero = BufReader::new(fs::File::open("/dev/zero").unwrap());
        run_with_input(
            &request,
            &mut zero,
            &mut Vec::new(),
            &mut Vec::new(),
            &Style::plain(),
        )
        .map(|_| ())
        .unwrap_err()
        .to_string()
    });
    assert!(
        e.contains("<stdin>") && e.contains("line 1 is longer than"),
        "{e}"
    );
}

#[test]
fn input_files_that_are_not_regular_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("objects.yaml");
    mkfifo(&fifo);
    let zero = dir.path().join("zero.yaml");
    symlink("/dev/zero", &zero).unwrap();
    for path in [fifo, zero] {
        let e = within_seconds("-f FILE", move || {
            read_file(&path, &mut mirror_cli::commands::command_budget())
                .unwrap_err()
                .to_string()
        });
        assert!(e.contains("not read (give a regular file"), "{e}");
    }
    // The admin's own link to a regular file is followed.
    let real = dir.path().join("real.yaml");
    fs::write(&real, "kind: List\n").unwrap();
    let link = dir.path().join("link.yaml");
    symlink(&real, &link).unwrap();
    let input = read_file(&link, &mut mirror_cli::commands::command_budget()).unwrap();
    assert_eq!(input.bytes, b"kind: List\n");
}

#[test]
fn one_budget_covers_every_input_of_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = Vec::new();
    for i in 0..3 {
        let path = dir.path().join(format!("{i}.yaml"));
        fs::write(&path, "#".repeat(1 << 20)).unwrap();
        args.push(path.display().to_string());
    }
    // Each file is within its own limit; together they are not within the budget.
    let mut budget = Budget::new((5 << 20) / 2);
    let e = read_inputs(&args, false, &mut budget)
        .unwrap_err()
        .to_string();
    assert!(e.contains("2.yaml") && e.contains("budget"), "{e}");
    let mut budget = Budget::new(4 << 20);
    assert_eq!(read_inputs(&args, false, &mut budget).unwrap().len(), 3);
    assert_eq!(budget.spent(), 3 << 20);
}

#[test]
fn verify_reports_owners_and_folders_others_may_write() {
    let root = common::example_root(Default::default());
    let etc_containers = root.path().join("etc/containers");
    fs::set_permissions(&etc_containers, fs::Permissions::from_mode(0o777)).unwrap();
    let (exit, out) = verify_output(root.path(), false);
    assert_eq!(exit, Exit::Failed);
    assert_contains(&out, "etc/containers: writable by anyone (0777)");
    if !rustix::process::geteuid().is_root() {
        eprintln!("owners: not checked (not running as root)");
        return;
    }
    fs::set_permissions(&etc_containers, fs::Permissions::from_mode(0o755)).unwrap();
    let auth = root.path().join(paths::KUBELET_CONFIG_JSON);
    std::os::unix::fs::chown(&auth, Some(1000), Some(1000)).unwrap();
    std::os::unix::fs::chown(root.path().join("var/lib"), Some(1000), None).unwrap();
    let (exit, out) = verify_output(root.path(), false);
    assert_eq!(exit, Exit::Failed);
    assert_contains(
        &out,
        "config.json: owned by 1000:1000, expected 0:0 (root:root)",
    );
    assert_contains(&out, "var/lib: owned by 1000:0");
}

#[test]
fn a_node_s_files_share_the_command_s_budget() {
    let root = common::example_root(Default::default());
    // What the -f inputs left: less than the node's registries.conf.
    let request = VerifyRequest {
        roots: vec![root.path().to_path_buf()],
        example: true,
        budget: Some(Budget::new(100)),
        ..Default::default()
    };
    let (result, _, _) = common::verify_captured(&request);
    let e = result.unwrap_err().to_string();
    assert_contains(&e, "exceed their budget of 100 bytes");
}

#[test]
fn the_binary_under_a_memory_limit_refuses_dev_zero_and_sparse_files() {
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no prlimit");
        return;
    }
    let root = common::example_root(Default::default());
    let sparse = tempfile::tempdir().unwrap();
    fs::create_dir_all(sparse.path().join(paths::REGISTRIES_CONF_D)).unwrap();
    fs::File::create(sparse.path().join(paths::REGISTRIES_CONF))
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    let binary = env!("CARGO_BIN_EXE_mirror-cli");
    let runs: [(&str, Vec<String>, &str); 2] = [
        (
            "--batch from /dev/zero",
            vec![
                "resolve".into(),
                "--batch".into(),
                "--root".into(),
                root.path().display().to_string(),
            ],
            "line 1 is longer than",
        ),
        (
            "a sparse 8 GiB registries.conf",
            vec![
                "resolve".into(),
                "quay.io/a/b:1".into(),
                "--root".into(),
                sparse.path().display().to_string(),
            ],
            "larger than",
        ),
    ];
    for (what, args, expected) in runs {
        // 1 GiB of address space: far below what reading either input whole would take.
        let output = std::process::Command::new("prlimit")
            .arg("--as=1073741824")
            .arg(binary)
            .args(&args)
            .stdin(fs::File::open("/dev/zero").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains(expected), "{what}: {stderr}");
    }
}
