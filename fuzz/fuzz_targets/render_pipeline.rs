//! The whole render pipeline from arbitrary manifest bytes: Cluster::read → node::plan never panics, and every file
//! it plans is a plain path under the node's root with a node file mode.
#![no_main]

use std::path::Component;
use std::time::Duration;

use icsp::Limits;
use libfuzzer_sys::fuzz_target;
use mirror_cli::cluster::{Cluster, Input};
use mirror_cli::node::{RenderOptions, Target, plan};
use registries_conf::Layout;
use trust_bundle::UnixTime;

fuzz_target!(|data: &[u8]| {
    let inputs = [Input {
        name: "manifests.yaml".to_owned(),
        bytes: data.to_vec(),
    }];
    let cluster = match Cluster::read(&inputs, &Limits::default()) {
        Ok(cluster) => cluster,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for (layout, target) in [
        (Layout::Current, Target::OpenShift),
        (Layout::Legacy, Target::OpenShift),
        (Layout::Current, Target::MicroShift),
    ] {
        let options = RenderOptions {
            layout,
            target,
            now: UnixTime::since_unix_epoch(Duration::from_secs(1_704_067_200)),
            ..RenderOptions::default()
        };
        match plan(&cluster, &options) {
            Ok(node) => {
                for file in &node.files {
                    assert!(
                        file.path.components().all(|c| matches!(c, Component::Normal(_))),
                        "{:?}",
                        file.path
                    );
                    assert!(file.mode == 0o644 || file.mode == 0o600, "{file:?}");
                }
                let _ = format!("{node:?}");
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
