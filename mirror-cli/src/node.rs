//! From the cluster objects to the files a node holds: the render plan shared by `render`, `verify` and
//! `ignition`. Pure: it returns bytes and modes; only [`crate::writer`] touches a disk.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use icsp::{ImageMirrors, Located, MirrorSourcePolicy};
use registries_conf::{Layout, MirrorRules, MirrorSet, SourcePolicy};
use trust_bundle::{BundleReport, CheckPolicy, FolderBundle, OutOfValidity, UnixTime};

use crate::Error;
use crate::cluster::{Cluster, Input, describe, example_input};
use crate::machine_config::MachineConfigSize;
use crate::warning::Warning;
use crate::writer::NodeFile;
use policy_json::openshift::{PolicyLists, TEMPLATE as POLICY_TEMPLATE};

pub mod paths;
pub mod read;
mod runtime_check;

/// Whether the node file at `path` (relative to the root) holds credentials: never print its content.
pub fn holds_credentials(path: &std::path::Path) -> bool {
    path == std::path::Path::new(paths::KUBELET_CONFIG_JSON)
        || path == std::path::Path::new(paths::MICROSHIFT_PULL_SECRET)
}

/// Which kind of host the files are for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Target {
    /// An OpenShift node, as machine-config-operator writes it.
    #[default]
    OpenShift,
    /// A MicroShift (or plain CRI-O) host: the mirrors in a registries.conf.d drop-in that keeps the host's own
    /// registries.conf, the pull secret at `/etc/crio/openshift-pull-secret`, the CAs under certs.d; no policy.json.
    MicroShift,
}

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// registries.conf layout.
    pub layout: Layout,
    /// Overrides the release payload the ClusterVersion names (or the default).
    pub release_image: Option<String>,
    /// A bare `.dockerconfigjson` given beside the objects; it replaces the pull-secret Secret.
    pub pull_secret: Option<Input>,
    /// "Now", for the certificates' validity.
    pub now: UnixTime,
    /// Expired and not-yet-valid certificates in the trusted-CA ConfigMap: refused (the default: every pull
    /// through that registry would fail), or allowed with a warning (`--allow-expired-ca`).
    pub ca_out_of_validity: OutOfValidity,
    /// The kind of host.
    pub target: Target,
    /// How the API server's rules apply to the objects read (kubectl's `--validate`).
    pub strictness: icsp::Strictness,
    /// The object reader's bounds (`--max-input-bytes` raises the bytes of one stream).
    pub limits: icsp::Limits,
    /// Leave registries.conf out of the plan's files, keeping only its size, for a caller that writes it from the
    /// rules a block at a time ([`NodePlan::registries_conf`]): at 100 000 sources its text is 22 MB, twice the
    /// objects it comes from. OpenShift's layout only (MicroShift gets a drop-in).
    pub stream_registries_conf: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            layout: Layout::Current,
            release_image: None,
            pull_secret: None,
            now: UnixTime::now(),
            ca_out_of_validity: OutOfValidity::Refuse,
            target: Target::OpenShift,
            strictness: icsp::Strictness::Strict,
            limits: icsp::Limits::default(),
            stream_registries_conf: false,
        }
    }
}

/// Everything a node should hold, and what is worth telling the user.
#[derive(Debug)]
pub struct NodePlan {
    /// The files, in a stable order.
    pub files: Vec<NodeFile>,
    /// Non-fatal problems (OpenShift's warnings verbatim, certificate warnings, objects the API would refuse).
    pub warnings: Vec<Warning>,
    /// Facts worth knowing (a file kept as the template, objects ignored).
    pub notes: Vec<String>,
    /// One report per CA bundle.
    pub trust_reports: Vec<BundleReport>,
    /// The plain rules registries.conf was rendered from.
    pub rules: MirrorRules,
    /// The layout registries.conf was rendered in.
    pub layout: Layout,
    /// registries.conf's size when it is left out of `files` ([`RenderOptions::stream_registries_conf`]); it is
    /// then the first file, written by [`NodePlan::registries_conf`].
    pub streamed_registries_conf: Option<usize>,
    /// The size of the MachineConfig machine-config-operator would store registries.conf in (OpenShift only).
    pub machine_config: Option<MachineConfigSize>,
    /// The kind of host the files are for.
    pub target: Target,
    /// The time certificates were judged at (verify judges the node's the same way).
    pub now: UnixTime,
}

