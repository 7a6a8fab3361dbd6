//! The probe itself: `/v2/`, authentication and the manifest, in containers/image's order and with its rules.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::http::Uri;

use crate::challenge::{self, Challenge, Selected};
use crate::digest::{Algorithm, Digest};
use crate::error::Error;
use crate::http::{self, Ctx, Method, Request, Response};
use crate::media;
use crate::options::{ManifestMethod, Options};
use crate::outcome::{
    AuthUsed, CredentialsUsed, DigestFrom, Endpoint, ManifestInfo, Outcome, RegistryError, Stage,
    Stop, StopReason, TokenProblem,
};
use crate::source::{Credentials, Reference, Secret, Source, Trust};
use crate::tls::TlsSetup;

/// Tries pull sources the way containers/image does. One `Prober` keeps one connection pool per registry host
/// (and trust), remembers each host's `/v2/` answer — success or failure — and caches bearer tokens per realm,
/// scope and credentials, so that probing many images of one mirror costs one ping and one token. It is `Send +
/// Sync`: share it between threads (see [`for_each_bounded`](crate::for_each_bounded)).
pub struct Prober {
    opts: Arc<Options>,
    hosts: Mutex<HashMap<HostKey, Arc<Host>>>,
    pool_per_host: usize,
}

impl std::fmt::Debug for Prober {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prober")
            .field("options", &self.opts)
            .field("hosts", &self.hosts.lock().map(|h| h.len()).unwrap_or(0))
            .finish()
    }
}

#[derive(Hash, PartialEq, Eq)]
struct HostKey {
    endpoint: String,
    insecure: bool,
    trust: Trust,
}

pub(crate) struct Host {
    endpoint: String,
    insecure: bool,
    agent: Result<ureq::Agent, Stop>,
    ping: Mutex<Option<Result<Ping, Box<PingFailure>>>>,
    tokens: Mutex<HashMap<String, (Secret, Instant)>>,
}

#[derive(Clone)]
struct Ping {
    scheme: &'static str,
    verified: bool,
    challenges: Vec<Challenge>,
    reached: Vec<Stage>,
    notes: Vec<String>,
}

#[derive(Clone)]
struct PingFailure {
    stop: Stop,
    reached: Vec<Stage>,
    notes: Vec<String>,
}

/// The authorization a request carries, and how it came about.
pub(crate) struct Authz {
    header: Option<Secret>,
    used: AuthUsed,
    scheme: &'static str,
}

/// A manifest probe and, when read with `GET`, its bytes.
pub(crate) struct Fetched {
    pub(crate) outcome: Outcome,
    pub(crate) bytes: Option<Vec<u8>>,
}

