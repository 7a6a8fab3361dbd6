//! The one error type of the library half.

use std::fmt;

/// Everything that stops a command. Each variant says where (file, object, field) and what; none ever holds a
/// secret value.
///
/// `Display` is the one line the CLI prints (it includes the cause's text, pinned by the tests' snapshots);
/// [`source()`](std::error::Error::source) gives the cause itself as a typed value (the other crate's error, or the
/// `io::Error`), for programs that want to match on it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file (or stdin, stdout) could not be read or written.
    Io {
        /// The file, or `<stdin>` / `<output>`.
        path: String,
        /// What was being done, when the path alone does not say it (`reading the password`).
        action: Option<&'static str>,
        /// The system's error.
        source: std::io::Error,
    },
    /// An input is larger than the limit; it was not parsed.
    TooLarge {
        /// The file, or `<stdin>`.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A file the command line names (or stdin) is over the input bound, or over what the command's budget has
    /// left; `--max-input-bytes` raises both.
    InputTooLarge {
        /// The file, or `<stdin>`.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A path that must be a folder (a node's root) is not one.
    NotAFolder {
        /// The path as given.
        path: String,
        /// What to give instead.
        hint: &'static str,
    },
    /// The password line on stdin is longer than the limit.
    PasswordTooLong {
        /// The limit in bytes.
        limit: u64,
    },
    /// An input stream could not be read as objects.
    Objects(icsp::Error),
    /// The registries.conf this program rendered does not load (a bug, not bad input).
    RenderedConfig(registries_conf::Error),
    /// Two objects where OpenShift reads one (`Image/cluster`, `ClusterVersion/version`, the pull secret).
    TwoObjects {
        /// What there are two of, as the message says it (`Image \`cluster\` objects`).
        what: &'static str,
        /// The first, described (file, document, object).
        first: String,
        /// The second, described.
        second: String,
    },
    /// The Image's `spec.additionalTrustedCA.name` names a ConfigMap that is not among the inputs.
    MissingConfigMap {
        /// The Image, described (file, document, object).
        image: String,
        /// The ConfigMap's name.
        name: String,
    },
    /// Two node files with one path.
    DuplicatePath {
        /// The absolute path.
        path: String,
    },
    /// A pull secret file's docker config JSON is unusable.
    PullSecretConfig {
        /// Where it came from: the file, and what it is (a bare JSON, a Secret and its key).
        origin: String,
        /// dockerconfig's error (its text starts with `origin`; the message says the origin once). Boxed: it is
        /// large, and every `Result` of this crate carries the `Error`.
        source: Box<dockerconfig::Error>,
    },
    /// A FILE given as a pull secret is neither a docker config JSON nor one Secret manifest.
    NotAPullSecret {
        /// The file.
        origin: String,
        /// Why not.
        reason: NotAPullSecret,
    },
    /// The Secret given as the pull secret cannot be one.
    PullSecretRefused {
        /// Where the Secret was read (file, document, object).
        origin: String,
        /// Why it is refused.
        refusal: crate::cluster::PullSecretRefusal,
    },
    /// The pull secret's docker config JSON is unusable (the error names the file or object).
    DockerConfig(dockerconfig::Error),
    /// A CA bundle or its ConfigMap is unusable.
    Trust(trust_bundle::Error),
    /// A registries.conf could not be read, or OpenShift would refuse the mirror rules.
    RegistriesConf(registries_conf::Error),
    /// OpenShift would refuse the mirror rules, at a known place in the inputs.
    RulesAt {
        /// `file x.yaml, document 2, ImageDigestMirrorSet/foo, spec.imageDigestMirrors[0].source`.
        place: String,
        /// registries-conf's error, in OpenShift's words.
        source: registries_conf::Error,
    },
    /// A CA bundle of the trusted-CA ConfigMap is unusable.
    TrustAt {
        /// `file x.yaml, document 1, ConfigMap/registry-config`.
        place: String,
        /// trust-bundle's error (it names the key). Boxed: it is large.
        source: Box<trust_bundle::Error>,
    },
    /// OpenShift would refuse the allowed / blocked registries for policy.json.
    PolicyJson(policy_json::Error),
    /// Writing the node files failed; nothing was changed.
    Write(crate::writer::WriteError),
    /// A line of a mapping file is unusable.
    Mapping {
        /// The file.
        file: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The MachineConfig that would hold registries.conf is over what etcd stores.
    TooLargeForCluster(crate::machine_config::MachineConfigSize),
    /// A `-f` folder holds no `*.yaml`, `*.yml` or `*.json` file.
    NoObjectFiles {
        /// The folder as given.
        folder: String,
        /// Whether its subfolders were read (`-R`).
        recursive: bool,
    },
    /// The inputs hold no object that shapes a node's files (or no object at all).
    NothingShapesNodes(crate::cluster::ReadSummary),
    /// A command-line value is wrong.
    Usage {
        /// What is wrong.
        message: String,
    },
    /// An input that must be a regular file is a FIFO, a device, a socket or a symbolic link: never read.
    NotRegular {
        /// The file as given (or as named on the node).
        path: String,
        /// What it is.
        kind: node_root::FileKind,
        /// What to give instead.
        hint: &'static str,
    },
    /// A bounded read or a write under a node's root refused or failed (node-root's message names the operation
    /// and the path; for a write that replaced some files, which ones).
    Node(node_root::Error),
    /// Writing a node's files under its root failed. Unless node-root's error says a generation was partly
    /// applied (and which files), nothing was replaced.
    NodeWrite(node_root::Error),
}

/// Why a FILE is not a pull secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum NotAPullSecret {
    /// It is meant as JSON (it starts with `{` or `[`) and is not a docker config JSON.
    Json(Box<dockerconfig::Error>),
    /// It is neither JSON nor a YAML object stream.
    Objects(icsp::Error),
    /// An object stream without a Secret: the objects found, described.
    NoSecret(Vec<String>),
    /// Several Secrets, or a Secret and other objects.
    NotOneSecret {
        /// How many Secrets.
        secrets: usize,
        /// The other objects, described.
        others: Vec<String>,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            action: None,
            source,
        }
    }
}

