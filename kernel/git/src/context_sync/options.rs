//! What a sync is asked to do.
//!
//! Owns: [`SyncOptions`] and its defaults (remote `origin`, folder `.ralex`,
//! the append-only logs, the retry budget for flaky networks).
//!
//! Must never: hold credentials; those come from the environment or git's
//! credential helper at the time of the transfer.

use std::time::Duration;

/// The notes that only ever grow, merged by keeping the entries of both
/// devices: session logs (and their archive), decisions and patterns.
pub const DEFAULT_APPEND_ONLY: [&str; 3] = [
    ".ralex/sessions/**",
    ".ralex/decisions.md",
    ".ralex/patterns.md",
];

/// How [`crate::Repo::sync_context`] syncs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// The configured remote to sync with (e.g. `origin`).
    pub remote: String,
    /// The notes' folder, relative to the work-tree root (e.g. `.ralex`).
    /// Only conflicts inside it are resolved; anywhere else a conflict blocks
    /// the sync.
    pub prefix: String,
    /// Patterns of append-only files, relative to the work-tree root, merged
    /// by union: `*` and `?` match inside one path segment, `**` any number
    /// of segments, and a pattern naming a folder covers everything under it
    /// (e.g. `.ralex/sessions/**`, `.ralex/decisions.md`).
    pub append_only: Vec<String>,
    /// How many times a fetch or push that failed on the network is tried
    /// again before the sync reports itself offline.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each further retry.
    pub backoff: Duration,
}

impl SyncOptions {
    /// The defaults with the given remote.
    pub fn new(remote: impl Into<String>) -> SyncOptions {
        SyncOptions {
            remote: remote.into(),
            ..SyncOptions::default()
        }
    }
}

impl Default for SyncOptions {
    /// Remote `origin`, folder `.ralex`, [`DEFAULT_APPEND_ONLY`], 3 retries
    /// starting at 250 ms (at most 1.75 s of waiting per transfer).
    fn default() -> SyncOptions {
        SyncOptions {
            remote: "origin".to_owned(),
            prefix: ".ralex".to_owned(),
            append_only: DEFAULT_APPEND_ONLY
                .iter()
                .map(|p| (*p).to_owned())
                .collect(),
            retries: 3,
            backoff: Duration::from_millis(250),
        }
    }
}
