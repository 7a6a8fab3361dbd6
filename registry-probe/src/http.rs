//! One HTTP exchange, with redirects followed by hand (so that credentials never follow a redirect to another
//! origin), bounded bodies, every failure a [`Stop`], and server text cleaned of our secrets.

use std::io::Read;
use std::time::{Duration, Instant};

use ureq::http::{HeaderMap, Uri};

use crate::options::Options;
use crate::outcome::{RegistryError, Stage, Stop, StopReason};
use crate::source::Secret;
use crate::transport::TransportFailure;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Head,
    Post,
}

pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    pub(crate) url: Uri,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The whole `Authorization` value (`Basic …`, `Bearer …`).
    pub(crate) authorization: Option<&'a Secret>,
    /// A form body (`application/x-www-form-urlencoded`), for the OAuth2 token request.
    pub(crate) form: Option<&'a Secret>,
}

pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: ureq::Body,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    pub(crate) fn header_lines(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }
}

/// What one call knows: its agent, bounds, deadline and the secrets to scrub from anything a server says.
pub(crate) struct Ctx<'a> {
    pub(crate) agent: &'a ureq::Agent,
    pub(crate) opts: &'a Options,
    pub(crate) deadline: Instant,
    pub(crate) secrets: Vec<String>,
    pub(crate) notes: Vec<String>,
}

