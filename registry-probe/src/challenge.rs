//! `WWW-Authenticate` challenges (RFC 7235) and the one containers/image acts on.
//!
//! containers/image (`docker/wwwauthenticate.go`, from docker/distribution's `authchallenge`) reads **one challenge
//! per header line**: the scheme and the parameters that follow it, stopping at the first thing that is not
//! `key=value`. A server that puts two challenges in one line (`Basic realm="r", Bearer realm="…"`) is therefore
//! seen as offering only the first. [`parse_challenges`] reads every challenge of a line (RFC 7235), and marks which one is
//! the first of its line; [`select_challenge`] then acts as containers/image's `setupRequestAuth` does, over the first
//! challenges only: the first `basic` or `bearer` wins, other schemes are skipped, and with none left the request
//! goes without credentials.

use std::fmt;

/// One challenge of a `WWW-Authenticate` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    scheme: String,
    params: Vec<(String, String)>,
    token68: Option<String>,
    first_in_line: bool,
}

impl Challenge {
    /// The auth scheme, lowercased (`bearer`, `basic`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// A parameter by name (names are case-insensitive). When a name appears twice the last one is returned, as
    /// containers/image's map keeps it.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every parameter in order, names lowercased.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// A `token68` value (`Negotiate abc==`), if the challenge has one instead of parameters.
    pub fn token68(&self) -> Option<&str> {
        self.token68.as_deref()
    }

    /// Whether this challenge is the first one of its header line: the only one containers/image reads.
    pub fn is_first_in_line(&self) -> bool {
        self.first_in_line
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("scheme", &self.scheme)
            .field("params", &self.params)
            .field("token68", &self.token68.as_ref().map(|_| "…"))
            .field("first_in_line", &self.first_in_line)
            .finish()
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.scheme)?;
        for (i, (k, v)) in self.params.iter().enumerate() {
            let escaped: String = v
                .chars()
                .flat_map(|c| {
                    if c == '"' || c == '\\' {
                        vec!['\\', c]
                    } else {
                        vec![c]
                    }
                })
                .collect();
            write!(f, "{}{k}=\"{escaped}\"", if i == 0 { " " } else { "," })?;
        }
        Ok(())
    }
}

/// The authentication containers/image would use, from the challenges of the `/v2/` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Selected<'a> {
    /// No challenge at all: requests go without credentials.
    NoChallenge,
    /// `Basic`: the credentials go to the registry itself.
    Basic(&'a Challenge),
    /// `Bearer`: a token from the realm.
    Bearer(&'a Challenge),
    /// Only schemes containers/image has no handler for (it then tries without credentials).
    Unsupported(Vec<&'a str>),
}

/// Every challenge of several header lines (each line one `WWW-Authenticate` value), in order.
pub fn parse_challenge_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    lines.into_iter().flat_map(parse_challenges).collect()
}

/// Every challenge of one header line (RFC 7235 `1#challenge`), in order. Never panics; what cannot be read is
/// skipped.
///
/// ```
/// use registry_probe::parse_challenges;
/// let c = parse_challenges(r#"Bearer realm="https://auth.example.com/token",service="registry, the one",scope="repository:a/b:pull""#);
/// assert_eq!(c[0].scheme(), "bearer");
/// assert_eq!(c[0].param("service"), Some("registry, the one"));
/// assert_eq!(c[0].param("SCOPE"), Some("repository:a/b:pull"));
/// ```
pub fn parse_challenges(line: &str) -> Vec<Challenge> {
    let mut p = Parser {
        s: line.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    loop {
        p.skip_ows_and_commas();
        if p.at_end() {
            break;
        }
        let scheme = p.token();
        if scheme.is_empty() {
            // Not a token where a scheme should be: skip to the next comma.
            p.skip_to_comma();
            continue;
        }
        let mut ch = Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params: Vec::new(),
            token68: None,
            first_in_line: out.is_empty(),
        };
        let had_space = p.skip_sp() > 0;
        if had_space || p.peek() == Some(b',') {
            p.params_or_token68(&mut ch);
        }
        out.push(ch);
    }
    out
}

/// What containers/image's `setupRequestAuth` would do with these challenges (the first of each line only).
pub fn select_challenge(challenges: &[Challenge]) -> Selected<'_> {
    let mut seen = Vec::new();
    for c in challenges.iter().filter(|c| c.first_in_line) {
        match c.scheme.as_str() {
            "basic" => return Selected::Basic(c),
            "bearer" => return Selected::Bearer(c),
            other => seen.push(other),
        }
    }
    if seen.is_empty() {
        Selected::NoChallenge
    } else {
        Selected::Unsupported(seen)
    }
}

