//! `mirror-cli probe` against a small registry on 127.0.0.1 (plain HTTP, an insecure mirror as the node's
//! registries.conf says, Basic auth as docker-registry with htpasswd): the text and JSON output, the exit codes, a
//! release whose image-references lists a missing component, and no secret in anything it prints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use mirror_cli::commands::probe::{ProbeArgs, ProbeOutput, run};
use registry_probe::Digest;

use crate::common::{
    assert_contains, assert_no_secret, assert_starts_with, capture, credential_needles, run_binary,
    show,
};
use crate::http_server::{Req, Resp, Server};

const USER: &str = "probeuser";
const PASSWORD: &str = "Pr0be-Secret-PW!";
const OCI: &str = "application/vnd.oci.image.manifest.v1+json";
const SOURCE: &str = "quay.io/openshift-release-dev/ocp-release";
const ART: &str = "quay.io/openshift-release-dev/ocp-v4.0-art-dev";

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[derive(Default)]
struct Content {
    /// (repository, tag or digest) → manifest bytes (all OCI image manifests).
    manifests: HashMap<(String, String), Vec<u8>>,
    blobs: HashMap<String, Vec<u8>>,
}

/// A registry answering as docker/distribution with htpasswd does, on plain HTTP.
struct Registry {
    server: Server,
    content: Arc<Mutex<Content>>,
}

impl Registry {
    fn start() -> Registry {
        let content = Arc::new(Mutex::new(Content::default()));
        let shared = content.clone();
        let server = Server::http("127.0.0.1", move |req| answer(req, &shared));
        Registry { server, content }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.server.port())
    }

    /// Stores an image (one layer holding `files`) under `repo` and `tag`; returns its manifest digest.
    fn put_image(&self, repo: &str, tag: &str, files: &[(&str, &[u8])]) -> Digest {
        let layer = tar(files);
        let layer_digest = Digest::sha256(&layer);
        let config = br#"{"architecture":"amd64","os":"linux"}"#.to_vec();
        let config_digest = Digest::sha256(&config);
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config_digest}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer_digest}","size":{}}}]}}"#,
            config.len(),
            layer.len()
        )
        .into_bytes();
        let digest = Digest::sha256(&manifest);
        let mut c = self.content.lock().unwrap();
        c.blobs.insert(layer_digest.to_string(), layer);
        c.blobs.insert(config_digest.to_string(), config);
        c.manifests
            .insert((repo.into(), digest.to_string()), manifest.clone());
        c.manifests.insert((repo.into(), tag.into()), manifest);
        digest
    }
}

/// A plain (ustar) tar of regular files.
fn tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..107].copy_from_slice(b"0000644");
        header[108..115].copy_from_slice(b"0000000");
        header[116..123].copy_from_slice(b"0000000");
        header[124..135].copy_from_slice(format!("{:011o}", bytes.len()).as_bytes());
        header[136..147].copy_from_slice(b"00000000000");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
        header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// The answer to `req`: 401 with a Basic challenge unless it carries the user's password, else the content.
