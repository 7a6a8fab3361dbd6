//! The main file plus `registries.conf.d/*.conf` drop-ins, merged as containers/image merges them.

use registries_conf::Resolver;
use registries_conf::{InMemoryFile, load, load_in_memory};

const MAIN: &str = r#"
unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]
credential-helpers = ["pass"]
short-name-mode = "enforcing"

[[registry]]
location = "example.com/ns"
[[registry.mirror]]
location = "main-mirror.example.net/ns"

[[registry]]
location = "keep.example.com"
insecure = true

[aliases]
"a" = "example.com/a"
"b" = "example.com/b"
"#;

const OVERRIDE: &str = r#"
short-name-mode = ""
credential-helpers = []

[[registry]]
prefix = "example.com/ns"
location = "example.com/ns"
[[registry.mirror]]
location = "dropin-mirror.example.net/ns"

[aliases]
"b" = "other.example.com/b"
"#;

const SEARCH: &str = "unqualified-search-registries = [\"quay.io\"]\n";

fn file<'a>(path: &'a str, text: &'a str) -> InMemoryFile<'a> {
    InMemoryFile {
        path,
        bytes: text.as_bytes(),
    }
}

#[test]
fn drop_ins_override_by_prefix_and_set_fields() {
    let loaded = load_in_memory(
        Some(file("/etc/containers/registries.conf", MAIN)),
        &[
            // Given out of order, and with a file that is not *.conf: sorted and filtered as on disk.
            file("/etc/containers/registries.conf.d/99-search.conf", SEARCH),
            file(
                "/etc/containers/registries.conf.d/README",
                "not toml at all [",
            ),
            file(
                "/etc/containers/registries.conf.d/10-override.conf",
                OVERRIDE,
            ),
        ],
    )
    .unwrap();
    assert_eq!(
        loaded.files,
        [
            "/etc/containers/registries.conf",
            "/etc/containers/registries.conf.d/10-override.conf",
            "/etc/containers/registries.conf.d/99-search.conf"
        ]
    );
    let c = &loaded.config;
    assert_eq!(c.unqualified_search_registries, ["quay.io"]);
    // Set to [] in a drop-in: replaced. An empty short-name-mode is "not set": kept.
    assert!(c.credential_helpers.is_empty());
    assert_eq!(c.short_name_mode, "enforcing");
    assert_eq!(c.aliases["a"], "example.com/a");
    assert_eq!(c.aliases["b"], "other.example.com/b");
    let prefixes: Vec<&str> = c.registries.iter().map(|r| r.prefix.as_str()).collect();
    assert_eq!(prefixes, ["example.com/ns", "keep.example.com"]);
    let sources = Resolver::new(c)
        .pull_sources("example.com/ns/app:1")
        .unwrap();
    let refs: Vec<&str> = sources.iter().map(|s| s.reference.as_str()).collect();
    assert_eq!(
        refs,
        ["dropin-mirror.example.net/ns/app:1", "example.com/ns/app:1"]
    );
}

#[test]
fn conflicts_are_checked_per_file_only() {
    // The same location with a different `insecure` in two files is not a conflict for containers/image.
    let loaded = load_in_memory(
        Some(file(
            "/etc/containers/registries.conf",
            "[[registry]]\nlocation = \"e.com\"\n",
        )),
        &[file(
            "/etc/containers/registries.conf.d/a.conf",
            "[[registry]]\nprefix = \"alias.e.com\"\nlocation = \"e.com\"\ninsecure = true\n",
        )],
    )
    .unwrap();
    assert_eq!(loaded.config.registries.len(), 2);
}

#[test]
fn drop_in_errors_name_the_drop_in() {
    let err = load_in_memory(
        None,
        &[file(
            "/etc/containers/registries.conf.d/50-bad.conf",
            "[registries.search]\nregistries = [\"a.com\"]\n",
        )],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "loading drop-in registries configuration \"/etc/containers/registries.conf.d/50-bad.conf\": registry must be \
         in v2 format but is in v1"
    );
    let err = load_in_memory(
        None,
        &[file(
            "/etc/containers/registries.conf.d/50-bad.conf",
            "[[registry]]\nprefix = \"x.com\"\n",
        )],
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("loading drop-in registries configuration"),
        "{err}"
    );
}

#[test]
fn on_disk_like_in_memory() {
    let root = tempfile::tempdir().unwrap();
    let main = root.path().join("registries.conf");
    let system = root.path().join("registries.conf.d");
    let user = root.path().join("user.d");
    std::fs::write(&main, MAIN).unwrap();
    std::fs::create_dir(&system).unwrap();
    std::fs::write(system.join("99-search.conf"), SEARCH).unwrap();
    std::fs::write(system.join("10-override.conf"), OVERRIDE).unwrap();
    std::fs::write(system.join("notes.txt"), "ignored [").unwrap();
    std::fs::create_dir(system.join("sub.conf")).unwrap(); // a folder, even named *.conf, is not read
    std::fs::create_dir(&user).unwrap();
    std::fs::write(
        user.join("00-user.conf"),
        "unqualified-search-registries = [\"user.example.com\"]\n",
    )
    .unwrap();

    let loaded = load(&main, &[&system, &user]).unwrap();
    let names: Vec<String> = loaded
        .files
        .iter()
        .map(|f| {
            f.strip_prefix(&root.path().display().to_string())
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "/registries.conf",
            "/registries.conf.d/10-override.conf",
            "/registries.conf.d/99-search.conf",
            "/user.d/00-user.conf"
        ]
    );
    // The user folder comes last, so its list wins.
    assert_eq!(
        loaded.config.unqualified_search_registries,
        ["user.example.com"]
    );

    // A missing main file and folder are fine.
    let loaded = load(
        &root.path().join("absent.conf"),
        &[&root.path().join("absent.d")],
    )
    .unwrap();
    assert_eq!(loaded.config, registries_conf::RegistriesConf::default());
}
