//! Every fixture under tests/data, read and written back: one data-driven test, one snapshot per fixture.

mod common;

use std::fmt::Write as _;

use dockerconfig::{DockerConfig, compact};

fn describe(name: &str, input: &[u8]) -> String {
    let mut out = String::new();
    match DockerConfig::parse(input, &format!("{name}.json")) {
        Err(e) => {
            writeln!(out, "error: {e}").unwrap();
            common::assert_no_secret(&e.to_string(), input, "error Display");
            common::assert_no_secret(&format!("{e:?}"), input, "error Debug");
        }
        Ok(config) => {
            writeln!(out, "format: {:?}", config.format()).unwrap();
            writeln!(out, "keys: {:?}", config.keys().collect::<Vec<_>>()).unwrap();
            writeln!(
                out,
                "other top-level keys: {:?}",
                config.other_top_level_keys()
            )
            .unwrap();
            writeln!(out, "credential helpers: {:?}", config.credential_helpers()).unwrap();
            writeln!(out, "debug: {config:?}").unwrap();
            writeln!(out, "display:\n{config}").unwrap();
            for (key, entry) in config.entries() {
                writeln!(
                    out,
                    "entry {key:?}: fields {:?}, decoded {:?}",
                    entry.field_names(),
                    entry.decode()
                )
                .unwrap();
            }
            writeln!(out, "problems:").unwrap();
            for p in config.problems() {
                writeln!(out, "  {p}").unwrap();
            }
            let compacted = config.to_compact();
            // Lossless: an unedited file writes back as Go's json.Compact of its bytes.
            assert_eq!(
                *compacted,
                common::reference_compact(input),
                "{name}: compact differs from json.Compact"
            );
            assert_eq!(
                *compacted,
                *compact(input, name).unwrap(),
                "{name}: compact() differs"
            );
            // What is written reads back the same.
            let reread =
                DockerConfig::parse_as(&compacted, config.format(), config.origin()).unwrap();
            assert_eq!(
                reread, config,
                "{name}: compact output reads back differently"
            );
            let pretty = config.to_pretty();
            let reread = DockerConfig::parse_as(&pretty, config.format(), config.origin()).unwrap();
            assert_eq!(
                reread, config,
                "{name}: pretty output reads back differently"
            );
            common::assert_no_secret(&out, input, "Debug/Display/problems");
            writeln!(out, "compact:\n{}", String::from_utf8_lossy(&compacted)).unwrap();
            writeln!(out, "pretty:\n{}", String::from_utf8_lossy(&pretty)).unwrap();
        }
    }
    out
}

#[test]
fn every_fixture() {
    let files = common::data_files();
    assert!(files.len() >= 20, "fixtures missing");
    for (name, input) in files {
        let report = describe(&name, &input);
        insta::assert_snapshot!(name.clone(), report);
    }
}
