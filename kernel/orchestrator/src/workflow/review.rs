//! Transactional runs (`transactional: true`): the run works in a separate git
//! worktree filled from its start snapshot, so the user's checkout is not
//! touched while it runs. A completed run's changes wait for review; applying
//! them is one confirmed, undoable command (only the files the run changed,
//! only where the checkout is still as the run began); discarding drops the
//! worktree. A run that fails is discarded by itself.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ralex_git::GitError;
use ralex_intent::Intent;
use ralex_policy::{Action, Resource};
use ralex_store::RunRow;
use serde_json::Value;

use super::rollback::is_note;
use super::{RunError, store_error, workflow_intent};
use crate::answer::{Answer, ChangeOut, Status};
use crate::ids;
use crate::orchestrator::Orchestrator;
use crate::request::{CommandRequest, Confirm, Who};

/// The folder of review worktrees, inside the repository's `.git`.
const WORKTREES: &str = "ralex-worktrees";

/// Whether `root` lies in a transactional run's review worktree (commands there
/// keep no `.ralex` notes: the worktree's branch is temporary and never synced).
pub(crate) fn is_review_worktree(root: &Path) -> bool {
    root.ancestors().any(|a| {
        a.file_name().is_some_and(|n| n == WORKTREES)
            && a.parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == ".git")
    })
}

/// The worktree's (and its branch's) name for run `id`.
fn worktree_name(id: &str) -> String {
    format!("ralex-{id}")
}

impl Orchestrator {
    /// Creates the run's review worktree from snapshot `start`; the project's
    /// root inside it.
    pub(crate) fn prepare_worktree(
        &self,
        id: &str,
        root: &Path,
        start: Option<&str>,
    ) -> Result<PathBuf, String> {
        let start = start.ok_or(
            "a transactional run needs the project to be a git repository with at least one commit",
        )?;
        let repo = ralex_git::Repo::open(root).map_err(|e| e.to_string())?;
        let path = repo.git2().commondir().join(WORKTREES).join(id);
        let review_root = repo
            .add_review_worktree(&worktree_name(id), &path, start)
            .map_err(|e| format!("cannot create the run's worktree: {e}"))?;
        self.store
            .run_set_start(
                id,
                Some(start),
                Some(&review_root.display().to_string()),
                ids::now_ms(),
            )
            .map_err(|e| e.to_string())?;
        Ok(review_root)
    }

    /// Ends a transactional run's worktree: a completed run's changes wait for
    /// review; any other end discards them. The sentence to add to the message.
    pub(crate) fn close_review(&self, run: &RunRow, state: &str) -> String {
        let Some(review_root) = &run.worktree else {
            return String::new();
        };
        if state != "completed" {
            self.drop_worktree(run, "discarded");
            return " It worked in a separate worktree, so your checkout was not touched.".into();
        }
        let end = ralex_git::Repo::open(Path::new(review_root))
            .and_then(|r| r.snapshot(&format!("ralex: workflow run {} end", run.id)));
        let end = match end {
            Ok(end) => end.id,
            Err(e) => {
                self.drop_worktree(run, "discarded");
                return format!(
                    " Its result could not be recorded ({e}), so it was discarded; your checkout was not touched."
                );
            }
        };
        let changed = self.review_changes(run, Some(&end)).len();
        if changed == 0 {
            self.drop_worktree(run, "none");
            return " It changed nothing, so there is nothing to review.".into();
        }
        if let Err(e) = self
            .store
            .run_set_review(&run.id, Some(&end), "pending", ids::now_ms())
        {
            tracing::error!(run = %run.id, error = %e, "cannot record the run's result for review");
        }
        format!(
            " Its changes to {changed} file{} wait for your review in a separate worktree: `ralex workflow runs {id}` shows the diff, `ralex workflow apply {id}` applies it, `ralex workflow discard {id}` drops it.",
            if changed == 1 { "" } else { "s" },
            id = run.id
        )
    }

