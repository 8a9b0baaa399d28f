//! What a sync did.
//!
//! Owns: [`SyncReport`], [`SyncState`] and [`Conflict`] — the outcome a caller
//! shows to the user. Offline and blocked syncs are outcomes, not errors: the
//! local commits stay queued and a later sync carries them.
//!
//! Must never: carry credentials or remote URLs with secrets in them.

/// Where a sync ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SyncState {
    /// The branch and the remote hold the same commits.
    #[default]
    Synced,
    /// The remote could not be reached; local commits stay queued.
    Offline {
        /// What failed, for the user.
        reason: String,
    },
    /// The sync stopped without changing anything (code diverged, or the
    /// update would overwrite uncommitted changes); what to do is in `reason`.
    Blocked {
        /// Why, and how to unblock it.
        reason: String,
    },
}

/// A note both devices changed in the same place. The merged file holds both
/// versions between markers naming this device's and the other device's
/// version; edit it to keep what you want and commit the notes again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The note, relative to the work-tree root.
    pub path: String,
    /// This device's version (empty when this device deleted the note).
    pub ours: String,
    /// The other device's version (empty when it deleted the note).
    pub theirs: String,
}

/// What [`crate::Repo::sync_context`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncReport {
    /// Where the sync ended.
    pub state: SyncState,
    /// Commits sent to the remote.
    pub pushed: usize,
    /// Commits received from the remote.
    pub pulled: usize,
    /// Whether the two histories were merged (a merge commit was made).
    pub merged: bool,
    /// Notes changed on both sides that kept both versions.
    pub conflicts: Vec<Conflict>,
    /// Local commits the remote does not have yet (queued for a later sync).
    pub pending_commits: usize,
}
