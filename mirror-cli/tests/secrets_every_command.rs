//! Issue 8, item 5, for the node-file commands: every one of `render`, `verify`, `resolve`, `manifests`,
//! `ignition` and `diff` runs (as the real binary) with a pull secret holding a known password and identity token,
//! and nothing it prints — stdout or stderr, on success, on drift or on error — holds the password, the token or
//! the `auth` value, in clear or in base64. (`pull-secret`, `trust` and `icsp` are scanned by
//! `pull_secret_no_leak.rs`.) Where the requested output must carry the secret (the Secret of `manifests`, the data
//! URL of `ignition`), it is nested in another base64 layer, which is what a node or `oc apply` reads; the test
//! checks that too.

use base64::Engine as _;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const USER: &str = "mirroruser";
const PASSWORD: &str = "Sup3r-Secret-PW!";
const TOKEN: &str = "tok-0123456789abcdef-IDENTITY";
const REF: &str = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn b64(s: &str) -> String {
    go_compat::encode_std_base64(s.as_bytes())
}

fn needles() -> Vec<String> {
    vec![
        PASSWORD.into(),
        TOKEN.into(),
        b64(&format!("{USER}:{PASSWORD}")),
        b64(PASSWORD),
        b64(TOKEN),
    ]
}

fn pull_secret() -> String {
    format!(
        r#"{{"auths":{{"mirror.example.com:5000":{{"auth":"{}","identitytoken":"{TOKEN}"}},"quay.io":{{"auth":"cTpw"}}}}}}"#,
        b64(&format!("{USER}:{PASSWORD}"))
    )
}

const OBJECTS: &str = "apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: release}
spec:
  imageDigestMirrors:
  - source: quay.io/openshift-release-dev/ocp-release
    mirrors: [mirror.example.com:5000/ocp/release]
";

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mirror-cli"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn scan(what: &str, output: &Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for needle in needles() {
            assert!(
                !text.contains(&needle),
                "{what}: {stream} shows a secret ({needle:?}):\n{text}"
            );
        }
    }
}

#[test]
fn node_file_commands_never_print_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    fs::write(path("ps.json"), pull_secret()).unwrap();
    fs::write(path("objects.yaml"), OBJECTS).unwrap();
    fs::write(
        path("other.yaml"),
        OBJECTS.replace("mirror.example.com:5000", "mirror2.example.com"),
    )
    .unwrap();
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: pull-secret, namespace: openshift-config}}\n\
         type: kubernetes.io/dockerconfigjson\ndata: {{.dockerconfigjson: {}}}\n",
        b64(&pull_secret())
    );
    fs::write(path("secret.yaml"), &secret).unwrap();
    fs::write(
        path("secret2.yaml"),
        secret.replace("kubernetes.io/dockerconfigjson", "Opaque"),
    )
    .unwrap();
    let ca = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/trust_data/ca.pem")
        .display()
        .to_string();
    let (objects, ps, root) = (path("objects.yaml"), path("ps.json"), path("root"));

    let mut runs = vec![
        (
            "render --show",
            run(
                &["render", "-f", &objects, "--pull-secret", &ps, "--show"],
                "",
            ),
        ),
        (
            "render --root",
            run(
                &[
                    "render",
                    "-f",
                    &objects,
                    "-f",
                    &path("secret.yaml"),
                    "--root",
                    &root,
                ],
                "",
            ),
        ),
        (
            "verify (clean)",
            run(
                &[
                    "verify",
                    "--root",
                    &root,
                    "-f",
                    &objects,
                    "-f",
                    &path("secret.yaml"),
                ],
                "",
            ),
        ),
        ("resolve", run(&["resolve", REF, "--root", &root], "")),
        (
            "resolve --output json",
            run(&["resolve", REF, "--root", &root, "--output", "json"], ""),
        ),
        (
            "resolve --batch",
            run(
                &["resolve", "--batch", "--root", &root],
                &format!("{REF}\nquay.io/x/y:1\n"),
            ),
        ),
        (
            "ignition",
            run(&["ignition", "-f", &objects, "--pull-secret", &ps], ""),
        ),
        (
            "diff",
            run(
                &[
                    "diff",
                    "--from",
                    &objects,
                    "--from",
                    &path("secret.yaml"),
                    "--to",
                    &path("other.yaml"),
                ],
                "",
            ),
        ),
        (
            "manifests",
            run(
                &[
                    "manifests",
                    "--registry",
                    "mirror.example.com:5000",
                    "--ca",
                    &ca,
                    "--pull-secret",
                    &ps,
                    "--username",
                    USER,
                    "--password-stdin",
                    "--map",
                    "quay.io/openshift-release-dev/ocp-release=mirror.example.com:5000/ocp/release",
                ],
                &format!("{PASSWORD}\n"),
            ),
        ),
        (
            "render, wrong secret type",
            run(&["render", "-f", &path("secret2.yaml")], ""),
        ),
    ];
    // Drift in the credentials themselves: the node holds another password; neither may be shown.
    let kubelet = dir.path().join("root/var/lib/kubelet/config.json");
    let drifted = fs::read_to_string(&kubelet)
        .unwrap()
        .replace(&b64(&format!("{USER}:{PASSWORD}")), &b64("x:y"));
    fs::write(&kubelet, drifted).unwrap();
    runs.push((
        "verify (credentials drift)",
        run(
            &[
                "verify",
                "--root",
                &root,
                "-f",
                &objects,
                "-f",
                &path("secret.yaml"),
            ],
            "",
        ),
    ));
    runs.push((
        "verify --output json (drift)",
        run(
            &[
                "verify",
                "--root",
                &root,
                "-f",
                &objects,
                "-f",
                &path("secret.yaml"),
                "--output",
                "json",
            ],
            "",
        ),
    ));
    // A broken pull secret whose bytes hold the password: the error names the place, never the bytes.
    fs::write(
        path("broken.json"),
        format!("{{\"auths\": {{\"x\": {{\"auth\": \"{PASSWORD}\" }}}}"),
    )
    .unwrap();
    runs.push((
        "render, broken pull secret",
        run(
            &[
                "render",
                "-f",
                &objects,
                "--pull-secret",
                &path("broken.json"),
            ],
            "",
        ),
    ));

    for (what, output) in &runs {
        scan(what, output);
    }
    let code = |what: &str| {
        runs.iter()
            .find(|(w, _)| *w == what)
            .unwrap()
            .1
            .status
            .code()
    };
    assert_eq!(code("render --root"), Some(0));
    assert_eq!(code("verify (clean)"), Some(0));
    assert_eq!(code("verify (credentials drift)"), Some(1));
    assert_eq!(code("manifests"), Some(0));
    assert_eq!(code("render, wrong secret type"), Some(2));
    assert_eq!(code("render, broken pull secret"), Some(2));

    // The outputs that must carry the secret carry it only inside the data a node or the API server decodes.
    let manifests = String::from_utf8(
        runs.iter()
            .find(|(w, _)| *w == "manifests")
            .unwrap()
            .1
            .stdout
            .clone(),
    )
    .unwrap();
    let data = manifests
        .lines()
        .find_map(|l| l.trim().strip_prefix(".dockerconfigjson: "))
        .expect("Secret data");
    let decoded = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap(),
    )
    .unwrap();
    assert!(
        decoded.contains(&b64(&format!("{USER}:{PASSWORD}"))),
        "the mirror's credentials were merged in"
    );
}
