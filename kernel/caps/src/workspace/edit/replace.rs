//! `replace`: change exactly one occurrence of a text in a file.
//!
//! Owns: the search-and-replace edit, its "closest line" hint, and its tests.
//!
//! Must never: change a file when the text occurs zero or several times
//! (overlapping occurrences count), edit a file that is not UTF-8 or is over
//! `max_write_bytes`, or change the file's line endings: in a CRLF file a search
//! written with LF endings matches, and the replacement is written with CRLF;
//! the file keeps ending (or not ending) with a line ending.

use super::super::error::quote;
use super::super::{Workspace, WorkspaceError};
use super::atomic;
use super::change::{Change, ChangeKind, sha256_hex};
use super::text::{LineStyle, lines};

/// Most lines scanned for a "closest line" hint.
const HINT_MAX_LINES: usize = 100_000;

impl Workspace {
    /// Replaces the single occurrence of `search` in the text file at `path` with
    /// `replace`. `not-found` (with the most similar line, when there is one) if
    /// it does not occur, `conflict` if it occurs more than once; either way the
    /// file is unchanged.
    pub fn replace(
        &self,
        path: &str,
        search: &str,
        replace: &str,
    ) -> Result<Change, WorkspaceError> {
        let rel = self.edit_path(path)?;
        if search.is_empty() {
            return Err(WorkspaceError::EmptySearch {
                path: path.to_owned(),
            });
        }
        let target = self.open_target(&rel, path, false)?;
        let existing = target.existing_file(path, &self.root)?;
        existing.refuse_hard_links(path)?;
        let before = target.read_text(self.limits.max_write_bytes, path, &self.root)?;
        let after = replace_once(&before, search, replace).map_err(|miss| match miss {
            Miss::NotFound { closest } => WorkspaceError::SearchNotFound {
                path: path.to_owned(),
                closest,
            },
            Miss::Ambiguous { count } => WorkspaceError::SearchAmbiguous {
                path: path.to_owned(),
                count,
            },
        })?;
        self.check_write_size(path, after.len())?;
        atomic::write_file(
            &target.dir,
            &target.name,
            after.as_bytes(),
            Some(existing.mode),
            path,
            &self.root,
        )?;
        tracing::debug!(path = %rel, "text replaced");
        Ok(Change {
            path: rel,
            kind: ChangeKind::Modified,
            before_sha256: Some(sha256_hex(before.as_bytes())),
            after_sha256: Some(sha256_hex(after.as_bytes())),
        })
    }
}

/// Why a replacement could not be made.
#[derive(Debug, PartialEq, Eq)]
enum Miss {
    /// No occurrence; the most similar line, as "line N: `text`".
    NotFound { closest: Option<String> },
    /// Several occurrences.
    Ambiguous { count: usize },
}

/// `text` with the one occurrence of `search` replaced, in the file's line style.
fn replace_once(text: &str, search: &str, replace: &str) -> Result<String, Miss> {
    let style = LineStyle::of(text);
    let mut needle = search.to_owned();
    let mut found = occurrences(text, &needle);
    if found.count == 0 && style.eol == "\r\n" && search.contains('\n') {
        // An LF search in a CRLF file.
        needle = style.convert(search);
        found = occurrences(text, &needle);
    }
    let at = match (found.first, found.count) {
        (Some(at), 1) => at,
        (_, 0) | (None, _) => {
            return Err(Miss::NotFound {
                closest: closest_line(text, search),
            });
        }
        (_, count) => return Err(Miss::Ambiguous { count }),
    };
    let mut after = String::with_capacity(text.len() + replace.len());
    after.push_str(&text[..at]);
    after.push_str(&style.convert(replace));
    after.push_str(&text[at + needle.len()..]);
    Ok(style.finish(after, style.final_newline))
}

/// Where `needle` first occurs in `text`, and how often (overlapping ones included).
struct Found {
    first: Option<usize>,
    count: usize,
}

