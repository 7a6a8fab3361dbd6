//! registries.conf rendering from structured mirror rules: no panic; the rendered file parses back to the model it
//! was encoded from, encoding that model again gives the same bytes, the file passes containers/image's validator,
//! and the output does not depend on the order of the mirror sets.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use registries_conf::{parse, parse_drop_in};
use registries_conf::validate;
use registries_conf::{
    Layout, MirrorRules, MirrorSet, SourcePolicy, check_blocked_registries, encode, render,
    render_model,
};

const RELEASE: &str = "quay.io/openshift-release-dev/ocp-release@sha256:0000000000000000000000000000000000000000000000000000000000000000";
const HOSTS: [&str; 9] = [
    "quay.io",
    "registry.example.com",
    "example.com",
    "a.example.com",
    "mirror.local",
    "localhost",
    "docker.io",
    "r",
    "[::1]",
];
const PORTS: [&str; 3] = ["5000", "443", "8443"];
const COMPONENTS: [&str; 8] = [
    "ns",
    "repo",
    "a",
    "b",
    "openshift-release-dev",
    "ocp-release",
    "x-y",
    "ns_2",
];
/// Lists are cut to this length: longer ones find nothing new and slow every run.
const MAX_ITEMS: usize = 8;

/// A scope: mostly built from plausible parts (so validation passes and rendering is reached), sometimes raw.
#[derive(Arbitrary, Debug, Clone)]
enum Scope {
    Built {
        wildcard: bool,
        host: u8,
        port: Option<u8>,
        path: Vec<u8>,
    },
    Raw(String),
}

impl Scope {
    fn text(&self) -> String {
        match self {
            Scope::Built {
                wildcard,
                host,
                port,
                path,
            } => {
                let mut s = String::new();
                if *wildcard {
                    s.push_str("*.");
                }
                s.push_str(HOSTS[*host as usize % HOSTS.len()]);
                if let Some(port) = port {
                    s.push(':');
                    s.push_str(PORTS[*port as usize % PORTS.len()]);
                }
                for c in path.iter().take(4) {
                    s.push('/');
                    s.push_str(COMPONENTS[*c as usize % COMPONENTS.len()]);
                }
                s
            }
            Scope::Raw(raw) => raw.clone(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
struct Set {
    source: Scope,
    mirrors: Vec<Scope>,
    policy: u8,
}

impl Set {
    fn rule(&self) -> MirrorSet {
        MirrorSet {
            source: self.source.text(),
            mirrors: self.mirrors.iter().take(MAX_ITEMS).map(Scope::text).collect(),
            policy: match self.policy % 3 {
                0 => SourcePolicy::Unset,
                1 => SourcePolicy::AllowContactingSource,
                _ => SourcePolicy::NeverContactSource,
            },
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    digest: Vec<Set>,
    legacy: Vec<Set>,
    tag: Vec<Set>,
    insecure: Option<Vec<Scope>>,
    blocked: Option<Vec<Scope>>,
    allowed: Option<Vec<Scope>>,
    search: Option<Vec<Scope>>,
    legacy_layout: bool,
}

fn sets(sets: &[Set]) -> Vec<MirrorSet> {
    sets.iter().take(MAX_ITEMS).map(Set::rule).collect()
}

fn list(scopes: &Option<Vec<Scope>>) -> Option<Vec<String>> {
    scopes
        .as_ref()
        .map(|s| s.iter().take(MAX_ITEMS).map(Scope::text).collect())
}

fuzz_target!(|input: Input| {
    let layout = if input.legacy_layout {
        Layout::Legacy
    } else {
        Layout::Current
    };
    let rules = MirrorRules {
        digest_mirror_sets: sets(&input.digest),
        legacy_digest_mirror_sets: sets(&input.legacy),
        tag_mirror_sets: sets(&input.tag),
        insecure: list(&input.insecure),
        blocked: None,
        search_registries: list(&input.search),
    };
    // The payload check comes first, as on a cluster.
    let Ok(payload) = check_blocked_registries(RELEASE, list(&input.blocked).as_deref(), rules) else {
        return;
    };
    let rules = payload.rules;
    // policy.json's half of the same function: the lists that follow from the entries kept.
    let lists = policy_json::openshift::PolicyLists::after_payload_check(
        &payload.payload_repository,
        rules.blocked.as_deref(),
        list(&input.allowed).as_deref(),
    );
    let _ = lists.render(RELEASE);

    let rendered = match render(&rules, layout) {
        Ok(rendered) => rendered,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let text = &rendered.registries_conf;
    let parsed = parse("registries.conf", text.as_bytes())
        .unwrap_or_else(|e| panic!("rendered file does not parse: {e}\n{text}"));
    let model = render_model(&rules, layout).expect("render_model accepts what render accepts");
    assert_eq!(parsed.config, model, "parse(render) is the model\n{text}");
    if rendered.regenerated {
        assert_eq!(&encode(&parsed.config, layout), text, "render from the parsed model is idempotent");
    } else {
        // The node keeps the operator's template verbatim (single quotes, which the encoder never writes).
        assert_eq!(text, registries_conf::TEMPLATE);
    }
    // OpenShift checks insecure and blocked entries only loosely (`IsValidRegistriesConfScope`): an entry such as
    // `/` or `http://x` passes, and the file it writes (faithfully reproduced here) is one containers/image
    // refuses. Found by this target; the file must validate, and parse without a warning, whenever every such
    // entry is a well-formed scope.
    let loose = rules
        .insecure
        .iter()
        .chain(&rules.blocked)
        .flatten()
        .any(|scope| !image_ref::scope::is_valid_mirror_scope(scope, true));
    if let Err(e) = validate(&parsed) {
        assert!(loose, "rendered file fails validation: {e}\n{text}");
    }
    // Such an entry also warns: a blocked `quay.io/` nested in the source `quay.io` gets its mirrors with `/`
    // appended (`mirror.local/`), as OpenShift writes them (found by this target).
    assert!(parsed.warnings.is_empty() || loose, "{:?}\n{text}", parsed.warnings);
    if let Some(drop_in) = &rendered.search_registries_drop_in {
        parse_drop_in("01-image-searchRegistries.conf", drop_in.as_bytes())
            .unwrap_or_else(|e| panic!("drop-in does not parse: {e}\n{drop_in}"));
    }

    // The order of the mirror sets does not matter.
    let mut reversed = rules.clone();
    reversed.digest_mirror_sets.reverse();
    reversed.legacy_digest_mirror_sets.reverse();
    reversed.tag_mirror_sets.reverse();
    let again = render(&reversed, layout).expect("the same sets in another order render");
    assert_eq!(&again.registries_conf, text, "set order changed the output");
});
