//! Calls into `workflow-step` plugins: untrusted workflow code, run with a fresh
//! instance per step and only the capabilities its manifest asks for and the
//! policy grants.

pub use crate::bindings::workflow_step::exports::ralex::plugin::step::{StepInput, StepOutput};

use crate::call::{CallOutcome, wrong_world};
use crate::error::CallError;
use crate::plugin::{Plugin, WorldPre};
use crate::state::CallContext;
use crate::{Host, World};

impl Host {
    /// Run one workflow step.
    pub async fn run_step(
        &self,
        plugin: &Plugin,
        context: CallContext,
        input: StepInput,
    ) -> Result<CallOutcome<StepOutput>, CallError> {
        let WorldPre::WorkflowStep(pre) = &plugin.pre else {
            return Err(wrong_world(plugin, World::WorkflowStep));
        };
        let pre = pre.clone();
        let call = self.begin(plugin, context).await?;
        call.finish(async move |store| {
            let step = pre.instantiate_async(&mut *store).await?;
            step.ralex_plugin_step().call_run(&mut *store, &input).await
        })
        .await
    }
}
