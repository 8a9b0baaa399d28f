//! What a request asks for and how hard it is.
//!
//! Owns the router's own copies of the request enums (intent kind, risk, latency), the
//! expected answer size per kind, and the derivation of the minimum model tier a request
//! needs. Pure Rust: no bindings, no I/O.

/// What kind of work a command asks for (mirrors `types.intent-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Show a file, a symbol or a range of lines.
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

impl Kind {
    /// Every kind, in WIT order.
    pub const ALL: [Kind; 15] = [
        Kind::Read,
        Kind::Search,
        Kind::Explain,
        Kind::Edit,
        Kind::Create,
        Kind::Refactor,
        Kind::Fix,
        Kind::Test,
        Kind::Git,
        Kind::Undo,
        Kind::Workflow,
        Kind::Analyze,
        Kind::Docs,
        Kind::Chat,
        Kind::Unknown,
    ];

    /// The WIT (kebab-case) name, used in kv keys: stable, never change it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Read => "read",
            Kind::Search => "search",
            Kind::Explain => "explain",
            Kind::Edit => "edit",
            Kind::Create => "create",
            Kind::Refactor => "refactor",
            Kind::Fix => "fix",
            Kind::Test => "test",
            Kind::Git => "git",
            Kind::Undo => "undo",
            Kind::Workflow => "workflow",
            Kind::Analyze => "analyze",
            Kind::Docs => "docs",
            Kind::Chat => "chat",
            Kind::Unknown => "unknown",
        }
    }

    /// A noun for one request of this kind, for reasons ("small edit").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Read => "read",
            Kind::Search => "search",
            Kind::Explain => "explanation",
            Kind::Edit => "edit",
            Kind::Create => "creation",
            Kind::Refactor => "refactor",
            Kind::Fix => "fix",
            Kind::Test => "test run",
            Kind::Git => "git operation",
            Kind::Undo => "undo",
            Kind::Workflow => "workflow",
            Kind::Analyze => "analysis",
            Kind::Docs => "docs task",
            Kind::Chat => "chat",
            Kind::Unknown => "request",
        }
    }

    /// The plural of [`Kind::noun`] ("failed 4 of 5 recent edits").
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Read => "reads",
            Kind::Search => "searches",
            Kind::Explain => "explanations",
            Kind::Edit => "edits",
            Kind::Create => "creations",
            Kind::Refactor => "refactors",
            Kind::Fix => "fixes",
            Kind::Test => "test runs",
            Kind::Git => "git operations",
            Kind::Undo => "undos",
            Kind::Workflow => "workflows",
            Kind::Analyze => "analyses",
            Kind::Docs => "docs tasks",
            Kind::Chat => "chats",
            Kind::Unknown => "requests",
        }
    }

    /// Output tokens we expect the model to write for one request of this kind.
    ///
    /// These are assumptions, not measurements: a rough typical answer (an explanation
    /// of a function, a diff of an edit, a restructured module for a refactor). They
    /// serve twice: as room the context window must leave for the answer, and as the
    /// output side of the cost estimate. They err on the generous side so that a model
    /// is not chosen whose window or budget only fits a short answer.
    pub fn expected_output_tokens(self) -> u32 {
        match self {
            Kind::Read | Kind::Search | Kind::Git => 500,
            Kind::Undo => 200,
            Kind::Test => 800,
            Kind::Chat => 800,
            Kind::Explain | Kind::Unknown => 1_000,
            Kind::Edit | Kind::Workflow | Kind::Analyze => 2_000,
            Kind::Fix | Kind::Docs => 2_500,
            Kind::Create => 3_000,
            Kind::Refactor => 6_000,
        }
    }

    /// Kinds whose model work is mechanical (show, find, run, undo): thoroughness does
    /// not need a bigger model for them.
    fn is_mechanical(self) -> bool {
        matches!(
            self,
            Kind::Read | Kind::Search | Kind::Test | Kind::Git | Kind::Undo
        )
    }

    /// Kinds that need reasoning over a lot of code at once.
    fn is_heavy(self) -> bool {
        matches!(self, Kind::Refactor | Kind::Analyze)
    }
}

/// How much a command can change the project (mirrors `types.risk`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// Reads only.
    ReadOnly,
    /// Changes files, undoable.
    Modify,
    /// Deletes, resets, force-pushes or deploys.
    Destructive,
}

/// How much speed matters (mirrors `router.latency-preference`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    /// Answer fast (voice round trip): lower tiers and local models first.
    Fast,
    /// No preference.
    Balanced,
    /// Take the time needed for the best result.
    Thorough,
}

