//! The WIT face of the router: converts between the generated types and
//! [`crate::route`], and keeps the learned counts of [`crate::learn`] in the plugin's kv.

use ralex_sdk::model_router::exports::ralex::plugin::router::{
    Budgets, Guest, LatencyPreference, ModelInfo, Outcome, OutcomeKind, RouteDecision, RouteRequest,
};
use ralex_sdk::model_router::ralex::plugin::kv;
use ralex_sdk::model_router::ralex::plugin::types::{Error, ErrorCode, IntentKind, Risk};

use crate::complexity::{self, Kind, Latency};
use crate::learn::{self, History};
use crate::route::{self, Model, Request};

struct ModelRouter;

impl Guest for ModelRouter {
    fn route(request: RouteRequest) -> Result<RouteDecision, Error> {
        let kind = kind(request.kind);
        let history = history(kind, &request.catalogue);
        let request = Request {
            kind,
            risk: match request.risk {
                Risk::ReadOnly => complexity::Risk::ReadOnly,
                Risk::Modify => complexity::Risk::Modify,
                Risk::Destructive => complexity::Risk::Destructive,
            },
            context_tokens: request.context_tokens,
            needed_capabilities: request.needed_capabilities,
            latency: match request.latency {
                LatencyPreference::Fast => Latency::Fast,
                LatencyPreference::Balanced => Latency::Balanced,
                LatencyPreference::Thorough => Latency::Thorough,
            },
            catalogue: request.catalogue.into_iter().map(model).collect(),
            budgets: budgets(request.budgets),
        };
        match route::route(&request, &history) {
            Ok(d) => Ok(RouteDecision {
                model: d.model,
                fallbacks: d.fallbacks,
                estimated_cost_usd: d.estimated_cost_usd,
                reason: d.reason,
            }),
            Err(e) => Err(Error {
                code: match e.code {
                    route::ErrorCode::InvalidInput => ErrorCode::InvalidInput,
                    route::ErrorCode::Unavailable => ErrorCode::Unavailable,
                    route::ErrorCode::LimitExceeded => ErrorCode::LimitExceeded,
                },
                message: e.message,
            }),
        }
    }

    fn record_outcome(outcome: Outcome) -> Result<(), Error> {
        let kind = kind(outcome.kind);
        if !learn::learnable(&outcome.model) {
            return Err(Error {
                code: ErrorCode::InvalidInput,
                message: format!(
                    "outcome.model must be a catalogue name without tabs or line breaks, got {:?}",
                    outcome.model
                ),
            });
        }
        let key = learn::key(kind);
        let stored = kv::get(&key)?;
        let (mut table, corrupt) = learn::decode_table(stored.as_deref());
        if corrupt > 0 {
            ralex_sdk::log::warn(&format!(
                "kv `{key}` held {corrupt} corrupt line(s); they are dropped"
            ));
        }
        let success = match outcome.outcome {
            OutcomeKind::Accepted => learn::Outcome::Accepted,
            OutcomeKind::TestsPassed => learn::Outcome::TestsPassed,
            OutcomeKind::TestsFailed => learn::Outcome::TestsFailed,
            OutcomeKind::Undone => learn::Outcome::Undone,
            OutcomeKind::Failed => learn::Outcome::Failed,
        }
        .is_success();
        let counts = table
            .get(&outcome.model)
            .copied()
            .unwrap_or_default()
            .record(success);
        table.insert(outcome.model, counts);
        kv::set(&key, &learn::encode_table(&table))
    }
}

/// The learned counts for `kind` (one kv read). A failed read is logged and counts
/// as no data: routing must not fail because learning is unavailable.
fn history(kind: Kind, catalogue: &[ModelInfo]) -> History {
    let key = learn::key(kind);
    match kv::get(&key) {
        Ok(stored) => {
            let (mut table, _) = learn::decode_table(stored.as_deref());
            table.retain(|name, _| catalogue.iter().any(|m| &m.name == name));
            table
        }
        Err(e) => {
            ralex_sdk::log::warn(&format!(
                "cannot read kv `{key}`, routing without learned counts: {}",
                e.message
            ));
            History::new()
        }
    }
}

fn model(m: ModelInfo) -> Model {
    Model {
        name: m.name,
        provider: m.provider,
        context_window: m.context_window,
        input_per_mtok: m.input_per_mtok,
        output_per_mtok: m.output_per_mtok,
        capabilities: m.capabilities,
        tier: m.tier,
        cooling_down: m.cooling_down,
    }
}

fn budgets(b: Budgets) -> route::Budgets {
    route::Budgets {
        day: b.day,
        month: b.month,
        session: b.session,
    }
}

fn kind(k: IntentKind) -> Kind {
    match k {
        IntentKind::Read => Kind::Read,
        IntentKind::Search => Kind::Search,
        IntentKind::Explain => Kind::Explain,
        IntentKind::Edit => Kind::Edit,
        IntentKind::Create => Kind::Create,
        IntentKind::Refactor => Kind::Refactor,
        IntentKind::Fix => Kind::Fix,
        IntentKind::Test => Kind::Test,
        IntentKind::Git => Kind::Git,
        IntentKind::Undo => Kind::Undo,
        IntentKind::Workflow => Kind::Workflow,
        IntentKind::Analyze => Kind::Analyze,
        IntentKind::Docs => Kind::Docs,
        IntentKind::Chat => Kind::Chat,
        IntentKind::Unknown => Kind::Unknown,
    }
}

ralex_sdk::model_router::export!(ModelRouter);
