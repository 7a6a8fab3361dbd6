//! `/etc/containers/policy.json` from the allowed and blocked registries, byte for byte as OpenShift writes it.
//!
//! OpenShift's machine-config-operator decodes its template into containers/image's `signature.Policy`, replaces the
//! `default` requirement and the `docker` / `atomic` transports, and encodes it with Go's `json.MarshalIndent(policy,
//! "", "  ")`: two-space indent, map keys sorted bytewise, `<`, `>`, `&` escaped, no trailing newline.

use std::collections::BTreeMap;

/// The policy.json a node keeps when neither allowed nor blocked registries are set (the template, verbatim).
pub const TEMPLATE: &str = "{\n    \"default\": [\n        {\n            \"type\": \"insecureAcceptAnything\"\n        }\n    ],\n    \"transports\":\n        {\n            \"docker-daemon\":\n                {\n                    \"\": [{\"type\":\"insecureAcceptAnything\"}]\n                }\n        }\n}";

/// Why OpenShift refuses to write a policy.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// Both lists are set (and allowed is not exactly the payload repository).
    BothListsSet,
    /// An entry is not a valid registries.conf scope.
    InvalidEntry {
        /// `allowed` or `blocked`.
        list: &'static str,
        /// The entry.
        entry: String,
    },
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("could not update policy json with new changes: ")?;
        match self {
            PolicyError::BothListsSet => f.write_str(
                "invalid images config: only one of AllowedRegistries or BlockedRegistries may be specified",
            ),
            PolicyError::InvalidEntry { list, entry } => {
                write!(f, "invalid entry for {list} registries {}", crate::go_quote(entry))
            }
        }
    }
}

/// Renders policy.json from the lists OpenShift derives (`allowed` with the payload repository already prepended
/// where the payload check added it; `blocked` after the payload check). `payload_repo` is the release payload's
/// repository name (e.g. `quay.io/openshift-release-dev/ocp-release`).
///
/// Returns the template bytes when both lists are empty (an explicit empty list counts as unset, as in Go).
pub fn render(
    allowed: &[String],
    blocked: &[String],
    payload_repo: &str,
) -> Result<String, PolicyError> {
    let allowed_is_only_payload = allowed.len() == 1 && allowed[0] == payload_repo;
    if !allowed.is_empty() && !blocked.is_empty() && !allowed_is_only_payload {
        return Err(PolicyError::BothListsSet);
    }
    if allowed.is_empty() && blocked.is_empty() {
        return Ok(TEMPLATE.to_owned());
    }
    for (list, entries) in [("blocked", blocked), ("allowed", allowed)] {
        if let Some(entry) = entries
            .iter()
            .find(|e| !image_ref::scope::is_valid_registry_scope(e))
        {
            return Err(PolicyError::InvalidEntry {
                list,
                entry: entry.clone(),
            });
        }
    }
    // Allowed first, blocked second: a scope in both ends up rejected, and `default` follows the last list set.
    let mut default = "insecureAcceptAnything";
    let mut scopes: BTreeMap<&str, &str> = BTreeMap::new();
    if !allowed.is_empty() {
        default = "reject";
        for scope in allowed {
            scopes.insert(scope, "insecureAcceptAnything");
        }
    }
    if !blocked.is_empty() {
        default = "insecureAcceptAnything";
        for scope in blocked {
            scopes.insert(scope, "reject");
        }
    }
    // `atomic` cannot express three or more path separators.
    let atomic: BTreeMap<&str, &str> = scopes
        .iter()
        .filter(|(scope, _)| scope.matches('/').count() < 3)
        .map(|(k, v)| (*k, *v))
        .collect();
    let transports = [
        ("atomic", atomic),
        ("docker", scopes),
        (
            "docker-daemon",
            BTreeMap::from([("", "insecureAcceptAnything")]),
        ),
    ];

    let mut out = String::new();
    out.push_str("{\n  \"default\": ");
    requirement(&mut out, default, 1);
    out.push_str(",\n  \"transports\": {");
    for (i, (transport, scopes)) in transports.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        go_json_string(&mut out, transport);
        out.push_str(": {");
        for (j, (scope, kind)) in scopes.iter().enumerate() {
            out.push_str(if j == 0 { "\n      " } else { ",\n      " });
            go_json_string(&mut out, scope);
            out.push_str(": ");
            requirement(&mut out, kind, 3);
        }
        if !scopes.is_empty() {
            out.push_str("\n    ");
        }
        out.push('}');
    }
    out.push_str("\n  }\n}");
    Ok(out)
}

/// `[{"type": kind}]` indented as MarshalIndent does at `level` (the level of the key that holds it).
fn requirement(out: &mut String, kind: &str, level: usize) {
    let pad = "  ".repeat(level);
    out.push_str("[\n");
    out.push_str(&pad);
    out.push_str("  {\n");
    out.push_str(&pad);
    out.push_str("    \"type\": ");
    go_json_string(out, kind);
    out.push('\n');
    out.push_str(&pad);
    out.push_str("  }\n");
    out.push_str(&pad);
    out.push(']');
}

/// A JSON string as Go's encoding/json writes it (HTML-safe escaping).
pub fn go_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