impl Prober {
    /// A prober with these options (checked against their bounds).
    pub fn new(options: Options) -> Result<Prober, Error> {
        options.check()?;
        Ok(Prober {
            opts: Arc::new(options),
            hosts: Mutex::new(HashMap::new()),
            pool_per_host: 16,
        })
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Tries `source` as containers/image would for a pull: `/v2/` (over TLS with the source's trust; for an
    /// insecure registry TLS without verification, then plain HTTP), the authentication the registry asks for,
    /// then the manifest with containers/image's `Accept` list, its digest checked. Never returns an error: every
    /// failure is the [`Stop`] of the outcome.
    pub fn manifest(&self, source: &Source) -> Outcome {
        let want_bytes = matches!(source.reference(), Reference::Digest(_))
            || self.opts.manifest_method == ManifestMethod::Get;
        self.fetch_manifest(source, want_bytes).outcome
    }

    /// Like [`manifest`](Self::manifest), always with `GET`, and the manifest's bytes on success.
    pub fn manifest_bytes(&self, source: &Source) -> (Outcome, Option<Vec<u8>>) {
        let f = self.fetch_manifest(source, true);
        (f.outcome, f.bytes)
    }

    fn host(&self, source: &Source) -> Arc<Host> {
        let key = HostKey {
            endpoint: source.endpoint().to_owned(),
            insecure: source.insecure(),
            trust: source.trust().clone(),
        };
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| {
                let agent = TlsSetup::new(source.trust(), source.insecure())
                    .map(|setup| {
                        crate::transport::agent(Arc::new(setup), &self.opts, self.pool_per_host)
                    })
                    .map_err(|why| Stop::new(Stage::Tls, StopReason::ClientIdentity(why)));
                Arc::new(Host {
                    endpoint: source.endpoint().to_owned(),
                    insecure: source.insecure(),
                    agent,
                    ping: Mutex::new(None),
                    tokens: Mutex::new(HashMap::new()),
                })
            })
            .clone()
    }

    /// Connects, pings and authorizes for `source`; on success the context to make requests, the base URL
    /// (`scheme://host`) and the authorization. `outcome` gets the stages and notes.
    pub(crate) fn prepare<'h>(
        &'h self,
        host: &'h Host,
        source: &Source,
        outcome: &mut Outcome,
        deadline: Instant,
    ) -> Result<(Ctx<'h>, String, Authz), Stop> {
        let agent = host.agent.as_ref().map_err(Clone::clone)?;
        let mut ctx = Ctx {
            agent,
            opts: &self.opts,
            deadline,
            secrets: secrets_of(source.credentials()),
            notes: Vec::new(),
        };
        let ping = self.ping(host, &mut ctx);
        match ping {
            Err(f) => {
                outcome.reached.extend(f.reached);
                outcome.notes.extend(f.notes);
                Err(f.stop)
            }
            Ok(p) => {
                outcome.reached.extend(p.reached.iter().copied());
                outcome.notes.extend(p.notes.iter().cloned());
                outcome.endpoint = Some(Endpoint {
                    scheme: p.scheme,
                    verified: p.verified,
                });
                let base = format!("{}://{}", p.scheme, host.endpoint);
                let authz = match self.authorize(host, &mut ctx, &p.challenges, source, &[]) {
                    Ok(a) => a,
                    Err(stop) => {
                        outcome.notes.append(&mut ctx.notes);
                        return Err(stop);
                    }
                };
                outcome.auth = authz.used.clone();
                Ok((ctx, base, authz))
            }
        }
    }

    fn ping(&self, host: &Host, ctx: &mut Ctx<'_>) -> Result<Ping, Box<PingFailure>> {
        let mut cached = host.ping.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = cached.as_ref() {
            return r.clone();
        }
        let result = match self.ping_scheme(host, ctx, "https") {
            Ok(p) => Ok(p),
            Err(first) if host.insecure => match self.ping_scheme(host, ctx, "http") {
                Ok(mut p) => {
                    p.notes.insert(
                        0,
                        format!(
                            "insecure registry: https failed ({}); plain HTTP used",
                            first.stop
                        ),
                    );
                    Ok(p)
                }
                Err(mut second) => {
                    second.notes.insert(
                        0,
                        format!("insecure registry: https failed too ({})", first.stop),
                    );
                    Err(second)
                }
            },
            Err(e) => Err(e),
        };
        *cached = Some(result.clone());
        result
    }

