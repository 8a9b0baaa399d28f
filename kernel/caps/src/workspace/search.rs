//! `search`: find lines matching a literal or a regular expression.
//!
//! Owns: compiling the query and the glob, scanning files, and shaping matches
//! (1-based line and byte column, line text cut to `max_line_chars`).
//!
//! Must never: search `.git` or ignored files, follow symlinks, read a file over
//! `max_search_file_bytes` or a binary one (NUL in the first 8 KiB), compile an
//! unbounded regex (`size_limit`; the `regex` crate is linear-time, so no
//! pattern can backtrack catastrophically), or return more matches than the
//! kernel's cap. Reaching the cap is not an error: the matches found so far are
//! returned. Files that cannot be read are skipped.

use std::ops::ControlFlow;

use cap_fs_ext::FollowSymlinks;
use globset::{GlobBuilder, GlobMatcher};
use regex::bytes::{Regex, RegexBuilder};

use super::file::RegularFile;
use super::list::EntryKind;
use super::walk::Depth;
use super::{Workspace, WorkspaceError};

/// Bytes inspected for a NUL to decide a file is binary.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// Most memory one compiled query may take.
const REGEX_SIZE_LIMIT: usize = 1024 * 1024;
/// Characters of context kept before a match that starts late in a long line.
const CONTEXT_CHARS: usize = 40;

/// How to search (the WIT `search-options`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// Treat the query as a regular expression (Rust `regex` syntax).
    pub regex: bool,
    /// Match regardless of letter case.
    pub case_insensitive: bool,
    /// Only search paths matching this glob. With a `/` it matches the whole
    /// relative path (`src/**/*.rs`, `*` does not cross `/`); without one, the
    /// file name at any depth (`*.py`).
    pub glob: Option<String>,
    /// Stop after this many matches; 0 means the kernel's cap.
    pub max_results: u32,
}

/// One line that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchMatch {
    /// Path relative to the project root.
    pub path: String,
    /// 1-based line number.
    pub line: u32,
    /// 1-based byte column where the (first) match on the line starts.
    pub column: u32,
    /// The line, cut to at most `max_line_chars` characters around the match.
    pub text: String,
}

impl Workspace {
    /// Searches every non-ignored file for `query`, in path order.
    pub fn search(
        &self,
        query: &str,
        options: &SearchOptions,
    ) -> Result<Vec<SearchMatch>, WorkspaceError> {
        let regex = compile_query(query, options)?;
        let glob = options.glob.as_deref().map(PathFilter::new).transpose()?;
        let cap = self.limits.max_search_results;
        let max = match usize::try_from(options.max_results) {
            Ok(0) | Err(_) => cap,
            Ok(asked) => asked.min(cap),
        };

        let mut matches = Vec::new();
        if max == 0 {
            return Ok(matches);
        }
        self.walk("", ".", Depth::Recursive, &mut |visited| {
            if visited.kind != EntryKind::File
                || glob.as_ref().is_some_and(|g| !g.matches(visited.path))
            {
                return Ok(ControlFlow::Continue(()));
            }
            let file = RegularFile {
                dir: &self.dir,
                rel: visited.path,
                follow: FollowSymlinks::No,
                stat_first: false,
            };
            let bytes = match file.read(self.limits.max_search_file_bytes, visited.path, &self.root)
            {
                Ok(bytes) => bytes,
                Err(err) => {
                    tracing::debug!(path = visited.path, error = %err, "search skipped a file");
                    return Ok(ControlFlow::Continue(()));
                }
            };
            if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
                return Ok(ControlFlow::Continue(()));
            }
            let found = find_lines(
                &regex,
                &bytes,
                max - matches.len(),
                self.limits.max_line_chars,
            );
            matches.extend(found.into_iter().map(|(line, column, text)| SearchMatch {
                path: visited.path.to_owned(),
                line,
                column,
                text,
            }));
            Ok(if matches.len() >= max {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            })
        })?;
        matches.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        Ok(matches)
    }
}

