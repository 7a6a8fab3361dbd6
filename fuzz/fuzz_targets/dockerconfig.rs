//! Docker config JSON: no panic; parse → write → parse gives the same file (compact and pretty); an unedited file
//! writes back as Go's json.Compact of its bytes; json.Compact never panics and is idempotent; merging a file with
//! itself changes nothing.
#![no_main]

use dockerconfig::{DockerConfig, compact};
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "fuzz";

fuzz_target!(|data: &[u8]| {
    if let Ok(once) = compact(data, ORIGIN) {
        let twice = compact(&once, ORIGIN).expect("compact output compacts again");
        assert_eq!(&*twice, &*once, "compact is idempotent");
    }

    let Ok(config) = DockerConfig::parse(data, ORIGIN) else {
        return;
    };
    let compacted = config.to_compact();
    // The node's kubelet config.json is written from this one parse: it must be json.Compact of the bytes.
    assert_eq!(&*compacted, &*compact(data, ORIGIN).expect("what parses compacts"), "to_compact == json.Compact");
    let back = DockerConfig::parse(&compacted, ORIGIN).expect("our compact output parses");
    assert_eq!(back, config, "parse(to_compact(x)) == x");
    let pretty = config.to_pretty();
    let from_pretty = DockerConfig::parse(&pretty, ORIGIN).expect("our pretty output parses");
    assert_eq!(&*from_pretty.to_compact(), &*compacted, "pretty and compact hold the same file");

    // Everything a command does with a parsed file must not panic.
    let _ = config.problems();
    let _ = config.credential_helpers();
    let _ = config.other_top_level_keys();
    let keys: Vec<String> = config.keys().map(str::to_owned).collect();
    for key in &keys {
        let _ = config.decode(key);
    }
    for image in ["quay.io/openshift/release:4.16", "docker.io/library/busybox", "localhost:5000/a/b"] {
        let _ = config.lookup(image).map(|l| l.to_string());
    }
    let mut merged = config.clone();
    let _ = merged.merge(&config);
    assert_eq!(merged, config, "merging a file with itself changes nothing");
    let auths = config.clone().into_auths_format().to_compact();
    DockerConfig::parse(&auths, ORIGIN).expect("the auths form parses");
});