    fn ping_scheme(
        &self,
        host: &Host,
        ctx: &mut Ctx<'_>,
        scheme: &'static str,
    ) -> Result<Ping, Box<PingFailure>> {
        let tls = scheme == "https";
        let reached_before = |stage: Stage| -> Vec<Stage> {
            match stage {
                Stage::Connect => vec![],
                Stage::Tls => vec![Stage::Connect],
                _ if tls => vec![Stage::Connect, Stage::Tls],
                _ => vec![Stage::Connect],
            }
        };
        let url: Uri = format!("{scheme}://{}/v2/", host.endpoint)
            .parse()
            .map_err(|_| {
                Box::new(PingFailure {
                    stop: Stop::new(
                        Stage::Connect,
                        StopReason::Connect(format!("cannot make a URL of {}", host.endpoint)),
                    ),
                    reached: vec![],
                    notes: vec![],
                })
            })?;
        let before = ctx.notes.len();
        let sent = ctx.send(
            Stage::Ping,
            Request {
                method: Method::Get,
                url,
                headers: base_headers(),
                authorization: None,
                form: None,
            },
        );
        let notes: Vec<String> = ctx.notes.drain(before..).collect();
        let resp = sent.map_err(|stop| {
            Box::new(PingFailure {
                reached: reached_before(stop.stage),
                stop,
                notes: notes.clone(),
            })
        })?;
        match resp.status {
            200 | 401 => {
                let challenges = challenge::parse_challenge_lines(
                    resp.header_lines("www-authenticate")
                        .iter()
                        .map(String::as_str),
                );
                let mut notes = notes;
                for c in challenge::ignored_by_containers_image(&challenges) {
                    notes.push(format!(
                        "the registry also offers {} after another challenge in the same header line; containers/image reads only the first challenge of a line",
                        c.scheme()
                    ));
                }
                Ok(Ping {
                    scheme,
                    verified: tls && !host.insecure,
                    challenges,
                    reached: reached_before(Stage::Ping)
                        .into_iter()
                        .chain([Stage::Ping])
                        .collect(),
                    notes,
                })
            }
            status => {
                let errors = ctx.errors(resp);
                Err(Box::new(PingFailure {
                    stop: Stop::new(Stage::Ping, StopReason::PingStatus { status, errors }),
                    reached: reached_before(Stage::Ping),
                    notes,
                }))
            }
        }
    }

    /// containers/image's `setupRequestAuth` for `source`, with `extra` scopes (from an `insufficient_scope`).
    fn authorize(
        &self,
        host: &Host,
        ctx: &mut Ctx<'_>,
        challenges: &[Challenge],
        source: &Source,
        extra: &[String],
    ) -> Result<Authz, Stop> {
        let creds = source.credentials();
        let used = creds.map(|c| CredentialsUsed {
            label: c.label().to_owned(),
            username: c.username().to_owned(),
        });
        match challenge::select_challenge(challenges) {
            Selected::NoChallenge => Ok(Authz {
                header: None,
                used: AuthUsed::None,
                scheme: "none",
            }),
            Selected::Unsupported(schemes) => {
                ctx.notes.push(format!(
                    "none of the challenges ({}) is one containers/image answers; trying without credentials, as it does",
                    schemes.join(", ")
                ));
                Ok(Authz {
                    header: None,
                    used: AuthUsed::Unsupported(schemes.iter().map(|s| s.to_string()).collect()),
                    scheme: "none",
                })
            }
            Selected::Basic(_) => {
                // Go's SetBasicAuth(username, password) runs even with empty credentials.
                let user = creds.map(Credentials::username).unwrap_or("");
                let pass = creds
                    .and_then(Credentials::password_secret)
                    .map(Secret::expose)
                    .unwrap_or("");
                Ok(Authz {
                    header: Some(basic_authorization(user, pass)),
                    used: AuthUsed::Basic(used),
                    scheme: "basic",
                })
            }
            Selected::Bearer(c) => {
                let realm_text = c
                    .param("realm")
                    .ok_or(Stop::new(Stage::Auth, StopReason::MissingRealm))?;
                let service = c
                    .param("service")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                let mut scopes = vec![source.scope()];
                scopes.extend(extra.iter().cloned());
                let token =
                    self.token(host, ctx, realm_text, service.as_deref(), &scopes, creds)?;
                ctx.secrets.push(token.expose().to_owned());
                let realm_shown = realm_text.split('?').next().unwrap_or("").to_owned();
                Ok(Authz {
                    header: Some(Secret::new(format!("Bearer {}", token.expose()))),
                    used: AuthUsed::Bearer {
                        realm: realm_shown,
                        service,
                        scopes,
                        credentials: used.filter(|_| creds.is_some_and(sends_to_realm)),
                    },
                    scheme: "bearer",
                })
            }
        }
    }

