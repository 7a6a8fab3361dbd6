//! TLS as the node does it: the certs.d CA, unknown authorities, host names, validity, plain HTTP, insecure
//! registries (TLS unverified, then HTTP), client certificates.

use registry_probe::{ClientIdentity, Reference, Source, Stage, StopReason, SystemRoots, Trust};

use crate::fake::{Auth, Fake};
use crate::server::Server;
use crate::{Tls, certs, prober_for, put_image};

#[test]
fn unknown_authority_names_the_ca_file_and_the_certificate() {
    let t = Tls::start(Auth::None);
    put_image(&t.fake, "ocp/release", "4.16");
    let other = certs::ca("Some Other CA");
    let mut trust = t.trust();
    trust.ca_files[0].pem = other.pem.clone().into_bytes();
    trust.system_roots = SystemRoots::None;
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", "4.16").with_trust(trust));
    let stop = o.result.as_ref().unwrap_err();
    assert_eq!(stop.stage, Stage::Tls);
    match &stop.reason {
        StopReason::UnknownAuthority {
            presented,
            cas,
            system_roots,
        } => {
            assert_eq!(presented.as_ref().unwrap().subject, "CN=mirror.test");
            assert_eq!(presented.as_ref().unwrap().issuer, "CN=Mirror Test CA");
            assert_eq!(cas[0].subjects, ["CN=Some Other CA"]);
            assert!(!system_roots);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        o.to_string(),
        format!(
            "TLS: certificate signed by an unknown authority (certs.d/{}/ca.crt does not sign CN=mirror.test; it was issued by CN=Mirror Test CA)",
            t.registry()
        )
    );
    assert_eq!(o.reached, [Stage::Connect]);
    assert_eq!(
        o.to_json()["stop"]["certificate"]["subject"],
        "CN=mirror.test"
    );
}

#[test]
fn no_certs_d_file_means_system_roots_only() {
    let t = Tls::start(Auth::None);
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", "4.16").with_trust(Trust::default()));
    assert!(
        o.to_string().starts_with("TLS: certificate signed by an unknown authority (the system roots do not sign CN=mirror.test"),
        "{o}"
    );
}

#[test]
fn hostname_mismatch() {
    let ca = certs::ca("Mirror Test CA");
    let leaf = certs::leaf(&ca, "other.test", &["other.test", "10.9.9.9"]);
    assert_refused(
        ca,
        &leaf,
        |r| matches!(r, StopReason::HostnameMismatch { .. }),
        "TLS: the certificate is not valid for mirror.test (it is for other.test, 10.9.9.9)",
    );
}

#[test]
fn expired_certificate() {
    let ca = certs::ca("Mirror Test CA");
    let leaf = certs::leaf_years(&ca, "mirror.test", &["mirror.test"], 2015, 2020);
    assert_refused(
        ca,
        &leaf,
        |r| matches!(r, StopReason::Expired { .. }),
        "TLS: the certificate CN=mirror.test expired at 2020-01-01T00:00:00Z",
    );
}

/// A probe of a registry showing `leaf` stops with a reason `is_expected` accepts, saying `message`.
fn assert_refused(
    ca: certs::Ca,
    leaf: &certs::Leaf,
    is_expected: impl Fn(&StopReason) -> bool,
    message: &str,
) {
    let t = Tls::serving(Fake::new(Auth::None), ca, leaf);
    let stop = t
        .prober()
        .manifest(&t.source("ocp/release", "4.16"))
        .result
        .unwrap_err();
    assert!(is_expected(&stop.reason), "{stop:?}");
    assert_eq!(stop.to_string(), message);
}

fn plain_registry() -> (std::sync::Arc<Fake>, Server) {
    let fake = Fake::new(Auth::None);
    let f = fake.clone();
    let server = Server::http("127.0.0.1", move |r| f.handle(r));
    (fake, server)
}

#[test]
fn plain_http_server_for_a_secure_source() {
    let (fake, server) = plain_registry();
    put_image(&fake, "ocp/release", "4.16");
    let p = prober_for(&[("mirror.test", server.port(), "127.0.0.1")]);
    let s = Source::new(
        &format!("mirror.test:{}", server.port()),
        "ocp/release",
        Reference::parse("4.16").unwrap(),
    )
    .unwrap();
    let o = p.manifest(&s);
    let stop = o.result.as_ref().unwrap_err();
    assert_eq!(stop.reason, StopReason::NotTls { http: true });
    assert_eq!(
        o.to_string(),
        "TLS: the server answered in plain HTTP (an insecure registry?)"
    );
    // Never plain HTTP unless insecure.
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn insecure_falls_back_to_plain_http() {
    let (fake, server) = plain_registry();
    let d = put_image(&fake, "ocp/release", "4.16");
    let p = prober_for(&[("mirror.test", server.port(), "127.0.0.1")]);
    let s = Source::new(
        &format!("mirror.test:{}", server.port()),
        "ocp/release",
        Reference::Digest(d.clone()),
    )
    .unwrap()
    .with_insecure(true);
    let o = p.manifest(&s);
    assert!(o.is_ok(), "{o}");
    let e = o.endpoint.unwrap();
    assert_eq!((e.scheme, e.verified), ("http", false));
    assert!(
        o.notes[0]
            .starts_with("insecure registry: https failed (TLS: the server answered in plain HTTP"),
        "{:?}",
        o.notes
    );
    assert!(!o.reached(Stage::Tls));
}

#[test]
fn insecure_uses_tls_without_verification_first() {
    let t = Tls::start(Auth::None);
    let d = put_image(&t.fake, "ocp/release", "4.16");
    let s = t
        .source("ocp/release", &d.to_string())
        .with_trust(Trust::default())
        .with_insecure(true);
    let o = t.prober().manifest(&s);
    assert!(o.is_ok(), "{o}");
    let e = o.endpoint.unwrap();
    assert_eq!((e.scheme, e.verified), ("https", false));
    assert!(o.reached(Stage::Tls));
}

#[test]
fn client_certificate_from_certs_d() {
    let ca = certs::ca("Mirror Test CA");
    let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
    let client_ca = certs::ca("Client CA");
    let client = certs::leaf(&client_ca, "node", &["node.test"]);
    let fake = Fake::new(Auth::None);
    let d = put_image(&fake, "ocp/release", "4.16");
    let f = fake.clone();
    let server = Server::tls(
        "127.0.0.1",
        certs::mtls_config(&leaf, &client_ca),
        move |r| f.handle(r),
    );
    let t = Tls { fake, server, ca };

    // Without the client pair: the server refuses.
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", &d.to_string()));
    let stop = o.result.unwrap_err();
    assert_eq!(stop.stage, Stage::Tls, "{stop}");

    // With certs.d's client.cert / client.key, read as containers/image reads the folder.
    let dir = tempdir();
    std::fs::write(dir.join("ca.crt"), &t.ca.pem).unwrap();
    std::fs::write(dir.join("client.cert"), &client.pem).unwrap();
    std::fs::write(dir.join("client.key"), &client.key_pem).unwrap();
    let trust = Trust::from_certs_dir(&dir, "certs.d/mirror.test").unwrap();
    assert_eq!(trust.ca_files[0].label, "certs.d/mirror.test/ca.crt");
    assert_eq!(trust.client_identities.len(), 1);
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", &d.to_string()).with_trust(trust));
    assert!(o.is_ok(), "{o}");

    // A key without its certificate is refused, as containers/image refuses it.
    std::fs::write(dir.join("lone.key"), &client.key_pem).unwrap();
    let e = Trust::from_certs_dir(&dir, "x").unwrap_err();
    assert_eq!(
        e.to_string(),
        "missing client certificate lone.cert for key lone.key"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A garbage key is a TLS stop that does not echo the key.
    let bad = ClientIdentity::new(
        "certs.d/x/bad.cert",
        client.pem.clone().into_bytes(),
        b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n"
            .to_vec(),
    );
    let mut trust = t.trust();
    trust.client_identities.push(bad);
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", &d.to_string()).with_trust(trust));
    let line = format!("{o} {o:?}");
    assert!(line.contains("bad.cert"), "{line}");
    assert!(!line.contains("c2VjcmV0"), "{line}");
}

pub fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "registry-probe-it-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
