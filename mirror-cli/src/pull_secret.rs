//! Pull secret files as a person hands them over: a bare docker config JSON (`config.json`, `auth.json`, a
//! `.dockerconfigjson`, a legacy `.dockercfg`) or a Secret manifest (YAML or JSON) of type
//! `kubernetes.io/dockerconfigjson`, read into credentials while remembering which it was; the password read from
//! standard input; a `--registry` key checked; one registry's credentials set. `pull-secret` and `manifests` use it.

use std::io::{BufRead, Read};

use dockerconfig::{AuthEntry, DockerConfig, Format, Secret, SetOutcome};
use icsp::Object;

use crate::cluster::{DOCKERCONFIGJSON_KEY, Input, dockerconfigjson, secret_name};
use crate::error::{Error, NotAPullSecret};

/// The longest password line read from standard input.
pub const MAX_PASSWORD_BYTES: u64 = crate::bounds::PASSWORD_LINE_BYTES;

/// The shape a FILE had.
#[derive(Debug, Clone)]
pub enum Shape {
    /// A bare docker config JSON.
    Bare,
    /// A Secret manifest; the Secret is kept to be written back.
    Secret(Box<icsp::Secret>),
}

/// A FILE read as a pull secret.
#[derive(Debug)]
pub struct PullSecretFile {
    /// The credentials.
    pub config: DockerConfig,
    /// What the FILE was.
    pub shape: Shape,
    /// For messages: `NAME (a bare docker config JSON)` or `NAME (Secret openshift-config/pull-secret, key
    /// .dockerconfigjson)`.
    pub label: String,
}

impl PullSecretFile {
    /// A short account of what the file is, for messages.
    pub fn describe(&self) -> &str {
        &self.label
    }
}

/// A dockerconfig error about the file `origin`, kept as the cause.
pub(crate) fn config_error(origin: &str, source: dockerconfig::Error) -> Error {
    Error::PullSecretConfig {
        origin: origin.to_owned(),
        source: Box::new(source),
    }
}

fn not_a_pull_secret(origin: &str, reason: NotAPullSecret) -> Error {
    Error::NotAPullSecret {
        origin: origin.to_owned(),
        reason,
    }
}

/// Reads a FILE: a bare docker config JSON, or a Secret manifest (YAML or JSON) of type
/// `kubernetes.io/dockerconfigjson` holding `.dockerconfigjson`.
pub fn read_pull_secret(input: &Input) -> Result<PullSecretFile, Error> {
    // JSON first: a bare file, or a Secret manifest written as JSON (it has a top-level `kind`).
    let as_json = DockerConfig::parse(&input.bytes, &input.name);
    match as_json {
        Ok(config) if !config.other_top_level_keys().iter().any(|k| k == "kind") => {
            let what = match config.format() {
                Format::Auths => "a bare docker config JSON",
                Format::Legacy => "a bare legacy .dockercfg JSON",
            };
            let label = format!("{} ({what})", input.name);
            let config =
                DockerConfig::parse(&input.bytes, &label).map_err(|e| config_error(&label, e))?;
            return Ok(PullSecretFile {
                config,
                shape: Shape::Bare,
                label,
            });
        }
        Ok(_) => {}
        Err(json_error) => {
            let first = input.bytes.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'{') || first == Some(&b'[') {
                // It is meant as JSON: say what is wrong with it as JSON.
                return Err(not_a_pull_secret(
                    &input.name,
                    NotAPullSecret::Json(Box::new(json_error)),
                ));
            }
        }
    }
    let objects = icsp::read_objects(&input.name, &input.bytes, &icsp::Limits::default())
        .map_err(|e| not_a_pull_secret(&input.name, NotAPullSecret::Objects(e)))?;
    let mut secrets = Vec::new();
    let mut others = Vec::new();
    for located in objects {
        match located.value {
            Object::Secret(secret) => secrets.push(secret),
            other => others.push(other.display_name()),
        }
    }
    let secret = match (secrets.len(), others.is_empty()) {
        (1, true) => secrets.remove(0),
        (0, _) => {
            return Err(not_a_pull_secret(
                &input.name,
                NotAPullSecret::NoSecret(others),
            ));
        }
        _ => {
            return Err(not_a_pull_secret(
                &input.name,
                NotAPullSecret::NotOneSecret {
                    secrets: secrets.len(),
                    others,
                },
            ));
        }
    };
    let label = format!(
        "{} (Secret {}, key {DOCKERCONFIGJSON_KEY})",
        input.name,
        secret_name(&secret)
    );
    let bytes = dockerconfigjson(&secret).map_err(|refusal| Error::PullSecretRefused {
        origin: label.clone(),
        refusal,
    })?;
    let config = DockerConfig::parse_as(bytes, Format::Auths, &label)
        .map_err(|e| config_error(&label, e))?;
    Ok(PullSecretFile {
        config,
        shape: Shape::Secret(Box::new(secret)),
        label,
    })
}