    fn token(
        &self,
        host: &Host,
        ctx: &mut Ctx<'_>,
        realm: &str,
        service: Option<&str>,
        scopes: &[String],
        creds: Option<&Credentials>,
    ) -> Result<Secret, Stop> {
        let realm_shown = realm.split('?').next().unwrap_or("").to_owned();
        let problem = |p: TokenProblem| {
            Stop::new(
                Stage::Auth,
                StopReason::Token {
                    realm: realm_shown.clone(),
                    problem: p,
                },
            )
        };
        let key = format!(
            "{realm}\n{}\n{}\n{}",
            service.unwrap_or(""),
            scopes.join(" "),
            creds
                .map(|c| format!("{}\n{}", c.label(), c.username()))
                .unwrap_or_default()
        );
        if let Some((t, until)) = host
            .tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            && Instant::now() < *until
        {
            return Ok(t.clone());
        }
        let url: Uri = realm
            .parse()
            .ok()
            .filter(|u: &Uri| {
                matches!(u.scheme_str(), Some("http" | "https")) && u.authority().is_some()
            })
            .ok_or_else(|| {
                problem(TokenProblem::BadRealm(format!(
                    "{:?} is not an absolute http(s) URL",
                    ctx.scrub(realm)
                )))
            })?;
        let mut params = url.query().map(http::parse_query).unwrap_or_default();
        let identity = creds.and_then(Credentials::identity_token_secret);
        let user = creds.map(Credentials::username).unwrap_or("");
        let password = creds.and_then(Credentials::password_secret);
        let resp = if let Some(refresh) = identity {
            // getBearerTokenOAuth2: POST, form body; the URL keeps its own query.
            if let Some(s) = service {
                params.push(("service".into(), s.into()));
            }
            for s in scopes {
                params.push(("scope".into(), s.clone()));
            }
            params.push(("grant_type".into(), "refresh_token".into()));
            params.push(("refresh_token".into(), refresh.expose().into()));
            params.push(("client_id".into(), "containers/image".into()));
            let form = Secret::new(http::encode_query(&params));
            ctx.send(
                Stage::Auth,
                Request {
                    method: Method::Post,
                    url,
                    headers: vec![],
                    authorization: None,
                    form: Some(&form),
                },
            )
        } else {
            if !user.is_empty() {
                params.push(("account".into(), user.into()));
            }
            if let Some(s) = service {
                params.push(("service".into(), s.into()));
            }
            for s in scopes {
                params.push(("scope".into(), s.clone()));
            }
            let mut parts = url.into_parts();
            let path = parts
                .path_and_query
                .as_ref()
                .map(|p| p.path().to_owned())
                .unwrap_or_else(|| "/".into());
            let q = http::encode_query(&params);
            parts.path_and_query = Some(
                format!("{path}{}{q}", if q.is_empty() { "" } else { "?" })
                    .parse()
                    .map_err(|_| {
                        problem(TokenProblem::BadRealm("the query cannot be encoded".into()))
                    })?,
            );
            let url = Uri::from_parts(parts)
                .map_err(|_| problem(TokenProblem::BadRealm("unusable URL".into())))?;
            // Basic credentials to the realm only with a user and a password, as getBearerToken.
            let basic = match password {
                Some(p) if !user.is_empty() && !p.is_empty() => {
                    Some(basic_authorization(user, p.expose()))
                }
                _ => None,
            };
            ctx.send(
                Stage::Auth,
                Request {
                    method: Method::Get,
                    url,
                    headers: vec![],
                    authorization: basic.as_ref(),
                    form: None,
                },
            )
        };
        let resp = resp.map_err(|stop| problem(TokenProblem::Unreachable(Box::new(stop))))?;
        if resp.status != 200 {
            let status = resp.status;
            let errors = ctx.errors(resp);
            return Err(problem(TokenProblem::Status { status, errors }));
        }
        let body = ctx
            .read_body(Stage::Auth, resp, self.opts.max_token_bytes, "token")
            .map_err(|stop| match stop.reason {
                StopReason::TooLarge { limit, .. } => problem(TokenProblem::TooLarge(limit)),
                _ => problem(TokenProblem::Unreachable(Box::new(stop))),
            })?;
        let body = zeroize::Zeroizing::new(body);
        let v: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| problem(TokenProblem::NotJson(format!("not JSON ({})", e))))?;
        let token = ["token", "access_token"]
            .iter()
            .filter_map(|k| v.get(*k).and_then(|t| t.as_str()))
            .find(|t| !t.is_empty())
            .ok_or_else(|| problem(TokenProblem::NoToken))?;
        let token = Secret::new(token);
        let lifetime = v
            .get("expires_in")
            .and_then(|e| e.as_u64())
            .unwrap_or(0)
            .max(60);
        host.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(
                key,
                (
                    token.clone(),
                    Instant::now() + Duration::from_secs(lifetime.min(86_400)),
                ),
            );
        Ok(token)
    }

    /// One authorized request to a registry path; on a 401 asking for another scope (`insufficient_scope`),
    /// one retry with a token for both scopes, as `makeRequestToResolvedURL`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn request(
        &self,
        host: &Host,
        ctx: &mut Ctx<'_>,
        source: &Source,
        authz: &mut Authz,
        stage: Stage,
        method: Method,
        url: &Uri,
        headers: &[(&'static str, String)],
    ) -> Result<Response, Stop> {
        let send = |ctx: &mut Ctx<'_>, authz: &Authz| {
            ctx.send(
                stage,
                Request {
                    method,
                    url: url.clone(),
                    headers: headers.to_vec(),
                    authorization: authz.header.as_ref(),
                    form: None,
                },
            )
        };
        let resp = send(ctx, authz)?;
        if resp.status == 401
            && authz.scheme == "bearer"
            && let Some(extra) = insufficient_scope(&resp)
        {
            let challenges = host.ping.lock().ok().and_then(|p| {
                p.as_ref()
                    .and_then(|p| p.as_ref().ok().map(|p| p.challenges.clone()))
            });
            if let Some(challenges) = challenges {
                ctx.notes.push(format!(
                    "the registry asked for scope {extra}; retried with it"
                ));
                *authz = self.authorize(host, ctx, &challenges, source, &[extra])?;
                return send(ctx, authz);
            }
        }
        Ok(resp)
    }

    fn fetch_manifest(&self, source: &Source, want_bytes: bool) -> Fetched {
        let deadline = Instant::now() + self.opts.overall_timeout;
        let mut outcome = Outcome::new(source.to_string());
        let host = self.host(source);
        let mut bytes = None;
        let result = (|| {
            let (mut ctx, base, mut authz) = self.prepare(&host, source, &mut outcome, deadline)?;
            let r = self.manifest_exchange(
                &host,
                &mut ctx,
                source,
                &base,
                &mut authz,
                want_bytes,
                &mut outcome,
                &mut bytes,
            );
            outcome.auth = authz.used.clone();
            outcome.notes.append(&mut ctx.notes);
            r
        })();
        outcome.result = result;
        Fetched { outcome, bytes }
    }

    #[allow(clippy::too_many_arguments)]
    fn manifest_exchange(
        &self,
        host: &Host,
        ctx: &mut Ctx<'_>,
        source: &Source,
        base: &str,
        authz: &mut Authz,
        want_bytes: bool,
        outcome: &mut Outcome,
        bytes_out: &mut Option<Vec<u8>>,
    ) -> Result<ManifestInfo, Stop> {
        let url: Uri = format!(
            "{base}/v2/{}/manifests/{}",
            source.repository(),
            source.reference()
        )
        .parse()
        .map_err(|_| {
            Stop::new(
                Stage::Manifest,
                StopReason::BadManifest("cannot make the manifest URL".into()),
            )
        })?;
        let mut headers = base_headers();
        for t in media::ACCEPT {
            headers.push(("Accept", t.to_owned()));
        }
        let mut manifest_request = |ctx: &mut Ctx<'_>, method| {
            self.request(
                host,
                ctx,
                source,
                authz,
                Stage::Manifest,
                method,
                &url,
                &headers,
            )
        };
        if !want_bytes {
            let resp = manifest_request(ctx, Method::Head)?;
            let status = resp.status;
            if status == 200 {
                let digest = resp
                    .header("docker-content-digest")
                    .and_then(|d| Digest::parse(d.trim()).ok());
                let ct =
                    media::simplify_content_type(&resp.header("content-type").unwrap_or_default());
                let (normalized, known) = media::normalize(&ct);
                match digest {
                    Some(digest) if known && ct != "application/json" => {
                        outcome.pass(Stage::Auth);
                        outcome.pass(Stage::Manifest);
                        return Ok(ManifestInfo {
                            digest,
                            digest_from: DigestFrom::Header,
                            media_type: normalized.to_owned(),
                            size: resp.body.content_length().or_else(|| {
                                resp.header("content-length")
                                    .and_then(|l| l.trim().parse().ok())
                            }),
                            method: "HEAD",
                        });
                    }
                    Some(_) => ctx.notes.push(format!(
                        "HEAD gave media type {ct:?}; GET used to read the manifest"
                    )),
                    None => ctx
                        .notes
                        .push("HEAD gave no usable Docker-Content-Digest; GET used".into()),
                }
            } else {
                ctx.notes
                    .push(format!("HEAD answered {status}; GET used, as a pull does"));
            }
        }
        let resp = manifest_request(ctx, Method::Get)?;
        match resp.status {
            200 => {}
            401 => return Err(unauthorized(authz, ctx.errors(resp))),
            403 => {
                let errors = ctx.errors(resp);
                return Err(Stop::new(
                    Stage::Auth,
                    StopReason::Denied {
                        credentials: sent_credentials(authz),
                        errors,
                    },
                ));
            }
            404 => {
                outcome.pass(Stage::Auth);
                let errors = ctx.errors(resp);
                return Err(Stop::new(
                    Stage::Manifest,
                    not_found(errors, "MANIFEST_UNKNOWN"),
                ));
            }
            status => {
                outcome.pass(Stage::Auth);
                if status == 429 {
                    ctx.notes.push("containers/image retries a 429 up to 5 times with backoff; this probe does not".into());
                }
                let errors = ctx.errors(resp);
                return Err(Stop::new(
                    Stage::Manifest,
                    StopReason::Status { status, errors },
                ));
            }
        }
        outcome.pass(Stage::Auth);
        let header_digest = resp.header("docker-content-digest");
        let content_type = resp.header("content-type").unwrap_or_default();
        let body = ctx.read_body(
            Stage::Manifest,
            resp,
            self.opts.max_manifest_bytes,
            "manifest",
        )?;
        let algorithm = source
            .reference()
            .digest()
            .map_or(Algorithm::Sha256, Digest::algorithm);
        let computed = Digest::of(algorithm, &body);
        if let Some(expected) = source.reference().digest()
            && *expected != computed
        {
            return Err(Stop::new(
                Stage::Manifest,
                StopReason::DigestMismatch {
                    expected: expected.clone(),
                    computed,
                },
            ));
        }
        if let Some(h) = header_digest {
            match Digest::parse(h.trim()) {
                Ok(d) if d.algorithm() == computed.algorithm() && d != computed => ctx.notes.push(format!(
                    "Docker-Content-Digest says {d}, the bytes hash to {computed} (containers/image does not check the header)"
                )),
                Ok(_) => {}
                Err(_) => ctx.notes.push("the Docker-Content-Digest header is not a digest".into()),
            }
        }
        let media_type =
            check_media(&content_type, &body).map_err(|r| Stop::new(Stage::Manifest, r))?;
        outcome.pass(Stage::Manifest);
        let size = body.len() as u64;
        *bytes_out = Some(body);
        Ok(ManifestInfo {
            digest: computed,
            digest_from: DigestFrom::Bytes,
            media_type: media_type.to_owned(),
            size: Some(size),
            method: "GET",
        })
    }

    /// Runs `f` with a prepared, authorized context for `source` (used by blob reads).
    pub(crate) fn with_prepared<T>(
        &self,
        source: &Source,
        deadline: Instant,
        f: impl FnOnce(&Self, &Host, &mut Ctx<'_>, &str, &mut Authz) -> Result<T, Stop>,
    ) -> Result<T, Stop> {
        let host = self.host(source);
        let mut outcome = Outcome::new(source.to_string());
        let (mut ctx, base, mut authz) = self.prepare(&host, source, &mut outcome, deadline)?;
        f(self, &host, &mut ctx, &base, &mut authz)
    }
}

