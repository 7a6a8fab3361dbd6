//! Every fixture under tests/data, read and written back: one test and one snapshot per fixture.

use crate::common;

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

/// One test per fixture, each comparing its own snapshot, so one mismatch hides no other.
macro_rules! fixtures {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                let input = common::data_file($name);
                insta::assert_snapshot!($name, describe($name, &input));
            }
        )*

        /// Every fixture's name, as listed here.
        const LISTED: &[&str] = &[$($name),*];
    };
}

fixtures! {
    case_01_openshift_pull_secret => "01-openshift-pull-secret",
    case_02_legacy_dockercfg => "02-legacy-dockercfg",
    case_03_unknown_fields => "03-unknown-fields",
    case_04_null_auths => "04-null-auths",
    case_05_null_document => "05-null-document",
    case_06_empty_object => "06-empty-object",
    case_07_null_entry => "07-null-entry",
    case_08_problems => "08-problems",
    case_09_nul_padded_password => "09-nul-padded-password",
    case_10_base64_with_newlines => "10-base64-with-newlines",
    case_11_go_field_folding => "11-go-field-folding",
    case_e01_syntax_trailing_comma => "e01-syntax-trailing-comma",
    case_e02_unterminated => "e02-unterminated",
    case_e03_duplicate_registry => "e03-duplicate-registry",
    case_e04_duplicate_auth_fold => "e04-duplicate-auth-fold",
    case_e05_entry_not_object => "e05-entry-not-object",
    case_e06_auth_number => "e06-auth-number",
    case_e07_auths_array => "e07-auths-array",
    case_e08_top_level_array => "e08-top-level-array",
    case_e09_empty => "e09-empty",
    case_e10_control_char => "e10-control-char",
    case_e11_bad_escape => "e11-bad-escape",
    case_e12_after_value => "e12-after-value",
    case_e13_credhelpers_not_string => "e13-credhelpers-not-string",
    case_e14_bad_number => "e14-bad-number",
}

#[test]
fn every_fixture_has_its_test() {
    let on_disk: Vec<String> = common::data_files()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        on_disk, LISTED,
        "a fixture under tests/data without a test here, or the reverse"
    );
}
