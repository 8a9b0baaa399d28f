//! `workspace-edit`: changes to the project's files, through `ralex-caps` (atomic,
//! cap-std, no symlinks, no `.git/`), only to paths the manifest's
//! `workspace.write` globs cover and the policy grants, each change audited and
//! recorded in the command's journal (after its snapshot hook ran).
//!
//! Must never: write without a journal (the change could not be undone), or let a
//! patch touch a file that was not checked — every file a patch names is checked
//! before any is written.

use std::sync::Arc;

use ralex_caps::Change;
use ralex_caps::workspace::Workspace;
use ralex_policy::{Action, Resource};

use super::error;
use super::wit::workspace_edit::Host;
use crate::bindings::{ErrorCode, WitError};
use crate::journal::WriteJournal;
use crate::state::CallState;

impl CallState {
    /// The project and journal, if the manifest asks for writing at all.
    fn editable(
        &self,
        action: Action,
        path: &str,
    ) -> Result<(Arc<Workspace>, Arc<WriteJournal>), WitError> {
        if self.plugin.write_globs_empty() {
            return Err(self.refuse_by_manifest(
                action,
                &Resource::Path(path.to_string()),
                &[path.as_bytes()],
                "its manifest asks for no `workspace.write` globs",
            ));
        }
        let ws = self.context.workspace.clone().ok_or_else(|| {
            error(
                ErrorCode::Unavailable,
                "this call has no project; editing files needs `--project DIR`",
            )
        })?;
        let journal = self.context.journal.clone().ok_or_else(|| {
            error(
                ErrorCode::Denied,
                "this call may not change files: the command is read-only (explain, analyze, chat), or the kernel opened no change journal for it, so a change could not be undone",
            )
        })?;
        Ok((ws, journal))
    }

    /// Manifest glob + policy for one path; returns the normalised path.
    fn check_write(&self, ws: &Workspace, action: Action, path: &str) -> Result<String, WitError> {
        let rel = ws
            .normalize(path)
            .map_err(|e| self.provider_error(e.kind(), e.to_string(), None))?;
        let resource = Resource::Path(rel.clone());
        if !self.plugin.may_write(&rel) {
            return Err(self.refuse_by_manifest(
                action,
                &resource,
                &[path.as_bytes()],
                "no `workspace.write` glob of its manifest covers it",
            ));
        }
        self.authorize(action, &resource, &[path.as_bytes()])?;
        Ok(rel)
    }

    /// Run the snapshot hook (once), then the change, then record it.
    fn apply(
        &self,
        ws: &Workspace,
        journal: &WriteJournal,
        change: impl FnOnce(&Workspace) -> Result<Vec<Change>, ralex_caps::WorkspaceError>,
    ) -> Result<Vec<Change>, WitError> {
        journal.before_write().map_err(|why| {
            error(
                ErrorCode::Unavailable,
                format!(
                    "no change was made: the undo snapshot before the first write failed ({why})"
                ),
            )
        })?;
        let changes = change(ws).map_err(|e| self.provider_error(e.kind(), e.to_string(), None))?;
        journal.record(changes.clone());
        Ok(changes)
    }
}

impl Host for CallState {
    async fn write(&mut self, path: String, content: String) -> Result<(), WitError> {
        let (ws, journal) = self.editable(Action::WorkspaceWrite, &path)?;
        let rel = self.check_write(&ws, Action::WorkspaceWrite, &path)?;
        self.apply(&ws, &journal, |ws| {
            ws.write(&rel, &content).map(|c| vec![c])
        })?;
        Ok(())
    }

    async fn apply_patch(&mut self, patch: String) -> Result<Vec<String>, WitError> {
        let (ws, journal) = self.editable(Action::WorkspaceWrite, "")?;
        // Check every file the patch names before anything is written.
        let files = ralex_caps::workspace::patch_paths(&patch)
            .map_err(|e| self.provider_error(e.kind(), e.to_string(), None))?;
        for (path, action) in &files {
            let action = match action {
                ralex_caps::workspace::PatchAction::Create => Action::WorkspaceCreate,
                ralex_caps::workspace::PatchAction::Delete => Action::WorkspaceDelete,
                ralex_caps::workspace::PatchAction::Modify => Action::WorkspaceWrite,
            };
            self.check_write(&ws, action, path)?;
        }
        let changes = self.apply(&ws, &journal, |ws| ws.apply_patch(&patch))?;
        Ok(changes.into_iter().map(|c| c.path).collect())
    }

    async fn replace(
        &mut self,
        path: String,
        search: String,
        replace: String,
    ) -> Result<(), WitError> {
        let (ws, journal) = self.editable(Action::WorkspaceWrite, &path)?;
        let rel = self.check_write(&ws, Action::WorkspaceWrite, &path)?;
        self.apply(&ws, &journal, |ws| {
            ws.replace(&rel, &search, &replace).map(|c| vec![c])
        })?;
        Ok(())
    }

    async fn create(&mut self, path: String, content: String) -> Result<(), WitError> {
        let (ws, journal) = self.editable(Action::WorkspaceCreate, &path)?;
        let rel = self.check_write(&ws, Action::WorkspaceCreate, &path)?;
        self.apply(&ws, &journal, |ws| {
            ws.create(&rel, &content).map(|c| vec![c])
        })?;
        Ok(())
    }

    async fn delete(&mut self, path: String) -> Result<(), WitError> {
        let (ws, journal) = self.editable(Action::WorkspaceDelete, &path)?;
        let rel = self.check_write(&ws, Action::WorkspaceDelete, &path)?;
        self.apply(&ws, &journal, |ws| ws.delete(&rel).map(|c| vec![c]))?;
        Ok(())
    }

    async fn move_(&mut self, source: String, destination: String) -> Result<(), WitError> {
        let (ws, journal) = self.editable(Action::WorkspaceMove, &source)?;
        let from = self.check_write(&ws, Action::WorkspaceMove, &source)?;
        let to = self.check_write(&ws, Action::WorkspaceMove, &destination)?;
        self.apply(&ws, &journal, |ws| ws.rename(&from, &to).map(|c| vec![c]))?;
        Ok(())
    }
}
