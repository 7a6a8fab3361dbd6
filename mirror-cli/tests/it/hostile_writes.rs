//! Issue 14, rows 3, 4, 8 and 9: render on hostile ground. A folder swapped for a link while renders run never
//! redirects a write out of the root; a second writer waits for the lock and says so when it gives up; trust removed
//! from the objects is removed from the node (the certs.d folders the machine-config daemon removes) and verify
//! reports a CA the objects no longer hold; render writes root-owned files and verify reports other owners.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use mirror_cli::cluster::{EXAMPLE, Input};
use mirror_cli::commands::render::{self, RenderRequest};
use mirror_cli::commands::verify::VerifyRequest;
use mirror_cli::commands::{Exit, Style};
use mirror_cli::node::paths;

use crate::common::{self, assert_contains};

/// The example without its CA ConfigMap and the Image that points at it: the cluster no longer trusts the mirror's
/// CA.
fn example_without_ca() -> Vec<Input> {
    let kept: Vec<&str> = EXAMPLE
        .split("\n---\n")
        .filter(|doc| !doc.contains("kind: ConfigMap") && !doc.contains("kind: Image\n"))
        .collect();
    vec![common::input("no-ca.yaml", kept.join("\n---\n"))]
}

fn render_with(root: &Path, inputs: Vec<Input>, example: bool) -> (Result<Exit, String>, String) {
    let request = RenderRequest {
        inputs,
        example,
        root: Some(root.to_path_buf()),
        lock_timeout: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    let (result, out, err) = common::render_captured(&request);
    (result.map_err(|e| e.to_string()), format!("{out}{err}"))
}

fn verify_with(root: &Path, inputs: Vec<Input>, example: bool) -> (Exit, String) {
    let request = VerifyRequest {
        roots: vec![root.to_path_buf()],
        inputs,
        example,
        ..Default::default()
    };
    let (result, out, err) = common::verify_captured(&request);
    (result.unwrap(), format!("{out}{err}"))
}

const MIRROR_CA: &str = "etc/docker/certs.d/mirror.registry.com:443";

#[test]
fn trust_removed_from_the_objects_is_removed_from_the_node() {
    let root = common::example_root(Default::default());
    assert!(root.path().join(MIRROR_CA).join("ca.crt").is_file());

    let (exit, out) = verify_with(root.path(), example_without_ca(), false);
    assert_eq!(exit, Exit::Failed, "{out}");
    assert_contains(
        &out,
        "pulls trust the CA in /etc/docker/certs.d/mirror.registry.com:443, which the cluster objects no longer hold",
    );
    assert!(!out.contains("system trust store is used"), "{out}");

    let (result, out) = render_with(root.path(), example_without_ca(), false);
    assert_eq!(result, Ok(Exit::Ok), "{out}");
    assert!(
        out.contains("removed")
            && out.contains("mirror.registry.com:443 (the cluster objects no longer trust"),
        "{out}"
    );
    assert!(!root.path().join(MIRROR_CA).exists());
    let (exit, out) = verify_with(root.path(), example_without_ca(), false);
    assert_eq!(exit, Exit::Ok, "{out}");
    assert_contains(&out, "system trust store is used");
}

#[test]
fn render_removes_the_folders_the_machine_config_daemon_removes_and_no_more() {
    let root = common::example_root(Default::default());
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("keep.crt"), "outside").unwrap();
    let certs_d = root.path().join(paths::CERTS_D);
    for folder in [
        "gone.example.com:5000",
        "image-registry.openshift-image-registry.svc:5000",
    ] {
        fs::create_dir_all(certs_d.join(folder)).unwrap();
        fs::write(certs_d.join(folder).join("ca.crt"), "old").unwrap();
    }
    symlink(outside.path(), certs_d.join("linked.example.com")).unwrap();
    fs::write(certs_d.join("stray.crt"), "a file, not a folder").unwrap();
    fs::create_dir_all(root.path().join("etc/containers/certs.d/admin.example.com")).unwrap();

    let (exit, out) = verify_with(root.path(), Vec::new(), true);
    assert_eq!(exit, Exit::Failed);
    assert_contains(
        &out,
        "etc/docker/certs.d/gone.example.com:5000: a CA for gone.example.com:5000, which the cluster objects no longer trust",
    );
    assert!(
        !out.contains("image-registry.openshift-image-registry.svc:5000: a CA"),
        "{out}"
    );

    let (result, out) = render_with(root.path(), Vec::new(), true);
    assert_eq!(result, Ok(Exit::Ok), "{out}");
    assert!(!certs_d.join("gone.example.com:5000").exists(), "{out}");
    // The daemon removes folders only: links, files, the internal registry's CA and etc/containers/certs.d stay.
    assert!(
        certs_d
            .join("image-registry.openshift-image-registry.svc:5000/ca.crt")
            .is_file()
    );
    assert!(certs_d.join("linked.example.com").is_symlink());
    assert!(certs_d.join("stray.crt").is_file());
    assert!(
        root.path()
            .join("etc/containers/certs.d/admin.example.com")
            .is_dir()
    );
    assert_eq!(
        fs::read_to_string(outside.path().join("keep.crt")).unwrap(),
        "outside"
    );
    assert!(certs_d.join("mirror.registry.com:443/ca.crt").is_file());
}

