//! Calls into `pattern-learner` plugins.

pub use crate::bindings::pattern_learner::exports::ralex::plugin::learner::{Observation, Pattern};
pub use crate::bindings::workflow_step::ralex::plugin::types::Intent as WitIntent;

use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

impl Host {
    /// Tell a `pattern-learner` plugin what happened after a command.
    pub async fn observe(
        &self,
        plugin: &Plugin,
        context: CallContext,
        observation: Observation,
    ) -> Result<CallOutcome<()>, CallError> {
        let WorldPre::PatternLearner(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::PatternLearner));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let learner = pre.instantiate_async(&mut *store).await?;
            learner
                .ralex_plugin_learner()
                .call_observe(&mut *store, &observation)
                .await
        })
        .await
    }

    /// Ask a `pattern-learner` plugin for patterns relevant to an intent.
    pub async fn suggest(
        &self,
        plugin: &Plugin,
        context: CallContext,
        intent: WitIntent,
    ) -> Result<CallOutcome<Vec<Pattern>>, CallError> {
        let WorldPre::PatternLearner(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::PatternLearner));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let learner = pre.instantiate_async(&mut *store).await?;
            learner
                .ralex_plugin_learner()
                .call_suggest(&mut *store, &intent)
                .await
        })
        .await
    }
}
