//! `mirror-cli pull-secret`: every output and message, through the library functions with in-memory writers, and a
//! few runs of the built binary (password on stdin, `--output-file FILE` written atomically with mode 0600, exit codes).

use crate::common::{self, assert_contains, assert_starts_with};
use std::os::unix::fs::PermissionsExt as _;
use std::process::Stdio;

use dockerconfig::Secret;
use mirror_cli::cluster::Input;

use crate::common::input;
use mirror_cli::commands::Style;
use mirror_cli::commands::pull_secret::{
    AddRequest, GetRequest, MergeRequest, OutputOptions, PullSecretRequest, RemoveRequest, run,
};
use mirror_cli::pull_secret::read_password;

const PULL_SECRET_JSON: &str = r#"{"auths":{"quay.io":{"auth":"cXVheS11c2VyOnF1YXktcGFzcw==","email":"demo@example.com"},"registry.redhat.io":{"auth":"cmg6cmhwYXNz"}}}"#;

const MIRROR_AUTH_JSON: &str = r#"{
  "auths": {
    "mirror.example.com:5000": {"auth": "bWlycm9yOm1pcnJvci1wYXNz"},
    "https://quay.io/v1/": {"auth": "bmV3LXVzZXI6bmV3LXBhc3M="},
    "registry.redhat.io": {"auth": "cmg6cmhwYXNz"}
  }
}"#;

/// The same pull secret as a Secret manifest (the `.dockerconfigjson` of [`PULL_SECRET_JSON`], base64).
fn secret_yaml() -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pull-secret\n  namespace: openshift-config\n\
         type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
        go_compat::encode_std_base64(PULL_SECRET_JSON)
    )
}

/// Runs a request and shows everything a user sees: exit code (or error), stdout, stderr.
fn show(request: &PullSecretRequest) -> String {
    common::show(|out, err, style| run(request, out, err, style))
}

fn add_request(file: Input, registry: &str, username: &str, password: &str) -> PullSecretRequest {
    PullSecretRequest::Add(AddRequest {
        input: file,
        registry: registry.into(),
        username: username.into(),
        password: Secret::new(password),
        output: OutputOptions::default(),
    })
}

#[test]
fn merge_pretty_and_compact() {
    let request = PullSecretRequest::Merge(MergeRequest {
        inputs: vec![
            input("pull-secret.json", PULL_SECRET_JSON),
            input("mirror-auth.json", MIRROR_AUTH_JSON),
        ],
        output: OutputOptions::default(),
    });
    insta::assert_snapshot!("merge_pretty", show(&request));
    let request = PullSecretRequest::Merge(MergeRequest {
        inputs: vec![
            input("pull-secret.yaml", secret_yaml()),
            input("mirror-auth.json", MIRROR_AUTH_JSON),
        ],
        output: OutputOptions {
            compact: true,
            output: None,
        },
    });
    insta::assert_snapshot!("merge_compact_from_secret", show(&request));
}

#[test]
fn merge_needs_two_files() {
    let request = PullSecretRequest::Merge(MergeRequest {
        inputs: vec![input("pull-secret.json", PULL_SECRET_JSON)],
        output: OutputOptions::default(),
    });
    insta::assert_snapshot!(show(&request), @r"
    exit 2, error: pull-secret merge needs at least two files (got 1)
    --- stdout
    --- stderr
    ");
}

/// One test per `add` case, each with its snapshot: `add_case!(test, snapshot, file, registry, user)`.
macro_rules! add_case {
    ($test:ident, $snapshot:literal, $file:expr, $registry:literal, $user:literal) => {
        #[test]
        fn $test() {
            let request = add_request($file, $registry, $user, "s3cret");
            insta::assert_snapshot!($snapshot, show(&request));
        }
    };
}

add_case!(
    add_to_a_bare_file,
    "add_bare",
    input("pull-secret.json", PULL_SECRET_JSON),
    "mirror.registry.com:443",
    "mirror"
);
add_case!(
    add_to_a_secret,
    "add_secret",
    input("pull-secret.yaml", secret_yaml()),
    "mirror.registry.com:443",
    "mirror"
);
// Another spelling of quay.io is replaced in place, keeping its key.
add_case!(
    add_replaces_another_spelling,
    "add_replaces",
    input("pull-secret.json", PULL_SECRET_JSON),
    "quay.io",
    "robot"
);
add_case!(
    add_for_a_namespace,
    "add_namespace",
    input("pull-secret.json", PULL_SECRET_JSON),
    "mirror.example.com:5000/ocp",
    "ci"
);

#[test]
fn add_round_trips_through_get() {
    // What `add` writes, `get` finds: containers/image would send these credentials.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let added = add_request(
        input("pull-secret.yaml", secret_yaml()),
        "mirror.registry.com:443",
        "mirror",
        "s3cret",
    );
    run(&added, &mut out, &mut err, &Style::plain()).unwrap();
    let get = PullSecretRequest::Get(GetRequest {
        format: Default::default(),
        input: Input {
            name: "added.yaml".into(),
            bytes: out,
        },
        reference: "mirror.registry.com:443/ocp/release@sha256:0000000000000000000000000000000000000000000000000000000000000000".into(),
    });
    let shown = show(&get);
    assert_starts_with(&shown, "exit 0");
    assert_contains(&shown, "sends:   mirror:***");
}

