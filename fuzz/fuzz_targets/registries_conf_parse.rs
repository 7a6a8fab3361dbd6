//! registries.conf parsing and validation (main file and drop-in): no panic, errors carry a position inside the
//! file, a file that validates encodes to bytes that parse and validate to the same model, and the fast reader
//! `parse` tries first gives exactly what the lossless reader gives (the same file, warnings, error and position).
#![no_main]

use libfuzzer_sys::fuzz_target;
use registries_conf::{parse, parse_drop_in, parse_lossless};
use registries_conf::{validate, validate_model};
use registries_conf::{Layout, encode};

fuzz_target!(|data: &[u8]| {
    for drop_in in [false, true] {
        let parsed = if drop_in {
            parse_drop_in("fuzz.conf", data)
        } else {
            parse("registries.conf", data)
        };
        let lossless = parse_lossless(if drop_in { "fuzz.conf" } else { "registries.conf" }, data, drop_in);
        match (&parsed, &lossless) {
            (Ok(fast), Ok(slow)) => assert_eq!(fast, slow),
            (Err(fast), Err(slow)) => assert_eq!(
                (fast.to_string(), fast.line(), fast.column()),
                (slow.to_string(), slow.line(), slow.column())
            ),
            _ => panic!("the readers disagree: {parsed:?} / {lossless:?}"),
        }
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                let _ = e.to_string();
                continue;
            }
        };
        for warning in &parsed.warnings {
            let _ = warning.to_string();
        }
        let Ok(valid) = validate(&parsed) else {
            continue;
        };
        // What validates is a model the encoder can write: written and read again, it validates to itself.
        let text = encode(&valid, Layout::Current);
        let again = parse("encoded.conf", text.as_bytes())
            .unwrap_or_else(|e| panic!("encoded model does not parse: {e}\n{text}"));
        let revalid = validate_model("encoded.conf", &again.config)
            .unwrap_or_else(|e| panic!("encoded model does not validate: {e}\n{text}"));
        assert_eq!(revalid, valid, "{text}");
    }
});
