//! Manifest media types: the `Accept` list containers/image sends and how it reads `Content-Type`.

/// `application/vnd.oci.image.manifest.v1+json`
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// `application/vnd.oci.image.index.v1+json`
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// `application/vnd.docker.distribution.manifest.v2+json`
pub const DOCKER_V2S2: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// `application/vnd.docker.distribution.manifest.list.v2+json`
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// `application/vnd.docker.distribution.manifest.v1+prettyjws` (schema 1, signed)
pub const DOCKER_V2S1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";
/// `application/vnd.docker.distribution.manifest.v1+json` (schema 1)
pub const DOCKER_V2S1: &str = "application/vnd.docker.distribution.manifest.v1+json";

/// containers/image's `manifest.DefaultRequestedManifestMIMETypes`, in its order. It sends each as its own
/// `Accept` header line (Go's `Header.Add` per value), and so does this crate.
pub const ACCEPT: [&str; 6] = [
    OCI_MANIFEST,
    DOCKER_V2S2,
    DOCKER_V2S1_SIGNED,
    DOCKER_V2S1,
    DOCKER_LIST,
    OCI_INDEX,
];

/// The media type of a `Content-Type` value with its parameters dropped and lowercased (Go's
/// `mime.ParseMediaType`, as containers/image's `simplifyContentType`); `""` for an empty or unreadable value.
pub fn simplify_content_type(content_type: &str) -> String {
    let base = content_type.split(';').next().unwrap_or("").trim();
    let ok = base
        .split_once('/')
        .is_some_and(|(t, s)| is_token(t) && is_token(s));
    if ok {
        base.to_ascii_lowercase()
    } else {
        String::new()
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// How containers/image's `NormalizedMIMEType` reads a (simplified) manifest media type: the six manifest types
/// as they are, `application/json` as schema 1 signed, and anything else — a CDN's `text/plain`, an empty value —
/// also as schema 1 signed, which then only parses if the body really is schema 1.
///
/// Returns the type containers/image would use and whether `media_type` was one of the known manifest types.
pub fn normalize(media_type: &str) -> (&'static str, bool) {
    for known in ACCEPT {
        if media_type == known {
            return (known, true);
        }
    }
    (DOCKER_V2S1_SIGNED, media_type == "application/json")
}

/// Whether a (normalized) media type is a list of manifests: a Docker manifest list or an OCI index.
pub fn is_list(media_type: &str) -> bool {
    media_type == DOCKER_LIST || media_type == OCI_INDEX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_is_containers_image_order() {
        assert_eq!(ACCEPT[0], "application/vnd.oci.image.manifest.v1+json");
        assert_eq!(ACCEPT[5], "application/vnd.oci.image.index.v1+json");
        assert_eq!(ACCEPT.len(), 6);
    }

    #[test]
    fn simplify() {
        for (header, simplified) in [
            (
                "application/vnd.oci.image.manifest.v1+json; charset=utf-8",
                OCI_MANIFEST,
            ),
            ("Application/JSON", "application/json"),
            ("", ""),
            ("garbage", ""),
        ] {
            assert_eq!(simplify_content_type(header), simplified, "{header:?}");
        }
    }

    #[test]
    fn normalized() {
        assert_eq!(normalize(OCI_INDEX), (OCI_INDEX, true));
        assert_eq!(normalize("application/json"), (DOCKER_V2S1_SIGNED, true));
        assert_eq!(normalize("text/plain"), (DOCKER_V2S1_SIGNED, false));
        assert!(is_list(DOCKER_LIST) && !is_list(OCI_MANIFEST));
    }
}
