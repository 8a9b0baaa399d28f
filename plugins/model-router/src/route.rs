//! The routing decision: which model to try first, which next, at what estimated cost.
//!
//! Owns the router's plain request/decision types, input validation, the hard filters
//! (capabilities, context window, budget, cooldown), the ranking and the fallback
//! chain. Pure Rust over its own structs, so it is tested natively; the component
//! converts the WIT types and reads the learned counts from kv into a [`History`].
//!
//! Rules, in order:
//! 1. A model missing a needed capability, or whose context window cannot hold the
//!    context tokens plus the expected answer of the kind, is never used.
//! 2. A model whose estimated cost exceeds the tightest remaining budget is never used;
//!    free models (both prices 0) are never blocked by budgets.
//! 3. A model of a cooling-down provider is never chosen first; it may close the
//!    fallback chain.
//! 4. The rest are ranked: models reaching the required tier
//!    ([`crate::complexity::required_tier`]) first, then below it by best tier; within
//!    that, models demoted by their success rate ([`Counts::is_demoted`]) after the
//!    others; then cheapest first (with `fast` latency: lowest tier, then local/free,
//!    then cheapest). Ties: higher success rate, then local/free, then name.
//! 5. Fallbacks: up to [`MAX_FALLBACKS`] other affordable models in the same ranking,
//!    cooling-down ones last; within each class (reaching the tier or not, demoted or
//!    not) a provider different from the chosen one's comes first, for resilience.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::complexity::{self, Kind, Latency, Risk};
use crate::learn::{Counts, History};
use crate::reason::{self, BudgetName, DecisionSummary, Refusal, Skip};

/// Most models in a fallback chain.
pub const MAX_FALLBACKS: usize = 3;

/// Providers whose models run on this machine: no network round trip, no per-token
/// price. A heuristic on the provider name, since the catalogue has no "local" flag.
const LOCAL_PROVIDERS: &[&str] = &[
    "ollama",
    "local",
    "llama.cpp",
    "llamacpp",
    "llama-cpp",
    "llamafile",
    "lmstudio",
    "lm-studio",
    "localai",
    "vllm",
];

/// A model of the catalogue (mirrors `router.model-info`).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Catalogue name.
    pub name: String,
    /// Provider name.
    pub provider: String,
    /// Context window in tokens.
    pub context_window: u32,
    /// USD per million input tokens.
    pub input_per_mtok: f64,
    /// USD per million output tokens.
    pub output_per_mtok: f64,
    /// Capabilities such as "tools", "vision".
    pub capabilities: Vec<String>,
    /// Quality tier, 1 (small) to 3 (frontier).
    pub tier: u8,
    /// True while the provider is cooling down after failures.
    pub cooling_down: bool,
}

impl Model {
    /// Both prices are zero.
    pub fn is_free(&self) -> bool {
        self.input_per_mtok == 0.0 && self.output_per_mtok == 0.0
    }

    /// The provider runs models on this machine (see `LOCAL_PROVIDERS`).
    pub fn is_local(&self) -> bool {
        let provider = self.provider.trim().to_ascii_lowercase();
        LOCAL_PROVIDERS.contains(&provider.as_str())
    }

    /// Estimated cost in USD of a request on this model.
    ///
    /// Assumes the whole context is sent once as input and the answer is as long as
    /// the kind's [`Kind::expected_output_tokens`]; ignores caching discounts and tool
    /// round trips (an agent loop costs more), so it is a floor for a single call.
    pub fn estimated_cost(&self, context_tokens: u32, output_tokens: u32) -> f64 {
        (f64::from(context_tokens) * self.input_per_mtok
            + f64::from(output_tokens) * self.output_per_mtok)
            / 1_000_000.0
    }

    fn has_capability(&self, needed: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(needed))
    }
}

/// Money left in each budget, in USD; none when no such budget is set.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Budgets {
    /// Left today.
    pub day: Option<f64>,
    /// Left this month.
    pub month: Option<f64>,
    /// Left in this session.
    pub session: Option<f64>,
}

impl Budgets {
    /// The smallest budget set, as (money left, which); a negative amount (already
    /// overspent) counts as 0. Ties go to day, then month, then session.
    pub fn tightest(&self) -> Option<(f64, BudgetName)> {
        [
            (self.day, BudgetName::Day),
            (self.month, BudgetName::Month),
            (self.session, BudgetName::Session),
        ]
        .into_iter()
        .filter_map(|(left, name)| left.map(|l| (l.max(0.0), name)))
        .fold(None, |best, (l, name)| match best {
            Some((b, _)) if b <= l => best,
            _ => Some((l, name)),
        })
    }
}

