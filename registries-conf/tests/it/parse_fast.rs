//! The fast reader `parse` tries first against the lossless (toml_edit) reader: the same `ParsedFile` (model,
//! warnings, lines), or the same error at the same place, for files made of the lines real files hold and of every
//! near miss the fast reader must hand over (other case, escapes, duplicates, dotted keys, CR, v1 tables, ...).

use proptest::prelude::*;
use registries_conf::{
    Layout, MirrorRules, encode, parse, parse_drop_in, parse_lossless, parses_fast, render,
};

use crate::common::realistic_rules;

/// Lines of every kind: what rendering writes, what people write, and near misses.
fn line() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "[[registry]]",
        "  [[registry.mirror]]",
        "[aliases]",
        "[[registry]] # comment",
        "[[Registry]]",
        "[[ registry ]]",
        "[registry]",
        "[[registry.mirrors]]",
        "[registries.search]",
        "registries = []",
        "registries = [\"a.com\"]",
        "",
        "   ",
        "# a comment",
        "# a comment with a tab\t and ümlaut",
        "\t# indented comment",
        "prefix = \"\"",
        "prefix = \"example.com/ns\"",
        "prefix = \"*.example.com\"",
        "location = \"example.com\"",
        "location = \"m.example.net/ns/\"",
        "location = \"m.example.net//\"",
        "location = '/'",
        "location = 'literal.example.com'",
        "location = \"esc\\u0041ped.com\"",
        "location = \"\"\"multi\"\"\"",
        "location = \"unterminated",
        "location = 5",
        "Location = \"case.example.com\"",
        "location=\"tight.example.com\"",
        "location  =  \"loose.example.com\"   # trailing",
        "location.x = \"dotted\"",
        "\"location\" = \"quoted.example.com\"",
        "insecure = true",
        "insecure = false",
        "insecure = \"yes\"",
        "insecure = truex",
        "blocked = true",
        "mirror-by-digest-only = true",
        "mirror-by-digest = true",
        "pull-from-mirror = \"digest-only\"",
        "pull-from-mirror = \"tag-only\"",
        "pull-from-mirror = \"sometimes\"",
        "unqualified-search-registries = [\"registry.access.redhat.com\", \"docker.io\"]",
        "unqualified-search-registries = []",
        "unqualified-search-registries = ['a.com', \"b.com\",]",
        "unqualified-search-registries = [\"a.com\",",
        "unqualified-search-registries = [1]",
        "credential-helpers = [\"pass\"]",
        "short-name-mode = \"\"",
        "short-name-mode = \"enforcing\"",
        "additional-layer-store-auth-helper = \"\"",
        "\"app\" = \"quay.io/team/app\"",
        "app = \"quay.io/team/other\"",
        "'lit' = 'quay.io/lit'",
        "bad_alias = \"quay.io/app:1\"",
        "\"\" = \"quay.io/empty\"",
        "registry = []",
        "unknown-key = \"x\"",
        "= \"no key\"",
        "location = \"ctl\u{1}char\"",
        "\u{feff}location = \"bom\"",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        8 => fixed,
        1 => "[ -~]{0,30}",
    ]
}

/// A file: lines joined with LF or CRLF, sometimes with a lone CR or no final newline.
fn file() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 0..24), 0u8..4).prop_map(|(lines, ending)| {
        let sep = if ending == 1 { "\r\n" } else { "\n" };
        let mut text = lines.join(sep);
        match ending {
            2 => text.push('\r'),
            3 => {}
            _ => text.push_str(sep),
        }
        text
    })
}

