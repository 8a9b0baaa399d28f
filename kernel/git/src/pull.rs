//! `git pull --ff-only`.
//!
//! Owns: [`PullOutcome`] and [`Repo::pull`]: fetch the current branch from a
//! remote, then fast-forward HEAD, index and work tree to it — or refuse when
//! the branches have diverged or the update would overwrite uncommitted work.
//!
//! Must never: merge, rebase, or overwrite a file with uncommitted changes.

use git2::build::CheckoutBuilder;
use git2::{ErrorCode, Oid, Status, StatusOptions};

use crate::repo::HeadState;
use crate::{GitError, Repo};

/// What a pull did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullOutcome {
    /// The branch already contained the remote's commits.
    UpToDate,
    /// The branch moved forward to the remote's commit.
    FastForwarded {
        /// The previous commit (`None` on a branch without commits).
        from: Option<String>,
        /// The new commit.
        to: String,
    },
}

impl Repo {
    /// Fetches the current branch from `remote` and fast-forwards to it.
    /// Fails with [`GitError::Diverged`] when both sides have new commits and
    /// [`GitError::DirtyWorkTree`] when files the update touches have
    /// uncommitted changes (nothing is changed in either case).
    pub fn pull(&self, remote: &str) -> Result<PullOutcome, GitError> {
        self.ensure_clean_state("pull")?;
        let (branch, head) = match self.head_state()? {
            HeadState::Branch { name, commit } => (name, Some(commit)),
            HeadState::Unborn { name } => (name, None),
            HeadState::Detached { commit } => {
                return Err(GitError::DetachedHead {
                    commit: crate::branch::short(commit),
                });
            }
        };
        let tracking = format!("refs/remotes/{remote}/{branch}");
        self.fetch_refspecs(remote, &[format!("+refs/heads/{branch}:{tracking}")])?;
        let target = match self.repo.refname_to_id(&tracking) {
            Ok(id) => id,
            Err(err) if err.code() == ErrorCode::NotFound => {
                return Err(GitError::RemoteBranchNotFound {
                    remote: remote.to_owned(),
                    branch,
                });
            }
            Err(err) => return Err(GitError::git("reading the remote-tracking branch")(err)),
        };
        if let Some(head) = head {
            if head == target || self.descends(head, target)? {
                return Ok(PullOutcome::UpToDate);
            }
            if !self.descends(target, head)? {
                return Err(GitError::Diverged {
                    remote: remote.to_owned(),
                    branch,
                });
            }
        }
        self.fast_forward(remote, &branch, head, target)?;
        tracing::info!(remote, %branch, to = %target, "fast-forwarded");
        Ok(PullOutcome::FastForwarded {
            from: head.map(|id| id.to_string()),
            to: target.to_string(),
        })
    }

    /// Whether `commit` has `ancestor` in its history.
    fn descends(&self, commit: Oid, ancestor: Oid) -> Result<bool, GitError> {
        self.repo
            .graph_descendant_of(commit, ancestor)
            .map_err(GitError::git("comparing histories"))
    }

    /// Moves the work tree, index and `branch` from `head` to `target`.
    fn fast_forward(
        &self,
        remote: &str,
        branch: &str,
        head: Option<Oid>,
        target: Oid,
    ) -> Result<(), GitError> {
        let target_commit = self
            .repo
            .find_commit(target)
            .map_err(GitError::git("reading the remote commit"))?;
        let target_tree = target_commit
            .tree()
            .map_err(GitError::git("reading the remote tree"))?;
        let head_tree = self.head_tree()?;
        let diff = self
            .repo
            .diff_tree_to_tree(head_tree.as_ref(), Some(&target_tree), None)
            .map_err(GitError::git("comparing with the remote"))?;
        let mut touched = Vec::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path_bytes() {
                    touched.push(String::from_utf8_lossy(path).into_owned());
                }
            }
        }
        touched.sort();
        touched.dedup();
        let dirty = self.dirty_paths(&touched)?;
        if !dirty.is_empty() {
            return Err(GitError::DirtyWorkTree {
                remote: remote.to_owned(),
                paths: dirty,
            });
        }

        let mut checkout = CheckoutBuilder::new();
        checkout.safe();
        self.repo
            .checkout_tree(target_commit.as_object(), Some(&mut checkout))
            .map_err(|err| match err.code() {
                ErrorCode::Conflict => GitError::DirtyWorkTree {
                    remote: remote.to_owned(),
                    paths: touched.clone(),
                },
                _ => GitError::git("updating the work tree")(err),
            })?;
        let refname = format!("refs/heads/{branch}");
        let message = format!("pull {remote}: fast-forward");
        match head {
            Some(_) => self
                .repo
                .find_reference(&refname)
                .and_then(|mut reference| reference.set_target(target, &message).map(drop)),
            None => self
                .repo
                .reference(&refname, target, false, &message)
                .map(drop),
        }
        .map_err(GitError::git("moving the branch"))
    }

    /// Those of `paths` with uncommitted changes (staged, unstaged or untracked).
    pub(crate) fn dirty_paths(&self, paths: &[String]) -> Result<Vec<String>, GitError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut options = StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .disable_pathspec_match(true);
        for path in paths {
            options.pathspec(path);
        }
        let statuses = self
            .repo
            .statuses(Some(&mut options))
            .map_err(GitError::git("reading the status"))?;
        Ok(statuses
            .iter()
            .filter(|entry| !entry.status().is_empty() && entry.status() != Status::IGNORED)
            .map(|entry| String::from_utf8_lossy(entry.path_bytes()).into_owned())
            .collect())
    }
}