fn answer(req: &Req, content: &Mutex<Content>) -> Resp {
    let authorized = req.header("authorization")
        == Some(&format!("Basic {}", b64(&format!("{USER}:{PASSWORD}"))));
    if !authorized {
        return Resp::new(401)
            .header("WWW-Authenticate", r#"Basic realm="Registry Realm""#)
            .body(
                &br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#[..],
            );
    }
    let path = req.path();
    if path == "/v2/" {
        return Resp::new(200).body(&b"{}"[..]);
    }
    let c = content.lock().unwrap();
    let rest = path.strip_prefix("/v2/").unwrap_or("");
    if let Some((repo, reference)) = rest.split_once("/manifests/") {
        return match c.manifests.get(&(repo.to_owned(), reference.to_owned())) {
            Some(bytes) => Resp::new(200)
                .header("Content-Type", OCI)
                .header("Docker-Content-Digest", &Digest::sha256(bytes).to_string())
                .body(bytes.clone()),
            // docker-registry 2.8 says MANIFEST_UNKNOWN for an unknown repository too.
            None => Resp::new(404).json(
                r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#,
            ),
        };
    }
    if let Some((_, digest)) = rest.split_once("/blobs/")
        && let Some(bytes) = c.blobs.get(digest)
    {
        return Resp::new(200).body(bytes.clone());
    }
    Resp::new(404).body(&b"404 page not found\n"[..])
}

/// A node root whose registries.conf sends both release repositories to the registry as an insecure mirror, and
/// whose config.json has `password` for it.
fn node_root(registry: &Registry, password: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc/containers")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/kubelet")).unwrap();
    let host = registry.host();
    std::fs::write(
        root.join("etc/containers/registries.conf"),
        format!(
            "[[registry]]\nprefix = \"\"\nlocation = \"{SOURCE}\"\n\n[[registry.mirror]]\nlocation = \"{host}/ocp/release\"\n\
             insecure = true\npull-from-mirror = \"digest-only\"\n\n[[registry]]\nprefix = \"\"\nlocation = \"{ART}\"\n\n\
             [[registry.mirror]]\nlocation = \"{host}/ocp/release\"\ninsecure = true\npull-from-mirror = \"digest-only\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("var/lib/kubelet/config.json"),
        format!(
            r#"{{"auths":{{"{host}":{{"auth":"{}"}},"quay.io":{{"auth":"{}"}}}}}}"#,
            b64(&format!("{USER}:{password}")),
            b64("quay-user:quay-token")
        ),
    )
    .unwrap();
    dir
}

fn args(root: &std::path::Path, reference: &str) -> ProbeArgs {
    ProbeArgs {
        reference: reference.to_owned(),
        root: Some(root.to_owned()),
        files: Vec::new(),
        pull_secret: None,
        release: false,
        // The source is sent where nothing listens: it fails at once, the same way everywhere.
        resolve: vec!["quay.io:443:127.0.0.1".into()],
        timeout: 20,
        connect_timeout: 5,
        concurrency: 4,
        output: ProbeOutput::Text,
    }
}

fn shown(registry: &Registry, args: &ProbeArgs) -> String {
    let text = show(|out, err, style| run(args, out, err, style));
    for needle in [
        PASSWORD.to_owned(),
        b64(&format!("{USER}:{PASSWORD}")),
        "quay-token".to_owned(),
        b64("quay-user:quay-token"),
    ] {
        assert!(!text.contains(&needle), "a secret in the output:\n{text}");
    }
    text.replace(&registry.host(), "127.0.0.1:PORT")
}

