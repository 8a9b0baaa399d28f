//! Calls into `model-router` plugins, and [`PluginRouter`], which puts one behind
//! the model layer's router seam.

pub use crate::bindings::model_router::exports::ralex::plugin::router::{
    Budgets, LatencyPreference, ModelInfo, Outcome, OutcomeKind, RouteDecision, RouteRequest,
};

use crate::bindings::workflow_step::ralex::plugin::types as wit;
use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

impl Host {
    /// Ask a `model-router` plugin to choose a model.
    pub async fn route(
        &self,
        plugin: &Plugin,
        context: CallContext,
        request: RouteRequest,
    ) -> Result<CallOutcome<RouteDecision>, CallError> {
        let WorldPre::ModelRouter(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::ModelRouter));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let router = pre.instantiate_async(&mut *store).await?;
            router
                .ralex_plugin_router()
                .call_route(&mut *store, &request)
                .await
        })
        .await
    }

    /// Tell a `model-router` plugin how a routed request turned out.
    pub async fn record_outcome(
        &self,
        plugin: &Plugin,
        context: CallContext,
        outcome: Outcome,
    ) -> Result<CallOutcome<()>, CallError> {
        let WorldPre::ModelRouter(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::ModelRouter));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let router = pre.instantiate_async(&mut *store).await?;
            router
                .ralex_plugin_router()
                .call_record_outcome(&mut *store, &outcome)
                .await
        })
        .await
    }
}

/// A `model-router` plugin behind the model layer's [`ralex_models::Router`]: each
/// routing question is one fresh, sandboxed call (the router sees only its kv).
/// Faults of the router come back as an error message; the model layer then falls
/// back to the configured default model.
pub struct PluginRouter {
    host: std::sync::Arc<Host>,
    plugin: std::sync::Arc<Plugin>,
}

impl PluginRouter {
    /// Routes through `plugin` (which must be of the `model-router` world).
    pub fn new(host: std::sync::Arc<Host>, plugin: std::sync::Arc<Plugin>) -> PluginRouter {
        PluginRouter { host, plugin }
    }

    /// Tells the router how a routed command turned out (it learns per model and
    /// intent kind).
    pub async fn record(
        &self,
        model: &str,
        kind: &str,
        outcome: OutcomeKind,
    ) -> Result<(), CallError> {
        self.host
            .record_outcome(
                &self.plugin,
                CallContext::default(),
                Outcome {
                    model: model.to_string(),
                    kind: wit_kind(kind),
                    outcome,
                },
            )
            .await
            .map(|_| ())
    }
}

fn wit_kind(kind: &str) -> wit::IntentKind {
    use ralex_intent::IntentKind as K;
    match kind.parse::<K>().unwrap_or(K::Unknown) {
        K::Read => wit::IntentKind::Read,
        K::Search => wit::IntentKind::Search,
        K::Explain => wit::IntentKind::Explain,
        K::Edit => wit::IntentKind::Edit,
        K::Create => wit::IntentKind::Create,
        K::Refactor => wit::IntentKind::Refactor,
        K::Fix => wit::IntentKind::Fix,
        K::Test => wit::IntentKind::Test,
        K::Git => wit::IntentKind::Git,
        K::Undo => wit::IntentKind::Undo,
        K::Workflow => wit::IntentKind::Workflow,
        K::Analyze => wit::IntentKind::Analyze,
        K::Docs => wit::IntentKind::Docs,
        K::Chat => wit::IntentKind::Chat,
        K::Unknown => wit::IntentKind::Unknown,
    }
}

fn wit_risk(risk: &str) -> wit::Risk {
    match risk.parse::<ralex_intent::Risk>() {
        Ok(ralex_intent::Risk::ReadOnly) => wit::Risk::ReadOnly,
        Ok(ralex_intent::Risk::Destructive) => wit::Risk::Destructive,
        _ => wit::Risk::Modify,
    }
}

/// The WIT form of a routing question.
pub fn route_request(input: &ralex_models::RouteInput) -> RouteRequest {
    RouteRequest {
        kind: wit_kind(&input.kind),
        risk: wit_risk(&input.risk),
        context_tokens: input.context_tokens,
        needed_capabilities: input.needed.clone(),
        latency: match input.latency {
            ralex_models::Latency::Fast => LatencyPreference::Fast,
            ralex_models::Latency::Balanced => LatencyPreference::Balanced,
            ralex_models::Latency::Thorough => LatencyPreference::Thorough,
        },
        catalogue: input
            .catalogue
            .iter()
            .map(|c| ModelInfo {
                name: c.spec.name.clone(),
                provider: c.spec.provider.clone(),
                context_window: c.spec.context_window,
                input_per_mtok: c.spec.input_per_mtok,
                output_per_mtok: c.spec.output_per_mtok,
                capabilities: c.spec.capabilities.clone(),
                tier: c.spec.tier,
                cooling_down: c.cooling_down,
            })
            .collect(),
        budgets: Budgets {
            day: input.budgets.day,
            month: input.budgets.month,
            session: input.budgets.session,
        },
    }
}

impl ralex_models::Router for PluginRouter {
    fn route(&self, input: ralex_models::RouteInput) -> ralex_models::router::RouteFuture<'_> {
        Box::pin(async move {
            let request = route_request(&input);
            let decision = self
                .host
                .route(&self.plugin, CallContext::default(), request)
                .await
                .map_err(|e| match e {
                    CallError::Plugin {
                        code: crate::ErrorCode::LimitExceeded,
                        message,
                        ..
                    } => ralex_models::RouteError {
                        message,
                        over_budget: true,
                    },
                    other => ralex_models::RouteError::from(other.to_string()),
                })?
                .value;
            Ok(ralex_models::RouteChoice {
                model: decision.model,
                fallbacks: decision.fallbacks,
                estimated_cost_usd: decision.estimated_cost_usd,
                reason: decision.reason,
            })
        })
    }
}
