//! Review worktrees for transactional workflow runs: a separate git worktree
//! holding the work tree as a snapshot recorded it, where a run makes its
//! changes without touching the user's checkout; removed afterwards (applied
//! or discarded), branch included.
//!
//! Owns: [`Repo::add_review_worktree`] and [`Repo::remove_review_worktree`].
//! Applying the reviewed changes to the checkout is [`Repo::undo`] run
//! backwards (from the run's end snapshot to its start): it writes only the
//! paths the run changed, and only where the checkout still is as the run
//! began.

use std::path::{Path, PathBuf};

use git2::build::CheckoutBuilder;
use git2::{BranchType, Repository, WorktreePruneOptions};

use crate::{GitError, Repo};

impl Repo {
    /// Adds worktree `name` at `path` (a new branch `name` at HEAD, its files
    /// then set to snapshot `start`), and returns the project's root inside it
    /// (the project may be a folder of the repository).
    pub fn add_review_worktree(
        &self,
        name: &str,
        path: &Path,
        start: &str,
    ) -> Result<PathBuf, GitError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(GitError::io(
                "creating the review worktree's folder",
                parent.to_path_buf(),
            ))?;
        }
        let worktree = self
            .repo
            .worktree(name, path, None)
            .map_err(GitError::git("adding a review worktree"))?;
        let (_, commit) = self.resolve_snapshot(start)?;
        let review = Repository::open_from_worktree(&worktree)
            .map_err(GitError::git("opening the review worktree"))?;
        let commit = review
            .find_commit(commit.id())
            .map_err(GitError::git("reading the start snapshot"))?;
        let mut checkout = CheckoutBuilder::new();
        checkout.force();
        review
            .checkout_tree(commit.as_object(), Some(&mut checkout))
            .map_err(GitError::git("filling the review worktree"))?;
        Ok(path.join(self.prefix()))
    }

    /// Removes worktree `name`, its folder and its branch; a missing one is fine.
    pub fn remove_review_worktree(&self, name: &str) -> Result<(), GitError> {
        if let Ok(worktree) = self.repo.find_worktree(name) {
            let path = worktree.path().to_path_buf();
            if path.exists() {
                std::fs::remove_dir_all(&path)
                    .map_err(GitError::io("removing the review worktree", path.clone()))?;
            }
            worktree
                .prune(Some(
                    WorktreePruneOptions::new()
                        .valid(true)
                        .working_tree(true)
                        .locked(false),
                ))
                .map_err(GitError::git("pruning the review worktree"))?;
        }
        if let Ok(mut branch) = self.repo.find_branch(name, BranchType::Local) {
            branch
                .delete()
                .map_err(GitError::git("deleting the review worktree's branch"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Fixture;

    #[test]
    fn a_review_worktree_holds_the_snapshot_and_leaves_the_checkout_alone() {
        let t = Fixture::with_commit(&[("a.txt", "committed\n")]);
        t.write("a.txt", "uncommitted edit\n");
        t.write("new.txt", "untracked\n");
        let repo = t.open();
        let start = repo.snapshot("start").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("review");
        let root = repo
            .add_review_worktree("ralex-run-1", &path, &start.id)
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("a.txt")).unwrap(),
            "uncommitted edit\n"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("new.txt")).unwrap(),
            "untracked\n"
        );

        std::fs::write(root.join("a.txt"), "changed in review\n").unwrap();
        let review = Repo::open(&root).unwrap();
        let end = review.snapshot("end").unwrap();
        assert_eq!(
            t.read("a.txt").as_deref(),
            Some("uncommitted edit\n"),
            "the checkout is untouched"
        );

        // Applying: the run's changes, only where the checkout is as it began.
        let report = repo.undo(&end.id, &start.id).unwrap();
        assert_eq!(report.restored, ["a.txt"]);
        assert_eq!(t.read("a.txt").as_deref(), Some("changed in review\n"));

        repo.remove_review_worktree("ralex-run-1").unwrap();
        assert!(!path.exists());
        assert!(
            repo.git2()
                .find_branch("ralex-run-1", BranchType::Local)
                .is_err()
        );
        repo.remove_review_worktree("ralex-run-1").unwrap();
    }
}