impl Ctx<'_> {
    pub(crate) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    fn overall_stop(&self, stage: Stage) -> Stop {
        Stop::new(
            stage,
            StopReason::Timeout {
                what: "end before the overall timeout",
                after: self.opts.overall_timeout,
            },
        )
    }

    /// Sends a request, following redirects (at most `max_redirects`); `Authorization` only goes to the URL's own
    /// origin (scheme, host and port).
    pub(crate) fn send(&mut self, stage: Stage, req: Request<'_>) -> Result<Response, Stop> {
        let mut url = req.url.clone();
        let mut method = req.method;
        let mut auth = req.authorization;
        let mut form = req.form;
        let mut hops = 0;
        loop {
            let remaining = self.remaining();
            if remaining.is_zero() {
                return Err(self.overall_stop(stage));
            }
            let resp = self.once(stage, method, &url, &req.headers, auth, form, remaining)?;
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get("location")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            if let (301 | 302 | 303 | 307 | 308, Some(loc)) = (status, location) {
                if hops >= self.opts.max_redirects {
                    return Err(Stop::new(
                        stage,
                        StopReason::Redirect(format!(
                            "more than {} redirects",
                            self.opts.max_redirects
                        )),
                    ));
                }
                hops += 1;
                let next = join(&url, &loc).ok_or_else(|| {
                    Stop::new(
                        stage,
                        StopReason::Redirect(format!("unusable Location {:?}", self.scrub(&loc))),
                    )
                })?;
                if auth.is_some() && !same_origin(&url, &next) {
                    self.notes.push(format!(
                        "credentials withheld on the redirect from {} to {} (another origin)",
                        origin(&url),
                        origin(&next)
                    ));
                    auth = None;
                }
                if status == 303 || (matches!(status, 301 | 302) && method == Method::Post) {
                    method = Method::Get;
                    form = None;
                }
                url = next;
                continue;
            }
            let (parts, body) = resp.into_parts();
            return Ok(Response {
                status,
                headers: parts.headers,
                body,
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn once(
        &self,
        stage: Stage,
        method: Method,
        url: &Uri,
        headers: &[(&'static str, String)],
        auth: Option<&Secret>,
        form: Option<&Secret>,
        remaining: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, Stop> {
        macro_rules! dress {
            ($b:expr) => {{
                let mut b = $b;
                for (k, v) in headers {
                    b = b.header(*k, v.as_str());
                }
                if let Some(a) = auth {
                    b = b.header("Authorization", a.expose());
                }
                b.config().timeout_global(Some(remaining)).build()
            }};
        }
        let result = match method {
            Method::Get => dress!(self.agent.get(url)).call(),
            Method::Head => dress!(self.agent.head(url)).call(),
            Method::Post => {
                let b = dress!(
                    self.agent
                        .post(url)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                );
                b.send(form.map(Secret::expose).unwrap_or(""))
            }
        };
        result.map_err(|e| self.classify(stage, e))
    }

    /// A ureq error as a stop: the connector chain's own stops as they are, the rest by what they are.
    pub(crate) fn classify(&self, stage: Stage, e: ureq::Error) -> Stop {
        match e {
            ureq::Error::Other(b) => match b.downcast::<TransportFailure>() {
                Ok(tf) => tf.0,
                Err(b) => Stop::new(
                    stage,
                    StopReason::ConnectionLost(self.scrub(&b.to_string())),
                ),
            },
            ureq::Error::Timeout(t) => match t {
                ureq::Timeout::Global => self.overall_stop(stage),
                ureq::Timeout::Connect => Stop::new(
                    Stage::Connect,
                    StopReason::ConnectTimeout {
                        host: String::new(),
                        after: self.opts.connect_timeout,
                    },
                ),
                ureq::Timeout::Resolve => Stop::new(
                    Stage::Connect,
                    StopReason::Dns {
                        host: String::new(),
                        detail: "the resolver did not answer in time".into(),
                    },
                ),
                _ => Stop::new(
                    stage,
                    StopReason::Timeout {
                        what: "answer",
                        after: self.opts.read_timeout,
                    },
                ),
            },
            ureq::Error::HostNotFound => Stop::new(
                Stage::Connect,
                StopReason::Dns {
                    host: String::new(),
                    detail: "no address found".into(),
                },
            ),
            ureq::Error::Io(io) => {
                if let Some(re) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    let reason = match re {
                        rustls::Error::AlertReceived(a) => StopReason::TlsAlert(format!("{a:?}")),
                        other => StopReason::Handshake(other.to_string()),
                    };
                    return Stop::new(Stage::Tls, reason);
                }
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) {
                    return Stop::new(
                        stage,
                        StopReason::Timeout {
                            what: "answer",
                            after: self.opts.read_timeout,
                        },
                    );
                }
                Stop::new(
                    stage,
                    StopReason::ConnectionLost(self.scrub(&io.to_string())),
                )
            }
            ureq::Error::Protocol(p) => {
                Stop::new(stage, StopReason::NotHttp(self.scrub(&p.to_string())))
            }
            ureq::Error::BodyExceedsLimit(l) => Stop::new(
                stage,
                StopReason::TooLarge {
                    what: "body",
                    limit: l,
                },
            ),
            other => Stop::new(
                stage,
                StopReason::ConnectionLost(self.scrub(&other.to_string())),
            ),
        }
    }

    /// Reads a body up to `limit` bytes (refusing at once a `Content-Length` above it).
    pub(crate) fn read_body(
        &self,
        stage: Stage,
        resp: Response,
        limit: u64,
        what: &'static str,
    ) -> Result<Vec<u8>, Stop> {
        if resp.body.content_length().is_some_and(|n| n > limit) {
            return Err(Stop::new(stage, StopReason::TooLarge { what, limit }));
        }
        let mut buf = Vec::new();
        resp.body
            .into_reader()
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| self.classify(stage, ureq::Error::from(e)))?;
        if buf.len() as u64 > limit {
            return Err(Stop::new(stage, StopReason::TooLarge { what, limit }));
        }
        Ok(buf)
    }

    /// The registry errors of an error answer: the bearer `error` of a 401's challenge first (as
    /// containers/image's `handleErrorResponse`), then the body's error JSON, or the start of a body that is not.
    pub(crate) fn errors(&self, resp: Response) -> Vec<RegistryError> {
        let mut out = Vec::new();
        if resp.status == 401 {
            for line in resp.header_lines("www-authenticate") {
                for c in crate::challenge::parse_challenges(&line)
                    .into_iter()
                    .filter(|c| c.is_first_in_line())
                {
                    if c.scheme() != "bearer" {
                        continue;
                    }
                    let code = match c.param("error") {
                        Some("invalid_token") => "UNAUTHORIZED",
                        Some("insufficient_scope") => "DENIED",
                        _ => continue,
                    };
                    out.push(RegistryError {
                        code: code.into(),
                        message: self.scrub(c.param("error_description").unwrap_or("")),
                    });
                }
            }
        }
        let limit = self.opts.max_error_bytes;
        let mut buf = Vec::new();
        let _ = resp.body.into_reader().take(limit).read_to_end(&mut buf);
        out.extend(self.parse_errors(&buf));
        out
    }

    pub(crate) fn parse_errors(&self, body: &[u8]) -> Vec<RegistryError> {
        let text = |v: Option<&serde_json::Value>| {
            v.and_then(|v| v.as_str())
                .map(|s| self.scrub(s))
                .unwrap_or_default()
        };
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v) => {
                if let Some(details) = v
                    .get("details")
                    .and_then(|d| d.as_str())
                    .filter(|d| !d.is_empty())
                {
                    return vec![RegistryError {
                        code: String::new(),
                        message: self.scrub(details),
                    }];
                }
                match v.get("errors").and_then(|e| e.as_array()) {
                    Some(list) => list
                        .iter()
                        .take(8)
                        .map(|e| RegistryError {
                            code: text(e.get("code")),
                            message: text(e.get("message")),
                        })
                        .collect(),
                    None => body_start(self, body),
                }
            }
            Err(_) => body_start(self, body),
        }
    }

    /// Server text, cleaned: control characters dropped, at most 200 characters, and any of our secrets (passwords,
    /// tokens, their Basic encodings) replaced by `***`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        scrub(text, &self.secrets)
    }
}

