//! The command parser: turns a spoken or typed command into an intent (kind, targets,
//! params, risk, confidence) and a cleaned transcript. Plain Rust with no dependencies,
//! so it runs natively in tests and inside the wasm component alike.
//!
//! Stages, one file each:
//! - `token` splits the transcript into words (punctuation, quotes, case, emoji);
//! - `mishear` fixes common mishearings; `fillers` drops padding and politeness;
//! - `numbers` turns number words into digits; `spoken` joins spoken punctuation
//!   ("config dot py" → `config.py`); `normalize` runs this cleaning pipeline;
//! - `targets` (with `paths`, `symbols`, `lines`) finds what the command is about;
//! - `verbs`, `classify`, `git`, `workflow`, `chat` decide the kind and params;
//! - `risk` grades how much the command can change.
//!
//! Parsing never fails and never panics: an unintelligible command is kind `unknown`
//! with a low confidence.

mod casing;
mod chat;
mod classify;
mod context;
mod fillers;
mod frames;
mod git;
mod lexicon;
mod lines;
mod mishear;
mod normalize;
mod numbers;
mod paths;
mod refine;
mod risk;
mod spoken;
mod symbols;
mod targets;
mod token;
mod verbs;
mod workflow;

/// What kind of work a command asks for (WIT `intent-kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Read,
    Search,
    Explain,
    Edit,
    Create,
    Refactor,
    Fix,
    Test,
    Git,
    Undo,
    Workflow,
    Analyze,
    Docs,
    Chat,
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

    /// The kind's name in the intent JSON ("read", …, "unknown").
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

    /// The kind named `s` (as returned by [`Kind::as_str`]).
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How much a command can change the project (WIT `risk`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    ReadOnly,
    Modify,
    Destructive,
}

impl Risk {
    /// "read_only" | "modify" | "destructive".
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::ReadOnly => "read_only",
            Risk::Modify => "modify",
            Risk::Destructive => "destructive",
        }
    }

    /// The risk named `s` (as returned by [`Risk::as_str`]; "read-only" also accepted).
    pub fn from_name(s: &str) -> Option<Risk> {
        match s {
            "read_only" | "read-only" => Some(Risk::ReadOnly),
            "modify" => Some(Risk::Modify),
            "destructive" => Some(Risk::Destructive),
            _ => None,
        }
    }
}

/// Something a command is about, as spoken, with its literal reading.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpokenTarget {
    /// The words that named it, e.g. "parse config dot py".
    pub phrase: String,
    /// A path relative to the project root, e.g. "parse_config.py".
    pub path: Option<String>,
    /// A symbol, e.g. "parse_config" or "StockItem".
    pub symbol: Option<String>,
    /// A 1-based line number.
    pub line: Option<u32>,
}

/// The parser's reading of one command.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub kind: Kind,
    /// Targets in the order spoken.
    pub targets: Vec<SpokenTarget>,
    /// Parameters, e.g. ("action", "commit"), ("message", "fix typo").
    pub params: Vec<(String, String)>,
    pub risk: Risk,
    /// 0..1; at most 0.3 for `unknown`.
    pub confidence: f32,
    /// The transcript cleaned: padding removed, spoken forms written out.
    pub normalized: String,
}

/// The cleaned transcript with each target written in its literal form.
fn render(tokens: &[token::Token], found: &targets::Targets) -> String {
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let span = found.found.iter().find(|f| {
            f.start == i
                && f.end > i
                && f.target
                    .line
                    .is_none_or(|_| f.target.path.is_some() || f.target.symbol.is_some())
        });
        match span.and_then(|f| {
            f.target
                .path
                .as_deref()
                .or(f.target.symbol.as_deref())
                .map(|v| (v, f.end))
        }) {
            Some((value, end)) => {
                out.push(value);
                i = end;
            }
            None => {
                if let Some(t) = tokens.get(i) {
                    out.push(t.text.as_str());
                }
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Parses one command. `workflows` are the names of the project's workflows.
pub fn parse(transcript: &str, workflows: &[String]) -> Parsed {
    let cleaned = normalize::clean(transcript);
    let found = targets::extract(&cleaned.tokens);
    let ctx = context::Ctx::new(&cleaned, &found, workflows);
    let decision = classify::decide(&ctx);
    let mut params = decision.params;
    for (k, v) in &found.params {
        if !params.iter().any(|(pk, _)| pk == k) {
            params.push((k.clone(), v.clone()));
        }
    }
    let kind = decision.kind;
    let risk = risk::of(kind, &params, decision.destructive);
    let mut confidence = decision.confidence.clamp(0.0, 1.0);
    if kind == Kind::Unknown {
        confidence = confidence.min(0.3);
    }
    Parsed {
        kind,
        targets: found.list(),
        params,
        risk,
        confidence,
        normalized: render(&cleaned.tokens, &found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.as_str()), Some(k));
        }
        for r in [Risk::ReadOnly, Risk::Modify, Risk::Destructive] {
            assert_eq!(Risk::from_name(r.as_str()), Some(r));
        }
        assert_eq!(Kind::from_name("nope"), None);
        assert_eq!(Risk::from_name(""), None);
    }

    #[test]
    fn example_from_the_design() {
        let p = parse(
            "hey can you please add a docstring to parse config dot py thanks",
            &[],
        );
        assert_eq!(p.kind, Kind::Docs);
        assert_eq!(p.risk, Risk::Modify);
        assert_eq!(p.normalized, "add a docstring to parse_config.py");
        assert_eq!(
            p.targets.first().and_then(|t| t.path.as_deref()),
            Some("parse_config.py")
        );
        assert_eq!(
            p.targets.first().map(|t| t.phrase.as_str()),
            Some("parse config dot py")
        );
    }

    #[test]
    fn odd_inputs_never_panic() {
        let long = "fix the bug in parse config dot py ".repeat(400);
        let inputs = [
            "",
            " ",
            "🎉🎉🎉",
            "...",
            "\u{0}\u{1}\u{7f}",
            "ÄÖÜ ß 漢字 كلمة",
            "THE THE THE THE",
            "dot dot dot slash slash underscore",
            "line line line",
            "lines 99999999999999999999 to 5",
            "rename to to to",
            "git",
            "commit with message",
            "nine nine nine nine nine nine nine nine nine thousand thousand",
            "camel case",
            "' \" ` ( ) [ ] { }",
            long.as_str(),
        ];
        for s in inputs {
            let p = parse(s, &["feature".to_string()]);
            assert!((0.0..=1.0).contains(&p.confidence), "{s:?}");
        }
        let huge = "x".repeat(100_000);
        let _ = parse(&huge, &[]);
        let p = parse("", &[]);
        assert_eq!(p.kind, Kind::Unknown);
        assert!(p.confidence <= 0.3);
    }
}
