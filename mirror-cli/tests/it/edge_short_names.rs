//! Short names as CRI-O resolves them on a node (issue 13.8): `resolve busybox --root DIR` lists the candidates,
//! aliases first, else each of `unqualified-search-registries` in order, each with its own pull sources.

use std::fs;

use crate::common::{assert_contains, assert_line_starts_with, assert_starts_with, run_cli};

const CONF: &str = r#"unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]
short-name-mode = "enforcing"

[aliases]
"ubi9/ubi" = "registry.access.redhat.com/ubi9/ubi"

[[registry]]
prefix = "docker.io/library/busybox"
location = "docker.io/library/busybox"

[[registry.mirror]]
location = "mirror.example.com:5000/library/busybox"
"#;

fn root_with(conf: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("etc/containers");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("registries.conf"), conf).unwrap();
    root
}

fn root_dir(root: &tempfile::TempDir) -> String {
    root.path().display().to_string()
}

fn resolve(args: &[&str]) -> (i32, String, String) {
    run_cli(args, "")
}

#[test]
fn each_search_registry_in_order_with_its_own_pull_sources() {
    let root = root_with(CONF);
    let dir = root.path().to_str().unwrap();
    let (code, out, err) = resolve(&["resolve", "busybox", "--root", dir]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_line_starts_with(
        &out,
        0,
        "busybox: a short name; CRI-O tries 2 candidates in order",
    );
    assert!(lines[0].contains("short-name-mode disabled"), "{out}");
    assert_eq!(
        lines[1], "candidate 1: registry.access.redhat.com/busybox:latest",
        "{out}"
    );
    assert_line_starts_with(
        &out,
        2,
        "  registry.access.redhat.com/busybox:latest source",
    );
    assert_eq!(
        lines[3], "candidate 2: docker.io/library/busybox:latest",
        "{out}"
    );
    assert_line_starts_with(
        &out,
        4,
        "  mirror.example.com:5000/library/busybox:latest mirror",
    );
    assert_line_starts_with(&out, 5, "  docker.io/library/busybox:latest source");

    // JSON: the candidates with their sources.
    let (code, out, _) = resolve(&["resolve", "busybox", "--root", dir, "--output", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let candidates = json["short_name"]["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 2);
    assert_eq!(candidates[1]["sources"].as_array().unwrap().len(), 2);
}

#[test]
fn an_alias_wins_alone_and_keeps_the_tag() {
    let root = root_with(CONF);
    let (code, out, err) = resolve(&["resolve", "ubi9/ubi:9.4", "--root", &root_dir(&root)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("1 candidate in order (an alias in registries.conf"),
        "{out}"
    );
    assert_contains(&out, "candidate 1: registry.access.redhat.com/ubi9/ubi:9.4");
    assert!(!out.contains("docker.io"), "{out}");
}

#[test]
fn no_search_registry_is_containers_images_error_and_a_file_keeps_the_docker_transport() {
    let root = root_with("");
    let (code, _, err) = resolve(&["resolve", "busybox", "--root", &root_dir(&root)]);
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        "did not resolve to an alias and no unqualified-search registries",
    );
    // --registries-conf stands for skopeo's docker transport: docker.io, as before.
    let conf = root.path().join("etc/containers/registries.conf");
    fs::write(&conf, CONF).unwrap();
    let (code, out, _) = resolve(&[
        "resolve",
        "busybox",
        "--registries-conf",
        conf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_starts_with(
        &out,
        "mirror.example.com:5000/library/busybox:latest mirror",
    );
}
