//! The workspace capability: one project folder, seen through a
//! `cap_std::fs::Dir`.
//!
//! Owns: opening the project root and the [`Workspace`] handle; the operations
//! live in their own modules (`read`, `list`, `search`, and the writes in
//! `edit`), on top of the shared pieces (`path` validation, the `walk`er,
//! `gitignore` rules, `file` opening).
//!
//! Must never: touch the filesystem through `std::fs` on a joined path — every
//! access after [`Workspace::open`] goes through the root `Dir`, so no path can
//! leave the root; symlinks are resolved inside cap-std (on Linux by `openat2`
//! with `RESOLVE_BENEATH`), which refuses absolute targets and `..` above the
//! root. Never follow a symlinked directory while walking. Never open anything
//! but a regular file for reading, and never block on one (FIFOs).
//!
//! Known limitation (shared by every path-based sandbox): a *hard link* inside
//! the root to a file outside it (e.g. `/etc/passwd`) is an ordinary regular file
//! inside the root and is readable. Only someone who can already write to the
//! project folder and read the target can create one; refusing files with
//! several links would break legitimate checkouts, so it is documented, not
//! refused. Deployments that care run the kernel as a user that cannot read
//! secrets, or on a filesystem of its own. Writes are stricter: `edit` refuses to
//! change a file with several links (see its header).

mod edit;
mod error;
mod file;
mod files_cache;
mod gitignore;
mod list;
mod path;
mod read;
mod search;
mod walk;

use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

pub use edit::{Change, ChangeKind, PatchAction, patch_paths};
pub use error::WorkspaceError;
pub use list::{Entry, EntryKind};
pub use path::normalize as normalize_path;
pub use search::{SearchMatch, SearchOptions};

/// The kernel's limits on workspace calls (defaults in one place: [`Default`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceLimits {
    /// Largest file `read`/`read-bytes` returns, in bytes.
    pub max_file_bytes: u64,
    /// Most entries one `list` returns before failing with `limit-exceeded`.
    pub max_list_entries: usize,
    /// Most matches one `search` returns (the plugin may ask for fewer).
    pub max_search_results: usize,
    /// Files bigger than this are skipped by `search`.
    pub max_search_file_bytes: u64,
    /// Longest line text (in characters) a search match carries.
    pub max_line_chars: usize,
    /// Largest content one write may leave in a file, in bytes (`write`,
    /// `create`, and the result of `replace` or `apply-patch`); also the largest
    /// file `replace` and `apply-patch` will read to edit.
    pub max_write_bytes: u64,
}

impl Default for WorkspaceLimits {
    fn default() -> Self {
        WorkspaceLimits {
            max_file_bytes: 2 * 1024 * 1024,
            max_list_entries: 20_000,
            max_search_results: 1_000,
            max_search_file_bytes: 1024 * 1024,
            max_line_chars: 400,
            max_write_bytes: 4 * 1024 * 1024,
        }
    }
}

/// One project root, opened as a capability.
#[derive(Debug)]
pub struct Workspace {
    /// The root; every access goes through it.
    dir: Dir,
    /// The canonical root path, for messages only (never joined and opened).
    root: PathBuf,
    /// The root folder's name.
    name: String,
    limits: WorkspaceLimits,
    /// The last file list, while still current (see [`files_cache`]).
    files_cache: std::sync::Mutex<Option<files_cache::FilesCache>>,
}

impl Workspace {
    /// Opens the project folder at `root`. This is the only place that uses
    /// ambient authority: the kernel chose the root, plugins never do.
    pub fn open(root: &Path, limits: WorkspaceLimits) -> Result<Workspace, WorkspaceError> {
        let root_error = |source| WorkspaceError::Root {
            root: root.to_path_buf(),
            source,
        };
        let canonical = std::fs::canonicalize(root).map_err(root_error)?;
        let dir = Dir::open_ambient_dir(&canonical, ambient_authority()).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotADirectory {
                WorkspaceError::RootNotAFolder {
                    root: root.to_path_buf(),
                }
            } else {
                root_error(source)
            }
        })?;
        let name = canonical
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| canonical.display().to_string());
        tracing::debug!(root = %canonical.display(), "workspace opened");
        Ok(Workspace {
            dir,
            root: canonical,
            name,
            limits,
            files_cache: std::sync::Mutex::new(None),
        })
    }

    /// The canonical path of the project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The project's name (the root folder's name).
    pub fn project_name(&self) -> &str {
        &self.name
    }

    /// The limits this workspace enforces.
    pub fn limits(&self) -> &WorkspaceLimits {
        &self.limits
    }

    /// `path` checked and normalised lexically (`./a/../b` → `b`), as every
    /// operation of this workspace sees it; refuses absolute paths and `..` above the
    /// root. Callers that check grants (globs) on a path must check this form.
    pub fn normalize(&self, path: &str) -> Result<String, WorkspaceError> {
        path::normalize(path, &self.root)
    }
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn open_names_the_project_after_its_folder() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let proj = tmp.path().join("inventory");
        std::fs::create_dir(&proj).expect("mkdir");
        let ws = Workspace::open(&proj.join("."), WorkspaceLimits::default()).expect("open");
        assert_eq!(ws.project_name(), "inventory");
        assert!(ws.root().is_absolute());
        assert!(ws.root().ends_with("inventory"));
    }

    #[test]
    fn open_missing_root_is_not_found() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let err = Workspace::open(&tmp.path().join("nope"), WorkspaceLimits::default())
            .expect_err("missing root");
        assert_kind(&err, ErrorKind::NotFound, "nope");
    }

    #[test]
    fn open_file_as_root_is_invalid_input() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join("file.txt");
        std::fs::write(&file, "x").expect("write");
        let err = Workspace::open(&file, WorkspaceLimits::default()).expect_err("file root");
        assert_kind(&err, ErrorKind::InvalidInput, "not a folder");
    }

    #[test]
    fn workspace_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Workspace>();
    }
}
