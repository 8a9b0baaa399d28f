//! Parsing a unified diff into file sections and hunks.
//!
//! Owns: the accepted patch syntax — plain unified diffs and git's (`diff --git`
//! with `index`, `new file mode`, `deleted file mode` lines), `a/` and `b/`
//! prefixes stripped from the `---` and `+++` paths, `/dev/null` for a created or
//! deleted file, several files and several hunks each, `\ No newline at end of
//! file` markers, and CRLF patches. Text before the first header (a commit
//! message) is ignored.
//!
//! Must never: guess. Hunk line counts must match their headers; a hunk line
//! that does not start with ` `, `-`, `+` or `\` is an error (an empty line is
//! read as an empty context line, as `git apply` does); renames, copies, mode
//! changes, binary patches and quoted file names are refused with what to do
//! instead. Paths are returned as written: the caller validates them.

use super::super::super::WorkspaceError;

/// One file's section of a patch.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FilePatch<'a> {
    /// The `---` path without its `a/` prefix; `None` for `/dev/null` (a new file).
    pub(crate) old_path: Option<&'a str>,
    /// The `+++` path without its `b/` prefix; `None` for `/dev/null` (deleted).
    pub(crate) new_path: Option<&'a str>,
    /// The hunks, in patch order.
    pub(crate) hunks: Vec<Hunk<'a>>,
}

impl<'a> FilePatch<'a> {
    /// The path the section is about, for messages.
    pub(crate) fn path(&self) -> &'a str {
        self.new_path.or(self.old_path).unwrap_or("/dev/null")
    }
}

/// One `@@ -l,n +l,n @@` hunk.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Hunk<'a> {
    /// The header, normalised to `@@ -l,n +l,n @@` (for messages).
    pub(crate) header: String,
    /// 1-based first old line (for an insertion, the line it goes after; 0 = top).
    pub(crate) old_start: usize,
    /// Old lines the hunk covers (context and removed).
    pub(crate) old_len: usize,
    /// The hunk's lines.
    pub(crate) lines: Vec<HunkLine<'a>>,
    /// A `\ No newline at end of file` marker applies to the old side.
    pub(crate) old_missing_newline: bool,
    /// A `\ No newline at end of file` marker applies to the new side.
    pub(crate) new_missing_newline: bool,
}

/// One line of a hunk, without its prefix and line ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HunkLine<'a> {
    /// ` `: in both old and new.
    Context(&'a str),
    /// `-`: only in old.
    Remove(&'a str),
    /// `+`: only in new.
    Add(&'a str),
}

/// A `diff --git` header whose `---`/`+++` lines have not been seen yet.
struct GitSection<'a> {
    /// `(a, b)` from `diff --git a/<a> b/<b>`, when they can be told apart.
    paths: Option<(&'a str, &'a str)>,
    new_file: bool,
    deleted_file: bool,
    /// 1-based line of the header.
    line: usize,
}

/// Parses `patch` into its file sections.
pub(crate) fn parse(patch: &str) -> Result<Vec<FilePatch<'_>>, WorkspaceError> {
    let mut lines: Vec<&str> = patch
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();
    if patch.ends_with('\n') {
        lines.pop();
    }
    let mut parser = Parser {
        lines,
        at: 0,
        files: Vec::new(),
        git: None,
    };
    parser.run()?;
    Ok(parser.files)
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    /// Index of the current line.
    at: usize,
    files: Vec<FilePatch<'a>>,
    git: Option<GitSection<'a>>,
}

impl<'a> Parser<'a> {
    fn run(&mut self) -> Result<(), WorkspaceError> {
        while let Some(&line) = self.lines.get(self.at) {
            if let Some(rest) = line.strip_prefix("diff --git ") {
                self.flush_git()?;
                self.git = Some(GitSection {
                    paths: git_paths(rest),
                    new_file: false,
                    deleted_file: false,
                    line: self.at + 1,
                });
            } else if line.starts_with("--- ") {
                self.file_section()?;
                continue;
            } else if line.starts_with("@@") {
                return Err(self
                    .syntax("a hunk must follow a file header (`--- a/path` then `+++ b/path`)"));
            } else if self.git.is_some() {
                self.git_header_line(line)?;
            }
            self.at += 1;
        }
        self.flush_git()
    }