fn source_policy(policy: &Option<MirrorSourcePolicy>) -> SourcePolicy {
    match policy {
        None => SourcePolicy::Unset,
        Some(MirrorSourcePolicy::NeverContactSource) => SourcePolicy::NeverContactSource,
        Some(MirrorSourcePolicy::AllowContactingSource) => SourcePolicy::AllowContactingSource,
        // The API server refuses other values; validation reports them. Treat them as the default.
        Some(MirrorSourcePolicy::Unknown(_)) => SourcePolicy::Unset,
    }
}

/// The plain mirror rules the objects say, before the payload check (`blocked` unset).
pub fn mirror_rules(cluster: &Cluster) -> MirrorRules {
    fn copied<T: MirrorSetObject>(objects: &[Located<T>]) -> impl Iterator<Item = MirrorSet> {
        objects
            .iter()
            .flat_map(|o| o.value.items().iter().cloned().map(T::rule))
    }
    rules_of(
        copied(&cluster.idms),
        copied(&cluster.icsps),
        copied(&cluster.itms),
        &ItemCounts::of(cluster),
        cluster.image.as_ref().map(|i| &i.value),
    )
}

/// [`mirror_rules`], moving each object's items into the rules instead of copying them: only their counts stay
/// behind, which is all [`field_place`] needs. At 100 000 sources the copies were a fifth of render's peak
/// memory, and the emptied items left behind another sixth of its heap.
fn mirror_rules_moving(cluster: &mut Cluster) -> (MirrorRules, ItemCounts) {
    fn moved<T: MirrorSetObject>(objects: &mut [Located<T>]) -> impl Iterator<Item = MirrorSet> {
        objects
            .iter_mut()
            .flat_map(|o| std::mem::take(o.value.items_mut()).into_iter().map(T::rule))
    }
    let counts = ItemCounts::of(cluster);
    let rules = rules_of(
        moved(&mut cluster.idms),
        moved(&mut cluster.icsps),
        moved(&mut cluster.itms),
        &counts,
        cluster.image.as_ref().map(|i| &i.value),
    );
    (rules, counts)
}

/// How many items each ICSP, IDMS and ITMS holds, in input order: what turns an index into the rules' flat lists
/// back into an object and an item, also once the items have moved into the rules.
#[derive(Debug, Default)]
struct ItemCounts {
    digest: Vec<usize>,
    legacy: Vec<usize>,
    tag: Vec<usize>,
}

impl ItemCounts {
    fn of(cluster: &Cluster) -> ItemCounts {
        fn counts<T: MirrorSetObject>(objects: &[Located<T>]) -> Vec<usize> {
            objects.iter().map(|o| o.value.items().len()).collect()
        }
        ItemCounts {
            digest: counts(&cluster.idms),
            legacy: counts(&cluster.icsps),
            tag: counts(&cluster.itms),
        }
    }
}

/// A kind of mirror-set object: its items, the rule each item makes, and how a refusal names them.
trait MirrorSetObject {
    /// The kind (`ImageDigestMirrorSet`).
    const KIND: &'static str;
    /// Its list of items under `spec`.
    const ITEMS: &'static str;
    /// One item of the list.
    type Item: Clone;
    /// `metadata.name`.
    fn name(&self) -> Option<&str>;
    /// The items.
    fn items(&self) -> &Vec<Self::Item>;
    /// The items, to move them out.
    fn items_mut(&mut self) -> &mut Vec<Self::Item>;
    /// The rule one item makes.
    fn rule(item: Self::Item) -> MirrorSet;
}

