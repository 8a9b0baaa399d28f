//! `git`: the project's repository through `ralex-git` (git2). Reading (status,
//! diff, log, branch name) needs `git.read` in the manifest, committing and
//! branching `git.write`, push and pull `git.remote`; every call is then decided by
//! policy (`git:*` actions; plugins never force-push by default) and audited.
//!
//! Must never: reach a remote other than the configured one (`origin`), or expose
//! the host's path of the project in an error.

use std::sync::{Arc, Mutex};

use ralex_git::{DiffScope as GitScope, Repo};
use ralex_policy::{Action, Resource};

use super::error;
use super::wit::git::{CommitInfo, DiffScope, Host, StatusEntry};
use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

/// The remote push and pull talk to.
const REMOTE: &str = "origin";

impl CallState {
    /// Manifest, repository and policy checks for one git operation.
    fn git_for(
        &self,
        action: Action,
        remote: &str,
        force: bool,
        args: &[&[u8]],
    ) -> Result<Arc<Mutex<Repo>>, WitError> {
        let resource = Resource::Repo {
            remote: remote.to_string(),
            force,
        };
        let perm = &self.plugin.git;
        let (asked, field) = match action {
            Action::GitStatus | Action::GitDiff | Action::GitLog => (perm.read, "read"),
            Action::GitCommit | Action::GitBranch => (perm.write, "write"),
            _ => (perm.remote, "remote"),
        };
        if !asked {
            return Err(self.refuse_by_manifest(
                action,
                &resource,
                args,
                &format!("its manifest does not ask for it (add `git = {{ {field} = true }}` under [permissions])"),
            ));
        }
        let repo = self.context.git.clone().ok_or_else(|| {
            error(
                ErrorCode::Unavailable,
                "this call has no git repository: the project is not a git repository (run `git init`) or the call has no project",
            )
        })?;
        if matches!(action, Action::GitStatus | Action::GitDiff | Action::GitLog) {
            self.authorize_read(action, &resource, args)?;
        } else {
            self.authorize(action, &resource, args)?;
        }
        Ok(repo)
    }

    fn git_error(&self, repo: &Repo, e: ralex_git::GitError) -> WitError {
        self.provider_error(e.kind(), e.to_string(), Some(repo.workdir()))
    }
}

fn lock(repo: &Mutex<Repo>) -> std::sync::MutexGuard<'_, Repo> {
    repo.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Host for CallState {
    async fn status(&mut self) -> Result<Vec<StatusEntry>, WitError> {
        let repo = self.git_for(Action::GitStatus, "", false, &[])?;
        let repo = lock(&repo);
        let entries = repo.status().map_err(|e| self.git_error(&repo, e))?;
        Ok(entries
            .into_iter()
            .map(|e| StatusEntry {
                path: e.path,
                state: e.state,
            })
            .collect())
    }

    async fn diff(&mut self, scope: DiffScope, paths: Vec<String>) -> Result<String, WitError> {
        let joined = paths.join("\n");
        let repo = self.git_for(Action::GitDiff, "", false, &[joined.as_bytes()])?;
        let repo = lock(&repo);
        let scope = match scope {
            DiffScope::Worktree => GitScope::Worktree,
            DiffScope::Staged => GitScope::Staged,
            DiffScope::Head => GitScope::Head,
        };
        // Secret files never leave through a diff either.
        let mut allowed = Vec::new();
        if paths.is_empty() {
            let changed = repo.status().map_err(|e| self.git_error(&repo, e))?;
            for entry in changed {
                if self.permits(Action::WorkspaceRead, &Resource::Path(entry.path.clone())) {
                    allowed.push(entry.path);
                }
            }
            if allowed.is_empty() {
                return Ok(String::new());
            }
        } else {
            for path in &paths {
                let resource = Resource::Path(path.clone());
                self.authorize_read(Action::WorkspaceRead, &resource, &[path.as_bytes()])?;
                allowed.push(path.clone());
            }
        }
        repo.diff(scope, &allowed)
            .map_err(|e| self.git_error(&repo, e))
    }

    async fn log(&mut self, limit: u32) -> Result<Vec<CommitInfo>, WitError> {
        let repo = self.git_for(Action::GitLog, "", false, &[&limit.to_le_bytes()])?;
        let repo = lock(&repo);
        let commits = repo
            .log(limit.min(1_000) as usize)
            .map_err(|e| self.git_error(&repo, e))?;
        Ok(commits
            .into_iter()
            .map(|c| CommitInfo {
                id: c.id,
                summary: c.summary,
                author: c.author,
                time: c.time,
            })
            .collect())
    }

    async fn commit(&mut self, message: String, paths: Vec<String>) -> Result<String, WitError> {
        let joined = paths.join("\n");
        let repo = self.git_for(
            Action::GitCommit,
            "",
            false,
            &[message.as_bytes(), joined.as_bytes()],
        )?;
        let repo = lock(&repo);
        repo.commit(&message, &paths)
            .map_err(|e| self.git_error(&repo, e))
    }

    async fn current_branch(&mut self) -> Result<String, WitError> {
        let repo = self.git_for(Action::GitStatus, "", false, &[])?;
        let repo = lock(&repo);
        repo.current_branch().map_err(|e| self.git_error(&repo, e))
    }

    async fn create_branch(&mut self, name: String, checkout: bool) -> Result<(), WitError> {
        let repo = self.git_for(
            Action::GitBranch,
            "",
            false,
            &[name.as_bytes(), &[u8::from(checkout)]],
        )?;
        let repo = lock(&repo);
        repo.create_branch(&name, checkout)
            .map_err(|e| self.git_error(&repo, e))
    }

    async fn push(&mut self, force: bool) -> Result<(), WitError> {
        let repo = self.git_for(Action::GitPush, REMOTE, force, &[&[u8::from(force)]])?;
        let repo = lock(&repo);
        repo.push(REMOTE, force)
            .map_err(|e| self.git_error(&repo, e))
    }

    async fn pull(&mut self) -> Result<(), WitError> {
        let repo = self.git_for(Action::GitPull, REMOTE, false, &[])?;
        let repo = lock(&repo);
        repo.pull(REMOTE)
            .map(|_| ())
            .map_err(|e| self.git_error(&repo, e))
    }
}
