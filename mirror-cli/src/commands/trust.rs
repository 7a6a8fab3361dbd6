//! `mirror-cli trust`: the ConfigMap of per-registry CA bundles (step 2 of the procedure), checked before it is
//! made, and the naming of `certs.d` folders both ways.
//!
//! `trust configmap` builds what `oc create configmap registry-config -n openshift-config
//! --from-file=<host>..<port>=ca.crt` would, after checking every bundle as the node will use it: a bundle holding a
//! private key, an empty or unreadable one, or a host that cannot be a ConfigMap key is refused and nothing is
//! written. The certificate report goes to standard error, the YAML to standard output (or `--output-file FILE`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use icsp::Object;
use trust_bundle::{Bundle, Origin, UnixTime};

use super::{Exit, Format, ObjectFormat, Style, read_file, report, write_output_file};
use crate::Error;
use crate::writer::WriteOutcome;

/// The ConfigMap name the procedure uses.
pub const DEFAULT_NAME: &str = "registry-config";
/// The namespace the Image config's `additionalTrustedCA` refers to.
pub const DEFAULT_NAMESPACE: &str = crate::cluster::CONFIG_NAMESPACE;

/// What a `trust` command was asked.
#[derive(Debug)]
pub enum TrustRequest {
    /// `trust configmap HOST[:PORT]=CAFILE ...`
    ConfigMap(ConfigMapRequest),
    /// `trust check CAFILE ...`
    Check(CheckRequest),
    /// `trust folder KEY`: the `certs.d` folder for a ConfigMap key.
    Folder {
        /// The ConfigMap key (`host..port`).
        key: String,
    },
    /// `trust key HOST[:PORT]`: the ConfigMap key for a registry.
    Key {
        /// The registry `host[:port]`.
        host: String,
    },
}

/// `trust configmap`.
#[derive(Debug)]
pub struct ConfigMapRequest {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `HOST[:PORT]=CAFILE` arguments, as given.
    pub pairs: Vec<String>,
    /// Write the YAML here (atomically, mode 0644) instead of standard output.
    pub output: Option<PathBuf>,
    /// "Now", for expiry warnings.
    pub now: UnixTime,
    /// YAML, or JSON.
    pub format: ObjectFormat,
}

/// `trust check`.
#[derive(Debug)]
pub struct CheckRequest {
    /// The CA files.
    pub files: Vec<PathBuf>,
    /// "Now", for expiry warnings.
    pub now: UnixTime,
    /// Lines, or every bundle's report as one JSON document.
    pub format: Format,
}

/// Kubernetes object names: a DNS subdomain (RFC 1123), at most 253 characters.
fn check_object_name(flag: &str, value: &str, max: usize) -> Result<(), Error> {
    let ok = !value.is_empty()
        && value.len() <= max
        && value.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::Usage {
            message: format!(
                "{flag} {value:?}: not a valid Kubernetes name (lowercase letters, digits, '-' and '.', at most \
                 {max} characters)"
            ),
        })
    }
}

/// Runs a `trust` command.
pub fn run(
    request: &TrustRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    match request {
        TrustRequest::ConfigMap(r) => config_map(r, out, err, style),
        TrustRequest::Check(r) => check(r, out),
        TrustRequest::Folder { key } => {
            let naming = trust_bundle::folder_for_key(key)?;
            writeln!(out, "{}", naming.folder).map_err(super::output_error)?;
            let warnings: Vec<String> = naming.warnings.iter().map(|w| w.to_string()).collect();
            report(err, style, &warnings, &[]).map_err(super::output_error)?;
            Ok(Exit::Ok)
        }
        TrustRequest::Key { host } => {
            let key = trust_bundle::key_for_host(host)?;
            writeln!(out, "{key}").map_err(super::output_error)?;
            Ok(Exit::Ok)
        }
    }
}

