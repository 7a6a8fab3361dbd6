//! Passwords and tokens never appear in an outcome's Display, Debug or JSON, even when a server echoes them.

use base64::Engine as _;
use registry_probe::{Credentials, Source};

use crate::fake::{Auth, Fake};
use crate::server::{Resp, Server};
use crate::{Tls, certs, prober_for, put_image};

const PASSWORD: &str = "S3cr3t-Pa55w0rd!";
const TOKEN: &str = "tok-S3cr3t-bearer-value";

fn assert_clean(what: &str, text: &str) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}"));
    for secret in [PASSWORD, TOKEN, b64.as_str(), "S3cr3t"] {
        assert!(!text.contains(secret), "{what} shows {secret:?}:\n{text}");
    }
}

fn everything(o: &registry_probe::Outcome) -> String {
    format!("{o}\n{o:?}\n{}\n{:#?}", o.to_json(), o.result)
}

#[test]
fn an_echoing_registry_and_realm_never_leak_the_password() {
    let ca = certs::ca("Mirror Test CA");
    // A realm that refuses, quoting the Authorization header and the password back.
    let realm_leaf = certs::leaf(&ca, "auth.test", &["auth.test"]);
    let realm = Server::tls("127.0.0.2", certs::server_config(&realm_leaf), |req| {
        let auth = req.header("authorization").unwrap_or("").to_owned();
        if req.query().contains("scope=repository%3Agood") {
            return Resp::new(200).json(&format!(r#"{{"token":"{TOKEN}"}}"#));
        }
        Resp::new(401).json(&format!(r#"{{"details":"bad {auth} / {PASSWORD}"}}"#))
    });
    let realm_port = realm.port();
    // A registry that, once it has a token, refuses it quoting it back.
    let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
    let server = Server::tls("127.0.0.1", certs::server_config(&leaf), move |req| {
        let challenge =
            format!(r#"Bearer realm="https://auth.test:{realm_port}/token",service="reg""#);
        match req.header("authorization") {
            None => Resp::new(401).header("WWW-Authenticate", &challenge).json("{}"),
            Some(a) => Resp::new(401)
                .header("WWW-Authenticate", &format!(r#"{challenge},error="invalid_token",error_description="token {a} is bad""#))
                .json(&format!(r#"{{"errors":[{{"code":"UNAUTHORIZED","message":"{a} rejected; password {PASSWORD}"}}]}}"#)),
        }
    });
    let p = prober_for(&[
        ("mirror.test", server.port(), "127.0.0.1"),
        ("auth.test", realm_port, "127.0.0.2"),
    ]);
    let trust = registry_probe::Trust {
        ca_files: vec![registry_probe::CaFile {
            label: "ca.crt".into(),
            pem: ca.pem.clone().into_bytes(),
        }],
        ..Default::default()
    };
    let creds = Credentials::password("mirror.test", "alice", PASSWORD);
    for repo in ["good/repo", "bad/repo"] {
        let src = Source::new(
            &format!("mirror.test:{}", server.port()),
            repo,
            registry_probe::Reference::parse("latest").unwrap(),
        )
        .unwrap()
        .with_trust(trust.clone())
        .with_credentials(Some(creds.clone()));
        let o = p.manifest(&src);
        assert!(!o.is_ok());
        assert_clean(repo, &everything(&o));
        assert_clean("source", &format!("{src:?} {src}"));
    }
    assert_clean("prober", &format!("{p:?}"));
    // The realm did get the credentials (that is where containers/image sends them) and the registry the token.
    assert!(
        realm
            .requests()
            .iter()
            .any(|r| r.header("authorization").is_some())
    );
}

#[test]
fn a_wrong_basic_password_is_never_shown() {
    let t = Tls::start(Auth::basic("alice", "other"));
    let d = put_image(&t.fake, "ocp/release", "4.16");
    let creds = Credentials::password("mirror.test", "alice", PASSWORD);
    let o = t.prober().manifest(
        &t.source("ocp/release", &d.to_string())
            .with_credentials(Some(creds.clone())),
    );
    assert!(!o.is_ok());
    assert_clean("outcome", &everything(&o));
    assert_clean("credentials", &format!("{creds:?}"));
    let _ = Fake::new(Auth::None);
}