macro_rules! mirror_set_object {
    ($type:ty, $item:ty, $kind:literal, $items:ident, $json:literal, $rule:expr) => {
        impl MirrorSetObject for $type {
            const KIND: &'static str = $kind;
            const ITEMS: &'static str = $json;
            type Item = $item;
            fn name(&self) -> Option<&str> {
                self.metadata.name.as_deref()
            }
            fn items(&self) -> &Vec<$item> {
                &self.spec.$items
            }
            fn items_mut(&mut self) -> &mut Vec<$item> {
                &mut self.spec.$items
            }
            fn rule(item: $item) -> MirrorSet {
                $rule(item)
            }
        }
    };
}

/// The rule of an IDMS or ITMS item.
fn mirror_set(item: ImageMirrors) -> MirrorSet {
    MirrorSet {
        policy: source_policy(&item.mirror_source_policy),
        source: item.source,
        mirrors: item.mirrors,
    }
}

mirror_set_object!(
    icsp::ImageDigestMirrorSet,
    ImageMirrors,
    "ImageDigestMirrorSet",
    image_digest_mirrors,
    "imageDigestMirrors",
    mirror_set
);
mirror_set_object!(
    icsp::ImageContentSourcePolicy,
    icsp::RepositoryDigestMirrors,
    "ImageContentSourcePolicy",
    repository_digest_mirrors,
    "repositoryDigestMirrors",
    |m: icsp::RepositoryDigestMirrors| MirrorSet::new(m.source, m.mirrors)
);
mirror_set_object!(
    icsp::ImageTagMirrorSet,
    ImageMirrors,
    "ImageTagMirrorSet",
    image_tag_mirrors,
    "imageTagMirrors",
    mirror_set
);

/// The rules of the mirror sets in input order, with the Image config's lists.
fn rules_of(
    digest: impl Iterator<Item = MirrorSet>,
    legacy: impl Iterator<Item = MirrorSet>,
    tag: impl Iterator<Item = MirrorSet>,
    counts: &ItemCounts,
    image: Option<&icsp::Image>,
) -> MirrorRules {
    // Sized from the counts: a flattening iterator gives no size, and growing by doubling leaves freed blocks of
    // megabytes that the allocator keeps (at 100 000 sources, several MiB of peak memory).
    fn collected(sets: impl Iterator<Item = MirrorSet>, counts: &[usize]) -> Vec<MirrorSet> {
        let mut collected = Vec::with_capacity(counts.iter().sum());
        collected.extend(sets);
        collected
    }
    let sources = image.and_then(|i| i.spec.registry_sources.as_ref());
    MirrorRules {
        digest_mirror_sets: collected(digest, &counts.digest),
        legacy_digest_mirror_sets: collected(legacy, &counts.legacy),
        tag_mirror_sets: collected(tag, &counts.tag),
        insecure: sources.and_then(|s| s.insecure_registries.clone()),
        blocked: None,
        search_registries: sources.and_then(|s| s.container_runtime_search_registries.clone()),
    }
}

/// Where a field of the rules [`mirror_rules`] builds was written in the inputs: `file x.yaml, document 2,
/// ImageDigestMirrorSet/foo, spec.imageDigestMirrors[0].source` for `digest_mirror_sets[3].source` (the rules
/// flatten every object's items in input order; this undoes it). `None` for a field it does not know.
pub fn rules_field_place(cluster: &Cluster, field: &str) -> Option<String> {
    field_place(cluster, &ItemCounts::of(cluster), field)
}

