//! `mirror-cli icsp`: migrate ImageContentSourcePolicy objects to ImageDigestMirrorSets as `oc adm migrate icsp`
//! does, and validate mirror objects as the API server and machine-config-operator would.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::Write;
use std::path::PathBuf;

use super::{Exit, Format, ObjectFormat, Style, report};
use crate::Error;
use crate::cluster::{Cluster, Input};
use crate::writer::{NodeFile, WriteOutcome, write_all};

/// The mode of a written IDMS file (oc asks for 0777 less the umask; a manifest need not be executable).
pub const IDMS_FILE_MODE: u32 = 0o644;

/// What an `icsp` command was asked.
#[derive(Debug)]
pub enum IcspRequest {
    /// `icsp migrate FILE ...`
    Migrate(MigrateRequest),
    /// `icsp validate FILE ...`
    Validate(ValidateRequest),
}

/// How the file name suffix is chosen with `--dest-dir`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Suffix {
    /// Derived from the input's bytes: the same input always gives the same file name.
    #[default]
    Deterministic,
    /// Random, as oc does.
    Random,
}

/// `icsp migrate`.
#[derive(Debug, Default)]
pub struct MigrateRequest {
    /// The ICSP files, one IDMS file each.
    pub inputs: Vec<Input>,
    /// Write `imagedigestmirrorset_<name>.<suffix>.yaml` files here instead of printing the YAML.
    pub dest_dir: Option<PathBuf>,
    /// How the suffix is chosen.
    pub suffix: Suffix,
    /// Without `dest_dir`: oc's YAML, or JSON (the IDMS, or a `List` of them).
    pub format: ObjectFormat,
    /// How the API server's rules apply to the ICSPs (kubectl's `--validate`; oc's migrate is lenient).
    pub strictness: icsp::Strictness,
    /// The reader's bounds (`--max-input-bytes` raises `max_bytes`).
    pub limits: icsp::Limits,
}

/// `icsp validate`.
#[derive(Debug, Default)]
pub struct ValidateRequest {
    /// The object streams.
    pub inputs: Vec<Input>,
    /// "Now", for the trusted-CA ConfigMap's certificates; `None` for the current time.
    pub now: Option<trust_bundle::UnixTime>,
    /// How the API server's rules apply (kubectl's `--validate`).
    pub strictness: icsp::Strictness,
    /// The reader's bounds (`--max-input-bytes` raises `max_bytes`).
    pub limits: icsp::Limits,
    /// Lines, or the problems as one JSON document.
    pub format: Format,
}

/// FNV-1a over the input, halved to a non-negative Go `int63` as oc's `rand.Int63()` gives.
fn deterministic_suffix(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash >> 1
}

fn random_suffix(bytes: &[u8]) -> u64 {
    // RandomState is seeded from the OS per process: enough for a file name, no extra dependency.
    RandomState::new().hash_one(bytes) >> 1
}

/// Runs an `icsp` command.
pub fn run(
    request: &IcspRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    match request {
        IcspRequest::Migrate(r) => migrate(r, out, err, style),
        IcspRequest::Validate(r) => validate(r, out, err, style),
    }
}

/// Refuses a subcommand given no file, with its own usage message.
fn require_inputs(inputs: &[Input], message: &str) -> Result<(), Error> {
    if inputs.is_empty() {
        return Err(Error::Usage {
            message: message.into(),
        });
    }
    Ok(())
}

