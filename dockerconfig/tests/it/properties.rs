//! Properties: lossless round trip, json.Compact semantics, idempotent and later-wins merge, most specific
//! lookup, no panic on any input.

use crate::common;

use proptest::prelude::*;

use dockerconfig::{AuthEntry, DockerConfig, Outcome, compact};

/// A JSON value to render with chosen whitespace.
#[derive(Clone, Debug)]
enum J {
    Raw(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

/// Escapes of every kind, and non-ASCII, as they stand in a JSON lexeme.
const SPECIAL_PARTS: [&str; 7] = [
    "\\u003c",
    "\\\"",
    "\\\\",
    "\\/",
    "\\n",
    "\\ud83d\\ude00",
    "é€😀",
];

fn string_lexeme() -> impl Strategy<Value = String> {
    // Plain text and the special parts, each as likely, written as a JSON lexeme without re-encoding.
    prop::collection::vec(
        prop_oneof![
            1 => "[a-zA-Z0-9 .:/@_-]{1,6}",
            SPECIAL_PARTS.len() as u32 =>
                prop::sample::select(&SPECIAL_PARTS[..]).prop_map(str::to_owned),
        ],
        0..4,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()))
}

fn scalar() -> impl Strategy<Value = J> {
    prop_oneof![
        string_lexeme(),
        "-?(0|[1-9][0-9]{0,5})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?",
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("null".to_owned()),
    ]
    .prop_map(J::Raw)
}

fn value() -> impl Strategy<Value = J> {
    scalar().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(J::Arr),
            prop::collection::btree_map("[a-z]{1,5}", inner, 0..4)
                .prop_map(|m| J::Obj(m.into_iter().collect())),
        ]
    })
}

fn space(ws: &[u8], i: &mut usize, out: &mut String) {
    let w = ws.get(*i % ws.len().max(1)).copied().unwrap_or(0);
    *i += 1;
    out.push_str(["", " ", "\n", "\t", "\r\n  ", "  "][usize::from(w) % 6]);
}

fn render(j: &J, ws: &[u8], i: &mut usize, out: &mut String) {
    match j {
        J::Raw(s) => out.push_str(s),
        J::Arr(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                space(ws, i, out);
                render(item, ws, i, out);
                space(ws, i, out);
            }
            out.push(']');
        }
        J::Obj(members) => {
            out.push('{');
            for (n, (k, v)) in members.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                space(ws, i, out);
                out.push_str(&format!("\"{k}\""));
                space(ws, i, out);
                out.push(':');
                space(ws, i, out);
                render(v, ws, i, out);
                space(ws, i, out);
            }
            space(ws, i, out);
            out.push('}');
        }
    }
}

fn text_of(j: &J, ws: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    out.push_str(["", " ", "\n"][usize::from(ws.first().copied().unwrap_or(0)) % 3]);
    render(j, ws, &mut i, &mut out);
    out.push_str(["", "\n", " \r\n"][usize::from(ws.last().copied().unwrap_or(0)) % 3]);
    out
}

const HOSTS: &[&str] = &[
    "quay.io",
    "quay.io/org",
    "quay.io/org/repo",
    "docker.io",
    "https://index.docker.io/v1/",
    "registry-1.docker.io",
    "mirror.example.com:5000",
    "https://mirror.example.com:5000/v2/",
    "registry.redhat.io",
    "localhost:5001",
];

fn entry() -> impl Strategy<Value = J> {
    let auth = ("[a-z]{1,8}", "[ -~]{0,12}").prop_map(|(u, p)| {
        J::Raw(format!(
            "\"{}\"",
            go_compat::encode_std_base64(format!("{u}:{p}"))
        ))
    });
    (
        auth,
        prop::option::of(string_lexeme()),
        prop::option::of(string_lexeme()),
        prop::option::of(value()),
    )
        .prop_map(|(auth, email, token, extra)| {
            let mut members = vec![("auth".to_owned(), auth)];
            if let Some(e) = email {
                members.push(("email".to_owned(), J::Raw(e)));
            }
            if let Some(t) = token {
                members.push(("identitytoken".to_owned(), J::Raw(t)));
            }
            if let Some(x) = extra {
                members.push(("x-extra".to_owned(), x));
            }
            J::Obj(members)
        })
}

