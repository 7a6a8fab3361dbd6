//! No secret ever reaches a message: every `pull-secret`, `trust` and `icsp` command is run with a known password,
//! a known identity token and a CA file holding a private key, and stdout, stderr, the error text (Display and Debug)
//! and the request's Debug are scanned for them. The only output allowed to hold credentials is the file a command
//! was asked for (the JSON of `merge` and `add`, the edited file of `remove`); even that is checked where the secret
//! must be gone (after `remove`).

use base64::Engine as _;
use std::path::PathBuf;

use dockerconfig::Secret;
use mirror_cli::cluster::Input;

use crate::common::{self, input};
use mirror_cli::commands::Style;
use mirror_cli::commands::icsp_cmd::{self, IcspRequest};
use mirror_cli::commands::pull_secret::{self, OutputOptions, PullSecretRequest};
use mirror_cli::commands::trust::{self, TrustRequest};

const PASSWORD: &str = "Kn0wn-Pa55word-zq81";
const TOKEN: &str = "Kn0wn-T0ken-xv42";
const USER: &str = "mirror-user";
const KEY_FILE: &str = "tests/trust_data/ca-with-key.pem";

/// Everything that must never be printed: the password and token, the `auth` that carries them, and the body lines of
/// the private key.
fn needles() -> Vec<String> {
    let mut needles = common::credential_needles(USER, PASSWORD, TOKEN);
    let pem = std::fs::read_to_string(KEY_FILE).unwrap();
    let key_body = pem
        .split("-----BEGIN PRIVATE KEY-----")
        .nth(1)
        .unwrap()
        .split("-----END PRIVATE KEY-----")
        .next()
        .unwrap();
    needles.extend(
        key_body
            .lines()
            .map(str::trim)
            .filter(|l| l.len() >= 16)
            .map(str::to_owned),
    );
    assert!(
        needles.len() >= 7,
        "the key file has body lines to look for"
    );
    needles
}

fn auth() -> String {
    go_compat::encode_std_base64(format!("{USER}:{PASSWORD}"))
}

/// A docker config holding the password (in `auth`) and the token.
fn secret_json() -> String {
    format!(
        r#"{{"auths":{{"mirror.example.com:5000":{{"auth":"{}","identitytoken":"{TOKEN}"}},"quay.io":{{"auth":"cTpw"}}}}}}"#,
        auth()
    )
}

/// The same as a Secret manifest.
fn secret_yaml(secret_type: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pull-secret\n  namespace: openshift-config\ntype: {secret_type}\n\
         data:\n  .dockerconfigjson: {}\n",
        go_compat::encode_std_base64(secret_json())
    )
}

struct Seen {
    what: String,
    stdout: String,
    everything_else: String,
}

fn scan(seen: &Seen, check_stdout: bool) {
    let needles = needles();
    common::assert_no_secret(
        &seen.what,
        "in stderr, the error or a Debug",
        &seen.everything_else,
        &needles,
    );
    if check_stdout {
        common::assert_no_secret(&seen.what, "on stdout", &seen.stdout, &needles);
    }
}

fn run_pull_secret(what: &str, request: PullSecretRequest) -> Seen {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = pull_secret::run(&request, &mut out, &mut err, &Style::plain());
    seen(what, format!("{request:?}"), result, out, err)
}

fn seen(
    what: &str,
    request_debug: String,
    result: Result<mirror_cli::commands::Exit, mirror_cli::Error>,
    out: Vec<u8>,
    err: Vec<u8>,
) -> Seen {
    let error = match &result {
        Ok(_) => String::new(),
        Err(e) => format!("{e}\n{e:?}"),
    };
    Seen {
        what: what.to_owned(),
        stdout: String::from_utf8_lossy(&out).into_owned(),
        everything_else: format!(
            "{}\n{error}\n{request_debug}",
            String::from_utf8_lossy(&err)
        ),
    }
}

fn add(file: Input, registry: &str, username: &str) -> PullSecretRequest {
    PullSecretRequest::Add(pull_secret::AddRequest {
        input: file,
        registry: registry.into(),
        username: username.into(),
        password: Secret::new(PASSWORD),
        output: OutputOptions::default(),
    })
}

