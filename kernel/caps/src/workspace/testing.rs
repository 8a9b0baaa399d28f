//! Test fixtures shared by the workspace modules' tests.

use std::path::Path;

use super::{Workspace, WorkspaceError, WorkspaceLimits};
use crate::ErrorKind;

/// A temporary project folder `proj` inside a temporary parent (so tests can
/// place "outside" files next to it).
pub(crate) struct Fixture {
    pub(crate) tmp: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(tmp.path().join("proj")).expect("mkdir proj");
        std::fs::write(tmp.path().join("secret.txt"), "outside secret").expect("write secret");
        Fixture { tmp }
    }

    pub(crate) fn root(&self) -> std::path::PathBuf {
        self.tmp.path().join("proj")
    }

    /// Writes `contents` to `rel` inside the project, creating folders.
    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Fixture {
        let path = self.root().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir -p");
        }
        std::fs::write(path, contents).expect("write");
        self
    }

    pub(crate) fn mkdir(&self, rel: &str) -> &Fixture {
        std::fs::create_dir_all(self.root().join(rel)).expect("mkdir -p");
        self
    }

    /// Creates a symlink at `rel` (inside the project) pointing at `target`.
    pub(crate) fn symlink(&self, target: impl AsRef<Path>, rel: &str) -> &Fixture {
        std::os::unix::fs::symlink(target, self.root().join(rel)).expect("symlink");
        self
    }

    pub(crate) fn open(&self) -> Workspace {
        self.open_with(WorkspaceLimits::default())
    }

    pub(crate) fn open_with(&self, limits: WorkspaceLimits) -> Workspace {
        Workspace::open(&self.root(), limits).expect("open workspace")
    }
}

/// Asserts the error's kind and that its message contains `fragment`.
#[track_caller]
pub(crate) fn assert_kind(err: &WorkspaceError, kind: ErrorKind, fragment: &str) {
    let message = err.to_string();
    assert_eq!(err.kind(), kind, "wrong kind for {err:?}: {message}");
    assert!(
        message.contains(fragment),
        "message {message:?} lacks {fragment:?}"
    );
}
