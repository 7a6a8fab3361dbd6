//! Helpers shared by the test modules and the render benchmark (which includes this file): the rule generator of a
//! large disconnected cluster's shape.

use registries_conf::{MirrorRules, MirrorSet};

/// Rules shaped like a large disconnected cluster: `n` sources in groups of ten sharing a registry and a team
/// namespace (the first of each group mirrors the namespace itself, so the nine repositories nest in it), one to
/// three mirrors each, every twentieth set a tag set, every fiftieth source also in an ICSP (merged), an insecure
/// mirror host and mirrorless insecure sub-scopes (which get nested copies), and a few blocked scopes.
pub fn realistic_rules(n: usize) -> MirrorRules {
    let mut rules = MirrorRules {
        insecure: Some(Vec::new()),
        blocked: Some(Vec::new()),
        ..MirrorRules::default()
    };
    let insecure = rules.insecure.as_mut().unwrap();
    let blocked = rules.blocked.as_mut().unwrap();
    insecure.push("mirror0.local:5000".to_string());
    for i in 0..n {
        let host = format!("registry{}.example.com", (i / 100) % 97);
        let team = i / 10;
        let source = if i % 10 == 0 {
            format!("{host}/team{team}")
        } else {
            format!("{host}/team{team}/app{i}")
        };
        let mirrors: Vec<String> = (0..1 + i % 3)
            .map(|k| format!("mirror{k}.local:5000/team{team}/app{i}"))
            .collect();
        if i % 50 == 1 {
            rules.legacy_digest_mirror_sets.push(MirrorSet::new(
                source.clone(),
                mirrors.iter().rev().cloned(),
            ));
        }
        let set = MirrorSet::new(source, mirrors);
        if i % 20 == 7 {
            rules.tag_mirror_sets.push(set)
        } else {
            rules.digest_mirror_sets.push(set)
        }
        if i % 100 == 0 {
            insecure.push(format!("{host}/team{team}/extra"));
        }
        if i % 200 == 0 {
            blocked.push(format!("blocked{i}.example.org"));
            blocked.push(format!("*.blocked{i}.example.com"));
        }
    }
    rules
}
