//! Syncing the notes with the remote: [`Repo::sync_context`].
//!
//! Owns: the decision of one sync — fetch the current branch, then push
//! (local ahead, or remote branch missing), fast-forward (remote ahead), or
//! merge (diverged: [`super::resolve`] settles the notes, a labelled merge
//! commit records it, [`super::advance`] checks it out) and push — and the
//! report of what happened. An unreachable remote, diverged code and an update
//! that would overwrite uncommitted work are outcomes in the report, not
//! errors; a push that loses a race with another device starts over (a few
//! times).
//!
//! Must never: change HEAD, the index or the work tree when the sync ends
//! blocked or offline before the merge was checked out; push anything but the
//! current branch; force a push.

use git2::{ErrorCode, MergeOptions, Oid};

use super::COMMIT_PREFIX;
use super::resolve::{Labels, Resolution};
use crate::repo::HeadState;
use crate::{Conflict, GitError, Repo, SyncOptions, SyncReport, SyncState, paths};

/// How many times a sync starts over after another device pushed first.
const MAX_ROUNDS: usize = 3;

impl Repo {
    /// Syncs the current branch with `opts.remote` so that both hold this
    /// device's and the other devices' notes; see [`SyncReport`] for what it
    /// tells. Commit the notes first ([`Repo::commit_context`]): a sync only
    /// carries commits.
    ///
    /// Diverged histories are merged when every conflict is inside
    /// `opts.prefix`: append-only notes keep both devices' entries, other
    /// notes are merged line by line, and lines changed on both devices are
    /// kept in both versions between `<<<<<<< this device (<branch>)` and
    /// `>>>>>>> other device (<remote>/<branch>)` markers and reported in
    /// [`SyncReport::conflicts`]. A conflict anywhere else ends the sync as
    /// [`SyncState::Blocked`] with nothing changed.
    ///
    /// Fails with [`GitError::DetachedHead`], [`GitError::Busy`] (merge,
    /// rebase… in progress), [`GitError::RemoteNotFound`], [`GitError::Auth`]
    /// or a rejected push; an unreachable remote is [`SyncState::Offline`].
    pub fn sync_context(&self, opts: &SyncOptions) -> Result<SyncReport, GitError> {
        let prefix = paths::normalize(&opts.prefix)?;
        self.ensure_clean_state("sync the context notes")?;
        let branch = match self.head_state()? {
            HeadState::Branch { name, .. } | HeadState::Unborn { name } => name,
            HeadState::Detached { commit } => {
                return Err(GitError::DetachedHead {
                    commit: crate::branch::short(commit),
                });
            }
        };
        self.find_remote(&opts.remote)?;
        let sync = Sync {
            repo: self,
            opts,
            tracking: format!("refs/remotes/{}/{branch}", opts.remote),
            prefix,
            branch,
        };
        let mut report = SyncReport::default();
        for round in 0..MAX_ROUNDS {
            if sync.round(&mut report)? {
                tracing::info!(remote = %opts.remote, state = ?report.state, pushed = report.pushed,
                    pulled = report.pulled, merged = report.merged, conflicts = report.conflicts.len(),
                    pending = report.pending_commits, "context notes synced");
                return Ok(report);
            }
            tracing::info!(round, "another device pushed first; syncing again");
        }
        Err(GitError::PushNotFastForward {
            remote: opts.remote.clone(),
            branch: sync.branch,
        })
    }
}

/// One sync's fixed facts.
struct Sync<'a> {
    repo: &'a Repo,
    opts: &'a SyncOptions,
    /// The notes' folder, normalised.
    prefix: String,
    /// The current branch.
    branch: String,
    /// Its remote-tracking ref, `refs/remotes/<remote>/<branch>`.
    tracking: String,
}

