//! Blobs, streamed with a bound and verified at the end, and one file found inside an image's layers.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::time::Instant;

use ureq::http::Uri;

use crate::digest::{Digest, Hasher};
use crate::http::Method;
use crate::media;
use crate::outcome::{Outcome, Stage, Stop, StopReason};
use crate::prober::{Prober, base_headers, not_found, unauthorized};
use crate::source::{Reference, Source};

/// What went wrong while reading a blob, carried inside the `io::Error` that [`BlobReader`]'s `read` returns
/// (`io::Error::get_ref()` downcasts to it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// More bytes than the limit.
    #[error("the blob is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// The bytes did not hash to the blob's digest.
    #[error("the blob's bytes hash to {computed}, not {expected}")]
    DigestMismatch {
        /// The digest asked for.
        expected: Digest,
        /// What the bytes hash to.
        computed: Digest,
    },
    /// The body ended before its `Content-Length`.
    #[error("the blob ended after {read} of {expected} bytes")]
    Truncated {
        /// Bytes read.
        read: u64,
        /// `Content-Length`.
        expected: u64,
    },
}

/// A blob's bytes as they arrive: at most `limit` bytes, the digest checked when the end is reached (`read`
/// then returns an error instead of `Ok(0)` if it does not match). Dropping it early closes the connection.
pub struct BlobReader {
    inner: ureq::BodyReader<'static>,
    hasher: Option<Hasher>,
    expected: Digest,
    limit: u64,
    read: u64,
    length: Option<u64>,
    failed: Option<BlobError>,
}

impl BlobReader {
    /// Bytes read so far (compressed bytes, for a layer).
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// The `Content-Length` the registry announced, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.length
    }

    /// The digest the bytes must hash to.
    pub fn digest(&self) -> &Digest {
        &self.expected
    }

    fn fail(&mut self, e: BlobError) -> io::Error {
        self.failed = Some(e.clone());
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

impl fmt::Debug for BlobReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobReader")
            .field("digest", &self.expected)
            .field("read", &self.read)
            .field("limit", &self.limit)
            .finish()
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = &self.failed {
            return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        // Never hand out more than limit + 1 bytes: the +1 tells "over the limit".
        let room = (self.limit + 1).saturating_sub(self.read);
        let want = buf
            .len()
            .min(usize::try_from(room).unwrap_or(usize::MAX))
            .max(1);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            let Some(h) = self.hasher.take() else {
                return Ok(0);
            };
            if let Some(len) = self.length.filter(|l| *l != self.read) {
                return Err(self.fail(BlobError::Truncated {
                    read: self.read,
                    expected: len,
                }));
            }
            let computed = h.finish();
            if computed != self.expected {
                return Err(self.fail(BlobError::DigestMismatch {
                    expected: self.expected.clone(),
                    computed,
                }));
            }
            return Ok(0);
        }
        self.read += n as u64;
        if self.read > self.limit {
            return Err(self.fail(BlobError::TooLarge { limit: self.limit }));
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// An OS, architecture and optional variant, as an index lists them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    /// `linux`.
    pub os: String,
    /// `amd64`, `arm64`, `ppc64le`, `s390x`…
    pub architecture: String,
    /// `v8` and the like; `None` matches any.
    pub variant: Option<String>,
}

impl Default for Platform {
    /// `linux/amd64`.
    fn default() -> Self {
        Platform {
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// What to look for in an image, and how much to read at most.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FileQuery {
    /// The path inside the image (`release-manifests/image-references`); a leading `/` or `./` is ignored.
    pub path: String,
    /// The platform picked from an index or manifest list. Default `linux/amd64`.
    pub platform: Platform,
    /// Compressed bytes read from one layer at most. Default 1 GiB.
    pub max_layer_bytes: u64,
    /// Uncompressed bytes walked in one layer at most (a guard against gzip bombs). Default 4 GiB.
    pub max_uncompressed_bytes: u64,
    /// The file's size at most. Default 16 MiB.
    pub max_file_bytes: u64,
    /// Read each layer to its end, so that its digest is verified, even after the file was found. Default false:
    /// the read stops as soon as the file is read (the image's manifest is still verified by digest).
    pub verify_layers: bool,
}

impl FileQuery {
    /// A query for `path` with the default bounds and platform.
    pub fn new(path: impl Into<String>) -> Self {
        FileQuery {
            path: path.into(),
            platform: Platform::default(),
            max_layer_bytes: 1 << 30,
            max_uncompressed_bytes: 4 << 30,
            max_file_bytes: 16 << 20,
            verify_layers: false,
        }
    }
}

/// One layer as [`Prober::find_file`] read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRead {
    /// The layer's digest.
    pub digest: Digest,
    /// Its size as the manifest gives it.
    pub size: Option<u64>,
    /// Compressed bytes read.
    pub bytes_read: u64,
    /// Whether it was read to its end (and so verified).
    pub complete: bool,
}

/// A file found in a layer.
#[derive(Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The layer that holds it.
    pub layer: Digest,
    /// The layer's index in the manifest (0 = the base layer).
    pub layer_index: usize,
    /// The entry's path as the tar has it.
    pub entry_path: String,
}

impl fmt::Debug for FoundFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoundFile")
            .field("bytes", &self.bytes.len())
            .field("layer", &self.layer)
            .field("layer_index", &self.layer_index)
            .field("entry_path", &self.entry_path)
            .finish()
    }
}

