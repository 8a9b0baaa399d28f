//! Applying one file's hunks to its text, in memory.
//!
//! Owns: locating each hunk (at its stated line, or the nearest place below the
//! previous hunk where all of its old lines match exactly — line numbers in
//! hand-written patches drift), building the new text, and explaining a
//! mismatch with the first differing line.
//!
//! Must never: apply a hunk whose old lines do not all match exactly (no fuzz:
//! context is never ignored), let hunks overlap or go backwards, or change an
//! untouched line's ending. Lines are compared without their endings, so an LF
//! patch applies to a CRLF file; inserted lines get the file's style; the file
//! keeps ending (or not) with a line ending unless a `\ No newline at end of
//! file` marker says the patch changes that.

use super::super::super::error::quote;
use super::super::text::{Line, LineStyle, lines};
use super::parse::{Hunk, HunkLine};

/// Why a hunk did not apply.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Mismatch {
    /// The hunk's header.
    pub(crate) hunk: String,
    /// Where and how it differs.
    pub(crate) detail: String,
}

/// `original` with `hunks` applied.
pub(crate) fn apply(original: &str, hunks: &[Hunk<'_>]) -> Result<String, Mismatch> {
    let style = LineStyle::of(original);
    let old = lines(original);
    // `eol: ""` on an inserted line means "the file's style".
    let mut new: Vec<Line<'_>> = Vec::with_capacity(old.len());
    let mut cursor = 0;
    for hunk in hunks {
        let expected: Vec<&str> = hunk
            .lines
            .iter()
            .filter_map(|line| match line {
                HunkLine::Context(text) | HunkLine::Remove(text) => Some(*text),
                HunkLine::Add(_) => None,
            })
            .collect();
        // 0-based index of the first old line (an insertion goes after `old_start`).
        let stated = if hunk.old_len == 0 {
            hunk.old_start
        } else {
            hunk.old_start.saturating_sub(1)
        };
        let Some(at) = locate(&old, &expected, cursor, stated) else {
            return Err(Mismatch {
                hunk: hunk.header.clone(),
                detail: explain(&old, &expected, cursor, stated),
            });
        };
        new.extend_from_slice(&old[cursor..at]);
        let mut next = at;
        for line in &hunk.lines {
            match line {
                HunkLine::Context(_) => {
                    new.push(old[next]);
                    next += 1;
                }
                HunkLine::Remove(_) => next += 1,
                HunkLine::Add(text) => new.push(Line { text, eol: "" }),
            }
        }
        cursor = next;
    }
    new.extend_from_slice(&old[cursor..]);

    let final_newline = if hunks.iter().any(|hunk| hunk.new_missing_newline) {
        false
    } else if original.is_empty() || hunks.iter().any(|hunk| hunk.old_missing_newline) {
        true
    } else {
        style.final_newline
    };
    let mut text = String::with_capacity(original.len());
    let last = new.len().saturating_sub(1);
    for (index, line) in new.iter().enumerate() {
        text.push_str(line.text);
        if index < last || final_newline {
            text.push_str(if line.eol.is_empty() {
                style.eol
            } else {
                line.eol
            });
        }
    }
    Ok(text)
}

/// Where `expected` matches `old` at or after `cursor`, nearest to `stated`.
fn locate(old: &[Line<'_>], expected: &[&str], cursor: usize, stated: usize) -> Option<usize> {
    if expected.is_empty() {
        // A pure insertion has nothing to match: it goes where it says.
        return (cursor..=old.len()).contains(&stated).then_some(stated);
    }
    let last_start = old.len().checked_sub(expected.len())?;
    if last_start < cursor {
        return None;
    }
    let matches = |at: usize| {
        old[at..at + expected.len()]
            .iter()
            .zip(expected)
            .all(|(line, want)| line.text == *want)
    };
    let start = stated.clamp(cursor, last_start);
    let span = (start - cursor).max(last_start - start);
    (0..=span).find_map(|distance| {
        let below = start.checked_sub(distance).filter(|at| *at >= cursor);
        let above = Some(start + distance).filter(|at| *at <= last_start && distance > 0);
        [below, above].into_iter().flatten().find(|at| matches(*at))
    })
}

/// The first line that differs when the hunk is laid at its stated place.
fn explain(old: &[Line<'_>], expected: &[&str], cursor: usize, stated: usize) -> String {
    if stated < cursor {
        return format!(
            "it starts at line {} but the hunk before it already covers the file up to line {cursor}; hunks must be in order and must not overlap",
            stated + 1
        );
    }
    if expected.is_empty() {
        return format!(
            "it inserts after line {stated} but the file has {} lines",
            old.len()
        );
    }
    for (offset, want) in expected.iter().enumerate() {
        let index = stated + offset;
        match old.get(index) {
            Some(line) if line.text == *want => continue,
            Some(line) => {
                return format!(
                    "line {} should be `{}` but is `{}`",
                    index + 1,
                    quote(want),
                    quote(line.text)
                );
            }
            None => {
                return format!(
                    "line {} should be `{}` but the file ends after line {}",
                    index + 1,
                    quote(want),
                    old.len()
                );
            }
        }
    }
    // Unreachable in practice (a match at the stated place is found), kept total.
    format!("its lines do not match at line {}", stated + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::edit::patch::parse::parse;

    fn patched(original: &str, patch: &str) -> Result<String, Mismatch> {
        let files = parse(patch).expect("parse");
        apply(original, &files[0].hunks)
    }

    #[test]
    fn applies_hunks_at_their_lines() {
        let patch = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -4 +4,2 @@\n d\n+e\n";
        assert_eq!(patched("a\nb\nc\nd\n", patch), Ok("A\nb\nc\nd\ne\n".into()));
    }

    #[test]
    fn drifted_line_numbers_find_the_nearest_exact_match() {
        let patch = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n+Y\n";
        assert_eq!(patched("0\n1\nx\ny\n", patch), Ok("0\n1\nx\nY\n".into()));
    }

    #[test]
    fn a_mismatch_names_the_first_differing_line() {
        let patch = "--- a/f\n+++ b/f\n@@ -2,2 +2,2 @@\n b\n-c\n+C\n";
        let mismatch = patched("a\nb\nX\n", patch).expect_err("mismatch");
        assert_eq!(mismatch.hunk, "@@ -2,2 +2,2 @@");
        assert_eq!(mismatch.detail, "line 3 should be `c` but is `X`");
        let short = patched("a\nb\n", patch).expect_err("short file");
        assert!(
            short.detail.contains("the file ends after line 2"),
            "{short:?}"
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let patch = "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n+B\n+c\n";
        assert_eq!(patched("a\r\nb\r\n", patch), Ok("a\r\nB\r\nc\r\n".into()));
    }

    #[test]
    fn trailing_newline_state_is_kept_unless_a_marker_changes_it() {
        let append = "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n a\n+b\n";
        assert_eq!(patched("a", append), Ok("a\nb".into()));
        assert_eq!(patched("a\n", append), Ok("a\nb\n".into()));
        let remove_newline =
            "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n";
        assert_eq!(patched("a\n", remove_newline), Ok("a".into()));
        let add_newline = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n";
        assert_eq!(patched("a", add_newline), Ok("a\n".into()));
    }

    #[test]
    fn overlapping_hunks_are_refused() {
        let patch = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n@@ -2 +2 @@\n-b\n+C\n";
        let mismatch = patched("a\nb\nc\n", patch).expect_err("overlap");
        assert!(mismatch.detail.contains("must not overlap"), "{mismatch:?}");
    }

    #[test]
    fn deleting_every_line_leaves_an_empty_text() {
        let patch = "--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n";
        assert_eq!(patched("a\nb\n", patch), Ok(String::new()));
    }
}