#[test]
fn a_good_pull_names_the_serving_mirror() {
    let registry = Registry::start();
    let digest = registry.put_image("ocp/release", "4.16.0", &[("hello.txt", b"hello\n")]);
    let node = node_root(&registry, PASSWORD);
    let text = shown(&registry, &args(node.path(), &format!("{SOURCE}@{digest}")));
    let text = text.replace(&digest.to_string(), "sha256:DIGEST");
    insta::assert_snapshot!(text, @r"
    exit 0
    --- stdout
    mirror insecure digest-only 127.0.0.1:PORT/ocp/release@sha256:DIGEST: ok sha256:DIGEST (application/vnd.oci.image.manifest.v1+json)
    source quay.io/openshift-release-dev/ocp-release@sha256:DIGEST: connect: connection refused by 127.0.0.1:443
    pull: from 127.0.0.1:PORT/ocp/release@sha256:DIGEST
    --- stderr
    note: 127.0.0.1:PORT/ocp/release@sha256:DIGEST: insecure registry: https failed (TLS: the server answered in plain HTTP (an insecure registry?)); plain HTTP used
    ");
}

#[test]
fn a_wrong_password_names_the_key_and_user_never_the_password() {
    let registry = Registry::start();
    let digest = registry.put_image("ocp/release", "4.16.0", &[("hello.txt", b"hello\n")]);
    let node = node_root(&registry, "not-the-password");
    let text = shown(&registry, &args(node.path(), &format!("{SOURCE}@{digest}")));
    assert_starts_with(&text, "exit 1\n");
    assert_contains(
        &text,
        r#"auth: 401 with the credentials of "127.0.0.1:PORT" (user probeuser)"#,
    );
    assert!(!text.contains("not-the-password"), "{text}");
    assert_contains(&text, "pull: would fail: no source serves the manifest");
}

#[test]
fn a_tag_is_not_tried_on_a_digest_only_mirror() {
    let registry = Registry::start();
    registry.put_image("ocp/release", "4.16.0", &[("hello.txt", b"hello\n")]);
    let node = node_root(&registry, PASSWORD);
    let text = shown(&registry, &args(node.path(), &format!("{SOURCE}:4.16.0")));
    insta::assert_snapshot!(text, @r"
    exit 1
    --- stdout
    mirror insecure digest-only 127.0.0.1:PORT/ocp/release: not tried: digest-only mirror and a tag reference
    source quay.io/openshift-release-dev/ocp-release:4.16.0: connect: connection refused by 127.0.0.1:443
    pull: would fail: no source serves the manifest
    --- stderr
    ");
}

#[test]
fn json_gives_each_source_its_credentials_key_and_outcome() {
    let registry = Registry::start();
    let digest = registry.put_image("ocp/release", "4.16.0", &[("hello.txt", b"hello\n")]);
    let node = node_root(&registry, PASSWORD);
    let mut args = args(node.path(), &format!("{SOURCE}@{digest}"));
    args.output = ProbeOutput::Json;
    let (result, out, _) = capture(|out, err, style| run(&args, out, err, style));
    assert_eq!(result.unwrap() as u8, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let host = registry.host();
    assert_eq!(doc["would_pull"], true);
    assert_eq!(doc["served_by"], format!("{host}/ocp/release@{digest}"));
    assert_eq!(doc["config"][0], "/etc/containers/registries.conf");
    let mirror = &doc["sources"][0];
    assert_eq!(mirror["role"], "mirror");
    assert_eq!(mirror["usage"], "digest-only");
    assert_eq!(
        mirror["auth"],
        serde_json::json!({"key": host, "user": USER})
    );
    assert_eq!(mirror["outcome"]["manifest"]["digest"], digest.to_string());
    assert_eq!(mirror["outcome"]["endpoint"]["scheme"], "http");
    let source = &doc["sources"][1];
    assert_eq!(source["auth"]["key"], "quay.io");
    assert_eq!(source["outcome"]["stop"]["kind"], "refused");
    assert!(!out.contains(PASSWORD) && !out.contains("quay-token"));
}

#[test]
fn objects_rendered_in_memory_probe_as_the_root_does() {
    let registry = Registry::start();
    let digest = registry.put_image("ocp/release", "4.16.0", &[("hello.txt", b"hello\n")]);
    let dir = tempfile::tempdir().unwrap();
    let host = registry.host();
    let objects = dir.path().join("objects.yaml");
    std::fs::write(
        &objects,
        format!(
            "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata: {{name: release}}\nspec:\n  \
             imageDigestMirrors:\n  - source: {SOURCE}\n    mirrors: [{host}/ocp/release]\n---\n\
             apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {{name: cluster}}\nspec:\n  registrySources:\n    \
             insecureRegistries: [\"{host}\"]\n"
        ),
    )
    .unwrap();
    let pull_secret = dir.path().join("ps.json");
    std::fs::write(
        &pull_secret,
        format!(
            r#"{{"auths":{{"{host}":{{"auth":"{}"}}}}}}"#,
            b64(&format!("{USER}:{PASSWORD}"))
        ),
    )
    .unwrap();
    let mut args = args(dir.path(), &format!("{SOURCE}@{digest}"));
    args.root = None;
    args.files = vec![objects.display().to_string()];
    args.pull_secret = Some(pull_secret);
    let text = shown(&registry, &args);
    assert_starts_with(&text, "exit 0\n");
    assert_contains(
        &text,
        &format!("pull: from 127.0.0.1:PORT/ocp/release@{digest}"),
    );
}

#[test]
fn a_bad_resolve_entry_is_bad_input() {
    let registry = Registry::start();
    let node = node_root(&registry, PASSWORD);
    let mut args = args(node.path(), &format!("{SOURCE}:4.16.0"));
    args.resolve = vec!["no-port-here".into()];
    let text = shown(&registry, &args);
    assert_starts_with(&text, "exit 2, error: invalid resolve entry");
}

#[test]
fn a_release_with_a_missing_component_fails_then_pulls_once_it_is_pushed() {
    let registry = Registry::start();
    let first = registry.put_image("ocp/release", "first", &[("first.txt", b"first\n")]);
    // The second component's digest, before it is on the mirror.
    let second_registry = Registry::start();
    let second = second_registry.put_image("ocp/release", "second", &[("second.txt", b"second\n")]);
    let references = format!(
        r#"{{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{{"name":"4.16.0-test"}},"spec":{{"tags":[
            {{"name":"first","from":{{"kind":"DockerImage","name":"{ART}@{first}"}}}},
            {{"name":"second","from":{{"kind":"DockerImage","name":"{ART}@{second}"}}}}]}}}}"#
    );
    let release = registry.put_image(
        "ocp/release",
        "4.16.0-test",
        &[
            ("release-manifests/release-metadata", b"{}"),
            ("release-manifests/image-references", references.as_bytes()),
        ],
    );
    let node = node_root(&registry, PASSWORD);
    let mut args = args(node.path(), &format!("{SOURCE}@{release}"));
    args.release = true;
    let redact = |text: String| {
        text.replace(&release.to_string(), "sha256:RELEASE")
            .replace(&first.to_string(), "sha256:FIRST")
            .replace(&second.to_string(), "sha256:SECOND")
    };
    let text = redact(shown(&registry, &args));
    let layer_line = text
        .lines()
        .find(|l| l.starts_with("release-manifests/image-references"))
        .unwrap()
        .to_owned();
    assert!(
        layer_line.starts_with(
            "release-manifests/image-references: release 4.16.0-test, 2 components (layer sha256:"
        ),
        "{layer_line}"
    );
    let text = text.replace(
        &layer_line,
        "release-manifests/image-references: LAYER LINE",
    );
    insta::assert_snapshot!(text, @r"
    exit 1
    --- stdout
    mirror insecure digest-only 127.0.0.1:PORT/ocp/release@sha256:RELEASE: ok sha256:RELEASE (application/vnd.oci.image.manifest.v1+json)
    source quay.io/openshift-release-dev/ocp-release@sha256:RELEASE: connect: connection refused by 127.0.0.1:443
    pull: from 127.0.0.1:PORT/ocp/release@sha256:RELEASE
    release-manifests/image-references: LAYER LINE
    ok                      first  quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:FIRST (from 127.0.0.1:PORT/ocp/release@sha256:FIRST)
    missing on the mirrors  second quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:SECOND (source quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:SECOND: connect: connection refused by 127.0.0.1:443)
    summary: 2 components: 1 ok, 0 only on the source, 1 missing on the mirrors, 0 missing on every source, 0 errors
    --- stderr
    note: 127.0.0.1:PORT/ocp/release@sha256:RELEASE: insecure registry: https failed (TLS: the server answered in plain HTTP (an insecure registry?)); plain HTTP used
    ");

    args.output = ProbeOutput::Json;
    let (result, out, _) = capture(|out, err, style| run(&args, out, err, style));
    assert_eq!(result.unwrap() as u8, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["would_pull"], false);
    assert_eq!(doc["components"][1]["state"], "missing_on_mirrors");
    assert_eq!(doc["summary"]["missing_on_mirrors"], 1);

    registry.put_image("ocp/release", "second", &[("second.txt", b"second\n")]);
    args.output = ProbeOutput::Text;
    let text = redact(shown(&registry, &args));
    assert_starts_with(&text, "exit 0\n");
    assert_contains(
        &text,
        "summary: 2 components: 2 ok, 0 only on the source, 0 missing on the mirrors, 0 missing on every source, 0 errors",
    );
}