/// [`rules_field_place`], with the objects' item counts given (the items may have moved into the rules).
fn field_place(cluster: &Cluster, counts: &ItemCounts, field: &str) -> Option<String> {
    let (list, rest) = field.split_once('[')?;
    let (index, rest) = rest.split_once(']')?;
    let index: usize = index.parse().ok()?;
    // The set's own field names, as the objects spell them.
    let rest = match rest {
        ".policy" => ".mirrorSourcePolicy",
        other => other,
    };
    match list {
        "digest_mirror_sets" => item_place(&cluster.idms, &counts.digest, index, rest),
        "legacy_digest_mirror_sets" => item_place(&cluster.icsps, &counts.legacy, index, rest),
        "tag_mirror_sets" => item_place(&cluster.itms, &counts.tag, index, rest),
        "insecure" | "blocked" | "allowed" => {
            let image = cluster.image.as_ref()?;
            let key = match list {
                "insecure" => "insecureRegistries",
                "blocked" => "blockedRegistries",
                _ => "allowedRegistries",
            };
            Some(format!(
                "{}, spec.registrySources.{key}[{index}]{rest}",
                place(image, "Image/cluster")
            ))
        }
        _ => None,
    }
}

/// Where the `index`th item of one of the rules' mirror-set lists was written: the objects of its kind, each holding
/// `counts[i]` of the list's items in input order. `rest` is the field within the item.
fn item_place<T: MirrorSetObject>(
    objects: &[Located<T>],
    counts: &[usize],
    index: usize,
    rest: &str,
) -> Option<String> {
    let mut first = 0;
    for (object, &count) in objects.iter().zip(counts) {
        if index < first + count {
            let named = match object.value.name() {
                Some(name) => format!("{}/{name}", T::KIND),
                None => T::KIND.to_owned(),
            };
            let item = index - first;
            return Some(format!(
                "{}, spec.{}[{item}]{rest}",
                place(object, &named),
                T::ITEMS
            ));
        }
        first += count;
    }
    None
}

/// `file x.yaml, document 1, ConfigMap/registry-config`: where the trusted-CA ConfigMap was read.
pub fn config_map_place(config_map: &Located<icsp::ConfigMap>) -> String {
    let name = config_map.value.metadata.name.as_deref().unwrap_or("");
    place(config_map, &format!("ConfigMap/{name}"))
}

/// `file x.yaml, document 2[ item 3], Kind/name`: an object's place in the inputs, as refusals start.
pub fn place<T>(located: &Located<T>, object: &str) -> String {
    let mut text = format!("file {}, document {}", located.file, located.document);
    if let Some(item) = located.item {
        text.push_str(&format!(" item {item}"));
    }
    format!("{text}, {object}")
}

/// A registries-conf refusal of the rules, with the place in the inputs when its field names one.
pub fn rules_error(cluster: &Cluster, error: registries_conf::Error) -> Error {
    rules_error_with(cluster, &ItemCounts::of(cluster), error)
}

/// [`rules_error`], with the objects' item counts given (the items may have moved into the rules).
fn rules_error_with(
    cluster: &Cluster,
    counts: &ItemCounts,
    error: registries_conf::Error,
) -> Error {
    let place = match error.kind() {
        registries_conf::ErrorKind::InvalidRules { field, .. } => {
            field_place(cluster, counts, field)
        }
        _ => None,
    };
    match place {
        Some(place) => Error::RulesAt {
            place,
            source: error,
        },
        None => Error::RegistriesConf(error),
    }
}

fn file(path: &str, bytes: impl Into<Vec<u8>>, mode: u32) -> NodeFile {
    NodeFile {
        path: PathBuf::from(path),
        bytes: bytes.into(),
        mode,
    }
}

/// How the objects are read for `options`.
pub fn read_options(options: &RenderOptions) -> icsp::ReadOptions {
    icsp::ReadOptions {
        limits: options.limits.clone(),
        strictness: options.strictness,
    }
}

