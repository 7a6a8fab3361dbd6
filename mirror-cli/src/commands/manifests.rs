//! `mirror-cli manifests`: steps 1–3 of the mirror procedure as one YAML stream for `oc apply -f -`.
//!
//! The stream holds, in this order: the Secret `openshift-config/pull-secret` (the given pull secret with the
//! mirror's credentials set, as `pull-secret add` sets them), the ConfigMap `openshift-config/registry-config` (the
//! mirror's CA keyed `host..port`, checked as `trust configmap` checks it), the Image `cluster` naming that
//! ConfigMap in `spec.additionalTrustedCA`, and the mirror sets: from `--map SOURCE=MIRROR` one
//! ImageDigestMirrorSet (and with `--tags` an ImageTagMirrorSet with the same items), or from `--mapping FILE`
//! what [`crate::mapping::group`] makes of it. `oc apply` merges the Image's spec, so its other fields are kept.

use std::io::Write;
use std::path::PathBuf;

use dockerconfig::Secret;
use icsp::{ConfigMapNameReference, Image, ImageSpec, Object, ObjectMeta};
use trust_bundle::{CheckPolicy, OutOfValidity, UnixTime};

use super::{Exit, ObjectFormat, Style, report, write_output_file};
use crate::cluster::{CONFIG_NAMESPACE, Input, store_dockerconfigjson};
use crate::mapping::{self, MirrorObjects};
use crate::pull_secret::{check_registry, read_pull_secret, set_credentials};
use crate::{Error, Warning};

/// The ConfigMap the Image `cluster` names for registry CAs.
pub const REGISTRY_CONFIG_NAME: &str = "registry-config";

/// Where the mirror rules come from.
#[derive(Debug, Clone)]
pub enum Rules {
    /// `--map SOURCE=MIRROR` arguments, as given.
    Maps(Vec<String>),
    /// `--mapping FILE`.
    Mapping(Input),
}

/// What `manifests` was asked.
#[derive(Debug)]
pub struct ManifestsRequest {
    /// The mirror registry, `host[:port]`.
    pub registry: String,
    /// The mirror's CA bundle (PEM).
    pub ca: Input,
    /// The cluster's pull secret (a bare docker config JSON, or the Secret manifest).
    pub pull_secret: Input,
    /// The mirror user.
    pub username: String,
    /// The mirror password (read from standard input).
    pub password: Secret,
    /// The mirror rules.
    pub rules: Rules,
    /// Also an ImageTagMirrorSet (images pulled by tag).
    pub tags: bool,
    /// Write the stream here (mode 0600: it holds the pull secret); `None` prints it.
    pub output: Option<PathBuf>,
    /// "Now", for the CA's validity.
    pub now: UnixTime,
    /// An expired or not-yet-valid CA: refused (the default), or allowed with a warning (`--allow-expired-ca`).
    pub out_of_validity: OutOfValidity,
    /// A YAML stream, or JSON (a `List`).
    pub format: ObjectFormat,
}

/// The objects, in the order they are applied, and what is worth telling the user.
#[derive(Debug)]
pub struct Manifests {
    /// Secret, ConfigMap, Image, then the mirror sets.
    pub objects: Vec<Object>,
    /// Non-fatal problems.
    pub warnings: Vec<Warning>,
    /// Facts (what was added to the pull secret; never a password).
    pub notes: Vec<String>,
}

fn mirror_sets(
    request: &ManifestsRequest,
    warnings: &mut Vec<Warning>,
) -> Result<MirrorObjects, Error> {
    match &request.rules {
        Rules::Maps(maps) => {
            if maps.is_empty() {
                return Err(Error::Usage {
                    message: "give the mirror rules with --map SOURCE=MIRROR (repeatable) or --mapping FILE".into(),
                });
            }
            let pairs = maps
                .iter()
                .map(|m| mapping::parse_map_argument(m))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(mapping::objects_from_pairs(&pairs, request.tags))
        }
        Rules::Mapping(input) => {
            let mappings = mapping::parse(&input.name, &input.bytes)?;
            if mappings.is_empty() {
                return Err(Error::Usage {
                    message: format!("{}: no mapping in the file", input.name),
                });
            }
            let mut objects = mapping::group(&mappings);
            if !request.tags && !objects.itms.is_empty() {
                let sources = objects
                    .itms
                    .iter()
                    .flat_map(|o| o.spec.image_tag_mirrors.iter().map(|m| m.source.clone()))
                    .collect();
                warnings.push(Warning::TagMirrorsLeftOut {
                    file: input.name.clone(),
                    sources,
                });
                objects.itms.clear();
            }
            Ok(objects)
        }
    }
}