pub(crate) fn base_headers() -> Vec<(&'static str, String)> {
    vec![("Docker-Distribution-API-Version", "registry/2.0".to_owned())]
}

/// A 404's reason: `NAME_UNKNOWN`, `BLOB_UNKNOWN`, or (anything else, as containers/image's
/// `isManifestUnknownError` reads a 404) the `default_code`'s.
pub(crate) fn not_found(errors: Vec<RegistryError>, default_code: &str) -> StopReason {
    let code = errors
        .first()
        .map(|e| e.code.as_str())
        .unwrap_or(default_code);
    match code {
        "NAME_UNKNOWN" => StopReason::NameUnknown(errors),
        "BLOB_UNKNOWN" => StopReason::BlobUnknown(errors),
        _ if default_code == "BLOB_UNKNOWN" => StopReason::BlobUnknown(errors),
        _ => StopReason::ManifestUnknown(errors),
    }
}

fn sent_credentials(authz: &Authz) -> Option<CredentialsUsed> {
    authz.used.credentials().cloned()
}

/// A 401 answer: the credentials sent (or their absence) and the scheme tried were refused.
pub(crate) fn unauthorized(authz: &Authz, errors: Vec<RegistryError>) -> Stop {
    Stop::new(
        Stage::Auth,
        StopReason::Unauthorized {
            credentials: sent_credentials(authz),
            scheme: authz.scheme,
            errors,
        },
    )
}

