//! The answer of a command, as `ralex run --json` prints it and `POST
//! /v4/voice-command` returns it (DESIGN.md §5): `status`, a short speakable
//! `response`, `changes` with unified diffs, the model and `cost_usd`, `undo_id`.
//! Additions beyond the contract's fields (`output`, `tests`) are optional.

use serde::Serialize;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Done.
    Completed,
    /// Destructive or risky: nothing was done; confirm to run exactly this intent.
    NeedsConfirmation,
    /// The policy refused it.
    Denied,
    /// It could not be done; the response says why.
    Failed,
}

impl Status {
    /// The contract's name: `completed`, `needs_confirmation`, `denied`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::NeedsConfirmation => "needs_confirmation",
            Status::Denied => "denied",
            Status::Failed => "failed",
        }
    }
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeOut {
    /// Path relative to the project root.
    pub path: String,
    /// Unified diff.
    pub diff: String,
}

/// A test run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestReport {
    /// The command line that ran.
    pub command: String,
    /// Exit code 0.
    pub passed: bool,
    /// The exit code (none when killed).
    pub exit_code: Option<i32>,
    /// It ran out of time.
    pub timed_out: bool,
    /// Wall-clock milliseconds.
    pub duration_ms: u64,
    /// The last lines of its output (stdout then stderr).
    pub output_tail: String,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Answer {
    /// The session the command belongs to.
    pub session_id: String,
    /// How it ended.
    pub status: Status,
    /// The intent as understood.
    pub intent: serde_json::Value,
    /// The words as understood (cleaned), when the parser got that far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    /// Only understood and decided; nothing was changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// One or two sentences a phone can read aloud.
    pub response: String,
    /// Files changed, with diffs.
    pub changes: Vec<ChangeOut>,
    /// The model that did the work, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// What the command cost.
    pub cost_usd: f64,
    /// Identifier for `ralex undo` / `POST /v4/undo`, when something changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo_id: Option<String>,
    /// What was shown (file content, search hits, git output), for a screen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The test run, when tests ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests: Option<TestReport>,
    /// For `needs_confirmation`: the id that confirms exactly this intent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_id: Option<String>,
    /// What the pipeline noticed on the way (a skipped enhancer, a cut context).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