/// Builds the objects (pure but for the inputs already read).
pub fn build(request: &ManifestsRequest) -> Result<Manifests, Error> {
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    check_registry(&request.registry)?;
    if request.registry.contains('/') {
        return Err(Error::Usage {
            message: format!(
                "--registry {:?}: give the mirror's host[:port] (its CA and credentials are per registry)",
                request.registry
            ),
        });
    }

    // 1. The pull secret with the mirror's credentials.
    let file = read_pull_secret(&request.pull_secret)?;
    let mut config = file.config;
    set_credentials(
        &mut config,
        &request.registry,
        &request.username,
        &request.password,
    )?;
    notes.push(format!(
        "pull secret: {} with {:?} set to {}:***",
        file.label, request.registry, request.username
    ));
    let mut secret_meta = ObjectMeta::named("pull-secret");
    secret_meta.namespace = Some(CONFIG_NAMESPACE.to_owned());
    let mut secret = icsp::Secret {
        metadata: secret_meta,
        ..Default::default()
    };
    store_dockerconfigjson(&mut secret, &config);

    // 2. The CA, checked as a node will read it.
    let config_map = crate::cluster::ca_config_map(
        REGISTRY_CONFIG_NAME,
        CONFIG_NAMESPACE,
        &[(
            request.registry.clone(),
            request.ca.name.clone(),
            request.ca.bytes.clone(),
        )],
    )?;
    let bundles = trust_bundle::read_config_map(&crate::cluster::trust_data(&config_map))?;
    let policy = CheckPolicy {
        now: request.now,
        out_of_validity: request.out_of_validity,
    };
    let checks = trust_bundle::check_bundles_with(&bundles, policy);
    if let Some(first) = checks.iter().find_map(|c| c.errors().next()) {
        return Err(Error::Trust(first.clone()));
    }
    let plan = trust_bundle::plan_folders_with(&bundles, policy)?;
    warnings.extend(plan.warnings.iter().cloned().map(Warning::Trust));

    // 3. The Image config naming the ConfigMap.
    let image = Image {
        metadata: ObjectMeta::named("cluster"),
        spec: ImageSpec {
            additional_trusted_ca: Some(ConfigMapNameReference {
                name: REGISTRY_CONFIG_NAME.to_owned(),
                extra: Default::default(),
            }),
            ..Default::default()
        },
        extra: Default::default(),
    };

    // 4. The mirror sets, each checked as the API server would.
    let sets = mirror_sets(request, &mut warnings)?;
    let host = request.registry.as_str();
    let mut elsewhere: Vec<String> = sets
        .idms
        .iter()
        .flat_map(|o| o.spec.image_digest_mirrors.iter())
        .chain(
            sets.itms
                .iter()
                .flat_map(|o| o.spec.image_tag_mirrors.iter()),
        )
        .flat_map(|item| item.mirrors.iter())
        .filter(|m| image_ref::scope::registry_of(m) != host)
        .cloned()
        .collect();
    elsewhere.sort();
    elsewhere.dedup();
    if !elsewhere.is_empty() {
        warnings.push(Warning::MirrorsElsewhere {
            registry: host.to_string(),
            mirrors: elsewhere,
        });
    }
    let mut objects = vec![
        Object::Secret(secret),
        Object::ConfigMap(config_map),
        Object::Image(image),
    ];
    objects.extend(sets.objects());
    for object in &objects {
        for finding in icsp::validate(object) {
            warnings.push(Warning::GeneratedApiWouldRefuse {
                object: object.display_name(),
                finding,
            });
        }
    }
    check_machine_config_size(&objects, &mut warnings)?;
    Ok(Manifests {
        objects,
        warnings,
        notes,
    })
}

/// Refuses mirror sets whose registries.conf machine-config-operator could not store (its MachineConfig over
/// etcd's limit), and warns near it: the objects would apply, and the pools would never get them.
fn check_machine_config_size(objects: &[Object], warnings: &mut Vec<Warning>) -> Result<(), Error> {
    let mirror_sets: Vec<Object> = (objects.iter())
        .filter(|o| {
            matches!(
                o,
                Object::ImageDigestMirrorSet(_) | Object::ImageTagMirrorSet(_)
            )
        })
        .cloned()
        .collect();
    let stream = Input {
        name: "<manifests output>".into(),
        bytes: to_stream(&mirror_sets).into_bytes(),
    };
    let cluster = crate::cluster::Cluster::read(&[stream], &icsp::Limits::default())?;
    // An object too large for client-side `oc apply`, with how many sources fit in one.
    warnings.extend(cluster.read_warnings.iter().cloned().map(Warning::Objects));
    let plan = crate::node::plan(&cluster, &crate::node::RenderOptions::default())?;
    match plan.machine_config {
        Some(size) if size.is_over() => Err(Error::TooLargeForCluster(size)),
        Some(size) if size.is_near() => {
            warnings.push(Warning::MachineConfigSize(size));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The stream `oc apply -f -` reads.
pub fn to_stream(objects: &[Object]) -> String {
    crate::output::objects_text(objects, ObjectFormat::Yaml)
}

/// Runs `manifests`.
pub fn run(
    request: &ManifestsRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    let io = super::output_error;
    let manifests = build(request)?;
    report(err, style, &manifests.warnings, &manifests.notes).map_err(io)?;
    let stream = crate::output::objects_text(&manifests.objects, request.format);
    match &request.output {
        Some(path) => {
            write_output_file(
                path,
                stream.as_bytes(),
                crate::node::paths::CREDENTIALS_MODE,
            )?;
            writeln!(
                err,
                "{} wrote {} ({} objects; it holds the pull secret: mode 0600)",
                style.note(),
                path.display(),
                manifests.objects.len()
            )
            .map_err(io)?;
        }
        None => out.write_all(stream.as_bytes()).map_err(io)?,
    }
    Ok(Exit::Ok)
}