/// Reads the inputs (the built-in example first when asked) and renders the node plan: the first steps of render,
/// ignition and verify. `nothing` is the usage message when there is no input at all.
pub fn plan_from_inputs(
    inputs: Cow<'_, [Input]>,
    example: bool,
    options: &RenderOptions,
    nothing: &str,
) -> Result<NodePlan, Error> {
    // The inputs are not gathered into a new list: that would copy every input's bytes.
    let example = example_input(example);
    if inputs.is_empty() && example.is_none() && options.pull_secret.is_none() {
        return Err(Error::Usage {
            message: nothing.to_owned(),
        });
    }
    let mut cluster =
        Cluster::read_with(example.iter().chain(inputs.iter()), &read_options(options))?;
    let objects_given = !inputs.is_empty() || example.is_some();
    // Owned inputs are not needed once read: their bytes go before the node's files are rendered.
    drop(inputs);
    // `--pull-secret` alone (no -f) renders the templates and the pull secret on purpose; objects that were given
    // must include one that shapes the node.
    if objects_given {
        cluster.require_shaping()?;
    }
    // The cluster is ours: its objects are checked in place, not copied, and their items then move into the rules
    // (an error in the rules is placed by the objects' item counts, kept aside: `field_place`).
    let findings = validation_findings_in_place(&mut cluster);
    let (rules, counts) = mirror_rules_moving(&mut cluster);
    plan_with(&cluster, &counts, findings, rules, options)
}

/// Renders every node file from `cluster`, all or nothing.
pub fn plan(cluster: &Cluster, options: &RenderOptions) -> Result<NodePlan, Error> {
    plan_with(
        cluster,
        &ItemCounts::of(cluster),
        validation_findings(cluster),
        mirror_rules(cluster),
        options,
    )
}

