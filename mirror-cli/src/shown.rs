//! Text from inputs as messages show it: names, values and lines chosen by whoever wrote the input (or owns the
//! node's root) reach a terminal escaped and cut, never raw (`ESC[2J`, title changes). The one escaping rule is
//! node-root's ([`node_root::escaped`]); the cut is [`crate::bounds::QUOTED_TEXT_BYTES`].

/// `text` with control characters, `\` and invalid UTF-8 escaped, cut at [`crate::bounds::QUOTED_TEXT_BYTES`].
pub fn shown(text: impl AsRef<[u8]>) -> String {
    node_root::escaped(text.as_ref(), crate::bounds::QUOTED_TEXT_BYTES)
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
    fn long_text_is_cut() {
        let long = "x".repeat(10_000);
        let text = shown(&long);
        assert!(text.len() < 300, "{}", text.len());
        assert!(text.ends_with('…'));
    }
}