    /// An extended header line of a `diff --git` section.
    fn git_header_line(&mut self, line: &str) -> Result<(), WorkspaceError> {
        let path = self.git_path();
        let unsupported = |what, fix| WorkspaceError::PatchUnsupported {
            path: path.to_owned(),
            what,
            fix,
        };
        let Some(git) = self.git.as_mut() else {
            return Ok(());
        };
        if line.starts_with("new file mode ") {
            git.new_file = true;
        } else if line.starts_with("deleted file mode ") {
            git.deleted_file = true;
        } else if line.starts_with("old mode ") || line.starts_with("new mode ") {
            return Err(unsupported(
                "changes the file's mode",
                "leave the mode lines out; only content is patched",
            ));
        } else if ["rename from ", "rename to ", "copy from ", "copy to "]
            .iter()
            .any(|prefix| line.starts_with(prefix))
        {
            return Err(unsupported(
                "renames or copies the file",
                "use move (or create) first, then patch the new path",
            ));
        } else if line.starts_with("Binary files ") || line == "GIT binary patch" {
            return Err(unsupported(
                "changes binary content",
                "only text files can be patched",
            ));
        }
        // `index`, `similarity index` and anything else: informational.
        Ok(())
    }

    /// The path of the pending `diff --git` section, for messages.
    fn git_path(&self) -> &'a str {
        self.git
            .as_ref()
            .and_then(|git| git.paths)
            .map_or("?", |(_, b)| b)
    }

    /// A `diff --git` section that ended without `---`/`+++`: an empty file
    /// created or deleted, or nothing.
    fn flush_git(&mut self) -> Result<(), WorkspaceError> {
        let Some(git) = self.git.take() else {
            return Ok(());
        };
        if !git.new_file && !git.deleted_file {
            return Ok(());
        }
        let Some((a, b)) = git.paths else {
            return Err(WorkspaceError::PatchSyntax {
                line: git.line,
                message: "cannot tell the two paths of this `diff --git` line apart".into(),
            });
        };
        self.files.push(FilePatch {
            old_path: (!git.new_file).then_some(a),
            new_path: (!git.deleted_file).then_some(b),
            hunks: Vec::new(),
        });
        Ok(())
    }

    /// `--- old`, `+++ new`, then the hunks.
    fn file_section(&mut self) -> Result<(), WorkspaceError> {
        self.git = None;
        let old = &self.lines[self.at]["--- ".len()..];
        let Some(new) = self
            .lines
            .get(self.at + 1)
            .and_then(|line| line.strip_prefix("+++ "))
        else {
            return Err(self.syntax("a `--- a/path` line must be followed by `+++ b/path`"));
        };
        let old_path = self.header_path(old, "a/")?;
        self.at += 1;
        let new_path = self.header_path(new, "b/")?;
        if old_path.is_none() && new_path.is_none() {
            return Err(self.syntax("both sides of the file header are /dev/null"));
        }
        self.at += 1;
        let mut file = FilePatch {
            old_path,
            new_path,
            hunks: Vec::new(),
        };
        while self
            .lines
            .get(self.at)
            .is_some_and(|line| line.starts_with("@@"))
        {
            let hunk = self.hunk(file.path())?;
            file.hunks.push(hunk);
        }
        if let Some(&line) = self.lines.get(self.at) {
            let next_header = line.starts_with("--- ")
                && self
                    .lines
                    .get(self.at + 1)
                    .is_some_and(|next| next.starts_with("+++ "));
            // `-- ` is the signature separator `git format-patch` ends with.
            let signature = line == "-- " || line == "--";
            let hunk_like = [' ', '+', '-', '\\'].iter().any(|c| line.starts_with(*c));
            if !file.hunks.is_empty() && hunk_like && !next_header && !signature {
                return Err(self.syntax(&format!(
                    "the hunk before has more lines than its `@@` header counts (in `{}`); fix the counts",
                    file.path()
                )));
            }
        }
        if file.hunks.is_empty() && file.old_path.is_some() && file.new_path.is_some() {
            return Err(WorkspaceError::PatchSyntax {
                line: self.at,
                message: format!("the section for `{}` has no hunks", file.path()),
            });
        }
        self.files.push(file);
        Ok(())
    }

    /// The path of a `---`/`+++` line: the part before a tab (a timestamp may
    /// follow), without `prefix`; `None` for `/dev/null`.
    fn header_path(&self, raw: &'a str, prefix: &str) -> Result<Option<&'a str>, WorkspaceError> {
        let raw = raw.split('\t').next().unwrap_or(raw);
        if raw == "/dev/null" {
            return Ok(None);
        }
        if raw.starts_with('"') {
            return Err(self.syntax(
                "quoted file names (git's form for unusual characters) are not supported; use write or replace for this file",
            ));
        }
        let path = raw.strip_prefix(prefix).unwrap_or(raw);
        if path.is_empty() {
            return Err(self.syntax("the file header names no file"));
        }
        Ok(Some(path))
    }

    /// One hunk, starting at its `@@` line.
    fn hunk(&mut self, path: &str) -> Result<Hunk<'a>, WorkspaceError> {
        let header_line = self.lines[self.at];
        let Some((old_start, old_len, new_len, header)) = hunk_header(header_line) else {
            return Err(self.syntax(&format!(
                "`{header_line}` is not a hunk header; it looks like `@@ -12,3 +12,4 @@`"
            )));
        };
        if old_len == 0 && new_len == 0 {
            return Err(self.syntax(&format!("hunk `{header}` of `{path}` is empty")));
        }
        let mut hunk = Hunk {
            header,
            old_start,
            old_len,
            lines: Vec::new(),
            old_missing_newline: false,
            new_missing_newline: false,
        };
        let (mut old_seen, mut new_seen) = (0, 0);
        self.at += 1;
        while old_seen < old_len || new_seen < new_len {
            let Some(&line) = self.lines.get(self.at) else {
                return Err(self.syntax(&format!(
                    "the patch ends inside hunk `{}` of `{path}`; its header counts more lines than follow",
                    hunk.header
                )));
            };
            let parsed = match line.as_bytes().first() {
                None => HunkLine::Context(""),
                Some(b' ') => HunkLine::Context(&line[1..]),
                Some(b'-') => HunkLine::Remove(&line[1..]),
                Some(b'+') => HunkLine::Add(&line[1..]),
                Some(b'\\') => {
                    self.no_newline_marker(&mut hunk)?;
                    continue;
                }
                Some(_) => {
                    return Err(self.syntax(&format!(
                        "unexpected line in hunk `{}` of `{path}`: hunk lines start with ` ` (context), `-` (removed) or `+` (added)",
                        hunk.header
                    )));
                }
            };
            match parsed {
                HunkLine::Context(_) => {
                    old_seen += 1;
                    new_seen += 1;
                }
                HunkLine::Remove(_) => old_seen += 1,
                HunkLine::Add(_) => new_seen += 1,
            }
            if old_seen > old_len || new_seen > new_len {
                return Err(self.syntax(&format!(
                    "hunk `{}` of `{path}` has more lines than its header counts; fix the counts",
                    hunk.header
                )));
            }
            hunk.lines.push(parsed);
            self.at += 1;
        }
        if self
            .lines
            .get(self.at)
            .is_some_and(|line| line.starts_with('\\'))
        {
            self.no_newline_marker(&mut hunk)?;
        }
        Ok(hunk)
    }

    /// `\ No newline at end of file`: the line before it has no line ending.
    fn no_newline_marker(&mut self, hunk: &mut Hunk<'a>) -> Result<(), WorkspaceError> {
        match hunk.lines.last() {
            Some(HunkLine::Context(_)) => {
                hunk.old_missing_newline = true;
                hunk.new_missing_newline = true;
            }
            Some(HunkLine::Remove(_)) => hunk.old_missing_newline = true,
            Some(HunkLine::Add(_)) => hunk.new_missing_newline = true,
            None => {
                return Err(self.syntax("`\\ No newline at end of file` must follow a hunk line"));
            }
        }
        self.at += 1;
        Ok(())
    }

    fn syntax(&self, message: &str) -> WorkspaceError {
        WorkspaceError::PatchSyntax {
            line: self.at + 1,
            message: message.to_owned(),
        }
    }
}

