//! Authentication: Basic, the bearer token flow (realm, service, scope; `token` and `access_token`; anonymous),
//! and where credentials go.

use std::sync::Arc;

use base64::Engine as _;
use registry_probe::{AuthUsed, Credentials, Stage, StopReason};

use crate::fake::{Auth, Fake};
use crate::server::{Resp, Server};
use crate::{Tls, certs, prober_for, put_image};

fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

/// An entry with an identity token still has a user and password; containers/image sends those on a Basic
/// challenge (the token only goes to a bearer realm).
#[test]
fn basic_auth_with_an_identity_token_sends_the_password() {
    let t = Tls::start(Auth::basic("alice", "right-password"));
    let d = put_image(&t.fake, "ocp/release", "4.16");
    let creds = Credentials::identity_token(t.registry(), "alice", "refresh-token")
        .with_password("right-password");
    let o = t.prober().manifest(
        &t.source("ocp/release", &d.to_string())
            .with_credentials(Some(creds)),
    );
    assert!(o.is_ok(), "{o}");
    assert!(
        t.server.requests().iter().any(|r| {
            r.header("authorization") == Some(basic("alice", "right-password").as_str())
        })
    );
}

#[test]
fn basic_auth_good_and_wrong_password() {
    let t = Tls::start(Auth::basic("alice", "right-password"));
    let d = put_image(&t.fake, "ocp/release", "4.16");
    let key = t.registry();
    let good = Credentials::password(key.clone(), "alice", "right-password");
    let o = t.prober().manifest(
        &t.source("ocp/release", &d.to_string())
            .with_credentials(Some(good)),
    );
    assert!(o.is_ok(), "{o}");
    assert!(matches!(&o.auth, AuthUsed::Basic(Some(c)) if c.username == "alice"));

    let wrong = Credentials::password(key.clone(), "alice", "wrong-password");
    let o = t.prober().manifest(
        &t.source("ocp/release", &d.to_string())
            .with_credentials(Some(wrong)),
    );
    let stop = o.result.as_ref().unwrap_err();
    assert_eq!(stop.stage, Stage::Auth);
    assert_eq!(
        o.to_string(),
        format!(
            "auth: 401 with the credentials of {key:?} (user alice): UNAUTHORIZED: authentication required"
        )
    );
    assert!(o.reached(Stage::Ping) && !o.reached(Stage::Auth));

    // Without credentials containers/image still answers a Basic challenge (Go's SetBasicAuth("", "")).
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", &d.to_string()));
    assert!(
        o.to_string().starts_with("auth: 401 without credentials"),
        "{o}"
    );
    let last = t.server.requests().into_iter().last().unwrap();
    assert_eq!(last.header("authorization"), Some("Basic Og=="));
}

/// A token server named `auth.test` on 127.0.0.2 (another host), with a certificate from the registry's CA.
struct Realm {
    server: Server,
}

fn realm(
    ca: &certs::Ca,
    respond: impl Fn(&crate::server::Req) -> Resp + Send + Sync + 'static,
) -> Realm {
    let leaf = certs::leaf(ca, "auth.test", &["auth.test"]);
    Realm {
        server: Server::tls("127.0.0.2", certs::server_config(&leaf), respond),
    }
}