/// [`plan`], given the objects' findings and their mirror rules.
fn plan_with(
    cluster: &Cluster,
    counts: &ItemCounts,
    findings: Vec<(String, icsp::Finding)>,
    rules: MirrorRules,
    options: &RenderOptions,
) -> Result<NodePlan, Error> {
    let mut warnings = Vec::new();
    let mut notes = cluster.ignored.clone();
    let mut files = Vec::new();

    // Objects the API server would refuse: OpenShift never sees them, so say so, but render what the controller
    // would do with them (its own checks, with its own messages, come next).
    warnings.extend(cluster.read_warnings.iter().cloned().map(Warning::Objects));
    for (located, finding) in findings {
        warnings.push(Warning::ApiWouldRefuse { located, finding });
    }

    // registries.conf, with the payload check on the blocked list.
    let release_image = options
        .release_image
        .as_deref()
        .unwrap_or(cluster.release_image());
    let (payload, policy_lists) = image_config_lists_of(cluster, counts, release_image, rules)?;
    warnings.extend(payload.warnings.iter().cloned().map(Warning::Payload));
    let rules = payload.rules;

    let rendered = registries_conf::render_unencoded(&rules, options.layout)
        .map_err(|e| rules_error_with(cluster, counts, e))?;
    warnings.extend(rendered.warnings.iter().cloned().map(Warning::Render));
    // OpenShift's checks are looser than the runtime's: a blocked or insecure entry such as `/` passes them and
    // yields a file containers/image refuses, which stops every pull on the node. Say so before it ships.
    if let Err(e) = runtime_check::check(&rules, &rendered.registries_conf) {
        warnings.push(Warning::RuntimeRefuses(e));
    }
    let mut streamed_registries_conf = None;
    match options.target {
        Target::OpenShift => {
            if !rendered.regenerated {
                notes.push(format!(
                    "{}: no mirror set, insecure or blocked registry: the node keeps the template",
                    paths::REGISTRIES_CONF
                ));
            }
            if options.stream_registries_conf {
                streamed_registries_conf = Some(rendered.registries_conf.len());
            } else {
                files.push(file(
                    paths::REGISTRIES_CONF,
                    rendered.registries_conf.to_text(),
                    paths::FILE_MODE,
                ));
            }
        }
        Target::MicroShift => match microshift_drop_in(&rendered.registries_conf.to_text()) {
            Some(drop_in) => files.push(file(paths::MICROSHIFT_MIRROR_DROP_IN, drop_in, paths::FILE_MODE)),
            None => notes.push(format!(
                "{}: no mirror set, insecure or blocked registry: nothing to add to the host's registries.conf",
                paths::MICROSHIFT_MIRROR_DROP_IN
            )),
        },
    }
    if let Some(drop_in) = rendered.search_registries_drop_in {
        files.push(file(
            paths::SEARCH_REGISTRIES_DROP_IN,
            drop_in,
            paths::FILE_MODE,
        ));
    }

    // policy.json.
    let policy = policy_lists
        .render(release_image)
        .map_err(Error::PolicyJson)?;
    match options.target {
        Target::OpenShift => {
            if policy == POLICY_TEMPLATE {
                notes.push(format!(
                    "{}: no allowed or blocked registry: the node keeps the template",
                    paths::POLICY_JSON
                ));
            }
            files.push(file(paths::POLICY_JSON, policy, 0o644));
        }
        // The host's policy.json (signature checks for Red Hat registries, ...) is its own: never replaced.
        Target::MicroShift if policy != POLICY_TEMPLATE => {
            warnings.push(Warning::PolicyNotForMicroShift)
        }
        Target::MicroShift => {}
    }

    // The pull secret.
    if let Some(bytes) = pull_secret_bytes(cluster, options)? {
        let path = match options.target {
            Target::OpenShift => paths::KUBELET_CONFIG_JSON,
            Target::MicroShift => paths::MICROSHIFT_PULL_SECRET,
        };
        files.push(file(path, bytes, paths::CREDENTIALS_MODE));
    }

    // The CAs.
    let mut trust_reports = Vec::new();
    if let Some(config_map) = cluster.trusted_ca_config_map()? {
        let place = config_map_place(config_map);
        let at = |source| Error::TrustAt {
            place: place.clone(),
            source: Box::new(source),
        };
        let bundles = trust_bundle::read_config_map(&crate::cluster::trust_data(&config_map.value))
            .map_err(at)?;
        if bundles.is_empty() {
            warnings.push(Warning::EmptyTrustConfigMap {
                config_map: describe(
                    config_map,
                    &format!(
                        "ConfigMap/{}",
                        config_map.value.metadata.name.as_deref().unwrap_or("")
                    ),
                ),
            });
        }
        let policy = CheckPolicy {
            now: options.now,
            out_of_validity: options.ca_out_of_validity,
        };
        let trust = trust_bundle::plan_folders_with(&bundles, policy).map_err(at)?;
        warnings.extend(trust.warnings.iter().cloned().map(Warning::Trust));
        trust_reports = trust.reports;
        files.extend(ca_files(trust.folders));
    }

    // What OpenShift stores in etcd: over the limit the pool never gets it (the node files here are still
    // written: a host no operator manages takes them as they are).
    let machine_config = (options.target == Target::OpenShift).then(|| {
        let sources = rules.digest_mirror_sets.len()
            + rules.legacy_digest_mirror_sets.len()
            + rules.tag_mirror_sets.len();
        let streamed =
            streamed_registries_conf.map(|size| (Path::new(paths::REGISTRIES_CONF), size));
        let held = files.iter().map(|f| (f.path.as_path(), f.bytes.len()));
        MachineConfigSize::of(streamed.into_iter().chain(held), sources)
    });
    if let Some(size) = machine_config.as_ref().filter(|size| size.is_near()) {
        warnings.push(Warning::MachineConfigSize(size.clone()));
    }

    Ok(NodePlan {
        files,
        warnings,
        notes,
        trust_reports,
        rules,
        layout: options.layout,
        streamed_registries_conf,
        machine_config,
        target: options.target,
        now: options.now,
    })
}

