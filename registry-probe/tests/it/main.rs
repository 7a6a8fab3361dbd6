//! registry-probe against small registries on 127.0.0.x: plain HTTP and TLS (rcgen certificates, a rustls server).
#![allow(missing_docs)]

mod auth;
mod blob;
mod certs;
mod fake;
#[path = "../../../test-support/http_server.rs"]
mod http_server;
mod manifest;
mod props;
mod secrets;
mod server;
mod tls;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use registry_probe::{
    CaFile, Options, Prober, Reference, ResolveOverride, Source, SystemRoots, Trust,
};

use fake::{Auth, Fake};
use server::Server;

/// A TLS registry named `mirror.test` on 127.0.0.1, its CA, and a prober that resolves the name there.
pub struct Tls {
    pub fake: Arc<Fake>,
    pub server: Server,
    pub ca: certs::Ca,
}

impl Tls {
    pub fn start(auth: Auth) -> Tls {
        Tls::start_with(Fake::new(auth))
    }

    pub fn start_with(fake: Arc<Fake>) -> Tls {
        let ca = certs::ca("Mirror Test CA");
        let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
        Tls::serving(fake, ca, &leaf)
    }

    /// `fake` behind a server that shows `leaf` (issued by `ca`, or not: the certificate tests).
    pub fn serving(fake: Arc<Fake>, ca: certs::Ca, leaf: &certs::Leaf) -> Tls {
        let f = fake.clone();
        let server = Server::tls("127.0.0.1", certs::server_config(leaf), move |r| {
            f.handle(r)
        });
        Tls { fake, server, ca }
    }

    pub fn registry(&self) -> String {
        format!("mirror.test:{}", self.server.port())
    }

    pub fn trust(&self) -> Trust {
        Trust {
            ca_files: vec![CaFile {
                label: format!("certs.d/{}/ca.crt", self.registry()),
                pem: self.ca.pem.clone().into_bytes(),
            }],
            client_identities: vec![],
            system_roots: SystemRoots::Mozilla,
        }
    }

    pub fn source(&self, repo: &str, reference: &str) -> Source {
        Source::new(&self.registry(), repo, Reference::parse(reference).unwrap())
            .unwrap()
            .with_trust(self.trust())
    }

    /// A fake without authentication holding the one-layer image `ocp/release:4.16`, with its digest and the
    /// source that names it by digest.
    pub fn with_release() -> (Tls, registry_probe::Digest, Source) {
        let t = Tls::start(Auth::None);
        let digest = put_image(&t.fake, "ocp/release", "4.16");
        let by_digest = t.source("ocp/release", &digest.to_string());
        (t, digest, by_digest)
    }

    pub fn prober(&self) -> Prober {
        prober_for(&[("mirror.test", self.server.port(), "127.0.0.1")])
    }
}

pub fn options_for(names: &[(&str, u16, &str)]) -> Options {
    let mut o = Options::default();
    o.connect_timeout = Duration::from_secs(5);
    o.read_timeout = Duration::from_secs(5);
    o.overall_timeout = Duration::from_secs(20);
    o.resolve = names
        .iter()
        .map(|(h, p, a)| ResolveOverride::parse(&format!("{h}:{p}:{a}")).unwrap())
        .collect();
    o
}

pub fn prober_for(names: &[(&str, u16, &str)]) -> Prober {
    Prober::new(options_for(names)).unwrap()
}

pub const LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// Puts a one-layer OCI image in `repo` under `tag`; returns the manifest digest.
pub fn put_image(fake: &Fake, repo: &str, tag: &str) -> registry_probe::Digest {
    let layer = fake.put_blob(b"layer bytes");
    let m = fake::image_manifest(&[(layer, 11, LAYER)]);
    fake.put_manifest(repo, Some(tag), fake::OCI, &m)
}
