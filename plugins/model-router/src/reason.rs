//! The words of the router: the one-line reason of a decision and the message of a
//! refusal.
//!
//! Owns the formatting of token counts, money and lists, and the two renderers. The
//! routing logic ([`crate::route`]) decides; this module only says it, from plain data.

use std::fmt::Write as _;

use crate::complexity::Kind;

/// Which budget limits a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetName {
    /// The daily budget.
    Day,
    /// The monthly budget.
    Month,
    /// The session budget.
    Session,
}

impl BudgetName {
    /// "today", "this month", "this session": as in "$0.10 left today".
    pub fn when(self) -> &'static str {
        match self {
            BudgetName::Day => "today",
            BudgetName::Month => "this month",
            BudgetName::Session => "this session",
        }
    }

    /// How to get more of it, for refusals.
    pub fn fix(self) -> &'static str {
        match self {
            BudgetName::Day => "raise the daily budget or wait until tomorrow",
            BudgetName::Month => "raise the monthly budget or wait until next month",
            BudgetName::Session => "raise the session budget or start a new session",
        }
    }
}

/// A token count for people: `800`, `2k`, `1.5k`, `33k`, `1.2M`.
pub fn tokens(n: u64) -> String {
    if n < 1_000 {
        n.to_string()
    } else if n < 10_000 {
        trim_decimals(format!("{:.1}", n as f64 / 1_000.0)) + "k"
    } else if n < 1_000_000 {
        format!("{}k", (n + 500) / 1_000)
    } else {
        trim_decimals(format!("{:.1}", n as f64 / 1_000_000.0)) + "M"
    }
}

/// Money for people: `$0`, `$0.0008`, `$0.088`, `$0.41`, `$12.50`.
///
/// Two decimals from ten cents up; below that up to four, without trailing zeros,
/// so small per-request costs stay visible.
pub fn usd(x: f64) -> String {
    if x <= 0.0 {
        "$0".to_owned()
    } else if x < 0.0001 {
        "<$0.0001".to_owned()
    } else if x < 0.1 {
        format!("${}", trim_decimals(format!("{x:.4}")))
    } else {
        format!("${x:.2}")
    }
}

/// `1.50` → `1.5`, `2.0` → `2`.
fn trim_decimals(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// Capabilities in backticks: "`tools` and `vision`".
pub fn capabilities<S: AsRef<str>>(caps: &[S]) -> String {
    let quoted: Vec<String> = caps.iter().map(|c| format!("`{}`", c.as_ref())).collect();
    and_list(&quoted)
}

/// Up to three names, then "…": "a, b, c, …".
fn some_names(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    let mut out = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        out.push_str(", …");
    }
    out
}

/// Why a model that would have ranked ahead of the chosen one was passed over.
#[derive(Debug, Clone, PartialEq)]
pub enum Skip {
    /// Its estimated cost is above the tightest budget.
    OverBudget {
        /// Estimated cost of the request on it.
        cost: f64,
        /// Money left in the tightest budget.
        left: f64,
        /// Which budget that is.
        budget: BudgetName,
    },
    /// Its provider is cooling down.
    CoolingDown,
    /// It failed too often on this kind of request.
    Demoted {
        /// Failed outcomes.
        failures: u32,
        /// All outcomes.
        observations: u32,
    },
}

/// The phrase for one passed-over model: "gpt-4.1 costs $0.09 with $0.05 left today".
pub fn skip_phrase(name: &str, skip: &Skip, kind: Kind) -> String {
    match skip {
        Skip::OverBudget { cost, left, budget } => format!(
            "{name} costs {} with {} left {}",
            usd(*cost),
            usd(*left),
            budget.when()
        ),
        Skip::CoolingDown => format!("{name} is cooling down"),
        Skip::Demoted {
            failures,
            observations,
        } => format!(
            "{name} failed {failures} of {observations} recent {}",
            kind.plural()
        ),
    }
}

