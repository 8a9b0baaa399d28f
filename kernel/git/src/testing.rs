//! Test fixtures shared by the modules' tests: real repositories on disk, and
//! the real `git` binary (isolated from the user's configuration) to set up
//! states and to check that our output matches git's.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{GitError, Repo};
use ralex_caps::ErrorKind;

/// A temporary project folder `proj` holding a fresh repository on `main`.
pub(crate) struct Fixture {
    pub(crate) tmp: tempfile::TempDir,
}

impl Fixture {
    /// An empty repository (no commits) with a local user configured.
    pub(crate) fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let fx = Fixture { tmp };
        std::fs::create_dir(fx.root()).expect("mkdir proj");
        fx.git(&["init", "-q", "-b", "main"]);
        fx.git(&["config", "user.name", "Test User"]);
        fx.git(&["config", "user.email", "test@example.com"]);
        fx
    }

    /// A repository with one commit holding `files`.
    pub(crate) fn with_commit(files: &[(&str, &str)]) -> Fixture {
        let fx = Fixture::new();
        for (path, contents) in files {
            fx.write(path, contents);
        }
        fx.git(&["add", "-A"]);
        fx.git(&["commit", "-q", "-m", "initial"]);
        fx
    }

    pub(crate) fn root(&self) -> PathBuf {
        self.tmp.path().join("proj")
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `contents` to `rel`, creating folders.
    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Fixture {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir -p");
        }
        std::fs::write(path, contents).expect("write");
        self
    }

    /// The contents of `rel`, `None` when it does not exist.
    pub(crate) fn read(&self, rel: &str) -> Option<String> {
        match std::fs::read(self.path(rel)) {
            Ok(bytes) => Some(String::from_utf8(bytes).expect("utf-8")),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => panic!("read {rel}: {err}"),
        }
    }

    pub(crate) fn remove(&self, rel: &str) -> &Fixture {
        std::fs::remove_file(self.path(rel)).expect("remove");
        self
    }

    pub(crate) fn open(&self) -> Repo {
        Repo::open(&self.root()).expect("open repo")
    }

    /// Runs the real `git` in the project and returns its stdout.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        git_in(&self.root(), args)
    }

    /// `git status --porcelain=v1` lines (same XY codes as `--short`, stable format).
    /// A repository in the middle of a conflicted merge: `a.txt` was changed on
    /// `main` and on `other`, and `git merge other` stopped with `UU a.txt`.
    pub(crate) fn conflicted_merge() -> Fixture {
        let fx = Fixture::with_commit(&[("a.txt", "base\n")]);
        fx.git(&["switch", "-q", "-c", "other"]);
        fx.write("a.txt", "theirs\n");
        fx.git(&["commit", "-q", "-am", "theirs"]);
        fx.git(&["switch", "-q", "main"]);
        fx.write("a.txt", "ours\n");
        fx.git(&["commit", "-q", "-am", "ours"]);
        let merge = std::process::Command::new("git")
            .args(["merge", "-q", "other"])
            .current_dir(fx.root())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git merge");
        assert!(!merge.status.success(), "the merge must conflict");
        fx
    }

    pub(crate) fn git_status(&self) -> Vec<String> {
        self.git(&["status", "--porcelain=v1"])
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// Runs the real `git` in `dir`, isolated from system and user configuration.
pub(crate) fn git_in(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test User")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test User")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 git output")
}

/// Asserts the error's kind and that its message contains `fragment`.
#[track_caller]
pub(crate) fn assert_kind(err: &GitError, kind: ErrorKind, fragment: &str) {
    let message = err.to_string();
    assert_eq!(err.kind(), kind, "wrong kind for {err:?}: {message}");
    assert!(
        message.contains(fragment),
        "message {message:?} lacks {fragment:?}"
    );
}