fn body_start(ctx: &Ctx<'_>, body: &[u8]) -> Vec<RegistryError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Vec::new();
    }
    let s = String::from_utf8_lossy(&body[..body.len().min(400)]);
    vec![RegistryError {
        code: String::new(),
        message: ctx.scrub(s.trim()),
    }]
}

pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut s = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 3) {
        s = s.replace(secret.as_str(), "***");
    }
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(200).collect();
    if s.chars().filter(|c| !c.is_control()).count() > 200 {
        out.push('…');
    }
    // A secret cut in half by the length limit cannot be recognised any more; keep only what was checked whole.
    for secret in secrets.iter().filter(|s| s.len() >= 3) {
        for cut in 3..secret.len() {
            if secret.is_char_boundary(cut) && out.trim_end_matches('…').ends_with(&secret[..cut])
            {
                let keep = out.trim_end_matches('…').len() - cut;
                out.truncate(keep);
                out.push('…');
                break;
            }
        }
    }
    out
}

/// `scheme://host[:port]` of a URL.
pub(crate) fn origin(url: &Uri) -> String {
    format!(
        "{}://{}",
        url.scheme_str().unwrap_or(""),
        url.authority().map(|a| a.as_str()).unwrap_or("")
    )
}

fn same_origin(a: &Uri, b: &Uri) -> bool {
    a.scheme_str() == b.scheme_str()
        && crate::transport::bare_host(a) == crate::transport::bare_host(b)
        && crate::transport::port_of(a) == crate::transport::port_of(b)
}

/// `location` resolved against `base` (absolute, scheme-relative `//host/…`, absolute path, or relative path).
pub(crate) fn join(base: &Uri, location: &str) -> Option<Uri> {
    let location = location.trim();
    let abs = if location.starts_with("http://") || location.starts_with("https://") {
        location.to_owned()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{}://{rest}", base.scheme_str()?)
    } else if location.starts_with('/') {
        format!("{}{location}", origin(base))
    } else {
        let path = base.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        format!("{}{dir}{location}", origin(base))
    };
    let uri: Uri = abs.parse().ok()?;
    uri.authority()?;
    Some(uri)
}

/// Go's `url.QueryEscape`: unreserved characters kept, space as `+`, the rest `%XX`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

fn query_unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `url.Values.Encode` of a query: keys sorted, values in order.
pub(crate) fn encode_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The pairs of a raw query (Go's `url.ParseQuery`, lenient).
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (query_unescape(k), query_unescape(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        let base: Uri = "https://reg.example:5000/v2/a/manifests/x".parse().unwrap();
        assert_eq!(
            join(&base, "/v2/b").unwrap().to_string(),
            "https://reg.example:5000/v2/b"
        );
        assert_eq!(
            join(&base, "https://cdn.example/x?sig=1")
                .unwrap()
                .to_string(),
            "https://cdn.example/x?sig=1"
        );
        assert_eq!(
            join(&base, "//other:1/p").unwrap().to_string(),
            "https://other:1/p"
        );
        assert_eq!(
            join(&base, "y").unwrap().to_string(),
            "https://reg.example:5000/v2/a/manifests/y"
        );
        assert!(join(&base, "https://").is_none());
    }

    #[test]
    fn origins() {
        let a: Uri = "https://reg.example/v2/".parse().unwrap();
        let b: Uri = "https://REG.example:443/x".parse().unwrap();
        let c: Uri = "http://reg.example/x".parse().unwrap();
        let d: Uri = "https://sub.reg.example/x".parse().unwrap();
        assert!(same_origin(&a, &b));
        assert!(!same_origin(&a, &c));
        assert!(!same_origin(&a, &d));
    }

    #[test]
    fn queries_like_go() {
        let q = encode_query(&[
            ("service".into(), "my registry".into()),
            ("scope".into(), "repository:a/b:pull".into()),
            ("account".into(), "al@ice".into()),
        ]);
        assert_eq!(
            q,
            "account=al%40ice&scope=repository%3Aa%2Fb%3Apull&service=my+registry"
        );
        assert_eq!(
            parse_query("a=1&b=x%2Fy+z&c"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x/y z".into()),
                ("c".into(), String::new())
            ]
        );
        assert_eq!(parse_query("bad=%zz%"), vec![("bad".into(), "%zz%".into())]);
    }

    #[test]
    fn scrubbing() {
        let secrets = vec!["hunter2pass".to_owned()];
        assert_eq!(
            scrub("bad password hunter2pass\n!", &secrets),
            "bad password ***!"
        );
        let long = format!("{}hunter2pass", "x".repeat(195));
        let s = scrub(&long, &secrets);
        assert!(!s.contains("hunt"), "{s}");
    }
}