/// What [`Prober::find_file`] did.
#[derive(Debug, Clone)]
pub struct FileSearch {
    /// The probe of the image's (top) manifest.
    pub outcome: Outcome,
    /// The platform's image manifest, when the top one is an index.
    pub image: Option<Digest>,
    /// The layers read, in the order they were read.
    pub layers: Vec<LayerRead>,
    /// The file, or why there is none.
    pub result: Result<FoundFile, Stop>,
}

impl Prober {
    /// Streams the blob `digest` of `source`'s repository: at most `limit` bytes, verified at the end. Connects,
    /// pings and authenticates as [`manifest`](Self::manifest) does (cached per host).
    pub fn blob_reader(
        &self,
        source: &Source,
        digest: &Digest,
        limit: u64,
    ) -> Result<BlobReader, Stop> {
        let deadline = Instant::now() + self.options().overall_timeout;
        self.with_prepared(source, deadline, |p, host, ctx, base, authz| {
            let url: Uri = format!("{base}/v2/{}/blobs/{digest}", source.repository())
                .parse()
                .map_err(|_| {
                    Stop::new(
                        Stage::Blob,
                        StopReason::Connect("cannot make the blob URL".into()),
                    )
                })?;
            let resp = p.request(
                host,
                ctx,
                source,
                authz,
                Stage::Blob,
                Method::Get,
                &url,
                &base_headers(),
            )?;
            match resp.status {
                200 => {}
                401 => return Err(unauthorized(authz, ctx.errors(resp))),
                404 => {
                    return Err(Stop::new(
                        Stage::Blob,
                        not_found(ctx.errors(resp), "BLOB_UNKNOWN"),
                    ));
                }
                status => {
                    return Err(Stop::new(
                        Stage::Blob,
                        StopReason::Status {
                            status,
                            errors: ctx.errors(resp),
                        },
                    ));
                }
            }
            let length = resp.body.content_length();
            if length.is_some_and(|l| l > limit) {
                return Err(Stop::new(
                    Stage::Blob,
                    StopReason::TooLarge {
                        what: "blob",
                        limit,
                    },
                ));
            }
            Ok(BlobReader {
                inner: resp.body.into_reader(),
                hasher: Some(digest.algorithm().hasher()),
                expected: digest.clone(),
                limit,
                read: 0,
                length,
                failed: None,
            })
        })
    }

