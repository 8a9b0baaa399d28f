//! The run's start snapshot, and putting every file back to it
//! (`on_failure: rollback`): each path to restore is decided by policy for the
//! person first; then every file that changed since the run began (the run's
//! changes, and any edit made meanwhile) is written back byte for byte
//! (as git stores them), files it created are removed, and nothing else is
//! touched. The `.ralex` notes stay: they record the run, rollback included.

use std::path::Path;

use ralex_policy::{Action, Resource};

use crate::gate::Gate;
use crate::ids;
use crate::orchestrator::Orchestrator;

impl Orchestrator {
    /// Takes the run's start snapshot (a project without git runs without
    /// rollback; the run says so if a step asks for one) and returns its id.
    pub(crate) fn mark_start(&self, id: &str, root: &Path) -> Option<String> {
        let snapshot = ralex_git::Repo::open(root)
            .and_then(|repo| repo.snapshot(&format!("ralex: workflow run {id} start")));
        let snapshot = match snapshot {
            Ok(s) => Some(s.id),
            Err(e) => {
                tracing::info!(run = id, error = %e, "no start snapshot: the run cannot be rolled back");
                None
            }
        };
        if let Err(e) = self
            .store
            .run_set_start(id, snapshot.as_deref(), None, ids::now_ms())
        {
            tracing::warn!(run = id, error = %e, "cannot record the run's start snapshot");
        }
        snapshot
    }

    /// Puts the project back as it was when the run began; the sentence says
    /// what was restored.
    pub(crate) async fn roll_back(
        &self,
        root: &Path,
        start: Option<&str>,
        gate: &Gate,
    ) -> Result<String, String> {
        let Some(start) = start else {
            return Err("there is no snapshot of the start (the project is not a git repository), so nothing could be rolled back".into());
        };
        let lock = self.writer_lock(root);
        let _turn = lock.lock().await;
        let repo = ralex_git::Repo::open(root).map_err(|e| e.to_string())?;
        let now = repo
            .snapshot("ralex: workflow run before rollback")
            .map_err(|e| format!("the snapshot before the rollback failed: {e}"))?;
        let touched = repo
            .snapshot_diff(start, &now.id)
            .map_err(|e| format!("cannot tell what the run changed: {e}"))?;
        let touched: Vec<_> = touched.into_iter().filter(|f| !is_note(&f.path)).collect();
        for file in &touched {
            gate.allow(
                Action::WorkspaceWrite,
                &Resource::Path(file.path.clone()),
                &[file.path.as_bytes()],
                false,
            )
            .map_err(|why| format!("I may not restore {}: {why}", file.path))?;
        }
        let report = repo
            .undo_only(start, &now.id, &|p| !is_note(p))
            .map_err(|e| format!("the rollback failed: {e}"))?;
        let restored = report.restored.len() + report.deleted.len();
        Ok(match restored {
            0 => "Nothing had changed, so nothing was rolled back.".to_string(),
            1 => "I rolled back 1 file to how it was when the run began.".to_string(),
            n => format!("I rolled back {n} files to how they were when the run began."),
        })
    }
}

/// A path of the `.ralex` notes (which record the run and are not rolled back).
pub(crate) fn is_note(path: &str) -> bool {
    path.starts_with(".ralex/") || path.contains("/.ralex/")
}
