//! `/etc/containers/policy.json` from the allowed and blocked registries, byte for byte as OpenShift writes it.
//!
//! OpenShift's machine-config-operator decodes its template into containers/image's `signature.Policy`, replaces the
//! `default` requirement and the `docker` / `atomic` transports, and encodes it with Go's `json.MarshalIndent(policy,
//! "", "  ")`: two-space indent, map keys sorted bytewise, `<`, `>`, `&` escaped, no trailing newline.

use std::collections::BTreeMap;

/// The policy.json a node keeps when neither allowed nor blocked registries are set (the template, verbatim).
pub const TEMPLATE: &str = "{\n    \"default\": [\n        {\n            \"type\": \"insecureAcceptAnything\"\n        }\n    ],\n    \"transports\":\n        {\n            \"docker-daemon\":\n                {\n                    \"\": [{\"type\":\"insecureAcceptAnything\"}]\n                }\n        }\n}";

/// Renders policy.json from the lists OpenShift derives (`allowed` with the payload repository already prepended
/// where the payload check added it; `blocked` after the payload check), for the release payload `release_image`.
///
/// Returns the template bytes when both lists are empty (an explicit empty list counts as unset, as in Go). The
/// lists are checked first by registries-conf's `check_policy_lists` (OpenShift's rules and messages, wrapped as
/// `could not update policy json with new changes: ...`).
pub fn render(
    allowed: &[String],
    blocked: &[String],
    release_image: &str,
) -> Result<String, registries_conf::Error> {
    registries_conf::check_policy_lists(Some(blocked), Some(allowed), release_image)?;
    if allowed.is_empty() && blocked.is_empty() {
        return Ok(TEMPLATE.to_owned());
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
        go_compat::write_json_string(&mut out, transport);
        out.push_str(": {");
        for (j, (scope, kind)) in scopes.iter().enumerate() {
            out.push_str(if j == 0 { "\n      " } else { ",\n      " });
            go_compat::write_json_string(&mut out, scope);
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
    go_compat::write_json_string(out, kind);
    out.push('\n');
    out.push_str(&pad);
    out.push_str("  }\n");
    out.push_str(&pad);
    out.push(']');
}