/// Whether containers/image sends these credentials to a token realm: a user and password (GET with Basic), or an
/// identity token (POST).
fn sends_to_realm(c: &Credentials) -> bool {
    c.identity_token_secret().is_some()
        || (!c.username().is_empty() && c.password_secret().is_some_and(|p| !p.is_empty()))
}

/// The token of an HTTP Basic authorization: `user:password` in standard base64 (RFC 7617).
fn basic_token(user: &str, password: &str) -> String {
    go_compat::encode_std_base64(format!("{user}:{password}"))
}

/// The `Authorization` header value for HTTP Basic: a secret, like the password it holds.
fn basic_authorization(user: &str, password: &str) -> Secret {
    Secret::new(format!("Basic {}", basic_token(user, password)))
}

fn secrets_of(creds: Option<&Credentials>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = creds {
        if let Some(p) = c.password_secret() {
            out.push(p.expose().to_owned());
            out.push(basic_token(c.username(), p.expose()));
        }
        if let Some(t) = c.identity_token_secret() {
            out.push(t.expose().to_owned());
        }
    }
    out
}

/// containers/image's `needsRetryWithUpdatedScope`: a bearer challenge with `error="insufficient_scope"` and a
/// `type:name:actions` scope.
fn insufficient_scope(resp: &Response) -> Option<String> {
    for line in resp.header_lines("www-authenticate") {
        for c in challenge::parse_challenges(&line)
            .into_iter()
            .filter(|c| c.is_first_in_line())
        {
            if c.scheme() == "bearer"
                && c.param("error") == Some("insufficient_scope")
                && let Some(scope) = c.param("scope").filter(|s| s.split(':').count() == 3)
            {
                return Some(scope.to_owned());
            }
        }
    }
    None
}

