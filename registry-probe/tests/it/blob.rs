//! Blobs (bounded, verified at the end) and a file found in a gzip tar layer, the read stopping early.

use std::io::{Read, Write};
use std::sync::atomic::Ordering;

use registry_probe::{BlobError, Digest, FileQuery, Stage, StopReason};

use crate::fake::{self, Auth};
use crate::server::{Resp, Server};
use crate::{LAYER, Tls, certs};

/// A gzip tar with these files, in order.
/// A gzip layer at the default level, as most registries serve them.
fn gz_layer(files: &[(&str, &[u8])]) -> Vec<u8> {
    layer(files, flate2::Compression::default())
}

fn layer(files: &[(&str, &[u8])], level: flate2::Compression) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
    {
        let mut tar = tar::Builder::new(&mut gz);
        for (path, bytes) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, path, *bytes).unwrap();
        }
        tar.finish().unwrap();
    }
    gz.finish().unwrap()
}

fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn blob_read_verified_and_bounded() {
    let t = Tls::start(Auth::None);
    let d = crate::put_image(&t.fake, "ocp/release", "4.16");
    let blob = t.fake.put_blob(b"hello blob");
    let p = t.prober();
    let src = t.source("ocp/release", &d.to_string());
    let mut r = p.blob_reader(&src, &blob, 1024).unwrap();
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    assert_eq!(out, b"hello blob");

    // Served under the wrong digest: the error comes at the end.
    let wrong = Digest::sha256(b"something else");
    t.fake
        .content
        .lock()
        .unwrap()
        .blobs
        .insert(wrong.to_string(), b"hello blob".to_vec());
    let mut r = p.blob_reader(&src, &wrong, 1024).unwrap();
    let e = r.read_to_end(&mut Vec::new()).unwrap_err();
    assert!(
        matches!(
            e.get_ref().and_then(|i| i.downcast_ref::<BlobError>()),
            Some(BlobError::DigestMismatch { .. })
        ),
        "{e}"
    );

    // Larger than the limit: refused from its Content-Length.
    let stop = p.blob_reader(&src, &blob, 4).unwrap_err();
    assert_eq!(
        stop.reason,
        StopReason::TooLarge {
            what: "blob",
            limit: 4
        }
    );

    let stop = p
        .blob_reader(&src, &Digest::sha256(b"absent"), 4)
        .unwrap_err();
    assert_eq!(stop.to_string(), "blob unknown");
}

#[test]
fn finds_a_file_in_the_last_layer_and_stops_reading() {
    let references = br#"{"kind":"ImageStream","apiVersion":"image.openshift.io/v1"}"#;
    // The file first, then 24 MiB that cannot be compressed.
    let big = noise(24 << 20);
    let top = layer(
        &[
            ("release-manifests/image-references", references),
            ("release-manifests/zz-padding", &big),
        ],
        flate2::Compression::none(),
    );
    let base = gz_layer(&[("etc/os-release", b"ID=rhcos\n")]);
    let ca = certs::ca("Mirror Test CA");
    let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
    let fake = fake::Fake::new(Auth::None);
    let top_d = Digest::sha256(&top);
    let base_d = fake.put_blob(&base);
    let m = fake::image_manifest(&[
        (base_d, base.len(), LAYER),
        (top_d.clone(), top.len(), LAYER),
    ]);
    let d = fake.put_manifest("ocp/release", Some("4.16"), fake::OCI, &m);
    let f = fake.clone();
    let top_for_server = std::sync::Arc::new(top.clone());
    let top_path = format!("/v2/ocp/release/blobs/{top_d}");
    let server = Server::tls("127.0.0.1", certs::server_config(&leaf), move |req| {
        if req.path() == top_path {
            let bytes = top_for_server.clone();
            return Resp::new(200).stream(
                bytes.len() as u64,
                Box::new(move |w: &mut dyn Write| {
                    for chunk in bytes.chunks(64 << 10) {
                        w.write_all(chunk)?;
                    }
                    Ok(())
                }),
            );
        }
        f.handle(req)
    });
    let t = Tls { fake, server, ca };
    let p = t.prober();
    let search = p.find_file(
        &t.source("ocp/release", &d.to_string()),
        &FileQuery::new("release-manifests/image-references"),
    );
    let found = search.result.as_ref().unwrap();
    assert_eq!(found.bytes, references);
    assert_eq!((found.layer_index, &found.layer), (1, &top_d));
    assert_eq!(search.layers.len(), 1, "only the last layer was opened");
    let read = search.layers[0].bytes_read;
    assert!(read < 1 << 20, "read {read} of {} bytes", top.len());
    assert!(!search.layers[0].complete);
    // The server could not send much more than the socket buffers hold before the reader went away.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let sent = t.server.sent.load(Ordering::SeqCst);
    assert!(
        sent < (top.len() / 2) as u64,
        "the server sent {sent} of {} bytes",
        top.len()
    );
}

