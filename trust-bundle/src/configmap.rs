//! Reading and building the ConfigMap that holds the bundles (as plain maps: no YAML here).

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Origin};
use crate::naming::key_for_host;

/// A ConfigMap's two maps: `data` (key → text, exactly as in the object) and `binaryData` (key → the
/// bytes its base64 stands for; the reader of the object decodes it).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConfigMapData {
    /// `data`: key → UTF-8 text.
    pub data: BTreeMap<String, String>,
    /// `binaryData`: key → bytes.
    pub binary_data: BTreeMap<String, Vec<u8>>,
}

impl fmt::Debug for ConfigMapData {
    // Values may (wrongly) hold a private key: show keys and lengths only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data: BTreeMap<_, _> = (self.data.iter())
            .map(|(k, v)| (k, format!("<{} chars>", v.len())))
            .collect();
        let binary_data: BTreeMap<_, _> = (self.binary_data.iter())
            .map(|(k, v)| (k, format!("<{} bytes>", v.len())))
            .collect();
        f.debug_struct("ConfigMapData")
            .field("data", &data)
            .field("binary_data", &binary_data)
            .finish()
    }
}

/// One bundle: the bytes that become `certs.d/<folder>/ca.crt`.
#[derive(Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The ConfigMap key.
    pub key: String,
    /// Where it came from.
    pub origin: Origin,
    /// The bytes written to the node, unchanged.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Bundle {
    // The bytes may (wrongly) hold a private key: show only their length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bundle")
            .field("key", &self.key)
            .field("origin", &self.origin)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// Reads the bundles of a ConfigMap as machine-config-operator does
/// (`getImageRegistryBundles`): keys sorted, `data` before `binaryData`; a `data` value is
/// its base64 decoding when it decodes (Go `StdEncoding`), else its raw text (PEM stays
/// raw); a `binaryData` value is its bytes. A key in both maps is refused (the API
/// server refuses it too). Keys are not checked here: see [`crate::folder_for_key`].
pub fn read_config_map(config_map: &ConfigMapData) -> Result<Vec<Bundle>, Error> {
    let mut bundles = Vec::with_capacity(config_map.data.len() + config_map.binary_data.len());
    for (key, text) in &config_map.data {
        let bytes = go_compat::decode_std_base64(text).unwrap_or_else(|_| text.as_bytes().to_vec());
        bundles.push(Bundle {
            key: key.clone(),
            origin: Origin::Data,
            bytes,
        });
    }
    for (key, bytes) in &config_map.binary_data {
        if config_map.data.contains_key(key) {
            return Err(Error::DuplicateKey {
                key: key.clone(),
                first: Origin::Data,
                second: Origin::BinaryData,
            });
        }
        bundles.push(Bundle {
            key: key.clone(),
            origin: Origin::BinaryData,
            bytes: bytes.clone(),
        });
    }
    Ok(bundles)
}

/// A parsed `--from-file HOST[:PORT]=FILE` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromFile {
    /// The registry `host[:port]`.
    pub host: String,
    /// The ConfigMap key for it (`host..port`).
    pub key: String,
    /// The file to read (the caller reads it).
    pub path: String,
}

/// Parses `HOST[:PORT]=FILE`. The split is at the first `=` (a host never holds one).
pub fn parse_from_file_arg(arg: &str) -> Result<FromFile, Error> {
    let refuse = |reason: &str| Error::FromFileArg {
        arg: arg.to_owned(),
        reason: reason.to_owned(),
    };
    let (host, path) = arg
        .split_once('=')
        .ok_or_else(|| refuse("expected HOST[:PORT]=FILE"))?;
    if host.is_empty() {
        return Err(refuse("empty HOST"));
    }
    if path.is_empty() {
        return Err(refuse("empty FILE"));
    }
    let key = key_for_host(host)?;
    Ok(FromFile {
        host: host.to_owned(),
        key,
        path: path.to_owned(),
    })
}

/// Builds the ConfigMap maps from `(host[:port], file path, bytes)` triples as
/// `oc create configmap --from-file=<host>..<port>=<file>` would: valid UTF-8 goes to `data`
/// unchanged, anything else to `binaryData` (which the object writes as standard base64). A host
/// given twice is refused.
pub fn build_config_map<'a, I>(files: I) -> Result<ConfigMapData, Error>
where
    I: IntoIterator<Item = (&'a str, &'a str, &'a [u8])>,
{
    let mut out = ConfigMapData::default();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (host, path, bytes) in files {
        let key = key_for_host(host)?;
        if let Some(first) = seen.insert(key.clone(), path.to_owned()) {
            return Err(Error::DuplicateKey {
                key,
                first: Origin::File(first),
                second: Origin::File(path.to_owned()),
            });
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                out.data.insert(key, text.to_owned());
            }
            Err(_) => {
                out.binary_data.insert(key, bytes.to_vec());
            }
        }
    }
    Ok(out)
}