/// Everything the router needs to decide (mirrors `router.route-request`).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// What the command asks for.
    pub kind: Kind,
    /// How risky it is.
    pub risk: Risk,
    /// Estimated prompt size in tokens.
    pub context_tokens: u32,
    /// Capabilities the model must have.
    pub needed_capabilities: Vec<String>,
    /// Speed preference.
    pub latency: Latency,
    /// Models to choose from.
    pub catalogue: Vec<Model>,
    /// Money left.
    pub budgets: Budgets,
}

/// The router's choice (mirrors `router.route-decision`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The model to try first.
    pub model: String,
    /// Models to try next, in order.
    pub fallbacks: Vec<String>,
    /// Estimated cost of the request on the chosen model, in USD.
    pub estimated_cost_usd: f64,
    /// One line a person can read: why this model.
    pub reason: String,
}

/// The error codes the router uses (a subset of `types.error-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The request is malformed; the message names the field.
    InvalidInput,
    /// No model of the catalogue can do it (capabilities, window, cooldown).
    Unavailable,
    /// Models could do it but the budget does not allow any.
    LimitExceeded,
}

/// Why no decision could be made.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteError {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong and how to fix it, for people.
    pub message: String,
}

impl RouteError {
    fn invalid(message: String) -> RouteError {
        RouteError {
            code: ErrorCode::InvalidInput,
            message,
        }
    }
}

/// A model that passed the hard filters (capabilities, window).
struct Candidate<'a> {
    model: &'a Model,
    cost: f64,
    counts: Counts,
    meets_tier: bool,
    over_budget: bool,
}

impl Candidate<'_> {
    fn local_or_free(&self) -> bool {
        self.model.is_local() || self.model.is_free()
    }
}

/// Choose a model for `request`, given the learned counts of its kind in `history`
/// (model name → counts; missing names have no data).
///
/// Deterministic: the same request and history give the same decision, whatever the
/// order of the catalogue.
pub fn route(request: &Request, history: &History) -> Result<Decision, RouteError> {
    validate(request)?;
    let needed = needed_capabilities(&request.needed_capabilities);
    let need = complexity::required_tier(
        request.kind,
        request.risk,
        request.context_tokens,
        request.latency,
    );
    let output_tokens = request.kind.expected_output_tokens();
    let needed_window = u64::from(request.context_tokens) + u64::from(output_tokens);
    let budget = request.budgets.tightest();

    let mut refusal = Refusal {
        needed_window,
        context_tokens: request.context_tokens,
        budget,
        needed_capabilities: needed.clone(),
        ..Refusal::default()
    };
    let mut candidates = Vec::new();
    for model in &request.catalogue {
        let missing: Vec<String> = needed
            .iter()
            .filter(|c| !model.has_capability(c))
            .cloned()
            .collect();
        if !missing.is_empty() {
            match refusal.lacking.iter_mut().find(|(m, _)| *m == missing) {
                Some((_, names)) => names.push(&model.name),
                None => refusal.lacking.push((missing, vec![&model.name])),
            }
            continue;
        }
        if u64::from(model.context_window) < needed_window {
            refusal.too_small.push(&model.name);
            continue;
        }
        let cost = model.estimated_cost(request.context_tokens, output_tokens);
        let over_budget = !model.is_free() && budget.is_some_and(|(left, _)| cost > left);
        if over_budget {
            refusal.over_budget.push((&model.name, cost));
        } else if model.cooling_down {
            refusal.cooling.push(&model.name);
        }
        candidates.push(Candidate {
            model,
            cost,
            counts: history.get(&model.name).copied().unwrap_or_default(),
            meets_tier: model.tier >= need.tier,
            over_budget,
        });
    }

    let rank = |a: &Candidate<'_>, b: &Candidate<'_>| class_order(a, b, true, need.tier);
    let mut pickable: Vec<&Candidate<'_>> = candidates
        .iter()
        .filter(|c| !c.over_budget && !c.model.cooling_down)
        .collect();
    pickable.sort_by(|a, b| rank(a, b).then_with(|| within_order(a, b, request.latency)));
    let Some(chosen) = pickable.first().copied() else {
        return Err(refuse(request, &refusal));
    };

    // Fallbacks: every other affordable model, cooling-down ones last, a different
    // provider first within the same rank class.
    let mut others: Vec<&Candidate<'_>> = candidates
        .iter()
        .filter(|c| !c.over_budget && c.model.name != chosen.model.name)
        .collect();
    others.sort_by(|a, b| {
        a.model
            .cooling_down
            .cmp(&b.model.cooling_down)
            .then_with(|| b.meets_tier.cmp(&a.meets_tier))
            .then_with(|| a.counts.is_demoted().cmp(&b.counts.is_demoted()))
            .then_with(|| {
                let same = |c: &Candidate<'_>| c.model.provider == chosen.model.provider;
                same(a).cmp(&same(b))
            })
            .then_with(|| rank(a, b))
            .then_with(|| within_order(a, b, request.latency))
    });
    let fallbacks: Vec<String> = others
        .iter()
        .take(MAX_FALLBACKS)
        .map(|c| c.model.name.clone())
        .collect();

    // Models that would have ranked ahead of the chosen one were it not for budget,
    // cooldown or demotion, in that ideal order: the reason says why they were passed.
    let mut ideal: Vec<&Candidate<'_>> = candidates.iter().collect();
    ideal.sort_by(|a, b| {
        class_order(a, b, false, need.tier).then_with(|| within_order(a, b, request.latency))
    });
    let skipped: Vec<(&str, Skip)> = ideal
        .iter()
        .take_while(|c| c.model.name != chosen.model.name)
        .filter_map(|c| skip_of(c, budget).map(|s| (c.model.name.as_str(), s)))
        .collect();

    let reason = reason::decision_line(&DecisionSummary {
        kind: request.kind,
        size: complexity::size_label(request.context_tokens),
        context_tokens: request.context_tokens,
        required_tier: need.tier,
        tier_why: &need.why,
        model: &chosen.model.name,
        model_tier: chosen.model.tier,
        local: chosen.model.is_local(),
        free: chosen.model.is_free(),
        cost: chosen.cost,
        demoted: chosen
            .counts
            .is_demoted()
            .then(|| (chosen.counts.failures(), chosen.counts.observations())),
        skipped: &skipped,
        fallbacks: &fallbacks,
    });
    Ok(Decision {
        model: chosen.model.name.clone(),
        fallbacks,
        estimated_cost_usd: chosen.cost,
        reason,
    })
}