#[test]
fn add_refusals() {
    let cases = [
        ("https://mirror.example.com", "u", "scheme"),
        ("bad_host:5000", "u", "host"),
        ("mirror.example.com:99999", "u", "port"),
        ("mirror.example.com:5000/ns:tag", "u", "tag"),
        ("mirror.example.com:5000", "us:er", "colon in user"),
    ];
    let requests = cases.map(|(registry, user, what)| {
        let pull_secret = input("pull-secret.json", PULL_SECRET_JSON);
        (what, add_request(pull_secret, registry, user, "s3cret"))
    });
    let all = common::cases_shown(requests, show);
    insta::assert_snapshot!(all);
}

#[test]
fn remove_every_spelling_and_not_found() {
    let request = PullSecretRequest::Remove(RemoveRequest {
        input: input("mirror-auth.json", MIRROR_AUTH_JSON),
        registry: "quay.io".into(),
        ignore_not_found: false,
        output: OutputOptions::default(),
    });
    insta::assert_snapshot!("remove_normalised", show(&request));
    let request = PullSecretRequest::Remove(RemoveRequest {
        input: input("pull-secret.yaml", secret_yaml()),
        registry: "registry.redhat.io".into(),
        ignore_not_found: false,
        output: OutputOptions::default(),
    });
    insta::assert_snapshot!("remove_from_secret", show(&request));
    let missing = |ignore_not_found| {
        PullSecretRequest::Remove(RemoveRequest {
            input: input("pull-secret.json", PULL_SECRET_JSON),
            registry: "nowhere.example.com".into(),
            ignore_not_found,
            output: OutputOptions {
                compact: true,
                output: None,
            },
        })
    };
    insta::assert_snapshot!("remove_not_found", show(&missing(false)));
    insta::assert_snapshot!("remove_ignore_not_found", show(&missing(true)));
}