impl Sync<'_> {
    /// Fetches and reconciles once. `Ok(true)` when the sync is over (the
    /// report says how), `Ok(false)` when the push lost a race and the sync
    /// must start over.
    fn round(&self, report: &mut SyncReport) -> Result<bool, GitError> {
        let head = self.head()?;
        if let Err(err) = self
            .repo
            .fetch_branch(self.opts, &self.branch, &self.tracking)
        {
            return self.offline(err, report, self.ahead(head, self.tracking_tip()?)?);
        }
        let theirs = self.tracking_tip()?;
        match (head, theirs) {
            (None, None) => self.done(report, SyncState::Synced, 0),
            (Some(ours), None) => self.push(report, ours, self.count(ours)?),
            (None, Some(theirs)) => self.fast_forward(report, None, theirs, self.count(theirs)?),
            (Some(ours), Some(theirs)) if ours == theirs => self.done(report, SyncState::Synced, 0),
            (Some(ours), Some(theirs)) => {
                let (ahead, behind) = self
                    .repo
                    .git2()
                    .graph_ahead_behind(ours, theirs)
                    .map_err(GitError::git("comparing with the remote"))?;
                match (ahead, behind) {
                    (_, 0) => self.push(report, ours, ahead),
                    (0, _) => self.fast_forward(report, Some(ours), theirs, behind),
                    _ => self.merge(report, ours, theirs, ahead, behind),
                }
            }
        }
    }

    /// Pushes `head`, which is `ahead` commits ahead of the remote.
    fn push(&self, report: &mut SyncReport, head: Oid, ahead: usize) -> Result<bool, GitError> {
        match self.repo.push_branch(self.opts, head, &self.tracking) {
            Ok(()) => {
                report.pushed += ahead;
                self.done(report, SyncState::Synced, 0)
            }
            Err(GitError::PushNotFastForward { .. }) => Ok(false),
            Err(err) => self.offline(err, report, ahead),
        }
    }

    /// Moves the branch forward to the remote's `theirs`, `behind` commits on.
    fn fast_forward(
        &self,
        report: &mut SyncReport,
        head: Option<Oid>,
        theirs: Oid,
        behind: usize,
    ) -> Result<bool, GitError> {
        let reflog = "ralex: context sync: fast-forward";
        match self
            .repo
            .advance_branch(&self.branch, head, theirs, &self.opts.remote, reflog)
        {
            Ok(()) => {
                report.pulled += behind;
                self.done(report, SyncState::Synced, 0)
            }
            Err(err @ GitError::DirtyWorkTree { .. }) => {
                let state = SyncState::Blocked {
                    reason: err.to_string(),
                };
                self.done(report, state, 0)
            }
            Err(err) => Err(err),
        }
    }

    /// Merges the diverged `ours` and `theirs`, checks the merge out and pushes it.
    fn merge(
        &self,
        report: &mut SyncReport,
        ours: Oid,
        theirs: Oid,
        ahead: usize,
        behind: usize,
    ) -> Result<bool, GitError> {
        let git = self.repo.git2();
        let reading = GitError::git("reading the commits to merge");
        let our_commit = git.find_commit(ours).map_err(reading)?;
        let their_commit = git
            .find_commit(theirs)
            .map_err(GitError::git("reading the commits to merge"))?;
        let mut options = MergeOptions::new();
        // Per-path conflicts only: a renamed note is a deletion plus a new
        // file, and deletions never beat changes.
        options.find_renames(false);
        let mut index = git
            .merge_commits(&our_commit, &their_commit, Some(&options))
            .map_err(GitError::git("merging with the remote"))?;
        let labels = Labels {
            ours: format!("this device ({})", self.branch),
            theirs: format!("other device ({}/{})", self.opts.remote, self.branch),
        };
        let conflicts = match self.repo.resolve_conflicts(
            &mut index,
            self.opts,
            &self.prefix,
            &labels,
        )? {
            Resolution::Resolved(conflicts) => conflicts,
            Resolution::Blocked(paths) => {
                let reason = format!(
                    "code on {} has diverged from {}; pull and merge it yourself (both sides changed {})",
                    self.branch,
                    self.opts.remote,
                    short_list(&paths)
                );
                return self.done(report, SyncState::Blocked { reason }, ahead);
            }
        };
        let tree = index
            .write_tree_to(git)
            .and_then(|id| git.find_tree(id))
            .map_err(GitError::git("writing the merged tree"))?;
        let signature = self.repo.signature()?;
        let message = merge_message(&self.opts.remote, &conflicts);
        let merge = git
            .commit(
                None,
                &signature,
                &signature,
                &message,
                &tree,
                &[&our_commit, &their_commit],
            )
            .map_err(GitError::git("creating the merge commit"))?;
        let reflog = "ralex: context sync: merge";
        match self
            .repo
            .advance_branch(&self.branch, Some(ours), merge, &self.opts.remote, reflog)
        {
            Ok(()) => {}
            Err(err @ GitError::DirtyWorkTree { .. }) => {
                let state = SyncState::Blocked {
                    reason: err.to_string(),
                };
                return self.done(report, state, ahead);
            }
            Err(err) => return Err(err),
        }
        report.merged = true;
        report.pulled += behind;
        report.conflicts.extend(conflicts);
        self.push(report, merge, ahead + 1)
    }

    /// Ends the sync offline when `err` is a network failure (the `pending`
    /// commits stay queued); any other error is returned.
    fn offline(
        &self,
        err: GitError,
        report: &mut SyncReport,
        pending: usize,
    ) -> Result<bool, GitError> {
        match err {
            GitError::Network { .. } => {
                tracing::warn!(remote = %self.opts.remote, error = %err, pending, "remote unreachable; commits stay queued");
                let state = SyncState::Offline {
                    reason: err.to_string(),
                };
                self.done(report, state, pending)
            }
            other => Err(other),
        }
    }

    fn done(
        &self,
        report: &mut SyncReport,
        state: SyncState,
        pending: usize,
    ) -> Result<bool, GitError> {
        report.state = state;
        report.pending_commits = pending;
        Ok(true)
    }

    /// The branch's commit, `None` while it has none.
    fn head(&self) -> Result<Option<Oid>, GitError> {
        match self.repo.head_state()? {
            HeadState::Branch { commit, .. } => Ok(Some(commit)),
            HeadState::Unborn { .. } => Ok(None),
            HeadState::Detached { commit } => Err(GitError::DetachedHead {
                commit: crate::branch::short(commit),
            }),
        }
    }

    /// The remote-tracking ref's commit, `None` when the remote has no branch
    /// of that name (as far as we know).
    fn tracking_tip(&self) -> Result<Option<Oid>, GitError> {
        match self.repo.git2().refname_to_id(&self.tracking) {
            Ok(id) => Ok(Some(id)),
            Err(err) if err.code() == ErrorCode::NotFound => Ok(None),
            Err(err) => Err(GitError::git("reading the remote-tracking branch")(err)),
        }
    }

    /// How many commits `head` has that `remote` lacks.
    fn ahead(&self, head: Option<Oid>, remote: Option<Oid>) -> Result<usize, GitError> {
        match (head, remote) {
            (None, _) => Ok(0),
            (Some(head), None) => self.count(head),
            (Some(head), Some(remote)) => self
                .repo
                .git2()
                .graph_ahead_behind(head, remote)
                .map(|(ahead, _)| ahead)
                .map_err(GitError::git("comparing with the remote")),
        }
    }

    /// The number of commits in the history of `tip`.
    fn count(&self, tip: Oid) -> Result<usize, GitError> {
        let counting = GitError::git("counting commits");
        let mut walk = self.repo.git2().revwalk().map_err(counting)?;
        walk.push(tip).map_err(GitError::git("counting commits"))?;
        Ok(walk.count())
    }
}

/// `ralex: context: merge from <remote>`, with the notes that kept both
/// versions in the body.
fn merge_message(remote: &str, conflicts: &[Conflict]) -> String {
    let mut message = format!("{COMMIT_PREFIX}merge from {remote}\n");
    if !conflicts.is_empty() {
        message.push_str("\nBoth versions kept (edit the markers away):\n");
        for conflict in conflicts {
            message.push_str(&format!("  {}\n", conflict.path));
        }
    }
    message
}

/// `` `a`, `b` and 3 more `` for messages.
fn short_list(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}
