//! Whether the node files fit in the cluster: machine-config-operator stores registries.conf, policy.json and the
//! search-registries drop-in in the MachineConfig `99-<pool>-generated-registries`, each as an Ignition file whose
//! `contents.source` is `data:text/plain;charset=utf-8;base64,` and the base64 of the bytes (37 + 4⌈n/3⌉ bytes),
//! and merges every MachineConfig of a pool into `rendered-<pool>-<hash>`, which holds them again. etcd refuses a
//! write over its request limit (`--max-request-bytes`, 1.5 MiB by default; OpenShift's etcd pod does not change
//! it), and MachineConfig is a custom resource, stored as JSON: a registries.conf whose MachineConfig is over that
//! never reaches the nodes, and the machine-config pool degrades.

use std::fmt;
use std::path::Path;

use crate::node::paths;

/// etcd's default `--max-request-bytes` (1.5 MiB), which OpenShift's etcd keeps. (The API server's own limit on a
/// request body, 3 MiB, is larger: etcd's is the one a MachineConfig meets first.)
pub const ETCD_MAX_REQUEST_BYTES: usize = 3 * 1024 * 1024 / 2;

/// Above this share of [`ETCD_MAX_REQUEST_BYTES`] a warning: the `rendered-<pool>` MachineConfig holds the
/// other MachineConfigs' files too (kubelet, CRI-O, chrony, ... a few hundred KiB), so it meets the limit first.
pub const WARN_PERCENT: usize = 80;

/// The MachineConfig around the files: metadata (name, labels, annotations, ownerReferences, managedFields) and
/// the Ignition envelope. A generated-registries MachineConfig read back with `oc get -o json` has ≈1.5 KiB of
/// it; 2 KiB is a margin.
pub const MACHINE_CONFIG_OVERHEAD: usize = 2 * 1024;

/// The JSON of one Ignition file entry around its data URL: `{"contents":{"source":"..."},"mode":420,
/// "overwrite":true,"path":"/etc/containers/registries.conf"}`.
const FILE_ENTRY_OVERHEAD: usize = 64;

/// `data:text/plain;charset=utf-8;base64,`.
const DATA_URL_PREFIX: usize = 37;

/// The files machine-config-operator puts in `99-<pool>-generated-registries`.
const GENERATED_REGISTRIES_FILES: [&str; 3] = [
    paths::REGISTRIES_CONF,
    paths::POLICY_JSON,
    paths::SEARCH_REGISTRIES_DROP_IN,
];

/// The length of a file's data URL: 37 + 4⌈n/3⌉.
pub fn data_url_len(bytes: usize) -> usize {
    DATA_URL_PREFIX + bytes.div_ceil(3) * 4
}

/// The size of the generated-registries MachineConfig for these node files, and how many sources would fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineConfigSize {
    /// Estimated bytes of `99-<pool>-generated-registries` as stored.
    pub bytes: usize,
    /// The limit it is measured against ([`ETCD_MAX_REQUEST_BYTES`]).
    pub limit: usize,
    /// The mirror sources registries.conf holds.
    pub sources: usize,
    /// How many sources of the same average size would fit under the limit.
    pub sources_that_fit: usize,
}

impl MachineConfigSize {
    /// Measures the generated-registries MachineConfig that would hold the node files of these paths and sizes
    /// (`sources` mirror sources).
    pub fn of<'p>(
        files: impl IntoIterator<Item = (&'p Path, usize)>,
        sources: usize,
    ) -> MachineConfigSize {
        let mut entries = 0;
        let mut registries_conf = 0;
        for (path, size) in files {
            if GENERATED_REGISTRIES_FILES
                .iter()
                .any(|p| path == Path::new(p))
            {
                entries += FILE_ENTRY_OVERHEAD + data_url_len(size);
            }
            if path == Path::new(paths::REGISTRIES_CONF) {
                registries_conf = data_url_len(size);
            }
        }
        let bytes = MACHINE_CONFIG_OVERHEAD + entries;
        let limit = ETCD_MAX_REQUEST_BYTES;
        // Everything but registries.conf stays; the room left is shared by sources of today's average size.
        let fixed = bytes - registries_conf;
        let sources_that_fit = match sources {
            0 => 0,
            _ => limit.saturating_sub(fixed) * sources / registries_conf.max(1),
        };
        MachineConfigSize {
            bytes,
            limit,
            sources,
            sources_that_fit,
        }
    }

    /// Over the limit: the MachineConfig cannot be stored.
    pub fn is_over(&self) -> bool {
        self.bytes > self.limit
    }

    /// Over [`WARN_PERCENT`] of the limit.
    pub fn is_near(&self) -> bool {
        self.bytes * 100 > self.limit * WARN_PERCENT
    }
}

impl fmt::Display for MachineConfigSize {
    /// `the MachineConfig 99-<pool>-generated-registries holding /etc/containers/registries.conf would be ≈N bytes,
    /// X% of etcd's 1572864-byte request limit; about M of the S sources fit: ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the MachineConfig 99-<pool>-generated-registries holding /{} would be about {} bytes, {}% of etcd's \
             {}-byte request limit (rendered-<pool> holds it again with every other MachineConfig's files); about \
             {} of its {} sources fit. Use fewer, wider sources: mirror by namespace or by registry instead of by \
             repository (oc-mirror writes one ImageDigestMirrorSet entry per namespace)",
            paths::REGISTRIES_CONF,
            self.bytes,
            self.bytes * 100 / self.limit,
            self.limit,
            self.sources_that_fit,
            self.sources,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_url_is_37_bytes_and_the_base64() {
        assert_eq!(data_url_len(0), 37);
        assert_eq!(data_url_len(1), 41);
        assert_eq!(data_url_len(3), 41);
        assert_eq!(data_url_len(4), 45);
        let url = format!(
            "data:text/plain;charset=utf-8;base64,{}",
            go_compat::encode_std_base64(b"[[registry]]\n")
        );
        assert_eq!(url.len(), data_url_len(b"[[registry]]\n".len()));
    }

    fn registries_conf(bytes: usize) -> [(&'static Path, usize); 1] {
        [(Path::new(paths::REGISTRIES_CONF), bytes)]
    }

    #[test]
    fn sources_that_fit_scale_with_the_room_left() {
        let small = MachineConfigSize::of(registries_conf(300_000), 1000);
        assert!(!small.is_near() && !small.is_over(), "{small:?}");
        // 400 000 base64 bytes for 1000 sources: ≈ 400 bytes a source; ≈ 1.57 MB of room.
        assert!(
            (3_900..=3_940).contains(&small.sources_that_fit),
            "{small:?}"
        );
        let near = MachineConfigSize::of(registries_conf(1_000_000), 1000);
        assert!(near.is_near() && !near.is_over(), "{near:?}");
        let over = MachineConfigSize::of(registries_conf(1_200_000), 1000);
        assert!(over.is_over(), "{over:?}");
        assert!(over.sources_that_fit < 1000, "{over:?}");
    }
}
