//! Why a git call failed.
//!
//! Owns: [`GitError`] and its WIT error code ([`GitError::kind`]). Every message
//! says what failed, where (path, branch, remote) and how to fix it. Messages
//! never contain file contents, credentials or tokens.

use std::io;
use std::path::PathBuf;

use ralex_caps::ErrorKind;

/// Why a git call failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The project root could not be read (missing, unreadable).
    #[error(
        "cannot open the project root `{}`: {source}; check that the folder exists and is readable",
        root.display()
    )]
    Root {
        /// The root as configured.
        root: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// There is no repository at or above the project root.
    #[error(
        "`{}` is not inside a git repository; run `git init` in the project root (or clone the project) first",
        root.display()
    )]
    NotARepo {
        /// The project root.
        root: PathBuf,
    },

    /// The repository has no work tree.
    #[error(
        "the repository at `{}` is bare (it has no work tree); point Ralex at a checked-out project folder",
        path.display()
    )]
    BareRepo {
        /// The repository's git folder.
        path: PathBuf,
    },

    /// The project root is not the work tree or a folder inside it (e.g. `.git`).
    #[error(
        "the project root `{}` is not inside the work tree `{}`; point Ralex at the project folder, not at the repository's internals",
        root.display(),
        workdir.display()
    )]
    OutsideWorkTree {
        /// The project root.
        root: PathBuf,
        /// The repository's work tree.
        workdir: PathBuf,
    },

    /// A path argument is malformed (absolute, `..`, empty, inside `.git`).
    #[error(
        "`{path}` is not a valid path: {reason}; give a path relative to the work-tree root, e.g. `src/main.rs`"
    )]
    InvalidPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A path given to `commit` matches nothing on disk, in the index or in HEAD.
    #[error(
        "`{path}` matches no file in the work tree, the index or HEAD; check the spelling (paths are relative to the work-tree root)"
    )]
    PathNotFound {
        /// The path as given.
        path: String,
    },

    /// The commit message is empty.
    #[error(
        "the commit message is empty; say what the change does, e.g. \"fix the login redirect\""
    )]
    EmptyMessage,

    /// Committing would record no change.
    #[error(
        "nothing to commit on `{branch}`: the staged tree is identical to HEAD; change a file first"
    )]
    NothingToCommit {
        /// The current branch (or `HEAD` when detached).
        branch: String,
    },

    /// A merge, rebase, cherry-pick... is in progress, or the index has conflicts.
    #[error("cannot {action}: {what} in `{}`; finish or abort it with git first (e.g. `git merge --abort`)", workdir.display())]
    Busy {
        /// What was attempted.
        action: &'static str,
        /// What is in progress.
        what: String,
        /// The work tree.
        workdir: PathBuf,
    },

    /// HEAD points at a commit, not a branch.
    #[error(
        "HEAD is detached at {commit} (not on a branch); switch to a branch first, e.g. `git switch main`"
    )]
    DetachedHead {
        /// The short id of the checked-out commit.
        commit: String,
    },

    /// The current branch has no commit yet.
    #[error("cannot {action}: branch `{branch}` has no commits yet; make a first commit")]
    UnbornBranch {
        /// What was attempted.
        action: &'static str,
        /// The unborn branch.
        branch: String,
    },

    /// The branch name is not a valid git reference name.
    #[error(
        "`{name}` is not a valid branch name; use letters, digits, `-`, `_`, `/` and `.` (no spaces, `..`, `~`, `^`, `:` or trailing `.lock`)"
    )]
    InvalidBranchName {
        /// The name as given.
        name: String,
    },

    /// A branch with that name already exists.
    #[error("a branch named `{name}` already exists; pick another name or switch to it")]
    BranchExists {
        /// The name as given.
        name: String,
    },

    /// A snapshot id is malformed.
    #[error(
        "`{id}` is not a snapshot id; ids look like `1718000000000-0000` (see the snapshot list)"
    )]
    InvalidSnapshotId {
        /// The id as given.
        id: String,
    },

    /// No snapshot has that id.
    #[error(
        "there is no snapshot `{id}` in this repository; list the snapshots to see which exist"
    )]
    SnapshotNotFound {
        /// The id as given.
        id: String,
    },

    /// Undo would overwrite edits made after the command.
    #[error(
        "you edited {} after the command; undo would lose your edits — revert them or commit them first, then undo again",
        list(paths)
    )]
    UndoConflict {
        /// The touched paths whose content changed after the command.
        paths: Vec<String>,
    },

    /// Undo would write through a symlinked folder or over a non-empty folder.
    #[error("undo cannot restore `{path}`: {reason}; move it out of the way and undo again")]
    UndoBlocked {
        /// The path undo would write.
        path: String,
        /// What is in the way.
        reason: &'static str,
    },

    /// No remote with that name is configured.
    #[error("there is no remote named `{remote}`; add it with `git remote add {remote} <url>`")]
    RemoteNotFound {
        /// The remote name as given.
        remote: String,
    },

    /// The remote has no branch with the name of the current branch.
    #[error("remote `{remote}` has no branch `{branch}`; push it first or check the branch name")]
    RemoteBranchNotFound {
        /// The remote.
        remote: String,
        /// The branch.
        branch: String,
    },

    /// Pushing would drop commits on the remote.
    #[error(
        "push of `{branch}` to `{remote}` was rejected because the remote has commits you do not have (non-fast-forward); pull first, or force the push if you mean to overwrite them"
    )]
    PushNotFastForward {
        /// The remote.
        remote: String,
        /// The branch.
        branch: String,
    },

    /// The remote refused a reference update (hook, protected branch...).
    #[error(
        "remote `{remote}` rejected the update of `{refname}`: {reason}; check the remote's branch protection or hooks"
    )]
    PushRejected {
        /// The remote.
        remote: String,
        /// The reference the remote refused.
        refname: String,
        /// The remote's reason.
        reason: String,
    },

    /// Pull cannot fast-forward.
    #[error(
        "cannot pull `{branch}` from `{remote}`: branches have diverged; merge or rebase yourself (each side has commits the other lacks)"
    )]
    Diverged {
        /// The remote.
        remote: String,
        /// The branch.
        branch: String,
    },

    /// The fast-forward would overwrite uncommitted work.
    #[error(
        "cannot pull from `{remote}`: the update would overwrite uncommitted changes in {}; commit or stash them first",
        list(paths)
    )]
    DirtyWorkTree {
        /// The remote.
        remote: String,
        /// The paths with uncommitted changes the update touches.
        paths: Vec<String>,
    },

    /// Authentication with the remote failed.
    #[error(
        "authentication with remote `{remote}` ({url}) failed after trying {tried}; for https set RALEX_GIT_TOKEN (and RALEX_GIT_USERNAME if needed) or configure a git credential helper, for ssh add your key to ssh-agent (`ssh-add`)"
    )]
    Auth {
        /// The remote.
        remote: String,
        /// The remote's URL (as configured; never contains the token).
        url: String,
        /// The mechanisms tried, human-readable.
        tried: String,
    },

    /// The remote could not be reached or the transfer failed.
    #[error(
        "cannot reach remote `{remote}` ({url}): {message}; check the URL (`git remote -v`) and the network"
    )]
    Network {
        /// The remote.
        remote: String,
        /// The remote's URL.
        url: String,
        /// libgit2's message.
        message: String,
    },

    /// A file of the work tree could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },

    /// libgit2 failed in a way the caller cannot fix by changing the call.
    #[error("git failed while {action}: {}", source.message())]
    Git {
        /// What was attempted.
        action: &'static str,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
}