    /// Finds one file in `source`'s image: reads the manifest (an index or manifest list: the query's platform,
    /// then that manifest by digest), then walks the layers **from the last one back** — the first layer that
    /// has the path holds the file the container sees, and a whiteout in a later layer hides it — streaming each
    /// gzip (or plain) tar layer and stopping as soon as the file is read.
    pub fn find_file(&self, source: &Source, query: &FileQuery) -> FileSearch {
        let (outcome, bytes) = self.manifest_bytes(source);
        let mut search = FileSearch {
            outcome,
            image: None,
            layers: Vec::new(),
            result: Err(Stop::new(
                Stage::File,
                StopReason::NotTried("the manifest was not reached".into()),
            )),
        };
        let (Ok(info), Some(bytes)) = (&search.outcome.result, bytes) else {
            if let Err(stop) = &search.outcome.result {
                search.result = Err(stop.clone());
            }
            return search;
        };
        let mut image_source = source.clone();
        let mut manifest = bytes;
        let mut media_type = info.media_type.clone();
        if media::is_list(&media_type) {
            let child = match pick_platform(&manifest, &query.platform) {
                Ok(d) => d,
                Err(r) => {
                    search.result = Err(Stop::new(Stage::Manifest, r));
                    return search;
                }
            };
            image_source = source
                .clone()
                .with_reference(Reference::Digest(child.clone()));
            search.image = Some(child);
            let (o, b) = self.manifest_bytes(&image_source);
            match (o.result, b) {
                (Ok(m), Some(b)) => {
                    manifest = b;
                    media_type = m.media_type;
                }
                (Err(stop), _) => {
                    search.result = Err(stop);
                    return search;
                }
                (Ok(_), None) => return search,
            }
            if media::is_list(&media_type) {
                search.result = Err(Stop::new(
                    Stage::Manifest,
                    StopReason::Unsupported("an index inside an index".into()),
                ));
                return search;
            }
        }
        if media_type != media::OCI_MANIFEST && media_type != media::DOCKER_V2S2 {
            search.result = Err(Stop::new(
                Stage::Manifest,
                StopReason::Unsupported(format!("walking the layers of a {media_type} manifest")),
            ));
            return search;
        }
        let layers = match layers_of(&manifest) {
            Ok(l) => l,
            Err(r) => {
                search.result = Err(Stop::new(Stage::Manifest, r));
                return search;
            }
        };
        let target = normalize_path(&query.path);
        for (index, (digest, size, layer_type)) in layers.iter().enumerate().rev() {
            if layer_type.contains("zstd") {
                search.result = Err(Stop::new(
                    Stage::File,
                    StopReason::Unsupported(format!("layer {digest} is {layer_type}")),
                ));
                return search;
            }
            let reader = match self.blob_reader(&image_source, digest, query.max_layer_bytes) {
                Ok(r) => r,
                Err(stop) => {
                    search.result = Err(stop);
                    return search;
                }
            };
            let scanned = scan_layer(reader, &target, query, digest);
            search.layers.push(LayerRead {
                digest: digest.clone(),
                size: *size,
                bytes_read: scanned.bytes_read,
                complete: scanned.complete,
            });
            match scanned.result {
                Scan::Found(bytes, entry_path) => {
                    search.result = Ok(FoundFile {
                        bytes,
                        layer: digest.clone(),
                        layer_index: index,
                        entry_path,
                    });
                    return search;
                }
                Scan::Deleted => {
                    search.result = Err(Stop::new(
                        Stage::File,
                        StopReason::FileDeleted {
                            path: target,
                            layer: digest.clone(),
                        },
                    ));
                    return search;
                }
                Scan::Failed(reason) => {
                    search.result = Err(Stop::new(Stage::File, reason));
                    return search;
                }
                Scan::Absent => {}
            }
        }
        search.result = Err(Stop::new(
            Stage::File,
            StopReason::FileNotFound {
                path: target,
                layers: layers.len(),
            },
        ));
        search
    }
}

/// The array member `key` of the JSON document `bytes` (an index or a manifest); the messages say what is wrong.
fn json_array(
    bytes: &[u8],
    key: &str,
    not_json: &str,
    missing: &str,
) -> Result<Vec<serde_json::Value>, StopReason> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| StopReason::BadManifest(format!("{not_json}: {e}")))?;
    match v.get_mut(key).map(serde_json::Value::take) {
        Some(serde_json::Value::Array(items)) => Ok(items),
        _ => Err(StopReason::BadManifest(missing.into())),
    }
}

/// The `digest` member of an index entry or a layer.
fn digest_member(entry: &serde_json::Value, missing: &str) -> Result<Digest, StopReason> {
    let d = entry
        .get("digest")
        .and_then(|d| d.as_str())
        .ok_or_else(|| StopReason::BadManifest(missing.into()))?;
    Digest::parse(d).map_err(|e| StopReason::BadManifest(e.to_string()))
}

fn pick_platform(index: &[u8], want: &Platform) -> Result<Digest, StopReason> {
    let list = json_array(
        index,
        "manifests",
        "the index is not JSON",
        "the index has no manifests",
    )?;
    let mut available = Vec::new();
    for m in &list {
        let p = m.get("platform");
        let field = |k: &str| {
            p.and_then(|p| p.get(k))
                .and_then(|v| v.as_str())
                .unwrap_or("")
        };
        let (os, arch, variant) = (field("os"), field("architecture"), field("variant"));
        available.push(if variant.is_empty() {
            format!("{os}/{arch}")
        } else {
            format!("{os}/{arch}/{variant}")
        });
        let variant_ok = want.variant.as_deref().is_none_or(|w| w == variant);
        if os == want.os && arch == want.architecture && variant_ok {
            return digest_member(m, "an index entry has no digest");
        }
    }
    Err(StopReason::NoPlatform {
        wanted: want.to_string(),
        available,
    })
}

