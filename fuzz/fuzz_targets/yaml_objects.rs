//! The YAML/JSON object stream under the default budgets: no panic, no hang, no runaway memory; every object read
//! validates without panicking, and writing it back and reading it again gives the same object. The JSON fast
//! path and the complete reader give the same result (objects, warnings, counts, or the same error) under every
//! strictness.
#![no_main]

use icsp::{
    Limits, ReadOptions, Strictness, YamlStyle, read_objects, read_stream, read_stream_complete, to_yaml, validate,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for strictness in [Strictness::Strict, Strictness::Warn, Strictness::Ignore] {
        let options = ReadOptions {
            strictness,
            ..ReadOptions::default()
        };
        let fast = read_stream("fuzz.yaml", data, &options).map_err(|e| e.to_string());
        let complete = read_stream_complete("fuzz.yaml", data, &options).map_err(|e| e.to_string());
        assert_eq!(fast, complete, "{strictness:?}");
    }
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