fn config_map(
    request: &ConfigMapRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    check_object_name("--name", &request.name, 253)?;
    check_object_name("--namespace", &request.namespace, 63)?;
    if request.pairs.is_empty() {
        return Err(Error::Usage {
            message: "trust configmap needs at least one HOST[:PORT]=CAFILE".into(),
        });
    }
    let mut files = Vec::with_capacity(request.pairs.len());
    let mut budget = crate::input::command_budget();
    for pair in &request.pairs {
        if !pair.contains('=') {
            return Err(Error::Usage {
                message: format!("{pair:?}: expected HOST[:PORT]=CAFILE"),
            });
        }
        let parsed = trust_bundle::parse_from_file_arg(pair)?;
        let input = read_file(Path::new(&parsed.path), &mut budget)?;
        files.push((parsed.host, parsed.path, input.bytes));
    }
    let config_map = crate::cluster::ca_config_map(&request.name, &request.namespace, &files)?;

    // Check the bundles as the node will read them (machine-config-operator's decoding), naming the files.
    let data = crate::cluster::trust_data(&config_map);
    let path_of: BTreeMap<String, String> = files
        .iter()
        .filter_map(|(host, path, _)| {
            trust_bundle::key_for_host(host)
                .ok()
                .map(|key| (key, path.clone()))
        })
        .collect();
    let bundles: Vec<Bundle> = trust_bundle::read_config_map(&data)?
        .into_iter()
        .map(|b| Bundle {
            origin: path_of
                .get(&b.key)
                .map(|p| Origin::File(p.clone()))
                .unwrap_or(b.origin),
            ..b
        })
        .collect();
    let checks = trust_bundle::check_bundles(&bundles, request.now);
    let file_for = |folder: &str| crate::node::paths::ca_file(folder).display().to_string();
    err.write_all(trust_bundle::render_text(&checks, file_for).as_bytes())
        .map_err(super::output_error)?;
    if let Some(first) = checks.iter().find_map(|c| c.errors().next()) {
        return Err(Error::Trust(first.clone()));
    }
    // The folders too: two keys that would share a certs.d folder are refused.
    trust_bundle::plan_folders(&bundles, request.now)?;

    let yaml =
        crate::output::objects_text(&[Object::ConfigMap(config_map)], request.format).into_bytes();
    match &request.output {
        Some(path) => {
            let outcome = write_output_file(path, &yaml, 0o644)?;
            let what = match outcome {
                WriteOutcome::Created => "created",
                WriteOutcome::Replaced => "replaced",
                WriteOutcome::Unchanged => "unchanged",
            };
            report(
                err,
                style,
                &[] as &[String],
                &[format!("{what} {} ({} bytes)", path.display(), yaml.len())],
            )
            .map_err(super::output_error)?;
        }
        None => out.write_all(&yaml).map_err(super::output_error)?,
    }
    Ok(Exit::Ok)
}

fn check(request: &CheckRequest, out: &mut dyn Write) -> Result<Exit, Error> {
    if request.files.is_empty() {
        return Err(Error::Usage {
            message: "trust check needs at least one CAFILE".into(),
        });
    }
    let mut exit = Exit::Ok;
    let mut budget = crate::input::command_budget();
    let mut text = String::new();
    let mut bundles = Vec::with_capacity(request.files.len());
    for path in &request.files {
        let input = read_file(path, &mut budget)?;
        let bundle = Bundle {
            key: input.name.clone(),
            origin: Origin::File(input.name.clone()),
            bytes: input.bytes,
        };
        // Messages start with `file "NAME"["NAME"]: `; the report line already names the file.
        let prefix = format!("{}[{:?}]: ", bundle.origin, bundle.key);
        let unprefixed = |text: String| {
            text.strip_prefix(&prefix)
                .map(str::to_owned)
                .unwrap_or(text)
        };
        match trust_bundle::check_bundle(&bundle, request.now) {
            Ok(bundle_report) => {
                text.push_str(&format!("{}: ok\n", input.name));
                for cert in &bundle_report.certificates {
                    text.push_str(&format!(
                        "  #{} subject: {}\n     issuer: {}\n     not before: {}\n     not after: {}{}\n",
                        cert.index,
                        cert.subject,
                        cert.issuer,
                        cert.not_before,
                        cert.not_after,
                        if cert.is_ca { " (CA)" } else { "" }
                    ));
                }
                let warnings: Vec<String> = bundle_report
                    .warnings
                    .iter()
                    .map(|w| unprefixed(w.to_string()))
                    .collect();
                for warning in &warnings {
                    text.push_str(&format!("  warning: {warning}\n"));
                }
                let certificates: Vec<serde_json::Value> = bundle_report
                    .certificates
                    .iter()
                    .map(|cert| {
                        serde_json::json!({
                            "index": cert.index,
                            "line": cert.line,
                            "subject": cert.subject,
                            "issuer": cert.issuer,
                            "not_before": cert.not_before,
                            "not_after": cert.not_after,
                            "is_ca": cert.is_ca,
                        })
                    })
                    .collect();
                bundles.push(serde_json::json!({
                    "file": input.name,
                    "usable": true,
                    "certificates": certificates,
                    "warnings": warnings,
                    "error": null,
                }));
            }
            Err(e) => {
                exit = Exit::Failed;
                let error = unprefixed(e.to_string());
                text.push_str(&format!("{}: REFUSED\n  error: {error}\n", input.name));
                bundles.push(serde_json::json!({
                    "file": input.name,
                    "usable": false,
                    "certificates": [],
                    "warnings": [],
                    "error": error,
                }));
            }
        }
    }
    if request.format == Format::Json {
        let document = serde_json::json!({
            "usable": exit == Exit::Ok,
            "bundles": bundles,
        });
        super::print_json(out, &document)?;
    } else {
        out.write_all(text.as_bytes())
            .map_err(super::output_error)?;
    }
    Ok(exit)
}