impl NodePlan {
    /// registries.conf when the plan left it out of `files`: rendered again from the rules (they passed once, so
    /// they pass again), to be written a block at a time. `None` when it is in `files`.
    pub fn registries_conf(&self) -> Result<Option<RegistriesConfFile<'_>>, Error> {
        let Some(size) = self.streamed_registries_conf else {
            return Ok(None);
        };
        let rendered = registries_conf::render_unencoded(&self.rules, self.layout)
            .map_err(Error::RegistriesConf)?;
        Ok(Some(RegistriesConfFile {
            text: rendered.registries_conf,
            size,
        }))
    }
}

/// registries.conf as [`NodePlan::registries_conf`] renders it, for node-root's writer.
pub struct RegistriesConfFile<'p> {
    text: registries_conf::RegistriesConfText<'p>,
    /// The size the plan counted (node-root checks that the text written is that long): not counted again.
    size: usize,
}

impl RegistriesConfFile<'_> {
    /// Where it goes, relative to the node's root.
    pub fn path(&self) -> &'static Path {
        Path::new(paths::REGISTRIES_CONF)
    }

    /// Its mode.
    pub fn mode(&self) -> u32 {
        paths::FILE_MODE
    }

    /// The whole text (for `--show`).
    pub fn to_text(&self) -> String {
        self.text.to_text()
    }
}

impl node_root::Contents for RegistriesConfFile<'_> {
    fn size(&self) -> u64 {
        self.size as u64
    }

    fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.text.write_to(out)
    }
}

/// The Image config's registry lists after OpenShift's payload check (`getValidBlockedAndAllowedRegistries`): the
/// mirror rules with the blocked entries registries.conf keeps, and the lists policy.json gets. When the check
/// cannot be made OpenShift drops the whole images config: nothing blocked, nothing allowed.
pub fn image_config_lists(
    cluster: &Cluster,
    release_image: &str,
) -> Result<(registries_conf::PayloadCheck, PolicyLists), Error> {
    image_config_lists_of(
        cluster,
        &ItemCounts::of(cluster),
        release_image,
        mirror_rules(cluster),
    )
}

/// [`image_config_lists`] with the cluster's mirror rules given.
fn image_config_lists_of(
    cluster: &Cluster,
    counts: &ItemCounts,
    release_image: &str,
    rules: MirrorRules,
) -> Result<(registries_conf::PayloadCheck, PolicyLists), Error> {
    let sources = cluster
        .image
        .as_ref()
        .and_then(|i| i.value.spec.registry_sources.as_ref());
    let blocked = sources.and_then(|s| s.blocked_registries.as_deref());
    let payload = registries_conf::check_blocked_registries(release_image, blocked, rules)
        .map_err(|e| rules_error_with(cluster, counts, e))?;
    let lists = if payload.abandoned {
        PolicyLists::default()
    } else {
        PolicyLists::after_payload_check(
            &payload.payload_repository,
            payload.rules.blocked.as_deref(),
            sources.and_then(|s| s.allowed_registries.as_deref()),
        )
    };
    Ok((payload, lists))
}

/// The MicroShift drop-in: only the `[[registry]]` tables of the rendered registries.conf, with no header keys.
/// containers/image merges a drop-in's registries by prefix and takes `unqualified-search-registries`,
/// `credential-helpers` (when present) and a non-empty `short-name-mode` from it; leaving every header key out
/// keeps the host's own. `None` when there is no registry to add.
pub fn microshift_drop_in(registries_conf: &str) -> Option<String> {
    registries_conf::registry_tables(registries_conf).map(str::to_owned)
}

/// The CA files for checked folders: `etc/docker/certs.d/<host[:port]>/ca.crt`, the bundle unchanged, mode 0644.
/// (Folders are created 0755 by the writer.)
pub fn ca_files(folders: Vec<FolderBundle>) -> Vec<NodeFile> {
    folders
        .into_iter()
        .map(|folder| NodeFile {
            path: paths::ca_file(folder.folder()),
            bytes: folder.into_bytes(),
            mode: paths::FILE_MODE,
        })
        .collect()
}