/// Everything the one-line reason of a decision says.
#[derive(Debug, Clone)]
pub struct DecisionSummary<'a> {
    /// The kind of request.
    pub kind: Kind,
    /// Its size word ("small").
    pub size: &'static str,
    /// Its context tokens.
    pub context_tokens: u32,
    /// The required tier and the rules that raised it.
    pub required_tier: u8,
    /// Rules that asked for more than tier 1.
    pub tier_why: &'a [&'static str],
    /// The chosen model's name.
    pub model: &'a str,
    /// Its tier.
    pub model_tier: u8,
    /// Whether it runs locally.
    pub local: bool,
    /// Whether it is free.
    pub free: bool,
    /// Its estimated cost.
    pub cost: f64,
    /// When the chosen model is itself demoted: its (failures, observations).
    pub demoted: Option<(u32, u32)>,
    /// Better-ranked models passed over, in rank order, with why.
    pub skipped: &'a [(&'a str, Skip)],
    /// The fallback chain.
    pub fallbacks: &'a [String],
}

/// The one-line reason of a decision, e.g.
/// "small edit, 2k tokens → local qwen2.5-coder (free); fallback gpt-4.1-mini".
pub fn decision_line(d: &DecisionSummary<'_>) -> String {
    const SKIPS_SHOWN: usize = 2;
    let mut line = format!(
        "{} {}, {} tokens",
        d.size,
        d.kind.noun(),
        tokens(u64::from(d.context_tokens))
    );
    if d.required_tier > 1 {
        let _ = write!(
            line,
            ", needs tier {} ({})",
            d.required_tier,
            d.tier_why.join(", ")
        );
    }
    let price = if d.free {
        "free".to_owned()
    } else {
        usd(d.cost)
    };
    let local = if d.local { "local " } else { "" };
    let _ = write!(line, " → {local}{} ({price})", d.model);
    let mut notes = Vec::new();
    if d.model_tier < d.required_tier {
        notes.push(format!(
            "no usable tier-{} model, best is tier {}",
            d.required_tier, d.model_tier
        ));
    }
    if let Some((failures, observations)) = d.demoted {
        notes.push(format!(
            "it failed {failures} of {observations} recent {} but nothing better is usable",
            d.kind.plural()
        ));
    }
    let mut skips: Vec<String> = d
        .skipped
        .iter()
        .take(SKIPS_SHOWN)
        .map(|(name, skip)| skip_phrase(name, skip, d.kind))
        .collect();
    if d.skipped.len() > SKIPS_SHOWN {
        skips.push(format!(
            "{} more passed over",
            d.skipped.len() - SKIPS_SHOWN
        ));
    }
    if !skips.is_empty() {
        notes.push(skips.join(", "));
    }
    for note in notes {
        let _ = write!(line, "; {note}");
    }
    if d.fallbacks.is_empty() {
        line.push_str("; no fallback");
    } else {
        let _ = write!(line, "; fallback {}", d.fallbacks.join(", "));
    }
    line
}

