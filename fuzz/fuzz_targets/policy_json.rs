//! policy.json parsing, validation and writing: no panic; errors print; what parses writes to text that parses
//! back to the same model and writes to the same bytes; validation gives the same verdict on the written text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_json::Policy;

fuzz_target!(|data: &[u8]| {
    let policy = match Policy::parse(data) {
        Ok(policy) => policy,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let verdict = policy.validate();
    if let Err(e) = &verdict {
        let _ = (e.to_string(), e.path());
    }
    let text = policy.to_json();
    let again = Policy::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("what it wrote does not parse: {e}\n{text}"));
    let again_text = again.to_json();
    // Numbers in unknown members are kept by value: the second trip is exact.
    let third = Policy::parse(again_text.as_bytes()).expect("parses");
    assert_eq!(third, again, "{again_text}");
    assert_eq!(third.to_json(), again_text, "written twice");
    assert_eq!(again.validate().is_ok(), verdict.is_ok(), "{text}");
});