/// The query as a byte regex: escaped when literal, `^`/`$` at line ends.
fn compile_query(query: &str, options: &SearchOptions) -> Result<Regex, WorkspaceError> {
    if query.is_empty() {
        return Err(WorkspaceError::EmptyQuery);
    }
    let pattern = if options.regex {
        query.to_owned()
    } else {
        regex::escape(query)
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(options.case_insensitive)
        .multi_line(true)
        .crlf(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|err| WorkspaceError::InvalidRegex {
            query: query.to_owned(),
            message: match err {
                regex::Error::CompiledTooBig(limit) => format!(
                    "it is too complex (its compiled form exceeds {limit} bytes); simplify it"
                ),
                other => other.to_string(),
            },
        })
}

/// Which paths a search looks at.
struct PathFilter {
    matcher: GlobMatcher,
    /// No `/` in the glob: match the file name only.
    name_only: bool,
}

impl PathFilter {
    fn new(glob: &str) -> Result<PathFilter, WorkspaceError> {
        let matcher = GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|err| WorkspaceError::InvalidGlob {
                glob: glob.to_owned(),
                message: err.kind().to_string(),
            })?
            .compile_matcher();
        Ok(PathFilter {
            matcher,
            name_only: !glob.contains('/'),
        })
    }

    fn matches(&self, path: &str) -> bool {
        if self.name_only {
            let name = path.rsplit('/').next().unwrap_or(path);
            self.matcher.is_match(name)
        } else {
            self.matcher.is_match(path)
        }
    }
}