/// `text` without its leading `origin: ` (dockerconfig's messages start with the origin they were given).
fn without_origin<'a>(text: &'a str, origin: &str) -> &'a str {
    text.strip_prefix(origin)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(text)
}

const NEITHER: &str = "neither a docker config JSON nor a Secret manifest";

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                path,
                action: None,
                source,
            } => write!(f, "{path}: {source}"),
            Error::Io {
                path,
                action: Some(action),
                source,
            } => write!(f, "{path}: {action}: {source}"),
            Error::TooLarge { path, limit } => write!(f, "{path}: larger than {limit} bytes"),
            Error::InputTooLarge { path, limit } => write!(
                f,
                "{path}: larger than {limit} bytes (--max-input-bytes BYTES raises the bound)"
            ),
            Error::NotAFolder { path, hint } => write!(f, "{path}: not a folder ({hint})"),
            Error::PasswordTooLong { limit } => {
                write!(f, "<stdin>: the password line is longer than {limit} bytes")
            }
            Error::Objects(e) => write!(f, "{e}"),
            Error::RenderedConfig(e) => {
                write!(f, "the rendered registries.conf does not load: {e}")
            }
            Error::TwoObjects {
                what,
                first,
                second,
            } => write!(f, "two {what}: {first} and {second}"),
            Error::MissingConfigMap { image, name } => write!(
                f,
                "{image}: spec.additionalTrustedCA.name names ConfigMap {}/{}, which is not among the \
                 inputs",
                crate::cluster::CONFIG_NAMESPACE,
                crate::shown::shown(name)
            ),
            Error::DuplicatePath { path } => write!(f, "{path}: two files with the same path"),
            Error::PullSecretConfig { origin, source } => {
                write!(
                    f,
                    "{origin}: {}",
                    without_origin(&source.to_string(), origin)
                )
            }
            Error::NotAPullSecret { origin, reason } => match reason {
                NotAPullSecret::Json(e) => write!(
                    f,
                    "{origin}: {NEITHER}: {}",
                    without_origin(&e.to_string(), origin)
                ),
                NotAPullSecret::Objects(e) => write!(f, "{origin}: {NEITHER}: {e}"),
                NotAPullSecret::NoSecret(others) if others.is_empty() => {
                    write!(f, "{origin}: {NEITHER} (found nothing)")
                }
                NotAPullSecret::NoSecret(others) => {
                    write!(f, "{origin}: {NEITHER} (found {})", others.join(", "))
                }
                NotAPullSecret::NotOneSecret { secrets, others } if others.is_empty() => {
                    write!(
                        f,
                        "{origin}: expected one Secret, found {secrets} Secret(s)"
                    )
                }
                NotAPullSecret::NotOneSecret { secrets, others } => write!(
                    f,
                    "{origin}: expected one Secret, found {secrets} Secret(s) and {}",
                    others.join(", ")
                ),
            },
            Error::PullSecretRefused { origin, refusal } => write!(f, "{origin}: {refusal}"),
            Error::DockerConfig(e) => write!(f, "{e}"),
            Error::Trust(e) => write!(f, "{e}"),
            Error::RegistriesConf(e) => write!(f, "{e}"),
            Error::RulesAt { place, source } => write!(f, "{place}: {source}"),
            Error::TrustAt { place, source } => write!(f, "{place}: {source}"),
            Error::PolicyJson(e) => write!(f, "{e}"),
            Error::Write(e) => write!(f, "nothing was written: {e}"),
            Error::Mapping {
                file,
                line,
                message,
            } => write!(f, "file {file}, line {line}: {message}"),
            Error::NoObjectFiles {
                folder,
                recursive: false,
            } => write!(
                f,
                "{folder}: no .yaml, .yml or .json file in the folder (-R reads its subfolders too)"
            ),
            Error::NoObjectFiles {
                folder,
                recursive: true,
            } => write!(
                f,
                "{folder}: no .yaml, .yml or .json file in the folder or its subfolders"
            ),
            Error::TooLargeForCluster(size) => write!(f, "too large for the cluster: {size}"),
            Error::NothingShapesNodes(summary) => {
                write!(f, "{}: {summary}", summary.inputs_text())
            }
            Error::Usage { message } => f.write_str(message),
            Error::NotRegular { path, kind, hint } => {
                write!(
                    f,
                    "{}: is {kind}; not read ({hint})",
                    crate::shown::shown(path)
                )
            }
            Error::Node(e) => write!(f, "{e}"),
            Error::NodeWrite(e) if e.partial().is_none() => write!(f, "nothing was written: {e}"),
            Error::NodeWrite(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Objects(e) => Some(e),
            Error::RenderedConfig(e) | Error::RegistriesConf(e) => Some(e),
            Error::RulesAt { source, .. } => Some(source),
            Error::TrustAt { source, .. } => Some(source.as_ref()),
            Error::PullSecretConfig { source, .. } => Some(source.as_ref()),
            Error::NotAPullSecret { reason, .. } => match reason {
                NotAPullSecret::Json(e) => Some(e.as_ref()),
                NotAPullSecret::Objects(e) => Some(e),
                _ => None,
            },
            Error::PullSecretRefused { refusal, .. } => Some(refusal),
            Error::DockerConfig(e) => Some(e),
            Error::Trust(e) => Some(e),
            Error::PolicyJson(e) => Some(e),
            Error::Write(e) => Some(e),
            Error::Node(e) | Error::NodeWrite(e) => Some(e),
            _ => None,
        }
    }
}

impl From<dockerconfig::Error> for Error {
    fn from(e: dockerconfig::Error) -> Self {
        Error::DockerConfig(e)
    }
}

impl From<icsp::Error> for Error {
    fn from(e: icsp::Error) -> Self {
        Error::Objects(e)
    }
}

impl From<trust_bundle::Error> for Error {
    fn from(e: trust_bundle::Error) -> Self {
        Error::Trust(e)
    }
}

impl From<crate::writer::WriteError> for Error {
    fn from(e: crate::writer::WriteError) -> Self {
        Error::Write(e)
    }
}

impl From<node_root::Error> for Error {
    fn from(e: node_root::Error) -> Self {
        Error::Node(e)
    }
}
