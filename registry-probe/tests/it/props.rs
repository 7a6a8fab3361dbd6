//! The challenge parser never panics, and what it reads prints back to the same challenges.

use proptest::prelude::*;
use registry_probe as challenge;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn never_panics(line in "\\PC{0,200}") {
        let parsed = challenge::parse_challenges(&line);
        let _ = challenge::select_challenge(&parsed);
        for c in &parsed {
            prop_assert!(!c.scheme().is_empty());
            prop_assert_eq!(c.scheme(), c.scheme().to_ascii_lowercase());
        }
    }

    #[test]
    fn never_panics_on_header_alphabet(line in "[ ,=\"\\\\a-zA-Z0-9/:.\\t-]{0,120}") {
        let _ = challenge::select_challenge(&challenge::parse_challenges(&line));
    }

    #[test]
    fn well_formed_round_trips(
        scheme in "[A-Za-z][A-Za-z0-9]{0,8}",
        params in proptest::collection::vec(("[a-z]{1,8}", "[ -~]{0,20}"), 1..5),
    ) {
        let line = format!(
            "{scheme} {}",
            params.iter().map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))).collect::<Vec<_>>().join(", ")
        );
        let parsed = challenge::parse_challenges(&line);
        prop_assert_eq!(parsed.len(), 1);
        prop_assert_eq!(parsed[0].scheme(), scheme.to_ascii_lowercase());
        prop_assert_eq!(parsed[0].params().len(), params.len());
        for ((k, v), (pk, pv)) in params.iter().zip(parsed[0].params()) {
            prop_assert_eq!(k, pk);
            prop_assert_eq!(v, pv);
        }
    }
}