/// Challenges after the first of their line that name `basic` or `bearer`: containers/image does not see them.
pub fn ignored_by_containers_image(challenges: &[Challenge]) -> impl Iterator<Item = &Challenge> {
    challenges
        .iter()
        .filter(|c| !c.first_in_line && matches!(c.scheme.as_str(), "basic" | "bearer"))
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn skip_sp(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.i - start
    }
    fn skip_ows_and_commas(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }
    fn skip_to_comma(&mut self) {
        while let Some(b) = self.peek() {
            if b == b',' {
                break;
            }
            if b == b'"' {
                let _ = self.quoted();
                continue;
            }
            self.i += 1;
        }
    }
    fn token(&mut self) -> String {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        // Token characters are ASCII, so this slice is on char boundaries.
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }
    /// A quoted string starting at `"`; `None` when it is not terminated (the rest of the line is consumed).
    fn quoted(&mut self) -> Option<String> {
        debug_assert_eq!(self.peek(), Some(b'"'));
        self.i += 1;
        let mut buf = Vec::new();
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'"' => return Some(String::from_utf8_lossy(&buf).into_owned()),
                b'\\' => {
                    if let Some(n) = self.peek() {
                        buf.push(n);
                        self.i += 1;
                    }
                }
                _ => buf.push(b),
            }
        }
        None
    }

    /// After `scheme SP`: either a token68 or `#auth-param`. Stops before a token that starts the next challenge.
    fn params_or_token68(&mut self, ch: &mut Challenge) {
        // token68: 1*tchar68 *"=" followed by end, OWS + comma, or OWS + end.
        let save = self.i;
        let start = self.i;
        while self.peek().is_some_and(is_token68_char) {
            self.i += 1;
        }
        if self.i > start {
            while self.peek() == Some(b'=') {
                self.i += 1;
            }
            let end = self.i;
            self.skip_sp();
            if matches!(self.peek(), None | Some(b',')) {
                // `word`, `word==` (or a `key=` with nothing after it, which containers/image drops anyway).
                ch.token68 = Some(String::from_utf8_lossy(&self.s[start..end]).into_owned());
                return;
            }
        }
        self.i = save;
        loop {
            self.skip_ows_and_commas();
            let save = self.i;
            let key = self.token();
            if key.is_empty() {
                self.i = save;
                self.skip_to_comma();
                if self.at_end() {
                    return;
                }
                continue;
            }
            self.skip_sp();
            if self.peek() != Some(b'=') {
                // `token` not followed by `=`: the start of the next challenge.
                self.i = save;
                return;
            }
            self.i += 1;
            self.skip_sp();
            let value = match self.peek() {
                Some(b'"') => match self.quoted() {
                    Some(v) => v,
                    None => return, // unterminated: containers/image drops it too
                },
                _ => self.token(),
            };
            ch.params.push((key.to_ascii_lowercase(), value));
            self.skip_sp();
            match self.peek() {
                None => return,
                Some(b',') => continue,
                Some(_) => {
                    // Garbage after a value: skip to the next comma and go on.
                    self.skip_to_comma();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first challenge's parameters `names`, as read from `line`.
    fn first_params(line: &str, names: &[&str]) -> Vec<Option<String>> {
        let challenges = parse_challenges(line);
        names
            .iter()
            .map(|n| challenges[0].param(n).map(str::to_owned))
            .collect()
    }

    fn some(values: &[&str]) -> Vec<Option<String>> {
        values.iter().map(|v| Some((*v).to_owned())).collect()
    }

    #[test]
    fn bearer_with_quoted_commas() {
        let c = parse_challenges(
            r#"Bearer realm="https://a.example/token?x=1,2",service="svc, with comma",scope="repository:ns/r:pull""#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme(), "bearer");
        assert_eq!(c[0].param("realm"), Some("https://a.example/token?x=1,2"));
        assert_eq!(c[0].param("service"), Some("svc, with comma"));
        assert_eq!(c[0].param("scope"), Some("repository:ns/r:pull"));
        assert!(c[0].is_first_in_line());
    }

    #[test]
    fn case_insensitive_scheme_and_names() {
        let c = parse_challenges(r#"BASIC Realm="Registry Realm""#);
        assert_eq!(c[0].scheme(), "basic");
        assert_eq!(c[0].param("realm"), Some("Registry Realm"));
        assert_eq!(c[0].param("REALM"), Some("Registry Realm"));
        assert!(matches!(select_challenge(&c), Selected::Basic(_)));
    }

    #[test]
    fn escapes_and_spaces() {
        assert_eq!(
            first_params(
                r#"Bearer   realm = "a\"b\\c" , error="insufficient_scope""#,
                &["realm", "error"]
            ),
            some(&[r#"a"b\c"#, "insufficient_scope"])
        );
    }

    #[test]
    fn several_challenges_in_one_line() {
        let c = parse_challenges(
            r#"Basic realm="r1", Bearer realm="https://t.example/token",service="s", Negotiate abc=="#,
        );
        let schemes: Vec<_> = c.iter().map(Challenge::scheme).collect();
        assert_eq!(schemes, ["basic", "bearer", "negotiate"]);
        assert_eq!(c[1].param("service"), Some("s"));
        assert_eq!(c[2].token68(), Some("abc=="));
        assert!(c[0].is_first_in_line() && !c[1].is_first_in_line());
    }

    #[test]
    fn containers_image_reads_only_the_first_challenge_of_a_line() {
        // One line: containers/image sees only Negotiate, has no handler, goes unauthenticated.
        let one_line = parse_challenges(r#"Negotiate, Bearer realm="https://t.example/token""#);
        assert_eq!(one_line.len(), 2);
        assert_eq!(
            select_challenge(&one_line),
            Selected::Unsupported(vec!["negotiate"])
        );
        assert_eq!(ignored_by_containers_image(&one_line).count(), 1);
        // Two lines: it sees both and takes the Bearer.
        let two_lines =
            parse_challenge_lines(["Negotiate", r#"Bearer realm="https://t.example/token""#]);
        assert!(
            matches!(select_challenge(&two_lines), Selected::Bearer(c) if c.param("realm") == Some("https://t.example/token"))
        );
    }

    #[test]
    fn first_supported_wins() {
        let c = parse_challenge_lines([r#"Bearer realm="x""#, r#"Basic realm="y""#]);
        assert!(matches!(select_challenge(&c), Selected::Bearer(_)));
        assert_eq!(select_challenge(&[]), Selected::NoChallenge);
    }

    #[test]
    fn unquoted_values_and_duplicates() {
        assert_eq!(
            first_params(
                "Bearer realm=abc,service=reg,service=last",
                &["realm", "service"]
            ),
            some(&["abc", "last"])
        );
    }

    #[test]
    fn unquoted_url_stops_at_a_separator_as_in_go() {
        // `:` and `/` are not token characters: Go reads realm="https" and stops; so do we, keeping what follows
        // a later comma.
        let c = parse_challenges("Bearer realm=https://t.example/token,service=reg");
        assert_eq!(c[0].param("realm"), Some("https"));
    }

    #[test]
    fn scheme_only_and_garbage() {
        assert_eq!(parse_challenges("Basic")[0].scheme(), "basic");
        assert_eq!(parse_challenges("").len(), 0);
        assert_eq!(parse_challenges(" , ,").len(), 0);
        let c = parse_challenges(r#"Bearer realm="unterminated"#);
        assert_eq!(c[0].params().len(), 0);
        assert_eq!(
            first_params(
                r#"Bearer realm="ok" junk, service="s""#,
                &["realm", "service"]
            ),
            some(&["ok", "s"])
        );
        let c = parse_challenges("\"x\" Bearer realm=a");
        assert!(c.iter().all(|c| !c.scheme().is_empty()));
    }

    #[test]
    fn non_ascii_is_kept_in_quotes() {
        assert_eq!(
            first_params(
                "Bearer realm=\"https://ré.example/t\",service=\"ü\"",
                &["realm", "service"]
            ),
            some(&["https://ré.example/t", "ü"])
        );
    }

    #[test]
    fn display_round_trips() {
        let c = parse_challenges(r#"Bearer realm="a\"b",service="s""#);
        let again = parse_challenges(&c[0].to_string());
        assert_eq!(again, c);
    }
}