    /// The diffs a transactional run made (from its start to `end`, or to its
    /// recorded end), the `.ralex` notes left out.
    pub(crate) fn review_changes(&self, run: &RunRow, end: Option<&str>) -> Vec<ChangeOut> {
        let (Some(start), Some(end)) = (
            run.snapshot_start.as_deref(),
            end.or(run.snapshot_end.as_deref()),
        ) else {
            return Vec::new();
        };
        ralex_git::Repo::open(Path::new(&run.project))
            .and_then(|repo| repo.snapshot_diff(start, end))
            .map(|files| {
                files
                    .into_iter()
                    .filter(|f| !is_note(&f.path))
                    .map(|f| ChangeOut {
                        path: f.path,
                        diff: f.diff,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn drop_worktree(&self, run: &RunRow, review: &str) {
        let removed = ralex_git::Repo::open(Path::new(&run.project))
            .and_then(|repo| repo.remove_review_worktree(&worktree_name(&run.id)));
        if let Err(e) = removed {
            tracing::warn!(run = %run.id, error = %e, "cannot remove the run's worktree");
        }
        if let Err(e) = self
            .store
            .run_set_review(&run.id, None, review, ids::now_ms())
        {
            tracing::warn!(run = %run.id, error = %e, "cannot record the run's review state");
        }
    }

    fn pending(&self, id: &str) -> Result<RunRow, RunError> {
        let run = self
            .store
            .run(id)
            .map_err(store_error)?
            .ok_or_else(|| RunError::UnknownRun(id.to_string()))?;
        match run.review.as_deref() {
            Some("pending") => Ok(run),
            Some(done @ ("applied" | "discarded")) => Err(RunError::Review(format!(
                "the changes of workflow run `{id}` were already {done}"
            ))),
            _ => Err(RunError::Review(format!(
                "workflow run `{id}` has no changes waiting for review (only a completed transactional run has)"
            ))),
        }
    }

    /// Applies a transactional run's reviewed changes to the checkout, as one
    /// undoable command of the person (the call is their confirmation).
    pub async fn apply_run(&self, id: &str, who: &Who) -> Result<Answer, RunError> {
        let run = self.pending(id)?;
        let (Some(start), Some(end)) = (run.snapshot_start.clone(), run.snapshot_end.clone())
        else {
            return Err(RunError::Review(format!(
                "workflow run `{id}` has no recorded result to apply"
            )));
        };
        let root = PathBuf::from(&run.project);
        let request = CommandRequest {
            transcript: format!("apply the changes of workflow run {id}"),
            project: root.clone(),
            session_id: run.session.clone(),
            dry_run: false,
            confirm: Confirm::Upfront,
            who: who.clone(),
        };
        let ctx = self
            .context(&request, ids::command_id())
            .map_err(|e| RunError::Store(e.to_string()))?;
        let mut intent: Intent = workflow_intent(&run.workflow);
        intent
            .params
            .insert("apply".into(), Value::String(id.to_string()));
        let decision = ctx
            .gate
            .decide_command(&intent, &request.transcript, true, &["apply"])
            .map_err(|e| RunError::Store(e.to_string()))?;
        if !decision.allowed() {
            return Err(RunError::Denied(format!(
                "I may not apply workflow run `{id}`: {}",
                decision.explain(&who.label, "command:run", "a `workflow` command")
            )));
        }
        let changes = self.review_changes(&run, None);
        for change in &changes {
            ctx.gate
                .allow(
                    Action::WorkspaceWrite,
                    &Resource::Path(change.path.clone()),
                    &[change.path.as_bytes()],
                    false,
                )
                .map_err(|why| {
                    RunError::Denied(format!("I may not write {}: {why}", change.path))
                })?;
        }
        let repo = ralex_git::Repo::open(&root).map_err(|e| RunError::Review(e.to_string()))?;
        let repo = Arc::new(Mutex::new(repo));
        self.begin(&ctx, &intent, &request.transcript)
            .map_err(|e| RunError::Store(e.to_string()))?;
        let lock = self.writer_lock(&root);
        let turn = lock.lock().await;
        let before = {
            let repo = repo.lock().unwrap_or_else(PoisonError::into_inner);
            repo.snapshot(&format!("ralex: before applying workflow run {id}"))
                .map_err(|e| {
                    RunError::Review(format!("the snapshot before applying failed: {e}"))
                })?
        };
        self.store
            .command_snapshot_before(&ctx.command_id, &before.id)
            .map_err(store_error)?;
        let applied = repo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .undo_only(&end, &start, &|p| !is_note(p));
        let mut answer = match applied {
            Ok(report) => {
                let n = report.restored.len() + report.deleted.len();
                let mut answer = ctx.answer(
                    &intent,
                    Status::Completed,
                    format!(
                        "I applied the changes of workflow run {id} to {n} file{}. Say undo to take them back.",
                        if n == 1 { "" } else { "s" }
                    ),
                );
                self.collect_changes(&ctx, &repo, &before.id, &mut answer);
                answer
            }
            Err(e) => {
                self.forget_snapshot(&ctx, &repo, &before.id);
                let why = match e {
                    GitError::UndoConflict { paths } => format!(
                        "these files changed in your checkout since the run began: {}; nothing was applied. Look at them, then discard the run or start it again",
                        paths.join(", ")
                    ),
                    other => format!("{other}; nothing was applied"),
                };
                ctx.answer(
                    &intent,
                    Status::Failed,
                    format!("I could not apply workflow run {id}: {why}."),
                )
            }
        };
        drop(turn);
        self.finish(&ctx, &answer);
        ctx.emit.done(&answer);
        if answer.status == Status::Completed {
            self.drop_worktree(&run, "applied");
        } else {
            answer
                .notes
                .push("the changes still wait for review".into());
        }
        Ok(answer)
    }

    /// Drops a transactional run's changes; the checkout stays as it is.
    pub fn discard_run(&self, id: &str) -> Result<String, RunError> {
        let run = self.pending(id)?;
        self.drop_worktree(&run, "discarded");
        Ok(format!(
            "I discarded the changes of workflow run {id}; your checkout was not touched."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_worktrees_are_recognised_by_their_place() {
        assert!(is_review_worktree(Path::new(
            "/p/.git/ralex-worktrees/r-1-a"
        )));
        assert!(is_review_worktree(Path::new(
            "/p/.git/ralex-worktrees/r-1-a/sub/project"
        )));
        assert!(!is_review_worktree(Path::new("/p/ralex-worktrees/r-1-a")));
        assert!(!is_review_worktree(Path::new("/p/project")));
    }
}