#[test]
fn pull_secret_commands_never_print_a_secret() {
    let bare = || input("auth.json", secret_json());
    let manifest = || {
        input(
            "pull-secret.yaml",
            secret_yaml("kubernetes.io/dockerconfigjson"),
        )
    };

    // merge and add: their stdout is the requested file (it must hold the credentials); the rest is scanned.
    let merged = run_pull_secret(
        "merge",
        PullSecretRequest::Merge(pull_secret::MergeRequest {
            inputs: vec![input("other.json", r#"{"auths":{}}"#), bare(), manifest()],
            output: OutputOptions::default(),
        }),
    );
    assert!(
        merged.stdout.contains(&auth()),
        "the merged file holds the auth"
    );
    scan(&merged, false);
    for (what, request) in [
        ("add to a bare file", add(bare(), "new.example.com", USER)),
        (
            "add to a Secret",
            add(manifest(), "mirror.example.com:5000", USER),
        ),
        (
            "add to an empty file",
            add(input("empty.json", "{}"), "new.example.com", USER),
        ),
    ] {
        let added = run_pull_secret(what, request);
        assert!(
            added.stdout.contains("apiVersion") || added.stdout.contains(&auth()),
            "{what}"
        );
        scan(&added, false);
    }
    // Refused adds print nothing secret, not even the password they were given.
    for (what, request) in [
        (
            "add with a bad registry",
            add(bare(), "https://bad_host", USER),
        ),
        (
            "add with a colon in the user",
            add(bare(), "new.example.com", "a:b"),
        ),
        (
            "add to a broken file",
            add(
                input("broken.json", &secret_json()[..40]),
                "new.example.com",
                USER,
            ),
        ),
    ] {
        scan(&run_pull_secret(what, request), true);
    }

    // remove of the entry holding the secrets: after it, the output holds no trace of them.
    for file in [bare(), manifest()] {
        let removed = run_pull_secret(
            "remove",
            PullSecretRequest::Remove(pull_secret::RemoveRequest {
                input: file,
                registry: "mirror.example.com:5000".into(),
                ignore_not_found: false,
                output: OutputOptions::default(),
            }),
        );
        let decoded = decode_secret_output(&removed.stdout);
        assert!(
            !decoded.contains(PASSWORD) && !decoded.contains(TOKEN),
            "{decoded}"
        );
        scan(&removed, true);
    }

    // get, on every outcome, and every unreadable or refused file.
    for reference in [
        "mirror.example.com:5000/ocp/release:4.16",
        "quay.io/x/y",
        "docker.io/library/busybox",
        "Bad Reference",
    ] {
        for file in [bare(), manifest()] {
            scan(
                &run_pull_secret(
                    &format!("get {reference}"),
                    PullSecretRequest::Get(pull_secret::GetRequest {
                        format: Default::default(),
                        input: file,
                        reference: reference.into(),
                    }),
                ),
                true,
            );
        }
    }
    let broken = [
        input("truncated.json", &secret_json()[..secret_json().len() - 3]),
        input("opaque.yaml", secret_yaml("Opaque")),
        input(
            "bad-auth.json",
            secret_json().replace(&auth(), &format!("{PASSWORD}!!")),
        ),
        input(
            "dup.json",
            format!(
                r#"{{"auths":{{"a.io":{{"auth":"{}","auth":"{PASSWORD}"}}}}}}"#,
                auth()
            ),
        ),
        input(
            "wrong-type.json",
            format!(r#"{{"auths":{{"a.io":{{"auth":["{PASSWORD}"]}}}}}}"#),
        ),
        input(
            "yaml-garbage.yaml",
            format!("kind: Secret\napiVersion: v1\ndata: [{PASSWORD}\n"),
        ),
    ];
    for file in broken {
        let name = file.name.clone();
        scan(
            &run_pull_secret(
                &format!("get on {name}"),
                PullSecretRequest::Get(pull_secret::GetRequest {
                    format: Default::default(),
                    input: file,
                    reference: "a.io/x".into(),
                }),
            ),
            true,
        );
    }
}

/// The docker config inside remove's output, whatever its shape, so a base64-wrapped secret cannot hide.
fn decode_secret_output(stdout: &str) -> String {
    match stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix(".dockerconfigjson: "))
    {
        Some(b64) => String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        )
        .unwrap(),
        None => stdout.to_owned(),
    }
}

#[test]
fn trust_commands_never_print_a_private_key() {
    let now = trust_bundle::UnixTime::now();
    let requests = [
        TrustRequest::ConfigMap(trust::ConfigMapRequest {
            format: Default::default(),
            name: "registry-config".into(),
            namespace: "openshift-config".into(),
            pairs: vec![
                "mirror.registry.com:443=tests/trust_data/ca.pem".into(),
                format!("mirror.example.com:5000={KEY_FILE}"),
            ],
            output: None,
            now,
            out_of_validity: trust_bundle::OutOfValidity::Refuse,
        }),
        TrustRequest::Check(trust::CheckRequest {
            format: Default::default(),
            files: vec![
                PathBuf::from(KEY_FILE),
                PathBuf::from("tests/trust_data/ca.pem"),
            ],
            now,
        }),
    ];
    for request in &requests {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let result = trust::run(request, &mut out, &mut err, &Style::plain());
        assert!(
            result.is_err() || matches!(result, Ok(mirror_cli::commands::Exit::Failed)),
            "a key is refused"
        );
        scan(
            &seen("trust", format!("{request:?}"), result, out, err),
            true,
        );
    }
}

#[test]
fn icsp_commands_never_print_a_secret() {
    let stream = format!(
        "{}---\napiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: bad\nspec:\n  \
         repositoryDigestMirrors:\n  - source: quay.io/ns/repo:latest\n    mirrors: [m.example.com/x]\n",
        secret_yaml("Opaque")
    );
    let requests = [
        IcspRequest::Validate(icsp_cmd::ValidateRequest {
            format: Default::default(),
            inputs: vec![input("cluster.yaml", &stream)],
            now: None,
            strictness: icsp::Strictness::Strict,
            limits: icsp::Limits::default(),
        }),
        IcspRequest::Migrate(icsp_cmd::MigrateRequest {
            inputs: vec![input("cluster.yaml", &stream)],
            ..Default::default()
        }),
        IcspRequest::Validate(icsp_cmd::ValidateRequest {
            format: Default::default(),
            inputs: vec![input(
                "broken.yaml",
                format!("{stream}  extra: [{PASSWORD}\n"),
            )],
            now: None,
            strictness: icsp::Strictness::Strict,
            limits: icsp::Limits::default(),
        }),
    ];
    for request in &requests {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let result = icsp_cmd::run(request, &mut out, &mut err, &Style::plain());
        scan(
            &seen("icsp", format!("{request:?}"), result, out, err),
            true,
        );
    }
}

#[test]
fn binary_never_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("auth.json");
    std::fs::write(&file, secret_json()).unwrap();
    let run = |args: &[&str], stdin: &str| {
        let output = common::run_binary(args, stdin);
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let path = file.to_str().unwrap();
    let out_file = dir.path().join("out.json");
    let out_path = out_file.to_str().unwrap();
    let password_line = format!("{PASSWORD}\n");
    fn add<'a>(
        path: &'a str,
        registry: &'a str,
        username: &'a str,
        extra: &[&'a str],
    ) -> Vec<&'a str> {
        let mut args = vec![
            "pull-secret",
            "add",
            path,
            "--registry",
            registry,
            "--username",
            username,
            "--password-stdin",
        ];
        args.extend_from_slice(extra);
        args
    }
    for (args, stdin, stdout_is_the_file) in [
        (
            add(path, "r.example.com", USER, &[]),
            password_line.as_str(),
            true,
        ),
        (
            add(path, "r.example.com", USER, &["--output-file", out_path]),
            password_line.as_str(),
            false,
        ),
        (
            add(path, "bad_host", USER, &[]),
            password_line.as_str(),
            false,
        ),
        (
            add(path, "r.example.com", "a:b", &[]),
            password_line.as_str(),
            false,
        ),
        (
            vec!["pull-secret", "get", path, "mirror.example.com:5000/x"],
            "",
            false,
        ),
        (
            vec![
                "pull-secret",
                "merge",
                path,
                path,
                "--output-file",
                out_path,
            ],
            "",
            false,
        ),
        (
            vec![
                "pull-secret",
                "remove",
                path,
                "--registry",
                "mirror.example.com:5000",
            ],
            "",
            false,
        ),
        (
            vec!["trust", "configmap", &format!("r.example.com={KEY_FILE}")],
            "",
            false,
        ),
        (vec!["trust", "check", KEY_FILE], "", false),
    ] {
        let (stdout, stderr) = run(&args, stdin);
        let seen = Seen {
            what: args.join(" "),
            stdout,
            everything_else: stderr,
        };
        scan(&seen, !stdout_is_the_file);
    }
    // The --output-file file holds the password, as asked, with mode 0600.

    assert_eq!(common::mode(&out_file), 0o600);
}

/// The scan itself finds a leak (so the tests above cannot pass by looking at nothing).
#[test]
#[should_panic(expected = "a secret")]
fn the_scan_catches_a_leak() {
    scan(
        &Seen {
            what: "planted".into(),
            stdout: String::new(),
            everything_else: format!("error: wrong password {PASSWORD}"),
        },
        true,
    );
}

#[test]
#[should_panic(expected = "a secret on stdout")]
fn the_scan_catches_a_key_line_on_stdout() {
    let pem = std::fs::read_to_string(KEY_FILE).unwrap();
    scan(
        &Seen {
            what: "planted".into(),
            stdout: pem,
            everything_else: String::new(),
        },
        true,
    );
}
