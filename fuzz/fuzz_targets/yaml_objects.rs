//! The YAML/JSON object stream under the default budgets: no panic, no hang, no runaway memory; every object read
//! validates without panicking, and writing it back and reading it again gives the same object.
#![no_main]

use icsp::{Limits, YamlStyle, read_objects, to_yaml, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let objects = match read_objects("fuzz.yaml", data, &Limits::default()) {
        Ok(objects) => objects,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for located in &objects {
        for finding in validate(&located.value) {
            let _ = finding.to_string();
        }
        let _ = located.value.display_name();
        for style in [YamlStyle::GoYamlV3, YamlStyle::SigsYaml] {
            // `None` for kinds this crate does not model (they are reported, never written).
            let Some(yaml) = to_yaml(&located.value, style) else {
                continue;
            };
            let back = read_objects("again.yaml", yaml.as_bytes(), &Limits::default())
                .unwrap_or_else(|e| panic!("written object does not read back: {e}\n{yaml}"));
            assert_eq!(back.len(), 1, "{yaml}");
            assert_eq!(back[0].value, located.value, "{style:?}\n{yaml}");
        }
    }
});