fn migrate(
    request: &MigrateRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    require_inputs(
        &request.inputs,
        "icsp migrate expects at least one argument, path to an imagecontentsourcepolicy file",
    )?;
    let options = icsp::ReadOptions {
        limits: request.limits.clone(),
        strictness: request.strictness,
    };
    let mut migrated = Vec::with_capacity(request.inputs.len());
    let mut warnings = Vec::new();
    for input in &request.inputs {
        let stream = icsp::read_stream(&input.name, &input.bytes, &options)?;
        warnings.extend(stream.warnings.into_iter().map(crate::Warning::Objects));
        let objects = stream.objects;
        let suffix = match request.suffix {
            Suffix::Deterministic => deterministic_suffix(&input.bytes),
            Suffix::Random => random_suffix(&input.bytes),
        };
        migrated.push(icsp::migrate_icsp(&input.name, &objects, Some(suffix))?);
    }
    report(err, style, &warnings, &[]).map_err(super::output_error)?;
    if request.format == ObjectFormat::Json {
        if request.dest_dir.is_some() {
            return Err(Error::Usage {
                message: "--dest-dir writes oc's YAML files; -o json prints to standard output"
                    .into(),
            });
        }
        let objects: Vec<icsp::Object> = migrated
            .iter()
            .flat_map(|m| {
                m.objects
                    .iter()
                    .cloned()
                    .map(icsp::Object::ImageDigestMirrorSet)
            })
            .collect();
        out.write_all(crate::output::objects_text(&objects, request.format).as_bytes())
            .map_err(super::output_error)?;
        return Ok(Exit::Ok);
    }
    let Some(dir) = &request.dest_dir else {
        let yaml: Vec<&str> = migrated.iter().map(|m| m.yaml.as_str()).collect();
        out.write_all(yaml.join("---\n").as_bytes())
            .map_err(super::output_error)?;
        return Ok(Exit::Ok);
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage {
            message: format!("--dest-dir {}: exists and is not a folder", dir.display()),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let files: Vec<NodeFile> = migrated
        .iter()
        .map(|m| NodeFile {
            path: m.file_name.clone().into(),
            bytes: m.yaml.clone().into_bytes(),
            mode: IDMS_FILE_MODE,
        })
        .collect();
    // All files or none (two inputs with the same name and bytes are refused as one path twice).
    let outcomes = write_all(dir, &files)?;
    for (file, outcome) in files.iter().zip(outcomes) {
        let path = dir.join(&file.path);
        match outcome {
            WriteOutcome::Unchanged => {
                writeln!(out, "ImageDigestMirrorSet unchanged in {}", path.display())
            }
            // oc's own words.
            _ => writeln!(out, "wrote ImageDigestMirrorSet to {}", path.display()),
        }
        .map_err(super::output_error)?;
    }
    Ok(Exit::Ok)
}

/// Every problem `MirrorRules::validate` finds, not only the first: OpenShift stops at the first (and
/// says only that one); here the offending entry is set aside and the check runs again, so one run lists them all,
/// each in OpenShift's words and in OpenShift's order, with its field path in the original rules (indices as before
/// any entry was set aside).
fn every_rules_error(
    rules: &registries_conf::MirrorRules,
) -> Vec<(registries_conf::Error, Option<String>)> {
    let mut rules = rules.clone();
    let mut origins = Origins::of(&rules);
    let mut errors = Vec::new();
    // Each round removes one entry, so this ends; the bound is a guard against a field name not understood.
    let entries = rules.digest_mirror_sets.len()
        + rules.legacy_digest_mirror_sets.len()
        + rules.tag_mirror_sets.len()
        + rules.insecure.as_ref().map_or(0, Vec::len)
        + rules.blocked.as_ref().map_or(0, Vec::len);
    for _ in 0..=entries {
        let Err(e) = rules.validate() else {
            break;
        };
        let (removed, field) = match e.kind() {
            registries_conf::ErrorKind::InvalidRules { field, .. } => {
                let original = origins.original(field);
                let removed = remove_entry(&mut rules, field);
                if removed {
                    origins.remove(field);
                }
                (removed, original)
            }
            _ => (false, None),
        };
        errors.push((e, field));
        if !removed {
            break;
        }
    }
    errors
}

/// `list[index]` and what follows it.
fn index_of(text: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = text.split_once('[')?;
    let (index, rest) = rest.split_once(']')?;
    Some((list, index.parse().ok()?, rest))
}

/// The original index of every entry (and mirror) still in the rules, as [`remove_entry`] sets entries aside.
struct Origins {
    /// Per set list: each set's original index and its mirrors' original indices.
    sets: [Vec<(usize, Vec<usize>)>; 3],
    insecure: Vec<usize>,
    blocked: Vec<usize>,
}

impl Origins {
    const SET_LISTS: [&str; 3] = [
        "digest_mirror_sets",
        "legacy_digest_mirror_sets",
        "tag_mirror_sets",
    ];

    fn of(rules: &registries_conf::MirrorRules) -> Origins {
        let sets = |list: &[registries_conf::MirrorSet]| {
            list.iter()
                .enumerate()
                .map(|(i, set)| (i, (0..set.mirrors.len()).collect()))
                .collect()
        };
        Origins {
            sets: [
                sets(&rules.digest_mirror_sets),
                sets(&rules.legacy_digest_mirror_sets),
                sets(&rules.tag_mirror_sets),
            ],
            insecure: (0..rules.insecure.as_ref().map_or(0, Vec::len)).collect(),
            blocked: (0..rules.blocked.as_ref().map_or(0, Vec::len)).collect(),
        }
    }

    /// `field` with the original indices.
    fn original(&self, field: &str) -> Option<String> {
        let (list, index, rest) = index_of(field)?;
        let flat = match list {
            "insecure" => Some(&self.insecure),
            "blocked" => Some(&self.blocked),
            _ => None,
        };
        if let Some(flat) = flat {
            return Some(format!("{list}[{}]{rest}", flat.get(index)?));
        }
        let sets = &self.sets[Self::SET_LISTS.iter().position(|l| *l == list)?];
        let (set, mirrors) = sets.get(index)?;
        match rest.strip_prefix('.').and_then(index_of) {
            Some(("mirrors", mirror, tail)) => Some(format!(
                "{list}[{set}].mirrors[{}]{tail}",
                mirrors.get(mirror)?
            )),
            _ => Some(format!("{list}[{set}]{rest}")),
        }
    }

    /// Sets aside what [`remove_entry`] removed for `field`.
    fn remove(&mut self, field: &str) {
        let Some((list, index, rest)) = index_of(field) else {
            return;
        };
        let take = |items: &mut Vec<usize>, index: usize| {
            if index < items.len() {
                items.remove(index);
            }
        };
        match list {
            "insecure" => return take(&mut self.insecure, index),
            "blocked" => return take(&mut self.blocked, index),
            _ => {}
        }
        let Some(position) = Self::SET_LISTS.iter().position(|l| *l == list) else {
            return;
        };
        let sets = &mut self.sets[position];
        match rest.strip_prefix('.').and_then(index_of) {
            Some(("mirrors", mirror, _)) => {
                if let Some((_, mirrors)) = sets.get_mut(index) {
                    take(mirrors, mirror);
                }
            }
            _ => {
                if index < sets.len() {
                    sets.remove(index);
                }
            }
        }
    }
}

/// Removes what a field path points at: a mirror (`tag_mirror_sets[2].mirrors[0]`), so the set's other checks still
/// run, or else the whole entry (`digest_mirror_sets[1].source`, `insecure[1]`).
fn remove_entry(rules: &mut registries_conf::MirrorRules, field: &str) -> bool {
    fn take<T>(items: &mut Vec<T>, index: usize) -> bool {
        (index < items.len()).then(|| items.remove(index)).is_some()
    }
    let Some((list, index, rest)) = index_of(field) else {
        return false;
    };
    let sets = match list {
        "digest_mirror_sets" => &mut rules.digest_mirror_sets,
        "legacy_digest_mirror_sets" => &mut rules.legacy_digest_mirror_sets,
        "tag_mirror_sets" => &mut rules.tag_mirror_sets,
        "insecure" => return rules.insecure.as_mut().is_some_and(|l| take(l, index)),
        "blocked" => return rules.blocked.as_mut().is_some_and(|l| take(l, index)),
        _ => return false,
    };
    match rest.strip_prefix('.').and_then(index_of) {
        Some(("mirrors", mirror, _)) => sets
            .get_mut(index)
            .is_some_and(|set| take(&mut set.mirrors, mirror)),
        _ => take(sets, index),
    }
}

/// The trusted-CA ConfigMap's bundles checked as render checks them (an expired or not-yet-valid certificate is
/// refused: every pull through that registry would fail on the nodes), each problem with its place.
fn trust_findings(cluster: &Cluster, now: trust_bundle::UnixTime) -> Vec<String> {
    let config_map = match cluster.trusted_ca_config_map() {
        Err(e) => return vec![e.to_string()],
        Ok(None) => return Vec::new(),
        Ok(Some(config_map)) => config_map,
    };
    let place = crate::node::config_map_place(config_map);
    let bundles =
        match trust_bundle::read_config_map(&crate::cluster::trust_data(&config_map.value)) {
            Err(e) => return vec![format!("{place}: {e}")],
            Ok(bundles) => bundles,
        };
    let checks = trust_bundle::check_bundles_with(&bundles, trust_bundle::CheckPolicy::strict(now));
    let mut findings: Vec<String> = (checks.iter())
        .flat_map(|check| check.errors())
        .map(|e| format!("{place}: {e}"))
        .collect();
    if findings.is_empty() {
        // Two keys for one certs.d folder.
        if let Err(e) = trust_bundle::folders(&bundles) {
            findings.push(format!("{place}: {e}"));
        }
    }
    findings
}

fn validate(
    request: &ValidateRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: &Style,
) -> Result<Exit, Error> {
    require_inputs(&request.inputs, "icsp validate needs at least one FILE")?;
    let mut findings = Vec::new();
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let options = icsp::ReadOptions {
        limits: request.limits.clone(),
        strictness: request.strictness,
    };
    let mut streams = Vec::with_capacity(request.inputs.len());
    for input in &request.inputs {
        let stream = icsp::read_stream(&input.name, &input.bytes, &options)?;
        for located in &stream.objects {
            let mut at = format!("{}: document {}", located.file, located.document);
            if let Some(item) = located.item {
                at.push_str(&format!(" item {item}"));
            }
            for finding in icsp::validate(&located.value) {
                findings.push(format!("{at}: the API server would refuse this: {finding}"));
            }
        }
        streams.push((input.name.clone(), stream));
    }
    let checked: usize = streams.iter().map(|(_, s)| s.objects.len()).sum();

    // Across objects, as machine-config-operator checks them before writing registries.conf and policy.json.
    match Cluster::from_streams(streams, request.strictness) {
        Err(e) => findings.push(e.to_string()),
        Ok(cluster) => {
            // Too large for client-side `oc apply` (its default): the API server refuses it as applied.
            for issue in &cluster.read_warnings {
                if issue.kind == icsp::IssueKind::ObjectTooLarge {
                    findings.push(issue.to_string());
                } else {
                    warnings.push(crate::Warning::Objects(issue.clone()));
                }
            }
            if cluster.summary.read.objects == 0 {
                return Err(Error::NothingShapesNodes(cluster.summary));
            }
            // Nothing to validate is not "clean": the stream was meant to hold mirror objects.
            if cluster.icsps.is_empty() && cluster.idms.is_empty() && cluster.itms.is_empty() {
                findings.push(format!(
                    "{}: {}; no ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet among them",
                    cluster.summary.inputs_text(),
                    cluster.summary
                ));
            }
            notes.extend(cluster.ignored.iter().cloned());
            let now = request.now.unwrap_or_else(trust_bundle::UnixTime::now);
            findings.extend(trust_findings(&cluster, now));
            // The registries.conf OpenShift would store: over etcd's limit the pools never get it. (When the
            // objects do not render, the findings above say why.)
            let options = crate::node::RenderOptions {
                now,
                strictness: request.strictness,
                ..Default::default()
            };
            if let Some(size) = crate::node::plan(&cluster, &options)
                .ok()
                .and_then(|plan| plan.machine_config)
            {
                if size.is_over() {
                    findings.push(crate::Error::TooLargeForCluster(size).to_string());
                } else if size.is_near() {
                    warnings.push(crate::Warning::MachineConfigSize(size));
                }
            }
            let rules = crate::node::mirror_rules(&cluster);
            for (e, field) in every_rules_error(&rules) {
                let place = field
                    .and_then(|field| crate::node::rules_field_place(&cluster, &field))
                    .map(|place| format!("{place}: "))
                    .unwrap_or_default();
                findings.push(format!(
                    "{place}machine-config-operator would refuse this: {e}"
                ));
            }
            let release_image = cluster.release_image();
            match crate::node::image_config_lists(&cluster, release_image) {
                Err(e) => findings.push(format!("machine-config-operator would refuse this: {e}")),
                Ok((payload, lists)) => {
                    warnings.extend(
                        payload
                            .warnings
                            .iter()
                            .cloned()
                            .map(crate::Warning::Payload),
                    );
                    if let Err(e) = lists.check(release_image) {
                        findings.push(format!("machine-config-operator would refuse this: {e}"));
                    }
                }
            }
        }
    }

    report(err, style, &warnings, &notes).map_err(super::output_error)?;
    let exit = if findings.is_empty() {
        Exit::Ok
    } else {
        Exit::Failed
    };
    if request.format == Format::Json {
        let document = serde_json::json!({
            "checked": checked,
            "clean": findings.is_empty(),
            "problems": findings,
            "warnings": warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "notes": notes,
        });
        super::print_json(out, &document)?;
        return Ok(exit);
    }
    for finding in &findings {
        writeln!(out, "{finding}").map_err(super::output_error)?;
    }
    if findings.is_empty() {
        writeln!(out, "{checked} object(s) checked: no problem found")
            .map_err(super::output_error)?;
    } else {
        writeln!(
            out,
            "{checked} object(s) checked: {} problem(s) found",
            findings.len()
        )
        .map_err(super::output_error)?;
    }
    Ok(exit)
}
