//! Calls into `model-router` plugins.

pub use crate::bindings::model_router::exports::ralex::plugin::router::{
    Budgets, LatencyPreference, ModelInfo, Outcome, OutcomeKind, RouteDecision, RouteRequest,
};

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