type LayerList = Vec<(Digest, Option<u64>, String)>;

fn layers_of(manifest: &[u8]) -> Result<LayerList, StopReason> {
    let layers = json_array(manifest, "layers", "not JSON", "no layers")?;
    layers
        .iter()
        .map(|l| {
            let digest = digest_member(l, "a layer has no digest")?;
            let mt = l
                .get("mediaType")
                .and_then(|m| m.as_str())
                .unwrap_or("")
                .to_owned();
            Ok((digest, l.get("size").and_then(|s| s.as_u64()), mt))
        })
        .collect()
}

fn normalize_path(p: &str) -> String {
    let mut s = p.trim_start_matches('/');
    while let Some(r) = s.strip_prefix("./") {
        s = r.trim_start_matches('/');
    }
    s.trim_end_matches('/').to_owned()
}

enum Scan {
    Found(Vec<u8>, String),
    Deleted,
    Absent,
    Failed(StopReason),
}

struct Scanned {
    result: Scan,
    bytes_read: u64,
    complete: bool,
}

/// Counts and bounds the bytes coming out of the decompressor.
struct Bounded<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // Allow one probe byte to tell end from excess.
            let mut one = [0u8; 1];
            return match self.inner.read(&mut one)? {
                0 => Ok(0),
                _ => {
                    self.over = true;
                    Err(io::Error::other("uncompressed layer over its bound"))
                }
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Shares the blob reader's byte count with the scanner after the reader has moved into the decoders.
struct Tally<'a> {
    inner: BlobReader,
    read: &'a std::cell::Cell<u64>,
    done: &'a std::cell::Cell<bool>,
}

impl Read for Tally<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = self.inner.read(buf);
        self.read.set(self.inner.bytes_read());
        if matches!(r, Ok(0)) && !buf.is_empty() {
            self.done.set(true);
        }
        r
    }
}

fn scan_layer(reader: BlobReader, target: &str, query: &FileQuery, digest: &Digest) -> Scanned {
    let read = std::cell::Cell::new(0);
    let done = std::cell::Cell::new(false);
    let result = scan(
        Tally {
            inner: reader,
            read: &read,
            done: &done,
        },
        target,
        query,
        digest,
    );
    Scanned {
        result,
        bytes_read: read.get(),
        complete: done.get(),
    }
}

fn io_reason(e: &io::Error, digest: &Digest, query: &FileQuery) -> StopReason {
    if let Some(b) = e.get_ref().and_then(|i| i.downcast_ref::<BlobError>()) {
        return match b {
            BlobError::TooLarge { limit } => StopReason::TooLarge {
                what: "layer",
                limit: *limit,
            },
            other => StopReason::Layer {
                layer: digest.clone(),
                detail: other.to_string(),
            },
        };
    }
    if e.to_string().contains("uncompressed layer over its bound") {
        return StopReason::TooLarge {
            what: "uncompressed layer",
            limit: query.max_uncompressed_bytes,
        };
    }
    StopReason::Layer {
        layer: digest.clone(),
        detail: e.to_string(),
    }
}

