//! Issue 8, item 5, for the node-file commands: every one of `render`, `verify`, `resolve`, `manifests`,
//! `ignition` and `diff` runs (as the real binary) with a pull secret holding a known password and identity token,
//! and nothing it prints — stdout or stderr, on success, on drift or on error — holds the password, the token or
//! the `auth` value, in clear or in base64. (`pull-secret`, `trust` and `icsp` are scanned by
//! `pull_secret_no_leak.rs`.) Where the requested output must carry the secret (the Secret of `manifests`, the data
//! URL of `ignition`), it is nested in another base64 layer, which is what a node or `oc apply` reads; the test
//! checks that too.

use crate::common::{self, run_binary};
use base64::Engine as _;
use std::fs;
use std::path::Path;
use std::process::Output;

const USER: &str = "mirroruser";
const PASSWORD: &str = "Sup3r-Secret-PW!";
const TOKEN: &str = "tok-0123456789abcdef-IDENTITY";
const REF: &str = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn b64(s: &str) -> String {
    go_compat::encode_std_base64(s.as_bytes())
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

fn scan(what: &str, output: &Output) {
    let needles = common::credential_needles(USER, PASSWORD, TOKEN);
    for (place, bytes) in [("on stdout", &output.stdout), ("on stderr", &output.stderr)] {
        common::assert_no_secret(what, place, &String::from_utf8_lossy(bytes), &needles);
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
    let secret_yaml = path("secret.yaml");
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--root",
            &root,
            "-f",
            &objects,
            "-f",
            &secret_yaml,
        ];
        args.extend_from_slice(extra);
        run_binary(&args, "")
    };

    let mut runs = vec![
        (
            "render --show",
            run_binary(
                &["render", "-f", &objects, "--pull-secret", &ps, "--show"],
                "",
            ),
        ),
        (
            "render --root",
            run_binary(
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
        ("verify (clean)", verify(&[])),
        (
            "resolve",
            run_binary(&["resolve", REF, "--root", &root], ""),
        ),
        (
            "resolve --output json",
            run_binary(&["resolve", REF, "--root", &root, "--output", "json"], ""),
        ),
        (
            "resolve --batch",
            run_binary(
                &["resolve", "--batch", "--root", &root],
                &format!("{REF}\nquay.io/x/y:1\n"),
            ),
        ),
        (
            "ignition",
            run_binary(&["ignition", "-f", &objects, "--pull-secret", &ps], ""),
        ),
        (
            "diff",
            run_binary(
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
            run_binary(
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
            run_binary(&["render", "-f", &path("secret2.yaml")], ""),
        ),
    ];
    // Drift in the credentials themselves: the node holds another password; neither may be shown.
    let kubelet = dir.path().join("root/var/lib/kubelet/config.json");
    let drifted = fs::read_to_string(&kubelet)
        .unwrap()
        .replace(&b64(&format!("{USER}:{PASSWORD}")), &b64("x:y"));
    fs::write(&kubelet, drifted).unwrap();
    runs.push(("verify (credentials drift)", verify(&[])));
    runs.push((
        "verify --output json (drift)",
        verify(&["--output", "json"]),
    ));
    // A broken pull secret whose bytes hold the password: the error names the place, never the bytes.
    fs::write(
        path("broken.json"),
        format!("{{\"auths\": {{\"x\": {{\"auth\": \"{PASSWORD}\" }}}}"),
    )
    .unwrap();
    runs.push((
        "render, broken pull secret",
        run_binary(
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
