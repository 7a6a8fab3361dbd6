//! Every `input.yaml` of the golden cases (copied under tests/data) reads without error.

use std::fmt::Write as _;

use icsp::{Limits, Object, read_objects, validate};

#[test]
fn every_golden_input_reads_and_yields_the_expected_kinds() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 31, "one file per golden case");
    let mut report = String::new();
    for name in &names {
        let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
        let objects = read_objects(name, &bytes, &Limits::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!objects.is_empty(), "{name}: no objects");
        let kinds: Vec<String> = objects
            .iter()
            .map(|o| {
                assert!(
                    !matches!(o.value, Object::Other { .. }),
                    "{name}: unexpected kind"
                );
                o.value.display_name()
            })
            .collect();
        let findings: Vec<String> = objects
            .iter()
            .flat_map(|o| validate(&o.value))
            .map(|f| f.to_string())
            .collect();
        writeln!(report, "{name}: {}", kinds.join(", ")).unwrap();
        for f in findings {
            writeln!(report, "    finding: {f}").unwrap();
        }
    }
    insta::assert_snapshot!(report);
}