/// Up to `max` matching lines of `bytes`, as (line, column, text).
/// One result per line: the first match on it.
fn find_lines(
    regex: &Regex,
    bytes: &[u8],
    max: usize,
    max_chars: usize,
) -> Vec<(u32, u32, String)> {
    let mut found = Vec::new();
    let mut pos = 0;
    let mut line = 1usize;
    let mut counted_to = 0;
    while found.len() < max && pos <= bytes.len() {
        let Some(m) = regex.find_at(bytes, pos) else {
            break;
        };
        // An empty match after the final newline is not on a line of the file.
        if m.start() == bytes.len() && (bytes.is_empty() || bytes.ends_with(b"\n")) {
            break;
        }
        let line_start = bytes[..m.start()]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line_end = bytes[m.start()..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| m.start() + i);
        line += bytes[counted_to..line_start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = line_start;

        let mut text = &bytes[line_start..line_end];
        if let Some(stripped) = text.strip_suffix(b"\r") {
            text = stripped;
        }
        let column = m.start() - line_start;
        found.push((
            saturate(line),
            saturate(column + 1),
            excerpt(text, column.min(text.len()), max_chars),
        ));
        pos = line_end + 1;
    }
    found
}

/// At most `max_chars` characters of `line`, starting early enough to show the
/// match at byte `match_start` (with some context) when the line is long.
fn excerpt(line: &[u8], match_start: usize, max_chars: usize) -> String {
    let text = String::from_utf8_lossy(line);
    if text.chars().count() <= max_chars {
        return text.into_owned();
    }
    let match_char = String::from_utf8_lossy(&line[..match_start])
        .chars()
        .count();
    let context = CONTEXT_CHARS.min(max_chars / 4);
    let skip = if match_char + context < max_chars {
        0
    } else {
        match_char - context
    };
    text.chars().skip(skip).take(max_chars).collect()
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::ErrorKind;
    use crate::workspace::WorkspaceLimits;
    use crate::workspace::testing::{Fixture, assert_kind};

    fn literal(max_results: u32) -> SearchOptions {
        SearchOptions {
            max_results,
            ..SearchOptions::default()
        }
    }

    fn hits(matches: &[SearchMatch]) -> Vec<(&str, u32, u32)> {
        matches
            .iter()
            .map(|m| (m.path.as_str(), m.line, m.column))
            .collect()
    }

    fn project() -> Fixture {
        let fx = Fixture::new();
        fx.write("src/main.rs", "fn main() {\n    parse_config();\n}\n")
            .write(
                "src/config.rs",
                "pub fn parse_config() {}\n// parse_config twice parse_config\n",
            )
            .write("README.md", "Call Parse_Config first.\r\n")
            .write("notes.txt", "a.b and a+b\n");
        fx
    }

    #[test]
    fn literal_search_finds_lines_with_columns() {
        let fx = project();
        let found = fx
            .open()
            .search("parse_config", &literal(0))
            .expect("search");
        assert_eq!(
            hits(&found),
            vec![
                ("src/config.rs", 1, 8),
                ("src/config.rs", 2, 4),
                ("src/main.rs", 2, 5)
            ]
        );
        assert_eq!(found[2].text, "    parse_config();");
    }

    #[test]
    fn literal_queries_are_not_regexes() {
        let fx = project();
        let ws = fx.open();
        assert_eq!(
            hits(&ws.search("a+b", &literal(0)).expect("plus")),
            vec![("notes.txt", 1, 9)]
        );
        assert_eq!(
            hits(&ws.search("a.b", &literal(0)).expect("dot")),
            vec![("notes.txt", 1, 1)]
        );
    }

    #[test]
    fn case_insensitive_and_crlf() {
        let fx = project();
        let options = SearchOptions {
            case_insensitive: true,
            ..literal(0)
        };
        let found = fx
            .open()
            .search("PARSE_CONFIG first.", &options)
            .expect("search");
        assert_eq!(hits(&found), vec![("README.md", 1, 6)]);
        assert_eq!(found[0].text, "Call Parse_Config first.");
    }

    #[test]
    fn regex_search_with_line_anchors() {
        let fx = project();
        let options = SearchOptions {
            regex: true,
            ..literal(0)
        };
        let ws = fx.open();
        let found = ws.search(r"^\s+\w+\(\);$", &options).expect("regex");
        assert_eq!(hits(&found), vec![("src/main.rs", 2, 1)]);
        let found = ws.search(r"first\.$", &options).expect("crlf end");
        assert_eq!(hits(&found), vec![("README.md", 1, 19)]);
    }

    #[test]
    fn invalid_regex_and_glob_are_invalid_input() {
        let fx = project();
        let ws = fx.open();
        let regex = SearchOptions {
            regex: true,
            ..literal(0)
        };
        assert_kind(
            &ws.search("(unclosed", &regex).expect_err("regex"),
            ErrorKind::InvalidInput,
            "invalid regular expression `(unclosed`",
        );
        let glob = SearchOptions {
            glob: Some("src/[a".into()),
            ..literal(0)
        };
        assert_kind(
            &ws.search("x", &glob).expect_err("glob"),
            ErrorKind::InvalidInput,
            "invalid glob `src/[a`",
        );
        assert_kind(
            &ws.search("", &literal(0)).expect_err("empty"),
            ErrorKind::InvalidInput,
            "query is empty",
        );
    }

    #[test]
    fn huge_regex_is_refused_by_the_size_limit() {
        let fx = project();
        let options = SearchOptions {
            regex: true,
            ..literal(0)
        };
        let err = fx
            .open()
            .search(r"\w{1000}{1000}", &options)
            .expect_err("too big");
        assert_kind(&err, ErrorKind::InvalidInput, "too complex");
    }

    #[test]
    fn catastrophic_backtracking_pattern_runs_in_linear_time() {
        let fx = Fixture::new();
        let mut line = "a".repeat(50_000);
        line.push('!');
        fx.write("evil.txt", &line);
        let options = SearchOptions {
            regex: true,
            ..literal(0)
        };
        let started = Instant::now();
        let found = fx.open().search(r"(a+)+$", &options).expect("search");
        assert!(found.is_empty());
        let found = fx.open().search(r"(a|aa)*b", &options).expect("search");
        assert!(found.is_empty());
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn glob_filters_paths() {
        let fx = project();
        fx.write("src/deep/nested.rs", "parse_config\n")
            .write("parse_config.rs", "parse_config\n");
        let ws = fx.open();
        let with_glob = |glob: &str| SearchOptions {
            glob: Some(glob.into()),
            ..literal(0)
        };
        let files = |found: Vec<SearchMatch>| {
            let mut files: Vec<String> = found.into_iter().map(|m| m.path).collect();
            files.dedup();
            files
        };
        assert_eq!(
            files(
                ws.search("parse_config", &with_glob("src/**/*.rs"))
                    .expect("deep glob")
            ),
            vec!["src/config.rs", "src/deep/nested.rs", "src/main.rs"]
        );
        assert_eq!(
            files(
                ws.search("parse_config", &with_glob("src/*.rs"))
                    .expect("one level")
            ),
            vec!["src/config.rs", "src/main.rs"]
        );
        assert_eq!(
            files(
                ws.search("parse_config", &with_glob("*.rs"))
                    .expect("name glob")
            ),
            vec![
                "parse_config.rs",
                "src/config.rs",
                "src/deep/nested.rs",
                "src/main.rs"
            ]
        );
        assert!(
            ws.search("parse_config", &with_glob("*.md"))
                .expect("md")
                .is_empty()
        );
    }

    #[test]
    fn skips_ignored_git_binary_oversize_and_symlinks() {
        let fx = Fixture::new();
        fx.write(".gitignore", "*.log\n")
            .write("app.log", "needle\n")
            .write(".git/COMMIT_EDITMSG", "needle\n")
            .write("image.png", b"needle\0\x89PNG")
            .write("big.txt", format!("needle\n{}", "x".repeat(2000)))
            .write("small.txt", "needle\n");
        fx.symlink("/etc/passwd", "passwd")
            .symlink("small.txt", "small-link");
        let ws = fx.open_with(WorkspaceLimits {
            max_search_file_bytes: 1000,
            ..WorkspaceLimits::default()
        });
        let found = ws.search("needle", &literal(0)).expect("search");
        assert_eq!(hits(&found), vec![("small.txt", 1, 1)]);
        let root = ws.search("root", &literal(0)).expect("search");
        assert!(root.is_empty(), "searched through a symlink: {root:?}");
    }

    #[test]
    fn stops_at_the_requested_or_kernel_cap() {
        let fx = Fixture::new();
        fx.write("a.txt", "hit\n".repeat(30))
            .write("b.txt", "hit\n".repeat(30));
        let ws = fx.open_with(WorkspaceLimits {
            max_search_results: 50,
            ..WorkspaceLimits::default()
        });
        assert_eq!(ws.search("hit", &literal(5)).expect("five").len(), 5);
        assert_eq!(ws.search("hit", &literal(0)).expect("default").len(), 50);
        assert_eq!(
            ws.search("hit", &literal(u32::MAX)).expect("capped").len(),
            50
        );
        let found = ws.search("hit", &literal(31)).expect("31");
        assert_eq!(
            found.last().map(|m| (m.path.as_str(), m.line)),
            Some(("b.txt", 1))
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_match() {
        let fx = Fixture::new();
        let long = format!("{}needle{}", "é".repeat(1000), "z".repeat(1000));
        fx.write("long.txt", &long)
            .write("short.txt", "needle at start");
        let ws = fx.open_with(WorkspaceLimits {
            max_line_chars: 100,
            ..WorkspaceLimits::default()
        });
        let found = ws.search("needle", &literal(0)).expect("search");
        assert_eq!(found[0].path, "long.txt");
        assert_eq!(
            found[0].column, 2001,
            "byte column: 1000 two-byte chars before"
        );
        assert_eq!(found[0].text.chars().count(), 100);
        assert!(found[0].text.contains("needle"), "{}", found[0].text);
        assert_eq!(found[1].text, "needle at start");
    }

    #[test]
    fn empty_matches_do_not_loop_or_invent_lines() {
        let fx = Fixture::new();
        fx.write("three.txt", "a\nb\nc\n");
        let options = SearchOptions {
            regex: true,
            ..literal(0)
        };
        let found = fx.open().search("^", &options).expect("search");
        assert_eq!(
            hits(&found),
            vec![
                ("three.txt", 1, 1),
                ("three.txt", 2, 1),
                ("three.txt", 3, 1)
            ]
        );
    }

    #[test]
    fn non_utf8_lines_are_shown_lossily() {
        let fx = Fixture::new();
        fx.write("latin1.txt", b"caf\xe9 needle\n");
        let found = fx.open().search("needle", &literal(0)).expect("search");
        assert_eq!(hits(&found), vec![("latin1.txt", 1, 6)]);
        assert_eq!(found[0].text, "caf\u{fffd} needle");
    }
}
