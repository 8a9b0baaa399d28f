//! Moving the branch to a commit the sync fetched or made.
//!
//! Owns: bringing HEAD's branch, the index and the work tree from the current
//! commit to a descendant (a fast-forward to the remote, or the sync's merge
//! commit) — writing only the paths that differ between the two commits.
//!
//! Must never: overwrite a file with uncommitted changes (staged, unstaged or
//! untracked in the way): it refuses with [`GitError::DirtyWorkTree`] before
//! writing anything; or touch the index entries of other paths (a user's
//! staged change stays staged).

use git2::build::CheckoutBuilder;
use git2::{ErrorCode, Oid};

use crate::{GitError, Repo};

impl Repo {
    /// Moves `branch` from `head` (`None` when unborn) to `target`, checking
    /// out the files that differ. `remote` names where the change came from,
    /// for the refusal message.
    pub(super) fn advance_branch(
        &self,
        branch: &str,
        head: Option<Oid>,
        target: Oid,
        remote: &str,
        reflog: &str,
    ) -> Result<(), GitError> {
        let target_commit = self
            .repo
            .find_commit(target)
            .map_err(GitError::git("reading the commit to check out"))?;
        let target_tree = target_commit
            .tree()
            .map_err(GitError::git("reading the tree to check out"))?;
        let head_tree = match head {
            Some(id) => Some(
                self.repo
                    .find_commit(id)
                    .and_then(|commit| commit.tree())
                    .map_err(GitError::git("reading the HEAD tree"))?,
            ),
            None => None,
        };
        let touched = self.changed_paths(head_tree.as_ref(), &target_tree)?;
        let dirty = self.dirty_paths(&touched)?;
        if !dirty.is_empty() {
            return Err(GitError::DirtyWorkTree {
                remote: remote.to_owned(),
                paths: dirty,
            });
        }
        if !touched.is_empty() {
            let mut checkout = CheckoutBuilder::new();
            checkout.safe().disable_pathspec_match(true);
            for path in &touched {
                checkout.path(path.as_str());
            }
            self.repo
                .checkout_tree(target_commit.as_object(), Some(&mut checkout))
                .map_err(|err| match err.code() {
                    ErrorCode::Conflict => GitError::DirtyWorkTree {
                        remote: remote.to_owned(),
                        paths: touched.clone(),
                    },
                    _ => GitError::git("updating the work tree")(err),
                })?;
        }
        let refname = format!("refs/heads/{branch}");
        match head {
            Some(current) => self
                .repo
                .reference_matching(&refname, target, true, current, reflog)
                .map(drop),
            None => self
                .repo
                .reference(&refname, target, false, reflog)
                .map(drop),
        }
        .map_err(GitError::git("moving the branch"))?;
        tracing::info!(%branch, to = %target, files = touched.len(), "branch advanced");
        Ok(())
    }

    /// The paths that differ between `from` (empty when `None`) and `to`.
    pub(super) fn changed_paths(
        &self,
        from: Option<&git2::Tree<'_>>,
        to: &git2::Tree<'_>,
    ) -> Result<Vec<String>, GitError> {
        let diff = self
            .repo
            .diff_tree_to_tree(from, Some(to), None)
            .map_err(GitError::git("comparing two commits"))?;
        let mut paths = Vec::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path_bytes() {
                    paths.push(String::from_utf8_lossy(path).into_owned());
                }
            }
        }
        paths.sort();
        paths.dedup();
        Ok(paths)
    }
}
