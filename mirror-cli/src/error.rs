//! The one error type of the library half.

use std::fmt;

/// Everything that stops a command. Each variant says where (file, object, field) and what; none ever holds a
/// secret value.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An input file could not be read.
    Io {
        /// The file.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// An input stream could not be read as objects.
    Objects(icsp::Error),
    /// OpenShift would refuse the objects; the text is OpenShift's own.
    Refused {
        /// The message, exactly as the controller reports it.
        message: String,
    },
    /// The objects contradict each other or lack something another object names.
    Inconsistent {
        /// What is wrong, naming the objects and fields.
        message: String,
    },
    /// The pull secret is unusable.
    PullSecret {
        /// Where it came from.
        origin: String,
        /// What is wrong.
        message: String,
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
    /// A command-line value is wrong.
    Usage {
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, reason } => write!(f, "{path}: {reason}"),
            Error::Objects(e) => write!(f, "{e}"),
            Error::Refused { message } => f.write_str(message),
            Error::Inconsistent { message } => f.write_str(message),
            Error::PullSecret { origin, message } => write!(f, "{origin}: {message}"),
            Error::PullSecretRefused { origin, refusal } => write!(f, "{origin}: {refusal}"),
            Error::DockerConfig(e) => write!(f, "{e}"),
            Error::Trust(e) => write!(f, "{e}"),
            Error::RegistriesConf(e) => write!(f, "{e}"),
            Error::PolicyJson(e) => write!(f, "{e}"),
            Error::Write(e) => write!(f, "nothing was written: {e}"),
            Error::Mapping {
                file,
                line,
                message,
            } => write!(f, "file {file}, line {line}: {message}"),
            Error::Usage { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    // The wrapped errors' texts are already this error's text (pinned by tests), so their causes are forwarded
    // rather than themselves: a reporter walking the chain says each thing once.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Objects(e) => e.source(),
            Error::DockerConfig(e) => e.source(),
            Error::Trust(e) => e.source(),
            Error::RegistriesConf(e) => e.source(),
            Error::PolicyJson(e) => e.source(),
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
