//! The open projects: one [`Workspace`] per project root, shared by its
//! commands, so a command does not reopen the folder and its file list (kept by
//! the workspace while the tree is unchanged) survives between commands.
//!
//! Must never: hand out a workspace whose folder was replaced — the root's
//! device and inode are checked on every use, and a changed or vanished root is
//! opened afresh (or fails with the reason).

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ralex_caps::workspace::{Workspace, WorkspaceError, WorkspaceLimits};

/// Most projects kept open (a server serves a few; `ralex run` one).
const MAX_OPEN: usize = 64;

/// An open project and the identity of its root folder when opened.
struct Open {
    workspace: Arc<Workspace>,
    identity: (u64, u64),
}

/// The open projects, by the root path requests name.
#[derive(Default)]
pub(crate) struct Workspaces {
    open: Mutex<HashMap<PathBuf, Open>>,
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl Workspaces {
    /// The workspace of the project at `root`.
    pub(crate) fn get(&self, root: &Path) -> Result<Arc<Workspace>, WorkspaceError> {
        let now = identity(root);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = open.get(root)
            && now == Some(found.identity)
        {
            return Ok(Arc::clone(&found.workspace));
        }
        let workspace = Arc::new(Workspace::open(root, WorkspaceLimits::default())?);
        let Some(identity) = identity(workspace.root()) else {
            open.remove(root);
            return Ok(workspace);
        };
        if open.len() >= MAX_OPEN {
            open.clear();
        }
        open.insert(
            root.to_path_buf(),
            Open {
                workspace: Arc::clone(&workspace),
                identity,
            },
        );
        Ok(workspace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_is_opened_once_until_its_folder_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("p");
        std::fs::create_dir(&root).unwrap();
        let workspaces = Workspaces::default();
        let first = workspaces.get(&root).unwrap();
        assert!(Arc::ptr_eq(&first, &workspaces.get(&root).unwrap()));

        std::fs::rename(&root, dir.path().join("old")).unwrap();
        assert!(workspaces.get(&root).is_err(), "a vanished root fails");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("new.txt"), "").unwrap();
        let fresh = workspaces.get(&root).unwrap();
        assert!(!Arc::ptr_eq(&first, &fresh));
        assert_eq!(*fresh.files().unwrap(), vec!["new.txt".to_string()]);
    }
}
