//! `git diff`, `git diff --staged` and `git diff HEAD`.
//!
//! Owns: [`DiffScope`] and rendering a libgit2 diff as unified patch text, the
//! way `git diff` prints it. A repository without commits diffs against the
//! empty tree.

use git2::{Diff, DiffFormat, DiffOptions};

use crate::{GitError, Repo, paths};

/// Which two states a diff compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffScope {
    /// Index → work tree: unstaged changes (`git diff`).
    Worktree,
    /// HEAD → index: staged changes (`git diff --staged`).
    Staged,
    /// HEAD → work tree, tracked files only (`git diff HEAD`).
    Head,
}

impl Repo {
    /// The changes of `scope` as a unified patch, limited to `paths` (files or
    /// folders relative to the work-tree root) when not empty. Untracked files
    /// are never included. Empty text means no changes.
    pub fn diff(&self, scope: DiffScope, paths: &[String]) -> Result<String, GitError> {
        let paths = paths::normalize_all(paths)?;
        let mut options = DiffOptions::new();
        for path in &paths {
            options.pathspec(path);
        }
        let head = self.head_tree()?;
        let diff = match scope {
            DiffScope::Worktree => self.repo.diff_index_to_workdir(None, Some(&mut options)),
            DiffScope::Staged => {
                self.repo
                    .diff_tree_to_index(head.as_ref(), None, Some(&mut options))
            }
            DiffScope::Head => self
                .repo
                .diff_tree_to_workdir_with_index(head.as_ref(), Some(&mut options)),
        }
        .map_err(GitError::git("computing the diff"))?;
        patch_text(&diff)
    }
}

/// The diff as `git diff` prints it.
pub(crate) fn patch_text(diff: &Diff<'_>) -> Result<String, GitError> {
    let mut text = Vec::new();
    diff.print(DiffFormat::Patch, |_delta, _hunk, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            text.push(line.origin() as u8);
        }
        text.extend_from_slice(line.content());
        true
    })
    .map_err(GitError::git("printing the diff"))?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn fixture() -> Fixture {
        let fx = Fixture::with_commit(&[("a.txt", "one\ntwo\nthree\n"), ("b.txt", "bee\n")]);
        fx.write("a.txt", "one\n2\nthree\n");
        fx.write("b.txt", "bee\nsting\n");
        fx.git(&["add", "b.txt"]);
        fx.write("untracked.txt", "not in any diff\n");
        fx
    }

    #[test]
    fn worktree_diff_matches_git_diff() {
        let fx = fixture();
        let ours = fx.open().diff(DiffScope::Worktree, &[]).expect("diff");
        assert_eq!(ours, fx.git(&["diff", "--no-color"]));
        assert!(ours.contains("-two\n+2\n"), "{ours}");
        assert!(!ours.contains("b.txt"), "{ours}");
    }

    #[test]
    fn staged_diff_matches_git_diff_staged() {
        let fx = fixture();
        let ours = fx.open().diff(DiffScope::Staged, &[]).expect("diff");
        assert_eq!(ours, fx.git(&["diff", "--no-color", "--staged"]));
        assert!(ours.contains("+sting\n"), "{ours}");
        assert!(!ours.contains("a.txt"), "{ours}");
    }

    #[test]
    fn head_diff_matches_git_diff_head_and_skips_untracked() {
        let fx = fixture();
        let ours = fx.open().diff(DiffScope::Head, &[]).expect("diff");
        assert_eq!(ours, fx.git(&["diff", "--no-color", "HEAD"]));
        assert!(ours.contains("a.txt") && ours.contains("b.txt"), "{ours}");
        assert!(!ours.contains("untracked"), "{ours}");
    }

    #[test]
    fn diff_is_limited_to_paths() {
        let fx = fixture();
        let ours = fx
            .open()
            .diff(DiffScope::Head, &["b.txt".to_owned()])
            .expect("diff");
        assert_eq!(ours, fx.git(&["diff", "--no-color", "HEAD", "--", "b.txt"]));
        assert!(!ours.contains("a.txt"), "{ours}");
    }

    #[test]
    fn diff_without_commits_treats_everything_as_added() {
        let fx = Fixture::new();
        fx.write("a.txt", "hello\n");
        fx.git(&["add", "a.txt"]);
        let repo = fx.open();
        let staged = repo.diff(DiffScope::Staged, &[]).expect("staged");
        assert_eq!(staged, fx.git(&["diff", "--no-color", "--staged"]));
        assert!(staged.contains("+hello\n"), "{staged}");
        assert_eq!(repo.diff(DiffScope::Worktree, &[]).expect("worktree"), "");
        let head = repo.diff(DiffScope::Head, &[]).expect("head");
        assert!(head.contains("+hello\n"), "{head}");
    }

    #[test]
    fn diff_refuses_paths_outside_the_work_tree() {
        let fx = fixture();
        let err = fx
            .open()
            .diff(DiffScope::Head, &["../x".to_owned()])
            .expect_err("outside");
        assert_eq!(err.kind(), ralex_caps::ErrorKind::InvalidInput);
    }
}
