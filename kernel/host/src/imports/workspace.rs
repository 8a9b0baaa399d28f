//! `workspace`: read-only access to the project through `ralex-caps` (cap-std), and
//! only to paths the manifest's `workspace.read` globs cover and the policy grants.
//! No path leaves the root: that is enforced by the capability provider, not here;
//! this file adds the manifest check, the policy gate (audited), the filtering of
//! list and search results, and the translation into WIT types.

use std::sync::Arc;

use ralex_caps::workspace::{
    EntryKind as CapEntryKind, SearchOptions as CapSearchOptions, Workspace, WorkspaceError,
};

use super::error;
use super::wit::workspace::{Entry, EntryKind, Host, SearchMatch, SearchOptions};
use ralex_policy::{Action, Resource};

use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

impl CallState {
    fn workspace_error(&self, e: WorkspaceError) -> WitError {
        self.provider_error(e.kind(), e.to_string(), None)
    }
}

impl CallState {
    /// The project, if the manifest asks for reading and the call has one.
    fn readable_workspace(&self, action: Action, path: &str) -> Result<Arc<Workspace>, WitError> {
        if !self.plugin.reads_workspace() {
            return Err(self.refuse_by_manifest(
                action,
                &Resource::Path(path.to_string()),
                &[path.as_bytes()],
                "its manifest asks for no `workspace.read` globs",
            ));
        }
        self.context.workspace.clone().ok_or_else(|| {
            error(
                ErrorCode::Unavailable,
                "this call has no project; workspace access needs `--project DIR`",
            )
        })
    }

    /// The project and the normalised path, if the manifest's globs cover it. The
    /// glob check runs on the normalised path, so `src/../secret` cannot slip past a
    /// `src/**` grant; the provider then opens exactly that path under the root.
    fn readable_path(&self, path: &str) -> Result<(Arc<Workspace>, String), WitError> {
        let ws = self.readable_workspace(Action::WorkspaceRead, path)?;
        let rel = ws.normalize(path).map_err(|e| self.workspace_error(e))?;
        let resource = Resource::Path(rel.clone());
        if !self.plugin.may_read(&rel) {
            return Err(self.refuse_by_manifest(
                Action::WorkspaceRead,
                &resource,
                &[path.as_bytes()],
                "no `workspace.read` glob of its manifest covers it",
            ));
        }
        self.authorize_read(Action::WorkspaceRead, &resource, &[path.as_bytes()])?;
        Ok((ws, rel))
    }
}

impl Host for CallState {
    async fn project_name(&mut self) -> String {
        self.context
            .workspace
            .as_ref()
            .map(|w| w.project_name().to_string())
            .unwrap_or_default()
    }

    async fn read(&mut self, path: String) -> Result<String, WitError> {
        let (ws, rel) = self.readable_path(&path)?;
        ws.read(&rel).map_err(|e| self.workspace_error(e))
    }

    async fn read_bytes(&mut self, path: String) -> Result<Vec<u8>, WitError> {
        let (ws, rel) = self.readable_path(&path)?;
        ws.read_bytes(&rel).map_err(|e| self.workspace_error(e))
    }

    async fn list_dir(&mut self, dir: String, recursive: bool) -> Result<Vec<Entry>, WitError> {
        let ws = self.readable_workspace(Action::WorkspaceList, &dir)?;
        let rel = ws.normalize(&dir).map_err(|e| self.workspace_error(e))?;
        self.authorize_read(
            Action::WorkspaceList,
            &Resource::Path(rel.clone()),
            &[dir.as_bytes(), &[u8::from(recursive)]],
        )?;
        let entries = ws
            .list(&rel, recursive)
            .map_err(|e| self.workspace_error(e))?;
        Ok(entries
            .into_iter()
            .filter(|e| e.kind == CapEntryKind::Directory || self.plugin.may_read(&e.path))
            .filter(|e| self.permits(Action::WorkspaceList, &Resource::Path(e.path.clone())))
            .map(|e| Entry {
                kind: match e.kind {
                    CapEntryKind::File => EntryKind::File,
                    CapEntryKind::Directory => EntryKind::Directory,
                    CapEntryKind::Symlink => EntryKind::Symlink,
                },
                path: e.path,
                size: e.size,
            })
            .collect())
    }

    async fn search(
        &mut self,
        query: String,
        options: SearchOptions,
    ) -> Result<Vec<SearchMatch>, WitError> {
        let ws = self.readable_workspace(Action::WorkspaceSearch, "")?;
        self.authorize_read(
            Action::WorkspaceSearch,
            &Resource::Path(String::new()),
            &[
                query.as_bytes(),
                options.glob.as_deref().unwrap_or("").as_bytes(),
            ],
        )?;
        let options = CapSearchOptions {
            regex: options.regex,
            case_insensitive: options.case_insensitive,
            glob: options.glob,
            max_results: options.max_results,
        };
        let found = ws
            .search(&query, &options)
            .map_err(|e| self.workspace_error(e))?;
        Ok(found
            .into_iter()
            .filter(|m| self.plugin.may_read(&m.path))
            .filter(|m| self.permits(Action::WorkspaceSearch, &Resource::Path(m.path.clone())))
            .map(|m| SearchMatch {
                path: m.path,
                line: m.line,
                column: m.column,
                text: m.text,
            })
            .collect())
    }
}