fn occurrences(text: &str, needle: &str) -> Found {
    let mut found = Found {
        first: None,
        count: 0,
    };
    let mut from = 0;
    while let Some(at) = text[from..].find(needle) {
        let at = from + at;
        found.first.get_or_insert(at);
        found.count += 1;
        // The next char boundary after `at`.
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// The file line most like the first non-blank line of `search`, if it shares
/// at least half of it (by common prefix and suffix, ignoring indentation), as
/// "line N: `text`".
fn closest_line(text: &str, search: &str) -> Option<String> {
    let wanted = search
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())?;
    let wanted_len = wanted.chars().count();
    let mut best: Option<(usize, usize, &str)> = None;
    for (index, line) in lines(text).into_iter().take(HINT_MAX_LINES).enumerate() {
        let trimmed = line.text.trim();
        if trimmed.is_empty() {
            continue;
        }
        let score = if trimmed == wanted {
            usize::MAX
        } else {
            let prefix = common_prefix(trimmed.chars(), wanted.chars());
            let suffix = common_prefix(trimmed.chars().rev(), wanted.chars().rev());
            (prefix + suffix).min(wanted_len)
        };
        if best.is_none_or(|(best_score, _, _)| score > best_score) {
            best = Some((score, index + 1, line.text));
        }
    }
    let (score, number, line) = best?;
    (score.saturating_mul(2) >= wanted_len && score >= 3)
        .then(|| format!("line {number}: `{}`", quote(line)))
}

fn common_prefix(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> usize {
    a.zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn replaces_the_single_occurrence() {
        assert_eq!(replace_once("a b c\n", "b", "X"), Ok("a X c\n".into()));
    }

    #[test]
    fn counts_overlapping_occurrences() {
        assert_eq!(
            replace_once("aaa", "aa", "b"),
            Err(Miss::Ambiguous { count: 2 })
        );
        let found = occurrences("xééé", "é");
        assert_eq!((found.first, found.count), (Some(1), 3));
    }

    #[test]
    fn lf_search_matches_a_crlf_file_and_keeps_crlf() {
        let text = "one\r\ntwo\r\nthree\r\n";
        assert_eq!(
            replace_once(text, "one\ntwo\n", "1\n2\n"),
            Ok("1\r\n2\r\nthree\r\n".into())
        );
    }

    #[test]
    fn keeps_the_trailing_newline_state() {
        assert_eq!(replace_once("a\nb", "b", "c\n"), Ok("a\nc".into()));
        assert_eq!(replace_once("a\nb\n", "b\n", "c"), Ok("a\nc\n".into()));
    }

    #[test]
    fn closest_line_ignores_indentation_and_needs_similarity() {
        let text = "fn main() {\n    println!(\"hello\");\n}\n";
        assert_eq!(
            closest_line(text, "println!(\"hello\");"),
            Some("line 2: `    println!(\"hello\");`".into())
        );
        assert_eq!(
            closest_line(text, "  println!(\"hullo\");\n"),
            Some("line 2: `    println!(\"hello\");`".into())
        );
        assert_eq!(closest_line(text, "completely different"), None);
        assert_eq!(closest_line(text, "\n  \n"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::change::sha256_hex;
    use crate::ErrorKind;
    use crate::workspace::testing::{Fixture, assert_refused};
    use crate::workspace::{ChangeKind, WorkspaceLimits};

    const LIB: &str = "fn main() {\n    println!(\"hello\");\n}\n";

    #[test]
    fn replaces_the_one_occurrence() {
        let fx = Fixture::new();
        fx.write("src/main.rs", LIB);
        let change = fx
            .open()
            .replace("src/main.rs", "println!(\"hello\")", "println!(\"bye\")")
            .expect("replace");
        let after = "fn main() {\n    println!(\"bye\");\n}\n";
        assert_eq!(fx.read("src/main.rs"), after);
        assert_eq!(change.kind, ChangeKind::Modified);
        assert_eq!(change.before_sha256, Some(sha256_hex(LIB.as_bytes())));
        assert_eq!(change.after_sha256, Some(sha256_hex(after.as_bytes())));
        fx.assert_no_temp_files();
    }

    #[test]
    fn missing_text_is_not_found_and_shows_the_closest_line() {
        let fx = Fixture::new();
        fx.write("src/main.rs", LIB);
        let ws = fx.open();
        let err = assert_refused(
            &fx,
            &ws,
            ErrorKind::NotFound,
            "was not found in `src/main.rs`",
            |ws| ws.replace("src/main.rs", "println!(\"helo\");", "x"),
        );
        assert!(
            err.to_string()
                .contains("the closest line is line 2: `    println!(\"hello\");`"),
            "{err}"
        );
        let err = assert_refused(&fx, &ws, ErrorKind::NotFound, "copy the text", |ws| {
            ws.replace("src/main.rs", "zzz", "x")
        });
        assert!(!err.to_string().contains("closest"), "{err}");
    }

    #[test]
    fn several_occurrences_are_a_conflict() {
        let fx = Fixture::new();
        fx.write("a.txt", "x = 1\nx = 1\nx = 1\n");
        let ws = fx.open();
        assert_refused(
            &fx,
            &ws,
            ErrorKind::Conflict,
            "found 3 times in `a.txt`; include more surrounding lines",
            |ws| ws.replace("a.txt", "x = 1", "x = 2"),
        );
        assert_refused(
            &fx,
            &ws,
            ErrorKind::InvalidInput,
            "search text is empty",
            |ws| ws.replace("a.txt", "", "x"),
        );
    }

    #[test]
    fn non_utf8_files_are_invalid_input() {
        let fx = Fixture::new();
        fx.write("latin1.txt", b"caf\xe9\n");
        let ws = fx.open();
        assert_refused(
            &fx,
            &ws,
            ErrorKind::InvalidInput,
            "is not UTF-8 text",
            |ws| ws.replace("latin1.txt", "caf", "bar"),
        );
    }

    #[test]
    fn crlf_and_trailing_newline_are_kept() {
        let fx = Fixture::new();
        fx.write("win.txt", "one\r\ntwo\r\nthree\r\n")
            .write("no-eol.txt", "a\nb");
        let ws = fx.open();
        ws.replace("win.txt", "two\nthree\n", "2\n3\n")
            .expect("lf search");
        assert_eq!(fx.read("win.txt"), "one\r\n2\r\n3\r\n");
        ws.replace("win.txt", "one", "1\nuno")
            .expect("lf replacement");
        assert_eq!(fx.read("win.txt"), "1\r\nuno\r\n2\r\n3\r\n");
        ws.replace("no-eol.txt", "b", "c").expect("no eol");
        assert_eq!(fx.read("no-eol.txt"), "a\nc");
    }

    #[test]
    fn permission_bits_are_kept() {
        let fx = Fixture::new();
        fx.write("run.sh", "#!/bin/sh\necho hi\n")
            .chmod("run.sh", 0o755);
        fx.open().replace("run.sh", "hi", "bye").expect("replace");
        assert_eq!(fx.mode("run.sh"), 0o755);
        assert_eq!(fx.read("run.sh"), "#!/bin/sh\necho bye\n");
    }

    #[test]
    fn the_write_rules_apply() {
        let fx = Fixture::new();
        fx.write("a.txt", "text")
            .write(".git/config", "text")
            .symlink("a.txt", "link")
            .symlink("../secret.txt", "secret")
            .mkfifo("pipe");
        std::fs::hard_link(fx.root().join("a.txt"), fx.root().join("b.txt")).expect("link");
        let ws = fx.open();
        for (path, kind, fragment) in [
            ("a.txt", ErrorKind::Denied, "hard links"),
            ("link", ErrorKind::Denied, "symlink"),
            ("secret", ErrorKind::Denied, "symlink"),
            ("pipe", ErrorKind::Denied, "named pipe"),
            (".git/config", ErrorKind::Denied, "inside `.git`"),
            (".GIT/config", ErrorKind::Denied, "inside `.git`"),
            (
                "../secret.txt",
                ErrorKind::Denied,
                "outside the project root",
            ),
            ("missing.txt", ErrorKind::NotFound, "does not exist"),
        ] {
            assert_refused(&fx, &ws, kind, fragment, |ws| {
                ws.replace(path, "text", "pwned")
            });
        }
    }

    #[test]
    fn size_limits_apply_to_the_file_and_the_result() {
        let fx = Fixture::new();
        fx.write("small.txt", "0123456789")
            .write("big.txt", vec![b'a'; 11]);
        let ws = fx.open_with(WorkspaceLimits {
            max_write_bytes: 10,
            ..WorkspaceLimits::default()
        });
        assert_refused(
            &fx,
            &ws,
            ErrorKind::TooLarge,
            "a replace or patch can edit",
            |ws| ws.replace("big.txt", "a", "b"),
        );
        assert_refused(&fx, &ws, ErrorKind::TooLarge, "11 bytes", |ws| {
            ws.replace("small.txt", "0", "00")
        });
    }
}