/// openshift/api's per-object findings for every object that shapes the node.
pub fn validation_findings(cluster: &Cluster) -> Vec<(String, icsp::Finding)> {
    let mut out = Vec::new();
    let mut push = |object: icsp::Object, located: String| {
        for finding in icsp::validate(&object) {
            out.push((located.clone(), finding));
        }
    };
    for o in &cluster.icsps {
        push(
            icsp::Object::ImageContentSourcePolicy(o.value.clone()),
            o.file.clone(),
        );
    }
    for o in &cluster.idms {
        push(
            icsp::Object::ImageDigestMirrorSet(o.value.clone()),
            o.file.clone(),
        );
    }
    for o in &cluster.itms {
        push(
            icsp::Object::ImageTagMirrorSet(o.value.clone()),
            o.file.clone(),
        );
    }
    if let Some(o) = &cluster.image {
        push(icsp::Object::Image(o.value.clone()), o.file.clone());
    }
    out
}

/// [`validation_findings`] without copying the objects: each is lent to the checks as an [`icsp::Object`] and put
/// back.
fn validation_findings_in_place(cluster: &mut Cluster) -> Vec<(String, icsp::Finding)> {
    use icsp::Object;
    fn check<T: Default>(
        out: &mut Vec<(String, icsp::Finding)>,
        objects: &mut [icsp::Located<T>],
        wrap: fn(T) -> Object,
        unwrap: fn(Object) -> Option<T>,
    ) {
        for o in objects {
            let object = wrap(std::mem::take(&mut o.value));
            out.extend(
                icsp::validate(&object)
                    .into_iter()
                    .map(|f| (o.file.clone(), f)),
            );
            o.value = unwrap(object).expect("the same kind back");
        }
    }
    let mut out = Vec::new();
    check(
        &mut out,
        &mut cluster.icsps,
        Object::ImageContentSourcePolicy,
        |o| match o {
            Object::ImageContentSourcePolicy(v) => Some(v),
            _ => None,
        },
    );
    check(
        &mut out,
        &mut cluster.idms,
        Object::ImageDigestMirrorSet,
        |o| match o {
            Object::ImageDigestMirrorSet(v) => Some(v),
            _ => None,
        },
    );
    check(
        &mut out,
        &mut cluster.itms,
        Object::ImageTagMirrorSet,
        |o| match o {
            Object::ImageTagMirrorSet(v) => Some(v),
            _ => None,
        },
    );
    check(
        &mut out,
        cluster.image.as_mut_slice(),
        Object::Image,
        |o| match o {
            Object::Image(v) => Some(v),
            _ => None,
        },
    );
    out
}

/// The bytes of `/var/lib/kubelet/config.json`: from `--pull-secret` when given, else from the Secret.
fn pull_secret_bytes(cluster: &Cluster, options: &RenderOptions) -> Result<Option<Vec<u8>>, Error> {
    let (origin, raw): (String, &[u8]) = if let Some(input) = &options.pull_secret {
        (input.name.clone(), &input.bytes)
    } else if let Some(secret) = &cluster.pull_secret {
        let origin = describe(secret, "Secret/openshift-config/pull-secret");
        let bytes = crate::cluster::dockerconfigjson(&secret.value).map_err(|refusal| {
            Error::PullSecretRefused {
                origin: origin.clone(),
                refusal,
            }
        })?;
        (origin, bytes)
    } else {
        return Ok(None);
    };
    // Read once, as containers/image would read it; unedited, the file writes back as Go's json.Compact of the bytes.
    let config = dockerconfig::DockerConfig::parse(raw, &origin)?;
    Ok(Some(kubelet_config_json(&config)))
}

/// `/var/lib/kubelet/config.json` (and MicroShift's pull secret) exactly as machine-config-operator writes it from
/// the pull secret: Go's `json.Compact` of its `.dockerconfigjson` plus one newline.
pub fn kubelet_config_json(config: &dockerconfig::DockerConfig) -> Vec<u8> {
    let mut bytes = config.to_compact().to_vec();
    bytes.push(b'\n');
    bytes
}
