//! The enhancer's plain request and result types, mirroring `enhancer.enhance-request`
//! and `enhancer.enhanced-prompt` without the bindings, so the logic is tested natively.
//!
//! Owns no behaviour: `component` converts the WIT types into these and back.

/// What kind of work a command asks for (mirrors `types.intent-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Show a file, a symbol or lines.
    Read,
    /// Find where something is defined or used.
    Search,
    /// Explain code in words.
    Explain,
    /// Change existing code.
    Edit,
    /// Create a new file or symbol.
    Create,
    /// Restructure code without changing behaviour.
    Refactor,
    /// Fix a bug or a failing test.
    Fix,
    /// Run the project's tests.
    Test,
    /// A git operation.
    Git,
    /// Undo an earlier command.
    Undo,
    /// Run a named workflow.
    Workflow,
    /// Analyse code quality, complexity or security.
    Analyze,
    /// Write or update documentation.
    Docs,
    /// Talk about the project without changing anything.
    Chat,
    /// The command could not be understood.
    Unknown,
}

/// What a command is about (the parts of `types.target` the enhancer uses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// A path relative to the project root, e.g. "inventory/pricing.py".
    pub path: Option<String>,
    /// A symbol name, e.g. "parse_config".
    pub symbol: Option<String>,
}

/// The prompt to improve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The kind of the parsed intent.
    pub kind: Kind,
    /// The intent's targets, in the order spoken.
    pub targets: Vec<Target>,
    /// The user's words, cleaned.
    pub command: String,
    /// Sources of the context items the kernel already chose (not added again).
    pub context_sources: Vec<String>,
    /// Token budget for what the enhancer adds.
    pub budget_tokens: u32,
}

/// One context item the enhancer adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where it comes from, e.g. ".ralex/standards/python.md" or
    /// ".ralex/decisions.md#use-decimal-for-prices".
    pub source: String,
    /// The text, possibly cut to fit the budget.
    pub content: String,
}

/// The improved prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enhanced {
    /// System instructions.
    pub system: String,
    /// Context items added, in ranked order.
    pub added: Vec<Item>,
    /// One short line per thing added, left out or skipped, then the totals.
    pub notes: Vec<String>,
}