/// Above this many context tokens a request needs at least tier 2.
pub const LARGE_CONTEXT: u32 = 32_000;
/// Above this many context tokens a request needs tier 3.
pub const VERY_LARGE_CONTEXT: u32 = 128_000;
/// The highest tier of the catalogue.
pub const MAX_TIER: u8 = 3;

/// The minimum tier a request needs, and the rules that raised it above 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierNeed {
    /// Minimum tier, 1 to 3.
    pub tier: u8,
    /// Short words naming each rule that asked for more than tier 1, e.g. "refactor",
    /// "destructive", "> 32k tokens", "thorough".
    pub why: Vec<&'static str>,
}

/// Derive the minimum tier from kind, risk, context size and latency.
///
/// - tier 1 for everything small (read, search, explain, chat, docs, test, git, edit,
///   create, fix, ...);
/// - tier 2 for refactor and analyze (heavy kinds), destructive risk, or more than
///   [`LARGE_CONTEXT`] tokens; tier 3 past [`VERY_LARGE_CONTEXT`] tokens;
/// - `thorough` raises the tier by one (up to 3) except for mechanical kinds (read,
///   search, test, git, undo), so a thorough refactor needs tier 3;
/// - `fast` drops the heavy-kind rule (a fast refactor may go to tier 1) but keeps the
///   safety floors of destructive risk and large contexts.
pub fn required_tier(kind: Kind, risk: Risk, context_tokens: u32, latency: Latency) -> TierNeed {
    let mut tier = 1u8;
    let mut why = Vec::new();
    let mut raise = |floor: u8, rule: &'static str, tier: &mut u8| {
        if floor > 1 {
            *tier = (*tier).max(floor);
            why.push(rule);
        }
    };
    if kind.is_heavy() && latency != Latency::Fast {
        raise(2, kind.noun(), &mut tier);
    }
    if risk == Risk::Destructive {
        raise(2, "destructive", &mut tier);
    }
    if context_tokens > VERY_LARGE_CONTEXT {
        raise(3, "> 128k tokens", &mut tier);
    } else if context_tokens > LARGE_CONTEXT {
        raise(2, "> 32k tokens", &mut tier);
    }
    if latency == Latency::Thorough && !kind.is_mechanical() && tier < MAX_TIER {
        let floor = tier + 1;
        raise(floor, "thorough", &mut tier);
    }
    TierNeed { tier, why }
}

/// A word for the context size, for reasons: small, medium, large, very large.
pub fn size_label(context_tokens: u32) -> &'static str {
    match context_tokens {
        0..=8_000 => "small",
        8_001..=LARGE_CONTEXT => "medium",
        n if n <= VERY_LARGE_CONTEXT => "large",
        _ => "very large",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_rules() {
        use Kind::*;
        use Latency::*;
        use Risk::*;
        let cases: &[(Kind, Risk, u32, Latency, u8)] = &[
            (Read, ReadOnly, 2_000, Balanced, 1),
            (Search, ReadOnly, 2_000, Thorough, 1),
            (Explain, ReadOnly, 2_000, Balanced, 1),
            (Chat, ReadOnly, 2_000, Fast, 1),
            (Edit, Modify, 2_000, Balanced, 1),
            (Fix, Modify, 20_000, Balanced, 1),
            (Edit, Modify, 2_000, Thorough, 2),
            (Refactor, Modify, 2_000, Balanced, 2),
            (Analyze, ReadOnly, 2_000, Balanced, 2),
            (Refactor, Modify, 2_000, Fast, 1),
            (Edit, Destructive, 2_000, Balanced, 2),
            (Git, Destructive, 500, Fast, 2),
            (Explain, ReadOnly, 32_000, Balanced, 1),
            (Explain, ReadOnly, 32_001, Balanced, 2),
            (Explain, ReadOnly, 40_000, Fast, 2),
            (Explain, ReadOnly, 200_000, Balanced, 3),
            (Refactor, Modify, 60_000, Thorough, 3),
            (Refactor, Modify, 2_000, Thorough, 3),
            (Refactor, Destructive, 200_000, Thorough, 3),
        ];
        for &(kind, risk, ctx, latency, want) in cases {
            let got = required_tier(kind, risk, ctx, latency);
            assert_eq!(
                got.tier, want,
                "{kind:?} {risk:?} {ctx} {latency:?}: {:?}",
                got.why
            );
            assert_eq!(got.why.is_empty(), want == 1);
        }
    }

    #[test]
    fn names_are_unique_and_kebab() {
        let mut names: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        );
    }
}