fn bearer_setup(
    token_field: &'static str,
    want_basic: Option<String>,
) -> (Tls, Realm, registry_probe::Digest) {
    // The realm's port must be in the registry's challenge, so the realm starts first, with its own CA copy.
    let ca = certs::ca("Mirror Test CA");
    let realm = realm(&ca, move |req| {
        if let Some(want) = &want_basic
            && req.header("authorization") != Some(want.as_str())
        {
            return Resp::new(401).json(r#"{"details":"incorrect username or password"}"#);
        }
        Resp::new(200).json(&format!(
            r#"{{"{token_field}":"tok-123","expires_in":300}}"#
        ))
    });
    let fake = Fake::new(Auth::Bearer {
        realm: format!("https://auth.test:{}/token", realm.server.port()),
        service: "mirror registry".into(),
        token: "tok-123".into(),
    });
    let d = put_image(&fake, "ocp/release", "4.16");
    let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
    let f = fake.clone();
    let server = Server::tls("127.0.0.1", certs::server_config(&leaf), move |r| {
        f.handle(r)
    });
    (Tls { fake, server, ca }, realm, d)
}

fn bearer_prober(t: &Tls, r: &Realm) -> registry_probe::Prober {
    prober_for(&[
        ("mirror.test", t.server.port(), "127.0.0.1"),
        ("auth.test", r.server.port(), "127.0.0.2"),
    ])
}

#[test]
fn bearer_token_flow_with_credentials() {
    let (t, r, d) = bearer_setup("token", Some(basic("alice", "pw")));
    let p = bearer_prober(&t, &r);
    let creds = Credentials::password("mirror.test", "alice", "pw");
    let src = t
        .source("ocp/release", &d.to_string())
        .with_credentials(Some(creds));
    let o = p.manifest(&src);
    assert!(o.is_ok(), "{o}");
    match &o.auth {
        AuthUsed::Bearer {
            realm,
            service,
            scopes,
            credentials,
        } => {
            assert_eq!(
                realm,
                &format!("https://auth.test:{}/token", r.server.port())
            );
            assert_eq!(service.as_deref(), Some("mirror registry"));
            assert_eq!(scopes, &["repository:ocp/release:pull"]);
            assert_eq!(credentials.as_ref().unwrap().username, "alice");
        }
        other => panic!("{other:?}"),
    }
    let token_reqs = r.server.requests();
    assert_eq!(token_reqs.len(), 1);
    // As getBearerToken: GET, account, service, scope (keys sorted, as Go encodes them), Basic to the realm.
    assert_eq!(token_reqs[0].method, "GET");
    assert_eq!(
        token_reqs[0].query(),
        "account=alice&scope=repository%3Aocp%2Frelease%3Apull&service=mirror+registry"
    );
    assert_eq!(
        token_reqs[0].header("authorization"),
        Some(basic("alice", "pw").as_str())
    );
    // The registry itself sees the token, never the password.
    for req in t.server.requests() {
        assert_ne!(
            req.header("authorization"),
            Some(basic("alice", "pw").as_str())
        );
    }
    // A second probe reuses the token (and the ping).
    assert!(p.manifest(&src).is_ok());
    assert_eq!(r.server.requests().len(), 1);
    assert_eq!(
        t.server
            .requests()
            .iter()
            .filter(|r| r.path() == "/v2/")
            .count(),
        1
    );
}

#[test]
fn bearer_access_token_field() {
    let (t, r, d) = bearer_setup("access_token", None);
    let o = bearer_prober(&t, &r).manifest(&t.source("ocp/release", &d.to_string()));
    assert!(o.is_ok(), "{o}");
}

#[test]
fn anonymous_token_without_credentials() {
    let (t, r, d) = bearer_setup("token", None);
    let o = bearer_prober(&t, &r).manifest(&t.source("ocp/release", &d.to_string()));
    assert!(o.is_ok(), "{o}");
    assert!(matches!(
        &o.auth,
        AuthUsed::Bearer {
            credentials: None,
            ..
        }
    ));
    let req = &r.server.requests()[0];
    assert!(req.header("authorization").is_none());
    assert!(!req.query().contains("account="), "{}", req.query());
}

#[test]
fn token_realm_refuses_the_password() {
    let (t, r, d) = bearer_setup("token", Some(basic("alice", "pw")));
    let creds = Credentials::password("mirror.test", "alice", "not-pw");
    let o = bearer_prober(&t, &r).manifest(
        &t.source("ocp/release", &d.to_string())
            .with_credentials(Some(creds)),
    );
    let stop = o.result.as_ref().unwrap_err();
    assert_eq!(stop.stage, Stage::Auth);
    assert!(matches!(stop.reason, StopReason::Token { .. }));
    assert_eq!(
        o.to_string(),
        format!(
            "auth: token from https://auth.test:{}/token: 401 (invalid username/password): \"incorrect username or password\"",
            r.server.port()
        )
    );
}

#[test]
fn realm_on_another_host_gets_basic_but_a_redirect_to_another_host_does_not() {
    // The realm case is bearer_token_flow_with_credentials: containers/image sends the user and password to the
    // realm the registry names, whatever its host, and so does the probe. A redirect is another matter.
    let ca = certs::ca("Mirror Test CA");
    let cdn_leaf = certs::leaf(&ca, "cdn.test", &["cdn.test"]);
    let fake = Fake::new(Auth::basic("alice", "pw"));
    let d = put_image(&fake, "ocp/release", "4.16");
    let (mt, bytes) =
        fake.content.lock().unwrap().manifests[&("ocp/release".to_owned(), d.to_string())].clone();
    let cdn = Server::tls("127.0.0.2", certs::server_config(&cdn_leaf), move |_| {
        Resp::new(200)
            .header("Content-Type", &mt)
            .body(bytes.clone())
    });
    let cdn_port = cdn.port();
    let f = fake.clone();
    let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
    let server = Server::tls("127.0.0.1", certs::server_config(&leaf), move |req| {
        if req.path().contains("/manifests/") && req.header("authorization").is_some() {
            return Resp::new(307)
                .header("Location", &format!("https://cdn.test:{cdn_port}/m?sig=1"));
        }
        f.handle(req)
    });
    let t = Tls { fake, server, ca };
    let p = prober_for(&[
        ("mirror.test", t.server.port(), "127.0.0.1"),
        ("cdn.test", cdn_port, "127.0.0.2"),
    ]);
    let creds = Credentials::password("mirror.test", "alice", "pw");
    let o = p.manifest(
        &t.source("ocp/release", &d.to_string())
            .with_credentials(Some(creds)),
    );
    assert!(o.is_ok(), "{o}");
    let at_cdn = cdn.requests();
    assert_eq!(at_cdn.len(), 1);
    assert!(at_cdn[0].header("authorization").is_none());
    assert!(
        o.notes.iter().any(|n| n.contains(&format!("credentials withheld on the redirect from https://mirror.test:{} to https://cdn.test:{cdn_port}", t.server.port()))),
        "{:?}",
        o.notes
    );
}

#[test]
fn several_challenges_in_one_line_as_containers_image_reads_them() {
    // `Negotiate, Bearer …` in one line: containers/image sees only Negotiate and goes without credentials.
    let fake = Fake::new(Auth::None);
    let d = put_image(&fake, "ocp/release", "4.16");
    let f = Arc::clone(&fake);
    let ca = certs::ca("Mirror Test CA");
    let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
    let server = Server::tls("127.0.0.1", certs::server_config(&leaf), move |req| {
        if req.path() == "/v2/" {
            return Resp::new(401)
                .header(
                    "WWW-Authenticate",
                    r#"Negotiate, Bearer realm="https://auth.test/token""#,
                )
                .json("{}");
        }
        f.handle(req)
    });
    let t = Tls { fake, server, ca };
    let o = t
        .prober()
        .manifest(&t.source("ocp/release", &d.to_string()));
    assert!(o.is_ok(), "{o}");
    assert_eq!(o.auth, AuthUsed::Unsupported(vec!["negotiate".into()]));
    assert!(
        o.notes
            .iter()
            .any(|n| n.contains("reads only the first challenge of a line")),
        "{:?}",
        o.notes
    );
}

#[test]
fn insufficient_scope_is_retried_with_the_wider_scope() {
    let ca = certs::ca("Mirror Test CA");
    let realm = realm(&ca, |req| {
        let token = if req.query().contains("ocp%2Fbase") {
            "tok-b"
        } else {
            "tok-a"
        };
        Resp::new(200).json(&format!(r#"{{"token":"{token}"}}"#))
    });
    let realm_url = format!("https://auth.test:{}/token", realm.server.port());
    let fake = Fake::new(Auth::None);
    let d = put_image(&fake, "ocp/release", "4.16");
    let f = fake.clone();
    let leaf = certs::leaf(&ca, "mirror.test", &["mirror.test"]);
    let challenge = format!(r#"Bearer realm="{realm_url}",service="reg""#);
    let server = Server::tls("127.0.0.1", certs::server_config(&leaf), move |req| {
        match req.header("authorization") {
            _ if req.path() == "/v2/" => Resp::new(401).header("WWW-Authenticate", &challenge).json("{}"),
            Some("Bearer tok-b") => f.handle(req),
            _ => Resp::new(401)
                .header(
                    "WWW-Authenticate",
                    &format!(r#"{challenge},scope="repository:ocp/base:pull",error="insufficient_scope""#),
                )
                .json(r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#),
        }
    });
    let t = Tls { fake, server, ca };
    let p = prober_for(&[
        ("mirror.test", t.server.port(), "127.0.0.1"),
        ("auth.test", realm.server.port(), "127.0.0.2"),
    ]);
    let o = p.manifest(&t.source("ocp/release", &d.to_string()));
    assert!(o.is_ok(), "{o}");
    assert!(
        matches!(&o.auth, AuthUsed::Bearer { scopes, .. } if scopes.len() == 2),
        "{:?}",
        o.auth
    );
    let token_reqs = realm.server.requests();
    assert_eq!(token_reqs.len(), 2);
    assert_eq!(
        token_reqs[1].query(),
        "scope=repository%3Aocp%2Frelease%3Apull&scope=repository%3Aocp%2Fbase%3Apull&service=reg"
    );
}
