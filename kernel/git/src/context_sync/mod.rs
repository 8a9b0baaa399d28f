//! Git sync of the project's context notes (`.ralex/`).
//!
//! Owns: committing the notes on their own ([`Repo::commit_context`]) and
//! carrying them between a user's devices through the project's remote
//! ([`Repo::sync_context`]): fetch, fast-forward, push, and merging diverged
//! histories where conflicts in the notes are resolved without losing a word
//! (append-only logs are united, other notes merged three-way, and what still
//! conflicts is kept with both versions and reported).
//!
//! Must never: commit, stage or unstage anything outside the notes' folder;
//! resolve a conflict in code (outside the folder) — the whole sync stops and
//! says so; overwrite an uncommitted change; drop a line of either device's
//! notes; or treat an unreachable remote as an error (the commits stay queued).

mod advance;
mod commit;
mod options;
mod pattern;
mod report;
mod resolve;
mod sync;
mod transport;
mod union;

#[cfg(test)]
mod tests;

pub use options::{DEFAULT_APPEND_ONLY, SyncOptions};
pub use report::{Conflict, SyncReport, SyncState};

/// The subject prefix of every commit this module makes.
pub const COMMIT_PREFIX: &str = "ralex: context: ";
