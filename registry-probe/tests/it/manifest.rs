//! Manifests: by digest and tag, HEAD and GET, unknown manifests and repositories, digest and media type checks,
//! size bounds.

use registry_probe::{DigestFrom, ManifestMethod, Prober, Stage, StopReason};

use crate::fake::{self, Auth, Fake};
use crate::{Tls, options_for, put_image};

#[test]
fn good_pull_by_digest() {
    let (t, d, by_digest) = Tls::with_release();
    let o = t.prober().manifest(&by_digest);
    assert!(o.is_ok(), "{o}\n{o:?}");
    let m = o.result.as_ref().unwrap();
    assert_eq!(m.digest, d);
    assert_eq!(m.digest_from, DigestFrom::Bytes);
    assert_eq!(m.method, "GET");
    assert_eq!(
        o.to_string(),
        format!("ok {d} (application/vnd.oci.image.manifest.v1+json)")
    );
    assert_eq!(
        o.reached,
        [
            Stage::Connect,
            Stage::Tls,
            Stage::Ping,
            Stage::Auth,
            Stage::Manifest
        ]
    );
    let reqs = t.server.requests();
    let get = reqs
        .iter()
        .find(|r| r.path().contains("/manifests/"))
        .unwrap();
    assert_eq!(get.method, "GET");
    // containers/image's Accept list, one header line per type, in its order.
    assert_eq!(
        get.all("accept"),
        [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.v1+prettyjws",
            "application/vnd.docker.distribution.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.index.v1+json",
        ]
    );
    assert_eq!(
        get.header("docker-distribution-api-version"),
        Some("registry/2.0")
    );
    assert_eq!(reqs[0].path(), "/v2/");
    assert!(reqs[0].header("authorization").is_none());
}

#[test]
fn good_pull_by_tag_with_head() {
    let t = Tls::start(Auth::None);
    let d = put_image(&t.fake, "ocp/release", "4.16");
    let o = t.prober().manifest(&t.source("ocp/release", "4.16"));
    assert!(o.is_ok(), "{o}");
    let m = o.result.as_ref().unwrap();
    assert_eq!((m.method, m.digest_from), ("HEAD", DigestFrom::Header));
    assert_eq!(m.digest, d);
    assert!(
        t.server
            .requests()
            .iter()
            .all(|r| r.method != "GET" || r.path() == "/v2/")
    );
}

#[test]
fn tag_by_get_computes_the_digest() {
    let t = Tls::start(Auth::None);
    let d = put_image(&t.fake, "ocp/release", "4.16");
    let mut o = options_for(&[("mirror.test", t.server.port(), "127.0.0.1")]);
    o.manifest_method = ManifestMethod::Get;
    let out = Prober::new(o)
        .unwrap()
        .manifest(&t.source("ocp/release", "4.16"));
    let m = out.result.as_ref().unwrap();
    assert_eq!(
        (m.method, m.digest_from, &m.digest),
        ("GET", DigestFrom::Bytes, &d)
    );
}

#[test]
fn head_not_answered_then_get() {
    let t = Tls::start_with(Fake::with_head_405(Auth::None));
    let d = put_image(&t.fake, "ocp/release", "4.16");
    let o = t.prober().manifest(&t.source("ocp/release", "4.16"));
    assert!(o.is_ok(), "{o}");
    let m = o.result.as_ref().unwrap();
    assert_eq!((m.method, &m.digest), ("GET", &d));
    assert!(
        o.notes.iter().any(|n| n.contains("HEAD answered 405")),
        "{:?}",
        o.notes
    );
    let methods: Vec<_> = t
        .server
        .requests()
        .iter()
        .filter(|r| r.path().contains("manifests"))
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(methods, ["HEAD", "GET"]);
}

#[test]
fn manifest_unknown_and_name_unknown() {
    let t = Tls::start(Auth::None);
    put_image(&t.fake, "ocp/release", "4.16");
    let p = t.prober();
    let o = p.manifest(&t.source("ocp/release", "4.17"));
    let stop = o.result.as_ref().unwrap_err();
    assert!(
        matches!(&stop.reason, StopReason::ManifestUnknown(e) if e[0].code == "MANIFEST_UNKNOWN"),
        "{stop:?}"
    );
    assert_eq!(o.to_string(), "manifest unknown");
    assert!(stop.is_not_found());
    assert!(o.reached(Stage::Auth) && !o.reached(Stage::Manifest));
    let o = p.manifest(&t.source("ocp/other", "4.16"));
    assert_eq!(o.to_string(), "repository name unknown");
    assert_eq!(o.to_json()["stop"]["kind"], "name_unknown");
}

#[test]
fn digest_mismatch() {
    let t = Tls::start(Auth::None);
    let claimed = registry_probe::Digest::sha256(b"what was asked for");
    let body = fake::image_manifest(&[]);
    t.fake
        .put_raw("ocp/release", &claimed.to_string(), fake::OCI, &body);
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", &claimed.to_string()));
    match &o.result.as_ref().unwrap_err().reason {
        StopReason::DigestMismatch { expected, computed } => {
            assert_eq!(expected, &claimed);
            assert_eq!(computed, &registry_probe::Digest::sha256(&body));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        o.to_string()
            .starts_with("digest mismatch: the bytes hash to sha256:"),
        "{o}"
    );
}

#[test]
fn unexpected_media_type() {
    let t = Tls::start(Auth::None);
    let body = fake::image_manifest(&[]);
    let d = registry_probe::Digest::sha256(&body);
    t.fake
        .put_raw("ocp/release", &d.to_string(), "text/plain", &body);
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", &d.to_string()));
    let stop = o.result.unwrap_err();
    assert!(
        matches!(stop.reason, StopReason::UnexpectedMediaType { .. }),
        "{stop}"
    );
    assert!(
        stop.to_string()
            .contains("reads an unknown Content-Type as schema 1"),
        "{stop}"
    );
}

#[test]
fn oversized_manifest_refused() {
    let t = Tls::start(Auth::None);
    let mut big = fake::image_manifest(&[]);
    big.extend(std::iter::repeat_n(b' ', 5000));
    let d = t
        .fake
        .put_manifest("ocp/release", Some("big"), fake::OCI, &big);
    let mut o = options_for(&[("mirror.test", t.server.port(), "127.0.0.1")]);
    o.max_manifest_bytes = 4096;
    let out = Prober::new(o)
        .unwrap()
        .manifest(&t.source("ocp/release", &d.to_string()));
    let stop = out.result.unwrap_err();
    assert_eq!(
        stop.reason,
        StopReason::TooLarge {
            what: "manifest",
            limit: 4096
        }
    );
    assert_eq!(stop.to_string(), "manifest larger than 4096 bytes");
}

#[test]
fn one_ping_for_many_manifests() {
    let t = Tls::start(Auth::None);
    let digests: Vec<_> = (0..20)
        .map(|i| put_image(&t.fake, "ocp/release", &format!("t{i}")))
        .collect();
    let p = t.prober();
    let sources: Vec<_> = digests
        .iter()
        .map(|d| t.source("ocp/release", &d.to_string()))
        .collect();
    let outcomes = registry_probe::for_each_bounded(&sources, 4, |s| p.manifest(s));
    assert!(outcomes.iter().all(|o| o.is_ok()));
    let reqs = t.server.requests();
    assert_eq!(reqs.iter().filter(|r| r.path() == "/v2/").count(), 1);
    // Connections are reused: at most one per worker (and the ping's).
    let conns = t
        .server
        .connections
        .load(std::sync::atomic::Ordering::SeqCst);
    assert!(conns <= 5, "{conns} connections for 21 requests");
}
