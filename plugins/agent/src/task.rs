//! The task the kernel hands the agent and what the agent hands back, as plain Rust
//! (mirrors `task-runner.task` and `task-runner.task-result`).

use crate::host::Usage;

/// One target of the intent: a file, a symbol, a line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    /// The words that named it.
    pub phrase: Option<String>,
    /// A path relative to the project root.
    pub path: Option<String>,
    /// A symbol name.
    pub symbol: Option<String>,
    /// A 1-based line.
    pub line: Option<u32>,
}

/// The parts of the intent the agent tells the model about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intent {
    /// The kind's WIT name, e.g. "edit", "fix".
    pub kind: String,
    /// What the command is about.
    pub targets: Vec<Target>,
    /// Extra parameters, key and value.
    pub params: Vec<(String, String)>,
}

/// Limits the agent stays within.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Most model calls.
    pub max_steps: u32,
    /// Most money to spend, USD.
    pub max_cost_usd: f64,
}

/// The task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// The intent, with resolved targets.
    pub intent: Intent,
    /// The user's words.
    pub command: String,
    /// System prompt from the prompt enhancer (may be empty).
    pub system_prompt: String,
    /// Context text selected by the kernel.
    pub context: String,
    /// Model chosen by the router (empty lets the kernel route).
    pub model: String,
    /// Limits.
    pub limits: Limits,
    /// Run the project's tests after editing.
    pub run_tests: bool,
    /// The project's test command, program first (empty when unknown).
    pub test_command: Vec<String>,
}

/// What the agent did.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskResult {
    /// One or two speakable sentences.
    pub summary: String,
    /// Changed paths, deduplicated, in order of first change.
    pub changed_paths: Vec<String>,
    /// Whether the tests passed, when they ran.
    pub tests_passed: Option<bool>,
    /// Model calls made.
    pub steps: u32,
    /// Summed usage of all model calls.
    pub usage: Usage,
}
