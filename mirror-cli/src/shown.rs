//! Text from inputs as messages show it: names, values and lines chosen by whoever wrote the input (or owns the
//! node's root) reach a terminal escaped and cut, never raw (`ESC[2J`, title changes). The one escaping rule is
//! node-root's ([`node_root::escaped`]); the cut is [`crate::bounds::QUOTED_TEXT_BYTES`].

/// `text` with control characters, `\` and invalid UTF-8 escaped, cut at [`crate::bounds::QUOTED_TEXT_BYTES`].
pub fn shown(text: impl AsRef<[u8]>) -> String {
    node_root::escaped(text.as_ref(), crate::bounds::QUOTED_TEXT_BYTES)
}

/// Whether input text must never be quoted at all: it parses as a docker config (a JSON object with `auths`,
/// `credHelpers` or `credsStore`, as a pull secret or `~/.docker/config.json`), or names an `"auth"`. A message
/// about such a file names the file and says why, never a line of it.
pub fn never_quoted(bytes: &[u8]) -> bool {
    let docker_config = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes)
        .is_ok_and(|top| {
            ["auths", "credHelpers", "credsStore"]
                .iter()
                .any(|k| top.contains_key(*k))
        });
    docker_config || bytes.windows(6).any(|w| w == b"\"auth\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(shown("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\\n");
        assert_eq!(shown(b"\xff/x"), "\\xff/x");
    }

    #[test]
    fn docker_configs_are_never_quoted() {
        assert!(never_quoted(br#"{"auths":{"quay.io":{"auth":"eDp5"}}}"#));
        assert!(never_quoted(br#"{"credHelpers":{}}"#));
        assert!(never_quoted(b"quay.io/a:1 \"auth\": x"));
        assert!(!never_quoted(
            br#"{"default":[{"type":"insecureAcceptAnything"}]}"#
        ));
        assert!(!never_quoted(b"quay.io/a/b:1 mirror.example.com/a/b:1\n"));
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(10_000);
        let text = shown(&long);
        assert!(
            text.len() <= crate::bounds::QUOTED_TEXT_BYTES + "…".len(),
            "{}",
            text.len()
        );
        assert!(text.ends_with('…'));
    }
}
