//! Unified diffs of node files, as diff(1) -u prints them: `---`/`+++` headers, hunks with 3 lines of context.
//! The edit script comes from the `similar` crate (Myers' algorithm: no quadratic table, so large files keep a
//! minimal diff instead of degrading to "delete all, insert all").

use std::fmt::Write as _;

use similar::{Algorithm, DiffOp, capture_diff_slices, group_diff_ops};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff of two texts (3 lines of context), `---`/`+++` headers named as given. Empty texts and a
/// missing final newline are shown as diff(1) shows them; equal texts give the headers only.
pub fn unified_diff(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    let (a, b) = (lines(old), lines(new));
    let mut text = format!("--- {old_name}\n+++ {new_name}\n");
    let ops = capture_diff_slices(Algorithm::Myers, &a, &b);
    for hunk in group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let _ = writeln!(
            text,
            "@@ -{} +{} @@",
            range(old_range.start, old_range.len()),
            range(new_range.start, new_range.len())
        );
        for op in &hunk {
            match *op {
                DiffOp::Equal { old_index, len, .. } => {
                    push(&mut text, ' ', &a[old_index..old_index + len])
                }
                DiffOp::Delete {
                    old_index, old_len, ..
                } => push(&mut text, '-', &a[old_index..old_index + old_len]),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => push(&mut text, '+', &b[new_index..new_index + new_len]),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    push(&mut text, '-', &a[old_index..old_index + old_len]);
                    push(&mut text, '+', &b[new_index..new_index + new_len]);
                }
            }
        }
    }
    text
}

/// The lines of `text`, each with its newline; a last line without one carries diff(1)'s marker, so it differs
/// from the same line with a newline and prints as diff(1) prints it.
fn lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    if let Some(last) = lines.last_mut()
        && !last.ends_with('\n')
    {
        last.push_str("\n\\ No newline at end of file\n");
    }
    lines
}

/// A hunk header's range: `start,count` (1-based), `start` alone for one line, `before,0` for none.
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{count}", start + 1),
    }
}

fn push(text: &mut String, sign: char, lines: &[String]) {
    for line in lines {
        text.push(sign);
        text.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_of_one_changed_line_has_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified_diff("old", "new", old, new),
            "--- old\n+++ new\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn diff_marks_a_missing_final_newline_and_empty_sides() {
        assert_eq!(
            unified_diff("o", "n", "x", "x\n"),
            "--- o\n+++ n\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n"
        );
        assert_eq!(
            unified_diff("o", "n", "", "y\n"),
            "--- o\n+++ n\n@@ -0,0 +1 @@\n+y\n"
        );
        assert_eq!(unified_diff("o", "n", "same\n", "same\n"), "--- o\n+++ n\n");
    }

    /// Applies a unified diff made by [`unified_diff`] to `old` (a test oracle: hunks in order, context checked).
    fn apply(old: &str, diff: &str) -> String {
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut next = 0; // index in old_lines of the next line not yet copied
        let mut lines = diff.split_inclusive('\n').skip(2).peekable();
        while let Some(header) = lines.next() {
            let start: usize = header
                .trim_start_matches("@@ -")
                .split([',', ' '])
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let count_is_zero = header
                .trim_start_matches("@@ -")
                .split(' ')
                .next()
                .unwrap()
                .ends_with(",0");
            let first = if count_is_zero { start } else { start - 1 };
            for line in &old_lines[next..first] {
                out.push_str(line);
            }
            next = first;
            while let Some(line) = lines.next_if(|l| !l.starts_with("@@")) {
                let marker_follows = lines.peek().is_some_and(|l| l.starts_with('\\'));
                let body = &line[1..];
                let body = if marker_follows {
                    lines.next();
                    body.strip_suffix('\n').unwrap()
                } else {
                    body
                };
                match &line[..1] {
                    " " => {
                        assert_eq!(old_lines[next], body, "context");
                        out.push_str(body);
                        next += 1;
                    }
                    "-" => {
                        assert_eq!(old_lines[next], body, "deleted line");
                        next += 1;
                    }
                    "+" => out.push_str(body),
                    other => panic!("unexpected diff line {other:?}"),
                }
            }
        }
        for line in &old_lines[next..] {
            out.push_str(line);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn a_diff_applied_to_the_old_text_gives_the_new(
            old in proptest::collection::vec("[abc]{0,2}", 0..30),
            new in proptest::collection::vec("[abc]{0,2}", 0..30),
            old_newline in proptest::bool::ANY,
            new_newline in proptest::bool::ANY,
        ) {
            let join = |lines: &[String], final_newline: bool| {
                let mut text = lines.join("\n");
                if final_newline && !lines.is_empty() {
                    text.push('\n');
                }
                text
            };
            let (old, new) = (join(&old, old_newline), join(&new, new_newline));
            let diff = unified_diff("o", "n", &old, &new);
            proptest::prop_assert_eq!(diff.contains("\n@@ "), old != new, "{}", diff);
            proptest::prop_assert_eq!(apply(&old, &diff), new, "{}", diff);
        }
    }

    #[test]
    fn distant_changes_make_two_hunks() {
        let old: String = (0..20).map(|i| format!("{i}\n")).collect();
        let new: String = (0..20)
            .map(|i| match i {
                2 => "two\n".to_owned(),
                17 => "seventeen\n".to_owned(),
                i => format!("{i}\n"),
            })
            .collect();
        let diff = unified_diff("o", "n", &old, &new);
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(diff.contains("@@ -1,6 +1,6 @@"), "{diff}");
        assert!(diff.contains("@@ -15,6 +15,6 @@"), "{diff}");
    }
}