impl GitError {
    /// The WIT error code of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            GitError::Root { source, .. } | GitError::Io { source, .. } => match source.kind() {
                io::ErrorKind::NotFound => ErrorKind::NotFound,
                io::ErrorKind::PermissionDenied => ErrorKind::Denied,
                _ => ErrorKind::Internal,
            },
            GitError::NotARepo { .. }
            | GitError::PathNotFound { .. }
            | GitError::SnapshotNotFound { .. }
            | GitError::RemoteNotFound { .. }
            | GitError::RemoteBranchNotFound { .. } => ErrorKind::NotFound,
            GitError::BareRepo { .. }
            | GitError::OutsideWorkTree { .. }
            | GitError::InvalidPath { .. }
            | GitError::EmptyMessage
            | GitError::InvalidBranchName { .. }
            | GitError::InvalidSnapshotId { .. } => ErrorKind::InvalidInput,
            GitError::NothingToCommit { .. }
            | GitError::Busy { .. }
            | GitError::DetachedHead { .. }
            | GitError::UnbornBranch { .. }
            | GitError::BranchExists { .. }
            | GitError::UndoConflict { .. }
            | GitError::PushNotFastForward { .. }
            | GitError::PushRejected { .. }
            | GitError::Diverged { .. }
            | GitError::DirtyWorkTree { .. } => ErrorKind::Conflict,
            GitError::UndoBlocked { .. } => ErrorKind::Denied,
            GitError::Auth { .. } | GitError::Network { .. } => ErrorKind::Unavailable,
            GitError::Git { .. } => ErrorKind::Internal,
        }
    }

    /// Wraps a libgit2 error that the caller cannot fix.
    pub(crate) fn git(action: &'static str) -> impl FnOnce(git2::Error) -> GitError {
        move |source| GitError::Git { action, source }
    }

    /// Wraps an OS error on a work-tree file.
    pub(crate) fn io(action: &'static str, path: PathBuf) -> impl FnOnce(io::Error) -> GitError {
        move |source| GitError::Io {
            action,
            path,
            source,
        }
    }
}

/// `` `a`, `b` and 3 more `` — a short, readable list of paths for messages.
fn list(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    let quoted: Vec<String> = paths.iter().take(SHOWN).map(|p| format!("`{p}`")).collect();
    let mut text = quoted.join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_conflict_names_the_paths_and_the_fix() {
        let err = GitError::UndoConflict {
            paths: vec!["src/a.rs".into(), "b.txt".into()],
        };
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert_eq!(
            err.to_string(),
            "you edited `src/a.rs`, `b.txt` after the command; undo would lose your edits — revert them or commit them first, then undo again"
        );
    }

    #[test]
    fn long_path_lists_are_shortened() {
        let paths: Vec<String> = (0..8).map(|i| format!("f{i}")).collect();
        assert_eq!(list(&paths), "`f0`, `f1`, `f2`, `f3`, `f4` and 3 more");
    }

    #[test]
    fn io_kinds_follow_the_os_error() {
        let err = GitError::io("write", PathBuf::from("x"))(io::Error::from(
            io::ErrorKind::PermissionDenied,
        ));
        assert_eq!(err.kind(), ErrorKind::Denied);
        let err =
            GitError::io("read", PathBuf::from("x"))(io::Error::from(io::ErrorKind::NotFound));
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn remote_failures_are_unavailable() {
        let err = GitError::Auth {
            remote: "origin".into(),
            url: "https://example.com/x.git".into(),
            tried: "RALEX_GIT_TOKEN, git credential helper".into(),
        };
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert!(err.to_string().contains("RALEX_GIT_TOKEN"), "{err}");
    }
}