fn scan<R: Read>(reader: R, target: &str, query: &FileQuery, digest: &Digest) -> Scan {
    let mut buffered = BufReader::with_capacity(64 << 10, reader);
    let magic = match buffered.fill_buf() {
        Ok(b) => b.get(..4).map(<[u8]>::to_vec).unwrap_or_else(|| b.to_vec()),
        Err(e) => return Scan::Failed(io_reason(&e, digest, query)),
    };
    let decoded: Box<dyn Read + '_> = if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Scan::Failed(StopReason::Unsupported(format!(
            "layer {digest} is zstd-compressed"
        )));
    } else {
        Box::new(buffered)
    };
    let bounded = Bounded {
        inner: decoded,
        left: query.max_uncompressed_bytes,
        over: false,
    };
    let mut archive = tar::Archive::new(bounded);
    let (dir, base) = match target.rsplit_once('/') {
        Some((d, b)) => (d.to_owned(), b.to_owned()),
        None => (String::new(), target.to_owned()),
    };
    let whiteout = if dir.is_empty() {
        format!(".wh.{base}")
    } else {
        format!("{dir}/.wh.{base}")
    };
    let mut hidden = false;
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return Scan::Failed(io_reason(&e, digest, query)),
    };
    let mut found = None;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => return Scan::Failed(io_reason(&e, digest, query)),
        };
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = normalize_path(&raw);
        if path == whiteout {
            hidden = true;
            continue;
        }
        if let Some(opq) = path.strip_suffix(".wh..wh..opq") {
            let opq_dir = opq.trim_end_matches('/');
            if opq_dir.is_empty() || target.starts_with(&format!("{opq_dir}/")) {
                hidden = true;
            }
            continue;
        }
        if path != target {
            continue;
        }
        let kind = entry.header().entry_type();
        if !kind.is_file() {
            let what = if kind.is_dir() {
                "directory"
            } else if kind.is_symlink() {
                "symbolic link"
            } else if kind.is_hard_link() {
                "hard link"
            } else {
                "special file"
            };
            return Scan::Failed(StopReason::NotAFile {
                path: target.to_owned(),
                kind: what.into(),
            });
        }
        if entry.size() > query.max_file_bytes {
            return Scan::Failed(StopReason::TooLarge {
                what: "file",
                limit: query.max_file_bytes,
            });
        }
        let mut bytes = Vec::new();
        if let Err(e) = (&mut entry)
            .take(query.max_file_bytes + 1)
            .read_to_end(&mut bytes)
        {
            return Scan::Failed(io_reason(&e, digest, query));
        }
        found = Some((bytes, raw));
        break;
    }
    match found {
        Some((bytes, raw)) => {
            if query.verify_layers {
                // Read the rest of the layer so that the blob reader verifies its digest at the end.
                let mut rest = archive.into_inner();
                if let Err(e) = io::copy(&mut rest, &mut io::sink()) {
                    return Scan::Failed(io_reason(&e, digest, query));
                }
            }
            Scan::Found(bytes, raw)
        }
        None if hidden => Scan::Deleted,
        None => {
            // tar stops at its end-of-archive blocks; drain what follows so the digest is checked.
            let mut rest = archive.into_inner();
            match io::copy(&mut rest, &mut io::sink()) {
                Ok(_) => Scan::Absent,
                Err(e) => Scan::Failed(io_reason(&e, digest, query)),
            }
        }
    }
}

/// Runs `f` over `items` on at most `limit` threads (1..=64), keeping the order of the results. For probing many
/// components through one [`Prober`]: connections, pings and tokens are shared.
pub fn for_each_bounded<T: Sync, R: Send>(
    items: &[T],
    limit: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = limit.clamp(1, 64).min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.expect("every item ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        for (path, normalized) in [
            (
                "./release-manifests/image-references",
                "release-manifests/image-references",
            ),
            ("/a/b/", "a/b"),
            (".//./a", "a"),
        ] {
            assert_eq!(normalize_path(path), normalized, "{path:?}");
        }
    }

    #[test]
    fn platforms() {
        let index = br#"{"manifests":[
            {"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
            {"digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","platform":{"os":"linux","architecture":"amd64"}}]}"#;
        assert_eq!(
            pick_platform(index, &Platform::default())
                .unwrap()
                .hex()
                .chars()
                .next(),
            Some('2')
        );
        let arm = Platform {
            os: "linux".into(),
            architecture: "arm64".into(),
            variant: Some("v8".into()),
        };
        assert_eq!(
            pick_platform(index, &arm).unwrap().hex().chars().next(),
            Some('1')
        );
        let s390 = Platform {
            architecture: "s390x".into(),
            ..Platform::default()
        };
        match pick_platform(index, &s390) {
            Err(StopReason::NoPlatform { available, .. }) => {
                assert_eq!(available, ["linux/arm64/v8", "linux/amd64"])
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bounded_fan_out_keeps_order() {
        let items: Vec<u32> = (0..100).collect();
        let active = std::sync::atomic::AtomicUsize::new(0);
        let peak = std::sync::atomic::AtomicUsize::new(0);
        let out = for_each_bounded(&items, 7, |i| {
            let now = active.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            peak.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(1));
            active.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(peak.load(std::sync::atomic::Ordering::SeqCst) <= 7);
        assert!(for_each_bounded(&[] as &[u8], 4, |_| 0).is_empty());
    }
}
