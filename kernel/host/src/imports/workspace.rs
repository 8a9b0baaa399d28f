//! `workspace`: read-only access to the project through `ralex-caps` (cap-std), and
//! only to paths the manifest's `workspace.read` globs cover. No path leaves the
//! root: that is enforced by the capability provider, not here; this file adds the
//! manifest check and the translation into WIT types.

use std::sync::Arc;

use ralex_caps::error::ErrorKind;
use ralex_caps::workspace::{
    EntryKind as CapEntryKind, SearchOptions as CapSearchOptions, Workspace, WorkspaceError,
};

use super::wit::workspace::{Entry, EntryKind, Host, SearchMatch, SearchOptions};
use super::{denied, error};
use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

fn code(kind: ErrorKind) -> ErrorCode {
    match kind {
        ErrorKind::InvalidInput => ErrorCode::InvalidInput,
        ErrorKind::NotFound => ErrorCode::NotFound,
        ErrorKind::Denied => ErrorCode::Denied,
        ErrorKind::TooLarge => ErrorCode::TooLarge,
        ErrorKind::LimitExceeded => ErrorCode::LimitExceeded,
        ErrorKind::Unavailable => ErrorCode::Unavailable,
        ErrorKind::Conflict => ErrorCode::Conflict,
        ErrorKind::Internal => ErrorCode::Internal,
    }
}

/// The provider's error as the plugin sees it: the host's absolute path of the
/// project is replaced by the project's name, so plugins learn nothing about the
/// machine's layout (user names, folders) from an error message.
fn workspace_error(plugin: &str, ws: &Workspace, e: WorkspaceError) -> WitError {
    let code = code(e.kind());
    if code == ErrorCode::Denied {
        tracing::warn!(plugin, error = %e, "workspace access denied");
    }
    let root = ws.root().display().to_string();
    error(
        code,
        e.to_string()
            .replace(&root, &format!("<{}>", ws.project_name())),
    )
}

impl CallState {
    /// The project, if the manifest asks for reading and the call has one.
    fn readable_workspace(&self) -> Result<Arc<Workspace>, WitError> {
        if !self.plugin.reads_workspace() {
            return Err(denied(
                &self.plugin.name,
                "read project files",
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
        let ws = self.readable_workspace()?;
        let rel = ws
            .normalize(path)
            .map_err(|e| workspace_error(&self.plugin.name, &ws, e))?;
        if !self.plugin.may_read(&rel) {
            return Err(denied(
                &self.plugin.name,
                &format!("read `{rel}`"),
                "no `workspace.read` glob of its manifest covers it",
            ));
        }
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
        ws.read(&rel)
            .map_err(|e| workspace_error(&self.plugin.name, &ws, e))
    }

    async fn read_bytes(&mut self, path: String) -> Result<Vec<u8>, WitError> {
        let (ws, rel) = self.readable_path(&path)?;
        ws.read_bytes(&rel)
            .map_err(|e| workspace_error(&self.plugin.name, &ws, e))
    }

    async fn list_dir(&mut self, dir: String, recursive: bool) -> Result<Vec<Entry>, WitError> {
        let ws = self.readable_workspace()?;
        let entries = ws
            .list(&dir, recursive)
            .map_err(|e| workspace_error(&self.plugin.name, &ws, e))?;
        Ok(entries
            .into_iter()
            .filter(|e| e.kind == CapEntryKind::Directory || self.plugin.may_read(&e.path))
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
        let ws = self.readable_workspace()?;
        let options = CapSearchOptions {
            regex: options.regex,
            case_insensitive: options.case_insensitive,
            glob: options.glob,
            max_results: options.max_results,
        };
        let found = ws
            .search(&query, &options)
            .map_err(|e| workspace_error(&self.plugin.name, &ws, e))?;
        Ok(found
            .into_iter()
            .filter(|m| self.plugin.may_read(&m.path))
            .map(|m| SearchMatch {
                path: m.path,
                line: m.line,
                column: m.column,
                text: m.text,
            })
            .collect())
    }
}