/// A whole config file: `auths` with a subset of HOSTS, and unknown top-level members around it.
fn config_json() -> impl Strategy<Value = J> {
    (
        prop::sample::subsequence(HOSTS, 0..HOSTS.len()),
        prop::collection::vec(entry(), HOSTS.len()),
        prop::option::of(value()),
        prop::option::of(value()),
    )
        .prop_map(|(hosts, entries, before, after)| {
            let auths = J::Obj(
                hosts
                    .iter()
                    .zip(entries)
                    .map(|(h, e)| ((*h).to_owned(), e))
                    .collect(),
            );
            let mut top = Vec::new();
            if let Some(b) = before {
                top.push(("credsStore".to_owned(), b));
            }
            top.push(("auths".to_owned(), auths));
            if let Some(a) = after {
                top.push(("zzUnknown".to_owned(), a));
            }
            J::Obj(top)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn compact_is_go_json_compact_on_random_whitespace(j in value(), ws in prop::collection::vec(any::<u8>(), 1..40)) {
        let text = text_of(&j, &ws);
        let compacted = compact(text.as_bytes(), "prop").expect("valid JSON compacts");
        prop_assert_eq!(&*compacted, &common::reference_compact(text.as_bytes()));
        // Compacting is idempotent.
        prop_assert_eq!(&*compact(&compacted, "prop").unwrap(), &*compacted);
    }

    #[test]
    fn lossless_round_trip(j in config_json(), ws in prop::collection::vec(any::<u8>(), 1..40)) {
        let text = text_of(&j, &ws);
        let config = common::parse(&text, "prop");
        let compacted = config.to_compact();
        prop_assert_eq!(&*compacted, &common::reference_compact(text.as_bytes()));
        prop_assert_eq!(&DockerConfig::parse(&compacted, "prop").unwrap(), &config);
        let pretty = config.to_pretty();
        let from_pretty = DockerConfig::parse(&pretty, "prop").unwrap();
        prop_assert_eq!(&*from_pretty.to_compact(), &*compacted);
    }

    #[test]
    fn merge_with_itself_is_identity(j in config_json()) {
        let a = common::parse(&text_of(&j, &[0]), "prop");
        let mut merged = a.clone();
        merged.merge(&a);
        prop_assert_eq!(&merged, &a);
    }

    #[test]
    fn later_wins_whole(a in config_json(), b in config_json()) {
        let a = common::parse(&text_of(&a, &[1]), "prop");
        let b = common::parse(&text_of(&b, &[2]), "prop");
        let mut merged = a.clone();
        let report = merged.merge(&b);
        prop_assert_eq!(report.changes.iter().filter(|c| !c.top_level).count(), b.len());
        for change in report.changes.iter().filter(|c| !c.top_level) {
            // The result's entry under the kept spelling is the later file's entry, whole.
            prop_assert_eq!(merged.get(&change.key), b.get(&change.incoming_key));
        }
        // Nothing of a that b did not touch changed.
        for (key, entry) in a.entries() {
            if !report.changes.iter().any(|c| !c.top_level && c.key == key) {
                prop_assert_eq!(merged.get(key), Some(entry));
            }
        }
        // Merging b again changes nothing.
        let mut again = merged.clone();
        again.merge(&b);
        prop_assert_eq!(&again, &merged);
    }

    #[test]
    fn lookup_picks_the_most_specific_key(
        path in prop::collection::vec("[a-z]{1,4}", 1..5),
        present in prop::collection::vec(any::<bool>(), 6),
    ) {
        let host = "registry.example.com:5000";
        let mut prefixes = vec![host.to_owned()];
        for part in &path {
            let next = format!("{}/{part}", prefixes.last().unwrap());
            prefixes.push(next);
        }
        let mut config = DockerConfig::new();
        let mut expected = None;
        for (depth, prefix) in prefixes.iter().enumerate() {
            if present[depth % present.len()] {
                config.set(prefix, AuthEntry::from_user_password(&format!("user{depth}"), "pw").unwrap()).unwrap();
                expected = Some(format!("user{depth}"));
            }
        }
        let lookup = config.lookup(&format!("{}:tag", prefixes.last().unwrap())).unwrap();
        match (lookup.outcome, expected) {
            (Outcome::Credentials(c), Some(user)) => prop_assert_eq!(c.username(), user.as_str()),
            (Outcome::NotFound, None) => {}
            (other, expected) => prop_assert!(false, "got {:?}, expected {:?}", other, expected),
        }
    }

    #[test]
    fn answers_by_registry_means_one_answer_per_registry(
        keys in prop::collection::vec(prop_oneof![
            Just("quay.io".to_owned()),
            Just("https://quay.io/v1/".to_owned()),
            Just("docker.io".to_owned()),
            Just("https://index.docker.io/v1/".to_owned()),
            "[a-z]{1,3}\\.io(:5000)?",
            "[a-z]{1,3}\\.io(:5000)?/[a-z]{1,3}",
        ], 0..5),
        paths in prop::collection::vec("[a-z]{1,3}(/[a-z]{1,3}){0,2}", 2..5),
        host in prop_oneof![Just("quay.io"), Just("docker.io"), Just("ab.io"), Just("ab.io:5000")],
    ) {
        let mut config = DockerConfig::new();
        for (i, key) in keys.iter().enumerate() {
            config.set(key, AuthEntry::from_user_password(&format!("user{i}"), "pw").unwrap()).unwrap();
        }
        let answers: Vec<_> = paths
            .iter()
            .map(|p| config.lookup(&format!("{host}/{p}")).unwrap())
            .map(|l| (l.registry, l.matched, l.outcome))
            .collect();
        if config.answers_by_registry() {
            for a in &answers[1..] {
                prop_assert_eq!(a, &answers[0]);
            }
        }
        let repository_key = keys.iter().any(|k| k.contains('/') && !k.contains("://"));
        prop_assert_eq!(config.answers_by_registry(), !repository_key);
    }

    #[test]
    fn credentials_round_trip_through_auth(user in "[^:\\x00]{0,12}", password in "[^\\x00]{0,24}") {
        let entry = AuthEntry::from_user_password(&user, &password).unwrap();
        match entry.decode().unwrap() {
            dockerconfig::Decoded::Credentials(c) => {
                prop_assert_eq!(c.username(), user.as_str());
                prop_assert_eq!(c.password().expose(), password.as_str());
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn no_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = DockerConfig::parse(&bytes, "fuzz");
        let _ = compact(&bytes, "fuzz");
    }

    #[test]
    fn no_panic_on_json_like_text(text in "[{}\\[\\]:,\"\\\\a-z0-9 \\n.eE+-]{0,80}") {
        let _ = DockerConfig::parse(text.as_bytes(), "fuzz");
        let _ = compact(text.as_bytes(), "fuzz");
    }
}

#[test]
fn nesting_limit_is_enforced_without_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = compact(deep.as_bytes(), "deep").unwrap_err();
    assert_eq!(
        e.to_string(),
        "deep: line 1, column 129: nested deeper than 128 levels"
    );
    let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
    assert!(compact(ok.as_bytes(), "ok").is_ok());
}
