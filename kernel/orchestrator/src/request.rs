//! What a command arrives with: the words, the project, the session, who asks and
//! whether they confirmed.

use std::path::PathBuf;

use ralex_policy::Principal;

/// How the person confirmed (or not) a destructive or risky intent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Confirm {
    /// No confirmation: such an intent answers `needs_confirmation`.
    #[default]
    No,
    /// Confirmed up front for this very command (`ralex run --yes`: the person is
    /// at the terminal and typed it).
    Upfront,
    /// Confirms an earlier `needs_confirmation` answer: by its id when given,
    /// else the session's pending confirmation of the same intent. It must match
    /// the exact intent and not have expired.
    Pending(Option<String>),
}

/// The person asking.
#[derive(Debug, Clone)]
pub struct Who {
    /// Their policy principal.
    pub principal: Principal,
    /// How the audit trail names them (`user:cli`, `token:phone`).
    pub actor: String,
    /// How explanations name them ("user `cli`").
    pub label: String,
}

/// One command to handle.
#[derive(Debug, Clone)]
pub struct CommandRequest {
    /// What was said or typed.
    pub transcript: String,
    /// The project folder.
    pub project: PathBuf,
    /// The session ("undo that" works within it).
    pub session_id: String,
    /// Understand and decide only; change nothing.
    pub dry_run: bool,
    /// The person's confirmation.
    pub confirm: Confirm,
    /// Who asks.
    pub who: Who,
}
