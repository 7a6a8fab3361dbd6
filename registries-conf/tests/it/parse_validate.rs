//! Parsing and validating single files: the model read, warnings, and every error message.

use registries_conf::WarningKind;
use registries_conf::validate;
use registries_conf::{Error, ErrorKind, Mirror, PullFromMirror, RegistriesConf, Registry};
use registries_conf::{parse, parse_drop_in};

const PATH: &str = "/etc/containers/registries.conf";

fn load(text: &str) -> Result<RegistriesConf, Error> {
    validate(&parse(PATH, text.as_bytes())?)
}

fn message(text: &str) -> String {
    match load(text) {
        Ok(config) => format!("accepted: {config:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn reads_every_field_as_written() {
    let text = r#"
unqualified-search-registries = ["registry.example.com", "docker.io"]
credential-helpers = ["pass", "containers-auth.json"]
short-name-mode = "enforcing"
additional-layer-store-auth-helper = "helper"

[[registry]]
prefix = "example.com/ns"
location = "origin.example.org/ns/"
insecure = true
blocked = false
mirror-by-digest-only = true
[[registry.mirror]]
location = "m1.example.net/ns/"
insecure = true
[[registry.mirror]]
location = "m2.example.net/ns"
pull-from-mirror = "tag-only"

[aliases]
"app" = "example.com/ns/app"
"#;
    let parsed = parse(PATH, text.as_bytes()).unwrap();
    // One note: the mirror's trailing slash, which older containers/image keep (every pull then fails there).
    assert!(
        matches!(
            parsed.warnings.as_slice(),
            [w] if w.kind == WarningKind::MirrorTrailingSlashOnOlderClients
                && w.key == "registry[0].mirror[0].location"
                && (w.line, w.column) == (14, 12)
        ),
        "{:?}",
        parsed.warnings
    );
    let expected = RegistriesConf {
        unqualified_search_registries: vec!["registry.example.com".into(), "docker.io".into()],
        credential_helpers: vec!["pass".into(), "containers-auth.json".into()],
        short_name_mode: "enforcing".into(),
        additional_layer_store_auth_helper: "helper".into(),
        aliases: [("app".to_owned(), "example.com/ns/app".to_owned())].into(),
        registries: vec![Registry {
            prefix: "example.com/ns".into(),
            location: "origin.example.org/ns/".into(),
            insecure: true,
            blocked: false,
            mirror_by_digest_only: true,
            mirrors: vec![
                Mirror {
                    location: "m1.example.net/ns/".into(),
                    insecure: true,
                    pull_from_mirror: PullFromMirror::Unset,
                },
                Mirror {
                    location: "m2.example.net/ns".into(),
                    insecure: false,
                    pull_from_mirror: PullFromMirror::TagOnly,
                },
            ],
        }],
    };
    assert_eq!(parsed.config, expected);
}

#[test]
fn names_match_regardless_of_case_and_inline_mirrors_count() {
    let text = r#"
[[Registry]]
Prefix = "example.com"
LOCATION = "loc.example.net"
mirror = [ { location = "m1.example.net" }, { Location = "m2.example.net", Insecure = true } ]
"#;
    let config = parse(PATH, text.as_bytes()).unwrap().config;
    let reg = &config.registries[0];
    assert_eq!(
        (reg.prefix.as_str(), reg.location.as_str()),
        ("example.com", "loc.example.net")
    );
    let mirrors: Vec<(&str, bool)> = reg
        .mirrors
        .iter()
        .map(|m| (m.location.as_str(), m.insecure))
        .collect();
    assert_eq!(
        mirrors,
        [("m1.example.net", false), ("m2.example.net", true)]
    );
}

#[test]
fn post_processing_trims_registries_and_mirrors_dedups_and_sorts() {
    let config = load(
        r#"
[[registry]]
prefix = "b.example.com/"
location = "first.example.net//"
[[registry.mirror]]
location = "m.example.net/ns/"

[[registry]]
location = "a.example.com"

[[registry]]
prefix = "b.example.com"
location = "second.example.net"
"#,
    )
    .unwrap();
    let summary: Vec<(&str, &str, Vec<&str>)> = config
        .registries
        .iter()
        .map(|r| {
            (
                r.prefix.as_str(),
                r.location.as_str(),
                r.mirrors.iter().map(|m| m.location.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("a.example.com", "a.example.com", vec![]),
            (
                "b.example.com",
                "first.example.net",
                vec!["m.example.net/ns"]
            ),
        ]
    );
}

#[test]
fn empty_and_comment_only_files_are_fine() {
    assert_eq!(load("").unwrap(), RegistriesConf::default());
    assert_eq!(load("# nothing\n\n").unwrap(), RegistriesConf::default());
}

#[test]
fn pull_from_mirror_empty_with_mirror_by_digest_only_is_accepted() {
    let config = load(
        "[[registry]]\nlocation = \"example.com/ns\"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = \
         \"m.example.net/ns\"\npull-from-mirror = \"\"\n",
    )
    .unwrap();
    assert_eq!(
        config.registries[0].mirrors[0].pull_from_mirror,
        PullFromMirror::Unset
    );
}

#[test]
fn warnings_for_ignored_keys() {
    let text = r#"[[registry]]
location = "example.com/ns"
mirror-by-digest = true
[[registry.mirrors]]
location = "m.example.net/ns"

[[registry]]
location = "other.example.com"
Location = "ignored.example.com"
[[registry.mirror]]
location = "m.example.net"
blocked = true

[unknown-table]
x = 1
"#;
    let parsed = parse(PATH, text.as_bytes()).unwrap();
    let lines: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(lines.join("\n"));
    // The typos change nothing: containers/image ignores them too.
    assert!(!parsed.config.registries[0].mirror_by_digest_only);
    assert!(parsed.config.registries[0].mirrors.is_empty());
    assert_eq!(parsed.config.registries[1].location, "other.example.com");
}

/// Every error message, as containers/image words it (prefix `loading registries configuration "<path>": `), and
/// ours for TOML and v1.
#[test]
fn error_messages() {
    let cases: &[(&str, &str)] = &[
        (
            "uri scheme in location",
            "[[registry]]\nprefix = \"example.com\"\nlocation = \"https://m.example.net\"\n",
        ),
        (
            "uri scheme in prefix",
            "[[registry]]\nprefix = \"http://example.com\"\nlocation = \"m.example.net\"\n",
        ),
        (
            "uri scheme in mirror",
            "[[registry]]\nlocation = \"e.com/ns\"\n[[registry.mirror]]\nlocation = \"https://m.net/ns\"\n",
        ),
        ("both unset", "[[registry]]\ninsecure = true\n"),
        (
            "prefix without location",
            "[[registry]]\nprefix = \"example.com\"\ninsecure = true\n",
        ),
        (
            "mirror location unset",
            "[[registry]]\nlocation = \"e.com/ns\"\n[[registry.mirror]]\ninsecure = true\n",
        ),
        (
            "mirror location only slashes",
            "[[registry]]\nlocation = \"e.com/ns\"\n[[registry.mirror]]\nlocation = \"//\"\n",
        ),
        (
            "digest-only and pull-from-mirror",
            "[[registry]]\nlocation = \"e.com/ns\"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = \
             \"m.net/ns/\"\npull-from-mirror = \"all\"\n",
        ),
        (
            "unsupported pull-from-mirror",
            "[[registry]]\nlocation = \"e.com/ns\"\n[[registry.mirror]]\nlocation = \"m.net/ns\"\npull-from-mirror = \"never\"\n",
        ),
        (
            "pull-from-mirror case",
            "[[registry]]\nlocation = \"e.com/ns\"\n[[registry.mirror]]\nlocation = \"m.net/ns\"\npull-from-mirror = \"Tag-Only\"\n",
        ),
        (
            "pull-from-mirror on registry",
            "[[registry]]\nlocation = \"e.com/ns\"\npull-from-mirror = \"digest-only\"\n",
        ),
        (
            "conflicting blocked by location",
            "[[registry]]\nprefix = \"e.com\"\nlocation = \"e.com\"\nblocked = true\n[[registry]]\nprefix = \"alias.e.com\"\nlocation = \"e.com\"\n",
        ),
        (
            "conflicting insecure by location",
            "[[registry]]\nprefix = \"e.com\"\nlocation = \"e.com\"\n[[registry]]\nprefix = \"alias.e.com\"\nlocation = \"e.com\"\ninsecure = true\n",
        ),
        (
            "conflicting wildcards",
            "[[registry]]\nprefix = \"*.e.com\"\nblocked = true\n[[registry]]\nprefix = \"*.e.com\"\n",
        ),
        (
            "wildcard with namespace",
            "[[registry]]\nprefix = \"*.example.com/foo\"\nlocation = \"m.example.net\"\n",
        ),
        (
            "wildcard with port",
            "[[registry]]\nprefix = \"*.example.com:5000\"\nlocation = \"m.example.net\"\n",
        ),
        (
            "search registry with namespace",
            "unqualified-search-registries = [\"example.com/ns\"]\n",
        ),
        (
            "search registry with scheme",
            "unqualified-search-registries = [\"https://example.com\"]\n",
        ),
        ("short-name mode", "short-name-mode = \"sometimes\"\n"),
        (
            "alias with tag",
            "[aliases]\n\"app\" = \"example.com/ns/app:1\"\n",
        ),
        (
            "alias without registry",
            "[aliases]\n\"app\" = \"ns/app\"\n",
        ),
        (
            "alias name with registry",
            "[aliases]\n\"example.com/app\" = \"example.com/ns/app\"\n",
        ),
        (
            "two alias errors",
            "[aliases]\n\"a\" = \"x.com/a:1\"\n\"b\" = \"x.com/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n",
        ),
        (
            "mixing v1 and v2",
            "[registries.block]\nregistries = [\"bad.example.net\"]\n[[registry]]\nlocation = \"example.com\"\n",
        ),
        (
            "v1 alone",
            "[registries.search]\nregistries = [\"example.com\"]\n",
        ),
        (
            "unterminated string",
            "[[registry]]\nlocation = \"example.com\n",
        ),
        (
            "boolean as string",
            "[[registry]]\nlocation = \"example.com\"\ninsecure = \"yes\"\n",
        ),
        (
            "table instead of array",
            "[registry]\nlocation = \"example.com\"\n",
        ),
        (
            "number in search list",
            "unqualified-search-registries = [\"a.com\", 5]\n",
        ),
        (
            "mirror not a table",
            "[[registry]]\nlocation = \"e.com\"\nmirror = [\"m.net\"]\n",
        ),
        ("alias not a string", "[aliases]\napp = 1\n"),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        out.push_str(&format!("{name}:\n  {}\n", message(text)));
    }
    let invalid_utf8 = parse(PATH, b"location = \"\xff\"\n").unwrap_err();
    out.push_str(&format!("invalid UTF-8:\n  {invalid_utf8}\n"));
    let drop_in_v1 = parse_drop_in(
        "/etc/containers/registries.conf.d/50-x.conf",
        b"[registries.search]\nregistries = [\"a.com\"]\n",
    )
    .unwrap_err();
    out.push_str(&format!("v1 drop-in:\n  {drop_in_v1}\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn errors_say_where() {
    let err =
        load("\n\n[[registry]]\nlocation = \"example.com\"\ninsecure = \"yes\"\n").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Toml { .. }), "{err:?}");
    assert_eq!((err.line(), err.column()), (Some(5), Some(12)));
    assert_eq!(err.path(), Some("/etc/containers/registries.conf"));
    let err = load("[[registry]]\nlocation = \"a.com\"\n\n[[registry]]\nlocation = \"b.com\"\npull-from-mirror = \"all\"\n")
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidConfig { .. }),
        "{err:?}"
    );
    assert_eq!((err.line(), err.column()), (Some(4), None));
}

#[test]
fn the_first_problem_in_file_order_is_reported() {
    // containers/image checks entry by entry, and conflicts only after every entry.
    let text = "[[registry]]\nprefix = \"a.com\"\nlocation = \"x.com\"\nblocked = true\n[[registry]]\nprefix = \"b.com\"\n\
                location = \"x.com\"\n[[registry]]\nlocation = \"https://c.com\"\n";
    assert!(
        message(text).ends_with("invalid location 'https://c.com': URI schemes are not supported")
    );
}

/// containers/image 5.24 and later (`hasSetField`): a v1 list counts once it is written, even `[]`, and so does
/// every v2 key but an empty string; only a v1 table without its `registries` key is nothing.
#[test]
fn v1_beside_v2_is_refused_even_when_empty() {
    const MIXING: &str = "mixing sysregistry v1/v2 is not supported";
    let mixing = [
        "unqualified-search-registries = []\n[registries.search]\nregistries = []\n",
        "[registries.block]\nregistries = []\n[[registry]]\nlocation = \"example.com\"\n",
        "registry = []\n[registries.insecure]\nregistries = []\n",
        "credential-helpers = []\n[registries.search]\nregistries = []\n",
        "[aliases]\n[registries.search]\nregistries = []\n",
        "short-name-mode = \"enforcing\"\n[registries.search]\nregistries = []\n",
        "additional-layer-store-auth-helper = \"h\"\n[Registries.Search]\nRegistries = []\n",
    ];
    for text in mixing {
        let err = load(text).expect_err(text);
        assert!(
            matches!(err.kind(), ErrorKind::InvalidConfig { message } if message == MIXING),
            "{text}: {err:?}"
        );
        assert!(err.line().is_some(), "{text}: {err:?}");
    }
    // An empty v1 list without v2 content is a v1 file, refused as every v1 file is here (and by the current
    // containers/image); an empty string is no v2 content.
    for text in [
        "[registries.search]\nregistries = []\n",
        "short-name-mode = \"\"\n[registries.block]\nregistries = []\n",
    ] {
        let err = load(text).expect_err(text);
        assert!(
            matches!(err.kind(), ErrorKind::UnsupportedV1),
            "{text}: {err:?}"
        );
    }
    // A v1 table without its list is nothing to containers/image: the v2 file beside it is read.
    let config =
        load("unqualified-search-registries = []\n[registries.search]\n").expect("accepted");
    assert!(config.unqualified_search_registries.is_empty());
    // In a drop-in, an empty v1 list is already v1.
    let err = parse_drop_in(
        "/etc/containers/registries.conf.d/50-x.conf",
        b"[registries.insecure]\nregistries = []\n",
    )
    .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidConfig { message } if message == "registry must be in v2 format but is in v1"),
        "{err:?}"
    );
}