/// The rank class: reaching the tier first; then (when `demote`) non-demoted first;
/// below the tier, the best tier first.
fn class_order(a: &Candidate<'_>, b: &Candidate<'_>, demote: bool, required: u8) -> Ordering {
    let below_tier = |c: &Candidate<'_>| {
        if c.meets_tier {
            (false, 0)
        } else {
            (true, required - c.model.tier)
        }
    };
    let (a_below, a_gap) = below_tier(a);
    let (b_below, b_gap) = below_tier(b);
    a_below
        .cmp(&b_below)
        .then_with(|| {
            if demote {
                a.counts.is_demoted().cmp(&b.counts.is_demoted())
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| a_gap.cmp(&b_gap))
}

/// Order within a rank class: cheapest first, or with `fast` latency lowest tier then
/// local/free then cheapest; ties by higher success rate, local/free, then name.
fn within_order(a: &Candidate<'_>, b: &Candidate<'_>, latency: Latency) -> Ordering {
    let speed = if latency == Latency::Fast {
        a.model
            .tier
            .cmp(&b.model.tier)
            .then_with(|| b.local_or_free().cmp(&a.local_or_free()))
    } else {
        Ordering::Equal
    };
    speed
        .then_with(|| a.cost.total_cmp(&b.cost))
        .then_with(|| b.counts.rate().total_cmp(&a.counts.rate()))
        .then_with(|| b.local_or_free().cmp(&a.local_or_free()))
        .then_with(|| a.model.name.cmp(&b.model.name))
}

/// Why a usable-in-principle candidate was passed over, if it was.
fn skip_of(c: &Candidate<'_>, budget: Option<(f64, BudgetName)>) -> Option<Skip> {
    if c.over_budget {
        let (left, budget) = budget.unwrap_or((0.0, BudgetName::Day));
        Some(Skip::OverBudget {
            cost: c.cost,
            left,
            budget,
        })
    } else if c.model.cooling_down {
        Some(Skip::CoolingDown)
    } else if c.counts.is_demoted() {
        Some(Skip::Demoted {
            failures: c.counts.failures(),
            observations: c.counts.observations(),
        })
    } else {
        None
    }
}

/// The refusal when no model can be chosen: `limit-exceeded` when budgets blocked
/// otherwise usable models, `unavailable` otherwise.
fn refuse(request: &Request, refusal: &Refusal<'_>) -> RouteError {
    if request.catalogue.is_empty() {
        return RouteError {
            code: ErrorCode::Unavailable,
            message: "the catalogue is empty, so there is no model to route to; \
                      to fix: configure at least one model"
                .to_owned(),
        };
    }
    RouteError {
        code: if refusal.over_budget.is_empty() {
            ErrorCode::Unavailable
        } else {
            ErrorCode::LimitExceeded
        },
        message: reason::refusal_message(refusal),
    }
}

/// Needed capabilities trimmed, lower-cased, without empties and duplicates, sorted.
fn needed_capabilities(raw: &[String]) -> Vec<String> {
    raw.iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Refuse malformed input with `invalid-input`, naming the field.
fn validate(request: &Request) -> Result<(), RouteError> {
    let mut names = BTreeSet::new();
    for (i, m) in request.catalogue.iter().enumerate() {
        let at = if m.name.is_empty() {
            format!("catalogue[{i}]")
        } else {
            format!("catalogue[{i}] (`{}`)", m.name)
        };
        if m.name.trim().is_empty() {
            return Err(RouteError::invalid(format!(
                "{at}.name is empty; every model needs its catalogue name"
            )));
        }
        if !names.insert(m.name.as_str()) {
            return Err(RouteError::invalid(format!(
                "{at}.name repeats an earlier entry; catalogue names must be unique"
            )));
        }
        for (field, price) in [
            ("input-per-mtok", m.input_per_mtok),
            ("output-per-mtok", m.output_per_mtok),
        ] {
            if !price.is_finite() || price < 0.0 {
                return Err(RouteError::invalid(format!(
                    "{at}.{field} is {price}; a price must be a finite number of USD, 0 or more"
                )));
            }
        }
        if !(1..=complexity::MAX_TIER).contains(&m.tier) {
            return Err(RouteError::invalid(format!(
                "{at}.tier is {}; tiers go from 1 (small) to 3 (frontier)",
                m.tier
            )));
        }
    }
    let b = &request.budgets;
    for (field, left) in [("day", b.day), ("month", b.month), ("session", b.session)] {
        if left.is_some_and(f64::is_nan) {
            return Err(RouteError::invalid(format!(
                "budgets.{field} is NaN; give the USD left, or none for no budget"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(
        name: &str,
        provider: &str,
        window: u32,
        prices: (f64, f64),
        caps: &[&str],
        tier: u8,
        cooling_down: bool,
    ) -> Model {
        Model {
            name: name.to_owned(),
            provider: provider.to_owned(),
            context_window: window,
            input_per_mtok: prices.0,
            output_per_mtok: prices.1,
            capabilities: caps.iter().map(|c| (*c).to_owned()).collect(),
            tier,
            cooling_down,
        }
    }

    /// A realistic catalogue: a free local coder, two OpenAI tiers, a frontier model, a
    /// cheap model without tools, a cooling-down one and a small-context one.
    fn catalogue() -> Vec<Model> {
        let tv: &[&str] = &["tools", "vision"];
        vec![
            model(
                "qwen2.5-coder",
                "ollama",
                32_768,
                (0.0, 0.0),
                &["tools"],
                1,
                false,
            ),
            model(
                "gpt-4.1-mini",
                "openai",
                1_047_576,
                (0.40, 1.60),
                tv,
                1,
                false,
            ),
            model("gpt-4.1", "openai", 1_047_576, (2.00, 8.00), tv, 2, false),
            model(
                "claude-sonnet-4",
                "anthropic",
                200_000,
                (3.00, 15.00),
                tv,
                3,
                false,
            ),
            model(
                "llama-3.1-8b-instant",
                "groq",
                131_072,
                (0.05, 0.08),
                &[],
                1,
                false,
            ),
            model(
                "gemini-2.5-flash",
                "google",
                1_048_576,
                (0.30, 2.50),
                tv,
                2,
                true,
            ),
            model(
                "mistral-small",
                "mistral",
                8_192,
                (0.10, 0.30),
                &["tools"],
                1,
                false,
            ),
        ]
    }

    fn request(kind: Kind, risk: Risk, ctx: u32, caps: &[&str], latency: Latency) -> Request {
        Request {
            kind,
            risk,
            context_tokens: ctx,
            needed_capabilities: caps.iter().map(|c| (*c).to_owned()).collect(),
            latency,
            catalogue: catalogue(),
            budgets: Budgets::default(),
        }
    }

    fn day_month(day: f64, month: f64) -> Budgets {
        Budgets {
            day: Some(day),
            month: Some(month),
            session: None,
        }
    }

    fn route_ok(r: &Request, h: &History) -> Decision {
        match route(r, h) {
            Ok(d) => d,
            Err(e) => panic!("refused: {e:?}"),
        }
    }

    fn route_err(r: &Request, h: &History) -> RouteError {
        match route(r, h) {
            Ok(d) => panic!("expected a refusal, got {d:?}"),
            Err(e) => e,
        }
    }

    /// (label, kind, risk, context tokens, needed capabilities, latency, budgets,
    /// expected model, expected fallbacks)
    type Case<'a> = (
        &'a str,
        Kind,
        Risk,
        u32,
        &'a [&'a str],
        Latency,
        Budgets,
        &'a str,
        &'a [&'a str],
    );

    #[test]
    fn routing_table() {
        use Kind::*;
        use Latency::*;
        use Risk::*;
        let t: &[&str] = &["tools"];
        let tv: &[&str] = &["tools", "vision"];
        let none = Budgets::default();
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("small edit", Edit, Modify, 2_000, t, Balanced, none,
             "qwen2.5-coder", &["mistral-small", "gpt-4.1-mini", "gpt-4.1"]),
            ("big thorough refactor", Refactor, Modify, 60_000, t, Thorough, none,
             "claude-sonnet-4", &["gpt-4.1", "gpt-4.1-mini", "gemini-2.5-flash"]),
            ("big refactor", Refactor, Modify, 60_000, t, Balanced, none,
             "gpt-4.1", &["claude-sonnet-4", "gpt-4.1-mini", "gemini-2.5-flash"]),
            ("explain", Explain, ReadOnly, 3_000, &[], Balanced, none,
             "qwen2.5-coder", &["llama-3.1-8b-instant", "mistral-small", "gpt-4.1-mini"]),
            ("destructive edit", Edit, Destructive, 4_000, t, Balanced, none,
             "gpt-4.1", &["claude-sonnet-4", "qwen2.5-coder", "mistral-small"]),
            ("fast voice question", Chat, ReadOnly, 1_500, &[], Fast, none,
             "qwen2.5-coder", &["llama-3.1-8b-instant", "mistral-small", "gpt-4.1-mini"]),
            ("fast refactor", Refactor, Modify, 10_000, t, Fast, none,
             "qwen2.5-coder", &["gpt-4.1-mini", "gpt-4.1", "claude-sonnet-4"]),
            ("same refactor, balanced", Refactor, Modify, 10_000, t, Balanced, none,
             "gpt-4.1", &["claude-sonnet-4", "qwen2.5-coder", "gpt-4.1-mini"]),
            ("fast but large context", Explain, ReadOnly, 40_000, &[], Fast, none,
             "gpt-4.1", &["claude-sonnet-4", "llama-3.1-8b-instant", "gpt-4.1-mini"]),
            ("needs vision", Edit, Modify, 2_000, tv, Balanced, none,
             "gpt-4.1-mini", &["claude-sonnet-4", "gpt-4.1", "gemini-2.5-flash"]),
            ("budget nearly exhausted", Refactor, Modify, 20_000, t, Balanced, day_month(0.05, 10.0),
             "qwen2.5-coder", &["gpt-4.1-mini", "gemini-2.5-flash"]),
            ("budget at zero, free still fine", Edit, Modify, 2_000, t, Balanced, day_month(0.0, 10.0),
             "qwen2.5-coder", &[]),
            ("overspent budget counts as zero", Edit, Modify, 2_000, t, Balanced, day_month(-3.0, 10.0),
             "qwen2.5-coder", &[]),
            ("window just fits", Edit, Modify, 30_000, t, Balanced, none,
             "qwen2.5-coder", &["gpt-4.1-mini", "gpt-4.1", "claude-sonnet-4"]),
            ("window just too small", Edit, Modify, 31_000, t, Balanced, none,
             "gpt-4.1-mini", &["claude-sonnet-4", "gpt-4.1", "gemini-2.5-flash"]),
            ("very large context", Explain, ReadOnly, 150_000, &[], Balanced, none,
             "claude-sonnet-4", &["gpt-4.1", "gpt-4.1-mini", "gemini-2.5-flash"]),
        ];
        let history = History::new();
        for (name, kind, risk, ctx, caps, latency, budgets, model, fallbacks) in cases {
            let mut r = request(*kind, *risk, *ctx, caps, *latency);
            r.budgets = *budgets;
            let d = route_ok(&r, &history);
            assert_eq!(
                (d.model.as_str(), d.fallbacks.clone()),
                (*model, fallbacks.iter().map(|s| (*s).to_owned()).collect()),
                "{name}: {}",
                d.reason
            );
            assert!(!d.reason.contains('\n'), "{name}: one line");
        }
    }

    #[test]
    fn reasons_read_well() {
        use Kind::*;
        use Latency::*;
        use Risk::*;
        let h = History::new();
        let d = route_ok(&request(Edit, Modify, 2_000, &["tools"], Balanced), &h);
        assert_eq!(
            d.reason,
            "small edit, 2k tokens → local qwen2.5-coder (free); \
             fallback mistral-small, gpt-4.1-mini, gpt-4.1"
        );
        assert_eq!(d.estimated_cost_usd, 0.0);

        let d = route_ok(&request(Refactor, Modify, 60_000, &["tools"], Thorough), &h);
        assert_eq!(
            d.reason,
            "large refactor, 60k tokens, needs tier 3 (refactor, > 32k tokens, thorough) \
             → claude-sonnet-4 ($0.27); fallback gpt-4.1, gpt-4.1-mini, gemini-2.5-flash"
        );
        // 60k × $3/M + 6k expected output × $15/M
        assert!((d.estimated_cost_usd - 0.27).abs() < 1e-9);

        let d = route_ok(&request(Refactor, Modify, 60_000, &["tools"], Balanced), &h);
        assert_eq!(
            d.reason,
            "large refactor, 60k tokens, needs tier 2 (refactor, > 32k tokens) → gpt-4.1 ($0.17); \
             gemini-2.5-flash is cooling down; \
             fallback claude-sonnet-4, gpt-4.1-mini, gemini-2.5-flash"
        );

        let mut r = request(Refactor, Modify, 20_000, &["tools"], Balanced);
        r.budgets = day_month(0.05, 10.0);
        let d = route_ok(&r, &h);
        assert_eq!(
            d.reason,
            "medium refactor, 20k tokens, needs tier 2 (refactor) → local qwen2.5-coder (free); \
             no usable tier-2 model, best is tier 1; \
             gemini-2.5-flash is cooling down, gpt-4.1 costs $0.088 with $0.05 left today, \
             1 more passed over; fallback gpt-4.1-mini, gemini-2.5-flash"
        );

        let mut r = request(Edit, Modify, 2_000, &["tools"], Balanced);
        r.budgets = day_month(0.0, 10.0);
        assert!(route_ok(&r, &h).reason.ends_with("; no fallback"));
    }

    #[test]
    fn refuses_with_what_and_how() {
        use Kind::*;
        use Latency::*;
        use Risk::*;
        let h = History::new();

        let mut r = request(Edit, Modify, 2_000, &["tools", "vision"], Balanced);
        r.budgets.session = Some(0.001);
        let e = route_err(&r, &h);
        assert_eq!(e.code, ErrorCode::LimitExceeded);
        assert_eq!(
            e.message,
            "no model can take this request: 2 lack `vision` (qwen2.5-coder, mistral-small), \
             1 lacks `tools` and `vision` (llama-3.1-8b-instant), \
             4 cost $0.004 or more with $0.001 left this session \
             (gpt-4.1-mini, gpt-4.1, claude-sonnet-4, …); \
             to fix: add a model with `tools` and `vision` to the catalogue, \
             or raise the session budget or start a new session"
        );

        let e = route_err(&request(Chat, ReadOnly, 100, &["audio"], Balanced), &h);
        assert_eq!(e.code, ErrorCode::Unavailable);
        assert!(
            e.message.starts_with(
                "no model can take this request: 7 lack `audio` (qwen2.5-coder, gpt-4.1-mini, gpt-4.1, …)"
            ),
            "{}",
            e.message
        );

        let mut r = request(Edit, Modify, 38_000, &["tools"], Balanced);
        r.catalogue.retain(|m| m.context_window < 200_000);
        let e = route_err(&r, &h);
        assert_eq!(e.code, ErrorCode::Unavailable);
        assert_eq!(
            e.message,
            "no model can take this request: 1 lacks `tools` (llama-3.1-8b-instant), \
             2 have context windows under 40k tokens (qwen2.5-coder, mistral-small); \
             to fix: add a model with `tools` to the catalogue, \
             or send less context (now 38k tokens) or add a model with a larger window"
        );

        let mut r = request(Edit, Modify, 2_000, &["tools"], Balanced);
        r.catalogue.retain(|m| m.cooling_down);
        let e = route_err(&r, &h);
        assert_eq!(e.code, ErrorCode::Unavailable);
        assert!(
            e.message
                .contains("1 is cooling down (gemini-2.5-flash); to fix: wait for the cooling-down providers to recover"),
            "{}",
            e.message
        );

        let mut r = request(Edit, Modify, 2_000, &[], Balanced);
        r.catalogue.clear();
        assert_eq!(route_err(&r, &h).code, ErrorCode::Unavailable);
    }

    /// Spoils one field of a valid request.
    type Breaker = fn(&mut Request);

    #[test]
    fn malformed_input_is_invalid() {
        let h = History::new();
        let base = request(
            Kind::Edit,
            Risk::Modify,
            2_000,
            &["tools"],
            Latency::Balanced,
        );
        let cases: &[(Breaker, &str)] = &[
            (
                |r| r.catalogue[1].input_per_mtok = f64::NAN,
                "catalogue[1] (`gpt-4.1-mini`).input-per-mtok",
            ),
            (
                |r| r.catalogue[2].output_per_mtok = -1.0,
                "catalogue[2] (`gpt-4.1`).output-per-mtok",
            ),
            (
                |r| r.catalogue[0].tier = 0,
                "catalogue[0] (`qwen2.5-coder`).tier is 0",
            ),
            (
                |r| r.catalogue[3].tier = 4,
                "catalogue[3] (`claude-sonnet-4`).tier is 4",
            ),
            (
                |r| r.catalogue[4].name = " ".into(),
                "catalogue[4] (` `).name is empty",
            ),
            (
                |r| r.catalogue[5].name = "gpt-4.1".into(),
                "catalogue[5] (`gpt-4.1`).name repeats",
            ),
            (|r| r.budgets.month = Some(f64::NAN), "budgets.month is NaN"),
        ];
        for (break_it, field) in cases {
            let mut r = base.clone();
            break_it(&mut r);
            let e = route_err(&r, &h);
            assert_eq!(e.code, ErrorCode::InvalidInput);
            assert!(e.message.starts_with(field), "{} / {field}", e.message);
        }
    }

    #[test]
    fn learning_shifts_the_choice_and_escalates() {
        let r = request(
            Kind::Edit,
            Risk::Modify,
            2_000,
            &["tools"],
            Latency::Balanced,
        );
        let mut h = History::new();
        let fail = |h: &mut History, name: &str, times: usize| {
            for _ in 0..times {
                let c = h.get(name).copied().unwrap_or_default().record(false);
                h.insert(name.to_owned(), c);
            }
        };
        // Two failures are not enough evidence.
        fail(&mut h, "qwen2.5-coder", 2);
        assert_eq!(route_ok(&r, &h).model, "qwen2.5-coder");
        // The third demotes it: the next cheapest takes over, qwen goes behind peers.
        fail(&mut h, "qwen2.5-coder", 1);
        let d = route_ok(&r, &h);
        assert_eq!(d.model, "mistral-small");
        assert_eq!(d.fallbacks, ["gpt-4.1-mini", "gpt-4.1", "claude-sonnet-4"]);
        assert!(
            d.reason
                .contains("; qwen2.5-coder failed 3 of 3 recent edits;"),
            "{}",
            d.reason
        );
        fail(&mut h, "mistral-small", 3);
        assert_eq!(route_ok(&r, &h).model, "gpt-4.1-mini");
        // Every tier-1 model demoted: escalate to tier 2.
        fail(&mut h, "gpt-4.1-mini", 4);
        let d = route_ok(&r, &h);
        assert_eq!(d.model, "gpt-4.1");
        assert_eq!(
            d.reason,
            "small edit, 2k tokens → gpt-4.1 ($0.02); qwen2.5-coder failed 3 of 3 recent edits, \
             mistral-small failed 3 of 3 recent edits, 2 more passed over; \
             fallback claude-sonnet-4, qwen2.5-coder, mistral-small"
        );
        fail(&mut h, "gpt-4.1", 3);
        assert_eq!(route_ok(&r, &h).model, "claude-sonnet-4");
        // All demoted: back to the plain ranking, and the reason owns up to it.
        fail(&mut h, "claude-sonnet-4", 3);
        let d = route_ok(&r, &h);
        assert_eq!(d.model, "qwen2.5-coder");
        assert!(
            d.reason
                .contains("it failed 3 of 3 recent edits but nothing better is usable"),
            "{}",
            d.reason
        );
        // Successes bring qwen back.
        let mut h = History::new();
        fail(&mut h, "qwen2.5-coder", 3);
        assert_eq!(route_ok(&r, &h).model, "mistral-small");
        let mut c = h["qwen2.5-coder"];
        for want in ["mistral-small", "mistral-small", "qwen2.5-coder"] {
            c = c.record(true);
            h.insert("qwen2.5-coder".into(), c);
            assert_eq!(route_ok(&r, &h).model, want, "{c:?}");
        }
        // 3 of 6 gives (3 + 1) / (6 + 2) = 0.5: no longer below the bar.
        assert_eq!(c.encode(), b"3/6".to_vec());
    }

    #[test]
    fn learning_is_per_kind_through_the_history_given() {
        // The component reads counts for the request's kind only; a history of
        // failures does not exist for other kinds, so explain still picks qwen.
        let mut h = History::new();
        h.insert(
            "qwen2.5-coder".into(),
            Counts::new(0, 5).unwrap_or_default(),
        );
        let edit = request(
            Kind::Edit,
            Risk::Modify,
            2_000,
            &["tools"],
            Latency::Balanced,
        );
        assert_eq!(route_ok(&edit, &h).model, "mistral-small");
        let explain = request(Kind::Explain, Risk::ReadOnly, 2_000, &[], Latency::Balanced);
        assert_eq!(route_ok(&explain, &History::new()).model, "qwen2.5-coder");
    }

    #[test]
    fn corrupted_counts_are_no_data() {
        let r = request(
            Kind::Edit,
            Risk::Modify,
            2_000,
            &["tools"],
            Latency::Balanced,
        );
        let mut h = History::new();
        for (name, raw) in [
            ("qwen2.5-coder", &b"\xff\xfe garbage"[..]),
            ("mistral-small", b"9/3"),
            ("gpt-4.1-mini", b""),
        ] {
            h.insert(name.into(), Counts::load(Some(raw)));
        }
        let d = route_ok(&r, &h);
        assert_eq!(d, route_ok(&r, &History::new()));
        assert_eq!(d.model, "qwen2.5-coder");
    }

    #[test]
    fn ties_go_to_success_rate_then_local_free_then_name() {
        let mk = |name: &str, provider: &str| {
            model(name, provider, 100_000, (1.0, 1.0), &["tools"], 1, false)
        };
        let mut r = request(Kind::Edit, Risk::Modify, 2_000, &[], Latency::Balanced);
        r.catalogue = vec![mk("b-model", "x"), mk("a-model", "x")];
        assert_eq!(route_ok(&r, &History::new()).model, "a-model");
        let mut h = History::new();
        h.insert("b-model".into(), Counts::new(3, 3).unwrap_or_default());
        assert_eq!(route_ok(&r, &h).model, "b-model");
        r.catalogue = vec![mk("b-model", "ollama"), mk("a-model", "x")];
        assert_eq!(route_ok(&r, &History::new()).model, "b-model");
    }

    #[test]
    fn decisions_do_not_depend_on_catalogue_order() {
        use Kind::*;
        use Latency::*;
        use Risk::*;
        let mut h = History::new();
        h.insert(
            "mistral-small".into(),
            Counts::new(1, 5).unwrap_or_default(),
        );
        let requests = [
            request(Edit, Modify, 2_000, &["tools"], Balanced),
            request(Refactor, Modify, 60_000, &["tools"], Balanced),
            request(Chat, ReadOnly, 1_500, &[], Fast),
            request(Edit, Destructive, 4_000, &["tools"], Balanced),
        ];
        for r in requests {
            let want = route_ok(&r, &h);
            for shift in 1..r.catalogue.len() {
                let mut shuffled = r.clone();
                shuffled.catalogue.rotate_left(shift);
                if shift % 2 == 0 {
                    shuffled.catalogue.reverse();
                }
                assert_eq!(route_ok(&shuffled, &h), want);
            }
        }
    }

    #[test]
    fn tightest_budget_wins() {
        let b = Budgets {
            day: Some(1.0),
            month: Some(0.5),
            session: None,
        };
        assert_eq!(b.tightest(), Some((0.5, BudgetName::Month)));
        let b = Budgets {
            day: Some(0.5),
            month: Some(0.5),
            session: Some(-2.0),
        };
        assert_eq!(b.tightest(), Some((0.0, BudgetName::Session)));
        assert_eq!(Budgets::default().tightest(), None);
    }
}