/// Why no model could be chosen, grouped for the refusal message.
#[derive(Debug, Clone, Default)]
pub struct Refusal<'a> {
    /// Models missing capabilities: (the missing ones, model names).
    pub lacking: Vec<(Vec<String>, Vec<&'a str>)>,
    /// Models whose window cannot hold the prompt plus the answer.
    pub too_small: Vec<&'a str>,
    /// Prompt plus expected answer, in tokens.
    pub needed_window: u64,
    /// Context tokens of the request.
    pub context_tokens: u32,
    /// Models over the tightest budget, with their cost, in catalogue order.
    pub over_budget: Vec<(&'a str, f64)>,
    /// The tightest budget, when one is set: money left and which.
    pub budget: Option<(f64, BudgetName)>,
    /// Capable, affordable models whose provider is cooling down.
    pub cooling: Vec<&'a str>,
    /// All capabilities the request needs.
    pub needed_capabilities: Vec<String>,
}

/// The message of a refusal: what excluded each model and how to fix it, e.g.
/// "no model can take this request: 3 lack `tools` (a, b, c), 1 costs $0.41 with $0.10
/// left today (gpt-4.1); to fix: add a model with `tools` to the catalogue, or raise
/// the daily budget or wait until tomorrow".
pub fn refusal_message(r: &Refusal<'_>) -> String {
    let mut causes = Vec::new();
    let mut fixes = Vec::new();
    for (missing, names) in &r.lacking {
        let verb = if names.len() == 1 { "lacks" } else { "lack" };
        causes.push(format!(
            "{} {verb} {} ({})",
            names.len(),
            capabilities(missing),
            some_names(names)
        ));
    }
    if !r.lacking.is_empty() {
        fixes.push(format!(
            "add a model with {} to the catalogue",
            capabilities(&r.needed_capabilities)
        ));
    }
    if !r.too_small.is_empty() {
        let (verb, noun) = if r.too_small.len() == 1 {
            ("has", "a context window")
        } else {
            ("have", "context windows")
        };
        causes.push(format!(
            "{} {verb} {noun} under {} tokens ({})",
            r.too_small.len(),
            tokens(r.needed_window),
            some_names(&r.too_small)
        ));
        fixes.push(format!(
            "send less context (now {} tokens) or add a model with a larger window",
            tokens(u64::from(r.context_tokens))
        ));
    }
    if !r.over_budget.is_empty() {
        let cheapest = r
            .over_budget
            .iter()
            .map(|(_, c)| *c)
            .fold(f64::INFINITY, f64::min);
        let names: Vec<&str> = r.over_budget.iter().map(|(n, _)| *n).collect();
        let (left, budget) = r.budget.unwrap_or((0.0, BudgetName::Day));
        let costs = if names.len() == 1 {
            format!("1 costs {}", usd(cheapest))
        } else {
            format!("{} cost {} or more", names.len(), usd(cheapest))
        };
        causes.push(format!(
            "{costs} with {} left {} ({})",
            usd(left),
            budget.when(),
            some_names(&names)
        ));
        fixes.push(budget.fix().to_owned());
    }
    if !r.cooling.is_empty() {
        let verb = if r.cooling.len() == 1 { "is" } else { "are" };
        causes.push(format!(
            "{} {verb} cooling down ({})",
            r.cooling.len(),
            some_names(&r.cooling)
        ));
        fixes.push("wait for the cooling-down providers to recover".to_owned());
    }
    let mut message = format!("no model can take this request: {}", causes.join(", "));
    if !fixes.is_empty() {
        let _ = write!(message, "; to fix: {}", fixes.join(", or "));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(tokens(0), "0");
        assert_eq!(tokens(800), "800");
        assert_eq!(tokens(2_000), "2k");
        assert_eq!(tokens(1_500), "1.5k");
        assert_eq!(tokens(32_768), "33k");
        assert_eq!(tokens(66_000), "66k");
        assert_eq!(tokens(1_047_576), "1M");
        assert_eq!(tokens(1_200_000), "1.2M");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(0.00004), "<$0.0001");
        assert_eq!(usd(0.0008), "$0.0008");
        assert_eq!(usd(0.088), "$0.088");
        assert_eq!(usd(0.05), "$0.05");
        assert_eq!(usd(0.41), "$0.41");
        assert_eq!(usd(0.1), "$0.10");
        assert_eq!(usd(12.5), "$12.50");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(capabilities(&["tools", "vision"]), "`tools` and `vision`");
        assert_eq!(some_names(&["a", "b", "c", "d"]), "a, b, c, …");
    }

    #[test]
    fn refusal_names_each_cause_and_fix() {
        let r = Refusal {
            lacking: vec![(vec!["tools".into()], vec!["a", "b", "c"])],
            too_small: vec!["d"],
            needed_window: 40_000,
            context_tokens: 38_000,
            over_budget: vec![("e", 0.41)],
            budget: Some((0.10, BudgetName::Day)),
            cooling: vec![],
            needed_capabilities: vec!["tools".into()],
        };
        assert_eq!(
            refusal_message(&r),
            "no model can take this request: 3 lack `tools` (a, b, c), \
             1 has a context window under 40k tokens (d), \
             1 costs $0.41 with $0.10 left today (e); \
             to fix: add a model with `tools` to the catalogue, \
             or send less context (now 38k tokens) or add a model with a larger window, \
             or raise the daily budget or wait until tomorrow"
        );
    }
}