/// `@@ -l[,n] +l[,n] @@[ section]` → (old start, old count, new count, normalised header).
fn hunk_header(line: &str) -> Option<(usize, usize, usize, String)> {
    let ranges = line.strip_prefix("@@ -")?.split_once(" @@")?.0;
    let (old, new) = ranges.split_once(" +")?;
    let (old_start, old_len) = range(old)?;
    let (new_start, new_len) = range(new)?;
    let header = format!("@@ -{old_start},{old_len} +{new_start},{new_len} @@");
    Some((old_start, old_len, new_len, header))
}

/// `l,n` or `l` (a count of 1).
fn range(text: &str) -> Option<(usize, usize)> {
    let (start, len) = text.split_once(',').unwrap_or((text, "1"));
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    Some((number(start)?, number(len)?))
}

/// The two paths of `a/<a> b/<b>`; when ` b/` occurs more than once, the split
/// where both sides are equal.
fn git_paths(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.strip_prefix("a/")?;
    let splits: Vec<(&str, &str)> = rest
        .match_indices(" b/")
        .map(|(at, _)| (&rest[..at], &rest[at + 3..]))
        .collect();
    match splits.as_slice() {
        [only] => Some(*only),
        several => several.iter().copied().find(|(a, b)| a == b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::workspace::testing::assert_kind;

    #[test]
    fn parses_a_git_patch_with_two_files_and_hunks() {
        let patch = "commit message\n\ndiff --git a/src/a.rs b/src/a.rs\nindex 1..2 100644\n--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1,2 +1,2 @@ fn x\n-old\n+new\n ctx\n@@ -10 +10,2 @@\n ten\n+eleven\ndiff --git a/b.txt b/b.txt\n--- a/b.txt\t2024-01-01\n+++ b/b.txt\t2024-01-02\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n";
        let files = parse(patch).expect("parse");
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].old_path, Some("src/a.rs"));
        assert_eq!(files[0].hunks.len(), 2);
        assert_eq!(files[0].hunks[0].header, "@@ -1,2 +1,2 @@");
        assert_eq!(
            files[0].hunks[0].lines,
            vec![
                HunkLine::Remove("old"),
                HunkLine::Add("new"),
                HunkLine::Context("ctx")
            ]
        );
        assert_eq!(
            (files[0].hunks[1].old_start, files[0].hunks[1].old_len),
            (10, 1)
        );
        assert_eq!(files[1].new_path, Some("b.txt"));
        assert!(files[1].hunks[0].old_missing_newline);
        assert!(!files[1].hunks[0].new_missing_newline);
    }

    #[test]
    fn dev_null_means_create_or_delete() {
        let files = parse(
            "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hi\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n",
        )
        .expect("parse");
        assert_eq!(
            (files[0].old_path, files[0].new_path),
            (None, Some("new.txt"))
        );
        assert_eq!(
            (files[1].old_path, files[1].new_path),
            (Some("old.txt"), None)
        );
    }

    #[test]
    fn empty_files_created_or_deleted_by_git_headers_alone() {
        let files = parse(
            "diff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\ndiff --git a/gone b/gone\ndeleted file mode 100644\n",
        )
        .expect("parse");
        assert_eq!(
            (files[0].old_path, files[0].new_path),
            (None, Some("empty"))
        );
        assert_eq!((files[1].old_path, files[1].new_path), (Some("gone"), None));
        assert!(files.iter().all(|file| file.hunks.is_empty()));
    }

    #[test]
    fn crlf_patches_and_blank_context_lines() {
        let files = parse("--- a/x\r\n+++ b/x\r\n@@ -1,3 +1,3 @@\r\n a\r\n\r\n-b\r\n+c\r\n")
            .expect("parse");
        assert_eq!(
            files[0].hunks[0].lines,
            vec![
                HunkLine::Context("a"),
                HunkLine::Context(""),
                HunkLine::Remove("b"),
                HunkLine::Add("c")
            ]
        );
    }

    #[test]
    fn malformed_patches_are_invalid_input() {
        for (patch, fragment) in [
            ("@@ -1 +1 @@\n-a\n+b\n", "must follow a file header"),
            ("--- a/x\n@@ -1 +1 @@\n", "followed by `+++ b/path`"),
            ("--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n-a\n", "ends inside hunk"),
            (
                "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n-b\n+c\n",
                "more lines than its header",
            ),
            (
                "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n",
                "more lines than its `@@` header",
            ),
            (
                "--- a/x\n+++ b/x\n@@ -1 +1 @@\n*a\n",
                "unexpected line in hunk",
            ),
            ("--- a/x\n+++ b/x\n@@ -a +1 @@\n", "is not a hunk header"),
            ("--- a/x\n+++ b/x\n@@ -1,0 +1,0 @@\n", "is empty"),
            ("--- /dev/null\n+++ /dev/null\n", "both sides"),
            ("--- \"a/x y\"\n+++ \"b/x y\"\n", "quoted file names"),
            ("--- a/x\n+++ b/x\n", "has no hunks"),
        ] {
            let err = parse(patch).expect_err(patch);
            assert_kind(&err, ErrorKind::InvalidInput, fragment);
        }
    }

    #[test]
    fn renames_modes_and_binaries_are_refused_with_a_way_out() {
        for (patch, fragment) in [
            (
                "diff --git a/a b/b\nsimilarity index 100%\nrename from a\nrename to b\n",
                "use move",
            ),
            (
                "diff --git a/s.sh b/s.sh\nold mode 100644\nnew mode 100755\n",
                "changes the file's mode",
            ),
            (
                "diff --git a/i.png b/i.png\nBinary files a/i.png and b/i.png differ\n",
                "binary",
            ),
        ] {
            let err = parse(patch).expect_err(patch);
            assert_kind(&err, ErrorKind::InvalidInput, fragment);
        }
    }

    #[test]
    fn git_paths_split_on_the_matching_half() {
        assert_eq!(git_paths("a/x b/x"), Some(("x", "x")));
        assert_eq!(git_paths("a/d b/e b/d b/e"), Some(("d b/e", "d b/e")));
        assert_eq!(git_paths("a/p b/q"), Some(("p", "q")));
        assert_eq!(git_paths("x y"), None);
    }
}
