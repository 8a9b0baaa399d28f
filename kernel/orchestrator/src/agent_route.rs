//! Choosing the model of a model-backed command: the router plugin, once per
//! command, within its time limit. No router or a failing one means the model
//! layer's default model; a budget refusal stops the command (`denied`).

use ralex_intent::Intent;
use ralex_models::{Latency, ModelError, RouteChoice, RouteInput};
use tracing::Instrument;

use crate::agent_prompt::Prompt;
use crate::answer::{Answer, Status};
use crate::context;
use crate::orchestrator::{Ctx, Orchestrator};

impl Orchestrator {
    /// The router's choice; `Ok(None)` when there is no router (the model layer
    /// then uses the default model), an answer when the budget forbids the work.
    pub(crate) async fn route(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
        models: &ralex_models::Models,
        kind: &str,
        risk: &str,
        prompt: &Prompt,
    ) -> Result<Option<RouteChoice>, Box<Answer>> {
        if self.roles.router.is_none() {
            return Ok(None);
        }
        ctx.emit.emit("route", "Choosing a model");
        let tokens = context::tokens(&prompt.system) + context::tokens(&prompt.context);
        let input = RouteInput {
            kind: kind.to_owned(),
            risk: risk.to_owned(),
            context_tokens: tokens.min(u32::MAX as usize) as u32,
            needed: vec!["tools".into()],
            latency: Latency::Balanced,
            catalogue: models.candidates(),
            budgets: models.remaining(Some(&ctx.request.session_id)),
        };
        let routed = tokio::time::timeout(self.settings.route_timeout, models.route(input))
            .instrument(tracing::info_span!("stage", name = "route"))
            .await;
        match routed {
            Ok(Ok(choice)) => Ok(Some(choice)),
            Ok(Err(ModelError::Budget(why))) => Err(Box::new(ctx.answer(
                intent,
                Status::Denied,
                format!("I did not start: {why}. Nothing was changed."),
            ))),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "routing failed; the default model is used");
                Ok(None)
            }
            Err(_) => {
                tracing::warn!("routing ran out of time; the default model is used");
                Ok(None)
            }
        }
    }
}
