//! Snapshots around a command's changes: the journal hook that snapshots the work
//! tree and records it with the command before the first write, the `after`
//! snapshot with the diffs and undo id, and dropping the snapshot of a command
//! that in the end changed nothing.

use std::sync::{Arc, Mutex, PoisonError};

use ralex_host::WriteJournal;

use crate::answer::{Answer, ChangeOut};
use crate::orchestrator::{Ctx, Orchestrator};

impl Orchestrator {
    /// The journal whose hook snapshots the work tree before the first write and
    /// records the snapshot with the command.
    pub(crate) fn snapshot_journal(
        &self,
        ctx: &Ctx<'_>,
        repo: &Arc<Mutex<ralex_git::Repo>>,
        before: Arc<Mutex<Option<String>>>,
    ) -> WriteJournal {
        let repo = Arc::clone(repo);
        let store = Arc::clone(&self.store);
        let id = ctx.command_id.clone();
        let label = format!("ralex: before {id}: {}", ctx.request.transcript);
        let emit = ctx.emit.clone();
        WriteJournal::with_hook(Box::new(move || {
            let snapshot = repo
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .snapshot(&label)
                .map_err(|e| format!("the git snapshot before the first write failed: {e}"))?;
            store
                .command_snapshot_before(&id, &snapshot.id)
                .map_err(|e| format!("the snapshot could not be recorded for undo: {e}"))?;
            emit.emit("snapshot", "Saved a snapshot for undo");
            *before.lock().unwrap_or_else(PoisonError::into_inner) = Some(snapshot.id);
            Ok(())
        }))
    }

    /// Drops the snapshot of a command that changed nothing, from the history and
    /// from the repository.
    pub(crate) fn forget_snapshot(
        &self,
        ctx: &Ctx<'_>,
        repo: &Arc<Mutex<ralex_git::Repo>>,
        before: &str,
    ) {
        if let Err(e) = self.store.command_forget_snapshot(&ctx.command_id) {
            tracing::warn!(error = %e, "cannot clear the unused snapshot from the history");
        }
        let dropped = repo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drop_snapshot(before);
        if let Err(e) = dropped {
            tracing::warn!(error = %e, snapshot = before, "cannot drop an unused snapshot");
        }
    }

    /// Snapshots the result and puts the diffs and the undo id in the answer.
    pub(crate) fn collect_changes(
        &self,
        ctx: &Ctx<'_>,
        repo: &Arc<Mutex<ralex_git::Repo>>,
        before: &str,
        answer: &mut Answer,
    ) {
        answer.undo_id = Some(ctx.command_id.clone());
        let repo = repo.lock().unwrap_or_else(PoisonError::into_inner);
        let after = match repo.snapshot(&format!("ralex: after {}", ctx.command_id)) {
            Ok(after) => after,
            Err(e) => {
                answer
                    .notes
                    .push(format!("the snapshot after the change failed ({e}); undo will restore every file changed since the command began"));
                return;
            }
        };
        match repo.snapshot_diff(before, &after.id) {
            Ok(files) => {
                answer.changes = files
                    .into_iter()
                    .map(|f| ChangeOut {
                        path: f.path,
                        diff: f.diff,
                    })
                    .collect();
            }
            Err(e) => answer
                .notes
                .push(format!("the diff could not be computed: {e}")),
        }
        *ctx.snapshot_after
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(after.id);
    }
}