#[test]
fn get_explains_the_entry() {
    let file = r#"{"auths":{
        "quay.io/openshift-release-dev":{"auth":"cmVsZWFzZTpwdw=="},
        "quay.io":{"auth":"cXVheTpwdw==","identitytoken":"tok-abc"},
        "https://index.docker.io/v1/":{"auth":"aHViOnB3"},
        "empty.example.com":{},
        "nocolon.example.com":{"auth":"bm9jb2xvbg=="}},
      "credHelpers":{"123.dkr.ecr.us-east-1.amazonaws.com":"ecr-login"}}"#;
    let mut all = String::new();
    for reference in [
        "quay.io/openshift-release-dev/ocp-release:4.16",
        "quay.io/other/image",
        "busybox",
        "empty.example.com/x/y",
        "nocolon.example.com/x",
        "123.dkr.ecr.us-east-1.amazonaws.com/app",
        "unknown.example.com/app",
        "Not A Reference",
    ] {
        let request = PullSecretRequest::Get(GetRequest {
            format: Default::default(),
            input: input("config.json", file),
            reference: reference.into(),
        });
        all.push_str(&format!("# {reference}\n{}\n", show(&request)));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn unreadable_files_say_what_they_are() {
    let cases = [
        ("syntax.json", "{\"auths\": {\"quay.io\": {\"auth\": \"x\"}"),
        (
            "wrong-type.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ps\ntype: Opaque\nstringData:\n  .dockerconfigjson: '{}'\n",
        ),
        (
            "no-key.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ps\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  other: x\n",
        ),
        (
            "configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        ),
        (
            "bad-inner.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ps\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": []}'\n",
        ),
        ("text.txt", "just some text\n"),
        (
            "bad-base64.json",
            r#"{"auths":{"quay.io":{"auth":"not base64!"}}}"#,
        ),
    ];
    let mut all = String::new();
    for (name, text) in cases {
        let request = PullSecretRequest::Get(GetRequest {
            format: Default::default(),
            input: input(name, text),
            reference: "quay.io/a/b".into(),
        });
        all.push_str(&format!("# {name}\n{}\n", show(&request)));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn password_from_stdin() {
    let read = |text: &[u8]| read_password(&mut &text[..]).map(|s| s.expose().to_owned());
    assert_eq!(read(b"s3cret\n").unwrap(), "s3cret");
    assert_eq!(read(b"s3cret\r\n").unwrap(), "s3cret");
    assert_eq!(read(b"s3cret").unwrap(), "s3cret");
    assert_eq!(read(b"first\nsecond\n").unwrap(), "first");
    assert_eq!(read(b" spaces kept \n").unwrap(), " spaces kept ");
    let empty = read(b"\n").unwrap_err().to_string();
    assert_eq!(
        empty,
        "--password-stdin: standard input held no password (an empty first line)"
    );
    assert!(read(b"").is_err());
    let long = vec![b'x'; 70 * 1024];
    assert!(read(&long).unwrap_err().to_string().contains("longer than"));
}

#[test]
fn binary_add_with_password_stdin_writes_atomically_0600() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pull-secret.yaml");
    std::fs::write(&file, secret_yaml()).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = common::output_with_stdin(
        common::binary()
            .args(["pull-secret", "add"])
            .arg(&file)
            .args([
                "--registry",
                "mirror.registry.com:443",
                "--username",
                "mirror",
                "--password-stdin",
                "--output-file",
            ])
            .arg(&file),
        b"s3cret-from-stdin\n",
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(output.stdout.is_empty(), "--output-file keeps stdout empty");
    assert!(!stderr.contains("s3cret"), "{stderr}");
    // In place: replaced, now 0600, and the only file in the folder (no temporary left behind).
    assert_eq!(common::mode(&file), 0o600);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("pull-secret.yaml")]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_starts_with(&written, "apiVersion: v1\n");
    insta::assert_snapshot!(
        stderr.replace(&dir.path().display().to_string(), "<dir>"),
        @r#"
    added "mirror.registry.com:443" (mirror:***) in <dir>/pull-secret.yaml (Secret openshift-config/pull-secret, key .dockerconfigjson)
    note: replaced <dir>/pull-secret.yaml (0600, 425 bytes)
    "#
    );
    // What was written holds the password from stdin, and `get` finds it.
    let get = binary_get(&file, "mirror.registry.com:443/ocp/release:4.16");
    assert_eq!(get.status.code(), Some(0));
    assert!(
        String::from_utf8(get.stdout)
            .unwrap()
            .contains("sends:   mirror:***")
    );
}

/// `mirror-cli pull-secret get FILE REF`.
fn binary_get(file: &std::path::Path, reference: &str) -> std::process::Output {
    common::binary()
        .args(["pull-secret", "get"])
        .arg(file)
        .arg(reference)
        .output()
        .unwrap()
}

#[test]
fn binary_exit_codes_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.json");
    std::fs::write(&file, PULL_SECRET_JSON).unwrap();
    // No --password-stdin: clap refuses (exit 2) and the password is never asked for in argv.
    let no_flag = common::binary()
        .args(["pull-secret", "add"])
        .arg(&file)
        .args(["--registry", "r.example.com", "--username", "u"])
        .output()
        .unwrap();
    assert_eq!(no_flag.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_flag.stderr).contains("--password-stdin"));
    // `-` as FILE would compete with the password for stdin.
    let dash = common::binary()
        .args(["pull-secret", "add", "-", "--registry", "r.example.com"])
        .args(["--username", "u", "--password-stdin"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(dash.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&dash.stderr),
        "error: pull-secret add: stdin carries the password; give FILE as a path\n"
    );
    // get: 0 with credentials, 1 without.
    let found = binary_get(&file, "quay.io/x/y");
    assert_eq!(found.status.code(), Some(0));
    let anonymous = binary_get(&file, "docker.io/library/busybox");
    assert_eq!(anonymous.status.code(), Some(1));
    // remove of a missing entry: 2 and the file untouched.
    let before = std::fs::read(&file).unwrap();
    let missing = common::binary()
        .args(["pull-secret", "remove"])
        .arg(&file)
        .args(["--registry", "nowhere.example.com", "--output-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // --output-file into a missing folder: 2, nothing created.
    let nowhere = dir.path().join("no/such/folder/out.json");
    let merge = common::binary()
        .args(["pull-secret", "merge"])
        .arg(&file)
        .arg(&file)
        .arg("--output-file")
        .arg(&nowhere)
        .output()
        .unwrap();
    assert_eq!(merge.status.code(), Some(2));
    assert!(!dir.path().join("no").exists());
    // merge --compact -o: the kubelet form, 0600.
    let out = dir.path().join("kubelet-config.json");
    let merge = common::binary()
        .args(["pull-secret", "merge", "--compact"])
        .arg(&file)
        .arg(&file)
        .arg("--output-file")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(merge.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{PULL_SECRET_JSON}\n")
    );
    assert_eq!(common::mode(&out), 0o600);
}

#[test]
fn help_has_examples() {
    for sub in ["merge", "add", "remove", "get"] {
        let help = common::run_binary(&["pull-secret", sub, "--help"], "");
        let text = String::from_utf8(help.stdout).unwrap();
        assert!(text.contains("Examples:"), "{sub}: {text}");
        assert!(text.contains("Exit codes:"), "{sub}: {text}");
    }
}
