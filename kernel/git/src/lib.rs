//! `ralex-git`: the kernel's git capability, on libgit2 (`git2`).
//!
//! Owns: the project's repository as seen by Ralex — status, diff, log,
//! commit, branches, remotes (fetch, push, fast-forward pull) — and the
//! snapshots Ralex's undo is built on: [`Repo::snapshot`] records the whole
//! work tree under a private ref without touching HEAD, index or work tree,
//! and [`Repo::undo`] puts back what a command changed between two snapshots,
//! refusing when that would lose later edits. The project's context notes
//! (`.ralex/`) are committed on their own ([`Repo::commit_context`]) and
//! synced between a user's devices ([`Repo::sync_context`]).
//!
//! Must never: move HEAD, write the index or touch the work tree outside the
//! operations whose job that is (commit stages; branch switches; pull
//! fast-forwards; undo restores the paths the command touched; the context
//! sync commits the notes' folder and checks out what it merged); log or report
//! credentials.

mod branch;
mod commit;
mod context_sync;
mod credentials;
mod diff;
mod error;
mod log;
mod paths;
mod pull;
mod remote;
mod repo;
mod review;
mod scratch;
mod snapshot;
mod snapshot_diff;
mod status;
mod undo;
mod worktree;

#[cfg(test)]
pub(crate) mod testing;

pub use context_sync::{
    COMMIT_PREFIX, Conflict, DEFAULT_APPEND_ONLY, SyncOptions, SyncReport, SyncState,
};
pub use credentials::{TOKEN_VAR, USERNAME_VAR};
pub use diff::DiffScope;
pub use error::GitError;
pub use log::CommitInfo;
pub use pull::PullOutcome;
pub use repo::Repo;
pub use snapshot::Snapshot;
pub use snapshot_diff::FileDiff;
pub use status::StatusEntry;
pub use undo::UndoReport;
