//! A fake registry, answering as docker/distribution does: `/v2/`, manifests, blobs, errors, Basic or Bearer auth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use registry_probe::Digest;

use crate::server::{Req, Resp};

#[derive(Clone)]
pub enum Auth {
    None,
    Basic {
        user: String,
        pass: String,
    },
    Bearer {
        realm: String,
        service: String,
        token: String,
    },
}

impl Auth {
    /// Basic auth for one user.
    pub fn basic(user: &str, pass: &str) -> Auth {
        Auth::Basic {
            user: user.into(),
            pass: pass.into(),
        }
    }
}

#[derive(Default)]
pub struct Content {
    /// (repository, tag or digest) → (media type, bytes).
    pub manifests: HashMap<(String, String), (String, Vec<u8>)>,
    /// digest → bytes.
    pub blobs: HashMap<String, Vec<u8>>,
}

pub struct Fake {
    pub content: Mutex<Content>,
    pub auth: Auth,
    pub head_405: bool,
}

pub const OCI: &str = "application/vnd.oci.image.manifest.v1+json";

impl Fake {
    pub fn new(auth: Auth) -> Arc<Fake> {
        Arc::new(Fake {
            content: Mutex::new(Content::default()),
            auth,
            head_405: false,
        })
    }

    pub fn with_head_405(auth: Auth) -> Arc<Fake> {
        Arc::new(Fake {
            content: Mutex::new(Content::default()),
            auth,
            head_405: true,
        })
    }

    /// Stores a manifest under its digest and `tag`; returns its digest.
    pub fn put_manifest(
        &self,
        repo: &str,
        tag: Option<&str>,
        media_type: &str,
        bytes: &[u8],
    ) -> Digest {
        let d = Digest::sha256(bytes);
        let mut c = self.content.lock().unwrap();
        c.manifests.insert(
            (repo.into(), d.to_string()),
            (media_type.into(), bytes.to_vec()),
        );
        if let Some(t) = tag {
            c.manifests
                .insert((repo.into(), t.into()), (media_type.into(), bytes.to_vec()));
        }
        d
    }

    pub fn put_raw(&self, repo: &str, reference: &str, media_type: &str, bytes: &[u8]) {
        self.content.lock().unwrap().manifests.insert(
            (repo.into(), reference.into()),
            (media_type.into(), bytes.to_vec()),
        );
    }

    pub fn put_blob(&self, bytes: &[u8]) -> Digest {
        let d = Digest::sha256(bytes);
        self.content
            .lock()
            .unwrap()
            .blobs
            .insert(d.to_string(), bytes.to_vec());
        d
    }

    fn challenge(&self, scope: Option<&str>) -> Option<String> {
        match &self.auth {
            Auth::None => None,
            Auth::Basic { .. } => Some(r#"Basic realm="Registry Realm""#.into()),
            Auth::Bearer { realm, service, .. } => Some(match scope {
                Some(s) => format!(r#"Bearer realm="{realm}",service="{service}",scope="{s}""#),
                None => format!(r#"Bearer realm="{realm}",service="{service}""#),
            }),
        }
    }

    fn authorized(&self, req: &Req) -> bool {
        match &self.auth {
            Auth::None => true,
            Auth::Basic { user, pass } => {
                let want = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
                );
                req.header("authorization") == Some(want.as_str())
            }
            Auth::Bearer { token, .. } => {
                req.header("authorization") == Some(format!("Bearer {token}").as_str())
            }
        }
    }

    pub fn handle(&self, req: &Req) -> Resp {
        let path = req.path().to_owned();
        if path == "/v2/" {
            return match self.challenge(None) {
                None => Resp::new(200).json("{}"),
                Some(c) => Resp::new(401)
                    .header("WWW-Authenticate", &c)
                    .json(r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#),
            };
        }
        let Some(rest) = path.strip_prefix("/v2/") else {
            return Resp::new(404).body("404 page not found\n");
        };
        let (repo, kind, reference) = if let Some((repo, r)) = rest.split_once("/manifests/") {
            (repo, "manifests", r)
        } else if let Some((repo, r)) = rest.split_once("/blobs/") {
            (repo, "blobs", r)
        } else {
            return Resp::new(404).body("404 page not found\n");
        };
        if !self.authorized(req) {
            let scope = format!("repository:{repo}:pull");
            let mut r = Resp::new(401)
                .json(r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Class":"","Name":"x","Action":"pull"}]}]}"#);
            if let Some(c) = self.challenge(Some(&scope)) {
                r = r.header("WWW-Authenticate", &c);
            }
            return r;
        }
        let c = self.content.lock().unwrap();
        let known_repo = c.manifests.keys().any(|(r, _)| r == repo);
        if kind == "manifests" {
            if req.method == "HEAD" && self.head_405 {
                return Resp::new(405);
            }
            match c.manifests.get(&(repo.to_owned(), reference.to_owned())) {
                Some((mt, bytes)) => Resp::new(200)
                    .header("Content-Type", mt)
                    .header("Docker-Content-Digest", &Digest::sha256(bytes).to_string())
                    .body(bytes.clone()),
                None if !known_repo => Resp::new(404).json(
                    r#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"x"}}]}"#,
                ),
                None => Resp::new(404).json(
                    r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}"#,
                ),
            }
        } else {
            match c.blobs.get(reference) {
                Some(bytes) => Resp::new(200)
                    .header("Content-Type", "application/octet-stream")
                    .header("Docker-Content-Digest", reference)
                    .body(bytes.clone()),
                None => Resp::new(404).json(r#"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry","detail":"x"}]}"#),
            }
        }
    }
}

/// A minimal OCI image manifest with these layers (digest, size, media type).
pub fn image_manifest(layers: &[(Digest, usize, &str)]) -> Vec<u8> {
    let config = Digest::sha256(b"{}");
    let layers: Vec<String> = layers
        .iter()
        .map(|(d, size, mt)| format!(r#"{{"mediaType":"{mt}","digest":"{d}","size":{size}}}"#))
        .collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config}","size":2}},"layers":[{}]}}"#,
        layers.join(",")
    )
    .into_bytes()
}