/// One of `choices` for each key of a table, some keys left out: a table the fast reader reads.
fn table(keys: &[&[&'static str]]) -> impl Strategy<Value = Vec<String>> {
    let per_key: Vec<_> = keys
        .iter()
        .map(|choices| prop::option::of(prop::sample::select(choices.to_vec())))
        .collect();
    per_key.prop_map(|lines| lines.into_iter().flatten().map(str::to_owned).collect())
}

/// A well-formed file of the subset the fast reader reads (root keys, registries with mirrors, aliases), then
/// sometimes one line replaced by or one line inserted from [`line`], so that near misses sit in real files.
fn structured() -> impl Strategy<Value = String> {
    let root = table(&[
        &[
            "unqualified-search-registries = [\"registry.access.redhat.com\", \"docker.io\"]",
            "unqualified-search-registries = []",
        ],
        &["credential-helpers = [\"pass\", 'containers-auth.json']"],
        &["short-name-mode = \"\"", "short-name-mode = \"permissive\""],
        &["additional-layer-store-auth-helper = \"\""],
    ]);
    let mirror = table(&[
        &[
            "  location = \"m.example.net/ns\"",
            "location='m2.example.net'",
            "location = \"m.example.net/ns/\"",
        ],
        &["  insecure = true", "insecure = false # why"],
        &[
            "  pull-from-mirror = \"digest-only\"",
            "pull-from-mirror = \"tag-only\"",
            "pull-from-mirror = \"odd\"",
        ],
    ]);
    let registry = (
        table(&[
            &[
                "  prefix = \"\"",
                "prefix = \"example.com/ns\"",
                "prefix = \"*.example.com\"",
            ],
            &[
                "  location = \"example.com/ns\"",
                "location = \"other.example.com\"",
            ],
            &["insecure = true"],
            &["blocked = true", "blocked = false"],
            &["mirror-by-digest-only = true"],
            &["pull-from-mirror = \"all\""],
        ]),
        prop::collection::vec(mirror, 0..3),
    )
        .prop_map(|(keys, mirrors)| {
            let mut lines = vec!["[[registry]]".to_owned()];
            lines.extend(keys);
            for mirror in mirrors {
                lines.push("  [[registry.mirror]]".to_owned());
                lines.extend(mirror);
            }
            lines.push(String::new());
            lines
        });
    let aliases = prop::option::of(table(&[
        &["\"app\" = \"quay.io/team/app\""],
        &["tool = 'quay.io/team/tool'"],
        &["'x_y' = \"\""],
    ]));
    (
        root,
        prop::collection::vec(registry, 0..6),
        aliases,
        prop::option::of((any::<prop::sample::Index>(), line(), any::<bool>())),
        any::<bool>(),
    )
        .prop_map(|(root, registries, aliases, mutation, crlf)| {
            let mut lines = root;
            lines.push(String::new());
            let aliases_first = crlf;
            if aliases_first && let Some(aliases) = &aliases {
                lines.push("[aliases]".to_owned());
                lines.extend(aliases.iter().cloned());
            }
            lines.extend(registries.into_iter().flatten());
            if !aliases_first && let Some(aliases) = aliases {
                lines.push("[aliases]".to_owned());
                lines.extend(aliases);
            }
            if let Some((at, line, replace)) = mutation {
                let at = at.index(lines.len() + 1);
                if replace && at < lines.len() {
                    lines[at] = line;
                } else {
                    lines.insert(at, line);
                }
            }
            let sep = if crlf { "\r\n" } else { "\n" };
            lines.join(sep) + sep
        })
}

/// The two readers agree on `text`, as a main file and as a drop-in.
fn agree(text: &str) -> Result<(), TestCaseError> {
    for drop_in in [false, true] {
        let path = "/etc/containers/registries.conf";
        let fast = if drop_in {
            parse_drop_in(path, text.as_bytes())
        } else {
            parse(path, text.as_bytes())
        };
        let lossless = parse_lossless(path, text.as_bytes(), drop_in);
        match (fast, lossless) {
            (Ok(fast), Ok(lossless)) => prop_assert_eq!(fast, lossless, "{:?}", text),
            (Err(fast), Err(lossless)) => prop_assert_eq!(
                (fast.to_string(), fast.line(), fast.column()),
                (lossless.to_string(), lossless.line(), lossless.column()),
                "{:?}",
                text
            ),
            (fast, lossless) => {
                return Err(TestCaseError::fail(format!(
                    "the readers disagree on {text:?}:\n  fast {fast:?}\n  lossless {lossless:?}"
                )));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn fast_and_lossless_readers_agree(text in file()) {
        agree(&text)?;
    }

    #[test]
    fn fast_and_lossless_readers_agree_on_real_shapes(text in structured()) {
        agree(&text)?;
    }
}

#[test]
fn what_rendering_writes_is_read_fast_and_the_same() {
    for n in [0, 1, 30, 1000] {
        let rules = if n == 0 {
            MirrorRules::default()
        } else {
            realistic_rules(n)
        };
        let rendered = render(&rules, Layout::Current).unwrap();
        let text = &rendered.registries_conf;
        assert!(
            parses_fast(text.as_bytes()),
            "{n} sources: the fast reader hands over"
        );
        agree(text).unwrap();
        let legacy = render(&realistic_rules(n.max(1)), Layout::Legacy);
        if let Ok(legacy) = legacy {
            agree(&legacy.registries_conf).unwrap();
        }
    }
    // The golden node files, byte for byte what OpenShift writes.
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/registries-conf");
    let mut read = 0;
    for case in std::fs::read_dir(golden).unwrap() {
        let file = case.unwrap().path().join("registries.conf");
        if let Ok(text) = std::fs::read_to_string(&file) {
            assert!(parses_fast(text.as_bytes()), "{}", file.display());
            agree(&text).unwrap();
            read += 1;
        }
    }
    assert!(read >= 10, "{read} golden files");
}

#[test]
fn an_encoded_model_is_read_fast_unless_it_earns_a_note() {
    let text = "unqualified-search-registries = ['a.com', \"b.com\",]\n[aliases]\n\"app\" = \"quay.io/app\"\nx_y = \
                'z.io/x' # c\n[[registry]]\nlocation = \"e.com\" # note\n  [[registry.mirror]]\n  location = \
                \"m.net/ns\"\n";
    assert!(parses_fast(text.as_bytes()));
    agree(text).unwrap();
    let config = parse("/x", text.as_bytes()).unwrap().config;
    assert!(parses_fast(encode(&config, Layout::Current).as_bytes()));
    // A trailing slash on a mirror earns a note: the lossless reader reads it.
    let slashed = text.replace("m.net/ns\"", "m.net/ns/\"");
    assert!(!parses_fast(slashed.as_bytes()));
    agree(&slashed).unwrap();
}

/// The differential proptest exercises the fast reader: a good share of the real-shaped files go through it.
#[test]
fn the_real_shapes_mostly_take_the_fast_path() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let fast = (0..1000)
        .filter(|_| {
            let text = structured().new_tree(&mut runner).unwrap().current();
            parses_fast(text.as_bytes()) && text.contains("[[registry]]")
        })
        .count();
    assert!(fast >= 250, "only {fast} of 1000 files take the fast path");
}
