//! Test fixtures shared by the workspace modules' tests.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

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

    /// Creates a named pipe at `rel` inside the project.
    pub(crate) fn mkfifo(&self, rel: &str) -> &Fixture {
        let status = std::process::Command::new("mkfifo")
            .arg(self.root().join(rel))
            .status()
            .expect("run mkfifo");
        assert!(status.success(), "mkfifo failed");
        self
    }

    /// Sets the permission bits of `rel` inside the project.
    pub(crate) fn chmod(&self, rel: &str, mode: u32) -> &Fixture {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.root().join(rel), std::fs::Permissions::from_mode(mode))
            .expect("chmod");
        self
    }

    /// The content of `rel` inside the project, as text.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).expect("read back")
    }

    /// The permission bits of `rel` inside the project.
    pub(crate) fn mode(&self, rel: &str) -> u32 {
        std::fs::symlink_metadata(self.root().join(rel))
            .expect("stat")
            .mode()
            & 0o7777
    }

    /// Whether anything (a dangling symlink included) is at `rel` in the project.
    pub(crate) fn exists(&self, rel: &str) -> bool {
        std::fs::symlink_metadata(self.root().join(rel)).is_ok()
    }

    /// Everything below the temporary parent (the project and the "outside"
    /// files next to it): type, permission bits, content or symlink target.
    pub(crate) fn snapshot(&self) -> BTreeMap<PathBuf, Node> {
        let mut nodes = BTreeMap::new();
        let mut pending = vec![self.tmp.path().to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("read_dir") {
                let path = entry.expect("entry").path();
                let metadata = std::fs::symlink_metadata(&path).expect("lstat");
                let mode = metadata.mode() & 0o7777;
                let file_type = metadata.file_type();
                let node = if file_type.is_symlink() {
                    Node::Symlink(std::fs::read_link(&path).expect("readlink"))
                } else if file_type.is_dir() {
                    pending.push(path.clone());
                    Node::Dir { mode }
                } else if file_type.is_file() {
                    Node::File {
                        bytes: std::fs::read(&path).expect("read"),
                        mode,
                        links: metadata.nlink(),
                    }
                } else {
                    Node::Special {
                        fifo: file_type.is_fifo(),
                    }
                };
                let rel = path.strip_prefix(self.tmp.path()).expect("below tmp");
                nodes.insert(rel.to_path_buf(), node);
            }
        }
        nodes
    }

    /// Asserts no temporary file of a write is left anywhere.
    #[track_caller]
    pub(crate) fn assert_no_temp_files(&self) {
        let leftovers: Vec<_> = self
            .snapshot()
            .into_keys()
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with(".ralex-tmp-"))
            })
            .collect();
        assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
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

/// One filesystem entry in a [`Fixture::snapshot`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Node {
    /// A regular file.
    File {
        bytes: Vec<u8>,
        mode: u32,
        links: u64,
    },
    /// A directory.
    Dir { mode: u32 },
    /// A symlink and its target.
    Symlink(PathBuf),
    /// A FIFO, socket or device.
    Special { fifo: bool },
}

/// Runs `call`, asserts it fails with `kind` and a message containing
/// `fragment`, and that nothing on disk changed (inside the project or next to
/// it) and no temp file is left. Returns the error for further checks.
#[track_caller]
pub(crate) fn assert_refused<T: Debug>(
    fx: &Fixture,
    ws: &Workspace,
    kind: ErrorKind,
    fragment: &str,
    call: impl FnOnce(&Workspace) -> Result<T, WorkspaceError>,
) -> WorkspaceError {
    let before = fx.snapshot();
    let err = match call(ws) {
        Ok(value) => panic!("expected a {kind} error, got {value:?}"),
        Err(err) => err,
    };
    assert_kind(&err, kind, fragment);
    let after = fx.snapshot();
    assert!(
        before == after,
        "the refused call changed the disk: {err}\nbefore: {before:?}\nafter: {after:?}"
    );
    fx.assert_no_temp_files();
    err
}
