//! `git status --short`.
//!
//! Owns: [`StatusEntry`] and the translation of libgit2's status bits into the
//! two-letter `XY` codes git prints (including the unmerged `UU`, `AA`, ... of a
//! conflicted index). Ignored files are never reported; untracked folders are
//! shown as `dir/`, like git's default `status.showUntrackedFiles=normal`.

use git2::{Status, StatusOptions};

use crate::{GitError, Repo};

/// One line of `git status --short`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The path relative to the work-tree root (an untracked folder ends in `/`).
    pub path: String,
    /// For a rename, the path before it.
    pub original: Option<String>,
    /// The `XY` code exactly as `git status --short` prints it: `"M "`, `" M"`,
    /// `"A "`, `"D "`, `"R "`, `"MM"`, `"??"`, `"UU"`, ...
    pub state: String,
}

impl std::fmt::Display for StatusEntry {
    /// The line as `git status --short` prints it (without path quoting).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.original {
            Some(original) => write!(f, "{} {} -> {}", self.state, original, self.path),
            None => write!(f, "{} {}", self.state, self.path),
        }
    }
}

impl Repo {
    /// The work tree's status, in git's order: changes to tracked files sorted
    /// by path, then untracked files sorted by path.
    pub fn status(&self) -> Result<Vec<StatusEntry>, GitError> {
        let mut options = StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(false)
            .include_ignored(false)
            .renames_head_to_index(true)
            .sort_case_sensitively(true);
        let statuses = self
            .repo
            .statuses(Some(&mut options))
            .map_err(GitError::git("reading the status"))?;
        let index = self
            .repo
            .index()
            .map_err(GitError::git("reading the index"))?;
        let mut tracked = Vec::new();
        let mut untracked = Vec::new();
        for entry in statuses.iter() {
            let bits = entry.status();
            let path = String::from_utf8_lossy(entry.path_bytes()).into_owned();
            if bits.contains(Status::WT_NEW) && !bits.intersects(index_bits()) {
                untracked.push(StatusEntry {
                    path,
                    original: None,
                    state: "??".to_owned(),
                });
                continue;
            }
            let state = if bits.contains(Status::CONFLICTED) {
                unmerged_code(&index, &path)
            } else {
                format!("{}{}", index_code(bits), worktree_code(bits))
            };
            let (path, original) = match entry.head_to_index() {
                Some(delta) if bits.contains(Status::INDEX_RENAMED) => (
                    delta_path(delta.new_file()).unwrap_or(path),
                    delta_path(delta.old_file()),
                ),
                _ => (path, None),
            };
            if state.trim().is_empty() {
                continue;
            }
            tracked.push(StatusEntry {
                path,
                original,
                state,
            });
        }
        tracked.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        untracked.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        tracked.extend(untracked);
        Ok(tracked)
    }
}

fn index_bits() -> Status {
    Status::INDEX_NEW
        | Status::INDEX_MODIFIED
        | Status::INDEX_DELETED
        | Status::INDEX_RENAMED
        | Status::INDEX_TYPECHANGE
}

fn delta_path(file: git2::DiffFile<'_>) -> Option<String> {
    file.path_bytes()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
}

/// `X`: the index compared with HEAD.
fn index_code(bits: Status) -> char {
    if bits.contains(Status::INDEX_NEW) {
        'A'
    } else if bits.contains(Status::INDEX_DELETED) {
        'D'
    } else if bits.contains(Status::INDEX_RENAMED) {
        'R'
    } else if bits.contains(Status::INDEX_TYPECHANGE) {
        'T'
    } else if bits.contains(Status::INDEX_MODIFIED) {
        'M'
    } else {
        ' '
    }
}

/// `Y`: the work tree compared with the index.
fn worktree_code(bits: Status) -> char {
    if bits.contains(Status::WT_DELETED) {
        'D'
    } else if bits.contains(Status::WT_RENAMED) {
        'R'
    } else if bits.contains(Status::WT_TYPECHANGE) {
        'T'
    } else if bits.contains(Status::WT_MODIFIED) {
        'M'
    } else {
        ' '
    }
}

/// The unmerged code from which sides of the conflict exist, as git prints it.
fn unmerged_code(index: &git2::Index, path: &str) -> String {
    let conflict = index.conflicts().ok().and_then(|conflicts| {
        conflicts.flatten().find(|c| {
            [&c.ancestor, &c.our, &c.their]
                .into_iter()
                .flatten()
                .any(|e| e.path == path.as_bytes())
        })
    });
    let Some(c) = conflict else {
        return "UU".to_owned();
    };
    let code = match (c.ancestor.is_some(), c.our.is_some(), c.their.is_some()) {
        (true, false, false) => "DD",
        (false, true, false) => "AU",
        (true, false, true) => "DU",
        (false, false, true) => "UA",
        (true, true, false) => "UD",
        (false, true, true) => "AA",
        _ => "UU",
    };
    code.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn lines(entries: &[StatusEntry]) -> Vec<String> {
        entries.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn status_matches_git_for_common_states() {
        let fx = Fixture::with_commit(&[
            ("a.txt", "a\n"),
            ("b.txt", "b\n"),
            ("c.txt", "c\n"),
            ("d.txt", "d\n"),
            (
                "old.txt",
                "some content that is long enough to detect a rename\n",
            ),
        ]);
        fx.write(".gitignore", "*.log\n");
        fx.write("a.txt", "a2\n"); // " M"
        fx.write("b.txt", "b2\n");
        fx.git(&["add", "b.txt"]); // "M "
        fx.write("c.txt", "c2\n");
        fx.git(&["add", "c.txt"]);
        fx.write("c.txt", "c3\n"); // "MM"
        fx.remove("d.txt"); // " D"
        fx.git(&["mv", "old.txt", "new.txt"]); // "R "
        fx.write("added.txt", "x\n");
        fx.git(&["add", "added.txt"]); // "A "
        fx.write("untracked.txt", "u\n"); // "??"
        fx.write("newdir/one.txt", "1\n"); // "?? newdir/"
        fx.write("debug.log", "ignored\n"); // not shown

        let ours = lines(&fx.open().status().expect("status"));
        assert_eq!(ours, fx.git_status());
        assert!(
            ours.contains(&"R  old.txt -> new.txt".to_owned()),
            "{ours:?}"
        );
        assert!(ours.contains(&"?? newdir/".to_owned()), "{ours:?}");
        assert!(!ours.iter().any(|l| l.contains("debug.log")), "{ours:?}");
    }

    #[test]
    fn status_of_a_fresh_repository() {
        let fx = Fixture::new();
        fx.write("one.txt", "1\n").write("two.txt", "2\n");
        fx.git(&["add", "one.txt"]);
        let ours = lines(&fx.open().status().expect("status"));
        assert_eq!(ours, vec!["A  one.txt", "?? two.txt"]);
        assert_eq!(ours, fx.git_status());
    }

    #[test]
    fn clean_work_tree_has_no_entries() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        assert!(fx.open().status().expect("status").is_empty());
    }

    #[test]
    fn status_reports_merge_conflicts_like_git() {
        let fx = Fixture::conflicted_merge();
        let ours = lines(&fx.open().status().expect("status"));
        assert_eq!(ours, vec!["UU a.txt"]);
        assert_eq!(ours, fx.git_status());
    }
}