/// Reads a password from `reader`: the first line, its `\n` (or `\r\n`) stripped. Empty is refused.
pub fn read_password(reader: &mut dyn Read) -> Result<Secret, Error> {
    let mut line = String::new();
    let mut limited = std::io::BufReader::new(reader.take(MAX_PASSWORD_BYTES + 1));
    let read = limited.read_line(&mut line);
    // Wrap at once so the text is wiped whatever happens next.
    let mut password = Secret::new(line);
    read.map_err(|source| Error::Io {
        path: "<stdin>".into(),
        action: Some("reading the password"),
        source,
    })?;
    let text = password.expose();
    if text.len() as u64 > MAX_PASSWORD_BYTES {
        return Err(Error::PasswordTooLong {
            limit: MAX_PASSWORD_BYTES,
        });
    }
    let trimmed = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(text);
    if trimmed.len() != text.len() {
        password = Secret::new(trimmed.to_owned());
    }
    if password.expose().is_empty() {
        return Err(Error::Usage {
            message: "--password-stdin: standard input held no password (an empty first line)"
                .into(),
        });
    }
    Ok(password)
}

/// Checks a `--registry` value: `host[:port]` (a registry host as image references spell it), optionally followed by
/// a namespace path (`host:port/ns/repo`), which containers-auth.json(5) also accepts as a key.
pub fn check_registry(registry: &str) -> Result<(), Error> {
    let refuse = |why: String| Error::Usage {
        message: format!("--registry {registry:?}: {why}"),
    };
    if registry.contains("://") {
        return Err(refuse(
            "give host[:port] without a scheme (containers/image keys have none)".into(),
        ));
    }
    let (host, path) = match registry.split_once('/') {
        Some((host, path)) => (host, Some(path)),
        None => (registry, None),
    };
    trust_bundle::check_registry_host(host)
        .map_err(|why| refuse(format!("not host[:port]: {why}")))?;
    if let Some(path) = path {
        let parsed = image_ref::Reference::parse(registry)
            .map_err(|e| refuse(format!("not host[:port]/namespace: {e}")))?;
        if parsed.domain() != host
            || parsed.tag().is_some()
            || parsed.digest().is_some()
            || path.is_empty()
        {
            return Err(refuse(
                "a registry key is host[:port] or host[:port]/namespace, without a tag or digest"
                    .into(),
            ));
        }
    }
    Ok(())
}

/// Sets `registry`'s entry in `config` to `username` and `password` (as `podman login` writes it), replacing
/// every spelling of the registry; a refusal names the flag (`--username`, `--registry`).
pub fn set_credentials(
    config: &mut DockerConfig,
    registry: &str,
    username: &str,
    password: &Secret,
) -> Result<SetOutcome, Error> {
    let entry =
        AuthEntry::from_user_password(username, password.expose()).map_err(|_| Error::Usage {
            message: format!(
                "--username {username:?}: a user name must not contain ':' (auth is user:password)"
            ),
        })?;
    config.set(registry, entry).map_err(|e| Error::Usage {
        message: format!("--registry: {e}"),
    })
}
