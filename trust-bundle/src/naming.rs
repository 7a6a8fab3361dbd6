//! ConfigMap key ↔ `certs.d` folder naming.
//!
//! A ConfigMap key allows only `[-._a-zA-Z0-9]`, so `host:port` is spelt `host..port`.
//! machine-config-operator (`pkg/daemon/certificate_writer.go`) turns every `..` into `:`;
//! the older node-ca daemon (cluster-image-registry-operator `pkg/nodeca`) turned only the
//! last one. Both agree on every key this module accepts; where they differ the key is refused
//! and the error names both folders.

use crate::error::Error;
use crate::warning::Warning;

/// Longest ConfigMap key Kubernetes accepts (a DNS-1123 subdomain's length).
pub const MAX_KEY_LEN: usize = 253;

/// File-name endings that suggest the key is a file name, not a registry host.
const FILE_LIKE_SUFFIXES: [&str; 5] = [".crt", ".cer", ".cert", ".pem", ".der"];

/// A checked key and the folder it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    /// The ConfigMap key.
    pub key: String,
    /// The `certs.d` folder name (`host` or `host:port`).
    pub folder: String,
    /// Non-fatal remarks about the key.
    pub warnings: Vec<Warning>,
}

/// The folder machine-config-operator makes for `key`: every `..` becomes `:`, left to
/// right without overlap (`a...5000` → `a:.5000`). Unchecked: see [`folder_for_key`].
pub fn mco_folder_name(key: &str) -> String {
    key.replace("..", ":")
}

/// The folder the older node-ca daemon made for `key`: only the last `..` becomes `:`.
/// Unchecked; used to warn where the two rules part.
pub fn node_ca_folder_name(key: &str) -> String {
    match key.rfind("..") {
        Some(at) => format!("{}:{}", &key[..at], &key[at + 2..]),
        None => key.to_owned(),
    }
}

/// Checks `key` against Kubernetes' ConfigMap key rules (`IsConfigMapKey`), naming the
/// dangerous cases (`/`, NUL, absolute, `.`/`..`) explicitly.
pub fn validate_config_map_key(key: &str) -> Result<(), Error> {
    let refuse = |reason: &str| {
        Err(Error::InvalidKey {
            key: key.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if key.is_empty() {
        return refuse("empty key");
    }
    if key.starts_with('/') {
        return refuse("absolute name: a key names one file inside the ConfigMap");
    }
    if key.contains('/') {
        return refuse("contains `/`: the folder would not be a direct child of certs.d");
    }
    if key.contains('\0') {
        return refuse("contains NUL");
    }
    if key == "." || key == ".." {
        return refuse("`.` and `..` name a directory, not a registry");
    }
    if key.starts_with("..") {
        return refuse("must not start with `..` (Kubernetes reserves it)");
    }
    if key.len() > MAX_KEY_LEN {
        return refuse("longer than 253 characters");
    }
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        let reason = if bad == ':' {
            "contains `:`: spell host:port as host..port in a ConfigMap key".to_owned()
        } else {
            format!("contains {bad:?}: ConfigMap keys allow only [-._a-zA-Z0-9]")
        };
        return Err(Error::InvalidKey {
            key: key.to_owned(),
            reason,
        });
    }
    Ok(())
}

/// Checks that `folder` is a registry `host` or `host:port` as a docker reference spells
/// its domain (DNS name or IPv4; IPv6 literals cannot come from a ConfigMap key), with a
/// port in 1..=65535. Returns the reason when it is not.
pub fn check_registry_host(folder: &str) -> Result<(), String> {
    if folder.starts_with('[') {
        return Err("an IPv6 literal cannot be spelt as a ConfigMap key".to_owned());
    }
    if folder.contains('/') {
        return Err("`/`: give only host[:port], without scheme or path".to_owned());
    }
    let (host, port) = match folder.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (folder, None),
    };
    if host.is_empty() {
        return Err("empty host".to_owned());
    }
    for (i, label) in host.split('.').enumerate() {
        check_domain_component(label).map_err(|why| format!("host label #{}: {why}", i + 1))?;
    }
    if let Some(port) = port {
        check_port(port)?;
    }
    Ok(())
}

fn check_domain_component(label: &str) -> Result<(), String> {
    if label.is_empty() {
        return Err("empty (a leading, trailing or doubled `.`)".to_owned());
    }
    if label.len() > 63 {
        return Err("longer than 63 characters".to_owned());
    }
    if let Some(bad) = label
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!("{bad:?} is not allowed in a host name"));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(format!("{label:?} starts or ends with `-`"));
    }
    Ok(())
}

fn check_port(port: &str) -> Result<(), String> {
    if port.is_empty() {
        return Err("empty port".to_owned());
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("port {port:?} is not a number"));
    }
    match port.parse::<u32>() {
        Ok(1..=65535) => Ok(()),
        _ => Err(format!("port {port:?} is not in 1..=65535")),
    }
}

/// The `certs.d` folder for a ConfigMap key, as OpenShift names it today, after checking
/// that the key is safe and names a registry. Warns when the key looks like a file name
/// (`ca.crt`), a common slip that OpenShift would silently accept.
pub fn folder_for_key(key: &str) -> Result<Naming, Error> {
    validate_config_map_key(key)?;
    let folder = mco_folder_name(key);
    let legacy = node_ca_folder_name(key);
    if let Err(reason) = check_registry_host(&folder) {
        return Err(Error::NotRegistryHost {
            key: key.to_owned(),
            legacy_folder: (legacy != folder).then_some(legacy),
            folder,
            reason,
        });
    }
    // Unreachable for accepted keys (see the module docs), kept so a future loosening of
    // the host check cannot silently drop the warning.
    let mut warnings = Vec::new();
    if legacy != folder {
        warnings.push(Warning::LegacyNamingDiffers {
            key: key.to_owned(),
            folder: folder.clone(),
            legacy_folder: legacy,
        });
    }
    let lower = key.to_ascii_lowercase();
    if FILE_LIKE_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        warnings.push(Warning::LooksLikeFileName {
            key: key.to_owned(),
            folder: folder.clone(),
        });
    }
    Ok(Naming {
        key: key.to_owned(),
        folder,
        warnings,
    })
}

/// The ConfigMap key for a registry `host[:port]` (a `certs.d` folder name): `:` becomes
/// `..`. IPv6 literals (`[fd00::1]:5000`) are refused: brackets and `:` cannot appear in a
/// key, and `..` for each `:` would not round-trip.
pub fn key_for_host(host: &str) -> Result<String, Error> {
    let unrepresentable = |reason: String| Error::UnrepresentableHost {
        host: host.to_owned(),
        reason,
    };
    if host.starts_with('[') || host.matches(':').count() > 1 {
        return Err(unrepresentable(
            "IPv6 literals cannot be ConfigMap keys (only [-._a-zA-Z0-9] is allowed); \
             give the registry a DNS name and use that in image references"
                .to_owned(),
        ));
    }
    check_registry_host(host).map_err(unrepresentable)?;
    let key = host.replace(':', "..");
    validate_config_map_key(&key)?;
    Ok(key)
}