/// The secret scan of `secrets_every_command.rs`, for `probe`: the real binary, a pull secret with a password and
/// an identity token, a good pull, a wrong password, `-o json` and `--release`; nothing printed holds either.
#[test]
fn probe_never_prints_a_credential() {
    const TOKEN: &str = "tok-0123456789abcdef-IDENTITY";
    let registry = Registry::start();
    let digest = registry.put_image("ocp/release", "4.16.0", &[("hello.txt", b"hello\n")]);
    let references = format!(
        r#"{{"kind":"ImageStream","metadata":{{"name":"4.16.0"}},"spec":{{"tags":[{{"name":"x","from":{{"kind":"DockerImage","name":"{ART}@{digest}"}}}}]}}}}"#
    );
    let release = registry.put_image(
        "ocp/release",
        "release",
        &[("release-manifests/image-references", references.as_bytes())],
    );
    let mut needles = credential_needles(USER, PASSWORD, TOKEN);
    needles.extend(credential_needles("quay-user", "quay-token", TOKEN));
    for password in [PASSWORD, "Wr0ng-Secret-PW!"] {
        needles.extend(credential_needles(USER, password, TOKEN));
        let node = node_root(&registry, password);
        let config = node.path().join("var/lib/kubelet/config.json");
        let with_token = std::fs::read_to_string(&config).unwrap().replacen(
            r#""},"quay.io""#,
            &format!(r#"","identitytoken":"{TOKEN}"}},"quay.io""#),
            1,
        );
        assert_contains(&with_token, TOKEN);
        std::fs::write(&config, with_token).unwrap();
        let root = node.path().to_str().unwrap();
        for reference in [format!("{SOURCE}@{digest}"), format!("{SOURCE}@{release}")] {
            for extra in [&[][..], &["-o", "json"][..], &["--release"][..]] {
                let mut args = vec!["probe", "--root", root, reference.as_str()];
                args.extend_from_slice(&["--resolve", "quay.io:443:127.0.0.1", "--timeout", "20"]);
                args.extend_from_slice(extra);
                let output = run_binary(&args, "");
                let what = format!("probe {args:?}");
                assert_no_secret(
                    &what,
                    "on stdout",
                    &String::from_utf8_lossy(&output.stdout),
                    &needles,
                );
                assert_no_secret(
                    &what,
                    "on stderr",
                    &String::from_utf8_lossy(&output.stderr),
                    &needles,
                );
                // Basic auth with an identity token in the entry: the password is what is sent.
                let pulls = password == PASSWORD
                    && (extra != ["--release"] || reference.ends_with(&release.to_string()));
                let expected = if pulls { 0 } else { 1 };
                assert_eq!(output.status.code(), Some(expected), "{what}: {output:?}");
            }
        }
    }
}

#[test]
fn a_credential_helper_is_named_and_not_run() {
    let registry = Registry::start();
    let digest = registry.put_image("ocp/release", "4.16.0", &[("hello.txt", b"hello\n")]);
    let node = node_root(&registry, PASSWORD);
    std::fs::write(
        node.path().join("var/lib/kubelet/config.json"),
        format!(
            r#"{{"auths":{{}},"credHelpers":{{"{}":"secretservice"}}}}"#,
            registry.host()
        ),
    )
    .unwrap();
    let text = shown(&registry, &args(node.path(), &format!("{SOURCE}@{digest}")));
    assert_starts_with(&text, "exit 1\n");
    assert_contains(
        &text,
        "config.json sends this registry to docker-credential-secretservice, which probe does not run: tried without credentials",
    );
    assert_contains(&text, "auth: 401");
}