/// A trailing slash on a mirror location is trimmed and the mirror tried, as containers/image 5.35 and later do; a
/// typed note says that older nodes fail every pull of the entry.
#[test]
fn mirror_trailing_slash_is_trimmed_with_a_note_for_older_clients() {
    let text = "[[registry]]\nlocation = \"example.com/ns\"\n[[registry.mirror]]\nlocation = \"m.example.net/ns//\"\n";
    let parsed = parse(PATH, text.as_bytes()).unwrap();
    let [note] = parsed.warnings.as_slice() else {
        panic!("{:?}", parsed.warnings)
    };
    assert_eq!(note.kind, WarningKind::MirrorTrailingSlashOnOlderClients);
    assert_eq!((note.line, note.column), (4, 12));
    assert!(
        note.to_string().contains("invalid reference format"),
        "{note}"
    );
    let config = validate(&parsed).unwrap();
    assert_eq!(config.registries[0].mirrors[0].location, "m.example.net/ns");
    // A location of slashes only is still unset, and no note is given for it.
    let err = load("[[registry]]\nlocation = \"e.com\"\n[[registry.mirror]]\nlocation = \"/\"\n")
        .unwrap_err();
    assert!(
        err.to_string().contains("mirror location is unset"),
        "{err}"
    );
}
