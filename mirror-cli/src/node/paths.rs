//! The one table of node files: where each lives, relative to the node's root, and its mode. Rendering, verifying,
//! resolving and diffing all read it from here.

use std::path::{Path, PathBuf};

/// The registries configuration CRI-O and podman read.
pub const REGISTRIES_CONF: &str = "etc/containers/registries.conf";
/// The folder of registries.conf drop-ins (`*.conf`, read in name order after the main file).
pub const REGISTRIES_CONF_D: &str = "etc/containers/registries.conf.d";
/// The drop-in holding `containerRuntimeSearchRegistries`.
pub const SEARCH_REGISTRIES_DROP_IN: &str =
    "etc/containers/registries.conf.d/01-image-searchRegistries.conf";
/// The signature policy.
pub const POLICY_JSON: &str = "etc/containers/policy.json";
/// The kubelet's (and CRI-O's) pull secret.
pub const KUBELET_CONFIG_JSON: &str = "var/lib/kubelet/config.json";
/// Per-registry CA folders, where machine-config-operator writes them.
pub const CERTS_D: &str = "etc/docker/certs.d";
/// The other system-wide per-registry CA folder containers/image reads (before [`CERTS_D`]).
pub const CONTAINERS_CERTS_D: &str = "etc/containers/certs.d";
/// The per-host certificate folders containers/image looks in on a node, in order: the first existing
/// `<folder>/<host[:port]>` wins (the user's `~/.config/containers/certs.d`, which comes first, is not on a node).
pub const CERTS_D_SEARCH_ORDER: [&str; 2] = [CONTAINERS_CERTS_D, CERTS_D];
/// The certs.d folders of the cluster's own image registry (`image-registry.openshift-image-registry.svc:5000`,
/// `...svc.cluster.local:5000`) start with this: the machine-config daemon keeps them from its
/// `ImageRegistryBundleData` (the `openshift-config-managed/image-registry-ca` ConfigMap, which is not among the
/// objects mirror-cli reads), so render never removes them and verify does not report them.
pub const INTERNAL_REGISTRY_CA_PREFIX: &str = "image-registry.openshift-image-registry.svc";
/// The file name of a registry's CA bundle inside its certs.d folder.
pub const CA_FILE: &str = "ca.crt";
/// MicroShift: the mirrors, as a drop-in beside the host's own registries.conf.
pub const MICROSHIFT_MIRROR_DROP_IN: &str =
    "etc/containers/registries.conf.d/999-microshift-mirror.conf";
/// MicroShift: the pull secret CRI-O reads (`global_auth_file`).
pub const MICROSHIFT_PULL_SECRET: &str = "etc/crio/openshift-pull-secret";

/// Node files: `-rw-r--r--` (machine-config-operator's `defaultFilePermissions`).
pub const FILE_MODE: u32 = 0o644;
/// Files holding credentials (the kubelet's config.json, MicroShift's pull secret, outputs that hold a pull
/// secret): `-rw-------`.
pub const CREDENTIALS_MODE: u32 = 0o600;
/// Folders the writer creates: `drwxr-xr-x` (machine-config-operator's `defaultDirectoryPermissions`).
pub const DIR_MODE: u32 = 0o755;

/// A registry's CA bundle: `etc/docker/certs.d/<folder>/ca.crt`, `folder` being its `host[:port]`
/// ([`trust_bundle::FolderBundle::folder`], always one plain path component).
pub fn ca_file(folder: &str) -> PathBuf {
    Path::new(CERTS_D).join(folder).join(CA_FILE)
}

#[cfg(test)]
mod tests {
    use std::path::Component;

    use proptest::prelude::*;
    use trust_bundle::{Bundle, Origin};

    use super::*;

    #[test]
    fn drop_ins_live_in_registries_conf_d() {
        for drop_in in [SEARCH_REGISTRIES_DROP_IN, MICROSHIFT_MIRROR_DROP_IN] {
            assert_eq!(
                Path::new(drop_in).parent(),
                Some(Path::new(REGISTRIES_CONF_D))
            );
        }
    }

    #[test]
    fn a_ca_file_is_under_certs_d() {
        assert_eq!(
            ca_file("mirror.example.com:5000"),
            Path::new("etc/docker/certs.d/mirror.example.com:5000/ca.crt")
        );
    }

    /// Every CA path is `etc/docker/certs.d/<one plain folder>/ca.crt`.
    fn assert_ca_path(path: &Path) {
        let mut components = path.components();
        for expected in Path::new(CERTS_D).components() {
            assert_eq!(components.next(), Some(expected), "{path:?}");
        }
        assert!(
            matches!(components.next(), Some(Component::Normal(_))),
            "{path:?}"
        );
        assert_eq!(
            components.next(),
            Some(Component::Normal(CA_FILE.as_ref())),
            "{path:?}"
        );
        assert_eq!(components.next(), None, "{path:?}");
    }

    proptest! {
        #[test]
        fn no_configmap_key_puts_a_ca_outside_its_folder(key in any::<String>(), key_shaped in "[-._a-zA-Z0-9/]{0,40}") {
            for key in [key, key_shaped] {
                let bundle = Bundle { key, origin: Origin::Data, bytes: Vec::new() };
                if let Ok(folders) = trust_bundle::folders(&[bundle]) {
                    for folder in folders {
                        assert_ca_path(&ca_file(folder.folder()));
                    }
                }
            }
        }
    }
}