#[test]
fn a_second_writer_waits_for_the_lock_and_says_so() {
    let root = common::example_root(Default::default());
    let node = node_root::Root::open(root.path()).unwrap();
    let held = node.lock(Duration::from_secs(5)).unwrap();
    let (result, _) = render_with(root.path(), Vec::new(), true);
    let e = result.unwrap_err();
    assert!(
        e.starts_with("nothing was written: ") && e.contains("another writer held the lock"),
        "{e}"
    );
    drop(held);
    let (result, out) = render_with(root.path(), Vec::new(), true);
    assert_eq!(result, Ok(Exit::Ok), "{out}");
}

#[test]
fn a_folder_swapped_for_a_link_never_redirects_a_render() {
    let root = tempfile::tempdir().unwrap();
    common::render_example(root.path(), Default::default());
    let outside = tempfile::tempdir().unwrap();
    let containers = root.path().join("etc/containers");
    let aside = root.path().join("etc/containers.real");
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (stop, containers, aside, outside) = (
            stop.clone(),
            containers.clone(),
            aside.clone(),
            outside.path().to_path_buf(),
        );
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(Ordering::Relaxed) {
                if fs::rename(&containers, &aside).is_ok() {
                    let _ = symlink(&outside, &containers);
                    std::thread::yield_now();
                    let _ = fs::remove_file(&containers);
                    let _ = fs::rename(&aside, &containers);
                    swaps += 1;
                }
            }
            swaps
        })
    };
    let (mut written, mut refused) = (0, 0);
    for i in 0..40 {
        // Alternate two layouts so every render has files to replace under etc/containers.
        let layout = if i % 2 == 0 {
            registries_conf::Layout::Legacy
        } else {
            registries_conf::Layout::Current
        };
        let request = RenderRequest {
            example: true,
            root: Some(root.path().to_path_buf()),
            lock_timeout: Some(Duration::from_secs(5)),
            options: mirror_cli::node::RenderOptions {
                layout,
                ..Default::default()
            },
            ..Default::default()
        };
        match render::run(&request, &mut Vec::new(), &mut Vec::new(), &Style::plain()) {
            Ok(_) => written += 1,
            // Refused (a link or a missing folder on the way, a folder that appeared meanwhile): fine, as long as
            // nothing lands outside.
            Err(e) => {
                refused += 1;
                eprintln!("render {i}: {e}");
            }
        }
        assert_eq!(
            fs::read_dir(outside.path()).unwrap().count(),
            0,
            "render {i} wrote outside the root"
        );
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    eprintln!(
        "40 renders while etc/containers was swapped {swaps} times: {written} written, {refused} refused"
    );
    assert!(swaps > 0);
}

#[test]
fn render_writes_root_owned_files_and_verify_reports_other_owners() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: owners are set and compared only when running as root");
        return;
    }
    let root = common::example_root(Default::default());
    let auth = root.path().join(paths::KUBELET_CONFIG_JSON);
    std::os::unix::fs::chown(&auth, Some(1000), Some(1000)).unwrap();
    let (exit, out) = verify_with(root.path(), Vec::new(), true);
    assert_eq!(exit, Exit::Failed);
    assert_contains(&out, "owned by 1000:1000, expected 0:0");
    let (result, out) = render_with(root.path(), Vec::new(), true);
    assert_eq!(result, Ok(Exit::Ok));
    assert!(
        out.contains("replaced    ") && out.contains("config.json"),
        "{out}"
    );
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(&auth).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (0, 0));
    let (exit, out) = verify_with(root.path(), Vec::new(), true);
    assert_eq!(exit, Exit::Ok, "{out}");
}