#[test]
fn file_in_a_lower_layer_whiteouts_and_absence() {
    let t = Tls::start(Auth::None);
    let base = gz_layer(&[("release-manifests/image-references", b"base")]);
    let other = gz_layer(&[("usr/bin/x", b"x")]);
    let wh = gz_layer(&[("release-manifests/.wh.image-references", b"")]);
    let (bd, od, wd) = (
        t.fake.put_blob(&base),
        t.fake.put_blob(&other),
        t.fake.put_blob(&wh),
    );
    let m1 = fake::image_manifest(&[
        (bd.clone(), base.len(), LAYER),
        (od.clone(), other.len(), LAYER),
    ]);
    let d1 = t
        .fake
        .put_manifest("ocp/release", Some("a"), fake::OCI, &m1);
    let p = t.prober();
    let q = FileQuery::new("/release-manifests/image-references");
    let s = p.find_file(&t.source("ocp/release", &d1.to_string()), &q);
    let f = s.result.unwrap();
    assert_eq!((f.bytes.as_slice(), f.layer_index), (&b"base"[..], 0));
    assert!(
        s.layers[0].complete,
        "the upper layer was read to its end, so verified"
    );

    let m2 = fake::image_manifest(&[(bd, base.len(), LAYER), (wd.clone(), wh.len(), LAYER)]);
    let d2 = t
        .fake
        .put_manifest("ocp/release", Some("b"), fake::OCI, &m2);
    let s = p.find_file(&t.source("ocp/release", &d2.to_string()), &q);
    assert_eq!(
        s.result.unwrap_err().reason,
        StopReason::FileDeleted {
            path: "release-manifests/image-references".into(),
            layer: wd
        }
    );

    let m3 = fake::image_manifest(&[(od, other.len(), LAYER)]);
    let d3 = t
        .fake
        .put_manifest("ocp/release", Some("c"), fake::OCI, &m3);
    let s = p.find_file(&t.source("ocp/release", &d3.to_string()), &q);
    let stop = s.result.unwrap_err();
    assert_eq!(stop.stage, Stage::File);
    assert_eq!(
        stop.to_string(),
        "release-manifests/image-references is in none of the 1 layers"
    );
}

#[test]
fn picks_linux_amd64_from_an_index() {
    let t = Tls::start(Auth::None);
    let l = gz_layer(&[("release-manifests/image-references", b"amd64")]);
    let ld = t.fake.put_blob(&l);
    let m = fake::image_manifest(&[(ld, l.len(), LAYER)]);
    let md = t.fake.put_manifest("ocp/release", None, fake::OCI, &m);
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {{"mediaType":"{}","digest":"{}","size":1,"platform":{{"os":"linux","architecture":"arm64"}}}},
        {{"mediaType":"{}","digest":"{md}","size":{},"platform":{{"os":"linux","architecture":"amd64"}}}}]}}"#,
        fake::OCI,
        Digest::sha256(b"arm"),
        fake::OCI,
        m.len()
    );
    let id = t.fake.put_manifest(
        "ocp/release",
        Some("4.16"),
        "application/vnd.oci.image.index.v1+json",
        index.as_bytes(),
    );
    let s = t.prober().find_file(
        &t.source("ocp/release", &id.to_string()),
        &FileQuery::new("release-manifests/image-references"),
    );
    assert_eq!(s.image, Some(md));
    assert_eq!(s.result.unwrap().bytes, b"amd64");
}
