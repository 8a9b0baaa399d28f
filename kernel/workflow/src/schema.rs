//! What a checked workflow is: its parameters and its steps, each with one
//! action, a condition, retries, a timeout and what to do when it fails.
//!
//! Owns: the validated types [`Workflow`], [`Param`], [`Step`], [`Action`],
//! [`Retry`], [`OnFailure`]. They are built only by [`crate::parse`], so a
//! value of these types has passed every check of `ralex workflow check`.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::expr::Expr;

/// A checked workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workflow {
    /// Its name (kebab-case), as `ralex workflow run NAME` calls it.
    pub name: String,
    /// One line saying what it does.
    pub description: String,
    /// Its parameters, in file order.
    pub params: Vec<Param>,
    /// Work in a separate git worktree and end with a diff to apply or discard.
    pub transactional: bool,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` / `false`.
    Boolean,
}

impl ParamType {
    /// Its name in workflow files.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
        }
    }
}

/// A declared parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// Its value when none is given (already valid).
    pub default: Option<Value>,
    /// Whether a run must give it (a required parameter has no default).
    pub required: bool,
    /// The only values allowed, if limited.
    pub choices: Option<Vec<Value>>,
    /// Smallest allowed number.
    pub min: Option<f64>,
    /// Largest allowed number.
    pub max: Option<f64>,
}

/// What a step does when it fails (after its retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnFailure {
    /// End the run as failed; what earlier steps did stays.
    Stop,
    /// Go on with the next step (later `if:` can look at `steps.<name>.failed`).
    Continue,
    /// Put every file back as it was when the run began, then end the run.
    Rollback,
}

impl OnFailure {
    /// Its name in workflow files.
    pub fn as_str(self) -> &'static str {
        match self {
            OnFailure::Stop => "stop",
            OnFailure::Continue => "continue",
            OnFailure::Rollback => "rollback",
        }
    }
}

/// How often a failed step is tried again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retry {
    /// Attempts in all (1 = no retry), or a `${{ }}` template giving the number.
    pub attempts: Attempts,
    /// The wait before the second attempt.
    #[serde(with = "millis")]
    pub backoff: Duration,
    /// Each later wait is the one before times this.
    pub factor: f64,
}

/// The number of attempts: fixed, or from a parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Attempts {
    /// A fixed number.
    Fixed(u32),
    /// A template evaluated when the step runs (e.g. `${{ params.max_fixes }}`).
    Template(String),
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: Attempts::Fixed(1),
            backoff: Duration::from_secs(1),
            factor: 2.0,
        }
    }
}

impl Retry {
    /// The wait before attempt `attempt` (2, 3, …).
    pub fn wait_before(&self, attempt: u32) -> Duration {
        let times = attempt.saturating_sub(2) as i32;
        // Capped before it becomes a Duration (which panics on overflow).
        let secs = self.backoff.as_secs_f64() * self.factor.powi(times);
        Duration::from_secs_f64(secs.clamp(0.0, 3600.0))
    }
}

/// A git operation a step may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GitAction {
    /// `git status`.
    Status,
    /// The diff of the work tree.
    Diff,
    /// Recent commits.
    Log,
    /// Commit every change (needs `message`).
    Commit,
}

/// What one step does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A task for the coding agent.
    Agent {
        /// The prompt (a template).
        prompt: String,
        /// Files or symbols to work on (templates).
        targets: Vec<String>,
        /// The intent kind (`edit`, `create`, `fix`, `refactor`, `docs`, …).
        kind: String,
        /// Run the tests afterwards; the step fails when they fail.
        verify: bool,
    },
    /// The project's tests (or `command`).
    Test {
        /// Another test command than the project's (a template).
        command: Option<String>,
    },
    /// A program, through the exec capability (allow-listed by policy, no shell).
    Run {
        /// The command line (a template), split on spaces.
        command: String,
    },
    /// A git operation.
    Git {
        /// Which.
        action: GitAction,
        /// The commit message (a template).
        message: Option<String>,
    },
    /// A `workflow-step` plugin: untrusted code, sandboxed.
    Plugin {
        /// The installed plugin's name.
        name: String,
        /// Its parameters (strings are templates).
        with: Value,
    },
    /// A person's confirmation.
    Confirm {
        /// The question (a template).
        message: String,
    },
    /// End the run as failed with this message (used with `if:`).
    Fail {
        /// Why (a template).
        message: String,
    },
    /// Write a file of the project.
    Write {
        /// The project-relative path (a template).
        path: String,
        /// The content (a template).
        content: String,
    },
}

impl Action {
    /// Its key in workflow files.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Agent { .. } => "agent",
            Action::Test { .. } => "test",
            Action::Run { .. } => "run",
            Action::Git { .. } => "git",
            Action::Plugin { .. } => "plugin",
            Action::Confirm { .. } => "confirm",
            Action::Write { .. } => "write",
            Action::Fail { .. } => "fail",
        }
    }

    /// Whether running it twice does no harm, so a run interrupted during it
    /// can repeat it (tests, confirmations, git reads).
    pub fn repeatable_by_default(&self) -> bool {
        match self {
            Action::Test { .. }
            | Action::Confirm { .. }
            | Action::Write { .. }
            | Action::Fail { .. } => true,
            Action::Git { action, .. } => *action != GitAction::Commit,
            Action::Agent { .. } | Action::Run { .. } | Action::Plugin { .. } => false,
        }
    }
}

/// One checked step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Its name, unique in the workflow (`steps.<name>` in conditions).
    pub name: String,
    /// The line of the file where it begins (1-based; 0 when unknown).
    pub line: usize,
    /// Run only when this holds (`if:`).
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Its retries.
    pub retry: Retry,
    /// Longest one attempt may take.
    #[serde(with = "opt_millis", skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// What happens when it fails.
    pub on_failure: OnFailure,
    /// Whether a run interrupted during it may run it again on resume.
    pub repeatable: bool,
    /// What it does.
    pub action: Action,
}

impl Step {
    /// The parsed condition (checked when the workflow was parsed).
    pub fn condition(&self) -> Option<Expr> {
        self.condition.as_deref().and_then(|c| Expr::parse(c).ok())
    }
}

mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
}

mod opt_millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_u64(d.as_millis() as u64),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_the_factor() {
        let retry = Retry {
            attempts: Attempts::Fixed(4),
            backoff: Duration::from_millis(100),
            factor: 3.0,
        };
        assert_eq!(retry.wait_before(2), Duration::from_millis(100));
        assert_eq!(retry.wait_before(3), Duration::from_millis(300));
        assert_eq!(retry.wait_before(4), Duration::from_millis(900));
        let huge = Retry {
            attempts: Attempts::Fixed(20),
            backoff: Duration::from_secs(3600),
            factor: 10.0,
        };
        assert_eq!(huge.wait_before(20), Duration::from_secs(3600));
    }
}