/// The media type containers/image would read `body` as, or why it would refuse it.
pub(crate) fn check_media(content_type: &str, body: &[u8]) -> Result<&'static str, StopReason> {
    let ct = media::simplify_content_type(content_type);
    let (normalized, known) = media::normalize(&ct);
    let v: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let schema = v
        .as_ref()
        .and_then(|v| v.get("schemaVersion"))
        .and_then(|s| s.as_i64());
    if normalized == media::DOCKER_V2S1_SIGNED || normalized == media::DOCKER_V2S1 {
        if schema == Some(1) {
            return Ok(normalized);
        }
        let why = if known {
            "a schema 1 type, but the body is not schema 1".to_owned()
        } else {
            let body_type = v
                .as_ref()
                .and_then(|v| v.get("mediaType"))
                .and_then(|m| m.as_str())
                .unwrap_or("");
            format!(
                "containers/image reads an unknown Content-Type as schema 1, and the body is not schema 1{}",
                if body_type.is_empty() {
                    String::new()
                } else {
                    format!(" (it says {body_type})")
                }
            )
        };
        return Err(StopReason::UnexpectedMediaType {
            content_type: ct,
            why,
        });
    }
    let Some(v) = v else {
        return Err(StopReason::BadManifest(format!(
            "the {normalized} body is not JSON"
        )));
    };
    if let Some(body_type) = v.get("mediaType").and_then(|m| m.as_str())
        && body_type != normalized
    {
        return Err(StopReason::UnexpectedMediaType {
            content_type: ct,
            why: format!("the body says it is {body_type}"),
        });
    }
    let list = media::is_list(normalized);
    let has = |k: &str| v.get(k).is_some();
    if (list && (has("layers") || has("config"))) || (!list && has("manifests")) {
        return Err(StopReason::UnexpectedMediaType {
            content_type: ct,
            why: "ambiguous manifest: its fields belong to another type".into(),
        });
    }
    Ok(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_checks() {
        let oci = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}"#;
        assert_eq!(
            check_media(media::OCI_MANIFEST, oci),
            Ok(media::OCI_MANIFEST)
        );
        assert!(matches!(
            check_media("text/plain", oci),
            Err(StopReason::UnexpectedMediaType { .. })
        ));
        assert!(matches!(
            check_media(media::DOCKER_V2S2, oci),
            Err(StopReason::UnexpectedMediaType { .. })
        ));
        assert!(
            check_media(
                media::OCI_INDEX,
                br#"{"schemaVersion":2,"manifests":[],"layers":[]}"#
            )
            .is_err()
        );
        assert_eq!(
            check_media("application/json", br#"{"schemaVersion":1}"#),
            Ok(media::DOCKER_V2S1_SIGNED)
        );
        assert!(matches!(
            check_media(media::OCI_MANIFEST, b"not json"),
            Err(StopReason::BadManifest(_))
        ));
    }

    #[test]
    fn not_found_codes() {
        let e = |c: &str| {
            vec![RegistryError {
                code: c.into(),
                message: String::new(),
            }]
        };
        assert!(matches!(
            not_found(e("NAME_UNKNOWN"), "MANIFEST_UNKNOWN"),
            StopReason::NameUnknown(_)
        ));
        assert!(matches!(
            not_found(e("MANIFEST_UNKNOWN"), "MANIFEST_UNKNOWN"),
            StopReason::ManifestUnknown(_)
        ));
        assert!(matches!(
            not_found(vec![], "MANIFEST_UNKNOWN"),
            StopReason::ManifestUnknown(_)
        ));
        assert!(matches!(
            not_found(e("UNKNOWN"), "BLOB_UNKNOWN"),
            StopReason::BlobUnknown(_)
        ));
    }
}
